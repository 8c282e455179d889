"""Every module notebook, and every nbgrader exercise, behaves the same in a forked kernel as in a plain one.

Both runs use the same copy in a home folder, through the same provisioner (the plain run has no template
folder, so it takes the fallback path: a new Python). The daemon, hence each flavour's template, is started
once for the session. "Same results" for a lesson notebook: the notebook's simple global values at the end
(accuracies, counts, chosen words: testkit's value dump, also one level into dicts), except timings, and the same kinds of output in
every cell (a plot stays a plot, no new error). For an exercise: the grade nbgrader's autograder would give
(the points of the test cells that raise nothing) and the error of each cell, for the solution and for a
blank copy (nbgrader's own ClearSolutions stubs).
"""

from __future__ import annotations

import json
import math
import os
import shutil

import nbformat
import pytest
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from traitlets import default

from civicai.catalog import load_modules
from civicai.kernels.provisioner import SharedKernelSpecManager
from civicai.paths import modules_dir
from kerneltools import ROOT_ONLY
from testkit import _DUMP_VALUES, FAIRFACE_SAMPLE, REPO

pytestmark = [pytest.mark.slow, ROOT_ONLY]
NOTEBOOKS = [nb.path for m in load_modules(modules_dir()) for nb in m.notebooks]
EXERCISES = sorted((REPO / "exercises" / "source").glob("*/*.ipynb"))
TIMING = ("sec", "temps", "duree", "durée", "time", "elapsed")
# a dict's simple values become globals « name.key », for the dump: a notebook may keep its results in one dict
FLATTEN = """
for _k, _v in list(globals().items()):
    if not _k.startswith("_") and isinstance(_v, dict) and _v and all(isinstance(_kk, str) for _kk in _v):
        globals().update({f"{_k}.{_kk}": _vv for _kk, _vv in _v.items()})
"""
# as a participant's on a hub whose operator configured FairFace (tests/test_notebooks.py does the same)
ENV = {"CIVICAI_FAIRFACE_DIR": str(FAIRFACE_SAMPLE)} if FAIRFACE_SAMPLE.is_dir() else {}


class SharedKernelManager(AsyncKernelManager):
    forked: list = []  # for each kernel started, whether it was forked (nbclient drops its manager at the end)

    @default("kernel_spec_manager")
    def _shared(self):
        return SharedKernelSpecManager()

    async def _async_post_start_kernel(self, **kwargs):
        await super()._async_post_start_kernel(**kwargs)
        SharedKernelManager.forked.append(self.provisioner.forked)


def _kinds(cell) -> tuple:
    """What a cell showed, without the text: each output's type and stream or formats, or its error's name."""
    out = []
    for o in cell.get("outputs", []):
        if o["output_type"] == "stream":
            out.append(("stream", o["name"]))
        elif o["output_type"] == "error":
            out.append(("error", o["ename"]))
        else:
            out.append((o["output_type"], *sorted(o.get("data", {}))))
    return tuple(dict.fromkeys(out))  # a progress bar's repeated updates count once


def _run(nb, path, folder: str, home, *, allow_errors: bool = False) -> dict:
    """Run ``nb`` (saved as ``path``) in a kernel from the templates in ``folder`` ('' : a plain kernel)."""
    os.environ.update(ENV, CIVICAI_NOYAUX=folder, JPY_SESSION_NAME=str(path), HOME=str(home))
    client = NotebookClient(nb, timeout=300, kernel_name="python3", kernel_manager_class=SharedKernelManager,
                            allow_errors=allow_errors, resources={"metadata": {"path": str(path.parent)}})
    SharedKernelManager.forked.clear()
    client.execute()
    return {"forked": SharedKernelManager.forked[-1] if SharedKernelManager.forked else None,
            "kinds": [_kinds(c) for c in nb.cells if c.cell_type == "code"]}


def _values(outputs) -> dict:
    for out in outputs:
        if out.get("name") == "stdout" and "__CIVICAI_VALUES__" in out["text"]:
            return json.loads(out["text"].split("__CIVICAI_VALUES__", 1)[1])
    return {}


@pytest.fixture
def home(shared_tmp, monkeypatch):
    """root's home for these runs; the variables _run sets are put back after the test."""
    for name in ("CIVICAI_NOYAUX", "JPY_SESSION_NAME", "HOME", *ENV):
        monkeypatch.setenv(name, os.environ.get(name, ""))
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the tests' Agg: a participant's kernel has Jupyter's inline
    return shared_tmp / "root-home"


def _plain_and_forked(source, copy, daemon, home, prepare, **kwargs) -> tuple[dict, dict]:
    """``source``, copied with its folder to ``copy``, ``prepare``d, run in a plain kernel then a forked one."""
    if not copy.parent.exists():
        shutil.copytree(source.parent, copy.parent)
    runs = []
    for folder in ("", str(daemon)):
        nb = prepare(nbformat.read(copy, as_version=4))
        runs.append({**_run(nb, copy, folder, home, **kwargs), "nb": nb})
    plain, forked = runs
    assert forked["forked"] is True and plain["forked"] is False
    assert forked["kinds"] == plain["kinds"]
    return plain, forked


def _differ(a: dict, b: dict) -> set[str]:
    """The keys whose values differ (floats to 1e-6: a forked kernel has one BLAS thread, a plain one all
    the cores, so float32 sums run in another order and may differ in the 7th digit)."""
    out = set(a) ^ set(b)
    for key in set(a) & set(b):
        x, y = a[key], b[key]
        if isinstance(x, float) and isinstance(y, float):
            if not (math.isclose(x, y, rel_tol=1e-6, abs_tol=1e-12) or (math.isnan(x) and math.isnan(y))):
                out.add(key)
        elif x != y:
            out.add(key)
    return {k for k in out if not any(t in k.lower() for t in TIMING)}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: f"{p.parent.name[:2]}-{p.stem}")
def test_a_module_notebook_gives_the_same_results_forked(notebook, daemon, home):
    def dump(nb):
        nb.cells.append(nbformat.v4.new_code_cell(FLATTEN + _DUMP_VALUES))
        return nb

    copy = home / "modules" / notebook.parent.name / notebook.name
    plain, forked = _plain_and_forked(notebook, copy, daemon, home, dump)
    values = [_values(r["nb"].cells[-1].get("outputs", [])) for r in (plain, forked)]
    assert values[0], "the notebook left no value to compare"
    differ = _differ(*values)
    if differ:  # measured, not computed (energy from CPU time...)? then a second plain run differs as well
        again = dump(nbformat.read(copy, as_version=4))
        _run(again, copy, "", home)
        differ -= _differ(values[0], _values(again.cells[-1].get("outputs", [])))
    assert not differ, {k: (values[0].get(k), values[1].get(k)) for k in differ}


def _grade(nb) -> tuple[float, list]:
    """nbgrader's autograde score (points of the test cells that raised nothing), and each cell's errors."""
    score, errors = 0.0, []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code":
            continue
        failed = [o["ename"] for o in cell.get("outputs", []) if o["output_type"] == "error"]
        errors.append(failed)
        if meta.get("grade") and not meta.get("solution") and not failed:
            score += float(meta.get("points", 0))
    return score, errors


def _blank(nb):
    """The notebook as released to participants: nbgrader's ClearSolutions stubs in every answer."""
    from nbgrader.preprocessors import ClearSolutions

    nb, _ = ClearSolutions(enforce_metadata=False).preprocess(nb, {"language": "python"})
    return nb


@pytest.mark.parametrize("variant", ["solution", "blank"])
@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda p: p.stem)
def test_an_exercise_gets_the_same_grade_forked(exercise, variant, daemon, home):
    plain, forked = _plain_and_forked(exercise, home / "exercises" / exercise.parent.name / exercise.name, daemon,
                                      home, _blank if variant == "blank" else (lambda nb: nb), allow_errors=True)
    total = sum(float(c.metadata["nbgrader"].get("points", 0)) for c in plain["nb"].cells
                if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution"))
    grade = _grade(plain["nb"])
    if variant == "solution":
        assert grade[0] == total, grade  # the solution gets every point, plainly too
    else:
        assert grade[0] < total, grade
    assert _grade(forked["nb"]) == grade
