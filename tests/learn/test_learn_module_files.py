"""Does module 1 have every part the module standard asks for (quiz, guide, README, kiosk tiles)?"""

from __future__ import annotations

import dataclasses
import re


from civicai.catalog import all_demos
from civicai.quiz import Quiz
from testkit import REPO

MODULE = REPO / "modules" / "01-comment-une-ia-apprend"


def test_quiz_has_5_to_8_questions_that_load():
    quiz = Quiz.load(MODULE / "quiz.yaml")
    assert 5 <= len(quiz.questions) <= 8
    assert all(q.explanation for q in quiz.questions)
    # the right answer is not always in the same place
    assert len({q.answer for q in quiz.questions}) >= 2


def test_readme_states_objectives_linked_to_ai4k12_and_measured_times():
    text = (MODULE / "README.md").read_text(encoding="utf-8")
    assert "AI4K12" in text and "Touretzky" in text
    assert "TIMINGS_TABLE" not in text
    for part in ("01-", "02-", "03-", "04-"):
        assert re.search(rf"`{part}[^`]+\.ipynb` \| [0-9]+ s", text), f"no measured time for {part}"


def test_facilitator_guide_covers_timing_misconceptions_and_audiences():
    text = (MODULE / "guide-animation.md").read_text(encoding="utf-8")
    for heading in ("## Déroulé", "## Questions pour la discussion", "## Idées reçues", "12 ans", "adultes"):
        assert heading in text


def test_kiosk_entries_have_a_small_existing_image_and_alt_text():
    entries = [e for e in [dataclasses.asdict(d) for d in all_demos(REPO / "modules")]
               if e["notebook"].startswith("01-comment-une-ia-apprend/")]
    assert {e["id"] for e in entries} == {"dessine-un-chiffre", "invente-des-mots", "terrain-de-jeu"}
    for e in entries:
        assert (REPO / "modules" / e["notebook"]).is_file()
        image = REPO / "modules" / e["image"]
        assert image.is_file() and image.stat().st_size < 100_000
        assert len(e["alt"]) > 20
