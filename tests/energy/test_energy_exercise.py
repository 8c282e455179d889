"""Does the m5-energie assignment give 10/10 to its solution and 0 to a blank copy, in real nbgrader?"""

from __future__ import annotations

import nbformat
import pytest

from exercisetools import check_structure, grade_solution_and_blank, source

NAME = "m5-energie"


def test_assignment_metadata_is_complete():
    tests = check_structure(NAME)
    assert all("nbgrader" in c.metadata for c in nbformat.read(source(NAME), as_version=4).cells)
    assert sum("quiz" in c.metadata["nbgrader"]["grade_id"] for c in tests) == 4


@pytest.mark.slow
def test_solution_scores_10_and_blank_release_scores_0(tmp_path):
    text, scores = grade_solution_and_blank(tmp_path, NAME, stub="# ÉCRIVEZ VOTRE CODE ICI")
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    assert 'reponse_1 = "b"' not in text and "172.8" not in text and "ÉCRIVEZ VOTRE CODE ICI" in text
    (score, max_score, grades), (blank, _, blank_grades) = scores["solution"], scores["vide"]
    assert max_score == 10
    assert score == pytest.approx(10), grades
    assert blank == 0, [g for g in blank_grades if g[1]]
