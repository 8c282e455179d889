"""Where the kit's shared folders live (modules, data sets, exercises, hub configs).

The kit root is computed once, by :mod:`civicai.settings` (``CIVICAI_KIT_ROOT``, the source
checkout of an editable install, or the kit folder the command runs in).
"""

from __future__ import annotations

from pathlib import Path

from civicai.settings import settings


class KitNotFoundError(RuntimeError):
    """The kit's folders (modules/, datasets/...) cannot be found."""


def kit_root() -> Path:
    """Return the folder that holds ``modules/``, ``datasets/``, ``hub/``..."""
    root = settings().kit_root
    if root is None or not (root / "modules").is_dir():
        raise KitNotFoundError(
            f"Dossier du kit introuvable{f' : {root} ne contient pas de dossier « modules »' if root else ''}. "
            "Lancez la commande depuis le dossier du dépôt civic-ai-kit, ou indiquez son emplacement "
            "avec la variable CIVICAI_KIT_ROOT."
        )
    return root


def modules_dir() -> Path:
    return kit_root() / "modules"


def datasets_dir() -> Path:
    return kit_root() / "datasets"


def exercises_dir() -> Path:
    return kit_root() / "exercises"


def hub_dir() -> Path:
    """What every deployment shares: the participants' JupyterLab settings, the hub's French pages."""
    return kit_root() / "hub"


def deploy_dir() -> Path:
    """The operational files of each target: ``local``, ``slurm``, ``kubernetes``, ``kiosque``."""
    return kit_root() / "deploy"


def state_dir() -> Path:
    """The hub's state folder (``CIVICAI_STATE_DIR``, default ``./var``)."""
    return settings().state_dir
