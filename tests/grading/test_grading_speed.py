"""What keeps a class of 40 within a minute: each one checks a cost the batch no longer pays per copy.

The figures themselves come from benchmarks/bench_autograde.py (ratios in the same run), never from a timed test.
"""

from __future__ import annotations

import pytest

from gradingtools import SUBMISSIONS, mini_course_factory, probe_scores, submit_directly  # noqa: F401

from civicai.grading.autograde import Limits, autograde

# Right answers only in a kernel that keeps no input history file (IPython's history thread wrote and synced an
# SQLite file after every cell) and whose traceback machinery was readied by the template (``inspect``'s table of
# modules already filled before the kernel formats its first error).
PROBE = '''import inspect
NO_HISTORY = not get_ipython().history_manager.enabled
READY_TRACEBACKS = len(inspect.modulesbyfile) > 100
'''


def test_grading_children_write_their_gradebook_copy_without_syncing(tmp_path):
    """The child's throw-away gradebook copy is written without waiting for the disk (nbgrader commits ~40 times)."""
    from sqlalchemy import create_engine, event, text
    from sqlalchemy.engine import Engine

    from civicai.grading.execute import _no_sync_for_copies

    listener = _no_sync_for_copies()
    try:
        engine = create_engine(f"sqlite:///{tmp_path / 'copie.db'}")
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 0
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "memory"
        engine.dispose()
    finally:
        event.remove(Engine, "connect", listener)


@pytest.mark.slow  # starts kernel templates
def test_warm_kernels_keep_no_history_file_and_have_tracebacks_ready(mini_course_factory, tmp_path):
    scores = probe_scores(mini_course_factory, tmp_path, {
        "moyenne_reponse": PROBE + "def moyenne(notes):\n    return sum(notes) / len(notes) + (0 if NO_HISTORY else 1)",
        "qcm_reponse": 'reponse_qcm = "b" if READY_TRACEBACKS else "a"'})
    assert scores[True] == {"moyenne_calculee": 4, "qcm_correct": 2, "compte_mots_correct": 4}
    # started afresh: no history either, but nothing readied the tracebacks (the probe itself works)
    assert scores[False] == {"moyenne_calculee": 4, "qcm_correct": 0, "compte_mots_correct": 4}


@pytest.mark.slow  # starts kernel templates
def test_each_copy_is_in_the_gradebook_as_soon_as_it_is_graded(mini_course_factory, tmp_path):
    """The batch writes a copy's scores while the next copies run (it used to wait for the last copy)."""
    course = mini_course_factory(tmp_path / "var")
    for i in range(3):
        submit_directly(course, f"eleve{i}", SUBMISSIONS / "correct.ipynb")
    seen = []

    def progress(res):
        with course.gradebook() as gb:
            seen.append((res.student, gb.find_submission("mini", res.student).score, res.score))

    results = autograde(course, "mini", workers=1, progress=progress,
                        limits=Limits(cell_timeout=10, submission_timeout=90))
    assert [r.score for r in results] == [10, 10, 10], [r.log_tail for r in results]
    assert seen == [(f"eleve{i}", 10, 10) for i in range(3)]
