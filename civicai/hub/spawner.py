"""The one-machine spawner: a Unix account and a home per participant under the hub's state directory.

It is JupyterHub's SimpleLocalProcessSpawner (homes from a template) with these additions:
each participant gets their own Unix account on first login (``civicai.hub.accounts``), their
own cgroup with memory, CPU and task limits (``civicai.hub.limits``), and every per-user path in
their home (``civicai.hub.userenv``); the modules are merged into the home, as the participant,
before each start; servers are forked from a process that has already imported them
(civicai.hub.forkserver), which makes them start sooner and share memory; and ``start()``
returns only once the server answers, polling every 50 ms. JupyterHub's own wait polls with
exponential backoff (0.2, 0.4, 0.8, 1.6, 3.2 s), so a server ready after 3.6 s was seen at about 6 s.

``isolate = False`` is the single-trust demonstration mode: every server runs as the hub's own
account (``civicai servir --mode-demonstration``, which says so on the banner and the login page).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time

import aiohttp
from jupyterhub.spawner import SimpleLocalProcessSpawner
from jupyterhub.utils import random_port
from traitlets import Bool, Float, Integer, Unicode

from civicai.hub import accounts, limits
from civicai.hub.forkserver import become_participant
from civicai.hub.userenv import per_user_env

NO_PRIVILEGE = ("Ce hub ne peut pas accueillir de participants : il ne peut pas créer un compte séparé "
                "pour chaque personne (il faut le lancer en tant que root). Demandez à la personne qui "
                "gère la machine de le relancer avec sudo, ou de choisir --mode-demonstration.")
# The hub's secrets never reach the fork server, hence never the memory of a participant's server.
HUB_ONLY_ENV = ("CIVICAI_WORKSHOP_CODE", "CIVICAI_ADMIN_PASSWORD")


class ForkServer:
    """The hub's handle on one fork server process, started on first use and restarted if it dies."""

    answer_timeout = 120  # the first answer waits for the preloading imports

    def __init__(self):
        self._proc: subprocess.Popen | None = None
        self._lock = asyncio.Lock()

    def start(self) -> None:
        if self._proc is None or self._proc.poll() is not None:
            env = {k: v for k, v in os.environ.items() if k not in HUB_ONLY_ENV}
            self._proc = subprocess.Popen([sys.executable, "-m", "civicai.hub.forkserver"], env=env,
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

    async def fork(self, *, module: str, argv: list[str], env: dict, cwd: str, **participant) -> int:
        """Start ``python -m module *argv`` as a fork, in ``cwd`` with exactly ``env``; return its pid.

        ``participant``: ``account``, ``cgroups``, ``limits``, ``modules`` (see civicai.hub.forkserver).
        """
        async with self._lock:
            request = {"module": module, "argv": argv, "env": env, "cwd": cwd, **participant}
            try:
                return await asyncio.wait_for(asyncio.to_thread(self._ask, request), self.answer_timeout)
            except BaseException:
                self.stop()  # a stuck or broken fork server is replaced on the next request
                raise


FORK_SERVER = ForkServer()


_CGROUPS: list = []  # found once per hub process: [Cgroups | None]


def hub_cgroups(log) -> "limits.Cgroups | None":
    if not _CGROUPS:
        _CGROUPS.append(limits.Cgroups.find())
        if _CGROUPS[0]:
            log.info("participants' limits: %s", _CGROUPS[0].describe())
        else:
            log.warning("no cgroup can be made here: memory and CPU per participant are NOT limited; "
                        "processes per participant are (RLIMIT_NPROC)")
    return _CGROUPS[0]


class KitSpawner(SimpleLocalProcessSpawner):
    modules_source = Unicode("", config=True, help="Folder whose content is merged into ~/modules.")
    ready_poll_interval = Float(0.05, config=True, help="Seconds between two readiness checks.")
    use_fork_server = Bool(True, config=True, help=(
        "Fork servers from a process that has already imported them, when cmd is `python -m module`. "
        "Faster starts and shared memory; set False to start each server as a new process."))
    isolate = Bool(True, config=True, help=(
        "One Unix account per participant (needs root). False: every server runs as the hub's own "
        "account (single-trust demonstration mode)."))
    tasks_limit = Integer(256, config=True, help="Processes and threads per participant (cgroup pids, RLIMIT_NPROC).")

    def _account(self) -> accounts.Account | None:
        if not self.isolate:
            return None
        if not accounts.can_switch_users():
            raise RuntimeError(NO_PRIVILEGE)
        return accounts.ensure_account(self.user.name, self.home_dir)

    def _limits(self) -> limits.Limits:
        default = limits.Limits()
        return limits.Limits(memory_mb=int(self.mem_limit) // 2**20 if self.mem_limit else default.memory_mb,
                             cpu_cores=self.cpu_limit or default.cpu_cores, tasks=self.tasks_limit)

    def _prepare(self) -> dict:
        """In a thread of the hub: the account, the home, the cgroup; the request for the child."""
        account = self._account()
        if account is None:
            os.makedirs(self.home_dir, 0o700, exist_ok=True)
        request = {"account": account.as_request() if account else None,
                   "limits": self._limits().__dict__, "cgroups": []}
        cgroups = hub_cgroups(self.log) if account else None
        if cgroups:
            request["cgroups"] = cgroups.prepare(account.name, self._limits())
        return request

    def user_env(self, env):
        env = super().user_env(env)
        env.update(per_user_env(self.home_dir))
        env["TMPDIR"] = self._tmpdir()  # made by the child: /tmp stays clean
        name = accounts.find_account(self.user.name)[0] if self.isolate else None
        env["USER"] = env["LOGNAME"] = name or self.user.name
        env["SHELL"] = "/bin/sh"
        return env

    def _tmpdir(self) -> str:
        return os.path.join(self.home_dir, ".cache", "tmp")

    def get_args(self):
        args = super().get_args()
        if os.geteuid() == 0 and not self.isolate and "--allow-root" not in args:
            args.append("--allow-root")  # demonstration mode as root: the server refuses root otherwise
        return args

    def make_preexec_fn(self, name):
        """Without the fork server: the same steps as its child, before the server's exec."""
        request, home, tmp = self._request, self.home_dir, self._tmpdir()

        def preexec():
            become_participant(request)
            os.makedirs(tmp, 0o700, exist_ok=True)
            os.chdir(home)
        return preexec

    async def start(self):
        self._request = await asyncio.to_thread(self._prepare)
        if self._forkable():
            ip, port = await self._fork()
        else:
            await self._sync_as_participant()
            ip, port = await super().start()
        account = self._request["account"] or {"name": "the hub's account"}
        self.log.info("Server of %s started as %s", self.user.name, account["name"])
        await self._wait_ready(ip, port)
        return ip, port

    async def _sync_as_participant(self) -> None:
        deliver = "import sys; from civicai.hub.forkserver import deliver_as_participant as d; d(*sys.argv[1:])"
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", deliver, self.modules_source, self.home_dir,
            env=self.get_env(), cwd="/", preexec_fn=self.make_preexec_fn(self.user.name))
        await proc.wait()

    async def stop(self, now=False):
        await super().stop(now=now)
        if self.isolate and accounts.can_switch_users():
            await asyncio.to_thread(self._end_everything_left)

    def _end_everything_left(self) -> None:
        """Kernels or processes a participant left behind end with their server, then their cgroup."""
        name, entry = accounts.find_account(self.user.name)
        if entry is None:
            return
        for _ in range(20):  # a fork loop may still be forking: until nothing of theirs is left
            pid = os.fork()  # no exec: works even when the account is at its process limit
            if pid == 0:
                try:
                    os.setgroups([])
                    os.setgid(entry.pw_gid)
                    os.setuid(entry.pw_uid)
                    os.kill(-1, signal.SIGKILL)  # every process of this uid but this one
                    os._exit(0)
                except ProcessLookupError:
                    os._exit(3)  # none was left
                finally:
                    os._exit(1)
            _, status = os.waitpid(pid, 0)
            if os.waitstatus_to_exitcode(status) == 3:
                break
            time.sleep(0.05)
        cgroups = hub_cgroups(self.log)
        for _ in range(50 if cgroups else 0):
            if cgroups.remove(name):
                break
            time.sleep(0.1)

    def _forkable(self) -> bool:
        cmd = list(self.cmd)
        return self.use_fork_server and not self.shell_cmd and len(cmd) == 3 and cmd[:2] == [sys.executable, "-m"]

    async def _fork(self):
        if self.port == 0:
            self.port = random_port()
        self.proc = None  # not our child: poll() and stop() then go by pid, which the fork server reaps
        self.pid = await FORK_SERVER.fork(module=self.cmd[2], argv=self.get_args(), env=self.get_env(),
                                          cwd=self.home_dir, modules=self.modules_source, **self._request)
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
