"""A real hub with the debate service: `civicai serve` with the kit's local configuration plus ours.

The config file is what the lead's one line does at merge: load the kit's own
hub/local/jupyterhub_config.py (which calls ``civicai.hub.config.configure_local``), then
``civicai.debate.hubconfig.configure``. JupyterHub takes one config file, so the hub is started the way
`civicai serve` starts it (``python -m civicai.hub.launch -f ...`` in the state folder, same variables).
"""

from __future__ import annotations

import sys

import requests

from hubtools import RunningHub

CONFIG = '''
import os
from civicai.debate.hubconfig import configure
from civicai.paths import hub_dir

c = get_config()  # noqa: F821
os.chdir(os.environ["CIVICAI_STATE_DIR"])  # as `civicai serve` does: whatever the hub writes lands there
load_subconfig(str(hub_dir() / "local" / "jupyterhub_config.py"))  # noqa: F821 (configure_local)
configure(c, state_dir=os.environ["CIVICAI_STATE_DIR"])
configure(c, state_dir=os.environ["CIVICAI_STATE_DIR"])  # twice on purpose: it must not add things twice
'''


class DebateHub(RunningHub):
    """`RunningHub` whose config adds the debate service; ``service(...)`` calls its API with a token."""

    def command(self) -> list[str]:
        config = self.state_dir.parent / "jupyterhub_config_debat.py"
        config.write_text(CONFIG)
        self.env.update(CIVICAI_STATE_DIR=str(self.state_dir.resolve()), CIVICAI_IP="127.0.0.1",
                        CIVICAI_PORT=str(self.port), CIVICAI_FORMATEURS=self.formateurs)
        return [sys.executable, "-m", "civicai.hub.launch", "-f", str(config)]

    @property
    def service_url(self) -> str:
        return f"{self.url}/services/debat/"

    def service(self, method: str, path: str, token: str, **kw) -> requests.Response:
        return requests.request(method, f"{self.service_url}api/{path}", timeout=60,
                                headers={"Authorization": f"token {token}"}, **kw)
