"""Run a student's kernel in a sandbox: resource limits, a bare working folder, another Unix user.

What the sandbox guarantees, honestly (also in ``grading/README.md``):

* Always: the kernel starts in an empty folder that holds only the submission's own data files
  (never the source notebooks, the hidden tests or a gradebook); limits on memory (``RLIMIT_AS``),
  CPU seconds, file size and, when the limit can work, number of processes; its standard
  output and error go to /dev/null; an audit hook (PEP 578) refuses and reports every Python-level
  ``open``/``listdir``/``sqlite3.connect``... of a forbidden path (course folder, state dir,
  exercise sources). The hook is a speed bump, not a wall: C code (``ctypes``) or a child
  process (``subprocess.run(["cat", ...])``) goes around it.
* Only when grading runs as root (the kit's one-machine hub runs as root): the kernel also
  drops to an unprivileged user id of its own (one per worker slot), so the kernel can read
  nothing that is not world-readable, the course folders are made private (0700), the
  process-count limit really applies (it does not apply to root) and every process of that
  user id is killed after each submission. This is the real protection.
* Running as an ordinary user, the kernel runs as that same user: it could read any file this
  user can read with means the audit hook does not see. Give the grading its own Unix account
  on a multi-user hub.

This module is also the launcher: ``python -m civicai.grading.sandbox POLICY_JSON -- CMD...``
applies the policy, then runs the kernel (``ipykernel_launcher``) in the same process so that
the audit hook stays in force.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

# uids used for sandboxed kernels when grading runs as root (no /etc/passwd entry needed)
DEFAULT_UID_BASE = 61000


@dataclass
class SandboxPolicy:
    """Limits and folders for one student's kernel (all sizes in bytes, times in seconds)."""

    workdir: str
    uid: int | None = None
    memory_bytes: int = 3 * 1024**3
    cpu_seconds: int = 120
    file_bytes: int = 64 * 1024**2
    max_processes: int = 64
    forbidden: list[str] = field(default_factory=list)
    alert_fd: int | None = None

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

        base = int(os.environ.get("CIVICAI_SANDBOX_UID_BASE", DEFAULT_UID_BASE)) if base is None else base
        lockdir = Path(os.environ.get("CIVICAI_SANDBOX_LOCKS", "/tmp/civicai-sandbox-uids"))
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
    return int(os.environ.get("CIVICAI_SANDBOX_UID_BASE", DEFAULT_UID_BASE)) + slot


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
    "open": 0, "os.listdir": 0, "os.scandir": 0, "os.chdir": 0, "os.remove": 0, "os.rename": 0,
    "os.rmdir": 0, "os.mkdir": 0, "os.symlink": 0, "os.link": 0, "os.truncate": 0, "os.chmod": 0,
    "os.chown": 0, "os.utime": 0, "shutil.copyfile": 0, "shutil.copytree": 0, "shutil.rmtree": 0,
    "sqlite3.connect": 0, "glob.glob": 0, "glob.glob/2": 0, "os.walk": 0, "pathlib.Path.glob": 0,
}


def _install_audit_hook(forbidden: list[str], alert_fd: int | None) -> None:
    roots = tuple(os.path.realpath(p).rstrip("/") + "/" for p in forbidden if p)
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
            full = realpath(path) + "/"
        except Exception:
            return
        if full.startswith(roots):
            if alert_fd is not None and (event, full) not in seen:
                seen.add((event, full))
                try:
                    write(alert_fd, (json.dumps({"event": event, "path": full.rstrip("/")}) + "\n").encode())
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
    if policy.uid is not None:
        lim(resource.RLIMIT_NPROC, policy.max_processes)
    else:
        # same uid as the teacher: the limit counts all their processes, so leave room for them
        lim(resource.RLIMIT_NPROC, count_user_processes(os.getuid()) + policy.max_processes)


def _libc():
    import ctypes

    return ctypes.CDLL(None, use_errno=True)


_CLONE_NEWNS, _CLONE_NEWPID = 0x00020000, 0x20000000
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_BIND, _MS_MOVE, _MS_REC, _MS_PRIVATE = 1, 2, 4, 4096, 8192, 16384, 1 << 18


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    import ctypes

    libc = _libc()
    enc = lambda s: None if s is None else s.encode()  # noqa: E731
    if libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {source} -> {target}: {os.strerror(err)}")


def _hide_and_expose(forbidden: list[str], needed: list[str], stash: Path) -> None:
    """In a fresh mount namespace: cover forbidden folders with an empty read-only tmpfs, and make
    the folders the kernel needs (the Python installation, the kit) reachable by the sandbox uid
    when one of their parents is private (e.g. Python under /root, mode 0700)."""
    _mount("none", "/", None, _MS_REC | _MS_PRIVATE)
    # 1) needed paths under a parent that others cannot traverse: re-create that parent as a tmpfs
    #    holding only the needed child (the rest of it, e.g. root's home, stays hidden).
    done = set()
    for path in needed:
        parts = Path(path).resolve().parts
        for depth in range(2, len(parts)):
            parent = Path(*parts[:depth])
            if parent in done or os.stat(parent).st_mode & 0o001:
                continue
            child = Path(*parts[:depth + 1])
            hold = stash / f"garde-{len(done)}"
            hold.mkdir(parents=True, exist_ok=True)
            _mount(str(child), str(hold), None, _MS_BIND | _MS_REC)
            _mount("tmpfs", str(parent), "tmpfs", _MS_NOSUID | _MS_NODEV, "mode=0755,size=64k")
            (parent / child.name).mkdir()
            _mount(str(hold), str(parent / child.name), None, _MS_MOVE)
            done.add(parent)
            break
    # 2) forbidden folders: an empty, read-only folder in their place
    for path in forbidden:
        if path and os.path.isdir(path):
            _mount("tmpfs", path, "tmpfs", _MS_RDONLY | _MS_NOSUID | _MS_NODEV, "mode=0555,size=4k")


def _launch(policy: SandboxPolicy, cmd: list[str]) -> None:
    workdir = Path(policy.workdir)
    private = workdir / ".noyau"
    private.mkdir(exist_ok=True)
    # the connection file lives in the grader's runtime dir; give the kernel its own copy
    if "-f" in cmd:
        i = cmd.index("-f") + 1
        copy = private / "connexion.json"
        shutil.copyfile(cmd[i], copy)
        cmd[i] = str(copy)
    for sub in (".ipython", ".cache", ".config", "tmp"):
        (workdir / sub).mkdir(exist_ok=True)
    os.environ.update({
        "HOME": str(workdir), "IPYTHONDIR": str(workdir / ".ipython"), "MPLCONFIGDIR": str(workdir / ".config"),
        "XDG_CACHE_HOME": str(workdir / ".cache"), "TMPDIR": str(workdir / "tmp"),
        "JUPYTER_RUNTIME_DIR": str(private), "JUPYTER_DATA_DIR": str(workdir / ".config"),
        "JUPYTER_CONFIG_DIR": str(workdir / ".config"), "USER": "eleve", "LOGNAME": "eleve",
    })
    for key in [k for k in os.environ if k.startswith(("JUPYTERHUB_", "CIVICAI_", "NBGRADER_"))]:
        os.environ.pop(key, None)
    if policy.uid is not None:
        for p in [workdir, *workdir.rglob("*")]:
            try:
                os.lchown(p, policy.uid, policy.uid)
            except OSError:
                pass
        # new mount and PID namespaces: the kernel is PID 1 of its own namespace, so when it
        # ends, the kernel of the machine kills every process it left behind (fork loops too)
        if _libc().unshare(_CLONE_NEWNS | _CLONE_NEWPID) != 0:
            raise OSError("unshare failed: cannot isolate the kernel")
        child = os.fork()
        if child:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the interrupt reaches the kernel directly
            for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
                signal.signal(sig, lambda s, f: os.kill(child, signal.SIGKILL))
            _, status = os.waitpid(child, 0)
            os._exit(os.waitstatus_to_exitcode(status) & 0xFF)
        needed = [sys.base_prefix, sys.prefix, str(Path(__file__).resolve().parents[2])]
        _hide_and_expose(policy.forbidden, needed, private / "montage")
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
    _install_audit_hook(policy.forbidden, policy.alert_fd)
    if cmd[1:3] == ["-m", "ipykernel_launcher"]:
        import runpy

        sys.argv = ["ipykernel_launcher", *cmd[3:]]
        runpy.run_module("ipykernel_launcher", run_name="__main__", alter_sys=True)
    else:  # another kernel: limits, uid and namespaces apply, the audit hook does not
        os.execvp(cmd[0], cmd)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    policy = SandboxPolicy(**json.loads(argv[0]))
    cmd = argv[argv.index("--") + 1:]
    _launch(policy, cmd)


# --- the kernel manager nbgrader's Execute uses -------------------------------------------------

def make_kernel_manager_class(policy: SandboxPolicy, template=None, pid_file: Path | None = None):
    """An AsyncKernelManager that starts the kernel through this launcher with ``policy``.

    With a warm ``template`` (``civicai.grading.warmstart.KernelTemplate``), an IPython kernel of
    this Python is forked from it instead of started afresh; its pid goes to ``pid_file`` so the
    batch can kill it with the submission. Any other kernel, or a template that fails, starts the
    usual way.
    """
    from jupyter_client.manager import AsyncKernelManager

    class SandboxKernelManager(AsyncKernelManager):
        sandbox_policy = policy

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            if template is not None and _is_this_ipykernel(kernel_cmd):
                try:
                    pid = template.launch(self.sandbox_policy, list(kernel_cmd), kw.get("env") or dict(os.environ))
                except (OSError, ValueError):
                    pid = None
                if pid:
                    from civicai.grading.warmstart import ForkedKernel

                    if pid_file is not None:
                        with open(pid_file, "a", encoding="utf-8") as fh:
                            fh.write(f"{pid}\n")
                    prov = self.provisioner
                    prov.process, prov.pid, prov.pgid = ForkedKernel(pid), pid, pid
                    prov.cwd = self.sandbox_policy.workdir
                    self._reconcile_connection_info(prov.connection_info)
                    return
            wrapped = [sys.executable, "-m", "civicai.grading.sandbox", self.sandbox_policy.to_json(), "--",
                       *kernel_cmd]
            kw["cwd"] = self.sandbox_policy.workdir
            if self.sandbox_policy.alert_fd is not None:
                kw["pass_fds"] = (self.sandbox_policy.alert_fd,)
            return await super()._async_launch_kernel(wrapped, **kw)

    return SandboxKernelManager


def _is_this_ipykernel(cmd: list[str]) -> bool:
    # the very interpreter (a venv's python and its base share a binary, not their packages)
    return bool(cmd) and os.path.abspath(cmd[0]) == os.path.abspath(sys.executable) \
        and cmd[1:3] == ["-m", "ipykernel_launcher"]


if __name__ == "__main__":
    main()
