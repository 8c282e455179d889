"""Does the « Vrai ou faux ? » game score discrimination apart from scepticism?"""

from __future__ import annotations

from statistics import NormalDist

import pytest

from civicai.disinfo.corpus import read_rows
from civicai.disinfo.game import GAME_DOUBTFUL, GAME_TRUE, pick_items, score_answers
from civicai.disinfo.generated import detector_outcomes

TRUTHS = [False] * 5 + [True] * 5  # True: the claim is false or misleading


def test_saying_faux_to_everything_has_zero_discrimination_and_a_sceptical_bias():
    s = score_answers([True] * 10, TRUTHS)
    assert (s.hits, s.false_alarms, s.correct) == (5, 5, 5)
    assert s.d_prime == pytest.approx(0.0, abs=1e-12)
    assert s.bias < 0 and "méfiant" in s.bias_words()


def test_saying_vrai_to_everything_is_credulous():
    s = score_answers([False] * 10, TRUTHS)
    assert s.d_prime == pytest.approx(0.0, abs=1e-12) and s.bias > 0


def test_perfect_player_with_log_linear_correction():
    s = score_answers(TRUTHS, TRUTHS)
    z = NormalDist().inv_cdf
    assert s.d_prime == pytest.approx(z(5.5 / 6) - z(0.5 / 6))
    assert s.bias == pytest.approx(0.0, abs=1e-12)


def test_lengths_must_match():
    with pytest.raises(ValueError):
        score_answers([True], TRUTHS)


@pytest.mark.parametrize("seed", [0, 1, 7, 2026])
def test_game_items_are_balanced_in_label_and_style(seed):
    items = pick_items(read_rows(), n=10, seed=seed)
    assert len(items) == 10 and len({i["id_fait"] for i in items}) == 10
    assert sum(i["etiquette"] != "vrai" for i in items) == 5
    assert sum(i["style"] == "sensationnel" for i in items) == 5
    assert pick_items(read_rows(), n=10, seed=seed) == items


def test_game_facts_exist_with_the_right_labels():
    labels = {r["id_fait"]: r["etiquette"] for r in read_rows()}
    assert all(labels[f] == "vrai" for f in GAME_TRUE)
    assert all(labels[f] != "vrai" for f in GAME_DOUBTFUL)


def test_rare_cases_make_most_accusations_wrong():
    o = detector_outcomes(100, 0.1, tpr=0.26, fpr=0.09)
    assert o.generated_flagged == pytest.approx(2.6)
    assert o.human_flagged == pytest.approx(8.1)
    assert o.share_of_flags_wrong == pytest.approx(8.1 / 10.7)
    with pytest.raises(ValueError):
        detector_outcomes(10, 1.5, 0.5, 0.5)


def test_the_game_shows_only_facts_checked_against_a_source(monkeypatch):
    """The game reveals a verdict: a fact nobody checked is never drawn, whatever the seed."""
    from civicai.disinfo import review
    from civicai.disinfo.corpus import read_rows

    checked = frozenset(GAME_TRUE[:6] + GAME_DOUBTFUL[:6])
    monkeypatch.setattr(review, "reviewed_fact_ids", lambda path=None: checked)
    drawn = {item["id_fait"] for seed in range(40) for item in pick_items(read_rows(), seed=seed)}
    assert drawn == checked
