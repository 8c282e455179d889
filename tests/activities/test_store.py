"""Are answers kept next to the notebook, read back, refused in plain French, and sent to the room?"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from civicai.activities.store import AnswerStore, sidecar_path
from civicai.errors import UserError


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.delenv("CIVICAI_SALLE_URL", raising=False)
    folder = tmp_path / "02-biais-reconnaissance-faciale"
    return AnswerStore(folder, "02-l-audit.ipynb")


def test_an_answer_is_saved_beside_the_notebook_and_read_back(store):
    store.save("M2-Q3", "text", "  Oui, elles se chevauchent.  ")
    assert store.path == sidecar_path(store.folder, "02-l-audit.ipynb")
    assert store.path.name == ".02-l-audit.reponses.json"
    data = json.loads(store.path.read_text())
    assert data["module"] == "02-biais-reconnaissance-faciale" and data["notebook"] == "02-l-audit.ipynb"
    fresh = AnswerStore(store.folder, "02-l-audit.ipynb")
    assert fresh.get("M2-Q3")["value"] == "Oui, elles se chevauchent."


def test_a_second_answer_keeps_the_first(store):
    store.save("M2-Q3", "text", "première")
    store.save("M2-P2", "number", 12)
    store.save("M2-Q3", "text", "corrigée")
    answers = store.load()
    assert answers["M2-Q3"]["value"] == "corrigée" and answers["M2-P2"]["value"] == 12.0


@pytest.mark.parametrize("kind, value, words", [
    ("text", "   ", "vide"),
    ("text", "x" * 5000, "trop longue"),
    ("number", "douze", "nombre"),
    ("number", float("nan"), "nombre"),
    ("choice", "", "Choisissez"),
])
def test_bad_input_gets_a_french_message_and_loses_nothing(store, kind, value, words):
    store.save("M2-Q3", "text", "à garder")
    with pytest.raises(UserError, match=words):
        store.save("M2-Q4", kind, value)
    assert store.load() == {"M2-Q3": store.load()["M2-Q3"]} and store.get("M2-Q3")["value"] == "à garder"


def test_a_damaged_file_is_set_aside_not_deleted(store):
    store.folder.mkdir(parents=True)
    store.path.write_text("{pas du json")
    assert store.load() == {}
    kept = list(store.folder.glob(".02-l-audit.reponses.json.abime-*"))
    assert len(kept) == 1 and kept[0].read_text() == "{pas du json"
    store.save("M2-Q1", "text", "nouvelle")
    assert store.get("M2-Q1")["value"] == "nouvelle"


def test_ids_that_break_the_kit_convention_are_refused(store):
    with pytest.raises(ValueError):
        store.save("Q2.3", "text", "x")


class _Room(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Room.received.append((self.path, self.headers["Authorization"], body))
        self.send_response(201 if self.headers["Authorization"] == "token secret" else 403)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def room():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Room)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Room.received.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}/services/salle/"
    server.shutdown()
    server.server_close()


def test_the_answer_is_posted_to_the_room_with_the_token(store, room, monkeypatch):
    monkeypatch.setenv("CIVICAI_SALLE_URL", room)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "secret")
    entry = store.save("M2-P1", "number", 3)
    assert store.send("M2-P1", entry) is None
    path, auth, body = _Room.received[-1]
    assert path == "/services/salle/api/answers" and auth == "token secret"
    assert body == {"module": "02-biais-reconnaissance-faciale", "notebook": "02-l-audit.ipynb",
                    "question": "M2-P1", "kind": "number", "value": 3.0}


def test_a_refusal_or_a_dead_room_never_raises(store, room, monkeypatch):
    monkeypatch.setenv("CIVICAI_SALLE_URL", room)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "wrong")
    entry = store.save("M2-Q1", "text", "ok")
    assert "n'a pas marché" in store.send("M2-Q1", entry)
    monkeypatch.setenv("CIVICAI_SALLE_URL", "http://127.0.0.1:9/")  # discard port: nothing listens
    assert "n'a pas marché" in store.send("M2-Q1", entry)
    assert store.get("M2-Q1")["value"] == "ok"


def test_only_loopback_rooms_are_contacted(store, monkeypatch):
    monkeypatch.setenv("CIVICAI_SALLE_URL", "http://example.org/salle/")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "secret")
    assert "pas été envoyée" in store.send("M2-Q1", store.save("M2-Q1", "text", "ok"))


def test_without_a_room_nothing_is_sent_and_nothing_fails(store):
    assert store.send("M2-Q1", store.save("M2-Q1", "text", "ok")) is None
