"""Without the privilege to make accounts, does the hub refuse participants, and say why in French?

As root, the hub is run by an ordinary account made here (useradd, then setpriv); run as an
ordinary user, the tests use that user. Only the explicit demonstration mode lets people in, and
then the banner and the login page say that nobody is separated.
"""

from __future__ import annotations

import os
import pwd
import subprocess

import pytest
import requests

from hubtools import RunningHub

OPERATOR = "civicai-test-operateur"


@pytest.fixture
def ordinary(open_tmp):
    """(command prefix, state folder) for a hub run by an account without privilege."""
    tmp_path = open_tmp("fail-safe")
    state = tmp_path / "var"
    state.mkdir()
    if os.geteuid() != 0:
        return (), state
    subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", OPERATOR], capture_output=True)
    uid = pwd.getpwnam(OPERATOR).pw_uid
    for path in (tmp_path, state):
        os.chown(path, uid, -1)
    return ("setpriv", f"--reuid={OPERATOR}", f"--regid={OPERATOR}", "--clear-groups", "--"), state


@pytest.mark.hub
@pytest.mark.slow
def test_an_unprivileged_hub_refuses_participants_in_french(ordinary):
    prefix, state = ordinary
    hub = RunningHub(state, prefix=prefix, extra_env={"HOME": str(state.parent)}, demonstration=False)
    r = subprocess.run(hub.command(), capture_output=True, text=True, timeout=120, env=hub.env, cwd="/")
    assert r.returncode == 2, r.stdout + r.stderr
    [line] = r.stderr.strip().splitlines()
    assert line.startswith("Erreur : ce hub ne peut pas accueillir de participants"), line
    assert "--mode-demonstration" in line and "sudo" in line
    assert not (state / "jupyterhub.sqlite").exists()


@pytest.mark.hub
@pytest.mark.slow
def test_the_demonstration_mode_lets_people_in_and_says_so(ordinary):
    prefix, state = ordinary
    hub = RunningHub(state, prefix=prefix, args=("--mode-demonstration",),
                     extra_env={"HOME": str(state.parent)}).start(timeout=180)
    try:
        assert "MODE DÉMONSTRATION" in hub.log()
        page = requests.get(f"{hub.url}/hub/login", timeout=30).content.decode("utf-8")
        assert "Mode démonstration : ce hub ne sépare pas les personnes" in page
        hub.create_users("dominique")
        hub.spawn("dominique")
        out = hub.run_code("dominique", hub.user_token("dominique"), "import os, pwd; print(pwd.getpwuid(os.getuid()).pw_name)")
        assert out["stdout"].strip() == (OPERATOR if prefix else pwd.getpwuid(os.getuid()).pw_name)
    finally:
        hub.stop()
