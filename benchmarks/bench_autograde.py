"""Autograding a class: ours (sandboxed, parallel) vs plain `nbgrader autograde`, same submissions, same run.

For each exercise in exercises/source: a course in a temporary folder, N submissions made from the
solution (a third right, a third blank, a third with the first answer missing), then
  1. plain nbgrader: `nbgrader autograde <exercise>` in a copy of the course (one at a time, as nbgrader does);
  2. ours, cold: civicai.grading.autograde.autograde, one worker per core, every kernel started afresh;
  3. ours: the same with kernels forked from a warm template (the default).
Prints wall seconds and CPU seconds (user + system of this process and of the descendants it waited for), the
ratios, and checks all gave the same scores. For ours, the CPU of the warm templates and of the kernels they fork
is added as the templates report it (``autograde(stats=...)``): bubblewrap does not wait for the sandbox's first
process, so it never reaches this process's ``RUSAGE_CHILDREN``. Caveat: ours with cold kernels still misses its
kernels' CPU (each kernel's own bubblewrap), so its CPU figure is a lower bound.

    .venv/bin/python benchmarks/bench_autograde.py [--n 40] [--exercices m2-biais,m3-desinfo] [--sans-nbgrader]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "tests" / "grading")]


def make_class(course, exercise: str, n: int) -> None:
    import nbformat

    from gradingtools import answer_cells, solution_copy

    source = next((course.root / "source" / exercise).glob("*.ipynb"))
    release = course.root / "release" / exercise / source.name
    first = answer_cells(source)[:1]
    variants = [solution_copy(source, release), nbformat.read(release, as_version=4),
                solution_copy(source, release, keep_stub=tuple(first))]
    for i in range(n):
        dest = course.root / "submitted" / f"eleve{i:02d}" / exercise
        dest.mkdir(parents=True)
        nbformat.write(variants[i % 3], dest / source.name)
        (dest / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")


class Timer:
    """Wall seconds and CPU seconds (user + system, this process and its waited-for descendants) of a block.

    ``extra`` adds CPU seconds reported by processes this one cannot wait for (see the module's docstring)."""

    def __init__(self):
        self.extra: dict = {}

    @staticmethod
    def _cpu() -> float:
        return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                     resource.getrusage(resource.RUSAGE_CHILDREN)))

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), self._cpu()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = self._cpu() - self.cpu + self.extra.get("sandbox_cpu_s", 0.0)


def scores(course, exercise: str) -> dict:
    with course.gradebook() as gb:
        return {s.student.id: round(s.score, 3) for s in gb.find_assignment(exercise).submissions}


def bench(exercise: str, n: int, workers: int, baseline: bool, cold: bool) -> dict:
    from civicai.grading.autograde import Limits, autograde
    from civicai.grading.course import Course, create_course, ensure_tools_on_path

    ensure_tools_on_path()
    tmp = Path(tempfile.mkdtemp(prefix="bench-correction-"))
    try:
        ours = create_course(tmp / "ours" / "var", "bench", assignments=[exercise])
        make_class(ours, exercise, n)
        out = {"exercise": exercise, "n": n}
        from civicai.grading.course import write_config

        if cold:
            shutil.copytree(ours.root.parent.parent, tmp / "cold" / "var")
            cold_course = Course(tmp / "cold" / "var", "bench")
            write_config(cold_course)
            with Timer() as t:
                autograde(cold_course, exercise, workers=workers, limits=Limits(), warm_kernels=False)
            out["cold_s"], out["cold_cpu"] = t.wall, t.cpu
            out["cold_scores"] = scores(cold_course, exercise)
        if baseline:
            shutil.copytree(ours.root.parent.parent, tmp / "plain" / "var")
            plain = Course(tmp / "plain" / "var", "bench")
            write_config(plain)
            with Timer() as t:
                proc = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", exercise, "--force"],
                                      cwd=plain.root, capture_output=True, text=True)
            out["plain_s"], out["plain_cpu"] = t.wall, t.cpu
            if proc.returncode != 0:
                print(proc.stderr[-2000:], file=sys.stderr)
            out["plain_scores"] = scores(plain, exercise)
        with Timer() as t:
            results = autograde(ours, exercise, workers=workers, limits=Limits(), stats=t.extra)
        out["ours_s"], out["ours_cpu"] = t.wall, t.cpu
        out["ours_scores"] = scores(ours, exercise)
        out["flags"] = sum(len(r.flags) for r in results)
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    from civicai.grading.course import available_exercises

    warnings.filterwarnings("ignore")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="submissions per exercise (default 40)")
    parser.add_argument("--exercices", help="comma-separated exercises (default: all in exercises/source)")
    parser.add_argument("--processus", type=int, default=os.cpu_count(), help="workers (default: cores)")
    parser.add_argument("--sans-nbgrader", action="store_true", help="skip the plain nbgrader baseline")
    parser.add_argument("--sans-froid", action="store_true", help="skip ours with kernels started afresh")
    args = parser.parse_args()
    names = args.exercices.split(",") if args.exercices else available_exercises()
    if not names:
        print("no exercise in exercises/source")
        return
    print(f"{args.n} submissions per exercise, {args.processus} worker(s), {os.cpu_count()} core(s), "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    rows = []
    for name in names:
        r = bench(name, args.n, args.processus, not args.sans_nbgrader, not args.sans_froid)
        rows.append(r)
        line = (f"{name}: ours {r['ours_s']:.1f} s wall, {r['ours_cpu']:.1f} s CPU "
                f"({r['ours_s'] / args.n:.2f} s/submission)")
        if "cold_s" in r:
            line += (f"; ours with cold kernels {r['cold_s']:.1f} s wall, {r['cold_cpu']:.1f} s CPU, ratio cold/ours "
                     f"{r['cold_s'] / r['ours_s']:.2f} wall, {r['cold_cpu'] / r['ours_cpu']:.2f} CPU, "
                     f"same scores: {r['cold_scores'] == r['ours_scores']}")
        if "plain_s" in r:
            same = r["plain_scores"] == r["ours_scores"]
            line += (f"; plain nbgrader autograde {r['plain_s']:.1f} s wall, {r['plain_cpu']:.1f} s CPU; ratio "
                     f"plain/ours {r['plain_s'] / r['ours_s']:.2f} wall, {r['plain_cpu'] / r['ours_cpu']:.2f} CPU; "
                     f"same scores: {same}")
        goal = "met" if r["ours_s"] <= 60 else "NOT met"
        print(line + f"; goal 40 in <= 60 s wall: {goal} (load average now {os.getloadavg()[0]:.1f}); "
              f"CPU s / core count: {r['ours_cpu'] / (os.cpu_count() or 1):.1f} s; flags: {r['flags']}; "
              f"scores seen: {sorted(set(r['ours_scores'].values()))}", flush=True)
    print_summary(rows, args.n)


def print_summary(rows: list[dict], n: int) -> None:
    """One table for the whole run: what the lead copies into grading/README.md."""
    print(f"\nSummary ({n} copies per exercise, {os.cpu_count()} core(s), load average now "
          f"{os.getloadavg()[0]:.1f}; goal: 40 copies in <= 60 s wall)")
    print("| exercise | plain nbgrader s | ours s | ratio plain/ours | ours CPU s | same scores |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        plain = f"{r['plain_s']:.1f}" if "plain_s" in r else "-"
        ratio = f"{r['plain_s'] / r['ours_s']:.2f}" if "plain_s" in r else "-"
        same = ("yes" if r["plain_scores"] == r["ours_scores"] else "no") if "plain_scores" in r else "-"
        print(f"| {r['exercise']} | {plain} | {r['ours_s']:.1f} | {ratio} | {r['ours_cpu']:.1f} | {same} |",
              flush=True)


if __name__ == "__main__":
    main()
