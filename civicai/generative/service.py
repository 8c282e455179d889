"""``python -m civicai.generative.service``: the hub's managed service « ia-generative », the class's one model.

It starts llama-cpp-python's OpenAI-compatible server on the loopback with a random api_key that only this process
knows (in a 0600 config file, never on a command line), or forwards to the operator's server
(``CIVICAI_IA_AMONT``). Participants reach it only through the hub: a cookie from the hub's login or their
kernel's token. At most ``CIVICAI_IA_MAX`` requests run at once; the others wait in line, and a streamed answer
gets « Patientez… » lines (SSE comments, which OpenAI clients ignore) with its position. Nothing a participant
types is stored or logged: the request log keeps, per request, the time, the token counts and the durations.
Each request also gets the CPU seconds the model server spent on it (``X-Civicai-Cpu-Seconds``, module 5 turns it
into energy): the delta of the server's process CPU clock, given only when no other request ran at the same time
(otherwise « shared »), and never for an operator's server, whose work this machine cannot see.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest

from civicai import procs
from civicai.energy.measure import CPU_SECONDS_HEADER
from civicai.hub.service_base import HubUser, application, serve
from civicai.settings import settings

FORWARDED = {"v1/completions": "v1/completions", "v1/chat/completions": "v1/chat/completions",
             "v1/models": "v1/models", "extras/tokenize": "extras/tokenize",
             "extras/detokenize": "extras/detokenize"}
MAX_WAITING = 200


class Line:
    """A first-come, first-served line in front of ``slots`` places."""

    def __init__(self, slots: int):
        self.slots, self.running, self.waiting = slots, 0, deque()

    def position(self, ticket) -> int:
        return self.waiting.index(ticket) + 1 if ticket in self.waiting else 0

    async def enter(self, on_wait=None) -> None:
        if self.running < self.slots and not self.waiting:
            self.running += 1
            return
        if len(self.waiting) >= MAX_WAITING:
            raise web.HTTPError(503)
        ticket = asyncio.get_running_loop().create_future()
        self.waiting.append(ticket)
        try:
            while not ticket.done():
                if on_wait:
                    await on_wait(self.position(ticket))
                await asyncio.wait([ticket], timeout=2)
        except BaseException:
            if ticket in self.waiting:
                self.waiting.remove(ticket)
            elif ticket.done():
                self.leave()  # we were given a place we will not use
            raise

    def leave(self) -> None:
        while self.waiting:
            ticket = self.waiting.popleft()
            if not ticket.done():
                ticket.set_result(True)  # the place passes directly to the next person
                return
        self.running -= 1


class Turn:
    """One request's stay in front of the model: its CPU reading at the start, and whether it had company."""

    def __init__(self, start: float | None):
        self.start, self.shared = start, False


class CpuMeter:
    """CPU seconds (user + system, all threads, to the nanosecond) of the model server, per request.

    Read from the server's process CPU clock (Linux's ``clock_getcpuclockid``: the clock id of process ``pid``
    is ``(~pid << 3) | 2``). The delta between a request's start and end belongs to it only if no other request
    ran in between: with llama-cpp-python's cap of one place that always holds; with more places a request
    that had company is « shared ».
    """

    def __init__(self, pid: int | None):
        self.clock = (~pid << 3) | 2 if pid else None
        self.active: set[Turn] = set()

    def read(self) -> float | None:
        if self.clock is None:
            return None
        try:
            return time.clock_gettime(self.clock)
        except OSError:  # not Linux, or the server is gone: no figure rather than a wrong one
            return None

    def begin(self) -> Turn:
        turn = Turn(self.read())
        if self.active:
            turn.shared = True
            for other in self.active:
                other.shared = True
        self.active.add(turn)
        return turn

    def end(self, turn: Turn) -> float | str | None:
        """The request's CPU seconds, « shared » if it had company, None when the server is not ours."""
        self.active.discard(turn)
        now = self.read()
        if turn.start is None or now is None:
            return None
        return "shared" if turn.shared else round(now - turn.start, 4)


class Upstream:
    """Where requests go: llama-cpp-python started here, or the operator's server."""

    def __init__(self, base: str, key: str | None, proc: subprocess.Popen | None = None):
        self.base, self.key, self.proc = base, key, proc

    @classmethod
    def start_llama(cls, model: str, threads: int, n_ctx: int) -> "Upstream":
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        key = secrets.token_urlsafe(32)
        conf = Path(tempfile.mkdtemp(prefix="civicai-ia-")) / "llama.json"
        conf.touch(mode=0o600)
        conf.write_text(json.dumps({
            "host": "127.0.0.1", "port": port, "api_key": key, "interrupt_requests": False,
            "models": [{"model": model, "model_alias": Path(model).stem, "n_ctx": n_ctx, "n_threads": threads,
                        "n_threads_batch": threads, "logits_all": True, "verbose": False}]}))
        env = dict(os.environ, CONFIG_FILE=str(conf))
        for name in list(env):
            if name.startswith("JUPYTERHUB_"):
                del env[name]  # the model server needs no hub credential
        proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server"], env=env,
                                preexec_fn=_die_with_parent, stdout=subprocess.DEVNULL)
        return cls(f"http://127.0.0.1:{port}/", key, proc)

    async def ready(self, timeout: float = 600) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc and self.proc.poll() is not None:
                raise RuntimeError("llama_cpp.server stopped")
            try:
                await AsyncHTTPClient().fetch(self.request("v1/models", "GET", None, timeout=5))
                return
            except (OSError, HTTPClientError):
                await asyncio.sleep(0.2)
        raise RuntimeError("llama_cpp.server did not start")

    def request(self, path: str, method: str, body: bytes | None, timeout: float = 600, **kw) -> HTTPRequest:
        headers = {"Content-Type": "application/json"}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        url = self.base + (path[3:] if self.base.rstrip("/").endswith("/v1") and path.startswith("v1/") else path)
        return HTTPRequest(url, method=method, body=body, headers=headers, request_timeout=timeout, **kw)

    def stop(self) -> None:
        if self.proc:
            procs.stop(self.proc, 10)


def _die_with_parent() -> None:
    import ctypes

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Api(HubUser):
    def initialize(self, line: Line, upstream: Upstream, journal: deque, ready: asyncio.Future, meter: CpuMeter):
        self.line, self.upstream, self.journal, self.ready, self.meter = line, upstream, journal, ready, meter

    def get_login_url(self):
        raise web.HTTPError(403)

    def write_error(self, status_code, **kwargs):
        self.finish({"error": {
            403: "Connectez-vous au hub d'abord : l'IA de la salle est réservée aux participants.",
            404: "Cette adresse n'existe pas sur le serveur de l'IA.",
            503: "Trop de demandes en attente. Réessayez dans une minute.",
        }.get(status_code, "Le serveur de l'IA a eu un problème. Réessayez dans un instant.")})


class Journal(Api):
    @web.authenticated
    def get(self):
        self.finish({"journal": list(self.journal), "running": self.line.running,
                     "waiting": len(self.line.waiting), "slots": self.line.slots})


class Forward(Api):
    @web.authenticated
    async def get(self, path):
        await self.forward(path)

    @web.authenticated
    async def post(self, path):
        await self.forward(path)

    async def forward(self, path: str) -> None:
        if path not in FORWARDED:
            raise web.HTTPError(404)
        try:
            body = json.loads(self.request.body or b"{}") if self.request.method == "POST" else None
        except ValueError:
            raise web.HTTPError(400) from None
        streamed = isinstance(body, dict) and bool(body.get("stream"))
        arrived, counts = time.monotonic(), {"tokens": 0}
        if streamed:
            self.set_header("Content-Type", "text/event-stream; charset=utf-8")
            self.set_header("Cache-Control", "no-cache")

        async def on_wait(position: int) -> None:
            if streamed:
                self.write(f": Patientez… {position} demande(s) avant la vôtre.\n\n")
                await self.flush()

        await self.line.enter(on_wait)
        turn = None
        try:
            await asyncio.shield(self.ready)
            started, turn = time.monotonic(), self.meter.begin()
            first = [None]

            def chunk(data: bytes) -> None:
                if first[0] is None:
                    first[0] = time.monotonic()
                counts["tokens"] += data.count(b"data: {")
                self.write(data)
                self.flush()

            req = self.upstream.request(FORWARDED[path], self.request.method,
                                        self.request.body if body is not None else None,
                                        streaming_callback=chunk if streamed else None)
            resp = await AsyncHTTPClient().fetch(req, raise_error=False)
            cpu, turn = self.meter.end(turn), None
            if not streamed:  # a streamed answer's headers are long gone: its figure is in the log only
                self.set_status(resp.code)
                self.set_header("Content-Type", "application/json")
                if cpu is not None:
                    self.set_header(CPU_SECONDS_HEADER, str(cpu))
                counts.update(_usage(resp.body))
                self.write(resp.body)
        finally:
            if turn is not None:
                self.meter.end(turn)  # a request that failed midway still leaves the room
            self.line.leave()
        done = time.monotonic()
        self.journal.append({"time": time.strftime("%H:%M:%S"), "route": path, **counts,
                             "wait_s": round(started - arrived, 2), "duration_s": round(done - started, 2),
                             "first_token_s": round((first[0] or done) - arrived, 2), "model_cpu_s": cpu})
        print(json.dumps(self.journal[-1]), flush=True)  # the one line per request, no content
        self.finish()


def _usage(body: bytes) -> dict:
    try:
        u = json.loads(body).get("usage") or {}
    except (ValueError, AttributeError):
        return {}
    return {"prompt_tokens": u.get("prompt_tokens"), "tokens": u.get("completion_tokens")}


def make_app(upstream: Upstream, ready: asyncio.Future, *, prefix: str, slots: int) -> web.Application:
    deps = {"line": Line(slots), "upstream": upstream, "journal": deque(maxlen=200), "ready": ready,
            "meter": CpuMeter(upstream.proc.pid if upstream.proc else None)}
    return application(prefix, [("api/journal", Journal, deps), ("(.*)", Forward, deps)])  # the last takes the rest


def main() -> None:
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    kit = settings()  # the hub hands this service its model setting (civicai/generative/hubconfig.py)
    if kit.ia_upstream:
        upstream = Upstream(kit.ia_upstream, kit.ia_upstream_key or None)
        slots = kit.ia_max or 4
    else:
        upstream = Upstream.start_llama(kit.ia_model, kit.ia_threads, kit.ia_context)
        slots = kit.ia_max or 1  # llama-cpp-python answers one request at a time
    ready = loop.create_task(upstream.ready()) if upstream.proc else loop.create_future()
    if not upstream.proc:
        ready.set_result(None)
    app = make_app(upstream, ready, prefix=os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/ia-generative/"),
                   slots=slots)
    serve(app, on_stop=upstream.stop)


if __name__ == "__main__":
    main()
