"""Wire the kernel templates into a one-machine hub: ``configure(c, state_dir)`` (idempotent).

Adds the managed service ``noyaux`` (``civicai.kernels.daemon``: the hub starts and stops it, as root on
the one-machine hub) with its sockets in ``<state>/noyaux``, and gives user servers ``CIVICAI_NOYAUX``,
which their ``python3`` kernelspec's provisioner reads. On SLURM and Kubernetes no hub-wide template can serve
a job or a pod: :func:`job_env` is what their servers get instead, so that each starts its own
(``civicai.kernels.job``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from civicai.debate.hubconfig import _as_list
from civicai.paths import kit_root
from civicai.settings import settings

SERVICE = "noyaux"


def configure(c, state_dir: str | os.PathLike, *, python: str | None = None) -> None:
    """Add the templates' service and its folder to the hub config ``c`` (unless the operator turned it off)."""
    if not settings().kernel_templates:
        return
    folder = Path(state_dir).resolve() / SERVICE
    services = [s for s in _as_list(c.JupyterHub.services) if s.get("name") != SERVICE]
    services.append({"name": SERVICE, "command": [python or sys.executable, "-m", "civicai.kernels.daemon",
                                                  str(folder)],
                     "environment": {"CIVICAI_KIT_ROOT": str(kit_root()), "LANG": "C.UTF-8"}, "display": False})
    c.JupyterHub.services = services
    spawner_env = dict(c.Spawner.environment) if isinstance(c.Spawner.environment, dict) else {}
    spawner_env["CIVICAI_NOYAUX"] = str(folder)
    c.Spawner.environment = spawner_env


def job_env(chosen) -> dict[str, str]:
    """The environment that makes a cluster's user server start its own template (unless turned off)."""
    return {"CIVICAI_NOYAUX_PAR_TACHE": "1"} if chosen.kernel_templates else {}
