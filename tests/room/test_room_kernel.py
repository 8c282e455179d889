"""The kernel's report to the room: only when the failed/ok state changes, only a path and yes/no."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

from civicai.room.kernel import register


class Events:
    def __init__(self):
        self.callbacks = []

    def register(self, name, fn):
        assert name == "post_run_cell"
        self.callbacks.append(fn)


def test_reports_changes_only_to_a_loopback_server():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append((self.path, self.headers["Authorization"],
                             json.loads(self.rfile.read(int(self.headers["Content-Length"])))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        ip = SimpleNamespace(events=Events())
        env = {"CIVICAI_SALLE_URL": f"http://127.0.0.1:{server.server_port}/services/salle/",
               "JUPYTERHUB_API_TOKEN": "t0k", "JPY_SESSION_NAME": "/home/a/modules/02-b/y.ipynb"}
        reporter = register(ip, env)
        for success in (True, True, False, False, True):
            reporter.after_cell(SimpleNamespace(success=success))
            if reporter.sending:
                reporter.sending.join(5)
        assert [r[2]["error"] for r in received] == [False, True, False]
        assert received[0][:2] == ("/services/salle/api/activity", "token t0k")
        assert set(received[0][2]) == {"path", "error"}
    finally:
        server.shutdown()


def test_nothing_without_the_room_or_outside_a_notebook():
    ip = SimpleNamespace(events=Events())
    assert register(ip, {"JUPYTERHUB_API_TOKEN": "t", "JPY_SESSION_NAME": "a.ipynb"}) is None
    assert register(ip, {"CIVICAI_SALLE_URL": "http://127.0.0.1:9/", "JUPYTERHUB_API_TOKEN": "t",
                         "JPY_SESSION_NAME": "script.py"}) is None
    assert ip.events.callbacks == []
