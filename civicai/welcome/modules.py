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
    title: str           # the README's first heading
    first_notebook: str  # e.g. 01-trouver-et-lire-un-visage.ipynb

    @property
    def first_path(self) -> str:
        """Path of the first notebook in a participant's home (the modules are in ~/modules)."""
        return f"modules/{self.folder}/{self.first_notebook}"


def _title(folder: Path) -> str:
    try:
        for line in (folder / "README.md").read_text(encoding="utf-8").splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    except OSError:
        pass
    return folder.name[3:].replace("-", " ").capitalize()


def list_modules(root: Path | None = None) -> list[Module]:
    from civicai.paths import modules_dir

    found = []
    for folder in sorted(Path(root or modules_dir()).glob("[0-9][0-9]-*")):
        notebooks = sorted(folder.glob("[0-9][0-9]-*.ipynb"))
        if folder.is_dir() and notebooks:
            found.append(Module(int(folder.name[:2]), folder.name, _title(folder), notebooks[0].name))
    return found


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
