"""The map of opinions: from a vote matrix to opinion groups and the statements that unite or divide them.

The recipe follows Polis (Small et al., 2021, "Polis: Scaling Deliberation by Mapping High Dimensional
Opinion Spaces", Recerca 26(2)), written again here in scikit-learn:

1. one row per participant, one column per statement: agree = 1, disagree = -1, pass or no vote = 0;
   only participants with at least ``min_votes`` votes are placed (too few votes say too little);
2. PCA to 2 dimensions; a participant who voted on few statements is pushed out by
   sqrt(statements / votes), as Polis does, so that silence does not read as "in the middle";
3. k-means on the 2-D points for k = 2..5, keeping the k with the best silhouette score (how much
   closer each point is to its own group than to the next one);
4. per group and statement, the agreement rate (agree / votes cast, passes included); a statement
   distinguishes a group when its rate in the group differs most from the rate outside it; a statement
   has broad agreement when its lowest rate over the groups is high.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

AGREE, DISAGREE, PASS = 1, -1, 0
MIN_VOTES = 5  # votes a participant needs to be placed on the map
K_RANGE = (2, 5)  # k-means tries every k in this range (inclusive) and keeps the best silhouette
MIN_COUNT = 3  # votes in a group (and outside it) before a statement's rate counts
CONSENSUS_RATE = 0.6  # lowest agreement rate over the groups for "broad agreement"


@dataclass
class GroupStats:
    """Counts of one group on one statement."""

    agree: int = 0
    disagree: int = 0
    passed: int = 0

    @property
    def votes(self) -> int:
        return self.agree + self.disagree + self.passed

    @property
    def rate(self) -> float | None:
        return self.agree / self.votes if self.votes else None


@dataclass
class OpinionMap:
    """What the map shows. ``participants[i]`` sits at ``coords[i]`` in group ``groups[i]``."""

    participants: list
    statements: list
    coords: np.ndarray
    groups: np.ndarray
    k: int
    silhouettes: dict = field(default_factory=dict)  # k -> silhouette score
    explained: list = field(default_factory=list)  # share of the variance each axis keeps
    stats: dict = field(default_factory=dict)  # (group, statement) -> GroupStats
    distinctive: dict = field(default_factory=dict)  # group -> [(statement, rate in, rate out)]
    consensus: list = field(default_factory=list)  # [(statement, lowest rate over groups)]
    total_participants: int = 0  # everyone who voted, placed or not

    def group_sizes(self) -> dict[int, int]:
        return {g: int((self.groups == g).sum()) for g in range(self.k)}


def vote_matrix(votes, statements=None):
    """``votes``: (participant, statement, value) triples. Returns (participants, statements, matrix)."""
    votes = list(votes)
    participants = sorted({p for p, _, _ in votes})
    statements = list(statements) if statements is not None else sorted({s for _, s, _ in votes})
    prow = {p: i for i, p in enumerate(participants)}
    scol = {s: j for j, s in enumerate(statements)}
    matrix = np.zeros((len(participants), len(statements)))
    voted = np.zeros_like(matrix, dtype=bool)
    for p, s, v in votes:
        if s in scol:
            matrix[prow[p], scol[s]] = v
            voted[prow[p], scol[s]] = True
    return participants, statements, matrix, voted


def _project(matrix: np.ndarray, voted: np.ndarray, seed: int):
    from sklearn.decomposition import PCA

    n, m = matrix.shape
    dims = min(2, n, m)
    coords = np.zeros((n, 2))
    explained = [0.0, 0.0]
    if dims >= 1 and n >= 2:
        pca = PCA(n_components=dims, random_state=seed)
        coords[:, :dims] = pca.fit_transform(matrix)
        explained[:dims] = [float(x) for x in pca.explained_variance_ratio_]
        coords *= np.sqrt(m / np.maximum(voted.sum(axis=1), 1))[:, None]
    return coords, explained


def choose_groups(coords: np.ndarray, *, k_range=K_RANGE, seed: int = 0):
    """k-means for each k, the best silhouette wins. Returns (labels, k, {k: score})."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = len(coords)
    ks = [k for k in range(k_range[0], k_range[1] + 1) if k < n]
    if not ks or np.allclose(coords, coords[0]):
        return np.zeros(n, dtype=int), 1, {}
    scores, labels = {}, {}
    for k in ks:
        km = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(coords)
        if len(set(km.labels_)) < 2:
            continue
        scores[k] = float(silhouette_score(coords, km.labels_))
        labels[k] = km.labels_
    if not scores:
        return np.zeros(n, dtype=int), 1, {}
    best = max(scores, key=lambda k: (round(scores[k], 6), -k))  # ties: fewer groups
    return _ordered(labels[best]), best, scores


def _ordered(labels: np.ndarray) -> np.ndarray:
    """Number groups by size, largest first, so "groupe A" is stable from one refresh to the next."""
    sizes = sorted(set(labels), key=lambda g: (-(labels == g).sum(), min(np.flatnonzero(labels == g))))
    remap = {g: i for i, g in enumerate(sizes)}
    return np.array([remap[g] for g in labels])


def group_stats(matrix, voted, groups, k):
    stats = {}
    for g in range(k):
        rows = groups == g
        for j in range(matrix.shape[1]):
            col, seen = matrix[rows, j], voted[rows, j]
            stats[(g, j)] = GroupStats(int(((col == AGREE) & seen).sum()), int(((col == DISAGREE) & seen).sum()),
                                       int(((col == PASS) & seen).sum()))
    return stats


def _merged(stats: dict, groups: list[int], j: int) -> GroupStats:
    out = GroupStats()
    for g in groups:
        s = stats[(g, j)]
        out.agree, out.disagree, out.passed = out.agree + s.agree, out.disagree + s.disagree, out.passed + s.passed
    return out


def distinctive_statements(stats, k, n_statements, *, min_count=MIN_COUNT, top=3):
    """Per group: statements whose agreement rate in the group is furthest from the rate outside it."""
    out = {}
    for g in range(k):
        others = [h for h in range(k) if h != g]
        rows = []
        for j in range(n_statements):
            inside, outside = stats[(g, j)], _merged(stats, others, j)
            if inside.votes < min_count or outside.votes < min_count:
                continue
            rows.append((j, inside.rate, outside.rate))
        rows.sort(key=lambda r: -abs(r[1] - r[2]))
        out[g] = rows[:top]
    return out


def consensus_statements(stats, k, n_statements, *, min_count=MIN_COUNT, threshold=CONSENSUS_RATE):
    """Statements every group agrees with: sorted by their lowest agreement rate over the groups."""
    rows = []
    if k < 2:  # "across groups" needs groups
        return rows
    for j in range(n_statements):
        per_group = [stats[(g, j)] for g in range(k)]
        if any(s.votes < min_count for s in per_group):
            continue
        low = min(s.rate for s in per_group)
        if low >= threshold:
            rows.append((j, low))
    rows.sort(key=lambda r: -r[1])
    return rows


def compute_map(votes, statements=None, *, min_votes=MIN_VOTES, k_range=K_RANGE, min_count=MIN_COUNT,
                seed: int = 0, threads: int | None = 1) -> OpinionMap:
    """Build the map from (participant, statement, value) triples; statements listed by index in the result.

    ``threads``: BLAS/OpenMP threads (None: the libraries' default). One, because on a 150 x 100 matrix the
    thread pools of the SVD and of k-means cost more than they save, and on a busy machine their spinning
    threads made the map several times slower (``benchmarks/bench_debate.py --map-only``).
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=threads):
        return _compute_map(votes, statements, min_votes=min_votes, k_range=k_range, min_count=min_count, seed=seed)


def _compute_map(votes, statements, *, min_votes, k_range, min_count, seed) -> OpinionMap:
    participants, statements, matrix, voted = vote_matrix(votes, statements)
    keep = voted.sum(axis=1) >= min_votes
    placed = [p for p, k in zip(participants, keep) if k]
    matrix, voted = matrix[keep], voted[keep]
    coords, explained = _project(matrix, voted, seed)
    groups, k, scores = choose_groups(coords, k_range=k_range, seed=seed) if len(placed) else (
        np.zeros(0, dtype=int), 0, {})
    stats = group_stats(matrix, voted, groups, k)
    return OpinionMap(
        participants=placed, statements=statements, coords=coords, groups=groups, k=k, silhouettes=scores,
        explained=explained, stats=stats,
        distinctive=distinctive_statements(stats, k, len(statements), min_count=min_count),
        consensus=consensus_statements(stats, k, len(statements), min_count=min_count),
        total_participants=len(participants))


def planted_votes(*, n_participants=60, n_groups=3, n_statements=30, consensus=(0, 1, 2, 3), noise=0.15,
                  missing=0.1, seed=0):
    """Simulated votes with a known structure, for the tests, the benchmark and the notebook.

    Each group has a fixed opinion on every statement (the ``consensus`` ones: everyone agrees; the others:
    each group agrees or disagrees at random, never all alike); each vote is replaced by a random one with
    probability ``noise`` and left out with probability ``missing``. Returns (votes, true group per participant).
    """
    rng = np.random.default_rng(seed)
    opinions = np.ones((n_groups, n_statements), dtype=int)
    for j in range(n_statements):
        if j in consensus:
            continue
        col = rng.choice([AGREE, DISAGREE], size=n_groups)
        while len(set(col)) < 2:
            col = rng.choice([AGREE, DISAGREE], size=n_groups)
        opinions[:, j] = col
    truth = np.arange(n_participants) % n_groups
    votes = []
    for p in range(n_participants):
        for j in range(n_statements):
            if rng.random() < missing:
                continue
            value = opinions[truth[p], j]
            if rng.random() < noise:
                value = int(rng.choice([AGREE, DISAGREE, PASS]))
            votes.append((f"p{p:03d}", j, int(value)))
    return votes, truth
