"""What the API and the page share: the app's state, reading an upload, judging it.

Every refusal is a :class:`RequestRefused` carrying its HTTP status and a message for the
visitor; the API sends it as ``{"error": ...}``, the page shows it above the form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request

from ..errors import MedevalError, RegistryError
from ..registry import check_report_number
from ..report._errors import ReportError
from ..report.pdfread import html_report_fingerprint
from .verdicts import Verdict, check_fingerprint, issued_bytes, judge_upload, look_up
from .verifier import Verifier, VerifierCrashed

if TYPE_CHECKING:
    from ..registry import Registry

__all__ = ["RequestRefused", "Services", "check_number", "judge_number", "judge_pdf", "read_upload"]

#: Form fields besides the file, and their longest accepted size (bytes).
_MAX_FIELDS = 4
_MAX_FIELD_BYTES = 16 * 1024


#: The ``Retry-After`` of a 503 (s): the registry or the verifier out for a while (the
#: engine's wait for a connection is 30 s).
RETRY_AFTER_S = 30


class RequestRefused(MedevalError, ValueError):
    """A request the page or the API refuses, with its HTTP status.

    Parameters
    ----------
    status_code
        400 (malformed), 404 (no such report), 413 (too large), 415 (not a PDF),
        422 (a PDF that cannot be verified), 503 (the registry or the verifier is out).
    message
        What the visitor reads: what was wrong and what to do.
    """

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


@dataclass(frozen=True)
class Services:
    """What the handlers use: the registry (read only) and the verifier."""

    registry: Registry
    verifier: Verifier


def services(request: Request) -> Services:
    """The app's :class:`Services` (set by :func:`medeval.web.create_app`)."""
    found: Services = request.app.state.services
    return found


def check_number(number: str) -> str:
    """The typed report number, checked (400 naming the problem)."""
    try:
        return check_report_number(number)
    except RegistryError as exc:
        raise RequestRefused(400, str(exc)) from None


async def judge_number(request: Request, number: str, fingerprint: str | None) -> Verdict:
    """The verdict on a report number (400 when malformed, 503 when the registry fails)."""
    checked = check_number(number)
    given = None
    if fingerprint is not None and fingerprint.strip():
        try:
            given = check_fingerprint(fingerprint)
        except RegistryError as exc:
            raise RequestRefused(400, str(exc)) from None
    # a RegistryError from here on is the database failing: a server error (503)
    return await run_in_threadpool(look_up, services(request).registry, checked,
                                   fingerprint=given)


async def read_upload(request: Request) -> tuple[bytes | None, str | None, str | None]:
    """``(pdf bytes, typed number, lang)`` of a POST: a multipart form (field ``file``,
    optional ``number`` and ``lang``) or a bare ``application/pdf`` body.

    The uploaded file's name is never used; its bytes stay in memory and in the
    parser's own temporary file (the size was capped before this is called).
    """
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/pdf":
        return await request.body(), None, None
    if kind not in ("multipart/form-data", "application/x-www-form-urlencoded"):
        raise RequestRefused(415, "send the certificate as multipart/form-data (field 'file') or "
                      "as an application/pdf body")
    try:
        async with request.form(max_files=1, max_fields=_MAX_FIELDS,
                                max_part_size=_MAX_FIELD_BYTES) as form:
            upload = form.get("file")
            number, lang = form.get("number"), form.get("lang")
            payload = None
            if isinstance(upload, UploadFile):
                payload = await upload.read()
                if not payload and not upload.filename:
                    payload = None  # the page's form sent without a file chosen
    except HTTPException as exc:
        raise RequestRefused(400, f"the form cannot be read: {exc.detail}") from None
    typed = number.strip() if isinstance(number, str) and number.strip() else None
    return payload, typed, lang if isinstance(lang, str) else None


async def judge_pdf(request: Request, payload: bytes, typed: str | None) -> Verdict:
    """The verdict on uploaded PDF bytes (and the number typed, if any).

    Raises
    ------
    RequestRefused
        415 not a PDF; 422 a PDF that cannot be verified (truncated, not a medeval
        certificate), with the verifier's message; 503 the verifier failed or timed out.
    """
    if not payload:
        raise RequestRefused(400, "the uploaded file is empty; choose the certificate PDF")
    report = html_report_fingerprint(payload)
    if report is not None:  # the laboratory may hand it out beside the certificate
        raise RequestRefused(415, "the uploaded file is medeval's HTML report of result "
                             f"sha256:{report}, not the certificate PDF: the HTML report "
                             "carries no result and cannot be verified; upload the "
                             "certificate's PDF file")
    if b"%PDF-" not in payload[:1024]:
        raise RequestRefused(415, f"the uploaded file is not a PDF (it begins with "
                      f"{payload[:16]!r}, not %PDF-); upload the certificate's PDF file")
    checked = check_number(typed) if typed else None
    found = services(request)
    quick = await run_in_threadpool(issued_bytes, found.registry, payload, typed=checked)
    if quick is not None:
        return quick
    try:
        verification = await found.verifier.verify(payload)
    except ReportError as exc:
        raise RequestRefused(422, str(exc)) from None
    except VerifierCrashed:
        raise RequestRefused(422, "the uploaded file could not be verified: the verifier failed "
                      "on it (a damaged or hostile PDF)") from None
    except TimeoutError:
        raise RequestRefused(503, "the verification took too long; try again later") from None
    return await run_in_threadpool(judge_upload, found.registry, verification,
                                   payload=payload, typed=checked)
