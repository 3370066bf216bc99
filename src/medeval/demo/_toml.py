"""A minimal TOML writer for the demo's protocols and report info (flat tables only).

Private. Strings, integers, floats, booleans and lists of them; tables and arrays of
tables one level deep — all a protocol needs. Strings are written as JSON strings, which
are valid TOML basic strings.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["Table", "dumps"]

Table = Mapping[str, Any]


def _value(value: Any, key: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{key}: {value!r} has no TOML form here")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Sequence):
        return "[" + ", ".join(_value(item, key) for item in value) + "]"
    raise TypeError(f"{key}: cannot write {type(value).__name__} as TOML")


def _body(table: Table, where: str) -> list[str]:
    return [f"{key} = {_value(value, f'{where}.{key}')}" for key, value in table.items()
            if value is not None]


def dumps(document: Mapping[str, Table | Sequence[Table]], *, comment: str = "") -> str:
    """TOML text of ``{section: table}`` or ``{section: [table, ...]}``.

    Top-level keys whose value is a scalar are written first, without a header.

    Examples
    --------
    >>> print(dumps({"number": "A-1", "test": {"id": "T1"}, "criteria": [{"goal": 0.5}]}))
    number = "A-1"
    <BLANKLINE>
    [test]
    id = "T1"
    <BLANKLINE>
    [[criteria]]
    goal = 0.5
    <BLANKLINE>
    """
    lines = [f"# {line}".rstrip() for line in comment.splitlines()]
    scalars = {k: v for k, v in document.items() if not isinstance(v, (Mapping, list, tuple))
               or (isinstance(v, (list, tuple)) and not any(isinstance(i, Mapping) for i in v))}
    lines += _body(scalars, "")
    for name, content in document.items():
        if name in scalars:
            continue
        if isinstance(content, Mapping):
            lines += ["", f"[{name}]", *_body(content, name)]
        else:
            for index, table in enumerate(content):
                lines += ["", f"[[{name}]]", *_body(table, f"{name}.{index}")]
    return "\n".join(lines).lstrip("\n") + "\n"
