"""Wire attestations into a JupyterHub config: ``configure(c, state_dir)``, after the kit's own set-up.

It only sets traits and can be called twice (unit-tested on a plain ``Config()``). What it adds:
- ``template_vars["organisation"]`` (name, place, logo URL or None) for the hub's pages, updated in place;
- the managed service ``attestation`` (/services/attestation/): each participant sets the name printed on
  their attestation, agrees or not to show their quiz progress, and downloads their own files;
- every user may reach it (``access:services!service=attestation`` in the default ``user`` role);
- spawner hooks that record the time spent (:mod:`civicai.attestation.sessions`);
- the optional self-sign-up mode (:mod:`civicai.signup.hubconfig`), off unless ``civicai serve --inscription``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


from civicai.net import service_port
from civicai.attestation import organisation
from civicai.attestation.sessions import Hooks

SERVICE = "attestation"
PREFIX = f"/services/{SERVICE}/"
ACCESS = f"access:services!service={SERVICE}"
DEFAULT_USER_SCOPES = ["self"]  # JupyterHub's default ``user`` role (jupyterhub/roles.py), kept when we add ours


def _as_list(value) -> list:
    return list(value) if isinstance(value, (list, tuple)) else []  # unset traits are LazyConfigValue


def organisation_vars(state_dir: Path, base_url: str = "/") -> dict:
    settings = organisation.load(state_dir) or {}
    logo = f"{base_url.rstrip('/')}{PREFIX}logo" if organisation.logo_path(state_dir) else None
    return {"name": settings.get("name"), "place": settings.get("place"), "logo": logo}


def configure(c, state_dir: str | os.PathLike, *, python: str | None = None) -> None:
    state_dir = Path(state_dir).resolve()
    base_url = c.JupyterHub.base_url if isinstance(c.JupyterHub.base_url, str) else "/"
    template_vars = c.JupyterHub.template_vars if isinstance(c.JupyterHub.template_vars, dict) else {}
    template_vars["organisation"] = organisation_vars(state_dir, base_url)
    c.JupyterHub.template_vars = template_vars

    services = [s for s in _as_list(c.JupyterHub.services) if s.get("name") != SERVICE]
    services.append({
        "name": SERVICE,
        "url": f"http://127.0.0.1:{service_port(SERVICE)}",
        "command": [python or sys.executable, "-m", "civicai.attestation.service"],
        "environment": {"CIVICAI_STATE_DIR": str(state_dir), "LANG": "fr_FR.UTF-8"},
        "oauth_no_confirm": True,
        "display": True,
        "timeout": 120,
    })
    c.JupyterHub.services = services
    roles = _as_list(c.JupyterHub.load_roles)
    user = next((r for r in roles if r.get("name") == "user"), None)
    if user is None:
        user = {"name": "user", "scopes": list(DEFAULT_USER_SCOPES)}
        roles.append(user)
    if ACCESS not in user.setdefault("scopes", []):
        user["scopes"] = list(user["scopes"]) + [ACCESS]
    c.JupyterHub.load_roles = roles

    pre, post = c.Spawner.pre_spawn_hook, c.Spawner.post_stop_hook
    mine = lambda hook: isinstance(getattr(hook, "__self__", None), Hooks)  # noqa: E731
    if not (mine(pre) and mine(post) and pre.__self__ is post.__self__ and pre.__self__.state_dir == str(state_dir)):
        hooks = Hooks(state_dir, pre.__self__.previous_pre if mine(pre) else (pre if callable(pre) else None),
                      post.__self__.previous_post if mine(post) else (post if callable(post) else None))
        c.Spawner.pre_spawn_hook = hooks.pre_spawn
        c.Spawner.post_stop_hook = hooks.post_stop

    from civicai.signup.hubconfig import configure as configure_signup
    configure_signup(c, state_dir)
