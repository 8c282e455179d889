"""A participant's server that starts its own kernel templates: ``start(c)`` (SLURM job, Kubernetes pod).

On a cluster no hub-wide template can serve a job (another node, another pod, another memory account), so
the server starts its own daemon, as the participant, with its sockets in a private folder (0700, under
``$TMPDIR``) and points the provisioner at it. Only the ``heavy`` flavour: it holds every library, so a
``light`` notebook forks from it too (``provisioner``), and the job pays for one template, not two
(``civicai.cluster.capacity``). The daemon watches its parent and ends with the server; while it is not ready
(the first half-minute) or after it died, kernels start plainly.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile

from civicai.kernels.flavour import DEFAULT
from civicai.settings import settings

FLAVOURS = (DEFAULT,)


def start(c) -> subprocess.Popen | None:
    """Start this server's own templates and give their folder to the provisioner (when the setting asks)."""
    chosen = settings()
    if not chosen.kernel_job_templates or chosen.kernel_sockets:
        return None  # not asked, or a hub-wide daemon already serves this server
    folder = tempfile.mkdtemp(prefix="civicai-noyaux-")  # 0700, in $TMPDIR (SLURM's per-job one when set)
    proc = subprocess.Popen([sys.executable, "-m", "civicai.kernels.daemon", "--private", folder, *FLAVOURS],
                            stdin=subprocess.DEVNULL)
    c.SharedKernelProvisioner.folder = folder
    return proc

