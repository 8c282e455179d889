"""A real JupyterHub for tests: started with `civicai servir`, driven through its REST API."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import requests

from testkit import REPO, free_port, run_async, wait_http

WORKSHOP_CODE = "atelier-test-2026"
ADMIN_PASSWORD = "mot-de-passe-formateur-de-test-assez-long-0123456789"


@contextmanager
def served(hub: "RunningHub", timeout: float = 90, quiet: bool = False):
    """The hub started for a block, then stopped. The tail of its log is printed at the end (pytest shows it
    when a test fails), or with ``quiet`` (a benchmark's output) only on stderr when the block failed."""
    failed = True
    try:
        yield hub.start(timeout)
        failed = False
    finally:
        hub.stop()
        if failed or not quiet:
            print(hub.log()[-4000:], file=sys.stderr if quiet else sys.stdout)


class RunningHub:
    """One `civicai servir` process; ``restart()`` keeps the same state directory and ports."""

    def __init__(self, state_dir: Path, *, formateurs: str = "formateur", extra_env: dict | None = None,
                 args: tuple[str, ...] = (), prefix: tuple[str, ...] = (), demonstration: bool | None = None):
        self.state_dir = Path(state_dir)
        self.args, self.prefix = tuple(args), tuple(prefix)  # more `civicai servir` options; setpriv ...
        # Run as an ordinary user, the hub refuses participants unless in demonstration mode.
        if (os.geteuid() != 0 if demonstration is None else demonstration) and "--mode-demonstration" not in args:
            self.args += ("--mode-demonstration",)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.formateurs = formateurs
        self.env = dict(os.environ, CIVICAI_WORKSHOP_CODE=WORKSHOP_CODE, CIVICAI_ADMIN_PASSWORD=ADMIN_PASSWORD,
                        CIVICAI_HUB_PORT=str(free_port()), CIVICAI_PROXY_API_PORT=str(free_port()),
                        **(extra_env or {}))
        self.proc = None
        self.log_path = self.state_dir.parent / f"hub-{self.port}.log"

    def start(self, timeout: float = 90) -> "RunningHub":
        self.state_dir.mkdir(parents=True, exist_ok=True)
        open_to_participants(self.state_dir)
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen(self.command(), env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                     cwd=REPO, start_new_session=True)
        # the proxy answers 404 until the hub has added its route: wait for a real 200
        wait_http(f"{self.url}/hub/api", timeout=timeout, proc=self.proc, ok=lambda s: s == 200)
        self.token = self.api_token()
        return self

    def command(self) -> list[str]:
        return [*self.prefix, sys.executable, "-m", "civicai", "servir", "--etat", str(self.state_dir),
                "--port", str(self.port), "--formateurs", self.formateurs, *self.args]

    def api_token(self) -> str:
        return json.loads((self.state_dir / "secrets.json").read_text())["api_token"]

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(120)  # its clean-up stops every server first: 60 servers take more than 30 s
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self._stop_left_proxy()
        self.proc = None

    def _stop_left_proxy(self) -> None:
        """JupyterHub starts its proxy in a session of its own and removes the pid file when it stops it: a file
        left behind is a proxy the hub did not stop (killed before its cleanup), which nothing else would end."""
        pid_file = self.state_dir / "jupyterhub-proxy.pid"
        try:
            os.kill(int(pid_file.read_text()), signal.SIGTERM)
        except (OSError, ValueError):
            pass
        pid_file.unlink(missing_ok=True)

    def restart(self) -> None:
        self.stop()
        self.start()

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    # REST API ---------------------------------------------------------------------------
    def api(self, method: str, path: str, token: str | None = None, **kw) -> requests.Response:
        headers = {"Authorization": f"token {token or self.token}"}
        return requests.request(method, f"{self.url}/hub/api{path}", headers=headers, timeout=30, **kw)

    def create_users(self, *names: str) -> None:
        r = self.api("POST", "/users", json={"usernames": list(names)})
        assert r.status_code in (201, 409), r.text

    def spawn(self, name: str, timeout: float = 90) -> float:
        """Start the user's server and wait until the hub says it is ready; return the seconds taken."""
        open_to_participants(self.state_dir)  # again: any new pytest session run as root closes /tmp/pytest-of-root
        t0 = time.perf_counter()
        r = self.api("POST", f"/users/{name}/server")
        assert r.status_code in (201, 202, 400), r.text
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            server = self.api("GET", f"/users/{name}").json()["servers"].get("", {})
            if server.get("ready"):
                return time.perf_counter() - t0
            time.sleep(0.05)
        raise TimeoutError(f"{name}'s server not ready after {timeout} s\n{self.log()[-3000:]}")

    def stop_server(self, name: str) -> None:
        self.api("DELETE", f"/users/{name}/server")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if not self.api("GET", f"/users/{name}").json()["servers"]:
                return
            time.sleep(0.1)

    def user_token(self, name: str) -> str:
        r = self.api("POST", f"/users/{name}/tokens", json={"note": "test", "expires_in": 3600})
        assert r.status_code == 201, r.text
        return r.json()["token"]

    def user_get(self, name: str, path: str, token: str) -> requests.Response:
        return requests.get(f"{self.url}/user/{name}/{path}", headers={"Authorization": f"token {token}"},
                            timeout=30, allow_redirects=False)

    # Code in a participant's kernel ----------------------------------------------------------
    def run_code(self, name: str, token: str, code: str, timeout: float = 60, kernel_id: str | None = None) -> dict:
        """Run ``code`` in ``name``'s kernel (started if ``kernel_id`` is None) through the Jupyter
        server's websocket, as JupyterLab does; return ``{"kernel_id", "stdout", "error", "died"}``."""
        headers = {"Authorization": f"token {token}"}
        if kernel_id is None:
            r = requests.post(f"{self.url}/user/{name}/api/kernels", headers=headers, json={}, timeout=60)
            assert r.status_code == 201, r.text
            kernel_id = r.json()["id"]
        out = run_async(_execute(f"{self.url.replace('http', 'ws', 1)}/user/{name}/api/kernels/{kernel_id}/channels",
                                 headers, code, timeout))
        return {"kernel_id": kernel_id, **out}


async def _execute(url: str, headers: dict, code: str, timeout: float) -> dict:
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    msg_id, session = uuid.uuid4().hex, uuid.uuid4().hex
    # a class connecting at once on a loaded machine can take longer than tornado's default 20 s handshake
    ws = await websocket_connect(HTTPRequest(url, headers=headers, connect_timeout=timeout, request_timeout=timeout),
                                 subprotocols=[])
    try:
        ws.write_message(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": session, "username": "test",
                       "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True}}))
        stdout, error, died = [], None, False
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no answer from the kernel in {timeout} s; output so far: {''.join(stdout)!r}")
            raw = await asyncio.wait_for(ws.read_message(), left)
            if raw is None:
                died = True
                break
            msg = json.loads(raw)
            kind, content = msg.get("msg_type") or msg["header"]["msg_type"], msg.get("content", {})
            if kind == "status" and content.get("execution_state") in ("restarting", "dead"):
                died = True
                break
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if kind == "stream":
                stdout.append(content["text"])
            elif kind == "error":
                error = f"{content['ename']}: {content['evalue']}"
            elif kind == "status" and content.get("execution_state") == "idle":
                break
        return {"stdout": "".join(stdout), "error": error, "died": died}
    finally:
        ws.close()


def open_to_participants(state_dir: Path) -> None:
    """As root, let participants' accounts pass through the folders above the state folder and the
    Python they run (adds only o+x, never read: a folder stays unlistable).

    pytest makes /tmp/pytest-of-root/ mode 0700 (at the start of every session), and on this project's machines Python lives under
    /root/.pyenv (/root is 0700). An operator picks a state folder like /srv/civicai and Debian's
    Python; `civicai servir` checks both and says which folder to open (civicai.hub.state).
    """
    if os.geteuid() != 0:
        return
    for target in (Path(state_dir), Path(sys.executable), REPO):
        for parent in target.resolve().parents:
            st = parent.stat()
            if st.st_uid == 0 and not st.st_mode & 0o001:
                os.chmod(parent, st.st_mode | 0o001)
