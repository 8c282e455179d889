"""The fast lane's promise, kept by a guard: a test not marked slow, hub or browser starts no process.

``make test-fast`` deselects the marked tests; a process started by an unmarked test (a subprocess, a fork,
a multiprocessing worker, a kernel, pdftoppm, a grading CLI...) would make it slow and fragile without
anyone noticing. While such a test's fixtures are set up, while it runs and while they are torn down, the
ways Python starts a process raise :class:`ProcessStarted` instead.
"""

from __future__ import annotations

import contextlib
import multiprocessing.util
import os
import subprocess

import pytest

PROCESS_MARKS = ("slow", "hub", "browser")


class ProcessStarted(AssertionError):
    pass


def _refuse(what: str):
    def refuse(*args, **kwargs):
        raise ProcessStarted(
            f"this test starts a process ({what}) but is not marked slow, hub or browser: mark it "
            "(@pytest.mark.slow, or hub/browser if it starts a hub or Chromium) so that `make test-fast` "
            "leaves it out")
    return refuse


# (owner, attribute): every road to a new process in the standard library goes through one of them
# (subprocess.run/check_output/asyncio subprocesses -> Popen; multiprocessing -> fork or spawnv_passfds).
ROADS = [(subprocess.Popen, "__init__"), (os, "fork"), (os, "forkpty"), (os, "posix_spawn"),
         (os, "posix_spawnp"), (os, "system"), (multiprocessing.util, "spawnv_passfds")]


@contextlib.contextmanager
def no_process():
    """Every road of :data:`ROADS` refuses while inside."""
    saved = [(owner, name, getattr(owner, name)) for owner, name in ROADS if hasattr(owner, name)]
    for owner, name, _ in saved:
        setattr(owner, name, _refuse(f"{getattr(owner, '__name__', owner)}.{name}"))
    try:
        yield
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)


def may_start_processes(item) -> bool:
    return any(item.get_closest_marker(mark) for mark in PROCESS_MARKS)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """The item's fixtures' set-up, the test and their tear-down: guarded unless the test is marked."""
    with contextlib.nullcontext() if may_start_processes(item) else no_process():
        return (yield)
