"""Verify a certificate: is this the document of these numbers, unaltered?

:func:`verify_certificate` takes the PDF alone (its attached result, per-case CSV and
report info, :mod:`medeval.report.attachments`) or a result and the PDF, and names
every difference:

1. the result file against its ``.sha256`` file, when a result file is given and has
   one (:func:`medeval.verify_result`);
2. the attachments: each one the certificate lists present, readable, matching its
   recorded size and MD5 checksum, listed in the catalog's ``/AF`` with its
   relationship; the attached result's fingerprint equal to the one the PDF prints, the
   attached report info's digest equal to the one it records, the attached CSV equal to
   the result's per-case rows;
3. the result's content fingerprint, recomputed, against the one the PDF carries (printed
   on every page, in the QR code's text and in the PDF's metadata); when they differ,
   the parts of the result whose digests differ from those recorded in the PDF
   (``metrics.sensitivity``...) and the printed lines that differ from a fresh rendering;
4. the PDF's bytes: a signed PDF's signatures (pyHanko: intact, valid, covering the whole
   file), and the (signed) revision against a fresh rendering from the result, the
   report info and the attachments — the renderer is deterministic, so one changed byte
   is found and its offset and PDF object named.

Everything happens in memory and in a temporary folder of its own: a web page can pass
uploaded bytes.
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .._version import __version__
from ..errors import MedevalError, ResultError
from ..result import Result, read_result, verdicts_problem, verify_result
from ._errors import ReportError
from .attachments import (
    CASES_NAME,
    INFO_NAME,
    RESULT_NAME,
    Attachment,
    read_attachments,
    sources,
)
from .content import section_digests
from .info import ReportInfo, load_report_info
from .pdf_objects import object_at as _object_at
from .pdfread import (
    ENCRYPTED,
    is_medeval_pdf,
    names_a_pdf,
    pdf_text,
    read_pdf_record,
    record_pages,
    refuse_html_report,
    short_error,
    sniff_pdf,
)
from .rendered_again import (
    _VERSION_NAME,
    SAME_TEXT,
    _changed_lines,
    _copy_differences,
    _first_creator,
    _metadata_entry,
    _named_too_early,
    _named_version,
    _render,
)
from .signed_revision import annotations_appended as _annotations_appended
from .signed_revision import attachments_changed_after_signing as _changed_after_signing
from .signed_revision import changed_before_signing as _changed_before_signing
from .signed_revision import info_changed_after as _info_changed_after_signing
from .signed_revision import pages_changed_after as _pages_changed_after_signing
from .signed_revision import signatures as _signatures

__all__ = ["Verification", "pdf_text", "read_pdf_record", "verify_certificate"]

Source = str | Path | Result | bytes


@dataclass(frozen=True)
class Verification:
    """The verdict of :func:`verify_certificate`.

    Attributes
    ----------
    status : {"genuine", "altered"}
        ``"genuine"``: no difference found; ``"altered"``: see ``differences``.
    report_number : str or None
        The report number the certificate carries (None without a PDF).
    fingerprint : str or None
        The result's content fingerprint, recomputed from the result given or, without
        one, from the result attached to the PDF (None when that cannot be read).
    printed : str or None
        The fingerprint the PDF carries (None without a PDF, or when none is found).
    signed : bool
        The PDF has at least one signature.
    differences : tuple of str
        Each difference found, in words, naming the file and what changed.
    attachments : tuple of str
        The names of the files embedded in the PDF.
    """

    status: Literal["genuine", "altered"]
    report_number: str | None
    fingerprint: str | None
    printed: str | None
    signed: bool
    differences: tuple[str, ...]
    attachments: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """No difference found."""
        return self.status == "genuine"

    @property
    def problems(self) -> tuple[str, ...]:
        """The differences (the name of earlier medeval versions)."""
        return self.differences

    def check(self) -> str:
        """Return the fingerprint, or raise :class:`~medeval.errors.ResultError` listing
        every difference (what the command line turns into exit code 1)."""
        if not self.ok or self.fingerprint is None:
            raise ResultError("\n".join(self.differences) or "no fingerprint recomputed")
        return self.fingerprint


def verify_certificate(
    source: Source,
    pdf: str | Path | bytes | None = None,
    *,
    report_info: str | Path | Mapping[str, Any] | ReportInfo | None = None,
    trust_roots: tuple[str | Path, ...] = (),
) -> Verification:
    """Verify a certificate PDF (alone, or against a result); name every difference.

    Parameters
    ----------
    source : path, bytes or Result
        The certificate PDF (a path or its bytes) to verify it alone, from the files it
        carries; or the result JSON (its ``.sha256`` file is checked too when present)
        or the result, to verify ``pdf`` against it (or, without ``pdf``, the result
        alone).
    pdf : path or bytes, optional
        The certificate, when ``source`` is a result.
    report_info : path, mapping or ReportInfo, optional
        The report info the certificate was rendered with; by default the one attached
        to the certificate.
    trust_roots : tuple of path
        Certificates to trust when validating signatures.

    Returns
    -------
    Verification
        ``status`` ``"genuine"`` or ``"altered"`` with the differences; ``.check()``
        raises on any.

    Raises
    ------
    ReportError
        The PDF given alone is not a PDF, cannot be read (truncated beyond recovery), or
        is not a medeval certificate; or it was rendered before certificates carried
        their sources (verify it against its result). The message names the file.
    ResultError
        The result file cannot be read at all.

    Examples
    --------
    A web page handing over uploaded bytes (nothing is read or written but a temporary
    folder of its own)::

        verdict = verify_certificate(uploaded_bytes)
        verdict.status, verdict.report_number, verdict.differences
        # ('genuine', 'KTL-2026-0001', ())
    """
    if trust_roots:  # a wrong --trust file named as such, whether or not the PDF is signed
        from .sign import load_trust_roots

        load_trust_roots(tuple(trust_roots))
    if pdf is None and isinstance(source, (bytes, bytearray, memoryview)):
        return _guarded(bytes(source), "the uploaded file", None, None, report_info,
                        trust_roots)
    if pdf is None and isinstance(source, (str, Path)) and names_a_pdf(Path(source)):
        return _guarded(_read_pdf(source), f"certificate {source}", None, None, report_info,
                        trust_roots)
    if pdf is None and isinstance(source, (str, Path)):
        refuse_html_report(_head(source), f"{source}")  # not a result: the HTML report
    problems: list[str] = []
    result_json: bytes | None = None
    if isinstance(source, (str, Path)):
        path = Path(source)
        data = read_result(path)
        result_json = path.read_bytes()
        if path.with_name(path.name + ".sha256").is_file():
            try:
                verify_result(path)
            except ResultError as exc:
                problems.append(str(exc))
        else:  # no .sha256 to check it with: the per-case CSV beside it, against the JSON
            problems += _csv_beside(path, data)
        label = f"result {source}"
    elif isinstance(source, Result):
        data, label = source, "the result"
    else:
        raise ReportError("verify_certificate: give the certificate PDF alone (a path or its "
                          "bytes), or a result and the PDF")
    if pdf is None:
        return Verification("genuine" if not problems else "altered", None, data.fingerprint,
                            None, False, tuple(problems))
    if isinstance(pdf, (bytes, bytearray)):
        payload, name = bytes(pdf), "the certificate"
    else:
        payload, name = _read_pdf(pdf), f"certificate {pdf}"
    refuse_html_report(payload, name if isinstance(pdf, (bytes, bytearray)) else f"{pdf}",
                       data)
    return _guarded(payload, name, (data, result_json, label), problems, report_info,
                    trust_roots)


def _csv_beside(path: Path, data: Result) -> list[str]:
    """The per-case CSV written beside a result (``result.cases.csv``), when there, must
    hold the result's per-case rows: a reader recomputes the figures from it."""
    csv_path = path.with_name(path.stem + ".cases.csv")
    try:
        written = csv_path.read_bytes()
    except OSError:
        return []
    return _csv_difference(written, _cases_csv_as_written(path, data),
                           f"the per-case table {csv_path}", f"result {path}", beside=True)


def _cases_csv_as_written(path: Path, data: Result) -> bytes:
    """The per-case CSV ``write_result`` wrote beside the result JSON at ``path``.

    A result of medeval 0.1 (``medeval.result/1``) is read converted to this layout
    (another column order, columns added), but its CSV was written from its own rows:
    the JSON's ``case_columns`` and ``cases``, sorted by case ID, each cell as
    :meth:`Result.cases_csv` writes it (0.1's writer, the same)."""
    if data.legacy_fingerprint is None:
        return data.cases_csv()
    import csv

    from ..result import _ID_COLUMNS, _csv_cell
    from ..result_sections import _decoded

    raw = json.loads(path.read_bytes())
    columns = [str(c) for c in raw["case_columns"]]
    rows = sorted((dict(zip(columns, row)) for row in raw["cases"]),
                  key=lambda r: str(r["case_id"]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row[c] if c in _ID_COLUMNS else _decoded(row[c]))
                         for c in columns])
    return buffer.getvalue().encode("utf-8")


def _head(path: str | Path) -> bytes:
    """The first 4 KiB of a file (nothing when it cannot be read: read_result says why)."""
    try:
        with Path(path).open("rb") as handle:
            return handle.read(4096)
    except OSError:
        return b""


def _read_pdf(path: str | Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise ReportError(f"certificate {path}: no such file") from None
    except OSError as exc:
        raise ReportError(f"certificate {path}: cannot be read: {exc.strerror}") from None


def _guarded(payload: bytes, name: str, given: tuple[Result, bytes | None, str] | None,
             problems: list[str] | None, report_info: Any,
             trust_roots: tuple[str | Path, ...]) -> Verification:
    """:func:`_verify`, with any unforeseen failure on hostile bytes a ReportError."""
    try:
        return _verify(payload, name, given, problems or [], report_info, trust_roots)
    except MedevalError:
        raise
    except Exception as exc:  # a PDF crafted to break a parser must not escape as a crash
        raise ReportError(f"{name}: cannot be verified: {type(exc).__name__}: "
                          f"{short_error(exc)}") from exc


def _verify(payload: bytes, name: str, given: tuple[Result, bytes | None, str] | None,
            problems: list[str], report_info: Any,
            trust_roots: tuple[str | Path, ...]) -> Verification:
    info_given = load_report_info(report_info) if report_info is not None else None
    # with its result too: a text file given as the certificate was "altered" with
    # pypdf's "Stream has ended unexpectedly", not named as no PDF
    sniff_pdf(payload, name)
    record = read_pdf_record(payload, text=False)  # its page texts when needed: _PageText
    found, attachment_problems = read_attachments(payload)
    if given is None:
        _refuse_unverifiable(payload, name, record, found)
    problems += [f"{name}: {p}" for p in record["problems"]]
    text = _PageText(record, len(problems), name)
    problems += [f"{name}: {p}" for p in attachment_problems]
    printed = record.get("fingerprint")

    signed, checks_problems, signed_length = _signatures(payload, name, trust_roots)
    problems += checks_problems
    if signed and signed_length:
        # what the signature covers is what is checked; a later change is named
        signed_found, _ = read_attachments(payload[:signed_length])
        problems += _changed_after_signing(signed_found, found, name)
        found = signed_found
        # the document information too: pyHanko lets a metadata update after signing
        # pass (as it lets validation data), but the number, fingerprint and digests
        # verify reads are in it: read them from the signed revision
        problems += _info_changed_after_signing(payload, signed_length, name)
        problems += _pages_changed_after_signing(payload, signed_length, name)
        record = read_pdf_record(payload[:signed_length], text=False)
        printed = record.get("fingerprint")
    attached = {a.name: a for a in found}
    problems += _attachment_problems(attached, record, name)

    attached_result = _attached_result(attached.get(RESULT_NAME), name, problems)
    if attached_result is not None and printed and attached_result.fingerprint != printed:
        problems.append(
            f"{name}: its attached {RESULT_NAME} has fingerprint "
            f"sha256:{attached_result.fingerprint}, but the certificate prints "
            f"sha256:{printed}: the attachment was replaced (it is another result)")
    if given is not None:
        data, result_json, label = given
        if (attached_result is not None and attached_result.fingerprint == data.fingerprint
                and attached_result.context != data.context):
            # the fingerprint leaves the run context out: this is another run of the same
            # evaluation (or its context was edited); the PDF is judged by what it carries
            problems.append(_other_run(data, attached_result, name, label))
            data, result_json = attached_result, attached[RESULT_NAME].data
            label = f"the result attached to {name}"
        if (attached_result is not None and attached_result.fingerprint == data.fingerprint
                and result_json is not None and result_json != attached[RESULT_NAME].data):
            # the same result written otherwise (re-indented, a float's last digit that
            # parses to the same number): the PDF carries its own bytes; render with those,
            # and the result they read as (the renderer prints figures in their file's
            # order: read from a file of the keys in another order, it was 'altered')
            data, result_json = attached_result, attached[RESULT_NAME].data
    elif attached_result is not None:
        data, label = attached_result, f"the result attached to {name}"
        result_json = attached[RESULT_NAME].data
    else:
        return _verdict(text.into(problems), record, None, printed, signed, found)

    info = _report_info(attached.get(INFO_NAME), info_given, record, name, problems)
    if (problem := verdicts_problem(data)) is not None:  # re-rendered, it would verify
        problems.append(f"{name}: {label}: {problem}")
    cases = attached.get(CASES_NAME)
    if cases is not None and cases.data is not None:
        problems += _csv_difference(cases.data, data.cases_csv(), name, label)
    fingerprint = data.fingerprint
    if not record.get("medeval") and not found and printed is not None:
        # no Keywords and no attachments, yet the fingerprint on every page: a copy
        # printed or saved again by other software; its bytes are not comparable
        copy = _copy_differences(data, info, info_given is not None, record, payload, name,
                                 label, result_json)
        return _verdict(text.into(problems) + copy, record, fingerprint, printed, signed, found,
                        _report_number(data, info))
    if printed is None:
        problems.append(f"{name}: no result fingerprint found in its text or metadata; it "
                        "is not a medeval certificate or was altered")
    elif printed != fingerprint:
        problems.append(
            f"{name} was issued for result sha256:{printed}, but {label} has "
            f"sha256:{fingerprint}: the result or the certificate was changed")
        problems += _changed_parts(data, record, name)
        problems += _changed_lines(data, info, record, payload, name, result_json)
    elif info is not None:
        fresh = _rendered(data, info, record, payload, result_json)
        problems += _check_bytes(data, info, record, payload, fresh, name, result_json,
                                 signed_length if signed else None)
        if fresh == payload:  # the rendering's text: its pages' checks are the rendering's
            return _verdict(problems, record, fingerprint, printed, signed, found,
                            _report_number(data, info))
    return _verdict(text.into(problems), record, fingerprint, printed, signed, found,
                    _report_number(data, info))


@dataclass
class _PageText:
    """The problems the page texts of the PDF given show (a page that does not print
    the fingerprint of its metadata...), put where :func:`read_pdf_record` lists them:
    after its other problems, before the attachments'. pypdf's text extraction is most
    of a genuine certificate's verification, so they are read only when the verdict
    needs them: not for a file that is, byte for byte, the certificate rendered again,
    whose page texts are the rendering's, each printing the fingerprint of its
    metadata in its footer (``pdf._footer_lines``; test_verify_text_read_once.py)."""

    record: dict[str, Any]
    at: int
    name: str
    listed: int = field(init=False)

    def __post_init__(self) -> None:
        self.listed = len(self.record["problems"])  # all of them where the text was read

    def into(self, problems: list[str]) -> list[str]:
        """``problems`` with those of the page texts, read now if not yet, put in place."""
        record_pages(self.record)
        shown = self.record["problems"][self.listed:]
        self.listed += len(shown)
        problems[self.at:self.at] = [f"{self.name}: {p}" for p in shown]
        return problems


def _verdict(problems: list[str], record: Mapping[str, Any], fingerprint: str | None,
             printed: str | None, signed: bool, found: tuple[Attachment, ...],
             number: str | None = None) -> Verification:
    return Verification("altered" if problems else "genuine",
                        record.get("report-number") or number, fingerprint, printed, signed,
                        tuple(problems), tuple(a.name for a in found))


def _report_number(data: Result, info: ReportInfo | None) -> str:
    return (info.report_number if info is not None and info.report_number else None) \
        or data.protocol.id


def _refuse_unverifiable(payload: bytes, name: str, record: Mapping[str, Any],
                         found: tuple[Attachment, ...]) -> None:
    """A PDF given alone that cannot be verified alone: say why, as an error."""
    ends = payload.rstrip().endswith(b"%%EOF")
    if record.get("encrypted"):
        raise ReportError(f"{name}: {ENCRYPTED}")
    if record.get("unreadable"):
        what = "a truncated PDF (it does not end with %%EOF)" if not ends else "a damaged PDF"
        reason = str(record["problems"][0]).removeprefix("cannot be read as a PDF: ")
        raise ReportError(f"{name}: {what} that cannot be read ({reason})")
    if not is_medeval_pdf(record) and not any(a.name == RESULT_NAME for a in found):
        if not ends:
            raise ReportError(f"{name}: a truncated or damaged PDF (it does not end with "
                              "%%EOF), and what can be read of it is not a medeval "
                              "certificate")
        raise ReportError(f"{name}: not a medeval certificate (it carries no medeval "
                          "fingerprint and no attached result)")
    if not record.get("medeval") and not found:
        producer = _metadata_entry(payload, "/Producer")
        by = f" (its producer: {producer!r})" if producer else ""
        raise ReportError(f"{name}: prints a medeval fingerprint but carries none of the "
                          f"metadata and attached files a certificate has{by}: a copy "
                          "printed or saved again by other software, which cannot be "
                          "verified alone; verify the PDF the laboratory issued, or this "
                          "copy's printed text against its result: medeval verify "
                          "RESULT.json CERT.pdf [--info INFO.toml]")
    if record.get("attachments") is None and not found:
        raise ReportError(f"{name}: rendered by a medeval that did not attach the result "
                          "to the certificate, so it cannot be verified alone; verify it "
                          "against its result: medeval verify RESULT.json CERT.pdf "
                          "[--info INFO.toml]")


def _other_run(given: Result, attached: Result, name: str, label: str) -> str:
    """The run context of a result with the certificate's fingerprint but not its run."""
    mine, theirs = given.context.to_dict(), attached.context.to_dict()
    keys = [k for k in ("started", "finished", "host", "platform", "cpu_count",
                        "duration_s", "run_log_sha256", "summary_sha256")
            if mine.get(k) != theirs.get(k)]
    shown = "; ".join(f"{k} {mine.get(k)} where the certificate's has {theirs.get(k)}"
                      for k in keys[:4])
    rest = [k for k in set(mine) | set(theirs) if mine.get(k) != theirs.get(k)
            and k not in keys[:4]]
    more = f"; and its {', '.join(sorted(rest))}" if rest else ""
    return (f"{label} has the fingerprint {name} carries (sha256:{given.fingerprint}), which "
            f"leaves the run context out, but not its run: {shown}{more}. It is another run "
            "of the same evaluation, or its context was changed; the certificate was "
            f"checked against the result it carries")


def _attachment_problems(attached: Mapping[str, Attachment], record: Mapping[str, Any],
                         name: str) -> list[str]:
    """Each listed attachment present, readable, recorded as written."""
    listed: tuple[str, ...] = record.get("attachments") or ()
    if not listed and not attached:
        return []  # rendered before certificates carried their sources
    expected = {s.name: s for s in sources(b"", b"", b"")}
    out = []
    for key in sorted(set(listed) | set(attached)):
        attachment = attached.get(key)
        if attachment is None:
            out.append(f"{name}: the attached file {key} is missing (removed)")
            continue
        if key not in expected or key not in listed:
            out.append(f"{name}: carries an attachment {key!r} that medeval did not attach")
            continue
        if attachment.problem:
            out.append(f"{name}: the attached file {key} {attachment.problem}")
        out += [f"{name}: the attached file {key}: {m}" for m in attachment.mismatches()]
        want = expected[key]
        if not attachment.associated:
            out.append(f"{name}: the attached file {key} is not listed as an associated file "
                       "(/AF) of the document")
        if attachment.relationship != want.relationship:
            out.append(f"{name}: the attached file {key} has /AFRelationship "
                       f"{attachment.relationship}, not {want.relationship}")
        if attachment.mime != want.mime:
            out.append(f"{name}: the attached file {key} has MIME type {attachment.mime}, "
                       f"not {want.mime}")
    return out


def _attached_result(attachment: Attachment | None, name: str,
                     problems: list[str]) -> Result | None:
    """The attached result, read as :func:`medeval.read_result` reads a file."""
    if attachment is None or attachment.data is None:
        return None
    with tempfile.TemporaryDirectory(prefix="medeval-verify-") as folder:
        path = Path(folder) / RESULT_NAME
        path.write_bytes(attachment.data)
        try:
            return read_result(path)
        except ResultError as exc:
            reason = str(exc).removeprefix(f"result {path}: ")
            problems.append(f"{name}: its attached {RESULT_NAME} is not a readable medeval "
                            f"result: {reason}")
            return None


def _report_info(attachment: Attachment | None, given: ReportInfo | None,
                 record: Mapping[str, Any], name: str,
                 problems: list[str]) -> ReportInfo | None:
    """The report info to render with: the one given, else the attached one; None when
    neither is the one the certificate records (the problem is named)."""
    recorded = record.get("report_info")
    attached = None
    if attachment is not None and attachment.data is not None:
        try:
            attached = load_report_info(json.loads(attachment.data))
        except (ValueError, TypeError, ReportError) as exc:
            problems.append(f"{name}: its attached {INFO_NAME} is not readable report info: "
                            f"{short_error(exc)}")
        else:
            if recorded and attached.digest() != recorded:
                problems.append(
                    f"{name}: its attached {INFO_NAME} (sha256:{attached.digest()}) is not "
                    f"the report info it was rendered with (sha256:{recorded}): the "
                    "attachment was replaced")
    if given is not None:
        if recorded and given.digest() != recorded:
            hint = ("leave --info out to use the report info the certificate carries"
                    if attached is not None else
                    "pass the report info it was rendered with: --info INFO.toml")
            problems.append(f"{name} was rendered with report info sha256:{recorded}, not "
                            f"the one given (sha256:{given.digest()}): {hint}")
            return None
        return given
    if attached is not None:
        return attached if not recorded or attached.digest() == recorded else None
    default = ReportInfo()
    if recorded and default.digest() != recorded:
        problems.append(f"{name} was rendered with report info sha256:{recorded} and "
                        "carries none attached (an older medeval): pass the report info "
                        "it was rendered with, --info INFO.toml, to compare its bytes")
        return None
    return default


def _csv_difference(attached: bytes, derived: bytes, name: str, label: str, *,
                    beside: bool = False) -> list[str]:
    if attached == derived:
        return []
    old, new = attached.splitlines(), derived.splitlines()
    line = next((i for i, (a, b) in enumerate(zip(old, new), 1) if a != b),
                min(len(old), len(new)) + 1)
    # every line the same, the bytes not: \r\n for \n, the last line's end (a program
    # that saved it again); no line of it differs to be named
    where = ("the same lines, other line endings" if old == new else
             f"first at line {line}")
    what = name if beside else f"{name}: its attached {CASES_NAME}"
    return [f"{what} differs from the per-case rows of {label} ({where})"]


def _changed_parts(data: Result, record: Mapping[str, Any], name: str) -> list[str]:
    recorded: dict[str, str] = record.get("digests") or {}
    if not recorded:
        return []
    now = section_digests(data)
    changed = sorted(k for k in set(recorded) | set(now) if recorded.get(k) != now.get(k))
    leaves = [k for k in changed if not any(o.startswith(k + ".") for o in changed)]
    if not leaves:
        return []
    return [f"parts of the result that differ from those {name} was issued for: "
            f"{', '.join(leaves)}"]


def _rendered(data: Result, info: ReportInfo, record: Mapping[str, Any], payload: bytes,
              result_json: bytes | None) -> bytes | ReportError:
    """The certificate rendered again from the result, or why it cannot be."""
    try:
        return _render(data, info, record, payload, result_json,
                       _named_version(payload, data))
    except ReportError as exc:
        return exc


def _check_bytes(data: Result, info: ReportInfo, record: dict[str, Any], payload: bytes,
                 fresh: bytes | ReportError, name: str, result_json: bytes | None,
                 signed_length: int | None) -> list[str]:
    if isinstance(fresh, ReportError):
        return [f"{name}: cannot be rendered again from its result: {fresh}"]
    # a signed file is the rendering followed by the signature's incremental update
    original = payload[:len(fresh)] if signed_length else payload
    if original == fresh:
        if not signed_length or signed_length <= len(fresh):
            return []
        # what the signed revision adds to the rendering: the signature alone, or a
        # change made before signing that the signature now vouches for
        changed = _changed_before_signing(fresh, payload[:signed_length], name)
        return changed + (_changed_lines(data, info, record, payload, name, result_json,
                                         fresh) if changed else [])
    if len(original) < len(fresh) and fresh.startswith(original):
        return [f"{name}: the file ends at byte {len(original)}, {len(fresh) - len(original)} "
                "bytes before the end of the certificate rendered from the result: it was "
                "truncated"]
    if len(original) > len(fresh) and original.startswith(fresh):
        return [f"{name}: it is the certificate rendered from the result with "
                f"{len(original) - len(fresh)} bytes appended after its end (byte "
                f"{len(fresh)}): an incremental update, by a PDF program that saved it again "
                "or by a change to its pages, attachments or metadata; the certificate as "
                "rendered is the file's first revision"] + _info_changed_after_signing(
                    payload, len(fresh), name, signed=False) + _annotations_appended(
                    fresh, payload, name) + _changed_lines(
                    data, info, record, payload, name, result_json, fresh)
    offset = next((i for i, (a, b) in enumerate(zip(original, fresh)) if a != b),
                  min(len(original), len(fresh)))
    made_by, this = _first_creator(payload), f"medeval {__version__}"
    if made_by is not None and _VERSION_NAME.fullmatch(made_by) and len(made_by) <= 40 \
            and _named_too_early(made_by, data):
        return [f"{name}: it names {made_by} as its maker, but its result was made by "
                f"medeval {data.parameters.medeval}, and no medeval renders a result of a "
                "later version: its /Creator was written over the renderer's"] + \
            _changed_lines(data, info, record, payload, name, result_json, fresh)
    if made_by is not None and _VERSION_NAME.fullmatch(made_by) and made_by != this \
            and len(made_by) <= 40:
        # not 'pip install medeval==...': 'medeval' on PyPI is another project
        return [f"{name}: rendered by {made_by}; this is {this}, which lays a certificate "
                "out otherwise, so its bytes cannot be compared: verify it with the version "
                f"that made it ({made_by}, installed from its source: 'medeval' on PyPI is "
                "another project). Its printed text was compared with the result "
                "instead"] + _changed_lines(data, info, record, payload, name, result_json,
                                            fresh)
    lines = _changed_lines(data, info, record, payload, name, result_json, fresh)
    # no printed line differs (a file qpdf linearised or a PDF program saved again): said,
    # so that a reader does not take the file's structure for a changed figure
    same = "" if lines else SAME_TEXT
    return [
        f"{name}: its bytes differ from the certificate rendered from the result at byte "
        f"{offset}{_object_at(payload, fresh, offset)} (sizes {len(original)} and "
        f"{len(fresh)}): the PDF was altered, or rendered by another version of "
        f"medeval/reportlab/pypdf/matplotlib{same}"] + lines


