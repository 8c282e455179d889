"""Notebook helpers of module 4: tokens, next-token tables, temperature, grounded answers, cost, law, request log.

Thin notebooks call these; every function works with the class's shared server or a model loaded in the kernel
(:func:`civicai.generative.client.connect`).
"""

from __future__ import annotations

import html
import json
import os
import urllib.request

import numpy as np

from civicai.energy.measure import format_range_wh, format_wh
from civicai.french import number, percent
from civicai.generative import client


def _html(markup: str):
    from IPython.display import HTML

    return HTML(markup)


def token_boxes(text: str, model=None):
    """The sentence as the model cuts it, one coloured box per token, and the count."""
    parts = client.pieces(model or client.connect(), text)
    colours = ("#dbeafe", "#fde68a", "#bbf7d0", "#fecaca", "#e9d5ff")
    boxes = "".join(f'<span style="background:{colours[i % 5]};color:#111;padding:2px 4px;margin:1px;'
                    f'border-radius:4px;font-family:monospace">{html.escape(p)}</span>' for i, p in enumerate(parts))
    return _html(f"<p>{boxes}</p><p><b>{len(parts)} jetons</b> pour {len(text)} caractères.</p>")


def probability_bars(table: list[tuple[str, float]], title: str = ""):
    """A table of candidates as horizontal bars (text and percentages, readable without colours)."""
    rows = "".join(
        f"<tr><td style='font-family:monospace'>{html.escape(t.replace(' ', '▁'))}</td>"
        f"<td><div style='background:#2563eb;height:14px;width:{max(1, round(300 * p))}px'></div></td>"
        f"<td>{percent(p)}</td></tr>" for t, p in table)
    return _html(f"<table><caption>{html.escape(title)}</caption><tr><th>jeton</th><th></th>"
                 f"<th>probabilité</th></tr>{rows}</table>")


def reweight(table: list[tuple[str, float]], temperature: float) -> list[tuple[str, float]]:
    """The same candidates after temperature (among the shown candidates only)."""
    from civicai.learn.charlm import apply_temperature

    p = apply_temperature(np.array([q for _, q in table]), temperature)
    return [(t, float(q)) for (t, _), q in zip(table, p)]


def samples(prompt: str, temperature: float, n: int = 3, max_tokens: int = 12, model=None) -> list[str]:
    """n continuations at this temperature (seeds 1..n, so that a re-run gives the same ones)."""
    model = model or client.connect()
    return [client.answer(model, prompt, max_tokens, temperature, seed=s) for s in range(1, n + 1)]


def retrieve(question: str, k: int = 1) -> list[dict]:
    """The closest facts of the kit's claims corpus that were checked against a source (« relu »)."""
    from civicai.disinfo.matching import ClaimMatcher
    from civicai.disinfo.review import load_reviews

    found = [f for f in ClaimMatcher.from_corpus(warm=False).search(question, k=20) if f["relu"]][:k]
    reviews = load_reviews()
    for f in found:  # the source the reviewer actually read, which may differ from the corpus's reference
        r = reviews[f["id_fait"]]
        f["source_relue"] = f"{r.source_title}, {r.source_publisher}, {r.source_date} ; relu le {r.reviewed_on}"
    return found


def grounded_prompt(question: str, passage: dict) -> str:
    return f"{passage['explication']}\nQuestion : {question}\nRéponse :"


def cost_of_answer(prompt: str, max_tokens: int = 30, model=None) -> dict:
    """Time, tokens and energy of one answer, measured as module 5 measures it (one home: its experiment)."""
    from civicai.energy.experiments import generative_answer_energy

    got = generative_answer_energy(model or client.connect(), prompt, max_tokens=max_tokens)
    return {"seconds": round(got.seconds, 3), "tokens": got.tokens, "energy": got.energy, "how": got.how,
            "tokens_per_second": round(got.tokens / got.seconds, 1)}


def cost_table(cost: dict):
    """The cost of one answer as a short table a learner reads (not a dict's repr), with the estimate's range."""
    energy = cost["energy"]
    rows = [("Durée de la réponse", f"{number(cost['seconds'], 1)} s"), ("Jetons écrits", str(cost["tokens"])),
            ("Jetons par seconde", number(cost["tokens_per_second"], 1))]
    if energy is None:
        rows.append(("Énergie", cost["how"]))
    else:
        low, high = energy.range_wh
        rows += [("Temps de processeur", f"{number(energy.cpu_seconds, 2)} s : {cost['how']}"),
                 (f"Énergie ({energy.status})", f"{format_wh(energy.wh)} ({format_range_wh(low, high)})"),
                 ("Méthode", energy.method)]
    body = "".join(f"<tr><th scope='row' style='text-align:left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                   for k, v in rows)
    return _html(f"<table><caption>Le coût d'une réponse, sur cette machine</caption>{body}</table>")


def room_energy(cost: dict, answers: int) -> str:
    """« Pour la salle, environ … » for ``answers`` answers like this one, or why there is no figure."""
    if cost["energy"] is None:
        return f"Pas de chiffre pour la salle : {cost['how']}."
    return f"Pour la salle, environ {cost['energy'].times(answers)}."


def law(ids=("ai-act-50-1", "ai-act-50-2", "ai-act-50-4")):
    """Article 50 of the AI Act as dated in module 3's « état du droit » (the one home of these statements)."""
    from civicai.content.facts import french_date, load
    from civicai.paths import modules_dir

    _, entries = load(modules_dir() / "03-desinformation")
    rows = []
    for e in (e for e in entries if e.id in ids and e.status == "vérifié"):
        rows.append(f"<li><b>{html.escape(e.subject)}</b>. {html.escape(e.text)}<br><i>{html.escape(e.article or '')}"
                    f"</i>. Source : {html.escape(e.source.title)}, {html.escape(e.source.publisher)}, "
                    f"{html.escape(str(e.source.date))}, {html.escape(e.source.link or '')}. Vérifié le "
                    f"{french_date(e.checked)}.</li>")
    return _html("<ul>" + "".join(rows) + "</ul>")


def where_it_runs() -> str:
    from civicai.generative.settings import model_setting

    model, setting = client.connect(), model_setting()
    what = setting.get("url") or os.path.basename(str(setting["chemin"]))
    return f"Modèle : {what}. Il tourne dans {model.where}."


# The service's log keys (English) -> the column headers learners read.
LOG_HEADERS = {"time": "heure", "route": "adresse", "tokens": "jetons écrits",
               "prompt_tokens": "jetons de la question", "wait_s": "attente (s)", "duration_s": "durée (s)",
               "first_token_s": "premier jeton (s)", "model_cpu_s": "processeur du modèle (s)"}


def request_log():
    """The shared server's request log (time, tokens, durations; never a question), as a table."""
    import pandas as pd

    shared = client.shared_server()
    if not shared:
        return "Pas de serveur partagé ici : le modèle tourne dans votre noyau, et aucune demande ne sort de ce noyau."
    url, token = shared
    req = urllib.request.Request(url + "api/journal", headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        rows = json.loads(r.read())["journal"]
    return pd.DataFrame(rows).rename(columns=LOG_HEADERS)
