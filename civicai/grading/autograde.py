"""Safe, parallel autograding with nbgrader's own machinery.

nbgrader grades one submission at a time, in the course folder, with the student's kernel
running as the teacher next to the gradebook, the sources and the hidden tests. Here each
submission is graded by ``nbgrader autograde`` (nbgrader's ``Autograde`` converter and preprocessors,
with the kernel it starts and the way test cells run changed through its settings:
``civicai.grading.execute``) in a **throw-away copy of the course**, in a child process:

* before anything runs, the submitted folder is checked (``civicai.grading.intake``): odd files get
  their own flag, symbolic links are never followed, a clean copy is what gets graded;
* the child gets a private copy of the gradebook and of the submission; the real gradebook is
  written only by this (parent) process, which merges each child's scores as soon as it ends;
* the student's kernel runs in a bubblewrap sandbox (``civicai.grading.isolation``): it sees its
  working folder and a read-only Python, nothing else, no network; memory, CPU, file-size and process
  limits; every cell has a time limit and output is capped as it arrives. Without bubblewrap, grading
  refuses to start;
* up to ``workers`` children run at once (default: one per core), each in a worker *slot* whose
  warm template (``civicai.grading.warmstart``) forks the kernels; a child that overruns its
  wall-clock budget is killed with everything it started; the batch goes on.

Each problem becomes a French *flag* for the teacher (``Flag``), in the command's output, in the
report saved next to the gradebook and, for the formgrader, as nbgrader's "flagged" mark.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from civicai import procs
from civicai.grading import isolation
from civicai.grading.course import Course, ensure_tools_on_path
from civicai.grading.intake import UNREADABLE, inspect_submission, regular_files_only
from civicai.grading.results import Flag, SubmissionResult
from civicai.grading.rigging import protected
from civicai.grading.sandbox import SandboxUids, kill_uid
from civicai.grading.warmstart import KernelTemplate, exercise_imports


@dataclass
class Limits:
    cell_timeout: int = 10
    submission_timeout: float = 120.0
    memory_bytes: int = 3 * 1024**3
    max_processes: int = 64
    output_bytes_per_cell: int = 1_000_000
    file_bytes: int = 64 * 1024**2


# --- the parent: plan, run, watch, merge --------------------------------------------------------

def _copy_gradebook(src: Path, dest: Path) -> None:
    with sqlite3.connect(src) as a, sqlite3.connect(dest) as b:
        a.backup(b)


def _submissions(course: Course, assignment: str, students: list[str] | None) -> list[str]:
    root = course.root / "submitted"
    found = sorted(p.parent.name for p in root.glob(f"*/{assignment}") if p.is_dir() and not p.is_symlink()) \
        if root.is_dir() else []
    if students:
        found = [s for s in found if s in set(students)]
    return found


def _prepare_job(course: Course, assignment: str, student: str, batch: Path, template_db: Path,
                 limits: Limits, notebooks: dict[str, dict]) -> dict:
    """A throw-away course for one submission: its clean notebooks, its files (no links), the gradebook."""
    work = batch / student
    course_copy = work / "course"
    files = work / "fichiers"
    submitted = course_copy / "submitted" / student / assignment
    submitted.parent.mkdir(parents=True)
    os.chmod(work, 0o700)
    src_sub = course.root / "submitted" / student / assignment
    shutil.copytree(src_sub, submitted, ignore=_no_links_and(("*.ipynb",)))
    for name, nb in notebooks.items():
        (submitted / name).write_text(json.dumps(nb), encoding="utf-8")
    _copy_gradebook(template_db, course_copy / "gradebook.db")
    # data files the assignment ships (nbgrader copies them over the student's): never notebooks
    src = course.root / "source" / assignment
    skip = ("*.ipynb", ".ipynb_checkpoints", "__pycache__")
    shutil.copytree(src, course_copy / "source" / assignment, ignore=_no_links_and(skip))
    files.mkdir()
    for tree in (src_sub, src):
        shutil.copytree(tree, files, ignore=_no_links_and((*skip, "timestamp.txt")), dirs_exist_ok=True)
    return {"workdir": str(work), "student": student, "assignment": assignment, "course_id": course.course_id,
            "cell_timeout": limits.cell_timeout, "submission_timeout": limits.submission_timeout,
            "memory_bytes": limits.memory_bytes, "max_processes": limits.max_processes,
            "output_cap": limits.output_bytes_per_cell, "file_bytes": limits.file_bytes, "uid": None}


def _no_links_and(patterns: tuple):
    by_pattern = shutil.ignore_patterns(*patterns)
    return lambda folder, names: by_pattern(folder, names) | regular_files_only(folder, names)


def _empty(folder: Path) -> None:
    """Remove everything in ``folder`` (a student may have made files read-only)."""
    def unlock(func, path, _exc):
        try:
            os.chmod(os.path.dirname(path), 0o700)
            os.chmod(path, 0o700)
            func(path)
        except OSError:
            pass

    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, onerror=unlock)
        else:
            entry.unlink(missing_ok=True)


def _fill_slot(slot_dir: Path, job: dict) -> None:
    """Give a slot the submission's files, alone (its working folder inside the sandbox)."""
    _empty(slot_dir)
    shutil.copytree(Path(job["workdir"]) / "fichiers", slot_dir, dirs_exist_ok=True, symlinks=True)
    job["slot_dir"] = str(slot_dir)


def _kill_tree(pid: int, uid: int | None, template=None) -> None:
    """Kill a grading child's process group, every other process of its slot's sandbox, and its uid."""
    procs.kill_group(pid)
    if template is not None:
        template.sweep()
    kill_uid(uid)


def _collect_flags(work: Path) -> list[Flag]:
    flags = []
    p = work / "flags.jsonl"
    if p.exists():
        for line in p.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                d = json.loads(line)
                flags.append(Flag(d["code"], d.get("detail", "")))
            except (ValueError, KeyError):
                pass
    alerts = work / "alerts.jsonl"
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
              limits: Limits | None = None, progress=None, warm_kernels: bool = True,
              stats: dict | None = None) -> list[SubmissionResult]:
    """Autograde every collected submission of ``assignment``; return one result per student.

    ``warm_kernels=False`` starts every kernel afresh (slower; the benchmark compares both). ``stats``, if
    given, gets ``sandbox_cpu_s``: CPU seconds of the warm templates and their kernels, which the batch's own
    ``RUSAGE_CHILDREN`` misses (the benchmark adds them).
    Raises a French UserError, before running anything, if kernels cannot be isolated here.

    The course's gradebook gets the scores (nbgrader's tables: the formgrader shows them),
    ``autograded/<student>/<assignment>/`` the graded notebooks, and ``rapports/`` a JSON report.
    """
    from nbgrader.api import MissingEntry

    isolation.require()
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
    modules = sorted({m for nb in released.values() for m in protected(nb)[1]})
    batch = Path(tempfile.mkdtemp(prefix=f"civicai-correction-{course.course_id}-"))
    os.chmod(batch, 0o711)
    results: dict[str, SubmissionResult] = {}
    try:
        template_db = batch / "gradebook-modele.db"
        _copy_gradebook(course.gradebook_path, template_db)
        os.chmod(template_db, 0o600)
        pending = []
        for s in names:
            res = results[s] = SubmissionResult(s, assignment)
            flags, notebooks = inspect_submission(course.root / "submitted" / s / assignment, released)
            res.flags += [Flag(code, detail) for code, detail in flags]
            if any(code in UNREADABLE for code, _ in flags):
                continue  # nothing of it runs: 0, flagged for the teacher
            job = _prepare_job(course, assignment, s, batch, template_db, limits, notebooks)
            job["readable"], job["pristine"] = isolation.readonly_roots(), modules
            job["kit_root"] = isolation.kit_root_for_kernels()
            pending.append(job)
        preload = exercise_imports(list(released.values())) if warm_kernels and pending else None
        with course.gradebook() as gb:  # each copy's scores are merged as it ends, while the others run
            def merge(student: str) -> None:
                _merge_one(gb, course, assignment, student, results[student], batch)

            cpu = _run_jobs(pending, workers, limits, results, progress, preload, batch, merge)
            for s in sorted(set(names) - {job["student"] for job in pending}):  # not run (unreadable): 0, flagged
                merge(s)
        if stats is not None:
            stats["sandbox_cpu_s"] = stats.get("sandbox_cpu_s", 0.0) + cpu
    finally:
        shutil.rmtree(batch, ignore_errors=True)
    ordered = [results[s] for s in names]
    save_report(course, assignment, ordered)
    return ordered


def _run_jobs(jobs: list[dict], workers: int, limits: Limits, results: dict, progress,
              preload: list[str] | None, batch: Path, merge) -> float:
    """Grade ``jobs`` in ``workers`` slots, ``merge(student)`` each as it ends; return the CPU seconds the slots'
    templates reported."""
    workers = max(1, min(workers, len(jobs)))
    with SandboxUids(workers) as uids:
        slots = []
        for i in range(workers):
            slot_dir = batch / f"poste-{i}"
            slot_dir.mkdir(mode=0o700)
            if uids.uids[i] is not None:
                os.chown(slot_dir, uids.uids[i], uids.uids[i])
            slots.append(slot_dir)
        templates = [KernelTemplate(preload, str(d)) if preload is not None and jobs else None for d in slots]
        try:
            templates = [t if t is not None and t.wait_ready() else None for t in templates]
            _run_jobs_with(jobs, limits, results, progress, uids.uids, slots, templates, merge)
        finally:
            running = [t for t in templates if t is not None]
            for t in running:  # all at once: each ends in parallel, not one after the other
                t.request_stop()
            cpu = sum(t.close() or 0.0 for t in running)
    return cpu


def _preload_for_children() -> None:
    """Import what every grading child needs once, here: forked children inherit it.

    About 1.4 s of imports (nbgrader, nbconvert, nbclient, SQLAlchemy) saved per submission.
    """
    import nbgrader.api  # noqa: F401
    import nbgrader.apps  # noqa: F401
    import nbgrader.converters  # noqa: F401
    import nbgrader.coursedir  # noqa: F401
    import nbgrader.preprocessors  # noqa: F401

    import civicai.grading.execute  # noqa: F401
    import civicai.grading.provisioner  # noqa: F401


def _run_jobs_with(jobs, limits, results, progress, uids, slots, templates, merge) -> None:
    from multiprocessing.connection import wait

    from civicai.grading.execute import grade_in_child
    from civicai.grading.provisioner import TEMPLATES

    _preload_for_children()
    for i, t in enumerate(templates):
        if t is not None:
            TEMPLATES[f"poste-{i}"] = t
    ctx = multiprocessing.get_context("fork")
    free_slots = list(range(len(slots)))
    running: dict[int, tuple] = {}  # slot -> (process, job, start)
    queue = list(jobs)
    ended: list[SubmissionResult] = []
    try:
        while queue or running or ended:
            while queue and free_slots:
                slot = free_slots.pop(0)
                job = queue.pop(0)
                job["uid"] = uids[slot]
                kill_uid(job["uid"])  # nothing left over from a previous run
                _fill_slot(slots[slot], job)
                key = f"poste-{slot}" if templates[slot] is not None else ""
                proc = ctx.Process(target=grade_in_child, args=(job, key), daemon=False)
                proc.start()
                running[slot] = (proc, job, time.monotonic())
            for res in ended:  # merged once the next copies have started: alongside them, not before them
                merge(res.student)
                if progress:
                    progress(res)
            ended.clear()
            if not running:
                continue
            wait([proc.sentinel for proc, _, _ in running.values()], timeout=0.5)  # a child ends, or check budgets
            for slot, (proc, job, start) in list(running.items()):
                res = results[job["student"]]
                overdue = time.monotonic() - start > limits.submission_timeout
                if proc.exitcode is None and not overdue:
                    continue
                _kill_tree(proc.pid, job["uid"], templates[slot])
                if proc.exitcode is None:
                    proc.join(5)
                    res.flags.append(Flag("delai-depasse", f"{limits.submission_timeout:.0f} s"))
                else:
                    proc.join()
                res.seconds = time.monotonic() - start
                _read_child_result(Path(job["workdir"]), res)
                _empty(slots[slot])
                del running[slot]
                free_slots.append(slot)
                free_slots.sort()
                ended.append(res)
    finally:
        TEMPLATES.clear()


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


def _merge_one(gb, course: Course, assignment: str, student: str, res: SubmissionResult, batch: Path) -> None:
    """Write one child's scores into the real gradebook ``gb`` (only this process writes it)."""
    from datetime import datetime

    from nbgrader.api import MissingEntry

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
        shutil.copytree(course.root / "submitted" / student / assignment, dest, symlinks=True)


def save_report(course: Course, assignment: str, results: list[SubmissionResult]) -> Path:
    folder = course.root / "rapports"
    folder.mkdir(exist_ok=True)
    path = folder / f"correction-{assignment}.json"
    path.write_text(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=1), encoding="utf-8")
    return path
