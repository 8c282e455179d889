"""What a kernel forked from a template must get right (issue 22), each checked on real forked kernels.

The kernels are started by jupyter_client with the ``civicai-noyau-partage`` provisioner, from a process
running as a participant's own account, exactly as the participant's Jupyter server would.
"""

from __future__ import annotations

import json
import os
import signal
import time

import pytest

from civicai.grading.procfs import cmdline as _cmdline
from civicai.hub import limits
from civicai.hub.userenv import per_user_env
from civicai.kernels.flavour import flavour_for

from kerneltools import ROOT_ONLY, as_participant, ask_as, parent_of, wait_for

pytestmark = [pytest.mark.slow, ROOT_ONLY]
HEAVY = "/x/01-comment-une-ia-apprend/02-un-reseau-de-neurones.ipynb"
LIGHT = "/x/01-comment-une-ia-apprend/03-terrain-de-jeu.ipynb"

PROBE = """
import json, os, random, resource, threading, numpy as np, torch
fds = {}
for fd in os.listdir("/proc/self/fd"):
    try:
        fds[fd] = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        pass
print(json.dumps({"uid": os.getuid(), "gid": os.getgid(), "groups": os.getgroups(), "cwd": os.getcwd(),
                  "env": dict(os.environ), "environ_block": open("/proc/self/environ", "rb").read().decode("latin-1"),
                  "cgroup": open("/proc/self/cgroup").read(), "nproc": resource.getrlimit(resource.RLIMIT_NPROC),
                  "seeds": [random.random(), float(np.random.rand()), float(torch.rand(1))],
                  "torch_threads": torch.get_num_threads(), "fds": fds, "pid": os.getpid(),
                  "matmul": float((torch.ones(64, 64) @ torch.ones(64, 64)).sum())}))
"""


def _probe(answer) -> dict:
    return json.loads(answer["results"][0])


def _cgroup_for_the_test():
    """A participant-like cgroup under this process's own (None where none can be made)."""
    found = limits.Cgroups.find()
    if found is None:
        return None, []
    name = f"civicai-test-noyau-{os.getpid()}"
    return (found, name), found.prepare(name, limits.Limits(memory_mb=4096, cpu_cores=1.0, tasks=300))


def test_a_forked_kernel_is_entirely_the_participants(daemon, participants):
    who = participants[0]
    cg, procs = _cgroup_for_the_test()
    workdir = os.path.join(who.home, "modules")
    os.makedirs(workdir, exist_ok=True)
    os.chown(workdir, who.uid, who.gid)
    try:
        answer = as_participant(who, {"folder": str(daemon), "notebook": HEAVY, "cwd": workdir, "steps": [PROBE]},
                                cgroups=procs, tasks=300)
    finally:
        if cg:
            time.sleep(0.5)
            cg[0].remove(cg[1])
    assert answer["forked"] and answer["flavour"] == "heavy", answer["fallback"]
    got = _probe(answer)
    assert (got["uid"], got["gid"], got["groups"]) == (who.uid, who.gid, [who.gid])
    assert got["cwd"] == workdir
    for key, value in per_user_env(who.home).items():  # every per-user path in the participant's home
        assert got["env"][key] == value
    assert "CIVICAI_TEST_SECRET" not in got["env"] and "ne-doit-pas-fuiter" not in got["environ_block"]
    assert got["nproc"] == [300, 300]
    if cg:
        assert cg[1] in got["cgroup"]
    assert got["torch_threads"] == 1 and got["matmul"] == 64 * 64 * 64
    # no descriptor of the template's: only the kernel's own sockets (ZeroMQ), pipes, and reopened files
    template_socks = set()
    for pid in (int(p) for p in os.listdir("/proc") if p.isdigit()):
        try:
            if b"civicai.kernels.template" in open(f"/proc/{pid}/cmdline", "rb").read():
                template_socks |= {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
        except OSError:
            pass
    shared = {t for t in got["fds"].values() if t.startswith("socket:")} & template_socks
    assert not shared
    assert answer["gone_after_shutdown"]


def test_each_kernel_has_fresh_random_seeds(daemon, participants):
    runs = [as_participant(participants[0], {"folder": str(daemon), "notebook": HEAVY, "steps": [PROBE]})
            for _ in range(2)]
    a, b = (_probe(r) for r in runs)
    assert all(r["forked"] for r in runs)
    assert all(x != y for x, y in zip(a["seeds"], b["seeds"]))


def _template(daemon, flavour: str) -> int:
    """The template's pid (its kernels have the same command line, and the template as parent)."""
    mark = f"civicai.kernels.template\0{flavour}\0{daemon}/".encode()
    pids = [int(p) for p in os.listdir("/proc") if p.isdigit() and mark in _cmdline(int(p))]
    return next(p for p in pids if mark not in _cmdline(parent_of(p)))


def test_the_template_is_single_threaded(daemon):
    for flavour in ("light", "heavy"):
        assert len(os.listdir(f"/proc/{_template(daemon, flavour)}/task")) == 1


def test_interrupt_and_restart_work_as_with_a_plain_kernel(daemon, participants):
    answer = as_participant(participants[1], {"folder": str(daemon), "notebook": LIGHT,
                                              "steps": ["x = 41", "!interrupt", "print(x + 1)", "!restart",
                                                        "print('x' in dir())"]})
    assert answer["forked"] and answer["flavour"] == "light"
    interrupted, after, restart, fresh = answer["results"][1:]
    assert interrupted.startswith("KeyboardInterrupt")
    assert after == "42"
    assert restart["forked"] and restart["new"] != restart["old"] and not restart["old_alive"]
    assert fresh == "False"
    assert answer["gone_after_shutdown"]


def test_a_participant_gets_no_kernel_in_another_home(daemon, participants):
    mine, theirs = participants
    code = (f"import sys, json; from civicai.kernels.provisioner import ask_template\n"
            f"try:\n    ask_template({str(daemon / 'light.sock')!r}, [sys.executable, '-m', 'ipykernel_launcher', "
            f"'-f', '/nonexistent'], {{'HOME': {theirs.home!r}}}, {theirs.home!r})\n"
            f"except ValueError as e:\n    print('REFUSED', e)")
    done = ask_as(mine, code)
    assert "REFUSED" in done.stdout and "not in the caller's home" in done.stdout, done.stderr


def test_without_templates_the_kernel_starts_plainly(participants, shared_tmp):
    empty = shared_tmp / "no-daemon"
    empty.mkdir(exist_ok=True)
    answer = as_participant(participants[0], {"folder": str(empty), "notebook": LIGHT, "steps": ["print(6 * 7)"]})
    assert not answer["forked"] and answer["results"] == ["42"]


def test_a_dead_template_is_replaced(daemon, participants):
    sock = daemon / "light.sock"
    os.kill(_template(daemon, "light"), signal.SIGKILL)
    end = time.monotonic() + 10
    while sock.exists() and time.monotonic() < end:
        time.sleep(0.1)
    wait_for(sock)
    answer = as_participant(participants[0], {"folder": str(daemon), "notebook": LIGHT, "steps": ["print(1)"]})
    assert answer["forked"] and answer["results"] == ["1"]


def test_the_catalogue_gives_the_flavour():
    assert flavour_for(HEAVY) == "heavy" and flavour_for(LIGHT) == "light"
    assert flavour_for("/home/x/mon-carnet.ipynb") == "heavy" and flavour_for(None) == "heavy"
