"""JupyterHub on SLURM: each participant's server is a SLURM job (batchspawner).

Layout of a deployment (see hub/README.md):

- the hub runs on a login or service node that can call ``sbatch``/``squeue``/``scancel``;
- the kit (this repository and its virtualenv) sits on a shared filesystem, at the same path
  on the hub and on the compute nodes; so do the homes;
- each server is a job: ``batchspawner-singleuser`` tells the hub which port it picked, the hub's
  proxy then reaches ``http://<node>:<port>``.

Two ways to map participants to Unix accounts:

- **service account** (``run_as="civicai"``, the workshop default): every job runs as one Unix
  account; each participant gets a folder under ``homes``. No root needed when the hub itself
  runs as that account. Participants are separated by JupyterHub's authentication only (they
  share the Unix account), which is fine for workshops, not for graded work with sensitive data.
- **personal accounts** (``run_as=""``): the participant's login is their Unix account (LDAP),
  jobs are submitted with ``sudo -E -u <login>`` and run in their own home.
"""

from __future__ import annotations

import asyncio
import getpass
import os
import pwd
import shlex
import sys
from pathlib import Path

from batchspawner import SlurmSpawner
from traitlets import Unicode, default

from civicai.cluster import capacity
from civicai.hub.userenv import per_user_env

# Resource profiles offered on the spawn page. SLURM's --mem is both what the scheduler reserves
# and the ceiling: civicai.cluster.capacity.limit_mb, from the kit's measured per-user memory
# (server + kernels after a module notebook, with headroom; benchmarks/bench_capacity.py).
CALCUL_MB = 4096  # not derived: room for participants who train bigger models than the modules do


def _profiles() -> dict:
    atelier, classe = capacity.limit_mb(kernels=1), capacity.limit_mb(kernels=2)
    gb = capacity.gigabytes
    return {
        "atelier": {"label": f"Atelier (1 cœur, {gb(atelier)} Go, 3 h) : un module à la fois, pour une séance",
                    "req_nprocs": "1", "req_memory": f"{atelier}M", "req_runtime": "03:00:00"},
        "classe": {"label": f"Classe (1 cœur, {gb(classe)} Go, 8 h) : un module et un exercice noté ouverts",
                   "req_nprocs": "1", "req_memory": f"{classe}M", "req_runtime": "08:00:00"},
        "calcul": {"label": f"Calcul (2 cœurs, {gb(CALCUL_MB)} Go, 8 h) : entraîner des modèles plus gros",
                   "req_nprocs": "2", "req_memory": f"{CALCUL_MB}M", "req_runtime": "08:00:00"},
    }


PROFILES = _profiles()
KERNEL_IDLE_S = 3600  # same as the Kubernetes values
SERVER_IDLE_S = 1800

FORM_TEMPLATE = """<label for="profile">Choisissez les ressources de votre session :</label>
<select class="form-control" name="profile" id="profile" required autofocus>
{input_template}
</select>
<p>Votre session est un <em>job</em> (une tâche) confié au gestionnaire du cluster, SLURM.
Si le cluster est chargé, elle attend son tour dans une file : la page se met à jour seule.</p>
"""

# The job script. Unlike batchspawner's default it neither needs ``--get-user-env`` (root only)
# nor an existing home: the home is made, the modules are merged into it, then the server starts.
BATCH_SCRIPT = """#!/bin/bash
#SBATCH --job-name=civicai-{{participant}}
#SBATCH --output={{homedir}}/.civicai-slurm-%j.log
#SBATCH --export={{keepvars}}
{% if partition %}#SBATCH --partition={{partition}}
{% endif %}{% if account %}#SBATCH --account={{account}}
{% endif %}{% if qos %}#SBATCH --qos={{qos}}
{% endif %}{% if runtime %}#SBATCH --time={{runtime}}
{% endif %}{% if memory %}#SBATCH --mem={{memory}}
{% endif %}{% if nprocs %}#SBATCH --cpus-per-task={{nprocs}}
{% endif %}{% if options %}#SBATCH {{options}}
{% endif %}
set -euo pipefail
trap 'echo "SIGTERM reçu : arrêt de la session"' TERM
mkdir -p {{homedir}}
cd {{homedir}}
export HOME={{homedir}}
{{prologue}}
{% if srun %}{{srun}} {% endif %}{{cmd}}
echo "jupyterhub-singleuser ended gracefully"
{{epilogue}}
"""


def sync_command(python: str, modules_source: str, home: str) -> str:
    """The shell line, run inside the job, that merges the kit's modules into ``home``.

    It calls :func:`civicai.hub.sync.sync_modules`, the same merge as the one-machine hub
    (a participant's changes are never overwritten).
    """
    return " ".join(shlex.quote(part) for part in (python, "-m", "civicai.hub.sync", modules_source, home))


class KitSlurmSpawner(SlurmSpawner):
    """batchspawner's SlurmSpawner with the kit's homes, module delivery and job script."""

    home_dir_template = Unicode(
        "", config=True,
        help="Home of each participant, e.g. /scratch/civicai/homes/{username}. "
        "Empty: the participant's own Unix home (personal accounts).")
    modules_source = Unicode("", config=True, help="Folder merged into ~/modules inside each job.")
    python = Unicode(sys.executable, config=True,
                     help="The kit's Python on the compute nodes (shared filesystem).")
    run_as = Unicode(
        "", config=True,
        help="Unix account that submits and runs every job (service account). "
        "Empty: each participant's own account, through sudo.")

    batch_script = Unicode(BATCH_SCRIPT).tag(config=True)
    # batchspawner hands every req_* trait to the job script template.
    req_participant = Unicode(help="The participant's hub name (the job is named after it).")

    @default("req_participant")
    def _req_participant_default(self):
        return self.user.name

    @default("req_homedir")
    def _req_homedir_default(self):
        if self.home_dir_template:
            return self.home_dir_template.format(username=self.user.name)
        return pwd.getpwnam(self.user.name).pw_dir

    @default("req_username")
    def _req_username_default(self):
        return self.run_as or self.user.name

    @default("exec_prefix")
    def _exec_prefix_default(self):
        if self.run_as and self.run_as == getpass.getuser():
            return ""  # the hub already runs as the service account: no sudo at all
        return "sudo -E -u {username}"

    @default("req_prologue")
    def _req_prologue_default(self):
        if not self.modules_source:
            return ""
        return sync_command(self.python, self.modules_source, self.req_homedir)

    def user_env(self, env):
        """Like batchspawner's, without requiring a Unix account per participant.

        Every per-user path goes to the participant's home, as on the one-machine hub: with a
        service account, participants share one Unix account, not their Jupyter settings.
        """
        env["USER"] = self.req_username
        env.update(per_user_env(self.req_homedir))
        try:
            env["SHELL"] = pwd.getpwnam(self.req_username).pw_shell or "/bin/bash"
        except KeyError:
            env["SHELL"] = "/bin/bash"
        return env

    def get_args(self):
        args = super().get_args()
        if self.req_username == "root" and "--allow-root" not in args:
            args.append("--allow-root")  # test clusters only: the server refuses root otherwise
        return args

    async def progress(self):
        """What the waiting page shows while the job waits and starts, in French."""
        while True:
            if self.state_ispending():
                yield {"message": "En file d'attente : le cluster cherche une place pour votre session…"}
            elif self.state_isrunning():
                yield {"message": "Session lancée sur le cluster : connexion en cours…"}
                return
            else:
                yield {"message": "Demande envoyée au cluster…"}
            await asyncio.sleep(1)

    async def start(self):
        # The log file (#SBATCH --output) lives in the home: it must exist before the job starts.
        # The hub can make it for a service account; personal homes already exist.
        if self.home_dir_template:
            try:
                Path(self.req_homedir).mkdir(parents=True, exist_ok=True)
            except PermissionError:
                self.log.warning("cannot create %s from the hub; the job's output may be lost",
                                 self.req_homedir)
        return await super().start()


def profiles(*, partition: str = "", account: str = "") -> list[tuple]:
    """ProfilesSpawner's list: (label, key, spawner class, spawner settings)."""
    out = []
    for key, p in PROFILES.items():
        settings = {k: v for k, v in p.items() if k.startswith("req_")}
        if partition:
            settings["req_partition"] = partition
        if account:
            settings["req_account"] = account
        out.append((p["label"], key, KitSlurmSpawner, settings))
    return out


def configure_slurm(c, *, state_dir: str | os.PathLike | None = None, env: dict | None = None) -> None:
    """SLURM: the shared settings (:func:`civicai.hub.config.apply_common`) plus batchspawner.

    Settings come from :mod:`civicai.settings` (or from the environment ``env`` a test gives):
    ``CIVICAI_SLURM_RUN_AS`` (service account; empty: personal accounts), ``CIVICAI_SLURM_HOMES``
    (folder of the participants' homes, service account only), ``CIVICAI_SLURM_PARTITION``,
    ``CIVICAI_SLURM_ACCOUNT`` (``sbatch --account``), ``CIVICAI_HUB_CONNECT_IP`` (the address
    compute nodes use to reach the hub, and the debate service), ``CIVICAI_HUB_PORT``, ``CIVICAI_PROXY_API_PORT``,
    ``CIVICAI_DEBAT_PORT`` (the debate service's port; default: a free one).
    """
    import batchspawner  # noqa: F401  (registers the hub's /api/batchspawner handler)

    from civicai.hub.config import apply_common, apply_ports, apply_state
    from civicai.paths import kit_root, modules_dir

    from civicai.settings import Settings, settings

    chosen = settings() if env is None else Settings.load(env)
    state_dir = Path(state_dir if state_dir is not None else chosen.state_dir).resolve()
    apply_common(c, state_dir=state_dir)

    apply_state(c, state_dir)  # hub state, as on one machine
    apply_ports(c, chosen)
    # Jobs run on other machines: they must reach the hub's API.
    if chosen.hub_connect_ip:
        c.JupyterHub.hub_ip = "0.0.0.0"
        c.JupyterHub.hub_connect_ip = chosen.hub_connect_ip

    # Spawner: a choice of profiles, each a SLURM job.
    items = profiles(partition=chosen.slurm_partition, account=chosen.slurm_account)
    c.JupyterHub.spawner_class = "wrapspawner.ProfilesSpawner"
    c.ProfilesSpawner.profiles = items
    c.ProfilesSpawner.form_template = FORM_TEMPLATE
    # A request without a profile (REST API, scripts) gets the first one, never a local process.
    c.ProfilesSpawner.child_class = KitSlurmSpawner
    c.ProfilesSpawner.child_config = dict(items[0][3])

    run_as = chosen.slurm_run_as
    c.KitSlurmSpawner.run_as = run_as
    if run_as:
        homes = chosen.slurm_homes or str(state_dir / "homes")
        c.KitSlurmSpawner.home_dir_template = str(Path(homes) / "{username}")
    c.KitSlurmSpawner.modules_source = str(modules_dir())
    c.KitSlurmSpawner.python = sys.executable
    venv_bin = Path(sys.executable).parent
    c.KitSlurmSpawner.batchspawner_singleuser_cmd = str(venv_bin / "batchspawner-singleuser")
    # batchspawner-singleuser runs a script found on PATH: jupyterhub-singleuser, not `python -m`.
    c.Spawner.cmd = [str(venv_bin / "jupyterhub-singleuser")]
    # The SLURM client settings reach sbatch/squeue and the job (srun needs them too).
    c.Spawner.env_keep = list(c.Spawner.env_keep) + [
        k for k in ("SLURM_CONF", "MUNGE_SOCKET") if k not in c.Spawner.env_keep]
    # Each job's server runs its own kernel template (civicai/kernels/job.py; its memory is in the profiles).
    from civicai.kernels.hubconfig import job_env

    c.Spawner.environment = dict(c.Spawner.environment, CIVICAI_KIT_ROOT=str(kit_root()), **job_env(chosen))
    # The debate service (civicai/debate/) runs on the hub's node, started by the hub; the jobs' servers reach it
    # at the address they reach the hub at (its CIVICAI_DEBAT_URL), so it listens there, not on the loopback.
    from civicai.debate.hubconfig import configure as configure_debate

    configure_debate(c, state_dir=state_dir, host=chosen.hub_connect_ip or "127.0.0.1", port=chosen.debate_port)

    # Idle sessions give their cores back: a kernel idle for an hour is shut down, then a server
    # with no kernel and no activity for 30 minutes stops itself, which ends the job. (--time
    # of the profile is the hard limit.) Set on Spawner: the profile wrapper passes its args on.
    ours = ("--MappingKernelManager.cull_", "--ServerApp.shutdown_no_activity_timeout=")
    previous = c.Spawner.args if "args" in c.Spawner and isinstance(c.Spawner.args, list) else []
    c.Spawner.args = [a for a in previous if not a.startswith(ours)] + [
        f"--MappingKernelManager.cull_idle_timeout={KERNEL_IDLE_S}",
        "--MappingKernelManager.cull_interval=300",
        "--MappingKernelManager.cull_connected=True",
        f"--ServerApp.shutdown_no_activity_timeout={SERVER_IDLE_S}",
    ]

    # A hub restart (an upgrade, a crash) must not cancel every participant's job: the jobs keep
    # running and the restarted hub finds them again through squeue.
    c.JupyterHub.cleanup_servers = False

    # Queues: a job may wait. The hub waits up to 10 min, polls the job every 2 s while it starts,
    # then checks every 30 s that it still runs. Set on Spawner so the wrapper and its child agree.
    c.Spawner.start_timeout = 600
    c.Spawner.http_timeout = 120
    c.KitSlurmSpawner.startup_poll_interval = 2.0
    c.Spawner.poll_interval = 30
