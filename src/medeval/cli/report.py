"""``medeval report`` and ``medeval verify``: the certificate, and checking it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from ..result import verify_result
from ._usage import UsageError

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
    report.add_argument("--out", required=True, type=Path, metavar="CERT.pdf")
    report.add_argument("--lang", choices=("ko+en", "ko", "en"), default="ko+en")
    report.add_argument("--info", type=Path, metavar="INFO.toml",
                        help="report number, signatories, accreditation ... (see docs)")
    report.add_argument("--html", type=Path, metavar="OUT.html")
    report.add_argument("--pdfa", action="store_true", help="PDF/A-3b (needs pikepdf)")
    report.add_argument("--sign", type=Path, metavar="KEY.pem", help="sign with this key")
    report.add_argument("--cert", type=Path, metavar="CERT.pem", help="the signer's certificate")
    report.add_argument("--chain", type=Path, action="append", default=[], metavar="CA.pem")
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
    verify.set_defaults(handler=_verify)


def _report(args: argparse.Namespace, out: TextIO) -> int:
    from ..report import render_certificate, render_html, sign_pdf

    if (args.sign is None) != (args.cert is None):
        raise UsageError("report: --sign KEY and --cert CERT go together")
    if args.registry is not None and not args.issue:
        raise UsageError("report: --registry goes with --issue")

    def make(path: Path, info: Any) -> Path:
        pdf: Path = render_certificate(args.result, path, lang=args.lang, report_info=info,
                                       pdfa=args.pdfa)
        if args.sign is not None:  # before the registry records the PDF's hash
            sign_pdf(pdf, pdf, key=args.sign, cert=args.cert, chain=tuple(args.chain))
        return pdf

    info: Any = args.info
    if args.issue:
        from .registry import issue_report

        info, pdf = issue_report(args, out, make), args.out
    else:
        pdf = make(args.out, info)
    out.write(f"certificate  {pdf}\n")
    if args.html is not None:
        html = render_html(args.result, args.html, lang=args.lang, report_info=info)
        out.write(f"html         {html}\n")
    if args.sign is not None:
        out.write(f"signed       {pdf}\n")
    return 0


def _verify(args: argparse.Namespace, out: TextIO) -> int:
    from ..report.pdfread import names_a_pdf

    alone = args.pdf is None and names_a_pdf(args.result)
    if args.pdf is None and not alone and args.info is None and not args.trust:
        fingerprint = verify_result(args.result)
        out.write(f"OK  {args.result}  sha256:{fingerprint}\n")
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
    if alone:
        out.write(f"OK  {args.result}  report {checked.report_number}  sha256:{fingerprint}"
                  f"{signed}\n    genuine: its attached {', '.join(checked.attachments)} "
                  "give these fingerprints and, rendered again, these bytes\n")
        return 0
    shown = f"  {args.pdf}" if args.pdf is not None else ""
    out.write(f"OK  {args.result}{shown}  sha256:{fingerprint}{signed}\n")
    return 0
