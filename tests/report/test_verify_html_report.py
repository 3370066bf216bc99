"""The HTML report given to ``medeval verify``: named as the HTML report, never called
altered.

Found in the trust-pass: a buyer holding the report.html that ``medeval report --html``
writes beside the certificate ran ``medeval verify report.html`` and read "verification
failed: result report.html: not valid JSON"; with its result, ``medeval verify
result.json report.html`` called the genuine page altered ("cannot be read as a PDF ...
no result fingerprint found ...; it is not a medeval certificate or was altered", exit 1).
The fingerprint the page names is read here from its ``<meta>`` by a regular expression,
and compared with the one the certificate PDF prints in its footer (pypdf's text).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from medeval.cli import main
from medeval.report import ReportError, render_html, verify_certificate


def _printed_fingerprint(certificate: Path) -> str:
    text = PdfReader(certificate).pages[0].extract_text()
    return re.findall(r"SHA-256 ([0-9a-f]{64})", " ".join(text.split()))[0]


def test_the_html_report_is_named_not_verified(certified: Path, certificate: Path,
                                               info_file: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    page = render_html(certified, tmp_path / "report.html", report_info=info_file)
    named = re.search(r'medeval-fingerprint" content="sha256:([0-9a-f]{64})"',
                      page.read_text(encoding="utf-8"))
    assert named and named.group(1) == _printed_fingerprint(certificate)
    fingerprint = named.group(1)
    for args in ([str(page)], [str(certified), str(page)]):
        assert main(["verify", *args]) == 2  # not 1: nothing was found altered
        err = capsys.readouterr().err
        assert f"{page}: medeval's HTML report of result sha256:{fingerprint}, not the " \
               "certificate PDF" in err, err
        assert "altered" not in err and "not valid JSON" not in err
    assert main(["verify", str(certified), str(page)]) == 2
    assert "it names the result given, whose fingerprint is the same" in \
        capsys.readouterr().err
    with pytest.raises(ReportError, match="HTML report"):
        verify_certificate(page)
    with pytest.raises(ReportError, match="HTML report"):
        verify_certificate(certified, page.read_bytes())


def test_a_result_and_a_pdf_are_verified_as_before(certified: Path, certificate: Path,
                                                    capsys: pytest.CaptureFixture[str]
                                                    ) -> None:
    assert main(["verify", str(certified)]) == 0
    assert capsys.readouterr().out.startswith(f"OK  {certified}  sha256:")
    assert verify_certificate(certified, certificate).ok
