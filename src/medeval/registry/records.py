"""What the registry hands back: a report's record and its status (no database here)."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime

__all__ = ["CSV_COLUMNS", "ReportEvent", "ReportRecord", "Status", "ended_text"]


class Status(str, enum.Enum):
    """Where an issued report stands.

    ``issued`` it stands; ``amended`` another report replaces it (``replaced_by``);
    ``withdrawn`` the laboratory withdrew it (``reason``), and nothing replaces it.
    """

    ISSUED = "issued"
    AMENDED = "amended"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class ReportRecord:
    """One issued report as the registry keeps it.

    Attributes
    ----------
    number
        The report number, e.g. ``LAB-AI-2026-0001``.
    fingerprint
        The result's content fingerprint (64 hex digits, the SHA-256 that
        ``medeval verify`` prints after ``sha256:``).
    pdf_sha256
        SHA-256 of the certificate PDF as issued (64 hex digits).
    test_id, customer, tester, approver
        The test protocol's id, the customer, who tested, who approved (as printed).
    issue_date
        The date of issue printed on the certificate.
    status, reason
        Where it stands (:class:`Status`) and, once amended or withdrawn, why; on an
        amendment, or a withdrawn result issued again, ``reason`` also says why it was
        issued.
    amendment
        0 for an original report; ``n`` for the n-th amendment of a chain.
    replaces, replaced_by
        The report this one amends, and the report that amends this one.
    issued_at, status_changed_at
        When the registry recorded the issue and the last change of status (UTC).
    chain_hash
        The hash of the last link of the registry's hash chain that recorded this report
        as it stands (docs/registry.md, "The hash chain"); None where no link records it.
    """

    number: str
    fingerprint: str
    pdf_sha256: str
    test_id: str
    customer: str
    issue_date: date
    tester: str
    approver: str
    status: Status
    reason: str | None
    amendment: int
    replaces: str | None
    replaced_by: str | None
    issued_at: datetime
    status_changed_at: datetime | None
    chain_hash: str | None = None

    def to_dict(self) -> dict[str, str | int | None]:
        """Plain values for JSON or CSV: dates and times in ISO 8601, status as its name."""
        out: dict[str, str | int | None] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, Status):
                value = value.value
            elif isinstance(value, (date, datetime)):
                value = value.isoformat()
            out[field.name] = value
        return out


@dataclass(frozen=True)
class ReportEvent:
    """One event in a report's history, as the link of the hash chain that recorded it
    holds it (:meth:`medeval.registry.Registry.history`).

    Attributes
    ----------
    position
        The link's position in the chain (1, 2, 3, ...).
    event
        ``issued``, ``amended`` (another report replaced this one), ``withdrawn``, or
        ``chained`` (the report as it stood when a registry made before the chain was
        upgraded).
    status, reason, replaces, replaced_by
        The report's status and reason, and the reports it replaces and is replaced by,
        as the event left them: a reason overwritten by a later event (an amendment's
        reason, then the withdrawal's) stays in the earlier event.
    at
        When it happened (UTC): the time of issue for ``issued``, the time the status
        changed for the others (for ``chained``, the last change before the upgrade, or
        the time of issue).
    hash
        The link's hash (``registry check --known`` takes it).
    """

    position: int
    event: str
    status: Status
    reason: str | None
    replaces: str | None
    replaced_by: str | None
    at: datetime | None
    hash: str


#: The columns of :meth:`medeval.registry.Registry.export_csv`, in order.
CSV_COLUMNS = tuple(field.name for field in fields(ReportRecord))


def ended_text(ended: Sequence[ReportRecord]) -> str:
    """Say why a result's reports no longer stand: "its report LAB-1 was withdrawn
    (reference standard found wrong)", "... was replaced by LAB-2, of another result
    (...)", joined by "; "."""
    said = []
    for record in ended:
        why = f" ({record.reason})" if record.reason else ""
        if record.status is Status.WITHDRAWN:
            said.append(f"its report {record.number} was withdrawn{why}")
        else:
            said.append(f"its report {record.number} was replaced by {record.replaced_by}, "
                        f"of another result{why}")
    return "; ".join(said)
