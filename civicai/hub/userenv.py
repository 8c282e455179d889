"""Every folder a participant's server and kernels write to, derived from their home only.

Jupyter, JupyterLab, IPython, matplotlib and pip compute their folders from ``HOME`` or from
these variables. Setting all of them explicitly keeps each participant's settings, workspaces,
caches and runtime files in their own home on every target (one machine, SLURM, Kubernetes), even
when a process computed a default earlier (the fork server imports JupyterLab before the fork).
"""

from __future__ import annotations

import os


def per_user_env(home: str | os.PathLike) -> dict[str, str]:
    """The environment variables that place every per-user path inside ``home``."""
    home = os.fspath(home)
    j = os.path.join
    return {
        "HOME": home,
        "JUPYTER_CONFIG_DIR": j(home, ".jupyter"),
        "JUPYTER_DATA_DIR": j(home, ".local", "share", "jupyter"),
        "JUPYTER_RUNTIME_DIR": j(home, ".local", "share", "jupyter", "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": j(home, ".jupyter", "lab", "user-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": j(home, ".jupyter", "lab", "workspaces"),
        "IPYTHONDIR": j(home, ".ipython"),
        "MPLCONFIGDIR": j(home, ".config", "matplotlib"),
        "XDG_CONFIG_HOME": j(home, ".config"),
        "XDG_CACHE_HOME": j(home, ".cache"),
        "XDG_DATA_HOME": j(home, ".local", "share"),
    }
