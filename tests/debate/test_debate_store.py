"""The store: pseudonymous votes, one per person and statement, moderation, length caps, erasure."""

from __future__ import annotations

import sqlite3

import pytest

from civicai.debate.store import MAX_LENGTH, DebateStore
from civicai.errors import UserError

SEEDS = ["Première phrase de départ du débat.", "Deuxième phrase de départ du débat."]


@pytest.fixture
def store(tmp_path):
    s = DebateStore(tmp_path / "debat.sqlite")
    yield s
    s.close()


def test_names_are_never_stored_in_clear_and_differ_between_debates(store, tmp_path):
    a = store.open_debate("Débat un", "Question ?", SEEDS, by="formateur")
    b = store.open_debate("Débat deux", "Question ?", SEEDS, by="formateur")
    sid = store.statements(a["slug"])[0].id
    store.vote(a["slug"], "camille-unique-nom", sid, "agree")
    store.propose(a["slug"], "camille-unique-nom", "Une phrase écrite par Camille.")
    raw = (tmp_path / "debat.sqlite").read_bytes() + (tmp_path / "debat.sqlite-wal").read_bytes()
    assert b"camille-unique-nom" not in raw
    assert store.pseudonym(a["slug"], "camille") != store.pseudonym(b["slug"], "camille")
    assert (tmp_path / "debat.sqlite").stat().st_mode & 0o077 == 0


def test_one_vote_per_person_and_statement_that_can_be_changed(store):
    d = store.open_debate("Vote", "Question ?", SEEDS, by="f")
    sid = store.statements(d["slug"])[0].id
    store.vote(d["slug"], "alice", sid, "agree")
    store.vote(d["slug"], "alice", sid, "disagree")
    assert store.my_votes(d["slug"], "alice") == {sid: "disagree"}
    assert len(store.all_votes(d["slug"])) == 1
    assert store.my_votes(d["slug"], "bruno") == {}


def test_new_statements_wait_for_approval_before_votes(store):
    d = store.open_debate("Moderation", "Question ?", SEEDS, by="f")
    sid = store.propose(d["slug"], "alice", "Il faudrait une charte de l'IA pour la ville.")
    assert sid not in [s.id for s in store.statements(d["slug"])]
    assert [s.id for s in store.my_pending(d["slug"], "alice")] == [sid]
    assert store.my_pending(d["slug"], "bruno") == []
    with pytest.raises(UserError, match="attend encore"):
        store.vote(d["slug"], "bruno", sid, "agree")
    store.moderate(d["slug"], sid, "approve", by="f")
    store.vote(d["slug"], "bruno", sid, "agree")
    assert sid in [s.id for s in store.statements(d["slug"])]


def test_statements_too_long_too_short_or_repeated_get_french_errors(store):
    d = store.open_debate("Longueur", "Question ?", SEEDS, by="f")
    with pytest.raises(UserError, match=f"maximum est {MAX_LENGTH}"):
        store.propose(d["slug"], "alice", "a" * (MAX_LENGTH + 1))
    with pytest.raises(UserError, match="trop courte"):
        store.propose(d["slug"], "alice", "  oui \x00 ")
    with pytest.raises(UserError, match="existe déjà"):
        store.propose(d["slug"], "alice", SEEDS[0].upper())
    with pytest.raises(UserError, match="Vote inconnu"):
        store.vote(d["slug"], "alice", store.statements(d["slug"])[0].id, "peut-être")


def test_a_closed_debate_takes_no_more_votes(store):
    d = store.open_debate("Fermeture", "Question ?", SEEDS, by="f")
    store.close_debate(d["slug"], by="f")
    with pytest.raises(UserError, match="fermé"):
        store.vote(d["slug"], "alice", store.statements(d["slug"])[0].id, "agree")
    assert store.debates(include_closed=False) == []


def test_erasing_a_person_removes_their_votes_and_statements_everywhere(store, tmp_path):
    a = store.open_debate("Effacer un", "Question ?", SEEDS, by="f")
    b = store.open_debate("Effacer deux", "Question ?", SEEDS, by="f")
    for d in (a, b):
        for s in store.statements(d["slug"]):
            store.vote(d["slug"], "alice", s.id, "agree")
            store.vote(d["slug"], "bruno", s.id, "pass")
    mine = store.propose(a["slug"], "alice", "Une proposition d'Alice à effacer.", approved=True)
    store.vote(a["slug"], "bruno", mine, "agree")
    counts = store.erase("alice", by="f")
    assert counts == {a["slug"]: 3, b["slug"]: 2}
    assert store.my_votes(a["slug"], "alice") == {} and store.my_votes(b["slug"], "alice") == {}
    assert mine not in [s.id for s in store.statements(a["slug"])]
    assert len(store.all_votes(a["slug"])) == 2  # bruno's votes on the seeds stay
    actions = [r[0] for r in sqlite3.connect(tmp_path / "debat.sqlite").execute("SELECT action FROM moderation")]
    assert actions.count("erase") == 2


def test_same_title_gets_a_new_address(store):
    a = store.open_debate("Même titre", "Q ?", SEEDS, by="f")
    b = store.open_debate("Même titre", "Q ?", SEEDS, by="f")
    assert a["slug"] == "meme-titre" and b["slug"] == "meme-titre-2"


def test_a_file_written_with_french_values_is_read_with_english_ones(tmp_path):
    """Files of the earlier versions stored « ouvert », « approuvee »...: opening one renames them, once."""
    path = tmp_path / "ancien.sqlite"
    old = DebateStore(path)
    d = old.open_debate("Ancien débat", "Question ?", SEEDS, by="f")
    sid = old.propose(d["slug"], "alice", "Une phrase qui attend encore sa relecture.")
    old.close_debate(d["slug"], by="f")
    old.close()
    db = sqlite3.connect(path)
    db.executescript("UPDATE debates SET status='ferme'; UPDATE statements SET status='approuvee' WHERE seed=1;"
                     "UPDATE statements SET status='en_attente' WHERE seed=0;"
                     "UPDATE moderation SET action='fermeture' WHERE action='close'; PRAGMA user_version=0;")
    db.close()
    store = DebateStore(path)
    assert store.debate(d["slug"])["status"] == "closed"
    assert [s.status for s in store.statements(d["slug"])] == ["approved", "approved"]
    assert [s.id for s in store.statements(d["slug"], status="pending")] == [sid]
    actions = {r[0] for r in store.db.execute("SELECT action FROM moderation")}
    assert actions == {"open", "close"}
    store.close()
