"""Shared fixtures: an isolated Jupyter environment, a cached notebook runner, Chromium, Voila."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from testkit import CHROMIUM, FAIRFACE_SAMPLE, execute_notebook, voila_server

pytest_plugins = ["fastlane"]  # unmarked tests may not start a process

# Keep Jupyter's per-user state out of the real home for the whole test session.
_JUPYTER_TMP = Path(os.environ.get("PYTEST_JUPYTER_TMP", "/tmp/civicai-test-jupyter"))
for _name, _sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                    ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython"),
                    ("MPLCONFIGDIR", "mpl")):
    os.environ.setdefault(_name, str(_JUPYTER_TMP / _sub))
    Path(os.environ[_name]).mkdir(parents=True, exist_ok=True)
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("PYTHONHASHSEED", "0")


@pytest.fixture(scope="session")
def run_notebook():
    """Fixture form of :func:`execute_notebook` (cached across the whole session)."""
    return execute_notebook


@pytest.fixture(scope="session")
def fairface_sample() -> Path:
    if not (FAIRFACE_SAMPLE / "labels.csv").is_file():
        pytest.skip(f"FairFace sample not found at {FAIRFACE_SAMPLE} (../shared/data)")
    return FAIRFACE_SAMPLE


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (no browser download works offline).

    Per test module, not per session: while Playwright's sync API is active its event loop counts as running,
    and every later ``asyncio.run`` in the session (hub, SLURM and service tests) would fail."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: run `make test`, which installs it")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture(scope="session")
def voila_url(tmp_path_factory):
    """Plain Voila serving ``modules/`` (the demos as the modules' authors test them)."""
    with voila_server(tmp_path_factory.mktemp("voila")) as url:
        yield url
