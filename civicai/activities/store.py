"""Where answers live: a small JSON file next to the notebook, and (on the hub) the facilitator's room.

Why a sidecar file rather than the notebook's own metadata: the kernel cannot write into the notebook that
JupyterLab holds open without racing the editor's autosave (the editor would overwrite it, or warn that the file
changed on disk). A sidecar written atomically by the kernel survives restarts, « Redémarrer et tout exécuter »
and a fresh copy of the notebook (``civicai modules``); the widgets read it back each time their cell runs, and
mirror the saved answer into the cell's output, which JupyterLab then saves inside the ``.ipynb`` itself.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from civicai.errors import UserError

ID_PATTERN = re.compile(r"^M(\d+)-([QP])(\d+)$")
MAX_TEXT = 4000  # characters: a long paragraph, far below anything that could fill a disk
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
KINDS = ("number", "choice", "text")


def check_id(question: str) -> str:
    """A kit-unique id, ``M2-Q7`` or ``M2-P1``; anything else is a developer's mistake."""
    if not ID_PATTERN.match(question):
        raise ValueError(f"question id {question!r} is not M<module>-Q<n> or M<module>-P<n>")
    return question


def sidecar_path(folder: Path, notebook: str) -> Path:
    """``.02-l-audit.reponses.json`` beside ``02-l-audit.ipynb``: hidden in JupyterLab's file browser."""
    return Path(folder) / f".{Path(notebook).stem}.reponses.json"


def clean_value(kind: str, value):
    """The value as it will be stored, or a ``UserError`` in plain French."""
    if kind == "text":
        text = str(value).strip()
        if not text:
            raise UserError("Votre réponse est vide : écrivez quelques mots, puis cliquez sur « Enregistrer ».")
        if len(text) > MAX_TEXT:
            raise UserError(f"Votre réponse est trop longue ({len(text)} caractères). "
                            f"Raccourcissez-la à {MAX_TEXT} caractères au plus, puis enregistrez-la de nouveau.")
        return text
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            raise UserError("Votre prédiction doit être un nombre : choisissez-la avec le curseur.")
        return float(value)
    if kind == "choice":
        if value is None or not str(value).strip():
            raise UserError("Choisissez une réponse en cliquant sur un des boutons, puis validez.")
        return str(value)
    raise ValueError(f"unknown kind {kind!r}")


class AnswerStore:
    """The answers of one notebook, in its sidecar file; ``save`` also sends them to the room when it can."""

    def __init__(self, folder: Path, notebook: str, *, module: str | None = None):
        self.folder = Path(folder)
        self.notebook = notebook
        self.module = module or self.folder.name
        self.path = sidecar_path(self.folder, notebook)

    def load(self) -> dict:
        """``{question id: {"kind", "value", "saved_at"}}``; a damaged file is set aside, never lost."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            answers = data["reponses"]
            if not isinstance(answers, dict):
                raise TypeError
            return answers
        except FileNotFoundError:
            return {}
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            kept = self.path.with_name(f"{self.path.name}.abime-{time.strftime('%Y%m%d-%H%M%S')}")
            os.replace(self.path, kept)
            return {}

    def get(self, question: str):
        return self.load().get(check_id(question))

    def save(self, question: str, kind: str, value) -> dict:
        """Store one answer (atomically, under a lock); returns the stored entry."""
        check_id(question)
        entry = {"kind": kind, "value": clean_value(kind, value),
                 "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            answers = self.load()
            answers[question] = entry
            payload = {"module": self.module, "notebook": self.notebook, "reponses": answers}
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".reponses-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(payload, out, ensure_ascii=False, indent=1)
            os.replace(tmp, self.path)
        return entry

    def send(self, question: str, entry: dict) -> str | None:
        """POST the answer to the room; ``None`` if sent or no room, else a French note."""
        sent = post_answer(self.module, self.notebook, question, entry["kind"], entry["value"])
        if sent is None or sent:
            return None
        if not room_reachable():
            return "Votre réponse est gardée ici, mais elle n'a pas été envoyée à la personne qui anime."
        return ("Votre réponse est gardée ici, mais l'envoi à la personne qui anime n'a pas marché. "
                "Ce n'est pas grave : vous pourrez la lui lire.")


def room_reachable() -> bool:
    """Whether the room's address is one this kernel may send to: loopback, with the hub's token."""
    url = os.environ.get("CIVICAI_SALLE_URL", "")
    return urllib.parse.urlsplit(url).hostname in LOOPBACK and bool(os.environ.get("JUPYTERHUB_API_TOKEN"))


def post_answer(module: str, notebook: str, question: str, kind: str, value) -> bool | None:
    """Send one answer to the facilitator room (the contract of issues 15 and 23): ``None`` when there is no
    room (kiosk, laptop, tests), ``True`` when it took it, ``False`` when it could not be reached; never raises."""
    url = os.environ.get("CIVICAI_SALLE_URL", "")
    if not url:
        return None
    if not room_reachable():
        return False
    body = {"module": module, "notebook": notebook, "question": question, "kind": kind, "value": value}
    headers = {"Authorization": f"token {os.environ['JUPYTERHUB_API_TOKEN']}", "Content-Type": "application/json"}
    req = urllib.request.Request(url.rstrip("/") + "/api/answers", data=json.dumps(body).encode(),
                                 method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=3) as resp:
            return 200 <= resp.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False
