"""What a participant's Jupyter server shows: the welcome page and a file browser without clutter.

Called from ``hub/singleuser/jupyter_server_config.py``. Files a learner does not need (kiosk
demos, the modules' data files, the facilitators' guides, caches) are left out of JupyterLab's
file browser (``ContentsManager.hide_globs``, a documented setting); they stay on disk, where the
notebooks read them.
"""

from __future__ import annotations

# jupyter_server's own defaults, kept
DEFAULT_HIDDEN = ["__pycache__", "*.pyc", "*.pyo", ".DS_Store", "*~"]
LEARNER_HIDDEN = ["demos.yaml", "*.yaml", "*.json", "demo-*.ipynb", "guide-animation.md", "images"]


def configure(c) -> None:
    extensions = dict(c.ServerApp.jpserver_extensions) if isinstance(c.ServerApp.jpserver_extensions, dict) else {}
    extensions["civicai.welcome"] = True
    c.ServerApp.jpserver_extensions = extensions
    c.ContentsManager.hide_globs = DEFAULT_HIDDEN + LEARNER_HIDDEN
