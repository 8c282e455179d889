"""Does the module 1 graded exercise work under the real nbgrader: 10/10 for the solution, 0 for a blank copy?"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from testkit import REPO

ASSIGNMENT = "m1-apprendre"
SOURCE = REPO / "exercises" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def _cells(nb, kind):
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get(kind)]


def test_source_assignment_is_well_formed():
    """Total exactly 10 points, descriptive unique grade_ids, hidden tests, a docstring in each test cell."""
    nb = nbformat.read(SOURCE, as_version=4)
    graded = _cells(nb, "grade")
    assert sum(c.metadata.nbgrader.points for c in graded) == 10
    ids = [c.metadata.nbgrader.grade_id for c in nb.cells if "nbgrader" in c.metadata]
    assert len(ids) == len(set(ids)) and not any(i.startswith("cell-") for i in ids)
    for c in graded:
        assert c.source.lstrip().startswith('"""'), c.metadata.nbgrader.grade_id
        assert "### BEGIN HIDDEN TESTS" in c.source, c.metadata.nbgrader.grade_id
    solutions = _cells(nb, "solution")
    assert all("### BEGIN SOLUTION" in c.source for c in solutions)
    assert sum("quiz" in c.metadata.nbgrader.grade_id for c in graded) >= 4
    nbformat.validate(nb)


@pytest.mark.slow
def test_nbgrader_generates_and_autogrades_solution_10_blank_0(tmp_path):
    from nbgrader.api import Gradebook

    course = tmp_path / "course"
    shutil.copytree(SOURCE.parent, course / "source" / ASSIGNMENT)
    db = f"sqlite:///{course / 'gradebook.db'}"
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        f"c.CourseDirectory.db_url = {db!r}\n"
        "c.ExecutePreprocessor.timeout = 120\n"
        "c.ClearSolutions.code_stub = {'python': '# ÉCRIVEZ VOTRE CODE ICI\\nraise NotImplementedError()'}\n")

    def nbgrader(*args):
        # nbgrader runs the `alembic` command of its own environment to create the gradebook
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
        proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        return proc

    nbgrader("generate_assignment", ASSIGNMENT, "--force")
    release = course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    released = nbformat.read(release, as_version=4)
    text = "\n".join(c.source for c in released.cells)
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    assert 'reponse_1 = "b"' not in text and "ÉCRIVEZ VOTRE CODE ICI" in text

    with Gradebook(db) as gb:
        for student in ("solution", "vide"):
            gb.update_or_create_student(student)
    for student, notebook in (("solution", SOURCE), ("vide", release)):
        dest = course / "submitted" / student / ASSIGNMENT
        dest.mkdir(parents=True)
        shutil.copy(notebook, dest / f"{ASSIGNMENT}.ipynb")
    nbgrader("autograde", ASSIGNMENT, "--force")

    with Gradebook(db) as gb:
        solution = gb.find_submission(ASSIGNMENT, "solution")
        blank = gb.find_submission(ASSIGNMENT, "vide")
        assert solution.max_score == 10
        assert solution.score == pytest.approx(10), [(g.name, g.score) for g in solution.notebooks[0].grades]
        assert blank.score == 0, [(g.name, g.score) for g in blank.notebooks[0].grades if g.score]
