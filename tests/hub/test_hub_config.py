"""The hub configuration, checked on a plain traitlets Config (no hub started)."""

from __future__ import annotations

import json
import stat

from traitlets.config import Config

from civicai.hub.config import configure_local, load_secrets, workshop_code


def test_local_config_keeps_every_runtime_file_in_the_state_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("CIVICAI_WORKSHOP_CODE", raising=False)
    state = tmp_path / "etat"
    c = Config()
    configure_local(c, state_dir=state)
    for path in (c.JupyterHub.db_url.removeprefix("sqlite:///"), c.JupyterHub.cookie_secret_file,
                 c.ConfigurableHTTPProxy.pid_file, c.JupyterHub.pid_file):
        assert str(path).startswith(str(state.resolve())), path
    assert c.KitSpawner.home_dir_template == str(state.resolve() / "homes" / "{username}")
    assert c.JupyterHub.authenticator_class == "shared-password"
    assert c.JupyterHub.load_groups == {"formateurs": {"users": ["formateur"]}}
    assert c.Authenticator.admin_users == {"formateur"}


def test_secrets_are_made_once_private_and_stable(tmp_path, monkeypatch):
    monkeypatch.delenv("CIVICAI_WORKSHOP_CODE", raising=False)
    monkeypatch.delenv("CIVICAI_ADMIN_PASSWORD", raising=False)
    first = load_secrets(tmp_path)
    assert first == load_secrets(tmp_path)
    assert len(first["workshop_code"]) >= 8 and len(first["admin_password"]) >= 32
    mode = stat.S_IMODE((tmp_path / "secrets.json").stat().st_mode)
    assert mode == 0o600
    monkeypatch.setenv("CIVICAI_WORKSHOP_CODE", "code-du-jour")
    assert load_secrets(tmp_path)["workshop_code"] == "code-du-jour"
    assert json.loads((tmp_path / "secrets.json").read_text())["workshop_code"] == first["workshop_code"]


def test_workshop_codes_avoid_ambiguous_characters():
    codes = {workshop_code() for _ in range(200)}
    assert len(codes) == 200
    assert not any(ch in code for code in codes for ch in "01ilo")


def test_facilitators_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CIVICAI_FORMATEURS", "alice, karim")
    c = Config()
    configure_local(c, state_dir=tmp_path)
    assert c.JupyterHub.load_groups["formateurs"]["users"] == ["alice", "karim"]


def test_operator_settings_reach_user_servers_but_secrets_do_not(tmp_path, monkeypatch):
    monkeypatch.setenv("CIVICAI_FAIRFACE_DIR", "/data/fairface")
    monkeypatch.setenv("CIVICAI_ADMIN_PASSWORD", "x" * 40)
    c = Config()
    configure_local(c, state_dir=tmp_path)
    assert "CIVICAI_FAIRFACE_DIR" in c.Spawner.env_keep
    assert "CIVICAI_ADMIN_PASSWORD" not in c.Spawner.env_keep
