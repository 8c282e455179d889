# JupyterHub on a SLURM cluster: each participant's server is a SLURM job (batchspawner),
# with a choice of resource profiles (wrapspawner's ProfilesSpawner): atelier, classe, calcul.
#
# Run on a node that can submit jobs, from the kit's virtualenv on the shared filesystem:
#     CIVICAI_STATE_DIR=/srv/civicai CIVICAI_SLURM_RUN_AS=civicai \
#     CIVICAI_SLURM_HOMES=/scratch/civicai/homes CIVICAI_SLURM_PARTITION=interactive \
#     CIVICAI_HUB_CONNECT_IP=login1.cluster.example \
#     jupyterhub -f hub/slurm/jupyterhub_config.py --ip 0.0.0.0 --port 8000
# Every setting is described in hub/README.md. The shared settings (login with a workshop code,
# French interface, modules merged into homes) live in civicai/hub/config.py; the SLURM part
# in civicai/cluster/slurm.py.
import os

from civicai.cluster.slurm import configure_slurm

c = get_config()  # noqa: F821 (provided by JupyterHub)
configure_slurm(c, state_dir=os.environ.get("CIVICAI_STATE_DIR", "var"))
c.JupyterHub.ip = os.environ.get("CIVICAI_IP", "127.0.0.1")
c.JupyterHub.port = int(os.environ.get("CIVICAI_PORT", "8000"))
