"""One submission graded by ``nbgrader autograde`` in a throw-away course, in a forked child of the batch.

nbgrader's own ``Autograde`` converter and preprocessor list, with its ``Execute`` replaced (through the
documented ``Autograde.autograde_preprocessors`` setting) by :class:`SafeExecute`, which:

* starts the kernel with :mod:`civicai.grading.provisioner` (bubblewrap sandbox) and refuses to run a
  cell if the kernel was not started that way;
* runs every test cell through :mod:`civicai.grading.pristine` (libraries, builtins and teacher values as
  they were), and records what each teacher cell binds;
* caps the output while it arrives and notes timeouts, ``sys.exit`` and dead or stuck kernels as flags.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from civicai.grading import pristine
from civicai.grading.rigging import bindings, cell_kind


def _note(flag_file: Path, code: str, detail: str = "") -> None:
    with open(flag_file, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"code": code, "detail": detail}) + "\n")


def safe_execute_class(output_cap: int, flag_file: Path, km_class):
    from nbclient.exceptions import DeadKernelError
    from nbgrader.preprocessors import Execute

    from civicai.grading.provisioner import is_isolated

    class SafeExecute(Execute):
        """nbgrader's Execute: sandboxed kernel, pristine tests, output cap enforced while the output arrives."""

        _sizes: dict = {}

        def __init__(self, *args, **kwargs):
            kwargs["kernel_manager_class"] = km_class  # nbgrader's own __init__ would impose its default
            super().__init__(*args, **kwargs)

        def start_new_kernel_client(self):
            kc = super().start_new_kernel_client()
            if not is_isolated(self.km):  # an upstream change bypassed the provisioner: stop here
                raise RuntimeError("kernel not isolated: grading refused")
            return kc

        def preprocess_cell(self, cell, resources, index):
            kind = cell_kind(cell) if cell.cell_type == "code" else "other"
            if kind == "test":
                original = cell.source
                cell.source = pristine.wrap_test(original)
                try:
                    return super().preprocess_cell(cell, resources, index)
                finally:
                    cell.source = original
            result = super().preprocess_cell(cell, resources, index)
            if kind == "teacher":
                names, _ = bindings(cell)
                if names:
                    self.wait_for_reply(self.kc.execute(pristine.record_code(sorted(names)), silent=True,
                                                        store_history=False))
            return result

        def output(self, outs, msg, display_id, cell_index):
            content = msg.get("content", {})
            size = len(content.get("text", "")) + sum(len(str(v)) for v in content.get("data", {}).values())
            total = self._sizes.get(cell_index, 0) + size
            self._sizes[cell_index] = total
            if total > output_cap:
                if total - size <= output_cap:
                    _note(flag_file, "sortie-enorme", f"cellule {cell_index + 1}")
                    from nbformat.v4 import new_output

                    outs.append(new_output("stream", name="stderr",
                                           text="\n[Sortie coupée pendant la correction : trop longue.]\n"))
                return None
            return super().output(outs, msg, display_id, cell_index)

        def on_cell_executed(self, **kwargs):
            reply = kwargs["execute_reply"]["content"]
            if reply.get("status") == "error":
                if reply.get("ename") == "CellTimeoutError":
                    _note(flag_file, "delai-cellule", f"cellule {kwargs['cell_index'] + 1}")
                elif reply.get("ename") == "SystemExit":
                    _note(flag_file, "sys-exit", f"cellule {kwargs['cell_index'] + 1}")
            return super().on_cell_executed(**kwargs)

        def preprocess(self, nb, resources=None, km=None):
            try:
                return super().preprocess(nb, resources, km=km)
            except DeadKernelError:
                _note(flag_file, "noyau-arrete")
                raise
            except Exception as exc:  # CellTimeoutError while waiting for output: kernel stuck
                if type(exc).__name__ in ("CellTimeoutError", "TimeoutError", "UnresponsiveKernelError"):
                    _note(flag_file, "noyau-bloque")
                raise

    return SafeExecute


def grade_in_child(job: dict, template_key: str = "") -> None:
    """Run in a forked child: grade one submission in ``job['workdir']``, write result.json there."""
    os.setsid()
    work = Path(job["workdir"])
    started = time.perf_counter()
    result_path = work / "result.json"
    flag_file = work / "flags.jsonl"
    alert_path = work / "alerts.jsonl"
    student, assignment, course_id = job["student"], job["assignment"], job["course_id"]
    try:
        from nbgrader.apps import NbGraderAPI
        from nbgrader.converters import Autograde
        from nbgrader.coursedir import CourseDirectory
        from nbgrader.preprocessors import Execute
        from traitlets.config import Config

        from civicai.grading.provisioner import make_kernel_manager_class
        from civicai.grading.sandbox import SandboxPolicy

        _no_sync_for_copies()
        course = work / "course"
        alert_fd = os.open(alert_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.set_inheritable(alert_fd, True)
        policy = SandboxPolicy(workdir=job["slot_dir"], uid=job["uid"], memory_bytes=job["memory_bytes"],
                               cpu_seconds=int(job["submission_timeout"]) + 5, file_bytes=job["file_bytes"],
                               max_processes=job["max_processes"], readable=job["readable"],
                               pristine=job["pristine"], alert_fd=alert_fd,
                               kit_root=job.get("kit_root"))
        cfg = Config()
        cfg.CourseDirectory.root = str(course)
        cfg.CourseDirectory.course_id = course_id
        cfg.CourseDirectory.db_url = f"sqlite:///{course / 'gradebook.db'}"
        cfg.LimitOutput.max_lines = 1000
        cfg.LimitOutput.max_traceback = 100
        safe = safe_execute_class(job["output_cap"], flag_file, make_kernel_manager_class(policy, template_key))
        cfg.SafeExecute.timeout = job["cell_timeout"]
        cfg.SafeExecute.kernel_name = "python3"
        cfg.Autograde.autograde_preprocessors = [safe if p is Execute else p
                                                 for p in Autograde.class_traits()["autograde_preprocessors"].default()]
        api = NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)
        res = api.autograde(assignment, student, force=True, create=True)
        os.close(alert_fd)
        out = {"ok": bool(res.get("success")), "log": (res.get("log") or "")[-4000:] + (res.get("error") or "")[-4000:]}
        out.update(_read_scores(course, course_id, assignment, student))
        _flag_limit_errors(course / "autograded" / student / assignment, flag_file)
    except BaseException as exc:  # the child must always leave a result
        out = {"ok": False, "log": f"{type(exc).__name__}: {exc}"}
    out["seconds"] = time.perf_counter() - started
    tmp = result_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(out))
    tmp.replace(result_path)
    os._exit(0)


def _no_sync_for_copies():
    """In this child only: SQLite writes the throw-away gradebook copy without waiting for the disk.

    nbgrader commits about 40 times per submission; each commit waited for the disk (``fsync``). The copy is
    read back by this same process and then deleted; the real gradebook is written by the batch, as before.
    Through SQLAlchemy's documented ``connect`` event, for every engine this process creates; returns the listener."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def pragmas(dbapi_connection, _record):
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA journal_mode=MEMORY")
            cursor.close()

    event.listen(Engine, "connect", pragmas)
    return pragmas


def _flag_limit_errors(folder: Path, flag_file: Path) -> None:
    """Errors in the graded notebooks that show a limit was hit (memory, processes)."""
    found = set()
    for nbfile in folder.glob("*.ipynb"):
        try:
            cells = json.loads(nbfile.read_text(encoding="utf-8")).get("cells", [])
        except ValueError:
            continue
        for i, cell in enumerate(cells):
            for out in cell.get("outputs", []):
                if out.get("output_type") != "error":
                    continue
                if out.get("ename") == "MemoryError":
                    found.add(("limite-memoire", f"cellule {i + 1}"))
                elif out.get("ename") == "BlockingIOError" or "Resource temporarily unavailable" in out.get("evalue", ""):
                    found.add(("limite-processus", f"cellule {i + 1}"))
    for code, detail in sorted(found):
        _note(flag_file, code, detail)


def _read_scores(course: Path, course_id: str, assignment: str, student: str) -> dict:
    from nbgrader.api import Gradebook, MissingEntry

    grades, comments, timestamp = [], [], None
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id) as gb:
        try:
            sub = gb.find_submission(assignment, student)
        except MissingEntry:
            return {"grades": [], "comments": []}
        timestamp = sub.timestamp.isoformat() if sub.timestamp else None
        for nb in sub.notebooks:
            for g in nb.grades:
                grades.append({"notebook": nb.name, "grade_id": g.name, "auto_score": g.auto_score,
                               "max_score": g.max_score, "needs_manual_grade": g.needs_manual_grade})
            for c in nb.comments:
                comments.append({"notebook": nb.name, "cell": c.name, "auto_comment": c.auto_comment})
    return {"grades": grades, "comments": comments, "timestamp": timestamp}
