"""Has module 5 every part the module standard asks for, and does every figure it shows have a source?"""

from __future__ import annotations

import dataclasses
import re

import nbformat
import yaml

from civicai.catalog import all_demos
from civicai.energy import sources as S
from civicai.energy import uses
from civicai.quiz import Quiz
from testkit import REPO

MODULE = REPO / "modules" / "05-ce-que-coute-l-ia"
PARTS = sorted(MODULE.glob("0[1-9]-*.ipynb"))


def _text(path, kind=None):
    return "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if kind in (None, c.cell_type))


def test_module_yaml_lists_the_parts_in_order_and_a_demo_also_in_the_gallery():
    meta = yaml.safe_load((MODULE / "module.yaml").read_text(encoding="utf-8"))
    assert meta["number"] == 5 and meta["title"] and meta["summary"]
    assert [n["path"] for n in meta["notebooks"]] == [p.name for p in PARTS]
    assert all(n["kernel"] in ("light", "heavy") for n in meta["notebooks"])
    for demo in meta["demos"]:
        assert (MODULE / demo["notebook"]).is_file() and (MODULE / demo["image"]).is_file() and demo["alt"]
    gallery = [dataclasses.asdict(d) for d in all_demos(REPO / "modules")]
    ours = [d for d in gallery if d["notebook"].startswith("05-ce-que-coute-l-ia/")]
    assert [d["id"] for d in ours] == [d["id"] for d in meta["demos"]]
    assert (REPO / "exercises" / "source" / meta["exercise"]).is_dir()
    Quiz.load(MODULE / meta["quiz"])


def test_parts_predict_then_see_with_kit_unique_ids_and_end_with_sources():
    """Each part has a prediction widget (M5-P…) before its reveal, answer boxes (M5-Q…), and the blocks."""
    seen = []
    for p in PARTS:
        code, md = _text(p, "code"), _text(p, "markdown")
        assert 'ask.prediction(' in code, p.name
        seen += re.findall(r'"(M5-[PQ]\d+)"', code)
        assert "## À retenir" in md and "## Pour aller plus loin" in md, p.name
    assert len(seen) == len(set(seen)), "a question id is used twice"
    assert {"M5-P1", "M5-Q1"} <= set(seen)
    assert 'quiz.show(".", "avant")' in _text(PARTS[0], "code")
    assert 'quiz.show(".", "apres")' in _text(PARTS[-1], "code").split("\n")[-1]


def test_each_part_ends_with_a_sources_block_written_from_the_one_home_of_the_figures():
    cites = {s.cite() for s in S.SOURCES.values()}
    for p in PARTS:
        last = nbformat.read(p, as_version=4).cells[-1]
        assert last.cell_type == "markdown" and last.source.startswith("## Sources"), p.name
        listed = [line[2:] for line in last.source.splitlines() if line.startswith("- ")]
        assert listed and set(listed) <= cites, f"{p.name}: regenerate its block with sources.sources_block"
        assert "Faits vérifiés le 2 décembre 2026" in last.source


def test_every_published_figure_shown_in_the_notebooks_is_the_sourced_one():
    """The figures a learner reads in the prose are those of civicai.energy.sources (one home per fact)."""
    prose = "\n".join(_text(p, "markdown") for p in PARTS)
    for figure, text in ((S.GEMINI_PROMPT_WH, "0,24 Wh"), (S.GEMINI_PROMPT_WATER_ML, "0,26 mL"),
                         (S.GRID_FR_2024, "21,7 g"), (S.DIGITAL_FR_SHARE, "2,5 %")):
        assert text in prose and text.split()[0].replace(",", ".") == f"{figure.value:g}"
    assert "1,5 %" in prose and "65 à 90 %" in prose


def test_the_debate_of_module_5_is_declared():
    from civicai.debate.seeds import theme

    t = theme("05-ce-que-coute-l-ia")
    assert t["title"] and t["question"] and len(t["statements"]) >= 8


def test_everyday_uses_cite_their_sources_and_equivalents_are_arithmetic():
    for u in uses.USES:
        assert u.low_wh <= u.high_wh and u.sources and all(k in S.SOURCES for k in u.sources)
        card = uses.card_html(u)
        assert "Sources" in card and "vérifié le" in card and "estimé" in card
    assert uses.equivalents(10) == ["une ampoule LED de 10 W allumée 60 minutes",
                                    "45,5 % d'une recharge de smartphone"]
    assert uses.yearly_bill(1000, 1, 100) == (365.0, 36.5)
