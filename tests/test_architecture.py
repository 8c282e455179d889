"""Facts about the code's shape, recomputed at every run (fast: it only reads files)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from testkit import REPO

PACKAGE = REPO / "civicai"
MAX_LINES = 400
BLOCK = 4  # lines: a block this long written twice is a fact with two homes
# Repeats known on 2026-12-02, in files another helper owns this round: each is to go, never to grow.
# The test fails when one disappears too, so that the list only shrinks.
KNOWN_REPEATS: set[tuple[str, ...]] = set()


def _module_name(path: Path) -> str:
    rel = path.relative_to(REPO).with_suffix("")
    return ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)


def import_graph() -> dict[str, set[str]]:
    """civicai module -> the civicai modules it imports (at any depth of the file: lazy imports count)."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        named = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                named.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                named.add(node.module)
                named.update(f"{node.module}.{a.name}" for a in node.names)
        targets = set()
        for target in named:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                targets.add(target)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_no_import_circle_inside_the_package():
    graph = import_graph()
    assert "civicai.settings" in graph and "civicai.paths" in graph["civicai.hub.config"]
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_file_over_400_lines_in_the_package():
    long = {str(p.relative_to(REPO)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def _meaningful_lines(path: Path) -> list[tuple[int, str]]:
    """Lines with their numbers, white space folded; blank lines, comments, imports, docstring quotes and
    lone brackets are boilerplate and left out."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = " ".join(line.split())
        if (not text or text.startswith(("#", "import ", "from ")) or text in ('"""', "'''")
                or re.fullmatch(r"[()\[\]{},:;]*", text)):
            continue
        out.append((n, text))
    return out


def repeated_blocks(files: list[Path], root: Path = REPO) -> dict[tuple[str, ...], list[tuple[str, int]]]:
    """Files sharing a run of BLOCK identical meaningful lines -> where the first such run stands."""
    seen: dict[tuple[str, ...], list[tuple[str, int]]] = defaultdict(list)
    for path in files:
        lines = _meaningful_lines(path)
        for i in range(len(lines) - BLOCK + 1):
            seen[tuple(t for _, t in lines[i:i + BLOCK])].append((str(path.relative_to(root)), lines[i][0]))
    by_files: dict[tuple[str, ...], list[tuple[str, int]]] = {}
    for places in seen.values():
        if len(places) > 1:
            by_files.setdefault(tuple(sorted({f for f, _ in places})), places)
    return by_files


def test_no_block_of_four_lines_is_written_twice():
    files = sorted(p for folder in ("civicai", "tests", "benchmarks") for p in (REPO / folder).rglob("*.py"))
    found = repeated_blocks(files)
    new = {k: v for k, v in found.items() if k not in KNOWN_REPEATS}
    assert new == {}, "write it once and call it from both places"
    assert KNOWN_REPEATS - set(found) == set(), "a known repeat is gone: remove it from KNOWN_REPEATS"


def test_the_repeat_finder_sees_a_copy_and_ignores_boilerplate(tmp_path):
    body = "def f(x):\n    y = x + 1\n    z = y * 2\n    return z\n"
    a, b, c = tmp_path / "a.py", tmp_path / "b.py", tmp_path / "c.py"
    a.write_text("import os\n" + body)
    b.write_text("# a copy\n" + body.replace("    ", "  "))
    c.write_text("import os\nimport sys\n\n)\n]\n")
    assert list(repeated_blocks([a, b, c], root=tmp_path)) == [("a.py", "b.py")]


def test_what_people_type_is_french_and_old_names_still_work():
    from civicai.cli import RENAMED, build_parser

    commands = set(build_parser()._subparsers._group_actions[0].choices)
    assert {"servir", "kiosque", "site", "cours", "quiz"} <= commands
    assert not {"serve", "kiosk"} & commands  # the English names are aliases, not listed in the help
    assert set(RENAMED) == {("serve",), ("kiosk",), ("site", "build")}


@pytest.mark.slow  # starts a process (the CLI)
def test_an_old_command_name_still_works_with_a_french_notice():
    old = subprocess.run([sys.executable, "-m", "civicai", "serve", "--help"], capture_output=True, text=True)
    assert old.returncode == 0 and "civicai servir" in old.stdout
    assert "s'appelle désormais « civicai servir »" in old.stderr
