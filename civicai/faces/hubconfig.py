"""Wire module 2's shared predictions into a JupyterHub config: ``configure(c, state_dir=...)``.

It only sets traits and can be called twice. What it adds:
- the managed service ``visages``: run by the hub's account, it fills ``<state>/visages-cache`` once
  (:mod:`civicai.faces.shared`), then waits; participants' accounts can read that folder, not write it;
- user servers get ``CIVICAI_FACES_SHARED_DIR``, the folder, so that the audit notebook reads it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from civicai.faces.shared import ENV_VAR
from civicai.paths import kit_root

SERVICE = "visages"
FOLDER = "visages-cache"


def _as_list(value) -> list:
    return list(value) if isinstance(value, (list, tuple)) else []


def configure(c, *, state_dir: str | os.PathLike, python: str | None = None) -> None:
    """Add the shared-predictions service and its folder to the hub config ``c``."""
    folder = Path(state_dir).resolve() / FOLDER
    services = [s for s in _as_list(c.JupyterHub.services) if s.get("name") != SERVICE]
    environment = {"CIVICAI_KIT_ROOT": str(kit_root()), "LANG": "fr_FR.UTF-8"}
    # where FairFace is (civicai.faces.config); never the workshop's secrets
    environment.update({k: v for k, v in os.environ.items() if k in (
        "CIVICAI_FAIRFACE_DIR", "CIVICAI_CONFIG_DIR", "XDG_CONFIG_HOME", "HOME")})
    services.append({
        "name": SERVICE,
        "command": [python or sys.executable, "-m", "civicai.faces.shared", str(folder), "--rester"],
        "environment": environment,
    })
    c.JupyterHub.services = services
    env = dict(c.Spawner.environment) if isinstance(c.Spawner.environment, dict) else {}
    env[ENV_VAR] = str(folder)
    c.Spawner.environment = env
