"""Self-sign-up with approval, in real Chromium on a real hub (`civicai serve --inscription`): people sign up
with a pseudonym, wait for a facilitator's approval, then log in; nobody can sign up under a facilitator's
name (the kit made that account, with the facilitator password); wrong passwords are refused and repeated
ones lock the account for a while; passwords are stored hashed; the French pages pass axe."""

from __future__ import annotations

import re
import sqlite3

import pytest

from hubtools import ADMIN_PASSWORD, RunningHub, served
from testkit import axe_serious

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]
PASSWORD = "marmotte-du-jardin-42"


@pytest.fixture
def signup_hub(tmp_path):
    with served(RunningHub(tmp_path / "var", formateurs="formatrice", args=("--inscription",), demonstration=True),
                timeout=300) as hub:
        yield hub


def sign_up(browser, hub, name: str, password: str, confirmation: str | None = None):
    page = browser.new_context(locale="fr-FR").new_page()
    page.goto(f"{hub.url}/hub/signup")
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    page.fill("#password_confirmation_input", confirmation or password)
    page.click("#signup_submit")
    page.locator(".alert").wait_for()
    return page


def log_in(page, hub, name: str, password: str) -> None:
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    page.click("#login_submit")
    page.wait_for_load_state()


def test_sign_up_approval_login_and_brute_force(browser, signup_hub, tmp_path):
    hub = signup_hub
    try:
        _scenario(browser, hub)
    except Exception:
        print(hub.log()[-4000:])
        raise


def _scenario(browser, hub):
    # a pseudonym signs up: the French page says to wait for the facilitator
    lune = sign_up(browser, hub, "lune-bleue", PASSWORD)
    assert "attend maintenant l'accord" in lune.inner_text(".alert")
    assert lune.locator("html").get_attribute("lang") == "fr"
    assert axe_serious(lune) == []
    mismatch = sign_up(browser, hub, "soleil", PASSWORD, confirmation=PASSWORD + "x")
    assert "ne sont pas les mêmes" in mismatch.inner_text(".alert")
    # not approved yet: the login is refused, so no server can start
    log_in(lune, hub, "lune-bleue", PASSWORD)
    assert "attend l'accord" in lune.inner_text(".login_error")
    assert axe_serious(lune) == []
    assert hub.api("GET", "/users/lune-bleue").status_code == 404  # the hub has never let this account in
    lune.goto(f"{hub.url}/hub/spawn")
    assert "/hub/login" in lune.url

    # an attacker signs up under the facilitator's name, in any case: refused in French, and cannot log in
    for name in ("formatrice", "Formatrice"):
        attacker = sign_up(browser, hub, name, PASSWORD)
        assert "réservé aux personnes qui animent" in attacker.inner_text(".alert")
    assert axe_serious(attacker) == []
    log_in(attacker, hub, "formatrice", PASSWORD)
    assert "incorrect" in attacker.inner_text(".login_error") and "/hub/login" in attacker.url

    # the genuine facilitator: the account the kit made, with the facilitator password; approves lune-bleue
    admin = browser.new_context(locale="fr-FR").new_page()
    log_in(admin, hub, "formatrice", ADMIN_PASSWORD)
    assert "/hub/login" not in admin.url
    admin.goto(f"{hub.url}/hub/authorize")
    row = admin.locator("#compte-lune-bleue")
    assert row.locator("td").nth(1).inner_text() == "Non"
    assert axe_serious(admin) == []
    row.get_by_role("link", name=re.compile("^Valider")).click()
    admin.goto(f"{hub.url}/hub/authorize")
    assert admin.locator("#compte-lune-bleue td").nth(1).inner_text() == "Oui"

    # approved: lune-bleue logs in and her server starts
    log_in(lune, hub, "lune-bleue", PASSWORD)
    lune.wait_for_url(re.compile(r"/user/lune-bleue/|/hub/spawn"), timeout=120_000)
    model = hub.api("GET", "/users/lune-bleue").json()
    assert model["admin"] is False and "formateurs" not in model["groups"]  # approved is not promoted
    hub.spawn("lune-bleue", timeout=180)

    # a wrong password is refused in French; after 3 wrong ones even the right one waits
    other = browser.new_context(locale="fr-FR").new_page()
    for _ in range(3):
        log_in(other, hub, "lune-bleue", "pas-le-bon-mot-de-passe")
        assert "Identifiant ou mot de passe incorrect" in other.inner_text(".login_error")
    log_in(other, hub, "lune-bleue", PASSWORD)
    assert "incorrect" in other.inner_text(".login_error")  # locked for a minute, right password or not
    assert "/hub/login" in other.url

    # passwords are stored hashed (bcrypt), never as typed
    with sqlite3.connect(hub.state_dir / "jupyterhub.sqlite") as db:
        stored = dict(db.execute("select username, password from users_info").fetchall())
    assert set(stored) == {"lune-bleue", "formatrice"}
    assert all(bytes(h).startswith(b"$2b$") and PASSWORD.encode() not in bytes(h) for h in stored.values())
