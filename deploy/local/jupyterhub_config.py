# JupyterHub on one machine: SQLite, the local spawner, everything under one state directory.
#
# `civicai servir` runs this file with CIVICAI_SETTINGS naming the settings file it wrote; an
# operator can also run it directly:
#     CIVICAI_STATE_DIR=/srv/civicai CIVICAI_IP=0.0.0.0 jupyterhub -f deploy/local/jupyterhub_config.py
# Every setting is read by civicai/settings.py; the shared configuration lives in civicai/hub/config.py.
from civicai.hub.config import apply_listen, configure_local

c = get_config()  # noqa: F821 (provided by JupyterHub)
configure_local(c)
apply_listen(c)
# Start preloading the participants' servers now, while the hub starts (see civicai/hub/forkserver.py).
if c.KitSpawner.use_fork_server is not False:
    from civicai.hub.spawner import FORK_SERVER

    FORK_SERVER.start()
