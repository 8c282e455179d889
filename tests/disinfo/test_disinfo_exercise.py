"""Does the module 3 nbgrader assignment give 10/10 to the solution and 0 to a blank copy?

Self-contained: a temporary course directory, nbgrader's own CLI and Gradebook API.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from testkit import REPO

pytestmark = pytest.mark.slow
ASSIGNMENT = "m3-desinfo"
SOURCE = REPO / "exercises" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def nbgrader(course, *args):
    # nbgrader runs the `alembic` script of its own environment: put the venv's bin/ first.
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args, "--force"], cwd=course, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def test_source_assignment_structure():
    """Descriptive grade ids, every test cell opens with a docstring, exactly 10 points."""
    nb = nbformat.read(SOURCE, as_version=4)
    meta = [c.metadata["nbgrader"] for c in nb.cells if "nbgrader" in c.metadata]
    ids = [m["grade_id"] for m in meta]
    assert len(ids) == len(set(ids)) and not any(i.startswith("cell-") for i in ids)
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert sum(c.metadata["nbgrader"]["points"] for c in tests) == 10
    assert all(c.source.startswith('"""') for c in tests)
    assert all("### BEGIN HIDDEN TESTS" in c.source for c in tests)
    assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code")


def test_solution_gets_10_and_blank_gets_0(tmp_path):
    course = tmp_path / "course"
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    shutil.copy(SOURCE, course / "source" / ASSIGNMENT)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        f"c.CourseDirectory.db_assignments = [dict(name={ASSIGNMENT!r})]\n"
        "c.CourseDirectory.db_students = [dict(id='solution'), dict(id='vide')]\n"
        "c.ClearSolutions.code_stub = {'python': '# VOTRE CODE ICI\\nraise NotImplementedError()'}\n"
        "c.ExecutePreprocessor.timeout = 300\n")
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    release = course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    released = release.read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in released and "HIDDEN TESTS" not in released
    assert "VOTRE CODE ICI" in released
    for student, notebook in (("solution", SOURCE), ("vide", release)):
        target = course / "submitted" / student / ASSIGNMENT
        target.mkdir(parents=True)
        shutil.copy(notebook, target / f"{ASSIGNMENT}.ipynb")
    nbgrader(course, "autograde", ASSIGNMENT)

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assignment = gb.find_assignment(ASSIGNMENT)
        assert assignment.max_score == 10
        solution = gb.find_submission(ASSIGNMENT, "solution").score
        blank = gb.find_submission(ASSIGNMENT, "vide").score
    print(f"\nsolution: {solution}/10, blank: {blank}/10")
    assert solution == 10
    assert blank == 0
