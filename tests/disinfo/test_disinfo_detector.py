"""Does the naive detector learn the style shortcut, and is the kiosk copy faithful?"""

from __future__ import annotations

import json

import numpy as np
import pytest

from civicai.disinfo import detector
from civicai.disinfo.corpus import load_claims


@pytest.fixture(scope="module")
def claims():
    return load_claims()


@pytest.fixture(scope="module")
def experiment(claims):
    return detector.shortcut_experiment(claims)


def test_tokens_keep_style_signs():
    assert detector.tokens("CHOQUANT : l'État ment !!") == [
        "choquant", detector.CAPS_TOKEN, "l'état", "ment", "!", "!"]
    assert detector.tokens("Le SMIC augmente.") == ["le", "smic", detector.CAPS_TOKEN, "augmente"]


def test_high_on_confounded_split_then_falls_on_balanced_split(experiment):
    """Trained on A it scores high on unseen A claims, near chance on B."""
    print(f"A: {experiment.accuracy_confounded:.3f}  B: {experiment.accuracy_balanced:.3f}  "
          f"drop: {experiment.drop:.3f}")
    assert experiment.accuracy_confounded >= 0.9
    assert experiment.accuracy_balanced <= 0.65
    assert experiment.drop >= 0.3


def test_style_signs_are_the_strongest_features(experiment):
    top = detector.top_features(experiment.model, n=3)
    doubtful = list(top[top["pousse_vers"] == "douteux"]["signe"])
    assert "!" in doubtful and detector.CAPS_TOKEN in doubtful


def test_balanced_split_errors_follow_style(experiment, claims):
    """On B it rejects true sensational claims and accepts false neutral ones."""
    cells = detector.accuracy_by_style(experiment.model, claims[claims["partie"] == "B"])
    true_loud = cells[(cells["etiquette"] == "vrai") & (cells["style"] == "sensationnel")]
    false_calm = cells[(cells["etiquette"] != "vrai") & (cells["style"] == "neutre")]
    assert float(true_loud["exactitude"].iloc[0]) < 0.3
    assert float(false_calm["exactitude"].iloc[0]) < 0.3


def test_exclamation_marks_flip_a_true_sentence():
    model = detector.LightDetector.load()
    calm = "Le SMIC augmente au moins une fois par an."
    assert detector.doubt_probability(model, calm) < 0.5
    assert detector.doubt_probability(model, calm.rstrip(".") + " !!!") > 0.5


def test_light_detector_matches_scikit_learn_and_is_up_to_date(claims):
    """The shipped JSON is what training on split A gives today, and predicts identically."""
    model = detector.train_on_split_a(claims)
    shipped = json.loads(detector.light_model_path().read_text(encoding="utf-8"))
    fresh = detector.export_light(model)
    assert shipped["vocabulary"] == fresh["vocabulary"]
    np.testing.assert_allclose(shipped["coef"], fresh["coef"], atol=1e-6)
    light = detector.LightDetector(shipped)
    texts = list(claims["texte"][:50]) + ["mot jamais vu", "", "!!!"]
    np.testing.assert_allclose(light.predict_proba(texts), model.predict_proba(texts), atol=1e-6)


def test_readme_states_the_measured_accuracies(experiment):
    from testkit import REPO

    readme = (REPO / "modules" / "03-desinformation" / "README.md").read_text(encoding="utf-8")
    french = lambda x: f"{x * 100:.0f} %"
    assert f"exactitude de {french(experiment.accuracy_confounded)}" in readme
    assert f"et de {french(experiment.accuracy_balanced)} sur" in readme
    assert f"chute de {experiment.drop * 100:.0f} points" in readme
