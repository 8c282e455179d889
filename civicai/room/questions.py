"""The kit's numbered questions and prediction steps (``M2-Q7``, ``M2-P1``), read from the modules' notebooks.

A participant's progress is "how many of the module's questions have I answered": the list comes from the
notebooks themselves (the id written in a cell), so a new question counts as soon as it is in a notebook.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from civicai.paths import modules_dir

QUESTION_ID = re.compile(r"\bM([0-9]{1,2})-([PQ][0-9]{1,3})\b")


def ids_in(notebook: Path) -> list[str]:
    """The question ids of one notebook, in the order of its cells, each once."""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return []
    seen: dict[str, None] = {}
    for cell in cells:
        source = cell.get("source", "")
        for m in QUESTION_ID.finditer("".join(source) if isinstance(source, list) else str(source)):
            seen.setdefault(f"M{int(m.group(1))}-{m.group(2)}", None)
    return list(seen)


@lru_cache(maxsize=1)
def catalogue(root: str | None = None) -> dict[str, dict[str, list[str]]]:
    """module folder -> notebook file -> question ids (only notebooks that have some)."""
    base = Path(root) if root else modules_dir()
    found: dict[str, dict[str, list[str]]] = {}
    for nb in sorted(base.glob("[0-9][0-9]-*/*.ipynb")):
        ids = ids_in(nb)
        if ids:
            found.setdefault(nb.parent.name, {})[nb.name] = ids
    return found


def progress(answers: list[dict], root: str | None = None) -> list[dict]:
    """Per module the participant touched or that has questions: answered ids out of the module's ids."""
    known = catalogue(root)
    done: dict[str, set[str]] = {}
    for a in answers:
        done.setdefault(a["module"], set()).add(a["question"])
    out = []
    for module in sorted(set(known) | set(done)):
        ids = [q for qs in known.get(module, {}).values() for q in qs]
        answered = done.get(module, set())
        out.append({"module": module, "questions": len(ids) or len(answered), "answered": len(answered),
                    "left": [q for q in ids if q not in answered]})
    return out
