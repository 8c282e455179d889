"""Kiosk demo « Parlez à une IA de la salle »: the answer built token by token, with the candidates.

Nothing the visitor types is stored, printed or logged: the question lives in the widget and in the request
to the model, and is gone when the page closes. A stop button ends the answer at the next token.
"""

from __future__ import annotations

import html
import math
import threading

from civicai.errors import UserError
from civicai.french import percent
from civicai.generative import client

QUESTIONS = ["Qu'est-ce qu'une intelligence artificielle ?", "Comment une IA apprend-elle ?",
             "Les antibiotiques soignent-ils le rhume ?", "Qui dirige la mairie de notre ville ?"]
MAX_CHARS = 200
MAX_TOKENS = 40
WARNING = ("<p role='note' style='background:#fef3c7;color:#111;padding:8px;border-radius:6px'>"
           "<b>Attention :</b> cette IA se trompe souvent. Elle choisit des mots probables, pas des mots vrais. "
           "Ce que vous écrivez n'est ni gardé ni enregistré.</p>")
SILENT = "L'IA ne répond pas pour le moment. Réessayez dans un instant."


class _Stopped(Exception):
    """The visitor pressed « Arrêter » while waiting in line: the request is dropped, its place given back."""


def prompt_for(question: str) -> str:
    return f"Question : {question.strip()[:MAX_CHARS]}\nRéponse :"


def candidates_html(top: dict, chosen: str) -> str:
    rows = "".join(
        f"<tr><td style='font-family:monospace;font-size:22px'>{'➜ ' if t == chosen else ''}"
        f"{html.escape(t.replace(' ', '▁'))}</td><td><div style='background:#1d4ed8;height:18px;"
        f"width:{max(2, round(260 * math.exp(lp)))}px'></div></td><td>{percent(math.exp(lp))}</td></tr>"
        for t, lp in sorted(top.items(), key=lambda kv: -kv[1]))
    return ("<table style='font-size:22px'><caption>Les jetons candidats, et leur chance d'être choisis"
            f"</caption><tr><th>jeton</th><th></th><th>chance</th></tr>{rows}</table>")


class TalkDemo:
    def __init__(self, model=None):
        import ipywidgets as w

        self.model = model
        self.stop = threading.Event()
        self.worker: threading.Thread | None = None
        self.pick = w.Dropdown(options=[("Choisissez une question…", "")] + [(q, q) for q in QUESTIONS],
                               value="", description="Question :", layout=w.Layout(width="720px"))
        self.typed = w.Text(placeholder="ou écrivez la vôtre (200 caractères au plus)",
                            layout=w.Layout(width="720px"), description="Votre question :")
        self.ask = w.Button(description="Demander", button_style="primary")
        self.halt = w.Button(description="Arrêter", button_style="danger", disabled=True)
        self.answer = w.HTML("<p>La réponse s'écrira ici, jeton par jeton.</p>")
        self.table = w.HTML()
        self.pick.observe(lambda ch: self.start(ch["new"]) if ch["new"] else None, names="value")
        self.ask.on_click(lambda _: self.start(self.typed.value or self.pick.value))
        self.halt.on_click(lambda _: self.stop.set())
        self.box = w.VBox([w.HTML(WARNING), self.pick, self.typed, w.HBox([self.ask, self.halt]),
                           self.answer, self.table], layout=w.Layout(font_size="22px"))
        for widget, name in ((self.box, "civicai-talk"), (self.answer, "civicai-talk-answer"),
                             (self.table, "civicai-talk-candidates")):
            widget.add_class(name)  # what the kiosk's tests look for

    def _ipython_display_(self):
        from IPython.display import display

        display(self.box)

    def start(self, question: str) -> None:
        if not question.strip():
            self.answer.value = "<p>Choisissez ou écrivez d'abord une question.</p>"
            return
        if self.worker and self.worker.is_alive():
            self.stop.set()
            self.worker.join(10)
        self.stop.clear()
        self.worker = threading.Thread(target=self.run, args=(question,), daemon=True)
        self.worker.start()

    def run(self, question: str) -> None:
        self.halt.disabled, self.ask.disabled = False, True
        text, shown = "", question.strip()[:MAX_CHARS]
        head = f"<p><b>Question :</b> {html.escape(shown)}</p><p><b>Réponse de l'IA :</b> "
        try:
            model = self.model or client.connect()
            self.answer.value = head + "…</p>"

            def waiting(sentence: str) -> None:  # the class's model is busy: the visitor sees the line move
                if self.stop.is_set():
                    raise _Stopped  # closing the connection takes this request out of the line
                self.answer.value = head + "<i>" + html.escape(sentence, quote=False) + "</i></p>"

            for chunk in model.stream(on_wait=waiting, prompt=prompt_for(question), max_tokens=MAX_TOKENS,
                                      temperature=0.7, logprobs=5, stop=["\n"], seed=0):
                if self.stop.is_set():
                    text += " [arrêté]"
                    break
                choice = chunk["choices"][0]
                text += choice["text"]
                self.answer.value = head + html.escape(text) + "</p>"
                top = ((choice.get("logprobs") or {}).get("top_logprobs") or [None])[0]
                if top:
                    self.table.value = candidates_html(top, choice["text"])
            self.answer.value = head + html.escape(text or "(pas de réponse)") + "</p>"
        except _Stopped:
            self.answer.value = head + "[arrêté]</p>"
        except Exception as e:  # a visitor sees a French sentence, never a traceback nor a technical message
            self.answer.value = f"<p>{html.escape(str(e) if isinstance(e, UserError) else SILENT, quote=False)}</p>"
        finally:
            self.halt.disabled, self.ask.disabled = True, False
