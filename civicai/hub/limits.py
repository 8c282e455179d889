"""Limits per participant, so that one cannot starve the others: memory, CPU, processes.

Each participant's server and kernels go into a cgroup of their own, made under the hub's own
cgroup (so whatever limits the hub's machine or service has still apply): memory (the kernel kills
the biggest process of that participant only, usually the kernel that asked for too much), CPU
(an equal share for everyone under contention, at most ``cpu_cores`` cores each) and tasks (a fork
loop stops at ``tasks``). Both cgroup layouts are handled: v2 (one hierarchy, Debian 12's default)
and v1 (one hierarchy per controller, what this project's CI machine has). Where no cgroup can be
made (not root, read-only /sys/fs/cgroup), the hub still sets ``RLIMIT_NPROC`` per account (each
participant has their own uid) and says in its log that memory and CPU are not limited.

Values come from the capacity figures (``civicai.cluster.capacity``, hub/README.md): memory is
the "classe" limit (a module and an nbgrader exercise open, with headroom).
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass, field
from pathlib import Path

from civicai.cluster.capacity import limit_mb

CGROUP_ROOT = Path("/sys/fs/cgroup")
CPU_PERIOD_US = 100_000


@dataclass(frozen=True)
class Limits:
    memory_mb: int = field(default_factory=lambda: limit_mb(kernels=2))
    cpu_cores: float = 1.0
    tasks: int = 256


def apply_rlimits(limits: Limits) -> None:
    """In the participant's process, before it drops root: processes per uid, no core dumps."""
    resource.setrlimit(resource.RLIMIT_NPROC, (limits.tasks, limits.tasks))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _own_cgroups(proc_cgroup: str) -> dict[str, str]:
    """controller (or "" for v2) -> this process's cgroup path, from /proc/self/cgroup."""
    out = {}
    for line in proc_cgroup.splitlines():
        _, controllers, path = line.split(":", 2)
        for c in controllers.split(",") if controllers else [""]:
            out[c] = path
    return out


class Cgroups:
    """One cgroup per participant under the hub's own; ``join`` files are written by the child."""

    V1 = {"memory": "memory", "pids": "pids", "cpu": "cpu"}

    def __init__(self, bases: dict[str, Path], version: int):
        self.bases, self.version = bases, version

    @classmethod
    def find(cls, root: Path = CGROUP_ROOT) -> "Cgroups | None":
        """The hub's cgroups if it may make sub-groups with every controller needed, else None."""
        try:
            own = _own_cgroups(Path("/proc/self/cgroup").read_text())
        except OSError:
            return None
        if all(c in own for c in cls.V1):  # v1: one hierarchy per controller
            bases = {c: root / c / own[c].lstrip("/") for c in cls.V1}
            version = 1
        elif "" in own:
            base = root / own[""].lstrip("/")
            bases, version = {c: base for c in cls.V1}, 2
            try:
                wanted = {"memory", "pids", "cpu"}
                if not wanted <= set((base / "cgroup.controllers").read_text().split()):
                    return None
                (base / "cgroup.subtree_control").write_text(" ".join(f"+{c}" for c in sorted(wanted)))
            except OSError:
                return None  # busy (processes in our own group) or read-only: fall back to rlimits
        else:
            return None
        return cls(bases, version) if all(os.access(b, os.W_OK) for b in bases.values()) else None

    def _dirs(self, name: str) -> dict[str, Path]:
        return {c: base / name for c, base in self.bases.items()}

    def prepare(self, name: str, limits: Limits) -> list[str]:
        """Make (or update) the participant's cgroup; return the files the child joins by writing its pid."""
        dirs = self._dirs(name)
        for d in set(dirs.values()):
            d.mkdir(exist_ok=True)
        memory = limits.memory_mb * 1024 * 1024
        quota = int(limits.cpu_cores * CPU_PERIOD_US)
        if self.version == 1:
            (dirs["memory"] / "memory.limit_in_bytes").write_text(str(memory))
            (dirs["pids"] / "pids.max").write_text(str(limits.tasks))
            (dirs["cpu"] / "cpu.cfs_period_us").write_text(str(CPU_PERIOD_US))
            (dirs["cpu"] / "cpu.cfs_quota_us").write_text(str(quota))
        else:
            (dirs["memory"] / "memory.max").write_text(str(memory))
            swap = dirs["memory"] / "memory.swap.max"
            if swap.exists():  # only with swap accounting
                swap.write_text("0")
            (dirs["pids"] / "pids.max").write_text(str(limits.tasks))
            (dirs["cpu"] / "cpu.max").write_text(f"{quota} {CPU_PERIOD_US}")
        return sorted({str(d / "cgroup.procs") for d in dirs.values()})

    def remove(self, name: str) -> bool:
        """Remove the participant's cgroup once it is empty; True when it is gone."""
        for d in set(self._dirs(name).values()):
            try:
                d.rmdir()
            except FileNotFoundError:
                pass
            except OSError:
                return False
        return True

    def describe(self) -> str:
        return f"cgroup v{self.version} under {self.bases['memory']}"


def join(procs_files: list[str]) -> None:
    """In the child, still root: move this process into the participant's cgroups."""
    pid = str(os.getpid())
    for path in procs_files:
        with open(path, "w") as fh:
            fh.write(pid)
