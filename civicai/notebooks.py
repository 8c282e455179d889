"""Notebook housekeeping (``python -m civicai.notebooks strip``): committed notebooks carry no outputs,
and name the python3 kernel so that JupyterLab does not ask participants to choose one."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat


KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def strip_outputs(path: Path) -> bool:
    """Remove outputs and execution counts, set the kernelspec, in place; True when the file changed."""
    nb = nbformat.read(path, as_version=4)
    changed = nb.metadata.get("kernelspec") != KERNELSPEC
    nb.metadata["kernelspec"] = KERNELSPEC
    for cell in nb.cells:
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None):
            cell.outputs, cell.execution_count, changed = [], None, True
        if cell.metadata.pop("execution", None) is not None:
            changed = True
    if changed:
        nbformat.write(nb, path)
    return changed


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "strip":
        print("usage: python -m civicai.notebooks strip DIR...", file=sys.stderr)
        return 2
    for folder in argv[1:]:
        for path in sorted(Path(folder).rglob("*.ipynb")):
            if ".ipynb_checkpoints" not in path.parts and strip_outputs(path):
                print(f"stripped {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
