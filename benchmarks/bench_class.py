"""A class at once: N participants of one real hub run module 2's audit at the same time.

Same hub, same run, two rounds:
- ``par personne`` (today's behaviour): each participant's kernel has no shared folder and an empty
  personal cache, so each runs the classifier on the 560 photos itself;
- ``partagé``: the hub's service ``visages`` has filled the machine's shared cache once
  (civicai.faces.shared, timed separately); each participant, again with an empty personal cache, reads it.

Each participant runs the audit notebook's code cells up to the first table (``02-l-audit.ipynb``)
in a kernel of their own server, through the Jupyter websocket as JupyterLab does. The figure is the
time from the moment all start until the last participant has the table. Needs root (one Unix
account per participant) and the FairFace sample (../shared/data/fairface-sample).

    sudo nice .venv/bin/python benchmarks/bench_class.py            # 20 participants; --participants N
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from hubtools import RunningHub, served  # noqa: E402
from testkit import FAIRFACE_SAMPLE, REPO  # noqa: E402

NOTEBOOK = REPO / "modules" / "02-biais-reconnaissance-faciale" / "02-l-audit.ipynb"
FIRST_TABLE = "audit.pretty("  # the cell that shows the first table


def audit_code(shared: bool) -> str:
    """The notebook's code up to the first table, in a fresh personal cache (a first visit)."""
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    code = []
    for cell in cells:
        if cell["cell_type"] == "code":
            code.append("".join(cell["source"]))
            if FIRST_TABLE in code[-1]:
                break
    prelude = ["import os, tempfile", "os.environ['CIVICAI_CACHE_DIR'] = tempfile.mkdtemp()",
               "os.environ['MPLBACKEND'] = 'Agg'"]
    if not shared:
        prelude.append("os.environ.pop('CIVICAI_FACES_SHARED_DIR', None)")
    return "\n".join(prelude + code + ["print('TABLE', len(preds), bool(from_images))"])


def run_round(hub: RunningHub, names: list[str], tokens: dict, shared: bool) -> float:
    code = audit_code(shared)
    start = time.perf_counter()

    def one(name):
        out = hub.run_code(name, tokens[name], code, timeout=3600)
        if out["error"] or "TABLE 560 True" not in out["stdout"]:
            raise RuntimeError(f"{name}: {out['error']} {out['stdout'][-500:]}")
        return time.perf_counter() - start

    with ThreadPoolExecutor(len(names)) as pool:
        times = list(pool.map(one, names))
    return max(times)


def wait_shared(state_dir: Path, timeout: float) -> float:
    t0 = time.perf_counter()
    folder = state_dir / "visages-cache"
    while time.perf_counter() - t0 < timeout:
        files = list(folder.glob("predictions-*.json"))
        if files and len(json.loads(files[0].read_text())) >= 560:
            return time.perf_counter() - t0
        time.sleep(1)
    raise TimeoutError("the shared cache was not filled")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=20)
    args = parser.parse_args()
    names = [f"eleve{i:02d}" for i in range(1, args.participants + 1)]
    load_before = os.getloadavg()  # the machine is shared: the figures mean little without its load
    with tempfile.TemporaryDirectory(prefix="bench-class-") as tmp:
        t_hub = time.perf_counter()
        hub = RunningHub(Path(tmp) / "etat", extra_env={"CIVICAI_FAIRFACE_DIR": str(FAIRFACE_SAMPLE)})
        with served(hub, quiet=True):
            fill = wait_shared(hub.state_dir, timeout=1800)
            fill_after_start = time.perf_counter() - t_hub
            hub.create_users(*names)
            with ThreadPoolExecutor(4) as pool:
                list(pool.map(lambda n: hub.spawn(n, timeout=300), names))
            tokens = {n: hub.user_token(n) for n in names}
            per_person = run_round(hub, names, tokens, shared=False)
            load_per_person = os.getloadavg()
            shared = run_round(hub, names, tokens, shared=True)
            load_shared = os.getloadavg()
    print(f"bench_class: {args.participants} participants, module 2 audit (560 photos), one hub, same run")
    print(f"  shared cache filled by the hub's service: {fill_after_start:.1f} s after hub start "
          f"({fill:.1f} s after the hub answered)")
    print(f"  last participant sees the table, per-person cache : {per_person:7.1f} s")
    print(f"  last participant sees the table, shared cache     : {shared:7.1f} s")
    print(f"  ratio per-person / shared                         : {per_person / shared:7.1f}")
    print("  load average (1, 5, 15 min) before / after per-person round / after shared round: "
          + " / ".join(", ".join(f"{x:.1f}" for x in load) for load in (load_before, load_per_person, load_shared)))


if __name__ == "__main__":
    main()
