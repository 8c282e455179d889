"""Start participants' servers by forking a process that has already imported them.

Importing Jupyter Server, JupyterLab, Voilà and nbgrader costs each new server about 1.5 s and most
of its memory. The fork server pays that once: every participant's server is a fork of it, answers
sooner, and shares the imported code's memory pages with its siblings (copy-on-write).

Protocol, one JSON line each way on stdin/stdout: ``{"module", "argv", "env", "cwd"}`` in, with
optionally ``account`` (uid, gid: the participant's Unix account), ``cgroups`` (files to join),
``limits`` and ``modules`` (folder merged into the home); ``{"pid": ...}`` or ``{"error": ...}``
out. The fork server reaps its children, so the spawner can watch them by pid like any server it
did not start itself.

Run as root, the fork server is the only part that switches accounts: the child joins the
participant's cgroups, sets its limits, drops to the participant's groups, gid and uid, then sets
the participant's environment (every per-user path, ``civicai.hub.userenv``) and merges the
modules as the participant, all before any Jupyter code computes a path. Nothing of the hub's
environment reaches the child.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import runpy
import signal
import sys
import traceback

from civicai import procs

# What a participant's server imports on start; a failure here only costs speed.
PRELOAD = (
    "jupyterhub.singleuser.extension",
    "jupyter_server.serverapp",
    "jupyterlab.labapp",
    "notebook.app",
    "voila.server_extension",
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.course_list",
    "nbgrader.server_extensions.validate_assignment",
    "jupyter_client.ioloop",
    "civicai.hub.sync",
    "civicai.hub.limits",
)


def skip_slow_imports() -> None:
    """jsonschema's optional IRI check compiles a grammar on import (about 2 s, 15 MB).

    Jupyter's event schemas never use IRI formats, so the check is not missed.
    """
    sys.modules.setdefault("rfc3987_syntax", None)


def become_participant(request: dict) -> None:
    """Join the cgroups, set the limits, then drop root for good (in the child, before anything else)."""
    from civicai.hub import limits

    limits.join(request.get("cgroups", []))
    account = request.get("account")
    if account:
        limits.apply_rlimits(limits.Limits(**request.get("limits", {})))
        os.setgroups([account["gid"]])
        os.setgid(account["gid"])
        os.setuid(account["uid"])  # real, effective and saved: no way back to root
        os.umask(0o077)


def _settle_in(request: dict) -> None:
    """As the participant: their environment, their folder, their modules."""
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])  # made by the hub
    if os.environ.get("TMPDIR"):
        os.makedirs(os.environ["TMPDIR"], 0o700, exist_ok=True)
    deliver_as_participant(request.get("modules"), request["cwd"])


def deliver_as_participant(modules: str | None, home: str) -> None:
    """The kit's modules, and the kernel's French message for the limits, merged into the home."""
    from civicai.hub.sync import sync_modules
    from civicai.paths import hub_dir

    if modules:
        r = sync_modules(modules, home)
        print(f"civicai: modules: {len(r.added)} added, {len(r.updated)} updated, "
              f"{len(r.kept)} kept (changed by the participant)", file=sys.stderr)
    startup = os.path.join(os.environ.get("IPYTHONDIR", os.path.join(home, ".ipython")), "profile_default", "startup")
    sync_modules(hub_dir() / "singleuser" / "ipython-startup", home, os.path.relpath(startup, home))


def _run_child(request: dict) -> None:
    """In the forked child: become the requested server, never return."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        # A hub started in the background by a shell has SIGINT ignored, and forks inherit it; the spawner stops a
        # server with SIGINT first, so the server must hear it, as a fresh Python does.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.setsid()  # like start_new_session=True: the hub's signals are not forwarded
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(2, 1)  # the requests pipe is not the child's business; logs go where the hub's go
        become_participant(request)
        _settle_in(request)
        sys.argv = [request["module"], *request["argv"]]
        runpy.run_module(request["module"], run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except BaseException:  # noqa: BLE001 (report anything, then leave)
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def serve(requests=sys.stdin, answers=sys.stdout) -> None:
    skip_slow_imports()
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception as error:  # noqa: BLE001
            print(f"civicai fork server: could not preload {name}: {error}", file=sys.stderr)
    signal.signal(signal.SIGCHLD, lambda *_: procs.reap())
    gc.collect()
    gc.freeze()  # keep the collector off the shared pages in the children
    for line in requests:
        try:
            request = json.loads(line)
            pid = os.fork()
        except Exception as error:  # noqa: BLE001
            answers.write(json.dumps({"error": str(error)}) + "\n")
        else:
            if pid == 0:
                _run_child(request)
            answers.write(json.dumps({"pid": pid}) + "\n")
        answers.flush()


if __name__ == "__main__":
    serve()
