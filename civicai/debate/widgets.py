"""The debate in a notebook (and in Voilà): the same API as the web page, with the participant's hub token.

On the hub, a user's server has ``JUPYTERHUB_API_TOKEN`` (its token, allowed to use the service) and
``CIVICAI_DEBAT_URL`` (the service's loopback address, set by ``civicai.debate.hubconfig``).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

from civicai.errors import UserError

CHOICES = [("D'accord", "agree"), ("Pas d'accord", "disagree"), ("Je passe", "pass")]
NOT_ON_HUB = ("Cette page fonctionne sur le hub de l'atelier : ouvrez-la depuis votre espace sur le hub. "
              "Ici, elle ne trouve pas le service des débats.")


class DebateClient:
    """Calls the service's JSON API; a refusal becomes a ``UserError`` with the service's French message."""

    def __init__(self, url: str | None = None, token: str | None = None):
        self.url = url or os.environ.get("CIVICAI_DEBAT_URL", "")
        self.token = token or os.environ.get("JUPYTERHUB_API_TOKEN", "")
        if not (self.url and self.token):
            raise UserError(NOT_ON_HUB)

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.url.rstrip('/')}/api/{path}", data=data, method=method,
                                     headers={"Authorization": f"token {self.token}",
                                              "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as err:
            try:
                message = json.loads(err.read())["error"]
            except (ValueError, KeyError):
                message = f"Le service des débats a refusé la demande (erreur {err.code})."
            raise UserError(message) from None
        except urllib.error.URLError:
            raise UserError(NOT_ON_HUB) from None

    def debates(self) -> list[dict]:
        return [d for d in self.call("GET", "debates")["debates"] if d["status"] == "open"]

    def debate(self, slug: str) -> dict:
        return self.call("GET", f"debates/{slug}")

    def vote(self, slug: str, statement: int, value: str) -> dict:
        return self.call("POST", f"debates/{slug}/votes", {"statement": statement, "vote": value})

    def propose(self, slug: str, text: str) -> dict:
        return self.call("POST", f"debates/{slug}/statements", {"text": text})

    def opinion_map(self, slug: str) -> dict:
        return self.call("GET", f"debates/{slug}/map")


def debate_app(client: DebateClient | None = None):
    """Choose a debate, vote with big buttons, write a statement, look at the map."""
    import ipywidgets as w
    from IPython.display import display

    try:
        client = client or DebateClient()
        debates = client.debates()
    except UserError as exc:
        return display(w.HTML(f"<p style='font-size:1.2em'>{exc}</p>"))
    if not debates:
        return display(w.HTML("<p style='font-size:1.2em'>Aucun débat ouvert pour l'instant. "
                              "Revenez quand la personne qui anime en aura ouvert un.</p>"))
    big = w.Layout(width="auto", min_height="48px")
    pick = w.Dropdown(options=[(d["title"], d["slug"]) for d in debates], description="Débat :", layout=big)
    status = w.HTML()
    body = w.VBox()

    def say(text):
        status.value = f"<p style='font-size:1.1em' role='status'>{text}</p>"

    def voter(slug, statement, current):
        buttons = w.ToggleButtons(options=CHOICES, value=current, style={"button_width": "9em"})

        def changed(change):
            try:
                client.vote(slug, statement["id"], change["new"])
                say("Vote enregistré.")
            except UserError as exc:
                say(str(exc))
        buttons.observe(changed, names="value")
        return w.VBox([w.HTML(f"<p style='font-size:1.15em'>{statement['text']}</p>"), buttons])

    def show(_=None):
        slug = pick.value
        d = client.debate(slug)
        text = w.Textarea(placeholder="Votre phrase : une seule idée, 140 caractères au plus", layout=big)
        send, see = w.Button(description="Envoyer ma phrase", layout=big), w.Button(description="Voir la carte",
                                                                                  layout=big)
        out = w.Output()

        def propose(_):
            try:
                client.propose(slug, text.value)
                text.value = ""
                say("Merci ! Votre phrase sera proposée au vote dès que la personne qui anime l'aura relue.")
            except UserError as exc:
                say(str(exc))

        def draw(_):
            import matplotlib.pyplot as plt

            from civicai.debate.export import draw_map
            out.clear_output()
            with out:
                summary = client.opinion_map(slug)
                fig, ax = plt.subplots(figsize=(6, 6))
                draw_map(ax, summary)
                plt.show()
                for c in summary["consensus"]:
                    print(f"Rassemble tous les groupes : « {c['text']} » ({c['min_agree']} % d'accord au moins)")
        send.on_click(propose)
        see.on_click(draw)
        votes = [voter(slug, s, d["my_votes"].get(str(s["id"]))) for s in d["statements"]]
        body.children = [w.HTML(f"<h3>{d['debate']['question']}</h3>"), *votes, text, send, see, out]

    pick.observe(show, names="value")
    show()
    display(w.VBox([pick, status, body]))
