"""Question ids read from notebooks; a participant's progress per module."""

from __future__ import annotations

import json

from civicai.room.questions import catalogue, ids_in, progress


def notebook(path, *sources):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"cells": [{"cell_type": "markdown", "source": s} for s in sources]}))
    return path


def test_ids_in_order_each_once(tmp_path):
    nb = notebook(tmp_path / "02-b" / "x.ipynb", ["**M2-P1** Prédisez", " le taux"], "M2-Q1 puis M2-P1 et M02-Q3",
                  "pas une question : XM2-Q9")
    assert ids_in(nb) == ["M2-P1", "M2-Q1", "M2-Q3"]


def test_progress_counts_answered_out_of_the_modules_questions(tmp_path):
    notebook(tmp_path / "02-b" / "x.ipynb", "M2-P1 M2-Q1")
    notebook(tmp_path / "02-b" / "y.ipynb", "M2-Q2")
    notebook(tmp_path / "03-c" / "z.ipynb", "rien")
    catalogue.cache_clear()
    try:
        assert catalogue(str(tmp_path)) == {"02-b": {"x.ipynb": ["M2-P1", "M2-Q1"], "y.ipynb": ["M2-Q2"]}}
        [p] = progress([{"module": "02-b", "question": "M2-Q1"}], str(tmp_path))
        assert p == {"module": "02-b", "questions": 3, "answered": 1, "left": ["M2-P1", "M2-Q2"]}
    finally:
        catalogue.cache_clear()
