"""Is module 3 complete: quiz, guide, README, demos registered in the kiosk gallery with images?"""

from __future__ import annotations

import dataclasses

from civicai.catalog import all_demos
from civicai.quiz import Quiz
from testkit import REPO

MODULE = REPO / "modules" / "03-desinformation"
DEMOS = {"deja-verifie": "demo-deja-verifie.ipynb", "detecteur-trompe": "demo-detecteur-trompe.ipynb",
         "vrai-ou-faux": "demo-vrai-ou-faux.ipynb"}


def test_quiz_has_5_to_8_questions():
    quiz = Quiz.load(MODULE / "quiz.yaml")
    assert 5 <= len(quiz.questions) <= 8
    assert quiz.score([q.answer for q in quiz.questions]) == len(quiz.questions)


def test_first_notebook_opens_and_last_closes_with_the_quiz():
    import nbformat

    first = nbformat.read(MODULE / "01-quest-ce-que-la-desinformation.ipynb", as_version=4)
    last = nbformat.read(MODULE / "05-le-cote-humain.ipynb", as_version=4)
    first_code = [c.source for c in first.cells if c.cell_type == "code"]
    last_code = [c.source for c in last.cells if c.cell_type == "code"]
    assert 'quiz.show(".", "avant")' in first_code[1]
    assert last_code[-1].strip() == 'quiz.show(".", "apres")'


def test_demos_are_in_the_gallery_with_an_image_and_alt_text():
    entries = {e["id"]: e for e in [dataclasses.asdict(d) for d in all_demos(REPO / "modules")]}
    for demo_id, notebook in DEMOS.items():
        entry = entries[demo_id]
        assert entry["notebook"] == f"03-desinformation/{notebook}"
        assert (MODULE / notebook).is_file()
        assert (REPO / "modules" / entry["image"]).is_file()
        assert len(entry["alt"]) > 20


def test_guide_and_readme_have_their_sections():
    guide = (MODULE / "guide-animation.md").read_text(encoding="utf-8")
    for heading in ("## Déroulé", "## Questions pour lancer la discussion", "## Idées reçues",
                    "12 ans", "adultes"):
        assert heading in guide
    readme = (MODULE / "README.md").read_text(encoding="utf-8")
    assert "## Objectifs" in readme and "AI4K12" in readme
