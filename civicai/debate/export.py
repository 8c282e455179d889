"""The convention's files, made from the map's summary: no name, no pseudonym, no individual vote.

- ``results_csv``: one row per statement, its totals and, per group of at least 5 people, its counts
  and agreement rate (the same numbers the room saw);
- ``decidim_csv``: the statements with broad agreement and the dividing ones, as proposals with a title and a
  body, the columns Decidim's proposals import reads (see the feature's README for what was checked);
- ``summary_pdf``: the map, the consensus and dividing statements, counts and date (matplotlib's PdfPages).
"""

from __future__ import annotations

import csv
import io
import textwrap

COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00"]


def _lower(group: str) -> str:
    return group.replace("Groupe", "groupe")


def _csv(rows: list[list], *, bom: bool = True) -> bytes:
    """Semicolons (French spreadsheets and Decidim's reader both use them); a BOM so spreadsheets read the accents."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


def results_csv(debate: dict, summary: dict) -> bytes:
    shown = [g["nom"] for g in summary["groupes"] if g["detaille"]]
    head = ["phrase", "texte", "votes", "accord", "desaccord", "passe", "taux_accord_pourcent"]
    for name in shown:
        head += [f"{name} {col}" for col in ("votes", "accord", "desaccord", "passe", "taux_accord_pourcent")]
    head += ["rassemble_tous_les_groupes"]
    consensus = {c["phrase"] for c in summary["consensus"]}
    rows = [head]
    for r in summary["tableau"]:
        rate = round(100 * r["accord"] / r["votes"]) if r["votes"] else ""
        row = [r["phrase"], r["texte"], r["votes"], r["accord"], r["desaccord"], r["passe"], rate]
        for name in shown:
            g = r["groupes"].get(name, {})
            row += [g.get("votes", ""), g.get("accord", ""), g.get("desaccord", ""), g.get("passe", ""),
                    "" if g.get("taux_accord") is None else g["taux_accord"]]
        rows.append(row + ["oui" if r["phrase"] in consensus else "non"])
    return _csv(rows)


def decidim_csv(debate: dict, summary: dict, *, locale: str = "fr") -> bytes:
    """Proposals: ``title/fr`` and ``body/fr`` (the organisation's default locale), the result in the body.

    No BOM: Decidim's reader (Ruby's CSV, ``col_sep: ";"``) would read it as part of the first header.
    """
    rows = [[f"title/{locale}", f"body/{locale}"]]
    intro = f"Phrase du débat « {debate['title']} » ({debate['question']})."
    for c in summary["consensus"]:
        rows.append([c["texte"], f"{intro} Elle rassemble tous les groupes d'opinion : au moins {c['accord_min']} % "
                                 "d'accord dans chaque groupe."])
    for g in summary["groupes"]:
        for s in g["distinctives"]:
            rows.append([s["texte"], f"{intro} Elle distingue le {_lower(g['nom'])} ({g['taille']} personnes) : "
                                     f"{s['accord_groupe']} % d'accord dans ce groupe, {s['accord_autres']} % "
                                     "chez les autres."])
    return _csv(rows, bom=False)


def draw_map(ax, summary: dict) -> None:
    """The map on matplotlib axes (the PDF, the notebook widget): one colour per group, one's own point ringed."""
    for g, group in enumerate(summary["groupes"]):
        pts = [p for p in summary["points"] if p[2] == g]
        if pts:
            ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=18, color=COLORS[g % len(COLORS)],
                       label=f"{group['nom']} ({group['taille']} personnes)")
    if summary.get("moi") is not None:
        x, y, _ = summary["points"][summary["moi"]]
        ax.scatter([x], [y], s=120, facecolors="none", edgecolors="black", linewidths=2, label="vous")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title("La carte des opinions (chaque point est une personne, sans nom)", fontsize=10)
    if summary["points"]:
        ax.legend(fontsize=8, loc="best")


def _lines(items: list[str], width: int = 95) -> list[str]:
    out = []
    for item in items:
        wrapped = textwrap.wrap(item, width) or [""]
        out += ["• " + wrapped[0]] + ["   " + w for w in wrapped[1:]]
    return out


def summary_pdf(debate: dict, summary: dict) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    buf = io.BytesIO()
    meta = {"Title": f"Synthèse du débat « {debate['title']} »", "Creator": "civic-ai-kit"}
    with PdfPages(buf, metadata=meta) as pdf:
        fig = Figure(figsize=(8.27, 11.69))  # A4, portrait
        fig.text(0.07, 0.95, f"Synthèse du débat « {debate['title']} »", fontsize=16, weight="bold")
        fig.text(0.07, 0.925, debate["question"], fontsize=11)
        fig.text(0.07, 0.9, f"Le {summary['date']} : {summary['participants']} personnes ont voté, "
                            f"{summary['places']} ont assez voté pour être placées sur la carte ; "
                            f"{summary['phrases']} phrases.", fontsize=9)
        draw_map(fig.add_axes([0.2, 0.5, 0.6, 0.37]), summary)
        text = [summary["critere"], ""]
        text += ["Ce qui rassemble tous les groupes :"]
        text += _lines([f"« {c['texte']} » (au moins {c['accord_min']} % d'accord dans chaque groupe)"
                        for c in summary["consensus"]] or ["aucune phrase ne rassemble tous les groupes."])
        for group in summary["groupes"]:
            if group["detaille"] and group["distinctives"]:
                text += ["", f"Ce qui distingue le {_lower(group['nom'])} ({group['taille']} personnes) :"]
                text += _lines([f"« {s['texte']} » : {s['accord_groupe']} % d'accord dans ce groupe, "
                                f"{s['accord_autres']} % chez les autres" for s in group["distinctives"]])
        if any(not g["detaille"] for g in summary["groupes"]):
            text += ["", f"Les groupes de moins de {summary['taille_minimum_groupe']} personnes "
                         "ne sont pas détaillés."]
        fig.text(0.07, 0.46, "\n".join(text[:42]), fontsize=8, va="top", linespacing=1.4)
        pdf.savefig(fig)
        fig = Figure(figsize=(8.27, 11.69))
        fig.text(0.07, 0.95, "Comment la carte est faite", fontsize=14, weight="bold")
        fig.text(0.07, 0.92, "\n".join(textwrap.wrap(summary["explication"], 100)), fontsize=9, va="top")
        fig.text(0.07, 0.72, "Ce document ne contient ni nom ni vote individuel. Fait avec civic-ai-kit, "
                             "sur les machines de l'atelier.", fontsize=8)
        pdf.savefig(fig)
    return buf.getvalue()
