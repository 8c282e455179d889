"""The pre/post quiz: scoring, saving in the participant's home, the anonymous report."""

import json
import subprocess
import sys

import pytest

from civicai.errors import UserError
from civicai.quiz import Quiz, report, save_result
from testkit import REPO

QUIZ = REPO / "modules" / "01-comment-une-ia-apprend" / "quiz.yaml"


def _home(homes, name, module, phase, answers):
    path = homes / name / ".civicai" / "quiz" / f"{module}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(path.read_text()) if path.exists() else {}
    data[phase] = {"answers": answers}
    path.write_text(json.dumps(data))


def test_every_module_quiz_loads_and_a_malformed_one_says_what_to_fix(tmp_path):
    quizzes = sorted((REPO / "modules").glob("*/quiz.yaml"))
    assert len(quizzes) == 3
    for path in quizzes:
        assert len(Quiz.load(path).questions) >= 5
    bad = tmp_path / "m" / "quiz.yaml"
    bad.parent.mkdir()
    bad.write_text("questions:\n  - question: sans choix\n")
    with pytest.raises(UserError, match="mal formé"):
        Quiz.load(bad)


def test_results_stay_in_the_home_and_the_report_counts_without_names(tmp_path, monkeypatch):
    quiz = Quiz.load(QUIZ)
    right = [q.answer for q in quiz.questions]
    wrong = [(a + 1) % len(q.choices) for a, q in zip(right, quiz.questions)]
    monkeypatch.setenv("CIVICAI_QUIZ_DIR", str(tmp_path / "homes" / "alice" / ".civicai" / "quiz"))
    saved = save_result(quiz, "avant", wrong)
    assert json.loads(saved.read_text())["avant"]["score"] == 0
    homes = tmp_path / "homes"
    _home(homes, "alice", quiz.module, "apres", right)
    _home(homes, "bob", quiz.module, "avant", right)
    _home(homes, "bob", quiz.module, "apres", right)
    (homes / "carol" / ".civicai" / "quiz").mkdir(parents=True)
    (homes / "carol" / ".civicai" / "quiz" / f"{quiz.module}.json").write_text("pas du json")
    text = report(quiz, homes)
    n = len(quiz.questions)
    assert f"avant l'atelier : 2 personne(s), score moyen {n / 2:.1f} / {n}".replace(".", ",") in text
    assert f"après l'atelier : 2 personne(s), score moyen {n:.1f} / {n}".replace(".", ",") in text
    assert "1. 50 % → 100 %" in text
    assert "alice" not in text and "bob" not in text


def test_the_report_command_speaks_french_and_fails_clearly_on_a_wrong_folder(tmp_path):
    run = [sys.executable, "-m", "civicai", "quiz", "rapport", "--etat", str(tmp_path)]
    bad = subprocess.run(run, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "indiquez le dossier d'état" in bad.stderr
    (tmp_path / "homes").mkdir()
    ok = subprocess.run(run, capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.count("personne n'a encore répondu") == 6  # 3 modules x before/after
