"""The grading tests again, with the grader running as an ordinary user (bubblewrap in a user namespace)."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from gradingtools import REPO

pytestmark = pytest.mark.slow
USER = "civicai-essai"


def _ordinary_user() -> int:
    try:
        return pwd.getpwnam(USER).pw_uid
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER], check=True)
        return pwd.getpwnam(USER).pw_uid


def _hidden_parent(path: Path, uid: int) -> tuple[Path, Path] | None:
    """The first folder above ``path`` that ``uid`` cannot cross (e.g. /root 0700), and its child on the way."""
    for parent in list(path.parents)[::-1][1:]:
        st = parent.stat()
        if not st.st_mode & 0o001 and st.st_uid != uid:
            return parent, Path(*path.parts[:len(parent.parts) + 1])
    return None


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("useradd") or not shutil.which("setpriv"),
                    reason="needs root to create the ordinary user, useradd and setpriv")
def test_the_hostile_suite_passes_when_the_grader_is_an_ordinary_user(tmp_path):
    uid = _ordinary_user()
    home = Path(tempfile.mkdtemp(prefix="civicai-usager-"))  # pytest's own folders are private to root
    os.chown(home, uid, uid)
    request_cleanup = home
    python = Path(sys.executable)
    inner = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--",
             "env", "-i", f"HOME={home}", f"TMPDIR={home}", "PATH=/usr/bin:/bin", "LANG=C.UTF-8",
             f"JUPYTER_CONFIG_DIR={home}/.jupyter", f"JUPYTER_DATA_DIR={home}/.local",
             f"JUPYTER_RUNTIME_DIR={home}/.run", "PYTHONDONTWRITEBYTECODE=1",
             str(python), "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", f"--basetemp={home}/pytest",
             "-o", "addopts=", str(REPO / "tests" / "grading" / "test_grading_hostile.py"),
             str(REPO / "tests" / "grading" / "test_grading_sandbox.py")]
    # The interpreter may live under a folder this user cannot cross (pyenv under /root here): in a mount
    # namespace of this test only, that folder shows just the interpreter's tree. The grader stays unprivileged.
    hidden = _hidden_parent(Path(os.path.realpath(sys.base_prefix)), uid)
    if hidden:
        parent, child = hidden
        stash = tmp_path / "interprete"
        stash.mkdir()
        script = (f'mount --rbind "{child}" "{stash}" && mount -t tmpfs -o mode=0755 tmpfs "{parent}" && '
                  f'mkdir -p "{child}" && mount --move "{stash}" "{child}" && exec "$@"')
        cmd = ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", *inner]
    else:
        cmd = inner
    try:
        done = subprocess.run(cmd, cwd=home, capture_output=True, text=True, timeout=1500)
    finally:
        shutil.rmtree(request_cleanup, ignore_errors=True)
    print(done.stdout[-4000:], done.stderr[-2000:])
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and " failed" not in done.stdout
