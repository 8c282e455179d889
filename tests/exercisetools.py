"""A module's nbgrader assignment, checked the same way for every module: its source's shape, then real
nbgrader (generate, autograde) giving 10/10 to the solution and 0 to the blank copy it released."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from testkit import REPO


def source(name: str) -> Path:
    return REPO / "exercises" / "source" / name / f"{name}.ipynb"


def check_structure(name: str) -> list:
    """Descriptive, unique grade ids; 10 points; every test cell opens with a docstring and hides tests; no
    outputs. Returns the test cells, for a module's own checks."""
    nb = nbformat.read(source(name), as_version=4)
    ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if "nbgrader" in c.metadata]
    assert len(ids) == len(set(ids)), "grade_ids must be unique"
    assert not any(i.startswith("cell-") for i in ids), "grade_ids must be descriptive"
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert sum(c.metadata["nbgrader"]["points"] for c in tests) == 10
    assert all(c.source.startswith('"""') and "### BEGIN HIDDEN TESTS" in c.source for c in tests)
    assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
    nbformat.validate(nb)
    return tests


def nbgrader(course: Path, *args: str) -> None:
    """Real nbgrader, in a Jupyter environment of its own; it runs the venv's ``alembic``: the venv's bin/ first."""
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(course / ".jupyter"),
               JUPYTER_DATA_DIR=str(course / ".data"), JUPYTER_RUNTIME_DIR=str(course / ".runtime"),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    res = subprocess.run([sys.executable, "-m", "nbgrader", *args, "--force"], cwd=course, env=env,
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]


def grade_solution_and_blank(tmp_path: Path, name: str, stub: str = "# VOTRE CODE ICI") -> tuple[str, dict]:
    """The released copy's text (all cells) and, for « solution » and « vide », (score, max score, grades)."""
    course = tmp_path / "cours"
    (course / "source" / name).mkdir(parents=True)
    shutil.copy(source(name), course / "source" / name)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.course_id = 'test'\n"
        f"c.ClearSolutions.code_stub = {{'python': {stub + chr(10) + 'raise NotImplementedError()'!r}}}\n"
        "c.ExecutePreprocessor.timeout = 300\n")
    nbgrader(course, "generate_assignment", name)
    release = course / "release" / name / f"{name}.ipynb"
    for student, notebook in (("solution", source(name)), ("vide", release)):
        (course / "submitted" / student / name).mkdir(parents=True)
        shutil.copy(notebook, course / "submitted" / student / name / f"{name}.ipynb")
    nbgrader(course, "autograde", name, "--create")

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        scores = {}
        for student in ("solution", "vide"):
            s = gb.find_submission(name, student)
            scores[student] = (s.score, s.max_score, [(g.name, g.score) for g in s.notebooks[0].grades])
    text = "\n".join(c.source for c in nbformat.read(release, as_version=4).cells)
    return text, scores
