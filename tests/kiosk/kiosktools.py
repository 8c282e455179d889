"""Kiosk test helpers: a real `civicai kiosk` subprocess, a generic demo interaction."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import requests


REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 60, proc=None, ok=lambda status: status < 500) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before {url} answered")
        try:
            if ok(requests.get(url, timeout=2).status_code):
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout} s")

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_DEMOS = FIXTURES / "demos" / "demos.yaml"
ONE_DEMO = FIXTURES / "demos" / "un-seul.yaml"
MODULE_DEMOS = REPO / "modules" / "demos.yaml"

# Selectors of the first control a generic interaction tries, in this order.
CONTROLS = [
    ("slider", ".widget-slider .noUi-handle"),
    ("dropdown", ".widget-dropdown select"),
    ("button", "button.widget-button"),
    ("toggle", "button.widget-toggle-button"),
    ("radio", ".widget-radio-box input[type=radio]"),
    ("checkbox", ".widget-checkbox input[type=checkbox]"),
    ("text", ".widget-text input[type=text], .widget-textarea textarea"),
]
ANY_CONTROL = ", ".join(sel for _, sel in CONTROLS)


class KioskServer:
    """`python -m civicai kiosk` in a subprocess, with its own Jupyter folders and log."""

    def __init__(self, demos: Path, workdir: Path, *, idle: float = 120, max_visitors: int = 3,
                 pool: int = 1, orphan: float = 15):
        self.demos, self.workdir = Path(demos), Path(workdir)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log_path = self.workdir / "kiosk.log"
        self.args = ["--port", str(self.port), "--demos", str(self.demos), "--inactivite", str(idle),
                     "--max-visiteurs", str(max_visitors), "--reserve", str(pool),
                     "--delai-abandon", str(orphan)]
        self.proc: subprocess.Popen | None = None

    def start(self, n_pools: int, timeout: float = 300) -> "KioskServer":
        env = dict(os.environ)
        for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
            d = self.workdir / name.lower()
            d.mkdir(parents=True, exist_ok=True)
            env[name] = str(d)
        env["PYTHONWARNINGS"] = "ignore::DeprecationWarning"
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen([sys.executable, "-m", "civicai", "kiosk", *self.args],
                                     stdout=self._log, stderr=subprocess.STDOUT, cwd=self.workdir,
                                     env=env)
        try:
            self._wait_ready(n_pools, timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, n_pools: int, timeout: float) -> None:
        wait_http(self.url + "kiosque/etat", timeout=180, proc=self.proc, ok=lambda s: s == 200)
        deadline = time.monotonic() + timeout
        while len(re.findall(r"Kernel pool of .* is filled", self.log())) < n_pools:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"kiosk pools not ready:\n{self.log()[-4000:]}")
            time.sleep(0.3)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def status(self) -> dict:
        return requests.get(self.url + "kiosque/etat", timeout=10).json()

    def visitor_kernels(self) -> list[dict]:
        return [k for k in self.status()["noyaux"] if k["visiteur"]]

    def wait_visitors(self, n: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            got = len(self.visitor_kernels())
            if got == n:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{got} visitor kernels, expected {n}:\n{self.log()[-3000:]}")
            time.sleep(0.3)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if getattr(self, "_log", None):
            self._log.close()


def snapshot(page) -> str:
    """What a visitor sees in the outputs: HTML, images and canvas pixels (not the controls)."""
    return page.evaluate("""() => {
        const root = document.querySelector('#rendered_cells') || document.body;
        const clone = root.cloneNode(true);
        clone.querySelectorAll('.widget-slider, .widget-dropdown, .widget-button, .widget-toggle-button,'
            + ' .widget-radio, .widget-checkbox, .widget-text, .widget-textarea').forEach(e => e.remove());
        const canvases = [...root.querySelectorAll('canvas')].map(c => { try { return c.toDataURL(); } catch (e) { return ''; } });
        return clone.innerHTML + canvases.join('');
    }""")


def open_demo(page, url: str, timeout: float = 120_000) -> float:
    """Go to a demo page and wait for its first control; return the seconds it took."""
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_selector(ANY_CONTROL, state="visible", timeout=timeout)
    return time.perf_counter() - t0


def interact_once(page, timeout: float = 20) -> str:
    """Change the first control found and wait for an output to change; return its kind."""
    page.wait_for_selector(ANY_CONTROL, state="visible", timeout=120_000)
    for kind, selector in CONTROLS:
        control = page.locator(selector).first
        if control.count() == 0 or not control.is_visible():
            continue
        # The kernel must be connected before the change means anything.
        page.wait_for_function("() => !document.querySelector('#loading')", timeout=timeout * 1000)
        before = snapshot(page)
        if kind == "slider":
            control.focus()
            for _ in range(3):
                control.press("ArrowRight")
        elif kind == "dropdown":
            options = control.locator("option").all_inner_texts()
            current = control.input_value()
            values = control.evaluate("s => [...s.options].map(o => o.value)")
            target = next(v for v in values if v != current) if len(values) > 1 else current
            assert len(options) > 1, "a dropdown with a single choice cannot be changed"
            control.select_option(target)
        elif kind == "text":
            control.fill("bonjour la borne")
            control.press("Enter")
        else:
            control.click()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if snapshot(page) != before:
                return kind
            time.sleep(0.2)
        raise AssertionError(f"changing the first {kind} did not change any output in {timeout} s")
    raise AssertionError("no control found on the demo page")
