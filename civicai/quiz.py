"""The pre/post quiz of each module: the same questions before and after, scored at once.

A quiz lives in ``modules/<module>/quiz.yaml``::

    titre: Comment une IA apprend-elle ?
    questions:
      - id: jeu-de-test             # stable: answers are saved under it
        type: rappel                # or « transfert »: a situation the notebooks do not show
        question: Qu'est-ce qu'un jeu de test ?
        choix:                      # option id: text; the order here is never shown
          vus: Les exemples vus pendant l'entraînement.
          cote: Des exemples mis de côté pour mesurer le modèle.
        reponse: cote               # the id of the right option, never a position
        explication: Une phrase qui dit pourquoi.

Each participant sees the options in an order of their own, drawn from a hash of their user
name and the item id: the same order before and after, a different one for the neighbour. The
key and the saved answers name options by id, so the order cannot change a score.

Answers are saved in the participant's own home (``~/.civicai/quiz/<module>.json``), never
elsewhere; ``civicai quiz rapport`` (:mod:`civicai.quiz_report`) sums them up anonymously.
"""

from __future__ import annotations

import getpass
import hashlib
import html
import json
import os
import random
import string
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from civicai.catalog import read_quiz
from civicai.errors import UserError, read_json

PHASES = ("avant", "apres")
KINDS = ("rappel", "transfert")
LETTERS = string.ascii_lowercase
FORMAT = 2  # saved answers name options by id; format 1 saved positions in a list


class OldAnswers(UserError):
    """Answers saved by the first quizzes (format 1): their questions no longer exist."""


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    question: str
    choices: dict[str, str]  # option id -> text, in the order of the file (never shown as such)
    answer: str  # id of the right option
    explanation: str

    def order(self, participant: str, module: str) -> tuple[str, ...]:
        """Option ids in the order this participant sees them, the same at every call.

        Seeded by SHA-256, not ``hash()``: Python salts ``hash()`` per process, so the order
        would change between the quiz before and the quiz after.
        """
        digest = hashlib.sha256(f"{module}\n{self.id}\n{participant}".encode()).digest()
        ids = sorted(self.choices)
        random.Random(int.from_bytes(digest[:8], "big")).shuffle(ids)
        return tuple(ids)


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
            raw = read_quiz(path)
            questions = tuple(_question(q) for q in raw["questions"])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise UserError(f"Le quiz {path} est mal formé ({exc}). Chaque question a : id, type, "
                            "question, choix (identifiant: texte), reponse (un identifiant), "
                            "explication.") from None
        for i, q in enumerate(questions, 1):
            if q.answer not in q.choices:
                raise UserError(f"Quiz {path}, question {i} : la réponse « {q.answer} » "
                                "n'est pas l'identifiant d'un choix.")
            if q.kind not in KINDS:
                raise UserError(f"Quiz {path}, question {i} : le type doit être « rappel » "
                                f"ou « transfert », pas « {q.kind} ».")
            if len(q.choices) > len(LETTERS) or len(q.choices) < 2:
                raise UserError(f"Quiz {path}, question {i} : il faut entre 2 et {len(LETTERS)} choix.")
        if len({q.id for q in questions}) != len(questions):
            raise UserError(f"Quiz {path} : deux questions ont le même id ; chaque id doit être unique.")
        module = path.resolve().parent.name  # notebooks pass ".": the folder's own name, not ""
        return cls(module, raw.get("titre", module), questions)

    def score(self, picked) -> int:
        """Number of right answers: ``picked`` maps item id to option id, or lists option ids in
        item order; an unanswered question or an unknown option counts as wrong."""
        if not isinstance(picked, dict):
            picked = {q.id: a for q, a in zip(self.questions, picked)}
        return sum(picked.get(q.id) == q.answer for q in self.questions)


def _question(raw: dict) -> Question:
    choices = {str(k): str(v) for k, v in raw["choix"].items()}
    return Question(str(raw["id"]), str(raw["type"]), str(raw["question"]), choices,
                    str(raw["reponse"]), str(raw.get("explication", "")))


def participant() -> str:
    """Who answers: the JupyterHub user name, else the account that runs the kernel."""
    name = os.environ.get("JUPYTERHUB_USER")
    if name:
        return name
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment nor in the password file
        return "participant"


def results_dir() -> Path:
    from civicai.settings import settings

    return settings().quiz_dir or Path.home() / ".civicai" / "quiz"


def read_record(data: dict, phase: str, quiz: Quiz) -> dict[str, str] | None:
    """The answers of one phase as {item id: option id}, or None if that phase was not done.

    A record of format 1 (positions of the first quizzes, whose questions have changed) cannot
    be scored against today's questions: it is refused with a French message, not misread.
    """
    record = data.get(phase) if isinstance(data, dict) else None
    if record is None:
        return None
    if not isinstance(record, dict):
        raise UserError(f"Les réponses « {phase} » du quiz {quiz.module} sont illisibles.")
    if isinstance(record.get("answers"), list):
        raise OldAnswers(f"Les réponses « {phase} » du quiz {quiz.module} viennent de l'ancienne "
                        "version du quiz, dont les questions ont changé : elles ne sont pas comptées. "
                        "Refaites le quiz pour avoir un score.")
    picked = record.get("picked")
    if not isinstance(picked, dict):
        raise UserError(f"Les réponses « {phase} » du quiz {quiz.module} sont illisibles.")
    known = {q.id: q.choices for q in quiz.questions}
    return {k: v for k, v in picked.items() if k in known and v in known[k]}


def load_result(quiz: Quiz, phase: str) -> dict[str, str] | None:
    """This participant's saved answers for one phase (see :func:`read_record`)."""
    data = read_json(results_dir() / f"{quiz.module}.json", "supprimez-le, puis refaites le quiz.")
    return read_record(data, phase, quiz)  # no file: None


def save_result(quiz: Quiz, phase: str, picked: dict[str, str | None]) -> Path:
    """Record one attempt in the participant's home; the last attempt of a phase counts.

    The other phase is kept as it is, even in the old format: :func:`read_record` refuses it
    with a message rather than it disappearing silently.
    """
    if phase not in PHASES:
        raise ValueError(f"phase must be one of {PHASES}")
    path = results_dir() / f"{quiz.module}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}  # missing or unreadable: this attempt starts a clean file
    if not isinstance(data, dict):
        data = {}
    data[phase] = {"picked": {k: v for k, v in picked.items() if v is not None},
                   "score": quiz.score(picked), "total": len(quiz.questions),
                   "when": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    data["format"] = FORMAT
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def show(module_dir: str | os.PathLike = ".", phase: str = "avant"):
    """Display the quiz of a module as radio buttons (options in this participant's order)."""
    import ipywidgets as w
    from IPython.display import display

    quiz = Quiz.load(Path(module_dir) / "quiz.yaml")
    who = participant()
    label = "avant l'atelier" if phase == "avant" else "après l'atelier"
    pickers = {}
    items = [w.HTML(f"<h3>Quiz {label} : {html.escape(quiz.title)}</h3>"
                    "<p>Pas de piège, pas de note : ce quiz sert à voir ce que l'atelier vous apporte.</p>")]
    for i, q in enumerate(quiz.questions, 1):
        options = [(f"{LETTERS[n]}. {q.choices[oid]}", oid) for n, oid in enumerate(q.order(who, quiz.module))]
        pickers[q.id] = w.RadioButtons(options=options, value=None, layout=w.Layout(width="auto"))
        items += [w.HTML(f"<p><b>Question {i}.</b> {html.escape(q.question)}</p>"), pickers[q.id]]
    feedback = w.HTML()
    button = w.Button(description="Valider mes réponses", button_style="primary",
                      layout=w.Layout(width="auto"))

    def submit(_):
        picked = {qid: p.value for qid, p in pickers.items()}
        save_result(quiz, phase, picked)
        feedback.value = _feedback(quiz, phase, picked)

    button.on_click(submit)
    box = w.VBox(items + [button, feedback])
    display(box)
    return box


def _feedback(quiz: Quiz, phase: str, picked: dict[str, str | None]) -> str:
    """The French HTML shown after « Valider »: the score, and after the workshop the reasons."""
    lines = []
    for i, q in enumerate(quiz.questions, 1):
        mark = "✅" if picked.get(q.id) == q.answer else "❌"
        if phase == "apres":
            lines.append(f"<li>{mark} Question {i} : la bonne réponse était « {html.escape(q.choices[q.answer])} ». "
                         f"{html.escape(q.explanation)}</li>")
        else:
            lines.append(f"<li>{mark} Question {i}</li>")
    text = f"<p><b>Score : {quiz.score(picked)} / {len(quiz.questions)}</b></p>"
    if phase == "apres":
        try:
            before = load_result(quiz, "avant")
            text += ("<p>Vous n'avez pas fait le quiz « avant » : pas de comparaison possible.</p>"
                     if before is None else
                     f"<p>Avant l'atelier, votre score était {quiz.score(before)} / {len(quiz.questions)}.</p>")
        except UserError as exc:
            text += f"<p>{html.escape(str(exc))}</p>"
    return text + f"<ul>{''.join(lines)}</ul>"
