"""PDF/A-3b post-process: output intent and XMP identification (part 3: the certificate
carries associated files, which PDF/A-2 forbids); the attachments survive it; still
verifiable, alone too."""

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
        assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "B"
        assert str(document.Root.Lang) == "ko-KR"
        assert sorted(document.attachments) == ["report-info.json", "result.cases.csv",
                                                "result.json"]
        assert len(document.Root.AF) == 3
    assert verify_certificate(certified, pdf, report_info=info_file).ok
    assert verify_certificate(pdf).status == "genuine"
