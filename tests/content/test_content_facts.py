"""Is every legal statement of a module dated and sourced, and does every lesson notebook say when
its facts were checked?"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from civicai.catalog import load_modules
from civicai.content import facts, render
from civicai.errors import UserError
from testkit import REPO

MODULES = REPO / "modules"
MODULE_DIRS = sorted(p for p in MODULES.iterdir() if p.is_dir() and p.name[:2].isdigit())
# Modules with their own état du droit (module.yaml's `law:`). Module 5 states no legal fact; module 4 cites
# module 3's sheet, which is checked here under module 3.
LAW_DIRS = [m.folder for m in load_modules(MODULES) if m.law and m.law.parent == m.folder]


def _lesson_params():
    for nb in facts.lesson_notebooks(MODULES):
        yield pytest.param(nb, id=f"{nb.parent.name}/{nb.name}")


@pytest.mark.parametrize("module", LAW_DIRS, ids=lambda p: p.name)
def test_each_module_has_a_dated_etat_du_droit(module):
    head, entries = facts.load(module)
    assert head["titre"] and len(entries) >= 3
    for e in entries:
        assert e.kind != "loi" or e.article, e.id
        assert e.source.title and e.source.publisher and e.source.date, e.id
        assert e.source.link or e.source.no_link_reason, e.id
        assert e.source.link is None or e.source.link.startswith("https://"), e.id
        assert e.checked <= dt.date(2026, 12, 1), e.id
    # The 2026 amending regulation could not be read in an official source: it is never « vérifié ».
    assert all(e.status == "à vérifier" for e in entries if "omnibus" in e.id)


@pytest.mark.parametrize("module", LAW_DIRS, ids=lambda p: p.name)
def test_the_markdown_page_is_the_rendering_of_the_yaml(module):
    assert (module / render.MD_FILE).read_text(encoding="utf-8") == render.render(module), \
        "etat-du-droit.md is stale: run `civicai contenu rendre`"


@pytest.mark.parametrize("notebook", list(_lesson_params()))
def test_every_lesson_notebook_ends_with_dated_sources(notebook):
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    last = "".join(cells[-1]["source"])
    assert cells[-1]["cell_type"] == "markdown" and last.startswith("## Sources"), notebook.name
    assert facts.notebook_checked(notebook) in (dt.date(2026, 12, 1), dt.date(2026, 12, 2))
    assert "http" in last  # at least one link a reader can follow


def _learner_text() -> dict[str, str]:
    """Every text a learner or visitor reads, whitespace-normalised (markdown cells only)."""
    texts = {}
    for nb in sorted(MODULES.glob("*/*.ipynb")) + sorted((REPO / "exercises" / "source").glob("*/*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        texts[str(nb)] = " ".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    for path in [*MODULES.glob("*/guide-animation.md"), *MODULES.glob("*/README.md"),
                 REPO / "site" / "accueil.md", *(REPO / "site" / "fiches").glob("*.yaml"),
                 REPO / "civicai" / "faces" / "widgets.py", REPO / "civicai" / "faces" / "law.py",
                 REPO / "civicai" / "faces" / "literature.py"]:
        texts[str(path)] = path.read_text(encoding="utf-8")
    return {k: " ".join(v.split()) for k, v in texts.items()}


KNOWN_ERRORS = [
    "la plus probable, qui peut être fausse",          # exercise m1 Q4: a chatbot samples
    "ils produisent la suite **la plus probable**",   # M1 04: same
    "ChatGPT fait la même chose",                      # M1 guide, contradicts M1 04
    "une erreur sur 100 000 comparaisons donne environ 1 000",  # 99,99 % is 1 in 10 000
    "arrêtée",                                         # an alert leads to a check
    "arrêtées à tort",
    "Notre ville a interdit",                          # Montpellier adopted a vœu
    "La ville a interdit",
    "Notre ville interdit",
    "montre pourquoi cette technique se trompe",       # the site: module 2 shows *that*
    "qui diffusent un **hypertrucage**",               # Art. 50(4) binds deployers
    "s'appliquent à partir du 2 août 2026",            # the date has passed
    "à partir d'août 2026",
    "si une caméra est réglée pour des peaux claires",  # unsourced
    "2026/1744",                                       # not verified in an official source
    "2 décembre 2027",
]


@pytest.mark.parametrize("phrase", KNOWN_ERRORS)
def test_a_known_error_does_not_come_back(phrase):
    found = [path for path, text in _learner_text().items() if phrase in text]
    assert not found, f"« {phrase} » in {found}"


def test_the_nist_summary_states_the_largest_effect_and_the_rename():
    from civicai.faces.literature import NIST_FINDINGS_FR

    assert "Afrique de l'Ouest" in NIST_FINDINGS_FR and "Europe de l'Est" in NIST_FINDINGS_FR
    assert "2019" in NIST_FINDINGS_FR and "FRTE" in NIST_FINDINGS_FR


def _write_module(root, name, checked, *, article="Loi X, article 1", link="https://example.org/x"):
    module = root / "modules" / name
    module.mkdir(parents=True)
    source = {"titre": "Texte", "editeur": "Éditeur", "date": "2020-01-01"}
    source.update({"lien": link} if link else {"sans_lien": "pas en ligne"})
    entry = {"id": "e1", "type": "loi", "sujet": "Sujet", "texte": "Un texte.", "statut": "vérifié",
             "source": source, "verifie_le": checked}
    if article:
        entry["article"] = article
    (module / facts.FILE).write_text(json.dumps({"titre": "T", "entrees": [entry]}), encoding="utf-8")
    return module


def _write_notebook(path, checked_text):
    cells = [{"cell_type": "markdown", "id": "a", "metadata": {},
              "source": [f"## Sources\n\n- X, <https://example.org>\n\n*Faits vérifiés le {checked_text}.*"]}]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}),
                    encoding="utf-8")


def test_stale_lists_only_statements_older_than_a_year(tmp_path):
    _write_module(tmp_path, "01-vieux", "2025-06-01")
    new = _write_module(tmp_path, "02-neuf", "2026-11-30")
    _write_notebook(new / "01-a.ipynb", "3 mars 2025")
    _write_notebook(new / "02-b.ipynb", "1er décembre 2026")
    today = dt.date(2026, 12, 1)
    old = facts.stale(tmp_path / "modules", today)
    assert [(d.where, d.checked) for d in old] == [
        ("02-neuf/01-a.ipynb", dt.date(2025, 3, 3)), ("01-vieux/etat-du-droit.yaml", dt.date(2025, 6, 1))]
    assert facts.stale(tmp_path / "modules", dt.date(2025, 6, 2)) == []


def test_the_report_names_what_to_check_and_what_has_no_date(tmp_path):
    module = _write_module(tmp_path, "01-m", "2025-06-01")
    (module / "01-sans-sources.ipynb").write_text(json.dumps(
        {"cells": [{"cell_type": "code", "id": "a", "metadata": {}, "outputs": [], "source": ["1"],
                    "execution_count": None}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}),
        encoding="utf-8")
    text = facts.report(tmp_path / "modules", dt.date(2026, 12, 1))
    assert "1 affirmation(s) à vérifier de nouveau" in text
    assert "01-m/etat-du-droit.yaml · e1 : Sujet · vérifié le 1er juin 2025" in text
    assert "Notebooks sans bloc « Sources » daté :\n- 01-m/01-sans-sources.ipynb" in text


@pytest.mark.parametrize("kwargs, message", [
    ({"article": None}, "doit citer son article"),
    ({"link": None}, None),  # a stated reason instead of a link is accepted
])
def test_a_law_entry_needs_its_article_and_a_link_or_a_reason(tmp_path, kwargs, message):
    module = _write_module(tmp_path, "01-m", "2026-01-01", **kwargs)
    if message:
        with pytest.raises(UserError, match=message):
            facts.load(module)
    else:
        assert facts.load(module)[1][0].source.no_link_reason == "pas en ligne"


def test_an_entry_without_link_nor_reason_is_refused(tmp_path):
    module = _write_module(tmp_path, "01-m", "2026-01-01")
    raw = json.loads((module / facts.FILE).read_text(encoding="utf-8"))
    del raw["entrees"][0]["source"]["lien"]
    (module / facts.FILE).write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(UserError, match="ni lien"):
        facts.load(module)


def test_french_dates():
    assert facts.french_date(dt.date(2026, 12, 1)) == "1er décembre 2026"
    assert facts.french_date(dt.date(2025, 8, 18)) == "18 août 2025"
