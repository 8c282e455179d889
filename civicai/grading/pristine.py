"""Inside a student's kernel: run each hidden test against the libraries and teacher's values as they were.

A student's cell can rebind what a test relies on: a library class (``KNeighborsClassifier = Fake``), a
module attribute (``np.array_equal = lambda *a: True``), a builtin (``builtins.abs = ...`` or ``abs = ...``)
or a teacher's variable (``y = ...``). Before any student code runs, :func:`snapshot` records the
builtins and the modules the tests use (their attributes and their classes' attributes, one level);
after each teacher cell, :func:`record` keeps a copy of what that cell bound. :func:`run_test` then
puts the modules back as they were and runs the test in a fresh namespace: the student's names, with the
teacher's names and the builtins as recorded on top.

This is not a wall: code that digs into the interpreter (``gc``, ``sys.modules``, ``ctypes``, IPython's
transformers) can still reach this module. ``civicai.grading.rigging`` flags such code statically for the
teacher.
"""

from __future__ import annotations

import sys

_MISSING = object()
_BUILTINS: dict = {}
_MODULES: dict = {}  # name -> (module, its attributes, {class: its attributes})
_TEACHER: dict = {}  # name -> value bound by a teacher cell (a private copy)
# caches the interpreter or libraries add to classes by themselves: never removed
_CLASS_CACHES = ("_abc_", "__slotnames__", "__abstractmethods__", "__signature__", "_metadata_request")


def snapshot(modules: list[str]) -> None:
    """Record builtins and ``modules`` (imported if needed) before any student code runs."""
    import builtins
    import importlib

    _BUILTINS.update(vars(builtins))
    for name in modules:
        try:
            mod = importlib.import_module(name)
        except Exception:  # noqa: BLE001 (not installed: the test cell will say so)
            continue
        classes: dict = {}
        for value in list(vars(mod).values()):
            if isinstance(value, type):
                for cls in value.__mro__[:-1]:
                    if cls not in classes:
                        classes[cls] = dict(vars(cls))
        _MODULES[name] = (mod, dict(vars(mod)), classes)


def restore() -> None:
    """Put builtins, the recorded modules and their classes back as :func:`snapshot` saw them."""
    import builtins

    _reset_dict(vars(builtins), _BUILTINS)
    for name, (mod, attrs, classes) in _MODULES.items():
        sys.modules[name] = mod
        _reset_dict(vars(mod), attrs)
        for cls, cattrs in classes.items():
            current = vars(cls)
            for key in [k for k in current if k not in cattrs and not k.startswith(_CLASS_CACHES)]:
                try:
                    delattr(cls, key)
                except (AttributeError, TypeError):
                    pass
            for key, value in cattrs.items():
                if current.get(key, _MISSING) is not value:
                    try:
                        setattr(cls, key, value)
                    except (AttributeError, TypeError):
                        pass


def _reset_dict(current: dict, saved: dict) -> None:
    for key, value in saved.items():
        if current.get(key, _MISSING) is not value:
            current[key] = value


def _copy(value):
    import copy

    try:
        return copy.deepcopy(value)
    except Exception:  # noqa: BLE001 (modules, generators...: the object itself)
        return value


def record(names: list[str], namespace: dict | None = None) -> None:
    """After a teacher cell: keep a private copy of the names it bound."""
    namespace = sys._getframe(1).f_globals if namespace is None else namespace
    for name in names:
        if name in namespace:
            _TEACHER[name] = _copy(namespace[name])


def _names(code) -> set[str]:
    """Every global name a code object and the functions, classes and comprehensions inside it use."""
    found = set(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            found |= _names(const)
    return found


def run_test(source: str, namespace: dict | None = None) -> None:
    """Run a test cell's code with pristine libraries, builtins and teacher values (errors propagate).

    The teacher's values the test names get a fresh copy (a test may change them); the others are put back
    as recorded, uncopied (copying every dataset for every test cell cost m1 about 0.3 s per submission)."""
    namespace = sys._getframe(1).f_globals if namespace is None else namespace
    restore()
    code = compile(source, "<test>", "exec")
    used = _names(code)
    ns = {k: v for k, v in namespace.items() if not (k in _BUILTINS and k not in _TEACHER)}
    for name, value in _TEACHER.items():
        ns[name] = _copy(value) if name in used else value
    ns["__builtins__"] = dict(_BUILTINS)
    exec(code, ns)  # noqa: S102 (the teacher's test, as nbgrader would run it)


def wrap_test(source: str) -> str:
    """The code sent to the kernel instead of a test cell's source."""
    return f"import civicai.grading.pristine as _civicai_tests\n_civicai_tests.run_test({source!r})\n"


def record_code(names: list[str]) -> str:
    return f"import civicai.grading.pristine as _civicai_tests\n_civicai_tests.record({sorted(names)!r})\n"
