"""Does claim matching tell the same claim from the same subject, and give verdicts only where it may?"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from civicai.disinfo import evaluation, matching
from civicai.disinfo.corpus import read_rows
from civicai.disinfo.review import REVIEW_COLUMNS
from civicai.disinfo.ui import matching_results_html

HERE = Path(__file__).parent
REVIEWED = {"f068": "2026-11-30", "f197": "2026-11-28"}   # facts our temporary review file marks « relu »


@pytest.fixture(scope="module")
def reviews_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("revues") / "revues.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(REVIEW_COLUMNS)
        for fact, day in REVIEWED.items():
            writer.writerow([fact, "relu", "bibliothécaire", day, "Titre de la source", "Éditeur", "2024-01-01",
                             "", "", "fichier de test"])
        writer.writerow(["f002", "à relire", "", "", "", "", "", "", "", ""])
    return path


@pytest.fixture(scope="module")
def matcher(reviews_file):
    return matching.ClaimMatcher.from_corpus(reviews=reviews_file)


@pytest.fixture(scope="module")
def paraphrases():
    return pd.read_csv(HERE / "paraphrases.csv")


def test_paraphrases_are_at_least_30_and_not_copied_from_the_corpus(paraphrases):
    texts = {r["texte"].lower() for r in read_rows()}
    assert len(paraphrases) >= 30
    assert not any(q.lower() in texts for q in paraphrases["requete"])
    assert set(paraphrases["id_fait"]) <= {r["id_fait"] for r in read_rows()}


def test_paraphrases_mostly_get_the_same_claim_and_never_another_one(matcher, paraphrases):
    """Two thirds found as the same claim, none given another fact's verdict.

    The bar was 80 % when the tool answered from a closeness of 0.45; at 0.56 (no verdict about an
    unrelated claim, see matching.THRESHOLD) 29 of these 42 older paraphrases are found and 8 get « je ne
    sais pas »: abstaining is the price, a wrong verdict would be the fault.
    """
    found = [matcher.match(q) for q in paraphrases["requete"]]
    right = sum(v["resultat"] == "same" and v["id_fait"] == f for v, f in zip(found, paraphrases["id_fait"]))
    print(f"\nparaphrases matched to the right fact as the same claim: {right}/{len(found)}")
    assert right >= 2 / 3 * len(found)
    assert not [v["id_fait"] for v, f in zip(found, paraphrases["id_fait"])
                if v["resultat"] == "same" and v["id_fait"] != f]


def test_unrelated_messages_get_i_do_not_know(matcher):
    queries = pd.read_csv(HERE / "hors_corpus.csv")["requete"]
    verdicts = [matcher.verdict(q) for q in queries]
    assert sum(v["resultat"] == "unknown" for v in verdicts) >= 0.9 * len(verdicts)
    assert "je ne sais pas" in verdicts[0]["message"]


def test_a_reviewed_claim_gets_its_verdict_stated_about_the_verified_sentence(matcher):
    v = matcher.verdict("On m'a dit que si la moitié des gens votent blanc, l'élection est annulée")
    assert v["resultat"] == "same" and v["id_fait"] == "f068" and v["trouve"]
    claim = next(r["texte"] for r in read_rows() if r["id"] == "f068-n")
    assert v["message"].startswith(f"L'affirmation « {claim} » a été vérifiée : FAUSSE.")
    assert "Source :" in v["message"]


def test_an_unreviewed_claim_is_never_shown_as_verified(matcher):
    message = "Le vaccin ROR provoque l'autisme, c'est mon cousin qui le dit"
    v = matcher.verdict(message)
    assert v["resultat"] == "same" and v["id_fait"] == "f002" and not v["relu"] and not v["trouve"]
    assert "n'a pas encore été relue" in v["message"] and "vérifiée" not in v["message"]
    page = matching_results_html(matcher, message)
    assert "civicai-found" not in page and "a été vérifiée" not in page.split("Les affirmations les plus")[0]


def test_the_croatia_near_miss_gets_a_detail_not_the_neighbours_verdict(matcher):
    v = matcher.verdict("La Croatie est passée à l'euro en 2023")
    assert v["resultat"] == "detail" and v["id_fait"] == "f197" and not v["trouve"]
    assert [d.kind for d in v["differences"]] == ["year"]
    assert v["message"].startswith("Même sujet, mais un détail diffère : l'année (« 2023 » au lieu de « 2010 »)")
    page = matching_results_html(matcher, "La Croatie est passée à l'euro en 2023")
    assert "civicai-detail" in page and "civicai-found" not in page


def test_only_the_best_candidates_with_a_shared_detail_can_be_the_same_claim(matcher):
    """Two corpus facts differ by a number: the details pick the right one."""
    assert matcher.match("Les municipales, c'est tous les 4 ans")["id_fait"] == "f142"
    assert matcher.match("Les municipales, c'est tous les six ans")["id_fait"] == "f141"


def test_the_base_is_described_from_the_review_records(matcher):
    n = len({r["id_fait"] for r in read_rows()})
    assert matcher.base_description() == (f"une base pédagogique de {n} affirmations, dont 2 relues à partir "
                                          "d'une source (dernière relecture le 30 novembre 2026)")


def test_cached_embeddings_match_the_corpus_and_a_fresh_encoding():
    rows = read_rows()
    texts = [r["texte"] for r in rows]
    with np.load(matching.embeddings_path()) as cached:
        assert str(cached["hash"]) == matching.texts_hash(texts), "rebuild the cache: corpus changed"
        vectors = cached["vectors"].astype(np.float32)
    fresh = matching.encode(texts[:20])
    assert np.allclose(np.sum(vectors[:20] * fresh, axis=1), 1.0, atol=1e-2)


def test_search_returns_scores_sorted_with_threshold_and_review_flags(matcher):
    results = matcher.search("Les avions répandent des produits chimiques dans le ciel", k=3)
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)
    assert results[0]["au_dessus_du_seuil"] == (scores[0] >= matcher.threshold)
    assert all(r["relu"] == (r["id_fait"] in REVIEWED) for r in results)


def test_evaluation_sets_are_apart_and_large_enough():
    held_out, calibration = evaluation.read_set("evaluation"), evaluation.read_set("calibration")
    assert {r["message"] for r in held_out}.isdisjoint(r["message"] for r in calibration)
    counts = {k: sum(r["attendu"] == k for r in held_out) for k in ("same", "detail", "unknown")}
    assert counts["same"] >= 60 and counts["detail"] >= 40 and counts["unknown"] >= 30
    facts = {r["id_fait"] for r in read_rows()}
    assert all(r["id_fait"] in facts for r in held_out + calibration if r["attendu"] != "unknown")
    assert {r["detail"] for r in held_out if r["attendu"] == "detail"} == {
        "year", "number", "place", "person", "organisation", "negation"}
    corpus_texts = {r["texte"].lower() for r in read_rows()}
    assert not any(r["message"].lower() in corpus_texts for r in held_out)


@pytest.mark.slow
def test_held_out_figures_and_the_readme_quotes_them(matcher):
    """The held-out rates (new matcher vs embeddings only), and the README states today's figures."""
    from testkit import REPO

    rows = evaluation.read_set("evaluation")
    new, _, _ = evaluation.run(matcher, rows)
    old, _, _ = evaluation.run(matcher, rows, legacy=True)
    print(f"\nheld out: same claim {new['same_right']}/{new['same_total']}, near-misses with a verdict "
          f"{new['detail_with_verdict']}/{new['detail_total']} (old {old['detail_with_verdict']}), "
          f"abstention {new['unknown_abstained']}/{new['unknown_total']}")
    assert new["rate_same_right"] >= 0.85
    assert new["detail_with_verdict"] <= 0.10 * new["detail_total"]
    assert new["unknown_abstained"] == new["unknown_total"]  # no verdict about an unrelated claim
    readme = (REPO / "modules" / "03-desinformation" / "README.md").read_text(encoding="utf-8")
    for key in ("same_right", "detail_with_verdict", "unknown_abstained"):
        total = new[key.split("_")[0] + "_total"]
        assert f"{new[key]}/{total}" in readme, f"README: {key} is now {new[key]}/{total}"
        assert f"{old[key]}/{total}" in readme, f"README: old matcher's {key} is now {old[key]}/{total}"
