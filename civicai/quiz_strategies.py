"""Test-taking tricks played on a quiz, to check that it measures what people learned.

A quiz measures learning only if a person who knows nothing cannot beat chance with a trick:
always taking the longest option, the same letter, the option that repeats the question's
words... (Millman, Bishop and Ebel, 1965, « An analysis of test-wiseness », Educational and
Psychological Measurement). Each trick below is played on every item; ties are split evenly
(the expected score of a person who picks at random among the tied options). The letter tricks
are played on the order each participant sees, averaged over a fixed sample of user names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from civicai.french import number
from civicai.quiz import LETTERS, Question, Quiz

MARGIN = 15  # points above chance that a trick may reach, at most
SAMPLE = tuple(f"participant-{i:03d}" for i in range(200))
_STOP = set("les des une est que qui quoi pour par avec dans sur sous pas plus mais donc car comme "
            "son sa ses leur leurs cette ces cet elle elles ils nous vous lui aux ont sont etre avoir "
            "tres fait faire quand".split())
_ABSOLUTE = set("toujours jamais tous toutes aucun aucune rien seul seule seuls seules seulement "
                "uniquement forcement certainement impossible totalement completement".split())
_HEDGE = set("peut peuvent pourrait souvent parfois risque risquent plutot probable probablement "
             "certains certaines environ generalement surtout possible".split())


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z0-9]+", folded)


def _stems(text: str) -> set[str]:
    """Content words cut to 5 letters, so that « apprend » and « apprentissage » match."""
    return {w[:5] for w in _words(text) if len(w) >= 3 and w not in _STOP}


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def _mean_similarity(q: Question, oid: str) -> float:
    others = [_jaccard(_stems(q.choices[oid]), _stems(q.choices[o])) for o in q.choices if o != oid]
    return sum(others) / len(others)


def _nuance(text: str) -> int:
    words = _words(text)
    return sum(w in _HEDGE for w in words) - sum(w in _ABSOLUTE for w in words)


# Each trick gives every option a value; the trick picks the option(s) with the highest value.
TRICKS: dict[str, Callable[[Question, str], float]] = {
    "la plus longue": lambda q, o: len(q.choices[o]),
    "la plus courte": lambda q, o: -len(q.choices[o]),
    "la plus proche des mots de la question": lambda q, o: len(_stems(q.choices[o]) & _stems(q.question)),
    "la plus éloignée des mots de la question": lambda q, o: -len(_stems(q.choices[o]) & _stems(q.question)),
    "la plus différente des autres": lambda q, o: -_mean_similarity(q, o),
    "la plus semblable aux autres": _mean_similarity,
    "la plus nuancée (« souvent », « peut »…)": lambda q, o: _nuance(q.choices[o]),
}


def _credit(q: Question, value: Callable[[Question, str], float]) -> float:
    values = {o: value(q, o) for o in q.choices}
    best = [o for o, v in values.items() if v == max(values.values())]
    return (q.answer in best) / len(best)


def chance(quiz: Quiz) -> float:
    """Expected score in points of a person who picks at random."""
    return 100 * sum(1 / len(q.choices) for q in quiz.questions) / len(quiz.questions)


def scores(quiz: Quiz, sample: tuple[str, ...] = SAMPLE) -> dict[str, float]:
    """Score in points (out of 100) of every trick on ``quiz``."""
    n = len(quiz.questions)
    result = {f"toujours {name}": 100 * sum(_credit(q, f) for q in quiz.questions) / n
              for name, f in TRICKS.items()}
    widest = max(len(q.choices) for q in quiz.questions)
    for i, letter in enumerate(LETTERS[:widest]):
        right = sum(len(order := q.order(who, quiz.module)) > i and order[i] == q.answer
                    for who in sample for q in quiz.questions)
        result[f"toujours la lettre {letter}"] = 100 * right / (n * len(sample))
    return result


def summary(quiz: Quiz) -> str:
    """One French line of rounded scores: the line each module's README quotes."""
    found = scores(quiz)
    tricks = " ; ".join(f"{name.removeprefix('toujours ')} {value:.0f}" for name, value in found.items()
                        if "lettre" not in name)
    letters = [f"{value:.0f}" for name, value in found.items() if "lettre" in name]
    return (f"hasard {chance(quiz):.0f}, limite {chance(quiz) + MARGIN:.0f} ; {tricks} ; "
            f"toujours la même lettre (a, b, c, d) {', '.join(letters)}")


def table(quiz: Quiz) -> tuple[str, bool]:
    """A French table of the tricks' scores, and whether every one stays within the bound."""
    base = chance(quiz)
    limit = base + MARGIN
    found = scores(quiz)
    lines = [f"Quiz « {quiz.title} » ({quiz.module}) : {len(quiz.questions)} questions, "
             f"hasard {number(base, 0)} points, limite {number(limit, 0)} points"]
    for name, value in found.items():
        mark = "ok" if value <= limit + 1e-9 else "TROP HAUT"
        lines.append(f"  {number(value, 1):>5}  {mark:9}  {name}")
    lines.append(f"  En une ligne (pour le README du module) : {summary(quiz)}")
    return "\n".join(lines), all(v <= limit + 1e-9 for v in found.values())
