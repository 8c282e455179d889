"""1:1 verification versus 1:N identification, and false alarms at city scale.

- *Verification* (1:1): "is this person who they claim to be?" One comparison.
- *Identification* (1:N): "is this passer-by one of the N people on a watchlist?" N comparisons
  per face seen, so the false match rate per comparison is multiplied by N and by the crowd.

All figures here are hypotheses chosen by the user (sliders), not measurements of a product.

>>> round(expected_false_alarms(fmr=1e-4, watchlist=1000, passers=100_000), 1)
9516.7
>>> alarms = crowd_alarms(fmr=1e-5, watchlist=100, passers=50_000, wanted=2, hit_rate=0.9)
>>> round(alarms["fausses_alertes"], 1), round(alarms["vraies_alertes"], 1)
(50.0, 1.8)
"""

from __future__ import annotations

import numpy as np

# Example values for the sliders (powers of ten), not figures of any given system.
FMR_CHOICES = (1e-2, 1e-3, 1e-4, 1e-5, 1e-6)


def p_false_alarm_per_passer(fmr: float, watchlist: int) -> float:
    """Probability that one innocent passer-by matches at least one of ``watchlist`` faces,
    when each comparison gives a false match with probability ``fmr`` (independently)."""
    return float(-np.expm1(watchlist * np.log1p(-fmr))) if fmr < 1 else 1.0


def expected_false_alarms(*, fmr: float, watchlist: int, passers: int) -> float:
    """Expected number of innocent passers-by flagged per day."""
    return passers * p_false_alarm_per_passer(fmr, watchlist)


def crowd_alarms(*, fmr: float, watchlist: int, passers: int, wanted: int = 1,
                 hit_rate: float = 0.9) -> dict:
    """Expected alarms in a day at a place where ``passers`` people walk past a camera.

    ``wanted`` of them are really on the list; the system recognises each with probability
    ``hit_rate``. Returns ``fausses_alertes``, ``vraies_alertes``, ``part_vraies`` (share of
    alarms that point at a wanted person: the base-rate effect) and ``p_passant`` (the chance
    that an innocent passer-by is flagged).
    """
    if not 0 <= wanted <= passers:
        raise ValueError("wanted must be between 0 and passers")
    innocent = passers - wanted
    p = p_false_alarm_per_passer(fmr, watchlist)
    false = innocent * p
    true = wanted * hit_rate
    total = false + true
    return {"fausses_alertes": false, "vraies_alertes": true,
            "part_vraies": (true / total) if total else 0.0, "p_passant": p}


def simulate_day(*, fmr: float, watchlist: int, passers: int, wanted: int = 1, hit_rate: float = 0.9,
                 seed: int = 0) -> dict:
    """One simulated day (random draws, fixed seed): counts instead of expectations."""
    rng = np.random.default_rng(seed)
    p = p_false_alarm_per_passer(fmr, watchlist)
    return {"fausses_alertes": int(rng.binomial(passers - wanted, p)),
            "vraies_alertes": int(rng.binomial(wanted, hit_rate))}


def verification_vs_identification(fmr: float, watchlists=(1, 10, 100, 1_000, 10_000, 100_000)):
    """Chance of a false match for one innocent person: one comparison (1:1) versus N (1:N)."""
    import pandas as pd

    return pd.DataFrame({"taille_liste": list(watchlists),
                         "p_fausse_alerte": [p_false_alarm_per_passer(fmr, n) for n in watchlists]})


def fmt_fmr(fmr: float) -> str:
    """``1e-4`` -> "1 sur 10 000"."""
    from civicai.french import integer

    return f"1 sur {integer(1 / fmr)}"
