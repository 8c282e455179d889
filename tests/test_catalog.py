"""The content catalogue (civicai/catalog.py): the kit's modules, and CONTRIBUTING.md's « add a module » steps."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
import yaml

from civicai.catalog import course_ids, load_module, load_modules
from civicai.errors import UserError
from testkit import REPO

MODULES = REPO / "modules"


def test_every_module_folder_has_a_valid_module_yaml():
    folders = sorted(p.name for p in MODULES.iterdir() if re.match(r"^\d\d-", p.name))
    catalogued = load_modules(MODULES)
    assert [m.slug for m in catalogued] == [f for f in folders if (MODULES / f / "module.yaml").is_file()]
    for m in catalogued:
        assert m.notebooks and m.quiz and m.quiz.is_file() and (m.law is None or m.law.is_file()), m.slug
        if m.exercise:
            assert (REPO / "exercises" / "source" / m.exercise).is_dir(), m.exercise
        lessons = sorted(p.name for p in m.folder.glob("[0-9][0-9]-*.ipynb"))
        assert sorted(n.path.name for n in m.notebooks) == lessons, "a lesson notebook is not in module.yaml"


def _module_yaml(**over) -> str:
    entry = {"number": 99, "title": "Un module d'essai", "summary": "Une phrase.",
             "notebooks": [{"path": "01-essai.ipynb", "kernel": "light"}],
             "demos": [{"id": "essai-factice", "notebook": "demo-essai.ipynb", "title": "Essai",
                        "pitch": "Une démo d'essai.", "image": "images/essai.svg", "alt": "Un carré."}],
             "quiz": "quiz.yaml"}
    entry.update(over)
    return yaml.safe_dump(entry, allow_unicode=True, sort_keys=False)


def _add_dummy_module(modules: Path, **over) -> Path:
    """CONTRIBUTING.md, « Ajouter un module », steps 1 to 3, on a copy of the modules tree."""
    folder = modules / "99-module-factice"
    (folder / "images").mkdir(parents=True)
    source = MODULES / "01-comment-une-ia-apprend"
    shutil.copy(source / "demo-terrain-de-jeu.ipynb", folder / "demo-essai.ipynb")
    shutil.copy(source / "03-terrain-de-jeu.ipynb", folder / "01-essai.ipynb")
    shutil.copy(source / "quiz.yaml", folder / "quiz.yaml")
    (folder / "images" / "essai.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (folder / "README.md").write_text("# Module 99 : un module d'essai\n\nDurée : 10 minutes.\n")
    (folder / "module.yaml").write_text(_module_yaml(**over), encoding="utf-8")
    return folder


@pytest.mark.parametrize("over, words", [
    ({"number": 98}, "numéro du dossier"),
    ({"title": ""}, "« title » manque"),
    ({"notebooks": [{"path": "absent.ipynb", "kernel": "light"}]}, "notebook n° 1"),
    ({"notebooks": [{"path": "01-essai.ipynb", "kernel": "gpu"}]}, "light ou heavy"),
    ({"quiz": "absent.yaml"}, "n'existe pas"),
    ({"demos": [{"id": "x", "notebook": "../../secret.ipynb", "title": "T", "pitch": "P"}]}, "doit être un notebook"),
])
def test_a_bad_module_yaml_gets_a_french_error(tmp_path, over, words):
    folder = _add_dummy_module(tmp_path, **over)
    with pytest.raises(UserError, match=words):
        load_module(folder)


def test_a_course_is_a_folder_with_an_nbgrader_config(tmp_path):
    (tmp_path / "m1").mkdir()
    (tmp_path / "m1" / "nbgrader_config.py").write_text("c = get_config()\n")
    (tmp_path / "brouillon").mkdir()
    assert course_ids(tmp_path) == ["m1"] and course_ids(tmp_path / "absent") == []


@pytest.fixture
def kit_copy(tmp_path):
    """A kit whose modules folder is a copy with one more module; the rest links to the checkout."""
    kit = tmp_path / "kit"
    shutil.copytree(MODULES, kit / "modules")
    for name in ("hub", "datasets", "exercises", "site"):
        (kit / name).symlink_to(REPO / name)
    _add_dummy_module(kit / "modules")
    return kit


def test_an_added_module_reaches_the_kiosk_gallery(kit_copy, monkeypatch):
    monkeypatch.setenv("CIVICAI_KIT_ROOT", str(kit_copy))
    from civicai.kiosk.app import PAGES
    from civicai.kiosk.catalog import kit_catalog

    catalog = kit_catalog()
    assert catalog.by_id("essai-factice").notebook == "99-module-factice/demo-essai.ipynb"
    assert catalog.missing() == []
    pages = jinja2.Environment(loader=jinja2.FileSystemLoader(PAGES), autoescape=True)
    html = pages.get_template("gallery.html").render(base="/", demos=catalog.available(), minutes="3 minutes",
                                                     prefetch=[])
    assert "Une démo d&#39;essai." in html or "Une démo d'essai." in html


@pytest.mark.slow  # starts a process (the CLI)
def test_the_operators_check_sees_an_added_module(kit_copy):
    """`civicai kiosque --verifier` finds the added demo, from the kit the environment names."""
    out = subprocess.run([sys.executable, "-m", "civicai", "kiosque", "--verifier"], capture_output=True, text=True,
                         env=dict(os.environ, CIVICAI_KIT_ROOT=str(kit_copy)), cwd=kit_copy, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert re.search(r"^ok\s+essai-factice\s+99-module-factice/demo-essai.ipynb", out.stdout, re.M)


def test_an_added_module_reaches_the_hub_homes(kit_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("CIVICAI_KIT_ROOT", str(kit_copy))
    from traitlets.config import Config

    from civicai.hub.config import configure_local
    from civicai.hub.sync import sync_modules

    c = Config()
    configure_local(c, state_dir=tmp_path / "etat")
    home = tmp_path / "home"
    home.mkdir()
    sync_modules(Path(c.KitSpawner.modules_source), home)  # what the spawner delivers into each home
    assert (home / "modules" / "99-module-factice" / "demo-essai.ipynb").is_file()
    assert (home / "modules" / "99-module-factice" / "module.yaml").is_file()


@pytest.mark.slow
def test_an_added_module_reaches_the_site(kit_copy, tmp_path):
    from civicai.site.build import build_site

    out = tmp_path / "site"
    build_site(out, modules=kit_copy / "modules", datasets=REPO / "datasets", execute=False, pdf=False)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "module d&#39;essai" in index.lower() or "module d'essai" in index.lower()
    page = next(out.glob("modules/99-*/index.html")).read_text(encoding="utf-8")
    assert "Essai" in page and "Une démo d" in page
