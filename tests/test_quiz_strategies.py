"""Can a person who knows nothing beat chance with a test-taking trick? On every module's quiz, no."""

import subprocess
import sys

import pytest

from civicai.quiz import Quiz
from civicai.quiz_strategies import MARGIN, chance, scores, summary, table
from testkit import REPO

MODULES = sorted((REPO / "modules").glob("*/quiz.yaml"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.parent.name)
def test_no_trick_beats_chance_by_more_than_15_points(path):
    quiz = Quiz.load(path)
    found = scores(quiz)
    assert len(found) == 11  # 7 tricks on the texts, and a, b, c, d as each person sees them
    too_high = {name: round(v, 1) for name, v in found.items() if v > chance(quiz) + MARGIN}
    assert not too_high, f"{path.parent.name}: {too_high} (hasard {chance(quiz):.0f} points)"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.parent.name)
def test_the_module_readme_quotes_today_s_scores(path):
    readme = " ".join((path.parent / "README.md").read_text(encoding="utf-8").split())
    assert summary(Quiz.load(path)) in readme, "recopiez la ligne de « civicai quiz verifier » dans le README"


def _gameable(tmp_path, n=6):
    """A quiz written like the first ones: the right answer is the longest and the most cautious."""
    items = "".join(
        f"  - {{id: q{i}, type: rappel, question: 'Question {i} ?', reponse: bon, choix: "
        f"{{bon: 'Cela peut souvent dépendre de ce que les exemples montrent', "
        f"x: 'Toujours vrai', y: 'Jamais', z: 'Rien du tout'}}}}\n" for i in range(n))
    path = tmp_path / "00-gameable" / "quiz.yaml"
    path.parent.mkdir()
    path.write_text("titre: Facile à deviner\nquestions:\n" + items)
    return path


def test_the_check_fails_on_a_quiz_whose_answer_is_the_longest(tmp_path):
    quiz = Quiz.load(_gameable(tmp_path))
    found = scores(quiz)
    assert found["toujours la plus longue"] == 100 and found["toujours la plus nuancée (« souvent », « peut »…)"] == 100
    text, ok = table(quiz)
    assert not ok and "TROP HAUT" in text


def test_the_letter_tricks_follow_the_shuffled_order_not_the_file_order(tmp_path):
    quiz = Quiz.load(_gameable(tmp_path, n=8))
    found = scores(quiz)
    # In the file the right answer is always first; shuffled, each letter wins about 1 time in 4.
    for letter in "abcd":
        assert 18 < found[f"toujours la lettre {letter}"] < 32


@pytest.mark.slow  # starts Python processes
def test_the_check_command_passes_on_the_modules_and_fails_on_a_gameable_quiz(tmp_path):
    run = [sys.executable, "-m", "civicai", "quiz", "verifier"]
    ok = subprocess.run(run, capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.count("limite 40 points") == len(MODULES) and "TROP HAUT" not in ok.stdout
    bad = subprocess.run(run + [str(_gameable(tmp_path))], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and "TROP HAUT" in bad.stdout
