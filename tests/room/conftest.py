"""Fixtures of the room tests: one real hub (with the room and debate services) for the whole folder."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from hubtools import served
from roomhub import RoomHub


@pytest.fixture(scope="session")
def room_hub():
    # Not under /tmp/pytest-of-root: any other pytest session run as root closes it (mode 0700) while
    # participants' servers, under their own accounts, still work in there.
    base = Path(tempfile.mkdtemp(prefix="civicai-salle-"))
    os.chmod(base, 0o711)
    try:
        with served(RoomHub(base / "var", formateurs="formateur"), timeout=300) as hub:  # five services, a busy machine
            yield hub
    finally:
        shutil.rmtree(base, ignore_errors=True)
