"""The modules a participant can start, read from the kit's ``modules/`` folder."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from civicai.errors import UserError

ENV_VAR = "CIVICAI_MODULE"


@dataclass(frozen=True)
class Module:
    number: int
    folder: str          # e.g. 02-biais-reconnaissance-faciale
    title: str           # module.yaml's title
    first_notebook: str  # e.g. 01-trouver-et-lire-un-visage.ipynb

    @property
    def first_path(self) -> str:
        """Path of the first notebook in a participant's home (the modules are in ~/modules)."""
        return f"modules/{self.folder}/{self.first_notebook}"


def list_modules(root: Path | None = None) -> list[Module]:
    """The catalogue's modules (civicai/catalog.py), each with its first notebook."""
    from civicai.catalog import load_modules
    from civicai.paths import modules_dir

    return [Module(m.number, m.slug, m.title, m.notebooks[0].path.name)
            for m in load_modules(Path(root or modules_dir())) if m.notebooks]


def parse_choice(value: str | int | None, modules: list[Module]) -> Module | None:
    """The module numbered ``value`` (``"2"``, ``"02"``), None when no choice; a French error otherwise."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if re.fullmatch(r"\d{1,2}", text):
        for module in modules:
            if module.number == int(text):
                return module
    numbers = ", ".join(str(m.number) for m in modules)
    raise UserError(f"le module « {text} » n'existe pas. Donnez le numéro d'un module du kit : {numbers}.")


def chosen_module(modules: list[Module]) -> Module | None:
    """The module chosen by the facilitator (``civicai serve --module N`` sets CIVICAI_MODULE)."""
    try:
        return parse_choice(os.environ.get(ENV_VAR), modules)
    except UserError:
        return None  # a wrong setting must not break a participant's page: the page lists all modules
