"""Hidden tests a student cannot rig: pristine libraries for the tests, and the static flags for the teacher."""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest

from gradingtools import REPO, points_of, solution_copy

from civicai.grading import pristine
from civicai.grading.intake import clean_notebook, read_notebook
from civicai.grading.rigging import check_submission

M1 = REPO / "exercises" / "source" / "m1-apprendre" / "m1-apprendre.ipynb"


def _released():
    return json.loads(M1.read_text())


def _with_answer(grade_id: str, code: str) -> dict:
    nb = _released()
    for cell in nb["cells"]:
        if (cell["metadata"].get("nbgrader") or {}).get("grade_id") == grade_id:
            cell["source"] = code
    return nb


@pytest.mark.parametrize("code, rebound", [
    ("class KNeighborsClassifier:\n    pass", "KNeighborsClassifier"),
    ("import builtins\nbuiltins.abs = lambda x: 0", "builtins.abs"),
    ("np.array_equal = lambda *a, **k: True", "np.array_equal"),
    ("abs = lambda x: 0", "abs"),
    ("setattr(np, 'array_equal', print)", "np.*"),
    ("y = y * 0", "y"),
])
def test_every_rebinding_of_what_the_tests_use_is_flagged(code, rebound):
    flags = dict(check_submission(_with_answer("accuracy_code", code), _released()))
    assert rebound in flags["reaffectation"].split(", ")


def test_honest_answers_are_not_flagged():
    tmp_release = M1  # the source's own cells carry the same nbgrader metadata as the release
    nb = json.loads(nbformat.writes(solution_copy(M1, tmp_release)))
    assert check_submission(nb, _released()) == []


def test_reaching_into_the_interpreter_is_flagged():
    code = "import sys, gc\nsys.modules['numpy'] = None\nget_ipython().input_transformers_post.append(f)"
    flags = dict(check_submission(_with_answer("accuracy_code", code), _released()))
    assert {"sys.modules", "gc", "get_ipython"} <= set(flags["code-suspect"].split(", "))


def test_pristine_tests_see_the_original_library_builtins_and_teacher_values():
    import builtins

    import numpy as np

    real_equal, real_abs = np.array_equal, builtins.abs
    pristine.snapshot(["numpy"])
    user = {"np": np, "X": np.arange(3)}
    pristine.record(["np", "X"], user)
    try:
        np.array_equal = lambda *a, **k: True
        builtins.abs = lambda x: 0
        user["abs"] = lambda x: 0
        user["X"] = np.zeros(3)
        with pytest.raises(AssertionError):
            pristine.run_test("assert np.array_equal(X, [9, 9, 9])", user)
        with pytest.raises(AssertionError):
            pristine.run_test("assert abs(-5) == 0", user)
        pristine.run_test("assert list(X) == [0, 1, 2] and abs(-5) == 5", user)
        assert np.array_equal is real_equal and builtins.abs is real_abs  # put back for the rest too
    finally:
        np.array_equal, builtins.abs = real_equal, real_abs
        pristine._TEACHER.clear()


@pytest.mark.parametrize("text, code", [
    ("pas du tout du JSON", "pas-json"),
    ('{"cells": [{"cell_type": "code", "sour', "fichier-tronque"),
    ('{"cle": 1}', "pas-un-notebook"),
    (b"\xff\xfe\x00binaire", "pas-json"),
])
def test_unreadable_files_are_named(tmp_path, text, code):
    path = tmp_path / "m1-apprendre.ipynb"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    nb, flags = read_notebook(path)
    assert nb is None and [c for c, _ in flags] == [code]


def test_a_fake_grade_cell_is_ignored_and_a_foreign_kernel_replaced():
    nb = _released()
    nb["cells"].append({"cell_type": "code", "source": "assert True", "outputs": [], "execution_count": None,
                        "metadata": {"nbgrader": {"grade": True, "solution": False, "grade_id": "cadeau",
                                                  "points": 100}}})
    nb["metadata"]["kernelspec"] = {"name": "ir", "display_name": "R", "language": "R"}
    flags = dict(clean_notebook(nb, _released(), 1000, "m1-apprendre.ipynb"))
    assert "cadeau" in flags["cellule-notee-inconnue"] and "ir" in flags["noyau-etranger"]
    assert "nbgrader" not in nb["cells"][-1]["metadata"]
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


# --- the real exercise, graded: each rigged copy gets the score its answers deserve ---------------------

RIGGED = {
    # wrong k (too many neighbours), and a class that ignores k: the hidden test must use the real one
    "classe-remplacee": ("hyperparameter_code",
                         "k_choisi = 600\n_Vrai = KNeighborsClassifier\nclass KNeighborsClassifier(_Vrai):\n"
                         "    def __init__(self, n_neighbors=5):\n        super().__init__(n_neighbors=3)\n",
                         "hyperparameter_", "KNeighborsClassifier"),
    # wrong accuracy, and abs patched so that any difference looks like 0
    "abs-modifie": ("accuracy_code", "import builtins\nbuiltins.abs = lambda x: 0\n"
                    "def exactitude(vraies, predites):\n    return 0.5", "accuracy_", "builtins.abs"),
    # test set taken at the start instead of the end, and np.array_equal patched to always agree
    "numpy-modifie": ("split_train_test_code", "np.array_equal = lambda *a, **k: True\n"
                      "def couper(X, y, part_test):\n    n = int(len(X) * part_test)\n"
                      "    return X[n:], X[:n], y[n:], y[:n]", "split_train_test_", "np.array_equal"),
    # an answer that equals every letter
    "egal-a-tout": ("quiz_test_set_answer", "class Lettre(str):\n    def __eq__(self, other):\n        return True\n"
                    "    __hash__ = str.__hash__\nreponse_1 = Lettre('a')", "quiz_test_set_", None),
}


@pytest.mark.slow
def test_rigged_copies_of_the_real_exercise_get_what_they_deserve(tmp_path):
    from civicai.grading.autograde import Limits, autograde
    from civicai.grading.course import create_course

    course = create_course(tmp_path / "var", "triche", assignments=["m1-apprendre"])
    release = course.root / "release" / "m1-apprendre" / "m1-apprendre.ipynb"
    total = points_of(M1)
    copies = {"honnete": solution_copy(M1, release)}
    for name, (gid, code, _, _) in RIGGED.items():
        copies[name] = solution_copy(M1, release, overrides={gid: code})
    for name, nb in copies.items():
        dest = course.root / "submitted" / name / "m1-apprendre"
        dest.mkdir(parents=True)
        nbformat.write(nb, dest / "m1-apprendre.ipynb")
        (dest / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
    results = {r.student: r for r in autograde(course, "m1-apprendre", workers=2,
                                                limits=Limits(cell_timeout=60, submission_timeout=240))}
    assert results["honnete"].score == pytest.approx(total) and results["honnete"].flags == []
    for name, (_, _, prefix, rebound) in RIGGED.items():
        res = results[name]
        assert res.score == pytest.approx(total - points_of(M1, prefix)), (name, res.grades, res.log_tail[-1500:])
        codes = {f.code: f.detail for f in res.flags}
        if rebound:
            assert rebound in codes.get("reaffectation", ""), (name, codes)
        else:
            assert "code-suspect" in codes, (name, codes)
        assert res.needs_review, name
    shutil.rmtree(tmp_path / "var", ignore_errors=True)
