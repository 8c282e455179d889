"""Energy of a module-5 workshop for 15 participants on one machine, from the kernels' measured work.

`python benchmarks/run.py energy` (or `python benchmarks/bench_energy.py --participants 15`).
Method: each notebook of the essential path runs once, top to bottom, in a fresh kernel (as a participant
runs it); the CPU time of the kernel process is read when it is reaped and turned into energy by
civicai.energy (RAPL when readable, otherwise CPU time x the per-core power, with its range). Baseline in
the same run: an empty notebook (a kernel started and stopped), so the notebooks' own work shows as a ratio.
A workshop = participants x (every notebook once). Left out: the machine's idle power during the 90
minutes, the hub and proxy, the screens, the network, and the manufacturing of the hardware.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]
from civicai.energy.experiments import workshop  # noqa: E402
from civicai.energy.measure import core_power, format_wh, measure  # noqa: E402
from civicai.energy.sources import GEMINI_PROMPT_WH  # noqa: E402
from testkit import execute_notebook  # noqa: E402

MODULE = REPO / "modules" / "05-ce-que-coute-l-ia"


def run(path: Path):
    """Run one notebook in a fresh kernel; its Energy (the kernel is our reaped child)."""
    with measure() as m:
        execute_notebook(path, timeout=300)
    return m.energy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=15)
    args = parser.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "vide.ipynb"
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, empty)
        baseline = run(empty)
    print(f"baseline (empty notebook, kernel start and stop): {baseline} "
          f"[{baseline.cpu_seconds:.2f} s CPU]")
    energies = []
    for path in sorted(MODULE.glob("0[1-9]-*.ipynb")):
        e = run(path)
        energies.append(e)
        print(f"{path.name}: {e} [{e.cpu_seconds:.2f} s CPU, {e.joules / baseline.joules:.1f} x baseline]")
    total = sum(energies[1:], energies[0])
    print(f"one participant, whole path: {total} [{total.cpu_seconds:.1f} s CPU]")
    print(f"workshop: {workshop(total, participants=args.participants)}")
    n = total.times(args.participants).wh / GEMINI_PROMPT_WH.value
    print(f"= the energy of about {n:.0f} median Gemini text prompts ({format_wh(GEMINI_PROMPT_WH.value)} each, "
          f"Google 2025)")
    power = core_power()
    print(f"method: {'RAPL counters' if total.measured else 'CPU time x per-core power'}; {power.watts} W per busy "
          f"core ({power.low}-{power.high} W): {power.basis}")


if __name__ == "__main__":
    main()
