"""The pre/post quiz: the file format, options shuffled per person, saving by option id, old answers."""

import json
import os
import subprocess
import sys

import ipywidgets as w
import pytest

from civicai import quiz as quizmod
from civicai.catalog import load_modules
from civicai.errors import UserError
from civicai.quiz import Quiz, load_result, save_result
from testkit import REPO

MODULES = sorted((REPO / "modules").glob("*/quiz.yaml"))
QUIZ = REPO / "modules" / "01-comment-une-ia-apprend" / "quiz.yaml"


def test_every_module_quiz_has_5_to_8_items_of_4_options_and_a_third_are_new_situations():
    assert len(MODULES) == len([m for m in load_modules(REPO / "modules") if m.quiz])
    for path in MODULES:
        quiz = Quiz.load(path)
        assert 5 <= len(quiz.questions) <= 8, path
        transfer = [q for q in quiz.questions if q.kind == "transfert"]
        assert 3 * len(transfer) >= len(quiz.questions), f"{path}: moins d'un tiers de situations nouvelles"
        for q in quiz.questions:
            assert len(q.choices) == 4 and q.explanation, q.id
            texts = " ".join(q.choices.values()).lower()
            assert "toutes les réponses" not in texts and "aucune de ces réponses" not in texts, q.id


def test_a_malformed_quiz_says_what_to_fix(tmp_path):
    bad = tmp_path / "m" / "quiz.yaml"
    bad.parent.mkdir()
    bad.write_text("questions:\n  - question: sans choix\n")
    with pytest.raises(UserError, match="mal formé"):
        Quiz.load(bad)
    bad.write_text("questions:\n  - {id: a, type: rappel, question: q, choix: {x: 1, y: 2}, reponse: 1}\n")
    with pytest.raises(UserError, match="n'est pas l'identifiant d'un choix"):
        Quiz.load(bad)
    bad.write_text("questions:\n  - {id: a, type: devinette, question: q, choix: {x: 1, y: 2}, reponse: x}\n")
    with pytest.raises(UserError, match="rappel"):
        Quiz.load(bad)


@pytest.mark.slow  # starts Python processes
def test_the_order_is_stable_for_a_person_across_processes_and_differs_between_people():
    quiz = Quiz.load(QUIZ)
    q = quiz.questions[0]
    here = [q.order(f"p{i}", quiz.module) for i in range(40)]
    assert here == [q.order(f"p{i}", quiz.module) for i in range(40)]
    assert len(set(here)) >= 10  # 24 possible orders: people do not all see the same one
    assert all(sorted(o) == sorted(q.choices) for o in here)
    # Python salts hash() per process; the order must not depend on it.
    code = ("from civicai.quiz import Quiz; import sys; q = Quiz.load(sys.argv[1]);"
            "print([q.questions[0].order(f'p{i}', q.module) for i in range(40)])")
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code, str(QUIZ)], capture_output=True, text=True,
                             env=env, check=True, timeout=60).stdout
        assert out.strip() == str(here)


def test_the_participant_is_the_hub_user_else_the_account(monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "camille")
    assert quizmod.participant() == "camille"
    monkeypatch.delenv("JUPYTERHUB_USER")
    monkeypatch.setattr(quizmod.getpass, "getuser", lambda: "compte-local")
    assert quizmod.participant() == "compte-local"


def _answer_in_widget(box, choose):
    """Tick one option per question with ``choose(option values)``, press « Valider »."""
    radios = [c for c in box.children if isinstance(c, w.RadioButtons)]
    for radio in radios:
        radio.value = choose(radio)
    next(c for c in box.children if isinstance(c, w.Button)).click()
    return radios


@pytest.mark.parametrize("module", [p.parent for p in MODULES], ids=lambda p: p.name)
def test_the_widget_shuffles_per_person_and_scores_by_option_id(module, tmp_path, monkeypatch):
    quiz = Quiz.load(module / "quiz.yaml")
    key = {q.choices[q.answer] for q in quiz.questions}
    shown = {}
    for who in ("alex", "dominique"):
        monkeypatch.setenv("JUPYTERHUB_USER", who)
        monkeypatch.setenv("CIVICAI_QUIZ_DIR", str(tmp_path / who))
        box = quizmod.show(module, "avant")
        radios = _answer_in_widget(box, lambda r: next(v for label, v in r.options if label[3:] in key))
        shown[who] = [[label for label, _ in r.options] for r in radios]
        saved = json.loads((tmp_path / who / f"{quiz.module}.json").read_text())
        assert saved["avant"]["score"] == len(quiz.questions)
        assert saved["avant"]["picked"] == {q.id: q.answer for q in quiz.questions}
        # The same person sees the same letters after the workshop.
        again = quizmod.show(module, "apres")
        assert [[label for label, _ in r.options] for r in again.children if isinstance(r, w.RadioButtons)] \
            == shown[who]
        _answer_in_widget(again, lambda r: r.options[0][1])
        feedback = again.children[-1].value
        assert f"Avant l'atelier, votre score était {len(quiz.questions)} / {len(quiz.questions)}" in feedback
        assert "la bonne réponse était" in feedback
    assert shown["alex"] != shown["dominique"]
    assert all(label[:3] in ("a. ", "b. ", "c. ", "d. ") for labels in shown["alex"] for label in labels)


def test_a_notebook_that_passes_its_own_folder_saves_under_the_module_name(tmp_path, monkeypatch):
    """Notebooks call ``quiz.show(".")``: the answers must land where the report looks for them."""
    module = MODULES[0].parent
    monkeypatch.chdir(module)
    monkeypatch.setenv("CIVICAI_QUIZ_DIR", str(tmp_path))
    monkeypatch.setenv("JUPYTERHUB_USER", "alex")
    from_notebook = quizmod.show(".", "avant")
    assert Quiz.load("quiz.yaml").module == module.name
    _answer_in_widget(from_notebook, lambda r: r.options[0][1])
    assert (tmp_path / f"{module.name}.json").is_file()
    labels = [r.options for r in from_notebook.children if isinstance(r, w.RadioButtons)]
    assert labels == [r.options for r in quizmod.show(module, "apres").children if isinstance(r, w.RadioButtons)]


def test_an_unanswered_or_forged_answer_counts_as_wrong_and_is_not_kept(tmp_path, monkeypatch):
    quiz = Quiz.load(QUIZ)
    monkeypatch.setenv("CIVICAI_QUIZ_DIR", str(tmp_path))
    first, *rest = quiz.questions
    picked = {first.id: first.answer, rest[0].id: "n-existe-pas", rest[1].id: None}
    save_result(quiz, "avant", picked)
    assert json.loads((tmp_path / f"{quiz.module}.json").read_text())["avant"]["score"] == 1
    assert load_result(quiz, "avant") == {first.id: first.answer}
    assert quiz.score([q.answer for q in quiz.questions]) == len(quiz.questions)


def test_answers_saved_by_the_old_quiz_are_refused_in_french_and_kept(tmp_path, monkeypatch):
    quiz = Quiz.load(QUIZ)
    monkeypatch.setenv("CIVICAI_QUIZ_DIR", str(tmp_path))
    old = {"avant": {"answers": [1, 0, 2, 0, 1, 1, 0, 2], "score": 8, "total": 8}}
    path = tmp_path / f"{quiz.module}.json"
    path.write_text(json.dumps(old))
    with pytest.raises(UserError, match="ancienne version du quiz"):
        load_result(quiz, "avant")
    save_result(quiz, "apres", {q.id: q.answer for q in quiz.questions})
    data = json.loads(path.read_text())
    assert data["avant"] == old["avant"] and data["apres"]["score"] == len(quiz.questions)
    text = quizmod._feedback(quiz, "apres", {q.id: q.answer for q in quiz.questions})
    assert "ancienne version du quiz" in text
    path.write_text("pas du json")
    with pytest.raises(UserError, match="illisible"):
        load_result(quiz, "avant")
    save_result(quiz, "avant", {})  # an unreadable file does not block a new attempt
    assert load_result(quiz, "avant") == {}


@pytest.mark.parametrize("module", [m for m in load_modules(REPO / "modules") if m.quiz], ids=lambda m: m.slug[:2])
def test_every_quiz_is_put_to_the_learners_before_and_after(module):
    """A quiz that no notebook shows measures nothing: the path opens with « avant » and ends with « après »."""
    sources = ["".join(c["source"]) for nb in module.notebooks
               for c in json.loads(nb.path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    first = sources.index(next(s for s in sources if 'quiz.show(".", "avant")' in s))
    last = sources.index(next(s for s in sources if 'quiz.show(".", "apres")' in s))
    assert first < last
