"""pyzmq shapes behind the kiosk's render wake-up (civicai.upstream.zmq): fast, no server."""

from __future__ import annotations

import inspect

import pytest
import zmq
from zmq import _future

from civicai.errors import UserError
from civicai.upstream import zmq as adapter
from upstreamtools import kiosk_refuses


def test_async_sockets_keep_their_pending_receives_and_reschedule_on_events():
    assert hasattr(_future._AsyncSocket, "_recv_futures")
    assert "_schedule_remaining_events" in inspect.getsource(_future._AsyncSocket.get)
    adapter.check()


def test_wake_on_a_real_socket_with_nothing_waiting_reports_nothing():
    import zmq.asyncio

    ctx = zmq.asyncio.Context()
    sock = ctx.socket(zmq.PAIR)
    try:
        assert sock._recv_futures is not None and not sock._recv_futures
        assert adapter.wake(sock) is False
    finally:
        sock.close(linger=0)
        ctx.term()
    assert adapter.wake(sock) is False   # closed: left alone


def test_check_fails_closed_without_pending_receives(monkeypatch, capsys):
    monkeypatch.delattr(_future._AsyncSocket, "_recv_futures")
    with pytest.raises(UserError, match=adapter.TESTED):
        adapter.check()
    kiosk_refuses(capsys, adapter.TESTED)
