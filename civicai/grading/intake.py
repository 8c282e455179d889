"""What the batch checks in a submitted folder before anything of it runs, and the clean copy it grades.

Every odd file gets its own flag: not JSON, cut short, JSON but not a notebook, too big to read, heavy
with stored outputs (cleared), another kernel (graded with Python anyway), an extra grade cell that is
not in the assignment (ignored: its nbgrader marks are removed, the genuine answers are graded), a
symbolic link (never followed nor copied), edited or deleted test cells, and what could rig the tests
(``civicai.grading.rigging``).
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from civicai.grading.rigging import check_submission

MAX_READ_BYTES = 300 * 1024**2   # beyond this a notebook is not even read
HEAVY_BYTES = 20 * 1024**2       # beyond this stored outputs are cleared before grading
UNREADABLE = ("pas-json", "fichier-tronque", "pas-un-notebook", "fichier-trop-gros")


def compare_test_cells(released: dict, submitted: dict) -> list[tuple[str, str]]:
    """Flags for test cells (locked grade cells) the student changed or removed."""
    def test_cells(nb):
        out = {}
        for cell in nb.get("cells", []):
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("grade") and not meta.get("solution") and meta.get("grade_id"):
                src = cell.get("source", "")
                out[meta["grade_id"]] = "".join(src) if isinstance(src, list) else src
        return out

    ref, got = test_cells(released), test_cells(submitted)
    flags = []
    for gid, src in ref.items():
        if gid not in got:
            flags.append(("cellule-test-supprimee", gid))
        elif got[gid].strip() != src.strip():
            flags.append(("cellule-test-modifiee", gid))
    return flags


def regular_files_only(folder: str, names: list[str]) -> set[str]:
    """A ``shutil.copytree`` ignore: symbolic links and special files are never copied."""
    skipped = set()
    for name in names:
        mode = os.lstat(os.path.join(folder, name)).st_mode
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            skipped.add(name)
    return skipped


def _links(folder: Path) -> list[str]:
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            if p.is_symlink() or not (p.is_file() or p.is_dir()):
                found.append(str(p.relative_to(folder)))
    return sorted(found)


def read_notebook(path: Path) -> tuple[dict | None, list[tuple[str, str]]]:
    """The notebook as a dict, or None with the flag that says why it cannot be graded."""
    name = path.name
    size = path.stat().st_size
    if size > MAX_READ_BYTES:
        return None, [("fichier-trop-gros", f"{name}, {size // 1024**2} Mo")]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, [("pas-json", f"{name} : ce n'est pas du texte")]
    try:
        nb = json.loads(text)
    except ValueError as exc:
        cut = getattr(exc, "msg", "").startswith("Unterminated string") or getattr(exc, "pos", 0) >= len(text.rstrip()) - 1
        at_end = text.lstrip().startswith("{") and cut
        if at_end:
            return None, [("fichier-tronque", f"{name}, coupé après {len(raw)} octets")]
        return None, [("pas-json", f"{name}, ligne {getattr(exc, 'lineno', '?')}")]
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list) or not all(isinstance(c, dict) and "cell_type" in c for c in cells):
        return None, [("pas-un-notebook", name)]
    return nb, []


def clean_notebook(nb: dict, released: dict, size: int, name: str) -> list[tuple[str, str]]:
    """Fix ``nb`` in place for grading; return the flags for what was fixed."""
    flags = []
    known = {(c.get("metadata", {}).get("nbgrader") or {}).get("grade_id") for c in released.get("cells", [])}
    for cell in nb["cells"]:
        meta = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        grader = meta.get("nbgrader")
        if isinstance(grader, dict) and grader.get("grade_id") not in known:
            flags.append(("cellule-notee-inconnue", f"{name} : {str(grader.get('grade_id'))[:40]}"))
            meta.pop("nbgrader")
    want = (released.get("metadata") or {}).get("kernelspec") or {}
    got = (nb.get("metadata") or {}).get("kernelspec") or {}
    if want and got.get("name") != want.get("name"):
        flags.append(("noyau-etranger", f"{name} : {str(got.get('name'))[:40]}"))
        nb.setdefault("metadata", {})["kernelspec"] = want
        nb["metadata"].pop("language_info", None)
    if size > HEAVY_BYTES:
        flags.append(("fichier-lourd", f"{name}, {size // 1024**2} Mo"))
        for cell in nb["cells"]:
            if cell.get("cell_type") == "code":
                cell["outputs"], cell["execution_count"] = [], None
    return flags


def inspect_submission(folder: Path, released: dict[str, dict]) -> tuple[list[tuple[str, str]], dict[str, dict]]:
    """(flags, notebooks to grade by name) for one submitted folder; no notebook if one cannot be read."""
    flags: list[tuple[str, str]] = [("lien-symbolique", link) for link in _links(folder)]
    cleaned: dict[str, dict] = {}
    for stem, rel in sorted(released.items()):
        path = folder / f"{stem}.ipynb"
        if path.is_symlink() or not path.is_file():
            flags.append(("notebook-absent", path.name))
            continue
        nb, problems = read_notebook(path)
        if nb is None:
            return flags + problems, {}
        flags += clean_notebook(nb, rel, path.stat().st_size, path.name)
        flags += compare_test_cells(rel, nb)
        flags += check_submission(nb, rel)
        cleaned[path.name] = nb
    return flags, cleaned
