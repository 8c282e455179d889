"""The widgets of a notebook's answer sheet: predict before a result, answer every numbered question.

Each widget reads the sidecar (``store.py``) when its cell runs, so rerunning a cell, restarting the kernel
or running all cells again shows what the learner already wrote, instead of an empty box.
"""

from __future__ import annotations

import html
from pathlib import Path

from civicai import french
from civicai.activities.store import AnswerStore, check_id
from civicai.errors import UserError

BIG = "min-height:44px"  # touch-friendly, like the debate's buttons


def _html(text: str) -> str:
    return f"<div style='font-size:1.1em' role='status'>{text}</div>"


def show_value(entry_or_value, unit: str = "", digits: int = 0) -> str:
    """A stored value as a learner reads it: « 80 % », « 3 », « les femmes »."""
    value = entry_or_value["value"] if isinstance(entry_or_value, dict) else entry_or_value
    if isinstance(value, (int, float)):
        text = french.number(value, digits, trim=True)
        return f"{text} {unit}".strip() if unit else text
    return html.escape(str(value))


class AnswerSheet:
    """One per notebook: ``sheet = AnswerSheet("02-l-audit.ipynb")`` in the setup cell.

    ``folder`` defaults to the kernel's working folder, which Jupyter and Voilà set to the notebook's own
    folder; the module is that folder's name (``02-biais-reconnaissance-faciale``).
    """

    def __init__(self, notebook: str, folder: Path | str | None = None):
        self.store = AnswerStore(Path(folder) if folder else Path.cwd(), notebook)
        self.widgets: dict[str, object] = {}  # the live widgets by question id, to drive them (tests, kiosk)

    def _save(self, question: str, kind: str, value) -> tuple[dict | None, str]:
        """Save, then send; returns the entry (``None`` if refused) and a French status line."""
        try:
            entry = self.store.save(question, kind, value)
        except UserError as exc:
            return None, str(exc)
        except OSError:
            return None, ("Impossible d'enregistrer dans votre dossier (il est peut-être plein ou protégé). "
                          "Copiez votre réponse ailleurs et prévenez la personne qui anime.")
        note = self.store.send(question, entry)
        return entry, note or ""

    def question(self, question: str, placeholder: str = "Écrivez votre réponse ici."):
        """A text box and an « Enregistrer » button under a numbered question; shows the saved answer."""
        import ipywidgets as w
        from IPython.display import HTML, DisplayHandle, display

        check_id(question)
        saved = self.store.get(question)
        box = w.Textarea(value=saved["value"] if saved else "", placeholder=placeholder,
                         description=f"{question} :", layout=w.Layout(width="100%", min_height="5em"))
        button = w.Button(description="Enregistrer", icon="save", button_style="primary",
                          layout=w.Layout(width="auto", min_height="44px"))
        status = w.HTML(_html(self._saved_line(saved)))

        def on_click(_):
            entry, note = self._save(question, "text", box.value)
            if entry is None:
                status.value = _html(note)
                return
            status.value = _html(" ".join(filter(None, [self._saved_line(entry), note])))
            handle.update(HTML(self._mirror(question, entry)))

        button.on_click(on_click)
        display(w.VBox([box, button, status]))
        handle = DisplayHandle()  # the saved answer as a plain output, updated in place on each save
        handle.display(HTML(self._mirror(question, saved)))
        self.widgets[question] = (box, button, status)
        return None

    def predict(self, question: str, *, minimum: float = 0, maximum: float = 100,
                step: float = 1, unit: str = "", options: list[str] | None = None):
        """A guess (a slider, or buttons when ``options`` is given), committed by « Je valide ».

        The question itself sits in the markdown cell above (« **Prédiction M1-P1.** ... »), where the
        learner reads it and the readability measure counts it.
        """
        import ipywidgets as w
        from IPython.display import display

        check_id(question)
        kind = "choice" if options else "number"
        saved = self.store.get(question)
        if options:
            picker = w.ToggleButtons(options=options, value=None, style={"button_width": "auto"})
        else:
            picker = w.FloatSlider(value=(minimum + maximum) / 2, min=minimum, max=maximum, step=step,
                                   readout_format=".0f" if step >= 1 else ".2f", continuous_update=True,
                                   layout=w.Layout(width="32rem"))
        if saved:
            picker.value = saved["value"]
        button = w.Button(description="Je valide ma prédiction", button_style="warning",
                          layout=w.Layout(width="auto", min_height="44px"))
        status = w.HTML()
        unit_label = w.HTML(html.escape(unit))

        def lock(entry):
            picker.disabled = button.disabled = True
            status.value = _html(f"Prédiction enregistrée : <b>{show_value(entry, unit)}</b>. "
                                 "Continuez : le résultat viendra plus bas.")

        def on_click(_):
            entry, note = self._save(question, kind, picker.value)
            if entry is None:
                status.value = _html(note)
                return
            lock(entry)
            if note:
                status.value += _html(note)

        button.on_click(on_click)
        if saved:
            lock(saved)
        row = w.HBox([picker, unit_label]) if not options else picker
        display(w.VBox([w.HTML(f"<b>Votre prédiction ({question}) :</b>"), row, button, status]))
        self.widgets[question] = (picker, button, status)
        return None

    def reveal(self, question: str, result, *, unit: str = "", digits: int = 0):
        """Show the committed guess next to the actual ``result`` (a number, or the right option)."""
        from IPython.display import HTML, display

        check_id(question)
        saved = self.store.get(question)
        actual = show_value(result, unit, digits)
        if saved is None:
            text = (f"Vous n'avez pas validé de prédiction pour {question} : le résultat est <b>{actual}</b>. "
                    "La prochaine fois, remontez à la prédiction, choisissez une réponse et cliquez sur "
                    "« Je valide ma prédiction » avant de lancer cette cellule.")
        else:
            guess = show_value(saved, unit, digits)
            text = f"Votre prédiction : <b>{guess}</b>. Le résultat : <b>{actual}</b>."
            if isinstance(result, (int, float)) and isinstance(saved["value"], (int, float)):
                gap = abs(float(result) - saved["value"])
                text += f" Écart : {french.number(gap, digits, trim=True)}{' ' + unit if unit else ''}."
            elif not isinstance(result, (int, float)):
                text += (" Bien vu !" if saved["value"] == str(result)
                         else " Ce n'est pas grave : c'est en se trompant qu'on retient.")
        display(HTML(_html(f"<p>🔎 {text}</p>")))
        return None

    @staticmethod
    def _saved_line(entry: dict | None) -> str:
        if not entry:
            return "Pas encore de réponse enregistrée."
        return f"Réponse enregistrée (le {entry['saved_at'][:10]} à {entry['saved_at'][11:16]})."

    @staticmethod
    def _mirror(question: str, entry: dict | None) -> str:
        """The saved answer as plain output: what JupyterLab keeps inside the .ipynb and prints."""
        if not entry:
            return f"<p><i>{question} : pas encore de réponse enregistrée.</i></p>"
        return f"<p><b>Votre réponse à {question} :</b> « {html.escape(str(entry['value']))} »</p>"


def about(x: float, powers=range(1, 5)) -> str:
    """The order of magnitude of ``x`` as one of the options of a guess: ``about(973) == "environ 1 000"``."""
    import math

    exponent = min(powers, key=lambda p: abs(math.log10(max(x, 1e-9)) - p))
    return "environ " + f"{10 ** exponent:,}".replace(",", " ")
