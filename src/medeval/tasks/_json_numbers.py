"""Numbers and rows of numbers in the JSON files of predictions and references (private).

Strict on purpose: a JSON string ``"35"`` or ``true`` is not a time, a score or a
coordinate, and a nested or longer list is not silently flattened into more rows. Each
function raises ``ValueError`` naming the first entry that does not fit; the task turns
it into a failed case (a prediction) or a fault of the set (a reference).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["is_number", "number", "number_rows", "shown_json", "shown_value"]


def is_number(value: Any) -> bool:
    """A JSON number: ``int`` or ``float``, not ``bool`` (which Python counts as ``int``)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _float_number(value: Any) -> bool:
    """A JSON number that a float can hold: JSON integers have no bound, and ``float()``
    of one past ``sys.float_info.max`` raises OverflowError."""
    return is_number(value) and (isinstance(value, float) or abs(value) <= sys.float_info.max)


def shown_json(value: Any) -> str:
    """A JSON value as a message shows it: its JSON text, cut at 60 characters (a Korean
    label as written, not escaped)."""
    return json.dumps(value, ensure_ascii=False)[:60]


def shown_value(value: Any) -> str:
    """A prediction's value as a message shows it: JSON's ``true``, ``false`` and
    ``null`` as the file writes them (Python's repr said ``True`` and ``None``, words no
    JSON file holds), anything else as its repr (a text in quotes: ``'0.8'``).

    >>> shown_value(True), shown_value(None), shown_value("low"), shown_value(0.5)
    ('true', 'null', "'low'", '0.5')
    """
    return json.dumps(value) if value is None or isinstance(value, bool) else repr(value)


def number(value: Any, *, name: str) -> float:
    """``value`` as a float, or ``ValueError`` when it is not a JSON number."""
    if not _float_number(value):
        raise ValueError(f"{name} is {shown_json(value)}, not a number" + (
            " a float can hold" if is_number(value) else ""))
    return float(value)


def number_rows(
    rows: Any, *, name: str, shape: str, width: int | None = None
) -> NDArray[np.float64]:
    """``[[x, y, ...], ...]`` as an ``(n, width)`` array of float64.

    Every row is a list of numbers of one length (``width`` when given, else the first
    row's); ``shape`` describes a row in the message (e.g. ``"[start_s, end_s]"``). An
    empty list gives shape ``(0, width or 0)``.
    """
    if not isinstance(rows, list):
        raise ValueError(f"{name}s is {shown_json(rows)}, not a list of {shape}")
    for k, row in enumerate(rows):
        wanted = width if width is not None else (len(rows[0]) if isinstance(rows[0], list)
                                                  else None)
        if not (isinstance(row, list) and row and all(map(_float_number, row))
                and (wanted is None or len(row) == wanted)):
            count = f" ({wanted} numbers)" if wanted else " (numbers)"
            raise ValueError(f"{name} {k} is {shown_json(row)}, not {shape}{count}")
    if not rows:
        return np.zeros((0, width or 0))
    return np.array(rows, dtype=np.float64).reshape(len(rows), -1)
