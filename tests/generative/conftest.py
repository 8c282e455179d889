"""One real hub with the class's generative model (the kit's own GGUF) for the hub tests of this folder."""

from __future__ import annotations

import pytest

from hubtools import RunningHub, served


@pytest.fixture(scope="module")
def ia_hub(tmp_path_factory):
    # One thread for the model server: with two, on a loaded shared machine, llama.cpp's threads spin while they
    # wait for each other, and that CPU time (real, but noise) drowns the per-token work the CPU test compares.
    hub = RunningHub(tmp_path_factory.mktemp("hub-ia") / "var", extra_env={"CIVICAI_IA_MAX": "1",
                                                                          "CIVICAI_IA_THREADS": "1"})
    with served(hub, timeout=300) as hub:  # its managed services (the model's among them) start on a busy machine
        yield hub
