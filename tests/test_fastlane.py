"""Does the fast lane's guard refuse every way of starting a process, and give them all back after?"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys

import pytest

from fastlane import ROADS, ProcessStarted, may_start_processes, no_process


@pytest.mark.parametrize("start", [
    lambda: subprocess.run(["true"]),
    lambda: subprocess.check_output([sys.executable, "-c", "pass"]),
    lambda: os.system("true"),
    lambda: os.fork() or os._exit(0),  # a child, if the guard let one through, leaves at once
    lambda: multiprocessing.get_context("fork").Process(target=print).start(),
    lambda: multiprocessing.get_context("spawn").Process(target=print).start(),
], ids=["run", "check_output", "system", "fork", "mp-fork", "mp-spawn"])
def test_an_unmarked_test_cannot_start_a_process(start):
    with no_process(), pytest.raises(ProcessStarted, match="not marked slow, hub or browser"):
        start()


def test_the_roads_are_given_back():
    before = [getattr(owner, name) for owner, name in ROADS]
    with no_process():
        assert [getattr(owner, name) for owner, name in ROADS] != before
    assert [getattr(owner, name) for owner, name in ROADS] == before


def test_only_the_three_marks_open_the_roads(request):
    class Item:
        def __init__(self, *marks):
            self.marks = marks

        def get_closest_marker(self, name):
            return name if name in self.marks else None

    assert not may_start_processes(Item()) and not may_start_processes(Item("parametrize"))
    assert all(may_start_processes(Item(mark)) for mark in ("slow", "hub", "browser"))
    assert not may_start_processes(request.node), "this very test runs guarded"
