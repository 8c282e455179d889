"""Can every claim shown as « déjà vérifié » be traced to a source someone checked, and does the datasheet say so?"""

from __future__ import annotations

import csv
import re

import pytest

from civicai.disinfo import corpus, review
from civicai.errors import UserError


@pytest.fixture(scope="module")
def fact_ids():
    return set(corpus.load_claims()["id_fait"])


@pytest.fixture(scope="module")
def raw_rows():
    with open(review.reviews_path(), encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def datasheet():
    return (corpus.corpus_dir() / "DATASHEET.md").read_text(encoding="utf-8")


def write_reviews(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=review.REVIEW_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def complete_row(fact_id="f001", **changes):
    row = {"id_fait": fact_id, "statut": "relu", "role_relecteur": "bibliothécaire",
           "date_relecture": "2026-12-01", "source_titre": "Titre", "source_editeur": "Éditeur",
           "source_date": "2024-01-01", "source_lien": "https://example.org/page", "chiffre_soutenu": "",
           "note": ""}
    row.update(changes)
    return row


def test_every_fact_has_exactly_one_review_row(raw_rows, fact_ids):
    """One row per fact of affirmations.csv, no more, no less (reviewing never renumbers facts)."""
    ids = [r["id_fait"] for r in raw_rows]
    assert len(ids) == len(set(ids))
    assert set(ids) == fact_ids


def test_review_file_is_sound_against_the_corpus(fact_ids):
    """Known ids, allowed statuses, complete « relu » rows, ISO review dates, https links."""
    assert review.review_problems(fact_ids) == []
    assert {r.status for r in review.load_reviews().values()} <= set(review.STATUSES)


def test_reviewed_rows_name_who_checked_which_source(raw_rows):
    reviewed = [r for r in raw_rows if r["statut"] == "relu"]
    assert reviewed, "no fact is reviewed: the kiosk would have nothing to show as « déjà vérifié »"
    for row in reviewed:
        for column in ("role_relecteur", "date_relecture", "source_titre", "source_editeur", "source_date"):
            assert row[column].strip(), f"{row['id_fait']}: « relu » without {column}"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["date_relecture"])
        if row["source_lien"]:
            assert re.fullmatch(r"https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(/\S*)?", row["source_lien"]), row["id_fait"]


def test_unreviewed_rows_say_why(raw_rows):
    """A fact left « à relire » carries the reason in its note, so the next reviewer knows where to start."""
    for row in raw_rows:
        if row["statut"] == "à relire":
            assert row["note"].strip(), row["id_fait"]


def test_reviewed_fact_ids_are_exactly_the_complete_relu_rows(raw_rows):
    expected = {r["id_fait"] for r in raw_rows if r["statut"] == "relu" and all(
        r[c].strip() for c in ("role_relecteur", "date_relecture", "source_titre", "source_editeur",
                               "source_date"))}
    assert review.reviewed_fact_ids() == expected


def test_incomplete_relu_row_is_not_shown_as_verified(tmp_path):
    """A « relu » row without its publisher must not reach the kiosk as verified, and is reported."""
    path = write_reviews(tmp_path / "revues.csv", [complete_row("f001"), complete_row("f002", source_editeur="")])
    assert review.reviewed_fact_ids(path) == frozenset({"f001"})
    assert any("f002" in p for p in review.review_problems({"f001", "f002"}, path))


def test_a_sound_review_row_has_no_problem(tmp_path):
    assert review.review_problems({"f001"}, write_reviews(tmp_path / "revues.csv", [complete_row()])) == []


@pytest.mark.parametrize("row, message", [
    (complete_row(source_lien="http://example.org/page"), "https"),
    (complete_row(date_relecture="1er décembre 2026"), "YYYY-MM-DD"),
    (complete_row(role_relecteur=""), "without role"),
    (complete_row("f999"), "not a fact"),
])
def test_review_problems_catch_broken_rows(tmp_path, row, message):
    """Can the check fail? Each broken row is reported with a useful message."""
    problems = review.review_problems({"f001"}, write_reviews(tmp_path / "revues.csv", [row]))
    assert any(message in p for p in problems), problems


@pytest.mark.parametrize("rows, message", [
    ([complete_row(statut="vérifié")], "statut inconnu"),
    ([complete_row("f001"), complete_row("f001")], "deux lignes"),
])
def test_unreadable_review_files_give_a_french_error(tmp_path, rows, message):
    with pytest.raises(UserError, match=message):
        review.load_reviews(write_reviews(tmp_path / "revues.csv", rows))


def test_datasheet_states_how_many_facts_were_checked_by_whom_and_when(datasheet):
    """The counts, role and date in the datasheet are recomputed from revues.csv."""
    summary = review.review_summary()
    assert f"**{summary['reviewed']} faits sur {summary['facts']}** ont été vérifiés sur une source" in datasheet
    assert f"**{summary['to_review']} faits** restent « à relire »" in datasheet
    for role in summary["roles"]:
        assert role in datasheet
    for date in summary["dates"]:
        assert date in datasheet


def test_datasheet_documents_the_review_columns(datasheet):
    section = datasheet.split("## Relecture : le fichier `revues.csv`", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\|\s*`([^`]+)`\s*\|", section, flags=re.M)
    assert documented == review.REVIEW_COLUMNS


def test_datasheet_says_what_the_kiosk_shows_for_unreviewed_claims(datasheet):
    assert "pas encore relue" in datasheet
    assert "bibliothécaire" in datasheet


TOPIC_WORDS = {"sante": "santé", "elections": "élections", "technologie": "technologie", "vie_locale": "vie locale",
               "climat": "climat", "immigration": "immigration", "economie": "économie", "sciences": "sciences"}


def test_datasheet_breakdown_of_reviewed_facts_is_recomputed(datasheet):
    """« vrai 69 sur 105 », « santé 28 sur 38 »... are the real counts of reviewed facts."""
    facts = corpus.load_claims().drop_duplicates("id_fait")
    reviewed = facts["id_fait"].isin(review.reviewed_fact_ids())
    text = " ".join(datasheet.split())  # the datasheet wraps its lines
    for column, words in (("etiquette", {label: label for label in corpus.LABELS}), ("theme", TOPIC_WORDS)):
        for value, word in words.items():
            of_value = facts[column] == value
            assert f"{word} {int((of_value & reviewed).sum())} sur {int(of_value.sum())}" in text, word


def test_datasheet_counts_the_reviewed_facts_of_the_kiosk_game(datasheet):
    """The game shows these facts first: the datasheet says how many are reviewed, and which are not."""
    from civicai.disinfo import game

    shown = game.GAME_TRUE + game.GAME_DOUBTFUL
    reviewed = review.reviewed_fact_ids()
    missing = sorted(f for f in shown if f not in reviewed)
    text = " ".join(datasheet.split())
    assert f"{len(shown) - len(missing)} relus sur {len(shown)}" in text
    assert ", ".join(missing) in text
