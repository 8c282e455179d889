"""The convention's files, read back: aggregated counts only, small groups hidden, a PDF that renders."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess

import pytest

from civicai.debate import export
from civicai.debate.opinion_map import planted_votes
from civicai.debate.summary import summarize

DEBATE = {"slug": "test", "title": "Débat d'essai", "question": "Quelle IA au service des habitants et du territoire ?"}


@pytest.fixture(scope="module")
def summary():
    votes, _ = planted_votes(n_participants=63, n_statements=20, consensus=(0, 1), seed=11)
    # three people who vote alike, apart from everyone: a group too small to describe
    votes += [(f"isole{i}", j, 1 if j % 2 else -1) for i in range(3) for j in range(20)]
    return summarize(votes, {j: f"Phrase {j} : une idée pour la ville." for j in range(20)})


def read_csv(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_results_csv_has_totals_and_per_group_rates_but_no_person(summary):
    rows = read_csv(export.results_csv(DEBATE, summary))
    assert len(rows) == 20
    shown = [g["name"] for g in summary["groups"] if g["detailed"]]
    hidden = [g["name"] for g in summary["groups"] if not g["detailed"]]
    assert len(shown) >= 2
    for row in rows:
        assert int(row["votes"]) == int(row["accord"]) + int(row["desaccord"]) + int(row["passe"])
        for name in shown:
            assert 0 <= int(row[f"{name} taux_accord_pourcent"]) <= 100
    assert all(not any(h in key for key in rows[0]) for h in hidden)
    assert {r["rassemble_tous_les_groupes"] for r in rows if r["phrase"] in ("0", "1")} == {"oui"}
    text = export.results_csv(DEBATE, summary).decode("utf-8-sig")
    assert "isole" not in text and "p00" not in text


def test_groups_under_the_minimum_size_are_drawn_but_not_described():
    votes, _ = planted_votes(n_participants=63, n_statements=20, consensus=(0, 1), seed=11)
    texts = {j: f"Phrase {j} : une idée pour la ville." for j in range(20)}
    small = summarize(votes, texts, min_group=22)  # groups of 21 count as "small" here
    described = [g for g in small["groups"] if g["detailed"]]
    assert [g["size"] for g in described] == [g["size"] for g in small["groups"] if g["size"] >= 22]
    assert all(g["distinctive"] == [] for g in small["groups"] if not g["detailed"])
    assert small["consensus"] == []  # broad agreement needs two described groups
    rows = read_csv(export.results_csv(DEBATE, small))
    hidden = [g["name"] for g in small["groups"] if not g["detailed"]]
    assert hidden and not any(h in key for h in hidden for key in rows[0])
    assert len(small["points"]) == 63  # everyone is still drawn


def test_decidim_csv_has_the_headers_decidims_proposals_import_requires(summary):
    data = export.decidim_csv(DEBATE, summary)
    assert not data.startswith(b"\xef\xbb\xbf")  # Ruby's CSV would read a BOM into the first header
    rows = list(csv.reader(io.StringIO(data.decode()), delimiter=";"))
    assert rows[0] == ["title/fr", "body/fr"]
    assert len(rows) > 1 and all(len(r) == 2 and r[0] and r[1] for r in rows[1:])
    assert "rassemble" in rows[1][1]


@pytest.mark.slow  # starts a process (pdftoppm)
def test_the_pdf_summary_renders_with_pdftoppm(summary, tmp_path):
    pdftoppm = shutil.which("pdftoppm")
    if not pdftoppm:
        pytest.fail("pdftoppm is missing: run `make test`, which installs poppler-utils")
    pdf = tmp_path / "synthese.pdf"
    pdf.write_bytes(export.summary_pdf(DEBATE, summary))
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run([pdftoppm, "-png", "-r", "50", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2 and all(p.stat().st_size > 5000 for p in pages)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Synthèse du débat" in text and "Ce qui rassemble tous les groupes" in text
    assert "isole" not in text
