"""In real Chromium, does « Combien coûte une réponse ? » show energy, carbon, equivalents and sources for each
everyday use, measure the kit's own word model, request nothing outside the machine, and pass axe?"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEMO = "/voila/render/05-ce-que-coute-l-ia/demo-combien-coute-une-reponse.ipynb"
LOCAL = {"127.0.0.1", "localhost", "::1"}
START = 180_000  # ms: a kernel start on a busy shared 2-core machine


def _axe(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [(v["id"], v["impact"], v["nodes"][0]["target"]) for v in results.response["violations"]
            if v.get("impact") in ("serious", "critical")]


def test_each_use_shows_its_range_carbon_equivalents_and_sources(page, voila_url):
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(voila_url + DEMO, timeout=START)
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

    page.get_by_role("button", name=re.compile("Un mot inventé ici")).click()
    page.wait_for_function("() => document.querySelector('.civicai-energy-card h2')?.innerText.includes('petite IA')",
                           timeout=120_000)
    measured = page.locator(".civicai-energy-card").inner_text()
    assert re.search(r"(mesuré|estimé) sur cette machine", measured)
    assert re.search(r"\d+(,\d+)? (J|mWh)", measured), measured

    assert _axe(page) == []
    foreign = sorted({u for u in requested if urlparse(u).scheme in ("http", "https", "ws", "wss")
                      and urlparse(u).hostname not in LOCAL})
    assert len(requested) > 5 and foreign == []
