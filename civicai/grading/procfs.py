"""What /proc says of a process (gone or unreadable: empty answers, never an exception).

Used by the warm templates (``civicai.grading.warmstart``) to find and sweep the processes of a slot's sandbox."""

from __future__ import annotations

import os


def stat(pid: int) -> list[bytes]:
    """The fields of ``/proc/<pid>/stat`` after the command name (state, parent pid...); [] if gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return []


def alive(pid: int) -> bool:
    fields = stat(pid)
    return bool(fields) and fields[0] != b"Z"


def pidns(pid: int) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/ns/pid")
    except OSError:
        return None


def nspids(pid: int) -> list[int]:
    """The pid of ``pid`` in each PID namespace it belongs to, outermost first (``NSpid``)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("NSpid:"):
                    return [int(x) for x in line.split()[1:]]
    except OSError:
        pass
    return []


def pids() -> list[int]:
    return [int(e) for e in os.listdir("/proc") if e.isdigit()]


def cmdline(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read()
    except OSError:
        return b""
