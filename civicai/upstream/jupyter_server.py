"""jupyter_server internals the kiosk relies on: how many pages are connected to a kernel.

The reaper decides "the visitor has gone" from the number of websockets open on a kernel.
jupyter_server counts them in the private ``MappingKernelManager._kernel_connections`` (the
same count the REST API reports as ``connections``); reading the dict avoids one REST model
per kernel every few seconds. Checked by :func:`check` at the kiosk's start and by
``tests/upstream/test_jupyter_server_contract.py``.
"""

from __future__ import annotations

from jupyter_server.services.kernels.kernelmanager import MappingKernelManager

from civicai.upstream.versions import refusal

TESTED = "jupyter-server 2.21"


def check() -> None:
    """Raise a French :class:`UserError` if the shapes the kiosk relies on are gone."""
    if not hasattr(MappingKernelManager, "_kernel_connections"):
        raise refusal("jupyter-server", TESTED, ["MappingKernelManager._kernel_connections"])


def kernel_connection_count(km, kernel_id: str) -> int:
    """How many websockets (pages) are connected to ``kernel_id`` right now (0 if unknown)."""
    return int(km._kernel_connections.get(kernel_id, 0))
