"""A first-time participant in real Chromium on a real hub: log in, read the welcome page, start.

The hub runs as `civicai serve --module 2` does; the pupil types the workshop code, lands on the
French welcome page, and one click later sees the first cell of module 2's first notebook.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from hubtools import WORKSHOP_CODE, RunningHub
from testkit import REPO

from civicai.welcome.modules import list_modules, parse_choice

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]
MODULE = parse_choice("2", list_modules())


@pytest.fixture(scope="module")
def hub():
    folder = Path(tempfile.mkdtemp(prefix="civicai-welcome-"))
    os.chmod(folder, 0o711)  # participants' accounts pass through, as under /srv
    h = RunningHub(folder / "var", args=("--module", "2")).start()
    yield h
    h.stop()
    shutil.rmtree(folder, ignore_errors=True)


def test_a_first_time_pupil_reaches_the_first_cell_in_two_clicks(page, hub, tmp_path):
    try:
        _first_visit(page, hub)
    except Exception:
        page.screenshot(path=str(tmp_path / "bienvenue.png"))
        print(f"screenshot: {tmp_path / 'bienvenue.png'}\nhub log:\n{hub.log()[-4000:]}")
        raise


# the contents API, as JupyterLab's file browser calls it (with the server's XSRF cookie)
LIST = """async (url) => {
  const xsrf = (document.cookie.match(/_xsrf=([^;]+)/) || [])[1] || "";
  const r = await fetch(url, {headers: {"X-XSRFToken": decodeURIComponent(xsrf)}});
  return (await r.json()).content.map(x => x.name);
}"""


def _first_visit(page, hub):
    clicks = 0
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", "sacha")
    page.fill("#password_input", WORKSHOP_CODE)
    page.click("#login_submit")
    clicks += 1
    # the welcome page, in French, with the way to get help; nothing for operators
    page.get_by_role("heading", name=re.compile("Bienvenue")).wait_for(timeout=120_000)
    assert page.url.endswith("/user/sacha/civicai/bienvenue")
    text = page.locator("main").inner_text()
    assert "Besoin d'aide" in text and "Levez la main" in text
    assert not re.search(r"civicai|sudo|--|\$ ", text, re.IGNORECASE)

    page.get_by_role("link", name=f"Commencer : {MODULE.title}").click()
    clicks += 1
    first_cell = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").first
    first_cell.wait_for(timeout=120_000)
    source = json.loads((REPO / "modules" / MODULE.folder / MODULE.first_notebook).read_text())["cells"][0]
    heading = next(line for line in source["source"] if line.startswith("#")).lstrip("# ").strip()
    rendered = first_cell.locator(".jp-RenderedMarkdown h1").first  # the first cell, shown as text
    rendered.wait_for(timeout=60_000)
    assert heading[:30] in rendered.inner_text()
    assert clicks <= 2

    # the file browser shows the modules, not the files a learner does not need
    listing = page.evaluate(LIST,
                            f"{hub.url}/user/sacha/api/contents/modules/{MODULE.folder}")
    assert MODULE.first_notebook in listing
    assert not [n for n in listing if n.startswith("demo-") or n.endswith((".yaml", ".json"))
                or n in ("guide-animation.md", "images")], listing
    top = page.evaluate(LIST,
                        f"{hub.url}/user/sacha/api/contents/modules")
    assert "demos.yaml" not in top and MODULE.folder in top
