"""In real Chromium on a real hub, the whole grading cycle from the room's French pages: the facilitator
distributes, a participant fetches and submits a written answer (with a ``<script>`` in it), the facilitator
collects, autogrades, grades the written answer by hand, gives the feedback back; the gradebook, the CSV and
the feedback show the hand-given points; a participant gets 403 on the grading page and its POST."""

from __future__ import annotations

import csv
import io
import json
import re
import time

import pytest
import requests

from hubtools import ADMIN_PASSWORD
from roomhub import log_in
from testkit import REPO, axe_serious

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]
COURSE, TASK, CELL = "ecrit", "ecrit", "biais_explication"
ANSWER = 'Trop peu de photos de certaines personnes. <script>document.title = "pirate"</script><b>gras</b>'


def test_the_grading_cycle_from_the_room(browser, room_hub, tmp_path):
    from civicai.grading.course import Course, create_course

    hub = room_hub
    create_course(hub.state_dir, COURSE, source_root=REPO / "tests" / "room" / "fixtures" / "source",
                  teachers=["formateur"])
    course = Course(hub.state_dir, COURSE)
    with course.gradebook() as gb:
        gb.add_student("sami", first_name="Sami", last_name="Benali")
    hub.create_users("sami")
    # the hub made its course groups when it started, before this course existed: the same group, by its API
    assert hub.api("POST", f"/groups/nbgrader-{COURSE}").status_code in (201, 409)
    assert hub.api("POST", f"/groups/nbgrader-{COURSE}/users", json={"users": ["sami"]}).status_code == 200
    admin = log_in(browser, hub, "formateur", ADMIN_PASSWORD)
    try:
        _cycle(hub, admin, course)
    except Exception:
        admin.screenshot(path=str(tmp_path / "formateur.png"), full_page=True)
        print(f"screenshot in {tmp_path}\n{hub.log()[-4000:]}")
        raise


def step(admin, label: str, expect: str) -> None:
    """Click one step's button on the grading page and wait for the command's success and its output."""
    admin.get_by_role("button", name=f"{label} : {TASK}").click()
    admin.locator("#etape-etat", has_text="C'est fait").wait_for(timeout=300_000)
    assert expect in admin.inner_text("#etape-sortie"), admin.inner_text("#etape-sortie")


def _cycle(hub, admin, course):
    admin.wait_for_url(re.compile(r"/services/salle/$"), timeout=60_000)
    admin.goto(f"{hub.service_url}correction")
    step(admin, "Distribuer", TASK)

    hub.spawn("sami")
    token = hub.user_token("sami")

    def call(method, path, **kw):
        return requests.request(method, f"{hub.url}/user/sami/{path}", headers={"Authorization": f"token {token}"},
                                timeout=120, **kw)

    assert call("POST", "assignments/fetch", data={"course_id": COURSE, "assignment_id": TASK}).json()["success"]
    fetched = next((hub.state_dir / "homes" / "sami").rglob(f"{TASK}/{TASK}.ipynb"))
    nb = json.loads(fetched.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        gid = cell["metadata"].get("nbgrader", {}).get("grade_id")
        cell["source"] = {CELL: ANSWER, "double_reponse": "def double(x):\n    return 2 * x"}.get(gid, cell["source"])
    rel = fetched.relative_to(hub.state_dir / "homes" / "sami").as_posix()
    r = call("PUT", f"api/contents/{rel}", json={"type": "notebook", "format": "json", "content": nb})
    assert r.status_code == 200, r.text
    assert call("POST", "assignments/submit", data={"course_id": COURSE, "assignment_id": TASK}).json()["success"]

    admin.reload()
    step(admin, "Ramasser les copies", f"Copies ramassées pour « {TASK} » : 1")
    step(admin, "Corriger automatiquement", "sami")

    # the written answer, graded by hand in French
    admin.goto(f"{hub.service_url}correction")
    admin.get_by_role("link", name=f"Noter les réponses écrites : {TASK}").click()
    admin.locator("#progression", has_text="0 réponse sur 1 notée").wait_for(timeout=30_000)
    shown = admin.locator(".reponse-ecrite").inner_text()
    assert ANSWER in shown  # the learner's markup is text: nothing of it ran or rendered
    assert admin.title().startswith("Noter") and admin.locator("#reponses script, #reponses b").count() == 0
    assert axe_serious(admin) == []
    points, comment = admin.get_by_label("Points (de 0 à 3)"), admin.get_by_label("Commentaire pour la personne")
    points.fill("4")
    comment.fill("Bonne idée, à développer.")
    comment.press("Tab")
    admin.keyboard.press("Enter")  # the keyboard alone: Tab to the button, Enter
    admin.locator(".erreur", has_text="hors barème").first.wait_for(timeout=30_000)
    assert comment.input_value() == "Bonne idée, à développer." and points.input_value() == "4"
    assert axe_serious(admin) == []
    points.fill("2,5")
    admin.get_by_role("button", name=f"Enregistrer la note de Sami Benali pour {CELL}").click()
    admin.locator("#progression", has_text="1 réponse sur 1 notée").wait_for(timeout=30_000)
    assert re.search(r"#reponse-[0-9a-f]{12}$", admin.url)  # back at the answer just graded
    admin.locator(f"{admin.url[admin.url.index('#'):]} .enregistre", has_text="Note enregistrée").wait_for()
    with course.gradebook() as gb:
        assert gb.find_grade(CELL, TASK, TASK, "sami").manual_score == 2.5
        assert gb.find_comment(CELL, TASK, TASK, "sami").manual_comment == "Bonne idée, à développer."

    admin.goto(f"{hub.service_url}correction")
    step(admin, "Rendre les corrections", "Corrections prêtes et déposées pour 1 élève")
    feedback = next(course.root.glob(f"feedback/sami/{TASK}/{TASK}.html")).read_text(encoding="utf-8")
    assert "(Score: 3.5 / 4.0)" in feedback and "Bonne idée, à développer." in feedback
    data = admin.request.get(f"{hub.service_url}correction/{COURSE}.csv").text().lstrip("\ufeff")
    rows = {r[0]: r for r in csv.reader(io.StringIO(data), delimiter=";")}
    assert rows["sami"][4:6] == ["3,5", "3,5"], rows

    # a participant, and a facilitator who does not grade this course: 403 on the page and on its POST
    hub.create_users("autre-formatrice")
    assert hub.api("POST", "/groups/formateurs/users", json={"users": ["autre-formatrice"]}).status_code == 200
    other = hub.user_token("autre-formatrice")
    url = f"{hub.service_url}correction/{COURSE}/{TASK}"
    form = {"student": "sami", "notebook": TASK, "cell": CELL, "points": "3", "comment": ""}
    for who, why in ((token, "réservée aux personnes qui animent"), (other, "confié à quelqu")):
        auth = {"Authorization": f"token {who}"}
        deadline = time.monotonic() + 20  # the room asks the hub who the facilitators are every 10 s
        while why not in (r := requests.get(url, headers=auth, timeout=30)).text and time.monotonic() < deadline:
            time.sleep(1)
        assert r.status_code == 403 and why in r.text
        assert requests.post(url, headers=auth, data=form, timeout=30).status_code == 403
        assert requests.post(f"{hub.service_url}api/grading/{COURSE}/{TASK}/retours", headers=auth,
                             timeout=30).status_code == 403
    with course.gradebook() as gb:
        assert gb.find_grade(CELL, TASK, TASK, "sami").manual_score == 2.5
