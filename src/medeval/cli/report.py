"""``medeval report`` and ``medeval verify``: the certificate, and checking it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ._signing import add_signing_options, make_certificate, signer_checked, signing_files
from ._usage import (
    UsageError,
    file_to_write,
    refuse_writing_over_inputs,
    result_inputs,
)

if TYPE_CHECKING:
    from ..registry import Registry, ReportRecord
    from ..report import Verification

__all__ = ["add"]


def add(commands: Any) -> None:
    """The ``report`` and ``verify`` subcommands."""
    report = commands.add_parser(
        "report", help="render the certificate PDF (and HTML) from a result JSON",
        description="Render the test certificate from the result JSON alone: Korean, English "
        "or both, every font embedded, the same bytes for the same result, carrying the "
        "result, its per-case CSV and the report info as attached files (so the PDF alone "
        "can be verified); optionally PDF/A-3b and a PAdES signature (the 'archival' "
        "extra).",
    )
    report.add_argument("result", type=Path, metavar="RESULT.json")
    report.add_argument("--out", required=True, type=file_to_write, metavar="CERT.pdf")
    report.add_argument("--lang", choices=("ko+en", "ko", "en"), default="ko+en")
    report.add_argument("--info", type=Path, metavar="INFO.toml",
                        help="report number, signatories, accreditation ... (see docs)")
    report.add_argument("--html", type=file_to_write, metavar="OUT.html")
    add_signing_options(report)
    report.add_argument("--issue", action="store_true", help="draw the next report number "
                        "from the registry, print it and record the certificate (the "
                        "'registry' extra; see medeval registry)")
    report.add_argument("--registry", metavar="URL", help="with --issue: a SQLite file or "
                        "postgresql+psycopg://... (default: $MEDEVAL_REGISTRY, else "
                        "medeval-registry.sqlite)")
    report.set_defaults(handler=_report)
    verify = commands.add_parser(
        "verify", help="check a certificate PDF (alone, from the files it carries) or a "
        "result (and its certificate) against the fingerprints",
        description="CERT.pdf alone: extract the result, per-case CSV and report info the "
        "certificate carries, recompute the fingerprints, render it again and compare, and "
        "check its signature. RESULT.json [CERT.pdf]: recompute the result's fingerprint "
        "and file hashes; with CERT.pdf, check that the certificate prints this result and "
        "that its bytes, attachments and signature are intact. Exit 1 naming every "
        "difference.",
    )
    verify.add_argument("result", type=Path, metavar="RESULT.json|CERT.pdf")
    verify.add_argument("pdf", nargs="?", type=Path, metavar="CERT.pdf")
    verify.add_argument("--info", type=Path, metavar="INFO.toml",
                        help="the report info the certificate was rendered with (default: "
                        "the one the certificate carries)")
    verify.add_argument("--trust", type=Path, action="append", default=[],
                        metavar="CA.pem", help="a certificate to trust for signatures")
    verify.add_argument("--registry", metavar="URL", help="also look the certificate up in "
                        "the laboratory's registry (a SQLite file or postgresql+psycopg://"
                        "...; the 'registry' extra): exit 1 unless its report stands and "
                        "these are the bytes issued")
    verify.set_defaults(handler=_verify)


def _report(args: argparse.Namespace, out: TextIO) -> int:
    from ..report import render_html

    if args.registry is not None and not args.issue:
        raise UsageError("report: --registry goes with --issue")
    _html_checked(args.html, args.out)
    refuse_writing_over_inputs("report", [("--out", args.out), ("--html", args.html)], [
        *result_inputs(Path(args.result)), ("the report info (--info)", args.info),
        *signing_files(args), *(_registry_files(args) if args.issue else [])])
    _result_checked(args.result)
    signer_checked(args, "report")

    def make(path: Path, info: Any) -> Path:
        return make_certificate(args, path, info)

    info: Any = args.info
    if args.issue:
        from .registry import issue_report

        info, pdf = issue_report(args, out, make), args.out
    else:
        pdf = make(args.out, info)
    from ..result import read_result

    # a pre-check's document is a pre-check report, never called a certificate (DESIGN)
    # (a certificate protocol's outputs supplied, not run by the laboratory, too)
    kind = "pre-check" if read_result(args.result).precheck else "certificate"
    out.write(f"{kind:<13}{pdf}\n")
    if args.html is not None:
        html = render_html(args.result, args.html, lang=args.lang, report_info=info)
        out.write(f"html         {html}\n")
    if args.sign is not None:
        out.write(f"signed       {pdf}\n")
    return 0


def _registry_files(args: argparse.Namespace) -> list[tuple[str, Path | None]]:
    from .registry import registry_files

    return registry_files(args)


def _result_checked(result: Path) -> None:
    """Refuse, before anything is rendered or issued, a result that is not as the
    evaluation wrote it (its ``.sha256`` file, canonical form, per-case CSV): a
    certificate carries the result it prints, and one rendered from an edited result
    verifies as genuine, since it agrees with what it carries."""
    from ..errors import ResultError
    from ..result import not_a_result, verify_result

    if not Path(result).is_file():
        return  # the renderer names the missing file, as before
    if (other := not_a_result(Path(result))) is not None:  # no result at all, not an edited one
        raise UsageError(f"report: result {result}: {other}; nothing was written")
    try:
        verify_result(result)
    except ResultError as exc:
        raise ResultError(
            f"report: {exc}; a certificate is rendered only from a result as medeval "
            "evaluate wrote it (medeval verify RESULT.json checks one): evaluate again, or "
            "restore the result; nothing was written") from None


def _html_checked(html: Path | None, pdf: Path) -> None:
    """Refuse, before the certificate is made (and, with ``--issue``, its report
    issued), an ``--out`` named as an HTML file (the PDF was written under that name:
    a browser shows it as text), and an ``--html`` it cannot be written to: an existing
    folder, or the certificate's own file, which the HTML would replace."""
    if pdf.suffix.lower() in (".html", ".htm"):
        raise UsageError(f"report: --out {pdf} names an HTML file, but --out is the "
                         f"certificate's PDF: give --out {pdf.with_suffix('.pdf')}, and "
                         f"--html {pdf} for the HTML report beside it; nothing was written")
    if html is None:
        return
    if html.is_dir():
        # worded as the renderer words it, which said so only after the certificate
        raise UsageError(f"HTML report {html}: cannot be written: it is a folder; give a "
                         f"file's name (e.g. {html / 'certificate.html'}); nothing was "
                         "written")
    if html.resolve() == pdf.resolve() or (
            html.exists() and pdf.exists() and html.samefile(pdf)):
        raise UsageError(f"report: --html {html} is the certificate's file (--out {pdf}), "
                         "which the HTML would replace: give it a name of its own; nothing "
                         "was written")


def _verify(args: argparse.Namespace, out: TextIO) -> int:
    from ..report.pdfread import names_a_pdf
    from ..result import cases_path, not_a_result, verify_result

    # a file not there is bad input (exit 2), not a certificate found altered (exit 1)
    if not Path(args.result).exists():
        raise UsageError(f"verify: {args.result}: no such file")
    if Path(args.result).is_dir():
        raise UsageError(f"verify: {args.result} is a folder: give the result file "
                         f"(such as {Path(args.result) / 'result.json'}) or the certificate PDF")
    if (other := not_a_result(Path(args.result))) is not None:
        raise UsageError(f"verify: {args.result}: {other}")  # not a result found altered
    if args.pdf is not None and _begins_as_pdf(args.result):
        # a PDF where the result goes was read as one: "result CERT.pdf: not valid JSON:
        # 'utf-8' codec can't decode byte 0xe2", exit 1, as if a result had been altered
        if not names_a_pdf(args.pdf):
            raise UsageError(f"verify: {args.result} is a PDF and {args.pdf} is not: the "
                             f"result comes first: medeval verify {args.pdf} {args.result}")
        raise UsageError(f"verify: {args.result} is a PDF, not a result: give the result "
                         "and its certificate (medeval verify RESULT.json CERT.pdf), or one "
                         f"certificate alone (medeval verify {args.pdf})")
    alone = args.pdf is None and names_a_pdf(args.result)
    if args.registry is not None and args.pdf is None and not alone:
        raise UsageError("verify: --registry looks a certificate up: give CERT.pdf")
    if args.pdf is None and not alone and args.info is None and not args.trust:
        from ..report.pdfread import refuse_html_report

        try:  # the HTML report is named as such, not read as a result
            with open(args.result, "rb") as handle:
                head = handle.read(4096)
        except OSError:
            head = b""  # verify_result says why it cannot be read
        refuse_html_report(head, f"{args.result}")
        fingerprint = verify_result(args.result)
        result = Path(args.result)
        cases = cases_path(result).name
        out.write(f"OK  {args.result}  sha256:{fingerprint}\n"
                  f"    intact: {result.name} and {cases} give the SHA-256 recorded in "
                  f"{result.name}.sha256, and {result.name} is in canonical form\n"
                  f"{_RESULT_NOT_CHECKED}")
        return 0
    from ..report import verify_certificate

    checked = verify_certificate(args.result, args.pdf, report_info=args.info,
                                 trust_roots=tuple(args.trust))
    fingerprint = checked.check()
    # a signature intact says nothing of who made it: anyone can sign with a certificate
    # of their own making; only the trust roots given say it is the laboratory's
    signed = "" if not checked.signed else (
        " (signature valid, signer trusted)" if args.trust else
        " (signature intact; its signer was not checked: give --trust CA.pem)")
    if args.trust and not checked.signed and (args.pdf is not None or alone):
        signed = " (not signed: --trust had no signature to check)"
    standing = "" if args.registry is None else _registry_check(
        args.registry, args.pdf if args.pdf is not None else args.result, checked)
    if not standing and not (checked.signed and args.trust):
        # --trust given, no signature: 'check its signature with --trust' was no advice
        standing = _UNSIGNED_NOT_CHECKED if signed.startswith(" (not signed") \
            else _ISSUER_NOT_CHECKED
    if alone:
        out.write(f"OK  {args.result}  report {checked.report_number}  sha256:{fingerprint}"
                  f"{signed}\n    genuine: its attached {', '.join(checked.attachments)} "
                  f"give these fingerprints and, rendered again, these bytes\n{standing}")
        return 0
    shown = f"  {args.pdf}" if args.pdf is not None else ""
    out.write(f"OK  {args.result}{shown}  sha256:{fingerprint}{signed}\n{standing}")
    return 0


def _begins_as_pdf(path: Path) -> bool:
    """Does the file begin as a PDF does (``%PDF-`` in its first 1024 bytes)?"""
    try:
        with Path(path).open("rb") as handle:
            return b"%PDF-" in handle.read(1024)
    except OSError:
        return False


#: Said under an OK that neither a registry nor a trusted signature stands behind: a
#: reader took "genuine" for "issued by the laboratory", which anyone's own rendering of a
#: made-up result with any laboratory's name and number also is (docs/certificate.md).
_ISSUER_NOT_CHECKED = (
    "    not checked: that the laboratory named issued it (anyone can render a certificate "
    "that verifies so): look its number up with --registry URL or on the laboratory's "
    "verification page, or check its signature with --trust CA.pem\n")


#: The same, where --trust was given and the PDF carries no signature (never signed, or
#: its signature cut off: the first revision of a signed certificate verifies so).
_UNSIGNED_NOT_CHECKED = (
    "    not checked: that the laboratory named issued it: the PDF carries no signature "
    "(never signed, or the signature removed with the bytes after its first revision), so "
    "--trust checked nothing; look its number up with --registry URL or on the "
    "laboratory's verification page\n")


def _not_the_bytes_issued(pdf: Path, payload: bytes, digest: str,
                          record: ReportRecord) -> str:
    """Why a certificate carrying the issued result is not the PDF issued: the PDF
    issued with an update appended (a signature of anyone's making; the page names it
    so, the command line said "rendered again ... or changed"), or another rendering."""
    from ..report.pdfread import revision_ends

    end = revision_ends(payload).get(record.pdf_sha256)
    if end is not None:
        return (f"certificate {pdf} is the PDF issued as report {record.number} with "
                f"{len(payload) - end} bytes appended after it (an incremental update: a "
                "signature, or a change to its pages or attachments) that the registry "
                "does not record")
    return (f"certificate {pdf} is not the PDF issued as report {record.number} "
            f"(SHA-256 {digest}; the registry records {record.pdf_sha256}): "
            "rendered again with other report info or run context, or changed")


def _standing_now(registry: Registry, record: ReportRecord) -> str:
    """Where an amended report's chain of amendments ends, when past the report that
    replaced it: the reader sent to that one found it amended in turn."""
    from ..registry import Status

    seen, last = {record.number}, record
    while last.replaced_by is not None and last.replaced_by not in seen:
        following = registry.get(last.replaced_by)
        if following is None:
            break
        seen.add(following.number)
        last = following
    if last.status is Status.WITHDRAWN:  # the replacing report too, or one after it
        which = ("that report" if last.number == record.replaced_by
                 else f"its last amendment, {last.number},")
        return f"; {which} was withdrawn since: no report of this chain stands"
    if last.number == record.replaced_by:
        return ""
    return f"; amended again since, the report that stands now is {last.number}"


#: Said under the OK of a result checked alone: its .sha256 file is no signature, and a
#: reader took the bare OK for "these are the figures the evaluation gave".
_RESULT_NOT_CHECKED = (
    "    not checked: that an evaluation gave these figures (a .sha256 file is no "
    "signature: whoever changes a result can write it again): evaluate the same set and "
    "predictions again and compare the fingerprint, or verify the certificate issued from "
    "it (medeval verify CERT.pdf --registry URL)\n")


def _registry_check(target: str, pdf: Path, checked: Verification) -> str:
    """The registry's word on a verified certificate: a line to print when its report
    stands and ``pdf`` holds the bytes issued; else :class:`ResultError` naming why not
    (withdrawn, when and why; amended, by which report; not in the registry; another
    result; other bytes than those issued, such as a certificate rendered again with
    other report info, which verifies alone)."""
    import hashlib

    from ..errors import ResultError

    try:
        from ..registry import Registry, Status
    except ModuleNotFoundError as exc:
        raise UsageError(f"verify --registry: {exc}") from None
    number = checked.report_number
    with Registry.open(target, read_only=True) as registry:
        record = registry.get(number) if number else None
        location = registry.location
        if record is None:
            raise ResultError(f"report {number} is not in the registry {location}")
        standing = _standing_now(registry, record) if record.status is Status.AMENDED else ""
    problems = []
    payload = pdf.read_bytes()
    digest = hashlib.sha256(payload).hexdigest()
    if record.fingerprint != checked.fingerprint:
        problems.append(f"report {number} was issued for result sha256:{record.fingerprint}; "
                        f"certificate {pdf} carries result sha256:{checked.fingerprint}")
    elif record.pdf_sha256 != digest:
        problems.append(_not_the_bytes_issued(pdf, payload, digest, record))
    changed = (f" on {record.status_changed_at.date().isoformat()}"
               if record.status_changed_at else "")
    if record.status is Status.WITHDRAWN:
        problems.append(f"report {number} was withdrawn{changed}: {record.reason}")
    elif record.status is Status.AMENDED:
        problems.append(f"report {number} was amended{changed}: report {record.replaced_by} "
                        f"replaces it ({record.reason}){standing}")
    if problems:
        raise ResultError("\n".join(problems))
    return (f"    registry {location}: report {number} stands (issued "
            f"{record.issue_date.isoformat()}); these are the bytes issued\n")
