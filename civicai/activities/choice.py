"""A multiple-choice guess kept in the widget itself (``box.answer``), for notebooks without an answer sheet.

The debate's « carte des opinions » and module 5 ask a guess this way; :class:`AnswerSheet` is the one that
also saves it beside the notebook.
"""

from __future__ import annotations

from typing import Callable


def choice_prediction(heading: str, options: list[str], *, on_answer: Callable[[str], object] | None = None,
                      next_step: str = "Lancez la cellule suivante pour voir le résultat."):
    """Radio buttons, « Valider ma prédiction », the guess said back; ``heading`` is HTML written by the kit."""
    import ipywidgets as w
    from IPython.display import display

    choice = w.RadioButtons(options=options, value=None, layout=w.Layout(width="auto"))
    button = w.Button(description="Valider ma prédiction", layout=w.Layout(min_height="48px", width="auto"))
    said = w.HTML()
    box = w.VBox([w.HTML(heading), choice, button, said])
    box.answer = None

    def submit(_):
        if choice.value is None:
            said.value = "Choisissez une réponse, puis validez."
            return
        box.answer = choice.value
        if on_answer:
            on_answer(choice.value)
        said.value = f"Prédiction notée : <b>{choice.value}</b>. {next_step}"
    button.on_click(submit)
    display(box)
    return box
