"""One kernel template: import a flavour's libraries once, then fork one participant's kernel per request.

Run as ``python -m civicai.kernels.template FLAVOUR SOCKET`` (by ``civicai.kernels.daemon``). Thread pools
are limited to one thread before anything is imported, the matplotlib font cache is warmed, the collector
is frozen (``gc.freeze``: its bookkeeping would otherwise write to, hence copy, every shared page), and the
template checks it has a single thread before it serves: a fork copies only the calling thread.

Protocol (``AF_UNIX`` sequenced packets, one connection per kernel): the provisioner sends JSON
``{"argv", "env", "cwd"}``; the forked child answers ``{"pid": N}`` once it is the caller's (cgroups,
limits, account, folder, environment: ``civicai.kernels.caller``), or ``{"error": "..."}`` and exits.
The caller's identity is the socket's peer credentials, never anything in the request.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_name] = "1"  # before numpy or torch start a pool (a fork would copy none of its threads)
os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"

import gc  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import sys  # noqa: E402
import traceback  # noqa: E402

from civicai.grading.warmstart import KERNEL_MODULES, warm_matplotlib  # noqa: E402
from civicai.procs import reap  # noqa: E402
from civicai.kernels import caller as who  # noqa: E402
from civicai.kernels.flavour import PRELOAD  # noqa: E402

MAX_REQUEST = 1 << 20


def preload(flavour: str) -> list[str]:
    """Import the kernel and the flavour's libraries; return what could not be imported."""
    missing = []
    for name in [*KERNEL_MODULES[:3], *PRELOAD[flavour]]:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 (not installed: the kernel will say so, as a plain one would)
            missing.append(name)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)
        sys.modules["torch"].set_num_interop_threads(1)
    if "matplotlib" in sys.modules:
        warm_matplotlib()
    return missing


def threads() -> int:
    return len(os.listdir("/proc/self/task"))


def listen(path: str) -> socket.socket:
    """The template's socket, reachable by every participant (who asks is checked per connection)."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    sock.bind(path)
    os.chmod(path, 0o666)
    sock.listen(64)
    return sock


def serve(flavour: str, path: str) -> None:
    import ctypes

    ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG: ends with its daemon, however it ends
    if os.getppid() == 1:
        sys.exit(4)  # the daemon was already gone
    missing = preload(flavour)
    if missing:
        print(f"civicai noyaux ({flavour}): not preloaded: {', '.join(missing)}", file=sys.stderr, flush=True)
    if threads() != 1:  # something started a thread: its state would be copied half-way into every kernel
        print(f"civicai noyaux ({flavour}): {threads()} threads after the imports, not serving", file=sys.stderr)
        sys.exit(3)
    _dumpable(0)  # no kernel may ptrace the template or read its memory
    gc.collect()
    gc.freeze()
    sock = listen(path)
    signal.signal(signal.SIGCHLD, lambda *_: reap())
    print(f"civicai noyaux ({flavour}): ready on {path}", file=sys.stderr, flush=True)
    while True:
        conn, _ = sock.accept()
        try:
            pid = os.fork()
        except OSError:
            conn.close()
            continue
        if pid == 0:  # pragma: no cover (the kernel)
            sock.close()
            _become_kernel(conn)
        conn.close()


def _answer(conn: socket.socket, reply: dict) -> None:
    try:
        conn.send(json.dumps(reply).encode())
    except OSError:
        pass


def _become_kernel(conn: socket.socket) -> None:
    """In the forked child: become the caller's, answer, drop every inherited descriptor, run ipykernel."""
    code = 1
    try:
        os.setsid()  # its own process group: the server interrupts it with killpg, as a kernel it started
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        conn.settimeout(10)
        request = json.loads(conn.recv(MAX_REQUEST))
        argv = list(request["argv"])
        if argv[1:3] != ["-m", "ipykernel_launcher"]:
            raise who.Refused("only the IPython kernel is forked")
        asker = who.peer(conn)
        home = who.home_of(asker, request.get("env") or {})
        who.join_cgroups(asker)
        who.copy_rlimits(asker)
        who.become(asker)
        _dumpable(1)  # a kernel of the participant's, like one their server starts: theirs to inspect
        who.enter(request.get("cwd") or home, home)
        os.environ.clear()
        os.environ.update(who.kernel_env(request.get("env") or {}, home))
        _fresh_state()
        _answer(conn, {"pid": os.getpid()})
        conn.close()
        _own_descriptors()
        sys.argv = argv[2:]
        sys.argv[0] = "ipykernel_launcher"
        sys.path[0] = os.getcwd()  # as for `python -m` started in the notebook's folder
        import runpy

        runpy.run_module("ipykernel_launcher", run_name="__main__", alter_sys=True)
        code = 0
    except who.Refused as refused:
        _answer(conn, {"error": str(refused)})
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 0
    except BaseException:  # noqa: BLE001
        _answer(conn, {"error": traceback.format_exc(limit=3)})
    finally:
        os._exit(code)


def _own_descriptors() -> None:
    """Close every inherited descriptor but the read-only files, reopened: no shared socket, no shared offset.

    matplotlib keeps its warmed fonts open and reads them again later; sharing the template's open file
    would share its offset between kernels, closing it would break the fonts (and a later close by the
    font object could hit a descriptor the kernel's ZeroMQ reused).
    """
    import stat

    for fd in sorted(int(f) for f in os.listdir("/proc/self/fd") if int(f) > 2):
        try:
            st = os.fstat(fd)
            path = os.readlink(f"/proc/self/fd/{fd}")
            readonly = stat.S_ISREG(st.st_mode) and (os.O_ACCMODE & _flags(fd)) == os.O_RDONLY
            offset = os.lseek(fd, 0, os.SEEK_CUR) if readonly else 0
        except OSError:
            continue
        os.close(fd)
        if readonly:
            try:
                mine = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            except OSError:
                continue  # not the participant's to read: the object holding it fails as a closed file would
            if mine != fd:
                os.dup2(mine, fd, inheritable=False)
                os.close(mine)
            os.lseek(fd, offset, os.SEEK_SET)


def _flags(fd: int) -> int:
    import fcntl

    return fcntl.fcntl(fd, fcntl.F_GETFL)


def _dumpable(flag: int) -> None:
    import ctypes

    ctypes.CDLL(None).prctl(4, flag, 0, 0, 0)  # PR_SET_DUMPABLE


def _fresh_state() -> None:
    """What must differ between kernels: random seeds; what must be read again: matplotlib's folders."""
    import random

    random.seed()
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    if "torch" in sys.modules:
        sys.modules["torch"].seed()
    if "matplotlib" in sys.modules:
        mpl = sys.modules["matplotlib"]
        for name in ("get_configdir", "get_cachedir"):
            getattr(getattr(mpl, name, None), "cache_clear", lambda: None)()


def main(argv: list[str] | None = None) -> None:
    flavour, path = (sys.argv[1:] if argv is None else argv)[:2]
    serve(flavour, path)


if __name__ == "__main__":
    main()
