"""The room's French grading page, on a real nbgrader course: whose courses, what each shows, the CSV, and a
step run as the facilitator's command would run it (``civicai cours distribuer``)."""

from __future__ import annotations

import asyncio

import pytest

from roomhub import course_with_camille
from testkit import REPO

from civicai.errors import UserError
from civicai.room import grading

MINI = REPO / "tests" / "grading" / "fixtures" / "source"
pytestmark = pytest.mark.slow  # nbgrader builds the student version; the step runs the CLI in a process


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    return course_with_camille(tmp_path_factory.mktemp("etat"), MINI).state_dir


def test_a_facilitator_sees_only_the_courses_they_grade(state):
    assert [c.course_id for c in grading.my_courses(state, "formatrice")] == ["essai"]
    assert grading.my_courses(state, "autre-formateur") == []
    with pytest.raises(UserError, match="confié à quelqu'un d'autre"):
        grading.my_course(state, "autre-formateur", "essai")


def test_the_summary_lists_assignments_grades_and_the_formgrader(state):
    s = grading.summary(grading.my_course(state, "formatrice", "essai"))
    assert [d["name"] for d in s["assignments"]] == ["mini"]
    assert s["assignments"][0]["graded"] == 0 and s["assignments"][0]["to_review"] == 0
    assert [r["id"] for r in s["students"]] == ["camille"]
    assert s["formgrader"] == "/services/formgrader-essai/formgrader"


def test_the_csv_is_the_french_export(state, tmp_path):
    data = grading.csv_bytes(grading.my_course(state, "formatrice", "essai"), tmp_path).decode("utf-8-sig")
    header, row = data.splitlines()[:2]
    assert header.startswith("Identifiant;Prénom;Nom;Courriel")
    assert row.startswith("camille;Camille;Martin;")


def test_a_step_runs_the_facilitators_command_and_names_are_checked(state):
    course = grading.my_course(state, "formatrice", "essai")
    assert grading.summary(course)["assignments"][0]["released"] is False
    result = asyncio.run(grading.run_step(state, course, "mini", "distribuer"))
    assert result["ok"], result["output"]
    assert grading.summary(course)["assignments"][0]["released"] is True
    with pytest.raises(UserError, match="Devoir inconnu"):
        asyncio.run(grading.run_step(state, course, "../../etc", "distribuer"))
    with pytest.raises(UserError, match="Étape inconnue"):
        asyncio.run(grading.run_step(state, course, "mini", "supprimer"))
