"""What each participant chose for their attestation: the name to print, and whether their quiz progress
may appear. Written by the participant on their attestation page (:mod:`civicai.attestation.service`),
read by ``civicai attestation generer``. One JSON file in ``<state>/attestation/``, private to the hub."""

from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path

from civicai.errors import UserError

MAX_NAME = 80


FILE, OLD_FILE = "profiles.json", "profils.json"  # the French name was used until 2026-12; still read


def _path(state_dir) -> Path:
    return Path(state_dir) / "attestation" / FILE


def _all(state_dir) -> dict:
    """Every choice; from the old file name while nothing was written under the new one."""
    for name in (FILE, OLD_FILE):
        try:
            data = json.loads((Path(state_dir) / "attestation" / name).read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}
    return {}


def get(state_dir, user: str) -> dict:
    entry = _all(state_dir).get(user)
    return entry if isinstance(entry, dict) else {}


def clean_name(text: str) -> str:
    """A name as typed, kept as it is except spaces; control characters and overlong names refused."""
    name = " ".join(str(text).split())
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise UserError("Le nom contient des caractères invisibles : retapez-le.")
    if len(name) > MAX_NAME:
        raise UserError(f"Le nom est trop long : {MAX_NAME} caractères au plus.")
    return name


def set_choice(state_dir, user: str, *, name: str, quiz: bool) -> dict:
    data = _all(state_dir)
    data[user] = {"name": clean_name(name), "quiz": bool(quiz)}
    path = _path(state_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1)
    os.replace(tmp, path)
    return data[user]
