"""Wire the facilitators' room into a JupyterHub config: ``configure(c, state_dir)``, after the other services.

It only sets traits and can be called twice. What it adds:
- the managed service ``salle`` (its SQLite file in the state folder);
- every user and every user's server token may use it (``access:services!service=salle``): kernels POST answers;
- the service's own role, the least that its page needs: list the users and their servers, read the group
  ``formateurs``, reach the servers (``access:servers``: their open notebooks, and writing a fresh notebook) and
  start or stop them (``servers``);
- user servers get ``CIVICAI_SALLE_URL``, the service's loopback address;
- facilitators land on the room's page after login (``JupyterHub.default_url``).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from jupyterhub.utils import url_path_join

from civicai.debate.hubconfig import _add_scope, _as_list
from civicai.net import service_port
from civicai.paths import kit_root
from civicai.settings import FACILITATORS_GROUP

SERVICE = "salle"
ACCESS = f"access:services!service={SERVICE}"
SERVICE_ROLE = "salle-service"
SERVICE_SCOPES = ["list:users", "read:users:name", "read:users:activity", "read:servers", "servers",
                  "access:servers", f"read:groups!group={FACILITATORS_GROUP}"]


def settings() -> dict:
    """The room's settings, from the environment: where the hub's proxy answers, minutes before "stuck"."""
    from civicai.settings import settings as kit_settings

    kit = kit_settings()
    host = "127.0.0.1" if kit.ip in ("", "0.0.0.0", "::", "*") else kit.ip
    return {"proxy_url": f"http://{host}:{kit.port}",
            "idle_minutes": kit.room_idle_minutes}


def landing(handler) -> str:
    """Facilitators land on the room; everyone else gets JupyterHub's default (their own server)."""
    user = handler.current_user
    if user is not None and any(g.name == FACILITATORS_GROUP for g in getattr(user, "groups", [])):
        return url_path_join(handler.base_url, "services", SERVICE) + "/"
    return ""


def links(services: list[dict]) -> dict:
    """The other tools of the day the facilitator's page opens, from the services the hub runs."""
    names = [s.get("name", "") for s in services]
    return {
        "debate": "/services/debat/" if "debat" in names else None,
        "grading": [{"course": n.removeprefix("formgrader-"), "url": f"/services/{n}/formgrader"}
                       for n in names if n.startswith("formgrader-")],
        "certificates": next((f"/services/{n}/" for n in names if n.startswith("attestation")), None),
        "quiz": f"/services/{SERVICE}/quiz",
    }


def _replace(entries: list[dict], entry: dict) -> None:
    """Put ``entry`` in place of the one with the same name (same position), or at the end."""
    at = next((i for i, e in enumerate(entries) if e.get("name") == entry["name"]), None)
    if at is None:
        entries.append(entry)
    else:
        entries[at] = entry


def configure(c, state_dir: str | os.PathLike, *, python: str | None = None) -> None:
    """Add the room's service to the hub config ``c`` (call it last: it links to the other services)."""
    state_dir = Path(state_dir).resolve()
    conf = settings()
    services = _as_list(c.JupyterHub.services)
    others = [s for s in services if s.get("name") != SERVICE]
    roles = list(_as_list(c.JupyterHub.load_roles))
    # a second call keeps the port: the user servers' CIVICAI_SALLE_URL stays right
    url = next((s["url"] for s in services if s.get("name") == SERVICE), None) or f"http://127.0.0.1:{service_port(SERVICE)}"
    service = {
        "name": SERVICE,
        "url": url,
        "command": [python or sys.executable, "-m", "civicai.room.service"],
        "environment": {"CIVICAI_SALLE_DB": str(state_dir / "salle.sqlite"),
                        "CIVICAI_SALLE_HOMES": str(state_dir / "homes"),
                        "CIVICAI_SALLE_PROXY": conf["proxy_url"],
                        "CIVICAI_SALLE_INACTIF_MINUTES": str(conf["idle_minutes"]),
                        "CIVICAI_SALLE_LIENS": json.dumps(links(others)),
                        "CIVICAI_KIT_ROOT": str(kit_root()), "LANG": "fr_FR.UTF-8"},
        "oauth_no_confirm": True,
        "display": True,
        "timeout": 120,
    }
    _replace(roles, {"name": SERVICE_ROLE, "services": [SERVICE], "scopes": list(SERVICE_SCOPES)})
    _add_scope(roles, "user", ACCESS)
    _add_scope(roles, "server", ACCESS)
    _replace(services, service)
    c.JupyterHub.services = services
    c.JupyterHub.load_roles = roles
    env = dict(c.Spawner.environment) if isinstance(c.Spawner.environment, dict) else {}
    env["CIVICAI_SALLE_URL"] = f"{url}/services/{SERVICE}/"
    c.Spawner.environment = env
    c.JupyterHub.default_url = landing
