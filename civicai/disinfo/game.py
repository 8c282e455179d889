"""« Vrai ou faux ? »: a short game scored with signal detection theory.

Saying « faux » to everything catches every false claim but also rejects every true one:
that is scepticism, not skill. Following the critique of inoculation games by
Modirrousta-Galian & Higham (2023, « Gamified inoculation interventions do not improve
discrimination between true and fake news: Reanalyzing existing research with receiver
operating characteristic analysis », Journal of Experimental Psychology: General), the game
reports two separate numbers:

- **discrimination** ``d'``: how well a player tells false from true claims
  (0 = no better than chance); the « signal » is a false or misleading claim;
- **response bias** ``c``: the tendency to answer « faux » (negative ``c``: sceptical) or
  « vrai » (positive ``c``: credulous), whatever the claim.

Rates are corrected with the log-linear rule (add 0.5 to each count and 1 to each total,
Hautus 1995, « Corrections for extreme proportions and their biasing effects on estimated
values of d′ », Behavior Research Methods, Instruments, & Computers), so that a perfect
score stays finite.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from statistics import NormalDist

# Facts chosen for the game: familiar subjects, no figure to know by heart.
GAME_TRUE = ["f001", "f005", "f010", "f018", "f028", "f032", "f051", "f054", "f066", "f079",
             "f092", "f097", "f112", "f122", "f132", "f139", "f145", "f156", "f171", "f180"]
GAME_DOUBTFUL = ["f002", "f003", "f012", "f017", "f027", "f040", "f041", "f042", "f068", "f070",
                 "f095", "f114", "f116", "f133", "f142", "f165", "f168", "f173", "f188", "f207"]


@dataclass(frozen=True)
class Score:
    hits: int              # false claims answered « faux »
    misses: int            # false claims answered « vrai »
    false_alarms: int      # true claims answered « faux »
    correct_rejections: int  # true claims answered « vrai »
    d_prime: float
    bias: float            # criterion c: < 0 sceptical, > 0 credulous

    @property
    def correct(self) -> int:
        return self.hits + self.correct_rejections

    @property
    def total(self) -> int:
        return self.hits + self.misses + self.false_alarms + self.correct_rejections

    def bias_words(self) -> str:
        """The response bias in plain French."""
        if self.bias < -0.25:
            return "plutôt méfiant : vous répondez souvent « faux »"
        if self.bias > 0.25:
            return "plutôt confiant : vous répondez souvent « vrai »"
        return "équilibré : ni trop méfiant, ni trop confiant"


def score_answers(answers, truths) -> Score:
    """Score answers (True = the player said « faux ») against truths (True = claim is doubtful).

    >>> s = score_answers([True] * 4, [True, True, False, False])   # says « faux » to all
    >>> s.hits, s.false_alarms, round(s.d_prime, 6), s.bias < 0
    (2, 2, 0.0, True)
    """
    answers, truths = list(answers), list(truths)
    if len(answers) != len(truths):
        raise ValueError("answers and truths must have the same length")
    hits = sum(a and t for a, t in zip(answers, truths))
    misses = sum((not a) and t for a, t in zip(answers, truths))
    false_alarms = sum(a and not t for a, t in zip(answers, truths))
    rejections = sum((not a) and (not t) for a, t in zip(answers, truths))
    n_signal, n_noise = hits + misses, false_alarms + rejections
    z = NormalDist().inv_cdf
    hit_rate = (hits + 0.5) / (n_signal + 1)
    fa_rate = (false_alarms + 0.5) / (n_noise + 1)
    return Score(hits, misses, false_alarms, rejections,
                 d_prime=z(hit_rate) - z(fa_rate), bias=-(z(hit_rate) + z(fa_rate)) / 2)


def pick_items(claims, n: int = 10, seed: int | None = 0) -> list[dict]:
    """``n`` game claims: half true, half doubtful; half sensational, half neutral.

    ``claims``: the corpus as a list of dicts (:func:`~civicai.disinfo.corpus.read_rows`) or a
    DataFrame. Style is spread evenly over true and doubtful claims, so it gives no clue.
    Only facts checked against a source (:func:`~civicai.disinfo.review.reviewed_fact_ids`) are
    drawn: the game reveals a verdict, and the kit shows no verdict nobody has checked.
    """
    from civicai.disinfo.review import reviewed_fact_ids

    records = claims if isinstance(claims, list) else claims.to_dict("records")
    by_key = {(r["id_fait"], r["style"]): r for r in records}
    reviewed = reviewed_fact_ids()
    rng = random.Random(seed)
    half = n // 2
    true_ids = rng.sample([f for f in GAME_TRUE if f in reviewed], half)
    doubtful_ids = rng.sample([f for f in GAME_DOUBTFUL if f in reviewed], n - half)
    n_sens_true = rng.choice([half // 2, (half + 1) // 2])
    n_sens_doubtful = n // 2 - n_sens_true
    styles = {}
    for ids, k in ((true_ids, n_sens_true), (doubtful_ids, n_sens_doubtful)):
        sensational = set(rng.sample(ids, k))
        styles.update({i: "sensationnel" if i in sensational else "neutre" for i in ids})
    order = true_ids + doubtful_ids
    rng.shuffle(order)
    keep = ("id_fait", "texte", "etiquette", "style", "explication", "reference")
    return [{k: by_key[(i, styles[i])][k] for k in keep} for i in order]
