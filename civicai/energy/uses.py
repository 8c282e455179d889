"""Everyday uses and familiar equivalents: the kiosk demo « Combien coûte une réponse ? ».

The figures of the uses come from :mod:`civicai.energy.sources` (published, cited); one answer of the
kit's generative model (module 4) is measured live where it runs (on the kiosk machine, or the class's server). Equivalents are plain arithmetic on stated assumptions
(a 10 W LED bulb; the smartphone charge used by Luccioni et al.).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from civicai.energy import sources as S
from civicai.energy.measure import format_wh
from civicai.french import number

LED_WATTS = 10


@dataclass(frozen=True)
class Use:
    id: str
    label: str              # button text
    low_wh: float
    high_wh: float
    what: str               # French: what the range means
    sources: tuple[str, ...]
    status: str = "estimé d'après des études publiées"


USES = [
    Use("question", "Une question à un chatbot", S.GEMINI_PROMPT_WH.value, S.CHATGPT_EPRI_WH.value,
        f"De {number(S.GEMINI_PROMPT_WH.value, 2)} Wh (mesure de Google sur Gemini, 2025) à "
        f"{number(S.CHATGPT_EPRI_WH.value, 1)} Wh (estimation reprise par l'EPRI pour les premières versions de ChatGPT, 2024). "
        "Les études ne mesurent pas les mêmes modèles ni les mêmes années.",
        ("google-gemini", "epri-2024")),
    Use("image", "Une image générée", S.IMAGE_MEAN_KWH_PER_1000.value, S.IMAGE_WORST_KWH_PER_1000.value,
        f"De {number(S.IMAGE_MEAN_KWH_PER_1000.value, 2)} Wh (moyenne des modèles testés) à "
        f"{number(S.IMAGE_WORST_KWH_PER_1000.value, 1)} Wh (modèle le moins efficace), mesuré par des "
        "chercheuses et chercheurs sur des cartes graphiques en 2023.", ("luccioni-2024",)),
    Use("video", "Une heure de vidéo en streaming", S.STREAMING_HOUR_KWH.value * 1000,
        S.STREAMING_HOUR_KWH.value * 1000,
        f"{number(S.STREAMING_HOUR_KWH.value * 1000, 0)} Wh : estimation centrale de l'AIE pour 2019, écran, "
        "réseau et centres de données compris. Un grand téléviseur consomme plus, un téléphone moins.",
        ("iea-streaming",)),
]


def by_id(use_id: str) -> Use:
    for u in USES:
        if u.id == use_id:
            return u
    raise KeyError(use_id)


def equivalents(wh: float) -> list[str]:
    """Familiar equivalents of ``wh``: minutes of a 10 W LED bulb, share of a smartphone charge."""
    minutes = wh / LED_WATTS * 60
    bulb = (f"{number(minutes * 60, 0)} secondes" if minutes < 1 else f"{number(minutes, 1, trim=True)} minutes")
    phone = wh / (S.PHONE_CHARGE_KWH.value * 1000)
    share = (f"{number(phone * 100, 1, trim=True)} % d'une recharge de smartphone" if phone < 1
             else f"{number(phone, 1, trim=True)} recharges de smartphone")
    return [f"une ampoule LED de {LED_WATTS} W allumée {bulb}", share]


def range_text(low_wh: float, high_wh: float) -> str:
    if low_wh == high_wh:
        return format_wh(low_wh)
    return f"de {format_wh(low_wh, like=high_wh).rsplit(' ', 1)[0]} à {format_wh(high_wh)}"


def carbon_text(low_wh: float, high_wh: float) -> str:
    """Grams of CO2e with France's 2024 grid (RTE), said as a hypothesis: data centres are often abroad."""
    g = S.GRID_FR_2024.value / 1000
    lo, hi = low_wh * g, high_wh * g
    amount = (f"{number(lo, 3, trim=True)} g" if lo == hi
              else f"de {number(lo, 3, trim=True)} à {number(hi, 3, trim=True)} g")
    return (f"{amount} de CO2 si l'électricité était celle de la France en 2024 "
            f"({number(S.GRID_FR_2024.value, 1)} g par kWh, RTE). Ailleurs, souvent bien plus.")


def card_html(use: Use) -> str:
    """The answer card: energy range, carbon, equivalents (low and high), status, and the sources."""
    e_low, e_high = equivalents(use.low_wh), equivalents(use.high_wh)
    eq = (f"<li>{e_low[0]}</li><li>{e_low[1]}</li>" if use.low_wh == use.high_wh else
          f"<li>{e_low[0]} … jusqu'à {e_high[0].split('allumée ')[1]}</li><li>{e_low[1]} … jusqu'à {e_high[1]}</li>")
    cites = "".join(f"<li>{html.escape(S.SOURCES[k].cite())}</li>" for k in use.sources)
    return (f"<div class='civicai-energy-card' style='font-size:1.3em;line-height:1.5'>"
            f"<h2 style='margin:0.2em 0'>{html.escape(use.label)}</h2>"
            f"<p><b style='font-size:1.4em'>{range_text(use.low_wh, use.high_wh)}</b> d'électricité "
            f"<i>({use.status})</i></p>"
            f"<p>{html.escape(use.what)}</p>"
            f"<p>C'est autant que :</p><ul>{eq}</ul>"
            f"<p>Carbone : {html.escape(carbon_text(use.low_wh, use.high_wh))}</p>"
            f"<details><summary>Sources</summary><ul style='font-size:0.8em'>{cites}</ul></details></div>")


def measured_card_html(question: str, reply) -> str:
    """The card of one answer of the kit's generative model (a ``GeneratedAnswer``), measured live."""
    energy = reply.energy
    if energy is None:
        figure = f"<p><b>Pas de chiffre</b> : {html.escape(reply.how)}.</p>"
    else:
        low, high = energy.range_wh
        figure = (f"<p><b style='font-size:1.4em'>{range_text(low, high)}</b> <i>({energy.status} sur cette "
                  f"machine, maintenant)</i></p><details><summary>Méthode</summary><p style='font-size:0.8em'>"
                  f"{html.escape(energy.method)}</p></details>")
    return (f"<div class='civicai-energy-card' style='font-size:1.3em;line-height:1.5'>"
            f"<h2 style='margin:0.2em 0'>Une réponse de la petite IA du kit</h2>"
            f"<p>Question : « {html.escape(question)} »<br>"
            f"Elle a écrit : <b>{html.escape(reply.text.strip())}</b></p>{figure}"
            f"<p>Cette IA est toute petite, à côté d'un grand chatbot. Elle écrit des phrases qui ressemblent "
            f"à du français, mais elle se trompe souvent.</p></div>")


def demo():
    """The kiosk widget: pick a use, see its energy, carbon and equivalents, with the sources."""
    import ipywidgets as w
    from IPython.display import display

    from civicai.energy.experiments import QUESTION, generative_answer_energy

    options = [(u.label, u.id) for u in USES] + [("Une réponse de la petite IA du kit, mesurée ici", "kit")]
    pick = w.ToggleButtons(options=options, value=None, style={"button_width": "auto"},
                           layout=w.Layout(margin="0.5em 0"))
    out = w.HTML("<p style='font-size:1.3em'>Choisissez un usage ci-dessus.</p>")

    def show(change):
        if change["new"] == "kit":
            out.value = "<p style='font-size:1.3em'>La petite IA écrit sa réponse…</p>"
            out.value = measured_card_html(QUESTION, generative_answer_energy())
        elif change["new"]:
            out.value = card_html(by_id(change["new"]))
    pick.observe(show, names="value")
    display(w.VBox([pick, out]))
    return pick, out


def table():
    """The everyday uses side by side: energy range, equivalents, where the figures come from."""
    import pandas as pd

    rows = [{"usage": u.label, "énergie": range_text(u.low_wh, u.high_wh),
             "autant que": " ; ".join(equivalents(u.low_wh)) if u.low_wh == u.high_wh
             else f"{equivalents(u.low_wh)[0]} (chiffre bas)", "statut": u.status,
             "sources": ", ".join(S.SOURCES[k].publisher for k in u.sources)} for u in USES]
    return pd.DataFrame(rows).set_index("usage")


def yearly_bill(wh_per_answer: float, answers_per_day: float, grid_g_per_kwh: float) -> tuple[float, float]:
    """kWh and kg of CO2e in a year for a use repeated every day, with the learner's own hypotheses.

    >>> yearly_bill(0.24, 10, 21.7)
    (0.876, 0.0190092)
    """
    kwh = round(wh_per_answer * answers_per_day * 365 / 1000, 6)
    return kwh, round(kwh * grid_g_per_kwh / 1000, 7)


def bill_explorer():
    """Sliders for the choices that change the bill: size of the model, how often, the grid's carbon."""
    import ipywidgets as w
    from IPython.display import display

    style = {"description_width": "18em"}
    lay = w.Layout(width="44em")
    size = w.FloatLogSlider(value=0.24, base=10, min=-4, max=1.5, step=0.1, readout_format=".3g",
                            description="énergie d'une réponse (Wh) :", style=style, layout=lay)
    per_day = w.IntSlider(value=10, min=1, max=200, description="réponses par jour :", style=style, layout=lay)
    grid = w.IntSlider(value=round(S.GRID_FR_2024.value), min=0, max=1000, step=5,
                       description="carbone de l'électricité (g/kWh) :", style=style, layout=lay)
    out = w.HTML()

    def draw(_=None):
        kwh, kg = yearly_bill(size.value, per_day.value, grid.value)
        out.value = (f"<p style='font-size:1.2em'>En un an : <b>{number(kwh, 2, trim=True)} kWh</b> et "
                     f"<b>{number(kg, 3, trim=True)} kg de CO2</b>, avec vos hypothèses.</p>")
    for s in (size, per_day, grid):
        s.observe(draw, names="value")
    draw()
    display(w.VBox([size, per_day, grid, out]))
    return size, per_day, grid, out
