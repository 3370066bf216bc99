"""The dates of the report info are calendar dates: a certificate printed "2026-13-45"
as its date of issue (ISO/IEC 17025 7.8.2.1 j) and "yesterday" as the date of receipt."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from medeval.report import ReportError, render_certificate
from medeval.report.info import load_report_info


@pytest.mark.parametrize(("key", "value"), [
    ("issue_date", "2026-13-45"), ("issue_date", "2026-02-30"), ("issue_date", "27.11.2026"),
    ("issue_date", "20261127"), ("received", "yesterday"), ("received", "2026-11-02T09:00"),
])
def test_a_date_that_is_not_a_day_is_refused(key: str, value: str) -> None:
    with pytest.raises(ReportError, match=f"{key}: .*{value}.* YYYY-MM-DD"):
        load_report_info({key: value})


def test_a_day_is_printed_and_dates_the_pdf(certified: Path, tmp_path: Path) -> None:
    info = {"issue_date": "2028-02-29"}  # 2028 is a leap year
    pdf = render_certificate(certified, tmp_path / "c.pdf", report_info=info)
    reader = PdfReader(pdf)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "2028-02-29" in text
    assert reader.metadata["/CreationDate"].startswith("D:20280229")
    assert load_report_info({"issue_date": ""}).issue_date == ""  # empty: the default
