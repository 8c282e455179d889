"""The kiosk's list of demos: the kit's catalogue (:mod:`civicai.catalog`), or a ``demos.yaml`` file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from civicai.catalog import Demo, all_demos, parse_demos, read_yaml
from civicai.errors import UserError

__all__ = ["Catalog", "Demo", "kit_catalog", "load_catalog"]


@dataclass(frozen=True)
class Catalog:
    """The demos of the gallery, with the folder their paths are relative to."""

    root: Path
    demos: tuple[Demo, ...]

    def by_id(self, demo_id: str) -> Demo | None:
        return next((d for d in self.demos if d.id == demo_id), None)

    def by_notebook(self, notebook: str) -> Demo | None:
        return next((d for d in self.demos if d.notebook == notebook), None)

    def missing(self) -> list[Demo]:
        """Demos whose notebook file does not exist (yet)."""
        return [d for d in self.demos if not d.notebook_path(self.root).is_file()]

    def available(self) -> list[Demo]:
        return [d for d in self.demos if d.notebook_path(self.root).is_file()]


def kit_catalog(modules_dir: Path | None = None) -> Catalog:
    """The kit's gallery: every demo of the modules' ``module.yaml`` files (see :func:`civicai.catalog.all_demos`)."""
    if modules_dir is None:
        from civicai.paths import modules_dir as kit_modules

        modules_dir = kit_modules()
    root = Path(modules_dir).resolve()
    return Catalog(root=root, demos=tuple(all_demos(root)))


def load_catalog(path: Path, root: Path | None = None) -> Catalog:
    """Read a ``demos.yaml`` file (``civicai kiosque --demos``, test fixtures).

    ``root`` is the folder ``notebook`` and ``image`` are relative to (default: the file's folder).
    French :class:`UserError` when the file is missing or an entry is malformed.
    """
    path = Path(path)
    if not path.is_file():
        raise UserError(f"Liste des démos introuvable : {path}. Indiquez un fichier demos.yaml "
                        "existant avec --demos.")
    root = Path(root) if root is not None else path.parent
    entries = read_yaml(path, "la liste des démos") or []
    if not isinstance(entries, list):
        raise UserError(f"Le fichier {path} doit contenir une liste de démos.")
    return Catalog(root=root.resolve(), demos=tuple(parse_demos(entries, str(path), root)))
