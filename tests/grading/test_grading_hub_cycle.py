"""The full cycle on a real hub, with a module's real exercise and two courses.

A teacher releases m2-biais; two students fetch and submit it from their own servers (one right,
one partly wrong); the teacher collects, autogrades, generates feedback and exports; each student
fetches only their own feedback. A teacher of course A reaches A's formgrader, not B's.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time

import pytest
import requests

from gradingtools import FIXTURES, REPO, points_of, solution_copy
from hubtools import RunningHub

pytestmark = [pytest.mark.hub, pytest.mark.slow]
EXERCISE = "m2-biais"
SOURCE = REPO / "exercises" / "source" / EXERCISE / f"{EXERCISE}.ipynb"
WRONG_QUIZ = {"quiz_reponses": 'reponse_quiz_1 = "c"\nreponse_quiz_2 = "c"\nreponse_quiz_3 = "c"'}


def civicai(*args):
    out = subprocess.run([sys.executable, "-m", "civicai", "cours", *map(str, args)], capture_output=True,
                         text=True, timeout=600, cwd=REPO)
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    if not SOURCE.is_file():
        pytest.skip(f"{SOURCE} is missing")
    from civicai.grading.course import create_course
    from civicai.grading.roster import import_roster

    base = tmp_path_factory.mktemp("cycle")
    state = base / "var"
    a = create_course(state, "classe-a", assignments=[EXERCISE], teachers=["prof-a"])
    b = create_course(state, "classe-b", assignments=["mini"], source_root=FIXTURES / "source", teachers=["prof-b"])
    (base / "a.csv").write_text("identifiant,prénom,nom,email\nalice,Alice,Martin,alice@example.org\n"
                                "bruno,Bruno,Durand,bruno@example.org\n", encoding="utf-8")
    (base / "b.csv").write_text("identifiant;prénom;nom;email\nchloe;Chloé;Roy;chloe@example.org\n", encoding="utf-8")
    import_roster(a, base / "a.csv")
    import_roster(b, base / "b.csv")
    # the hub starts each course's formgrader before it answers: slow on a busy machine
    # prof-a and prof-b teach one course each and are not hub admins (admins may open every course)
    hub = RunningHub(state, formateurs="formateur").start(timeout=420)
    try:
        civicai("distribuer", "classe-a", EXERCISE, "--etat", state)
        civicai("distribuer", "classe-b", "mini", "--etat", state)
        hub.create_users("alice", "bruno", "chloe", "prof-a", "prof-b", "formateur")
        for name in ("alice", "bruno", "chloe"):
            hub.spawn(name)
        tokens = {n: hub.user_token(n) for n in ("alice", "bruno", "chloe", "prof-a", "prof-b", "formateur")}
        yield {"hub": hub, "state": state, "a": a, "b": b, "tokens": tokens, "base": base}
    finally:
        hub.stop()


def call(cycle, user, method, path, as_user=None, **kw):
    hub = cycle["hub"]
    token = cycle["tokens"][as_user or user]
    return requests.request(method, f"{hub.url}/user/{user}/{path}", headers={"Authorization": f"token {token}"},
                            timeout=120, **kw)


def test_students_see_only_their_courses(cycle):
    for user, courses in (("alice", ["classe-a"]), ("chloe", ["classe-b"])):
        r = call(cycle, user, "GET", "courses")
        assert r.status_code == 200, r.text
        assert r.json() == {"success": True, "value": courses}, (user, r.text, cycle["hub"].log()[-3000:])


def test_cycle_release_fetch_submit_collect_grade_feedback_export(cycle):
    hub, state, course = cycle["hub"], cycle["state"], cycle["a"]
    answers = {"alice": {}, "bruno": WRONG_QUIZ}
    for user, overrides in answers.items():
        r = call(cycle, user, "GET", "assignments", params={"course_id": "classe-a"})
        assert r.status_code == 200 and r.json()["success"], r.text
        assert [x["assignment_id"] for x in r.json()["value"] if x["status"] == "released"] == [EXERCISE]
        r = call(cycle, user, "POST", "assignments/fetch", data={"course_id": "classe-a", "assignment_id": EXERCISE})
        assert r.json()["success"], r.text
        fetched = next((state / "homes" / user).rglob(f"{EXERCISE}/{EXERCISE}.ipynb"))
        rel = fetched.relative_to(state / "homes" / user).as_posix()
        nb = solution_copy(SOURCE, fetched, overrides)
        r = call(cycle, user, "PUT", f"api/contents/{rel}", json={"type": "notebook", "format": "json", "content": nb})
        assert r.status_code == 200, r.text
        r = call(cycle, user, "POST", "assignments/submit", data={"course_id": "classe-a", "assignment_id": EXERCISE})
        assert r.json()["success"], r.text

    out = civicai("ramasser", "classe-a", EXERCISE, "--etat", state)
    assert "Copies ramassées pour « m2-biais » : 2" in out
    out = civicai("corriger", "classe-a", EXERCISE, "--etat", state)
    full = points_of(SOURCE)
    partial = full - points_of(SOURCE, "quiz_")
    assert f"alice : {full:g} / {full:g}" in out and f"bruno : {partial:g} / {full:g}" in out, out
    civicai("retours", "classe-a", EXERCISE, "--etat", state)
    civicai("exporter", "classe-a", "--etat", state, "--sortie", cycle["base"])
    with open(cycle["base"] / "notes-classe-a.csv", encoding="utf-8-sig", newline="") as fh:
        rows = {r[0]: r for r in csv.reader(fh, delimiter=";")}
    assert rows["alice"][4] == f"{full:g}" and rows["bruno"][4] == f"{partial:g}"
    with open(cycle["base"] / "moodle-classe-a.csv", encoding="utf-8", newline="") as fh:
        moodle = {r[0]: r[3] for r in csv.reader(fh)}
    assert moodle["alice@example.org"] == f"{full:.2f}" and moodle["bruno@example.org"] == f"{partial:.2f}"

    # each student fetches their feedback, and only theirs
    seen = {}
    for user in ("alice", "bruno"):
        r = call(cycle, user, "POST", "assignments/fetch_feedback",
                 data={"course_id": "classe-a", "assignment_id": EXERCISE})
        assert r.json()["success"], r.text
        files = list((state / "homes" / user).rglob("feedback/*/*.html"))
        assert len(files) == 1, files
        seen[user] = files[0]
    # each feedback shows its own student's total (nbgrader's header: "(Score: x / y)")
    assert f"(Score: {partial:.1f} / {full:.1f})" in seen["bruno"].read_text()
    assert f"(Score: {full:.1f} / {full:.1f})" in seen["alice"].read_text()
    assert f"(Score: {partial:.1f} / {full:.1f})" not in seen["alice"].read_text()
    rel = seen["bruno"].relative_to(state / "homes" / "bruno").as_posix()
    assert call(cycle, "bruno", "GET", f"files/{rel}", as_user="alice").status_code == 403
    assert call(cycle, "bruno", "GET", f"files/{rel}").status_code == 200


def test_a_teacher_reaches_their_own_formgrader_only(cycle):
    hub = cycle["hub"]

    def formgrader(course, user):
        return requests.get(f"{hub.url}/services/formgrader-{course}/formgrader/api/assignments",
                            headers={"Authorization": f"token {cycle['tokens'][user]}"}, timeout=60,
                            allow_redirects=False)

    deadline = time.monotonic() + 90
    r = formgrader("classe-a", "prof-a")
    while r.status_code in (502, 503, 404) and time.monotonic() < deadline:  # the service may still be starting
        time.sleep(1)
        r = formgrader("classe-a", "prof-a")
    assert r.status_code == 200, (r.status_code, r.text[:500], hub.log()[-3000:])
    assert EXERCISE in [x["name"] for x in r.json()]
    assert formgrader("classe-b", "prof-a").status_code == 403
    assert formgrader("classe-a", "prof-b").status_code == 403
    assert formgrader("classe-a", "alice").status_code == 403
    r = formgrader("classe-b", "prof-b")
    while r.status_code in (502, 503, 404) and time.monotonic() < deadline:
        time.sleep(1)
        r = formgrader("classe-b", "prof-b")
    assert r.status_code == 200 and [x["name"] for x in r.json()] == ["mini"]
    # the hub's admins (facilitators) are JupyterHub admins: they may open every course's formgrader
    assert formgrader("classe-b", "formateur").status_code == 200
