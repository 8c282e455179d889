"""The room's French grading page: a facilitator's courses, their assignments and grades, and the usual steps.

nbgrader's formgrader is in English and has no documented way to change its templates (nbgrader 0.9.6 loads
them from its own folder only), so the room covers what facilitators do in French: see each course they
grade (the course's ``formateurs``), its assignments with how many copies were collected and need a look,
the grades, a French CSV (the same file as ``civicai cours exporter``), and buttons for the steps
distribute, collect, autograde and feedback. A button runs the very command a facilitator would type
(``civicai cours distribuer COURS DEVOIR``...), with the kit's isolated grader, in a separate process; names
come from the course's own lists, never from the request as such. Written answers are graded by hand on
the room's own page (``civicai.room.manual``); the formgrader stays linked, labelled « en anglais », for the rest.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from civicai.errors import UserError
from civicai.grading.course import Course
from civicai.grading.export import grade_table, write_french_csv
from civicai.grading.hubconfig import discover_courses, service_name

STEPS = {"distribuer": "Distribuer", "ramasser": "Ramasser les copies", "corriger": "Corriger automatiquement",
         "retours": "Rendre les corrections"}
STEP_TIMEOUT = 30 * 60  # seconds: autograding a class stays well below


def my_courses(state_dir: Path, name: str) -> list[Course]:
    """The courses ``name`` grades (as the formgrader's groups: a course's ``formateurs``)."""
    return [Course(state_dir, cid) for cid, names in discover_courses(state_dir).items() if name in names]


def my_course(state_dir: Path, name: str, course_id: str) -> Course:
    found = {c.course_id: c for c in my_courses(state_dir, name)}
    if course_id not in found:
        raise UserError(f"Cours inconnu ou confié à quelqu'un d'autre : « {course_id} ».")
    return found[course_id]


def summary(course: Course) -> dict:
    """What the page shows of one course: assignments (distributed, copies, to check) and the grade table."""
    table = grade_table(course)
    outbound = course.exchange_root / course.course_id / "outbound"  # what `civicai cours distribuer` fills
    assignments = []
    for a in course.source_assignments():
        scores = [r["scores"].get(a) for r in table.rows]
        assignments.append({"name": a, "released": (outbound / a).is_dir(),
                            "graded": sum(s is not None for s in scores),
                            "to_review": sum(a in r["review"] for r in table.rows),
                            "max_score": table.max_scores.get(a)})
    return {"course": course.course_id, "assignments": assignments, "columns": table.assignments,
            "max_scores": table.max_scores, "students": table.rows,
            "formgrader": f"/services/{service_name(course.course_id)}/formgrader"}


def csv_bytes(course: Course, folder: Path) -> bytes:
    return write_french_csv(grade_table(course), Path(folder) / f"notes-{course.course_id}.csv").read_bytes()


async def run_step(state_dir: Path, course: Course, assignment: str, step: str) -> dict:
    """Run ``civicai cours STEP COURSE ASSIGNMENT``; return whether it worked and what it printed."""
    if step not in STEPS:
        raise UserError("Étape inconnue : choisissez distribuer, ramasser, corriger ou retours.")
    if assignment not in course.source_assignments():
        raise UserError(f"Devoir inconnu dans le cours « {course.course_id} » : « {assignment} ».")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "civicai", "cours", step, "--etat", str(state_dir), course.course_id, assignment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), STEP_TIMEOUT)
    except asyncio.TimeoutError:
        proc.kill()
        await proc.wait()
        return {"ok": False, "output": f"Arrêté au bout de {STEP_TIMEOUT // 60} minutes."}
    return {"ok": proc.returncode == 0, "output": out.decode("utf-8", "replace")[-6000:]}
