"""Does the capacity benchmark survive a participant's websocket dropped in the middle of a cell?

On a busy 2-core machine, ten kernels importing torch made the Jupyter server drop a benchmark client's
websocket (WebSocketConnectionClosedException), and the whole benchmark stopped. Here the connection is cut
for real (the client's TCP socket shut down while a cell runs); the run must connect again under the same
session, get the cell's reply the server kept meanwhile, and finish.
"""

from __future__ import annotations

import socket
import sys
import threading

import nbformat
import pytest

from hubtools import RunningHub
from testkit import REPO

pytestmark = [pytest.mark.hub, pytest.mark.slow]
sys.path.insert(0, str(REPO / "benchmarks"))


@pytest.fixture(scope="module")
def hub(shared_tmp):
    h = RunningHub(shared_tmp / "bench" / "var", extra_env={"CIVICAI_NOYAUX_PARTAGES": "0"}).start(timeout=300)
    yield h
    h.stop()


def test_a_dropped_websocket_is_opened_again_and_the_run_finishes(hub, monkeypatch):
    import bench_capacity

    hub.create_users("coupure")
    hub.spawn("coupure", timeout=300)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import time\ntime.sleep(6)\nprint('fini')"),
                                         nbformat.v4.new_code_cell("y = 2")])
    home = hub.state_dir / "homes" / "coupure"
    nbformat.write(nb, home / "coupure.ipynb")
    opened, real = [], bench_capacity._channels

    def cut_the_first(*args, **kwargs):
        ws = real(*args, **kwargs)
        if not opened:  # while the first cell sleeps
            threading.Timer(2.0, lambda: ws.sock.shutdown(socket.SHUT_RDWR)).start()
        opened.append(ws)
        return ws

    monkeypatch.setattr(bench_capacity, "_channels", cut_the_first)
    try:
        result = bench_capacity.run_notebook_remotely(hub, "coupure", hub.user_token("coupure"), "coupure.ipynb",
                                                      timeout=120, phase="test")
    finally:
        hub.stop_server("coupure")  # the hub's stop alone leaves a participant's server and kernel running
    assert len(opened) == 2 and len(result["reconnects"]) == 1, result
    assert result["error"] is None and result["ran"] == 2, result
