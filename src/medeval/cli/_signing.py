"""How a certificate rendered by the command line is made: PDF/A, and a PAdES signature
(``medeval report`` and ``medeval registry issue|amend --render``)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ._usage import UsageError

__all__ = ["add_signing_options", "make_certificate", "signer_checked", "signing_files"]


def add_signing_options(parser: Any) -> None:
    """``--pdfa``, ``--sign``, ``--cert`` and ``--chain``: how a certificate rendered
    here is made (``report``, and ``registry issue|amend --render``)."""
    parser.add_argument("--pdfa", action="store_true", help="PDF/A-3b (needs pikepdf)")
    parser.add_argument("--sign", type=Path, metavar="KEY.pem", help="sign with this key")
    parser.add_argument("--cert", type=Path, metavar="CERT.pem", help="the signer's certificate")
    parser.add_argument("--chain", type=Path, action="append", default=[], metavar="CA.pem")


def signing_files(args: argparse.Namespace) -> list[tuple[str, Path | None]]:
    """The signing options' files, named, which an output must not overwrite."""
    return [("the signing key (--sign)", args.sign),
            ("the signer's certificate (--cert)", args.cert),
            *(("a chain certificate (--chain)", Path(c)) for c in args.chain)]


def signer_checked(args: argparse.Namespace, command: str) -> None:
    """Refuse, before anything is rendered or a number drawn, ``--sign`` without
    ``--cert`` (or the reverse) and a key that cannot sign with that certificate: a
    refused key left an unsigned PDF where the signed certificate was asked for."""
    if (args.sign is None) != (args.cert is None):
        raise UsageError(f"{command}: --sign KEY and --cert CERT go together")
    if args.chain and args.sign is None:  # it was dropped without a word
        raise UsageError(f"{command}: --chain names the signer's issuing certificates; it "
                         "goes with --sign KEY --cert CERT")
    if args.sign is not None:
        from ..report.sign import load_signer

        load_signer(key=args.sign, cert=args.cert, chain=tuple(args.chain))


def make_certificate(args: argparse.Namespace, path: Path, info: Any) -> Path:
    """Render the certificate of ``args.result`` at ``path`` with the report info
    ``info``, as PDF/A with ``--pdfa``, and sign it with ``--sign`` (before a registry
    records the PDF's hash)."""
    from ..report import render_certificate, sign_pdf

    pdf: Path = render_certificate(args.result, path, lang=args.lang, report_info=info,
                                   pdfa=args.pdfa)
    if args.sign is not None:
        sign_pdf(pdf, pdf, key=args.sign, cert=args.cert, chain=tuple(args.chain))
    return pdf
