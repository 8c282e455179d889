"""Hub benchmark: our `civicai servir` against a default JupyterHub config, measured in the same run.

Three hubs: the default JupyterHub; ours as the README runs it (as root: one Unix account,
cgroup and limits per participant); ours in the single-trust demonstration mode (every server
under the hub's account), which shows what the accounts cost. All use the same spawner class family (local processes, a home per user under a temp dir),
the same installed extensions (JupyterLab, nbgrader, Voilà) and the same Python. The baseline has
no tuning: plain `jupyterhub`, SimpleLocalProcessSpawner, JupyterHub's own readiness wait.

Figures per hub: hub start (launch to /hub/api answering 200), spawn-to-ready (REST POST to
`ready`, polled every 50 ms, median of N users), memory per idle user. Memory is the summed PSS
(proportional set size: shared pages split between the processes sharing them) of every user
server plus, for ours, the fork server they share, divided by N; this is what the users really
cost and does not move when other programs on the machine do. The drop in MemAvailable is printed
too, but it is noisy on a busy machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from hubtools import RunningHub  # noqa: E402

BASELINE_TOKEN = "benchmark-baseline-token-0123456789abcdef"


class BaselineHub(RunningHub):
    """JupyterHub as it comes: only what is needed to run it here and drive it by API."""

    def command(self) -> list[str]:
        config = self.state_dir / "jupyterhub_config.py"
        config.write_text(textwrap.dedent(f"""
            import os, sys
            c = get_config()
            c.JupyterHub.authenticator_class = "dummy"
            c.Authenticator.allow_all = True
            c.JupyterHub.spawner_class = "simple"
            c.SimpleLocalProcessSpawner.home_dir_template = {str(self.state_dir / 'homes' / '{username}')!r}
            c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
            if os.geteuid() == 0:
                c.Spawner.args = ["--allow-root"]
            c.JupyterHub.port = {self.port}
            c.JupyterHub.hub_port = int(os.environ["CIVICAI_HUB_PORT"])
            c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:" + os.environ["CIVICAI_PROXY_API_PORT"]
            c.ConfigurableHTTPProxy.command = [{str(Path('node_modules/.bin/configurable-http-proxy').resolve())!r}]
            c.JupyterHub.db_url = "sqlite:///{self.state_dir / 'jupyterhub.sqlite'}"
            c.JupyterHub.cookie_secret_file = {str(self.state_dir / 'cookie_secret')!r}
            c.ConfigurableHTTPProxy.pid_file = {str(self.state_dir / 'proxy.pid')!r}  # not in the checkout
            c.JupyterHub.services = [{{"name": "bench", "api_token": {BASELINE_TOKEN!r}}}]
            c.JupyterHub.load_roles = [{{"name": "bench", "services": ["bench"],
                                        "scopes": ["admin:users", "admin:servers", "tokens"]}}]
        """))
        return [sys.executable, "-m", "jupyterhub", "-f", str(config)]

    def api_token(self) -> str:
        return BASELINE_TOKEN


def _pss(pid: int) -> int:
    """PSS of a process and all its descendants, in bytes."""
    total = 0
    try:
        root = psutil.Process(pid)
        for proc in [root, *root.children(recursive=True)]:
            total += proc.memory_full_info().pss
    except psutil.NoSuchProcess:
        pass
    return total


def _fork_server_pss(hub: RunningHub) -> int:
    for proc in psutil.Process(hub.proc.pid).children(recursive=True):
        if "civicai.hub.forkserver" in " ".join(proc.cmdline()):
            return proc.memory_full_info().pss
    return 0


def measure(hub: RunningHub, users: int, settle: float) -> dict:
    t0 = time.perf_counter()
    hub.start()
    try:
        start_s = time.perf_counter() - t0
        names = [f"bench-{i:02d}" for i in range(users)]
        hub.create_users(*names)
        time.sleep(settle)  # let the hub (and our fork server's preload) come to rest
        tree_before, fixed = _pss(hub.proc.pid), _fork_server_pss(hub)
        available_before = psutil.virtual_memory().available
        spawns = [hub.spawn(name) for name in names]
        time.sleep(settle)
        available_after = psutil.virtual_memory().available
        tree_after = _pss(hub.proc.pid)
        for name in names:
            hub.stop_server(name)
    finally:
        hub.stop()  # a failed spawn must not leave a hub behind
    return {"start_s": start_s, "spawn_median_s": statistics.median(spawns), "spawn_max_s": max(spawns),
            "pss_per_user_mb": (tree_after - tree_before) / users / 1e6, "fixed_mb": fixed / 1e6,
            "available_drop_per_user_mb": (available_before - available_after) / users / 1e6}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10, help="servers spawned per hub (default 10)")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds of rest before memory readings")
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory(prefix="civicai-bench-hub-") as tmp:
        os.chmod(tmp, 0o711)  # participants' accounts pass through to their homes
        # without root our hub refuses participants unless in demonstration mode: then both columns are that mode
        ours_args = () if os.geteuid() == 0 else ("--mode-demonstration",)
        hubs = (("default JupyterHub", BaselineHub, ()), ("civicai servir", RunningHub, ours_args),
                ("civicai servir, demonstration", RunningHub, ("--mode-demonstration",)))
        for label, cls, extra in hubs:
            folder = Path(tmp) / label.replace(" ", "-").replace(",", "")
            try:
                results[label] = measure(cls(folder, args=extra), args.users, args.settle)
            except (TimeoutError, RuntimeError) as error:  # e.g. a baseline spawn over its 60 s limit
                print(f"{label}: FAILED, no figures ({str(error).splitlines()[0]})")
                results[label] = dict.fromkeys(("start_s", "spawn_median_s", "spawn_max_s", "pss_per_user_mb",
                                                "available_drop_per_user_mb", "fixed_mb"), float("nan"))
    base, ours, demo = (results[label] for label, _, _ in hubs)
    accounts = "one account per participant" if os.geteuid() == 0 else "NOT root: refused, see demonstration"
    print(f"\nHub benchmark, {args.users} idle users per hub (lower is better); ours: {accounts}")
    print(f"{'':28s}{'default':>10s}{'ours':>10s}{'ours/default':>14s}{'demo':>10s}{'ours/demo':>11s}")
    for key, label in (("start_s", "hub start (s)"), ("spawn_median_s", "spawn-to-ready median (s)"),
                       ("spawn_max_s", "spawn-to-ready max (s)"), ("pss_per_user_mb", "memory per user, PSS (MB)"),
                       ("available_drop_per_user_mb", "MemAvailable drop/user (MB)")):
        ratio = ours[key] / base[key] if base[key] else float("nan")
        print(f"{label:28s}{base[key]:10.2f}{ours[key]:10.2f}{ratio:14.2f}{demo[key]:10.2f}"
              f"{ours[key] / demo[key] if demo[key] else float('nan'):11.2f}")
    print(f"fixed cost of our fork server, paid once: {ours['fixed_mb']:.0f} MB (PSS before the first user)")
    return results


if __name__ == "__main__":
    main()
