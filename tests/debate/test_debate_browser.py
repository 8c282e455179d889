"""In real Chromium on a real hub: a facilitator opens a debate, two participants vote and write, the
facilitator approves a statement and the map changes; participants cannot moderate or see others' votes."""

from __future__ import annotations

import re

import pytest

from hubtools import ADMIN_PASSWORD, WORKSHOP_CODE
from testkit import axe_serious

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]
PHONE = {"width": 390, "height": 844}
VOTE_CLASS = {"D'accord": "agree", "Pas d'accord": "disagree", "Je passe": "pass"}


def open_as(browser, hub, name: str, password: str, path: str, viewport=None):
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login?next=/services/debat/{path}")
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    page.click("#login_submit")
    page.wait_for_url(re.compile(r"/services/debat/"), timeout=60_000)
    return page


def api_from_page(page, method: str, path: str, body=None) -> tuple[int, dict]:
    """Call the API the way the page's own script does (cookie and xsrf token of the logged-in person)."""
    return tuple(page.evaluate("""async ([method, path, body]) => {
        const xsrf = document.querySelector('meta[name="xsrf"]').content;
        const api = document.querySelector('meta[name="api"]').content;
        const opts = {method, headers: {"X-XSRFToken": xsrf, "Content-Type": "application/json"}};
        if (body !== null) opts.body = JSON.stringify(body);
        const r = await fetch(api + path, opts);
        return [r.status, await r.json().catch(() => ({}))];
    }""", [method, path, body]))


def vote(page, answers: list[str]) -> None:
    items = page.locator("li.statement")
    items.first.wait_for(timeout=30_000)
    for i, label in enumerate(answers):
        button = items.nth(i).locator(f"button.vote.{VOTE_CLASS[label]}")
        assert button.inner_text().strip() == label
        button.click()
        page.wait_for_function("b => b.getAttribute('aria-pressed') === 'true'", arg=button.element_handle())


def propose(page, text: str) -> None:
    page.fill("#text", text)
    page.get_by_role("button", name="Envoyer ma phrase").click()
    page.get_by_text("Merci ! Votre phrase sera proposée au vote").wait_for(timeout=30_000)


def test_a_debate_from_opening_to_the_map(browser, debate_hub, tmp_path):
    hub = debate_hub
    pages = {}
    try:
        _scenario(browser, hub, pages)
    except Exception:
        for name, page in pages.items():
            page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
        print(f"screenshots in {tmp_path}\n{hub.log()[-4000:]}")
        raise


def _scenario(browser, hub, pages):
    admin = pages["formateur"] = open_as(browser, hub, "formateur", ADMIN_PASSWORD, "")
    admin.locator("#open").wait_for(timeout=30_000)
    assert axe_serious(admin) == []
    admin.select_option("#theme", "convention")
    admin.get_by_role("button", name="Ouvrir le débat").click()
    admin.wait_for_url(re.compile(r"/d/[a-z0-9-]+/animation$"), timeout=30_000)
    slug = admin.url.rsplit("/", 2)[-2]
    admin.get_by_text("Pas encore de carte").wait_for(timeout=30_000)
    assert axe_serious(admin) == []

    alice = pages["alice"] = open_as(browser, hub, "alice", WORKSHOP_CODE, f"d/{slug}", PHONE)
    vote(alice, ["D'accord"] * 6)
    propose(alice, "Les écoles devraient avoir un atelier sur l'IA chaque année.")
    assert axe_serious(alice) == []
    bruno = pages["bruno"] = open_as(browser, hub, "bruno", WORKSHOP_CODE, f"d/{slug}", PHONE)
    vote(bruno, ["Pas d'accord", "Je passe", "Pas d'accord", "D'accord", "Pas d'accord", "Pas d'accord"])
    propose(bruno, "La ville devrait publier la liste de ses outils d'IA.")
    assert axe_serious(bruno) == []

    # the facilitator sees both people on the map and both statements waiting
    admin.reload()
    opinion_map = admin.locator("#map svg")
    opinion_map.wait_for(timeout=30_000)
    assert "Carte de 2 personnes" in opinion_map.get_attribute("aria-label")
    admin.locator("#map", has_text="14 phrases au vote").wait_for(timeout=30_000)
    waiting = admin.locator("#pending li.statement")
    waiting.nth(1).wait_for(timeout=30_000)
    assert waiting.count() == 2
    admin.get_by_role("button", name=re.compile("Approuver la phrase « Les écoles")).click()
    admin.locator("#status", has_text="Phrase approuvée").wait_for(timeout=30_000)
    admin.locator("#map", has_text="15 phrases au vote").wait_for(timeout=30_000)
    assert admin.locator("#pending li.statement").count() == 1
    assert axe_serious(admin) == []

    # the approved statement reaches the participants; bruno votes on it
    bruno.reload()
    new = bruno.locator("li.statement", has_text="Les écoles devraient")
    new.locator("button.vote.disagree").click()
    bruno.locator("#status", has_text="Vote enregistré").wait_for(timeout=30_000)
    bruno.locator("#map svg circle[stroke='#000']").wait_for(timeout=30_000)  # bruno's own point

    # a participant cannot moderate, nor see anyone else's votes
    pending = api_from_page(admin, "GET", f"debates/{slug}/admin/pending")[1]["pending"]
    status, body = api_from_page(alice, "POST", f"debates/{slug}/admin/statements/{pending[0]['id']}",
                                 {"decision": "approve"})
    assert status == 403 and "réservée aux personnes qui animent" in body["error"]
    status, mine = api_from_page(alice, "GET", f"debates/{slug}")
    assert status == 200 and set(mine["my_votes"].values()) == {"agree"} and len(mine["my_votes"]) == 6
    status, map_json = api_from_page(alice, "GET", f"debates/{slug}/map")
    assert status == 200 and "bruno" not in str(map_json) and "alice" not in str(map_json)
    assert all(len(p) == 3 for p in map_json["points"])  # x, y, group: no name, no vote

    # nor reach another debate's facilitator routes or pages
    status, other = api_from_page(admin, "POST", "debates", {"theme": "02-biais-reconnaissance-faciale"})
    assert status == 201
    for method, path in [("GET", f"debates/{other['slug']}/admin/pending"),
                         ("POST", f"debates/{other['slug']}/admin/close"),
                         ("GET", f"debates/{other['slug']}/admin/resultats.csv")]:
        assert api_from_page(alice, method, path, {} if method == "POST" else None)[0] == 403
    response = alice.goto(f"{hub.url}/services/debat/d/{other['slug']}/animation")
    assert response.status == 403
    assert "réservée aux personnes qui animent" in alice.inner_text("main")
    assert axe_serious(alice) == []

    # the facilitator's export links give the files
    with admin.expect_download() as download:
        admin.click("#export-csv")
    assert download.value.suggested_filename == f"{slug}-resultats.csv"
