"""The attestation as a one-page French PDF (fpdf2), fonts embedded: nothing to download to read it.

The font is DejaVu Sans, the one matplotlib ships (a dependency of the kit): every French character, and
the PDF looks the same on every reader.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from civicai.attestation import text
from civicai.french import day, number


def _font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def render(record: dict, *, logo: Path | None = None, credential_id: str = "") -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(f"Attestation de formation - {record['name']}")
    pdf.set_author(record["organisation"])
    pdf.set_lang("fr")
    pdf.set_creation_date(datetime.fromisoformat(record["issued"].replace("Z", "+00:00")))
    fonts = _font_dir()
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(True, margin=15)

    def cell(w, h, txt, align="L"):
        pdf.multi_cell(w, h, txt, align=align, new_x="LMARGIN", new_y="NEXT")

    pdf.add_page()
    width = pdf.epw
    if logo is not None:
        pdf.image(str(logo), x=pdf.l_margin, y=12, h=22)
    pdf.set_font("DejaVu", "B", 11)
    pdf.set_xy(pdf.l_margin + 60, 14)
    cell(width - 60, 6, f"{record['organisation']}\n{record['place']}", align="R")
    pdf.set_y(42)
    pdf.set_font("DejaVu", "B", 20)
    cell(width, 10, "Attestation de formation", align="C")
    pdf.set_font("DejaVu", "", 12)
    cell(width, 7, "Initiation à l'intelligence artificielle", align="C")
    pdf.ln(6)

    def heading(label: str) -> None:
        pdf.ln(2)
        pdf.set_font("DejaVu", "B", 12)
        cell(width, 7, label)
        pdf.set_font("DejaVu", "", 10.5)

    def line(label: str) -> None:
        cell(width, 6, label)

    heading("Personne formée")
    line(record["name"])
    heading("Formation")
    line(f"Date : {day(record['day'])}   Lieu : {record['place']}")
    line(f"Animée par : {record['facilitator']}")
    line(f"Temps passé sur le hub : {text.duration(record['seconds'])}")
    heading("Modules travaillés")
    if record["modules"]:
        for m in record["modules"]:
            line(f"- {m['title']}")
    else:
        line("Aucun module enregistré sur le hub.")
    if record["scores"]:
        heading("Exercices notés")
        for g in record["scores"]:
            line(f"- {g['exercice']} ({g['cours']}) : {number(g['score'], 2, trim=True)} / {number(g['max'], 2, trim=True)}")
    if record["quiz"]:
        heading("Quiz avant et après (avec l'accord de la personne)")
        for q in record["quiz"]:
            before = "—" if q["avant"] is None else f"{q['avant']} / {q['total']}"
            after = "—" if q["apres"] is None else f"{q['apres']} / {q['total']}"
            line(f"- {q['title']} : avant {before}, après {after}")
    heading("Ce que couvre la formation")
    line(record["narrative"])
    pdf.ln(2)
    pdf.set_font("DejaVu", "", 8.5)
    cell(width, 4.5, f"{text.law_note()} Source : {text.LAW_SOURCE}.")
    if credential_id:
        pdf.ln(2)
        cell(width, 4.5, "Cette attestation existe aussi en version numérique signée (Open Badges 3.0), "
                       "vérifiable sans connexion avec « civicai attestation verifier ». Identifiant : "
                       f"{credential_id}")
    return bytes(pdf.output())


