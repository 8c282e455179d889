"""Helpers shared by the site tests (a plain module: tests/site has no conftest)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SITE_CONFIG = REPO / "site" / "site.yaml"


def build(out: Path, *args: str, modules: Path | None = None, datasets: Path | None = None,
          timeout: int = 1200) -> subprocess.CompletedProcess:
    """Run ``civicai site construire`` as a person would, offline, into ``out``."""
    cmd = [sys.executable, "-m", "civicai", "site", "construire", "--sortie", str(out), *args]
    if modules is not None:
        cmd += ["--modules", str(modules)]
    if datasets is not None:
        cmd += ["--donnees", str(datasets)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=REPO, env=env)


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def render_first_page(pdf: Path, out_prefix: Path) -> Path:
    """pdftoppm renders page 1 of ``pdf`` to PNG; returns the image."""
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(out_prefix)], check=True, capture_output=True, timeout=60)
    return out_prefix.with_suffix(".png")


def axe_serious(page) -> list[str]:
    """axe-core's serious and critical violations of the page shown, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} -> "
            + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                        for n in v["nodes"][:3])
            for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]


def check_page(page, html: Path) -> list[str]:
    """Open a built page in Chromium; return its accessibility problems (empty when fine)."""
    blocked = []
    page.route("**/*", lambda route: (blocked.append(route.request.url), route.abort())
               if not route.request.url.startswith(("file:", "data:")) else route.continue_())
    page.goto(html.as_uri(), wait_until="load")
    problems = []
    if page.evaluate("document.documentElement.lang") != "fr":
        problems.append(f"{html.name}: lang is not fr")
    if not page.title().strip():
        problems.append(f"{html.name}: no title")
    if not page.locator("h1").first.inner_text().strip():
        problems.append(f"{html.name}: no h1")
    no_alt = page.evaluate("[...document.images].filter(i => !i.hasAttribute('alt') || !i.alt.trim()).length")
    if no_alt:
        problems.append(f"{html.name}: {no_alt} images without alt")
    broken_imgs = page.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth === 0).length")
    if broken_imgs:
        problems.append(f"{html.name}: {broken_imgs} images did not load")
    if blocked:
        problems.append(f"{html.name}: requests leaving the site: {blocked}")
    problems += [f"{html.name}: {v}" for v in axe_serious(page)]
    return problems
