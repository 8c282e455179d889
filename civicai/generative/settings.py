"""Which model the kit's generative server uses: the ONE place that reads this setting.

Order: the environment (``CIVICAI_IA_MODELE`` = a GGUF file, or ``CIVICAI_IA_AMONT`` = the address of an
OpenAI-compatible server, e.g. the university's), then the file written by ``civicai donnees modele``
(``$CIVICAI_CONFIG_DIR/modele-ia.json``), then the kit's own small model. Standard library only (the CLI imports it).
"""

from __future__ import annotations

import json
from pathlib import Path

from civicai.faces.config import config_dir
from civicai.paths import modules_dir

MODULE = "04-ia-generative-chez-nous"


def default_model_dir() -> Path:
    return modules_dir() / MODULE / "modele"


def default_model() -> Path:
    return default_model_dir() / "petit-modele-fr.gguf"


def config_file() -> Path:
    return config_dir() / "modele-ia.json"


def model_setting() -> dict:
    """``{"chemin": Path}`` (a GGUF the kit serves itself) or ``{"url": str}`` (a server it forwards to)."""
    from civicai.settings import settings

    kit = settings()
    if kit.ia_upstream:
        return {"url": kit.ia_upstream, "cle": kit.ia_upstream_key or None, "origine": "variable CIVICAI_IA_AMONT"}
    if kit.ia_model:
        return {"chemin": Path(kit.ia_model), "origine": "variable CIVICAI_IA_MODELE"}
    try:
        raw = json.loads(config_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raw = {}
    if isinstance(raw, dict) and raw.get("url"):  # "cle": the server's api key, if it needs one
        return {"url": str(raw["url"]), "cle": raw.get("cle"), "origine": f"fichier {config_file()}"}
    if isinstance(raw, dict) and raw.get("chemin"):
        return {"chemin": Path(raw["chemin"]), "origine": f"fichier {config_file()}"}
    return {"chemin": default_model(), "origine": "modèle du kit"}
