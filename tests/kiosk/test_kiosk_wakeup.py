"""The render wake-up: a receive that the event loop was never told about completes once woken."""

from __future__ import annotations

import asyncio

import zmq
import zmq.asyncio

from civicai.kiosk.wakeup import wake_sockets
from testkit import run_async


def test_a_message_the_loop_missed_is_delivered_once_woken():
    async def scenario():
        ctx = zmq.asyncio.Context()
        a, b = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
        a.bind("inproc://reveil")
        b.connect("inproc://reveil")
        try:
            pending = asyncio.ensure_future(b.recv())
            await asyncio.sleep(0.05)
            assert wake_sockets([b]) == 0           # nothing arrived: nothing to wake
            # What happens under load: the loop stops being told about the socket's events.
            asyncio.get_running_loop().remove_reader(b.getsockopt(zmq.FD))
            await a.send(b"reponse du noyau")
            await asyncio.sleep(0.3)
            assert not pending.done(), "the loss did not happen: this test shows nothing"
            assert wake_sockets([b]) == 1
            assert await asyncio.wait_for(pending, 1) == b"reponse du noyau"
            assert wake_sockets([b]) == 0           # delivered: nothing left waiting
        finally:
            a.close(linger=0)
            b.close(linger=0)
            ctx.term()

    run_async(scenario())
