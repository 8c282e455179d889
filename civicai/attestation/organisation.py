"""The organisation that runs the training: name, place and logo, set once by the operator.

Stored in ``<state>/organisation/`` (``organisation.json`` and the logo file), read by the hub pages
(``template_vars["organisation"]``), the attestations and the credentials. This module is the one
place that reads these settings.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from civicai.errors import UserError, read_json

FOLDER = "organisation"
MAX_LOGO_BYTES = 1_000_000
# fpdf2 embeds these two formats as they are; the magic bytes say what a file really is
LOGO_KINDS = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}
MAX_TEXT = 120


def folder(state_dir: str | os.PathLike) -> Path:
    return Path(state_dir) / FOLDER


def _clean(text: str, what: str) -> str:
    text = " ".join(str(text).split())
    if not text:
        raise UserError(f"{what} est vide : écrivez-le, par exemple --nom \"Médiathèque de Lunel\".")
    if len(text) > MAX_TEXT:
        raise UserError(f"{what} est trop long ({len(text)} caractères) : {MAX_TEXT} au plus.")
    return text


def logo_kind(data: bytes) -> str:
    for magic, kind in LOGO_KINDS.items():
        if data.startswith(magic):
            return kind
    raise UserError("Le logo doit être une image PNG ou JPEG. Enregistrez-le dans l'un de ces formats, "
                    "puis recommencez.")


def save(state_dir, *, name: str | None = None, place: str | None = None, logo: str | None = None,
         no_logo: bool = False) -> dict:
    """Set some of the settings (the others are kept); return them all."""
    current = load(state_dir) or {}
    settings = {"name": current.get("name"), "place": current.get("place"), "logo": current.get("logo")}
    if name is not None:
        settings["name"] = _clean(name, "Le nom de l'organisation")
    if place is not None:
        settings["place"] = _clean(place, "Le lieu")
    if not settings["name"] or not settings["place"]:
        raise UserError("Indiquez le nom et le lieu de l'organisation : "
                        "civicai organisation --nom \"...\" --lieu \"...\".")
    target = folder(state_dir)
    target.mkdir(parents=True, exist_ok=True)
    if logo is not None:
        path = Path(logo).expanduser()
        try:
            data = path.read_bytes() if path.stat().st_size <= MAX_LOGO_BYTES else None
        except OSError:
            raise UserError(f"Le fichier {path} est introuvable ou illisible.") from None
        if data is None:
            raise UserError(f"Le logo pèse plus de {MAX_LOGO_BYTES // 1_000_000} Mo : réduisez-le, puis recommencez.")
        kind = logo_kind(data)
        _check_image(data)
        for old in target.glob("logo.*"):
            old.unlink()
        (target / f"logo.{kind}").write_bytes(data)
        settings["logo"] = f"logo.{kind}"
    elif no_logo:
        for old in target.glob("logo.*"):
            old.unlink()
        settings["logo"] = None
    tmp = target / "organisation.json.tmp"
    tmp.write_text(json.dumps(settings, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, target / "organisation.json")
    return settings


def _check_image(data: bytes) -> None:
    """A file that starts like a PNG but is not one would break every attestation: decode it now."""
    import io

    from PIL import Image  # Pillow comes with matplotlib and fpdf2

    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
    except Exception:
        raise UserError("Le logo est abîmé ou n'est pas une vraie image : choisissez un autre fichier.") from None


def load(state_dir) -> dict | None:
    """The saved settings (``name``, ``place``, ``logo`` file name or None), or None if never set."""
    data = read_json(folder(state_dir) / "organisation.json",
                     "refaites « civicai organisation --nom ... --lieu ... ».")
    if not isinstance(data, dict) or not data.get("name"):
        return None
    return data


def logo_path(state_dir) -> Path | None:
    settings = load(state_dir) or {}
    name = settings.get("logo")
    path = folder(state_dir) / name if name else None
    return path if path and path.is_file() else None


def require(state_dir) -> dict:
    settings = load(state_dir)
    if settings is None:
        raise UserError("L'organisation n'est pas encore indiquée : lancez d'abord "
                        "« civicai organisation --nom \"...\" --lieu \"...\" » (avec --etat si besoin).")
    return settings
