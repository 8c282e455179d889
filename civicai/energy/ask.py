"""Predict-then-see steps and answer boxes of module 5, with the kit's answer contract (common brief).

An answer is kept in the widget (``box.answer``) and, on a hub where the facilitator-room service set
``CIVICAI_SALLE_URL``, POSTed to ``$CIVICAI_SALLE_URL/api/answers``. Without it (kiosk, tests, a laptop) the
answer stays local and nothing fails. The sending and the guess widget are the shared ones of
:mod:`civicai.activities`.
"""

from __future__ import annotations

from civicai.activities.choice import choice_prediction
from civicai.activities.store import post_answer

MODULE = "05-ce-que-coute-l-ia"


def record(notebook: str, question: str, kind: str, value) -> bool:
    """Send one answer to the facilitator room if there is one; True when it was accepted."""
    return post_answer(MODULE, notebook, question, kind, value) is True


def prediction(notebook: str, question_id: str, question: str, options: list[str]):
    """A « what do you expect? » step: radio buttons, a button, the guess said back and kept in ``.answer``."""
    return choice_prediction(f"<b>{question_id}.</b> {question}", options,
                             on_answer=lambda value: record(notebook, question_id, "choice", value))


def question(notebook: str, question_id: str, text: str):
    """An answer box for a numbered question: the text is kept in ``.answer`` and sent to the room."""
    import ipywidgets as w
    from IPython.display import display

    area = w.Textarea(placeholder="Écrivez votre réponse ici.", layout=w.Layout(width="100%", height="80px"))
    button = w.Button(description="Enregistrer ma réponse", layout=w.Layout(min_height="48px", width="auto"))
    said = w.HTML()
    box = w.VBox([w.HTML(f"<b>{question_id}.</b> {text}"), area, button, said])
    box.answer = None

    def submit(_):
        if not area.value.strip():
            said.value = "La réponse est vide : écrivez quelques mots, puis enregistrez."
            return
        box.answer = area.value.strip()
        record(notebook, question_id, "text", box.answer)
        said.value = "Réponse enregistrée."
    button.on_click(submit)
    display(box)
    return box
