"""Printable sheets for workshops without enough screens, printed to PDF by the site build.

In ``<site>/fiches/``: an 8x8 grid to draw a digit (module 1's digits are 8x8 images), the claim
cards of the « Vrai ou faux ? » game (only claims whose fact was checked against a source, with
the source on the facilitator's page), one answer sheet per module (its numbered questions, read
from the notebooks) and one glossary per module (``modules/NN-slug/glossaire.yaml``).
"""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path

FOLDER = "fiches"
STYLE = """
@page { size: A4; margin: 14mm; }
body { font-family: sans-serif; font-size: 12pt; color: #000; }
h1 { font-size: 18pt; margin: 0 0 4mm; } h2 { font-size: 14pt; margin: 6mm 0 2mm; }
.grid { border-collapse: collapse; margin: 4mm auto; }
.grid td { width: 19mm; height: 19mm; border: 0.6mm solid #000; }
.cards { display: grid; grid-template-columns: 1fr 1fr; gap: 4mm; }
.card { border: 0.4mm dashed #000; padding: 4mm; min-height: 38mm; break-inside: avoid; }
.card b { display: block; margin-bottom: 2mm; }
.question { break-inside: avoid; margin-bottom: 3mm; }
.lines { border-bottom: 0.3mm solid #888; height: 8mm; }
dt { font-weight: bold; margin-top: 3mm; } dd { margin: 1mm 0 0 0; }
.page { break-before: page; }
"""
# « **Question 2.7.** text » or « **M4-Q2.** text », up to a blank line or the next question (lists put several
# in a cell); both are question 2.7 / 4.2 of the kit (ids M2-Q7, M4-Q2)
_QUESTION = re.compile(r"\*\*(?:Question\s+(\d+(?:\.\d+)*)|(?:Question\s+)?M(\d+)-Q(\d+))\.?\*\*\.?\s*"
                       r"(.+?)(?=\n\s*\n|\n\s*(?:[-*]|\d+\.)?\s*\*\*(?:Question|M\d+-Q)|\Z)", re.DOTALL)


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{STYLE}</style></head><body>{body}</body></html>")


def digit_grid() -> str:
    cells = "".join("<tr>" + "<td></td>" * 8 + "</tr>" for _ in range(8))
    return _page("Grille pour dessiner un chiffre", (
        "<h1>Dessinez un chiffre</h1>"
        "<p>Choisissez un chiffre de 0 à 9 et dessinez-le en noircissant des cases. Une machine qui lit "
        "les chiffres voit exactement ça : 64 cases, chacune plus ou moins foncée. Échangez votre feuille "
        "avec une autre personne : devine-t-elle votre chiffre ? Quelles cases l'ont aidée ?</p>"
        f'<table class="grid">{cells}</table>'
        "<p>Mon chiffre : ........ &nbsp;&nbsp; Ce que l'autre personne a deviné : ........</p>"))


def module_questions(module: Path) -> list[tuple[str, str, str]]:
    """(notebook, number, question) for each numbered question of the module's learner notebooks."""
    found = []
    for path in sorted(Path(module).glob("[0-9][0-9]-*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "markdown":
                for number, module_no, question_no, text in _QUESTION.findall("".join(cell["source"])):
                    number = number or f"{module_no}.{question_no}"
                    found.append((path.name, number, " ".join(text.split())))
    return found


def _plain(markdown: str) -> str:
    return escape(re.sub(r"[*_`]", "", markdown))


def answer_sheet(title: str, questions: list[tuple[str, str, str]]) -> str:
    items = "".join(f'<div class="question"><p><b>Question {escape(n)}.</b> {_plain(q)}</p>'
                    + '<div class="lines"></div>' * 3 + "</div>" for _, n, q in questions)
    return _page(f"Feuille de réponses : {title}", (
        f"<h1>Feuille de réponses</h1><p>{escape(title)}</p>"
        "<p>Prénom ou pseudo : ..................................</p>" + items))


def glossary_sheet(title: str, terms: list[dict]) -> str:
    items = "".join(f"<dt>{escape(t['term'])}</dt><dd>{escape(t['definition'])}</dd>"
                    for t in sorted(terms, key=lambda t: t["term"].lower()))
    return _page(f"Glossaire : {title}", f"<h1>Glossaire</h1><p>{escape(title)}</p><dl>{items}</dl>")


def game_cards() -> str:
    """The game's claims (neutral wording) on cards, then the answers with their checked sources."""
    from civicai.disinfo.corpus import read_rows
    from civicai.disinfo.game import GAME_DOUBTFUL, GAME_TRUE
    from civicai.disinfo.review import load_reviews
    from civicai.disinfo.verdicts import LABEL_FEMININE

    reviews = load_reviews()
    rows = {r["id_fait"]: r for r in read_rows() if r["style"] == "neutre"}
    facts = [f for f in GAME_TRUE + GAME_DOUBTFUL if f in rows and f in reviews and reviews[f].is_reviewed]
    facts.sort()
    cards = "".join(f'<div class="card"><b>Carte {i}</b>{escape(rows[f]["texte"])}</div>'
                    for i, f in enumerate(facts, 1))
    answers = "".join(
        f'<div class="question"><b>Carte {i} : {escape(LABEL_FEMININE[rows[f]["etiquette"]])}.</b> '
        f'{escape(rows[f]["explication"])}<br><i>Source vérifiée le {escape(reviews[f].reviewed_on)} : '
        f'{escape(reviews[f].source_title)}, {escape(reviews[f].source_publisher)}, '
        f'{escape(reviews[f].source_date)}{", " + escape(reviews[f].source_link) if reviews[f].source_link else ""}'
        f"</i></div>" for i, f in enumerate(facts, 1))
    return _page("Vrai ou faux ? Les cartes", (
        "<h1>Vrai ou faux ? Les cartes</h1><p>Découpez les cartes. Pour chaque carte, le groupe décide : "
        "vrai ou faux ? Puis il dit comment il pourrait le vérifier.</p>"
        f'<div class="cards">{cards}</div>'
        '<div class="page"><h1>Les réponses (pour la personne qui anime)</h1>'
        f"{answers}</div>"))


def write_sheets(site_dir: Path, modules_dir: Path) -> dict[str, int]:
    """Write the sheets' HTML into ``site_dir/fiches`` and print each to PDF; return, for each PDF,
    its path in the site and its number of pages (the site build adds them to its report)."""
    import yaml

    from civicai.site.pdf import count_pages, print_to_pdf

    folder = Path(site_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    pages = {"grille-chiffre": digit_grid(), "cartes-vrai-ou-faux": game_cards()}
    for module in sorted(Path(modules_dir).glob("[0-9][0-9]-*")):
        number = int(module.name[:2])
        title = module.name[3:].replace("-", " ")
        readme = module / "README.md"
        if readme.exists():
            title = next((line[2:].strip() for line in readme.read_text(encoding="utf-8").splitlines()
                          if line.startswith("# ")), title)
        if questions := module_questions(module):
            pages[f"reponses-module-{number}"] = answer_sheet(title, questions)
        glossary = module / "glossaire.yaml"
        if glossary.exists():
            pages[f"glossaire-module-{number}"] = glossary_sheet(
                title, yaml.safe_load(glossary.read_text(encoding="utf-8"))["terms"])
    jobs = []
    for name, html in pages.items():
        (folder / f"{name}.html").write_text(html, encoding="utf-8")
        jobs.append((folder / f"{name}.html", folder / f"{name}.pdf"))
    print_to_pdf(jobs)
    return {f"{FOLDER}/{name}.pdf": count_pages(folder / f"{name}.pdf") for name in pages}
