"""The fork server runs `python -m module` requests in the right folder and reaps what ends."""

from __future__ import annotations

import os
import time
import zipfile

from civicai.hub.spawner import ForkServer
from testkit import run_async as run


def gone(pid: int, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)  # a zombie would still answer: the fork server must reap its children
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_forked_module_runs_in_its_folder_with_its_arguments_then_is_reaped(tmp_path):
    (tmp_path / "note.txt").write_text("bonjour")
    server = ForkServer()
    try:
        pid = run(server.fork(module="zipfile", argv=["-c", "archive.zip", "note.txt"],
                                      env={"PATH": os.environ["PATH"]}, cwd=str(tmp_path)))
        assert gone(pid)
        assert zipfile.ZipFile(tmp_path / "archive.zip").read("note.txt") == b"bonjour"
        # a request that fails in the child does not take the fork server down
        bad = run(server.fork(module="civicai.no_such_module", argv=[], env={}, cwd=str(tmp_path)))
        assert gone(bad)
        again = run(server.fork(module="zipfile", argv=["-l", "archive.zip"], env={}, cwd=str(tmp_path)))
        assert gone(again)
    finally:
        server.stop()
