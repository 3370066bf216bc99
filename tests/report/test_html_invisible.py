"""The HTML report shows a name in the order the certificate PDF prints it.

A customer name (or a class, a case id, a subgroup value) holding U+202E RIGHT-TO-LEFT
OVERRIDE was printed by the PDF without it (``font_runs`` drops format characters),
while a browser, given the same character on the HTML report, draws the rest of its
paragraph reversed: "\u202eAcme" read "emcA". For a result made after medeval 0.11.0
the page drops what the PDF drops; one made by 0.11.0 keeps the bytes it was issued
with. The reference is the certificate's own text as pypdf extracts it.
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

from pypdf import PdfReader

import medeval
from medeval.report.content import build_certificate
from medeval.report.html import html_text, page_text
from medeval.report.info import ReportInfo
from medeval.report.pdf import certificate_pdf

#: An override, a zero-width space and a variation selector around the name
NAME = "\u202eAcme\u200b Medical\ufe0f Co."


def _named(result: medeval.Result, version: str) -> medeval.Result:
    protocol = replace(result.protocol, customer=replace(result.protocol.customer, name=NAME))
    return replace(result, protocol=protocol,
                   parameters=replace(result.parameters, medeval=version))


def test_the_page_drops_what_the_certificate_drops(certified: Path) -> None:
    result = _named(medeval.read_result(certified), "0.12.0")
    pdf = certificate_pdf(result, ReportInfo(), lang="en")
    printed = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Acme Medical Co." in printed and "\u202e" not in printed
    page = html_text(build_certificate(result, ReportInfo()), lang="en")
    assert "Acme Medical Co." in page_text(page)
    assert not any(c in page for c in "\u202e\u200b\ufe0f")


def test_a_result_made_by_0_11_0_keeps_its_page(certified: Path) -> None:
    result = _named(medeval.read_result(certified), "0.11.0")
    page = html_text(build_certificate(result, ReportInfo()), lang="en")
    assert NAME in page_text(page)
