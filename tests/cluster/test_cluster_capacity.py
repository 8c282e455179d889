"""Capacity planning arithmetic, and that the README and profiles use the measured figures."""

from __future__ import annotations

import doctest
import math

from civicai.cluster import capacity
from civicai.cluster.capacity import Measured, Node, Scenario
from testkit import REPO

M = Measured(server_pss_mb=50, kernel_pss_mb=300, server_rss_mb=150, kernel_rss_mb=400, kernel_cpu_s=20, spawn_s=4)


def test_doctests():
    assert doctest.testmod(capacity).failed == 0


def test_formula_by_hand():
    """(64 GiB - 6.4 GiB reserve) / 1024 MiB = 57.6 -> 57 participants."""
    assert capacity.reserve_gib(64) == 6.4 and capacity.reserve_gib(8) == 2.0
    assert capacity.participants_per_node(64, 1024) == 57
    assert capacity.participants_per_node(2, 100) == 0  # the reserve takes everything
    t = capacity.JOB_TEMPLATE_RSS_MB  # each job's or pod's own template
    assert capacity.request_mb(M, kernels=1) == math.ceil((150 + t + 300) / 64) * 64
    assert capacity.request_mb(M, kernels=2) == math.ceil((150 + t + 600) / 64) * 64
    assert capacity.limit_mb(M, kernels=1) == math.ceil(capacity.request_mb(M) * 1.3 / 512) * 512
    # kernels started plainly (template not ready yet) weigh their RSS: the limit holds them
    heavy_plain = M._replace(kernel_rss_mb=2000)
    assert capacity.limit_mb(heavy_plain, kernels=1) == math.ceil((150 + t + 2000) / 512) * 512
    assert math.isclose(capacity.one_machine_mb(M, kernels=1), 350 * capacity.HEADROOM)


def test_plan_rows_are_consistent():
    nodes = (Node("small", 16, 4), Node("big", 128, 32))
    scenarios = (Scenario("a", "A", 10, 1, ""), Scenario("b", "B", 500, 2, ""))
    rows = capacity.plan(M, scenarios, nodes)
    for row, s in zip(rows, scenarios):
        assert row.limit_mb == capacity.limit_mb(M, kernels=s.kernels)
        for per_node, needed, n in zip(row.slurm_per_node, row.slurm_nodes_needed, nodes):
            assert per_node == capacity.participants_per_node(n.ram_gib, row.limit_mb)
            assert needed * per_node >= s.participants > (needed - 1) * per_node
        # Kubernetes packs by the (smaller) request: never fewer people per node than SLURM
        assert all(k >= sl for k, sl in zip(row.k8s_per_node, row.slurm_per_node))
    # more kernels per person -> fewer people per node
    assert rows[1].slurm_per_node[1] < rows[0].slurm_per_node[1]


def test_more_memory_per_person_never_fits_more_people():
    counts = [capacity.participants_per_node(64, mb) for mb in (256, 512, 1024, 2048, 4096)]
    assert counts == sorted(counts, reverse=True) and counts[-1] > 0


def test_format_plan_is_a_markdown_table_with_every_scenario():
    text = capacity.format_plan(capacity.plan())
    lines = text.splitlines()
    assert lines[0].startswith("| scenario") and set(lines[1]) <= set("|-")
    assert len(lines) == 2 + len(capacity.SCENARIOS)
    assert all(line.count("|") == lines[0].count("|") for line in lines)


def test_the_readme_states_the_measured_figures_and_the_command():
    readme = (REPO / "hub" / "README.md").read_text()
    assert "benchmarks/bench_capacity.py" in readme
    assert repr(capacity.MEASURED) in readme, "paste the benchmark's Measured(...) line into hub/README.md"
    assert capacity.format_plan(capacity.plan()) in readme, "paste the benchmark's table into hub/README.md"
