"""Is the claims corpus complete, well-formed, and built to teach shortcut learning?"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from civicai.disinfo import corpus

SHORTCUT_WORDS = ("!", "choquant")


@pytest.fixture(scope="module")
def claims():
    return corpus.load_claims()


def test_csv_is_exactly_what_the_sources_build(tmp_path):
    """Does the shipped CSV match `python -m civicai.disinfo.corpus build` (nobody edited it by hand)?"""
    rebuilt = corpus.write_csv(corpus.build_rows(corpus.parse_sources()), tmp_path / "a.csv")
    assert rebuilt.read_text(encoding="utf-8") == corpus.csv_path().read_text(encoding="utf-8")


def test_corpus_validates_and_has_at_least_400_claims(claims):
    report = corpus.validate(claims)
    assert report["rows"] >= 400
    assert report["facts"] * 2 == report["rows"]
    assert set(report["labels"]) == set(corpus.LABELS)


def test_split_a_is_confounded_and_split_b_is_balanced(claims):
    """In A style predicts the label; in B style is independent of it, for both classes."""
    a, b = corpus.split(claims, "A"), corpus.split(claims, "B")
    assert corpus.style_label_association(a) == 1.0
    assert corpus.style_label_association(b) == pytest.approx(0.5, abs=0.02)
    for doubtful in (True, False):
        part = b[(b["etiquette"] != "vrai") == doubtful]
        assert (part["style"] == "sensationnel").mean() == pytest.approx(0.5, abs=0.02)
    assert 0.4 <= (a["etiquette"] != "vrai").mean() <= 0.6
    assert not set(a["id_fait"]) & set(b["id_fait"])


def test_every_technique_and_topic_is_represented(claims):
    assert set(claims["technique"]) == set(corpus.TECHNIQUES)
    assert set(claims["theme"]) == set(corpus.TOPICS)
    doubtful = claims[claims["etiquette"] != "vrai"]
    assert doubtful["technique"].value_counts().min() >= 5


@pytest.mark.parametrize("breakage, message", [
    (lambda df: df.assign(etiquette=df["etiquette"].replace("vrai", "plutot_vrai")), "etiquette"),
    (lambda df: pd.concat([df, df.iloc[[0]]]), "duplicate"),
    (lambda df: df.iloc[:300], "rows"),
    (lambda df: df.assign(partie="A"), "split"),
    (lambda df: df.assign(reference=[""] + list(df["reference"][1:])), "empty"),
])
def test_validation_catches_a_broken_corpus(claims, breakage, message):
    """Can the validator fail? Each broken copy must be rejected with a useful message."""
    with pytest.raises(ValueError, match=message):
        corpus.validate(breakage(claims.copy()).reset_index(drop=True))


def test_datasheet_column_table_matches_the_csv(claims):
    """The datasheet documents exactly the CSV's columns, in order."""
    text = (corpus.corpus_dir() / "DATASHEET.md").read_text(encoding="utf-8")
    section = text.split("## Colonnes", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\|\s*`([^`]+)`\s*\|", section, flags=re.M)
    assert documented == list(claims.columns)


def test_datasheet_states_the_measured_balance(claims):
    """The row and fact counts in the datasheet are the real ones."""
    text = (corpus.corpus_dir() / "DATASHEET.md").read_text(encoding="utf-8")
    report = corpus.validate(claims)
    assert f"{report['rows']} affirmations" in text
    assert f"{report['facts']} faits" in text
