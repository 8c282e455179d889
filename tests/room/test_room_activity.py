"""Who is where, and who may be stuck, from the hub's user models and the servers' sessions."""

from __future__ import annotations

import time

from civicai.room.activity import notebook_of, parse_time, person

NOW = time.time()


def iso(seconds_ago: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime(NOW - seconds_ago))


def user(name="alice", ready=True):
    return {"name": name, "last_activity": iso(600), "servers": {"": {"ready": ready, "url": f"/user/{name}/"}}}


def session(path, seconds_ago=30, state="idle"):
    return {"type": "notebook", "path": path, "kernel": {"execution_state": state, "last_activity": iso(seconds_ago)}}


def test_notebook_of_finds_module_and_notebook():
    assert notebook_of("modules/02-biais-reconnaissance-faciale/02-l-audit.ipynb") == {
        "path": "modules/02-biais-reconnaissance-faciale/02-l-audit.ipynb",
        "module": "02-biais-reconnaissance-faciale", "notebook": "02-l-audit.ipynb"}
    assert notebook_of("brouillon.ipynb")["module"] == ""


def test_the_most_recent_notebook_comes_first_and_nobody_is_stuck():
    p = person(user(), [session("modules/01-a/x.ipynb", 900), session("modules/02-b/y.ipynb", 20)], {}, NOW, 10)
    assert [nb["notebook"] for nb in p["notebooks"]] == ["y.ipynb", "x.ipynb"]
    assert p["stuck"] == [] and abs(p["last_activity"] - (NOW - 20)) < 2
    assert "source" not in str(p) and "code" not in str(p)


def test_stuck_after_an_error_a_dead_kernel_or_a_long_silence():
    path = "modules/02-b/y.ipynb"
    failed = person(user(), [session(path)], {f"/home/alice/{path}": True}, NOW, 10)
    assert failed["stuck"] == ["erreur dans la dernière cellule"]
    assert person(user(), [session(path, state="dead")], {}, NOW, 10)["stuck"] == ["noyau arrêté"]
    quiet = person(user(), [session(path, 11 * 60)], {}, NOW, 10)
    assert quiet["stuck"] == ["rien depuis plus de 10 minutes"]
    assert person(user(), None, {}, NOW, 10)["stuck"][-1] == "serveur injoignable"


def test_a_stopped_server_is_not_stuck():
    p = person(dict(user(), servers={}), [], {}, NOW, 10)
    assert p["server"] == "stopped" and p["stuck"] == []
    stopping = dict(user(), servers={"": {"ready": False, "pending": "stop"}})
    assert person(stopping, [], {}, NOW, 10)["server"] == "stopping"


def test_parse_time_reads_jupyter_times():
    assert parse_time("2026-12-02T03:00:00.000000Z") == parse_time("2026-12-02T03:00:00+00:00")
    assert parse_time(None) is None and parse_time("hier") is None
