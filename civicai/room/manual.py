"""Manual grading in French: the written answers of a course's collected copies, scored through nbgrader's
public ``Gradebook`` API.

A manually graded cell is nbgrader's « manually graded answer » (``grade`` and ``solution``) or « task »
(``grade`` and ``task``). The score goes to the grade's ``manual_score`` and the comment to the comment's
``manual_comment``, exactly what the formgrader writes, so ``civicai cours exporter``, the feedback and the
formgrader all see the same values. The learner's text is returned as plain text: the page escapes it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from civicai.errors import UserError
from civicai.french import number, parse_number

MAX_COMMENT = 5000  # characters: a few paragraphs, far more than a comment needs


@dataclass
class Answer:
    student: str
    person: str  # the participant's name, as the course's roster has it
    notebook: str
    cell: str  # the cell's nbgrader grade_id
    question: str
    text: str
    code: bool
    max_points: float
    points: float | None
    comment: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.student, self.notebook, self.cell)

    @property
    def anchor(self) -> str:
        """A stable id for the page's fragment: after a save, the browser comes back to this answer."""
        return anchor(self.key)


def anchor(key: tuple[str, str, str]) -> str:
    return "reponse-" + hashlib.sha256("/".join(key).encode()).hexdigest()[:12]


def _nbgrader(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def _text(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def manual_cells(source_nb: dict) -> dict[str, str]:
    """grade_id -> the question it answers: a task's own text, or the nearest markdown cell above an answer."""
    found, question = {}, ""
    for cell in source_nb.get("cells", []):
        meta = _nbgrader(cell)
        if meta.get("grade") and (meta.get("solution") or meta.get("task")):
            found[meta["grade_id"]] = _text(cell) if meta.get("task") else question
        elif cell.get("cell_type") == "markdown" and not meta.get("solution"):
            question = _text(cell)
    return found


def _cell_by_id(nb: dict, grade_id: str) -> dict | None:
    return next((c for c in nb.get("cells", []) if _nbgrader(c).get("grade_id") == grade_id), None)


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def answers(course, assignment: str) -> list[Answer]:
    """Every manually graded answer of every collected copy of ``assignment``, by person then cell."""
    from nbgrader.api import MissingEntry

    sources = {p.stem: manual_cells(_read(p)) for p in sorted((course.root / "source" / assignment).glob("*.ipynb"))}
    found = []
    with course.gradebook() as gb:
        try:
            submissions = gb.find_assignment(assignment).submissions
        except MissingEntry:
            return []
        for sub in sorted(submissions, key=lambda s: s.student_id):
            st = sub.student
            person = " ".join(x for x in (st.first_name, st.last_name) if x) or st.id
            for nb in sub.notebooks:
                cells = sources.get(nb.name, {})
                graded = _read(course.root / "autograded" / st.id / assignment / f"{nb.name}.ipynb")
                comments = {c.name: c for c in nb.comments}
                for grade in sorted(nb.grades, key=lambda g: list(cells).index(g.name) if g.name in cells else -1):
                    if grade.name not in cells:
                        continue
                    cell = _cell_by_id(graded, grade.name) or {}
                    comment = comments.get(grade.name)
                    found.append(Answer(st.id, person, nb.name, grade.name, cells[grade.name], _text(cell),
                                        cell.get("cell_type") == "code", float(grade.max_score),
                                        grade.manual_score, (comment.manual_comment or "") if comment else ""))
    return found


def parse_points(text: str, maximum: float) -> float:
    """The points a person typed, checked: a number (decimal comma accepted) from 0 to ``maximum``."""
    bound = number(maximum, 2, trim=True)
    if not str(text or "").strip():
        raise UserError(f"Indiquez les points : un nombre de 0 à {bound}.")
    value = parse_number(text)
    if value is None:
        raise UserError(f"« {str(text).strip()[:20]} » n'est pas un nombre. Indiquez un nombre de 0 à {bound}, "
                        "par exemple 1,5.")
    if not 0 <= value <= maximum:
        raise UserError(f"{number(value, 2, trim=True)} points, c'est hors barème : indiquez un nombre de 0 à {bound}.")
    return value


def save(course, assignment: str, student: str, notebook: str, cell: str, points: str, comment: str) -> float:
    """Check and store one answer's points and comment in the course's gradebook; return the points."""
    from nbgrader.api import MissingEntry

    if len(comment or "") > MAX_COMMENT:
        raise UserError(f"Le commentaire est trop long : {MAX_COMMENT} caractères au plus.")
    sources = (course.root / "source" / assignment / f"{notebook}.ipynb")
    if "/" in notebook or cell not in manual_cells(_read(sources)):
        raise UserError("Cette réponse n'est pas à noter à la main dans ce devoir.")
    with course.gradebook() as gb:
        try:
            grade = gb.find_grade(cell, notebook, assignment, student)
            note = gb.find_comment(cell, notebook, assignment, student)
        except MissingEntry:
            raise UserError("Copie introuvable : a-t-elle été ramassée puis corrigée automatiquement ?") from None
        value = parse_points(points, float(grade.max_score))
        grade.manual_score = value
        grade.needs_manual_grade = False
        note.manual_comment = (comment or "").strip() or None
        gb.db.commit()
    return value
