"""What an attestation says about one participant, read from the hub's state folder (never from the network).

- **modules worked on**: a module counts when the participant saved one of its notebooks (it differs from
  the copy the hub delivered, ``<home>/.civicai/delivered.json``) or answered its quiz;
- **time spent**: the sum of the participant's server sessions, from start to the server's last activity
  (recorded by the hub's spawn hooks, :mod:`civicai.attestation.sessions`);
- **scores**: nbgrader's gradebook of each course the participant is enrolled in;
- **quiz progress**: before/after scores, only if the participant agreed on their attestation page;
- **name**: as the participant typed it on that page (their hub name otherwise).

Homes belong to participants: their files are read as untrusted (no links, size capped, bad files skipped).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

import yaml

from civicai.attestation import profiles, sessions
from civicai.errors import UserError
from civicai.paths import modules_dir
from civicai.quiz import PHASES, Quiz, read_record

MAX_FILE = 5_000_000


def _read_json(path: Path):
    try:
        if path.is_symlink() or path.stat().st_size > MAX_FILE:
            return None
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def module_title(folder: Path) -> str:
    for name, key in (("module.yaml", "title"), ("quiz.yaml", "titre")):
        try:
            value = (yaml.safe_load((folder / name).read_text(encoding="utf-8")) or {}).get(key)
        except (OSError, yaml.YAMLError, AttributeError):
            continue
        if value:
            return str(value)
    return folder.name


def kit_modules() -> list[Path]:
    return sorted(p for p in modules_dir().iterdir() if p.is_dir() and p.name[:2].isdigit())


def modules_worked(home: Path) -> list[dict]:
    delivered = _read_json(home / ".civicai" / "delivered.json") or {}
    done = []
    for folder in kit_modules():
        changed = []
        mine = home / "modules" / folder.name
        for nb in sorted(mine.glob("*.ipynb")) if mine.is_dir() and not mine.is_symlink() else []:
            rel = nb.relative_to(home).as_posix()
            try:
                if nb.is_symlink() or nb.stat().st_size > MAX_FILE:
                    continue
                digest = hashlib.sha256(nb.read_bytes()).hexdigest()
            except OSError:
                continue
            if rel in delivered and delivered[rel] != digest:
                changed.append(nb.name)
        quiz = (home / ".civicai" / "quiz" / f"{folder.name}.json").is_file()
        if changed or quiz:
            done.append({"module": folder.name, "title": module_title(folder), "notebooks": changed, "quiz": quiz})
    return done


def quiz_progress(home: Path) -> list[dict]:
    """Before/after scores of each module's quiz the participant did (records of today's format only)."""
    out = []
    for folder in kit_modules():
        data = _read_json(home / ".civicai" / "quiz" / f"{folder.name}.json")
        if not isinstance(data, dict) or not (folder / "quiz.yaml").is_file():
            continue
        quiz = Quiz.load(folder / "quiz.yaml")
        scores = {}
        for phase in PHASES:
            try:
                record = read_record(data, phase, quiz)
            except UserError:
                record = None
            scores[phase] = None if record is None else quiz.score(record)
        if any(v is not None for v in scores.values()):
            out.append({"module": folder.name, "title": quiz.title, "avant": scores["avant"],
                        "apres": scores["apres"], "total": len(quiz.questions)})
    return out


def grades(state_dir: Path, user: str, courses: list[str] | None = None) -> list[dict]:
    """The participant's nbgrader scores in every course (or the given ones) they are a student of."""
    from nbgrader.api import Gradebook, MissingEntry

    root = state_dir / "courses"
    found = []
    if courses is None:
        courses = [p.name for p in root.iterdir() if p.is_dir()] if root.is_dir() else []
    for course in sorted(courses):
        db = root / course / "gradebook.db"
        if not db.is_file():
            continue
        with Gradebook(f"sqlite:///{db}", course_id=course) as gb:
            try:
                gb.find_student(user)
            except MissingEntry:
                continue
            for assignment in gb.assignments:
                try:
                    sub = gb.find_submission(assignment.name, user)
                except MissingEntry:
                    continue
                found.append({"cours": course, "exercice": assignment.name, "score": float(sub.score),
                              "max": float(sub.max_score)})
    return found


def course_students(state_dir: Path, course: str) -> list[str]:
    from nbgrader.api import Gradebook

    db = state_dir / "courses" / course / "gradebook.db"
    if not db.is_file():
        raise UserError(f"Le cours « {course} » n'existe pas dans {state_dir} (pas de carnet de notes). "
                        "Vérifiez son nom avec « civicai cours liste ».")
    with Gradebook(f"sqlite:///{db}", course_id=course) as gb:
        return sorted(s.id for s in gb.students)


def participant_record(state_dir, user: str, *, facilitator: str, organisation: dict, issued: datetime,
                       courses: list[str] | None = None) -> dict:
    """Everything the attestation of ``user`` shows, as plain data (saved next to the PDF as JSON)."""
    state_dir = Path(state_dir)
    home = state_dir / "homes" / user
    profile = profiles.get(state_dir, user)
    record = {
        "user": user,
        "name": profile.get("name") or user,
        "modules": modules_worked(home) if home.is_dir() and not home.is_symlink() else [],
        "seconds": round(sessions.seconds(state_dir, user)),
        "scores": grades(state_dir, user, courses),
        "quiz_consent": bool(profile.get("quiz")),
        "quiz": [],
        "facilitator": facilitator,
        "organisation": organisation["name"],
        "place": organisation["place"],
        "issued": issued.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "day": issued.date().isoformat(),
    }
    if record["quiz_consent"] and home.is_dir():
        record["quiz"] = quiz_progress(home)
    from civicai.attestation.text import narrative, summary

    record["narrative"] = narrative()
    record["summary"] = summary(record)
    return record

