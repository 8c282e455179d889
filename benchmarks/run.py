"""Run the kit's benchmarks: `make bench`, or `python benchmarks/run.py [NAME...]`.

Each `benchmarks/bench_<name>.py` exposes `main()` (parsing sys.argv, so each also runs alone with its
own options and defaults here), measures our set-up against a baseline in
the same run and prints ratios. With no NAME, all of them run, one after the other.
Each benchmark's energy is printed too (civicai.energy: « mesuré » by RAPL when readable, else « estimé » from
the CPU time of this process and of the processes it started and reaped, with its range).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def available() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))


def main(argv: list[str] | None = None) -> int:
    names = available()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"benchmarks to run, among: {', '.join(names)}")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(names))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose among {', '.join(names)}")
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE.parent))
    from civicai.energy.measure import measure

    failed, energies = [], []
    for name in args.names or names:
        print(f"\n=== {name} ===", flush=True)
        t0 = time.perf_counter()
        with measure() as meter:
            try:
                sys.argv = [f"bench_{name}.py"]
                importlib.import_module(f"bench_{name}").main()
            except Exception as error:  # one broken benchmark must not hide the others' figures
                print(f"{name} failed: {error!r}", file=sys.stderr)
                failed.append(name)
        energies.append(meter.energy)
        print(f"({name}: {time.perf_counter() - t0:.0f} s; énergie {meter.energy})", flush=True)
    if len(energies) > 1:
        print(f"\nénergie de tous les benchmarks : {sum(energies[1:], energies[0])}")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
