"""Does the map find opinion groups and shared statements that we planted in simulated votes?"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score

from civicai.debate.opinion_map import AGREE, DISAGREE, PASS, compute_map, planted_votes, vote_matrix

CONSENSUS = (0, 1, 2, 3)


def test_the_map_recovers_three_planted_groups_and_the_consensus_statements():
    votes, truth = planted_votes(n_participants=60, n_groups=3, n_statements=30, consensus=CONSENSUS, seed=1)
    m = compute_map(votes)
    assert m.k == 3, m.silhouettes
    order = [int(p[1:]) for p in m.participants]
    assert adjusted_rand_score(truth[order], m.groups) >= 0.9
    assert {m.statements[j] for j, _ in m.consensus} == set(CONSENSUS)
    assert sorted(m.group_sizes().values()) == [20, 20, 20]


def test_distinctive_statements_are_ones_where_the_group_stands_apart():
    votes, truth = planted_votes(seed=2)
    m = compute_map(votes)
    for g, rows in m.distinctive.items():
        assert rows, f"group {g} has no distinctive statement"
        j, inside, outside = rows[0]
        assert abs(inside - outside) >= 0.5
        assert m.statements[j] not in CONSENSUS


def test_silhouette_chooses_two_groups_when_two_are_planted():
    votes, truth = planted_votes(n_participants=40, n_groups=2, seed=3)
    m = compute_map(votes)
    assert m.k == 2
    order = [int(p[1:]) for p in m.participants]
    assert adjusted_rand_score(truth[order], m.groups) >= 0.9
    assert set(m.silhouettes) == {2, 3, 4, 5}


def test_participants_with_too_few_votes_are_not_placed():
    votes, _ = planted_votes(n_participants=30, seed=4)
    votes += [("tardif", 0, AGREE), ("tardif", 1, DISAGREE)]
    m = compute_map(votes, min_votes=5)
    assert "tardif" not in m.participants
    assert m.total_participants == 31


def test_vote_matrix_codes_agree_disagree_pass_and_missing():
    people, statements, matrix, voted = vote_matrix([("a", 1, AGREE), ("a", 2, DISAGREE), ("b", 2, PASS)])
    assert people == ["a", "b"] and statements == [1, 2]
    assert matrix.tolist() == [[1, -1], [0, 0]]
    assert voted.tolist() == [[True, True], [False, True]]


def test_tiny_debates_give_one_group_without_crashing():
    m = compute_map([("a", 1, AGREE), ("b", 1, DISAGREE)], min_votes=1)
    assert m.k == 1 and list(m.groups) == [0, 0]
    assert compute_map([]).k == 0
    assert compute_map([], [1, 2, 3]).consensus == []  # statements, no vote yet
    assert compute_map([("a", 1, AGREE)], [1, 2], min_votes=5).k == 0


def test_group_numbers_follow_group_sizes():
    votes, _ = planted_votes(n_participants=60, seed=5)
    # drop most of one planted group: it must become the last, smallest group
    votes = [v for v in votes if not (int(v[0][1:]) % 3 == 1 and int(v[0][1:]) > 30)]
    m = compute_map(votes)
    sizes = [m.group_sizes()[g] for g in range(m.k)]
    assert sizes == sorted(sizes, reverse=True)
    assert np.isfinite(m.coords).all()
