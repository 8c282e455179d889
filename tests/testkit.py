"""Helpers shared by the test modules. Import them from here, never ``from conftest``: several
folders have a conftest.py, and that name resolves to whichever one pytest loaded first."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from civicai.net import free_port  # noqa: F401 (re-exported for the tests)

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
FAIRFACE_SAMPLE = SHARED_DATA / "fairface-sample"
CHROMIUM = "/usr/bin/chromium"


def run_async(coroutine):
    """asyncio.run in a thread of its own: Playwright's sync API may hold this thread's loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()



@dataclass
class ExecutedNotebook:
    """A notebook run top to bottom: its cells with outputs, timings and final values."""

    path: Path
    nb: nbformat.NotebookNode
    seconds: float  # first cell started -> last cell answered: the run a participant waits for
    cell_seconds: list[float] = field(default_factory=list)
    values: dict = field(default_factory=dict)
    wall_seconds: float = 0.0  # with the kernel's start and shutdown

    def text(self) -> str:
        """All text outputs joined, to look for a sentence the notebook printed."""
        chunks = []
        for cell in self.nb.cells:
            for out in cell.get("outputs", []):
                if "text" in out:
                    chunks.append(out["text"])
                for mime in ("text/plain", "text/markdown", "text/html"):
                    if mime in out.get("data", {}):
                        chunks.append(out["data"][mime])
        return "\n".join(chunks)


# The last cell appended at test time: dumps the simple global values of the kernel, so
# tests can check key results (an accuracy, a gap) without parsing printed text.
_DUMP_VALUES = """
import json as _json, numbers as _numbers
print("__CIVICAI_VALUES__" + _json.dumps({
    _k: (_v if isinstance(_v, (str, bool)) else float(_v))
    for _k, _v in list(globals().items())
    if not _k.startswith("_") and isinstance(_v, (_numbers.Real, str, bool))
}))
"""

_CACHE: dict[tuple, ExecutedNotebook] = {}


def execute_notebook(path: Path, *, env: dict | None = None, timeout: int = 120) -> ExecutedNotebook:
    """Run ``path`` in a fresh kernel from its own folder; cached per (path, env)."""
    path = Path(path).resolve()
    key = (path, tuple(sorted((env or {}).items())))
    if key in _CACHE:
        return _CACHE[key]
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(_DUMP_VALUES))
    saved = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})
    try:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        start = time.perf_counter()
        client.execute()
        wall = time.perf_counter() - start
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    last = nb.cells.pop()
    values = {}
    for out in last.get("outputs", []):
        if out.get("name") == "stdout" and "__CIVICAI_VALUES__" in out["text"]:
            values = json.loads(out["text"].split("__CIVICAI_VALUES__", 1)[1])
    def stamp(cell, key):
        value = cell.get("metadata", {}).get("execution", {}).get(key)
        return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None

    cell_seconds, starts, ends = [], [], []
    for cell in nb.cells:
        t0, t1 = stamp(cell, "iopub.execute_input"), stamp(cell, "shell.execute_reply")
        cell_seconds.append((t1 - t0).total_seconds() if t0 and t1 else 0.0)
        starts += [t0] if t0 else []
        ends += [t1] if t1 else []
    run = (max(ends) - min(starts)).total_seconds() if starts and ends else wall
    result = ExecutedNotebook(path, nb, run, cell_seconds, values, wall)
    _CACHE[key] = result
    return result


def wait_http(url: str, timeout: float = 60, proc=None, ok=lambda status: status < 500) -> None:
    """Poll ``url`` until its status satisfies ``ok`` (default: any answer below 500)."""
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before {url} answered")
        try:
            if ok(requests.get(url, timeout=2).status_code):
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def first_answer(url: str, proc, timeout: float = 60):
    """The first HTTP answer of a server that is starting, whatever its status (the server must stay up)."""
    import requests

    deadline = time.monotonic() + timeout
    while True:
        try:
            return requests.get(url, timeout=5)
        except requests.ConnectionError:
            assert proc.poll() is None and time.monotonic() < deadline, "the service did not start"
            time.sleep(0.3)


class RecordingRoom:
    """A loopback HTTP server standing for the room's endpoint: answers 201 to each POST and keeps
    (path, Authorization header, JSON body) in ``got``."""

    def __init__(self):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        got = self.got = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                got.append((self.path, self.headers["Authorization"], json.loads(body)))
                self.send_response(201)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def axe_serious(page) -> list:
    """axe-core's serious and critical violations of the page shown: (rule, impact, every node's target)."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in found
            if v.get("impact") in ("serious", "critical")]




@contextlib.contextmanager
def voila_server(log_dir: Path, env: dict | None = None, timeout: float = 180):
    """Plain Voila serving ``modules/`` on a free loopback port; yields its URL, stops it after."""
    port = free_port()
    log = Path(log_dir) / "voila.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "voila", "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
             "--show_tracebacks=True", str(REPO / "modules")],
            stdout=fh, stderr=subprocess.STDOUT, cwd=REPO / "modules", env=env)
    try:
        wait_http(f"http://127.0.0.1:{port}/", proc=proc, timeout=timeout)  # the machine is shared
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:  # a loaded machine: do not leave the server behind
            proc.kill()
            proc.wait(10)
        if proc.returncode not in (0, -15, -9):
            print(log.read_text())
