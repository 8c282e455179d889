"""The plumbing every hub service of the kit shares (debat, salle, attestation, ia-generative), written once.

Login goes through the hub (OAuth cookie or a kernel's ``JUPYTERHUB_API_TOKEN``), facilitators are the hub group
``formateurs``, errors reach people in French (JSON for the API, ``error.html`` for pages), and a service binds
the address the hub gives it in ``JUPYTERHUB_SERVICE_URL``.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from collections import defaultdict, deque
from pathlib import Path
from typing import Callable
from urllib.parse import urlparse

from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated, UserNotAllowed
from jupyterhub.utils import url_path_join
from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.ioloop import IOLoop

from civicai.errors import UserError
from civicai.settings import FACILITATORS_GROUP


class Refusal(web.HTTPError):
    """An HTTP error with a French message for people (the status line keeps tornado's English reason)."""

    def __init__(self, status: int, message: str):
        super().__init__(status)
        self.message = message


class RateLimiter:
    """Sliding windows per (person, kind of action), in memory: a restart forgets them, which is harmless."""

    def __init__(self, limits: dict[str, tuple[int, float]]):
        self.limits = limits
        self.seen: dict[tuple[str, str], deque] = defaultdict(deque)

    def check(self, who: str, kind: str) -> None:
        count, window = self.limits[kind]
        now = time.monotonic()
        q = self.seen[(who, kind)]
        while q and q[0] <= now - window:
            q.popleft()
        if len(q) >= count:
            wait = int(q[0] + window - now) + 1
            raise Refusal(429, f"Vous allez trop vite : attendez {wait} secondes, puis recommencez.")
        q.append(now)


class Facilitators:
    """Who is in the hub group ``formateurs`` (asked to the hub, kept 10 s)."""

    def __init__(self, api_url: str, token: str, ttl: float = 10):
        self.url, self.token, self.ttl = url_path_join(api_url, "groups", FACILITATORS_GROUP), token, ttl
        self.names: set[str] = set()
        self.fetched = 0.0
        self.pending: asyncio.Future | None = None  # one question to the hub at a time, shared by all requests

    async def includes(self, name: str) -> bool:
        if time.monotonic() - self.fetched > self.ttl:
            if self.pending is None:
                self.pending = asyncio.ensure_future(self._fetch())
            try:
                await asyncio.shield(self.pending)
            finally:
                self.pending = None
        return name in self.names

    async def _fetch(self) -> None:
        req = HTTPRequest(self.url, headers={"Authorization": f"token {self.token}"}, request_timeout=10)
        resp = await AsyncHTTPClient().fetch(req, raise_error=False)
        self.names = set(json.loads(resp.body)["users"]) if resp.code == 200 else set()  # fail closed
        self.fetched = time.monotonic()


class HubUser(HubOAuthenticated, web.RequestHandler):
    """A handler whose caller is a hub user, found without blocking the event loop (HubAuth's default path
    waits on a thread)."""

    refused = "Votre compte n'a pas accès à ce service. Demandez à la personne qui anime."

    async def prepare(self):
        model = await self.hub_auth.get_user(self, sync=False)
        try:
            self._hub_auth_user_cache = self.check_hub_user(model) if model else None
        except UserNotAllowed:
            raise Refusal(403, self.refused) from None


class ServiceHandler(HubUser):
    """Pages and JSON API of a service: French errors, the facilitator check (``self.facilitators``, set by the
    service's ``initialize``), a JSON body that is an object."""

    api = False  # an API handler answers JSON and never redirects to a login page
    facilitators_only = "Cette action est réservée aux personnes qui animent (groupe « formateurs »)."

    def get_template_namespace(self):
        token = self.xsrf_token
        return dict(super().get_template_namespace(), prefix=self.settings["prefix"],
                    xsrf_token=token.decode() if isinstance(token, bytes) else token)

    def get_login_url(self):
        if self.api:  # an API call without a valid token gets 403, not a redirect to a login page
            raise Refusal(403, "Connectez-vous au hub d'abord.")
        return super().get_login_url()

    @property
    def name(self) -> str:
        return self.current_user["name"]

    async def is_facilitator(self) -> bool:
        return self.current_user.get("kind", "user") == "user" and await self.facilitators.includes(self.name)

    async def require_facilitator(self) -> None:
        if not await self.is_facilitator():
            raise Refusal(403, self.facilitators_only)

    def body(self) -> dict:
        try:
            data = json.loads(self.request.body or b"{}")
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise Refusal(400, "Requête illisible : envoyez un objet JSON.")
        return data

    def _handle_request_exception(self, e):
        if not isinstance(e, UserError):
            return super()._handle_request_exception(e)
        try:  # a person's mistake: a 400 with its French message, logged on one line (tornado reads exc_info)
            raise Refusal(400, str(e)) from None
        except Refusal as refusal:
            return super()._handle_request_exception(refusal)

    def write_error(self, status_code, **kwargs):
        exc = kwargs.get("exc_info", (None, None, None))[1]
        message = getattr(exc, "message", None) or {403: "Accès refusé.", 404: "Page introuvable."}.get(
            status_code, "Une erreur est survenue. Réessayez dans un instant.")
        if self.api:
            self.finish({"error": message})
        else:
            self.render("error.html", message=message, status=status_code)


def application(prefix: str, routes: list[tuple], *, pages: Path | None = None, **settings) -> web.Application:
    """The service's tornado app: ``routes`` are (path under the prefix, handler[, its arguments]); the hub's
    OAuth callback comes first (a catch-all route may follow); ``pages`` holds templates and ``static/``."""
    handlers = [(url_path_join(prefix, "oauth_callback"), HubOAuthCallbackHandler)]
    handlers += [(url_path_join(prefix, path) + "$", *rest) for path, *rest in routes]
    if pages is not None:
        handlers.append((url_path_join(prefix, "static/(.*)"), web.StaticFileHandler, {"path": str(pages / "static")}))
        settings.update(template_path=str(pages), static_path=str(pages / "static"),
                        static_url_prefix=url_path_join(prefix, "static/"))
    return web.Application(handlers, cookie_secret=os.urandom(32), prefix=prefix, **settings)


def end_with_the_hub() -> None:
    """A service whose hub is killed outright (no time to stop its services) gets SIGTERM instead of living on
    as an orphan that keeps its port, its database and a model in memory."""
    import ctypes

    hub = os.getppid()
    ctypes.CDLL(None).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != hub:  # the hub was already gone before the line above
        os.kill(os.getpid(), signal.SIGTERM)


def serve(app: web.Application, on_stop: Callable[[], None] | None = None) -> None:
    """Listen where the hub says and run until stopped; with ``on_stop`` (a child process to end), SIGTERM and
    SIGINT stop the loop and ``on_stop`` runs."""
    end_with_the_hub()
    url = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
    app.listen(url.port, url.hostname)
    loop = IOLoop.current()
    if on_stop is None:
        loop.start()
        return
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.asyncio_loop.add_signal_handler(sig, loop.stop)
    try:
        loop.start()
    finally:
        on_stop()
