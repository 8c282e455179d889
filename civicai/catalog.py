"""The content catalogue: modules, their notebooks, demos, quiz, exercise and law sheet.

One home for what a module is. Each folder ``modules/NN-slug/`` has a ``module.yaml``
(see CONTRIBUTING.md, « Ajouter un module »); the kiosk gallery, the site, the quiz report,
the hub and the tests read it through :func:`load_modules` and :func:`gallery`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from civicai.errors import UserError

MODULE_FILE = "module.yaml"
COURSE_MARKER = "nbgrader_config.py"
KERNELS = ("light", "heavy")
_FOLDER = re.compile(r"^(\d{2})-[a-z0-9-]+$")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_IMAGE_SUFFIXES = {".png", ".svg", ".jpg", ".jpeg", ".webp"}


@dataclass(frozen=True)
class Demo:
    """One tile of the kiosk gallery: a Voila notebook, its paths relative to the catalogue's root."""

    id: str
    notebook: str
    title: str
    pitch: str
    image: str | None = None
    alt: str = ""

    def notebook_path(self, root: Path) -> Path:
        return (root / self.notebook).resolve()

    def image_path(self, root: Path) -> Path | None:
        return (root / self.image).resolve() if self.image else None

    @property
    def module(self) -> str:
        """The module folder the notebook sits in (``01-comment-une-ia-apprend``), or ``""``."""
        return self.notebook.split("/", 1)[0] if "/" in self.notebook else ""


@dataclass(frozen=True)
class Notebook:
    path: Path
    kernel: str  # "light" or "heavy" (torch, scikit-learn)


@dataclass(frozen=True)
class Module:
    """One module folder and what its ``module.yaml`` says (paths absolute)."""

    folder: Path
    number: int
    title: str
    summary: str
    notebooks: tuple[Notebook, ...]
    demos: tuple[Demo, ...]  # notebook paths relative to the modules folder
    quiz: Path | None = None
    exercise: str | None = None
    law: Path | None = None

    @property
    def slug(self) -> str:
        return self.folder.name


def parse_demo(entry, where: str, root: Path, prefix: str = "") -> Demo:
    """Check one demo entry (``id``, ``notebook``, ``title``, ``pitch``, ``image``, ``alt``).

    ``prefix`` is put before ``notebook`` and ``image`` (a module's folder name); ``root`` is the
    folder the prefixed paths must stay in. French :class:`UserError` on a bad entry.
    """
    if not isinstance(entry, dict):
        raise UserError(f"{where} : chaque démo doit être un ensemble de champs (id, notebook...).")
    for key in ("id", "notebook", "title", "pitch"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise UserError(f"{where} : le champ « {key} » manque ou est vide.")
    demo_id = entry["id"]
    if not _ID.match(demo_id):
        raise UserError(f"{where} : l'identifiant « {demo_id} » ne doit contenir que des "
                        "lettres minuscules sans accent, des chiffres et des tirets.")
    notebook = prefix + entry["notebook"]
    if not notebook.endswith(".ipynb") or _escapes(root, notebook):
        raise UserError(f"{where} : « {notebook} » doit être un notebook (.ipynb) situé dans {root}.")
    image = (prefix + entry["image"]) if entry.get("image") else None
    if image is not None and (_escapes(root, image) or Path(image).suffix.lower() not in _IMAGE_SUFFIXES):
        raise UserError(f"{where} : l'image « {image} » doit être un fichier PNG, JPEG, WebP "
                        f"ou SVG situé dans {root}.")
    alt = str(entry.get("alt") or "").strip()
    if image and not alt:
        raise UserError(f"{where} : l'image a besoin d'un texte alternatif (champ « alt ») "
                        "pour les personnes qui ne la voient pas.")
    return Demo(id=demo_id, notebook=notebook, title=entry["title"].strip(), pitch=entry["pitch"].strip(),
                image=image, alt=alt)


def parse_demos(entries, where: str, root: Path, prefix: str = "") -> list[Demo]:
    """A list of demo entries, with unique ids."""
    if not isinstance(entries, list):
        raise UserError(f"{where} : les démos doivent former une liste.")
    demos = [parse_demo(e, f"{where}, démo n° {n}", root, prefix) for n, e in enumerate(entries, start=1)]
    ids = [d.id for d in demos]
    if len(set(ids)) != len(ids):
        twice = next(i for i in ids if ids.count(i) > 1)
        raise UserError(f"{where} : l'identifiant « {twice} » apparaît deux fois.")
    return demos


def read_yaml(path: Path, what: str):
    """A YAML file of the kit, or a French error naming it (``what``: « le quiz », « le module »...)."""
    import yaml

    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"Fichier introuvable : {path} ({what}).") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UserError(f"Le fichier {path} ({what}) n'est pas un YAML valide : {exc}") from None


def read_quiz(path: Path) -> dict:
    """The raw mapping of a ``quiz.yaml`` (:class:`civicai.quiz.Quiz` checks its questions)."""
    raw = read_yaml(path, "le quiz")
    if not isinstance(raw, dict):
        raise UserError(f"Le quiz {path} doit être un ensemble de champs (titre, questions).")
    return raw


def load_module(folder: Path) -> Module:
    """Read ``folder/module.yaml`` and check that what it names exists."""
    folder = Path(folder).resolve()
    path = folder / MODULE_FILE
    raw = read_yaml(path, "la fiche du module")
    if not isinstance(raw, dict):
        raise UserError(f"{path} doit être un ensemble de champs (number, title, notebooks...).")
    for key in ("title", "summary"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise UserError(f"{path} : le champ « {key} » manque ou est vide.")
    match = _FOLDER.match(folder.name)
    if not isinstance(raw.get("number"), int) or not match or int(match.group(1)) != raw["number"]:
        raise UserError(f"{path} : « number » doit être un entier égal au numéro du dossier "
                        "(dossier « 04-mon-module » : number: 4).")
    notebooks = []
    for n, entry in enumerate(raw.get("notebooks") or [], start=1):
        nb_path = folder / str((entry or {}).get("path", "")) if isinstance(entry, dict) else None
        kernel = entry.get("kernel", "light") if isinstance(entry, dict) else None
        if nb_path is None or nb_path.suffix != ".ipynb" or not nb_path.is_file() or kernel not in KERNELS:
            raise UserError(f"{path}, notebook n° {n} : il faut « path » (un .ipynb du dossier qui existe) "
                            "et « kernel » (light ou heavy).")
        notebooks.append(Notebook(nb_path, kernel))
    demos = parse_demos(raw.get("demos") or [], str(path), folder.parent, prefix=f"{folder.name}/")
    optional = {key: folder / raw[key] if raw.get(key) else None for key in ("quiz", "law")}
    for key, file in optional.items():
        if file is not None and not file.is_file():
            raise UserError(f"{path} : le fichier « {raw[key]} » du champ « {key} » n'existe pas.")
    return Module(folder=folder, number=raw["number"], title=raw["title"].strip(),
                  summary=raw["summary"].strip(), notebooks=tuple(notebooks), demos=tuple(demos),
                  quiz=optional["quiz"], exercise=raw.get("exercise") or None, law=optional["law"])


def load_modules(modules_dir: Path) -> list[Module]:
    """Every ``NN-slug`` folder with a ``module.yaml``, in number order."""
    modules_dir = Path(modules_dir)
    if not modules_dir.is_dir():
        raise UserError(f"Dossier des modules introuvable : {modules_dir}.")
    return [load_module(p) for p in sorted(modules_dir.iterdir())
            if _FOLDER.match(p.name) and (p / MODULE_FILE).is_file()]


def all_demos(modules_dir: Path) -> list[Demo]:
    """The gallery's demos: those of each ``module.yaml``, in module order."""
    return [d for m in load_modules(modules_dir) for d in m.demos]


def course_ids(courses_dir: Path) -> list[str]:
    """Course folders under ``courses_dir``: a course is a folder with an ``nbgrader_config.py``."""
    courses_dir = Path(courses_dir)
    if not courses_dir.is_dir():
        return []
    return sorted(p.name for p in courses_dir.iterdir() if (p / COURSE_MARKER).is_file())


def _escapes(root: Path, relative: str) -> bool:
    """True when ``relative`` is absolute or leaves ``root`` (``..``)."""
    p = Path(relative)
    if p.is_absolute():
        return True
    root = Path(root).resolve()
    return not (root / p).resolve().is_relative_to(root)
