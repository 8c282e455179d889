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
    # b's widget is its prediction step (counted once), f asks a question; no generic widget budget
    assert got.interacting_s == d.BUDGET_S["prediction"] + d.BUDGET_S["answer"]
    assert got.missing_cells == 1  # cell f was not in the recorded run


def test_one_budget_per_cell_the_asked_one_first():
    widget, figure, plain = ({"widget": True, "figure": True}, {"widget": False, "figure": True},
                             {"widget": False, "figure": False})
    assert d.interaction_s("sheet.question('M9-Q1')", widget) == d.BUDGET_S["answer"]
    assert d.interaction_s("sheet.predict('M9-P1')  # M9-P1", widget) == d.BUDGET_S["prediction"]
    assert d.interaction_s("demo()", widget) == d.BUDGET_S["widget"]
    assert d.interaction_s("chart()", figure) == d.BUDGET_S["figure"]
    assert d.interaction_s("x = 1", plain) == 0


def test_shown_minutes_round_up_to_five():
    assert [d.shown_minutes(s) for s in (1, 300, 301, 899, 900)] == [5, 5, 10, 15, 15]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name[:2])
def test_essential_path_fits_90_minutes_from_an_up_to_date_record(module):
    total = d.module_duration(module)
    assert total.missing_cells == 0, (f"{module.name}: cells not in {d.RECORD_FILE}; record again with "
                                      f"python -m civicai.durations enregistrer modules/{module.name}")
    assert total.seconds <= 90 * 60, f"{module.name}: {total.seconds / 60:.0f} min"


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name[:2])
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


def test_every_shown_duration_matches_the_source():
    assert shown_durations(), "no duration found: did the headers or the READMEs change their wording?"
    assert mismatches() == set(), "; ".join(
        f"{w}: {n} affiche {s} min, la source donne {e}" for w, n, s, e in sorted(mismatches()))


FIGURES = "| notebook | lisibilité | parcours essentiel |"


@pytest.mark.parametrize("module", [m for m in MODULES if FIGURES in (m / "README.md").read_text("utf-8")],
                         ids=lambda m: m.name[:2])
def test_readme_figures_are_the_source_s(module):
    """The README's breakdown and per-notebook table are printed by the source, not typed by hand."""
    assert d.readme_figures(module) in (module / "README.md").read_text("utf-8"), (
        f"run: python -m civicai.durations readme modules/{module.name}, and paste its output")


_SLOT = re.compile(r"^\| (\d+)-(\d+) min \|([^|]*)\|", re.M)
_PART = re.compile(r"(?:notebook|partie)\s+0?(\d)", re.I)


@pytest.mark.parametrize("module", [m for m in MODULES if (m / "guide-animation.md").exists()], ids=lambda m: m.name[:2])
def test_the_facilitator_guide_gives_each_notebook_its_essential_time(module):
    """The guide's « déroulé » is what a facilitator follows: its slots run from 0 to 90 minutes without gap,
    and the slots naming a notebook (« notebook 2 », « partie 2 ») add up to at least that notebook's
    essential path, to the minute."""
    slots = [(int(a), int(b), what) for a, b, what in _SLOT.findall((module / "guide-animation.md").read_text())]
    assert slots and slots[0][0] == 0 and slots[-1][1] == 90
    assert all(prev[1] == nxt[0] for prev, nxt in zip(slots, slots[1:])), "a gap or an overlap in the déroulé"
    given: dict[int, int] = {}
    for start, end, what in slots:
        for n in {int(x) for x in _PART.findall(what)}:
            given[n] = given.get(n, 0) + end - start
    for n, (name, duration) in enumerate(d.module_durations(module).items(), 1):
        assert given.get(n, 0) >= int(duration.seconds // 60), f"{name}: {given.get(n, 0)} min in the guide"
