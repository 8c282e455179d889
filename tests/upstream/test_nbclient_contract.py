"""nbclient / nbconvert shapes SafeExecute relies on (sub-second; pyproject caps nbclient)."""

from __future__ import annotations

import inspect


def test_the_synchronous_entry_points_safe_execute_overrides_are_the_ones_called():
    from nbconvert.preprocessors import ExecutePreprocessor
    from nbclient import NotebookClient

    assert "self.preprocess_cell(" in inspect.getsource(ExecutePreprocessor.preprocess)
    assert "self.start_new_kernel_client()" in inspect.getsource(NotebookClient.setup_kernel)
    for name in ("output", "wait_for_reply"):
        assert callable(getattr(NotebookClient, name)), name
    assert "self.on_cell_executed" in inspect.getsource(NotebookClient.async_execute_cell)
    assert list(inspect.signature(NotebookClient.output).parameters) == ["self", "outs", "msg", "display_id",
                                                                         "cell_index"]
