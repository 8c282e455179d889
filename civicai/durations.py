"""How long a module's essential path takes: the one source of every duration the kit shows.

A notebook's essential time = reading + waiting + interacting, over its cells not tagged ``optional``:

- reading: the words a learner reads (:func:`civicai.readability.learner_text` of markdown cells) at
  :data:`WORDS_PER_MINUTE`. 150 words a minute is the slow end of the collège band (150 to 204)
  in « Vitesse de lecture moyenne » (Yogidemy, https://yogidemy.com/?p=14731, read 2026-12-02,
  which draws on Hasbrouck & Tindal 2017 and Brysbaert 2019); Brysbaert's meta-analysis finds 238
  for adults reading non-fiction (ActuaLitté, « Vous lisez probablement moins vite que ce que vous
  croyez », 2019-06, https://www.actualitte.com/article/monde-edition/vous-lisez-probablement-moins-vite-que-ce-que-vous-croyez/95472);
- waiting: each code cell's execution time, measured in a recorded run (:func:`record`, saved in
  ``modules/NN-slug/durees-mesurees.json`` with its date; cells are found by their id);
- interacting: a budget per interaction, the kit's stated choices (:data:`BUDGET_S`): a prediction step
  (``M<n>-P<k>`` id in a code cell), an answer box (``M<n>-Q<k>``), else a cell that shows a widget, else a
  cell that shows a chart or a table to look at (one budget per cell: :func:`interaction_s`).

Displayed durations round the essential time up to the next 5 minutes (:func:`shown_minutes`).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from civicai.readability import learner_notebooks, learner_text

WORDS_PER_MINUTE = 150
BUDGET_S = {"widget": 120, "figure": 30, "prediction": 60, "answer": 120}
OPTIONAL_TAG = "optional"
RECORD_FILE = "durees-mesurees.json"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
FIGURE_MIMES = {"image/png", "image/svg+xml", "text/html"}
_PREDICTION = re.compile(r"\bM\d+-P\d+\b")
_ANSWER = re.compile(r"\bM\d+-Q\d+\b")
_WORD = re.compile(r"\w+(?:['’-]\w+)*")


@dataclass(frozen=True)
class Duration:
    reading_s: float
    running_s: float
    interacting_s: float
    missing_cells: int = 0  # code cells not in the recorded run: record again

    @property
    def seconds(self) -> float:
        return self.reading_s + self.running_s + self.interacting_s

    def __add__(self, other: "Duration") -> "Duration":
        return Duration(self.reading_s + other.reading_s, self.running_s + other.running_s,
                        self.interacting_s + other.interacting_s, self.missing_cells + other.missing_cells)


def shown_minutes(seconds: float) -> int:
    """The figure shown to people: minutes rounded up to the next 5."""
    return 5 * math.ceil(seconds / 300)


def essential(cell: dict) -> bool:
    return OPTIONAL_TAG not in cell.get("metadata", {}).get("tags", [])


def load_record(module: Path) -> dict:
    try:
        return json.loads((Path(module) / RECORD_FILE).read_text(encoding="utf-8"))["notebooks"]
    except (OSError, ValueError, KeyError):
        return {}


def notebook_duration(path: Path, recorded: dict | None = None) -> Duration:
    """The essential time of one notebook (``recorded``: its entry of the module's record)."""
    path = Path(path)
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    if recorded is None:
        recorded = load_record(path.parent).get(path.name, {})
    reading = running = interacting = 0.0
    missing = 0
    for cell in filter(essential, cells):
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            reading += 60 * len(_WORD.findall(learner_text(source))) / WORDS_PER_MINUTE
            continue
        if cell["cell_type"] != "code":
            continue
        run = recorded.get(cell.get("id", ""))
        if run is None:
            missing += 1
            run = {"seconds": 0.0, "widget": False, "figure": False}
        running += run["seconds"]
        interacting += interaction_s(source, run)
    return Duration(reading, running, interacting, missing)


def interaction_s(source: str, run: dict) -> float:
    """The budget of one code cell. A cell that asks a prediction or a numbered question counts those
    budgets only: its widget is the answer box itself, and counting it again as « a widget to play with »
    gave each answer box four minutes (the same interaction twice, found 2026-12-02)."""
    asked = (BUDGET_S["prediction"] * len(set(_PREDICTION.findall(source)))
             + BUDGET_S["answer"] * len(set(_ANSWER.findall(source))))
    if asked:
        return asked
    if run["widget"]:
        return BUDGET_S["widget"]
    return BUDGET_S["figure"] * bool(run.get("figure"))


def module_durations(module: Path) -> dict[str, Duration]:
    """Each learner notebook of ``module`` (a ``modules/NN-slug`` folder) and its essential time."""
    record = load_record(module)
    return {p.name: notebook_duration(p, record.get(p.name, {}))
            for p in learner_notebooks(Path(module).parent) if p.parent == Path(module)}


def module_duration(module: Path) -> Duration:
    return sum(module_durations(module).values(), Duration(0, 0, 0))


def readme_figures(module: Path) -> str:
    """The « Parcours essentiel » line and the per-notebook table of a module's README, from this source
    (``python -m civicai.durations readme modules/NN-slug`` prints it; a test holds the READMEs to it)."""
    from civicai.french import number
    from civicai.readability import notebook_readability

    each = module_durations(module)
    total = sum(each.values(), Duration(0, 0, 0))
    lines = [f"- **Parcours essentiel** : {round(total.seconds / 60)} minutes au total (lecture "
             f"{round(total.reading_s / 60)} min à", f"  {WORDS_PER_MINUTE} mots par minute, calculs "
             f"{math.ceil(total.running_s / 60)} min mesurés dans `{RECORD_FILE}` "
             f"({_recorded_on(module)}),", f"  interactions {round(total.interacting_s / 60)} min), sans les "
             "cellules marquées `optional` ni le temps de la personne", "  qui anime (accueil, débat). Source "
             "unique : `civicai/durations.py`, vérifiée par", "  `tests/test_durations.py`.", "",
             "| notebook | lisibilité | parcours essentiel |", "|---|---|---|"]
    lines += [f"| `{name}` | {notebook_readability(Path(module) / name).score:.0f} | "
              f"{number(d.seconds / 60, 1)} min |" for name, d in each.items()]
    return "\n".join(lines)


def _recorded_on(module: Path) -> str:
    try:
        return "enregistrés le " + json.loads((Path(module) / RECORD_FILE).read_text(encoding="utf-8"))["recorded"]
    except (OSError, ValueError, KeyError):
        return "pas encore enregistrés"


def record(module: Path, *, timeout: int = 600) -> Path:
    """Run every learner notebook of ``module`` and save each code cell's time and whether it
    shows a widget (``python -m civicai.durations enregistrer modules/NN-slug``)."""
    from datetime import datetime

    import nbformat
    from nbclient import NotebookClient

    def stamp(cell, key):
        value = cell.get("metadata", {}).get("execution", {}).get(key)
        return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None

    notebooks = {}
    for path in sorted(Path(module).glob("[0-9][0-9]-*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        cells = {}
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            t0, t1 = stamp(cell, "iopub.execute_input"), stamp(cell, "shell.execute_reply")
            widget = any(WIDGET_MIME in out.get("data", {}) for out in cell.get("outputs", []))
            figure = any(FIGURE_MIMES & set(out.get("data", {})) for out in cell.get("outputs", []))
            cells[cell["id"]] = {"seconds": round((t1 - t0).total_seconds(), 2) if t0 and t1 else 0.0,
                                 "widget": widget, "figure": figure}
        notebooks[path.name] = cells
    out = Path(module) / RECORD_FILE
    out.write_text(json.dumps({"recorded": date.today().isoformat(), "notebooks": notebooks},
                              ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return out


if __name__ == "__main__":  # pragma: no cover - maintenance command
    import sys

    if sys.argv[1:2] == ["readme"]:
        for folder in sys.argv[2:]:
            print(readme_figures(Path(folder)), end="\n\n")
        sys.exit(0)
    if sys.argv[1:2] == ["enregistrer"]:
        for folder in sys.argv[2:]:
            print(record(Path(folder)))
    for folder in sys.argv[2:] or sorted(Path("modules").glob("[0-9][0-9]-*")):
        total = module_duration(Path(folder))
        print(f"{Path(folder).name}: {total.seconds / 60:.1f} min "
              f"(lecture {total.reading_s / 60:.1f}, calcul {total.running_s / 60:.1f}, "
              f"interactions {total.interacting_s / 60:.1f})")
