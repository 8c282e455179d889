"""Predict-then-see steps and answer boxes of module 5, with the kit's answer contract (common brief).

An answer is kept in the widget (``box.answer``) and, on a hub where the facilitator-room service set
``CIVICAI_SALLE_URL``, POSTed to ``$CIVICAI_SALLE_URL/api/reponses``. Without it (kiosk, tests, a laptop) the
answer stays local and nothing fails. The lead may replace this with the shared helper of issue 15.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

MODULE = "05-ce-que-coute-l-ia"


def record(notebook: str, question: str, kind: str, value) -> bool:
    """Send one answer to the facilitator room if there is one; True when it was accepted."""
    url, token = os.environ.get("CIVICAI_SALLE_URL", ""), os.environ.get("JUPYTERHUB_API_TOKEN", "")
    if not (url and token):
        return False
    body = json.dumps({"module": MODULE, "notebook": notebook, "question": question, "kind": kind,
                       "value": value}).encode()
    req = urllib.request.Request(url.rstrip("/") + "/api/reponses", data=body, method="POST",
                                 headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return 200 <= resp.status < 300
    except (urllib.error.URLError, OSError):
        return False        # the room is down: the answer is still in the notebook


def prediction(notebook: str, question_id: str, question: str, options: list[str]):
    """A « what do you expect? » step: radio buttons, a button, the guess said back and kept in ``.answer``."""
    import ipywidgets as w
    from IPython.display import display

    choice = w.RadioButtons(options=options, value=None, layout=w.Layout(width="auto"))
    button = w.Button(description="Valider ma prédiction", layout=w.Layout(min_height="48px", width="auto"))
    said = w.HTML()
    box = w.VBox([w.HTML(f"<b>{question_id}.</b> {question}"), choice, button, said])
    box.answer = None

    def submit(_):
        if choice.value is None:
            said.value = "Choisissez une réponse, puis validez."
            return
        box.answer = choice.value
        record(notebook, question_id, "choice", choice.value)
        said.value = f"Prédiction notée : <b>{choice.value}</b>. Lancez la cellule suivante pour voir le résultat."
    button.on_click(submit)
    display(box)
    return box


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
