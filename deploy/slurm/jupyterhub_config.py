# JupyterHub on a SLURM cluster: each participant's server is a SLURM job (batchspawner),
# with a choice of resource profiles (wrapspawner's ProfilesSpawner): atelier, classe, calcul.
#
# Run on a node that can submit jobs, from the kit's virtualenv on the shared filesystem:
#     CIVICAI_STATE_DIR=/srv/civicai CIVICAI_SLURM_RUN_AS=civicai \
#     CIVICAI_SLURM_HOMES=/scratch/civicai/homes CIVICAI_SLURM_PARTITION=interactive \
#     CIVICAI_HUB_CONNECT_IP=login1.cluster.example \
#     jupyterhub -f deploy/slurm/jupyterhub_config.py --ip 0.0.0.0 --port 8000
# Every setting is described in hub/README.md. The shared settings (login with a workshop code,
# French interface, modules merged into homes) live in civicai/hub/config.py; the SLURM part
# in civicai/cluster/slurm.py.
# Every CIVICAI_* setting is read by civicai/settings.py.
from civicai.cluster.slurm import configure_slurm
from civicai.hub.config import apply_listen

c = get_config()  # noqa: F821 (provided by JupyterHub)
configure_slurm(c)
apply_listen(c)
