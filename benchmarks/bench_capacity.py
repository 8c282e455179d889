"""Capacity benchmark: memory and CPU per participant with a module open, default vs forked kernels.

Two real `civicai servir` hubs on loopback, one after the other in the same run: the first with default
kernels (each a new Python: CIVICAI_NOYAUX_PARTAGES=0), the second with kernels forked from the warm
templates of civicai/kernels/. In each, N participants (default 10) get a server (spawn time measured),
open a module notebook and run it top to bottom in their own kernel, all at the same time. Then:

- memory per participant = growth of the summed PSS (proportional set size: shared pages split
  between the processes sharing them) of the hub's whole process tree, divided by N, split into
  the server part (measured before the kernels) and the kernel part; the templates are started and
  measured before (a fixed cost, printed apart); the drop in MemAvailable is printed too (noisier);
- RSS (resident set size: every page a process touches) of a kernel, and of a server started
  alone (a hub without the fork server), which is what a SLURM job or a pod is charged;
- CPU per participant = CPU seconds one kernel spent running the notebook (a forked kernel's count
  starts at the fork: the imports were paid once by its template); time until the last run ends;
- kernel start = from the request that opens the notebook to the kernel's first answer.

Each hub is left to come to rest before its first spawn. A participant's dropped websocket is opened
again under the same session (the server replays what it kept); a run that cannot finish stops the
benchmark with an error naming the participant and the phase (RunFailed).

Each figure is printed for both, with the ratio forked / default. From the forked figures,
civicai.cluster.capacity gives participants per node (formula in hub/README.md).
Run: `nice .venv/bin/python benchmarks/bench_capacity.py --users 10` (as root, like the hub).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))
from hubtools import RunningHub  # noqa: E402

from civicai.cluster import capacity  # noqa: E402

DEFAULT_NOTEBOOK = "01-comment-une-ia-apprend/02-un-reseau-de-neurones.ipynb"
TEMPLATE = "civicai.kernels.template"
START_TIMEOUT_S = 600  # a 2-core machine shared with other work can take minutes to start a hub


def _tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _pss(procs) -> int:
    total = 0
    for proc in procs:
        try:
            total += proc.memory_full_info().pss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


def _cmd(proc: psutil.Process) -> str:
    try:
        return " ".join(proc.cmdline())
    except psutil.Error:
        return ""


def _kernels(hub_pid: int) -> list[psutil.Process]:
    """Plain kernels (``ipykernel_launcher``) and kernels forked from a template (children of a template)."""
    out = []
    for proc in _tree(hub_pid):
        cmd = _cmd(proc)
        if "ipykernel_launcher" in cmd:
            out.append(proc)
        elif TEMPLATE in cmd:
            try:
                if TEMPLATE in _cmd(proc.parent()):
                    out.append(proc)
            except psutil.Error:
                pass
    return out


def _servers(hub_pid: int) -> list[psutil.Process]:
    """Participants' servers: the fork server's children."""
    return [p for f in _tree(hub_pid) if "civicai.hub.forkserver" in _cmd(f) for p in f.children()]


def _templates_ready(hub: RunningHub, timeout: float = 300) -> float:
    """Wait until both kernel templates listen; their summed PSS (bytes), the fixed cost of sharing."""
    end = time.monotonic() + timeout
    while not all((hub.state_dir / "noyaux" / f"{f}.sock").exists() for f in ("light", "heavy")):
        if time.monotonic() > end:
            raise RuntimeError("the kernel templates did not start")
        time.sleep(0.5)
    return _pss([p for p in _tree(hub.proc.pid) if TEMPLATE in _cmd(p) or "civicai.kernels.daemon" in _cmd(p)])


RECONNECTS = 3  # a dropped websocket is opened again this many times per run (JupyterLab does the same)
# What the hub's log says when a participant's connection or kernel goes away (printed with the error)
WHY = ("ping timeout", "Replacing stale connection", "Restoring connection", "Kernel restarted", "died",
       "Killed", "MemoryError", "oom", "exit code", "Request Timeout")


class RunFailed(RuntimeError):
    """One participant's run could not finish; the message names the participant and the phase."""


def _channels(hub: RunningHub, name: str, token: str, kernel_id: str, session: str, timeout: float):
    """The kernel's websocket, under a fixed session id: the Jupyter server keeps what the kernel sends
    while it is closed, and replays it when the same session connects again."""
    import websocket

    return websocket.create_connection(
        f"ws://127.0.0.1:{hub.port}/user/{name}/api/kernels/{kernel_id}/channels?session_id={session}",
        header=[f"Authorization: token {token}"], timeout=timeout)


def _why(hub: RunningHub, name: str) -> str:
    lines = [line for line in hub.log().splitlines() if any(w in line for w in WHY)]
    return "\n".join(lines[-8:]) or "(nothing about it in the hub's log)"


def _quiet(hub: RunningHub, timeout: float = 180) -> float:
    """Wait until the hub's processes have finished starting (the fork server's imports, the services,
    the templates): under a fifth of a core over 2 s. Both phases spawn from a hub at rest, so their
    spawn times compare (the first run's 4.2 vs 2.3 s came from spawning into a hub still importing)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        procs = _tree(hub.proc.pid)
        before = sum(_cpu(p) for p in procs)
        time.sleep(2)
        if sum(_cpu(p) for p in procs) - before < 0.4:
            break
    return time.monotonic() - t0


def _cpu(proc: psutil.Process) -> float:
    try:
        return sum(proc.cpu_times()[:2])
    except psutil.Error:
        return 0.0


def run_notebook_remotely(hub: RunningHub, name: str, token: str, rel: str, timeout: float = 900,
                          phase: str = "") -> dict:
    """Open ``rel`` in the participant's server (a session) and run its code cells in that kernel.

    A websocket the server or the proxy drops (a 2-core machine busy with ten kernels can miss the
    server's pings) is opened again under the same session, at most RECONNECTS times; a kernel that
    restarts (killed, e.g. by its memory limit) ends the run. Either raises RunFailed naming who and when.
    """
    import websocket

    headers = {"Authorization": f"token {token}"}
    base = f"{hub.url}/user/{name}"
    started = time.perf_counter()
    r = requests.post(f"{base}/api/sessions", headers=headers, timeout=60,
                      json={"path": rel, "type": "notebook", "name": Path(rel).name, "kernel": {"name": "python3"}})
    r.raise_for_status()
    kernel_id, session = r.json()["kernel"]["id"], uuid.uuid4().hex
    ws = _channels(hub, name, token, kernel_id, session, timeout)
    cells = [c.source for c in nbformat.read(hub.state_dir / "homes" / name / rel, as_version=4).cells
             if c.cell_type == "code"]
    ran, error, reconnects, kernel_start = 0, None, [], float("nan")
    where = f"{name} ({phase or 'run'})"
    try:
        # first the kernel's answer to kernel_info (JupyterLab's first question): when the kernel is ready
        requests_ = [("kernel_info_request", {})] + [("execute_request", {
            "code": source, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False,
            "stop_on_error": True}) for source in cells]
        t0 = time.perf_counter()
        for index, (kind, request) in enumerate(requests_):
            msg_id = uuid.uuid4().hex
            ws.send(json.dumps({
                "header": {"msg_id": msg_id, "msg_type": kind, "username": name, "session": session,
                           "version": "5.3", "date": ""},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [], "content": request}))
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                try:
                    raw = ws.recv()
                    if not raw:
                        raise websocket.WebSocketConnectionClosedException("closed by the server")
                except (websocket.WebSocketConnectionClosedException, ConnectionError) as lost:
                    reconnects.append(f"cell {index}: {lost}")
                    if len(reconnects) > RECONNECTS:
                        raise RunFailed(
                            f"{where}: la connexion au noyau a été perdue {len(reconnects)} fois "
                            f"(connection to the kernel lost at cell {index}/{len(cells)}: {lost}).\n"
                            f"{_why(hub, name)}") from lost
                    ws.close()
                    time.sleep(1)
                    try:
                        ws = _channels(hub, name, token, kernel_id, session, timeout)
                    except (websocket.WebSocketException, OSError) as again:  # the server itself is gone?
                        raise RunFailed(f"{where}: impossible de rouvrir la connexion au noyau "
                                        f"(cannot reconnect: {again}).\n{_why(hub, name)}") from again
                    continue
                msg = json.loads(raw)
                content = msg.get("content", {})
                if msg["msg_type"] == "status" and content.get("execution_state") in ("restarting", "dead"):
                    raise RunFailed(f"{where}: le noyau s'est arrêté à la cellule {index}/{len(cells)} "
                                    f"(the kernel died: {content['execution_state']}).\n{_why(hub, name)}")
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "error":
                    error = f"{content['ename']}: {content['evalue']}"
                if msg["msg_type"] == "kernel_info_reply":
                    kernel_start, t0 = time.perf_counter() - started, time.perf_counter()
                    break
                if msg["msg_type"] == "execute_reply":
                    break
            else:
                error = f"{kind} timed out after {timeout} s"
            if error:
                break
            ran += kind == "execute_request"
    finally:
        ws.close()
    return {"cells": len(cells), "ran": ran, "error": error, "seconds": time.perf_counter() - t0,
            "kernel_id": kernel_id, "reconnects": reconnects, "kernel_start_s": kernel_start}


class StandaloneHub(RunningHub):
    """`civicai servir` without its fork server: each server a process of its own, as in a SLURM job or a pod."""

    def command(self) -> list[str]:
        return super().command() + ["--", "--KitSpawner.use_fork_server=False"]


def standalone_server_rss(tmp: Path, settle: float) -> float:
    """RSS (bytes) of one participant's server started alone, the way cluster jobs and pods start it."""
    hub = StandaloneHub(tmp / "standalone", extra_env={"CIVICAI_NOYAUX_PARTAGES": "0"})
    hub.start(timeout=START_TIMEOUT_S)
    try:
        hub.create_users("cap-alone")
        hub.spawn("cap-alone", timeout=START_TIMEOUT_S)
        time.sleep(settle)
        servers = [p for p in _tree(hub.proc.pid) if "jupyterhub.singleuser" in " ".join(p.cmdline())]
        rss = max(p.memory_info().rss for p in servers)
        hub.stop_server("cap-alone")
    finally:
        hub.stop()
    return rss


def measure(users: int, notebook: str, settle: float, *, shared: bool = True, alone: bool = True) -> dict:
    """One hub, ``users`` participants running ``notebook`` at once; kernels forked (``shared``) or plain."""
    with tempfile.TemporaryDirectory(prefix="civicai-bench-capacity-") as tmp:
        hub = RunningHub(Path(tmp) / "var", extra_env={"CIVICAI_NOYAUX_PARTAGES": "1" if shared else "0"})
        hub.start(timeout=START_TIMEOUT_S)
        try:
            templates_pss = _templates_ready(hub) if shared else 0
            quiet_s = _quiet(hub)
            names = [f"cap-{i:02d}" for i in range(users)]
            hub.create_users(*names)
            time.sleep(settle)
            hub_tree_before = _pss(_tree(hub.proc.pid))
            available_before = psutil.virtual_memory().available
            spawns = [hub.spawn(name, timeout=START_TIMEOUT_S) for name in names]
            time.sleep(settle)
            after_spawn = _pss(_tree(hub.proc.pid))
            # everyone runs the notebook at the same time, as when a facilitator says "run all"
            tokens = {name: hub.user_token(name) for name in names}
            t0 = time.perf_counter()
            with ThreadPoolExecutor(len(names)) as pool:
                phase = "noyaux partagés / forked kernels" if shared else "noyaux par défaut / default kernels"
                runs = list(pool.map(lambda n: run_notebook_remotely(hub, n, tokens[n], f"modules/{notebook}",
                                                                     phase=phase), names))
            all_runs = time.perf_counter() - t0
            time.sleep(settle)
            tree = _tree(hub.proc.pid)
            after_kernels = _pss(tree)
            kernels = _kernels(hub.proc.pid)
            kernel_pss = [_pss([k]) for k in kernels]
            kernel_rss = [k.memory_info().rss for k in kernels]
            kernel_cpu = [sum(k.cpu_times()[:2]) for k in kernels]
            forked_rss = [p.memory_info().rss for p in _servers(hub.proc.pid)]
            available_after = psutil.virtual_memory().available
            for name in names:
                hub.stop_server(name)
        finally:
            hub.stop()
        server_rss = standalone_server_rss(Path(tmp), settle) if alone else float("nan")
    mb = 1024 * 1024
    return {
        "users": users, "notebook": notebook,
        "notebook_cells_ran": [f"{r['ran']}/{r['cells']}" for r in runs],
        "notebook_errors": [r["error"] for r in runs if r["error"]],
        "reconnects": {name: r["reconnects"] for name, r in zip(names, runs) if r["reconnects"]},
        "notebook_seconds_median": statistics.median(r["seconds"] for r in runs), "all_runs_s": all_runs,
        "shared": shared, "kernels_found": len(kernels), "templates_pss_mb": templates_pss / mb,
        "hub_settled_s": quiet_s,
        "spawn_median_s": statistics.median(spawns), "spawn_max_s": max(spawns),
        "kernel_start_median_s": statistics.median(r["kernel_start_s"] for r in runs),
        "server_pss_mb": (after_spawn - hub_tree_before) / users / mb,
        "kernel_pss_mb": statistics.mean(kernel_pss) / mb if kernel_pss else float("nan"),
        "kernel_rss_mb": statistics.mean(kernel_rss) / mb if kernel_rss else float("nan"),
        "server_rss_mb": server_rss / mb,
        "forked_server_rss_mb": statistics.mean(forked_rss) / mb if forked_rss else float("nan"),
        "per_user_pss_mb": (after_kernels - hub_tree_before) / users / mb,
        "available_drop_per_user_mb": (available_before - available_after) / users / mb,
        "kernel_cpu_s": statistics.mean(kernel_cpu) if kernel_cpu else float("nan"),
        "cores": psutil.cpu_count(), "node_ram_gib": psutil.virtual_memory().total / 1024**3,
    }


ROWS = (("spawn_median_s", "spawn-to-ready, median (s)"), ("spawn_max_s", "spawn-to-ready, max (s)"),
        ("kernel_start_median_s", "kernel start to first answer, median (s)"),
        ("notebook_seconds_median", "notebook run, all at once, median (s)"),
        ("all_runs_s", "time until the last run ends (s)"),
        ("server_pss_mb", "server alone, PSS per participant (MB)"),
        ("forked_server_rss_mb", "server (forked), RSS (MB)"),
        ("server_rss_mb", "server started alone (as on a cluster), RSS (MB)"),
        ("kernel_pss_mb", "kernel after the notebook, PSS (MB)"),
        ("kernel_rss_mb", "kernel after the notebook, RSS (MB)"),
        ("per_user_pss_mb", "server + kernel, PSS per participant (MB)"),
        ("available_drop_per_user_mb", "MemAvailable drop per participant (MB)"),
        ("kernel_cpu_s", "CPU seconds per notebook run"),
        ("templates_pss_mb", "kernel templates, fixed PSS (MB)"))


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark; ``argv`` defaults to no options (benchmarks/run.py calls ``main()``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10, help="participants (default 10)")
    parser.add_argument("--notebook", default=DEFAULT_NOTEBOOK, help=f"module notebook (default {DEFAULT_NOTEBOOK})")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds of rest before memory readings")
    parser.add_argument("--json", metavar="FILE", help="also write the results to FILE")
    parser.add_argument("--skip-alone", action="store_true", help="no third hub for a server started alone")
    args = parser.parse_args(argv if argv is not None else [])
    load = os.getloadavg()
    plain = measure(args.users, args.notebook, args.settle, shared=False, alone=False)
    m = measure(args.users, args.notebook, args.settle, shared=True, alone=not args.skip_alone)
    m["baseline"], m["load_before"], m["load_after"] = plain, load, os.getloadavg()
    print(f"\nCapacity benchmark: {m['users']} participants, each running modules/{m['notebook']} at once")
    print(f"  load average before / after: {load[0]:.1f} / {m['load_after'][0]:.1f} on {m['cores']} cores")
    for run, label in ((plain, "default kernels"), (m, "forked kernels")):
        print(f"  {label}: cells run {', '.join(run['notebook_cells_ran'])}; {run['kernels_found']} kernels found"
              + (f"  ERRORS: {run['notebook_errors']}" if run["notebook_errors"] else "")
              + (f"  websockets opened again: {run['reconnects']}" if run["reconnects"] else ""))
    print(f"  {'':45s}{'default':>9s}{'forked':>9s}{'ratio':>8s}")
    for key, label in ROWS:
        a, b = plain.get(key, float("nan")), m[key]
        print(f"  {label:45s}{a:9.1f}{b:9.1f}{(b / a if a else float('nan')):8.2f}")
    measured = capacity.Measured(
        server_pss_mb=round(m["server_pss_mb"], 1), kernel_pss_mb=round(m["per_user_pss_mb"] - m["server_pss_mb"], 1),
        # clusters start kernels plainly (no template shared across jobs or pods): their RSS and CPU are the default's
        server_rss_mb=round(capacity.MEASURED.server_rss_mb if args.skip_alone else m["server_rss_mb"], 1),
        kernel_rss_mb=round(plain["kernel_rss_mb"], 1), kernel_cpu_s=round(plain["kernel_cpu_s"], 1),
        spawn_s=round(m["spawn_median_s"], 1))
    print(f"\n{measured!r}\n  -> k8s request {capacity.request_mb(measured)} MB, limit / SLURM --mem "
          f"{capacity.limit_mb(measured)} MB (one kernel); {capacity.limit_mb(measured, kernels=2)} MB (two)\n")
    print(capacity.format_plan(capacity.plan(measured)))
    m["plan"] = [row._asdict() for row in capacity.plan(measured)]
    if args.json:
        Path(args.json).write_text(json.dumps(m, indent=1))
    return m


if __name__ == "__main__":
    main(sys.argv[1:])
