"""Notebook housekeeping: committed notebooks carry no outputs (``python -m civicai.notebooks strip``)."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat


def strip_outputs(path: Path) -> bool:
    """Remove outputs and execution counts in place; return True when the file changed."""
    nb = nbformat.read(path, as_version=4)
    changed = False
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
