"""Fixtures of the room tests: one real hub (with the room and debate services) for the whole folder."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from roomhub import RoomHub


@pytest.fixture(scope="session")
def room_hub():
    # Not under /tmp/pytest-of-root: any other pytest session run as root closes it (mode 0700) while
    # participants' servers, under their own accounts, still work in there.
    base = Path(tempfile.mkdtemp(prefix="civicai-salle-"))
    os.chmod(base, 0o711)
    hub = RoomHub(base / "var", formateurs="formateur").start(timeout=300)  # five services, a busy machine
    try:
        yield hub
    finally:
        hub.stop()
        print(hub.log()[-3000:])
        shutil.rmtree(base, ignore_errors=True)
