"""A SLURM job's or a pod's server runs its own kernel template, as the participant (issue 22, clusters).

Without SLURM: the participant's server is started the way a job starts it (the kit's single-user
configuration, ``CIVICAI_NOYAUX_PAR_TACHE=1``, no hub-wide daemon), as an ordinary account.
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from civicai.grading.procfs import cmdline
from civicai.hub.userenv import per_user_env
from civicai.paths import hub_dir, kit_root

from kerneltools import ROOT_ONLY, alive, ask_as, children_of, parent_of, wait_for
from testkit import free_port, wait_http

pytestmark = [pytest.mark.slow, ROOT_ONLY]
NOTEBOOK = "modules/01-comment-une-ia-apprend/03-terrain-de-jeu.ipynb"  # light: forked from the job's heavy one


def _server(account, tmp: Path, port: int, log: Path) -> subprocess.Popen:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", **per_user_env(account.home),
           "TMPDIR": str(tmp), "JUPYTER_CONFIG_PATH": str(hub_dir() / "singleuser"),
           "CIVICAI_KIT_ROOT": str(kit_root()), "CIVICAI_NOYAUX_PAR_TACHE": "1"}
    return subprocess.Popen([sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={port}",
                             "--ServerApp.token=jeton", f"--ServerApp.root_dir={account.home}"],
                            env=env, cwd=account.home, user=account.uid, group=account.gid, extra_groups=[],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log.open("w"))


def test_a_jobs_server_forks_its_kernels_from_its_own_private_template(participants, shared_tmp):
    me, other = participants
    tmp = shared_tmp / f"job-tmp-{me.uid}"
    tmp.mkdir(exist_ok=True)
    os.chown(tmp, me.uid, me.gid)
    port, log = free_port(), shared_tmp / "job-server.log"
    server = _server(me, tmp, port, log)
    try:
        wait_http(f"http://127.0.0.1:{port}/api/status?token=jeton", timeout=120, proc=server)
        [folder] = glob.glob(str(tmp / "civicai-noyaux-*"))
        assert os.stat(folder).st_uid == me.uid and os.stat(folder).st_mode & 0o777 == 0o700
        sock = Path(folder) / "heavy.sock"
        wait_for(sock)
        assert not (Path(folder) / "light.sock").exists()  # one template per job, not two
        [daemon] = [p for p in children_of(server.pid) if b"civicai.kernels.daemon" in cmdline(p)]
        [template] = children_of(daemon)
        answer = requests.post(f"http://127.0.0.1:{port}/api/sessions?token=jeton", timeout=120,
                               json={"path": NOTEBOOK, "type": "notebook", "kernel": {"name": "python3"}})
        assert answer.status_code == 201, answer.text
        [kernel] = children_of(template)
        assert os.stat(f"/proc/{kernel}").st_uid == me.uid and parent_of(template) == daemon
        assert f"kernel {kernel} forked from template heavy" in log.read_text()

        code = (f"from civicai.kernels.provisioner import ask_template\n"
                f"try:\n    ask_template({str(sock)!r}, [], {{}}, '/')\nexcept OSError as e:\n    print('NO', e)")
        done = ask_as(other, code)  # a second participant's server cannot reach the first one's templates
        assert "NO" in done.stdout and "Permission denied" in done.stdout, done.stdout + done.stderr
    finally:
        server.terminate()
        server.wait(30)
    end = time.monotonic() + 15  # the daemon sees its server gone, stops its template, removes its folder
    while (os.path.exists(folder) or alive(daemon)) and time.monotonic() < end:
        time.sleep(0.2)
    assert not os.path.exists(folder)
    assert not alive(template) and not alive(daemon)

