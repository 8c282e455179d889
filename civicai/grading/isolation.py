"""Operating-system isolation of a student's kernel with bubblewrap (Debian ``bubblewrap``), by allow-list.

The kernel gets a fresh, empty root filesystem in which only these exist:

* read-only: the system (``/usr`` and its ``/bin``, ``/lib``... links), a few files of ``/etc`` the
  dynamic linker and fonts need, the Python installation and the virtualenv, and the ``civicai``
  package itself (not the checkout around it: tests, course sources and exercises stay invisible);
* read-write: the submission's own working folder (same path inside and out, so the kernel's
  connection sockets are shared);
* ``/proc`` of its own PID namespace, a minimal ``/dev``; no network (own network namespace),
  no home folder, no other submission, no gradebook, wherever those live.

As root, bubblewrap builds the sandbox with its own privileges and keeps only the capabilities the
launcher needs to become the slot's unprivileged uid (``CAP_SETUID``...); that uid is what makes the
process-count limit apply. As an ordinary user it uses an unprivileged user namespace.

Fail closed: :func:`require` raises a French :class:`UserError` when bubblewrap is missing or
cannot build a sandbox here; grading then refuses to run. ``CIVICAI_BWRAP`` names another binary.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

from civicai.errors import UserError

BWRAP_ENV = "CIVICAI_BWRAP"
# What of /etc a Python with NumPy, scikit-learn and matplotlib needs (no passwd, no hosts, no ssl).
ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "fonts", "localtime", "mime.types")
ROOT_CAPS = ("CAP_SETUID", "CAP_SETGID", "CAP_CHOWN", "CAP_FOWNER", "CAP_DAC_OVERRIDE")
HELP = ("Installez-le avec « sudo apt-get install bubblewrap » (ou « bash scripts/system-deps.sh test »), "
        "puis relancez la correction.")


def bwrap_path() -> str:
    """The bubblewrap binary (``CIVICAI_BWRAP`` or ``bwrap`` on PATH); a French error if there is none."""
    from civicai.settings import settings

    configured = settings().bwrap
    path = configured if configured else shutil.which("bwrap")
    if not path or not os.path.isfile(path) or not os.access(path, os.X_OK):
        where = f"« {configured} » (variable {BWRAP_ENV})" if configured else "dans le PATH"
        raise UserError(f"Correction refusée : l'outil d'isolement bubblewrap (« bwrap ») est introuvable {where}. "
                        "Sans lui, le code des élèves ne peut pas être enfermé. " + HELP)
    return path


def privileged() -> bool:
    return os.geteuid() == 0


KIT_DATA = ("modules", "datasets")  # the only folders of the kit's checkout a kernel sees


def kit_root_for_kernels() -> str | None:
    """The kit folder, as the kernel must be told it (``SandboxPolicy.kit_root``); None without a kit.

    Inside the sandbox the package cannot find the kit itself (it looks for ``modules/`` and ``hub/``, and
    ``hub/`` is not shown): without this, m3's corpus was not found and its correct copies scored 3/10."""
    from civicai.paths import KitNotFoundError, kit_root

    try:
        return str(kit_root())
    except KitNotFoundError:
        return None


def readonly_roots() -> list[str]:
    """Folders the kernel may read: Python, the virtualenv, the civicai package and the kit's public
    ``modules/`` and ``datasets/`` the package reads its data from (resolved, no nesting).
    Never the rest of the checkout: tests, exercises (hidden tests), state folder."""
    import civicai

    wanted = {os.path.realpath(p) for p in (sys.base_prefix, sys.prefix, sys.exec_prefix)}
    wanted.add(str(Path(os.path.realpath(sys.executable)).parents[1]))
    wanted.add(str(Path(civicai.__file__).resolve().parent))
    root = kit_root_for_kernels()
    if root:
        wanted |= {os.path.realpath(Path(root) / name) for name in KIT_DATA if (Path(root) / name).is_dir()}
    roots: list[str] = []
    for p in sorted(wanted, key=len):
        if not any(p == r or p.startswith(r + "/") for r in roots):
            roots.append(p)
    return roots


def bwrap_argv(workdir: str) -> list[str]:
    """The bubblewrap command (up to ``--``) that gives a kernel ``workdir`` and nothing else of the machine."""
    args = [bwrap_path(), "--die-with-parent", "--new-session", "--unshare-ipc", "--unshare-pid", "--unshare-net",
            "--unshare-uts", "--unshare-cgroup-try", "--hostname", "correction"]
    if privileged():
        args += ["--cap-drop", "ALL"]
        for cap in ROOT_CAPS:
            args += ["--cap-add", cap]
    else:
        args += ["--unshare-user"]
    for name in sorted(os.listdir("/")):  # /bin, /lib, /lib64... as the system has them
        top = "/" + name
        if name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32") and os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32", "usr") and os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for name in ETC_FILES:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    workdir = os.path.realpath(workdir)
    binds = [(p, "--ro-bind") for p in readonly_roots() if not p.startswith("/usr/")] + [(workdir, "--bind")]
    made: set[str] = {"/"}
    for path, _ in binds:  # parents made traversable (bubblewrap would copy a private parent's 0700)
        for parent in list(Path(path).parents)[::-1]:
            if str(parent) not in made and not str(parent).startswith("/usr"):
                args += ["--perms", "0755", "--dir", str(parent)]
                made.add(str(parent))
    for path, how in binds:
        args += [how, path, path]
    args += ["--proc", "/proc", "--dev", "/dev", "--chdir", workdir, "--remount-ro", "/"]
    return args


@lru_cache(maxsize=4)
def _probe(path: str, euid: int) -> str | None:
    """Run ``true`` in a sandbox like the kernels'; None when it works, else bubblewrap's complaint."""
    probe_dir = Path(os.environ.get("TMPDIR", "/tmp"))
    try:
        argv = bwrap_argv(str(probe_dir)) + ["--", sys.executable, "-c", "import civicai"]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    return None if done.returncode == 0 else (done.stderr.strip().splitlines() or ["code " + str(done.returncode)])[-1]


def require() -> None:
    """Raise a French UserError unless a kernel can be isolated here (checked once per process)."""
    path = bwrap_path()
    problem = _probe(path, os.geteuid())
    if problem:
        hint = "" if privileged() else (" En tant qu'utilisateur ordinaire, bubblewrap a besoin des espaces de noms "
                                         "utilisateur (user namespaces) : vérifiez que le noyau Linux les autorise "
                                         "(« sysctl user.max_user_namespaces » plus grand que 0).")
        raise UserError("Correction refusée : l'isolement des copies (bubblewrap) ne fonctionne pas sur cette "
                        f"machine ({problem}).{hint} Aucune copie n'a été exécutée sans protection.")
