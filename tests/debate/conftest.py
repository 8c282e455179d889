"""Fixtures of the debate tests: one real hub with the debate service for the whole folder."""

from __future__ import annotations

import pytest

from debatehub import DebateHub


@pytest.fixture(scope="session")
def debate_hub(tmp_path_factory):
    hub = DebateHub(tmp_path_factory.mktemp("hub-debat") / "var", formateurs="formateur").start()
    try:
        yield hub
    finally:
        hub.stop()
        print(hub.log()[-3000:])
