"""Kiosk benchmark: time to a visible widget per demo, ours vs plain Voila vs preheated Voila.

All three run in the same process, interleaved demo by demo, so that they share the
machine's load (on a shared 2-core machine absolute times drift; the ratios hold better):

* ``plain``   : ``voila demo.ipynb`` (a kernel starts and runs the notebook per visit);
* ``preheat`` : ``voila demo.ipynb --preheat_kernel=True`` (Voila's defaults: pool of 1);
* ``kiosk``   : ``civicai kiosque`` (preheated pool, trimmed front-end, cached static files).

For each visit: navigation, then the time until the first control of the demo (slider,
dropdown, button...) is visible. ``cold`` is the first visit in a fresh browser profile;
``warm`` is the next visit in the same tab, after a pause that lets the pools refill: a
kiosk's Chromium has one tab, always on, so its cache and its compiled scripts are warm.
``gallery`` (kiosk only) is what the first visitor after Chromium starts gets: a fresh profile
opens the gallery, which warms the browser with a hidden demo (gallery.js), then the demo.
Also printed: the memory (RSS and USS) of a visitor kernel of the kiosk, and the kernels each server still runs after the visits (the leak of
Voila issue #1458 against the kiosk's shutdown and reaper).

Usage: ``python benchmarks/bench_kiosk.py [--demos FILE] [--repeats N] [--json OUT]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from civicai.kiosk.catalog import kit_catalog, load_catalog  # noqa: E402
from civicai.net import free_port  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CONTROL = (".widget-slider .noUi-handle, .widget-dropdown select, button.widget-button, "
           "button.widget-toggle-button, .widget-radio-box input, .widget-checkbox input, "
           ".widget-text input, .widget-textarea textarea, canvas")
MODES = ("plain", "preheat", "kiosk")


def _env(workdir: Path) -> dict:
    env = dict(os.environ)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR",
                 "MPLCONFIGDIR"):
        d = workdir / name.lower()
        d.mkdir(parents=True, exist_ok=True)
        env[name] = str(d)
    env.pop("MPLBACKEND", None)
    env["PYTHONWARNINGS"] = "ignore"
    return env


class Server:
    def __init__(self, cmd: list[str], url: str, workdir: Path, ready: str):
        self.url, self.workdir = url, workdir
        self.log = workdir / "server.log"
        self._fh = open(self.log, "w")
        self.proc = subprocess.Popen(cmd, stdout=self._fh, stderr=subprocess.STDOUT, cwd=workdir,
                                     env=_env(workdir))
        deadline = time.monotonic() + 300
        while ready not in self.log.read_text(errors="replace"):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"server not ready: {cmd}\n{self.log.read_text()[-3000:]}")
            time.sleep(0.3)

    def kernels(self) -> list[psutil.Process]:
        try:
            kids = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        return [p for p in kids if "ipykernel" in " ".join(p.cmdline())]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._fh.close()


def start_voila(notebook: Path, preheat: bool, tmp: Path) -> Server:
    port = free_port()
    cmd = [sys.executable, "-m", "voila", "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
           str(notebook)]
    if preheat:
        cmd.append("--preheat_kernel=True")
    ready = "is filled with" if preheat else "Voilà is running at"
    return Server(cmd, f"http://127.0.0.1:{port}/", Path(tempfile.mkdtemp(dir=tmp)), ready)


def start_kiosk(demos_file: Path | None, n_demos: int, tmp: Path) -> Server:
    port = free_port()
    cmd = [sys.executable, "-m", "civicai", "kiosque", "--port", str(port),
           *(["--demos", str(demos_file)] if demos_file else []),
           "--max-visiteurs", "3", "--delai-abandon", "10"]
    server = Server(cmd, f"http://127.0.0.1:{port}/", Path(tempfile.mkdtemp(dir=tmp)), "Voilà is running")
    deadline = time.monotonic() + 300
    while server.log.read_text(errors="replace").count("is filled with") < n_demos:
        if time.monotonic() > deadline:
            raise RuntimeError("kiosk pools not filled")
        time.sleep(0.3)
    return server


def visit(page, url: str, timeout_s: float = 120) -> float:
    """Seconds from navigation to the first visible control (NaN after ``timeout_s``)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    t0 = time.perf_counter()
    try:
        page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        page.wait_for_selector(CONTROL, state="visible", timeout=timeout_s * 1000)
        return time.perf_counter() - t0
    except PlaywrightTimeout:
        print(f"TIMEOUT after {timeout_s:.0f} s: {url}", flush=True)
        return float("nan")


@contextlib.contextmanager
def fresh_tab(browser):
    """A tab in a fresh browser profile; on leaving, the page's goodbye shuts the kiosk kernel."""
    context = browser.new_context()
    page = context.new_page()
    try:
        yield page
    finally:
        page.goto("about:blank")
        context.close()


def kiosk_visitor_memory(server: Server, browser, url: str) -> dict:
    with fresh_tab(browser) as page:
        page.goto(url, wait_until="commit")
        page.wait_for_selector(CONTROL, state="visible", timeout=180_000)
        time.sleep(1.0)
        status = requests.get(server.url + "kiosque/etat", timeout=10).json()
        visitors = [k for k in status["kernels"] if k["visitor"]]
        out = {}
        if visitors:
            info = psutil.Process(visitors[0]["pid"]).memory_full_info()
            out = {"rss_mb": info.rss / 2**20, "uss_mb": info.uss / 2**20}
    return out


def _stop_on_sigterm() -> None:
    """Turn SIGTERM into an exception, so that the servers started here are stopped."""
    import signal

    def handler(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--demos", type=Path, help="a demos.yaml file (default: the kit's gallery)")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--pause", type=float, default=8.0, help="seconds between visits (pool refill)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    args.demos = args.demos.resolve() if args.demos else None

    from playwright.sync_api import sync_playwright

    _stop_on_sigterm()
    catalog = load_catalog(args.demos) if args.demos else kit_catalog()
    demos = catalog.available()
    for d in catalog.missing():
        print(f"MISSING demo (not measured): {d.notebook}")
    if not demos:
        print("no demo to measure")
        return 1
    tmp = Path(tempfile.mkdtemp(prefix="civicai-bench-kiosk-"))
    times: dict = {m: {d.id: {"cold": [], "warm": []} for d in demos} for m in MODES}
    from_gallery: dict = {d.id: [] for d in demos}
    memory, leftovers = {}, {}
    load_before = os.getloadavg()
    kiosk = start_kiosk(args.demos, len(demos), tmp)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for demo in demos:
                nb = demo.notebook_path(catalog.root)
                servers = {"plain": start_voila(nb, False, tmp), "preheat": start_voila(nb, True, tmp),
                           "kiosk": kiosk}
                try:
                    for _ in range(args.repeats):
                        for mode in MODES:
                            url = servers[mode].url + (f"demo/{demo.id}" if mode == "kiosk" else "")
                            with fresh_tab(browser) as page:
                                times[mode][demo.id]["cold"].append(visit(page, url))
                                time.sleep(args.pause)
                                times[mode][demo.id]["warm"].append(visit(page, url))
                            time.sleep(args.pause)
                        with fresh_tab(browser) as page:
                            page.goto(kiosk.url, wait_until="load")
                            page.wait_for_selector("body[data-warmup]", timeout=120_000)
                            time.sleep(args.pause)
                            from_gallery[demo.id].append(visit(page, kiosk.url + f"demo/{demo.id}"))
                        time.sleep(args.pause)
                    memory[demo.id] = kiosk_visitor_memory(kiosk, browser, kiosk.url + f"demo/{demo.id}")
                    time.sleep(args.pause)
                    visits = 2 * args.repeats
                    leftovers[demo.id] = {m: len(servers[m].kernels()) for m in ("plain", "preheat")}
                    leftovers[demo.id]["visits"] = visits
                finally:
                    servers["plain"].stop()
                    servers["preheat"].stop()
                print(f"measured {demo.id}", flush=True)
            time.sleep(12)  # let the kiosk's reaper pass
            leftovers["kiosk_total_after_all"] = len(kiosk.kernels())
            leftovers["kiosk_pool_size"] = len(demos)
            browser.close()
    finally:
        kiosk.stop()
    load_after = os.getloadavg()

    def med(xs):
        xs = [x for x in xs if x == x]   # timeouts (NaN) are reported, not averaged
        return statistics.median(xs) if xs else float("nan")

    print(f"\nload average before {load_before[0]:.1f}, after {load_after[0]:.1f} (2 cores)")
    print(f"{'demo':24} {'visit':5} {'plain s':>8} {'preheat s':>9} {'kiosk s':>8} "
          f"{'kiosk/plain':>11} {'kiosk/preheat':>13}")
    summary = {}
    for demo in demos:
        for kind in ("cold", "warm"):
            p, h, k = (med(times[m][demo.id][kind]) for m in MODES)
            summary.setdefault(demo.id, {})[kind] = {"plain": p, "preheat": h, "kiosk": k}
            print(f"{demo.id:24} {kind:5} {p:8.2f} {h:9.2f} {k:8.2f} {k / p:11.2f} {k / h:13.2f}")
    for kind in ("cold", "warm"):
        for mode in MODES:
            xs = [summary[d.id][kind][mode] for d in demos]
            n_to = sum(1 for d in demos for x in times[mode][d.id][kind] if x != x)
            print(f"median over demos, {kind}, {mode:7}: {statistics.median(xs):.2f} s "
                  f"({n_to} timeouts)")
    gallery = statistics.median(med(from_gallery[d.id]) for d in demos)
    cold_plain = statistics.median(summary[d.id]["cold"]["plain"] for d in demos)
    print(f"median over demos, first visit from a fresh gallery (after its warm-up), kiosk: {gallery:.2f} s; "
          f"ratio to plain Voila's cold visit {gallery / cold_plain:.2f}; slowest demo "
          f"{max(med(from_gallery[d.id]) for d in demos):.2f} s")
    print("\nkiosk visitor kernel memory (MB):")
    for demo_id, m in memory.items():
        if m:
            print(f"  {demo_id:24} RSS {m['rss_mb']:6.0f}  USS {m['uss_mb']:6.0f}")
    print("\nkernels still running after the visits (a kiosk visit leaves none):")
    for demo_id, left in leftovers.items():
        if isinstance(left, dict):
            print(f"  {demo_id:24} {left['visits']} visits -> plain {left['plain']}, "
                  f"preheat {left['preheat']} (pool included)")
    print(f"  kiosk: {leftovers['kiosk_total_after_all']} kernels after all visits "
          f"(its pool: {leftovers['kiosk_pool_size']})")
    if args.json:
        args.json.write_text(json.dumps({"times": times, "from_gallery": from_gallery, "summary": summary,
                                         "memory": memory,
                                         "leftovers": leftovers, "load": [load_before, load_after]},
                                        indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
