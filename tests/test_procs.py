"""civicai.procs and civicai.errors.read_json: the small shared pieces the services and the grading rely on."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from civicai import procs
from civicai.errors import UserError, read_json

STUBBORN = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('prêt', flush=True); time.sleep(60)"


@pytest.mark.slow
def test_a_child_is_asked_then_forced_and_always_waited_for():
    polite = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    procs.stop(polite, 10)
    assert polite.returncode == -signal.SIGTERM
    stubborn = subprocess.Popen([sys.executable, "-c", STUBBORN], stdout=subprocess.PIPE, text=True)
    assert stubborn.stdout.readline().strip() == "prêt"  # its SIGTERM handler is in place
    t0 = time.monotonic()
    procs.stop(stubborn, 0.5)
    assert stubborn.returncode == -signal.SIGKILL and time.monotonic() - t0 < 10


@pytest.mark.slow
def test_a_process_group_is_killed_and_a_gone_one_is_no_error():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
    procs.kill_group(child.pid)
    assert child.wait(10) == -signal.SIGKILL
    procs.kill_group(child.pid)  # already gone (and reaped)


def test_read_json_absent_broken_and_good(tmp_path):
    path = tmp_path / "etat.json"
    assert read_json(path, "refaites-le.") is None
    path.write_text("{pas du json", encoding="utf-8")
    with pytest.raises(UserError, match=r"illisible : refaites-le\.$"):
        read_json(path, "refaites-le.")
    path.write_text('{"nom": "Lune"}', encoding="utf-8")
    assert read_json(path, "refaites-le.") == {"nom": "Lune"}
