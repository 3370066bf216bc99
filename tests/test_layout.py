"""The shape of the code the issue asked for: small functions where the flow is."""

from __future__ import annotations

import ast
from pathlib import Path

import medeval

SRC = Path(medeval.__file__).resolve().parent
#: The modules of the flow evaluation -> result -> command line.
FLOW = ("evaluation.py", "scoring.py", "result.py", "result_sections.py",
        "classification_tables.py", "cli")
LIMIT = 80


def _functions(path: Path) -> list[tuple[str, int]]:
    """Each function and its length in lines, its docstring not counted (a numpydoc
    docstring of a public function is as long as it needs to be)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            lines = node.end_lineno - node.lineno + 1  # type: ignore[operator]
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                lines -= first.end_lineno - first.lineno + 1  # type: ignore[operator]
            out.append((f"{path.name}:{node.lineno} {node.name}", lines))
    return out


def test_no_function_of_the_flow_is_over_80_lines():
    files = [p for name in FLOW for p in ((SRC / name).rglob("*.py") if (SRC / name).is_dir()
                                          else [SRC / name])]
    assert len(files) >= 10, files  # the CLI package's modules are among them
    found = [item for path in files for item in _functions(path)]
    assert any(name.endswith(" evaluate") for name, _ in found)
    too_long = [(name, lines) for name, lines in found if lines > LIMIT]
    assert not too_long, f"functions over {LIMIT} lines: {too_long}"


def test_the_counter_counts(tmp_path):
    # def + 79 body lines + return: 81 lines, one too many; the nested helper is counted too
    body = "\n".join(f"    x{i} = {i}" for i in range(79))
    probe = tmp_path / "probe.py"
    probe.write_text(f"def long():\n{body}\n    return 0\n\n\ndef short():\n"
                     '    """Two lines\n    of docstring."""\n'
                     "    def inner():\n        pass\n", encoding="utf-8")
    assert sorted(_functions(probe)) == [("probe.py:1 long", 81), ("probe.py:84 short", 3),
                                         ("probe.py:87 inner", 2)]


def test_no_source_file_holds_a_control_character():
    # "\text", "\binom", "\frac" typed into a docstring that is not raw (or rewritten by
    # a tool that took the escapes) become a tab, a backspace, a form feed: the formula
    # help() shows is then "P_<TAB>ext{pass}", "<BS>inom{n}{k}" (found in the api pass,
    # cases_to_pass and ece_statistic). Python sources hold none of them.
    control = {"\t", "\b", "\f", "\v", "\a"}
    files = sorted(SRC.rglob("*.py"))
    assert len(files) > 100, files
    found = [(path.relative_to(SRC).as_posix(), number)
             for path in files
             # split on "\n" only: str.splitlines() also splits at a form feed
             for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1)
             if control & set(line)]
    assert not found, f"control characters (a lost backslash?) at {found}"
