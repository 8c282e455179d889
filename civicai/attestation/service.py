"""``python -m civicai.attestation.service``: the hub's managed service « attestation », /services/attestation/.

A participant logs in through the hub (OAuth) and sees only their own page: the name to print on their
attestation, their choice about the quiz, and their files once a facilitator has made them. No route takes
a user name: who you are comes from the hub, so nobody can ask for someone else's attestation.
The organisation's logo is public (the login page shows it).
"""

from __future__ import annotations

import os
from pathlib import Path

from tornado import web

from civicai.settings import settings
from civicai.attestation import issue, organisation, profiles
from civicai.errors import UserError
from civicai.hub.service_base import ServiceHandler, application, serve

PAGES = Path(__file__).resolve().parent / "pages"
FILES = {"attestation.pdf": ("application/pdf", "attestation.pdf"),
         "attestation.json": ("application/ld+json", "attestation-numerique.json")}


class Base(ServiceHandler):
    @property
    def state_dir(self) -> Path:
        return self.settings["state_dir"]


class Page(Base):
    @web.authenticated
    def get(self):
        self._show()

    @web.authenticated
    def post(self):
        try:
            profiles.set_choice(self.state_dir, self.current_user["name"], name=self.get_body_argument("name", ""),
                                quiz=self.get_body_argument("quiz", "") == "yes")
        except UserError as exc:
            self.set_status(400)
            return self._show(error=str(exc))
        self._show(saved=True)

    def _show(self, error: str = "", saved: bool = False):
        user = self.current_user["name"]
        profile = profiles.get(self.state_dir, user)
        folder = issue.documents_dir(self.state_dir, user)
        ready = (folder / "attestation.pdf").is_file()
        self.render("page.html", user=user, name=profile.get("name", ""), quiz=bool(profile.get("quiz")),
                    ready=ready, error=error, saved=saved, prefix=self.settings["prefix"],
                    organisation=organisation.load(self.state_dir) or {})


class Download(Base):
    @web.authenticated
    def get(self, name: str):
        kind, download = FILES[name]
        path = issue.documents_dir(self.state_dir, self.current_user["name"]) / name
        if not path.is_file():
            raise web.HTTPError(404)
        self.set_header("Content-Type", kind)
        self.set_header("Content-Disposition", f'attachment; filename="{download}"')
        self.set_header("Cache-Control", "no-store")
        self.finish(path.read_bytes())


class Logo(web.RequestHandler):
    def get(self):
        path = organisation.logo_path(self.settings["state_dir"])
        if path is None:
            raise web.HTTPError(404)
        self.set_header("Content-Type", "image/png" if path.suffix == ".png" else "image/jpeg")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.finish(path.read_bytes())


def make_app(state_dir: Path, prefix: str = "/services/attestation/") -> web.Application:
    routes = [("", Page), ("(attestation.pdf|attestation.json)", Download), ("logo", Logo)]
    return application(prefix, routes, xsrf_cookies=True, template_path=str(PAGES), state_dir=Path(state_dir))


def main() -> None:
    serve(make_app(settings().state_dir, os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/attestation/")))


if __name__ == "__main__":
    main()
