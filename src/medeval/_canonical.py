"""Canonical JSON: the same data gives the same bytes (private; see medeval.result).

Keys sorted, two-space indent, a list of scalars on one line, UTF-8, one trailing
newline; floats as the shortest text that reads back to the same double; NaN and
infinities as the strings ``"NaN"``, ``"Infinity"``, ``"-Infinity"``. numpy values are
accepted without this module importing numpy, so the runner can write canonical
predictions without loading the numerical stack.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["canonical_json", "json_data"]


def canonical_json(data: Any) -> bytes:
    """Serialise plain data canonically (sorted keys, exact floats, named non-finites).

    Objects are indented by two spaces, one key per line; a list of scalars (such as a
    per-case row) stays on one line, so a result of many cases stays readable.

    Examples
    --------
    >>> print(canonical_json({"b": float("nan"), "a": [[1, 0.1], [2, float("inf")]]}).decode())
    {
      "a": [
        [1, 0.1],
        [2, "Infinity"]
      ],
      "b": "NaN"
    }
    <BLANKLINE>
    """
    try:
        text = _direct(data, 0)
    except _NotPlain:  # numpy values, paths, other mappings ...: made plain first
        text = _encode(_plain(data), 0)
    return (text + "\n").encode("utf-8")


def json_data(record: Mapping[str, Any]) -> dict[str, Any]:
    """``record`` with every non-finite float inside it (in dicts, lists and tuples)
    written as canonical JSON writes it (``"NaN"``, ``"Infinity"``, ``"-Infinity"``) and
    tuples as lists, so that ``json.dumps(..., allow_nan=False)`` takes it (a record's
    ``to_dict``; :func:`medeval.stats.estimate.number` reads the strings back).

    Examples
    --------
    >>> json_data({"p": float("nan"), "df": [1, float("inf")]})
    {'p': 'NaN', 'df': [1, 'Infinity']}
    """
    return {key: _json_value(value) for key, value in record.items()}


def _json_value(value: Any) -> Any:
    if isinstance(value, Mapping):
        return json_data(value)
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, float):
        return _float(value)
    return value


class _NotPlain(Exception):
    """A value :func:`_direct` leaves to ``_encode(_plain(...))``."""


_encode_string = json.encoder.encode_basestring  # json's own (C) encoder of a str
_CONTAINERS = (dict, list, tuple)


def _direct(value: Any, depth: int) -> str:
    """``_encode(_plain(value), depth)`` of data that is plain already — dicts with str
    keys, lists, tuples, str, int, float, bool, None, of exactly those types — in one
    pass; anything else raises _NotPlain."""
    kind = type(value)
    if kind is str:
        return _encode_string(value)
    if kind is dict:
        if not value:
            return "{}"
        try:
            keys = sorted(value)
        except TypeError:
            raise _NotPlain from None
        inner = "  " * (depth + 1)
        items = []
        for key in keys:
            if type(key) is not str:
                raise _NotPlain
            items.append(f"{inner}{_encode_string(key)}: {_direct(value[key], depth + 1)}")
        return "{\n" + ",\n".join(items) + "\n" + "  " * depth + "}"
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        if any(type(v) in _CONTAINERS for v in value):
            inner = "  " * (depth + 1)
            return ("[\n" + ",\n".join([inner + _direct(v, depth + 1) for v in value]) + "\n"
                    + "  " * depth + "]")
        return "[" + ", ".join([_direct_scalar(v) for v in value]) + "]"
    return _direct_scalar(value)


def _direct_scalar(value: Any) -> str:
    """:func:`_scalar` of ``_plain(value)`` for a str, int, float, bool or None of exactly
    that type; anything else raises _NotPlain."""
    kind = type(value)
    if kind is str:
        return _encode_string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        if math.isfinite(value):
            return float.__repr__(value)
        return '"NaN"' if math.isnan(value) else '"Infinity"' if value > 0 else '"-Infinity"'
    raise _NotPlain


def _encode(value: Any, depth: int) -> str:
    inner, outer = "  " * (depth + 1), "  " * depth
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [
            f"{inner}{_scalar(key)}: {_encode(value[key], depth + 1)}" for key in sorted(value)
        ]
        return "{\n" + ",\n".join(items) + "\n" + outer + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        if not any(isinstance(v, (dict, list)) for v in value):
            return "[" + ", ".join(_scalar(v) for v in value) + "]"
        return "[\n" + ",\n".join(inner + _encode(v, depth + 1) for v in value) + "\n" + outer + "]"
    return _scalar(value)


_STRING = json.JSONEncoder(ensure_ascii=False, allow_nan=False)


def _scalar(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, allow_nan=False)`` of a plain scalar (as
    ``json`` writes them: ``float.__repr__``, ``int.__repr__``), without building an
    encoder per value."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    kind = type(value)
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        if not math.isfinite(value):
            raise ValueError(f"canonical_json: non-finite float {value!r}")
        return float.__repr__(value)
    return _STRING.encode(value)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return _float(float(value))
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Path):
        return str(value)
    np = sys.modules.get("numpy")  # a numpy value exists only if numpy is imported
    if np is not None:
        if isinstance(value, np.ndarray):
            return [_plain(v) for v in value.tolist()]
        if isinstance(value, np.bool_):
            return bool(value)
        if isinstance(value, np.integer):
            return int(value)
        if isinstance(value, np.floating):
            return _float(float(value))
    raise TypeError(f"canonical_json: cannot serialise {type(value).__name__}: {value!r}")


def _float(number: float) -> float | str:
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    return number
