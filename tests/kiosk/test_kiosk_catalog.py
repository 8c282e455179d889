"""The catalogue: is the kit's gallery complete, and are bad entries refused in French?"""

from __future__ import annotations

from pathlib import Path

import pytest

from civicai.errors import UserError
from civicai.kiosk.catalog import kit_catalog, load_catalog
from kiosktools import FIXTURE_DEMOS

MODULE_CATALOG = kit_catalog()


def test_the_fixture_catalogue_loads_with_its_root():
    cat = load_catalog(FIXTURE_DEMOS)
    assert [d.id for d in cat.demos] == ["curseur", "reseau"]
    assert cat.root == FIXTURE_DEMOS.parent.resolve()
    assert cat.missing() == []
    assert cat.by_notebook("demo-curseur.ipynb").id == "curseur"


@pytest.mark.parametrize("demo", MODULE_CATALOG.demos, ids=lambda d: d.id)
def test_every_listed_demo_notebook_exists(demo):
    """The kiosk shows only what exists; the kit must ship every demo it lists."""
    path = demo.notebook_path(MODULE_CATALOG.root)
    assert path.is_file(), f"demo notebook missing: modules/{demo.notebook}"


@pytest.mark.parametrize("demo", MODULE_CATALOG.demos, ids=lambda d: d.id)
def test_every_listed_image_exists_and_has_alt_text(demo):
    if demo.image is None:
        pytest.skip("no image for this tile in demos.yaml (the tile shows a coloured band)")
    assert demo.image_path(MODULE_CATALOG.root).is_file(), f"image missing: modules/{demo.image}"
    assert demo.alt.strip()


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "demos.yaml"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("text, words", [
    ("- id: a\n  notebook: ../secret.ipynb\n  title: T\n  pitch: P\n", "doit être un notebook"),
    ("- id: a\n  notebook: /etc/x.ipynb\n  title: T\n  pitch: P\n", "doit être un notebook"),
    ("- id: a\n  notebook: a.txt\n  title: T\n  pitch: P\n", "doit être un notebook"),
    ("- id: A B\n  notebook: a.ipynb\n  title: T\n  pitch: P\n", "identifiant"),
    ("- id: a\n  notebook: a.ipynb\n  pitch: P\n", "« title » manque"),
    ("- id: a\n  notebook: a.ipynb\n  title: T\n  pitch: P\n- id: a\n  notebook: b.ipynb\n"
     "  title: T\n  pitch: P\n", "apparaît deux fois"),
    ("- id: a\n  notebook: a.ipynb\n  title: T\n  pitch: P\n  image: a.png\n", "texte alternatif"),
    ("- id: a\n  notebook: a.ipynb\n  title: T\n  pitch: P\n  image: ../a.png\n  alt: x\n", "image"),
    ("id: a\n", "liste"),
    ("- [unclosed\n", "YAML valide"),
])
def test_bad_entries_are_refused_with_a_french_message(tmp_path, text, words):
    with pytest.raises(UserError, match=words):
        load_catalog(_write(tmp_path, text))


def test_a_missing_file_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="introuvable"):
        load_catalog(tmp_path / "absent.yaml")


def test_missing_notebooks_are_reported_not_hidden(tmp_path):
    cat = load_catalog(_write(tmp_path, "- id: a\n  notebook: a.ipynb\n  title: T\n  pitch: P\n"))
    assert [d.id for d in cat.missing()] == ["a"]
    (tmp_path / "a.ipynb").write_text("{}")
    assert cat.missing() == [] and [d.id for d in cat.available()] == ["a"]
