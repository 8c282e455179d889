"""Kernels come and go: leaving shuts them down, idleness resets, a cap keeps the machine safe."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest
import requests

from kiosktools import FIXTURE_DEMOS, interact_once, open_demo
from testkit import REPO

pytestmark = pytest.mark.browser


def test_leaving_a_demo_shuts_its_kernel_down_at_once(one_demo_server, page):
    """Voila issue #1458: the page's shutdown request must be accepted (no 403 _xsrf)."""
    kiosk = one_demo_server(orphan=120)   # the reaper would take minutes: only the page can do it
    open_demo(page, kiosk.url + "demo/curseur")
    interact_once(page)
    kernel = kiosk.visitor_kernels()[0]["id"]
    page.get_by_role("link", name="Retour à la galerie").click()
    page.wait_for_url(kiosk.url)
    kiosk.wait_visitors(0, timeout=10)
    log = kiosk.log()
    assert f"Kernel shutdown: {kernel}" in log
    assert "(visitor gone or idle)" not in log
    assert " 403 " not in log and "_xsrf" not in log


def test_the_gallery_warms_a_fresh_browser_once_and_gives_the_kernel_back(one_demo_server, page):
    """After Chromium starts, the gallery opens the first demo once, hidden; its kernel goes at once."""
    kiosk = one_demo_server(orphan=120)   # only the frame's goodbye can stop that kernel this fast
    page.goto(kiosk.url)
    page.wait_for_selector("body[data-warmup='done']", timeout=60_000)
    assert page.locator("iframe").count() == 0
    assert kiosk.log().count("Using pre-heated kernel") == 1
    kiosk.wait_visitors(0, timeout=10)
    page.reload()                          # the same browser session: warm already
    page.wait_for_selector("body[data-warmup='skipped']", timeout=10_000)
    time.sleep(2)
    assert kiosk.log().count("Using pre-heated kernel") == 1

    cold = one_demo_server(warmup=False)   # civicai kiosque --sans-prechauffage
    page.goto(cold.url)
    page.wait_for_selector("body[data-warmup='skipped']", timeout=10_000)
    time.sleep(2)
    assert "Using pre-heated kernel" not in cold.log()


def test_inactivity_brings_the_gallery_back_and_stops_the_kernel(one_demo_server, page):
    kiosk = one_demo_server(idle=15, orphan=120)
    open_demo(page, kiosk.url + "demo/curseur")
    interact_once(page)                      # an input restarts the countdown
    t0 = time.monotonic()
    page.wait_for_url(kiosk.url, timeout=30_000)
    waited = time.monotonic() - t0
    assert 10 <= waited <= 35, f"reset after {waited:.1f} s, expected about 15 s"
    assert page.locator("li.tile").count() == 1
    kiosk.wait_visitors(0, timeout=10)


def test_a_kernel_left_without_goodbye_is_reaped(one_demo_server):
    """A render whose page never connects (tab lost, power cut): the reaper stops its kernel."""
    kiosk = one_demo_server(orphan=5)
    r = requests.get(kiosk.url + "demo/curseur", timeout=60)
    assert r.status_code == 200
    kernel = re.search(r'"kernelId": "([0-9a-f-]+)"', r.text).group(1)
    assert "Using pre-heated kernel: " + kernel in kiosk.log()
    kiosk.wait_visitors(0, timeout=45)   # never connected: 4 x 5 s of grace, then the reaper
    assert f"shutting down visitor kernel {kernel} (visitor gone or idle)" in kiosk.log()


def test_a_rush_that_empties_the_pool_still_counts_and_reaps_every_kernel(one_demo_server):
    """Three visitors at once for a pool of one: Voila starts the extra kernels itself."""
    from concurrent.futures import ThreadPoolExecutor

    kiosk = one_demo_server(pool=1, orphan=5, max_visitors=4)
    with ThreadPoolExecutor(3) as rush:
        pages = list(rush.map(lambda _: requests.get(kiosk.url + "demo/curseur", timeout=120), range(3)))
    assert [r.status_code for r in pages] == [200, 200, 200]
    kernels = {re.search(r'"kernelId": "([0-9a-f-]+)"', r.text).group(1) for r in pages}
    assert kernels <= {k["id"] for k in kiosk.visitor_kernels()}, "a kernel escaped the count"
    kiosk.wait_visitors(0, timeout=60)   # no page connected: all three are reaped
    for kernel in kernels:
        assert f"shutting down visitor kernel {kernel}" in kiosk.log()


def test_over_the_cap_a_visitor_waits_then_gets_in(one_demo_server, browser):
    kiosk = one_demo_server(max_visitors=1, orphan=120)
    a = browser.new_context(locale="fr-FR").new_page()
    b = browser.new_context(locale="fr-FR").new_page()
    try:
        open_demo(a, kiosk.url + "demo/curseur")
        response = b.goto(kiosk.url + "demo/curseur")
        assert response.status == 503
        assert b.locator("html").get_attribute("lang") == "fr"
        assert "Un instant" in b.locator("h1").inner_text()
        assert len(kiosk.visitor_kernels()) == 1
        a.get_by_role("link", name="Retour à la galerie").click()
        # The waiting page retries by itself and opens the demo once a place is free.
        b.wait_for_selector(".widget-slider", state="visible", timeout=60_000)
        assert len(kiosk.visitor_kernels()) == 1
    finally:
        a.context.close()
        b.context.close()


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "civicai", "kiosque", *args], capture_output=True,
                          text=True, cwd=REPO, timeout=60)


def test_cli_help_is_french():
    out = _cli("--help").stdout
    assert "galerie" in out and "--inactivite" in out and "--max-visiteurs" in out and "--hub" in out


def test_cli_checks_the_catalogue():
    ok = _cli("--verifier", "--demos", str(FIXTURE_DEMOS))
    assert ok.returncode == 0 and re.search(r"^ok\s+curseur", ok.stdout, re.M)
    real = _cli("--verifier")  # the kit's own gallery, from the modules' module.yaml files
    missing = real.stdout.count("MANQUANTE")
    assert real.returncode == (1 if missing else 0)


def test_cli_refuses_a_nonsense_timeout():
    r = _cli("--inactivite", "1", "--demos", str(FIXTURE_DEMOS))
    assert r.returncode == 2 and "au moins 5 secondes" in r.stderr


def test_a_hub_without_a_token_for_the_kiosk_stops_it_with_a_french_sentence(tmp_path):
    """--hub given, no CIVICAI_KIOSQUE_JETON and no readable secrets.json: the operator learns where the token is."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICAI_")}
    r = subprocess.run([sys.executable, "-m", "civicai", "kiosque", "--hub", "http://127.0.0.1:9",
                        "--demos", str(FIXTURE_DEMOS)], capture_output=True, text=True, cwd=REPO, timeout=120,
                       env=dict(env, CIVICAI_STATE_DIR=str(tmp_path)))
    assert r.returncode == 2 and "n'a pas de jeton" in r.stderr and "kiosk_token" in r.stderr, r.stderr[-2000:]
    assert "Traceback" not in r.stderr


def test_a_pool_kernel_that_waited_long_is_not_culled_on_hand_out(one_demo_server, page):
    """Idleness counts from the hand-out, not from the pool kernel's own last activity."""
    kiosk = one_demo_server(idle=15, orphan=120)  # server-side idle cull: 15 + 30 s
    time.sleep(50)                                # the pool kernel is now "idle" for 50 s
    open_demo(page, kiosk.url + "demo/curseur")
    interact_once(page)
    assert "(visitor gone or idle)" not in kiosk.log()
