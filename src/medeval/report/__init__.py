"""The test certificate: PDF (Korean, English or both), HTML, verification, signing.

Rendered from the result JSON alone, so a certificate can be rebuilt and checked later
without the data; the PDF carries that result, its per-case CSV and the report info as
attached files, so it can be checked alone::

    from medeval.report import render_certificate, verify_certificate
    render_certificate("result.json", "certificate.pdf", lang="ko+en")
    verify_certificate("certificate.pdf").status          # 'genuine' or 'altered'
    verify_certificate("result.json", "certificate.pdf").check()

reportlab, matplotlib, jinja2, pypdf, pikepdf and pyHanko load on first use, never at
``import medeval``.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = [
    "Attachment",
    "Certificate",
    "ReportError",
    "ReportInfo",
    "SignatureCheck",
    "Verification",
    "build_certificate",
    "load_report_info",
    "read_attachments",
    "render_certificate",
    "render_html",
    "sign_pdf",
    "to_pdfa",
    "validate_pdf",
    "verify_certificate",
]

_LAZY = {
    "Attachment": "attachments",
    "read_attachments": "attachments",
    "Certificate": "content",
    "build_certificate": "content",
    "ReportError": "_errors",
    "ReportInfo": "info",
    "load_report_info": "info",
    "render_certificate": "pdf",
    "render_html": "html",
    "SignatureCheck": "sign",
    "sign_pdf": "sign",
    "validate_pdf": "sign",
    "to_pdfa": "pdfa",
    "Verification": "verify",
    "verify_certificate": "verify",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'medeval.report' has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
