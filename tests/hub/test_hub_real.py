"""A real hub on a free port: users, spawns, modules in homes, isolation, restarts."""

from __future__ import annotations

import json

import pytest

from hubtools import RunningHub
from testkit import REPO

pytestmark = [pytest.mark.hub, pytest.mark.slow]
MODULES = REPO / "modules"


@pytest.fixture(scope="module")
def hub(open_tmp):
    h = RunningHub(open_tmp("hub") / "var").start()
    yield h
    h.stop()


@pytest.fixture(scope="module")
def two_users(hub):
    hub.create_users("alice", "bruno")
    times = {name: hub.spawn(name) for name in ("alice", "bruno")}
    return times


def test_both_servers_spawn_and_become_ready(hub, two_users):
    for name in ("alice", "bruno"):
        server = hub.api("GET", f"/users/{name}").json()["servers"][""]
        assert server["ready"] is True
    print("spawn-to-ready (s):", two_users)


def test_each_home_holds_every_module_file(hub, two_users):
    expected = {p.relative_to(MODULES) for p in MODULES.rglob("*")
                if p.is_file() and ".ipynb_checkpoints" not in p.parts and "__pycache__" not in p.parts}
    assert expected, "modules/ is empty"
    for name in ("alice", "bruno"):
        home_modules = hub.state_dir / "homes" / name / "modules"
        delivered = {p.relative_to(home_modules) for p in home_modules.rglob("*") if p.is_file()}
        assert expected <= delivered


def test_a_users_token_cannot_reach_another_users_server_or_files(hub, two_users):
    alice = hub.user_token("alice")
    assert hub.user_get("alice", "api/contents/modules", alice).status_code == 200
    assert hub.user_get("bruno", "api/contents/modules", alice).status_code == 403
    some_file = next(p for p in MODULES.rglob("*") if p.is_file()).relative_to(MODULES).as_posix()
    assert hub.user_get("bruno", f"files/modules/{some_file}", alice).status_code == 403
    assert hub.api("GET", "/users/bruno", token=alice).status_code in (403, 404)


def test_changed_files_survive_a_stop_and_a_hub_restart(hub, two_users):
    import requests

    token = hub.user_token("alice")
    notebook = next(MODULES.glob("*/*.ipynb"), None) or next(p for p in MODULES.rglob("*") if p.is_file())
    rel = f"modules/{notebook.relative_to(MODULES).as_posix()}"
    url = f"{hub.url}/user/alice/api/contents/{rel}"
    headers = {"Authorization": f"token {token}"}
    model = requests.get(url, headers=headers, timeout=30).json()
    if model["type"] == "notebook":
        model["content"]["cells"].insert(0, {"cell_type": "markdown", "metadata": {},
                                             "source": "Ma note personnelle, à garder."})
    else:
        model["content"] = "Ma note personnelle, à garder.\n" + model["content"]
    put = requests.put(url, headers=headers, timeout=30,
                       json={k: model[k] for k in ("type", "format", "content")})
    assert put.status_code == 200, put.text

    hub.stop_server("alice")
    hub.restart()
    hub.spawn("alice")

    home_file = hub.state_dir / "homes" / "alice" / rel
    assert "Ma note personnelle, à garder." in home_file.read_text()
    # and the hub still knows both users and the facilitators' group
    assert {u["name"] for u in hub.api("GET", "/users").json()} >= {"alice", "bruno"}
    assert "formateur" in hub.api("GET", "/groups/formateurs").json()["users"]
