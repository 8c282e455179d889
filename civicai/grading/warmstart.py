"""Warm kernels for autograding: import once per worker slot, fork one sandboxed kernel per submission.

Every submission used to start a fresh Python that imported ipykernel, then the libraries the
exercise imports (scikit-learn, matplotlib...): about 2 s of CPU per copy, the same work 40
times. Here each worker slot has a *template* process, started inside the slot's bubblewrap
sandbox (``civicai.grading.isolation``: it sees the slot's working folder and the read-only Python,
nothing of the course) that imports those once and then, on request, forks a child that applies the
limits (``civicai.grading.sandbox._launch``: uid, rlimits, audit hook) and becomes the student's
kernel. One submission at a time uses a slot; between two, the batch kills every process of the
slot's PID namespace but the template (:meth:`KernelTemplate.sweep`) and empties its folder.
Differences with a fresh process are listed in ``grading/README.md`` (the global NumPy random state
is the same in every kernel; a module an exercise imports is already in ``sys.modules``).

Only libraries known to survive a fork are preloaded (never torch). When the template cannot
start or dies, kernels start the usual way (each in its own sandbox).

Protocol (``AF_UNIX`` sequenced packets, one request per packet): JSON ``{"cmd", "env", "policy"}``
with the descriptors ``[reply socket, alert file?]``; the reply is the kernel's pid, as text.
"""

from __future__ import annotations

import ast
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from civicai import procs
from civicai.grading import procfs

# Libraries that may be imported before a fork (no threads of their own that a child would need).
FORK_SAFE = ("numpy", "pandas", "sklearn", "scipy", "matplotlib")
# ipykernel.debugger: ipykernel 7 imports debugpy when each kernel starts (about 0.5 s of CPU, and debugpy then
# scans every module already loaded); imported here, once (it starts no thread and sets no trace function)
# The rest: what every kernel still imported after the fork (listed by diffing sys.modules in a graded kernel).
KERNEL_MODULES = ["ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.debugger", "civicai.grading.sandbox",
                  "civicai.grading.pristine", "IPython.core.debugger", "IPython.core.completerlib",
                  "IPython.core.oinspect", "IPython.core.pylabtools", "IPython.core.logger",
                  "IPython.extensions.storemagic", "tornado.platform.asyncio"]


def exercise_imports(notebooks: list[dict]) -> list[str]:
    """Modules the notebooks import that may be preloaded (``FORK_SAFE`` packages only)."""
    found: list[str] = []
    for nb in notebooks:
        for cell in nb.get("cells", []):
            if cell.get("cell_type") != "code":
                continue
            src = cell.get("source", "")
            src = "".join(src) if isinstance(src, list) else src
            lines = [ln for ln in src.splitlines() if not ln.lstrip().startswith(("%", "!"))]
            try:
                tree = ast.parse("\n".join(lines))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names = [node.module]
                found += [n for n in names if n.split(".")[0] in FORK_SAFE and n not in found]
    return found


class ForkedKernel:
    """What jupyter_client needs of a ``Popen`` for a kernel forked by the template."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and not procfs.alive(self.pid):
            self.returncode = 0  # reaped by the template: the status is not ours to read
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() > end:
                raise subprocess.TimeoutExpired("noyau", timeout)
            time.sleep(0.05)
        return self.returncode

    def send_signal(self, sig: int) -> None:
        try:
            os.kill(self.pid, sig)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class KernelTemplate:
    """The batch's side of one slot's template process, in the slot's sandbox (create before forking children)."""

    def __init__(self, modules: list[str], workdir: str, *, ready_timeout: float = 90.0):
        from civicai.grading.isolation import bwrap_argv

        self.modules, self.workdir = list(modules), workdir
        self.inner = self.ns = None
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = dict(os.environ, HOME=workdir, MPLCONFIGDIR=workdir, XDG_CACHE_HOME=workdir,
                   MPLBACKEND="module://matplotlib_inline.backend_inline", OPENBLAS_NUM_THREADS="1",
                   OMP_NUM_THREADS="1")
        argv = bwrap_argv(workdir) + ["--", sys.executable, "-m", "civicai.grading.warmstart", str(theirs.fileno()),
                                      json.dumps(self.modules)]
        self.proc = subprocess.Popen(argv, pass_fds=(theirs.fileno(),), cwd=workdir, env=env,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        theirs.close()
        self.sock = ours
        self.ready_timeout = ready_timeout
        self.ready: bool | None = None

    def wait_ready(self) -> bool:
        """Wait for the imports; find the template's own pid and PID namespace (seen from here)."""
        if self.ready is None:
            self.sock.settimeout(self.ready_timeout)
            try:
                self.ready = self.sock.recv(64) == b"ready"
            except OSError:
                self.ready = False
            self.sock.settimeout(None)
            if self.ready:
                mine = [p for p in procfs.pids()
                        if self._descends(p) and b"civicai.grading.warmstart" in procfs.cmdline(p)]
                self.inner = mine[-1] if mine else None
                self.ns = procfs.pidns(self.inner) if self.inner else None
                self.ready = bool(self.ns)
            if not self.ready:
                self.close()
        return self.ready

    def _descends(self, pid: int) -> bool:
        for _ in range(8):
            fields = procfs.stat(pid)
            if not fields:
                return False
            pid = int(fields[1])
            if pid == self.proc.pid:
                return True
        return False

    def launch(self, policy, cmd: list[str], env: dict) -> int:
        """Fork a kernel applying ``policy`` (a SandboxPolicy); return its pid as seen from here."""
        reply, remote = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        fds = [remote.fileno()] + ([policy.alert_fd] if policy.alert_fd is not None else [])
        try:
            request = json.dumps({"cmd": cmd, "env": env, "policy": json.loads(policy.to_json())}).encode()
            socket.send_fds(self.sock, [request], fds)
            remote.close()
            reply.settimeout(30)
            inner = int(reply.recv(32))
        finally:
            remote.close()
            reply.close()
        for pid in procfs.pids():
            ids = procfs.nspids(pid)
            if len(ids) > 1 and ids[-1] == inner and procfs.pidns(pid) == self.ns:
                return pid
        raise OSError("kernel not found in the template's PID namespace")

    def sweep(self) -> None:
        """Kill every process of the slot's sandbox but the template and its init; empty its /dev/shm."""
        if not self.ns:
            return
        keep = {self.inner, int((procfs.stat(self.inner) or [0, 0])[1])}
        for _ in range(3):
            found = [p for p in procfs.pids() if p not in keep and procfs.pidns(p) == self.ns]
            if not found:
                break
            for pid in found:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            time.sleep(0.02)
        shm = Path(f"/proc/{self.inner}/root/dev/shm")
        try:
            for entry in shm.iterdir():
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
        except OSError:
            pass

    def request_stop(self) -> None:
        """Tell the template the batch is over (it then stops its kernels, reports its CPU and exits)."""
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def close(self) -> float | None:
        """Stop the template and its sandbox (every kernel it forked dies with it); return the CPU seconds of
        the template and of every kernel it forked, as it reports them (None if it did not).

        bubblewrap does not wait for the sandbox's first process, so that CPU never reaches the batch's own
        ``RUSAGE_CHILDREN``: the template reports it. Killed after 5 s if it does not end.
        """
        self.request_stop()
        cpu = None
        try:
            self.sock.settimeout(5)
            words = self.sock.recv(64).split()
            cpu = float(words[1]) if len(words) == 2 and words[0] == b"cpu" else None
        except (OSError, ValueError):
            pass
        try:
            self.sock.close()
        except OSError:
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            pass
        procs.kill_group(self.proc.pid)
        self.proc.wait()
        return cpu


# --- the template process ---------------------------------------------------------------------

def _serve(sock: socket.socket, modules: list[str]) -> None:
    import importlib

    for name in KERNEL_MODULES + modules:
        try:
            importlib.import_module(name)
        except Exception:  # not installed: the kernel will say so, as it would have
            pass
    if "torch" in sys.modules:  # pulled in by something: forks would not be safe
        return
    if "matplotlib" in sys.modules:
        importlib.import_module("matplotlib_inline.backend_inline")  # the kernels' backend (MPLBACKEND)
        warm_matplotlib()
    warm_tracebacks()
    # kernels are reaped by waiting for them (not by ignoring SIGCHLD), so that their CPU time adds up in the
    # template's, which it reports at the end (KernelTemplate.close)
    signal.signal(signal.SIGCHLD, lambda *_: procs.reap())
    import ctypes

    ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0: no kernel may ptrace or read the template
    children: list[int] = []
    sock.send(b"ready")
    while True:
        try:
            msg, fds, _, _ = socket.recv_fds(sock, 1 << 20, 4)
        except OSError:
            break
        if not msg:
            break
        request = json.loads(msg)
        reply = socket.socket(fileno=fds[0])
        alert = fds[1] if len(fds) > 1 else None
        pid = os.fork()
        if pid == 0:  # pragma: no cover (the kernel)
            _become_kernel(sock, reply, alert, request)
        children.append(pid)
        if alert is not None:
            os.close(alert)
        try:
            reply.send(str(pid).encode())
        except OSError:
            pass
        reply.close()
        children = [c for c in children if procfs.alive(c)]
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    for pid in children:  # the batch is over: nothing of it keeps running
        procs.kill_group(pid)
    procs.reap(block=True)
    used = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    try:
        sock.send(f"cpu {sum(u.ru_utime + u.ru_stime for u in used):.3f}".encode())
    except OSError:
        pass


def warm_matplotlib() -> None:
    """Draw one figure to PNG off pyplot: the fonts and the PNG writer are then loaded once, not per kernel
    (about 0.2 s of CPU per kernel's first plot). No pyplot state changes: the kernels' figures still start at 1."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    try:
        fig = Figure(figsize=(2, 2))
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, 1], "o-", label="é")
        ax.set_xlabel("x")
        ax.set_title("t")
        ax.legend()
        fig.savefig(io.BytesIO(), format="png")
    except Exception:  # noqa: BLE001 (a warm-up only: the kernels draw as they would have)
        pass


def warm_tracebacks() -> None:
    """Format one error as the kernel's shell does (same traceback class, mode and colours): ``inspect``'s table of
    modules, the syntax highlighter and its colours are then built once, not in every kernel (about 0.2 s of CPU
    for a copy's first error; blank and wrong copies have several). No thread, no state a kernel would see."""
    try:
        from IPython.core import ultratb
        from ipykernel.zmqshell import ZMQInteractiveShell

        traits = ZMQInteractiveShell.class_traits()
        formatter = ultratb.AutoFormattedTB(mode=traits["xmode"].default(), theme_name=traits["colors"].default(),
                                            tb_offset=1)
        code = compile("def f():\n    raise NotImplementedError()\nf()\n", "<modele>", "exec")
        try:
            exec(code, {})  # noqa: S102 (a fixed snippet)
        except NotImplementedError:
            formatter.structured_traceback(*sys.exc_info())
    except Exception:  # noqa: BLE001 (a warm-up only: the kernels format errors as they would have)
        pass


def _become_kernel(sock: socket.socket, reply: socket.socket, alert: int | None, request: dict) -> None:
    """In the forked child: drop everything of the template, then run the sandboxed kernel."""
    from civicai.grading.sandbox import SandboxPolicy, _launch

    try:
        os.setsid()
        import ctypes

        ctypes.CDLL(None).prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE 1: the kernel's own /proc is its own
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        sock.close()
        reply.close()
        keep = {0, 1, 2} | ({alert} if alert is not None else set())
        for fd in (int(f) for f in os.listdir("/proc/self/fd")):
            if fd not in keep:
                try:
                    os.close(fd)
                except OSError:
                    pass
        os.environ.clear()
        os.environ.update(request["env"])
        policy = SandboxPolicy(**{**request["policy"], "alert_fd": alert})
        sys.path[0] = policy.workdir  # as for ``python -m`` started in the sandbox folder
        _launch(policy, list(request["cmd"]))
    finally:
        os._exit(0)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    sock = socket.socket(fileno=int(argv[0]))
    _serve(sock, json.loads(argv[1]))
    os._exit(0)  # nothing to flush: tearing down scikit-learn, matplotlib... took seconds the batch waited for


if __name__ == "__main__":
    main()
