"""The seed statements a facilitator opens a debate with: ``modules/debats/<theme>.yaml``."""

from __future__ import annotations

from pathlib import Path

from civicai.errors import UserError
from civicai.paths import modules_dir


def seeds_dir() -> Path:
    return modules_dir() / "debats"


def themes() -> dict[str, dict]:
    """Theme name (the file's stem) -> {"title", "question", "statements"}."""
    import yaml

    found = {}
    for path in sorted(seeds_dir().glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            found[path.stem] = {"title": str(data["title"]), "question": str(data["question"]),
                                "statements": [str(p) for p in data["statements"]]}
        except (yaml.YAMLError, KeyError, TypeError) as exc:
            raise UserError(f"Le fichier de phrases {path} est mal formé ({exc}).") from None
    return found


def theme(name: str) -> dict:
    found = themes()
    if name not in found:
        raise UserError(f"Thème inconnu : « {name} ». Thèmes disponibles : {', '.join(sorted(found))}.")
    return found[name]
