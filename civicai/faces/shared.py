"""Module 2's face predictions computed once per machine and read by every participant.

Every participant's audit notebook runs the same classifier on the same 560 photos. On a hub, the
hub's own account (never a participant) fills one shared, read-only cache before the class starts:
the managed service ``visages`` (see :mod:`civicai.faces.hubconfig`) runs ``python -m
civicai.faces.shared DOSSIER``, which computes what is missing under a lock and replaces the file
atomically (a reader sees the old file or the new one, never half of one). The folder is 0755 and
the file 0644: participants' accounts read it and cannot change it. A participant whose photos are
not all in it (another FairFace folder, a cache still being filled) computes the rest in their own
cache (:class:`civicai.faces.classify.PredictionCache`), as before.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import sys
from pathlib import Path

from civicai.faces.sharedread import ENV_VAR, read_shared, shared_dir, shared_file  # noqa: F401

# The audit notebook's sample: 40 adults per group x gender cell (02-l-audit.ipynb).
AUDIT_PER_CELL = 40


def fill(folder: Path, paths: list[Path]) -> int:
    """Compute the predictions of ``paths`` missing from the shared cache in ``folder``; return how
    many were computed. One process at a time (a lock file); the result replaces the file atomically."""
    from civicai.faces.classify import file_sha256, model_key, predict_image
    from civicai.faces.data import load_rgb

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o755)
    key = model_key()
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = read_shared(key, folder)
        computed = 0
        for path in paths:
            digest = file_sha256(path)
            if digest not in data:
                data[digest] = predict_image(load_rgb(path))
                computed += 1
        target = shared_file(folder, key)
        if computed or not target.exists():
            tmp = target.with_suffix(f".tmp{os.getpid()}")
            tmp.write_text(json.dumps(data), encoding="utf-8")
            os.chmod(tmp, 0o644)
            tmp.replace(target)
    return computed


def audit_paths() -> list[Path]:
    """The photos of the audit notebook for the configured FairFace folder ([] when there is none)."""
    from civicai.faces.data import balanced_sample, load_fairface

    faces, _ = load_fairface()
    if faces is None:
        return []
    return [Path(p) for p in balanced_sample(faces, per_cell=AUDIT_PER_CELL).table["path"]]


def main(argv: list[str]) -> int:
    """``python -m civicai.faces.shared DOSSIER [--rester]``: fill the shared cache; with
    ``--rester``, then wait until stopped (a JupyterHub managed service must not exit)."""
    folder = Path(argv[0])
    computed = fill(folder, audit_paths())
    print(f"civicai visages : {computed} prédictions calculées dans {folder}", flush=True)
    if "--rester" in argv[1:]:
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        while True:
            signal.pause()
    return 0


if __name__ == "__main__":  # pragma: no cover - run by the hub (civicai.faces.hubconfig)
    sys.exit(main(sys.argv[1:]))
