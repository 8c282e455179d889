"""Where the kit's shared folders live (modules, data sets, exercises, hub configs).

The package runs from a source checkout (editable install, the default) or from an
image where the repository was copied elsewhere; ``CIVICAI_KIT_ROOT`` points at it then.
"""

from __future__ import annotations

import os
from pathlib import Path

_SOURCE_ROOT = Path(__file__).resolve().parent.parent


class KitNotFoundError(RuntimeError):
    """The kit's folders (modules/, datasets/...) cannot be found."""


def kit_root() -> Path:
    """Return the folder that holds ``modules/``, ``datasets/``, ``hub/``...

    ``CIVICAI_KIT_ROOT`` wins; otherwise the source checkout this package lives in.
    """
    env = os.environ.get("CIVICAI_KIT_ROOT")
    root = Path(env).expanduser().resolve() if env else _SOURCE_ROOT
    if not (root / "modules").is_dir():
        raise KitNotFoundError(
            f"Dossier du kit introuvable : {root} ne contient pas de dossier « modules ». "
            "Indiquez l'emplacement du dépôt civic-ai-kit avec la variable CIVICAI_KIT_ROOT."
        )
    return root


def modules_dir() -> Path:
    return kit_root() / "modules"


def datasets_dir() -> Path:
    return kit_root() / "datasets"


def exercises_dir() -> Path:
    return kit_root() / "exercises"


def hub_dir() -> Path:
    return kit_root() / "hub"
