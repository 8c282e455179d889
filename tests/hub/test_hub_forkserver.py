"""The fork server runs `python -m module` requests in the right folder and reaps what ends."""

from __future__ import annotations

import os
import signal
import time
import zipfile

import pytest

from civicai.hub.spawner import ForkServer
from hubtools import open_to_participants
from testkit import run_async as run

pytestmark = pytest.mark.slow  # every test starts the fork server


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


@pytest.mark.skipif(os.geteuid() != 0, reason="switching to a participant's account needs root")
def test_as_root_the_child_drops_to_the_participants_account_before_anything_runs(open_tmp):
    import pwd
    import subprocess

    from civicai.hub.accounts import ensure_account, find_account

    tmp_path = open_tmp("fork")
    open_to_participants(tmp_path)
    home = tmp_path / "homes" / "test-fork"
    account = ensure_account("test-fork", home)
    source = tmp_path / "source"
    source.mkdir()
    (source / "note.txt").write_text("bonjour")
    server = ForkServer()
    try:
        pid = run(server.fork(module="zipfile", argv=["-c", "archive.zip", "modules/note.txt"],
                              env={"PATH": os.environ["PATH"], "HOME": str(home)}, cwd=str(home),
                              account=account.as_request(), modules=str(source), limits={"tasks": 64}))
        assert gone(pid)
        archive = home / "archive.zip"
        # the modules were merged and the archive written by the participant, privately
        for path in (archive, home / "modules" / "note.txt"):
            assert path.stat().st_uid == account.uid, path
        assert archive.stat().st_mode & 0o077 == 0
        assert zipfile.ZipFile(archive).read("note.txt") == b"bonjour"
    finally:
        server.stop()
        subprocess.run(["userdel", find_account("test-fork")[0]], capture_output=True)
    assert pwd.getpwuid(os.getuid()).pw_name == "root"


def test_a_server_hears_sigint_even_when_the_hub_ignores_it(tmp_path):
    """The spawner's stop sends SIGINT first; a hub started with `&` by a shell ignores it and forks inherit that."""
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        server = ForkServer()
        server.start()  # the fork server inherits SIGINT ignored, as under `make serve &`
    finally:
        signal.signal(signal.SIGINT, before)
    try:
        pid = run(server.fork(module="http.server", argv=["0", "--bind", "127.0.0.1"],
                              env={"PATH": os.environ["PATH"]}, cwd=str(tmp_path)))
        time.sleep(1)
        assert not gone(pid, timeout=0.1), "the server should still be running"
        os.kill(pid, signal.SIGINT)
        assert gone(pid, timeout=10), "a forked server ignored SIGINT"
    finally:
        server.stop()
