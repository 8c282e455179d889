"""Wake up renders whose kernel reply arrived unseen (a lost wake-up under load).

Seen in the kiosk's 50-visitor load test, about one render in 100: a pre-heated render waits
for a kernel reply that is already in its ZMQ socket (``ZMQ_EVENTS`` says ``POLLIN``, a poll is
pending), but the event loop is never told, so the render would wait until the reaper's render
limit (the visitor then got a page with a dead kernel). pyzmq's asyncio sockets are edge-triggered;
reading ``ZMQ_EVENTS`` through them schedules the events that are waiting, which is what
:func:`wake_sockets` does once a second for the renders in progress (through
:func:`civicai.upstream.zmq.wake`). A healthy socket is not changed by it: with nobody waiting,
or nothing arrived, the read schedules nothing.
"""

from __future__ import annotations

from civicai.upstream import zmq as zmq_adapter


def wake_sockets(sockets) -> int:
    """Hand each socket the events waiting on it; return how many had a reader left waiting.

    "Left waiting" means a receive or poll is pending while a message is already there: the
    lost wake-up. The count is for the log; the read of ``ZMQ_EVENTS`` is the remedy.
    """
    return sum(zmq_adapter.wake(sock) for sock in sockets)
