"""Hostile submissions: is each one graded, flagged, without hanging the batch or touching others' grades?"""

from __future__ import annotations

import json
import os
import sqlite3

import pytest

from gradingtools import EXPECTED, SUBMISSIONS, graded_course, mini_course_factory  # noqa: F401

pytestmark = pytest.mark.slow
SCENARIOS = sorted([p.stem for p in SUBMISSIONS.glob("*.ipynb")] + ["huge-file"])  # huge-file: made by the fixture


def test_every_fixture_has_an_expected_score():
    assert set(SCENARIOS) == set(EXPECTED)
    assert {"infinite-loop", "sys-exit", "fork-bomb", "huge-output", "edited-tests", "reads-hidden-tests",
            "writes-gradebook", "ignores-signals", "fake-grade-cell", "not-json", "truncated", "foreign-kernelspec",
            "symlink-to-gradebook", "huge-file"} <= set(SCENARIOS)


@pytest.mark.parametrize("student", SCENARIOS)
def test_each_submission_gets_its_own_score_and_flags(graded_course, student):
    """Does each submission get the score its answers deserve, and the flags that explain what happened?"""
    course, results, _ = graded_course
    score, flags = EXPECTED[student]
    res = results[student]
    assert res.max_score == 10
    assert res.score == pytest.approx(score), (student, res.flags, res.log_tail[-2000:])
    codes = {f.code for f in res.flags}
    assert set(flags) <= codes, (student, codes)
    for f in res.flags:  # every flag reads as a French sentence
        assert f.text and not f.text.startswith(f.code)


def test_honest_submissions_are_not_flagged(graded_course):
    _, results, _ = graded_course
    for student in ("correct", "partly-wrong", "blank"):
        assert results[student].flags == [], student
        assert results[student].ok


def test_the_batch_never_hangs(graded_course):
    """20 submissions, three of which block their kernel, on 2 workers: bounded by the per-copy limit."""
    _, results, seconds = graded_course
    print(f"batch of {len(results)} hostile/honest submissions: {seconds:.1f} s")
    assert seconds < 60 * len(results) / 2 + 30
    assert all(r.seconds < 60 + 10 for r in results.values())


def test_the_real_gradebook_holds_the_same_scores(graded_course):
    """Only the parent writes the gradebook: its scores are the graded ones, nobody got 100."""
    course, results, _ = graded_course
    with course.gradebook() as gb:
        for student, res in results.items():
            assert gb.find_submission("mini", student).score == pytest.approx(res.score), student
    db = sqlite3.connect(course.gradebook_path)
    assert db.execute("SELECT MAX(auto_score) FROM grade").fetchone()[0] <= 4
    assert db.execute("SELECT COUNT(*) FROM grade WHERE manual_score IS NOT NULL").fetchone()[0] == 0


def test_flagged_submissions_are_marked_for_the_formgrader(graded_course):
    course, results, _ = graded_course
    with course.gradebook() as gb:
        for student in ("uninterruptible-loop", "os-exit", "reads-hidden-tests", "edited-tests", "fake-grade-cell",
                        "not-json", "truncated", "symlink-to-gradebook", "ignores-signals"):
            sub = gb.find_submission("mini", student)
            assert any(nb.flagged for nb in sub.notebooks), student
        assert not any(nb.flagged for nb in gb.find_submission("mini", "correct").notebooks)


def test_hidden_tests_never_reach_the_submission(graded_course):
    """The curious submission found nothing: no path printed, and the autograded copy shows no hidden test."""
    course, _, _ = graded_course
    graded = (course.root / "autograded" / "reads-hidden-tests" / "mini" / "mini.ipynb").read_text()
    outputs = "".join(json.dumps(c.get("outputs", [])) for c in json.loads(graded)["cells"])
    assert "TROUV" not in outputs
    assert "réponse choisie : a" in outputs or "r\\u00e9ponse choisie : a" in outputs


def test_a_link_to_the_gradebook_is_never_followed(graded_course):
    """The submitted link to the gradebook reached neither the kernel nor the graded copy."""
    course, _, _ = graded_course
    graded = course.root / "autograded" / "symlink-to-gradebook" / "mini"
    cells = json.loads((graded / "mini.ipynb").read_text())["cells"]
    outputs = "".join("".join(o.get("text", "")) for c in cells for o in c.get("outputs", []))
    assert "refusé" in outputs and "SQLite" not in outputs
    assert not (graded / "notes.db").exists() or (graded / "notes.db").is_symlink()


def test_odd_files_are_named_in_french(graded_course):
    _, results, _ = graded_course
    texts = {s: " ".join(f.text for f in results[s].flags) for s in ("not-json", "truncated", "huge-file",
                                                                      "foreign-kernelspec", "fake-grade-cell")}
    assert "n'est pas un fichier JSON" in texts["not-json"] and "neuf" not in texts["not-json"]
    assert "coupé avant la fin" in texts["truncated"]
    assert "100 Mo" in texts["huge-file"]
    assert "« ir »" in texts["foreign-kernelspec"] or "ir" in texts["foreign-kernelspec"]
    assert "bonus_eleve" in texts["fake-grade-cell"]
    assert not any(f.code == "cellule-test-supprimee" for f in results["not-json"].flags)


def test_no_process_outlives_the_batch(graded_course):
    """Fork loops, stuck kernels, signal-proof loops: nothing of a sandbox is left running."""
    from civicai.grading.sandbox import DEFAULT_UID_BASE, count_user_processes

    left = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = open(f"/proc/{pid}/cmdline", "rb").read()
        except OSError:
            continue
        if b"civicai-correction-essai-" in cmd or b"civicai.grading.warmstart" in cmd:
            left.append(cmd[:200])
    assert left == []
    if os.geteuid() == 0:  # per-slot sandbox users exist only when grading runs as root
        for uid in range(DEFAULT_UID_BASE, DEFAULT_UID_BASE + 8):
            assert count_user_processes(uid) == 0, uid


def test_report_is_saved_in_french(graded_course):
    course, _, _ = graded_course
    report = json.loads((course.root / "rapports" / "correction-mini.json").read_text())
    by_student = {r["student"]: r for r in report}
    assert any("boucle sans fin" in f["texte"] for f in by_student["uninterruptible-loop"]["flags"])
