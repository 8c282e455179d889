"""The room's answers in one SQLite file: one row per (person, question), the last answer wins.

A kernel POSTs ``{"module", "notebook", "question", "kind", "value"}`` (the protocol fixed for issues 15 and
23). What leaves this module for a page is only aggregated, and nothing at all for a group under
``MIN_GROUP`` people: with 3 people in a room, "2 said 40" is close to naming them.

A person is stored as a pseudonym, HMAC-SHA256 of their hub name with a secret kept with the hub's other
secrets (``secrets.json``'s ``room_key``, mode 0600, the hub's only; never beside the answers): no name in the
file, and a copy of the answers alone does not say who is who; yet the service finds a participant's own
answers, and ``civicai salle effacer NOM`` their rows, by computing the pseudonym again. A store made when the
key sat beside it (``salle.sqlite.cle``) keeps its key: adopted into ``secrets.json``, the old file removed.
No page needs the link back: the facilitator's per-person view comes from the hub (who is in, what is
open), never from the answers, which pages only get aggregated. Rows written with the name in clear are converted on opening.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import re
import sqlite3
import time
import unicodedata
from collections import Counter
from pathlib import Path

from civicai.errors import UserError

MIN_GROUP = 5
MAX_TEXT = 200  # characters of a short text answer
KINDS = ("number", "choice", "text")
MODULE = re.compile(r"^[0-9]{2}-[a-z0-9-]{1,80}$")
NOTEBOOK = re.compile(r"^[A-Za-z0-9._-]{1,120}\.ipynb$")
QUESTION = re.compile(r"^M[0-9]{1,2}-[PQ][0-9]{1,3}$")
HISTOGRAM_BINS = 8
PSEUDONYM = "p1:"  # prefix of a pseudonym (rows without it hold a name in clear, from before pseudonyms)
# words too common to say anything about a room's answers
STOP_WORDS = set("""au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais me même mes
moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous
c d j l à m n s t y été être avoir est sont a ai as avons ont fait plus très bien aussi comme si tout
tous""".split())

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    person TEXT NOT NULL, module TEXT NOT NULL, notebook TEXT NOT NULL, question TEXT NOT NULL,
    kind TEXT NOT NULL, number REAL, text TEXT, at REAL NOT NULL, PRIMARY KEY (question, person));
CREATE INDEX IF NOT EXISTS answers_by_person ON answers(person);
"""


def clean_answer(data: dict) -> dict:
    """The checked answer, or a ``UserError`` in French saying which field is wrong."""
    if not isinstance(data, dict):
        raise UserError("Réponse illisible : envoyez un objet JSON.")
    module, notebook, question = (str(data.get(k) or "") for k in ("module", "notebook", "question"))
    if not MODULE.match(module):
        raise UserError("Module inconnu : indiquez le dossier du module, "
                        "par exemple « 02-biais-reconnaissance-faciale ».")
    if not NOTEBOOK.match(notebook):
        raise UserError("Carnet inconnu : indiquez le nom du carnet, par exemple « 02-l-audit.ipynb ».")
    if not QUESTION.match(question):
        raise UserError("Question inconnue : son numéro s'écrit comme « M2-Q7 » ou « M2-P1 ».")
    kind, value = data.get("kind"), data.get("value")
    if kind not in KINDS:
        raise UserError("Type de réponse inconnu : choisissez « number », « choice » ou « text ».")
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise UserError("Cette question attend un nombre.")
        return dict(module=module, notebook=notebook, question=question, kind=kind, number=float(value), text=None)
    text = " ".join(unicodedata.normalize("NFC", str(value if isinstance(value, str) else "")).split())
    if not text:
        raise UserError("Votre réponse est vide : écrivez-la puis envoyez-la de nouveau.")
    if len(text) > MAX_TEXT:
        raise UserError(f"Votre réponse est trop longue : {MAX_TEXT} caractères au plus.")
    return dict(module=module, notebook=notebook, question=question, kind=kind, number=None, text=text)


def histogram(values: list[float], bins: int = HISTOGRAM_BINS) -> list[dict]:
    """Equal-width bins from the smallest to the largest value (one bin when all are equal)."""
    low, high = min(values), max(values)
    if low == high:
        return [{"low": low, "high": high, "n": len(values)}]
    width = (high - low) / bins
    counts = Counter(min(int((v - low) / width), bins - 1) for v in values)
    return [{"low": low + i * width, "high": low + (i + 1) * width, "n": counts.get(i, 0)} for i in range(bins)]


def words(texts: list[str], *, min_people: int = 2, top: int = 30) -> list[dict]:
    """Words used by at least ``min_people`` people (a word only one person wrote could name them)."""
    people = Counter()
    for text in texts:
        found = {w for w in re.findall(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", text.lower()) if w not in STOP_WORDS}
        people.update(found)
    return [{"word": w, "n": n} for w, n in people.most_common() if n >= min_people][:top]


def median(values: list[float]) -> float:
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


class AnswerStore:
    """The answers of one hub; every public method returns plain dicts ready for JSON."""

    def __init__(self, path: str | Path, *, min_group: int = MIN_GROUP, key: bytes | None = None):
        self.min_group = min_group
        self.key = key or pseudonym_key(Path(path))
        self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)
        self.db.create_function("pseudonym", 1, self.pseudonym, deterministic=True)
        self.db.execute("UPDATE answers SET person = pseudonym(person) WHERE person NOT LIKE ?", (PSEUDONYM + "%",))

    def pseudonym(self, name: str) -> str:
        return PSEUDONYM + hmac.new(self.key, name.encode(), hashlib.sha256).hexdigest()

    def record(self, person: str, data: dict) -> dict:
        a = clean_answer(data)
        self.db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (self.pseudonym(person), a["module"], a["notebook"], a["question"], a["kind"], a["number"],
                         a["text"], time.time()))
        return a

    def mine(self, person: str) -> list[dict]:
        rows = self.db.execute("SELECT module, notebook, question, kind, number, text, at FROM answers "
                               "WHERE person = ? ORDER BY module, notebook, at", (self.pseudonym(person),))
        return [{"module": m, "notebook": nb, "question": q, "kind": k, "value": n if k == "number" else t, "at": at}
                for m, nb, q, k, n, t, at in rows]

    def aggregate(self, module: str | None = None) -> list[dict]:
        """Per question: how many people answered and, from ``min_group`` people on, what the room said."""
        where, args = ("WHERE module = ?", (module,)) if module else ("", ())
        rows = self.db.execute(f"SELECT module, notebook, question, kind, number, text FROM answers {where} "
                               "ORDER BY module, notebook, question", args).fetchall()
        grouped: dict[tuple, list] = {}
        for m, nb, q, k, n, t in rows:
            grouped.setdefault((m, q), []).append((nb, k, n, t))
        return [self._summary(m, q, items) for (m, q), items in grouped.items()]

    def _summary(self, module: str, question: str, items: list) -> dict:
        kind = Counter(k for _, k, _, _ in items).most_common(1)[0][0]  # a changed question keeps its main kind
        same = [(n, t) for _, k, n, t in items if k == kind]
        out = {"module": module, "notebook": items[0][0], "question": question, "kind": kind,
               "people": len(items), "hidden": len(items) < self.min_group}
        if out["hidden"]:
            return out
        if kind == "number":
            values = [n for n, _ in same]
            out.update(histogram=histogram(values), median=median(values))
        elif kind == "choice":
            out["choices"] = [{"value": v, "n": c} for v, c in Counter(t for _, t in same).most_common()]
        else:
            out["words"] = words([t for _, t in same])
        return out

    def forget(self, person: str) -> list[dict]:
        """Delete a person's answers (a participant's request); return what was deleted (module, question)."""
        gone = self.db.execute("DELETE FROM answers WHERE person = ? RETURNING module, question",
                               (self.pseudonym(person),)).fetchall()
        return [{"module": m, "question": q} for m, q in sorted(gone)]


def pseudonym_key(db: Path) -> bytes:
    """The hub's ``room_key`` (``db``'s folder is the hub's state folder); an old key beside ``db`` is adopted
    first, then removed, and the log says so."""
    from civicai.hub.config import room_key

    old = Path(f"{db}.cle")
    try:
        kept = old.read_bytes()
    except FileNotFoundError:
        return room_key(db.parent)
    key = room_key(db.parent, keep=kept)
    if key != kept:
        raise UserError(f"Deux clés de pseudonymes différentes : {old} et le room_key de secrets.json. "
                        f"Gardez la bonne (celle qui a servi aux réponses) et supprimez l'autre.")
    old.unlink()
    logging.getLogger(__name__).warning(
        "La clé des pseudonymes de la salle était à côté des réponses (%s) : elle est maintenant rangée avec "
        "les autres secrets du hub (secrets.json), et l'ancien fichier est supprimé.", old)
    return key
