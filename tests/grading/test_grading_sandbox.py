"""The sandbox a student's kernel runs in (bubblewrap, allow-list) and the refusal to grade without it."""

from __future__ import annotations

import os
import socket
import tempfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from gradingtools import REPO, mini_course_factory, submit_directly, SUBMISSIONS  # noqa: F401

from civicai.errors import UserError
from civicai.grading import isolation
from civicai.grading.intake import compare_test_cells
from civicai.grading.provisioner import make_kernel_manager_class
from civicai.grading.sandbox import SandboxPolicy, SandboxUids


def test_edited_and_deleted_test_cells_are_named():
    def nb(*cells):
        return {"cells": [{"cell_type": "code", "source": src,
                           "metadata": {"nbgrader": {"grade": True, "solution": False, "grade_id": gid}}}
                          for gid, src in cells]}

    released = nb(("t1", "assert f(1) == 2"), ("t2", "assert g() == 3"), ("t3", "assert h()"))
    submitted = nb(("t1", "assert f(1) == 2\n"), ("t2", "assert True"))
    assert set(compare_test_cells(released, submitted)) == {("cellule-test-modifiee", "t2"),
                                                            ("cellule-test-supprimee", "t3")}


def test_two_batches_never_share_a_sandbox_uid(tmp_path, monkeypatch):
    if os.geteuid() != 0:
        pytest.skip("sandbox uids exist only when grading runs as root")
    monkeypatch.setenv("CIVICAI_SANDBOX_LOCKS", str(tmp_path / "locks"))
    with SandboxUids(2, base=63000) as a, SandboxUids(2, base=63000) as b:
        assert len(set(a.uids) | set(b.uids)) == 4
    with SandboxUids(2, base=63000) as c:  # released: reused
        assert c.uids == a.uids


def test_the_allow_list_names_no_checkout_folder_but_the_package():
    roots = isolation.readonly_roots()
    assert str(REPO / "civicai") in roots or not (REPO / "civicai").is_dir() or any(
        str(REPO / "civicai").startswith(r + "/") for r in roots)
    assert str(REPO) not in roots and str(REPO / "tests") not in roots


@pytest.mark.slow
def test_the_kernel_sees_its_folder_and_a_read_only_python_only(tmp_path):
    """What exists for the kernel, checked by the operating system (a child process, not Python's hooks)."""
    work = tempfile.mkdtemp(prefix="civicai-test-sandbox-")
    os.chmod(work, 0o777)
    secret = tmp_path / "courses" / "essai"
    secret.mkdir(parents=True)
    (secret / "gradebook.db").write_text("notes")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    on_the_way = {Path(*Path(r).parts[:len(Path.home().parts) + 1]).name for r in isolation.readonly_roots()}
    # not the kernel's own folder: run as an ordinary user, TMPDIR is that user's home, so ``work`` lies in it
    home_files = [str(p) for p in Path.home().iterdir() if p.name not in on_the_way
                  and not Path(work).resolve().is_relative_to(p.resolve())][:3] or [str(Path.home())]
    uid = 63500 if os.geteuid() == 0 else None
    if uid is not None:
        os.chown(work, uid, uid)
    policy = SandboxPolicy(workdir=work, uid=uid, memory_bytes=1024**3, readable=isolation.readonly_roots())
    probe = {
        "who": "import os; print(os.getuid(), os.path.realpath(os.getcwd()))",
        "cat": "import subprocess\n"
               f"for p in [{str(secret / 'gradebook.db')!r}, '/etc/passwd', {str(REPO / 'tests')!r}, "
               f"{str(REPO / 'exercises' / 'source')!r}, *{home_files!r}]:\n"
               "    r = subprocess.run(['ls', p], capture_output=True)\n"
               "    print(p, r.returncode)",
        "package": f"import os; print(os.path.isdir({str(REPO / 'civicai')!r}))",
        "write": f"import subprocess; print(subprocess.run(['touch', {str(REPO / 'civicai' / 'x')!r}]).returncode)",
        "net": f"import socket\ntry:\n    socket.create_connection(('127.0.0.1', {port}), timeout=2); print('connecte')\n"
               "except OSError as e:\n    print('refuse', type(e).__name__)",
        "procs": "import os; print(len([p for p in os.listdir('/proc') if p.isdigit()]))",
        "limit": "import resource; print(resource.getrlimit(resource.RLIMIT_AS)[0])",
        "runtime": "import os; print(os.environ['JUPYTER_RUNTIME_DIR'], sorted(os.listdir('.kernel')))",
    }
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in probe.values()])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    try:
        NotebookClient(nb, timeout=60, kernel_manager_class=make_kernel_manager_class(policy),
                       allow_errors=True).execute()
    finally:
        listener.close()
    out = dict(zip(probe, ["".join(o.get("text", "") for o in c.outputs) or str(c.outputs) for c in nb.cells]))
    got_uid, cwd = out["who"].split()
    assert cwd == os.path.realpath(work)
    if uid is not None:
        assert int(got_uid) == uid
    for line in out["cat"].strip().splitlines():  # none of them exists in the sandbox
        assert line.split()[-1] != "0", line
    assert out["package"].strip() == "True"
    assert out["write"].strip() != "0"
    assert out["net"].startswith("refuse")
    assert int(out["procs"]) <= 4  # its own PID namespace: bubblewrap's init, the kernel, the probe
    assert int(out["limit"]) == 1024**3
    runtime, files = out["runtime"].split(" ", 1)  # internal names in English: .kernel/connection.json
    assert runtime == os.path.join(work, ".kernel") and "'connection.json'" in files


def test_no_kernel_starts_without_bubblewrap(tmp_path, monkeypatch):
    """The provisioner itself refuses: the kernel never starts unsandboxed, whatever calls it."""
    monkeypatch.setenv(isolation.BWRAP_ENV, str(tmp_path / "nulle-part" / "bwrap"))
    policy = SandboxPolicy(workdir=str(tmp_path))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("open('preuve', 'w').write('x')")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    with pytest.raises(UserError, match="bubblewrap"):
        NotebookClient(nb, timeout=30, kernel_manager_class=make_kernel_manager_class(policy)).execute()
    assert not (tmp_path / "preuve").exists()


@pytest.mark.slow  # starts a process (nbgrader, in mini_course_factory)
@pytest.mark.parametrize("how", ["configured-path-nowhere", "not-on-path", "broken-binary"])
def test_grading_refuses_to_run_without_isolation(mini_course_factory, tmp_path, monkeypatch, how):
    from civicai.grading.autograde import autograde

    course = mini_course_factory(tmp_path / "var")
    submit_directly(course, "correct", SUBMISSIONS / "correct.ipynb")
    if how == "configured-path-nowhere":
        monkeypatch.setenv(isolation.BWRAP_ENV, "/nulle-part/bwrap")
    elif how == "not-on-path":
        monkeypatch.delenv(isolation.BWRAP_ENV, raising=False)
        monkeypatch.setenv("PATH", str(tmp_path / "vide"))
    else:
        monkeypatch.setenv(isolation.BWRAP_ENV, "/bin/false")
    with pytest.raises(UserError) as err:
        autograde(course, "mini", workers=1)
    assert "Correction refusée" in str(err.value) and "bubblewrap" in str(err.value)
    assert not (course.root / "autograded").exists()
    with course.gradebook() as gb:
        assert gb.find_assignment("mini").submissions == []
