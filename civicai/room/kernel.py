"""In a participant's kernel: tell the room whether the last cell failed, so a facilitator sees who may be stuck.

Loaded by the IPython startup file the hub delivers (``hub/singleuser/ipython-startup/10-civicai-salle.py``).
Sends only the notebook's path and yes/no, never code or output; only when the answer changes; in a
background thread with a short timeout; silently nothing when the room is not there (kiosk, tests, no hub).
"""

from __future__ import annotations

import json
import os
import threading
import urllib.request


class CellReporter:
    def __init__(self, url: str, token: str, path: str):
        self.url, self.token, self.path = url, token, path
        self.last: bool | None = None
        self.sending: threading.Thread | None = None  # the latest report on its way

    def after_cell(self, result) -> None:
        failed = not result.success
        if failed == self.last:
            return
        self.last = failed
        self.sending = threading.Thread(target=self.send, args=(failed,), daemon=True)
        self.sending.start()

    def send(self, failed: bool) -> None:
        req = urllib.request.Request(
            f"{self.url.rstrip('/')}/api/activity", method="POST",
            data=json.dumps({"path": self.path, "error": failed}).encode(),
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"})
        try:
            urllib.request.urlopen(req, timeout=5).close()
        except OSError:
            self.last = None  # try again after the next cell


def register(ip, environ=os.environ) -> CellReporter | None:
    """Hook the reporter on IPython's ``post_run_cell`` event when the kernel runs on the hub, for a notebook."""
    url, token, path = (environ.get(k, "") for k in ("CIVICAI_SALLE_URL", "JUPYTERHUB_API_TOKEN", "JPY_SESSION_NAME"))
    if not (ip and url and token and path.endswith(".ipynb")):
        return None
    reporter = CellReporter(url, token, path)
    ip.events.register("post_run_cell", reporter.after_cell)
    return reporter
