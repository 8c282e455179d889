"""Every real exercise, graded as the kit grades it (bubblewrap sandbox, warm template): its solution gets full marks.

Guards what only the sandbox can break: a kernel that cannot reach the kit's data (m3's claims corpus scored
3/10 when the kernel could not find the kit's folder in there)."""

from __future__ import annotations

import nbformat
import pytest

from gradingtools import REPO, points_of, solution_copy

EXERCISES = sorted(p.name for p in (REPO / "exercises" / "source").iterdir() if p.is_dir())


@pytest.mark.slow
@pytest.mark.parametrize("exercise", EXERCISES)
def test_the_solution_of_every_exercise_gets_full_marks_in_the_sandbox(tmp_path, exercise):
    from civicai.grading.autograde import Limits, autograde
    from civicai.grading.course import create_course

    course = create_course(tmp_path / "var", "solutions", assignments=[exercise])
    source = next((REPO / "exercises" / "source" / exercise).glob("*.ipynb"))
    release = course.root / "release" / exercise / source.name
    dest = course.root / "submitted" / "juste" / exercise
    dest.mkdir(parents=True)
    nbformat.write(solution_copy(source, release), dest / source.name)
    (dest / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
    [res] = autograde(course, exercise, workers=1, limits=Limits(cell_timeout=60, submission_timeout=240))
    assert res.score == pytest.approx(points_of(source)), (res.grades, res.log_tail[-1500:])
    assert res.flags == [], res.flags
