"""pyzmq internals behind the kiosk's render wake-up (:mod:`civicai.kiosk.wakeup`).

pyzmq's asyncio sockets are edge-triggered. ``_AsyncSocket.get(zmq.EVENTS)`` re-schedules the
events already waiting on the socket (``_schedule_remaining_events``): that undocumented side
effect is the remedy for a lost wake-up. ``_recv_futures`` (the receives left pending) only
tells the log whether a reader was waiting. Both are private: they live here, checked by
:func:`check` at the kiosk's start and by ``tests/upstream/test_zmq_contract.py``.
"""

from __future__ import annotations

import inspect

import zmq
from zmq import _future

from civicai.upstream.versions import refusal

TESTED = "pyzmq 27.3"


def check() -> None:
    """Raise a French :class:`UserError` if the pyzmq shapes the kiosk relies on are gone."""
    sock = getattr(_future, "_AsyncSocket", None)
    ok = (sock is not None and hasattr(sock, "_recv_futures")
          and hasattr(sock, "_schedule_remaining_events")
          and "_schedule_remaining_events" in _source(getattr(sock, "get", None)))
    if not ok:
        raise refusal("pyzmq", TESTED, ["_AsyncSocket._recv_futures", "_AsyncSocket._schedule_remaining_events"])


def wake(sock) -> bool:
    """Hand ``sock`` the events waiting on it; True if a receive was left waiting on a message.

    A closed socket (or one closed meanwhile) is left alone and counts as not waiting.
    """
    try:
        waiting = bool(sock._recv_futures)
        return bool(sock.get(zmq.EVENTS) & zmq.POLLIN) and waiting
    except zmq.ZMQError:
        return False


def _source(func) -> str:
    try:
        return inspect.getsource(func)
    except (TypeError, OSError):
        return ""
