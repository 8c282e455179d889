"""Kernel start inside one SLURM job or pod: plain vs forked from the job's own template, same run.

Starts the job's daemon the way its server does (``civicai.kernels.job``: ``heavy`` only, a private
folder), waits until the template is ready, then starts N kernels alternately plain and forked through the
``civicai-noyau-partage`` provisioner, each until it answers ``import torch, sklearn, pandas`` (what module
1's notebook imports first). Prints the medians, their ratio, and the template's RSS (what a job's memory
request must add: civicai.cluster.capacity.JOB_TEMPLATE_RSS_MB).

    .venv/bin/python benchmarks/bench_job_kernels.py [--n 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIRST_CELL = "import torch, sklearn.neural_network, pandas, matplotlib.pyplot"


def _start(folder: str, home: str) -> tuple[float, bool]:
    from jupyter_client.manager import KernelManager
    from traitlets.config import Config

    from civicai.kernels.provisioner import SharedKernelSpecManager

    # the folder as the server's configuration gives it (civicai.kernels.job); '' : a plain start
    config = Config({"SharedKernelProvisioner": {"folder": folder}})
    km = KernelManager(kernel_spec_manager=SharedKernelSpecManager(), kernel_name="python3", config=config)
    t0 = time.perf_counter()
    km.start_kernel(cwd=home, env={"JPY_SESSION_NAME": "x.ipynb", "PATH": "/usr/bin:/bin", "HOME": home})
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=120)
    reply = kc.execute_interactive(FIRST_CELL, timeout=120)
    took = time.perf_counter() - t0
    assert reply["content"]["status"] == "ok", reply["content"]
    forked = km.provisioner.forked
    if folder and not forked:
        print("not forked:", km.provisioner.fallback, file=sys.stderr)
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    return took, forked


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5)
    n = parser.parse_args().n
    from civicai.kernels.job import FLAVOURS

    folder, home = tempfile.mkdtemp(prefix="civicai-noyaux-"), tempfile.mkdtemp(prefix="civicai-home-")
    daemon = subprocess.Popen([sys.executable, "-m", "civicai.kernels.daemon", "--private", folder, *FLAVOURS])
    try:
        t0 = time.perf_counter()
        while not (Path(folder) / f"{FLAVOURS[0]}.sock").exists():
            time.sleep(0.1)
        ready = time.perf_counter() - t0
        template = int(subprocess.run(["pgrep", "-P", str(daemon.pid)], capture_output=True, text=True).stdout)
        times = {"plain": [], "forked": []}
        for _ in range(n):
            for kind, where in (("plain", ""), ("forked", folder)):
                took, forked = _start(where, home)
                assert forked == (kind == "forked"), kind
                times[kind].append(took)
        plain, forked = statistics.median(times["plain"]), statistics.median(times["forked"])
        print(f"template ready after {ready:.1f} s, RSS {_rss_mb(template):.0f} MB")
        print(f"kernel start to first cell done, median of {n}: plain {plain:.2f} s, forked {forked:.2f} s, "
              f"ratio {plain / forked:.1f}")
    finally:
        daemon.terminate()
        daemon.wait(30)
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
