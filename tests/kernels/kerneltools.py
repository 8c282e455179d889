"""Helpers of the kernel-template tests: run a kernel client or code as a participant's account."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from civicai.hub.userenv import per_user_env

HERE = Path(__file__).resolve().parent
ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="forking kernels as participants' accounts needs root "
                                                           "(CI runs as root)")


def wait_for(path: Path, timeout: float = 240) -> None:
    end = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < end, f"{path} never appeared"
        time.sleep(0.2)


def as_participant(account, request: dict, *, cgroups: list[str] = (), tasks: int = 256, timeout: float = 300) -> dict:
    """Run kernel_client.py as ``account``, made the way the fork server makes a participant's server
    (``cgroups`` joined, limits set, root dropped), and return its JSON answer."""
    from civicai.hub.forkserver import become_participant

    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", **per_user_env(account.home)}
    server = {"account": {"uid": account.uid, "gid": account.gid}, "cgroups": list(cgroups),
              "limits": {"tasks": tasks}}
    done = subprocess.run([sys.executable, str(HERE / "kernel_client.py"), json.dumps(request)], env=env,
                          cwd=account.home, preexec_fn=lambda: become_participant(server),
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def ask_as(account, code: str) -> subprocess.CompletedProcess:
    """Run ``code`` as ``account`` (to talk to a template directly)."""
    return subprocess.run([sys.executable, "-c", code], env={"PATH": "/usr/bin:/bin", "HOME": account.home},
                          cwd=account.home, user=account.uid, group=account.gid, extra_groups=[],
                          capture_output=True, text=True, timeout=120)


def parent_of(pid: int) -> int:
    with open(f"/proc/{pid}/stat", "rb") as fh:
        return int(fh.read().rsplit(b")", 1)[1].split()[1])


def children_of(pid: int) -> list[int]:
    """The live processes whose parent is ``pid``."""
    out = []
    for p in (int(p) for p in os.listdir("/proc") if p.isdigit()):
        try:
            if parent_of(p) == pid:
                out.append(p)
        except (OSError, IndexError):
            pass
    return out


def alive(pid: int) -> bool:
    """Running (not gone, not a zombie)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
