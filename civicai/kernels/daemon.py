"""Keep one kernel template per flavour alive: ``python -m civicai.kernels.daemon FOLDER``.

Started by the hub (the managed service ``noyaux``, civicai/kernels/hubconfig.py), as root on the one-machine
hub; inside a SLURM job or a pod, by the participant's own server with ``--private`` (civicai/kernels/job.py):
its folder is then 0700 and removed when it ends. Each template listens on ``FOLDER/<flavour>.sock``. A template that dies, or that grows (it runs no
participant code, so growth means a leak), is replaced; while it is away its socket is gone and the
provisioner starts plain kernels. Templates get a clean environment: a forked kernel can read the
environment block its template started with (``/proc/self/environ``), so it must hold no secret.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from civicai.kernels.flavour import FLAVOURS

CHECK_EVERY_S = 2.0
MAX_GROWTH_MB = 64  # a template bigger than this over its ready size is replaced
CLEAN_ENV = ("PATH", "LANG", "LC_ALL", "TZ", "VIRTUAL_ENV", "PYTHONPATH", "CIVICAI_KIT_ROOT")


def socket_path(folder: str | os.PathLike, flavour: str) -> Path:
    return Path(folder) / f"{flavour}.sock"


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Template:
    """The daemon's handle on one flavour's template process."""

    def __init__(self, folder: Path, flavour: str):
        self.folder, self.flavour = folder, flavour
        self.proc: subprocess.Popen | None = None
        self.ready_rss = 0.0

    @property
    def path(self) -> Path:
        return socket_path(self.folder, self.flavour)

    def start(self) -> None:
        self.path.unlink(missing_ok=True)
        env = {k: os.environ[k] for k in CLEAN_ENV if k in os.environ}
        env.update(HOME=str(self.folder), PYDEVD_DISABLE_FILE_VALIDATION="1", MPLCONFIGDIR=str(self.folder / "mpl"), XDG_CACHE_HOME=str(self.folder))
        self.proc = subprocess.Popen([sys.executable, "-m", "civicai.kernels.template", self.flavour, str(self.path)],
                                     env=env, cwd=self.folder, stdin=subprocess.DEVNULL, start_new_session=True)
        self.ready_rss = 0.0

    def check(self) -> str:
        """'' when healthy (or still importing); else why it was replaced."""
        if self.proc is None or self.proc.poll() is not None:
            why = "not running" if self.proc is None else f"exited ({self.proc.returncode})"
        else:
            rss = _rss_mb(self.proc.pid)
            if not self.ready_rss and self.path.exists():
                self.ready_rss = rss
            if not self.ready_rss or rss <= self.ready_rss + MAX_GROWTH_MB:
                return ""
            why = f"grew from {self.ready_rss:.0f} to {rss:.0f} MB"
        self.stop()
        self.start()
        return why

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()  # its kernels are in their own sessions and keep running
            self.proc.wait()
        self.path.unlink(missing_ok=True)


def run(folder: str | os.PathLike, flavours=FLAVOURS, *, private: bool = False) -> None:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mpl").mkdir(exist_ok=True)
    # Shared: participants reach the sockets, each kernel is checked by its caller's credentials. Private: one
    # server's own templates, nobody else's process may even connect.
    os.chmod(folder, 0o700 if private else 0o755)
    templates = [Template(folder, f) for f in flavours]
    stopping, hub = [], os.getppid()
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    for t in templates:
        t.start()
    try:
        while not stopping and os.getppid() == hub:  # a hub killed outright does not stop its services
            for t in templates:
                why = t.check()
                if why:
                    print(f"civicai noyaux: template {t.flavour} replaced: {why}", file=sys.stderr, flush=True)
            time.sleep(CHECK_EVERY_S)
    finally:
        for t in templates:
            t.stop()
        if private:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    private = "--private" in args
    args = [a for a in args if a != "--private"]
    run(args[0], tuple(args[1:]) or FLAVOURS, private=private)
