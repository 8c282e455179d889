"""Every notebook of modules 1 to 3 runs top to bottom in a forked kernel with the same results as in a plain one.

Both runs use the same copy of the module in a home folder, through the same provisioner (the plain run has
no template folder, so it takes the fallback path: a new Python). "Same results" are the notebook's simple
global values at the end (accuracies, counts, chosen words: testkit's value dump), except timings.
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
from testkit import _DUMP_VALUES

pytestmark = [pytest.mark.slow, ROOT_ONLY]
NOTEBOOKS = [nb.path for m in load_modules(modules_dir()) if m.number <= 3 for nb in m.notebooks]
TIMING = ("sec", "temps", "duree", "durée", "time", "elapsed")


class SharedKernelManager(AsyncKernelManager):
    forked: list = []  # for each kernel started, whether it was forked (nbclient drops its manager at the end)

    @default("kernel_spec_manager")
    def _shared(self):
        return SharedKernelSpecManager()

    async def _async_post_start_kernel(self, **kwargs):
        await super()._async_post_start_kernel(**kwargs)
        SharedKernelManager.forked.append(self.provisioner.forked)


def _run(path, folder: str, home) -> dict:
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(_DUMP_VALUES))
    os.environ["CIVICAI_NOYAUX"], os.environ["JPY_SESSION_NAME"], os.environ["HOME"] = folder, str(path), str(home)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", kernel_manager_class=SharedKernelManager,
                            resources={"metadata": {"path": str(path.parent)}})
    SharedKernelManager.forked.clear()
    client.execute()
    forked = SharedKernelManager.forked[-1] if SharedKernelManager.forked else None
    for out in nb.cells[-1].get("outputs", []):
        if out.get("name") == "stdout" and "__CIVICAI_VALUES__" in out["text"]:
            return {"forked": forked, "values": json.loads(out["text"].split("__CIVICAI_VALUES__", 1)[1])}
    return {"forked": forked, "values": {}}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: f"{p.parent.name[:2]}-{p.stem}")
def test_a_module_notebook_gives_the_same_results_forked(notebook, daemon, shared_tmp, monkeypatch):
    home = shared_tmp / "root-home"
    copy = home / "modules" / notebook.parent.name
    if not copy.exists():
        shutil.copytree(notebook.parent, copy)
    for name in ("CIVICAI_NOYAUX", "JPY_SESSION_NAME", "HOME"):
        monkeypatch.setenv(name, os.environ.get(name, ""))
    plain = _run(copy / notebook.name, "", home)
    forked = _run(copy / notebook.name, str(daemon), home)
    assert forked["forked"] is True and plain["forked"] is False
    assert set(forked["values"]) == set(plain["values"])
    for key, value in plain["values"].items():
        if any(t in key.lower() for t in TIMING):
            continue
        other = forked["values"][key]
        if isinstance(value, float) and isinstance(other, float):
            assert math.isclose(value, other, rel_tol=1e-9, abs_tol=1e-12) or (math.isnan(value) and math.isnan(other)), key
        else:
            assert value == other, key
