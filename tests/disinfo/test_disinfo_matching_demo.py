"""In real Chromium, does the « déjà vérifié » kiosk demo say « un détail diffère » on a near-miss, never
a verdict about the visitor's sentence, and show a verdict only for a reviewed claim?"""

from __future__ import annotations

import csv
import os

import pytest

from civicai.disinfo.corpus import corpus_dir
from civicai.disinfo.review import REVIEW_COLUMNS
from testkit import REPO, voila_server

pytestmark = [pytest.mark.slow, pytest.mark.browser]
START = 300_000  # ms: a kernel start (encoder + spaCy) on a busy 2-core machine
NEAR_MISS = "La Croatie est passée à l'euro en 2023"


@pytest.fixture(scope="module")
def reviewed_kit(tmp_path_factory):
    """A kit root whose review file marks f197 and f068 « relu »; everything else links to the real kit."""
    root = tmp_path_factory.mktemp("kit")
    (root / "modules").symlink_to(REPO / "modules")
    base = root / "datasets" / "affirmations-fr"
    base.mkdir(parents=True)
    for item in corpus_dir().iterdir():
        if item.name not in ("revues.csv", ".cache"):
            (base / item.name).symlink_to(item)
    with open(base / "revues.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(REVIEW_COLUMNS)
        for fact in ("f068", "f197"):
            writer.writerow([fact, "relu", "bibliothécaire", "2026-11-30", "Titre", "Éditeur", "2024-01-01",
                             "", "", "fichier de test"])
    return root


@pytest.fixture(scope="module")
def reviewed_voila(reviewed_kit, tmp_path_factory):
    env = dict(os.environ, CIVICAI_KIT_ROOT=str(reviewed_kit))
    with voila_server(tmp_path_factory.mktemp("voila-revues"), env) as url:
        yield url


def search(page, message):
    page.fill(".civicai-message textarea", message)
    page.click("button.civicai-search")


def test_near_miss_says_a_detail_differs_and_never_shows_a_verdict_banner(page, reviewed_voila):
    page.goto(f"{reviewed_voila}/voila/render/03-desinformation/demo-deja-verifie.ipynb", timeout=START)
    page.wait_for_selector(".civicai-kiosk", timeout=START)
    search(page, NEAR_MISS)
    banner = page.wait_for_selector(".civicai-detail", timeout=60_000).inner_text()
    assert "un détail diffère" in banner and "2023" in banner and "2010" in banner
    assert page.query_selector(".civicai-found") is None          # no verdict banner at all
    results = page.inner_text(".civicai-results")
    assert "Vérifiez ce détail" in results
    assert f"« {NEAR_MISS}" not in results.replace("\n", " ")     # the verdict never names the visitor's text
    assert "L'affirmation « L'euro a remplacé le franc en 2010. » a été vérifiée : FAUSSE" in results

    # The same claim, reviewed: a verdict banner about the verified sentence.
    search(page, "Si la moitié des gens votent blanc, l'élection est annulée ?")
    found = page.wait_for_selector(".civicai-found", timeout=60_000).inner_text()
    assert found.startswith("L'affirmation « Si plus de la moitié des électeurs votent blanc")
    assert "a été vérifiée : FAUSSE" in found

    # The same claim, not reviewed: no verdict, « pas encore été relue ».
    search(page, "Les vaccins à ARN changent notre ADN, c'est prouvé")
    unreviewed = page.wait_for_selector(".civicai-unreviewed", timeout=60_000).inner_text()
    assert "n'a pas encore été relue" in unreviewed
    assert page.query_selector(".civicai-found") is None
    assert "dont 2 relues" in page.inner_text(".civicai-results")


def test_near_miss_page_has_no_serious_accessibility_violation(page, reviewed_voila):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(f"{reviewed_voila}/voila/render/03-desinformation/demo-deja-verifie.ipynb", timeout=START)
    page.wait_for_selector(".civicai-kiosk", timeout=START)
    search(page, NEAR_MISS)
    page.wait_for_selector(".civicai-detail", timeout=60_000)
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, [(v["id"], [n["html"][:120] for n in v["nodes"][:3]]) for v in serious]
