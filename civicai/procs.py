"""Ending and reaping child processes, written once for the services, the grading templates and the fork server.

Only the standard library: the fork server and the grading templates import this before they fork.
"""

from __future__ import annotations

import os
import signal
import subprocess


def stop(proc: subprocess.Popen, grace: float, terminate: bool = True) -> None:
    """End a child: SIGTERM (unless it ends on its own, e.g. once its input is closed), ``grace`` seconds to
    go, then SIGKILL; always waited for, so that no zombie is left."""
    if terminate and proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def kill_group(pgid: int) -> None:
    """SIGKILL a process group that may already be gone (or, after a setuid, no longer ours to signal)."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def reap(block: bool = False) -> None:
    """Wait for every finished child (for all of them with ``block``)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, 0 if block else os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
