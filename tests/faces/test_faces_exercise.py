"""Does the m2-biais assignment give 10/10 to its solution and 0 to a blank copy, in real nbgrader?"""

from __future__ import annotations

import nbformat
import pytest

from exercisetools import check_structure, grade_solution_and_blank, source

NAME = "m2-biais"


def test_assignment_metadata_is_complete():
    check_structure(NAME)
    assert all("nbgrader" in c.metadata for c in nbformat.read(source(NAME), as_version=4).cells)


@pytest.mark.slow
def test_solution_scores_10_and_blank_release_scores_0(tmp_path):
    text, scores = grade_solution_and_blank(tmp_path, NAME)
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    assert 'reponse_quiz_1 = "b"' not in text and "VOTRE CODE ICI" in text
    assert scores["solution"][:2] == (10, 10)
    assert scores["vide"][0] == 0
