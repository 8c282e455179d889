"""Do module 5's notebooks compute what they say, top to bottom, in a real kernel?"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from testkit import REPO

MODULE = REPO / "modules" / "05-ce-que-coute-l-ia"
pytestmark = pytest.mark.slow


def test_part_1_bigger_and_longer_trainings_cost_more(run_notebook):
    r = run_notebook(MODULE / "01-l-energie-d-un-apprentissage.ipynb")
    v = r.values
    assert v["module1_status"] in ("mesuré", "estimé")
    assert v["size_ratio"] > 2, v["size_ratio"]
    assert 1.3 < v["epochs_ratio"] < 3.0, v["epochs_ratio"]
    assert "Énergie de l'entraînement" in r.text() and "M5-P1" in r.text()


def test_part_2_one_answer_is_tiny_next_to_a_chatbot_question(run_notebook):
    """A word of module 1, then an answer of module 4's model (in the kernel here: no hub), both far below one
    Gemini question; the answer, 30 tokens of a bigger model, costs more than a word."""
    r = run_notebook(MODULE / "02-le-cout-d-une-reponse.ipynb")
    v = r.values
    assert 0 < v["answer_wh"] < 0.001 and 0 < v["prediction_wh"] < 0.01
    assert v["words_per_question"] > 1000
    assert v["answer_wh"] < v["reply_wh"] < 0.01 and v["replies_per_question"] > 100
    assert re.search(r"Énergie de cette réponse : .*, (mesuré|estimé)", r.text())
    assert "Réponse (30 jetons)" in r.text() and "fois l'énergie d'un mot" in r.text() and "M5-P2" in r.text()
    assert v["daily_kwh"] == 2400


def test_part_3_scales_up_with_sourced_figures(run_notebook):
    r = run_notebook(MODULE / "03-des-wattheures-aux-centres-de-donnees.ipynb")
    v = r.values
    assert v["growth"] == pytest.approx(945 / 415)
    assert v["kwh_big"] > v["kwh_fr"] > 0
    assert "415 TWh" in r.text() and "g de CO2" in r.text()


def test_the_kiosk_demo_runs_and_its_kernel_stays_light(run_notebook):
    """The demo notebook runs; what it imports (and a measured answer of module 4's model, loaded in the
    process as in the kiosk) loads no torch and stays far below the kiosk's 150 MB per visitor kernel."""
    run_notebook(MODULE / "demo-combien-coute-une-reponse.ipynb")
    code = ("import re, sys; from civicai.energy import uses, experiments; "  # VmHWM: this image's peak (ru_maxrss
            "r = experiments.generative_answer_energy(); "                   # would carry the forking parent's)
            "peak = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1); "
            "print('torch' in sys.modules, r.energy.joules > 0, peak)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=REPO)
    torch, measured, rss_kb = out.stdout.split()
    assert (torch, measured) == ("False", "True"), out.stderr[-2000:]
    assert int(rss_kb) / 1024 < 100, rss_kb  # the kernel's own machinery adds about 50 MB in the kiosk
