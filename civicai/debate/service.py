"""``python -m civicai.debate.service``: the hub's managed service « debat », under /services/debat/.

Participants log in through the hub (OAuth); a notebook calls the same JSON API with its
``JUPYTERHUB_API_TOKEN``. Facilitators are the members of the hub group ``formateurs``, read from the hub
with the service's own token. Everything stays in one SQLite file on this machine (``CIVICAI_DEBAT_DB``).
"""

from __future__ import annotations

import asyncio
import os
from collections import defaultdict
from pathlib import Path

from tornado import web
from tornado.ioloop import IOLoop

from civicai.debate.store import APPROVED, PENDING, DebateStore
from civicai.errors import UserError
from civicai.hub.service_base import Facilitators, RateLimiter, Refusal, ServiceHandler, application, serve

# (actions, seconds) per participant: generous for a room, tight enough to stop a script flooding the debate
LIMITS = {"vote": (120, 60), "statement": (5, 300), "map": (60, 60)}
PAGES = Path(__file__).resolve().parent / "pages"


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


class Base(ServiceHandler):
    refused = "Votre compte n'a pas accès aux débats. Demandez à la personne qui anime."
    facilitators_only = "Cette action est réservée aux personnes qui animent le débat (groupe « formateurs »)."

    def initialize(self, store: DebateStore, limiter: RateLimiter, facilitators: Facilitators, maps: MapCache):
        self.store, self.limiter, self.facilitators, self.maps = store, limiter, facilitators, maps

    def debate(self, slug: str) -> dict:
        try:
            return self.store.debate(slug)
        except KeyError:
            raise Refusal(404, "Ce débat n'existe pas. Vérifiez l'adresse.") from None


class Api(Base):
    """JSON API. A browser sends the page's xsrf token (header X-XSRFToken); HubOAuth checks it for cookies."""

    api = True


class DebatesApi(Api):
    @web.authenticated
    async def get(self):
        everything = await self.is_facilitator()
        self.finish({"debates": self.store.debates(include_closed=everything), "facilitator": everything})

    @web.authenticated
    async def post(self):
        await self.require_facilitator()
        from civicai.debate.seeds import theme

        data = self.body()
        if data.get("theme"):
            seed = theme(str(data["theme"]))
            data = {"title": data.get("title") or seed["title"], "question": seed["question"],
                    "statements": seed["statements"]}
        seeds = data.get("statements") or []
        if not isinstance(seeds, list):
            raise UserError("Les phrases de départ doivent être une liste.")
        d = self.store.open_debate(data.get("title", ""), data.get("question", ""), seeds, by=self.name)
        self.set_status(201)
        self.finish(d)


class DebateApi(Api):
    @web.authenticated
    async def get(self, slug):
        d = self.debate(slug)
        statements = [{"id": s.id, "text": s.text, "seed": s.seed} for s in self.store.statements(slug)]
        mine = [{"id": s.id, "text": s.text, "status": s.status} for s in self.store.my_pending(slug, self.name)]
        self.finish({"debate": d, "statements": statements, "my_votes": self.store.my_votes(slug, self.name),
                     "my_proposals": mine, "facilitator": await self.is_facilitator()})


class StatementsApi(Api):
    @web.authenticated
    async def post(self, slug):
        self.debate(slug)
        self.limiter.check(self.name, "statement")
        approved = await self.is_facilitator()
        sid = self.store.propose(slug, self.name, self.body().get("text", ""), approved=approved)
        if approved:
            self.maps.changed(slug)
        self.set_status(201)
        self.finish({"id": sid, "status": APPROVED if approved else PENDING})


class VotesApi(Api):
    @web.authenticated
    def post(self, slug):
        self.debate(slug)
        self.limiter.check(self.name, "vote")
        data = self.body()
        try:
            sid = int(data.get("statement"))
        except (TypeError, ValueError):
            raise UserError("Indiquez le numéro de la phrase pour laquelle vous votez.") from None
        self.store.vote(slug, self.name, sid, str(data.get("vote", "")))
        self.maps.changed(slug)
        self.finish({"statement": sid, "vote": data["vote"]})


class MapApi(Api):
    @web.authenticated
    async def get(self, slug):
        self.debate(slug)
        self.limiter.check(self.name, "map")
        summary, placed = await self.maps.get(slug)
        me = self.store.pseudonym(slug, self.name)
        self.finish(dict(summary, me=placed.index(me) if me in placed else None))


class PendingApi(Api):
    @web.authenticated
    async def get(self, slug):
        await self.require_facilitator()
        self.debate(slug)
        self.finish({"pending": [{"id": s.id, "text": s.text}
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
        self.finish({"statement": int(sid), "decision": self.body()["decision"]})


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
        template = "index.html" if slug is None else "facilitate.html" if facilitator else "debate.html"
        self.render(template, slug=slug or "", facilitator=await self.is_facilitator())


def make_app(store: DebateStore, *, prefix: str = "/services/debat/", limits=None, api_url: str = "",
             api_token: str = "") -> web.Application:
    deps = {"store": store, "limiter": RateLimiter(limits or LIMITS), "facilitators": Facilitators(api_url, api_token),
            "maps": MapCache(store)}
    slug = r"([a-z0-9-]+)"
    routes = [
        ("", Page), (f"d/{slug}", Page), (f"d/{slug}/(animation)", Page),
        ("api/debates", DebatesApi), (f"api/debates/{slug}", DebateApi),
        (f"api/debates/{slug}/statements", StatementsApi), (f"api/debates/{slug}/votes", VotesApi),
        (f"api/debates/{slug}/map", MapApi), (f"api/debates/{slug}/admin/pending", PendingApi),
        (f"api/debates/{slug}/admin/statements/([0-9]+)", ModerateApi), (f"api/debates/{slug}/admin/close", CloseApi),
        # the file names are French: a facilitator downloads these files
        (f"api/debates/{slug}/admin/(resultats.csv|decidim.csv|synthese.pdf)", ExportApi),
    ]
    return application(prefix, [(path, cls, deps) for path, cls in routes], pages=PAGES, debate_maps=deps["maps"])


def main() -> None:
    store = DebateStore(os.environ["CIVICAI_DEBAT_DB"])
    app = make_app(store, prefix=os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/debat/"),
                   api_url=os.environ["JUPYTERHUB_API_URL"], api_token=os.environ["JUPYTERHUB_API_TOKEN"])
    app.settings["debate_maps"].worker.start()  # its imports are done before the first map is asked for
    serve(app)


if __name__ == "__main__":
    main()
