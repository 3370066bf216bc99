"""``medeval report`` names what it wrote as the document is titled: a pre-check's PDF
is a pre-check report ("사전점검 보고서 / Pre-check Report"), never a certificate
(DESIGN: the output says "pre-check", never "certificate").

Found as a recipient following the examples' README: ``medeval report
result/result.json --out result/report.pdf`` on a pre-check printed
"certificate  result/report.pdf". The title is read with pypdf.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from medeval.cli import main


@pytest.mark.parametrize("which, title, kind", [
    ("precheck", "Pre-check Report", "pre-check"),
    ("certified", "Test Report", "certificate")])
def test_the_line_names_the_kind_of_document(which: str, title: str, kind: str,
                                             request: pytest.FixtureRequest,
                                             tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    result: Path = request.getfixturevalue(which)
    pdf = tmp_path / "report.pdf"
    assert main(["report", str(result), "--out", str(pdf)]) == 0
    out = capsys.readouterr().out
    first_page = " ".join(PdfReader(pdf).pages[0].extract_text().split())
    assert title in first_page
    assert out.splitlines()[0].split() == [kind, str(pdf)]
