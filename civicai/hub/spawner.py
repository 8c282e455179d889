"""The one-machine spawner: a home per participant under the hub's state directory.

It is JupyterHub's SimpleLocalProcessSpawner (no Unix accounts needed) with three additions:
the modules are merged into the home before each start; servers are forked from a process
that has already imported them (civicai.hub.forkserver), which makes them start sooner and
share memory; and ``start()`` returns only once the server answers, polling every 50 ms.
JupyterHub's own wait polls with exponential backoff (0.2, 0.4, 0.8, 1.6, 3.2 s), so a server
ready after 3.6 s was seen at about 6 s.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time

import aiohttp
from jupyterhub.spawner import SimpleLocalProcessSpawner
from jupyterhub.utils import random_port
from traitlets import Bool, Float, Unicode

from civicai.hub.sync import sync_modules


class ForkServer:
    """The hub's handle on one fork server process, started on first use and restarted if it dies."""

    answer_timeout = 120  # the first answer waits for the preloading imports

    def __init__(self):
        self._proc: subprocess.Popen | None = None
        self._lock = asyncio.Lock()

    def start(self) -> None:
        if self._proc is None or self._proc.poll() is not None:
            self._proc = subprocess.Popen([sys.executable, "-m", "civicai.hub.forkserver"],
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._proc = None

    def _ask(self, request: dict) -> int:
        self.start()
        self._proc.stdin.write(json.dumps(request) + "\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError("the fork server exited")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return int(answer["pid"])

    async def fork(self, *, module: str, argv: list[str], env: dict, cwd: str) -> int:
        """Start ``python -m module *argv`` as a fork, in ``cwd`` with exactly ``env``; return its pid."""
        async with self._lock:
            request = {"module": module, "argv": argv, "env": env, "cwd": cwd}
            try:
                return await asyncio.wait_for(asyncio.to_thread(self._ask, request), self.answer_timeout)
            except BaseException:
                self.stop()  # a stuck or broken fork server is replaced on the next request
                raise


FORK_SERVER = ForkServer()


class KitSpawner(SimpleLocalProcessSpawner):
    modules_source = Unicode("", config=True, help="Folder whose content is merged into ~/modules.")
    ready_poll_interval = Float(0.05, config=True, help="Seconds between two readiness checks.")
    use_fork_server = Bool(True, config=True, help=(
        "Fork servers from a process that has already imported them, when cmd is `python -m module`. "
        "Faster starts and shared memory; set False to start each server as a new process."))

    def get_args(self):
        args = super().get_args()
        if os.geteuid() == 0 and "--allow-root" not in args:
            args.append("--allow-root")  # the server refuses root otherwise (stack notes)
        return args

    async def start(self):
        if self.modules_source:
            report = await asyncio.to_thread(sync_modules, self.modules_source, self.home_dir)
            self.log.info("modules for %s: %d added, %d updated, %d kept (changed by the user)",
                          self.user.name, len(report.added), len(report.updated), len(report.kept))
        ip, port = await (self._fork() if self._forkable() else super().start())
        await self._wait_ready(ip, port)
        return ip, port

    def _forkable(self) -> bool:
        cmd = list(self.cmd)
        return self.use_fork_server and not self.shell_cmd and len(cmd) == 3 and cmd[:2] == [sys.executable, "-m"]

    async def _fork(self):
        if self.port == 0:
            self.port = random_port()
        self.proc = None  # not our child: poll() and stop() then go by pid, which the fork server reaps
        self.pid = await FORK_SERVER.fork(module=self.cmd[2], argv=self.get_args(), env=self.get_env(),
                                          cwd=self.home_dir)
        self.log.info("Forked the server of %s (pid %d)", self.user.name, self.pid)
        return (self.ip or "127.0.0.1", self.port)

    async def _wait_ready(self, ip: str, port: int) -> None:
        """Return as soon as the server answers its API, so the hub's first check succeeds."""
        url = f"http://{ip or '127.0.0.1'}:{port}{self.server.base_url}api"
        deadline = time.monotonic() + self.http_timeout
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                if await self.poll() is not None:
                    return  # the process died: let the hub report it
                try:
                    async with session.get(url, allow_redirects=False) as r:
                        if r.status < 500:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(self.ready_poll_interval)
