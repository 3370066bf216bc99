"""The registry's hash chain: every issue, amendment and withdrawal appends a link.

A link records one report as it stands after the event (all its fields, in a canonical
JSON text) and its hash is SHA-256 over the previous link's hash and that text, so that
a value changed afterwards, by anyone, no longer agrees with the link that recorded it,
and a link changed no longer gives the hashes after it. The encoding is defined in
docs/registry.md ("The hash chain"), so that anyone can recompute it without medeval:

    hash[0] = "0" * 64
    hash[n] = sha256((hash[n-1] + "\\n" + record[n]).encode("utf-8")).hexdigest()

:func:`append` adds links inside the transaction that changes the reports (the caller
holds the settings row's lock: :func:`lock`); :func:`chain_problems` recomputes the chain
and compares each report with the last link that recorded it.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session

from ..errors import RegistryError
from .models import ChainRow, ReportRow, SettingsRow
from .records import ReportEvent, Status

__all__ = ["FIELDS", "GENESIS", "append", "chain_problems", "encode", "head", "history",
           "link_hash", "lock", "unknown"]

#: The hash before the first link.
GENESIS = "0" * 64
#: A report's fields as a link records them, in this order (after position, event and
#: the report's row id).
FIELDS = ("number", "scope", "seq", "fingerprint", "pdf_sha256", "test_id", "customer",
          "issue_date", "tester", "approver", "status", "reason", "amendment", "replaces",
          "replaced_by", "issued_at", "status_changed_at")
_TIMES = ("issued_at", "status_changed_at")


def encode(position: int, event: str, report_id: int, values: Mapping[Any, Any], *,
           fields: Sequence[str] = FIELDS) -> str:
    """The canonical record of a link: a compact JSON array (no spaces, characters
    beyond ASCII as they are) of the position, the event, the report's row id and
    :data:`FIELDS` (or ``fields``: a migration gives the fields of its own
    schema, which a later one may extend); NULL as ``null``, dates ``YYYY-MM-DD``, times in UTC
    ``YYYY-MM-DDTHH:MM:SS.ffffffZ``.

    >>> encode(1, "issued", 1, {**dict.fromkeys(FIELDS), "number": "LAB-1",
    ...        "issue_date": date(2026, 12, 6), "issued_at": "2026-12-06 15:40:00.5"})
    '[1,"issued",1,"LAB-1",null,null,null,null,null,null,"2026-12-06",null,null,null,null,null,null,null,"2026-12-06T15:40:00.500000Z",null]'
    """
    items = [position, event, report_id, *(_plain(name, values[name]) for name in fields)]
    return json.dumps(items, ensure_ascii=False, separators=(",", ":"))


def link_hash(previous: str, record: str) -> str:
    """SHA-256 (lowercase hex) of the previous link's hash, a line feed, and the record,
    as UTF-8."""
    return hashlib.sha256(f"{previous}\n{record}".encode()).hexdigest()


def _plain(name: str, value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if name in _TIMES and isinstance(value, str):  # SQLite: '2026-12-06 15:40:00.123456'
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value  # not a time: recorded as it is (check names it on its own)
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def lock(session: Session) -> None:
    """Take the chain's lock: the settings row, FOR UPDATE on PostgreSQL (SQLite's
    ``BEGIN IMMEDIATE`` already holds the whole file). Every write takes it first, so
    that links are appended one writer at a time, in the order committed."""
    session.execute(select(SettingsRow.id).where(SettingsRow.id == 1).with_for_update())


def append(session: Session, events: Sequence[tuple[ReportRow, str]]) -> None:
    """Append a link for each (report, event), in order, and move the chain's head (the
    caller took :func:`lock` and flushed the rows, so that each has its id)."""
    settings = session.scalars(select(SettingsRow).where(SettingsRow.id == 1)).one()
    previous, position = settings.chain_head or GENESIS, settings.chain_length
    for row, event in events:
        position += 1
        record = encode(position, event, row.id, {name: getattr(row, name) for name in FIELDS})
        previous = link_hash(previous, record)
        session.add(ChainRow(position=position, report_id=row.id, event=event, record=record,
                             hash=previous))
    settings.chain_length, settings.chain_head = position, previous


def head(connection: Connection) -> tuple[int, str]:
    """The chain's length and last hash, as the registry records them."""
    length, last = connection.execute(text(
        "SELECT chain_length, chain_head FROM medeval_registry")).one()
    return int(length), str(last or GENESIS)


def chain_problems(connection: Connection) -> list[str]:
    """Where the chain breaks, and each report that differs from its last link (one
    sentence each; none: every report is as the chain recorded it)."""
    links = connection.execute(text("SELECT position, report_id, event, record, hash FROM "
                                     "medeval_chain ORDER BY position")).all()
    problems = _links_problems(links, *head(connection))
    latest: dict[Any, Any] = {}  # where the chain breaks, its records are still the
    for link in links:  # best word on what was issued: each row is compared with its own
        latest[link.report_id] = link
    rows = connection.execute(text(f"SELECT id, {', '.join(FIELDS)} FROM medeval_reports "
                                   "ORDER BY id")).mappings().all()
    for row in rows:
        link = latest.pop(row["id"], None)
        if link is None:
            problems.append(f"report {row['number']}: recorded by no link of the hash "
                            "chain (added outside medeval)")
            continue
        now = encode(link.position, link.event, row["id"], row)
        if now != link.record:
            problems.append(f"report {row['number']}: differs from hash chain link "
                            f"{link.position} ({link.event}), which recorded it: "
                            f"{_differences(_loaded(link.record), json.loads(now))}")
    for link in latest.values():
        problems.append(f"hash chain link {link.position} ({link.event}) records report "
                        f"{_number(link.record)} (row id {link.report_id}), which is not in "
                        "the registry (deleted outside medeval)")
    return problems


def history(connection: Connection, report_id: int) -> list[ReportEvent]:
    """The events of report ``report_id``, oldest first, as the links recording it hold
    them (what they prove is :func:`chain_problems`' to say).

    Raises
    ------
    RegistryError
        A link's record cannot be read (changed outside medeval: ``registry check``
        names it).
    """
    links = connection.execute(text(
        "SELECT position, event, record, hash FROM medeval_chain WHERE report_id = :id "
        "ORDER BY position"), {"id": report_id}).all()
    return [_event(link) for link in links]


def _event(link: Any) -> ReportEvent:
    record = _loaded(link.record)
    value = dict(zip(FIELDS, record[3:])) if record is not None else {}
    try:
        status = Status(value.get("status"))
        moments = [datetime.fromisoformat(value[name]) if value[name] else None
                   for name in _TIMES]
    except (KeyError, TypeError, ValueError):
        raise RegistryError(f"hash chain link {link.position} ({link.event}): its record "
                            "cannot be read (changed outside medeval); medeval registry "
                            "check names what differs") from None
    issued_at, changed_at = moments
    return ReportEvent(position=int(link.position), event=str(link.event), status=status,
                       reason=value["reason"], replaces=value["replaces"],
                       replaced_by=value["replaced_by"],
                       at=issued_at if link.event == "issued" else changed_at or issued_at,
                       hash=str(link.hash))


def unknown(connection: Connection, hashes: Sequence[str]) -> list[str]:
    """Each of ``hashes`` (written down earlier) that is no link's hash any more."""
    links = {str(h) for (h,) in connection.execute(text("SELECT hash FROM medeval_chain"))}
    return [f"hash chain: sha256:{value}, given as known, is no link's hash: the chain was "
            "rewritten outside medeval since it was written down (or it is another "
            "registry's)" for value in dict.fromkeys(hashes) if value not in links]


def _links_problems(links: Sequence[Any], length: int, last: str) -> list[str]:
    """The first break of the chain itself (none: every hash follows, to its end)."""
    previous = GENESIS
    for position, link in enumerate(links, start=1):
        what = f"{link.event} {_number(link.record)}"
        if link.position != position:
            return [f"hash chain: link {position} is missing (the next is link "
                    f"{link.position}, {what}): links {position} to {links[-1].position} "
                    "are not vouched for (deleted outside medeval)"]
        record = _loaded(link.record)
        if link_hash(previous, link.record) != link.hash or record is None or \
                record[:3] != [link.position, link.event, link.report_id]:
            return [f"hash chain: breaks at link {position} ({what}): its hash is not "
                    f"SHA-256 of link {position - 1}'s hash and its record; links {position} "
                    f"to {len(links)} are not vouched for (changed outside medeval)"]
        previous = link.hash
    if (len(links), previous) != (length, last):
        return [f"hash chain: ends at link {len(links)} (sha256:{previous}), but the "
                f"registry recorded its end as link {length} (sha256:{last}): links were "
                "deleted from its end, or the chain was rewritten, outside medeval"]
    return []


def _differences(recorded: list[Any] | None, stored: list[Any]) -> str:
    if recorded is None:  # edited into no JSON array of 20 (a traceback, before)
        return "its record cannot be read (not a JSON array of 20 values)"
    said = [f"{name} {now!r} (the chain recorded {then!r})"
            for name, then, now in zip(FIELDS, recorded[3:], stored[3:]) if then != now]
    return "; ".join(said) if said else "its record is not in the canonical encoding"


def _loaded(record: str) -> list[Any] | None:
    try:
        value = json.loads(record)
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, list) and len(value) == 3 + len(FIELDS) else None


def _number(record: str) -> str:
    value = _loaded(record)
    return str(value[3]) if value is not None else "(unreadable record)"
