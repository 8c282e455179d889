"""A participant in real Chromium, with a kernel forked from a template: run, interrupt a long cell, restart, run."""

from __future__ import annotations

import re
import time

import pytest

from hubtools import WORKSHOP_CODE, RunningHub
from kerneltools import ROOT_ONLY, wait_for

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow, ROOT_ONLY]
NOTEBOOK = "modules/01-comment-une-ia-apprend/03-terrain-de-jeu.ipynb"  # kernel: light


@pytest.fixture(scope="module")
def hub(shared_tmp):
    h = RunningHub(shared_tmp / "hub" / "var").start(timeout=300)  # a busy 2-core machine takes minutes
    wait_for(h.state_dir / "noyaux" / "light.sock")
    yield h
    h.stop_server("alix")  # else the hub's stop leaves the proxy, a service, the server and its kernel behind
    h.stop()


def _parent_cmdline(pid: int) -> bytes:
    with open(f"/proc/{pid}/stat", "rb") as fh:
        parent = int(fh.read().rsplit(b")", 1)[1].split()[1])
    with open(f"/proc/{parent}/cmdline", "rb") as fh:
        return fh.read()


def _run(page, code: str, expect: str) -> str:
    """Type ``code`` in a new cell below the active one, run it, wait for ``expect`` in its output."""
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    page.keyboard.press("Enter")
    page.keyboard.type(code)
    page.keyboard.press("Shift+Enter")
    out = page.locator(".jp-OutputArea-output").filter(has_text=re.compile(expect)).last
    out.wait_for(timeout=120_000)
    return out.inner_text()


def test_run_interrupt_restart_run_in_jupyterlab(page, hub, tmp_path):
    shot = tmp_path / "noyau.png"
    try:
        _scenario(page, hub)
    except Exception as error:
        page.screenshot(path=str(shot))
        raise AssertionError(f"{error}\n(screenshot {shot}; end of the hub's log:)\n{hub.log()[-4000:]}") from error


def _scenario(page, hub):
    page.set_default_timeout(120_000)  # a 2-core machine shared with other work is slow to draw JupyterLab
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", "alix")
    page.fill("#password_input", WORKSHOP_CODE)
    page.click("#login_submit")
    page.get_by_role("heading", name=re.compile("Bienvenue")).wait_for(timeout=120_000)
    page.goto(f"{hub.url}/user/alix/lab/tree/{NOTEBOOK}")
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").first.click()
    page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\| Inactif")).wait_for(timeout=120_000)

    first = int(re.search(r"noyau (\d+)", _run(page, "import os; print('noyau', os.getpid())", r"noyau \d+"))[1])
    assert b"civicai.kernels.template\0light" in _parent_cmdline(first)  # forked from the light template

    _run(page, "import time; print('attente'); time.sleep(60)", "attente")
    t0 = time.monotonic()
    page.keyboard.press("Escape")
    page.keyboard.press("i")
    page.keyboard.press("i")  # JupyterLab's "interrupt the kernel"
    page.locator(".jp-OutputArea-output").filter(has_text="KeyboardInterrupt").last.wait_for(timeout=30_000)
    assert time.monotonic() - t0 < 30

    page.get_by_role("menuitem", name="Noyau").click()  # the menu a participant uses, then its dialog
    page.get_by_text("Redémarrer le noyau…", exact=True).click()
    page.locator(".jp-Dialog-button.jp-mod-accept", has_text="Redémarrer").click()
    page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\| Inactif")).wait_for(timeout=120_000)
    time.sleep(1)
    second = int(re.search(r"encore (\d+)", _run(page, "import os; print('encore', os.getpid())", r"encore \d+"))[1])
    assert second != first
    assert b"civicai.kernels.template\0light" in _parent_cmdline(second)
