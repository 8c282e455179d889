"""Does a module-5 answer follow the kit's answer contract: POSTed to the facilitator room when there is one,
kept locally (and no failure) when there is none or when it is down?"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from civicai.energy import ask


def _room():
    """A loopback HTTP server that records what it receives (stands for the `salle` service's endpoint)."""
    got = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            got.append((self.path, self.headers["Authorization"], json.loads(body)))
            self.send_response(201)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, got


def test_an_answer_is_posted_with_the_contract_fields(monkeypatch):
    server, got = _room()
    try:
        monkeypatch.setenv("CIVICAI_SALLE_URL", f"http://127.0.0.1:{server.server_port}/services/salle/")
        monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "jeton-de-test")
        assert ask.record("01-l-energie-d-un-apprentissage.ipynb", "M5-P1", "choice", "Environ 5 fois plus")
    finally:
        server.shutdown()
    path, auth, body = got[0]
    assert path == "/services/salle/api/reponses" and auth == "token jeton-de-test"
    assert body == {"module": "05-ce-que-coute-l-ia", "notebook": "01-l-energie-d-un-apprentissage.ipynb",
                    "question": "M5-P1", "kind": "choice", "value": "Environ 5 fois plus"}


def test_without_a_room_or_with_a_room_down_nothing_fails(monkeypatch):
    monkeypatch.delenv("CIVICAI_SALLE_URL", raising=False)
    assert ask.record("x.ipynb", "M5-Q1", "text", "ma réponse") is False
    server, _ = _room()
    port = server.server_port
    server.shutdown()
    server.server_close()
    monkeypatch.setenv("CIVICAI_SALLE_URL", f"http://127.0.0.1:{port}/")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "jeton")
    assert ask.record("x.ipynb", "M5-Q1", "text", "ma réponse") is False
