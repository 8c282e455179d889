"""Who is in the room: the hub's users with a running server, and what each server says it has open.

Asked with the service's own token: the hub API (``list:users``, ``read:servers``) for who is logged in,
then each server's ``/api/sessions`` through the proxy (``access:servers``) for the open notebooks and their
kernels. Only paths, kernel states and times are kept: never a cell's code or output.
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import datetime, timezone
from pathlib import PurePosixPath

from jupyterhub.utils import url_path_join
from tornado.httpclient import AsyncHTTPClient, HTTPRequest

IDLE_MINUTES = 10  # no cell run for this long: "peut-être en difficulté"
RECENT_HOURS = 12


def parse_time(stamp: str | None) -> float | None:
    """JupyterHub's and Jupyter's ISO 8601 times (``...Z``) as epoch seconds."""
    if not stamp:
        return None
    try:
        t = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (t if t.tzinfo else t.replace(tzinfo=timezone.utc)).timestamp()


def notebook_of(path: str) -> dict:
    """``modules/02-biais/02-l-audit.ipynb`` -> module ``02-biais``, notebook ``02-l-audit.ipynb``."""
    p = PurePosixPath(path)
    parts = p.parts
    module = next((part for part in parts[:-1] if part[:2].isdigit() and part[2:3] == "-"), "")
    return {"path": path, "module": module, "notebook": p.name}


def failed_last(errors: dict[str, bool], path: str) -> bool:
    """Did the last cell of ``path`` fail? Kernels report the absolute path; servers list it from their root."""
    return any(failed for where, failed in errors.items() if where == path or where.endswith("/" + path))


def person(user: dict, sessions: list[dict] | None, errors: dict, now: float, idle_minutes: float) -> dict:
    """One participant's line on the facilitator's page (``errors``: notebook path -> last cell failed)."""
    server = user.get("servers", {}).get("", {})
    open_notebooks = []
    for s in sessions or []:
        if s.get("type", "notebook") != "notebook" or not str(s.get("path", "")).endswith(".ipynb"):
            continue
        kernel = s.get("kernel") or {}
        nb = notebook_of(s["path"])
        nb.update(state=kernel.get("execution_state", "unknown"), activity=parse_time(kernel.get("last_activity")),
                  error=failed_last(errors, s["path"]))
        open_notebooks.append(nb)
    open_notebooks.sort(key=lambda nb: nb["activity"] or 0, reverse=True)
    last = max([nb["activity"] or 0 for nb in open_notebooks] + [parse_time(user.get("last_activity")) or 0]) or None
    why = []
    if any(nb["error"] for nb in open_notebooks[:1]):
        why.append("erreur dans la dernière cellule")
    if any(nb["state"] == "dead" for nb in open_notebooks):
        why.append("noyau arrêté")
    if server.get("ready") and last and now - last > idle_minutes * 60:
        why.append(f"rien depuis plus de {int(idle_minutes)} minutes")
    if sessions is None and server.get("ready"):
        why.append("serveur injoignable")
    state = "ready" if server.get("ready") else {"spawn": "starting", "stop": "stopping"}.get(server.get("pending"), "")
    return {"name": user["name"], "server": state or ("stopped" if not server else "starting"),
            "notebooks": open_notebooks, "last_activity": last, "stuck": why}


class Room:
    """The room's state, asked to the hub and the servers at most once every ``ttl`` seconds for everyone."""

    def __init__(self, api_url: str, proxy_url: str, token: str, *, ttl: float = 2,
                 idle_minutes: float = IDLE_MINUTES, concurrency: int = 16):
        self.api_url, self.proxy_url, self.token = api_url, proxy_url.rstrip("/"), token
        self.ttl, self.idle_minutes = ttl, idle_minutes
        self.errors: dict[str, dict[str, bool]] = {}  # user -> notebook path -> the last cell failed
        self.limit = asyncio.Semaphore(concurrency)
        self.people: list[dict] | None = None
        self.fetched = 0.0  # time.monotonic() of the last collection; self.at: the same, wall clock
        self.at = 0.0
        self.pending: asyncio.Future | None = None

    def cell_ran(self, user: str, path: str, failed: bool) -> None:
        self.errors.setdefault(user, {})[path] = failed

    async def snapshot(self) -> list[dict]:
        """The latest collection; an old one starts a new one in the background (the page never waits for
        60 servers: it shows what is at most one collection old, and ``at`` says when it was made)."""
        if time.monotonic() - self.fetched > self.ttl and self.pending is None:
            self.pending = asyncio.ensure_future(self._refresh())
            self.pending.add_done_callback(lambda _: setattr(self, "pending", None))
        if self.people is None:
            await asyncio.shield(self.pending)
        return self.people or []

    async def get_json(self, url: str, timeout: float = 5):
        req = HTTPRequest(url, headers={"Authorization": f"token {self.token}"}, request_timeout=timeout,
                          follow_redirects=False)
        async with self.limit:
            resp = await AsyncHTTPClient(max_clients=64).fetch(req, raise_error=False)
        return json.loads(resp.body) if resp.code == 200 else None

    async def _refresh(self) -> None:
        users = await self.get_json(url_path_join(self.api_url, "users") + "?limit=1000", 10) or []
        today = time.time() - RECENT_HOURS * 3600  # a stopped server stays on the page for the day
        users = [u for u in users if u.get("kind", "user") == "user"
                 and (u.get("servers") or (parse_time(u.get("last_activity")) or 0) > today)]

        async def sessions(u):
            server = u.get("servers", {}).get("", {})
            if not server.get("ready"):
                return []
            return await self.get_json(self.proxy_url + url_path_join(server["url"], "api/sessions"))

        found = await asyncio.gather(*(sessions(u) for u in users))
        now = time.time()
        self.people = sorted((person(u, s, self.errors.get(u["name"], {}), now, self.idle_minutes)
                              for u, s in zip(users, found)), key=lambda p: p["name"])
        self.fetched, self.at = time.monotonic(), now

    async def action(self, method: str, path: str, body: dict | None = None, *, proxy: bool = False) -> int:
        """A change asked by a facilitator (start or stop a server, write a notebook); returns the HTTP code."""
        url = (self.proxy_url + path) if proxy else url_path_join(self.api_url, path)
        req = HTTPRequest(url, method=method, headers={"Authorization": f"token {self.token}"},
                          body=None if body is None else json.dumps(body), allow_nonstandard_methods=True,
                          request_timeout=30)
        resp = await AsyncHTTPClient().fetch(req, raise_error=False)
        self.fetched = 0.0  # the next snapshot shows the change
        return resp.code
