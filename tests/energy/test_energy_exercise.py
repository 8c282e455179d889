"""Does the m5-energie assignment give 10/10 to its solution and 0 to a blank copy, in real nbgrader?"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import nbformat
import pytest

from testkit import REPO

NAME = "m5-energie"
SOURCE = REPO / "exercises" / "source" / NAME / f"{NAME}.ipynb"


def test_assignment_metadata_is_complete():
    nb = nbformat.read(SOURCE, as_version=4)
    meta = [c.metadata["nbgrader"] for c in nb.cells]
    ids = [m["grade_id"] for m in meta]
    assert len(ids) == len(set(ids)) and not any(i.startswith("cell-") for i in ids)
    assert sum(m.get("points", 0) for m in meta if m["grade"]) == 10
    tests = [c for c in nb.cells if c.metadata["nbgrader"]["grade"]]
    assert all(c.source.startswith('"""') and "### BEGIN HIDDEN TESTS" in c.source for c in tests)
    assert sum("quiz" in c.metadata["nbgrader"]["grade_id"] for c in tests) == 4
    assert all(c.outputs == [] for c in nb.cells if c.cell_type == "code")
    nbformat.validate(nb)


def _nbgrader(course, *args):
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(course / ".jupyter"),
               JUPYTER_DATA_DIR=str(course / ".data"), JUPYTER_RUNTIME_DIR=str(course / ".runtime"),
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    res = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]


@pytest.mark.slow
def test_solution_scores_10_and_blank_release_scores_0(tmp_path):
    course = tmp_path / "cours"
    (course / "source" / NAME).mkdir(parents=True)
    shutil.copy(SOURCE, course / "source" / NAME / f"{NAME}.ipynb")
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.course_id = 'm5-test'\n"
        "c.ClearSolutions.code_stub = {'python': '# ÉCRIVEZ VOTRE CODE ICI\\nraise NotImplementedError()'}\n")
    _nbgrader(course, "generate_assignment", NAME, "--force")
    release = course / "release" / NAME / f"{NAME}.ipynb"
    text = "\n".join(c.source for c in nbformat.read(release, as_version=4).cells)
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    assert 'reponse_1 = "b"' not in text and "172.8" not in text and "ÉCRIVEZ VOTRE CODE ICI" in text
    for student, notebook in (("solution", SOURCE), ("vide", release)):
        target = course / "submitted" / student / NAME
        target.mkdir(parents=True)
        shutil.copy(notebook, target / f"{NAME}.ipynb")
    _nbgrader(course, "autograde", NAME, "--create")

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        solution = gb.find_submission(NAME, "solution")
        blank = gb.find_submission(NAME, "vide")
        assert solution.max_score == 10
        assert solution.score == pytest.approx(10), [(g.name, g.score) for g in solution.notebooks[0].grades]
        assert blank.score == 0, [(g.name, g.score) for g in blank.notebooks[0].grades if g.score]
