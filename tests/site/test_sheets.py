"""Unplugged sheets: printable PDFs checked with poppler (pdftotext, pdftoppm), and the glossaries."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
import yaml

from civicai import readability
from civicai.paths import modules_dir
from civicai.site import sheets

GLOSSARIES = sorted(modules_dir().glob("[0-9][0-9]-*/glossaire.yaml"))


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    site = tmp_path_factory.mktemp("site")
    return site, sheets.write_sheets(site, modules_dir())


@pytest.mark.slow
@pytest.mark.browser
def test_every_sheet_is_printed(printed):
    site, pdfs = printed
    numbers = sorted(int(p.name[:2]) for p in modules_dir().glob("[0-9][0-9]-*") if list(p.glob("[0-9][0-9]-*.ipynb")))
    expected = {"fiches/grille-chiffre.pdf", "fiches/cartes-vrai-ou-faux.pdf"}
    expected |= {f"fiches/reponses-module-{n}.pdf" for n in numbers}
    expected |= {f"fiches/glossaire-module-{n}.pdf" for n in numbers}
    assert set(pdfs) == expected
    assert all(pages >= 1 for pages in pdfs.values()) and pdfs["fiches/grille-chiffre.pdf"] == 1


@pytest.mark.slow
@pytest.mark.browser
def test_the_digit_grid_has_8_by_8_cells(printed, tmp_path):
    site, _ = printed
    subprocess.run(["pdftoppm", "-r", "40", "-gray", "-png", "-singlefile", str(site / "fiches/grille-chiffre.pdf"),
                    str(tmp_path / "grille")], check=True)
    import cv2

    dark = cv2.imread(str(tmp_path / "grille.png"), cv2.IMREAD_GRAYSCALE) < 128
    cols = np.flatnonzero(dark.mean(axis=0) > 0.25)   # the grid's vertical lines (text is never that tall)
    span = dark[:, cols.min():cols.max() + 1]
    rows = np.flatnonzero(span.mean(axis=1) > 0.9)    # its horizontal lines cross the whole grid
    count = lambda idx: int(np.sum(np.diff(idx) > 1)) + 1 if len(idx) else 0  # noqa: E731
    assert (count(rows), count(cols)) == (9, 9)


@pytest.mark.slow
@pytest.mark.browser
def test_claim_cards_show_only_checked_claims_and_their_sources(printed):
    from civicai.disinfo.corpus import read_rows
    from civicai.disinfo.game import GAME_DOUBTFUL, GAME_TRUE
    from civicai.disinfo.review import load_reviews

    site, _ = printed
    text = _text(site / "fiches/cartes-vrai-ou-faux.pdf")
    reviews = load_reviews()
    neutral = {r["id_fait"]: r for r in read_rows() if r["style"] == "neutre"}
    shown = [f for f in GAME_TRUE + GAME_DOUBTFUL if f in reviews and reviews[f].is_reviewed]
    hidden = [f for f in GAME_TRUE + GAME_DOUBTFUL if f not in shown]
    assert shown
    for f in shown:
        assert " ".join(neutral[f]["texte"].split()) in text
        assert " ".join(reviews[f].source_title.split()) in text
    for f in hidden:
        assert " ".join(neutral[f]["texte"].split()) not in text, f"{f} has no checked source"


@pytest.mark.slow
@pytest.mark.browser
def test_answer_sheets_list_every_numbered_question(printed):
    site, _ = printed
    for module in sorted(modules_dir().glob("[0-9][0-9]-*")):
        questions = sheets.module_questions(module)
        markdown = "".join("".join(c["source"]) for nb in sorted(module.glob("[0-9][0-9]-*.ipynb"))
                           for c in json.loads(nb.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "markdown")
        assert len(questions) == len(re.findall(r"\*\*(?:Question\s+\d|(?:Question\s+)?M\d+-Q\d)", markdown))
        if not questions:
            continue
        text = _text(site / f"fiches/reponses-module-{int(module.name[:2])}.pdf")
        assert [n for n in re.findall(r"Question (\d+(?:\.\d+)*)\.", text)] == [n for _, n, _ in questions]


@pytest.mark.slow
@pytest.mark.browser
def test_glossary_sheets_hold_every_term(printed):
    site, _ = printed
    for path in GLOSSARIES:
        text = _text(site / f"fiches/glossaire-module-{int(path.parent.name[:2])}.pdf")
        for term in yaml.safe_load(path.read_text(encoding="utf-8"))["terms"]:
            assert term["term"] in text


def test_every_module_with_notebooks_has_a_glossary():
    with_notebooks = {p.parent for p in modules_dir().glob("[0-9][0-9]-*/[0-9][0-9]-*.ipynb")}
    assert with_notebooks <= {p.parent for p in GLOSSARIES}


@pytest.mark.parametrize("path", GLOSSARIES, ids=lambda p: p.parent.name[:2])
def test_glossary_terms_belong_to_the_module_and_read_easily(path):
    terms = yaml.safe_load(path.read_text(encoding="utf-8"))["terms"]
    names = [t["term"].lower() for t in terms]
    assert len(names) == len(set(names)) >= 10
    module = path.parent
    text = " ".join(readability.notebook_text(p) for p in module.glob("[0-9][0-9]-*.ipynb"))
    text += (module / "README.md").read_text(encoding="utf-8") if (module / "README.md").exists() else ""
    for t in terms:
        assert t["term"].lower() in " ".join(text.lower().split()), f"« {t['term']} » n'apparaît pas dans le module"
        assert t["definition"].strip().endswith((".", "»", ")")), t["term"]
    figure = readability.measure("\n\n".join(t["definition"] for t in terms))
    assert figure.score >= readability.COLLEGE_BOUND, f"{figure.score:.0f}"
