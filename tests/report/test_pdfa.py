"""PDF/A-2b post-process: output intent and XMP identification; still verifiable."""

from __future__ import annotations

from pathlib import Path

import pytest

pikepdf = pytest.importorskip("pikepdf")

from medeval.report import render_certificate, verify_certificate  # noqa: E402


def test_pdfa_identification(certified: Path, info_file: Path, tmp_path: Path) -> None:
    pdf = render_certificate(certified, tmp_path / "a.pdf", report_info=info_file, pdfa=True)
    again = render_certificate(certified, tmp_path / "b.pdf", report_info=info_file,
                               pdfa=True)
    assert pdf.read_bytes() == again.read_bytes()
    with pikepdf.open(pdf) as document:
        assert document.Root.OutputIntents[0].S == "/GTS_PDFA1"
        meta = document.open_metadata()
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
        assert str(document.Root.Lang) == "ko-KR"
    assert verify_certificate(certified, pdf, report_info=info_file).ok
