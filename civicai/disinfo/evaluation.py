"""Score claim matching on a labelled set of messages: the figures of module 3's README and benchmark.

A set (``datasets/affirmations-fr/evaluation/*.csv``) has one message per row with what should happen, in
the data set's French words, read here as the matcher's outcome codes: ``meme`` (it repeats fact ``id_fait``),
``detail`` (same subject as ``id_fait``, one detail changed) or ``inconnu`` (a rumour the base does not hold). The old matcher (embeddings only: the best fact above the
threshold gets its verdict) is scored on the same rows, with the same encoder, for comparison.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

from civicai.disinfo.corpus import corpus_dir
from civicai.disinfo.verdicts import DETAIL, SAME, UNKNOWN

COLUMNS = ["message", "attendu", "id_fait", "detail", "style"]
# The data set's ``attendu`` words (French, documented in its README) -> the matcher's outcome codes.
EXPECTED = {"meme": SAME, "detail": DETAIL, "inconnu": UNKNOWN}
# Its ``detail`` words -> the kinds of :class:`civicai.disinfo.details.Difference`.
DETAIL_KINDS = {"": "", "annee": "year", "nombre": "number", "lieu": "place", "personne": "person",
                "organisation": "organisation", "negation": "negation"}


def evaluation_dir() -> Path:
    return corpus_dir() / "evaluation"


def read_set(name: str = "evaluation") -> list[dict]:
    """``evaluation`` (held out: report only) or ``calibration`` (to tune thresholds).

    ``attendu`` comes back as an outcome code and ``detail`` as a difference kind, so that they compare
    with what the matcher answers.
    """
    with open(evaluation_dir() / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return [{**row, "attendu": EXPECTED[row["attendu"]], "detail": DETAIL_KINDS[row["detail"]]}
                for row in csv.DictReader(fh)]


def embeddings_only(matcher, message: str) -> dict:
    """The matcher before details were compared: best fact above the threshold = its verdict."""
    fact_id, score = matcher.scores(message)[0]
    return {"resultat": SAME if score >= matcher.threshold else UNKNOWN, "id_fait": fact_id,
            "score": score, "differences": []}


def score(rows: list[dict], outcomes: list[dict]) -> dict:
    """The three rates of the issue, plus what else happened, as counts and shares."""
    groups = {kind: [(r, o) for r, o in zip(rows, outcomes) if r["attendu"] == kind]
              for kind in (SAME, DETAIL, UNKNOWN)}
    same, near, off = groups[SAME], groups[DETAIL], groups[UNKNOWN]
    counts = {
        "same_total": len(same),
        "same_right": sum(o["resultat"] == SAME and o["id_fait"] == r["id_fait"] for r, o in same),
        "same_to_detail": sum(o["resultat"] == DETAIL for _, o in same),
        "detail_total": len(near),
        "detail_with_verdict": sum(o["resultat"] == SAME for _, o in near),
        "detail_flagged": sum(o["resultat"] == DETAIL for _, o in near),
        "detail_right_kind": sum(o["resultat"] == DETAIL and r["detail"] in {d.kind for d in o["differences"]}
                               for r, o in near),
        "unknown_total": len(off),
        "unknown_abstained": sum(o["resultat"] == UNKNOWN for _, o in off),
        "unknown_with_verdict": sum(o["resultat"] == SAME for _, o in off),
    }
    counts["rate_same_right"] = counts["same_right"] / max(1, len(same))
    counts["rate_detail_with_verdict"] = counts["detail_with_verdict"] / max(1, len(near))
    counts["rate_abstention"] = counts["unknown_abstained"] / max(1, len(off))
    return counts


def run(matcher, rows: list[dict], *, legacy: bool = False) -> tuple[dict, list[dict], float]:
    """Score one matcher on ``rows``; also return each outcome and the mean seconds per message."""
    decide = (lambda m: embeddings_only(matcher, m)) if legacy else matcher.match
    t0 = time.perf_counter()
    outcomes = [decide(r["message"]) for r in rows]
    seconds = (time.perf_counter() - t0) / max(1, len(rows))
    return score(rows, outcomes), outcomes, seconds


def failures(rows: list[dict], outcomes: list[dict]) -> list[str]:
    """One line per message that did not get the expected outcome (to read, not to tune on)."""
    out = []
    for r, o in zip(rows, outcomes):
        ok = (o["resultat"] == r["attendu"]) and (r["attendu"] == UNKNOWN or o["id_fait"] == r["id_fait"]
                                                   or r["attendu"] == DETAIL)
        if not ok:
            diffs = ", ".join(d.kind for d in o["differences"])
            out.append(f"{r['attendu']:>7} -> {o['resultat']:<7} {o['id_fait'] or '':>5} "
                       f"{o['score']:.2f} [{diffs}] {r['message']}")
    return out
