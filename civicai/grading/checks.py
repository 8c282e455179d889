"""Student copies made from a source assignment: its solutions as answers, or the blank release.

Used to check an assignment before giving it (the solution gets full marks, a blank copy gets
zero: otter-grader's habit) and by the autograding benchmark.
"""

from __future__ import annotations

from pathlib import Path

MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def strip_solution_markers(source: str) -> str:
    return "\n".join(line for line in source.splitlines() if line.strip() not in MARKERS)


def solution_copy(source_nb: Path, release_nb: Path, *, overrides: dict | None = None, keep_stub: tuple = ()):
    """The released notebook answered with the source's solutions.

    ``overrides``: grade_id -> code to put instead; ``keep_stub``: grade_ids left unanswered.
    """
    import nbformat

    src = nbformat.read(source_nb, as_version=4)
    solutions = {c.metadata["nbgrader"]["grade_id"]: strip_solution_markers(c.source) for c in src.cells
                 if c.metadata.get("nbgrader", {}).get("solution")}
    nb = nbformat.read(release_nb, as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        gid = meta.get("grade_id")
        if meta.get("solution") and gid in solutions and gid not in keep_stub:
            cell.source = (overrides or {}).get(gid, solutions[gid])
    return nb


def answer_cells(source_nb: Path) -> list[str]:
    import nbformat

    nb = nbformat.read(source_nb, as_version=4)
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"]
