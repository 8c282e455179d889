"""Unit tests of the site's pieces: Markdown sections, discovery, handouts, cache keys, links."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from civicai.errors import UserError
from civicai.site import content, execute
from civicai.site.build import load_config
from linkcheck import check_site
from civicai.site.handout import build_handout

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MODULES = FIXTURES / "modules"


def test_section_and_list_items_read_a_markdown_part():
    text = "# T\n\n## Objectifs\n\n- lire\n- écrire\n  sur deux lignes\n\n## Autre\n\n- non\n"
    assert content.list_items(content.section(text, "objectif")) == ["lire", "écrire sur deux lignes"]
    assert content.section(text, "absent") == ""


@pytest.mark.parametrize("line, expected", [
    ("Durée : 1 h 30", "1 h 30"),
    ("**Durée totale :** 90 minutes.", "90 minutes"),
    ("Un atelier de 90 minutes pour comprendre.", "90 minutes"),
    ("Pas de durée ici", ""),
])
def test_duration_is_found_in_the_readme(line, expected):
    assert content.duration(f"# M\n\n{line}\n") == expected


@pytest.mark.parametrize("title, expected", [
    ("Module 2 : les biais de la reconnaissance faciale", "Les biais de la reconnaissance faciale"),
    ("Module 3 — Désinformation : ce que l'IA détecte", "Désinformation : ce que l'IA détecte"),
    ("Comment une IA apprend-elle ?", "Comment une IA apprend-elle ?"),
])
def test_module_titles_lose_their_module_number(title, expected):
    assert content.clean_title(title) == expected


def test_drop_sections_removes_a_section_and_its_subsections_only():
    text = "# T\n\n## A\n\na\n\n## Pour l'équipe technique\n\nx\n\n### Détail\n\ny\n\n## B\n\nb\n"
    kept = content.drop_sections(text, "équipe technique")
    assert "x" not in kept.split() and "y" not in kept.split() and "Détail" not in kept
    assert "## A" in kept and "## B" in kept and "b" in kept.split()


def test_objectives_come_from_a_table_when_there_is_one():
    readme = ("# M\n\n## Objectifs\n\nIdées : 1. perception ; 2. raisonnement.\n\n"
              "| vous savez… | idées |\n|---|---|\n| lire un graphique | 1 |\n| tester un modèle | 3 |\n")
    module = content.Module(Path("."), "01", "01-m", "M", readme, "")
    assert module.objectives == ["lire un graphique", "tester un modèle"]


def test_card_objective_keeps_the_gist():
    text = "**mener un petit audit** : compter les erreurs (groupe × genre). *Grande idée n° 3*"
    assert content.short_objective(text) == "mener un petit audit"


def test_discovery_finds_lessons_demos_guide_and_quiz():
    (module,) = content.discover_modules(MODULES)
    assert module.slug == "01-module-essai" and module.title == "Un module d'essai"
    assert [nb.path.name for nb in module.notebooks] == ["01-premier.ipynb", "02-second.ipynb"]
    assert [d.id for d in module.demos] == ["essai"], "demos are listed, never lessons"
    assert module.guide.name == "guide-animation.md" and module.quiz.name == "quiz.yaml"
    assert module.duration == "1 h 30"
    assert len(module.objectives) == 3


def test_a_missing_modules_folder_is_a_french_error(tmp_path):
    with pytest.raises(UserError, match="introuvable"):
        content.discover_modules(tmp_path / "nope")


def test_handout_is_derived_from_the_module_when_no_fiche_is_written():
    (module,) = content.discover_modules(MODULES)
    handout = build_handout(module, {}, None, "pied")
    assert [str(i) for i in handout.ideas][0] == "Une IA apprend à partir d'exemples."
    # Only the guide's questions that end with "?", at most three.
    assert [str(q) for q in handout.questions] == [
        "Qui choisit les exemples ?", "Que se passe-t-il si un groupe manque dans les données ?",
        "Faut-il interdire certains usages ?"]
    assert handout.figure is None  # nothing executed, no figure


def test_handout_fiche_wins_and_picks_the_named_figure(tmp_path):
    (module,) = content.discover_modules(MODULES)
    nb = nbformat.read(module.notebooks[0].path, as_version=4)
    nb.cells[1].outputs = [nbformat.v4.new_output("display_data", data={"image/png": "AAAA"}),
                           nbformat.v4.new_output("display_data", data={"image/png": "BBBB"})]
    (tmp_path / f"{module.slug}.yaml").write_text(
        "idees: [Une *idée*]\nquestions: ['Q1 ?', 'Q2 ?', 'Q3 ?']\n"
        "figure: {notebook: 01-premier.ipynb, image: 2, alt: Texte, legende: Légende}\n",
        encoding="utf-8")
    handout = build_handout(module, {module.notebooks[0].path: nb}, tmp_path, "pied")
    assert str(handout.ideas[0]) == "Une <em>idée</em>"
    assert handout.figure.src == "data:image/png;base64,BBBB"
    assert (handout.figure.alt, handout.figure.caption) == ("Texte", "Légende")


def test_config_defaults_and_relative_paths(tmp_path):
    assert load_config(None)["hub"] == ""
    (tmp_path / "s.yaml").write_text("hub: http://h/\naccueil: a.md\n", encoding="utf-8")
    cfg = load_config(tmp_path / "s.yaml")
    assert cfg["hub"] == "http://h/" and cfg["accueil"] == (tmp_path / "a.md").resolve()
    with pytest.raises(UserError):
        load_config(tmp_path / "absent.yaml")


def test_cache_key_changes_with_content_and_settings_not_with_outputs(tmp_path, monkeypatch):
    src = MODULES / "01-module-essai" / "02-second.ipynb"
    path = tmp_path / "02-second.ipynb"
    shutil.copy(src, path)
    key = execute.notebook_key(path)
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="45\n")]
    nbformat.write(nb, path)
    assert execute.notebook_key(path) == key, "outputs must not change the key"
    monkeypatch.setenv("CIVICAI_FAIRFACE_DIR", "/ailleurs")
    assert execute.notebook_key(path) != key, "a CIVICAI_ setting must change the key"
    monkeypatch.delenv("CIVICAI_FAIRFACE_DIR")
    nb.cells[1].source = "print(1)"
    nbformat.write(nb, path)
    assert execute.notebook_key(path) != key


def test_cache_key_follows_only_the_package_parts_a_notebook_names():
    cells = [("code", "from civicai.faces import audit\nfrom civicai import quiz, learn")]
    assert execute.used_subpackages(cells) == ("faces", "learn", "quiz")
    assert execute.used_subpackages([("markdown", "civicai.faces")]) == ()
    assert execute.package_digest(("faces",)) != execute.package_digest(("learn",))


@pytest.mark.slow  # starts kernels
def test_execution_is_cached_and_a_failure_names_notebook_and_cell(tmp_path):
    cache = execute.ExecutionCache(tmp_path / "cache")
    path = MODULES / "01-module-essai" / "02-second.ipynb"
    first = execute.execute_notebook(path, cache=cache)
    assert not first.cached and first.nb.cells[1].outputs[0]["text"] == "45\n"
    second = execute.execute_notebook(path, cache=cache)
    assert second.cached and second.nb.cells[1].outputs[0]["text"] == "45\n"
    broken = FIXTURES / "broken" / "01-module-casse" / "01-casse.ipynb"
    with pytest.raises(UserError, match=r"01-casse\.ipynb échoue à la cellule 3 \('1 / 0'\).*ZeroDivisionError"):
        execute.execute_notebook(broken)


def test_link_checker_finds_broken_links_and_external_assets(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<a href="a/b.html#ici">ok</a><a href="a/absent.html">cassé</a>'
        '<a href="a/b.html#nulle-part">ancre</a><a href="https://exemple.org/">sortie</a>'
        # two external assets the checker must catch (.invalid never resolves)
        '<img src="https://images.exemple.invalid/x.png" alt="x"><link href="//styles.exemple.invalid/y.css">',
        encoding="utf-8")
    (tmp_path / "a" / "b.html").write_text('<h2 id="ici">Ici</h2><a href="../index.html">r</a>',
                                           encoding="utf-8")
    report = check_site(tmp_path)
    assert report.pages == 2
    assert report.broken == ["index.html -> a/absent.html"]
    assert report.missing_anchors == ["index.html -> a/b.html#nulle-part"]
    assert report.outbound == {"https://exemple.org/"}
    assert len(report.external_assets) == 2 and not report.ok


@pytest.mark.slow  # starts a kernel
def test_a_cell_that_hangs_stops_with_the_cell_named(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Lent"),
                                         nbformat.v4.new_code_cell("import time\ntime.sleep(60)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "01-lent.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(UserError, match=r"01-lent\.ipynb dépasse 3 s à la cellule 2 \('import time'\)"):
        execute.execute_notebook(path, timeout=3)
