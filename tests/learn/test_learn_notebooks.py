"""Do module 1's notebooks compute what they claim, fast enough, with the module's required structure?"""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pytest

from testkit import REPO

MODULE = REPO / "modules" / "01-comment-une-ia-apprend"
PARTS = sorted(MODULE.glob("0[1-9]-*.ipynb"))
DEMOS = ["demo-dessine-un-chiffre.ipynb", "demo-invente-des-mots.ipynb", "demo-terrain-de-jeu.ipynb"]
TRAINING_CALLS = ("train_digits_net(", "sweep(", "digits.scores(", "overfitting_curve(", "compare(", ").fit(",
                  "plot_boundaries(")


def _slow_training_cells(result):
    """(source start, seconds) of each cell that trains a model and took more than 5 s."""
    return [(c.source[:60], round(t, 1)) for c, t in zip(result.nb.cells, result.cell_seconds)
            if c.cell_type == "code" and any(k in c.source for k in TRAINING_CALLS) and t > 5]


def test_four_parts_in_reading_order_with_the_quiz_before_and_after():
    assert [p.name[:3] for p in PARTS] == ["01-", "02-", "03-", "04-"]
    first = nbformat.read(PARTS[0], as_version=4)
    last = nbformat.read(PARTS[-1], as_version=4)
    first_code = [c.source for c in first.cells if c.cell_type == "code"]
    assert any('quiz.show(".", "avant")' in s for s in first_code[:2])
    assert 'quiz.show(".", "apres")' in [c.source for c in last.cells if c.cell_type == "code"][-1]
    for p in PARTS:
        text = "\n".join(c.source for c in nbformat.read(p, as_version=4).cells if c.cell_type == "markdown")
        assert "## À retenir" in text and "## Pour aller plus loin" in text, p.name


@pytest.mark.slow
def test_part_1_learns_the_digits_and_shows_overfitting(run_notebook):
    r = run_notebook(PARTS[0])
    v = r.values
    assert v["knn_test_accuracy"] > 0.95 and v["linear_test_accuracy"] > 0.93
    assert v["tree_train_at_max_depth"] > 0.99
    assert v["tree_train_at_max_depth"] - v["tree_test_at_max_depth"] > 0.08
    assert r.seconds <= 60 and not _slow_training_cells(r), _slow_training_cells(r)


@pytest.mark.slow
def test_part_2_network_reaches_95_percent_on_the_test_digits_in_seconds(run_notebook):
    r = run_notebook(PARTS[1])
    v = r.values
    assert v["test_accuracy"] >= 0.95, v["test_accuracy"]
    assert v["training_seconds"] <= 5
    assert v["accuracy_with_30_examples"] < 100 * v["test_accuracy"]
    assert "Exactitude sur le test" in r.text()
    assert r.seconds <= 60 and not _slow_training_cells(r), _slow_training_cells(r)


@pytest.mark.slow
def test_part_3_network_bends_where_the_line_cannot(run_notebook):
    r = run_notebook(PARTS[2])
    assert r.values["xor_linear"] < 0.85 < 0.95 < r.values["xor_network"]
    assert r.seconds <= 60 and not _slow_training_cells(r), _slow_training_cells(r)


@pytest.mark.slow
def test_part_4_word_model_invents_new_words(run_notebook, tmp_path):
    r = run_notebook(PARTS[3])
    assert r.values["share_invented_not_in_list"] > 0.8
    assert r.values["n_words"] == 28432
    assert r.seconds <= 60 and not _slow_training_cells(r), _slow_training_cells(r)


_DEMO_PROBE = """
import json, re, sys, time, nbformat
t0 = time.perf_counter()
nb = nbformat.read(sys.argv[1], as_version=4)
for cell in nb.cells:
    if cell.cell_type == "code":
        exec(cell.source, {})
print(json.dumps({"seconds": time.perf_counter() - t0,
                  # VmHWM, not ru_maxrss: Linux carries ru_maxrss over fork+exec from pytest itself
                  "rss_mb": int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read())[1]) / 1024,
                  "torch": "torch" in sys.modules, "sklearn": "sklearn" in sys.modules}))
"""


@pytest.mark.slow  # starts a Python per demo
@pytest.mark.parametrize("name", DEMOS)
def test_demo_stays_light_no_torch_no_scikit_learn(name):
    """A kiosk kernel runs the demo without torch or scikit-learn, in well under 150 MB."""
    nb = nbformat.read(MODULE / name, as_version=4)
    assert len([c for c in nb.cells if c.cell_type == "code"]) == 1
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.count("<p>") >= 3
    proc = subprocess.run([sys.executable, "-c", _DEMO_PROBE, str(MODULE / name)], capture_output=True,
                          text=True, timeout=120, cwd=MODULE)
    assert proc.returncode == 0, proc.stderr[-2000:]
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    assert not info["torch"] and not info["sklearn"], info
    assert info["rss_mb"] < 150, info
