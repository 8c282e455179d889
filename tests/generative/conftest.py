"""One real hub with the class's generative model (the kit's own GGUF) for the hub tests of this folder."""

from __future__ import annotations

import pytest

from hubtools import RunningHub, served


@pytest.fixture(scope="module")
def ia_hub(tmp_path_factory):
    hub = RunningHub(tmp_path_factory.mktemp("hub-ia") / "var", extra_env={"CIVICAI_IA_MAX": "1"})
    with served(hub, timeout=300) as hub:  # its managed services (the model's among them) start on a busy machine
        yield hub
