"""Does the m2-biais assignment give 10/10 to its solution and 0 to a blank copy, in real nbgrader?"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import nbformat
import pytest

from testkit import REPO

SOURCE = REPO / "exercises" / "source" / "m2-biais" / "m2-biais.ipynb"


def test_assignment_metadata_is_complete():
    nb = nbformat.read(SOURCE, as_version=4)
    meta = [c.metadata["nbgrader"] for c in nb.cells]
    ids = [m["grade_id"] for m in meta]
    assert len(ids) == len(set(ids)), "grade_ids must be unique"
    assert not any(i.startswith("cell-") for i in ids), "grade_ids must be descriptive"
    assert sum(m.get("points", 0) for m in meta if m["grade"]) == 10
    tests = [c for c in nb.cells if c.metadata["nbgrader"]["grade"]]
    assert all(c.source.startswith('"""') for c in tests), "each test cell opens with a docstring"
    assert all("### BEGIN HIDDEN TESTS" in c.source for c in tests)
    assert all(c.outputs == [] for c in nb.cells if c.cell_type == "code")


def _nbgrader(course, *args):
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(course / ".jupyter"),
               JUPYTER_DATA_DIR=str(course / ".data"), JUPYTER_RUNTIME_DIR=str(course / ".runtime"),
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    res = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    return res


@pytest.mark.slow
def test_solution_scores_10_and_blank_release_scores_0(tmp_path):
    course = tmp_path / "cours"
    (course / "source" / "m2-biais").mkdir(parents=True)
    shutil.copy(SOURCE, course / "source" / "m2-biais" / "m2-biais.ipynb")
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.course_id = 'm2-test'\n"
        "c.ClearSolutions.code_stub = {'python': '# VOTRE CODE ICI\\nraise NotImplementedError()'}\n")
    _nbgrader(course, "generate_assignment", "m2-biais", "--force")
    release = course / "release" / "m2-biais" / "m2-biais.ipynb"
    released = nbformat.read(release, as_version=4)
    text = "\n".join(c.source for c in released.cells)
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    assert 'reponse_quiz_1 = "b"' not in text and "VOTRE CODE ICI" in text
    for student, notebook in (("solution", SOURCE), ("vide", release)):
        target = course / "submitted" / student / "m2-biais"
        target.mkdir(parents=True)
        shutil.copy(notebook, target / "m2-biais.ipynb")
    _nbgrader(course, "autograde", "m2-biais", "--create")

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        solution = gb.find_submission("m2-biais", "solution")
        blank = gb.find_submission("m2-biais", "vide")
        assert solution.max_score == 10
        assert solution.score == 10
        assert blank.score == 0
