"""nbgrader shapes the grading relies on (sub-second; pyproject caps nbgrader)."""

from __future__ import annotations


def test_autograde_runs_a_configurable_preprocessor_list_with_execute_in_it():
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute

    default = Autograde.class_traits()["autograde_preprocessors"].default()
    assert Execute in default
    names = [p.__name__ for p in default]
    assert names.index("Execute") < names.index("SaveAutoGrades")
    # before them: the test cells and the kernelspec are put back from the gradebook
    sanitize = [p.__name__ for p in Autograde.class_traits()["sanitize_preprocessors"].default()]
    assert {"OverwriteCells", "OverwriteKernelspec", "DeduplicateIds"} <= set(sanitize)


def test_execute_is_an_nbclient_with_a_cell_executed_method_and_a_kernel_manager_argument():
    import inspect

    from nbclient import NotebookClient
    from nbgrader.preprocessors import Execute

    assert issubclass(Execute, NotebookClient) and inspect.isfunction(Execute.on_cell_executed)
    assert "kernel_manager_class" in inspect.getsource(Execute.__init__)
