"""Courses on the hub: one nbgrader course folder per class or workshop, under the hub's state dir.

Layout (``state`` is the hub's state directory, ``var`` by default)::

    <state>/courses/<course_id>/nbgrader_config.py   this course's configuration
    <state>/courses/<course_id>/source/<assignment>/  source assignments (with solutions, hidden tests)
    <state>/courses/<course_id>/gradebook.db          this course's gradebook
    <state>/exchange/<course_id>/...                  nbgrader's exchange (inbound, outbound, feedback)
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from civicai.catalog import COURSE_MARKER
from civicai.errors import UserError
from civicai.paths import exercises_dir, kit_root

COURSE_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
DEFAULT_CELL_TIMEOUT = 10
TEMPLATE = "grading/nbgrader_config.py.template"


def ensure_tools_on_path() -> None:
    """nbgrader runs ``alembic`` from PATH when it creates a gradebook: put this Python's bin first."""
    import sys

    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


def default_state_dir() -> Path:
    from civicai.paths import state_dir

    return state_dir()


def check_course_id(course_id: str) -> str:
    if not COURSE_ID_RE.match(course_id or ""):
        raise UserError(
            f"Nom de cours invalide : « {course_id} ». Utilisez de 1 à 40 caractères : lettres minuscules "
            "sans accent, chiffres, tiret ou tiret bas, en commençant par une lettre ou un chiffre "
            "(par exemple : seconde-b-2026).")
    return course_id


@dataclass
class Course:
    """A course folder; ``api()`` gives nbgrader's own API configured for it."""

    state_dir: Path
    course_id: str

    def __post_init__(self):
        self.state_dir = Path(self.state_dir).resolve()
        check_course_id(self.course_id)

    @property
    def root(self) -> Path:
        return self.state_dir / "courses" / self.course_id

    @property
    def exchange_root(self) -> Path:
        return self.state_dir / "exchange"

    @property
    def config_file(self) -> Path:
        return self.root / COURSE_MARKER

    @property
    def gradebook_path(self) -> Path:
        return self.root / "gradebook.db"

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.gradebook_path}"

    def exists(self) -> bool:
        return self.config_file.is_file()

    def require(self) -> "Course":
        if not self.exists():
            raise UserError(
                f"Le cours « {self.course_id} » n'existe pas dans {self.state_dir}. Créez-le avec "
                f"« civicai cours creer {self.course_id} », ou indiquez le bon dossier d'état avec --etat.")
        return self

    def config(self):
        from traitlets.config.loader import PyFileConfigLoader

        return PyFileConfigLoader(self.config_file.name, path=str(self.root)).load_config()

    def api(self, **overrides):
        """nbgrader's ``NbGraderAPI`` for this course (``overrides``: extra config sections)."""
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory

        ensure_tools_on_path()
        cfg = self.config()
        for section, values in overrides.items():
            for k, v in values.items():
                cfg[section][k] = v
        return NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)

    def gradebook(self):
        from nbgrader.api import Gradebook

        ensure_tools_on_path()
        return Gradebook(self.db_url, self.course_id)

    def source_assignments(self) -> list[str]:
        src = self.root / "source"
        return sorted(p.name for p in src.iterdir() if p.is_dir() and any(p.glob("*.ipynb"))) if src.is_dir() else []

    def released_assignments(self) -> list[str]:
        rel = self.root / "release"
        return sorted(p.name for p in rel.iterdir() if p.is_dir()) if rel.is_dir() else []


def available_exercises(source_root: Path | None = None) -> list[str]:
    root = Path(source_root) if source_root else exercises_dir() / "source"
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def write_config(course: Course, *, cell_timeout: int = DEFAULT_CELL_TIMEOUT) -> None:
    template = (kit_root() / TEMPLATE).read_text(encoding="utf-8")
    text = template.format(course_id=course.course_id, root=course.root.as_posix(),
                           exchange=course.exchange_root.as_posix(), cell_timeout=int(cell_timeout))
    course.config_file.write_text(text, encoding="utf-8")


def create_course(state_dir: Path, course_id: str, *, assignments: list[str] | None = None,
                  source_root: Path | None = None, cell_timeout: int = DEFAULT_CELL_TIMEOUT,
                  generate: bool = True, teachers: list[str] | None = None) -> Course:
    """Create ``<state>/courses/<course_id>/``: configuration, source assignments, student versions.

    ``assignments``: names under ``source_root`` (``exercises/source`` by default); None means all.
    The course folder is private (0700): it holds the solutions, the hidden tests and the gradebook.
    """
    course = Course(state_dir, course_id)
    if course.exists():
        raise UserError(f"Le cours « {course_id} » existe déjà ({course.root}). Choisissez un autre nom, "
                        "ou ajoutez un devoir avec « civicai cours ajouter-devoir ».")
    src_root = Path(source_root) if source_root else exercises_dir() / "source"
    available = available_exercises(src_root)
    wanted = available if assignments is None else list(assignments)
    missing = [a for a in wanted if a not in available]
    if missing:
        raise UserError(f"Devoir introuvable : {', '.join(missing)}. Devoirs disponibles dans {src_root} : "
                        f"{', '.join(available) or 'aucun'}.")
    course.root.mkdir(parents=True, exist_ok=True)
    os.chmod(course.root, 0o700)
    (course.state_dir / "courses").chmod(0o711)
    course.exchange_root.mkdir(parents=True, exist_ok=True)
    os.chmod(course.exchange_root, 0o777)  # as nbgrader's docs ask: every student writes there
    write_config(course, cell_timeout=cell_timeout)
    set_teachers(course, teachers if teachers is not None else default_teachers())
    for name in wanted:
        add_assignment(course, name, source_root=src_root, generate=generate)
    return course


def default_teachers() -> list[str]:
    """The hub's facilitators (CIVICAI_FORMATEURS, as `civicai servir` reads it), by default."""
    from civicai.settings import settings

    return list(settings().facilitators)


def set_teachers(course: Course, teachers: list[str]) -> None:
    """Who grades this course: the hub gives them its formgrader (group formgrade-<course>)."""
    import json

    from civicai.grading.hubconfig import COURSE_META

    (course.root / COURSE_META).write_text(json.dumps({"formateurs": sorted(set(teachers))}, ensure_ascii=False),
                                           encoding="utf-8")


def add_assignment(course: Course, name: str, *, source_root: Path | None = None, generate: bool = True) -> None:
    """Copy a source assignment into the course and build the student version (nbgrader generate_assignment)."""
    src_root = Path(source_root) if source_root else exercises_dir() / "source"
    src = src_root / name
    if not any(src.glob("*.ipynb")):
        raise UserError(f"Devoir introuvable : {src} ne contient pas de notebook.")
    dest = course.root / "source" / name
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    if generate:
        result = course.api().generate_assignment(name, force=True, create=True)
        if not result.get("success"):
            raise UserError(f"nbgrader n'a pas pu préparer la version élève du devoir « {name} ». "
                            f"Détail :\n{_tail(result)}")


def _tail(result: dict, n: int = 15) -> str:
    text = (result.get("error") or "") + "\n" + (result.get("log") or "")
    return "\n".join(text.strip().splitlines()[-n:])


def check_result(result: dict, what: str) -> dict:
    if not result.get("success"):
        raise UserError(f"{what} : échec. Détail :\n{_tail(result)}")
    return result
