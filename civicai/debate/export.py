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
    shown = [g["name"] for g in summary["groups"] if g["detailed"]]
    head = ["phrase", "texte", "votes", "accord", "desaccord", "passe", "taux_accord_pourcent"]
    for name in shown:
        head += [f"{name} {col}" for col in ("votes", "accord", "desaccord", "passe", "taux_accord_pourcent")]
    head += ["rassemble_tous_les_groupes"]
    consensus = {c["statement"] for c in summary["consensus"]}
    rows = [head]
    for r in summary["table"]:
        rate = round(100 * r["agree"] / r["votes"]) if r["votes"] else ""
        row = [r["statement"], r["text"], r["votes"], r["agree"], r["disagree"], r["pass"], rate]
        for name in shown:
            g = r["groups"].get(name, {})
            row += [g.get("votes", ""), g.get("agree", ""), g.get("disagree", ""), g.get("pass", ""),
                    "" if g.get("agree_rate") is None else g["agree_rate"]]
        rows.append(row + ["oui" if r["statement"] in consensus else "non"])
    return _csv(rows)


def decidim_csv(debate: dict, summary: dict, *, locale: str = "fr") -> bytes:
    """Proposals: ``title/fr`` and ``body/fr`` (the organisation's default locale), the result in the body.

    No BOM: Decidim's reader (Ruby's CSV, ``col_sep: ";"``) would read it as part of the first header.
    """
    rows = [[f"title/{locale}", f"body/{locale}"]]
    intro = f"Phrase du débat « {debate['title']} » ({debate['question']})."
    for c in summary["consensus"]:
        rows.append([c["text"], f"{intro} Elle rassemble tous les groupes d'opinion : au moins {c['min_agree']} % "
                                 "d'accord dans chaque groupe."])
    for g in summary["groups"]:
        for s in g["distinctive"]:
            rows.append([s["text"], f"{intro} Elle distingue le {_lower(g['name'])} ({g['size']} personnes) : "
                                    f"{s['agree_in_group']} % d'accord dans ce groupe, {s['agree_elsewhere']} % "
                                     "chez les autres."])
    return _csv(rows, bom=False)


def draw_map(ax, summary: dict) -> None:
    """The map on matplotlib axes (the PDF, the notebook widget): one colour per group, one's own point ringed."""
    for g, group in enumerate(summary["groups"]):
        pts = [p for p in summary["points"] if p[2] == g]
        if pts:
            ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=18, color=COLORS[g % len(COLORS)],
                       label=f"{group['name']} ({group['size']} personnes)")
    if summary.get("me") is not None:
        x, y, _ = summary["points"][summary["me"]]
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
                            f"{summary['placed']} ont assez voté pour être placées sur la carte ; "
                            f"{summary['statements']} phrases.", fontsize=9)
        draw_map(fig.add_axes([0.2, 0.5, 0.6, 0.37]), summary)
        text = [summary["criterion"], ""]
        text += ["Ce qui rassemble tous les groupes :"]
        text += _lines([f"« {c['text']} » (au moins {c['min_agree']} % d'accord dans chaque groupe)"
                        for c in summary["consensus"]] or ["aucune phrase ne rassemble tous les groupes."])
        for group in summary["groups"]:
            if group["detailed"] and group["distinctive"]:
                text += ["", f"Ce qui distingue le {_lower(group['name'])} ({group['size']} personnes) :"]
                text += _lines([f"« {s['text']} » : {s['agree_in_group']} % d'accord dans ce groupe, "
                                f"{s['agree_elsewhere']} % chez les autres" for s in group["distinctive"]])
        if any(not g["detailed"] for g in summary["groups"]):
            text += ["", f"Les groupes de moins de {summary['min_group_size']} personnes "
                         "ne sont pas détaillés."]
        fig.text(0.07, 0.46, "\n".join(text[:42]), fontsize=8, va="top", linespacing=1.4)
        pdf.savefig(fig)
        fig = Figure(figsize=(8.27, 11.69))
        fig.text(0.07, 0.95, "Comment la carte est faite", fontsize=14, weight="bold")
        fig.text(0.07, 0.92, "\n".join(textwrap.wrap(summary["explanation"], 100)), fontsize=9, va="top")
        fig.text(0.07, 0.72, "Ce document ne contient ni nom ni vote individuel. Fait avec civic-ai-kit, "
                             "sur les machines de l'atelier.", fontsize=8)
        pdf.savefig(fig)
    return buf.getvalue()
