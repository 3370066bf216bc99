"""The verdicts the page and the API give, from the registry and a verified certificate.

No web framework here: plain functions on a :class:`~medeval.registry.Registry` and a
:class:`~medeval.report.Verification`, so the rules can be read (and tested) alone.

A report number looked up (:func:`look_up`) is ``genuine`` (issued and standing),
``withdrawn``, ``amended`` or ``unknown``; with the fingerprint a QR code carries, a
fingerprint other than the registry's makes it ``altered``. An uploaded certificate
(:func:`judge_upload`) is, in this order:

1. ``unknown`` when the registry has no report of the number it carries (or of the
   number typed);
2. ``altered`` when the PDF itself is altered (:func:`~medeval.report.verify_certificate`
   names what), when it carries another report number than the one typed, when it
   was issued for another result than the registry records for its number, or when it
   is not byte for byte the PDF the registry records: a certificate rendered again from
   the issued result with other report info (date of issue, signatories, deviations,
   opinions, accreditation) or another run context (dates of testing, environment), or
   the PDF issued with a signature appended by someone, verifies alone and carries the
   issued fingerprint, yet is not what the laboratory issued;
3. ``withdrawn`` or ``amended`` when the registry says so;
4. ``genuine`` otherwise.

The bytes the laboratory issued are recorded in the registry (their SHA-256): an upload
with exactly those bytes is that certificate, and is judged without rendering it again
(:func:`issued_bytes`); any other upload is verified in full, to name what differs, and
is not the certificate issued: ``altered`` (the PDF issued with an update appended after
it, such as a signature the laboratory did not issue, is named as such).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from ..errors import RegistryError
from ..registry import ReportRecord, Status, check_report_number
from ..report.pdfread import revision_ends

if TYPE_CHECKING:
    from ..registry import Registry
    from ..report import Verification

__all__ = ["Verdict", "check_fingerprint", "issued_bytes", "judge_upload", "look_up",
           "report_number_in", "revision_ends"]

VerdictStatus = Literal["genuine", "altered", "withdrawn", "amended", "unknown"]
_STANDING: dict[Status, VerdictStatus] = {
    Status.ISSUED: "genuine", Status.WITHDRAWN: "withdrawn", Status.AMENDED: "amended"}


@dataclass(frozen=True)
class Verdict:
    """What the page shows and the API returns.

    Attributes
    ----------
    status
        ``genuine``, ``altered``, ``withdrawn``, ``amended`` or ``unknown``.
    report_number
        The number looked up, or the one the certificate carries.
    fingerprint
        A result's content fingerprint: the registry's, the one the link (a QR code's
        ``?fingerprint=``) carried, or the one recomputed from the uploaded certificate
        when that differs from the registry's or the registry has none.
    record
        The registry's record of the report (None when unknown).
    differences
        Each difference found, in words.
    checked
        ``"registry"`` (a number looked up), ``"issued-bytes"`` (the upload is byte for
        byte the PDF the registry records) or ``"verified"`` (rendered again and compared).
    fingerprint_from
        Whose ``fingerprint`` is: ``"registry"`` (the result the report was issued for),
        ``"link"`` (what the link carried, not known to the registry for this number) or
        ``"document"`` (what the uploaded certificate carries, not the registry's). The
        page labels it so: a link's fingerprint is not the result's.
    """

    status: VerdictStatus
    report_number: str | None
    fingerprint: str | None
    record: ReportRecord | None = None
    differences: tuple[str, ...] = field(default=())
    checked: Literal["registry", "issued-bytes", "verified"] = "registry"
    fingerprint_from: Literal["registry", "link", "document"] = "registry"

    def to_json(self) -> dict[str, object]:
        """The API's answer: the issue's keys, then what the registry adds."""
        record = self.record
        return {
            "status": self.status,
            "report_number": self.report_number,
            "fingerprint": self.fingerprint,
            "differences": list(self.differences),
            "issued": record.issue_date.isoformat() if record else None,
            "replaced_by": record.replaced_by if record else None,
            "replaces": record.replaces if record else None,
            "reason": record.reason if record and record.status is not Status.ISSUED
            else None,
            "status_changed": record.status_changed_at.isoformat()
            if record and record.status_changed_at else None,
            "checked": self.checked,
            "fingerprint_from": self.fingerprint_from,
        }


def look_up(registry: Registry, number: str, *, fingerprint: str | None = None) -> Verdict:
    """The verdict on a report number (and the fingerprint a QR code carries).

    Raises
    ------
    RegistryError
        ``number`` is malformed (checked before any look-up), or the fingerprint is not
        64 hexadecimal digits.
    """
    checked = check_report_number(number)
    given = check_fingerprint(fingerprint) if fingerprint else None
    record = registry.get(checked)
    if record is None:
        return Verdict("unknown", checked, given, None,
                       (f"report {checked} is not in this laboratory's registry",),
                       fingerprint_from="link" if given else "registry")
    checked = record.number  # as the registry writes it (typed in lower case, say)
    if given is not None and given != record.fingerprint:
        return Verdict("altered", checked, given, record, (
            f"the fingerprint given (sha256:{given}) is not the one report {checked} was "
            f"issued with (sha256:{record.fingerprint}): the QR code or the link was "
            "changed, or belongs to another document",), fingerprint_from="link")
    return Verdict(_STANDING[record.status], checked, record.fingerprint, record)


def issued_bytes(registry: Registry, payload: bytes, *,
                 typed: str | None = None) -> Verdict | None:
    """The verdict when ``payload`` is byte for byte a PDF the registry records, else None.

    The report number is the one typed, or the one in the PDF's metadata (read without
    the page texts); the registry's ``pdf_sha256`` of that report decides.
    """
    number = typed or report_number_in(payload)
    if number is None:
        return None
    # both checked already: a RegistryError here is the database failing (503), not
    # a verdict
    record = registry.get(number)
    if record is None or record.pdf_sha256 != hashlib.sha256(payload).hexdigest():
        return None
    return Verdict(_STANDING[record.status], record.number, record.fingerprint,
                   record, (), "issued-bytes")


def judge_upload(registry: Registry, verification: Verification, *, payload: bytes,
                 typed: str | None = None) -> Verdict:
    """The verdict on an uploaded certificate, verified in full, and the registry.

    Parameters
    ----------
    registry
        The laboratory's registry.
    verification
        :func:`~medeval.report.verify_certificate` of ``payload``.
    payload
        The uploaded bytes: unless they are the PDF the registry records, the certificate
        is not the one issued (``altered``), even when it verifies alone and carries the
        issued result.
    typed
        The report number the visitor typed (already checked), if any.
    """
    carried = verification.report_number
    if typed:  # typed in another letter case than the registry writes it: the same number
        typed = registry.numbering.spelled(typed)
    number = typed or carried
    differences = list(verification.differences)
    if typed and carried and carried != typed:
        differences.append(f"the certificate carries report number {carried}, not the "
                           f"{typed} typed")
    # a number printed in a forged PDF may be malformed: no such report; once checked,
    # a RegistryError from the look-up is the database failing (503), not "unknown"
    record = registry.get(number) if number and _well_formed(number) else None
    if record is None:
        what = f"report {number}" if number else "a report without a number"
        return Verdict("unknown", number, verification.fingerprint, None,
                       (*differences, f"{what} is not in this laboratory's registry"),
                       "verified", "document")
    fingerprint = verification.fingerprint
    if fingerprint is not None and fingerprint != record.fingerprint:
        differences.append(
            f"report {record.number} was issued for result sha256:{record.fingerprint}; "
            f"this certificate carries result sha256:{fingerprint}")
    digest = hashlib.sha256(payload).hexdigest()
    if not differences and digest != record.pdf_sha256:
        end = revision_ends(payload).get(record.pdf_sha256)
        if end is not None:
            differences.append(
                f"the certificate is the PDF report {record.number} was issued as, with "
                f"{len(payload) - end} bytes appended after it (an incremental update: a "
                "signature, or a change to its pages or attachments) that the registry does "
                "not record")
        else:
            differences.append(
                f"the certificate carries the result report {record.number} was issued for, "
                f"but it is not the PDF issued (SHA-256 {digest}; the registry records "
                f"{record.pdf_sha256}): it was rendered again with other report info (date "
                "of issue, signatories, deviations, opinions, accreditation), another run "
                "context (dates of testing, environment), language or medeval version")
    if differences or verification.status != "genuine":
        other = fingerprint is not None and fingerprint != record.fingerprint
        return Verdict("altered", number, fingerprint if other else record.fingerprint,
                       record, tuple(differences), "verified",
                       "document" if other else "registry")
    return Verdict(_STANDING[record.status], number, record.fingerprint, record,
                   (), "verified")


def report_number_in(payload: bytes) -> str | None:
    """The report number a certificate's metadata (``Keywords``) names, if any; None
    for anything unreadable. Only the trailer and the info dictionary are read."""
    try:
        from pypdf import PdfReader

        from ..report.pdfread import quiet_pypdf

        with quiet_pypdf():
            metadata = PdfReader(io.BytesIO(payload), strict=False).metadata
            keywords = str(metadata.get("/Keywords", "")) if metadata else ""
    except Exception:  # a hostile or damaged PDF: the full verification will say why
        return None
    for part in keywords.split(";"):
        key, _, value = part.strip().partition("=")
        if key == "report-number":
            try:
                return check_report_number(value)
            except RegistryError:
                return None
    return None


def _well_formed(number: str) -> bool:
    try:
        check_report_number(number)
    except RegistryError:
        return False
    return True


def check_fingerprint(text: str) -> str:
    """``text`` as a fingerprint (64 lowercase hex digits, ``sha256:`` optional), else
    :class:`RegistryError`."""
    digest = text.strip().lower().removeprefix("sha256:")
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        shown = repr(text) if len(text) <= 40 else f"{text[:40]!r}... ({len(text)} characters)"
        raise RegistryError(f"fingerprint {shown}: not 64 hexadecimal digits (sha256:...)")
    return digest
