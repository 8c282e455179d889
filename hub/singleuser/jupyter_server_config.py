# Configuration of every participant's Jupyter server (found through JUPYTER_CONFIG_PATH,
# which the hub sets). Kept small: what participants need, nothing that costs start time for nothing.
import os

c = get_config()  # noqa: F821

here = os.path.dirname(os.path.abspath(__file__))
# JupyterLab in French for everyone (a participant can still pick another language).
c.LabApp.app_settings_dir = os.path.join(here, "lab-settings")
# No terminal for participants, and no language server: neither is used by the modules.
c.ServerApp.terminals_enabled = False
c.ServerApp.jpserver_extensions = {"jupyter_lsp": False, "jupyter_server_terminals": False}
# Nothing leaves the machine: no news feed, no update check.
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
