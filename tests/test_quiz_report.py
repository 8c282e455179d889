"""``civicai quiz rapport``: paired gain with its interval and effect size, never on fewer than 5 people."""

import json
import math
import subprocess
import sys

import ipywidgets as w
import pytest

from civicai.catalog import load_modules
from civicai.paths import modules_dir

from civicai import quiz as quizmod
from civicai.quiz import Quiz
from civicai.quiz_report import paired_gain, report
from testkit import REPO

# A 4-item quiz: a score of k right answers is 25 k points out of 100.
QUIZ_YAML = "titre: Essai\nquestions:\n" + "".join(
    f"  - {{id: q{i}, type: rappel, question: Question {i}, choix: {{bon: Oui, faux: Non}}, "
    f"reponse: bon, explication: Parce que.}}\n" for i in range(4))


def _quiz(tmp_path):
    path = tmp_path / "modules" / "00-essai" / "quiz.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(QUIZ_YAML)
    return Quiz.load(path)


def _home(homes, name, phase, right, total=4, module="00-essai"):
    path = homes / name / ".civicai" / "quiz" / f"{module}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(path.read_text()) if path.exists() else {}
    data[phase] = {"picked": {f"q{i}": "bon" if i < right else "faux" for i in range(total)}}
    path.write_text(json.dumps(data))


def test_the_paired_gain_matches_a_hand_computation():
    # Differences 25, 25, 0, 50, 25: mean 25, sd = sqrt(1250 / 4) = 17.678, se = 7.906,
    # t(0.975, 4) = 2.7764, half-width 21.950, d_z = 25 / 17.678 = 1.4142.
    gain = paired_gain([50, 25, 75, 50, 25], [75, 50, 75, 100, 50])
    assert gain.n == 5 and gain.mean == pytest.approx(25)
    assert gain.low == pytest.approx(3.0502, abs=1e-3) and gain.high == pytest.approx(46.9498, abs=1e-3)
    assert gain.dz == pytest.approx(math.sqrt(2), abs=1e-4)
    # Everybody gained the same: the interval has no width, d_z is undefined rather than infinite.
    same = paired_gain([25, 50, 0], [50, 75, 25])
    assert (same.mean, same.low, same.high, same.dz) == (25, 25, 25, None)
    # A loss is negative, with the interval around it.
    loss = paired_gain([100, 75], [50, 75])
    assert loss.mean == -25 and loss.low < -25 < loss.high and loss.dz == pytest.approx(-25 / math.sqrt(1250))
    with pytest.raises(ValueError):
        paired_gain([1], [2])


def test_the_report_gives_the_gain_and_counts_without_names(tmp_path):
    quiz = _quiz(tmp_path)
    homes = tmp_path / "homes"
    names = ["alice", "bob", "chloe", "dan", "eve"]
    for name, before, after in zip(names, [2, 1, 3, 2, 1], [3, 2, 3, 4, 2]):
        _home(homes, name, "avant", before)
        _home(homes, name, "apres", after)
    _home(homes, "farid", "avant", 0)  # did only the quiz before: counted there, not in the gain
    (homes / "gael" / ".civicai" / "quiz").mkdir(parents=True)
    (homes / "gael" / ".civicai" / "quiz" / "00-essai.json").write_text("pas du json")
    old = homes / "hugo" / ".civicai" / "quiz" / "00-essai.json"
    old.parent.mkdir(parents=True)
    old.write_text(json.dumps({"avant": {"answers": [0, 1, 0, 0]}, "apres": {"answers": [0, 0, 0, 0]}}))
    text = report(quiz, homes)
    assert "avant l'atelier : 6 personnes, score moyen 1,5 / 4" in text
    assert "après l'atelier : 5 personnes, score moyen 2,8 / 4" in text
    assert "Progrès moyen (5 personnes qui ont fait les deux quiz) : 25,0 points sur 100" in text
    assert "de 3,1 à 46,9 points" in text and "d_z) : 1,41" in text
    assert "1 personne(s) ont répondu à l'ancienne version du quiz" in text
    assert "1. 83 % → 100 %" in text  # 5 of 6 got question 1 right before, 5 of 5 after
    assert not any(name in text for name in names + ["farid", "gael", "hugo"])


def test_fewer_than_5_people_get_no_figure_at_all(tmp_path):
    quiz = _quiz(tmp_path)
    homes = tmp_path / "homes"
    for name in ["alice", "bob", "chloe", "dan"]:
        _home(homes, name, "avant", 1)
        _home(homes, name, "apres", 4)
    text = report(quiz, homes)
    assert "Moins de 5 personnes ont répondu (4)" in text and "vie privée" in text
    assert "score moyen" not in text and "%" not in text and "Progrès" not in text
    # 5 people in all, but only 4 before: the « avant » figures and the gain stay hidden.
    _home(homes, "eve", "apres", 4)
    text = report(quiz, homes)
    assert "avant l'atelier : moins de 5 personnes (4)" in text
    assert "après l'atelier : 5 personnes, score moyen 4,0 / 4" in text
    assert "il n'est pas calculé" in text and "1. — → 100 %" in text


def test_a_link_to_another_file_is_not_read(tmp_path):
    quiz = _quiz(tmp_path)
    homes = tmp_path / "homes"
    for name in ["a", "b", "c", "d", "e"]:
        _home(homes, name, "avant", 2)
    target = tmp_path / "secret.json"
    target.write_text(json.dumps({"avant": {"picked": {"q0": "bon"}}}))
    link = homes / "f" / ".civicai" / "quiz" / "00-essai.json"
    link.parent.mkdir(parents=True)
    link.symlink_to(target)
    assert "avant l'atelier : 5 personnes" in report(quiz, homes)


@pytest.mark.slow  # starts Python processes
def test_the_report_command_speaks_french_and_refuses_small_groups(tmp_path):
    run = [sys.executable, "-m", "civicai", "quiz", "rapport", "--etat", str(tmp_path)]
    bad = subprocess.run(run, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "indiquez le dossier d'état" in bad.stderr
    (tmp_path / "homes").mkdir()
    ok = subprocess.run(run, capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    modules_with_quiz = [m for m in load_modules(modules_dir()) if m.quiz]
    assert ok.stdout.count("Moins de 5 personnes ont répondu (0)") == len(modules_with_quiz)  # one per module
    one = subprocess.run(run + ["--module", "pas-un-module"], capture_output=True, text=True, timeout=60)
    assert one.returncode == 2 and "Module inconnu" in one.stderr


def test_answers_given_in_the_widget_reach_the_report(tmp_path, monkeypatch):
    """Five people answer in the notebook widget; the report pairs their two attempts."""
    module = REPO / "modules" / "03-desinformation"
    quiz = Quiz.load(module / "quiz.yaml")
    homes = tmp_path / "homes"
    for who in ["ana", "ben", "cleo", "dia", "eli"]:
        monkeypatch.setenv("JUPYTERHUB_USER", who)
        monkeypatch.setenv("CIVICAI_QUIZ_DIR", str(homes / who / ".civicai" / "quiz"))
        for phase, pick in (("avant", lambda q, r: r.options[0][1]), ("apres", lambda q, r: q.answer)):
            box = quizmod.show(module, phase)
            radios = [c for c in box.children if isinstance(c, w.RadioButtons)]
            for q, radio in zip(quiz.questions, radios):
                radio.value = pick(q, radio)
            next(c for c in box.children if isinstance(c, w.Button)).click()
    text = report(quiz, homes)
    assert "après l'atelier : 5 personnes, score moyen 8,0 / 8" in text
    assert "Progrès moyen (5 personnes qui ont fait les deux quiz)" in text
