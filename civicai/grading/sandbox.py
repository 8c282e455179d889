"""Limits and identity of a student's kernel, applied inside its bubblewrap sandbox.

The wall is ``civicai.grading.isolation`` (an allow-list filesystem, no network, own PID
namespace). This module adds, inside it: limits on memory (``RLIMIT_AS``), CPU seconds, file size
and number of processes; the slot's own unprivileged uid when grading runs as root (so the
process limit applies: it never does to root); standard output and error to /dev/null; a
snapshot of the libraries the hidden tests use (``civicai.grading.pristine``); and an audit hook
(PEP 578) that reports Python-level file access outside the allow-list (a flag for the teacher;
the files are not there anyway).

This module is also the launcher: ``python -m civicai.grading.sandbox POLICY_JSON -- CMD...``
(run by bubblewrap) applies the policy, then runs ``ipykernel_launcher`` in the same process.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from civicai.settings import Settings, settings

# uids used for sandboxed kernels when grading runs as root (no /etc/passwd entry needed)
DEFAULT_UID_BASE = Settings.sandbox_uid_base  # one home: civicai/settings.py


@dataclass
class SandboxPolicy:
    """Limits and folders for one student's kernel (all sizes in bytes, times in seconds)."""

    workdir: str
    uid: int | None = None
    memory_bytes: int = 3 * 1024**3
    cpu_seconds: int = 120
    file_bytes: int = 64 * 1024**2
    max_processes: int = 64
    readable: list[str] = field(default_factory=list)
    pristine: list[str] = field(default_factory=list)
    alert_fd: int | None = None
    kit_root: str | None = None  # told to the kernel (CIVICAI_KIT_ROOT): it cannot find the kit by itself in there

    def to_json(self) -> str:
        return json.dumps(asdict(self))


class SandboxUids:
    """Unprivileged uids for one grading batch, one per worker slot (root only, else None).

    Each uid is held with a lock file for the whole batch, so two batches running at once on the
    machine (two teachers, two tests) never share a uid, and never kill each other's processes.
    """

    def __init__(self, count: int, base: int | None = None, span: int = 2000):
        self.fds: list[int] = []
        self.uids: list[int | None] = [None] * count
        if os.geteuid() != 0:
            return
        import fcntl

        base = settings().sandbox_uid_base if base is None else base
        lockdir = settings().sandbox_locks
        lockdir.mkdir(mode=0o700, exist_ok=True)
        got = []
        for uid in range(base, base + span):
            if len(got) == count:
                break
            fd = os.open(lockdir / f"{uid}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue
            if count_user_processes(uid):  # used by something else: leave it alone
                os.close(fd)
                continue
            self.fds.append(fd)
            got.append(uid)
        if len(got) < count:
            self.release()
            raise RuntimeError("no free sandbox uid")
        self.uids = got

    def release(self) -> None:
        for fd in self.fds:
            os.close(fd)
        self.fds = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()


def uid_for_slot(slot: int) -> int | None:
    """A fixed sandbox uid for a slot (tests and tools; batches use SandboxUids)."""
    if os.geteuid() != 0:
        return None
    return settings().sandbox_uid_base + slot


def kill_uid(uid: int) -> None:
    """Kill every process of ``uid`` (root only): a child takes that uid and kills all it may signal."""
    if uid is None or os.geteuid() != 0:
        return
    pid = os.fork()
    if pid == 0:  # pragma: no cover (child)
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            for _ in range(5):
                try:
                    os.kill(-1, signal.SIGKILL)  # every process of this uid except this one
                except ProcessLookupError:
                    break
                time.sleep(0.02)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def count_user_processes(uid: int) -> int:
    n = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    n += 1
            except OSError:
                pass
    return n


# --- inside the sandboxed process ---------------------------------------------------------------

_AUDITED_PATH_EVENTS = {
    "open", "os.listdir", "os.scandir", "os.chdir", "os.remove", "os.rename", "os.rmdir", "os.mkdir",
    "os.symlink", "os.link", "os.truncate", "os.chmod", "os.chown", "os.utime", "shutil.copyfile",
    "shutil.copytree", "shutil.rmtree", "sqlite3.connect", "glob.glob", "glob.glob/2", "os.walk",
    "pathlib.Path.glob",
}
_SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/proc", "/dev", "/sys")


def _install_audit_hook(readable: list[str], alert_fd: int | None) -> None:
    """Report (and refuse) Python-level access to paths outside the allow-list: someone looking around."""
    roots = tuple(os.path.realpath(p).rstrip("/") + "/" for p in [*_SYSTEM, *readable] if p)
    parents = {str(q) for p in roots for q in Path(p).parents} | set(sys.path)
    realpath, fspath, write = os.path.realpath, os.fspath, os.write
    seen: set = set()

    def hook(event, args):  # runs for every audited event: keep it cheap
        if event not in _AUDITED_PATH_EVENTS or not args:
            return
        path = args[0]
        if isinstance(path, int) or path is None:
            return
        try:
            path = fspath(path)
            if isinstance(path, bytes):
                path = path.decode(errors="replace")
            full = realpath(path)
        except Exception:
            return
        if (full + "/").startswith(roots) or (full in parents and event in ("os.listdir", "os.scandir", "open")):
            return
        if alert_fd is not None and (event, full) not in seen:
            seen.add((event, full))
            try:
                write(alert_fd, (json.dumps({"event": event, "path": full}) + "\n").encode())
            except OSError:
                pass
        raise PermissionError(13, "Accès refusé pendant la correction", path)

    sys.addaudithook(hook)


def _apply_limits(policy: SandboxPolicy) -> None:
    import resource

    def lim(which, value):
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass

    lim(resource.RLIMIT_AS, policy.memory_bytes)
    lim(resource.RLIMIT_CPU, policy.cpu_seconds)
    lim(resource.RLIMIT_FSIZE, policy.file_bytes)
    lim(resource.RLIMIT_CORE, 0)
    # counted per uid of this user namespace (or per sandbox uid as root): the sandbox's processes only
    lim(resource.RLIMIT_NPROC, policy.max_processes)


def _tame_forked_copy() -> None:
    """In a copy of the kernel made by ``os.fork`` in a student's cell (a fork loop): yield the processor,
    and end when the cell's code ends or fails there, instead of living on as a second, stuck kernel."""
    os.nice(19)
    ip = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    if ip is not None:
        ip.showtraceback = lambda *a, **k: os._exit(1)
        ip.events.register("post_run_cell", lambda *a: os._exit(0))


def _launch(policy: SandboxPolicy, cmd: list[str]) -> None:
    """Become the student's kernel (inside bubblewrap): uid, environment, limits, audit hook, snapshot."""
    workdir = Path(policy.workdir)
    if os.geteuid() == 0 and policy.uid is None:  # never run a student's code as root, even sandboxed
        os._exit(70)
    for sub in (".ipython", ".cache", ".config", "tmp"):
        (workdir / sub).mkdir(exist_ok=True)
    os.environ.clear()
    os.environ.update({
        "HOME": str(workdir), "IPYTHONDIR": str(workdir / ".ipython"), "MPLCONFIGDIR": str(workdir / ".config"),
        "XDG_CACHE_HOME": str(workdir / ".cache"), "TMPDIR": str(workdir / "tmp"), "PATH": "/usr/bin:/bin",
        "JUPYTER_RUNTIME_DIR": str(workdir / ".kernel"), "JUPYTER_DATA_DIR": str(workdir / ".config"),
        "JUPYTER_CONFIG_DIR": str(workdir / ".config"), "USER": "eleve", "LOGNAME": "eleve", "LANG": "C.UTF-8",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline", "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        # the package finds its data (modules/, datasets/) here; the checkout's hub/ is not shown
        **({"CIVICAI_KIT_ROOT": policy.kit_root} if policy.kit_root else {}),
    })
    if policy.uid is not None:
        for p in [workdir, *workdir.rglob("*")]:
            try:
                os.lchown(p, policy.uid, policy.uid)
            except OSError:
                pass
    os.chdir(workdir)
    # the kernel's own stdout/stderr (not the notebook's outputs) go nowhere
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    _apply_limits(policy)
    if policy.uid is not None:
        os.setgroups([])
        os.setgid(policy.uid)
        os.setuid(policy.uid)
    os.umask(0o077)
    os.register_at_fork(after_in_child=_tame_forked_copy)
    from civicai.grading import pristine

    pristine.snapshot(policy.pristine)
    _install_audit_hook([str(workdir), *policy.readable], policy.alert_fd)
    if cmd[1:3] != ["-m", "ipykernel_launcher"]:
        os._exit(71)  # only this Python's IPython kernel is ever run here
    import runpy

    # no input history file: IPython's history thread wrote and synced an SQLite file after every cell (In/Out remain)
    sys.argv = ["ipykernel_launcher", *cmd[3:], "--HistoryManager.enabled=False"]
    runpy.run_module("ipykernel_launcher", run_name="__main__", alter_sys=True)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    policy = SandboxPolicy(**json.loads(argv[0]))
    cmd = argv[argv.index("--") + 1:]
    sys.path[0] = policy.workdir  # as for ``python -m`` started in the sandbox folder
    _launch(policy, cmd)


if __name__ == "__main__":
    main()
