"""Fixtures of the kernel-template tests: a running daemon (as root), participants' accounts, a kernel client."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from kerneltools import wait_for


@pytest.fixture(scope="session")
def shared_tmp():
    """A folder participants' accounts may pass through (0711); removed at the end."""
    from hubtools import open_to_participants

    path = Path(tempfile.mkdtemp(prefix="civicai-noyaux-"))
    os.chmod(path, 0o711)
    open_to_participants(path)  # and the Python they run
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def daemon(shared_tmp):
    """The templates' daemon with both flavours, started with a secret in its environment that no kernel may see."""
    folder = shared_tmp / "noyaux"
    env = dict(os.environ, CIVICAI_TEST_SECRET="ne-doit-pas-fuiter")
    proc = subprocess.Popen([sys.executable, "-m", "civicai.kernels.daemon", str(folder)], env=env,
                            stdout=subprocess.DEVNULL, stderr=(shared_tmp / "daemon.log").open("w"))
    try:
        for flavour in ("light", "heavy"):
            wait_for(folder / f"{flavour}.sock")
        yield folder
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)


@pytest.fixture(scope="session")
def participants(shared_tmp):
    """Two participants' accounts with their homes (made as the hub makes them)."""
    from civicai.hub.accounts import ensure_account

    tag = secrets.token_hex(2)
    return [ensure_account(f"test-noyau-{tag}-{i}", shared_tmp / "homes" / f"p{i}") for i in (1, 2)]


