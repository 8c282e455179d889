"""Fixtures of the hub tests."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def open_tmp():
    """``open_tmp(name)``: a fresh folder that participants' accounts may pass through (0711).

    pytest's own temporary folders sit in /tmp/pytest-of-<user>/, which every pytest session run
    by the same user resets to 0700: fine for one run, not for tests that run as several accounts.
    """
    made = []

    def make(name: str) -> Path:
        path = Path(tempfile.mkdtemp(prefix=f"civicai-{name}-"))
        os.chmod(path, 0o711)
        made.append(path)
        return path

    yield make
    for path in made:
        shutil.rmtree(path, ignore_errors=True)
