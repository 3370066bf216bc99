"""The registry of issued reports (issue 15): numbers, status, fingerprints.

A laboratory keeps one registry, a SQLite file or a PostgreSQL database, of every report
it issued: the number drawn by its pattern (``LAB-AI-{year}-{seq:04d}``), the result's
content fingerprint, the certificate PDF's SHA-256, the test, the customer, the date of
issue, who tested and who approved, and the status (issued, amended, withdrawn) with its
reason. Two testers issuing at the same moment never get one number. Needs the
``registry`` extra (``pip install 'medeval[registry]'``)::

    from medeval.registry import Registry

    with Registry.open("registry.sqlite") as registry:
        record = registry.issue(fingerprint=fp, pdf_sha256=pdf, test_id="KTL-AI-01",
                                customer="ACME", tester="Hong", approver="Kim")
        registry.amend(record.number, "customer name misspelt", fingerprint=fp,
                       pdf_sha256=pdf2)

See docs/registry.md.
"""

from __future__ import annotations

try:
    import sqlalchemy  # noqa: F401  (the registry extra)
except ModuleNotFoundError as exc:  # pragma: no cover - the test extra has it
    raise ModuleNotFoundError("medeval.registry needs the 'registry' extra: "
                              "pip install 'medeval[registry]'", name=exc.name) from exc

from .numbering import DEFAULT_PATTERN, ReportNumbering, check_report_number
from .records import CSV_COLUMNS, ReportEvent, ReportRecord, Status
from .store import PendingReport, Registry

__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_PATTERN",
    "PendingReport",
    "Registry",
    "ReportEvent",
    "ReportNumbering",
    "ReportRecord",
    "Status",
    "check_report_number",
]
