"""Grades out of the gradebook: a French CSV for people, and a CSV Moodle's grade import accepts.

French CSV (`notes-<cours>.csv`): separator « ; », decimal comma, UTF-8 with BOM so that
spreadsheet software in French opens it directly. Columns: Identifiant, Prénom, Nom, Courriel,
one column per assignment « <devoir> (sur N) », Total (sur N), À vérifier.

Moodle CSV (`moodle-<cours>.csv`): what Moodle's "Import grades from CSV file" reads: comma
separator, decimal point, UTF-8, one header line. The first column holds the email address:
in Moodle, choose "Identify user by: Map from « Adresse de courriel » to « Email address »",
then map each assignment column to a grade item (or to a new grade item). A student with no
submission gets an empty cell, which Moodle skips.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from civicai.french import number


@dataclass
class GradeTable:
    assignments: list[str]
    max_scores: dict[str, float]
    rows: list[dict] = field(default_factory=list)  # id, first, last, email, scores{a: float|None}, review


def grade_table(course, assignments: list[str] | None = None) -> GradeTable:
    from nbgrader.api import MissingEntry

    with course.gradebook() as gb:
        names = [a.name for a in gb.assignments]
        if assignments:
            names = [a for a in names if a in assignments]
        maxima = {a: gb.find_assignment(a).max_score for a in names}
        table = GradeTable(names, maxima)
        for st in sorted(gb.students, key=lambda s: ((s.last_name or "").lower(), (s.first_name or "").lower(), s.id)):
            scores, review = {}, []
            for a in names:
                try:
                    sub = gb.find_submission(a, st.id)
                except MissingEntry:
                    scores[a] = None
                    continue
                scores[a] = round(float(sub.score), 2)
                if sub.needs_manual_grade or any(nb.flagged for nb in sub.notebooks):
                    review.append(a)
            table.rows.append({"id": st.id, "first": st.first_name or "", "last": st.last_name or "",
                               "email": st.email or "", "scores": scores, "review": review})
    return table


def _fr(x: float | None) -> str:
    if x is None:
        return "non rendu"
    return number(x, 2, trim=True)


def write_french_csv(table: GradeTable, path: Path) -> Path:
    total_max = sum(table.max_scores.values())
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["Identifiant", "Prénom", "Nom", "Courriel"]
                   + [f"{a} (sur {_fr(table.max_scores[a])})" for a in table.assignments]
                   + [f"Total (sur {_fr(total_max)})", "À vérifier"])
        for r in table.rows:
            total = sum(v for v in r["scores"].values() if v is not None)
            w.writerow([r["id"], r["first"], r["last"], r["email"]]
                       + [_fr(r["scores"][a]) for a in table.assignments]
                       + [_fr(total), ", ".join(r["review"]) or ""])
    return path


def write_moodle_csv(table: GradeTable, path: Path) -> tuple[Path, list[str]]:
    """Write the Moodle file; return it and the identifiers left out because they have no email."""
    skipped = []
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=",")
        w.writerow(["Adresse de courriel", "Prénom", "Nom"] + table.assignments)
        for r in table.rows:
            if not r["email"]:
                skipped.append(r["id"])
                continue
            w.writerow([r["email"], r["first"], r["last"]]
                       + ["" if r["scores"][a] is None else f"{r['scores'][a]:.2f}" for a in table.assignments])
    return path, skipped


def export(course, out_dir: Path, assignments: list[str] | None = None) -> dict:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    table = grade_table(course, assignments)
    fr = write_french_csv(table, out_dir / f"notes-{course.course_id}.csv")
    moodle, skipped = write_moodle_csv(table, out_dir / f"moodle-{course.course_id}.csv")
    return {"francais": fr, "moodle": moodle, "sans_email": skipped, "table": table}


def report_lines(course, assignment: str) -> list[str]:
    """The saved autograding report, as French lines (used by the CLI)."""
    path = course.root / "rapports" / f"correction-{assignment}.json"
    if not path.exists():
        return []
    return [f"{r['student']} : " + "; ".join(f["texte"] for f in r["flags"])
            for r in json.loads(path.read_text(encoding="utf-8")) if r["flags"]]
