"""The module 4 benchmark's path through a real hub: every participant's answer streams back through the proxy,
the login check and the line, and the memory it reports is the service's and its model server's."""

from __future__ import annotations

import sys

import pytest

from testkit import REPO

pytestmark = [pytest.mark.hub, pytest.mark.slow]
sys.path.insert(0, str(REPO / "benchmarks"))


def test_through_the_hub_everyone_gets_an_answer_and_the_model_server_is_counted():
    import bench_generative

    out, again = bench_generative.through_hub(3, 6)
    assert again["answers"] == 3
    assert out["participants"] == out["answers"] == 3
    assert out["fewest_tokens"] >= 1
    assert out["tokens_per_s"] > 0
    assert 0 < out["first_token_median_s"] <= out["first_token_max_s"]
    # the GGUF (about 1 MB) plus llama.cpp and Python: a server without its model would weigh less than 20 MB
    assert out["idle_memory_mb"] > 20 and out["peak_memory_mb"] >= out["idle_memory_mb"]
