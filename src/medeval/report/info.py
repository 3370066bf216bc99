"""Report info: what a certificate prints that the result JSON does not (yet) hold.

The certificate is rendered from the result alone wherever the result has the field. A
few items of ISO/IEC 17025 7.8 are not measurements and are not in the result today:
who tested and who approved, the laboratory's accreditation, the place of testing when
not the laboratory, the date of issue, deviations, the report an amended report
replaces. They come from an optional small TOML or JSON file, every key optional::

    report_number = "KTL-2026-0001"        # default: the protocol's test id
    issue_date = "2026-11-27"              # default: the day the run finished
    received = "2026-11-02"                # where the protocol has no dataset.received
    place = "KTL Seoul, room 301"          # default: the laboratory's premises
    accreditation = "KOLAS KT-000"
    replaces = "KTL-2026-0001"             # an amended report names the one it replaces
    amendment = 1                          # and which amendment of it this is
    amendment_reason = "customer's address corrected"  # why (7.8.8.1; registry amend --reason)
    verification_url = "https://verify.lab.example"  # the QR code opens this page's verdict
    external_providers = "none"
    deviations = ["case c12 re-run after a power cut"]
    opinions = []
    customer_supplied = ["item_name", "item_version", "item_manufacturer"]

    [tested_by]
    name = "홍길동 (Hong Gildong)"
    title = "Tester"

    [approved_by]
    name = "김철수 (Kim Cheolsu)"
    title = "Technical manager"

The file's canonical SHA-256 is recorded in the PDF's metadata, so that
:func:`medeval.report.verify_certificate` can tell a changed report info from a changed
result.
"""

from __future__ import annotations

import datetime
import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .._hashing import sha256_bytes
from .._settings_text import settings_text
from ..result import canonical_json
from ._errors import ReportError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = ["Person", "ReportInfo", "load_report_info"]

#: A report number (or empty: the default); the registry's rule, kept here so that
#: rendering does not need the registry extra.
_NUMBER = re.compile(r"([A-Za-z0-9][A-Za-z0-9._/-]{0,63})?")

#: Fields of the item that are marked as supplied by the customer unless told otherwise.
_Supplied = Literal["item_name", "item_version", "item_manufacturer"]
_DEFAULT_SUPPLIED: tuple[_Supplied, ...] = ("item_name", "item_version", "item_manufacturer")


class Person(BaseModel):
    """A signatory: name and role."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    title: str | None = None


class ReportInfo(BaseModel):
    """The certificate's fields that are not in the result (see the module docs)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: A report number as the registry and the verification page take it (medeval.registry
    #: check_report_number: 1-64 letters, digits and ``. _ / -``, a letter or digit first);
    #: a ``;`` broke the PDF's Keywords record, so that the certificate failed its own
    #: verification, and ``|`` the QR code's fields.
    report_number: str | None = None
    issue_date: str | None = None
    received: str | None = None
    place: str | None = None
    accreditation: str | None = None
    replaces: str | None = None
    #: Which amendment this report is (1 for the first) of the report it ``replaces``.
    amendment: int | None = Field(default=None, ge=1)
    #: Why the report it ``replaces`` was amended (ISO/IEC 17025 7.8.8.1: "the reason for
    #: the change included in the report"); ``medeval registry amend --reason`` sets it.
    #: At most 2,000 characters, as the registry takes a reason (REASON_LENGTH).
    amendment_reason: str | None = Field(default=None, min_length=1, max_length=2000)
    external_providers: str | None = None
    deviations: list[str] = Field(default_factory=list)
    opinions: list[str] = Field(default_factory=list)
    #: Which of the item's fields the customer supplied (marked †, ISO/IEC 17025 7.8.2.2);
    #: a misspelt name dropped its mark without a word.
    customer_supplied: list[_Supplied] = Field(default_factory=lambda: list(_DEFAULT_SUPPLIED))
    tested_by: Person | None = None
    approved_by: Person | None = None
    #: The laboratory's verification page (``medeval serve``): the QR code carries
    #: ``{verification_url}/reports/{number}?fingerprint={fingerprint}``.
    verification_url: str | None = Field(
        default=None, pattern=r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$")

    @field_validator("report_number", "replaces")
    @classmethod
    def _a_report_number(cls, value: str | None) -> str | None:
        if value is not None and not _NUMBER.fullmatch(value):
            shown = (repr(value) if len(value) <= 40
                     else f"{value[:40]!r}... ({len(value)} characters)")
            raise ValueError(f"{shown} is not a report number: 1 to 64 letters, digits and "
                             "'. _ / -', a letter or digit first (as the registry draws them)")
        return value

    @field_validator("issue_date", "received")
    @classmethod
    def _a_calendar_date(cls, value: str | None) -> str | None:
        """A date of issue or of receipt is a day of the calendar, written YYYY-MM-DD
        (a certificate printed "2026-13-45" as its date of issue)."""
        if value is None or value == "":
            return value
        try:
            parsed = datetime.date.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is None or parsed.isoformat() != value:
            raise ValueError(f"{value!r} is not a date written YYYY-MM-DD (e.g. 2026-11-27)")
        return value

    def to_json(self) -> bytes:
        """The canonical JSON of these fields (attached to the PDF as ``report-info.json``).

        ``amendment``, ``amendment_reason`` and ``verification_url`` are left out when not
        given, so that report info written before they existed keeps its digest (the
        certificates that record it still verify).
        """
        fields = self.model_dump()
        for name in ("amendment", "amendment_reason", "verification_url"):
            if fields[name] is None:
                del fields[name]
        return canonical_json(fields)

    def digest(self) -> str:
        """SHA-256 of :meth:`to_json` (recorded in the PDF)."""
        return sha256_bytes(self.to_json())


def load_report_info(source: str | Path | Mapping[str, Any] | ReportInfo | None) -> ReportInfo:
    """Read report info from a TOML or JSON file, a mapping, or nothing (all defaults).

    Raises
    ------
    ReportError
        The file is missing, not TOML/JSON, or has unknown keys or wrong types (all
        listed with their key).

    Examples
    --------
    >>> load_report_info({"tested_by": {"name": "Hong"}}).tested_by.name
    'Hong'
    """
    if source is None:
        return ReportInfo()
    if isinstance(source, ReportInfo):
        return source
    name = "<report info>"
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = str(path)
        try:
            text = settings_text(path.read_bytes())
        except OSError as exc:
            raise ReportError(f"report info {path}: cannot be read: {exc.strerror}") from None
        except ValueError as exc:
            raise ReportError(f"report info {path}: {exc}") from None
        try:
            data: Any = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
        except ValueError as exc:
            raise ReportError(f"report info {path}: not valid TOML/JSON: {exc}") from None
    else:
        data = dict(source)
    try:
        return ReportInfo.model_validate(data)
    except ValidationError as exc:
        problems = "\n".join(
            f"  - {'.'.join(str(p) for p in e['loc'])}: {_problem(e)}" for e in exc.errors()
        )
        raise ReportError(
            f"report info {name}: {exc.error_count()} problem(s); fix these keys "
            f"(the fields: docs/certificate.md, medeval.report.info):\n{problems}"
        ) from None


def _problem(error: Any) -> str:
    """Pydantic's words on one key, an unknown key offered the field it most likely
    meant in place of 'Extra inputs are not permitted'."""
    if error["type"] != "extra_forbidden":
        return str(error["msg"])
    from .._protocol_keys import closest_key

    meant = closest_key(error["loc"], ReportInfo)
    return "unknown key" + (f" (did you mean {meant!r}?)" if meant else "")
