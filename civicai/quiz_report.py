"""``civicai quiz rapport``: the anonymous before/after summary of one module's quiz.

The gain is paired: each person is compared with themself (score after minus score before, in
points out of 100), which removes the differences between people. Its 95 % interval is the
paired t interval, and its effect size is Cohen's d_z (mean difference / standard deviation of
the differences; Lakens, 2013, « Calculating and reporting effect sizes », Frontiers in Psychology).

Nothing is shown for fewer than :data:`MIN_PEOPLE` people: with 2 or 3 answers, a mean score
or a per-question share gives away what each person answered.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

from civicai.errors import UserError
from civicai.french import number, percent
from civicai.quiz import PHASES, OldAnswers, Quiz, read_record

MIN_PEOPLE = 5
MAX_RECORD_BYTES = 1_000_000  # a participant's file is untrusted: a huge one is skipped, not read


@dataclass(frozen=True)
class Gain:
    """A paired before/after gain, in points out of 100."""
    n: int
    mean: float
    low: float
    high: float
    dz: float | None  # None when every person gained exactly the same: d_z is undefined


def paired_gain(before: list[float], after: list[float]) -> Gain:
    """Mean of ``after - before`` with its 95 % paired t interval and Cohen's d_z."""
    from scipy.stats import t  # scipy comes with scikit-learn; imported here to keep the CLI fast

    diffs = [b - a for a, b in zip(before, after, strict=True)]
    n = len(diffs)
    if n < 2:
        raise ValueError("a paired interval needs at least two pairs")
    mean = sum(diffs) / n
    sd = math.sqrt(sum((d - mean) ** 2 for d in diffs) / (n - 1))
    half = t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    return Gain(n, mean, mean - half, mean + half, mean / sd if sd > 0 else None)


@dataclass
class Answers:
    """What a module's quiz received, read from every home: no name leaves this object."""
    phases: dict[str, list[dict[str, str]]]  # phase -> answers of each person who did it
    pairs: list[tuple[dict[str, str], dict[str, str]]]  # (before, after) of each person who did both
    people: int  # people with at least one usable answer
    old_format: int  # people whose answers predate today's questions (not counted)


def collect(homes: str | os.PathLike, quiz: Quiz) -> Answers:
    """Read ``<homes>/*/.civicai/quiz/<module>.json``; an unreadable file is one person less."""
    answers = Answers({p: [] for p in PHASES}, [], 0, 0)
    for path in sorted(Path(homes).glob(f"*/.civicai/quiz/{quiz.module}.json")):
        try:
            if path.is_symlink() or path.stat().st_size > MAX_RECORD_BYTES:
                continue  # a link could point at a file that is not a quiz
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        records, old = {}, False
        for phase in PHASES:
            try:
                record = read_record(data, phase, quiz)
            except OldAnswers:
                old = True
                continue
            except UserError:
                continue
            if record is not None:
                records[phase] = record
                answers.phases[phase].append(record)
        answers.old_format += old
        answers.people += bool(records)
        if len(records) == len(PHASES):
            answers.pairs.append((records["avant"], records["apres"]))
    return answers


def report(quiz: Quiz, homes: str | os.PathLike) -> str:
    """The French text printed by ``civicai quiz rapport`` for one module."""
    answers = collect(homes, quiz)
    n_items = len(quiz.questions)
    lines = [f"Quiz « {quiz.title} » ({quiz.module})"]
    if answers.old_format:
        lines.append(f"- {answers.old_format} personne(s) ont répondu à l'ancienne version du quiz : "
                     "ces réponses ne sont pas comptées, car les questions ont changé.")
    if answers.people < MIN_PEOPLE:
        lines.append(f"- Moins de {MIN_PEOPLE} personnes ont répondu ({answers.people}) : pour protéger "
                     "la vie privée de chaque personne, aucun résultat n'est affiché.")
        return "\n".join(lines)
    for phase, label in zip(PHASES, ("avant l'atelier", "après l'atelier")):
        records = answers.phases[phase]
        if len(records) < MIN_PEOPLE:
            lines.append(f"- {label} : moins de {MIN_PEOPLE} personnes ({len(records)}), rien n'est affiché.")
            continue
        mean = sum(quiz.score(r) for r in records) / len(records)
        lines.append(f"- {label} : {len(records)} personnes, score moyen {number(mean)} / {n_items}")
    lines.append(_gain_line(quiz, answers.pairs))
    lines.append("Part de bonnes réponses par question (avant → après) :")
    for i, q in enumerate(quiz.questions, 1):
        shares = []
        for phase in PHASES:
            records = answers.phases[phase]
            right = sum(r.get(q.id) == q.answer for r in records)
            shares.append(percent(right / len(records))
                          if len(records) >= MIN_PEOPLE else "—")
        lines.append(f"  {i}. {shares[0]} → {shares[1]}  {q.question}")
    return "\n".join(lines)


def _gain_line(quiz: Quiz, pairs: list[tuple[dict, dict]]) -> str:
    if len(pairs) < MIN_PEOPLE:
        return (f"- Progrès : moins de {MIN_PEOPLE} personnes ont fait le quiz avant et après "
                f"({len(pairs)}), il n'est pas calculé.")
    n_items = len(quiz.questions)
    gain = paired_gain([100 * quiz.score(b) / n_items for b, _ in pairs],
                       [100 * quiz.score(a) / n_items for _, a in pairs])
    size = ("non calculable (tout le monde a progressé d'autant)" if gain.dz is None
            else number(gain.dz, 2))
    return (f"- Progrès moyen ({gain.n} personnes qui ont fait les deux quiz) : {number(gain.mean)} points "
            f"sur 100, intervalle de confiance à 95 % : de {number(gain.low)} à {number(gain.high)} points ; "
            f"taille d'effet (d de Cohen pour données appariées, d_z) : {size}.")
