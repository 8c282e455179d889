"""Helpers and fixtures of the grading tests, imported by the test modules.
Shared helpers live in tests/testkit.py."""

from __future__ import annotations

import json
import shutil
import time
import warnings
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SUBMISSIONS = FIXTURES / "submissions"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())


def submit_directly(course, student: str, notebook: Path, assignment: str = "mini") -> None:
    """Put a submission where `nbgrader collect` would (submitted/<student>/<assignment>/)."""
    dest = course.root / "submitted" / student / assignment
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(notebook, dest / f"{assignment}.ipynb")
    (dest / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")


@pytest.fixture(scope="session")
def mini_course_factory(tmp_path_factory):
    """Create a course with the fixture assignment (nbgrader generate_assignment done once, then copied)."""
    from civicai.grading.course import Course, create_course

    warnings.filterwarnings("ignore")
    base = tmp_path_factory.mktemp("modele") / "var"
    template = create_course(base, "essai", source_root=FIXTURES / "source")

    def make(state_dir: Path) -> Course:
        """A fresh copy of the course « essai » in ``state_dir`` (the gradebook keeps its course id)."""
        from civicai.grading.course import write_config

        course = Course(state_dir, "essai")
        shutil.copytree(template.root, course.root)
        course.exchange_root.mkdir(parents=True, exist_ok=True)
        write_config(course)
        return course

    return make


@pytest.fixture(scope="session")
def graded_course(mini_course_factory, tmp_path_factory):
    """Every fixture submission graded in one batch; returns (course, results by student, seconds)."""
    from civicai.grading.autograde import Limits, autograde

    course = mini_course_factory(tmp_path_factory.mktemp("hostile") / "var")
    for nb in sorted(SUBMISSIONS.glob("*.ipynb")):
        submit_directly(course, nb.stem, nb)
    link = course.root / "submitted" / "symlink-to-gradebook" / "mini" / "notes.db"
    link.symlink_to(course.gradebook_path)
    huge = json.loads((SUBMISSIONS / "correct.ipynb").read_text())
    code = next(c for c in huge["cells"] if c["cell_type"] == "code")
    code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x" * (100 * 1024**2)}]
    dest = course.root / "submitted" / "huge-file" / "mini"
    dest.mkdir(parents=True)
    (dest / "mini.ipynb").write_text(json.dumps(huge))
    (dest / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
    t0 = time.perf_counter()
    results = autograde(course, "mini", workers=2, limits=Limits(cell_timeout=5, submission_timeout=60,
                                                                           memory_bytes=1024**3))
    seconds = time.perf_counter() - t0
    return course, {r.student: r for r in results}, seconds


def strip_solution_markers(source: str) -> str:
    return "\n".join(line for line in source.splitlines()
                     if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))


def solution_copy(source_nb: Path, release_nb: Path, overrides: dict | None = None, *, keep_stub: tuple = ()):
    """The released notebook with the source's solutions as a student's answers.

    ``overrides``: grade_id -> code to put instead; ``keep_stub``: grade_ids left unanswered.
    """
    import nbformat

    src = nbformat.read(source_nb, as_version=4)
    solutions = {c.metadata["nbgrader"]["grade_id"]: strip_solution_markers(c.source) for c in src.cells
                 if c.metadata.get("nbgrader", {}).get("solution")}
    nb = nbformat.read(release_nb, as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        gid = meta.get("grade_id")
        if meta.get("solution") and gid in solutions and gid not in keep_stub:
            cell.source = (overrides or {}).get(gid, solutions[gid])
    return nb


def answer_cells(source_nb: Path) -> list[str]:
    import nbformat

    nb = nbformat.read(source_nb, as_version=4)
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"]


def points_of(source_nb: Path, prefix: str = "") -> float:
    import nbformat

    nb = nbformat.read(source_nb, as_version=4)
    return sum(c.metadata["nbgrader"].get("points", 0) for c in nb.cells
               if c.metadata.get("nbgrader", {}).get("grade") and c.metadata["nbgrader"]["grade_id"].startswith(prefix))


def probe_scores(course_factory, tmp_path: Path, overrides: dict) -> dict:
    """Grade one copy of the mini fixture with ``overrides`` (grade_id -> code), from a warm template and afresh;
    return ``{True: scores, False: scores}`` (grade_id -> points). Probes ask the kernel what it is made of."""
    import nbformat

    from civicai.grading.autograde import Limits, autograde

    scores = {}
    for warm in (True, False):
        course = course_factory(tmp_path / f"chaud-{warm}" / "var")
        nb = solution_copy(FIXTURES / "source" / "mini" / "mini.ipynb",
                           course.root / "release" / "mini" / "mini.ipynb", overrides)
        path = tmp_path / f"sonde-{warm}.ipynb"
        nbformat.write(nb, path)
        submit_directly(course, "sonde", path)
        [res] = autograde(course, "mini", workers=1, warm_kernels=warm,
                          limits=Limits(cell_timeout=10, submission_timeout=90))
        assert res.ok, res.log_tail
        scores[warm] = {g["grade_id"]: g["auto_score"] for g in res.grades}
    return scores
