"""Warm kernels: forked from the batch's template, with nothing of the template left inside."""

from __future__ import annotations

import nbformat
import pytest

from gradingtools import FIXTURES, mini_course_factory, probe_scores, solution_copy, submit_directly  # noqa: F401

from civicai.grading.autograde import Limits, autograde
from civicai.grading.warmstart import KernelTemplate, exercise_imports

# The answers look at the kernel itself: the QCM is right only in a kernel forked by the template
# (its process, or its PID-namespace parent, runs civicai.grading.warmstart); moyenne() is right
# only if the kernel holds no socket of the template (the only SEQPACKET sockets in a batch).
PROBE = '''import os

def _cmdline(pid):
    with open(f"/proc/{pid}/cmdline", "rb") as fh:
        return fh.read()

_ppid = int(open("/proc/self/stat").read().rsplit(")", 1)[1].split()[1])
FORKED = b"civicai.grading.warmstart" in _cmdline("self") + _cmdline(_ppid)
import socket
LEAKED = []
for _fd in os.listdir("/proc/self/fd"):
    try:
        _s = socket.socket(fileno=os.dup(int(_fd)))
    except OSError:
        continue
    if _s.type == socket.SOCK_SEQPACKET:
        LEAKED.append(_fd)
    _s.close()
'''


def test_exercise_imports_keeps_fork_safe_libraries_only():
    nb = {"cells": [
        {"cell_type": "code", "source": "import numpy as np\nfrom sklearn.neighbors import KNeighborsClassifier\n"
                                        "import torch, os\n%matplotlib inline\nimport matplotlib.pyplot as plt"},
        {"cell_type": "code", "source": ["from civicai.disinfo import corpus\n", "from . import x"]},
        {"cell_type": "code", "source": "def f(:\n  pass"},   # a student's syntax error: skipped
        {"cell_type": "markdown", "source": "import pandas"},
    ]}
    assert exercise_imports([nb]) == ["numpy", "sklearn.neighbors", "matplotlib.pyplot"]


@pytest.mark.slow  # starts kernel templates
def test_a_template_refuses_to_serve_once_torch_is_loaded(tmp_path):
    template = KernelTemplate(["torch"], str(tmp_path))   # torch's thread pools do not survive a fork
    try:
        assert not template.wait_ready()
    finally:
        template.close()


@pytest.mark.slow  # starts kernel templates
def test_kernels_are_forked_from_the_template_and_hold_none_of_its_sockets(mini_course_factory, tmp_path):
    scores = probe_scores(mini_course_factory, tmp_path, {
        "moyenne_reponse": PROBE + "def moyenne(notes):\n    return sum(notes) / len(notes) + len(LEAKED)",
        "qcm_reponse": 'reponse_qcm = "b" if FORKED else "a"'})
    assert scores[True] == {"moyenne_calculee": 4, "qcm_correct": 2, "compte_mots_correct": 4}
    # started afresh: not forked (QCM wrong), and the probe itself works (moyenne right)
    assert scores[False] == {"moyenne_calculee": 4, "qcm_correct": 0, "compte_mots_correct": 4}


@pytest.mark.slow  # starts a process (kernel templates)
def test_the_cpu_of_forked_kernels_is_reported_to_the_batch(mini_course_factory, tmp_path):
    """bubblewrap does not wait for the template, so its kernels' CPU never reaches the batch's rusage: the
    template reports it. A kernel that burns 1.5 s of CPU must show up in the batch's figure."""
    course = mini_course_factory(tmp_path / "var")
    burn = "import time\n_t = time.process_time()\nwhile time.process_time() - _t < 1.5:\n    pass\n"
    nb = solution_copy(FIXTURES / "source" / "mini" / "mini.ipynb", course.root / "release" / "mini" / "mini.ipynb",
                       {"moyenne_reponse": burn + "def moyenne(notes):\n    return sum(notes) / len(notes)"})
    path = tmp_path / "calcul.ipynb"
    nbformat.write(nb, path)
    submit_directly(course, "calcul", path)
    stats = {}
    [res] = autograde(course, "mini", workers=1, limits=Limits(cell_timeout=30, submission_timeout=120), stats=stats)
    assert res.ok, res.log_tail
    assert stats["sandbox_cpu_s"] >= 1.5, stats
