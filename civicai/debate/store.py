"""Debates in one SQLite file (WAL mode): statements, pseudonymous votes, the facilitators' moderation.

A participant is stored as HMAC-SHA256(debate's secret salt, hub user name): no name in clear, and the
same person gets unrelated codes in two debates. The salt never leaves the file, so a participant's data
can still be found and deleted on request (``civicai debat effacer NOM``) by computing the code again.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import sqlite3
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from civicai.errors import UserError

MAX_LENGTH = 140  # characters in a statement, as in Polis
MIN_LENGTH = 10
VOTE_VALUES = {"agree": 1, "disagree": -1, "pass": 0}
APPROVED, PENDING, REFUSED = "approved", "pending", "refused"
OPEN, CLOSED = "open", "closed"
# Values stored before version 1 of the file (French), and their English names since.
OLD_VALUES = {"statements.status": {"approuvee": APPROVED, "en_attente": PENDING, "refusee": REFUSED},
              "debates.status": {"ouvert": OPEN, "ferme": CLOSED},
              "moderation.action": {"ouverture": "open", "fermeture": "close", "effacement": "erase",
                                    "approuver": "approve", "refuser": "refuse"}}

SCHEMA = """
CREATE TABLE IF NOT EXISTS debates (
    id INTEGER PRIMARY KEY, slug TEXT UNIQUE NOT NULL, title TEXT NOT NULL, question TEXT NOT NULL,
    status TEXT NOT NULL, salt BLOB NOT NULL, created_at REAL NOT NULL, closed_at REAL);
CREATE TABLE IF NOT EXISTS statements (
    id INTEGER PRIMARY KEY, debate_id INTEGER NOT NULL REFERENCES debates(id) ON DELETE CASCADE,
    text TEXT NOT NULL, author TEXT, seed INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL,
    created_at REAL NOT NULL, moderated_at REAL);
CREATE TABLE IF NOT EXISTS votes (
    statement_id INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
    debate_id INTEGER NOT NULL, participant TEXT NOT NULL, value INTEGER NOT NULL, at REAL NOT NULL,
    PRIMARY KEY (statement_id, participant));
CREATE INDEX IF NOT EXISTS votes_by_debate ON votes(debate_id, participant);
CREATE TABLE IF NOT EXISTS moderation (
    id INTEGER PRIMARY KEY, debate_id INTEGER NOT NULL REFERENCES debates(id) ON DELETE CASCADE,
    statement_id INTEGER, action TEXT NOT NULL, by TEXT NOT NULL, at REAL NOT NULL);
"""


@dataclass
class Statement:
    id: int
    text: str
    status: str
    seed: bool
    mine: bool = False


def clean_text(text: str) -> str:
    """One line, no control characters, spaces squeezed; a clear French error if too short or too long."""
    text = "".join(ch for ch in unicodedata.normalize("NFC", str(text or ""))
                   if unicodedata.category(ch)[0] != "C" or ch in "\n\t")
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) < MIN_LENGTH:
        raise UserError(f"Votre phrase est trop courte : écrivez au moins {MIN_LENGTH} caractères.")
    if len(text) > MAX_LENGTH:
        raise UserError(f"Votre phrase fait {len(text)} caractères : le maximum est {MAX_LENGTH}. "
                        "Raccourcissez-la, puis envoyez-la de nouveau.")
    return text


def slugify(title: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_).strip("-")[:40] or "debat"


class DebateStore:
    """All reads and writes of the debates; one connection per store, safe across threads of one process."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not self.path.exists()
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=10)
        if fresh:
            os.chmod(self.path, 0o600)  # the salts are in here
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(SCHEMA)
        self._upgrade()
        self._salts: dict[str, bytes] = {}

    def close(self) -> None:
        self.db.close()

    def _upgrade(self) -> None:
        """Files written before version 1 stored French status and action values: rename them once."""
        if self.db.execute("PRAGMA user_version").fetchone()[0] >= 1:
            return
        with self._tx():
            for column, renames in OLD_VALUES.items():
                table, name = column.split(".")
                self.db.executemany(f"UPDATE {table} SET {name}=? WHERE {name}=?",
                                    [(new, old) for old, new in renames.items()])
            self.db.execute("PRAGMA user_version=1")

    def _tx(self):
        return _Transaction(self.db)

    # debates --------------------------------------------------------------------------------------
    def open_debate(self, title: str, question: str, seeds: list[str], *, by: str) -> dict:
        title = re.sub(r"\s+", " ", str(title or "")).strip()
        if not 3 <= len(title) <= 80:
            raise UserError("Donnez au débat un titre de 3 à 80 caractères.")
        question = re.sub(r"\s+", " ", str(question or "")).strip()[:300] or title
        texts = [clean_text(s) for s in seeds]
        now = time.time()
        with self._tx():
            base, n = slugify(title), 1
            slug = base
            while self.db.execute("SELECT 1 FROM debates WHERE slug=?", (slug,)).fetchone():
                n += 1
                slug = f"{base}-{n}"
            cur = self.db.execute("INSERT INTO debates (slug, title, question, status, salt, created_at) "
                                  "VALUES (?,?,?,?,?,?)", (slug, title, question, OPEN, secrets.token_bytes(32), now))
            did = cur.lastrowid
            self.db.executemany("INSERT INTO statements (debate_id, text, seed, status, created_at) VALUES (?,?,1,?,?)",
                                [(did, t, APPROVED, now) for t in texts])
            self._log(did, None, "open", by)
        return self.debate(slug)

    def debate(self, slug: str) -> dict:
        row = self.db.execute("SELECT id, slug, title, question, status, created_at, closed_at FROM debates "
                              "WHERE slug=?", (slug,)).fetchone()
        if row is None:
            raise KeyError(slug)
        return dict(zip(("id", "slug", "title", "question", "status", "created_at", "closed_at"), row))

    def debates(self, *, include_closed: bool = True) -> list[dict]:
        rows = self.db.execute("SELECT slug FROM debates ORDER BY created_at DESC, id DESC").fetchall()
        found = [self.debate(r[0]) for r in rows]
        return [d for d in found if include_closed or d["status"] == OPEN]

    def close_debate(self, slug: str, *, by: str) -> None:
        d = self.debate(slug)
        with self._tx():
            self.db.execute("UPDATE debates SET status=?, closed_at=? WHERE id=?", (CLOSED, time.time(), d["id"]))
            self._log(d["id"], None, "close", by)

    def pseudonym(self, slug: str, user: str) -> str:
        if slug not in self._salts:  # a debate's salt never changes: read it once
            row = self.db.execute("SELECT salt FROM debates WHERE slug=?", (slug,)).fetchone()
            if row is None:
                raise KeyError(slug)
            self._salts[slug] = row[0]
        return hmac.new(self._salts[slug], user.encode(), hashlib.sha256).hexdigest()[:32]

    def _require_open(self, d: dict) -> None:
        if d["status"] != OPEN:
            raise UserError("Ce débat est fermé : on ne peut plus voter ni proposer de phrase.")

    # statements ------------------------------------------------------------------------------------
    def propose(self, slug: str, user: str, text: str, *, approved: bool = False) -> int:
        d = self.debate(slug)
        self._require_open(d)
        text = clean_text(text)
        who = self.pseudonym(slug, user)
        known = self.db.execute("SELECT text FROM statements WHERE debate_id=? AND status!=?", (d["id"], REFUSED))
        if text.casefold() in {t.casefold() for (t,) in known}:
            raise UserError("Cette phrase existe déjà dans le débat : votez plutôt pour elle.")
        with self._tx():
            cur = self.db.execute("INSERT INTO statements (debate_id, text, author, status, created_at) "
                                  "VALUES (?,?,?,?,?)", (d["id"], text, who, APPROVED if approved else PENDING,
                                                         time.time()))
        return cur.lastrowid

    def statements(self, slug: str, *, user: str | None = None, status: str | None = APPROVED) -> list[Statement]:
        d = self.debate(slug)
        who = self.pseudonym(slug, user) if user else None
        query = "SELECT id, text, status, seed, author FROM statements WHERE debate_id=?"
        args = [d["id"]]
        if status:
            query += " AND status=?"
            args.append(status)
        rows = self.db.execute(query + " ORDER BY id", args).fetchall()
        return [Statement(i, t, s, bool(seed), who is not None and a == who) for i, t, s, seed, a in rows]

    def my_pending(self, slug: str, user: str) -> list[Statement]:
        return [s for s in self.statements(slug, user=user, status=None) if s.mine and s.status != APPROVED]

    def moderate(self, slug: str, statement_id: int, decision: str, *, by: str) -> None:
        status = {"approve": APPROVED, "refuse": REFUSED}.get(decision)
        if status is None:
            raise UserError("Décision inconnue : la valeur envoyée doit être « approve » ou « refuse ».")
        d = self.debate(slug)
        with self._tx():
            cur = self.db.execute("UPDATE statements SET status=?, moderated_at=? WHERE id=? AND debate_id=?",
                                  (status, time.time(), statement_id, d["id"]))
            if cur.rowcount == 0:
                raise KeyError(statement_id)
            self._log(d["id"], statement_id, decision, by)

    # votes -----------------------------------------------------------------------------------------
    def vote(self, slug: str, user: str, statement_id: int, value: str) -> None:
        if value not in VOTE_VALUES:
            raise UserError("Vote inconnu : la valeur envoyée doit être « agree », « disagree » ou « pass ».")
        d = self.debate(slug)
        self._require_open(d)
        ok = self.db.execute("SELECT 1 FROM statements WHERE id=? AND debate_id=? AND status=?",
                             (statement_id, d["id"], APPROVED)).fetchone()
        if not ok:
            raise UserError("Cette phrase n'existe pas dans ce débat, ou elle attend encore l'accord "
                            "de la personne qui anime.")
        self.db.execute("INSERT INTO votes (statement_id, debate_id, participant, value, at) VALUES (?,?,?,?,?) "
                        "ON CONFLICT (statement_id, participant) DO UPDATE SET value=excluded.value, at=excluded.at",
                        (statement_id, d["id"], self.pseudonym(slug, user), VOTE_VALUES[value], time.time()))

    def my_votes(self, slug: str, user: str) -> dict[int, str]:
        names = {v: k for k, v in VOTE_VALUES.items()}
        rows = self.db.execute("SELECT v.statement_id, v.value FROM votes v JOIN debates d ON d.id=v.debate_id "
                               "WHERE d.slug=? AND v.participant=?", (slug, self.pseudonym(slug, user))).fetchall()
        return {sid: names[v] for sid, v in rows}

    def all_votes(self, slug: str) -> list[tuple[str, int, int]]:
        """(pseudonym, statement id, value) of approved statements: the map's input, never shown as such."""
        return self.db.execute(
            "SELECT v.participant, v.statement_id, v.value FROM votes v JOIN statements s ON s.id=v.statement_id "
            "JOIN debates d ON d.id=v.debate_id WHERE d.slug=? AND s.status=?", (slug, APPROVED)).fetchall()

    # privacy ---------------------------------------------------------------------------------------
    def erase(self, user: str, *, by: str) -> dict[str, int]:
        """Delete a person's votes and statements (with the votes on them) in every debate; counts per debate."""
        counts = {}
        for d in self.debates():
            who = self.pseudonym(d["slug"], user)
            with self._tx():
                own = self.db.execute("SELECT id FROM statements WHERE debate_id=? AND author=?",
                                      (d["id"], who)).fetchall()
                n = self.db.execute("DELETE FROM votes WHERE debate_id=? AND participant=?",
                                    (d["id"], who)).rowcount
                self.db.executemany("DELETE FROM statements WHERE id=?", own)
                if n or own:
                    self._log(d["id"], None, "erase", by)
            if n or own:
                counts[d["slug"]] = n + len(own)
        return counts

    def _log(self, debate_id: int, statement_id: int | None, action: str, by: str) -> None:
        self.db.execute("INSERT INTO moderation (debate_id, statement_id, action, by, at) VALUES (?,?,?,?,?)",
                        (debate_id, statement_id, action, by, time.time()))


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on error (autocommit connection otherwise)."""

    def __init__(self, db):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, *_):
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
