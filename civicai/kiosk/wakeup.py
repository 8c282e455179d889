"""Wake up renders whose kernel reply arrived unseen (a lost wake-up under load).

Seen in the kiosk's 50-visitor load test, about one render in 100: a pre-heated render waits
for a kernel reply that is already in its ZMQ socket (``ZMQ_EVENTS`` says ``POLLIN``, a poll is
pending), but the event loop is never told, so the render would wait until the reaper's render
limit (the visitor then got a page with a dead kernel). pyzmq's asyncio sockets are edge-triggered;
reading ``ZMQ_EVENTS`` through them schedules the events that are waiting, which is what
:func:`wake_sockets` does once a second for the renders in progress. A healthy socket is not
changed by it: with nobody waiting, or nothing arrived, the read schedules nothing.
"""

from __future__ import annotations

import zmq


def render_sockets(renderer) -> list | None:
    """The shell and IOPub sockets of a Voila render's kernel client.

    ``None`` while the render has no kernel client yet (its kernel is starting); ``[]`` once
    the render is over (Voila stops the client's channels at the end of the page).
    """
    executor = getattr(renderer, "executor", None)
    kc = getattr(executor, "kc", None)
    if kc is None:
        return None
    if not kc.channels_running:
        return []
    channels = (kc.shell_channel, kc.iopub_channel)
    return [ch.socket for ch in channels if ch.socket is not None and not ch.socket.closed]


def wake_sockets(sockets) -> int:
    """Hand each socket the events waiting on it; return how many had a reader left waiting.

    "Left waiting" means a receive or poll is pending while a message is already there: the
    lost wake-up. The count is for the log; the read of ``ZMQ_EVENTS`` is the remedy.
    """
    missed = 0
    for sock in sockets:
        try:
            waiting = bool(getattr(sock, "_recv_futures", None))
            if sock.get(zmq.EVENTS) & zmq.POLLIN and waiting:
                missed += 1
        except zmq.ZMQError:  # closed meanwhile
            continue
    return missed
