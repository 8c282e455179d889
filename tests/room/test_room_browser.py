"""In real Chromium on a real hub: participants open a module notebook and answer its prediction step from
their kernels; the facilitator lands on the room, sees them in the right notebook, the room's answers
(nothing under 5 people), projects them without a name; a participant gets 403 and only their own page."""

from __future__ import annotations

import re

import pytest

from hubtools import ADMIN_PASSWORD, WORKSHOP_CODE
from roomhub import MODULE, NOTEBOOK, log_in
from testkit import axe_serious

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]
PEOPLE = ["ines", "jules", "karim"]
PREDICTIONS = {"ines": 30, "jules": 45, "karim": 45, "lea": 60, "malo": 12}


def test_the_room_live(browser, room_hub, tmp_path):
    pages = {}
    try:
        _scenario(browser, room_hub, pages)
    except Exception:
        for name, page in pages.items():
            page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
        print(f"screenshots in {tmp_path}\n{room_hub.log()[-4000:]}")
        raise


def _scenario(browser, hub, pages):
    hub.create_users(*PEOPLE, "lea", "malo")
    tokens, kernels = {}, {}
    for name in PEOPLE:
        hub.spawn(name)
        tokens[name] = hub.user_token(name)
        kernels[name] = hub.open_notebook(name, tokens[name])
        hub.answer_from_kernel(name, tokens[name], kernels[name], "M2-P1", PREDICTIONS[name])
    # karim's last cell fails: the room marks him, without showing his code
    out = hub.run_code("karim", tokens["karim"], "1 / 0  # secret-de-karim", kernel_id=kernels["karim"])
    assert out["error"].startswith("ZeroDivisionError")

    # the facilitator lands on the room after login
    admin = pages["formateur"] = log_in(browser, hub, "formateur", ADMIN_PASSWORD)
    admin.wait_for_url(re.compile(r"/services/salle/$"), timeout=60_000)
    rows = admin.locator("#presents tbody tr")
    for name in PEOPLE:
        row = admin.locator(f"#presents tr[data-name='{name}'] td.carnet")
        row.wait_for(timeout=30_000)
        assert row.inner_text() == f"{MODULE} / {NOTEBOOK}"
    admin.locator("tr[data-name='karim'] td.difficulte", has_text="erreur dans la dernière cellule").wait_for(
        timeout=30_000)
    assert rows.locator("td.difficulte").count() == 1
    assert "secret-de-karim" not in admin.content() and "ZeroDivision" not in admin.content()

    # privacy: 3 answers, nothing shown, neither on the page nor in the API
    block = admin.locator("#reponses section", has_text="M2-P1")
    block.locator(".masque").wait_for(timeout=30_000)
    assert "3 personnes ont répondu" in block.inner_text() and "Médiane" not in block.inner_text()
    facilitator_token = hub.user_token("formateur")
    [q] = hub.service("GET", f"answers?module={MODULE}", facilitator_token).json()["questions"]
    assert q["hidden"] and not {"histogram", "median"} & set(q)
    assert axe_serious(admin) == []

    # two more people answer (with their own tokens): from 5 on, the room sees its answers
    for name in ("lea", "malo"):
        r = hub.service("POST", "answers", hub.user_token(name), json={
            "module": MODULE, "notebook": NOTEBOOK, "question": "M2-P1", "kind": "number", "value": PREDICTIONS[name]})
        assert r.status_code == 201, r.text
    block.locator("text=Médiane : 45").wait_for(timeout=30_000)
    assert "5 personnes ont répondu" in block.inner_text()
    assert axe_serious(admin) == []

    # the projector: the answers, big, and nothing that names anyone
    with admin.context.expect_page() as opened:
        block.get_by_role("link", name="Montrer à la salle la question M2-P1").click()
    wall = pages["projection"] = opened.value
    wall.locator("#projection section", has_text="Médiane : 45").wait_for(timeout=30_000)
    text = wall.inner_text("body")
    assert not any(name in text for name in PREDICTIONS)
    assert axe_serious(wall) == []

    # a fresh copy of the notebook for ines, next to hers
    admin.get_by_role("button", name=f"Donner à ines une copie neuve de {NOTEBOOK}").click()
    admin.locator("#etat", has_text="Carnet neuf déposé chez ines").wait_for(timeout=30_000)
    copy = admin.inner_text("#etat").split(" : ", 1)[1].strip()
    assert copy.startswith(f"modules/{MODULE}/02-l-audit-copie-neuve-")
    listing = hub.user_get("ines", f"api/contents/modules/{MODULE}", tokens["ines"]).json()["content"]
    assert copy.rsplit("/", 1)[1] in [f["name"] for f in listing]

    # stop jules's server from the page
    admin.get_by_role("button", name="Arrêter le serveur de jules").click()
    admin.get_by_role("button", name="Démarrer le serveur de jules", exact=True).wait_for(timeout=60_000)
    assert hub.api("GET", "/users/jules").json()["servers"] == {}

    # a participant: their own progress; 403 on the room's page and API
    ines = pages["ines"] = log_in(browser, hub, "ines", WORKSHOP_CODE, "/services/salle/")
    ines.wait_for_url(re.compile(r"/services/salle/$"), timeout=60_000)
    ines.locator("#moi li", has_text=MODULE).wait_for(timeout=30_000)
    assert "1 question répondue" in ines.inner_text("#moi")
    assert axe_serious(ines) == []
    for path in ("projection", "quiz", "correction", "correction/essai.csv"):
        assert ines.goto(f"{hub.service_url}{path}").status == 403
        assert "réservée aux personnes qui animent" in ines.inner_text("main")
    for method, path in [("GET", "room"), ("GET", "answers"), ("POST", "participants/jules/start"),
                         ("POST", "grading/essai/mini/distribuer")]:
        assert hub.service(method, path, tokens["ines"]).status_code == 403

