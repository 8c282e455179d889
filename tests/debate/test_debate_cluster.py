"""The debate service on a SLURM hub: it listens where the jobs' servers reach the hub, and they are told so."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
import requests
from traitlets.config import Config

from civicai.cluster.slurm import configure_slurm
from testkit import first_answer


def _debate(c) -> dict:
    return next(s for s in c.JupyterHub.services if s["name"] == "debat")


def test_on_slurm_the_service_listens_at_the_hubs_address_for_the_nodes(tmp_path):
    c = Config()
    configure_slurm(c, state_dir=tmp_path / "var", env={"CIVICAI_HUB_CONNECT_IP": "10.20.0.5",
                                                         "CIVICAI_DEBAT_PORT": "18765"})
    service = _debate(c)
    assert service["url"] == "http://10.20.0.5:18765"
    assert service["environment"]["CIVICAI_DEBAT_DB"] == str((tmp_path / "var").resolve() / "debat.sqlite")
    # the jobs' servers get the address (batchspawner exports the spawner's environment to the job)
    assert c.Spawner.environment["CIVICAI_DEBAT_URL"] == "http://10.20.0.5:18765/services/debat/"
    assert "CIVICAI_KIT_ROOT" in c.Spawner.environment
    server_role = next(r for r in c.JupyterHub.load_roles if r["name"] == "server")
    assert "access:services!service=debat" in server_role["scopes"]


def test_on_slurm_without_a_connect_address_the_service_stays_on_the_loopback(tmp_path):
    c = Config()
    configure_slurm(c, state_dir=tmp_path / "var", env={})
    assert _debate(c)["url"].startswith("http://127.0.0.1:")
    assert c.Spawner.environment["CIVICAI_DEBAT_URL"].startswith("http://127.0.0.1:")


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_the_service_really_listens_on_the_address_of_its_url_only(tmp_path):
    """127.0.0.2 stands for the hub node's cluster address (loopback only: no network in tests)."""
    port = _free_port("127.0.0.2")
    env = dict(os.environ, JUPYTERHUB_SERVICE_URL=f"http://127.0.0.2:{port}",
               JUPYTERHUB_API_URL="http://127.0.0.1:9/hub/api", JUPYTERHUB_API_TOKEN="jeton-de-test", JUPYTERHUB_SERVICE_PREFIX="/services/debat/",
               CIVICAI_DEBAT_DB=str(tmp_path / "debat.sqlite"))
    proc = subprocess.Popen([sys.executable, "-m", "civicai.debate.service"], env=env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        r = first_answer(f"http://127.0.0.2:{port}/services/debat/api/debates", proc)
        assert r.status_code == 403 and "Connectez-vous" in r.json()["error"]  # up, and closed to strangers
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{port}/services/debat/api/debates", timeout=5)
    finally:
        proc.terminate()
        proc.wait(10)
