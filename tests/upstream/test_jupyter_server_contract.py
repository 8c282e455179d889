"""jupyter_server shapes the kiosk's reaper relies on (civicai.upstream.jupyter_server)."""

from __future__ import annotations

import pytest
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager, MappingKernelManager

from civicai.errors import UserError
from civicai.upstream import jupyter_server as adapter
from upstreamtools import kiosk_refuses


def test_the_kernel_manager_counts_connections_per_kernel():
    km = AsyncMappingKernelManager()
    assert km._kernel_connections == {}
    km._kernel_connections["k"] = 2
    assert adapter.kernel_connection_count(km, "k") == 2
    assert adapter.kernel_connection_count(km, "absent") == 0
    adapter.check()


def test_the_rest_api_reports_that_same_count():
    """The REST model's ``connections`` is the private dict: the kiosk reads the same number."""
    import inspect

    assert "_kernel_connections" in inspect.getsource(MappingKernelManager.kernel_model)


def test_check_fails_closed_without_the_count(monkeypatch, capsys):
    monkeypatch.delattr(MappingKernelManager, "_kernel_connections")
    with pytest.raises(UserError, match=adapter.TESTED):
        adapter.check()
    kiosk_refuses(capsys, adapter.TESTED)
