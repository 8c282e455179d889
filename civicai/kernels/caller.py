"""Who asks for a kernel, read from the kernel (``SO_PEERCRED``) and /proc, and how a fork becomes theirs.

Nothing the caller writes decides who the kernel runs as: the uid, gid and pid come from the socket's
peer credentials; the cgroups, limits, groups and umask from that pid's /proc entries, checked to still
belong to that uid. Only the folder and the environment come from the request, and both are bounded:
the folder must be in the caller's home (and the kernel enters it as the caller), the environment is
filtered by :data:`ALLOWED_ENV` and every per-user path is then set from the home.
"""

from __future__ import annotations

import os
import pwd
import resource
import socket
import stat
import struct
from dataclasses import dataclass
from pathlib import Path

from civicai.hub.userenv import per_user_env

CGROUP_ROOT = Path("/sys/fs/cgroup")
CGROUP_CONTROLLERS = ("memory", "pids", "cpu")  # the ones civicai.hub.limits sets (v1); v2 has one hierarchy
# The limits a participant's server has, copied to its kernels (the same as a kernel it would start itself),
# by their names in /proc/<pid>/limits (readable by all; prlimit() on another uid needs CAP_SYS_RESOURCE).
RLIMITS = {"Max cpu time": "RLIMIT_CPU", "Max file size": "RLIMIT_FSIZE", "Max data size": "RLIMIT_DATA",
           "Max stack size": "RLIMIT_STACK", "Max core file size": "RLIMIT_CORE", "Max processes": "RLIMIT_NPROC",
           "Max open files": "RLIMIT_NOFILE", "Max locked memory": "RLIMIT_MEMLOCK",
           "Max address space": "RLIMIT_AS"}
ALLOWED_ENV = frozenset({"PATH", "LANG", "LANGUAGE", "TZ", "TERM", "USER", "LOGNAME", "SHELL", "TMPDIR",
                         "VIRTUAL_ENV", "MPLBACKEND", "PYDEVD_DISABLE_FILE_VALIDATION", "CLICOLOR", "PAGER",
                         "FORCE_COLOR"})
ALLOWED_PREFIXES = ("LC_", "JPY_", "JUPYTERHUB_", "CIVICAI_")


class Refused(Exception):
    """A request the template does not serve (the message goes back to the provisioner, then its log)."""


@dataclass(frozen=True)
class Caller:
    pid: int
    uid: int
    gid: int


def peer(conn: socket.socket) -> Caller:
    """The connected process's pid, uid and gid, as the kernel saw them when it connected."""
    pid, uid, gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
    return Caller(pid, uid, gid)


def _status(pid: int) -> dict[str, str]:
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8", errors="replace") as fh:
            return dict(line.rstrip("\n").split(":\t", 1) for line in fh if ":\t" in line)
    except OSError:
        raise Refused(f"process {pid} is gone") from None


def groups_and_umask(caller: Caller) -> tuple[list[int], int]:
    """The caller's supplementary groups and umask; refused if the pid now belongs to someone else."""
    st = _status(caller.pid)
    if int(st.get("Uid", "-1").split()[0]) != caller.uid:
        raise Refused(f"process {caller.pid} no longer belongs to uid {caller.uid}")
    return [int(g) for g in st.get("Groups", "").split()], int(st.get("Umask", "0077"), 8)


def cgroup_procs(pid: int, root: Path = CGROUP_ROOT) -> list[Path]:
    """The ``cgroup.procs`` files of the cgroups ``pid`` is in (v2, or the v1 controllers the hub limits)."""
    try:
        text = Path(f"/proc/{pid}/cgroup").read_text()
    except OSError:
        raise Refused(f"process {pid} is gone") from None
    out = []
    for line in text.splitlines():
        _, controllers, path = line.split(":", 2)
        if not controllers:
            out.append(root / path.lstrip("/") / "cgroup.procs")
        elif set(controllers.split(",")) & set(CGROUP_CONTROLLERS):
            out.append(root / controllers / path.lstrip("/") / "cgroup.procs")
    return [p for p in out if p.parent.is_dir()]


def join_cgroups(caller: Caller) -> None:
    """Move this process into the caller's cgroups (as root); refused if one cannot be joined."""
    if os.geteuid() != 0:
        return  # a template of the caller's own account: the kernel stays where the template is
    me = set(cgroup_procs(os.getpid()))
    for procs in cgroup_procs(caller.pid):
        if procs in me:
            continue
        try:
            procs.write_text(str(os.getpid()))
        except OSError as error:
            raise Refused(f"cannot join {procs.parent}: {error}") from None


def read_rlimits(pid: int) -> dict[int, tuple[int, int]]:
    """The process's resource limits, from /proc/<pid>/limits."""
    try:
        text = Path(f"/proc/{pid}/limits").read_text()
    except OSError:
        raise Refused(f"process {pid} is gone") from None
    out = {}
    for line in text.splitlines()[1:]:
        name = next((n for n in RLIMITS if line.startswith(n + " ")), None)
        if name is not None:
            soft, hard = line[len(name):].split()[:2]
            out[getattr(resource, RLIMITS[name])] = tuple(
                resource.RLIM_INFINITY if v == "unlimited" else int(v) for v in (soft, hard))
    return out


def _lower(a: int, b: int) -> int:
    inf = resource.RLIM_INFINITY
    return b if a == inf else a if b == inf else min(a, b)


def copy_rlimits(caller: Caller) -> None:
    """Set this process's limits to the caller's (its server's limits apply to its kernels).

    Without CAP_SYS_RESOURCE a hard limit cannot be raised: the kernel then keeps the template's, lower one.
    """
    for which, (soft, hard) in read_rlimits(caller.pid).items():
        hard = _lower(hard, resource.getrlimit(which)[1])
        try:
            resource.setrlimit(which, (_lower(soft, hard), hard))
        except (OSError, ValueError) as error:
            raise Refused(f"cannot set limit {which} to {soft, hard}: {error}") from None


def home_of(caller: Caller, sent_env: dict) -> str:
    """The caller's home: the HOME its server sent if that folder is the caller's own, else its account's.

    Owned by the caller is the test that matters (a participant owns only their home; the kernel runs as
    them anyway): the account's recorded home may be stale (a hub moved to another state folder).
    """
    sent = sent_env.get("HOME") or ""
    try:
        st = os.lstat(sent) if sent else None
    except OSError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode) and st.st_uid == caller.uid:
        return sent
    return pwd.getpwuid(caller.uid).pw_dir


def become(caller: Caller) -> None:
    """Drop to the caller's groups, gid and uid for good (root), or check the caller is this account."""
    groups, umask = groups_and_umask(caller)
    if os.geteuid() == 0:
        os.setgroups(groups)
        os.setgid(caller.gid)
        os.setuid(caller.uid)  # real, effective and saved: no way back
    elif caller.uid != os.getuid():
        raise Refused(f"uid {caller.uid} asked a template of uid {os.getuid()}")
    os.umask(umask)


def kernel_env(sent: dict, home: str) -> dict[str, str]:
    """The kernel's environment: the allowed part of what the server sent, then every per-user path."""
    env = {k: str(v) for k, v in sent.items() if k in ALLOWED_ENV or k.startswith(ALLOWED_PREFIXES)}
    env.update(per_user_env(home))
    return env


def enter(folder: str, home: str) -> None:
    """chdir to ``folder``, which must be the home or below it (checked after the drop: as the caller)."""
    real, base = os.path.realpath(folder or home), os.path.realpath(home)
    if real != base and not real.startswith(base.rstrip("/") + "/"):
        raise Refused(f"{folder} is not in the caller's home {home}")
    try:
        os.chdir(real)
    except OSError as error:
        raise Refused(f"cannot enter {folder}: {error}") from None
