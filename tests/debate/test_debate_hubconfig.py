"""The hub wiring on a plain traitlets Config: one service, roles that let users and notebooks in, idempotent."""

from __future__ import annotations

from traitlets.config import Config

from civicai.debate.hubconfig import configure


def roles_by_name(c):
    return {r["name"]: r for r in c.JupyterHub.load_roles}


def test_service_and_roles_are_added_once_even_if_called_twice(tmp_path):
    c = Config()
    c.JupyterHub.services = [{"name": "civicai", "api_token": "x"}]
    c.JupyterHub.load_roles = [{"name": "server", "scopes": ["users:activity!user", "read:users:groups!user"]}]
    configure(c, state_dir=tmp_path)
    configure(c, state_dir=tmp_path)
    names = [s["name"] for s in c.JupyterHub.services]
    assert names == ["civicai", "debat"]
    service = c.JupyterHub.services[1]
    assert service["command"][1:] == ["-m", "civicai.debate.service"]
    assert service["environment"]["CIVICAI_DEBAT_DB"] == str(tmp_path.resolve() / "debat.sqlite")
    assert service["url"].startswith("http://127.0.0.1:")
    roles = roles_by_name(c)
    assert [r["name"] for r in c.JupyterHub.load_roles].count("debat-service") == 1
    assert roles["user"]["scopes"] == ["self", "access:services!service=debat"]
    # the existing server role keeps its scopes (grading's) and gains ours, once
    assert roles["server"]["scopes"] == ["users:activity!user", "read:users:groups!user",
                                         "access:services!service=debat"]
    assert roles["debat-service"]["scopes"] == ["read:groups!group=formateurs", "read:users:name"]
    assert c.Spawner.environment["CIVICAI_DEBAT_URL"] == service["url"] + "/services/debat/"


def test_on_an_empty_config_the_default_roles_are_kept(tmp_path):
    c = Config()
    configure(c, state_dir=tmp_path)
    roles = roles_by_name(c)
    assert roles["server"]["scopes"] == ["users:activity!user", "access:servers!server",
                                         "access:services!service=debat"]
