"""The kit's hub templates render with JupyterHub's own (block names of the installed version) and in French,
also the pages a browser hardly catches (a server starting or stopping)."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from jupyterhub._data import DATA_FILES_PATH

from civicai.paths import hub_dir
from roomhub import english_in

KIT = hub_dir() / "templates"
UPSTREAM = Path(DATA_FILES_PATH) / "templates"


class User:
    name = "alice"
    json_escaped_name = "alice"
    groups = []

    class spawner:
        options_form = None
        active = False


def render(name: str, **context) -> str:
    env = jinja2.Environment(loader=jinja2.ChoiceLoader([
        jinja2.FileSystemLoader(str(KIT)),
        jinja2.PrefixLoader({"templates": jinja2.FileSystemLoader(str(UPSTREAM))}),
        jinja2.FileSystemLoader(str(UPSTREAM))]), autoescape=True)
    base = dict(static_url=lambda p, **k: f"/static/{p}", base_url="/hub/", prefix="/", logo_url="", user=User(),
                services=[], parsed_scopes=set(), logout_url="/hub/logout", login_url="/hub/login", xsrf="x",
                xsrf_token="x", progress_url="/p", url="/user/alice/", default_server=User.spawner,
                status_code=404, status_message="Not Found", message="page not found", api_tokens=[],
                oauth_clients=[], token_expires_in_options_html="", authenticator_login_url="/hub/login",
                spawn_url="/hub/spawn", api_page_limit=50, oauth_client={"description": "salle"},
                allowed_scopes=[], scope_descriptions=[], server_version="6.1.1")
    return env.get_template(name).render(**dict(base, **context))


def text_of(html: str) -> str:
    import re

    html = re.sub(r"(?s)<(script|style|noscript)\b.*?</\1>", " ", html)
    html = re.sub(r'(?s)<div class="modal fade".*?</div>\s*</div>\s*</div>\s*</div>', " ", html)  # hidden dialog
    html = re.sub(r'<p lang="en">.*?</p>', " ", html)  # JupyterHub's technical message, marked English
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("name", sorted(p.name for p in KIT.glob("*.html")))
def test_each_kit_template_renders_in_french(name):
    english = english_in(text_of(render(name)), "alice")
    assert english == [], f"{name}: {english}"


def test_every_kit_template_overrides_an_upstream_one():
    """A kit template named like no upstream template would never be used (or hide a renamed one).

    Upstream: JupyterHub's templates and NativeAuthenticator's (the self-sign-up pages); files starting
    with ``_`` are pieces the kit's own pages include."""
    import nativeauthenticator

    native = Path(nativeauthenticator.__file__).parent / "templates"
    upstream = {p.name for folder in (UPSTREAM, native) for p in folder.glob("*.html")}
    assert {p.name for p in KIT.glob("*.html") if not p.name.startswith("_")} <= upstream
