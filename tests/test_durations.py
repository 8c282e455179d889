"""Every module's essential path fits 90 minutes, and every duration the kit shows comes from it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from civicai import durations as d
from civicai.paths import modules_dir

MODULES = sorted(p for p in modules_dir().glob("[0-9][0-9]-*") if list(p.glob("[0-9][0-9]-*.ipynb")))


def _notebook(tmp_path, cells) -> Path:
    path = tmp_path / "01-essai.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


def test_reading_running_and_interactions_add_up(tmp_path):
    words = " ".join(["mot"] * d.WORDS_PER_MINUTE)  # one minute of reading
    cells = [
        {"id": "a", "cell_type": "markdown", "metadata": {}, "source": [words]},
        {"id": "b", "cell_type": "code", "metadata": {}, "source": ["reponse('M9-P1')"]},
        {"id": "c", "cell_type": "code", "metadata": {"tags": ["optional"]}, "source": ["long()"]},
        {"id": "e", "cell_type": "markdown", "metadata": {"tags": ["optional"]}, "source": [words]},
        {"id": "f", "cell_type": "code", "metadata": {}, "source": ["boite('M9-Q2')"]},
    ]
    recorded = {"b": {"seconds": 4.0, "widget": True, "figure": False},
                "c": {"seconds": 600.0, "widget": False, "figure": True}}
    got = d.notebook_duration(_notebook(tmp_path, cells), recorded)
    assert got.reading_s == pytest.approx(60)
    assert got.running_s == pytest.approx(4)  # the optional cell's 10 minutes are not counted
    assert got.interacting_s == d.BUDGET_S["widget"] + d.BUDGET_S["prediction"] + d.BUDGET_S["answer"]
    assert got.missing_cells == 1  # cell f was not in the recorded run


def test_shown_minutes_round_up_to_five():
    assert [d.shown_minutes(s) for s in (1, 300, 301, 899, 900)] == [5, 5, 10, 15, 15]


# Since the answer boxes and predictions landed (2026-12-02), the one source puts modules 2 and 3 over 90
# minutes (108 and 103): they need a shorter essential path (more cells tagged `optional`) — issue 15, open.
OVER_90 = {"02", "03"}


def _params(failing: set, reason: str):
    return [pytest.param(m, id=m.name[:2], marks=pytest.mark.xfail(strict=True, reason=reason))
            if m.name[:2] in failing else pytest.param(m, id=m.name[:2]) for m in MODULES]


@pytest.mark.parametrize("module", _params(OVER_90, "essential path over 90 minutes, to shorten"))
def test_essential_path_fits_90_minutes_from_an_up_to_date_record(module):
    total = d.module_duration(module)
    assert total.missing_cells == 0, (f"{module.name}: cells not in {d.RECORD_FILE}; record again with "
                                      f"python -m civicai.durations enregistrer modules/{module.name}")
    assert total.seconds <= 90 * 60, f"{module.name}: {total.seconds / 60:.0f} min"


@pytest.mark.parametrize("module", _params({"04"}, "module 4's widgets are not counted by the source yet"))
def test_readme_states_the_essential_path_of_the_source(module):
    shown = re.search(r"Parcours essentiel\*\* : (\d+) minutes au total", (module / "README.md").read_text("utf-8"))
    assert shown, f"{module.name}/README.md does not state its essential path"
    assert int(shown.group(1)) == round(d.module_duration(module).seconds / 60)


# --- every duration shown matches the source -------------------------------------------------------
HEADER = re.compile(r"Durée\s*:\s*(?:environ\s*)?(\d+)\s*minutes", re.IGNORECASE)
ROW = re.compile(r"^\|.*`(\d\d-[^`]+\.ipynb)`.*\|\s*(\d+)\s*min\b[^|]*\|\s*$", re.MULTILINE)


def shown_durations() -> list[tuple[str, str, int]]:
    """(where, notebook, minutes) for each notebook duration shown in its header or its module's README."""
    found = []
    for module in MODULES:
        for path in sorted(module.glob("[0-9][0-9]-*.ipynb")):
            first = "".join(json.loads(path.read_text(encoding="utf-8"))["cells"][0]["source"])
            if m := HEADER.search(first):
                found.append((f"{module.name}/{path.name} (en-tête)", path.name, int(m.group(1))))
        readme = module / "README.md"
        if readme.exists():
            for m in ROW.finditer(readme.read_text(encoding="utf-8")):
                found.append((f"{module.name}/README.md", m.group(1), int(m.group(2))))
    return found


def mismatches() -> set[tuple[str, str, int, int]]:
    computed = {(m.name, n): d.shown_minutes(x.seconds) for m in MODULES for n, x in d.module_durations(m).items()}
    out = set()
    for where, notebook, shown in shown_durations():
        expected = computed[(where.split("/")[0], notebook)]
        if shown != expected:
            out.add((where, notebook, shown, expected))
    return out


# Texts written before the one source existed (2026-12-02): the lead and the authors of the modules
# fix them at merge, and remove each line here; a new mismatch, or a fixed one still listed, fails.
KNOWN = {
    # Module 4's own widgets (civicai/generative/lesson.py) are not counted yet by the source, which gives
    # 10, 5 and 5 minutes: its headers keep the authors' 25 minutes until they are (issue 15, still open).
    ('04-ia-generative-chez-nous/01-des-mots-aux-jetons.ipynb (en-tête)', '01-des-mots-aux-jetons.ipynb', 25, 10),
    ('04-ia-generative-chez-nous/02-pourquoi-elle-invente.ipynb (en-tête)', '02-pourquoi-elle-invente.ipynb', 25, 5),
    ('04-ia-generative-chez-nous/03-ce-que-ca-coute-et-qui-decide.ipynb (en-tête)', '03-ce-que-ca-coute-et-qui-decide.ipynb', 25, 5),
    ('04-ia-generative-chez-nous/README.md', '01-des-mots-aux-jetons.ipynb', 25, 10),
    ('04-ia-generative-chez-nous/README.md', '02-pourquoi-elle-invente.ipynb', 25, 5),
    ('04-ia-generative-chez-nous/README.md', '03-ce-que-ca-coute-et-qui-decide.ipynb', 25, 5),
}


def test_every_shown_duration_matches_the_source():
    assert shown_durations(), "no duration found: did the headers or the READMEs change their wording?"
    found = mismatches()
    assert found - KNOWN == set(), "new mismatches: " + "; ".join(
        f"{w}: {n} affiche {s} min, la source donne {e}" for w, n, s, e in sorted(found - KNOWN))
    assert KNOWN - found == set(), f"fixed, remove from KNOWN: {sorted(KNOWN - found)}"
