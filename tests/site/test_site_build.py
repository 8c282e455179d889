"""Does `civicai site construire` make a complete, linked, accessible site from a small fixture module?"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from linkcheck import check_site
from sitetools import SITE_CONFIG, build, check_page, pdf_pages, render_first_page

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Builds run `civicai site construire` in a subprocess, execute notebooks and print PDFs.
pytestmark = pytest.mark.slow
MODULE = "modules/01-module-essai"


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("site-cache")


@pytest.fixture(scope="module")
def built(tmp_path_factory, cache):
    out = tmp_path_factory.mktemp("fixture-site") / "site"
    proc = build(out, "--cache", str(cache), modules=FIXTURES / "modules",
                 datasets=FIXTURES / "datasets")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out, proc


def test_help_is_in_french():
    proc = build(Path("/nonexistent"), "--help")
    assert proc.returncode == 0
    assert "--sortie DOSSIER" in proc.stdout and "dossier où écrire le site" in proc.stdout
    assert "afficher cette aide" in proc.stdout


def test_every_page_is_built_and_demos_are_listed_not_rendered(built):
    out, proc = built
    for page in ["index.html", "style.css", f"{MODULE}/index.html", f"{MODULE}/01-premier.html",
                 f"{MODULE}/02-second.html", f"{MODULE}/guide-animation.html",
                 f"{MODULE}/fiche-participant.html", f"{MODULE}/fiche-participant.pdf",
                 f"{MODULE}/guide-animation.pdf", "datasets/index.html",
                 "datasets/petit-jeu/index.html", "datasets/petit-jeu/donnees.csv",
                 f"{MODULE}/images/schema.svg"]:
        assert (out / page).is_file(), page
    assert not list(out.rglob("demo-*")), "a kiosk demo was rendered as a page"
    module_page = (out / MODULE / "index.html").read_text(encoding="utf-8")
    assert "Démo d'essai" in module_page and "démo au kiosque" in module_page
    assert "Durée : 1 h 30" in module_page
    assert 'href="01-premier.html"' in module_page, "links to .ipynb must point at the pages"
    assert 'href="../../datasets/petit-jeu/index.html"' in module_page
    # quiz.yaml is not published: its link became plain text, and the build said so.
    assert "quiz.yaml" not in re.findall(r'href="([^"]+)"', module_page)
    assert "quiz.yaml" in proc.stdout
    assert "2 notebooks (2 exécutés, 0 repris du cache)" in proc.stdout


def test_notebook_pages_show_outputs_and_figures(built):
    out, _ = built
    page = (out / MODULE / "01-premier.html").read_text(encoding="utf-8")
    assert "valeur = 42" in page
    assert re.search(r'<img alt="Figure produite par le code ci-dessus"[^>]* src="data:image/png;base64,',
                     page), "the plot must be embedded, with a French text alternative"
    assert "élément interactif" in page, "a widget must be replaced by a French note"
    assert "<script" not in page


def test_no_broken_internal_link_and_no_external_asset(built):
    out, _ = built
    report = check_site(out)
    assert report.pages >= 8
    assert report.ok, (report.broken, report.external_assets, report.missing_anchors)
    cfg = yaml.safe_load(SITE_CONFIG.read_text(encoding="utf-8"))
    # The only links leaving the site: the hub and the kiosk of site/site.yaml.
    assert report.outbound == {cfg["hub"], cfg["borne"]}


def test_a_second_build_takes_notebooks_from_the_cache(built, cache, tmp_path):
    proc = build(tmp_path / "again", "--cache", str(cache), modules=FIXTURES / "modules",
                 datasets=FIXTURES / "datasets")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "2 notebooks (0 exécutés, 2 repris du cache)" in proc.stdout
    assert (tmp_path / "again" / MODULE / "01-premier.html").read_bytes() == \
        (built[0] / MODULE / "01-premier.html").read_bytes()


def test_a_failing_notebook_stops_the_build_and_keeps_the_old_site(built, tmp_path):
    out = tmp_path / "site"
    shutil.copytree(built[0], out)
    before = (out / "index.html").read_bytes()
    proc = build(out, "--sans-pdf", modules=FIXTURES / "broken")
    assert proc.returncode == 2
    assert "01-module-casse/01-casse.ipynb échoue à la cellule 3" in proc.stderr
    assert "ZeroDivisionError" in proc.stderr and "Traceback" not in proc.stderr
    assert (out / "index.html").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"], "a temporary folder was left"


def test_a_folder_that_is_not_a_site_is_never_overwritten(tmp_path):
    out = tmp_path / "mes-documents"
    out.mkdir()
    (out / "important.txt").write_text("à garder")
    proc = build(out, "--sans-pdf", "--sans-execution", modules=FIXTURES / "modules")
    assert proc.returncode == 2 and "ne sera pas écrasé" in proc.stderr
    assert (out / "important.txt").read_text() == "à garder"


def test_participant_handout_and_guide_pdfs_open_and_handout_fits_two_pages(built, tmp_path):
    out, _ = built
    handout = out / MODULE / "fiche-participant.pdf"
    assert 1 <= pdf_pages(handout) <= 2
    assert pdf_pages(out / MODULE / "guide-animation.pdf") >= 1
    png = render_first_page(handout, tmp_path / "fiche")
    assert png.stat().st_size > 5000, "page 1 rendered empty"


@pytest.mark.browser
def test_pages_render_accessibly_in_chromium(built, page):
    out, _ = built
    problems = []
    for rel in ["index.html", f"{MODULE}/index.html", f"{MODULE}/01-premier.html",
                f"{MODULE}/guide-animation.html", f"{MODULE}/fiche-participant.html",
                "datasets/petit-jeu/index.html"]:
        problems += check_page(page, out / rel)
    assert not problems, "\n".join(problems)
