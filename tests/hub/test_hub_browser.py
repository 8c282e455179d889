"""A participant in real Chromium: workshop code, JupyterLab in French, a module notebook that runs."""

from __future__ import annotations

import re

import pytest

from testkit import REPO
from hubtools import WORKSHOP_CODE, RunningHub

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def hub(open_tmp):
    h = RunningHub(open_tmp("hub-browser") / "var").start()
    yield h
    h.stop()


def first_module_notebook() -> str:
    notebooks = sorted(p for p in (REPO / "modules").glob("0*/0*.ipynb"))
    assert notebooks, "no module notebook under modules/"
    return notebooks[0].relative_to(REPO).as_posix()


def log_in(page, hub, name: str, code: str) -> None:
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", code)
    page.click("#login_submit")


def test_wrong_workshop_code_says_so_in_french(page, hub):
    log_in(page, hub, "camille", "pas-le-bon-code")
    alert = page.locator(".login_error")
    alert.wait_for(timeout=30_000)
    assert "code d'atelier n'est pas le bon" in alert.inner_text()
    assert "/hub/login" in page.url


def test_participant_lands_in_french_jupyterlab_and_runs_a_module_cell(page, hub, tmp_path):
    try:
        _run_a_module_cell(page, hub)
    except Exception:
        page.screenshot(path=str(tmp_path / "jupyterlab.png"))
        print(f"screenshot: {tmp_path / 'jupyterlab.png'}\nhub log:\n{hub.log()[-4000:]}")
        raise


def _run_a_module_cell(page, hub):
    notebook = first_module_notebook()
    log_in(page, hub, "dominique", WORKSHOP_CODE)
    # the spawn page, the welcome page (tests/welcome/), then JupyterLab with its menus in French
    page.get_by_role("heading", name=re.compile("Bienvenue")).wait_for(timeout=120_000)
    page.goto(f"{hub.url}/user/dominique/lab")
    page.get_by_role("menuitem", name="Fichier").wait_for(timeout=120_000)
    assert page.get_by_role("menuitem", name="Noyau").count() == 1

    page.goto(f"{hub.url}/user/dominique/lab/tree/{notebook}")
    first_cell = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").first
    first_cell.wait_for(timeout=120_000)
    # the kernel must be up before a cell runs ("Inactif" is JupyterLab's French for idle)
    page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\| Inactif")).wait_for(timeout=120_000)
    first_cell.click()
    page.keyboard.press("Escape")  # command mode
    page.keyboard.press("a")  # a new cell above the first one
    page.keyboard.press("Enter")
    page.keyboard.type("print('bonjour', 6 * 7)")
    page.keyboard.press("Shift+Enter")
    output = page.locator(".jp-OutputArea-output").filter(has_text=re.compile(r"bonjour 42"))
    output.first.wait_for(timeout=120_000)

    # the hub's control panel, in French too: stop the server, then it offers to start it again
    page.goto(f"{hub.url}/hub/home")
    page.get_by_role("button", name="Arrêter mon serveur").click()
    page.get_by_role("button", name="Démarrer mon serveur").wait_for(timeout=60_000)
