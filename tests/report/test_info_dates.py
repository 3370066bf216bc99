"""The dates of the report info are calendar dates: a certificate printed "2026-13-45"
as its date of issue (ISO/IEC 17025 7.8.2.1 j) and "yesterday" as the date of receipt."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

import medeval
from medeval.report import ReportError, render_certificate
from medeval.report.info import load_report_info
from medeval.report.pdf import certificate_pdf


@pytest.mark.parametrize(("key", "value"), [
    ("issue_date", "2026-13-45"), ("issue_date", "2026-02-30"), ("issue_date", "27.11.2026"),
    ("issue_date", "20261127"), ("received", "yesterday"), ("received", "2026-11-02T09:00"),
])
def test_a_date_that_is_not_a_day_is_refused(key: str, value: str) -> None:
    with pytest.raises(ReportError, match=f"{key}: .*{value}.* YYYY-MM-DD"):
        load_report_info({key: value})


def test_a_day_is_printed_and_dates_the_pdf(certified: Path) -> None:
    # 2028 is a leap year; a date of issue ahead of today is refused (the test below), so
    # rendered without the dates' check, as the verification renders an issued certificate
    info = load_report_info({"issue_date": "2028-02-29"})
    pdf = certificate_pdf(medeval.read_result(certified), info, check_dates=False)
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "2028-02-29" in text
    assert reader.metadata["/CreationDate"].startswith("D:20280229")
    assert load_report_info({"issue_date": ""}).issue_date == ""  # empty: the default


@pytest.mark.parametrize("number", [
    "KTL-1; fingerprint=sha256:" + "0" * 64,  # rewrote the PDF's Keywords record
    "KTL|2026|0001",                           # the QR code's field separator
    "KTL-2026-0001\nsecond line", "KTL 2026 0001", "-KTL-1", "K" * 65, "성적서-1",
])
def test_a_report_number_the_registry_would_refuse_is_refused(number: str) -> None:
    for key in ("report_number", "replaces"):
        with pytest.raises(ReportError, match=f"{key}: .*is not a report number"):
            load_report_info({key: number})


def test_a_certificate_with_a_semicolon_number_verified_as_altered(certified: Path,
                                                                   tmp_path: Path) -> None:
    # what the check prevents: rendered from a number with "; fingerprint=...", a
    # certificate nobody changed reads as altered (its metadata names another result)
    from medeval.report import verify_certificate
    from medeval.report.info import ReportInfo

    number = "KTL-1; fingerprint=sha256:" + "0" * 64
    info = ReportInfo.model_construct(**{**ReportInfo().model_dump(), "report_number": number})
    pdf = render_certificate(certified, tmp_path / "c.pdf", report_info=info)
    assert verify_certificate(pdf).status == "altered"
    good = render_certificate(certified, tmp_path / "g.pdf",
                              report_info={"report_number": "KTL/AI/2026-0001.a_1"})
    assert verify_certificate(good).status == "genuine"


def test_a_misspelt_customer_supplied_field_is_refused() -> None:
    # "item_nam" left the item name without its † (ISO/IEC 17025 7.8.2.2), silently
    with pytest.raises(ReportError, match="customer_supplied.0: .*item_name"):
        load_report_info({"customer_supplied": ["item_nam"]})
    assert load_report_info({"customer_supplied": []}).customer_supplied == []


def test_the_customer_supplied_fields_are_marked(certified: Path, tmp_path: Path) -> None:
    pdf = render_certificate(certified, tmp_path / "c.pdf", lang="en",
                             report_info={"customer_supplied": ["item_version"]})
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "1.0.3 †" in text and "WDBC logistic regression †" not in text


def test_the_dates_of_testing_are_utc_days_and_say_so(certified: Path, tmp_path: Path) -> None:
    # a run from 08:30 to 09:10 in Seoul (+09:00) on 1 December ran from 23:30 UTC on
    # 30 November to 00:10 UTC on 1 December (worked by hand); the certificate printed
    # the first ten characters of each timestamp, unlabelled, and so mixed offsets
    import dataclasses
    import json

    import medeval
    from medeval.result import write_result

    result = medeval.read_result(certified)
    seoul = dataclasses.replace(result, context=dataclasses.replace(
        result.context, started="2026-12-01T08:30:00+09:00",
        finished="2026-12-01T09:10:00+09:00"))
    path = write_result(seoul, tmp_path / "r" / "result.json")
    assert json.loads(path.read_text())["context"]["started"] == "2026-12-01T08:30:00+09:00"
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(
        render_certificate(path, tmp_path / "c.pdf")).pages).split())
    assert "Date(s) of testing (UTC)" in text and "시험 기간(UTC)" in text  # after 0.10.0
    assert "2026-11-30 – 2026-12-01" in text


def test_an_issue_date_before_the_testing_ended_or_ahead_is_refused(certified: Path,
                                                                  tmp_path: Path) -> None:
    # the run finished on 2026-11-26 (UTC, conftest): a day's grace either way for the
    # laboratory's time zone, as registry issue allows; 2026-11-24 is before the testing,
    # two days from today lies ahead. registry issue refused these dates, medeval report
    # printed them on a certificate (a report dated before its test)
    for day in ("2026-11-25", "2026-11-26", datetime.date.today().isoformat()):
        render_certificate(certified, tmp_path / "ok.pdf", report_info={"issue_date": day})
    with pytest.raises(ReportError, match=r"issue_date 2026-11-24 is before the testing "
                       r"ended \(2026-11-26, UTC\)"):
        render_certificate(certified, tmp_path / "c.pdf", report_info={"issue_date": "2026-11-24"})
    ahead = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    with pytest.raises(ReportError, match=f"issue_date {ahead} is after today"):
        render_certificate(certified, tmp_path / "c.pdf", report_info={"issue_date": ahead})
    assert not (tmp_path / "c.pdf").exists()
