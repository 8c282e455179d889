"""The kiosk catalogue: which demos the gallery shows, read from ``modules/demos.yaml``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from civicai.errors import UserError

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_IMAGE_SUFFIXES = {".png", ".svg", ".jpg", ".jpeg", ".webp"}


@dataclass(frozen=True)
class Demo:
    """One tile of the gallery: a Voila notebook below the catalogue's root folder."""

    id: str
    notebook: str
    title: str
    pitch: str
    image: str | None = None
    alt: str = ""
    imports_torch: bool = False

    def notebook_path(self, root: Path) -> Path:
        return (root / self.notebook).resolve()

    def image_path(self, root: Path) -> Path | None:
        return (root / self.image).resolve() if self.image else None


@dataclass(frozen=True)
class Catalog:
    """The demos of one catalogue file, with the folder their paths are relative to."""

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


def load_catalog(path: Path, root: Path | None = None) -> Catalog:
    """Read a ``demos.yaml`` file.

    Parameters
    ----------
    path : the YAML file (a list of mappings with ``id``, ``notebook``, ``title``, ``pitch``
        and optionally ``image``, ``alt``, ``imports_torch``).
    root : the folder ``notebook`` and ``image`` are relative to (default: the file's folder).

    Raises
    ------
    UserError
        When the file is missing or an entry is malformed (French message for the operator).

    Examples
    --------
    >>> from civicai.paths import modules_dir
    >>> cat = load_catalog(modules_dir() / "demos.yaml")
    >>> all(d.notebook.endswith(".ipynb") for d in cat.demos)
    True
    """
    import yaml

    path = Path(path)
    if not path.is_file():
        raise UserError(f"Liste des démos introuvable : {path}. Indiquez un fichier demos.yaml "
                        "existant avec --demos.")
    root = Path(root) if root is not None else path.parent
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        raise UserError(f"Le fichier {path} n'est pas un YAML valide : {exc}") from None
    if not isinstance(entries, list):
        raise UserError(f"Le fichier {path} doit contenir une liste de démos.")
    demos: list[Demo] = []
    seen: set[str] = set()
    for n, entry in enumerate(entries, start=1):
        where = f"{path}, démo n° {n}"
        if not isinstance(entry, dict):
            raise UserError(f"{where} : chaque démo doit être un ensemble de champs (id, notebook...).")
        for key in ("id", "notebook", "title", "pitch"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise UserError(f"{where} : le champ « {key} » manque ou est vide.")
        demo_id = entry["id"]
        if not _ID.match(demo_id):
            raise UserError(f"{where} : l'identifiant « {demo_id} » ne doit contenir que des "
                            "lettres minuscules sans accent, des chiffres et des tirets.")
        if demo_id in seen:
            raise UserError(f"{where} : l'identifiant « {demo_id} » apparaît deux fois.")
        seen.add(demo_id)
        notebook = entry["notebook"]
        if not notebook.endswith(".ipynb") or _escapes(root, notebook):
            raise UserError(f"{where} : « {notebook} » doit être un notebook (.ipynb) "
                            f"situé dans {root}.")
        image = entry.get("image") or None
        if image is not None and (_escapes(root, image) or Path(image).suffix.lower() not in _IMAGE_SUFFIXES):
            raise UserError(f"{where} : l'image « {image} » doit être un fichier PNG, JPEG, WebP "
                            f"ou SVG situé dans {root}.")
        alt = str(entry.get("alt") or "")
        if image and not alt.strip():
            raise UserError(f"{where} : l'image a besoin d'un texte alternatif (champ « alt ») "
                            "pour les personnes qui ne la voient pas.")
        demos.append(Demo(id=demo_id, notebook=notebook, title=entry["title"].strip(),
                          pitch=entry["pitch"].strip(), image=image, alt=alt.strip(),
                          imports_torch=bool(entry.get("imports_torch", False))))
    return Catalog(root=root.resolve(), demos=tuple(demos))


def _escapes(root: Path, relative: str) -> bool:
    """True when ``relative`` is absolute or leaves ``root`` (``..``)."""
    p = Path(relative)
    if p.is_absolute():
        return True
    root = root.resolve()
    return not (root / p).resolve().is_relative_to(root)
