"""Wire the class's generative model into a JupyterHub config: ``configure(c, state_dir)`` (the debate's pattern).

It only sets traits and can be applied twice. What it adds:
- the managed service ``ia-generative`` (civicai/generative/service.py): the hub starts and stops it, and it
  starts and stops the model server behind it;
- every user, and a user's server token, may use it (``access:services!service=ia-generative``);
- user servers get ``CIVICAI_IA_URL``, the service's loopback address, for the notebooks;
- with ``kiosk_token``: the service ``borne`` (the library kiosk, civicai/kiosk/hub.py) holds that token, and its
  role's ONLY scope is to use ``ia-generative``: the kiosk's visitor kernels reach the class's model through the
  hub, and the token opens nothing else (no user, no server, no other service).
The model setting is read here, in the hub, and handed to the service only (an upstream key never reaches users).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from civicai.debate.hubconfig import _add_scope, _as_list
from civicai.generative.settings import model_setting
from civicai.net import service_port
from civicai.paths import kit_root
from civicai.settings import settings

SERVICE = "ia-generative"
ACCESS = f"access:services!service={SERVICE}"
KIOSK = "borne"


def configure(c, state_dir: str | os.PathLike, *, python: str | None = None, kiosk_token: str | None = None) -> None:
    """Add the class's generative model service to the hub config ``c``."""
    setting = model_setting()
    env = {"CIVICAI_KIT_ROOT": str(kit_root()), "LANG": "C.UTF-8"}
    if "url" in setting:
        env["CIVICAI_IA_AMONT"] = setting["url"]
        if setting.get("cle"):
            env["CIVICAI_IA_AMONT_CLE"] = setting["cle"]
    else:
        env["CIVICAI_IA_MODELE"] = str(Path(setting["chemin"]).resolve())
    kit = settings()
    env.update({"CIVICAI_IA_THREADS": str(kit.ia_threads), "CIVICAI_IA_CONTEXTE": str(kit.ia_context)})
    if kit.ia_max:
        env["CIVICAI_IA_MAX"] = str(kit.ia_max)
    url = f"http://127.0.0.1:{service_port(SERVICE)}"
    services = [s for s in _as_list(c.JupyterHub.services) if s.get("name") not in (SERVICE, KIOSK)]
    services.append({"name": SERVICE, "url": url, "command": [python or sys.executable, "-m",
                                                               "civicai.generative.service"],
                     "environment": env, "oauth_no_confirm": True, "display": False, "timeout": 120})
    roles = [r for r in _as_list(c.JupyterHub.load_roles) if r.get("name") != KIOSK]
    if kiosk_token:
        services.append({"name": KIOSK, "api_token": kiosk_token, "display": False})
        roles.append({"name": KIOSK, "scopes": [ACCESS], "services": [KIOSK]})
    c.JupyterHub.services = services
    _add_scope(roles, "user", ACCESS)
    _add_scope(roles, "server", ACCESS)
    c.JupyterHub.load_roles = roles
    spawner_env = dict(c.Spawner.environment) if isinstance(c.Spawner.environment, dict) else {}
    spawner_env["CIVICAI_IA_URL"] = f"{url}/services/{SERVICE}/"
    c.Spawner.environment = spawner_env
