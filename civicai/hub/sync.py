"""Deliver the kit's modules into a participant's home, the way nbgitpuller merges.

- a file the participant never had appears;
- a file the participant did not change is updated to the current version;
- a file the participant changed is never overwritten;
- a file the participant deleted comes back fresh (that is how one gets a clean copy back).

What was delivered is remembered in ``<home>/.civicai/delivered.json`` (path -> sha256), so
"changed by the participant" means "differs from what we delivered last time".
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = Path(".civicai") / "delivered.json"
IGNORED_PARTS = {".ipynb_checkpoints", "__pycache__"}


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # changed by the participant: left alone


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _source_files(source: Path):
    for path in sorted(source.rglob("*")):
        if path.is_file() and not IGNORED_PARTS.intersection(path.relative_to(source).parts):
            yield path


def sync_modules(source: Path, home: Path, target: str = "modules") -> SyncReport:
    """Merge ``source`` into ``home/target`` without ever losing a participant's change."""
    source, home = Path(source), Path(home)
    manifest_path = home / MANIFEST
    try:
        delivered = json.loads(manifest_path.read_text())
    except (FileNotFoundError, ValueError):
        delivered = {}
    report = SyncReport()
    for src in _source_files(source):
        rel = (Path(target) / src.relative_to(source)).as_posix()
        dest = home / rel
        new_digest = _digest(src)
        if not dest.exists():
            report.added.append(rel)
        else:
            current = _digest(dest)
            if current == new_digest:
                delivered[rel] = new_digest
                continue
            if delivered.get(rel) != current:
                report.kept.append(rel)
                continue
            report.updated.append(rel)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".civicai-tmp")
        shutil.copyfile(src, tmp)
        os.replace(tmp, dest)
        delivered[rel] = new_digest
    manifest_path.parent.mkdir(parents=True, exist_ok=True)
    manifest_path.write_text(json.dumps(delivered, indent=1, sort_keys=True))
    return report


def restore(home: Path, rel: str, source: Path, target: str = "modules") -> Path | None:
    """Give a participant a fresh copy of one delivered file; their version is kept aside.

    Returns the path where their own version was saved (``name (ma version).ext``), if any.
    """
    home = Path(home)
    dest = home / rel
    src = Path(source) / Path(rel).relative_to(target)
    if not src.is_file():
        raise FileNotFoundError(rel)
    saved = None
    if dest.exists():
        saved = dest.with_name(f"{dest.stem} (ma version){dest.suffix}")
        n = 2
        while saved.exists():
            saved = dest.with_name(f"{dest.stem} (ma version {n}){dest.suffix}")
            n += 1
        os.replace(dest, saved)
    dest.unlink(missing_ok=True)
    sync_modules(source, home, target)
    return saved


def main(argv: list[str] | None = None) -> int:
    """``python -m civicai.hub.sync SOURCE HOME``: the merge run inside cluster jobs and pods."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m civicai.hub.sync SOURCE HOME", file=sys.stderr)
        return 2
    r = sync_modules(Path(args[0]), Path(args[1]))
    print(f"modules: {len(r.added)} added, {len(r.updated)} updated, {len(r.kept)} kept")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
