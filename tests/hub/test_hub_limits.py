"""Per-participant cgroups: found from /proc/self/cgroup, v1 or v2, and really enforced."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from civicai.hub.limits import Cgroups, Limits, _own_cgroups


def test_own_cgroups_are_read_for_both_layouts():
    v1 = "9:name=systemd:/\n8:pids:/a\n4:memory:/a/b\n2:cpu,cpuacct:/c\n0::/\n"
    assert _own_cgroups(v1) == {"name=systemd": "/", "pids": "/a", "memory": "/a/b", "cpu": "/c",
                                "cpuacct": "/c", "": "/"}
    assert _own_cgroups("0::/user.slice/session-1.scope\n") == {"": "/user.slice/session-1.scope"}


def test_the_default_limits_come_from_the_capacity_figures():
    from civicai.cluster.capacity import limit_mb

    assert Limits().memory_mb == limit_mb(kernels=2) and Limits().tasks == 256 and Limits().cpu_cores == 1.0


@pytest.mark.skipif(os.geteuid() != 0 or Cgroups.find() is None, reason="needs root and a writable cgroup hierarchy")
@pytest.mark.slow  # starts processes in a cgroup
def test_a_process_over_its_memory_limit_is_killed_and_its_tasks_are_capped():
    groups = Cgroups.find()
    name = f"civicai-test-limits-{os.getpid()}"
    procs = groups.prepare(name, Limits(memory_mb=64, tasks=16))
    join = f"from civicai.hub.limits import join; join({procs!r})\n"
    try:
        hog = subprocess.run([sys.executable, "-c", join + "b = bytearray(256 * 1024**2); print('survived')"],
                             capture_output=True, text=True, timeout=60)
        assert hog.returncode == -9 and "survived" not in hog.stdout, (hog.returncode, hog.stderr[-500:])
        forks = subprocess.run([sys.executable, "-c", join + (
            "import os, time\nn = 0\ntry:\n    for _ in range(100):\n        if os.fork() == 0:\n"
            "            time.sleep(2); os._exit(0)\n        n += 1\nexcept OSError:\n    pass\nprint(n)")],
            capture_output=True, text=True, timeout=60)
        assert int(forks.stdout.split()[0]) < 16, forks
    finally:
        time.sleep(2.5)  # the forked children end
        assert groups.remove(name)
