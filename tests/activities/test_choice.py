"""Does the shared multiple-choice guess (debate map, module 5) keep the guess, report it, and refuse an empty one?"""

from __future__ import annotations

from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from civicai.activities.choice import choice_prediction


def _guess(**kwargs):
    InteractiveShell.instance()
    with capture_output():
        return choice_prediction("<b>M9-P1.</b> Combien ?", ["2", "3", "4"], **kwargs)


def test_the_guess_is_kept_said_back_and_handed_on():
    handed = []
    box = _guess(on_answer=handed.append, next_step="Lancez la suite.")
    _, choice, button, said = box.children
    choice.value = "3"
    button.click()
    assert box.answer == "3" and handed == ["3"]
    assert said.value == "Prédiction notée : <b>3</b>. Lancez la suite."


def test_an_empty_guess_gets_a_french_message_and_is_not_handed_on():
    handed = []
    box = _guess(on_answer=handed.append)
    box.children[2].click()
    assert box.answer is None and handed == []
    assert box.children[3].value == "Choisissez une réponse, puis validez."
