"""Safe, parallel autograding with nbgrader's own machinery.

nbgrader grades one submission at a time, in the course folder, with the student's kernel
running as the teacher next to the gradebook, the sources and the hidden tests. Here each
submission is graded by ``nbgrader autograde`` (nbgrader's ``Autograde`` converter, unchanged
apart from the kernel it starts) in a **throw-away copy of the course**, in a child process:

* the child gets a private copy of the gradebook and of the submission; the real gradebook is
  written only by this (parent) process, which merges each child's scores afterwards;
* the student's kernel runs in a sandbox (``civicai.grading.sandbox``): empty working folder,
  memory, CPU, file-size and process limits, another Unix user and hidden folders when running
  as root; every cell has a time limit and output is capped as it arrives;
* up to ``workers`` children run at once (default: one per core); a child that overruns its
  wall-clock budget is killed with everything it started; the batch goes on;
* kernels are forked from a warm template that imported ipykernel and the exercise's libraries
  once per batch (``civicai.grading.warmstart``), instead of importing them again per submission.

Each problem becomes a French *flag* for the teacher (``Flag``), in the command's output, in the
report saved next to the gradebook and, for the formgrader, as nbgrader's "flagged" mark.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import sqlite3
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from civicai.grading.course import Course, ensure_tools_on_path
from civicai.grading.sandbox import SandboxPolicy, SandboxUids, kill_uid
from civicai.grading.warmstart import KernelTemplate, exercise_imports

# Flag codes -> what the teacher reads (French).
FLAG_TEXT = {
    "cellule-test-modifiee": "une cellule de test a été modifiée (la version d'origine a été remise pour la correction)",
    "cellule-test-supprimee": "une cellule de test a été supprimée (elle compte 0 point)",
    "delai-cellule": "une cellule a dépassé le temps autorisé et a été interrompue",
    "noyau-bloque": "le programme ne répondait plus (boucle sans fin ?) : correction arrêtée, note à vérifier à la main",
    "noyau-arrete": "le programme s'est arrêté pendant la correction (sys.exit, os._exit, mémoire...) : note à vérifier à la main",
    "delai-depasse": "la correction a dépassé le temps total autorisé : copie arrêtée, note à vérifier à la main",
    "sortie-enorme": "la copie affiche une sortie énorme : elle a été coupée",
    "acces-interdit": "la copie a essayé de lire ou d'écrire un dossier interdit (tests cachés, sources, carnet de notes)",
    "echec-correction": "nbgrader n'a pas pu corriger cette copie : note à vérifier à la main",
    "sys-exit": "la copie appelle sys.exit() (sans effet sur la correction)",
    "limite-memoire": "la copie a demandé trop de mémoire : elle a été arrêtée à la limite",
    "limite-processus": "la copie lance trop de processus (boucle de fork ?) : elle a été arrêtée à la limite",
}


@dataclass
class Flag:
    code: str
    detail: str = ""

    @property
    def text(self) -> str:
        base = FLAG_TEXT.get(self.code, self.code)
        return f"{base} ({self.detail})" if self.detail else base


@dataclass
class SubmissionResult:
    student: str
    assignment: str
    ok: bool = False
    score: float = 0.0
    max_score: float = 0.0
    seconds: float = 0.0
    flags: list[Flag] = field(default_factory=list)
    grades: list[dict] = field(default_factory=list)  # notebook, grade_id, auto_score, max_score, manual
    comments: list[dict] = field(default_factory=list)
    timestamp: str | None = None
    log_tail: str = ""

    @property
    def needs_review(self) -> bool:
        benign = ("sortie-enorme", "sys-exit", "delai-cellule", "limite-memoire", "limite-processus")
        return not self.ok or any(f.code not in benign for f in self.flags)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["flags"] = [{"code": f.code, "detail": f.detail, "texte": f.text} for f in self.flags]
        return d


@dataclass
class Limits:
    cell_timeout: int = 10
    submission_timeout: float = 120.0
    memory_bytes: int = 3 * 1024**3
    max_processes: int = 64
    output_bytes_per_cell: int = 1_000_000
    file_bytes: int = 64 * 1024**2


# --- checks made before running anything -------------------------------------------------------

def compare_test_cells(released: dict, submitted: dict) -> list[Flag]:
    """Flags for test cells (locked grade cells) the student changed or removed."""
    def test_cells(nb):
        out = {}
        for cell in nb.get("cells", []):
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("grade") and not meta.get("solution") and meta.get("grade_id"):
                src = cell.get("source", "")
                out[meta["grade_id"]] = "".join(src) if isinstance(src, list) else src
        return out

    ref, got = test_cells(released), test_cells(submitted)
    flags = []
    for gid, src in ref.items():
        if gid not in got:
            flags.append(Flag("cellule-test-supprimee", gid))
        elif got[gid].strip() != src.strip():
            flags.append(Flag("cellule-test-modifiee", gid))
    return flags


# --- the child: one submission in a throw-away course -----------------------------------------

def _safe_execute_class(output_cap: int, flag_file: Path, km_class):
    from nbclient.exceptions import DeadKernelError
    from nbgrader.preprocessors import Execute

    def note(code: str, detail: str = "") -> None:
        with open(flag_file, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"code": code, "detail": detail}) + "\n")

    class SafeExecute(Execute):
        """nbgrader's Execute with an output cap enforced while the output arrives."""

        _sizes: dict = {}

        def __init__(self, *args, **kwargs):
            kwargs["kernel_manager_class"] = km_class  # nbgrader's own __init__ would impose its default
            super().__init__(*args, **kwargs)

        def output(self, outs, msg, display_id, cell_index):
            content = msg.get("content", {})
            size = len(content.get("text", "")) + sum(len(str(v)) for v in content.get("data", {}).values())
            total = self._sizes.get(cell_index, 0) + size
            self._sizes[cell_index] = total
            if total > output_cap:
                if total - size <= output_cap:
                    note("sortie-enorme", f"cellule {cell_index + 1}")
                    from nbformat.v4 import new_output

                    outs.append(new_output("stream", name="stderr",
                                           text="\n[Sortie coupée pendant la correction : trop longue.]\n"))
                return None
            return super().output(outs, msg, display_id, cell_index)

        def on_cell_executed(self, **kwargs):
            reply = kwargs["execute_reply"]["content"]
            if reply.get("status") == "error":
                if reply.get("ename") == "CellTimeoutError":
                    note("delai-cellule", f"cellule {kwargs['cell_index'] + 1}")
                elif reply.get("ename") == "SystemExit":
                    note("sys-exit", f"cellule {kwargs['cell_index'] + 1}")
            return super().on_cell_executed(**kwargs)

        def preprocess(self, nb, resources=None, km=None):
            try:
                return super().preprocess(nb, resources, km=km)
            except DeadKernelError:
                note("noyau-arrete")
                raise
            except Exception as exc:  # CellTimeoutError while waiting for output: kernel stuck
                if type(exc).__name__ in ("CellTimeoutError", "TimeoutError", "UnresponsiveKernelError"):
                    note("noyau-bloque")
                raise

    return SafeExecute


def _grade_in_child(job: dict, template=None) -> None:
    """Run in a forked child: grade one submission in ``job['workdir']``, write result.json there."""
    os.setsid()
    work = Path(job["workdir"])
    started = time.perf_counter()
    result_path = work / "result.json"
    flag_file = work / "flags.jsonl"
    alert_path = work / "alertes.jsonl"
    student, assignment, course_id = job["student"], job["assignment"], job["course_id"]
    try:
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory
        from nbgrader.preprocessors import Execute
        from traitlets.config import Config

        from civicai.grading.sandbox import make_kernel_manager_class

        course = work / "course"
        sandbox = work / "sandbox"
        alert_fd = os.open(alert_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.set_inheritable(alert_fd, True)
        policy = SandboxPolicy(workdir=str(sandbox), uid=job["uid"], memory_bytes=job["memory_bytes"],
                               cpu_seconds=int(job["submission_timeout"]) + 5, file_bytes=job["file_bytes"],
                               max_processes=job["max_processes"], forbidden=job["forbidden"] + [str(course)],
                               alert_fd=alert_fd)
        cfg = Config()
        cfg.CourseDirectory.root = str(course)
        cfg.CourseDirectory.course_id = course_id
        cfg.CourseDirectory.db_url = f"sqlite:///{course / 'gradebook.db'}"
        cfg.Execute.timeout = job["cell_timeout"]
        cfg.LimitOutput.max_lines = 1000
        cfg.LimitOutput.max_traceback = 100
        km_class = make_kernel_manager_class(policy, template=template, pid_file=work / "noyaux.pid")
        safe = _safe_execute_class(job["output_cap"], flag_file, km_class)
        cfg.SafeExecute.timeout = job["cell_timeout"]
        from nbgrader.converters import Autograde

        cfg.Autograde.autograde_preprocessors = [safe if p is Execute else p
                                                 for p in Autograde.class_traits()["autograde_preprocessors"].default()]
        api = NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)
        # nbgrader runs the kernel from the graded copy's folder; ours runs in the sandbox instead
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
    with open(flag_file, "a", encoding="utf-8") as fh:
        for code, detail in sorted(found):
            fh.write(json.dumps({"code": code, "detail": detail}) + "\n")


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


# --- the parent: plan, run, watch, merge --------------------------------------------------------

def _copy_gradebook(src: Path, dest: Path) -> None:
    with sqlite3.connect(src) as a, sqlite3.connect(dest) as b:
        a.backup(b)


def _submissions(course: Course, assignment: str, students: list[str] | None) -> list[str]:
    root = course.root / "submitted"
    found = sorted(p.parent.name for p in root.glob(f"*/{assignment}") if p.is_dir()) if root.is_dir() else []
    if students:
        found = [s for s in found if s in set(students)]
    return found


def _prepare_job(course: Course, assignment: str, student: str, batch: Path, template_db: Path,
                 limits: Limits, forbidden: list[str]) -> dict:
    work = batch / student
    course_copy = work / "course"
    sandbox = work / "sandbox"
    (course_copy / "submitted" / student).mkdir(parents=True)
    os.chmod(work, 0o711)
    os.chmod(course_copy, 0o700)
    sandbox.mkdir()
    shutil.copytree(course.root / "submitted" / student / assignment,
                    course_copy / "submitted" / student / assignment)
    _copy_gradebook(template_db, course_copy / "gradebook.db")
    # data files the assignment ships (nbgrader copies them over the student's): never notebooks
    src = course.root / "source" / assignment
    ignore = shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints", "__pycache__")
    shutil.copytree(src, course_copy / "source" / assignment, ignore=ignore)
    for tree in (course.root / "submitted" / student / assignment, src):
        shutil.copytree(tree, sandbox, ignore=shutil.ignore_patterns(
            "*.ipynb", ".ipynb_checkpoints", "__pycache__", "timestamp.txt"), dirs_exist_ok=True)
    return {"workdir": str(work), "student": student, "assignment": assignment, "course_id": course.course_id,
            "cell_timeout": limits.cell_timeout, "submission_timeout": limits.submission_timeout,
            "memory_bytes": limits.memory_bytes, "max_processes": limits.max_processes,
            "output_cap": limits.output_bytes_per_cell, "file_bytes": limits.file_bytes,
            "forbidden": forbidden, "uid": None}


def _kill_tree(pid: int, uid: int | None, work: Path, template=None) -> None:
    """Kill a grading child's process group, the kernels forked for it, and its sandbox uid."""
    groups = [pid]
    kernels = work / "noyaux.pid"
    if template is not None and kernels.exists():
        groups += [int(k) for k in kernels.read_text().split() if k.isdigit() and template.owns(int(k))]
    for group in groups:
        try:
            os.killpg(group, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    kill_uid(uid)


def _collect_flags(work: Path) -> list[Flag]:
    flags = []
    for name in ("flags.jsonl",):
        p = work / name
        if p.exists():
            for line in p.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    d = json.loads(line)
                    flags.append(Flag(d["code"], d.get("detail", "")))
                except (ValueError, KeyError):
                    pass
    alerts = work / "alertes.jsonl"
    if alerts.exists():
        paths = set()
        for line in alerts.read_text(encoding="utf-8", errors="replace").splitlines()[:1000]:
            try:
                paths.add(json.loads(line)["path"])
            except (ValueError, KeyError, TypeError):
                continue
        if paths:
            shown = sorted(paths)[:3]
            flags.append(Flag("acces-interdit", ", ".join(shown) + (" ..." if len(paths) > 3 else "")))
    return flags


def autograde(course: Course, assignment: str, *, students: list[str] | None = None, workers: int | None = None,
              limits: Limits | None = None, progress=None, warm_kernels: bool = True) -> list[SubmissionResult]:
    """Autograde every collected submission of ``assignment``; return one result per student.

    ``warm_kernels=False`` starts every kernel afresh (slower; the benchmark compares both).

    The course's gradebook gets the scores (nbgrader's tables: the formgrader shows them),
    ``autograded/<student>/<assignment>/`` the graded notebooks, and ``rapports/`` a JSON report.
    """
    from nbgrader.api import MissingEntry

    ensure_tools_on_path()
    course.require()
    limits = limits or Limits()
    workers = max(1, workers or os.cpu_count() or 1)
    names = _submissions(course, assignment, students)
    released = {p.stem: json.loads(p.read_text(encoding="utf-8"))
                for p in (course.root / "release" / assignment).glob("*.ipynb")}
    with course.gradebook() as gb:
        try:
            gb.find_assignment(assignment)
        except MissingEntry:
            from civicai.errors import UserError

            raise UserError(f"Le devoir « {assignment} » n'est pas dans le carnet de notes du cours "
                            f"« {course.course_id} ». Ajoutez-le avec « civicai cours ajouter-devoir ».") from None
        for s in names:
            gb.update_or_create_student(s)
    forbidden = sorted({str(course.state_dir), str(course.root)} | _kit_private_dirs())
    batch = Path(tempfile.mkdtemp(prefix=f"civicai-correction-{course.course_id}-"))
    os.chmod(batch, 0o711)
    results: dict[str, SubmissionResult] = {}
    try:
        template_db = batch / "gradebook-modele.db"
        _copy_gradebook(course.gradebook_path, template_db)
        os.chmod(template_db, 0o600)
        pending = []
        for s in names:
            res = SubmissionResult(s, assignment)
            for nbfile in (course.root / "submitted" / s / assignment).glob("*.ipynb"):
                if nbfile.stem in released:
                    try:
                        sub_nb = json.loads(nbfile.read_text(encoding="utf-8"))
                    except ValueError:
                        sub_nb = {}
                    res.flags += compare_test_cells(released[nbfile.stem], sub_nb)
            results[s] = res
            pending.append(_prepare_job(course, assignment, s, batch, template_db, limits, forbidden))
        preload = exercise_imports(list(released.values())) if warm_kernels and pending else None
        _run_jobs(pending, workers, limits, results, progress, preload)
        _merge(course, assignment, results, batch)
    finally:
        shutil.rmtree(batch, ignore_errors=True)
    ordered = [results[s] for s in names]
    save_report(course, assignment, ordered)
    return ordered


def _kit_private_dirs() -> set[str]:
    from civicai.paths import exercises_dir

    try:
        return {str(exercises_dir() / "source")}
    except Exception:
        return set()


def _run_jobs(jobs: list[dict], workers: int, limits: Limits, results: dict, progress,
              preload: list[str] | None) -> None:
    template = None
    if preload is not None:
        template = KernelTemplate(preload)
        if not template.ready:  # kernels start the usual way
            template = None
    try:
        with SandboxUids(workers) as uids:
            _run_jobs_with(jobs, workers, limits, results, progress, uids.uids, template)
    finally:
        if template is not None:
            template.close()


def _preload_for_children() -> None:
    """Import what every grading child needs once, here: forked children inherit it.

    About 1.4 s of imports (nbgrader, nbconvert, nbclient, SQLAlchemy) saved per submission.
    """
    import nbgrader.api  # noqa: F401
    import nbgrader.apps  # noqa: F401
    import nbgrader.converters  # noqa: F401
    import nbgrader.coursedir  # noqa: F401
    import nbgrader.preprocessors  # noqa: F401

    import civicai.grading.sandbox  # noqa: F401


def _run_jobs_with(jobs, workers, limits, results, progress, uids, template) -> None:
    _preload_for_children()
    ctx = multiprocessing.get_context("fork")
    free_slots = list(range(workers))
    running: dict[int, tuple] = {}  # slot -> (process, job, start)
    queue = list(jobs)
    while queue or running:
        while queue and free_slots:
            slot = free_slots.pop(0)
            job = queue.pop(0)
            job["uid"] = uids[slot]
            kill_uid(job["uid"])  # nothing left over from a previous run
            proc = ctx.Process(target=_grade_in_child, args=(job, template), daemon=False)
            proc.start()
            running[slot] = (proc, job, time.monotonic())
        time.sleep(0.05)
        for slot, (proc, job, start) in list(running.items()):
            res = results[job["student"]]
            overdue = time.monotonic() - start > limits.submission_timeout
            if proc.exitcode is None and not overdue:
                continue
            _kill_tree(proc.pid, job["uid"], Path(job["workdir"]), template)
            if proc.exitcode is None:
                proc.join(5)
                res.flags.append(Flag("delai-depasse", f"{limits.submission_timeout:.0f} s"))
            else:
                proc.join()
            res.seconds = time.monotonic() - start
            _read_child_result(Path(job["workdir"]), res)
            del running[slot]
            free_slots.append(slot)
            free_slots.sort()
            if progress:
                progress(res)


def _read_child_result(work: Path, res: SubmissionResult) -> None:
    path = work / "result.json"
    res.flags += _collect_flags(work)
    if not path.exists():
        res.ok = False
        return
    data = json.loads(path.read_text())
    res.ok = bool(data.get("ok")) and bool(data.get("grades"))
    res.grades = data.get("grades", [])
    res.comments = data.get("comments", [])
    res.timestamp = data.get("timestamp")
    res.log_tail = data.get("log", "")[-3000:]
    codes = {f.code for f in res.flags}
    if not res.ok and not codes & {"noyau-bloque", "noyau-arrete", "delai-depasse"}:
        if "Kernel died" in res.log_tail or "DeadKernelError" in res.log_tail:
            res.flags.append(Flag("noyau-arrete"))
        elif "Timeout" in res.log_tail or "UnresponsiveKernel" in res.log_tail:
            res.flags.append(Flag("noyau-bloque"))
        else:
            res.flags.append(Flag("echec-correction"))


def _merge(course: Course, assignment: str, results: dict, batch: Path) -> None:
    """Write every child's scores into the real gradebook (only this process writes it)."""
    from datetime import datetime

    from nbgrader.api import MissingEntry

    with course.gradebook() as gb:
        for student, res in results.items():
            ts = datetime.fromisoformat(res.timestamp) if res.timestamp else None
            kw = {"timestamp": ts} if ts else {}
            sub = gb.update_or_create_submission(assignment, student, **kw)
            by_key = {(g["notebook"], g["grade_id"]): g for g in res.grades} if res.ok else {}
            total = maximum = 0.0
            for nb in sub.notebooks:
                for grade in nb.grades:
                    g = by_key.get((nb.name, grade.name))
                    if g is not None:
                        grade.auto_score = g["auto_score"]
                        grade.needs_manual_grade = bool(g["needs_manual_grade"])
                    else:  # not graded (kernel stuck, crashed, deleted cell...): 0 for now, teacher decides
                        grade.auto_score = 0.0
                        grade.needs_manual_grade = not res.ok
                    total += grade.auto_score or 0.0
                    maximum += grade.max_score or 0.0
                if res.ok:
                    for c in res.comments:
                        if c["notebook"] == nb.name:
                            try:
                                gb.find_comment(c["cell"], nb.name, assignment, student).auto_comment = c["auto_comment"]
                            except MissingEntry:
                                pass
                nb.flagged = bool(res.needs_review)
            gb.db.commit()
            res.score, res.max_score = total, maximum
            # the graded notebooks, where the formgrader and generate_feedback look for them
            src = batch / student / "course" / "autograded" / student / assignment
            dest = course.root / "autograded" / student / assignment
            if res.ok and src.is_dir():
                if dest.exists():
                    shutil.rmtree(dest)
                shutil.copytree(src, dest)
            elif not res.ok:
                if dest.exists():
                    shutil.rmtree(dest)
                shutil.copytree(course.root / "submitted" / student / assignment, dest)


def save_report(course: Course, assignment: str, results: list[SubmissionResult]) -> Path:
    folder = course.root / "rapports"
    folder.mkdir(exist_ok=True)
    path = folder / f"correction-{assignment}.json"
    path.write_text(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=1), encoding="utf-8")
    return path
