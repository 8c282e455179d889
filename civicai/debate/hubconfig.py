"""Wire the debate service into a JupyterHub config: ``configure(c, state_dir=...)``, after the kit's own set-up.

It only sets traits (unit-tested on a plain ``Config()``) and can be called twice. What it adds:
- the managed service ``debat`` (the hub starts and stops it; its SQLite file in the state folder);
- every user may use it (``access:services!service=debat`` added to the default ``user`` role), and so may a
  user's server token, so that a notebook calls the API with ``JUPYTERHUB_API_TOKEN``;
- the service reads the members of the group ``formateurs`` (nothing more) to know who animates;
- user servers get ``CIVICAI_DEBAT_URL``, the service's address, for the notebook widget: the loopback on one
  machine; on a cluster (``host``: the address compute nodes use to reach the hub, ``CIVICAI_HUB_CONNECT_IP``)
  the service listens on that address instead, so that servers running on other nodes reach it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from civicai.net import service_port
from civicai.paths import kit_root

SERVICE = "debat"
ACCESS = f"access:services!service={SERVICE}"
SERVICE_ROLE = "debat-service"
# JupyterHub's default scopes of these two roles (jupyterhub/roles.py), kept when we add ours
DEFAULT_SCOPES = {"user": ["self"], "server": ["users:activity!user", "access:servers!server"]}


def _as_list(value) -> list:
    return list(value) if isinstance(value, (list, tuple)) else []


def _add_scope(roles: list, name: str, scope: str) -> None:
    role = next((r for r in roles if r.get("name") == name), None)
    if role is None:
        role = {"name": name, "scopes": list(DEFAULT_SCOPES[name])}
        roles.append(role)
    if scope not in role.setdefault("scopes", []):
        role["scopes"] = list(role["scopes"]) + [scope]


def configure(c, *, state_dir: str | os.PathLike, python: str | None = None, host: str = "127.0.0.1",
              port: int | None = None) -> None:
    """Add the debate service to the hub config ``c`` (call it after ``configure_local`` or the cluster set-up)."""
    state_dir = Path(state_dir).resolve()
    services = [s for s in _as_list(c.JupyterHub.services) if s.get("name") != SERVICE]
    roles = [r for r in _as_list(c.JupyterHub.load_roles) if r.get("name") != SERVICE_ROLE]
    url = f"http://{host}:{port or service_port(SERVICE)}"
    services.append({
        "name": SERVICE,
        "url": url,
        "command": [python or sys.executable, "-m", "civicai.debate.service"],
        "environment": {"CIVICAI_DEBAT_DB": str(state_dir / "debat.sqlite"), "CIVICAI_KIT_ROOT": str(kit_root()),
                        "LANG": "fr_FR.UTF-8"},
        "oauth_no_confirm": True,
        "display": True,
        "timeout": 120,  # the hub waits for its services at start; a busy 2-core machine is slow
    })
    roles.append({"name": SERVICE_ROLE, "services": [SERVICE],
                  "scopes": ["read:groups!group=formateurs", "read:users:name"]})
    _add_scope(roles, "user", ACCESS)
    _add_scope(roles, "server", ACCESS)
    c.JupyterHub.services = services
    c.JupyterHub.load_roles = roles
    # notebooks reach the service directly on the loopback, without the public address
    env = dict(c.Spawner.environment) if isinstance(c.Spawner.environment, dict) else {}
    env["CIVICAI_DEBAT_URL"] = f"{url}/services/{SERVICE}/"
    c.Spawner.environment = env
