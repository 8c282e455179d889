"""Does the site build from the real modules/ of the checkout, offline, complete and accessible?

The notebooks run once per session (CIVICAI_EXECUTED_CACHE, when set, keeps them between runs).
"""

from __future__ import annotations

import os
import re

import pytest
import yaml

from linkcheck import check_site
from civicai.catalog import load_modules
from civicai.site.content import discover_modules
from testkit import FAIRFACE_SAMPLE
from sitetools import REPO, SITE_CONFIG, build, check_page, pdf_pages, render_first_page

pytestmark = pytest.mark.slow
MODULES = discover_modules(REPO / "modules")
OWN_LAW = {m.slug for m in load_modules(REPO / "modules") if m.law and m.law.parent == m.folder}


@pytest.fixture(scope="module")
def real_site(tmp_path_factory):
    cache = os.environ.get("CIVICAI_EXECUTED_CACHE") or str(tmp_path_factory.mktemp("executed"))
    out = tmp_path_factory.mktemp("real-site") / "site"
    saved = os.environ.get("CIVICAI_FAIRFACE_DIR")
    if FAIRFACE_SAMPLE.is_dir():  # as tests/test_notebooks.py runs them
        os.environ["CIVICAI_FAIRFACE_DIR"] = str(FAIRFACE_SAMPLE)
    try:
        proc = build(out, "--cache", cache, "--paralleles", "2")
    finally:
        if saved is None:
            os.environ.pop("CIVICAI_FAIRFACE_DIR", None)
        else:
            os.environ["CIVICAI_FAIRFACE_DIR"] = saved
    assert proc.returncode == 0, proc.stderr[-4000:]
    print(proc.stdout)
    return out, proc.stdout


def test_there_are_modules():
    assert len(MODULES) >= 3, [m.slug for m in MODULES]


def test_each_module_has_its_pages_and_notebooks_but_no_demo_page(real_site):
    out, _ = real_site
    assert (out / "index.html").is_file()
    for m in MODULES:
        base = out / "modules" / m.slug
        assert (base / "index.html").is_file(), m.slug
        for nb in m.notebooks:
            page = (base / f"{nb.slug}.html").read_text(encoding="utf-8")
            assert "jp-Cell" in page, f"{nb.slug}: no cell rendered"
        if m.guide is not None:
            assert (base / "guide-animation.html").is_file() and (base / "guide-animation.pdf").is_file()
        if m.slug not in OWN_LAW:  # module 4 cites module 3's sheet, module 5 states no legal fact
            continue
        assert m.law is not None, f"{m.slug}: no etat-du-droit.md"
        law = (base / "etat-du-droit.html").read_text(encoding="utf-8")
        assert "Règlement (UE) 2024/1689" in law and 'href="etat-du-droit.html"' in (
            base / "index.html").read_text(encoding="utf-8"), m.slug
    assert not list(out.rglob("demo-*.html"))
    home = (out / "index.html").read_text(encoding="utf-8")
    assert all(f"modules/{m.slug}/index.html" in home for m in MODULES)


def test_notebook_pages_carry_their_figures(real_site):
    out, _ = real_site
    with_figures = [p for p in out.glob("modules/*/*.html")
                    if 'src="data:image/png;base64,' in p.read_text(encoding="utf-8")]
    assert len(with_figures) >= len(MODULES), "plots are missing from the notebook pages"


def test_no_broken_link_no_external_asset_and_outbound_links_are_justified(real_site):
    out, _ = real_site
    report = check_site(out)
    assert report.ok, (report.broken[:20], report.external_assets[:20], report.missing_anchors[:20])
    cfg = yaml.safe_load(SITE_CONFIG.read_text(encoding="utf-8"))
    sources = "\n".join(p.read_text(encoding="utf-8", errors="replace")
                        for folder in ("modules", "datasets", "site")
                        for p in (REPO / folder).rglob("*")
                        if p.suffix in (".md", ".ipynb", ".yaml") and "_build" not in p.parts)
    # Leaving the site is allowed only by a plain <a> to the hub, the kiosk, or a source the
    # authors cited in the text.
    unexplained = {u for u in report.outbound - {cfg["hub"], cfg["borne"]} if u not in sources}
    assert not unexplained, unexplained
    print("outbound links:", sorted(report.outbound))


def test_handouts_are_complete_and_fit_two_pages(real_site, tmp_path):
    out, stdout = real_site
    for m in MODULES:
        pdf = out / "modules" / m.slug / "fiche-participant.pdf"
        assert 1 <= pdf_pages(pdf) <= 2, m.slug
        assert render_first_page(pdf, tmp_path / m.slug).stat().st_size > 5000
        if (REPO / "site" / "fiches" / f"{m.slug}.yaml").is_file():
            assert f"Fiche participant du module {m.slug} incomplète" not in stdout
        html = (out / "modules" / m.slug / "fiche-participant.html").read_text(encoding="utf-8")
        assert len(re.findall(r"<li>", html)) >= 6  # ideas + three questions


@pytest.mark.browser
def test_home_module_and_notebook_pages_are_accessible_in_chromium(real_site, page):
    out, _ = real_site
    pages = [out / "index.html"] + [out / "modules" / m.slug / "index.html" for m in MODULES]
    pages += sorted(out.glob("modules/*/0*.html")) + sorted(out.glob("modules/*/guide-animation.html"))
    pages += sorted(out.glob("modules/*/fiche-participant.html")) + sorted(out.glob("datasets/**/*.html"))
    problems = []
    for html in pages:
        problems += check_page(page, html)
    assert not problems, "\n".join(problems)
