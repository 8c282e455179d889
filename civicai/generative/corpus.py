"""The French text the kit's small model learns from: only text the kit ships and whose licence it owns.

Sources, in a fixed order: the learner-facing Markdown of modules 1 to 3 (READMEs, guides, états du droit)
and the Markdown cells of their notebooks, and from module 3's claims corpus the calm
(« neutre ») wording of the facts labelled ``vrai`` and the explanations of all facts (never a false claim). Module 4 itself is left out, so that
editing its notebooks does not change the model. ``../shared/data`` is never read.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

from civicai.paths import datasets_dir, modules_dir

TRAINED_MODULES = ("01-", "02-", "03-")


def _clean(markdown: str) -> str:
    text = re.sub(r"```.*?```", " ", markdown, flags=re.S)  # code is not French
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links: keep their words
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"[#*_`>|]+", " ", text)
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if len(line) > 2)


def source_files() -> list[Path]:
    files = []
    for module in sorted(p for p in modules_dir().iterdir() if p.name.startswith(TRAINED_MODULES)):
        files += sorted(module.glob("*.md")) + sorted(module.glob("*.ipynb"))
    files.append(datasets_dir() / "affirmations-fr" / "affirmations.csv")
    return files


def _text_of(path: Path) -> str:
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return "\n".join(_clean("".join(c["source"])) for c in cells if c["cell_type"] == "markdown")
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as f:
            rows = [r for r in csv.DictReader(f) if r["style"] == "neutre"]
        # a true claim with its explanation; of a false or misleading one, only the (true) explanation
        return "\n".join(f"{r['texte']} {r['explication']}" if r["etiquette"] == "vrai" else r["explication"]
                         for r in rows)
    return _clean(path.read_text(encoding="utf-8"))


def training_text() -> tuple[str, list[Path]]:
    """The whole corpus as one string, and the files it came from."""
    files = source_files()
    return "\n".join(_text_of(p) for p in files), files


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
