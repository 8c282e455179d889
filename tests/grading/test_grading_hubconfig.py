"""nbgrader on the hub: configure() on a plain traitlets Config, as JupyterHub would load it."""

from __future__ import annotations

import json
import sqlite3

from traitlets.config import Config

from civicai.grading.hubconfig import configure, student_nbgrader_config


def make_course(state, cid, teachers, students):
    root = state / "courses" / cid
    root.mkdir(parents=True)
    (root / "nbgrader_config.py").write_text("c = get_config()\n")
    (root / "civicai-cours.json").write_text(json.dumps({"formateurs": teachers}))
    db = sqlite3.connect(root / "gradebook.db")
    db.execute("CREATE TABLE student (id TEXT PRIMARY KEY)")
    db.executemany("INSERT INTO student VALUES (?)", [(s,) for s in students])
    db.commit()
    db.close()
    return root


def test_two_courses_get_their_own_groups_roles_and_formgrader(tmp_path):
    state = tmp_path / "var"
    a = make_course(state, "classe-a", ["prof-a"], ["alice", "bruno"])
    make_course(state, "classe-b", ["prof-b"], ["chloe"])
    c = Config()
    # what the shared hub configuration already set
    c.JupyterHub.load_groups = {"formateurs": {"users": ["prof-a", "prof-b"]}}
    c.JupyterHub.services = [{"name": "civicai", "api_token": "x"}]
    c.JupyterHub.load_roles = [{"name": "civicai-tools", "services": ["civicai"], "scopes": ["admin:users"]}]
    c.Spawner.environment = {"JUPYTER_CONFIG_PATH": "/kit/hub/singleuser", "LANG": "fr_FR.UTF-8"}

    summary = configure(c, state_dir=state)

    assert set(summary) == {"classe-a", "classe-b"}
    groups = c.JupyterHub.load_groups
    assert groups["formateurs"] == {"users": ["prof-a", "prof-b"]}  # kept
    assert groups["formgrade-classe-a"] == {"users": ["prof-a"]}
    assert groups["nbgrader-classe-a"] == {"users": ["alice", "bruno"]}
    assert groups["nbgrader-classe-b"] == {"users": ["chloe"]}

    services = {s["name"]: s for s in c.JupyterHub.services}
    assert "civicai" in services  # kept
    svc = services["formgrader-classe-a"]
    assert svc["cwd"] == str(a) and f"--ServerApp.root_dir={a}" in svc["command"]
    assert svc["url"].startswith("http://127.0.0.1:")
    assert services["formgrader-classe-a"]["url"] != services["formgrader-classe-b"]["url"]

    roles = {r["name"]: r for r in c.JupyterHub.load_roles}
    assert "civicai-tools" in roles
    assert roles["formgrade-classe-a"]["groups"] == ["formgrade-classe-a"]
    assert "access:services!service=formgrader-classe-a" in roles["formgrade-classe-a"]["scopes"]
    # a teacher of A gets no access to B's formgrader; students get no access to any formgrader
    assert not any("formgrader-classe-b" in s for s in roles["formgrade-classe-a"]["scopes"])
    assert not any(s.startswith("access:services") for s in roles["nbgrader-classe-a"]["scopes"])
    assert "read:users:groups!user" in roles["server"]["scopes"]

    # participants' servers: the generated nbgrader config is on JUPYTER_CONFIG_PATH, after the kit's
    paths = c.Spawner.environment["JUPYTER_CONFIG_PATH"].split(":")
    assert paths[0] == "/kit/hub/singleuser"
    conf = (state / "nbgrader-participants" / "nbgrader_config.py").read_text()
    assert str(state / "exchange") in conf and "path_includes_course = True" in conf
    assert "JupyterHubAuthPlugin" in conf
    assert (state / "exchange").is_dir()
    page = json.loads((state / "nbgrader-participants" / "labconfig" / "page_config.json").read_text())
    assert page["disabledExtensions"]["@jupyter/nbgrader:formgrader"] is True


def test_explicit_mapping_and_no_course(tmp_path):
    c = Config()
    assert configure(c, state_dir=tmp_path / "var") == {}
    assert list(c.JupyterHub.services) == []
    make_course(tmp_path / "var", "atelier", [], ["x"])
    c = Config()
    summary = configure(c, state_dir=tmp_path / "var", courses={"atelier": ["karim"]})
    assert summary["atelier"]["teachers"] == ["karim"]
    assert c.JupyterHub.load_groups["formgrade-atelier"] == {"users": ["karim"]}


def test_student_config_submits_under_the_hub_name(tmp_path, monkeypatch):
    """All servers share one Unix account: the config must set the student id from JUPYTERHUB_USER."""
    text = student_nbgrader_config(tmp_path / "exchange", ["prof-a"])
    for user, expected in (("alice", "alice"), ("prof-a", None)):
        monkeypatch.setenv("JUPYTERHUB_USER", user)
        c = Config()
        exec(compile(text, "nbgrader_config.py", "exec"), {"get_config": lambda: c})
        assert (c.CourseDirectory.student_id if "student_id" in c.CourseDirectory else None) == expected
        assert c.Exchange.root == str(tmp_path / "exchange")
