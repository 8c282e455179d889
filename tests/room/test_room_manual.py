"""Manual grading in French: what a facilitator may type as points, and a score and a comment saved through
nbgrader's Gradebook, read back as the formgrader and the CSV export read them."""

from __future__ import annotations

import json

import pytest

from roomhub import course_with_camille
from testkit import REPO

from civicai.errors import UserError
from civicai.room import manual

SOURCE = REPO / "tests" / "room" / "fixtures" / "source"
QUESTION = "**Question 1.** En deux phrases"


@pytest.mark.parametrize("typed, points", [("2,5", 2.5), (" 3 ", 3.0), ("0", 0.0), ("1.25", 1.25)])
def test_points_accept_a_french_decimal_comma(typed, points):
    assert manual.parse_points(typed, 3) == points


@pytest.mark.parametrize("typed, message", [("4", "hors barème : indiquez un nombre de 0 à 3"),
                                            ("-1", "hors barème"), ("trois", "« trois » n'est pas un nombre"),
                                            ("", "Indiquez les points"), ("nan", "n'est pas un nombre"),
                                            ("1e999", "n'est pas un nombre")])
def test_points_out_of_range_or_not_numbers_are_refused_in_french(typed, message):
    with pytest.raises(UserError, match=message):
        manual.parse_points(typed, 3)


def test_the_question_is_the_text_above_an_answer_or_the_task_itself():
    nb = json.loads((SOURCE / "ecrit" / "ecrit.ipynb").read_text(encoding="utf-8"))
    cells = manual.manual_cells(nb)
    assert list(cells) == ["biais_explication"]  # the autograded test is not graded by hand
    assert cells["biais_explication"].startswith(QUESTION)
    task = {"cell_type": "markdown", "source": "Tracez la courbe.",
            "metadata": {"nbgrader": {"grade": True, "task": True, "grade_id": "courbe", "points": 2}}}
    assert manual.manual_cells({"cells": [task]}) == {"courbe": "Tracez la courbe."}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A real course whose gradebook holds camille's copy, her written answer where autograding puts it."""
    course = course_with_camille(tmp_path_factory.mktemp("etat"), SOURCE)
    with course.gradebook() as gb:
        gb.add_submission("ecrit", "camille")
    nb = json.loads((course.root / "release" / "ecrit" / "ecrit.ipynb").read_text(encoding="utf-8"))
    nb["cells"][2]["source"] = "Peu d'exemples <script>alert(1)</script> pour certaines personnes."
    graded = course.root / "autograded" / "camille" / "ecrit"
    graded.mkdir(parents=True)
    (graded / "ecrit.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    return course


@pytest.mark.slow  # nbgrader builds the student version
def test_a_score_and_a_comment_reach_the_gradebook_and_the_export(course, tmp_path):
    from civicai.room import grading

    [a] = manual.answers(course, "ecrit")
    assert (a.person, a.cell, a.max_points, a.points, a.code) == ("Camille Martin", "biais_explication", 3, None, False)
    assert a.question.startswith(QUESTION) and "<script>" in a.text  # plain text: the page escapes it
    assert manual.save(course, "ecrit", "camille", "ecrit", "biais_explication", "2,5", "Juste, à préciser.") == 2.5
    with course.gradebook() as gb:
        grade = gb.find_grade("biais_explication", "ecrit", "ecrit", "camille")
        comment = gb.find_comment("biais_explication", "ecrit", "ecrit", "camille")
        assert (grade.manual_score, grade.needs_manual_grade, comment.manual_comment) == (2.5, False,
                                                                                          "Juste, à préciser.")
    [a] = manual.answers(course, "ecrit")
    assert (a.points, a.comment) == (2.5, "Juste, à préciser.")
    row = grading.csv_bytes(course, tmp_path).decode("utf-8-sig").splitlines()[1]
    assert row.startswith("camille;Camille;Martin;;2,5;2,5;")


@pytest.mark.slow
def test_a_refused_score_changes_nothing(course):
    with pytest.raises(UserError, match="hors barème"):
        manual.save(course, "ecrit", "camille", "ecrit", "biais_explication", "7", "gardé")
    with pytest.raises(UserError, match="pas à noter à la main"):
        manual.save(course, "ecrit", "camille", "ecrit", "double_correct", "1", "")
    with pytest.raises(UserError, match="Copie introuvable"):
        manual.save(course, "ecrit", "personne", "ecrit", "biais_explication", "1", "")
    [a] = manual.answers(course, "ecrit")
    assert a.comment != "gardé"
