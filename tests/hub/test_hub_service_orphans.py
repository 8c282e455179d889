"""A hub killed outright (SIGKILL, the OOM killer) must not leave its services running as orphans that keep
their port, their database and, for module 4, a model in memory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from civicai.net import free_port

pytestmark = pytest.mark.slow

# The "hub": a parent that starts the debate service the way the hub does (a child process) and says its pid.
PARENT = """
import subprocess, sys
child = subprocess.Popen([sys.executable, "-m", "civicai.debate.service"])
print(child.pid, flush=True)
child.wait()
"""


def _gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                if fh.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.2)
    return False


def test_a_service_ends_when_its_hub_is_killed(tmp_path):
    port = free_port()
    env = dict(os.environ, JUPYTERHUB_API_TOKEN="jeton-de-test", JUPYTERHUB_API_URL="http://127.0.0.1:9/hub/api",
               JUPYTERHUB_SERVICE_URL=f"http://127.0.0.1:{port}", CIVICAI_DEBAT_DB=str(tmp_path / "debat.sqlite"))
    hub = subprocess.Popen([sys.executable, "-c", PARENT], env=env, cwd=tmp_path, stdout=subprocess.PIPE, text=True)
    service = int(hub.stdout.readline())
    try:
        deadline = time.monotonic() + 60
        while not (tmp_path / "debat.sqlite").exists():  # the service is up and has opened its database
            assert time.monotonic() < deadline and not _gone(service, 0), "the service did not start"
            time.sleep(0.2)
        time.sleep(1)
        os.kill(hub.pid, signal.SIGKILL)
        hub.wait()
        assert _gone(service, 20), "the service outlived its hub"
    finally:
        try:
            os.kill(service, signal.SIGKILL)
        except ProcessLookupError:
            pass
