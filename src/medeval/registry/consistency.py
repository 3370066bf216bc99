"""Whether a registry's rows agree with one another: what a row changed by hand breaks.

The registry writes its rows so that they agree: a number is its pattern's for its scope
and running number, a counter is never behind the numbers drawn from it, an amended
report names the report that replaced it and that one names it back, an issued report
has had no change of status. A row changed outside medeval (``sqlite3``, ``psql``, a
restore of half a table) can break any of these, and nothing that reads one report
sees it. :func:`find_problems` reads every row as stored (no type conversion, so that a
date that is no date is named, not a traceback) and says what disagrees, row by row.

What it cannot see: a value changed into another that agrees with the rest (another
valid fingerprint or PDF SHA-256, a customer renamed): the hash chain
(:mod:`medeval.registry.chain`) names those, and ``medeval verify CERT.pdf --registry
...`` compares a certificate with its row.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, text

from ..errors import RegistryError
from .numbering import ReportNumbering

__all__ = ["find_problems"]

_HEX64 = re.compile(r"[0-9a-f]{64}")
_COLUMNS = ("number", "scope", "seq", "fingerprint", "pdf_sha256", "issue_date", "status",
            "reason", "amendment", "replaces", "replaced_by", "issued_at",
            "status_changed_at")


def find_problems(connection: Connection, numbering: ReportNumbering) -> list[str]:
    """Every disagreement among the registry's rows, one sentence each (none: consistent).

    ``connection`` reads the registry (in a transaction, so that every row is of one
    moment); ``numbering`` is its pattern.
    """
    problems = _integrity(connection)
    rows = [dict(zip(_COLUMNS, values)) for values in connection.execute(text(
        f"SELECT {', '.join(_COLUMNS)} FROM medeval_reports ORDER BY id"))]
    by_number = {row["number"]: row for row in rows}
    for row in rows:
        problems += [f"report {row['number']}: {p}" for p in _row_problems(row, numbering)]
        problems += [f"report {row['number']}: {p}" for p in _chain_problems(row, by_number)]
    problems += _counter_problems(connection, rows)
    standing: dict[str, list[str]] = {}
    for row in rows:
        if row["status"] == "issued":
            standing.setdefault(row["fingerprint"], []).append(row["number"])
    problems += [f"reports {', '.join(numbers)}: all issued (standing) for one result "
                 f"sha256:{fingerprint}; the registry issues a result one standing report"
                 for fingerprint, numbers in standing.items() if len(numbers) > 1]
    return problems


def _integrity(connection: Connection) -> list[str]:
    if connection.dialect.name != "sqlite":
        return []
    state = [str(r[0]) for r in connection.execute(text("PRAGMA integrity_check"))]
    keys = list(connection.execute(text("PRAGMA foreign_key_check")))
    out = [] if state == ["ok"] else [f"SQLite integrity_check: {'; '.join(state)}"]
    return out + [f"SQLite foreign_key_check: table {r[0]} row {r[1]} names a missing "
                  f"row of {r[2]}" for r in keys]


def _row_problems(row: dict[str, Any], numbering: ReportNumbering) -> list[str]:
    out = [f"{name} {row[name]!r}: not a SHA-256 (64 lowercase hex digits)"
           for name in ("fingerprint", "pdf_sha256")
           if not (isinstance(row[name], str) and _HEX64.fullmatch(row[name]))]
    day = _day(row["issue_date"])
    for name, value in (("issue_date", row["issue_date"]), ("issued_at", row["issued_at"]),
                        ("status_changed_at", row["status_changed_at"])):
        if value is None and name == "status_changed_at":
            continue
        if (day if name == "issue_date" else _moment(value)) is None:
            out.append(f"{name} {value!r}: not a {'date' if name == 'issue_date' else 'time'}")
    if day is not None:
        try:
            written = numbering.format(year=day.year, seq=int(row["seq"]))
        except (RegistryError, TypeError, ValueError):
            written = None
        if (written, row["scope"]) != (row["number"], numbering.scope(day.year)):
            out.append(f"the pattern {numbering.pattern!r} gives running number "
                       f"{row['seq']} of {day.year} (issue date {day}) the number "
                       f"{written} in scope {numbering.scope(day.year)!r}, but the row "
                       f"holds {row['number']} in scope {row['scope']!r}")
    if row["status"] == "issued" and row["status_changed_at"] is not None:
        out.append(f"status issued, but its status changed at {row['status_changed_at']} "
                   "(withdrawn or amended reports keep their status)")
    if row["status"] != "issued" and not row["reason"]:
        out.append(f"status {row['status']}, but no reason recorded")
    return out


def _chain_problems(row: dict[str, Any], by_number: dict[str, dict[str, Any]]) -> list[str]:
    out = []
    if (row["status"] == "amended") != (row["replaced_by"] is not None):
        out.append(f"status {row['status']}, replaced_by {row['replaced_by']}: an amended "
                   "report, and only one, names the report that replaced it")
    after = by_number.get(row["replaced_by"]) if row["replaced_by"] else None
    if row["replaced_by"] and (after is None or after["replaces"] != row["number"]):
        out.append(f"replaced by {row['replaced_by']}, which does not name it as the "
                   "report it replaces")
    before = by_number.get(row["replaces"]) if row["replaces"] else None
    if row["replaces"] and (before is None or before["replaced_by"] != row["number"]):
        out.append(f"replaces {row['replaces']}, which does not name it as its "
                   "replacement")
    if not _whole(row["amendment"]):  # SQLite stores 'abc' (and its CHECK >= 0 holds)
        return [*out, f"amendment {row['amendment']!r}: not a whole number >= 0"]
    if before is not None and not _whole(before["amendment"]):
        return out  # named on its own row; no rank to count from
    rank = before["amendment"] + 1 if before is not None else 0
    if row["amendment"] != rank and (before is not None or row["replaces"] is None):
        out.append(f"amendment {row['amendment']}, but it is amendment {rank} of its "
                   "chain")
    return out


def _counter_problems(connection: Connection, rows: list[dict[str, Any]]) -> list[str]:
    counters: dict[str, int] = {str(scope): last for scope, last in connection.execute(
        text("SELECT scope, last_seq FROM medeval_counters"))}
    highest: dict[str, int] = {}
    for row in rows:
        if isinstance(row["seq"], int):
            highest[row["scope"]] = max(highest.get(row["scope"], 0), row["seq"])
    return [f"counter of scope {scope!r}: at {counters.get(scope)}, behind running number "
            f"{seq} issued: the next issue would draw a number in use (and be refused)"
            for scope, seq in sorted(highest.items())
            if not isinstance(counters.get(scope), int) or counters[scope] < seq]


def _whole(value: object) -> bool:
    """An amendment rank as stored: an integer >= 0 (SQLite types nothing it is given)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _day(value: object) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _moment(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
