"""Does the module 3 nbgrader assignment give 10/10 to the solution and 0 to a blank copy?

Self-contained: a temporary course directory, nbgrader's own CLI and Gradebook API.
"""

from __future__ import annotations

import pytest

from exercisetools import check_structure, grade_solution_and_blank

pytestmark = pytest.mark.slow
ASSIGNMENT = "m3-desinfo"


def test_source_assignment_structure():
    check_structure(ASSIGNMENT)


def test_solution_gets_10_and_blank_gets_0(tmp_path):
    released, scores = grade_solution_and_blank(tmp_path, ASSIGNMENT)
    assert "BEGIN SOLUTION" not in released and "HIDDEN TESTS" not in released
    assert "VOTRE CODE ICI" in released
    print(f"\nsolution: {scores['solution'][0]}/10, blank: {scores['vide'][0]}/10")
    assert scores["solution"][:2] == (10, 10)
    assert scores["vide"][0] == 0
