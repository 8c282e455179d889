"""Do the module 1 kiosk demos render in headless Chromium and react to a visitor's input?"""

from __future__ import annotations

import re
import time

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BASE = "/voila/render/01-comment-une-ia-apprend/"


def _dark_pixels(page, selector) -> int:
    """How many pixels of the canvas are dark: the drawing really reached the screen."""
    return page.evaluate("""sel => { const c = document.querySelector(sel);
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 0; i < d.length; i += 4) { if (d[i + 3] > 0 && d[i] + d[i + 1] + d[i + 2] < 300) n++; }
        return n; }""", selector.split(",")[0])


def _open(page, voila_url, name, selector, timeout=90_000):
    start = time.perf_counter()
    page.goto(f"{voila_url}{BASE}{name}", timeout=timeout)
    page.wait_for_selector(selector, state="visible", timeout=timeout)
    return time.perf_counter() - start


def test_draw_a_digit_shows_a_guess(page, voila_url):
    """A stroke drawn with the mouse on the canvas makes a guess with probabilities appear."""
    _open(page, voila_url, "demo-dessine-un-chiffre.ipynb", "canvas.civicai-draw, .civicai-draw canvas")
    assert "Dessinez un chiffre" in page.inner_text("body")
    assert page.get_by_role("button", name=re.compile("Effacer")).is_visible()
    canvas = page.locator("canvas.civicai-draw, .civicai-draw canvas").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, top = box["x"] + box["width"] / 2, box["y"]
    page.mouse.move(x, top + 0.12 * box["height"])
    page.mouse.down()
    page.mouse.move(x, top + 0.88 * box["height"], steps=12)
    page.mouse.up()
    guess = page.locator("[data-guess]")
    guess.wait_for(timeout=30_000)
    assert guess.inner_text() in list("0123456789")
    assert "%" in page.locator(".civicai-guess").inner_text()
    assert _dark_pixels(page, "canvas.civicai-draw, .civicai-draw canvas") > 500   # the stroke is drawn
    page.get_by_role("button", name=re.compile("Effacer")).click()
    page.wait_for_selector("[data-guess]", state="detached", timeout=30_000)


def test_temperature_slider_makes_new_words(page, voila_url):
    """Moving the slider from « sage » towards « créatif » replaces the invented words."""
    _open(page, voila_url, "demo-invente-des-mots.ipynb", ".civicai-words li")
    body = page.inner_text("body")
    assert "sage" in body and "créatif" in body
    before = page.locator(".civicai-words").inner_text()
    track = page.locator(".civicai-temperature .noUi-target, .civicai-temperature .slider-container").first
    box = track.bounding_box()
    page.mouse.click(box["x"] + box["width"] - 3, box["y"] + box["height"] / 2)
    page.wait_for_function(
        "before => document.querySelector('.civicai-words').innerText !== before", arg=before, timeout=30_000)
    after = page.locator(".civicai-words").inner_text()
    assert after != before and len(after.split()) >= 8


def test_playground_places_points_and_trains(page, voila_url):
    """Touching the square places points; « Entraîner » reports how many points are on the right side."""
    _open(page, voila_url, "demo-terrain-de-jeu.ipynb", "canvas.civicai-playground, .civicai-playground canvas")
    canvas = page.locator("canvas.civicai-playground, .civicai-playground canvas").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    for fx, fy in ((0.2, 0.1), (0.25, 0.2), (0.3, 0.3)):
        page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
    page.get_by_role("button", name=re.compile("orange")).click()
    for fx, fy in ((0.7, 0.1), (0.75, 0.2), (0.8, 0.3)):
        page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
    status = page.locator(".civicai-status")
    page.wait_for_function("() => document.querySelector('.civicai-status').innerText.includes('3 points orange')",
                           timeout=30_000)
    assert "3 points bleus" in status.inner_text()
    page.get_by_role("button", name=re.compile("Entraîner")).click()
    page.wait_for_function("() => /Étape \\d+ : 100 %/.test(document.querySelector('.civicai-status').innerText)",
                           timeout=60_000)
