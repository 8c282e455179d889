"""The sandbox a student's kernel runs in, and the checks made before grading."""

from __future__ import annotations

import os
import tempfile

import nbformat
import pytest
from nbclient import NotebookClient

from civicai.grading.autograde import compare_test_cells
from civicai.grading.sandbox import SandboxPolicy, SandboxUids, make_kernel_manager_class


def test_edited_and_deleted_test_cells_are_named():
    def nb(*cells):
        return {"cells": [{"cell_type": "code", "source": src,
                           "metadata": {"nbgrader": {"grade": True, "solution": False, "grade_id": gid}}}
                          for gid, src in cells]}

    released = nb(("t1", "assert f(1) == 2"), ("t2", "assert g() == 3"), ("t3", "assert h()"))
    submitted = nb(("t1", "assert f(1) == 2\n"), ("t2", "assert True"))
    codes = {(f.code, f.detail) for f in compare_test_cells(released, submitted)}
    assert codes == {("cellule-test-modifiee", "t2"), ("cellule-test-supprimee", "t3")}


def test_two_batches_never_share_a_sandbox_uid(tmp_path, monkeypatch):
    if os.geteuid() != 0:
        pytest.skip("sandbox uids exist only when grading runs as root")
    monkeypatch.setenv("CIVICAI_SANDBOX_LOCKS", str(tmp_path / "locks"))
    with SandboxUids(2, base=63000) as a, SandboxUids(2, base=63000) as b:
        assert len(set(a.uids) | set(b.uids)) == 4
    with SandboxUids(2, base=63000) as c:  # released: reused
        assert c.uids == a.uids


@pytest.mark.slow
def test_kernel_runs_elsewhere_and_cannot_read_forbidden_folders(tmp_path):
    """Where does the kernel run, as whom, and what happens when it opens the course folder?"""
    work = tempfile.mkdtemp(prefix="civicai-test-sandbox-")
    os.chmod(work, 0o711)
    sandbox = os.path.join(work, "sandbox")
    os.mkdir(sandbox)
    secret = tmp_path / "courses" / "essai"
    secret.mkdir(parents=True)
    (secret / "gradebook.db").write_text("notes")
    alerts = os.path.join(work, "alerts")
    fd = os.open(alerts, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    uid = 63500 if os.geteuid() == 0 else None
    policy = SandboxPolicy(workdir=sandbox, uid=uid, forbidden=[str(secret)], alert_fd=fd, memory_bytes=1024**3)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in (
        "import os; print(os.getuid(), os.getcwd())",
        f"print(open({str(secret / 'gradebook.db')!r}).read())",
        f"print(os.listdir({str(secret)!r}))",
        "import resource; print(resource.getrlimit(resource.RLIMIT_AS)[0])",
    )])
    client = NotebookClient(nb, timeout=60, kernel_manager_class=make_kernel_manager_class(policy), allow_errors=True)
    client.execute()
    os.close(fd)
    out = [c.outputs[0] for c in nb.cells]
    got_uid, cwd = out[0]["text"].split()
    assert os.path.realpath(cwd) == os.path.realpath(sandbox)
    if uid is not None:
        assert int(got_uid) == uid
    assert out[1]["output_type"] == "error" and out[1]["ename"] == "PermissionError"
    assert out[2]["output_type"] == "error"
    assert int(out[3]["text"]) == 1024**3
    assert str(secret / "gradebook.db") in open(alerts).read()
