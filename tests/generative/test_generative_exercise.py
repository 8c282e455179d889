"""The module 4 nbgrader assignment: 10 points, hidden tests, 10/10 for the solution and 0 for a blank copy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from testkit import REPO

ASSIGNMENT = "m4-generative"
SOURCE = REPO / "exercises" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def _nbgrader(course, *args):
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args, "--force"], cwd=course, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def test_structure_ten_points_hidden_tests_no_outputs():
    nb = nbformat.read(SOURCE, as_version=4)
    ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if "nbgrader" in c.metadata]
    assert len(ids) == len(set(ids))
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert sum(c.metadata["nbgrader"]["points"] for c in tests) == 10
    assert all(c.source.startswith('"""') and "### BEGIN HIDDEN TESTS" in c.source for c in tests)
    assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code")


@pytest.mark.slow
def test_solution_gets_10_and_blank_gets_0(tmp_path):
    course = tmp_path / "course"
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    shutil.copy(SOURCE, course / "source" / ASSIGNMENT)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        f"c.CourseDirectory.db_assignments = [dict(name={ASSIGNMENT!r})]\n"
        "c.CourseDirectory.db_students = [dict(id='solution'), dict(id='vide')]\n"
        "c.ClearSolutions.code_stub = {'python': '# VOTRE CODE ICI\\nraise NotImplementedError()'}\n")
    _nbgrader(course, "generate_assignment", ASSIGNMENT)
    release = course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert "HIDDEN TESTS" not in release.read_text(encoding="utf-8")
    for student, notebook in (("solution", SOURCE), ("vide", release)):
        (course / "submitted" / student / ASSIGNMENT).mkdir(parents=True)
        shutil.copy(notebook, course / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    _nbgrader(course, "autograde", ASSIGNMENT)
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_assignment(ASSIGNMENT).max_score == 10
        assert gb.find_submission(ASSIGNMENT, "solution").score == 10
        assert gb.find_submission(ASSIGNMENT, "vide").score == 0
