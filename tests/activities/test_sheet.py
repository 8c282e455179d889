"""Do the widgets save what the learner commits, show it again on rerun, and reveal guess and result?"""

from __future__ import annotations

import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from civicai.activities import AnswerSheet


@pytest.fixture(autouse=True)
def shell():
    """A real IPython shell, so that rich outputs are published as in a kernel (and captured)."""
    return InteractiveShell.instance()


class Shown:
    """The HTML a learner sees, from everything published inside the ``with`` block."""

    def __enter__(self):
        self._cap = capture_output()
        self._result = self._cap.__enter__()
        return self

    def __exit__(self, *exc):
        self._cap.__exit__(*exc)
        self.html = "\n".join(o.data.get("text/html", "") for o in self._result.outputs)


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.delenv("CIVICAI_SALLE_URL", raising=False)
    return tmp_path / "01-comment-une-ia-apprend"


def test_the_answer_box_saves_on_click_and_comes_back_filled(folder):
    sheet = AnswerSheet("01-x.ipynb", folder)
    with Shown() as first:
        sheet.question("M1-Q1")
        box, button, status = sheet.widgets["M1-Q1"]
        assert box.value == "" and "Pas encore" in status.value
        box.value = "64 nombres"
        button.click()
    assert "Réponse enregistrée" in status.value
    assert "Votre réponse à M1-Q1 :</b> « 64 nombres »" in first.html  # the output updated in place
    again = AnswerSheet("01-x.ipynb", folder)
    with Shown() as second:
        again.question("M1-Q1")
    assert again.widgets["M1-Q1"][0].value == "64 nombres"
    assert "Votre réponse à M1-Q1 :</b> « 64 nombres »" in second.html


def test_an_empty_answer_is_refused_in_french(folder):
    sheet = AnswerSheet("01-x.ipynb", folder)
    sheet.question("M1-Q2")
    box, button, status = sheet.widgets["M1-Q2"]
    button.click()
    assert "vide" in status.value and sheet.store.get("M1-Q2") is None


def test_a_committed_guess_is_locked_and_revealed_next_to_the_result(folder):
    sheet = AnswerSheet("01-x.ipynb", folder)
    sheet.predict("M1-P1", unit="%")
    picker, button, status = sheet.widgets["M1-P1"]
    picker.value = 80
    button.click()
    assert picker.disabled and "80 %" in status.value
    with Shown() as shown:
        AnswerSheet("01-x.ipynb", folder).reveal("M1-P1", 97.8, unit="%", digits=1)
    out = shown.html
    assert "Votre prédiction : <b>80 %</b>" in out and "Le résultat : <b>97,8 %</b>" in out
    assert "Écart : 17,8 %" in out


def test_a_reveal_without_a_guess_says_so(folder):
    with Shown() as shown:
        AnswerSheet("01-x.ipynb", folder).reveal("M1-P1", 97.8, unit="%")
    out = shown.html
    assert "pas validé de prédiction" in out and "98 %" in out


def test_a_choice_guess_is_compared_with_the_right_option(folder):
    sheet = AnswerSheet("01-x.ipynb", folder)
    sheet.predict("M1-P3", options=["oui", "non"])
    picker, button, _ = sheet.widgets["M1-P3"]
    button.click()  # nothing chosen yet
    assert sheet.store.get("M1-P3") is None
    picker.value = "non"
    button.click()
    with Shown() as shown:
        sheet.reveal("M1-P3", "non")
    assert "Bien vu" in shown.html


def test_learner_text_is_escaped(folder):
    sheet = AnswerSheet("01-x.ipynb", folder)
    sheet.question("M1-Q4")
    box, button, _ = sheet.widgets["M1-Q4"]
    box.value = "<script>alert(1)</script>"
    button.click()
    with Shown() as shown:
        AnswerSheet("01-x.ipynb", folder).question("M1-Q4")
    out = shown.html
    assert "<script>" not in out and "&lt;script&gt;" in out
