"""``python -m civicai.room.service``: the hub's managed service « salle », under /services/salle/.

Kernels POST the participants' answers here with their ``JUPYTERHUB_API_TOKEN``; facilitators (hub group
``formateurs``) see who is in, what is open, who may be stuck and the room's answers, aggregated; a
participant sees only their own progress. Answers stay in one SQLite file on this machine.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from jupyterhub.utils import url_path_join
from tornado import web
from tornado.ioloop import IOLoop

from civicai.errors import UserError
from civicai.hub.service_base import Facilitators, RateLimiter, Refusal, ServiceHandler, application, serve
from civicai.paths import modules_dir
from civicai import french
from civicai.room import grading, manual
from civicai.room.activity import IDLE_MINUTES, Room
from civicai.room.questions import progress
from civicai.room.store import AnswerStore

PAGES = Path(__file__).resolve().parent / "pages"
# (requests, seconds) per person: a kernel answering every question of a module stays far below
LIMITS = {"reponse": (120, 60), "activite": (600, 60)}
NAME = r"([^/]+)"


class Base(ServiceHandler):
    refused = "Votre compte n'a pas accès à la salle. Demandez à la personne qui anime."
    facilitators_only = "Cette page est réservée aux personnes qui animent l'atelier (groupe « formateurs »)."

    def initialize(self, store: AnswerStore, room: Room, facilitators: Facilitators, limiter: RateLimiter,
                   links: dict, state_dir: Path):
        self.store, self.room, self.facilitators, self.limiter, self.links = store, room, facilitators, limiter, links
        self.state_dir = state_dir

    async def my_course(self, course_id: str):
        """A course this facilitator grades; 403 for anyone else, other facilitators included."""
        await self.require_facilitator()
        try:
            return grading.my_course(self.state_dir, self.name, course_id)
        except UserError as e:
            raise Refusal(403, str(e)) from None


class Api(Base):
    api = True


class AnswersApi(Api):
    """POST: a kernel (or a page) records one answer. GET: the room's answers, aggregated (facilitators)."""

    @web.authenticated
    def post(self):
        self.limiter.check(self.name, "reponse")
        a = self.store.record(self.name, self.body())
        self.set_status(201)
        self.finish({"question": a["question"], "saved": True})

    @web.authenticated
    async def get(self):
        await self.require_facilitator()
        self.finish({"questions": self.store.aggregate(self.get_argument("module", None)),
                     "minimum": self.store.min_group})


class ActivityApi(Api):
    """A kernel says a cell ran and whether it failed (no code, no output: just the notebook and yes/no)."""

    @web.authenticated
    def post(self):
        self.limiter.check(self.name, "activite")
        data = self.body()
        path = str(data.get("path") or "")
        if not path.endswith(".ipynb") or len(path) > 300:
            raise UserError("Indiquez le chemin du carnet, terminé par « .ipynb ».")
        self.room.cell_ran(self.name, path, bool(data.get("error")))
        self.finish({"saved": True})


class RoomApi(Api):
    @web.authenticated
    async def get(self):
        await self.require_facilitator()
        people = await self.room.snapshot()
        staff = self.facilitators.names
        self.finish({"participants": [p for p in people if p["name"] not in staff], "now": time.time(),
                     "updated_at": self.room.at, "idle_minutes": self.room.idle_minutes, "links": self.links})


class MineApi(Api):
    @web.authenticated
    def get(self):
        mine = self.store.mine(self.name)
        self.finish({"name": self.name, "answers": mine, "progress": progress(mine)})


class ServerApi(Api):
    """Start, stop or restart a participant's server, as a facilitator asked."""

    @web.authenticated
    async def post(self, user, what):
        await self.require_facilitator()
        path = f"users/{quote(user, safe='')}/server"
        if what in ("stop", "restart"):
            code = await self.room.action("DELETE", path)
            if code not in (202, 204, 400):
                raise Refusal(502, f"Le hub n'a pas pu arrêter le serveur de {user} (code {code}).")
            await self._wait_stopped(user)
        if what in ("start", "restart"):
            code = await self.room.action("POST", path, {})
            if code not in (201, 202, 400):
                raise Refusal(502, f"Le hub n'a pas pu démarrer le serveur de {user} (code {code}).")
        self.finish({"name": user, "action": what})

    async def _wait_stopped(self, user: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            model = await self.room.get_json(url_path_join(self.room.api_url, "users", quote(user, safe="")))
            if not model or not model.get("servers", {}).get("", {}):
                return
            await asyncio.sleep(0.3)


class FreshCopyApi(Api):
    """Put a fresh copy of a module's notebook next to the participant's own, without touching theirs."""

    @web.authenticated
    async def post(self, user):
        await self.require_facilitator()
        rel = str(self.body().get("path") or "")
        base = modules_dir().resolve()
        source = (base / rel.removeprefix("modules/")).resolve()
        if not (source.suffix == ".ipynb" and source.is_file() and base in source.parents):
            raise UserError("Ce carnet n'est pas un carnet des modules du kit : choisissez-en un dans la liste.")
        nb = json.loads(source.read_text(encoding="utf-8"))
        target = f"modules/{source.parent.name}/{source.stem}-copie-neuve-{time.strftime('%Hh%M')}.ipynb"
        url = url_path_join(f"/user/{quote(user, safe='')}/api/contents", quote(target))
        code = await self.room.action("PUT", url, {"type": "notebook", "format": "json", "content": nb}, proxy=True)
        if code not in (200, 201):
            raise Refusal(502, f"Impossible de déposer le carnet chez {user} : son serveur est-il démarré ?")
        self.set_status(201)
        self.finish({"name": user, "path": target})


class GradingPage(Base):
    """The French grading page (civicai.room.grading) and each course's grades as a French CSV."""

    @web.authenticated
    async def get(self, course_id=None):
        await self.require_facilitator()
        run = IOLoop.current().run_in_executor
        if course_id is None:
            mine = grading.my_courses(self.state_dir, self.name)
            courses = await run(None, lambda: [grading.summary(c) for c in mine])
            return self.render("correction.html", courses=courses, steps=grading.STEPS)
        course = await self.my_course(course_id)
        with tempfile.TemporaryDirectory() as folder:
            data = await run(None, grading.csv_bytes, course, Path(folder))
        self.set_header("Content-Type", "text/csv; charset=utf-8")
        self.set_header("Content-Disposition", f'attachment; filename="notes-{course_id}.csv"')
        self.finish(data)


class GradingStepApi(Api):
    @web.authenticated
    async def post(self, course_id, assignment, step):
        course = await self.my_course(course_id)
        self.finish(await grading.run_step(self.state_dir, course, assignment, step))


class ManualPage(Base):
    """Written answers of one assignment's copies, each with its points and comment (civicai.room.manual)."""

    @web.authenticated
    async def get(self, course_id, assignment):
        await self._show(course_id, assignment, saved=self.get_argument("enregistre", None))

    @web.authenticated
    async def post(self, course_id, assignment):
        fields = {k: self.get_body_argument(k, "") for k in ("student", "notebook", "cell", "points", "comment")}
        course = await self._course(course_id, assignment)
        key = (fields["student"], fields["notebook"], fields["cell"])
        try:
            await IOLoop.current().run_in_executor(None, lambda: manual.save(course, assignment, *key,
                                                                             fields["points"], fields["comment"]))
        except UserError as e:  # refused: the page again, with the message next to the field and what was typed
            self.set_status(400)
            return await self._show(course_id, assignment, error=(key, str(e), fields))
        self.redirect(f"{self.settings['prefix']}correction/{quote(course_id)}/{quote(assignment)}"
                      f"?enregistre={quote('/'.join(key))}#{manual.anchor(key)}", status=303)

    async def _course(self, course_id, assignment):
        course = await self.my_course(course_id)
        if assignment not in course.source_assignments():
            raise Refusal(404, f"Devoir inconnu dans le cours « {course_id} » : « {assignment} ».")
        return course

    async def _show(self, course_id, assignment, saved=None, error=None):
        course = await self._course(course_id, assignment)
        found = await IOLoop.current().run_in_executor(None, manual.answers, course, assignment)
        self.render("notation.html", course=course_id, assignment=assignment, answers=found,
                    graded=sum(a.points is not None for a in found), saved=saved, error=error,
                    number=french.number)


class Page(Base):
    @web.authenticated
    async def get(self, which=""):
        facilitator = await self.is_facilitator()
        if which:
            await self.require_facilitator()
        if which == "quiz":
            return self.render("quiz.html", rapport=await IOLoop.current().run_in_executor(None, quiz_report))
        template = {"projection": "projection.html"}.get(which) or ("salle.html" if facilitator else "moi.html")
        self.render(template, name=self.name, links=self.links, idle_minutes=self.room.idle_minutes,
                    minimum=self.store.min_group)


def quiz_report() -> str:
    """The text of ``civicai quiz rapport`` for every module with a quiz (no name in it)."""
    from civicai.quiz import Quiz
    from civicai.catalog import load_modules
    from civicai.paths import modules_dir
    from civicai.quiz_report import report

    homes = Path(os.environ.get("CIVICAI_SALLE_HOMES", "var/homes"))
    if not homes.is_dir():
        return "Aucun espace personnel pour l'instant : personne n'a encore répondu à un quiz."
    return "\n\n".join(report(Quiz.load(p), homes) for p in (m.quiz for m in load_modules(modules_dir()) if m.quiz))


def make_app(store: AnswerStore, room: Room, *, prefix: str = "/services/salle/", api_url: str = "",
             api_token: str = "", links: dict | None = None, limits=None, state_dir: Path | None = None
             ) -> web.Application:
    deps = {"store": store, "room": room, "facilitators": Facilitators(api_url, api_token),
            "limiter": RateLimiter(limits or LIMITS), "links": links or {}, "state_dir": state_dir}
    # Pages keep the French addresses people see; the JSON API is internal, in English.
    routes = [("", Page), ("(projection|quiz)", Page), ("api/answers", AnswersApi), ("api/activity", ActivityApi),
              ("api/room", RoomApi), ("api/me", MineApi),
              (f"api/participants/{NAME}/(start|stop|restart)", ServerApi),
              (f"api/participants/{NAME}/fresh-copy", FreshCopyApi), ("correction", GradingPage),
              (f"correction/{NAME}\\.csv", GradingPage),
              (f"correction/{NAME}/{NAME}", ManualPage), (f"api/grading/{NAME}/{NAME}/([a-z]+)", GradingStepApi),
              # what kernels started before the English routes (2 December 2026) post; remove in the next release
              ("api/reponses", AnswersApi), ("api/activite", ActivityApi)]
    return application(prefix, [(path, cls, deps) for path, cls in routes], pages=PAGES)


def main() -> None:
    env = os.environ
    store = AnswerStore(env["CIVICAI_SALLE_DB"])
    room = Room(env["JUPYTERHUB_API_URL"], env["CIVICAI_SALLE_PROXY"], env["JUPYTERHUB_API_TOKEN"],
                idle_minutes=float(env.get("CIVICAI_SALLE_INACTIF_MINUTES", IDLE_MINUTES)))
    app = make_app(store, room, prefix=env.get("JUPYTERHUB_SERVICE_PREFIX", "/services/salle/"),
                   api_url=env["JUPYTERHUB_API_URL"], api_token=env["JUPYTERHUB_API_TOKEN"],
                   links=json.loads(env.get("CIVICAI_SALLE_LIENS", "{}")),
                   state_dir=Path(env["CIVICAI_SALLE_DB"]).parent)  # salle.sqlite is in the state folder
    serve(app)


if __name__ == "__main__":
    main()
