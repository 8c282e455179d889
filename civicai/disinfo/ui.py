"""Widgets of module 3: the three kiosk demos and a few notebook helpers.

Every demo is built by one function that returns a widget box; the demo notebooks only call
it. Text is big, buttons are large enough for a finger, nothing is written to disk.
CSS classes (``civicai-...``) give the browser tests stable handles.
"""

from __future__ import annotations

import html
import random

import ipywidgets as w

from civicai.disinfo.verdicts import (DETAIL, LABEL_FEMININE, UNKNOWN, differences_sentence,
                                      not_reviewed_sentence, verified_sentence)
from civicai.french import number
from civicai.kiosk.style import widgets_css


LABEL_COLOURS = {"vrai": "#1b7a3a", "faux": "#b3261e", "trompeur": "#a15c00"}


def _esc(text: str) -> str:
    return html.escape(str(text))


def header(title: str, sentences: list[str]) -> w.HTML:
    """The title and the three-sentence explanation shown on top of each demo."""
    body = " ".join(_esc(s) for s in sentences)
    return w.HTML(f"{widgets_css()}<h2>{_esc(title)}</h2><p>{body}</p>")


def _button(description: str, css: str, style: str = "") -> w.Button:
    button = w.Button(description=description, button_style=style,
                      layout=w.Layout(width="auto", min_height="3.2rem", margin="0.3em"))
    button.add_class(css)
    return button


def _num(value: float) -> str:
    """A score written the French way: 0,84."""
    return number(value, 2)


def _bar(value: float) -> str:
    width = max(0.0, min(1.0, value)) * 100
    return f'<div class="civicai-bar"><div style="width:{width:.0f}%"></div></div>'


# --- « Ce message a-t-il déjà été vérifié ? » ---------------------------------------------

MATCHING_EXAMPLES = [
    "Partagez vite : WhatsApp va devenir payant !",
    "Il paraît que si tout le monde vote blanc, l'élection est annulée.",
    "Les vaccins à ARN changent notre ADN, c'est prouvé.",
    "La Croatie est passée à l'euro en 2023.",
    "Un poisson rouge ne se souvient de rien après trois secondes.",
    "Les traînées des avions, ce sont des produits chimiques qu'on nous cache.",
    "Ma grand-mère fait la meilleure tarte aux pommes du quartier.",
]


def _claim_card(row: dict) -> str:
    """One corpus claim: its verdict only when its fact was reviewed against a source."""
    faded = "" if row["au_dessus_du_seuil"] else ' style="opacity:0.55"'
    head = f'<b>Ressemblance : {_num(row["score"])}</b>{_bar(row["score"])}'
    if not row["relu"]:
        return (f'<div class="civicai-card"{faded}>{head}<p>« {_esc(row["texte"])} »<br>'
                "<i>Pas encore relue : pas de verdict.</i></p></div>")
    return (f'<div class="civicai-card"{faded}>{head}<p>{_esc(verified_sentence(row))}<br>'
            f"{_esc(row['explication'])}<br><small>Source : {_esc(row['reference'])}</small></p></div>")


def matching_results_html(matcher, message: str, k: int = 3) -> str:
    """Results of a search as HTML: même affirmation, un détail diffère, or an honest « je ne sais pas ».

    A coloured verdict banner appears only for the same claim, reviewed, and it names the verified
    sentence, never the visitor's message.
    """
    result = matcher.verdict(message)
    kind = result["resultat"]
    if kind == UNKNOWN:
        head = (f'<div class="civicai-verdict civicai-unknown" style="background:#eee">'
                f"Aucune affirmation proche dans notre base : je ne sais pas.</div>"
                f"<p>La ressemblance la plus forte n'est que de {_num(result['score'])} "
                f"(seuil : {_num(matcher.threshold)}). Mieux vaut le dire que deviner.</p>")
    elif kind == DETAIL:
        head = (f'<div class="civicai-verdict civicai-detail" style="background:#fff3c4;color:#3d2e00">'
                f"Même sujet, mais {_esc(differences_sentence(result['differences']))}</div>"
                "<p>Vérifiez ce détail : le verdict de l'affirmation de notre base ne s'applique pas à "
                "votre message. La voici :</p>" + _claim_card(result))
    elif not result["relu"]:
        head = (f'<div class="civicai-verdict civicai-unreviewed" style="background:#e4e8f0;color:#1d2330">'
                f"{_esc(not_reviewed_sentence(result))}</div>")
    else:
        colour = LABEL_COLOURS[result["etiquette"]]
        head = (f'<div class="civicai-verdict civicai-found" style="background:{colour};color:white">'
                f"{_esc(verified_sentence(result))}</div>"
                f"<p>{_esc(result['explication'])}<br><small>Source : {_esc(result['reference'])}</small></p>")
    cards = "".join(_claim_card(row) for row in matcher.search(message, k=k))
    return (head + "<p>Les affirmations les plus proches de notre base :</p>" + cards
            + f"<p><small>Notre base : {_esc(matcher.base_description())}.</small></p>")


def matching_demo(matcher) -> w.VBox:
    """Type or pick a message; see whether it repeats a verified claim, changes a detail, or is unknown."""
    picker = w.Dropdown(options=["(choisissez un exemple)"] + MATCHING_EXAMPLES, description="Exemples :",
                        style={"description_width": "initial"}, layout=w.Layout(width="100%", height="3.2rem"))
    picker.add_class("civicai-examples")
    box = w.Textarea(placeholder="… ou écrivez ici le message que vous avez reçu",
                     layout=w.Layout(width="100%", height="5rem"))
    box.add_class("civicai-message")
    go = _button("Chercher", "civicai-search", "primary")
    out = w.HTML()
    out.add_class("civicai-results")

    def search(_=None):
        text = box.value.strip()
        if not text:
            out.value = "<p>Écrivez un message ou choisissez un exemple.</p>"
            return
        out.value = matching_results_html(matcher, text)

    def pick(change):
        if change["new"] in MATCHING_EXAMPLES:
            box.value = change["new"]
            search()

    picker.observe(pick, names="value")
    go.on_click(search)
    ui = w.VBox([
        header("Ce message a-t-il déjà été vérifié ?", [
            f"Cette IA compare votre message à {matcher.base_description()}, et donne un score "
            "de ressemblance, entre 0 (rien à voir) et 1 (même sens).",
            "Puis elle compare les détails (année, nombre, lieu, personne, organisation, négation) : "
            "même sujet ne veut pas dire même affirmation.",
            "Si rien n'est assez proche, elle répond honnêtement « je ne sais pas » : "
            "elle ne dit jamais si un message nouveau est vrai ou faux."]),
        picker, box, go, out])
    ui.add_class("civicai-kiosk")
    ui.add_class("civicai-disinfo")
    return ui


BET_OPTIONS = ["« Déjà vérifié : FAUX », comme l'affirmation voisine",
               "« Même sujet, mais un détail diffère »",
               "« Je ne sais pas »"]


def matching_bet(matcher, message: str) -> w.VBox:
    """Predict, then see (notebook 3): bet on what the tool answers about ``message``, then reveal it."""
    choice = w.RadioButtons(options=BET_OPTIONS, value=None, description="Votre pari :",
                            style={"description_width": "initial"}, layout=w.Layout(width="auto"))
    choice.add_class("civicai-bet")
    reveal = _button("Voir la réponse de l'outil", "civicai-reveal", "primary")
    out = w.HTML()

    def show(_=None):
        if choice.value is None:
            out.value = "<p>Choisissez d'abord votre pari.</p>"
            return
        out.value = (f"<p>Votre pari : {_esc(choice.value)}</p>"
                     + matching_results_html(matcher, message, k=1))

    reveal.on_click(show)
    return w.VBox([w.HTML(f"<p>Le message : <b>« {_esc(message)} »</b></p>"
                          "<p>Que va répondre l'outil ?</p>"), choice, reveal, out])


# --- « Le détecteur trompé » --------------------------------------------------------------

DETECTOR_START = "Le SMIC augmente au moins une fois par an."


def detector_verdict_html(model, text: str) -> str:
    from civicai.disinfo.detector import CAPS_TOKEN, doubt_probability, tokens

    if not text.strip():
        return "<p>Écrivez une phrase.</p>"
    p = doubt_probability(model, text)
    doubtful = p >= 0.5
    word, colour, css = (("DOUTEUX", "#b3261e", "civicai-doubtful") if doubtful
                         else ("FIABLE", "#1b7a3a", "civicai-reliable"))
    toks = tokens(text)
    signs = []
    if toks.count("!"):
        signs.append(f"{toks.count('!')} point(s) d'exclamation")
    if toks.count(CAPS_TOKEN):
        signs.append(f"{toks.count(CAPS_TOKEN)} mot(s) en majuscules")
    seen = "Signes de style repérés : " + ", ".join(signs) + "." if signs else "Aucun signe de style repéré."
    return (f'<div class="civicai-verdict {css}" style="background:{colour};color:white">'
            f"Le détecteur dit : {word}</div>"
            f"<p>Probabilité de « faux ou trompeur » selon le détecteur : <b>{p * 100:.0f} %</b>{_bar(p)}</p>"
            f"<p>{seen}</p>")


def detector_demo(model) -> w.VBox:
    """Write a sentence; watch the naive detector's verdict flip with « !!! » or capitals."""
    text = w.Textarea(value=DETECTOR_START, continuous_update=True,
                      layout=w.Layout(width="100%", height="5rem"))
    text.add_class("civicai-sentence")
    out = w.HTML(detector_verdict_html(model, DETECTOR_START))
    out.add_class("civicai-verdict-box")
    add_marks = _button("Ajouter « !!! »", "civicai-add-marks")
    capitals = _button("Tout en MAJUSCULES", "civicai-capitals")
    shock = _button("Ajouter « CHOQUANT : »", "civicai-shock")
    reset = _button("Revenir à la phrase de départ", "civicai-reset")

    def refresh(_=None):
        out.value = detector_verdict_html(model, text.value)

    text.observe(refresh, names="value")
    add_marks.on_click(lambda _: setattr(text, "value", text.value.rstrip(" .") + " !!!"))
    capitals.on_click(lambda _: setattr(text, "value", text.value.upper()))
    shock.on_click(lambda _: setattr(text, "value", "CHOQUANT : " + text.value))
    reset.on_click(lambda _: setattr(text, "value", DETECTOR_START))
    ui = w.VBox([
        header("Le détecteur trompé", [
            "Ce « détecteur de fausses informations » a appris sur des exemples où les fausses "
            "nouvelles étaient écrites en criant et les vraies calmement.",
            "Écrivez une phrase vraie, puis ajoutez des « !!! » ou des majuscules.",
            "Si son avis change alors que les faits restent les mêmes, c'est qu'il juge le style, "
            "pas la vérité."]),
        text, w.HBox([add_marks, capitals, shock, reset], layout=w.Layout(flex_flow="row wrap")), out])
    ui.add_class("civicai-kiosk")
    ui.add_class("civicai-disinfo")
    return ui


# --- « Vrai ou faux ? » ---------------------------------------------------------------------

def score_html(score) -> str:
    return (f'<div class="civicai-card civicai-final"><h3>Votre score : {score.correct} / {score.total}</h3>'
            f"<p><b>Discrimination</b> (savoir distinguer le vrai du faux) : d' = {_num(score.d_prime)}. "
            "0 veut dire « au hasard » ; plus c'est haut, mieux vous distinguez.</p>"
            f"<p>Fausses affirmations repérées : <b>{score.hits}</b> sur {score.hits + score.misses}. "
            f"Vraies affirmations rejetées à tort : <b>{score.false_alarms}</b> sur "
            f"{score.false_alarms + score.correct_rejections}.</p>"
            f"<p><b>Tendance</b> : {score.bias_words()}.</p>"
            "<p>Tout rejeter n'est pas une compétence : douter de tout fait rejeter aussi les "
            "informations vraies. Le but est de bien trier.</p></div>")


def game_demo(claims, n: int = 10, seed: int | None = None) -> w.VBox:
    """Ten claims, one at a time; the final score separates discrimination and scepticism."""
    from civicai.disinfo.game import pick_items, score_answers

    state = {"items": None, "i": 0, "answers": []}
    claim = w.HTML()
    claim.add_class("civicai-claim")
    feedback = w.HTML()
    feedback.add_class("civicai-feedback")
    say_true = _button("VRAI", "civicai-answer-true", "success")
    say_false = _button("FAUX", "civicai-answer-false", "danger")
    next_button = _button("Suivante", "civicai-next", "primary")
    again = _button("Rejouer", "civicai-again", "primary")
    answers_row = w.HBox([say_true, say_false])

    def show():
        items, i = state["items"], state["i"]
        row = items[i]
        claim.value = (f"<p>Affirmation {i + 1} sur {len(items)}</p>"
                       f'<div class="civicai-card" style="font-size:1.6rem">« {_esc(row["texte"])} »</div>')
        feedback.value = ""
        answers_row.layout.display = ""
        next_button.layout.display = "none"
        again.layout.display = "none"

    def start(_=None, play_seed=seed):
        state["items"] = pick_items(claims, n=n, seed=random.randrange(10**6) if play_seed is None else play_seed)
        state["i"], state["answers"] = 0, []
        show()

    def answer(said_false: bool):
        row = state["items"][state["i"]]
        doubtful = row["etiquette"] != "vrai"
        state["answers"].append(said_false)
        right = said_false == doubtful
        mark = "Bonne réponse" if right else "Pas tout à fait"
        feedback.value = (f'<div class="civicai-card"><b>{mark}</b> : cette affirmation est '
                          f"<b>{LABEL_FEMININE[row['etiquette']]}</b>. {_esc(row['explication'])}"
                          f"<br><small>Source : {_esc(row['reference'])}</small></div>")
        answers_row.layout.display = "none"
        if state["i"] + 1 < len(state["items"]):
            next_button.layout.display = ""
        else:
            truths = [item["etiquette"] != "vrai" for item in state["items"]]
            feedback.value += score_html(score_answers(state["answers"], truths))
            again.layout.display = ""

    def next_claim(_):
        state["i"] += 1
        show()

    say_true.on_click(lambda _: answer(False))
    say_false.on_click(lambda _: answer(True))
    next_button.on_click(next_claim)
    again.on_click(lambda _: start(play_seed=None))
    start()
    ui = w.VBox([
        header("Vrai ou faux ?", [
            f"Voici {n} affirmations : la moitié sont vraies, l'autre moitié fausses ou trompeuses.",
            "Certaines vraies sont écrites sur un ton qui crie, certaines fausses sur un ton calme : "
            "le style ne vous aidera pas.",
            "À la fin, votre score sépare deux choses : savoir trier le vrai du faux, et la tendance "
            "à tout rejeter."]),
        claim, answers_row, feedback, w.HBox([next_button, again])])
    ui.add_class("civicai-kiosk")
    ui.add_class("civicai-disinfo")
    return ui


# --- Notebook helpers -----------------------------------------------------------------------

def technique_examples(df, per_technique: int = 1, seed: int = 0):
    """One sensational example per manipulation technique (notebook 01)."""
    import pandas as pd

    doubtful = df[(df["etiquette"] != "vrai") & (df["style"] == "sensationnel")]
    parts = [group.sample(min(per_technique, len(group)), random_state=seed)
             for _, group in doubtful.groupby("technique", sort=True)]
    return pd.concat(parts)[["technique", "texte", "etiquette", "explication"]].reset_index(drop=True)


def plot_top_features(model, n: int = 8):
    """Bar chart of the tokens that push most towards « douteux » and « fiable »."""
    import matplotlib.pyplot as plt

    from civicai.disinfo.detector import top_features

    top = top_features(model, n).sort_values("poids")
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(top) + 1))
    colours = ["#1b7a3a" if v < 0 else "#b3261e" for v in top["poids"]]
    ax.barh(top["signe"], top["poids"], color=colours)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel("poids : vers « fiable » (gauche) ou vers « douteux » (droite)")
    ax.set_title("Les signes sur lesquels le détecteur s'appuie")
    fig.tight_layout()
    return fig


def plot_accuracy_drop(experiment):
    """Two bars: accuracy on the confounded split A and on the balanced split B."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    values = [experiment.accuracy_confounded, experiment.accuracy_balanced]
    bars = ax.bar(["Partie A\n(style = indice)", "Partie B\n(style sans lien)"], values,
                  color=["#1f5fbf", "#b3261e"])
    for bar, value in zip(bars, values):
        ax.text(bar.get_x() + bar.get_width() / 2, value + 0.02, f"{value * 100:.0f} %", ha="center")
    ax.axhline(0.5, ls="--", color="grey")
    ax.text(1.45, 0.51, "hasard", color="grey", ha="right")
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("exactitude")
    ax.set_title("Le même détecteur, deux jeux de test")
    fig.tight_layout()
    return fig


def detector_calculator(tpr: float, fpr: float) -> w.VBox:
    """Notebook 04's sliders: a class of homework through a detector; how many accusations are wrong?"""
    from civicai import french
    from civicai.disinfo.generated import detector_outcomes

    style, layout = {"description_width": "22rem"}, w.Layout(width="42rem")
    n = w.IntSlider(30, min=10, max=500, step=10, description="Nombre de devoirs", style=style, layout=layout)
    share = w.FloatSlider(0.1, min=0, max=1, step=0.05, description="Part écrite par une IA", style=style,
                          layout=layout)
    tp = w.FloatSlider(tpr, min=0, max=1, step=0.01, description="Devoirs d'IA repérés (taux)", style=style,
                       layout=layout)
    fp = w.FloatSlider(fpr, min=0, max=0.5, step=0.01, description="Devoirs humains accusés (taux)",
                       style=style, layout=layout)
    out = w.HTML()

    def update(_=None):
        o = detector_outcomes(n.value, share.value, tp.value, fp.value)
        out.value = (f"<p style='font-size:1.2rem'>Devoirs d'IA repérés : <b>{french.number(o.generated_flagged, 1)}</b> · "
                     f"devoirs d'IA non repérés : <b>{french.number(o.generated_missed, 1)}</b><br>"
                     f"Devoirs d'élèves signalés à tort : <b>{french.number(o.human_flagged, 1)}</b> · part des accusations "
                     f"qui sont fausses : <b>{round(o.share_of_flags_wrong * 100)} %</b></p>")

    for slider in (n, share, tp, fp):
        slider.observe(update, names="value")
    update()
    return w.VBox([n, share, tp, fp, out])
