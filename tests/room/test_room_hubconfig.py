"""The room's hub wiring on a plain traitlets Config: idempotent, least scopes, links to the other services."""

from __future__ import annotations

import json
from types import SimpleNamespace

from traitlets.config import Config

from civicai.room.hubconfig import SERVICE_SCOPES, configure, landing


def test_configure_twice_gives_the_same_config(tmp_path, monkeypatch):
    monkeypatch.setenv("CIVICAI_PORT", "8123")
    monkeypatch.setenv("CIVICAI_IP", "0.0.0.0")
    c = Config()
    c.JupyterHub.services = [{"name": "civicai", "api_token": "x"}, {"name": "debat", "url": "http://127.0.0.1:1"},
                             {"name": "formgrader-seconde-b", "url": "http://127.0.0.1:2"}]
    configure(c, state_dir=tmp_path)
    first = json.dumps([c.JupyterHub.services, c.JupyterHub.load_roles, c.Spawner.environment], sort_keys=True)
    configure(c, state_dir=tmp_path)
    assert json.dumps([c.JupyterHub.services, c.JupyterHub.load_roles, c.Spawner.environment], sort_keys=True) == first
    salle = c.JupyterHub.services[-1]
    assert [s["name"] for s in c.JupyterHub.services] == ["civicai", "debat", "formgrader-seconde-b", "salle"]
    env = salle["environment"]
    assert env["CIVICAI_SALLE_DB"] == str(tmp_path.resolve() / "salle.sqlite")
    assert env["CIVICAI_SALLE_PROXY"] == "http://127.0.0.1:8123"
    links = json.loads(env["CIVICAI_SALLE_LIENS"])
    assert links["debate"] == "/services/debat/" and links["certificates"] is None
    assert links["grading"] == [{"course": "seconde-b", "url": "/services/formgrader-seconde-b/formgrader"}]
    roles = {r["name"]: r for r in c.JupyterHub.load_roles}
    assert roles["salle-service"]["scopes"] == SERVICE_SCOPES
    assert "admin:users" not in SERVICE_SCOPES and "admin:servers" not in SERVICE_SCOPES
    assert "access:services!service=salle" in roles["user"]["scopes"]
    assert "access:services!service=salle" in roles["server"]["scopes"]
    assert c.Spawner.environment["CIVICAI_SALLE_URL"] == salle["url"] + "/services/salle/"


def test_facilitators_land_on_the_room_and_participants_on_their_server():
    group = SimpleNamespace(name="formateurs")
    handler = lambda user: SimpleNamespace(current_user=user, base_url="/")  # noqa: E731
    assert landing(handler(SimpleNamespace(groups=[group]))) == "/services/salle/"
    assert landing(handler(SimpleNamespace(groups=[]))) == ""
    assert landing(handler(None)) == ""


def test_the_kit_hub_config_wires_the_room(tmp_path, monkeypatch):
    from civicai.hub.config import configure_local

    monkeypatch.setenv("CIVICAI_MODE", "demonstration")
    c = Config()
    configure_local(c, state_dir=tmp_path)
    names = [s["name"] for s in c.JupyterHub.services]
    assert names[-1] == "salle" and "debat" in names
    assert json.loads(c.JupyterHub.services[-1]["environment"]["CIVICAI_SALLE_LIENS"])["debate"] == "/services/debat/"
