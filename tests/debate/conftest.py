"""Fixtures of the debate tests: one real hub with the debate service for the whole folder."""

from __future__ import annotations

import pytest

from debatehub import DebateHub
from hubtools import served


@pytest.fixture(scope="session")
def debate_hub(tmp_path_factory):
    with served(DebateHub(tmp_path_factory.mktemp("hub-debat") / "var", formateurs="formateur")) as hub:
        yield hub
