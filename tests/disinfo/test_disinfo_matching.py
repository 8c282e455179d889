"""Does claim matching find the right verification for paraphrases, and abstain otherwise?"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from civicai.disinfo import matching
from civicai.disinfo.corpus import read_rows

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def matcher():
    return matching.ClaimMatcher.from_corpus()


@pytest.fixture(scope="module")
def paraphrases():
    return pd.read_csv(HERE / "paraphrases.csv")


def test_paraphrases_are_at_least_30_and_not_copied_from_the_corpus(paraphrases):
    texts = {r["texte"].lower() for r in read_rows()}
    assert len(paraphrases) >= 30
    assert not any(q.lower() in texts for q in paraphrases["requete"])
    assert set(paraphrases["id_fait"]) <= {r["id_fait"] for r in read_rows()}


def test_topk_accuracy_on_paraphrases(matcher, paraphrases):
    """Top-1 and top-3 accuracy of the README (the figures are printed with -s)."""
    acc = matching.topk_accuracy(matcher, paraphrases["requete"], paraphrases["id_fait"])
    print(f"\nclaim matching on {len(paraphrases)} paraphrases: top-1 {acc[1]:.3f}, top-3 {acc[3]:.3f}")
    assert acc[1] >= 0.85
    assert acc[3] >= 0.9


def test_unrelated_messages_get_i_do_not_know(matcher):
    queries = pd.read_csv(HERE / "hors_corpus.csv")["requete"]
    verdicts = [matcher.verdict(q) for q in queries]
    abstained = sum(not v["trouve"] for v in verdicts)
    print(f"\nunrelated messages below the threshold: {abstained}/{len(verdicts)}")
    assert abstained >= 0.9 * len(verdicts)
    assert "je ne sais pas" in verdicts[0]["message"]


def test_paraphrases_mostly_pass_the_threshold(matcher, paraphrases):
    found = [matcher.verdict(q) for q in paraphrases["requete"]]
    right = sum(v["trouve"] and v["id_fait"] == f for v, f in zip(found, paraphrases["id_fait"]))
    print(f"\nparaphrases matched to the right fact above the threshold: {right}/{len(found)}")
    assert right >= 0.8 * len(found)


def test_cached_embeddings_match_the_corpus_and_a_fresh_encoding():
    rows = read_rows()
    texts = [r["texte"] for r in rows]
    with np.load(matching.embeddings_path()) as cached:
        assert str(cached["hash"]) == matching.texts_hash(texts), "rebuild the cache: corpus changed"
        vectors = cached["vectors"].astype(np.float32)
    fresh = matching.encode(texts[:20])
    assert np.allclose(np.sum(vectors[:20] * fresh, axis=1), 1.0, atol=1e-2)


def test_search_returns_scores_sorted_with_threshold_flag(matcher):
    results = matcher.search("Les avions répandent des produits chimiques dans le ciel", k=3)
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)
    assert results[0]["au_dessus_du_seuil"] == (scores[0] >= matcher.threshold)


def test_readme_states_the_measured_figures(matcher, paraphrases):
    """The module README quotes today's top-1, top-3 and threshold figures, not stale ones."""
    from testkit import REPO

    readme = (REPO / "modules" / "03-desinformation" / "README.md").read_text(encoding="utf-8")
    n = len(paraphrases)
    acc = matching.topk_accuracy(matcher, paraphrases["requete"], paraphrases["id_fait"])
    assert f"{round(acc[1] * n)}/{n}" in readme
    assert f"{round(acc[3] * n)}/{n}" in readme
    assert f"seuil de {matching.THRESHOLD:.2f}".replace(".", ",") in readme
