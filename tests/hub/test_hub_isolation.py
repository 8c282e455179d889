"""Three participants on a real hub run as root: can one of them touch anyone else, or the hub?

Each participant's kernel runs under their own Unix account. From inside alice's kernel we try
what a curious or careless participant would: read or change bruno's files, the hub's secrets,
database and cookie secret, a course's source and gradebook, the kit's checkout; signal bruno's
processes; run a fork loop and a memory hog. Bruno and chloé must not notice. JupyterLab settings
stay per person, and nothing is written outside the state folder.
"""

from __future__ import annotations

import os
import pwd
import time
from pathlib import Path

import psutil
import pytest
import requests

from hubtools import RunningHub
from testkit import REPO

pytestmark = [pytest.mark.hub, pytest.mark.slow,
              pytest.mark.skipif(os.geteuid() != 0, reason="one Unix account per participant needs root")]
PEOPLE = ("alice", "bruno", "chloe")
THEMES = "lab/api/settings/@jupyterlab/apputils-extension:themes"


def outside_files(roots, uids, state_dir, since):
    """Files owned by the participants' accounts, changed since ``since``, outside the state folder.

    (The accounts outlive a test run: other runs' state folders may hold their older files.)"""
    found = []
    for root in roots:
        for path, dirs, files in os.walk(root):
            if Path(path).resolve().is_relative_to(state_dir.resolve()):
                dirs[:] = []
                continue
            for entry in dirs + files:
                try:
                    st = os.lstat(os.path.join(path, entry))
                    if st.st_uid in uids and st.st_ctime >= since:
                        found.append(os.path.join(path, entry))
                except OSError:
                    pass
    return found


def listing(home: Path) -> set[str]:
    return {str(p.relative_to(home)) for p in home.rglob("*")}


@pytest.fixture(scope="module")
def hub(open_tmp):
    from civicai.grading.course import create_course
    from civicai.grading.roster import import_roster

    base = open_tmp("isolation")
    operator_home = base / "operator-home"
    operator_home.mkdir()
    (operator_home / ".bashrc").write_text("# the operator's own file\n")
    state = base / "var"
    course = create_course(state, "classe-test", assignments=["mini"], generate=False,
                           source_root=REPO / "tests" / "grading" / "fixtures" / "source", teachers=["prof"])
    (base / "classe.csv").write_text("identifiant,prénom,nom,email\nalice,Alice,Martin,a@example.org\n", encoding="utf-8")
    import_roster(course, base / "classe.csv")  # makes the course's gradebook
    started = time.time()
    h = RunningHub(state, extra_env={"HOME": str(operator_home)}).start(timeout=240)
    h.started = started
    h.operator_home, h.operator_before, h.course = operator_home, listing(operator_home), course
    try:
        h.create_users(*PEOPLE)
        h.spawn_seconds = {n: h.spawn(n) for n in PEOPLE}
        h.tokens = {n: h.user_token(n) for n in PEOPLE}
        h.accounts = {n: pwd.getpwnam(f"civicai-{n}") for n in PEOPLE}
        h.kernels = {n: h.run_code(n, h.tokens[n], "x = 1")["kernel_id"] for n in PEOPLE}
        yield h
    finally:
        h.stop()


def run(hub, name, code, **kw):
    return hub.run_code(name, hub.tokens[name], code, kernel_id=hub.kernels[name], **kw)


def test_each_kernel_runs_under_its_own_account_with_a_private_home(hub):
    for name in PEOPLE:
        out = run(hub, name, "import os, pwd; print(pwd.getpwuid(os.getuid()).pw_name, os.getcwd())")
        assert out["stdout"].split() == [f"civicai-{name}", str(hub.state_dir / "homes" / name)], out
        st = (hub.state_dir / "homes" / name).stat()
        assert st.st_uid == hub.accounts[name].pw_uid and st.st_mode & 0o777 == 0o700
    print("spawn-to-ready with accounts (s):", hub.spawn_seconds)


def test_a_kernel_cannot_read_or_write_anything_of_the_others_or_of_the_hub(hub):
    (hub.state_dir / "homes" / "bruno" / "journal.txt").write_text("secret de bruno")
    state, course = hub.state_dir, hub.course.root
    targets = [state / "homes" / "bruno" / "journal.txt", state / "homes" / "bruno" / "modules",
               state / "secrets.json", state / "jupyterhub.sqlite", state / "jupyterhub_cookie_secret",
               course / "source" / "mini", course / "gradebook.db", course / "nbgrader_config.py"]
    assert all(p.exists() for p in targets), [p for p in targets if not p.exists()]
    probe = f"""
import os
for p in {[str(p) for p in targets]!r} + [{str(state / 'homes')!r}]:
    for what, attempt in (("read", lambda: os.listdir(p) if os.path.isdir(p) else open(p, "rb").read(1)),
                          ("write", lambda: open(os.path.join(p, "x") if os.path.isdir(p) else p, "ab"))):
        try:
            attempt()
            print("ALLOWED", what, p)
        except PermissionError:
            pass
for p in ({str(REPO / 'README.md')!r}, {str(REPO / 'civicai' / 'paths.py')!r}):
    try:
        open(p, "ab")
        print("ALLOWED write", p)
    except PermissionError:
        pass
print("done")
"""
    out = run(hub, "alice", probe)
    assert out["stdout"].strip() == "done", out


def test_a_kernel_cannot_signal_another_participants_processes(hub):
    bruno = [p.pid for p in psutil.process_iter(["uids"]) if p.info["uids"].real == hub.accounts["bruno"].pw_uid]
    assert len(bruno) >= 2, "bruno's server and kernel"
    out = run(hub, "alice", f"""
import os, signal
for pid in {bruno!r}:
    try:
        os.kill(pid, signal.SIGTERM)
        print("KILLED", pid)
    except PermissionError:
        pass
print("done")
""")
    assert out["stdout"].strip() == "done", out
    assert all(psutil.pid_exists(pid) for pid in bruno)


def test_one_participants_theme_does_not_change_anothers(hub):
    def theme(name):
        r = requests.get(f"{hub.url}/user/{name}/{THEMES}", headers={"Authorization": f"token {hub.tokens[name]}"},
                         timeout=30)
        assert r.status_code == 200, r.text
        return r.json()["settings"].get("theme")

    before = theme("bruno")
    r = requests.put(f"{hub.url}/user/alice/{THEMES}", headers={"Authorization": f"token {hub.tokens['alice']}"},
                     json={"raw": '{"theme": "JupyterLab Dark"}'}, timeout=30)
    assert r.status_code == 204, r.text
    assert theme("alice") == "JupyterLab Dark"
    assert theme("bruno") == before != "JupyterLab Dark"
    saved = hub.state_dir / "homes" / "alice" / ".jupyter" / "lab" / "user-settings" / "@jupyterlab"
    assert (saved / "apputils-extension" / "themes.jupyterlab-settings").is_file()


def test_a_fork_loop_stops_at_its_limit_and_the_others_stay_responsive(hub):
    uid = hub.accounts["alice"].pw_uid
    run(hub, "alice", """
import subprocess, sys
loop = subprocess.Popen([sys.executable, "-c",
    "import os, time\\nwhile True:\\n    try:\\n        os.fork()\\n    except OSError:\\n        time.sleep(0.01)"])
""")
    time.sleep(5)
    blocked = run(hub, "alice", "import subprocess\nsubprocess.run(['true'])", timeout=30)
    assert "Limite atteinte" in blocked["stdout"], blocked  # the kernel says why, in French
    count = sum(1 for p in psutil.process_iter(["uids"]) if p.info["uids"].real == uid)
    t0 = time.perf_counter()
    out = run(hub, "bruno", "print(sum(range(10**6)))", timeout=30)
    bruno_s = time.perf_counter() - t0
    assert out["stdout"].strip() == str(sum(range(10**6)))
    print(f"alice's processes during the fork loop: {count}; bruno's cell answered in {bruno_s:.2f} s")
    assert count <= 256 + 8, count
    assert bruno_s < 10
    hub.stop_server("alice")  # everything of alice's ends with her server
    time.sleep(1)
    assert not [p for p in psutil.process_iter(["uids"]) if p.info["uids"].real == uid]
    hub.spawn("alice")
    hub.kernels["alice"] = hub.run_code("alice", hub.tokens["alice"], "x = 1")["kernel_id"]


def test_a_memory_hog_is_stopped_and_the_others_stay_responsive(hub):
    out = run(hub, "chloe", "b = bytearray(4 * 1024**3)\nb[::4096] = b'x' * len(b[::4096])\nprint('survived')",
              timeout=120)
    assert out["died"] and "survived" not in out["stdout"], out
    assert run(hub, "bruno", "print('ok')", timeout=30)["stdout"].strip() == "ok"
    assert hub.api("GET", "/users/chloe").json()["servers"][""]["ready"] is True


def test_nothing_is_written_outside_the_state_folder(hub):
    assert listing(hub.operator_home) == hub.operator_before
    uids = {a.pw_uid for a in hub.accounts.values()}
    roots = [r for r in ("/tmp", "/var/tmp", "/dev/shm", "/root", str(REPO)) if os.path.isdir(r)]
    assert outside_files(roots, uids, hub.state_dir, hub.started) == []


def test_the_state_folder_modes(hub):
    mode = lambda p: (hub.state_dir / p).stat().st_mode & 0o7777  # noqa: E731
    assert mode(".") == 0o711 and mode("homes") == 0o711 and mode("exchange") == 0o1777
    for private in ("secrets.json", "jupyterhub.sqlite", "jupyterhub_cookie_secret"):
        assert mode(private) & 0o077 == 0, private
