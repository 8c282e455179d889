"""Does `civicai servir` stop with one clear French line on bad input?"""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from testkit import REPO


def serve(*args, env=None):
    return subprocess.run([sys.executable, "-m", "civicai", "servir", *args], capture_output=True, text=True,
                          env=dict(os.environ, **(env or {})), cwd=REPO, timeout=60)


@pytest.mark.slow  # starts `civicai servir`
def test_a_port_already_in_use_is_named(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = serve("--etat", str(tmp_path / "var"), "--port", str(port))
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        f"Erreur : le port {port} est déjà utilisé sur 127.0.0.1. "
        "Arrêtez l'autre programme ou choisissez un autre port avec --port."]


@pytest.mark.slow  # starts `civicai servir`
def test_an_unwritable_state_dir_is_named(tmp_path):
    blocker = tmp_path / "un-fichier"
    blocker.write_text("")
    r = serve("--etat", str(blocker / "var"), "--port", "0")
    assert r.returncode == 2
    [line] = r.stderr.strip().splitlines()
    assert line.startswith(f"Erreur : impossible d'écrire dans le dossier d'état {blocker / 'var'}")
    assert "--etat" in line


@pytest.mark.slow  # starts `civicai servir`
def test_a_missing_proxy_says_how_to_install_it(tmp_path):
    kit = tmp_path / "kit"
    (kit / "modules").mkdir(parents=True)  # a kit folder without node_modules/
    # no proxy anywhere: not the kit's node_modules, nor one a developer installed in a venv
    env = {"CIVICAI_KIT_ROOT": str(kit), "PATH": "/usr/bin:/bin"}
    r = serve("--etat", str(tmp_path / "var"), "--port", "0", env=env)
    assert r.returncode == 2
    [line] = r.stderr.strip().splitlines()
    assert line.startswith("Erreur : le proxy configurable-http-proxy est introuvable")
    assert "make setup" in line


@pytest.mark.slow  # starts `civicai servir`
def test_help_is_in_french():
    r = subprocess.run([sys.executable, "-m", "civicai", "servir", "--help"], capture_output=True, text=True)
    assert r.returncode == 0
    assert "dossier où le hub garde sa base" in r.stdout and "options:" in r.stdout


def test_a_folder_closed_to_the_participants_accounts_is_named(open_tmp):
    from civicai.errors import UserError
    from civicai.hub.state import check_reachable

    closed = open_tmp("closed") / "ferme"
    closed.mkdir(mode=0o700)
    with pytest.raises(UserError, match=f"chmod o\\+x {closed}"):
        check_reachable(closed / "var")
    os.chmod(closed, 0o711)
    check_reachable(closed / "var")
