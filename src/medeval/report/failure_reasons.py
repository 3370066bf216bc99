"""Why cases failed, as the certificate's flow of cases names it (private to
:mod:`medeval.report.content`).

A result records each failed case's reason as an identifier (``missing-output``,
``timeout``: :data:`medeval.runner.FAILURE_REASONS`), which the English certificate
prints as it is. A Korean certificate of a result made after medeval 0.11.0
(:data:`NAMED_AFTER`) names it in Korean, the identifier in brackets (``출력
없음(missing-output)``); before, it printed the identifier alone, and a result made then
renders so still. An identifier the catalogue does not know is printed as it is.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..result import Result
from .blocks import Cell
from .catalogue import Msg, catalogue
from .made_by import made_after

__all__ = ["NAMED_AFTER", "reason_cell", "reasons_cell"]

#: The last release whose certificates print a failure's reason as its identifier only.
NAMED_AFTER = "0.11.0"


def reason_cell(result: Result, reason: str) -> Cell:
    """One failed case's reason: named in each language (a result made after
    :data:`NAMED_AFTER`), else the identifier."""
    key = f"failure_reason.{reason}"
    if made_after(result, NAMED_AFTER) and key in catalogue("ko"):
        return Msg(key)
    return reason


def reasons_cell(result: Result, by_reason: Mapping[str, int]) -> Cell:
    """The failed cases by reason (``missing-output: 2, timeout: 1``), each reason as
    :func:`reason_cell` names it."""
    if not made_after(result, NAMED_AFTER):
        return ", ".join(f"{k}: {v}" for k, v in by_reason.items())
    items: list[Cell] = [Msg("text.failure_reason_count", (
        ("reason", reason_cell(result, k)), ("n", str(v)))) for k, v in by_reason.items()]
    if not items:
        return ""
    cell = items[-1]
    for item in reversed(items[:-1]):  # "a, b, c" as "a, (b, c)"
        cell = Msg("text.failure_reasons_more", (("first", item), ("rest", cell)))
    return cell
