"""The room's answers: checked on the way in, aggregated on the way out, nothing under 5 people."""

from __future__ import annotations

import json

import pytest

from civicai.errors import UserError
from civicai.room.store import AnswerStore, histogram, words

BASE = {"module": "02-biais-reconnaissance-faciale", "notebook": "02-l-audit.ipynb"}


def answer(question: str, kind: str, value) -> dict:
    return dict(BASE, question=question, kind=kind, value=value)


@pytest.fixture
def store(tmp_path):
    return AnswerStore(tmp_path / "salle.sqlite")


def test_nothing_shown_under_five_people(store):
    for i, v in enumerate([10, 20, 30, 40]):
        store.record(f"p{i}", answer("M2-P1", "number", v))
    [q] = store.aggregate()
    assert q["hidden"] and q["people"] == 4
    assert not {"histogram", "median", "choices", "words"} & set(q)
    store.record("p4", answer("M2-P1", "number", 50))
    [q] = store.aggregate()
    assert not q["hidden"] and q["median"] == 30 and sum(b["n"] for b in q["histogram"]) == 5


def test_last_answer_wins_and_counts_once(store):
    for v in (1, 2, 3):
        store.record("alice", answer("M2-Q3", "choice", f"choix {v}"))
    assert store.aggregate()[0]["people"] == 1
    assert [a["value"] for a in store.mine("alice")] == ["choix 3"]


def test_choices_and_words_aggregate_without_names(store):
    texts = ["La caméra se trompe", "la caméra voit mal", "Un biais des données", "les données", "Alice écrit ça"]
    for i, t in enumerate(texts):
        store.record(f"zoe{i}", answer("M2-Q8", "text", t))
        store.record(f"zoe{i}", answer("M2-Q9", "choice", "oui" if i < 3 else "non"))
    by_id = {q["question"]: q for q in store.aggregate(module=BASE["module"])}
    assert by_id["M2-Q9"]["choices"] == [{"value": "oui", "n": 3}, {"value": "non", "n": 2}]
    # a word only one person wrote stays hidden
    assert {w["word"] for w in by_id["M2-Q8"]["words"]} == {"caméra", "données"}
    assert "zoe" not in str(by_id)
    assert store.aggregate(module="01-autre") == []


@pytest.mark.parametrize("bad, message", [
    ({"question": "M2-P1"}, "Module inconnu"),
    (dict(BASE, question="Q1", kind="number", value=1), "Question inconnue"),
    (dict(BASE, notebook="../../etc/passwd", question="M2-P1", kind="number", value=1), "Carnet inconnu"),
    (dict(BASE, question="M2-P1", kind="number", value="12"), "attend un nombre"),
    (dict(BASE, question="M2-P1", kind="number", value=float("nan")), "attend un nombre"),
    (dict(BASE, question="M2-P1", kind="number", value=True), "attend un nombre"),
    (dict(BASE, question="M2-P1", kind="text", value="   "), "vide"),
    (dict(BASE, question="M2-P1", kind="text", value="x" * 201), "trop longue"),
    (dict(BASE, question="M2-P1", kind="image", value="x"), "Type de réponse inconnu"),
])
def test_bad_answers_get_a_french_error_and_store_nothing(store, bad, message):
    with pytest.raises(UserError, match=message):
        store.record("alice", bad)
    assert store.mine("alice") == []


def test_histogram_covers_every_value():
    bins = histogram([0, 1, 2, 3, 10])
    assert sum(b["n"] for b in bins) == 5 and bins[0]["low"] == 0 and bins[-1]["high"] == 10 and bins[-1]["n"] == 1
    assert histogram([4, 4, 4]) == [{"low": 4, "high": 4, "n": 3}]


def test_words_ignore_small_words_and_count_people_not_repeats():
    assert words(["biais biais biais", "le biais", "le la les"]) == [{"word": "biais", "n": 2}]


def test_forget_deletes_a_persons_answers_and_says_which(store):
    store.record("alice", answer("M2-P1", "number", 3))
    store.record("alice", answer("M2-Q3", "text", "un biais"))
    store.record("bob", answer("M2-P1", "number", 4))
    assert store.forget("alice") == [{"module": BASE["module"], "question": q} for q in ("M2-P1", "M2-Q3")]
    assert store.mine("alice") == [] and len(store.mine("bob")) == 1
    assert store.forget("alice") == []


def test_names_are_stored_as_keyed_pseudonyms(tmp_path):
    import sqlite3

    path = tmp_path / "salle.sqlite"
    store = AnswerStore(path)
    store.record("alice", answer("M2-P1", "number", 3))
    with sqlite3.connect(path) as db:
        [(person,)] = db.execute("SELECT person FROM answers").fetchall()
    assert "alice" not in person and person.startswith("p1:") and len(person) == 3 + 64
    assert AnswerStore(path).mine("alice")[0]["value"] == 3  # same key after a restart
    # the key is one of the hub's secrets (0600), not a file beside the answers
    assert not (tmp_path / "salle.sqlite.cle").exists()
    assert (tmp_path / "secrets.json").stat().st_mode & 0o077 == 0
    assert bytes.fromhex(json.loads((tmp_path / "secrets.json").read_text())["room_key"]) == store.key


def test_a_copy_of_the_answers_alone_does_not_say_who_is_who(tmp_path):
    import hashlib
    import hmac
    import shutil
    import sqlite3

    names = ["alice", "bruno", "camille", "dora", "eli"]
    store = AnswerStore(tmp_path / "etat" / "salle.sqlite")
    for i, name in enumerate(names):
        store.record(name, answer("M2-P1", "number", i))
    store.db.close()
    copy = tmp_path / "copie"
    copy.mkdir()
    for f in (tmp_path / "etat").glob("salle.sqlite*"):
        shutil.copy(f, copy)
    assert sorted(p.name for p in copy.iterdir()) == ["salle.sqlite"]  # no key came with the answers
    with sqlite3.connect(copy / "salle.sqlite") as db:
        stored = {p for (p,) in db.execute("SELECT person FROM answers")}

    def guesses(key: bytes) -> set[str]:
        return {"p1:" + hmac.new(key, n.encode(), hashlib.sha256).hexdigest() for n in names}

    # whoever has the copy and the names, but not the hub's key, matches no one (keys a copy might suggest)
    for wrong in (b"", b"salle", (copy / "salle.sqlite").read_bytes()[:32], AnswerStore(copy / "autre.sqlite").key):
        assert guesses(wrong) & stored == set()
    assert guesses(store.key) == stored  # the hub's own key finds every one: the check above can fail


def test_an_old_store_keeps_its_key_moved_to_the_hubs_secrets(tmp_path, caplog):
    import secrets

    path = tmp_path / "salle.sqlite"
    old = secrets.token_bytes(32)
    (tmp_path / "salle.sqlite.cle").write_bytes(old)
    (tmp_path / "secrets.json").write_text(json.dumps({"workshop_code": "abcd-efgh", "admin_password": "x" * 24,
                                                       "api_token": "t" * 64}))
    assert AnswerStore(path).key == old
    assert "maintenant rangée avec les autres secrets du hub" in caplog.text
    assert not (tmp_path / "salle.sqlite.cle").exists()
    assert json.loads((tmp_path / "secrets.json").read_text())["api_token"] == "t" * 64  # the rest is kept
    assert AnswerStore(path).key == old


def test_names_written_in_clear_before_pseudonyms_are_converted(tmp_path):
    import sqlite3

    from civicai.room.store import SCHEMA

    path = tmp_path / "salle.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(SCHEMA)
        db.execute("INSERT INTO answers VALUES ('alice', ?, ?, 'M2-P1', 'number', 7, NULL, 0)",
                   (BASE["module"], BASE["notebook"]))
    store = AnswerStore(path)
    assert [a["value"] for a in store.mine("alice")] == [7]
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM answers WHERE person = 'alice'").fetchone() == (0,)


def test_the_erase_command_tells_what_it_removed(tmp_path, capsys):
    from civicai.cli import main

    store = AnswerStore(tmp_path / "salle.sqlite")
    store.record("camille", answer("M2-P1", "number", 3))
    store.record("bob", answer("M2-P1", "number", 4))
    assert main(["salle", "--etat", str(tmp_path), "effacer", "Camille"]) == 0
    out = capsys.readouterr().out
    assert "1 réponse" in out and "question M2-P1" in out
    assert store.mine("camille") == [] and len(store.mine("bob")) == 1
    assert main(["salle", "--etat", str(tmp_path), "effacer", "camille"]) == 0
    assert "rien n'a été effacé" in capsys.readouterr().out


def test_the_erase_command_without_a_store_says_where_it_looked(tmp_path, capsys):
    from civicai.cli import main

    assert main(["salle", "--etat", str(tmp_path / "vide"), "effacer", "camille"]) != 0
    assert "--etat" in capsys.readouterr().err
