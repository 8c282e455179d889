"""Where the kit finds FairFace, and where it keeps its caches.

Lookup order for the FairFace folder:

1. the environment variable ``CIVICAI_FAIRFACE_DIR`` (an empty value means "no FairFace here",
   which the tests use to check the missing-data path);
2. the file written by ``civicai donnees fairface --chemin DIR``:
   ``$CIVICAI_CONFIG_DIR/fairface.json`` (default ``~/.config/civicai/fairface.json``);
3. the system-wide file ``/etc/civicai/fairface.json`` (an operator can copy the user file there).

Only the standard library and civicai.settings are imported here: the CLI imports this module.
"""

from __future__ import annotations

import json
from pathlib import Path

from civicai.settings import settings

ENV_VAR = "CIVICAI_FAIRFACE_DIR"
SYSTEM_CONFIG = Path("/etc/civicai/fairface.json")


def config_dir() -> Path:
    """The per-user configuration folder of the kit."""
    return settings().config_dir


def config_file() -> Path:
    return config_dir() / "fairface.json"


def cache_dir() -> Path:
    """The per-user cache of the kit (``$CIVICAI_CACHE_DIR`` or ``~/.cache/civicai``)."""
    return settings().cache_dir


def configured_fairface_dir() -> tuple[Path | None, str]:
    """Return ``(folder or None, where the setting came from)``.

    The folder is returned as configured; :func:`civicai.faces.data.load_fairface` checks it.
    """
    if settings().fairface_dir is not None:
        value = settings().fairface_dir.strip()
        return (Path(value).expanduser() if value else None), f"variable {ENV_VAR}"
    for path in (config_file(), SYSTEM_CONFIG):
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(raw, dict) and raw.get("chemin"):
            return Path(raw["chemin"]).expanduser(), f"fichier {path}"
    return None, "aucun réglage"


def save_fairface_dir(folder: Path, *, layout: str, images: int) -> Path:
    """Record ``folder`` in the per-user configuration file; return the file's path."""
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"chemin": str(Path(folder).resolve()), "format": layout, "images": images}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
    return path
