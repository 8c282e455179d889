"""Do module 2's notebooks give the expected results with FairFace, and explain themselves without?"""

from __future__ import annotations

import pytest

from testkit import FAIRFACE_SAMPLE, REPO

MODULE = REPO / "modules" / "02-biais-reconnaissance-faciale"
NOTEBOOKS = sorted(MODULE.glob("0*.ipynb"))
WITH = {"CIVICAI_FAIRFACE_DIR": str(FAIRFACE_SAMPLE)}  # same key as tests/test_notebooks.py: one run
WITHOUT = {"CIVICAI_FAIRFACE_DIR": ""}
MISSING = "Les photos FairFace ne sont pas installées"

pytestmark = pytest.mark.slow


def test_there_are_five_notebooks_and_the_quiz_frames_them():
    assert [p.name[:3] for p in NOTEBOOKS] == ["01-", "02-", "03-", "04-", "05-"]
    first, last = NOTEBOOKS[0].read_text(), NOTEBOOKS[-1].read_text()
    assert 'quiz.show(\\".\\", \\"avant\\")' in first and 'quiz.show(\\".\\", \\"apres\\")' in last


def test_audit_notebook_computes_the_audit_from_the_images(run_notebook, fairface_sample):
    from civicai.faces import classify

    res = run_notebook(MODULE / "02-l-audit.ipynb", env=WITH)
    v = res.values
    shipped = classify.shipped_predictions()
    assert v["from_images"] is True and v["n_faces"] == 560
    assert v["overall_error_rate"] == pytest.approx(shipped["erreur"].mean())
    assert v["worst_best_ratio_cells"] > 2
    assert 0.1 < v["hog_miss_rate"] < 0.3
    assert v["worst_cell"].endswith("Femme")
    assert MISSING not in res.text()


def test_first_notebook_detects_and_classifies_sample_faces(run_notebook, fairface_sample):
    v = run_notebook(MODULE / "01-trouver-et-lire-un-visage.ipynb", env=WITH).values
    assert v["fairface_installed"] is True and v["n_images"] == 8
    assert 3 <= v["n_detected_hog"] <= 8


def test_conditions_notebook_shows_darkness_and_low_resolution_hurt(run_notebook, fairface_sample):
    v = run_notebook(MODULE / "03-conditions-de-prise-de-vue.ipynb", env=WITH).values
    assert v["source"] == "FairFace"
    assert v["rate_dark_hog"] < v["rate_normal_hog"]
    assert v["rate_small_hog"] < v["rate_normal_hog"]


def test_crowd_and_law_notebooks(run_notebook):
    v = run_notebook(MODULE / "04-identification-a-l-echelle-d-une-ville.ipynb", env=WITH).values
    assert v["false_alarms_per_day"] == pytest.approx(99_998 * (1 - (1 - 1e-5) ** 1000))
    assert v["share_true"] < 0.01
    assert run_notebook(MODULE / "05-la-loi-et-le-debat.ipynb", env=WITH).values["all_rules_used"] is True


@pytest.mark.parametrize("name", ["01-trouver-et-lire-un-visage.ipynb", "02-l-audit.ipynb",
                                  "03-conditions-de-prise-de-vue.ipynb"])
def test_without_fairface_notebooks_run_and_say_what_is_missing(run_notebook, name):
    res = run_notebook(MODULE / name, env=WITHOUT)
    text = res.text()
    assert MISSING in text and "prévenez la personne qui anime" in text and "civicai donnees" not in text
    assert res.seconds <= 60


def test_without_fairface_the_audit_shows_the_recorded_results(run_notebook):
    res = run_notebook(MODULE / "02-l-audit.ipynb", env=WITHOUT)
    assert res.values["from_images"] is False
    assert "résultats enregistrés" in res.text()
    assert res.values["n_faces"] == 560
