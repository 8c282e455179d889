"""Are the false-alarm figures of the 1:N simulator right (checked by simulation)?"""

from __future__ import annotations

import numpy as np
import pytest

from civicai.faces import crowd


def test_one_comparison_is_the_false_match_rate_itself():
    assert crowd.p_false_alarm_per_passer(1e-4, 1) == pytest.approx(1e-4)


def test_risk_per_passer_matches_a_monte_carlo_simulation():
    rng = np.random.default_rng(0)
    fmr, watchlist = 1e-3, 500
    draws = rng.random((4000, watchlist)) < fmr
    simulated = draws.any(axis=1).mean()
    assert crowd.p_false_alarm_per_passer(fmr, watchlist) == pytest.approx(simulated, abs=0.025)
    assert crowd.p_false_alarm_per_passer(fmr, watchlist) == pytest.approx(1 - (1 - fmr) ** watchlist)


def test_more_faces_on_the_list_means_more_false_alarms():
    values = [crowd.expected_false_alarms(fmr=1e-5, watchlist=n, passers=100_000)
              for n in (10, 100, 1000, 10_000)]
    assert values == sorted(values) and values[-1] > 100 * values[0] * 0.9


def test_base_rate_effect_most_alarms_are_false_when_targets_are_rare():
    r = crowd.crowd_alarms(fmr=1e-5, watchlist=1000, passers=100_000, wanted=2, hit_rate=0.9)
    assert r["vraies_alertes"] == pytest.approx(1.8)
    assert r["fausses_alertes"] == pytest.approx(99_998 * (1 - (1 - 1e-5) ** 1000))
    assert r["part_vraies"] < 0.01
    strict = crowd.crowd_alarms(fmr=1e-6, watchlist=10, passers=1000, wanted=2, hit_rate=0.9)
    assert strict["part_vraies"] > 0.9


def test_simulated_day_is_reproducible_and_close_to_the_expectation():
    a = crowd.simulate_day(fmr=1e-5, watchlist=1000, passers=100_000, seed=1)
    assert a == crowd.simulate_day(fmr=1e-5, watchlist=1000, passers=100_000, seed=1)
    assert abs(a["fausses_alertes"] - 995) < 5 * np.sqrt(995)


def test_french_number_formats():
    assert crowd.fmt_fmr(1e-4) == "1 sur 10\u202f000"
