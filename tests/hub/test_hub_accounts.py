"""Hub names become safe, distinct Unix accounts; every per-user path sits in the home."""

from __future__ import annotations

import os
import pwd
import subprocess

import pytest

from civicai.hub.accounts import MAX_NAME, PREFIX, comment_for, ensure_account, find_account, system_name
from civicai.hub.userenv import per_user_env

NAMES = ["alice", "Zoé", "zoe", "jean-pierre", "jean pierre", "李雷", "x" * 60, "x" * 61, "a.b", "---", "root"]


def test_system_names_are_safe_short_and_distinct():
    made = [system_name(n) for n in NAMES]
    assert len(set(made)) == len(made), made
    for name in made:
        assert name.startswith(PREFIX) and len(name) <= MAX_NAME, name
        assert all(c.isascii() and (c.isalnum() or c == "-") for c in name) and name == name.lower()
        assert not name.endswith("-")
    assert system_name("alice") == "civicai-alice" and system_name("jean-pierre") == "civicai-jean-pierre"
    assert system_name("Zoé").startswith("civicai-zoe-") and system_name("zoe") == "civicai-zoe"
    assert system_name("alice", 1) != system_name("alice") and system_name("alice", 1) != system_name("alice", 2)


def test_the_comment_field_names_the_hub_user_without_forbidden_characters():
    for name in NAMES + ["a:b", "a\nb"]:
        assert ":" not in comment_for(name) and "\n" not in comment_for(name)
    assert comment_for("a:b") != comment_for("a_b")


def test_every_per_user_path_is_inside_the_home(tmp_path):
    env = per_user_env(tmp_path)
    assert env["HOME"] == str(tmp_path)
    for key in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_SETTINGS_DIR",
                "JUPYTERLAB_WORKSPACES_DIR", "IPYTHONDIR", "MPLCONFIGDIR", "XDG_CACHE_HOME"):
        assert env[key].startswith(str(tmp_path) + os.sep), key


@pytest.mark.skipif(os.geteuid() != 0, reason="making Unix accounts needs root")
@pytest.mark.slow  # starts a process (useradd, userdel)
def test_an_account_taken_by_someone_else_is_never_shared(tmp_path):
    squatter = "civicai-test-squat"
    subprocess.run(["userdel", squatter], capture_output=True)
    subprocess.run(["useradd", "--no-create-home", squatter], check=True)  # not made by the hub
    try:
        account = ensure_account("test-squat", tmp_path / "homes" / "test-squat")
        assert account.name != squatter and account.name.startswith("civicai-test-squat-")
        assert find_account("test-squat")[1].pw_uid == account.uid  # found again, same account
        home = tmp_path / "homes" / "test-squat"
        assert home.stat().st_uid == account.uid and home.stat().st_mode & 0o777 == 0o700
        assert pwd.getpwnam(account.name).pw_shell == "/usr/sbin/nologin"
    finally:
        for name in (squatter, find_account("test-squat")[0]):
            subprocess.run(["userdel", name], capture_output=True)
