"""The pre/post quiz of each module: the same questions before and after, scored at once.

A quiz lives in ``modules/<module>/quiz.yaml``::

    titre: Comment une IA apprend-elle ?
    questions:
      - question: Qu'est-ce qu'un jeu de test ?
        choix: [Les exemples vus pendant l'entraînement, Des exemples mis de côté, ...]
        reponse: 1            # index of the right choice, from 0
        explication: Une phrase qui dit pourquoi.

Answers are saved in the participant's own home (``~/.civicai/quiz/<module>.json``),
never elsewhere; ``civicai quiz rapport`` sums them up anonymously for a facilitator
(how many answered, mean score and share of right answers per question, before and after).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import yaml

from civicai.errors import UserError

PHASES = ("avant", "apres")


@dataclass(frozen=True)
class Question:
    question: str
    choices: tuple[str, ...]
    answer: int
    explanation: str


@dataclass(frozen=True)
class Quiz:
    module: str
    title: str
    questions: tuple[Question, ...]

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Quiz":
        """Read and check a ``quiz.yaml``; a malformed file says what to fix."""
        path = Path(path)
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
            questions = tuple(
                Question(q["question"], tuple(q["choix"]), int(q["reponse"]), q.get("explication", ""))
                for q in raw["questions"]
            )
        except FileNotFoundError:
            raise UserError(f"Quiz introuvable : {path}.") from None
        except (yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
            raise UserError(f"Le quiz {path} est mal formé ({exc}). "
                            "Chaque question a : question, choix, reponse.") from None
        for i, q in enumerate(questions, 1):
            if not 0 <= q.answer < len(q.choices):
                raise UserError(f"Quiz {path}, question {i} : la réponse {q.answer} n'est pas un choix.")
        return cls(path.parent.name, raw.get("titre", path.parent.name), questions)

    def score(self, answers: list[int | None]) -> int:
        """Number of right answers (an unanswered question counts as wrong)."""
        return sum(a == q.answer for a, q in zip(answers, self.questions))


def results_dir() -> Path:
    return Path(os.environ.get("CIVICAI_QUIZ_DIR", Path.home() / ".civicai" / "quiz"))


def save_result(quiz: Quiz, phase: str, answers: list[int | None]) -> Path:
    """Record one attempt in the participant's home; the last attempt of a phase counts."""
    if phase not in PHASES:
        raise ValueError(f"phase must be one of {PHASES}")
    path = results_dir() / f"{quiz.module}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(path.read_text()) if path.exists() else {}
    data[phase] = {"answers": answers, "score": quiz.score(answers), "total": len(quiz.questions),
                   "when": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1))
    return path


def show(module_dir: str | os.PathLike = ".", phase: str = "avant"):
    """Display the quiz of a module as radio buttons with a « Valider » button."""
    import ipywidgets as w
    from IPython.display import display

    quiz = Quiz.load(Path(module_dir) / "quiz.yaml")
    label = "avant l'atelier" if phase == "avant" else "après l'atelier"
    pickers = [w.RadioButtons(options=list(q.choices), value=None, layout=w.Layout(width="auto"))
               for q in quiz.questions]
    feedback = w.HTML()
    button = w.Button(description="Valider mes réponses", button_style="primary",
                      layout=w.Layout(width="auto"))

    def submit(_):
        answers = [p.index if p.value is not None else None for p in pickers]
        save_result(quiz, phase, answers)
        lines = []
        for i, (q, a) in enumerate(zip(quiz.questions, answers), 1):
            mark = "✅" if a == q.answer else "❌"
            lines.append(f"<li>{mark} Question {i} : {q.explanation}</li>" if phase == "apres"
                         else f"<li>{mark} Question {i}</li>")
        feedback.value = (f"<p><b>Score : {quiz.score(answers)} / {len(quiz.questions)}</b></p>"
                          f"<ul>{''.join(lines)}</ul>")

    button.on_click(submit)
    items = [w.HTML(f"<h3>Quiz {label} : {quiz.title}</h3>"
                    "<p>Pas de piège, pas de note : ce quiz sert à voir ce que l'atelier vous apporte.</p>")]
    for i, (q, p) in enumerate(zip(quiz.questions, pickers), 1):
        items += [w.HTML(f"<p><b>Question {i}.</b> {q.question}</p>"), p]
    box = w.VBox(items + [button, feedback])
    display(box)
    return box


def summarise(homes: str | os.PathLike, module: str) -> dict:
    """Anonymous before/after summary of one module's quiz over every home under ``homes``.

    Only counts leave this function: no name, no individual answer.
    """
    summary = {}
    for phase in PHASES:
        records = []
        for path in sorted(Path(homes).glob(f"*/.civicai/quiz/{module}.json")):
            try:
                record = json.loads(path.read_text(encoding="utf-8")).get(phase)
            except (OSError, ValueError, AttributeError):
                continue  # an unreadable file is one person less, never a crash
            if isinstance(record, dict) and isinstance(record.get("answers"), list):
                records.append(record)
        summary[phase] = records
    return summary


def report(quiz: Quiz, homes: str | os.PathLike) -> str:
    """The French text printed by ``civicai quiz rapport``."""
    summary = summarise(homes, quiz.module)
    lines = [f"Quiz « {quiz.title} » ({quiz.module})"]
    for phase, label in zip(PHASES, ("avant l'atelier", "après l'atelier")):
        records = summary[phase]
        if not records:
            lines.append(f"- {label} : personne n'a encore répondu.")
            continue
        mean = sum(quiz.score(r["answers"]) for r in records) / len(records)
        lines.append(f"- {label} : {len(records)} personne(s), score moyen "
                     f"{mean:.1f} / {len(quiz.questions)}".replace(".", ","))
    lines.append("Part de bonnes réponses par question (avant → après) :")
    for i, q in enumerate(quiz.questions):
        shares = []
        for phase in PHASES:
            records = summary[phase]
            right = sum(len(r["answers"]) > i and r["answers"][i] == q.answer for r in records)
            shares.append(f"{right / len(records):.0%}".replace("%", " %") if records else "—")
        lines.append(f"  {i + 1}. {shares[0]} → {shares[1]}  {q.question}")
    return "\n".join(lines)
