"""The experiments of module 5, measured on the machine in the room: training networks of growing size,
one answer of a generative model, and a whole workshop scaled from what was measured.

Every result carries its :class:`~civicai.energy.measure.Energy`, so a table always says « mesuré » or
« estimé » and shows the range.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from civicai.energy.measure import CPU_SECONDS_HEADER, Energy, estimate, format_range_wh, format_wh, measure
from civicai.french import integer, number

MODULE1_HIDDEN, MODULE1_EPOCHS = 128, 15        # the network of module 1, notebook 2


def train_energy(data, *, hidden: int = MODULE1_HIDDEN, epochs: int = MODULE1_EPOCHS):
    """Train module 1's digit network with ``hidden`` neurons for ``epochs`` epochs; (result, Energy)."""
    from civicai.learn import torchnet

    with measure() as m:
        result = torchnet.train_digits_net(data, hidden=hidden, epochs=epochs, live=False, progress=False)
    return result, m.energy


def _row(label: str, result, energy: Energy) -> dict:
    low, high = energy.range_wh
    return {"réseau": label, "nombres appris": result.n_parameters, "époques": len(result.losses),
            "exactitude (%)": round(100 * result.test_accuracy, 1),
            "temps de calcul (s)": round(energy.cpu_seconds, 2),
            "énergie (mWh)": round(energy.wh * 1000, 3), "bas (mWh)": round(low * 1000, 3),
            "haut (mWh)": round(high * 1000, 3), "statut": energy.status}


def training_table(data, *, hidden_sizes=(32, MODULE1_HIDDEN, 512, 2048), epochs_list=(MODULE1_EPOCHS,),
                   hidden_for_epochs: int = MODULE1_HIDDEN):
    """One row per trained network: first the sizes (at module 1's epochs), then more epochs at one size."""
    import pandas as pd

    rows = []
    for h in hidden_sizes:
        res, e = train_energy(data, hidden=h, epochs=MODULE1_EPOCHS)
        rows.append(_row(f"{h} neurones, {MODULE1_EPOCHS} époques", res, e))
    for ep in epochs_list:
        if ep == MODULE1_EPOCHS and hidden_for_epochs in hidden_sizes:
            continue
        res, e = train_energy(data, hidden=hidden_for_epochs, epochs=ep)
        rows.append(_row(f"{hidden_for_epochs} neurones, {ep} époques", res, e))
    return pd.DataFrame(rows).set_index("réseau")


def growth_ratio(table, big: str, small: str, column: str = "énergie (mWh)") -> float:
    """How many times more energy ``big`` took than ``small`` (two row labels of :func:`training_table`)."""
    return float(table.loc[big, column] / table.loc[small, column])


def plot_growth(table):
    """Energy against the number of learned numbers (log scales), with the low-high range as error bars."""
    import matplotlib.pyplot as plt

    t = table[table["époques"] == MODULE1_EPOCHS].sort_values("nombres appris")
    fig, ax = plt.subplots(figsize=(6, 4))
    err = [t["énergie (mWh)"] - t["bas (mWh)"], t["haut (mWh)"] - t["énergie (mWh)"]]
    ax.errorbar(t["nombres appris"], t["énergie (mWh)"], yerr=err, fmt="o-", color="#0072B2", capsize=4)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("nombres appris par le réseau (échelle logarithmique)")
    ax.set_ylabel("énergie de l'entraînement (mWh)")
    ax.set_title(f"Plus le réseau est grand, plus il consomme ({t['statut'].iloc[0]})")
    fig.tight_layout()
    plt.show()


def word_generator(*, order: int = 3, seed: int = 0) -> Callable[[], str]:
    """Module 1's tiny generative model (letter by letter), ready to invent one word per call."""
    from civicai.learn.charlm import CharLM
    from civicai.learn.corpus import load_words

    model = CharLM(order).fit(load_words())
    rng = np.random.default_rng(seed)
    return lambda: model.generate_word(rng)


def answer_energy(generate: Callable[[], str] | None = None, *, repeats: int = 200):
    """Energy of ONE answer of a generator (any callable returning a text; module 1's word model by default).

    A single answer is too quick to time on its own, so ``repeats`` answers are measured together and the
    total divided. Returns (one example answer, Energy of one answer).
    """
    generate = generate or word_generator()
    answers = []
    with measure() as m:
        for _ in range(repeats):
            answers.append(generate())
    return answers[0], m.energy.times(1 / repeats)


QUESTION = "Pourquoi faut-il de l'électricité pour faire marcher une IA ?"
ELSEWHERE = "non mesurable : le modèle tourne sur un autre serveur"
CROWDED = ("non attribuable : d'autres demandes tournaient en même temps sur le serveur de la salle ; "
           "réessayez quand il est libre")


@dataclass(frozen=True)
class GeneratedAnswer:
    """One answer of module 4's model and what it cost: ``energy`` is None when it cannot be measured here."""
    text: str
    tokens: int
    seconds: float          # wall time of the answer, as the caller waited for it
    energy: Energy | None
    where: str              # French: where the model ran
    how: str                # French: whose CPU time was counted, or why there is no figure


def generative_answer_energy(model=None, prompt: str | None = None, *, max_tokens: int = 30) -> GeneratedAnswer:
    """Energy of ONE answer of the kit's generative model, wherever it runs.

    In this process (:class:`~civicai.generative.client.LocalModel`: kiosk, laptop): :func:`measure` around
    the answer. On the class's shared server: the CPU seconds its model server spent on this request, which
    the service reports (``X-Civicai-Cpu-Seconds``). On an operator's server,
    or when other requests shared the server, there is no honest figure: ``energy`` is None and ``how`` says why.
    """
    from civicai.generative import client
    from civicai.generative.demo import prompt_for

    model, prompt = model or client.connect(), prompt or prompt_for(QUESTION)
    if isinstance(model, client.LocalModel):  # a fresh model's first call also sets it up: not an answer's cost
        model.completion(prompt=prompt, max_tokens=1, temperature=0)
    with measure() as m:
        r = model.completion(prompt=prompt, max_tokens=max_tokens, temperature=0.7, seed=0)
    said = r["choices"][0]["text"], r["usage"]["completion_tokens"], m.energy.wall_seconds
    if isinstance(model, client.LocalModel):
        return GeneratedAnswer(*said, m.energy, model.where, "le temps de calcul de ce noyau, qui fait "
                               "tourner le modèle")
    reported = getattr(model, "last_headers", {}).get(CPU_SECONDS_HEADER)
    if reported is None:
        return GeneratedAnswer(*said, None, model.where, ELSEWHERE)
    if reported == "shared":
        return GeneratedAnswer(*said, None, model.where, CROWDED)
    energy = estimate(float(reported), m.energy.wall_seconds,
                      whose="temps de calcul du serveur du modèle, compté par le service de la salle")
    return GeneratedAnswer(*said, energy, model.where, "le temps de calcul du serveur partagé pour "
                           "cette seule réponse (votre noyau, lui, attend sans presque rien calculer)")


def reply_text(reply: GeneratedAnswer, word: Energy) -> str:
    """What a learner reads after one answer of module 4's model: the answer, its energy, « x times a word »."""
    lines = [f"Question : « {QUESTION} »", f"Réponse ({integer(reply.tokens)} jetons) : « {reply.text.strip()} »",
             f"Le modèle a tourné dans {reply.where}."]
    if reply.energy is None:
        return "\n".join(lines + [f"Énergie : {reply.how}."])
    return "\n".join(lines + [f"On a compté {reply.how}.", f"Énergie de cette réponse : {reply.energy}",
                               f"C'est environ {integer(round(reply.energy.wh / word.wh))} fois l'énergie d'un mot "
                               f"inventé par la petite IA du module 1."])


def fits_in_a_question(chatbot_wh: float, word: Energy, reply: GeneratedAnswer) -> str:
    """« With the energy of one chatbot question: N words of module 1, M answers of module 4 »."""
    lines = [f"Avec l'énergie d'une question à Gemini ({number(chatbot_wh, 2, trim=True)} Wh), on peut obtenir ici :",
             f"- environ {integer(round(how_many_for(word, chatbot_wh), -2))} mots inventés par l'IA du module 1 ;"]
    if reply.energy is None:
        return "\n".join(lines + [f"- un nombre inconnu de réponses de l'IA du module 4 ({reply.how})."])
    return "\n".join(lines + [f"- environ {integer(round(how_many_for(reply.energy, chatbot_wh), -1))} réponses de "
                               f"{integer(reply.tokens)} jetons de l'IA du module 4."])


def prediction_energy(model, X, *, repeats: int = 200):
    """Energy of ONE prediction of a fitted model (``model.predict`` on one row of ``X``), like above."""
    row = np.asarray(X)[:1]
    with measure() as m:
        for _ in range(repeats):
            model.predict(row)
    return m.energy.times(1 / repeats)


def how_many_for(energy: Energy, target_wh: float) -> float:
    """How many times this work fits in ``target_wh`` (central figure): « 1 question à un grand chatbot =
    N mots inventés ici »."""
    return target_wh / energy.wh


def workshop(per_participant: Energy, *, participants: int = 15) -> str:
    """One French sentence: the computing energy of a workshop, from one participant's measured work."""
    total = per_participant.times(participants)
    low, high = total.range_wh
    return (f"{integer(participants)} personnes : {format_wh(total.wh, like=high)} ({format_range_wh(low, high)}), "
            f"{total.status} ; soit {number(total.wh / 10 * 60, 1)} minutes d'une ampoule "
            f"LED de 10 W.")
