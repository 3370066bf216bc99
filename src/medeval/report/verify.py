"""Verify a certificate against its result: is this the document of these numbers?

:func:`verify_certificate` checks, and names what changed:

1. the result file against its ``.sha256`` file, when there is one
   (:func:`medeval.verify_result`);
2. the result's content fingerprint, recomputed, against the one the PDF carries (printed
   on every page, in the QR code's text and in the PDF's metadata); when they differ,
   the parts of the result whose digests differ from those recorded in the PDF
   (``metrics.sensitivity``...) and the printed lines that differ from a fresh rendering;
3. the PDF's bytes: a signed PDF's signatures (pyHanko), and the unsigned revision
   against a fresh rendering of the result — the renderer is deterministic, so one
   changed byte is found and its offset and PDF object named.
"""

from __future__ import annotations

import difflib
import io
import logging
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ResultError
from ..result import Result, read_result, verify_result
from ._errors import ReportError
from .content import build_certificate, section_digests
from .info import ReportInfo, load_report_info

__all__ = ["Verification", "pdf_text", "read_pdf_record", "verify_certificate"]

_HEX = re.compile(r"SHA-256\s*:?\s*([0-9a-f]{64})|sha256:([0-9a-f]{64})")
_FINGERPRINT_ONLY = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Verification:
    """The outcome of :func:`verify_certificate`.

    Attributes
    ----------
    ok : bool
        No problem found.
    fingerprint : str
        The result's content fingerprint, recomputed.
    printed : str or None
        The fingerprint the PDF carries (None without a PDF, or when none is found).
    signed : bool
        The PDF has at least one signature.
    problems : tuple of str
        Each problem found, naming the file and what changed.
    """

    ok: bool
    fingerprint: str
    printed: str | None
    signed: bool
    problems: tuple[str, ...]

    def check(self) -> str:
        """Return the fingerprint, or raise :class:`~medeval.errors.ResultError` listing
        every problem (what the command line turns into exit code 1)."""
        if not self.ok:
            raise ResultError("\n".join(self.problems))
        return self.fingerprint


def verify_certificate(
    result: str | Path | Result,
    pdf: str | Path | None = None,
    *,
    report_info: str | Path | Mapping[str, Any] | ReportInfo | None = None,
    trust_roots: tuple[str | Path, ...] = (),
) -> Verification:
    """Check a result, and a certificate PDF against it; name every difference.

    Parameters
    ----------
    result : path or Result
        The result JSON (its ``.sha256`` file is checked too when present), or the result.
    pdf : path, optional
        The certificate. Without it only the result is checked.
    report_info : path, mapping or ReportInfo, optional
        The report info the certificate was rendered with (needed to compare the PDF's
        bytes with a fresh rendering; its digest is recorded in the PDF).
    trust_roots : tuple of path
        Certificates to trust when validating signatures.

    Returns
    -------
    Verification
        Call ``.check()`` to raise on any problem.

    Raises
    ------
    ResultError
        The result file cannot be read at all.
    """
    problems: list[str] = []
    if isinstance(result, (str, Path)):
        source = Path(result)
        data = read_result(source)
        if source.with_name(source.name + ".sha256").is_file():
            try:
                verify_result(source)
            except ResultError as exc:
                problems.append(str(exc))
    else:
        data = result
    fingerprint = data.fingerprint
    if pdf is None:
        return Verification(not problems, fingerprint, None, False, tuple(problems))
    pdf_path = Path(pdf)
    try:
        payload = pdf_path.read_bytes()
    except OSError as exc:
        raise ReportError(f"certificate {pdf_path}: cannot be read: {exc.strerror}") from None
    info = load_report_info(report_info)
    record = read_pdf_record(payload)
    printed = record.get("fingerprint")
    problems += [f"certificate {pdf_path}: {p}" for p in record.get("problems", [])]
    signed = False
    if printed is None:
        problems.append(f"certificate {pdf_path}: no result fingerprint found in its text "
                        "or metadata; it is not a medeval certificate or was altered")
    elif printed != fingerprint:
        problems.append(
            f"certificate {pdf_path} was issued for result sha256:{printed}, but "
            f"{_name(result)} has sha256:{fingerprint}: the result or the certificate was "
            "changed")
        problems += _changed_parts(data, record, pdf_path)
        problems += _changed_lines(data, info, record, payload, pdf_path)
    else:
        signed, byte_problems = _check_bytes(data, info, record, payload, pdf_path,
                                             trust_roots)
        problems += byte_problems
    return Verification(not problems, fingerprint, printed, signed, tuple(problems))


def _name(result: str | Path | Result) -> str:
    return f"result {result}" if isinstance(result, (str, Path)) else "the result"


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs what it repairs in a damaged PDF; verify reports problems itself."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def pdf_text(payload: bytes) -> list[str]:
    """The text of each page (pypdf); a page that cannot be read gives ``""``."""
    from pypdf import PdfReader

    with _quiet_pypdf():
        reader = PdfReader(io.BytesIO(payload), strict=False)
        pages = []
        for page in reader.pages:
            try:
                pages.append(page.extract_text() or "")
            except Exception:  # a damaged content stream
                pages.append("")
    return pages


def read_pdf_record(payload: bytes) -> dict[str, Any]:
    """What a certificate says about itself: fingerprint, language, digests, page texts.

    The fingerprint comes from the metadata (``Keywords``) and from every page's text;
    they must agree. Problems reading the PDF are listed under ``"problems"``.
    """
    record: dict[str, Any] = {"problems": [], "digests": {}, "pages": []}
    try:
        from pypdf import PdfReader

        with _quiet_pypdf():
            reader = PdfReader(io.BytesIO(payload), strict=False)
            keywords = str(reader.metadata.get("/Keywords", "")) if reader.metadata else ""
    except Exception as exc:
        record["problems"].append(f"cannot be read as a PDF: {exc}")
        return record
    for part in keywords.split(";"):
        key, _, value = part.strip().partition("=")
        if key == "fingerprint":
            record["meta_fingerprint"] = value.removeprefix("sha256:")
        elif key in ("lang", "report-number"):
            record[key] = value
        elif key == "report-info":
            record["report_info"] = value.removeprefix("sha256:")
        elif key == "digests":
            record["digests"] = dict(item.split(":", 1) for item in value.split(",") if item)
    try:
        record["pages"] = pdf_text(payload)
    except Exception as exc:
        record["problems"].append(f"its text cannot be extracted: {exc}")
    found = set()
    for number, text in enumerate(record["pages"], start=1):
        on_page = {a or b for a, b in _HEX.findall(text.replace("\n", " "))}
        if not on_page and text:
            record["problems"].append(f"page {number} carries no result fingerprint")
        found |= on_page
    meta = record.get("meta_fingerprint")
    if meta:
        found.add(meta)
    # the manifest fingerprint and protocol hash are printed too; keep the result's
    candidates = {meta} if meta else found
    if len(candidates) == 1:
        record["fingerprint"] = next(iter(candidates))
    if meta and record["pages"]:
        footers = [p for p in record["pages"] if meta not in p.replace("\n", " ")]
        if footers:
            record["problems"].append(
                f"{len(footers)} page(s) do not print the fingerprint sha256:{meta} of "
                "the metadata")
    return record


def _changed_parts(data: Result, record: Mapping[str, Any], pdf: Path) -> list[str]:
    recorded: dict[str, str] = record.get("digests") or {}
    if not recorded:
        return []
    now = section_digests(data)
    changed = sorted(k for k in set(recorded) | set(now) if recorded.get(k) != now.get(k))
    leaves = [k for k in changed if not any(o.startswith(k + ".") for o in changed)]
    if not leaves:
        return []
    return [f"parts of the result that differ from those the certificate {pdf} was issued "
            f"for: {', '.join(leaves)}"]


def _render(data: Result, info: ReportInfo, lang: str, pdfa: bool) -> bytes:
    from .pdf import pdf_bytes

    payload = pdf_bytes(build_certificate(data, info), lang=lang)
    if pdfa:
        from .pdfa import to_pdfa

        payload = to_pdfa(payload, lang=lang)
    return payload


def _changed_lines(data: Result, info: ReportInfo, record: Mapping[str, Any],
                   payload: bytes, pdf: Path) -> list[str]:
    """Printed lines of the certificate that a fresh rendering of the result prints otherwise."""
    lang = str(record.get("lang") or "ko+en")
    try:
        fresh = pdf_text(_render(data, info, lang, b"/OutputIntents" in payload))
    except ReportError:
        return []
    old = [line for page in record.get("pages", []) for line in page.splitlines()]
    new = [line for page in fresh for line in page.splitlines()]
    out = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        before = " | ".join(old[i1:i2]).strip()
        after = " | ".join(new[j1:j2]).strip()
        if _FINGERPRINT_ONLY.search(before) and _FINGERPRINT_ONLY.search(after):
            continue  # the fingerprint lines themselves: already reported
        where = f" (after {old[i1 - 1].strip()!r})" if i1 > 0 else ""
        out.append(f"certificate {pdf} prints {before!r}{where} where the result gives "
                   f"{after!r}")
        if len(out) == 10:
            out.append("(further differences not listed)")
            break
    return out


def _check_bytes(data: Result, info: ReportInfo, record: Mapping[str, Any],
                 payload: bytes, pdf: Path,
                 trust_roots: tuple[str | Path, ...]) -> tuple[bool, list[str]]:
    problems: list[str] = []
    signed = b"/ByteRange" in payload
    if signed:
        from .sign import validate_pdf

        try:
            checks = validate_pdf(payload, trust_roots=trust_roots)
        except ReportError as exc:
            return True, [str(exc)]
        if not checks:
            problems.append(f"certificate {pdf}: looks signed but no signature could be read")
        for check in checks:
            if not check.intact:
                problems.append(f"certificate {pdf}: signature {check.field} is broken: the "
                                "signed bytes were changed after signing")
            elif not check.valid:
                problems.append(f"certificate {pdf}: signature {check.field} does not verify")
            elif not check.covers_whole_file:
                problems.append(f"certificate {pdf}: bytes were added after signature "
                                f"{check.field} (at offset {check.signed_length})")
            if trust_roots and not check.trusted:
                problems.append(f"certificate {pdf}: signer {check.signer} is not trusted")
    if record.get("report_info") and record["report_info"] != info.digest():
        problems.append(
            f"certificate {pdf} was rendered with report info sha256:{record['report_info']}, "
            f"not the one given (sha256:{info.digest()}): pass the same --report-info to "
            "compare its bytes")
        return signed, problems
    fresh = _render(data, info, str(record.get("lang") or "ko+en"),
                    b"/OutputIntents" in payload)
    original = payload[:len(fresh)] if signed else payload
    if original != fresh:
        offset = next((i for i, (a, b) in enumerate(zip(original, fresh)) if a != b),
                      min(len(original), len(fresh)))
        problems.append(
            f"certificate {pdf}: its bytes differ from the certificate rendered from the "
            f"result at byte {offset}{_object_at(payload, fresh, offset)} (sizes {len(original)} "
            f"and {len(fresh)}): the PDF was altered, or rendered by another version of "
            "medeval/reportlab")
        problems += _changed_lines(data, info, record, payload, pdf)
    return signed, problems


def _object_at(payload: bytes, fresh: bytes, offset: int) -> str:
    """The PDF object holding ``offset``, with what it is in the fresh rendering."""
    starts = list(re.finditer(rb"(\d+) (\d+) obj", payload[:offset + 1]))
    if not starts:
        return ""
    number, generation = int(starts[-1].group(1)), int(starts[-1].group(2))
    kind = ""
    try:
        from pypdf import PdfReader

        with _quiet_pypdf():
            obj: Any = PdfReader(io.BytesIO(fresh), strict=False).get_object(number)
            if isinstance(obj, Mapping):
                kind = str(obj.get("/Type") or obj.get("/Subtype") or "")
                if not kind and "/Length1" in obj:
                    kind = "embedded font program"
                elif not kind and "/Length" in obj:
                    kind = "content stream"
    except Exception:  # naming the object is a courtesy; the offset is the finding
        kind = ""
    return f" (in PDF object {number} {generation}{', ' + kind if kind else ''})"
