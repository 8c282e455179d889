"""Capacity planning: participants per node, from what the kit measured on itself.

The figures in :data:`MEASURED` come from ``benchmarks/bench_capacity.py`` (hub/README.md gives the
run, the machine and the command). Everything else is arithmetic, kept here so that the SLURM
profiles, the Kubernetes values and the README say the same thing.

Two memory figures per process, because the deployments differ:

- **PSS** (proportional set size: pages shared between processes are split between them) is what
  a participant really adds on one machine, where servers share libraries (and, with
  ``civicai servir``, a fork server);
- **RSS** (resident set size: every page the process touches, shared or not) is what a SLURM job's
  or a Kubernetes pod's memory accounting may charge to it, so requests and limits use it.

Schedulers place jobs and pods by the memory they *ask for*, not by what they use. Each job or pod runs
its own ``heavy`` template (civicai/kernels/job.py) and forks its kernels from it: a forked kernel is
charged only the pages it writes, at most its PSS measured with forks; until the template is ready, or
after it died, kernels start plainly and weigh their full RSS, which the limit must still hold::

    request (Kubernetes guarantee)  = server RSS + template RSS + kernels x kernel PSS     (rounded up to 64 MiB)
    limit (SLURM --mem, k8s limit)  = max(request x HEADROOM,
                                          server RSS + template RSS + kernels x kernel RSS) (rounded up to 512 MiB)
    one machine, per participant    = (server PSS + kernels x kernel PSS) x HEADROOM
    participants per node           = floor((node RAM - reserve) / memory per participant)
    reserve                         = max(2 GiB, 10 % of the node's RAM)   (system, slurmd or kubelet)

>>> m = Measured(server_pss_mb=50, kernel_pss_mb=300, server_rss_mb=150, kernel_rss_mb=400,
...              kernel_cpu_s=20, spawn_s=4)
>>> request_mb(m), limit_mb(m)
(1024, 1536)
>>> participants_per_node(64, 1024)
57
"""

from __future__ import annotations

import math
from typing import NamedTuple


class Measured(NamedTuple):
    server_pss_mb: float  # one participant's Jupyter server, no kernel
    kernel_pss_mb: float  # one kernel after running a module notebook
    server_rss_mb: float
    kernel_rss_mb: float
    kernel_cpu_s: float   # CPU seconds to run that notebook once
    spawn_s: float        # spawn-to-ready, median (civicai servir)


# benchmarks/bench_capacity.py, 2026-12-02 13:30 UTC, 10 participants running module 1's neural-network notebook
# (torch, scikit-learn) at the same time with `civicai servir`, on a quiet 2-core 24 GiB machine; see hub/README.md.
# PSS: kernels forked from the templates (one machine; kernel = what a participant's kernel adds). RSS and CPU:
# default kernels of the same run (clusters share no template); server RSS: 2026-11-22 (a server started alone, as
# on a cluster). Rerun the benchmark and paste its `Measured(...)` line here.
MEASURED = Measured(server_pss_mb=37.3, kernel_pss_mb=81.6, server_rss_mb=145.1, kernel_rss_mb=403.4,
                    kernel_cpu_s=7.7, spawn_s=0.4)

# benchmarks/bench_job_kernels.py, 2026-12-02 13:44 UTC (load average 2.6 on 2 cores: re-measure on a quiet machine):
# the heavy template a SLURM job or a pod runs for itself, RSS once ready.
JOB_TEMPLATE_RSS_MB = 543

HEADROOM = 1.3  # a training cell or a second plot briefly needs more than the resting figure


class Scenario(NamedTuple):
    key: str
    label: str
    participants: int  # people connected at the same time
    kernels: int       # notebooks open per person
    note: str


SCENARIOS = (
    Scenario("atelier", "workshop (atelier)", 15, 1, "one module open at a time"),
    Scenario("classe", "class (classe)", 30, 2, "a module and an nbgrader exercise open"),
    Scenario("convention", "citizens' convention", 150, 1, "150 people at once, one module each"),
)


class Node(NamedTuple):
    label: str
    ram_gib: float
    cores: int


# Example node sizes: the benchmark machine, then two common cluster node sizes.
ONE_MACHINE = Node("one machine, 2 cores / 24 GiB", 24, 2)
CLUSTER_NODES = (Node("node 16 cores / 64 GiB", 64, 16), Node("node 48 cores / 192 GiB", 192, 48))


def _round_up(mb: float, step: int) -> int:
    return int(math.ceil(mb / step) * step)


def request_mb(m: Measured | None = None, *, kernels: int = 1) -> int:
    """What a participant's server uses at rest, by RSS: the Kubernetes memory guarantee."""
    m = m or MEASURED
    return _round_up(m.server_rss_mb + JOB_TEMPLATE_RSS_MB + kernels * m.kernel_pss_mb, 64)


def limit_mb(m: Measured | None = None, *, kernels: int = 1) -> int:
    """The ceiling with headroom, and room for plain kernels: SLURM ``--mem`` and the Kubernetes memory limit."""
    m = m or MEASURED
    plain = m.server_rss_mb + JOB_TEMPLATE_RSS_MB + kernels * m.kernel_rss_mb
    return _round_up(max(request_mb(m, kernels=kernels) * HEADROOM, plain), 512)


def gigabytes(mb: float) -> str:
    """A memory figure as people read it on the spawn pages: ``1,5`` (Go)."""
    from civicai.french import number

    return number(mb / 1024, 1, trim=True)


def one_machine_mb(m: Measured | None = None, *, kernels: int = 1) -> float:
    m = m or MEASURED
    return (m.server_pss_mb + kernels * m.kernel_pss_mb) * HEADROOM


def reserve_gib(ram_gib: float) -> float:
    return max(2.0, 0.1 * ram_gib)


def participants_per_node(ram_gib: float, per_user_mb: float) -> int:
    usable_mb = (ram_gib - reserve_gib(ram_gib)) * 1024
    return max(0, math.floor(usable_mb / per_user_mb))


class PlanRow(NamedTuple):
    scenario: str
    participants: int
    kernels: int
    one_machine_mb: float
    one_machine: int          # participants on ONE_MACHINE
    request_mb: int           # Kubernetes guarantee
    limit_mb: int             # SLURM --mem
    k8s_per_node: tuple       # participants per node (by request), for each of CLUSTER_NODES
    slurm_per_node: tuple     # participants per node (by --mem), for each of CLUSTER_NODES
    slurm_nodes_needed: tuple
    all_at_once_s: tuple      # seconds for a full node to run the notebook together (SLURM packing)


def plan(m: Measured | None = None, scenarios=SCENARIOS, nodes=CLUSTER_NODES) -> list[PlanRow]:
    m = m or MEASURED
    rows = []
    for s in scenarios:
        req, lim = request_mb(m, kernels=s.kernels), limit_mb(m, kernels=s.kernels)
        slurm = tuple(participants_per_node(n.ram_gib, lim) for n in nodes)
        # CPU: kernels sit idle most of the time; if everyone on a full node presses "run all"
        # together, the node's cores are shared between them.
        at_once = tuple(min(k, s.participants) * m.kernel_cpu_s / n.cores for k, n in zip(slurm, nodes))
        mine = one_machine_mb(m, kernels=s.kernels)
        rows.append(PlanRow(
            s.label, s.participants, s.kernels, mine, participants_per_node(ONE_MACHINE.ram_gib, mine), req, lim,
            tuple(participants_per_node(n.ram_gib, req) for n in nodes), slurm,
            tuple(math.ceil(s.participants / k) if k else math.inf for k in slurm), at_once))
    return rows


def format_plan(rows: list[PlanRow], nodes=CLUSTER_NODES) -> str:
    """A Markdown table (pasted into hub/README.md)."""
    head = ["scenario", "people", "kernels", f"{ONE_MACHINE.label}: MB/person (PSS) -> people",
            "k8s request / SLURM --mem (MB)"]
    for n in nodes:
        head.append(f"{n.label}: people per node k8s / SLURM, SLURM nodes needed, all run at once (s)")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [r.scenario, str(r.participants), str(r.kernels), f"{r.one_machine_mb:.0f} -> {r.one_machine}",
                 f"{r.request_mb} / {r.limit_mb}"]
        for k8s, slurm, need, sec in zip(r.k8s_per_node, r.slurm_per_node, r.slurm_nodes_needed, r.all_at_once_s):
            cells.append(f"{k8s} / {slurm}, {need}, {sec:.0f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
