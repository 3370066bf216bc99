"""No import cycle inside medeval, hidden or not.

An import inside a function hides a cycle from the interpreter until the day it runs in
the wrong order; so every import statement counts here, wherever it stands: at module
level, inside a function, or under ``if TYPE_CHECKING:`` (those mirror the lazy
``__getattr__`` re-exports of the package ``__init__`` files, which ``ast`` cannot see).

The graph, read from the source with :mod:`ast`, has one node per module of
``src/medeval`` (a package is its ``__init__``) and an edge ``a -> b`` when ``a`` holds

- ``import b`` (``import medeval.x.y`` is an edge to ``medeval.x.y``);
- ``from b import name`` where ``b.name`` is not a module;
- ``from b import name`` where ``b.name`` is a module: then the edge is to ``b.name``.

Relative imports are resolved against the importing module's package. The implicit import
of a module's parent packages is not an edge. So a package ``__init__`` re-exporting its
submodule ``sub`` is an edge ``pkg -> pkg.sub``, and ``sub`` importing a sibling's name
through the package (``from . import name``) is an edge ``pkg.sub -> pkg``: a real cycle,
which breaks when ``pkg.sub`` is imported first.

A cycle is printed as ``a -> b -> c -> a``, followed by the import lines of its edges.
Every edge that lies on some cycle appears in at least one printed cycle (for each such
edge ``u -> v``, the shortest way back from ``v`` to ``u``).
"""

from __future__ import annotations

import ast
import textwrap
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

import medeval

SRC = Path(medeval.__file__).resolve().parent

#: The packages kept free of cycles: the whole of medeval (``python tests/test_imports.py``
#: lists every cycle with its import lines).
CLEAN = ("medeval",)

Graph = Mapping[str, Iterable[str]]


@dataclass(frozen=True)
class ImportLine:
    """Where an edge comes from: the file, the line, the statement as written."""

    path: Path
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text}"


def modules_under(root: Path, package: str) -> dict[str, Path]:
    """Module name -> file, for every ``.py`` file under ``root`` (the package's folder)."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _absolute(module: str | None, level: int, importer: str, is_package: bool) -> str:
    """The full name ``from <level dots><module> import ...`` refers to inside ``importer``."""
    if level == 0:
        return module or ""
    parts = importer.split(".")
    if not is_package:
        parts.pop()  # a module's relative imports start from its package
    if level > 1:
        parts = parts[: len(parts) - (level - 1)]
    base = ".".join(parts)
    return f"{base}.{module}" if module else base


def _known(name: str, modules: Mapping[str, Path]) -> str | None:
    """``name`` if it is a module of ours, else its longest prefix that is, else None."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def _statement(lines: list[bytes], node: ast.stmt) -> str:
    """The statement's source, as ``ast.get_source_segment`` gives it (offsets in UTF-8
    bytes), from the file's lines split once: get_source_segment splits the whole source
    again for every statement (quadratic: 20 s of every pytest start on medeval's 420
    modules)."""
    assert node.end_lineno is not None and node.end_col_offset is not None
    found = lines[node.lineno - 1:node.end_lineno]
    found[-1] = found[-1][:node.end_col_offset]
    found[0] = found[0][node.col_offset:]
    return b"\n".join(found).decode("utf-8")


def import_edges(modules: Mapping[str, Path]) -> dict[tuple[str, str], list[ImportLine]]:
    """Every internal import edge ``(importer, imported)`` with the lines that make it."""
    edges: dict[tuple[str, str], list[ImportLine]] = {}
    for importer, path in modules.items():
        source = path.read_text(encoding="utf-8")
        lines = source.encode("utf-8").splitlines()
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(source, filename=str(path))):
            targets: set[str | None] = set()
            if isinstance(node, ast.Import):
                targets = {_known(alias.name, modules) for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(node.module, node.level, importer, is_package)
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    targets.add(full if full in modules else _known(base, modules))
            else:
                continue
            text = " ".join(_statement(lines, node).split())
            for target in sorted(t for t in targets if t is not None):
                if target != importer:
                    where = ImportLine(path, node.lineno, text)
                    edges.setdefault((importer, target), []).append(where)
    for lines in edges.values():
        lines.sort(key=lambda where: where.line)
    return edges


def graph_of(edges: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    return graph


def strongly_connected(graph: Graph) -> list[set[str]]:
    """Tarjan's strongly connected components (iterative), each as a set of nodes."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                components.append(component)
    return components


def _shortest_path(graph: Graph, start: str, goal: str, allowed: set[str]) -> list[str]:
    """The shortest path ``start ... goal`` inside ``allowed`` (breadth first, sorted)."""
    previous: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = [node]
            while (step := previous[path[-1]]) is not None:
                path.append(step)
            return path[::-1]
        for child in sorted(graph.get(node, ())):
            if child in allowed and child not in previous:
                previous[child] = node
                queue.append(child)
    raise AssertionError(f"no path {start} -> {goal} inside its component")  # pragma: no cover


def find_cycles(graph: Graph) -> list[list[str]]:
    """Cycles (as node lists, first node not repeated) covering every edge on a cycle.

    For each edge ``u -> v`` inside a strongly connected component, the cycle is ``u``
    followed by the shortest path from ``v`` back to ``u``. Each cycle is rotated to start
    at its smallest node; duplicates are dropped; the list is sorted.
    """
    found: set[tuple[str, ...]] = set()
    for component in strongly_connected(graph):
        if len(component) < 2:
            continue
        for u in sorted(component):
            for v in sorted(graph[u]):
                if v in component:
                    cycle = [u, *_shortest_path(graph, v, u, component)[:-1]]
                    turn = cycle.index(min(cycle))
                    found.add(tuple(cycle[turn:] + cycle[:turn]))
    return [list(cycle) for cycle in sorted(found)]


def describe(cycle: list[str], edges: Mapping[tuple[str, str], list[ImportLine]]) -> str:
    """``a -> b -> a`` and, indented below, the import lines of each of its edges."""
    closed = [*cycle, cycle[0]]
    lines = [" -> ".join(closed)]
    for a, b in zip(closed, closed[1:]):
        for where in edges.get((a, b), []):
            lines.append(f"    {a} -> {b}   {where}")
    return "\n".join(lines)


def _touches(cycle: list[str], packages: tuple[str, ...]) -> bool:
    return any(node == p or node.startswith(p + ".") for node in cycle for p in packages)


MODULES = modules_under(SRC, "medeval")
EDGES = import_edges(MODULES)
CYCLES = find_cycles(graph_of(EDGES))


# --- the detector itself ---------------------------------------------------------------


def test_finds_a_hand_made_cycle():
    graph = {"d": {"a"}, "a": {"b"}, "b": {"c"}, "c": {"a"}, "e": set()}
    assert find_cycles(graph) == [["a", "b", "c"]]
    assert describe(["a", "b", "c"], {}) == "a -> b -> c -> a"


def test_lists_every_edge_of_a_knot():
    # Two cycles sharing node a, and a two-node cycle b <-> c inside the first.
    graph = {"a": {"b", "x"}, "b": {"c"}, "c": {"a", "b"}, "x": {"a"}}
    cycles = find_cycles(graph)
    assert cycles == [["a", "b", "c"], ["a", "x"], ["b", "c"]]
    on_cycles = {(c[i], c[(i + 1) % len(c)]) for c in cycles for i in range(len(c))}
    assert on_cycles == {(a, b) for a, bs in graph.items() for b in bs}


def test_finds_nothing_in_a_tree_or_a_diamond():
    assert find_cycles({"a": {"b", "c"}, "b": {"d"}, "c": {"d"}, "d": set()}) == []
    assert find_cycles({}) == []


def _package(tmp_path: Path, files: dict[str, str]) -> dict[str, Path]:
    root = tmp_path / "pkg"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return modules_under(root, "pkg")


def test_reads_every_kind_of_import(tmp_path):
    modules = _package(tmp_path, {
        "__init__.py": "from .records import Record\n",
        "records.py": "import numpy\n",
        "reader.py": """\
            from typing import TYPE_CHECKING
            from . import records, _helper
            from .records import Record as R
            if TYPE_CHECKING:
                from .sub import deep
            def read():
                import pkg.sub.deep
                from .sub.deep import thing
                from pkg import Record
        """,
        "_helper.py": "",
        "sub/__init__.py": "",
        "sub/deep.py": """\
            from .. import records
            from ..reader import read
            from ... import outside
            thing = 1
        """,
    })
    assert set(modules) == {
        "pkg", "pkg.records", "pkg.reader", "pkg._helper", "pkg.sub", "pkg.sub.deep",
    }
    edges = import_edges(modules)
    assert set(edges) == {
        ("pkg", "pkg.records"),
        ("pkg.reader", "pkg.records"),
        ("pkg.reader", "pkg._helper"),
        ("pkg.reader", "pkg.sub.deep"),
        ("pkg.reader", "pkg"),
        ("pkg.sub.deep", "pkg.records"),
        ("pkg.sub.deep", "pkg.reader"),
    }
    assert [w.line for w in edges[("pkg.reader", "pkg.sub.deep")]] == [5, 7, 8]
    assert edges[("pkg.reader", "pkg")][0].text == "from pkg import Record"
    # Imported lazily in a function, and back at module level: still a cycle.
    assert find_cycles(graph_of(edges)) == [["pkg.reader", "pkg.sub.deep"]]


def test_a_submodule_importing_through_its_package_is_a_cycle(tmp_path):
    modules = _package(tmp_path, {
        "__init__.py": "from .a import A\nfrom .b import B\n",
        "a.py": "class A: ...\n",
        "b.py": "from . import A\nclass B(A): ...\n",
    })
    edges = import_edges(modules)
    assert ("pkg.b", "pkg") in edges
    assert find_cycles(graph_of(edges)) == [["pkg", "pkg.b"]]


# --- medeval ---------------------------------------------------------------------------


def test_the_graph_is_read():
    # The detector sees medeval's modules, and edges at module level and lazy ones.
    assert {"medeval", "medeval.loaders", "medeval.stats", "medeval.loaders.dicom"} <= set(
        MODULES
    )
    assert ("medeval.loaders.image", "medeval.loaders.dicom") in EDGES
    assert ("medeval.loaders", "medeval.loaders.image") in EDGES  # under TYPE_CHECKING


def test_an_import_back_from_a_record_would_be_caught():
    # The real graph plus one import of a dispatcher from the records' leaf module.
    edges = {**EDGES, ("medeval.loaders._records", "medeval.loaders.image"): []}
    cycles = find_cycles(graph_of(edges))
    assert ["medeval.loaders._records", "medeval.loaders.image"] in cycles


@pytest.mark.parametrize("package", CLEAN)
def test_no_cycle_through(package):
    cycles = [c for c in CYCLES if _touches(c, (package,))]
    assert not cycles, "import cycles:\n" + "\n".join(describe(c, EDGES) for c in cycles)


if __name__ == "__main__":  # ``python tests/test_imports.py``: every cycle in medeval
    for cycle in CYCLES:
        print(describe(cycle, EDGES))
    print(f"{len(CYCLES)} cycle(s) in {len(MODULES)} modules")
