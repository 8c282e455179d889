"""Measure module 3's kiosk demos: kernel memory and time to usable buttons (not a test).

Usage: ``.venv/bin/python tests/disinfo/measure_disinfo_demos.py demo-vrai-ou-faux.ipynb ...``

For each demo: plain Voila on one notebook with one preheated kernel, wait until the pool
kernel has run the notebook, read the kernels' RSS, then open the page twice in headless
Chromium and time it until a demo button is visible. The port is probed with a TCP connect,
not an HTTP GET: each GET would take a kernel from the preheat pool.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
from playwright.sync_api import sync_playwright
from civicai.net import free_port

MODULE = Path(__file__).resolve().parents[2] / "modules" / "03-desinformation"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SETTLE = 60  # seconds for the pool kernel to run the notebook (busy 2-core machine)



def measure(name: str, visits: int = 2) -> None:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "voila", "--no-browser", f"--port={port}",
                             "--Voila.ip=127.0.0.1", "--preheat_kernel=True", "--pool_size=1",
                             str(MODULE / name)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=MODULE)
    try:
        for _ in range(600):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        time.sleep(SETTLE)
        rss = [k.memory_info().rss >> 20 for k in psutil.Process(proc.pid).children(recursive=True)]
        times = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for _ in range(visits):
                page = browser.new_page()
                start = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
                page.wait_for_selector(".civicai-kiosk button", timeout=120_000)
                times.append(round(time.perf_counter() - start, 2))
                page.close()
                time.sleep(SETTLE)  # let the pool refill
            browser.close()
        print(f"{name}: kernel RSS MB {rss}, time to interactive s {times}, "
              f"load {os.getloadavg()[0]:.1f}", flush=True)
    finally:
        proc.terminate()
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    for notebook in sys.argv[1:] or sorted(p.name for p in MODULE.glob("demo-*.ipynb")):
        measure(notebook)
