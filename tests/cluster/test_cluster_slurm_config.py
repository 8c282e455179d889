"""The SLURM configuration on a plain Config, and the job script it submits (no cluster needed)."""

from __future__ import annotations

import asyncio
import getpass
import subprocess
import sys
from types import SimpleNamespace

import pytest
from traitlets.config import Config

from civicai.cluster import capacity, slurm
from civicai.cluster.slurm import KitSlurmSpawner, configure_slurm


@pytest.fixture
def config(tmp_path):
    def make(**env):
        c = Config()
        configure_slurm(c, state_dir=tmp_path / "var", env=env)
        return c
    return make


def test_profiles_are_slurm_jobs_and_the_default_is_the_first_profile(config):
    """Three profiles, all KitSlurmSpawner; a request without a profile gets "atelier", not a local process."""
    c = config(CIVICAI_SLURM_PARTITION="interactive", CIVICAI_SLURM_ACCOUNT="civic")
    assert c.JupyterHub.spawner_class == "wrapspawner.ProfilesSpawner"
    keys = [p[1] for p in c.ProfilesSpawner.profiles]
    assert keys == ["atelier", "classe", "calcul"]
    assert all(p[2] is KitSlurmSpawner for p in c.ProfilesSpawner.profiles)
    assert all(p[3]["req_partition"] == "interactive" and p[3]["req_account"] == "civic"
               for p in c.ProfilesSpawner.profiles)
    memories = [int(p[3]["req_memory"].rstrip("M")) for p in c.ProfilesSpawner.profiles]
    # from the measured per-user figures: one kernel, two kernels, then the big profile
    assert memories == [capacity.limit_mb(kernels=1), capacity.limit_mb(kernels=2), slurm.CALCUL_MB]
    # a second kernel forked from the job's own template adds little: the two profiles may ask the same --mem
    assert memories[0] <= memories[1] < memories[2]
    assert "Go" in c.ProfilesSpawner.profiles[0][0] and "cœur" in c.ProfilesSpawner.profiles[0][0]
    assert c.ProfilesSpawner.child_class is KitSlurmSpawner
    assert c.ProfilesSpawner.child_config == c.ProfilesSpawner.profiles[0][3]


def test_timeouts_leave_room_for_a_queue_and_jobs_survive_a_hub_restart(config):
    c = config()
    assert c.Spawner.start_timeout >= 300 and c.Spawner.http_timeout >= 60
    assert c.JupyterHub.cleanup_servers is False


def test_idle_kernels_and_servers_end_so_the_job_ends(config):
    c = config()
    args = dict(a.lstrip("-").split("=", 1) for a in c.Spawner.args)
    assert int(args["MappingKernelManager.cull_idle_timeout"]) > 0
    assert int(args["ServerApp.shutdown_no_activity_timeout"]) > 0


def test_the_shared_settings_are_kept(config):
    """Workshop-code login, French pages, modules: from apply_common, as on one machine."""
    c = config()
    assert c.JupyterHub.authenticator_class == "shared-password"
    assert c.Spawner.environment["LANG"].startswith("fr_FR")
    assert c.Spawner.default_url == "/lab/tree/modules"
    assert "SLURM_CONF" in c.Spawner.env_keep
    assert c.Spawner.cmd[0].endswith("jupyterhub-singleuser")


def test_service_account_homes_and_no_sudo_when_the_hub_is_that_account(config, tmp_path):
    me = getpass.getuser()
    c = config(CIVICAI_SLURM_RUN_AS=me, CIVICAI_SLURM_HOMES=str(tmp_path / "homes"))
    sp = _spawner(c, "alice")
    assert sp.req_homedir == str(tmp_path / "homes" / "alice")
    assert sp.req_username == me
    assert sp.exec_prefix == ""
    other = _spawner(config(CIVICAI_SLURM_RUN_AS="civicai-service-xyz"), "alice")
    assert other.exec_prefix == "sudo -E -u {username}" and other.req_username == "civicai-service-xyz"


def test_every_per_user_path_is_in_the_participants_home(config, tmp_path):
    """With a service account, participants share a Unix account, never their Jupyter settings."""
    from civicai.hub.userenv import per_user_env

    c = config(CIVICAI_SLURM_RUN_AS=getpass.getuser(), CIVICAI_SLURM_HOMES=str(tmp_path / "homes"))
    envs = {name: _spawner(c, name).user_env({}) for name in ("alice", "bruno")}
    for name, env in envs.items():
        expected = per_user_env(tmp_path / "homes" / name)
        assert {k: env.get(k) for k in expected} == expected
    assert envs["alice"]["JUPYTERLAB_SETTINGS_DIR"] != envs["bruno"]["JUPYTERLAB_SETTINGS_DIR"]


def test_personal_accounts_use_sudo_and_the_unix_home(config):
    sp = _spawner(config(), "root")  # root exists on every machine
    assert sp.req_username == "root"
    assert sp.exec_prefix == "sudo -E -u {username}"
    assert sp.req_homedir == "/root"


def test_job_script_makes_the_home_merges_the_modules_and_asks_for_the_profile(config, tmp_path):
    c = config(CIVICAI_SLURM_RUN_AS=getpass.getuser(), CIVICAI_SLURM_HOMES=str(tmp_path / "homes"),
               CIVICAI_SLURM_PARTITION="interactive")
    sp = _spawner(c, "alice", req_keepvars="PATH", **c.ProfilesSpawner.profiles[2][3])  # calcul
    subvars = sp.get_req_subvars()
    subvars["cmd"] = sp.cmd_formatted_for_batch()
    script = asyncio.run(sp._get_batch_script(**subvars))
    home = tmp_path / "homes" / "alice"
    for line in ("#SBATCH --job-name=civicai-alice", "#SBATCH --mem=4096M", "#SBATCH --cpus-per-task=2",
                 "#SBATCH --partition=interactive", "#SBATCH --time=08:00:00", f"mkdir -p {home}",
                 f"#SBATCH --output={home}/.civicai-slurm-%j.log"):
        assert line in script.splitlines(), line
    assert "batchspawner-singleuser" in script and "jupyterhub-singleuser" in script
    assert "--get-user-env" not in script  # root-only option, not needed here


@pytest.mark.slow  # starts a process (the SLURM prologue script)
def test_the_prologue_really_merges_the_modules(tmp_path):
    """Run the job's sync line through a shell, as slurmd would."""
    src = tmp_path / "src"
    (src / "01-x").mkdir(parents=True)
    (src / "01-x" / "a.ipynb").write_text("{}")
    home = tmp_path / "my home"  # a space: the line must be quoted
    line = slurm.sync_command(sys.executable, str(src), str(home))
    out = subprocess.run(["bash", "-c", line], capture_output=True, text=True, timeout=60, check=True)
    assert (home / "modules" / "01-x" / "a.ipynb").read_text() == "{}"
    assert "1 added" in out.stdout


def _spawner(c, name, **kw):
    user = SimpleNamespace(name=name, url=f"/user/{name}/", escaped_name=name)
    return KitSlurmSpawner(config=c, user=user, **kw)


def test_the_waiting_page_speaks_french_while_the_job_is_queued(config):
    sp = _spawner(config(), "alice")

    async def first_message(status):
        sp.job_status = status
        gen = sp.progress()
        try:
            return (await gen.__anext__())["message"]
        finally:
            await gen.aclose()

    assert "file d'attente" in asyncio.run(first_message("PENDING "))
    assert "connexion" in asyncio.run(first_message("RUNNING localhost"))


def test_each_job_runs_its_own_kernel_template_unless_turned_off(config):
    """The job's server starts its template (civicai/kernels/job.py); turned off with the hub's setting."""
    assert config().Spawner.environment["CIVICAI_NOYAUX_PAR_TACHE"] == "1"
    assert "CIVICAI_NOYAUX_PAR_TACHE" not in config(CIVICAI_NOYAUX_PARTAGES="0").Spawner.environment
    assert "CIVICAI_NOYAUX" not in config().Spawner.environment  # no hub-wide daemon on a cluster
