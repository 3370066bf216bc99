"""Reading what a certificate PDF says about itself (pypdf), without trusting it.

:func:`read_pdf_record` gives the fingerprint (from the metadata and from every page's
text, which must agree), the language, the report info's digest, the report number,
the part digests and the attachment names the ``Keywords`` list, and the page texts.
:func:`sniff_pdf` refuses, with a clear message, bytes that are not a PDF at all.
Nothing here raises on a damaged or hostile PDF: problems are listed.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ._errors import ReportError

__all__ = ["ENCRYPTED", "ENCRYPTED_OPEN", "is_medeval_pdf", "names_a_pdf", "pdf_text",
           "quiet_pypdf", "read_pdf_record", "record_pages", "refuse_html_report",
           "revision_ends", "short_error", "sniff_pdf"]

#: Why a PDF that asks for a password cannot be read: pypdf's own words ("File has not
#: been decrypted") were shown as "a damaged PDF", and said nothing of what to give.
ENCRYPTED = ("it is encrypted with a password, which medeval never sets on a certificate "
             "(other software encrypted it); give the PDF as the laboratory issued it")

#: Why a PDF encrypted without a password to open it (readable, yet rewritten) is not
#: the certificate: verify named only its first differing byte, "in /Catalog".
ENCRYPTED_OPEN = ("it is encrypted (with no password to open it), which medeval never "
                  "does: other software saved it again")

_HEX = re.compile(r"SHA-256\s*:?\s*([0-9a-f]{64})|sha256:([0-9a-f]{64})")
_DIGEST = re.compile(r"[0-9a-f]{64}")
#: Pages read for their text at most (a certificate has a dozen; a hostile PDF thousands).
_MAX_PAGES = 200
#: The most revisions (``%%EOF`` marks) of a PDF looked at for the PDF issued; a
#: certificate has one, two or three (a signature, a time stamp).
_MAX_REVISIONS = 64


@contextmanager
def quiet_pypdf() -> Iterator[None]:
    """pypdf logs what it repairs in a damaged PDF; verify reports problems itself."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def sniff_pdf(payload: bytes, name: str) -> None:
    """Raise :class:`ReportError` unless ``payload`` begins like a PDF (``%PDF-`` within
    its first 1024 bytes, as PDF 32000-1 7.5.2 allows)."""
    if not payload:
        raise ReportError(f"{name}: the file is empty, not a PDF")
    if b"%PDF-" not in payload[:1024]:
        start = payload[:16]
        raise ReportError(f"{name}: not a PDF (it begins with {start!r}, not %PDF-); give "
                          "the certificate's PDF file")


#: The HTML report names its result: ``<meta name="medeval-fingerprint" content=...>``.
_HTML_REPORT = re.compile(rb'<meta name="medeval-fingerprint" content="sha256:([0-9a-f]{64})">')


def html_report_fingerprint(payload: bytes) -> str | None:
    """The result fingerprint (hex) that medeval's HTML report names in its
    ``medeval-fingerprint`` tag, when ``payload`` is that report; else ``None``.

    Examples
    --------
    >>> html_report_fingerprint(b'<meta name="medeval-fingerprint" content="sha256:'
    ...                         + b"ab" * 32 + b'">') == "ab" * 32
    True
    >>> html_report_fingerprint(b"%PDF-1.4 ...") is None
    True
    """
    found = _HTML_REPORT.search(payload[:4096]) if b"%PDF-" not in payload[:1024] else None
    return None if found is None else found.group(1).decode("ascii")


def refuse_html_report(payload: bytes, name: str, result: Any = None) -> None:
    """Raise :class:`ReportError` when ``payload`` is medeval's HTML report, naming it so
    (it was read as a result, "not valid JSON", or as a PDF that "cannot be read" and
    was "altered"); with ``result`` (a :class:`~medeval.Result`), whether it names the
    result's fingerprint."""
    fingerprint = html_report_fingerprint(payload)
    if fingerprint is None:
        return
    same = ""
    if result is not None:
        same = ("; it names the result given, whose fingerprint is the same" if
                result.fingerprint == fingerprint else
                f"; the result given is another one, sha256:{result.fingerprint}")
    raise ReportError(f"{name}: medeval's HTML report of result sha256:{fingerprint}, not "
                      "the certificate PDF: the HTML report carries no result and is not "
                      "verified; verify the certificate PDF (medeval verify CERT.pdf), "
                      f"which the same result renders{same}")


def names_a_pdf(path: Path) -> bool:
    """Is a path given alone a certificate: does it end in .pdf or begin like a PDF?"""
    if path.suffix.lower() == ".pdf":
        return True
    try:
        with path.open("rb") as handle:
            return b"%PDF-" in handle.read(1024)
    except OSError:
        return False


def pdf_text(payload: bytes) -> list[str]:
    """The text of each page (pypdf); a page that cannot be read gives ``""``."""
    from pypdf import PdfReader

    with quiet_pypdf():
        reader = PdfReader(io.BytesIO(payload), strict=False)
        pages = []
        for page in list(reader.pages)[:_MAX_PAGES]:
            try:
                pages.append(page.extract_text() or "")
            except Exception:  # a damaged content stream
                pages.append("")
    return pages


def is_medeval_pdf(record: Mapping[str, Any]) -> bool:
    """Does the record read from a PDF say it is a medeval certificate?"""
    return bool(record.get("medeval") or record.get("fingerprint"))


def read_pdf_record(payload: bytes, *, text: bool = True) -> dict[str, Any]:
    """What a certificate says about itself: fingerprint, language, digests, page texts.

    The fingerprint comes from the metadata (``Keywords``) and from every page's text;
    they must agree. Problems reading the PDF are listed under ``"problems"``; a PDF
    that cannot be opened at all has ``"unreadable"`` set.

    With ``text=False`` the page texts (pypdf's text extraction, most of the time this
    takes) are left to be read when :func:`record_pages` asks for them, where the
    metadata gives the fingerprint; without one there, they are read at once, as the
    fingerprint is then read from them.
    """
    record: dict[str, Any] = {"problems": [], "digests": {}, "pages": [], "attachments": None}
    try:
        from pypdf import PdfReader

        with quiet_pypdf():
            reader = PdfReader(io.BytesIO(payload), strict=False)
            metadata = reader.metadata
            keywords = str(metadata.get("/Keywords", "")) if metadata else ""
    except Exception as exc:
        from pypdf.errors import FileNotDecryptedError

        if isinstance(exc, FileNotDecryptedError):  # not damaged: locked by a password
            record["encrypted"] = True
            record["problems"].append(f"cannot be read as a PDF: {ENCRYPTED}")
        else:
            record["problems"].append(f"cannot be read as a PDF: {short_error(exc)}")
        record["unreadable"] = True
        return record
    if reader.is_encrypted:  # opened without a password: named, as a reason it differs
        record["problems"].append(ENCRYPTED_OPEN)
    _parse_keywords(keywords, record)
    if text or not record.get("meta_fingerprint"):
        _read_pages(payload, record)
    else:  # the fingerprint is the metadata's, whatever the pages print
        record["fingerprint"] = record["meta_fingerprint"]
        record[_TEXT_OF] = payload
    return record


#: The key of a record read with ``text=False`` that holds the bytes whose page texts
#: are still to be read.
_TEXT_OF = "text-of"


def record_pages(record: dict[str, Any]) -> list[str]:
    """The page texts of a record :func:`read_pdf_record` read; those of a record read
    with ``text=False`` are read now, and the problems they show appended to its
    ``"problems"`` (as ``text=True`` would have listed them, after the metadata's)."""
    payload = record.pop(_TEXT_OF, None)
    if payload is not None:
        _read_pages(payload, record)
    pages: list[str] = record.get("pages", [])
    return pages


def _read_pages(payload: bytes, record: dict[str, Any]) -> None:
    """The page texts into ``record``, each page's fingerprints checked against the
    metadata's; the fingerprint from the pages where the metadata has none."""
    try:
        record["pages"] = pdf_text(payload)
    except Exception as exc:
        record["problems"].append(f"its text cannot be extracted: {short_error(exc)}")
    found: set[str] = set()
    every_page: set[str] | None = None
    for number, text in enumerate(record["pages"], start=1):
        on_page = {a or b for a, b in _HEX.findall(text.replace("\n", " "))}
        if not on_page and text:
            record["problems"].append(f"page {number} carries no result fingerprint")
        found |= on_page
        if text:
            every_page = on_page if every_page is None else every_page & on_page
    meta = record.get("meta_fingerprint")
    if meta:
        found.add(meta)
    # the manifest fingerprint and protocol hash are printed too, on some pages; the
    # result's is in every page's footer (the one left when the metadata is gone, as in
    # a copy printed to PDF by other software)
    candidates = {meta} if meta else (every_page if every_page else found)
    if len(candidates) == 1:
        record["fingerprint"] = next(iter(candidates))
    if meta and record["pages"]:
        footers = [p for p in record["pages"] if meta not in p.replace("\n", " ")]
        if footers:
            record["problems"].append(
                f"{len(footers)} page(s) do not print the fingerprint sha256:{meta} of "
                "the metadata")


def _parse_keywords(keywords: str, record: dict[str, Any]) -> None:
    """Read the ``Keywords`` entry :func:`~medeval.report.pdf.certificate_keywords` writes;
    anything malformed is left out (the byte comparison names it)."""
    parts = [p.strip() for p in keywords.split(";")]
    record["medeval"] = "medeval-certificate" in parts
    for part in parts:
        key, _, value = part.partition("=")
        if key == "fingerprint":
            digest = value.removeprefix("sha256:")
            if _DIGEST.fullmatch(digest):
                record["meta_fingerprint"] = digest
        elif key in ("lang", "report-number"):
            record[key] = value[:200]
        elif key == "report-info":
            record["report_info"] = value.removeprefix("sha256:")[:64]
        elif key == "digests":  # name:digest, the name may hold ':' (label1:dice)
            record["digests"] = dict(item.rsplit(":", 1) for item in value.split(",")
                                     if ":" in item)
        elif key == "attachments":
            record["attachments"] = tuple(n for n in value.split(",") if n)


def short_error(exc: BaseException) -> str:
    """An exception's message, at most 200 characters (a hostile PDF's can be long)."""
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 200 else text[:200] + "..."


def revision_ends(payload: bytes) -> dict[str, int]:
    """The earlier revisions of ``payload``: SHA-256 of the bytes up to each ``%%EOF``
    marker, with and without the end of line after it (the first ``_MAX_REVISIONS``
    markers), and where each ends.

    A PDF updated incrementally (a signature appended, say) begins with the bytes of the
    PDF it updated; one hash is carried along the file and copied at each marker, so a
    file of many markers costs one pass.

    Examples
    --------
    >>> first = b"%PDF-1.4 ... %%EOF\\n"
    >>> revision_ends(first + b"... %%EOF\\n")[hashlib.sha256(first).hexdigest()] == len(first)
    True
    """
    ends: dict[str, int] = {}
    running = hashlib.sha256()
    done = 0
    start = payload.find(b"%%EOF")
    for _ in range(_MAX_REVISIONS):
        if start < 0:
            break
        end = start + len(b"%%EOF")
        running.update(payload[done:end])
        done = end
        ends.setdefault(running.hexdigest(), end)
        for eol in (b"\n", b"\r\n", b"\r"):
            if payload.startswith(eol, end):
                fork = running.copy()
                fork.update(eol)
                ends.setdefault(fork.hexdigest(), end + len(eol))
        start = payload.find(b"%%EOF", end)
    return ends
