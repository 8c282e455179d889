"""In real Chromium, on the real kiosk, does « Combien coûte une réponse ? » show energy, carbon, equivalents
and sources for each everyday use, measure an answer of the kit's generative model, request nothing outside the
machine, and pass axe?"""

from __future__ import annotations

import dataclasses
import re
import shutil
import sys
from urllib.parse import urlparse

import pytest
import yaml

from civicai.catalog import all_demos
from testkit import REPO

sys.path.insert(0, str(REPO / "tests" / "kiosk"))
from kiosktools import KioskServer  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEMO_ID = "combien-coute-une-reponse"
LOCAL = {"127.0.0.1", "localhost", "::1"}
START = 180_000  # ms: a kernel start on a busy shared 2-core machine


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory):
    """`civicai kiosk` serving a catalogue of this one demo (its entry and folder copied from modules/)."""
    root = tmp_path_factory.mktemp("catalogue")
    shutil.copytree(REPO / "modules" / "05-ce-que-coute-l-ia", root / "05-ce-que-coute-l-ia")
    entry = [d for d in [dataclasses.asdict(d) for d in all_demos(REPO / "modules")] if d["id"] == DEMO_ID]
    (root / "demos.yaml").write_text(yaml.safe_dump(entry, allow_unicode=True), encoding="utf-8")
    server = KioskServer(root / "demos.yaml", tmp_path_factory.mktemp("kiosk"))
    server.start(n_pools=1)
    try:
        yield server
    finally:
        server.stop()


def _axe(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [(v["id"], v["impact"], v["nodes"][0]["target"]) for v in results.response["violations"]
            if v.get("impact") in ("serious", "critical")]


def test_each_use_shows_its_range_carbon_equivalents_and_sources(page, kiosk):
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(kiosk.url + f"demo/{DEMO_ID}", timeout=START)
    page.get_by_role("button", name="Une question à un chatbot").wait_for(timeout=START)
    assert "Choisissez un usage" in page.inner_text("body")

    cards = {}
    for label in ("Une question à un chatbot", "Une image générée", "Une heure de vidéo en streaming"):
        page.get_by_role("button", name=label).click()
        page.wait_for_function("l => document.querySelector('.civicai-energy-card h2')?.innerText === l",
                               arg=label, timeout=60_000)
        card = page.locator(".civicai-energy-card")
        text = card.inner_text()
        assert "Wh" in text and "estimé" in text and "CO2" in text and "ampoule LED" in text, text
        card.locator("summary").click()                               # « Sources » opens
        sources = card.locator("details").inner_text()
        assert re.search(r"vérifié le 2026-12-02", sources) and "https://" in sources
        cards[label] = text
    assert "0,24 Wh" in cards["Une question à un chatbot"] and "2,9 Wh" in cards["Une question à un chatbot"]
    assert "77 Wh" in cards["Une heure de vidéo en streaming"]

    page.get_by_role("button", name=re.compile("Une réponse de la petite IA du kit")).click()
    page.wait_for_function("() => document.querySelector('.civicai-energy-card h2')?.innerText.includes('petite IA')",
                           timeout=120_000)
    measured = page.locator(".civicai-energy-card").inner_text()
    assert "Elle a écrit :" in measured and re.search(r"(mesuré|estimé) sur cette machine", measured)
    assert re.search(r"\d+(,\d+)? (J|mWh)", measured), measured
    visitor = kiosk.visitor_kernels()
    assert visitor and all(k["rss_mb"] <= 150 for k in visitor), visitor  # the kiosk's budget, model loaded

    assert _axe(page) == []
    foreign = sorted({u for u in requested if urlparse(u).scheme in ("http", "https", "ws", "wss")
                      and urlparse(u).hostname not in LOCAL})
    assert len(requested) > 5 and foreign == []
