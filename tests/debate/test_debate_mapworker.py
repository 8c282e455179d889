"""The map's child process gives what the in-process computation gives, survives a crash, ends with the service."""

import pytest

from civicai.debate.mapworker import MapWorker
from civicai.debate.opinion_map import planted_votes
from civicai.debate.summary import placed_summary

pytestmark = pytest.mark.slow  # starts a Python process


def _without_date(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if k != "date"}


def test_the_worker_gives_the_same_map_as_in_process_and_is_replaced_when_it_dies():
    votes, _ = planted_votes(n_participants=40, n_statements=12, seed=3)
    texts = {j: f"Phrase numéro {j} du débat." for j in range(12)}
    expected, placed = placed_summary(votes, texts)
    worker = MapWorker()
    try:
        summary, got_placed = worker.compute(votes, texts)
        assert _without_date(summary) == _without_date(expected) and got_placed == placed
        first = worker.proc.pid
        worker.proc.kill()
        worker.proc.wait()
        summary, _ = worker.compute(votes, texts)  # a new worker answers
        assert worker.proc.pid != first and summary["k"] == expected["k"]
    finally:
        worker.close()
    assert worker.proc is None


def test_the_worker_ends_when_its_input_closes():
    worker = MapWorker()
    proc = worker.start()
    proc.stdin.close()  # what the service's death does to the pipe
    assert proc.wait(30) == 0
