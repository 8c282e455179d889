"""``python -m civicai.debate.service``: the hub's managed service « debat », under /services/debat/.

Participants log in through the hub (OAuth); a notebook calls the same JSON API with its
``JUPYTERHUB_API_TOKEN``. Facilitators are the members of the hub group ``formateurs``, read from the hub
with the service's own token. Everything stays in one SQLite file on this machine (``CIVICAI_DEBAT_DB``).
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections import defaultdict, deque
from pathlib import Path
from urllib.parse import urlparse

from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated, UserNotAllowed
from jupyterhub.utils import url_path_join
from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.ioloop import IOLoop

from civicai.debate.store import APPROVED, PENDING, DebateStore
from civicai.errors import UserError
from civicai.settings import FACILITATORS_GROUP

# (actions, seconds) per participant: generous for a room, tight enough to stop a script flooding the debate
LIMITS = {"vote": (120, 60), "phrase": (5, 300), "carte": (60, 60)}
PAGES = Path(__file__).resolve().parent / "pages"


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


class MapCache:
    """At most one map computation per debate at a time, in a child process (``civicai.debate.mapworker``),
    so that votes stay fast: they never wait behind the map for the interpreter.

    A request gets the latest finished map if nothing changed, else waits for the computation in progress
    (started now if none is): the map shown is at most one computation behind the votes.
    """

    def __init__(self, store: DebateStore):
        from civicai.debate.mapworker import MapWorker

        self.store, self.worker = store, MapWorker()
        self.version: dict[str, int] = defaultdict(int)
        self.done: dict[str, tuple[int, tuple]] = {}
        self.running: dict[str, asyncio.Future] = {}

    def changed(self, slug: str) -> None:
        self.version[slug] += 1

    async def get(self, slug: str) -> tuple[dict, list]:
        version = self.version[slug]
        if slug in self.done and self.done[slug][0] == version:
            return self.done[slug][1]
        if slug not in self.running:
            self.running[slug] = asyncio.ensure_future(self._compute(slug, version))
        return await asyncio.shield(self.running[slug])

    async def _compute(self, slug: str, version: int) -> tuple[dict, list]:
        try:
            texts = {s.id: s.text for s in self.store.statements(slug)}
            votes = self.store.all_votes(slug)
            result = await IOLoop.current().run_in_executor(None, self.worker.compute, votes, texts)
            self.done[slug] = (version, result)
            return result
        finally:
            self.running.pop(slug, None)


class Base(HubOAuthenticated, web.RequestHandler):
    api = False

    def initialize(self, store: DebateStore, limiter: RateLimiter, facilitators: Facilitators, maps: MapCache):
        self.store, self.limiter, self.facilitators, self.maps = store, limiter, facilitators, maps

    async def prepare(self):
        """Find who is calling without blocking the event loop (HubAuth's default path waits on a thread)."""
        model = await self.hub_auth.get_user(self, sync=False)
        try:
            self._hub_auth_user_cache = self.check_hub_user(model) if model else None
        except UserNotAllowed:
            raise Refusal(403, "Votre compte n'a pas accès aux débats. Demandez à la personne qui anime.") from None

    def get_template_namespace(self):
        token = self.xsrf_token
        return dict(super().get_template_namespace(), prefix=self.settings["debat_prefix"],
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
            raise Refusal(403, "Cette action est réservée aux personnes qui animent le débat "
                                            "(groupe « formateurs »).")

    def debate(self, slug: str) -> dict:
        try:
            return self.store.debate(slug)
        except KeyError:
            raise Refusal(404, "Ce débat n'existe pas. Vérifiez l'adresse.") from None

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
            self.finish({"erreur": message})
        else:
            self.render("erreur.html", message=message, status=status_code)


class Api(Base):
    """JSON API. A browser sends the page's xsrf token (header X-XSRFToken); HubOAuth checks it for cookies."""

    api = True


class DebatesApi(Api):
    @web.authenticated
    async def get(self):
        everything = await self.is_facilitator()
        self.finish({"debats": self.store.debates(include_closed=everything), "animateur": everything})

    @web.authenticated
    async def post(self):
        await self.require_facilitator()
        from civicai.debate.seeds import theme

        data = self.body()
        if data.get("theme"):
            seed = theme(str(data["theme"]))
            data = {"titre": data.get("titre") or seed["titre"], "question": seed["question"],
                    "phrases": seed["phrases"]}
        phrases = data.get("phrases") or []
        if not isinstance(phrases, list):
            raise UserError("Les phrases de départ doivent être une liste.")
        d = self.store.open_debate(data.get("titre", ""), data.get("question", ""), phrases, by=self.name)
        self.set_status(201)
        self.finish(d)


class DebateApi(Api):
    @web.authenticated
    async def get(self, slug):
        d = self.debate(slug)
        phrases = [{"id": s.id, "texte": s.text, "depart": s.seed} for s in self.store.statements(slug)]
        mine = [{"id": s.id, "texte": s.text, "statut": s.status} for s in self.store.my_pending(slug, self.name)]
        self.finish({"debat": d, "phrases": phrases, "mes_votes": self.store.my_votes(slug, self.name),
                     "mes_propositions": mine, "animateur": await self.is_facilitator()})


class StatementsApi(Api):
    @web.authenticated
    async def post(self, slug):
        self.debate(slug)
        self.limiter.check(self.name, "phrase")
        approved = await self.is_facilitator()
        sid = self.store.propose(slug, self.name, self.body().get("texte", ""), approved=approved)
        if approved:
            self.maps.changed(slug)
        self.set_status(201)
        self.finish({"id": sid, "statut": APPROVED if approved else PENDING})


class VotesApi(Api):
    @web.authenticated
    def post(self, slug):
        self.debate(slug)
        self.limiter.check(self.name, "vote")
        data = self.body()
        try:
            sid = int(data.get("phrase"))
        except (TypeError, ValueError):
            raise UserError("Indiquez le numéro de la phrase pour laquelle vous votez.") from None
        self.store.vote(slug, self.name, sid, str(data.get("vote", "")))
        self.maps.changed(slug)
        self.finish({"phrase": sid, "vote": data["vote"]})


class MapApi(Api):
    @web.authenticated
    async def get(self, slug):
        self.debate(slug)
        self.limiter.check(self.name, "carte")
        summary, placed = await self.maps.get(slug)
        me = self.store.pseudonym(slug, self.name)
        self.finish(dict(summary, moi=placed.index(me) if me in placed else None))


class PendingApi(Api):
    @web.authenticated
    async def get(self, slug):
        await self.require_facilitator()
        self.debate(slug)
        self.finish({"en_attente": [{"id": s.id, "texte": s.text}
                                    for s in self.store.statements(slug, status=PENDING)]})


class ModerateApi(Api):
    @web.authenticated
    async def post(self, slug, sid):
        await self.require_facilitator()
        self.debate(slug)
        try:
            self.store.moderate(slug, int(sid), str(self.body().get("decision", "")), by=self.name)
        except KeyError:
            raise Refusal(404, "Cette phrase n'existe pas dans ce débat.") from None
        self.maps.changed(slug)
        self.finish({"phrase": int(sid), "decision": self.body()["decision"]})


class CloseApi(Api):
    @web.authenticated
    async def post(self, slug):
        await self.require_facilitator()
        self.debate(slug)
        self.store.close_debate(slug, by=self.name)
        self.finish(self.store.debate(slug))


class ExportApi(Api):
    """The convention's files: aggregated only (no pseudonym, no individual vote)."""

    @web.authenticated
    async def get(self, slug, kind):
        from civicai.debate import export

        await self.require_facilitator()
        d = self.debate(slug)
        summary, _ = await self.maps.get(slug)
        make, mime = {"resultats.csv": (export.results_csv, "text/csv; charset=utf-8"),
                      "decidim.csv": (export.decidim_csv, "text/csv; charset=utf-8"),
                      "synthese.pdf": (export.summary_pdf, "application/pdf")}[kind]
        data = await IOLoop.current().run_in_executor(None, make, d, summary)
        self.set_header("Content-Type", mime)
        self.set_header("Content-Disposition", f'attachment; filename="{d["slug"]}-{kind}"')
        self.finish(data)


class Page(Base):
    @web.authenticated
    async def get(self, slug=None, facilitator=None):
        if slug is not None:
            self.debate(slug)
        if facilitator or slug is None and self.get_argument("animer", None):
            await self.require_facilitator()
        template = "index.html" if slug is None else "animation.html" if facilitator else "debat.html"
        self.render(template, slug=slug or "", animateur=await self.is_facilitator())


def make_app(store: DebateStore, *, prefix: str = "/services/debat/", limits=None, api_url: str = "",
             api_token: str = "") -> web.Application:
    deps = {"store": store, "limiter": RateLimiter(limits or LIMITS), "facilitators": Facilitators(api_url, api_token),
            "maps": MapCache(store)}
    slug = r"([a-z0-9-]+)"
    routes = [
        ("", Page), (f"d/{slug}", Page), (f"d/{slug}/(animation)", Page),
        ("api/debats", DebatesApi), (f"api/debats/{slug}", DebateApi),
        (f"api/debats/{slug}/phrases", StatementsApi), (f"api/debats/{slug}/votes", VotesApi),
        (f"api/debats/{slug}/carte", MapApi), (f"api/debats/{slug}/admin/attente", PendingApi),
        (f"api/debats/{slug}/admin/phrases/([0-9]+)", ModerateApi), (f"api/debats/{slug}/admin/fermer", CloseApi),
        (f"api/debats/{slug}/admin/(resultats.csv|decidim.csv|synthese.pdf)", ExportApi),
    ]
    handlers = [(url_path_join(prefix, path) + "$", cls, deps) for path, cls in routes]
    handlers += [(url_path_join(prefix, "oauth_callback"), HubOAuthCallbackHandler),
                 (url_path_join(prefix, "static/(.*)"), web.StaticFileHandler, {"path": str(PAGES / "static")})]
    return web.Application(handlers, cookie_secret=os.urandom(32), debat_prefix=prefix, debat_maps=deps["maps"],
                           template_path=str(PAGES), static_path=str(PAGES / "static"),
                           static_url_prefix=url_path_join(prefix, "static/"))


def main() -> None:
    store = DebateStore(os.environ["CIVICAI_DEBAT_DB"])
    app = make_app(store, prefix=os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/debat/"),
                   api_url=os.environ["JUPYTERHUB_API_URL"], api_token=os.environ["JUPYTERHUB_API_TOKEN"])
    app.settings["debat_maps"].worker.start()  # its imports are done before the first map is asked for
    url = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
    app.listen(url.port, url.hostname)
    IOLoop.current().start()


if __name__ == "__main__":
    main()
