# Configuration of every participant's Jupyter server (found through JUPYTER_CONFIG_PATH,
# which the hub sets). Kept small: what participants need, nothing that costs start time for nothing.
import os

c = get_config()  # noqa: F821

here = os.path.dirname(os.path.abspath(__file__))
# JupyterLab in French for everyone (a participant can still pick another language).
c.LabApp.app_settings_dir = os.path.join(here, "lab-settings")
# Each participant's JupyterLab settings and workspaces in their own home. JupyterLab computes
# these defaults when it is imported, which the hub's fork server does once for everyone: read
# them again here, in the participant's own process (civicai/hub/userenv.py sets the variables).
if os.environ.get("JUPYTERLAB_SETTINGS_DIR"):
    c.LabApp.user_settings_dir = os.environ["JUPYTERLAB_SETTINGS_DIR"]
if os.environ.get("JUPYTERLAB_WORKSPACES_DIR"):
    c.LabApp.workspaces_dir = os.environ["JUPYTERLAB_WORKSPACES_DIR"]
# No terminal for participants, and no language server: neither is used by the modules.
c.ServerApp.terminals_enabled = False
c.ServerApp.jpserver_extensions = {"jupyter_lsp": False, "jupyter_server_terminals": False}
# Nothing leaves the machine: no news feed, no update check.
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
# The participants' welcome page and a file browser without the files they do not need (civicai/welcome/).
from civicai.welcome.serverconfig import configure as configure_welcome  # noqa: E402

configure_welcome(c)
# Kernels forked from a warm template of the notebook's flavour when the hub runs one (civicai/kernels/):
# they share the libraries' memory and skip the imports; a plain start otherwise.
c.ServerApp.kernel_spec_manager_class = "civicai.kernels.provisioner.SharedKernelSpecManager"
# In a SLURM job or a Kubernetes pod (CIVICAI_NOYAUX_PAR_TACHE, set by those set-ups), this server runs its own
# template, as the participant, in a private folder; it ends with the server (civicai/kernels/job.py).
from civicai.kernels.job import start as start_job_templates  # noqa: E402

start_job_templates(c)
