"""The module 4 nbgrader assignment: 10 points, hidden tests, 10/10 for the solution and 0 for a blank copy."""

from __future__ import annotations

import pytest

from exercisetools import check_structure, grade_solution_and_blank

ASSIGNMENT = "m4-generative"


def test_structure_ten_points_hidden_tests_no_outputs():
    check_structure(ASSIGNMENT)


@pytest.mark.slow
def test_solution_gets_10_and_blank_gets_0(tmp_path):
    released, scores = grade_solution_and_blank(tmp_path, ASSIGNMENT)
    assert "HIDDEN TESTS" not in released
    assert scores["solution"][:2] == (10, 10)
    assert scores["vide"][0] == 0
