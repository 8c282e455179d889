"""Fixtures of the grading tests: a course built from the small fixture assignment, graded once."""

from __future__ import annotations

import json
import shutil
import time
import warnings
from pathlib import Path

import pytest

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
    t0 = time.perf_counter()
    results = autograde(course, "mini", workers=2, limits=Limits(cell_timeout=5, submission_timeout=60,
                                                                           memory_bytes=1024**3))
    seconds = time.perf_counter() - t0
    return course, {r.student: r for r in results}, seconds
