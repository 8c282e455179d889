"""Reading module 2's shared predictions (written by :mod:`civicai.faces.shared`); kept apart so that the
classifier can read them without importing the code that fills them."""

from __future__ import annotations

import json
import os
from pathlib import Path

ENV_VAR = "CIVICAI_FACES_SHARED_DIR"


def shared_dir() -> Path | None:
    """The shared cache folder given to user servers by the hub, or None (no hub, kiosk, tests)."""
    value = os.environ.get(ENV_VAR, "").strip()
    return Path(value) if value else None


def shared_file(folder: Path, key: str) -> Path:
    return Path(folder) / f"predictions-{key}.json"


def read_shared(key: str, folder: Path | None = None) -> dict:
    """The shared predictions for model ``key`` (``{}`` when there are none or they are unreadable)."""
    folder = folder or shared_dir()
    if folder is None:
        return {}
    try:
        data = json.loads(shared_file(folder, key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
