"""Static checks of a submission (AST, before anything runs): what could rig the hidden tests.

Two flags for the teacher, with the names in question:

* ``reaffectation``: a student's cell rebinds a name the tests rely on: a name a teacher cell bound
  (``KNeighborsClassifier``, ``np``, ``X``), a builtin (``abs``), or an attribute of one of them
  (``np.array_equal = ...``, ``builtins.abs = ...``, ``setattr(np, ...)``).
  The tests do not see it (``civicai.grading.pristine``), the flag says someone tried.
* ``code-suspect``: the cell uses what reaches into the interpreter itself (``sys.modules``,
  ``__builtins__``, ``gc``, ``ctypes``, ``get_ipython``, ``exec``...): what could get around that.
"""

from __future__ import annotations

import ast
import builtins

BUILTIN_NAMES = frozenset(n for n in dir(builtins) if not n.startswith("_")) | {"__import__", "__build_class__"}
SUSPECT_NAMES = frozenset({
    "__builtins__", "builtins", "globals", "locals", "vars", "exec", "eval", "compile", "setattr", "delattr",
    "__import__", "get_ipython", "gc", "ctypes", "importlib", "inspect", "_getframe", "settrace", "setprofile",
    "__subclasses__", "__globals__", "__code__", "__dict__", "modules", "signal", "_civicai_tests", "pristine",
})
# a class that passes for a plain value: equal to everything, a float that is anything...
DISGUISE_METHODS = frozenset({"__eq__", "__ne__", "__hash__", "__bool__", "__lt__", "__le__", "__gt__", "__ge__",
                              "__float__", "__int__", "__index__", "__abs__", "__sub__", "__rsub__", "__contains__",
                              "__instancecheck__", "__getattribute__"})
SUSPECT_ATTRS = frozenset({"modules", "__builtins__", "__dict__", "__globals__", "__code__", "__subclasses__",
                           "_getframe", "settrace", "setprofile", "__import__", "pristine", "run_test"})


def cell_kind(cell: dict) -> str:
    """'test' (autograded test cell), 'teacher' (locked code), or 'student'."""
    meta = (cell.get("metadata") or {}).get("nbgrader") or {}
    if meta.get("grade") and not meta.get("solution"):
        return "test"
    if meta.get("locked") and not meta.get("solution") and not meta.get("grade"):
        return "teacher"
    return "student"


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    src = "".join(src) if isinstance(src, list) else src
    return "\n".join(ln for ln in src.splitlines() if not ln.lstrip().startswith(("%", "!")))


def _parse(cell: dict) -> ast.Module | None:
    try:
        return ast.parse(_source(cell))
    except (SyntaxError, ValueError):
        return None


class _Bindings(ast.NodeVisitor):
    """Module-level names a cell binds (not inside functions, classes or comprehensions)."""

    def __init__(self):
        self.names: set[str] = set()
        self.modules: set[str] = set()

    def visit_Name(self, node):
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self.names.add(node.id)

    def visit_Import(self, node):
        for a in node.names:
            self.names.add(a.asname or a.name.split(".")[0])
            self.modules.add(a.name)

    def visit_ImportFrom(self, node):
        if node.module and not node.level:
            self.modules.add(node.module)
        for a in node.names:
            self.names.add(a.asname or a.name)

    def visit_FunctionDef(self, node):
        self.names.add(node.name)

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def visit_Lambda(self, node):
        pass

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_Lambda


def bindings(cell: dict) -> tuple[set[str], set[str]]:
    """(names, imported modules) a cell binds at module level."""
    tree = _parse(cell)
    visitor = _Bindings()
    if tree is not None:
        visitor.visit(tree)
    return visitor.names, visitor.modules


def protected(released: dict) -> tuple[set[str], list[str]]:
    """From the released notebook: names teacher cells bind, and modules teacher and test cells import."""
    names: set[str] = set()
    modules: set[str] = set()
    for cell in released.get("cells", []):
        if cell.get("cell_type") != "code" or cell_kind(cell) == "student":
            continue
        bound, imported = bindings(cell)
        if cell_kind(cell) == "teacher":
            names |= bound
        modules |= imported
    return names, sorted(modules)


def _root(node) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _dotted(node) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def check_cell(cell: dict, teacher_names: set[str]) -> tuple[set[str], set[str]]:
    """(rebound names, suspect names) in one student cell."""
    tree = _parse(cell)
    if tree is None:
        return set(), set()
    watched = teacher_names | BUILTIN_NAMES | {"builtins", "__builtins__"}
    rebound, suspect = set(), set()
    bound, _ = bindings(cell)
    rebound |= bound & (teacher_names | BUILTIN_NAMES)
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, (ast.Assign, ast.Delete)):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for t in targets:
            for sub in ast.walk(t):
                if isinstance(sub, ast.Attribute) and _root(sub) in watched:
                    rebound.add(_dotted(sub) if _dotted(sub) else _root(sub))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr"):
            if node.args and _root(node.args[0]) in watched:
                rebound.add(f"{_dotted(node.args[0]) or _root(node.args[0])}.*")
        if isinstance(node, ast.Name) and node.id in SUSPECT_NAMES:
            suspect.add(node.id)
        elif isinstance(node, ast.Attribute) and node.attr in SUSPECT_ATTRS:
            suspect.add(_dotted(node) or node.attr)
        elif isinstance(node, ast.alias) and node.name.split(".")[0] in SUSPECT_NAMES:
            suspect.add(node.name)
        elif isinstance(node, ast.ClassDef):
            suspect |= {f.name for f in node.body if isinstance(f, ast.FunctionDef) and f.name in DISGUISE_METHODS}
            suspect |= {f.targets[0].id for f in node.body if isinstance(f, ast.Assign) and len(f.targets) == 1
                        and isinstance(f.targets[0], ast.Name) and f.targets[0].id in DISGUISE_METHODS}
    return rebound, suspect


def check_submission(submitted: dict, released: dict) -> list[tuple[str, str]]:
    """Flags (code, detail) for the student cells of ``submitted``."""
    teacher_names, _ = protected(released)
    rebound, suspect = set(), set()
    for cell in submitted.get("cells", []):
        if isinstance(cell, dict) and cell.get("cell_type") == "code" and cell_kind(cell) == "student":
            r, s = check_cell(cell, teacher_names)
            rebound |= r
            suspect |= s
    flags = []
    if rebound:
        flags.append(("reaffectation", ", ".join(sorted(rebound))))
    if suspect:
        flags.append(("code-suspect", ", ".join(sorted(suspect))))
    return flags
