"""Kiosk visitor kernels: memory of the kiosk's kernels (new Pythons, as Voila's pools start them) vs kernels
forked from a warm template (civicai/kernels/), in the same run.

For each kiosk demo of the catalogue, ``--kernels`` kernels of each kind are started and run the demo notebook
(what a pool kernel does before a visitor arrives: Voila's preheat executes the notebook), and stay alive
together, as a kiosk's pools and visitors do. Then the PSS (proportional set size: pages shared between
processes are split between them) and the RSS of each kernel are read. The templates' own PSS is a fixed cost,
printed apart and also spread over the forked kernels ("forked + share of templates"). The decision for the
kiosk (hub/README.md) follows from the last column.

Run (as root or as the kiosk's account): ``nice .venv/bin/python benchmarks/bench_kiosk_kernels.py``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from civicai.catalog import load_modules  # noqa: E402
from civicai.kernels.flavour import FLAVOURS  # noqa: E402
from civicai.paths import modules_dir  # noqa: E402

MB = 2**20


def _pss(pid: int) -> tuple[float, float]:
    info = psutil.Process(pid).memory_full_info()
    return info.pss / MB, info.rss / MB


def _kernels(notebook: Path, n: int, folder: str) -> list:
    """``n`` kernels (forked from the templates in ``folder``, or new Pythons if ''), each having run ``notebook``."""
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    from civicai.kernels.provisioner import SharedKernelSpecManager

    os.environ.update(CIVICAI_NOYAUX=folder, JPY_SESSION_NAME=str(notebook))
    out = []
    for _ in range(n):
        km = KernelManager(kernel_spec_manager=SharedKernelSpecManager(), kernel_name="python3")
        km.start_kernel(cwd=str(notebook.parent))
        assert km.provisioner.forked == bool(folder), km.provisioner.fallback
        NotebookClient(nbformat.read(notebook, as_version=4), km=km, timeout=300,
                       resources={"metadata": {"path": str(notebook.parent)}}).execute()
        out.append(km)
    return out


def _templates(folder: Path, flavour: str) -> subprocess.Popen:
    """The daemon with the one ``flavour`` a kiosk would use; every kernel asked for is forked from it."""
    proc = subprocess.Popen([sys.executable, "-m", "civicai.kernels.daemon", str(folder), flavour],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    end = time.monotonic() + 600
    while not (folder / f"{flavour}.sock").exists():
        if time.monotonic() > end or proc.poll() is not None:
            raise RuntimeError("the kernel template did not start")
        time.sleep(0.5)
    for other in FLAVOURS:  # demos are not in the catalogue's notebooks: the provisioner asks for "heavy"
        if other != flavour:
            (folder / f"{other}.sock").symlink_to(folder / f"{flavour}.sock")
    return proc


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernels", type=int, default=4, help="kernels of each kind per demo (default 4: "
                        "three visitors and one waiting in the pool)")
    parser.add_argument("--demos", nargs="*", help="demo ids (default: every demo of the catalogue)")
    parser.add_argument("--flavour", choices=FLAVOURS, default="light",
                        help="the template the kiosk's kernels would be forked from (default light: a demo "
                             "imports only what it uses)")
    args = parser.parse_args(argv if argv is not None else [])
    os.environ.pop("MPLBACKEND", None)  # the kiosk's kernels draw inline, as in Jupyter
    demos = [(d.id, modules_dir() / d.notebook) for m in load_modules(modules_dir()) for d in m.demos
             if not args.demos or d.id in args.demos]
    load, rows = os.getloadavg(), []
    with tempfile.TemporaryDirectory(prefix="civicai-bench-kiosk-kernels-") as tmp:
        os.environ["HOME"] = str(Path(tmp) / "home")
        daemon = _templates(Path(tmp) / "noyaux", args.flavour)
        try:
            templates = [p.pid for p in psutil.Process(daemon.pid).children()]
            fixed = sum(_pss(pid)[0] for pid in templates)
            for demo, source in demos:
                # a forked kernel runs only in its caller's home (civicai.kernels.caller.enter): a copy there
                notebook = Path(tmp) / "home" / source.parent.name / source.name
                if not notebook.parent.exists():
                    shutil.copytree(source.parent, notebook.parent)
                row = {"demo": demo}
                for kind, folder in (("plain", ""), ("forked", str(Path(tmp) / "noyaux"))):
                    kms = _kernels(notebook, args.kernels, folder)
                    time.sleep(2)
                    pss, rss = zip(*(_pss(km.provisioner.pid) for km in kms))
                    row[kind] = {"pss_mb": statistics.mean(pss), "rss_mb": statistics.mean(rss)}
                    for km in kms:
                        km.shutdown_kernel(now=True)
                fixed = sum(_pss(pid)[0] for pid in templates)
                row["forked_with_templates_mb"] = row["forked"]["pss_mb"] + fixed / args.kernels
                rows.append(row)
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(30)
    print(f"\nKiosk kernels: {args.kernels} kernels of each kind per demo, alive together, template "
          f"{args.flavour}; load average "
          f"{load[0]:.1f} -> {os.getloadavg()[0]:.1f} on {psutil.cpu_count()} cores; templates {fixed:.0f} MB PSS")
    print(f"  {'demo':28s}{'plain PSS':>10s}{'forked PSS':>11s}{'+templates':>11s}{'plain RSS':>10s}{'forked RSS':>11s}")
    for r in rows:
        print(f"  {r['demo']:28s}{r['plain']['pss_mb']:10.1f}{r['forked']['pss_mb']:11.1f}"
              f"{r['forked_with_templates_mb']:11.1f}{r['plain']['rss_mb']:10.1f}{r['forked']['rss_mb']:11.1f}")
    return rows


if __name__ == "__main__":
    main(sys.argv[1:])
