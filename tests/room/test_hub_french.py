"""Every hub page a participant or a facilitator can reach is in French and passes axe (0 serious or critical)."""

from __future__ import annotations

import re
from pprint import pformat

import pytest

from hubtools import ADMIN_PASSWORD, WORKSHOP_CODE
from testkit import REPO
from roomhub import english_in, visible_text
from testkit import axe_serious

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]


def check(page, url: str, problems: dict, *allowed: str, wait: str | None = None) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if wait:
        page.locator(wait).first.wait_for(timeout=30_000)
    page.wait_for_timeout(300)  # JupyterHub's scripts write their texts after load; ours translate them
    text = visible_text(page)
    serious = axe_serious(page)
    if english_in(text, *allowed) or serious:
        problems[url] = {"anglais": [line for line in text.splitlines() if english_in(line, *allowed)], "axe": serious}


def log_in(browser, hub, name, password):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login")
    problems = {}
    english = english_in(visible_text(page))
    if english or axe_serious(page):
        problems["login"] = {"anglais": english, "axe": axe_serious(page)}
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    page.click("#login_submit")
    page.wait_for_load_state("networkidle")
    return page, problems


def test_every_reachable_hub_page_is_french_and_accessible(browser, room_hub):
    from civicai.grading.course import create_course

    hub = room_hub
    hub.create_users("nora")
    # a course the facilitator grades: the room's French grading page lists it (nbgrader's formgrader, in
    # English, is only linked from there for manual grading, labelled « en anglais »)
    create_course(hub.state_dir, "essai", source_root=REPO / "tests" / "grading" / "fixtures" / "source",
                  teachers=["formateur"])
    problems = {}
    nora, found = log_in(browser, hub, "nora", WORKSHOP_CODE)
    problems.update(found)
    hub_url = f"{hub.url}/hub"
    check(nora, f"{hub_url}/home", problems, "nora")
    check(nora, f"{hub_url}/token", problems, "nora")
    nora.fill("#token-note", "essai")
    nora.get_by_role("button", name="Créer un jeton").click()
    nora.locator("#token-area").wait_for(timeout=30_000)
    check(nora, f"{hub_url}/token", problems, "nora", "essai")
    hub.stop_server("nora")  # logging in started it; stopped, /user/nora/ is JupyterHub's "not running" page
    check(nora, f"{hub.url}/user/nora/", problems, "nora", wait="#start")
    check(nora, f"{hub_url}/admin", problems, "nora")  # 403 for a participant
    check(nora, f"{hub_url}/cette-page-n-existe-pas", problems, "nora")
    check(nora, f"{hub.url}/services/salle/", problems, "nora", wait="#moi p, #moi ul")
    assert nora.goto(f"{hub.url}/services/salle/correction").status == 403
    check(nora, f"{hub.url}/services/salle/correction", problems, "nora")
    check(nora, f"{hub_url}/logout", problems)

    admin, found = log_in(browser, hub, "formateur", ADMIN_PASSWORD)
    problems.update({f"formateur {k}": v for k, v in found.items()})
    assert re.search(r"/services/salle/$", admin.url)
    check(admin, f"{hub.url}/services/salle/", problems, "formateur", wait="#presents table, #presents p")
    check(admin, f"{hub.url}/services/salle/projection", problems, "formateur",
          wait="#projection p, #projection section")
    check(admin, f"{hub.url}/services/salle/quiz", problems, "formateur")
    check(admin, f"{hub.url}/services/salle/correction", problems, "formateur", "essai", "mini", wait="#cours-essai")
    check(admin, f"{hub.url}/services/salle/correction/essai/mini", problems, "formateur", "essai", "mini",
          wait="#progression")
    csv = admin.request.get(f"{hub.url}/services/salle/correction/essai.csv")
    assert csv.status == 200 and csv.text().lstrip("\ufeff").startswith("Identifiant;Prénom")
    check(admin, f"{hub_url}/home", problems, "formateur")
    check(admin, f"{hub_url}/admin", problems, "formateur", "nora", wait="table")
    assert problems == {}, pformat(problems, width=150)
