"""Kiosk test helpers: a real `civicai kiosque` subprocess, a generic demo interaction."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import requests

from civicai import procs
from testkit import REPO, free_port, wait_http


FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_DEMOS = FIXTURES / "demos" / "demos.yaml"
ONE_DEMO = FIXTURES / "demos" / "un-seul.yaml"
MODULE_DEMOS = None  # no --demos: the kit's own gallery, from the modules' module.yaml files

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


def wait_for_control(page, timeout: float = 120_000) -> None:
    """Wait until some control of the demo is visible.

    Not ``page.wait_for_selector(ANY_CONTROL, state="visible")``: Playwright checks only the first element
    the selector finds, so one hidden control early in the page (a slider handle not laid out yet, a
    widget another cell hides) made it wait for its whole timeout while other controls were usable.
    """
    page.wait_for_function("""sel => [...document.querySelectorAll(sel)].some(e => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';
    })""", arg=ANY_CONTROL, timeout=timeout)


class KioskServer:
    """`python -m civicai kiosque` in a subprocess, with its own Jupyter folders and log."""

    def __init__(self, demos: Path | None, workdir: Path, *, idle: float = 120, max_visitors: int = 3,
                 pool: int = 1, orphan: float = 15, warmup: bool = True, launcher: Path | None = None,
                 hub: str | None = None, env: dict | None = None):
        self.demos, self.workdir, self.extra_env = demos, Path(workdir), dict(env or {})
        # The command: `python -m civicai kiosque`, or a test script that takes the same arguments.
        self.command = [str(launcher), "kiosque"] if launcher else ["-m", "civicai", "kiosque"]
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log_path = self.workdir / "kiosk.log"
        self.args = ["--port", str(self.port), *(["--demos", str(demos)] if demos else []), "--inactivite", str(idle),
                     "--max-visiteurs", str(max_visitors), "--reserve", str(pool),
                     "--delai-abandon", str(orphan)] + ([] if warmup else ["--sans-prechauffage"]) + (
                     ["--hub", hub] if hub else [])
        self.proc: subprocess.Popen | None = None

    def start(self, n_pools: int, timeout: float = 300) -> "KioskServer":
        env = dict(os.environ)
        for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
            d = self.workdir / name.lower()
            d.mkdir(parents=True, exist_ok=True)
            env[name] = str(d)
        env["PYTHONWARNINGS"] = "ignore::DeprecationWarning"
        env.update(self.extra_env)
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen([sys.executable, *self.command, *self.args],
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
        return [k for k in self.status()["kernels"] if k["visitor"]]

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
        if self.proc:
            procs.stop(self.proc, 20)
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
    wait_for_control(page, timeout)
    return time.perf_counter() - t0


def _change(page, kind: str, control) -> None:
    if kind == "slider":
        control.focus()
        for _ in range(3):
            control.press("ArrowRight")
    elif kind == "dropdown":
        current = control.input_value()
        values = control.evaluate("s => [...s.options].map(o => o.value)")
        others = [v for v in values if v != current]
        assert others, "a dropdown with a single choice cannot be changed"
        control.select_option(others[0])
    elif kind == "text":
        control.fill("bonjour la borne")
        control.press("Enter")
    elif kind == "canvas":
        box = control.bounding_box()
        x0, y0 = box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.2
        page.mouse.move(x0, y0)
        page.mouse.down()
        for i in range(1, 11):
            page.mouse.move(x0 + box["width"] * 0.04 * i, y0 + box["height"] * 0.06 * i)
        page.mouse.up()
    else:
        control.click()


def interact_once(page, timeout: float = 20, tries: int = 4) -> str:
    """Change controls one by one (first found first) until an output changes; return the kind.

    A drawing canvas (ipycanvas) gets a stroke first: a demo's first button is often
    "Effacer", which changes nothing on an empty drawing. At most ``tries`` controls.
    """
    wait_for_control(page)
    page.wait_for_function("() => !document.querySelector('#loading')", timeout=timeout * 1000)
    candidates = []
    canvas = page.locator("#rendered_cells canvas")
    if canvas.count() and canvas.first.is_visible():
        candidates.append(("canvas", canvas.first))
    for kind, selector in CONTROLS:
        for control in page.locator(selector).all():
            if control.is_visible() and control.is_enabled():
                candidates.append((kind, control))
    assert candidates, "no control found on the demo page"
    tried = []
    drew = False
    for kind, control in candidates[:tries + (1 if candidates[0][0] == "canvas" else 0)]:
        before = snapshot(page)
        _change(page, kind, control)
        drew = drew or kind == "canvas"
        per_control = timeout if kind != "canvas" else 5
        deadline = time.monotonic() + per_control
        while time.monotonic() < deadline:
            if snapshot(page) != before:
                return kind if not drew or kind == "canvas" else f"canvas+{kind}"
            time.sleep(0.2)
        tried.append(kind)
    raise AssertionError(f"no output changed after trying: {tried}")
