"""Do the three kiosk demos of module 3 render in headless Chromium and react to input?"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

START = 120_000  # ms: a kernel start on a busy 2-core machine


def open_demo(page, voila_url, name):
    page.goto(f"{voila_url}/voila/render/03-desinformation/{name}", timeout=START)
    page.wait_for_selector(".civicai-kiosk", timeout=START)


def _same_claim_selector(fact_id: str) -> str:
    """A reviewed fact gets the verdict banner; an unreviewed one the « pas encore relue » banner."""
    from civicai.disinfo.review import reviewed_fact_ids

    return ".civicai-found" if fact_id in reviewed_fact_ids() else ".civicai-unreviewed"


def test_deja_verifie_finds_a_known_rumour_and_abstains_on_an_unrelated_message(page, voila_url):
    """Typing a rumour finds its claim in the base; an unrelated message gets « je ne sais pas »."""
    open_demo(page, voila_url, "demo-deja-verifie.ipynb")
    page.fill(".civicai-message textarea", "On m'a dit que si la moitié des gens votent blanc, on annule le vote")
    page.click("button.civicai-search")
    found = page.wait_for_selector(_same_claim_selector("f068"), timeout=30_000)
    assert "blanc" in found.inner_text()
    page.fill(".civicai-message textarea", "Ma grand-mère prépare des crêpes au sucre le dimanche")
    page.click("button.civicai-search")
    unknown = page.wait_for_selector(".civicai-unknown", timeout=30_000)
    assert "je ne sais pas" in unknown.inner_text()


def test_deja_verifie_example_picker_fills_and_searches(page, voila_url):
    """Picking an example (no typing, as on a touch screen) shows results at once."""
    open_demo(page, voila_url, "demo-deja-verifie.ipynb")
    page.select_option(".civicai-examples select", index=1)
    page.wait_for_selector(_same_claim_selector("f114"), timeout=30_000)
    assert "WhatsApp" in page.inner_text(".civicai-results")


def test_detecteur_trompe_flips_when_exclamation_marks_are_added(page, voila_url):
    """A calm true sentence is « fiable »; the same sentence with « !!! » becomes « douteux »."""
    open_demo(page, voila_url, "demo-detecteur-trompe.ipynb")
    page.wait_for_selector(".civicai-reliable", timeout=30_000)
    page.click("button.civicai-add-marks")
    verdict = page.wait_for_selector(".civicai-doubtful", timeout=30_000)
    assert "DOUTEUX" in verdict.inner_text()
    page.click("button.civicai-reset")
    page.wait_for_selector(".civicai-reliable", timeout=30_000)
    page.fill(".civicai-sentence textarea", "La Terre tourne autour du Soleil.")
    page.wait_for_selector(".civicai-reliable", timeout=30_000)
    page.fill(".civicai-sentence textarea", "LA TERRE TOURNE AUTOUR DU SOLEIL !!!")
    page.wait_for_selector(".civicai-doubtful", timeout=30_000)


def test_vrai_ou_faux_plays_ten_claims_and_scores_discrimination(page, voila_url):
    """Answering every claim gives an explanation each time and a final d' and tendency."""
    open_demo(page, voila_url, "demo-vrai-ou-faux.ipynb")
    for i in range(10):
        page.wait_for_selector(f".civicai-claim >> text=Affirmation {i + 1} sur 10", timeout=30_000)
        page.click("button.civicai-answer-false")  # always « faux »: pure scepticism
        page.wait_for_selector(".civicai-feedback >> text=cette affirmation est", timeout=30_000)
        if i < 9:
            page.click("button.civicai-next")
    final = page.wait_for_selector(".civicai-final", timeout=30_000).inner_text()
    assert "5 / 10" in final          # half the claims are true: rejecting all gets 5 right
    assert "d' = 0,00" in final        # ... and no discrimination at all
    assert "méfiant" in final


def test_detecteur_trompe_works_with_touch_on_a_small_screen(browser, voila_url):
    """On a touch tablet (taps, no mouse, no keyboard) the buttons still flip the verdict."""
    context = browser.new_context(viewport={"width": 800, "height": 1280}, has_touch=True,
                                  is_mobile=True, locale="fr-FR")
    page = context.new_page()
    try:
        open_demo(page, voila_url, "demo-detecteur-trompe.ipynb")
        page.wait_for_selector(".civicai-reliable", timeout=30_000)
        page.tap("button.civicai-capitals")
        page.tap("button.civicai-add-marks")
        page.wait_for_selector(".civicai-doubtful", timeout=30_000)
        page.tap("button.civicai-reset")
        page.wait_for_selector(".civicai-reliable", timeout=30_000)
    finally:
        context.close()
