# JupyterHub on one machine: SQLite, the local spawner, everything under one state directory.
#
# `civicai serve` runs this file; an operator can also run it directly:
#     CIVICAI_STATE_DIR=/srv/civicai jupyterhub -f hub/local/jupyterhub_config.py --ip 0.0.0.0
# The shared settings (login, French interface, modules in every home) live in civicai/hub/config.py.
import os

from civicai.hub.config import configure_local

c = get_config()  # noqa: F821 (provided by JupyterHub)
configure_local(c, state_dir=os.environ.get("CIVICAI_STATE_DIR", "var"))
c.JupyterHub.ip = os.environ.get("CIVICAI_IP", "127.0.0.1")
c.JupyterHub.port = int(os.environ.get("CIVICAI_PORT", "8000"))
# Start preloading the participants' servers now, while the hub starts (see civicai/hub/forkserver.py).
if c.KitSpawner.use_fork_server is not False:
    from civicai.hub.spawner import FORK_SERVER

    FORK_SERVER.start()
