"""The hub on a real single-node SLURM cluster: does a participant's server run as a SLURM job?"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from civicai.cluster import capacity
from testkit import REPO, wait_http
from hubtools import RunningHub
from slurmcluster import SlurmCluster, why_slurm_cannot_start

pytestmark = [pytest.mark.hub, pytest.mark.slow]
SLURM_CONFIG = REPO / "deploy" / "slurm" / "jupyterhub_config.py"


class SlurmHub(RunningHub):
    """The same test driver as the one-machine hub, started with deploy/slurm/jupyterhub_config.py."""

    def start(self, timeout: float = 90) -> "SlurmHub":
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.env.update(CIVICAI_STATE_DIR=str(self.state_dir), CIVICAI_PORT=str(self.port),
                        CIVICAI_FORMATEURS=self.formateurs)
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(SLURM_CONFIG)], env=self.env, stdout=log,
            stderr=subprocess.STDOUT, cwd=self.state_dir, start_new_session=True)
        wait_http(f"{self.url}/hub/api", timeout=timeout, proc=self.proc, ok=lambda s: s == 200)
        self.token = json.loads((self.state_dir / "secrets.json").read_text())["api_token"]
        return self


@pytest.fixture(scope="module")
def slurm(tmp_path_factory):
    reason = why_slurm_cannot_start()
    if reason:
        pytest.skip(reason)
    cluster = SlurmCluster(tmp_path_factory.mktemp("slurm"))
    try:
        cluster.start()
    except Exception:
        print(cluster.logs())
        cluster.stop()
        raise
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def hub(slurm, tmp_path_factory):
    state = tmp_path_factory.mktemp("slurmhub") / "var"
    # The test cluster runs jobs as root (a service account in production, see hub/README.md).
    h = SlurmHub(state, extra_env={"SLURM_CONF": str(slurm.conf), "CIVICAI_SLURM_RUN_AS": "root",
                                   "CIVICAI_SLURM_HOMES": str(state / "homes")})
    try:
        h.start()
    except Exception:
        print(h.log()[-8000:])
        h.stop()
        raise
    yield h
    h.stop()


def _dump(hub, slurm) -> str:
    homes = hub.state_dir / "homes"
    job_logs = "\n".join(f"--- {p} ---\n{p.read_text()[-3000:]}" for p in homes.glob("*/.civicai-slurm-*.log"))
    return f"\n=== hub log ===\n{hub.log()[-6000:]}\n=== job logs ===\n{job_logs}\n=== slurm ===\n{slurm.logs()}"


def test_a_server_runs_as_a_slurm_job_reachable_through_the_hub_and_stops_with_it(hub, slurm):
    """Spawn with the "atelier" profile: a job in squeue, HTTP 200 through the hub, no job after stop."""
    hub.create_users("alice")
    t0 = time.perf_counter()
    r = hub.api("POST", "/users/alice/server", json={"profile": "atelier"})
    assert r.status_code in (201, 202), r.text + _dump(hub, slurm)

    # the job shows up in squeue, with the profile's resources
    deadline = time.monotonic() + 60
    jobs = []
    while time.monotonic() < deadline and not jobs:
        jobs = [j for j in slurm.jobs() if j["name"] == "civicai-alice"]
        time.sleep(0.2)
    assert jobs, "no SLURM job for alice" + _dump(hub, slurm)
    job = jobs[0]
    assert slurm.megabytes(job["memory"]) == capacity.limit_mb(kernels=1) and job["cpus"] == "1", job

    # the hub sees the server ready and proxies to it
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        server = hub.api("GET", "/users/alice").json()["servers"].get("", {})
        if server.get("ready"):
            break
        assert server or time.monotonic() - t0 < 5, "the spawn failed" + _dump(hub, slurm)
        time.sleep(0.2)
    else:
        pytest.fail("alice's server never became ready" + _dump(hub, slurm))
    spawn_seconds = time.perf_counter() - t0
    assert [j["state"] for j in slurm.jobs() if j["id"] == job["id"]] == ["RUNNING"]

    # the server process really runs inside the job (under slurmstepd), not under the hub
    server = _server_process("alice")
    assert server is not None, "no jupyterhub-singleuser process for alice" + _ps()
    ancestors = server.parents()
    assert any(p.name() == "slurmstepd" for p in ancestors), [p.name() for p in ancestors]
    assert hub.proc.pid not in {p.pid for p in ancestors}
    print(f"SLURM job's server RSS: {server.memory_info().rss / 2**20:.0f} MB (started alone, not forked)")

    token = hub.user_token("alice")
    api = hub.user_get("alice", "api", token)
    assert api.status_code == 200, api.text + _dump(hub, slurm)
    assert "version" in api.json()
    # the modules were merged into the home by the job itself (prologue of the batch script)
    contents = hub.user_get("alice", "api/contents/modules", token)
    assert contents.status_code == 200, contents.text
    home_modules = hub.state_dir / "homes" / "alice" / "modules"
    expected = {p.relative_to(REPO / "modules") for p in (REPO / "modules").rglob("*")
                if p.is_file() and not {".ipynb_checkpoints", "__pycache__"} & set(p.parts)}
    assert expected <= {p.relative_to(home_modules) for p in home_modules.rglob("*") if p.is_file()}
    print(f"SLURM spawn to ready: {spawn_seconds:.1f} s (job {job['id']})")

    # the job's server runs its own kernel template, in a private folder, and kernels fork from it
    daemon = next(p for p in server.children() if "civicai.kernels.daemon" in p.cmdline())
    assert "--private" in daemon.cmdline(), daemon.cmdline()
    sock = Path(daemon.cmdline()[-2]) / "heavy.sock"
    deadline = time.monotonic() + 180
    while not sock.exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert sock.exists(), "the job's template never got ready" + _dump(hub, slurm)
    [template] = daemon.children()
    ran = hub.run_code("alice", token, "import os; print(os.getppid())", timeout=120)
    assert ran["stdout"].strip() == str(template.pid), ran

    # stopping the server ends the job
    r = hub.api("DELETE", "/users/alice/server")
    assert r.status_code in (202, 204), r.text
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not [j for j in slurm.jobs() if j["id"] == job["id"]] and not hub.api(
                "GET", "/users/alice").json()["servers"]:
            break
        time.sleep(0.5)
    else:
        pytest.fail(f"job {job['id']} still in squeue after the stop: {slurm.jobs()}" + _dump(hub, slurm))


def test_a_running_job_survives_a_hub_restart(hub, slurm):
    """Restart the hub while bruno's job runs: the job stays, the new hub still reaches the server."""
    hub.create_users("bruno")
    r = hub.api("POST", "/users/bruno/server", json={"profile": "classe"})
    assert r.status_code in (201, 202), r.text
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and not hub.api("GET", "/users/bruno").json()["servers"].get("", {}).get(
            "ready"):
        time.sleep(0.5)
    jobs = [j for j in slurm.jobs() if j["name"] == "civicai-bruno"]
    assert len(jobs) == 1 and jobs[0]["state"] == "RUNNING", f"{jobs}" + _dump(hub, slurm)
    assert slurm.megabytes(jobs[0]["memory"]) == capacity.limit_mb(kernels=2)  # the "classe" profile

    hub.restart()
    assert [j["id"] for j in slurm.jobs() if j["name"] == "civicai-bruno"] == [jobs[0]["id"]]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        server = hub.api("GET", "/users/bruno").json()["servers"].get("", {})
        if server.get("ready"):
            break
        time.sleep(0.5)
    assert server.get("ready"), "the restarted hub lost bruno's server" + _dump(hub, slurm)
    api = hub.user_get("bruno", "api", hub.user_token("bruno"))
    assert api.status_code == 200, api.text + _dump(hub, slurm)
    hub.stop_server("bruno")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and [j for j in slurm.jobs() if j["id"] == jobs[0]["id"]]:
        time.sleep(0.5)
    assert not [j for j in slurm.jobs() if j["id"] == jobs[0]["id"]]


def _server_process(name: str):
    """The participant's Jupyter server: batchspawner-singleuser runs jupyterhub-singleuser in-process."""
    import psutil

    for proc in psutil.process_iter(["cmdline", "name"]):
        try:
            argv = proc.info["cmdline"] or [""]
            if Path(argv[0]).name.startswith("python") and "jupyterhub-singleuser" in " ".join(argv) \
                    and proc.environ().get("JUPYTERHUB_USER") == name:
                return proc
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return None


def test_the_spawn_page_offers_the_three_profiles_in_french(hub):
    """The options form lists atelier, classe and calcul, with a French label."""
    import requests

    s = requests.Session()
    r = s.get(f"{hub.url}/hub/login", timeout=30)
    xsrf = s.cookies.get("_xsrf")
    r = s.post(f"{hub.url}/hub/login", data={"username": "bruno", "password": "atelier-test-2026",
                                             "_xsrf": xsrf}, timeout=30, allow_redirects=False)
    assert r.status_code == 302, r.text
    page = s.get(f"{hub.url}/hub/spawn", timeout=30)
    assert page.status_code == 200
    for key in ("atelier", "classe", "calcul"):
        assert f'value="{key}"' in page.text
    assert "Choisissez les ressources de votre session" in page.text


def _ps() -> str:
    import psutil

    lines = []
    for proc in psutil.process_iter(["pid", "name", "cmdline"]):
        cmd = " ".join(proc.info["cmdline"] or [])
        if "singleuser" in cmd:
            try:
                user = proc.environ().get("JUPYTERHUB_USER")
            except (psutil.NoSuchProcess, psutil.AccessDenied) as e:
                user = repr(e)
            lines.append(f"{proc.info['pid']} {proc.info['name']} user={user} {cmd[:150]}")
    return "\n" + "\n".join(lines)
