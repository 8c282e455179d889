"""Run notebooks for the site, with a cache keyed by content so nothing runs twice.

The key of a notebook is a SHA-256 of its cells (outputs stripped), of the ``civicai``
source files it uses (a change of code may change a result) and of the ``CIVICAI_*``
environment variables (for example ``CIVICAI_FAIRFACE_DIR``, which changes what a module
shows).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat

from civicai.errors import UserError

_PACKAGE = Path(__file__).resolve().parent.parent
_IGNORED_ENV = {"CIVICAI_EXECUTED_CACHE", "CIVICAI_KIT_ROOT"}
# Figures as a participant sees them in Jupyter, even when the caller set MPLBACKEND=Agg
# (tests/conftest.py does: kernels then produce no image at all).
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
_digest_memo: dict[tuple, str] = {}
_ALWAYS = ("__init__.py", "errors.py", "paths.py", "settings.py")  # what every area imports
_IMPORT_RE = re.compile(r"\bcivicai\.(\w+)|from\s+civicai\s+import\s+([\w ,()]+)")


def used_subpackages(cells: list[tuple[str, str]]) -> tuple[str, ...]:
    """Modules and sub-packages of ``civicai`` the code cells name (``civicai.faces``,
    ``from civicai import learn, quiz``)."""
    names = set()
    for kind, source in cells:
        if kind != "code":
            continue
        for dotted, imported in _IMPORT_RE.findall(source):
            names.update([dotted] if dotted else re.findall(r"\w+", imported))
    return tuple(sorted(n for n in names if (_PACKAGE / n).is_dir()
                        or (_PACKAGE / f"{n}.py").is_file()))


def package_digest(subpackages: tuple[str, ...] = ()) -> str:
    """SHA-256 of the package's core modules and of the modules and sub-packages named.

    Memoised per process. Only what a notebook names counts, so that editing an unrelated
    area does not throw away the cache (a sub-package importing another one is not followed).
    """
    if subpackages not in _digest_memo:
        h = hashlib.sha256()
        files = [_PACKAGE / f for f in _ALWAYS]
        for sub in subpackages:
            if (_PACKAGE / f"{sub}.py").is_file():
                files.append(_PACKAGE / f"{sub}.py")
                continue
            files += sorted(p for p in (_PACKAGE / sub).rglob("*") if p.is_file()
                            and "__pycache__" not in p.parts and p.suffix != ".pyc")
        for path in files:
            h.update(path.relative_to(_PACKAGE).as_posix().encode())
            h.update(hashlib.sha256(path.read_bytes()).digest())
        _digest_memo[subpackages] = h.hexdigest()
    return _digest_memo[subpackages]


def _clean_copy(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cell.metadata.pop("execution", None)
    return nb


def notebook_key(path: Path, nb: nbformat.NotebookNode | None = None) -> str:
    """Content key of a notebook: its cells, the package code and the ``CIVICAI_*`` settings."""
    nb = nb if nb is not None else nbformat.read(path, as_version=4)
    cells = [(c.cell_type, c.source) for c in _clean_copy(nb).cells]
    env = sorted((k, v) for k, v in os.environ.items()
                 if k.startswith("CIVICAI_") and k not in _IGNORED_ENV)
    blob = json.dumps({"v": 1, "mpl": INLINE_BACKEND, "name": Path(path).name, "cells": cells, "env": env,
                       "package": package_digest(used_subpackages(cells))}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


class ExecutionCache:
    """A folder of executed notebooks named by their content key."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def _file(self, key: str) -> Path:
        return self.folder / f"{key}.ipynb"

    def get(self, path: Path) -> nbformat.NotebookNode | None:
        f = self._file(notebook_key(path))
        if f.is_file():
            try:
                return nbformat.read(f, as_version=4)
            except Exception:  # a damaged entry is just a miss
                return None
        return None

    def put(self, path: Path, executed: nbformat.NotebookNode) -> Path:
        """Store ``executed`` (the run of the notebook at ``path``); atomic write."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self._file(notebook_key(path))
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            nbformat.write(executed, fh)
        os.replace(tmp, target)
        return target


@dataclass
class Execution:
    path: Path
    nb: nbformat.NotebookNode
    seconds: float
    cached: bool


def _failing_cell(nb: nbformat.NotebookNode) -> tuple[int, str]:
    """Number (from 1, as people count) and first line of the cell that raised."""
    for i, cell in enumerate(nb.cells, 1):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                first = next((line for line in cell.source.splitlines() if line.strip()), "")
                return i, first.strip()
    return 0, ""


def execute_notebook(path: Path, *, timeout: int = 180, cache: ExecutionCache | None = None,
                     label: str | None = None) -> Execution:
    """Run ``path`` top to bottom in a fresh kernel from its own folder.

    Raises :class:`UserError` (French) naming the notebook and the cell when a cell fails.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    path = Path(path).resolve()
    label = label or path.name
    if cache is not None:
        hit = cache.get(path)
        if hit is not None:
            return Execution(path, hit, 0.0, True)
    nb = _clean_copy(nbformat.read(path, as_version=4))
    current = {"index": -1}

    def on_cell_execute(cell, cell_index, **_):
        current["index"] = cell_index

    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            on_cell_execute=on_cell_execute)
    start = time.perf_counter()
    try:
        client.execute(env={**os.environ, "MPLBACKEND": INLINE_BACKEND})
    except CellTimeoutError:
        n, first = _cell_at(nb, current["index"])
        raise UserError(f"Le notebook {label} dépasse {timeout} s à la cellule {n} ({first!r}). "
                        "Rendez cette cellule plus rapide, puis relancez la construction.") from None
    except CellExecutionError as exc:
        n, first = _failing_cell(nb)
        raise UserError(
            f"Le notebook {label} échoue à la cellule {n} ({first!r}) : "
            f"{exc.ename} : {exc.evalue}. Ouvrez-le dans Jupyter pour voir l'erreur, "
            "corrigez-le, puis relancez la construction.") from None
    except DeadKernelError:
        raise UserError(f"Le noyau Python s'est arrêté pendant le notebook {label} "
                        "(mémoire insuffisante ?). Relancez la construction.") from None
    seconds = time.perf_counter() - start
    if cache is not None:
        cache.put(path, nb)
    return Execution(path, nb, seconds, False)


def _cell_at(nb: nbformat.NotebookNode, index: int) -> tuple[int, str]:
    """Number (from 1) and first line of the cell at ``index``."""
    if not 0 <= index < len(nb.cells):
        return 0, ""
    first = next((line for line in nb.cells[index].source.splitlines() if line.strip()), "")
    return index + 1, first.strip()


def execute_all(paths: list[Path], *, labels: dict | None = None, jobs: int = 1,
                cache: ExecutionCache | None = None, timeout: int = 180) -> dict[Path, Execution]:
    """Run every notebook (``jobs`` at a time) with a progress bar; stop at the first failure."""
    from tqdm.auto import tqdm

    labels = labels or {}
    results: dict[Path, Execution] = {}
    with tqdm(total=len(paths), desc="Notebooks", unit="nb", disable=not paths) as bar:
        def run(p: Path) -> Execution:
            r = execute_notebook(p, timeout=timeout, cache=cache, label=labels.get(p))
            bar.update(1)
            return r

        if jobs <= 1:
            for p in paths:
                results[p] = run(p)
        else:
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                futures = {pool.submit(run, p): p for p in paths}
                try:
                    for fut in futures:
                        results[futures[fut]] = fut.result()
                except BaseException:
                    for fut in futures:  # do not start the others; running ones finish
                        fut.cancel()
                    raise
    return results
