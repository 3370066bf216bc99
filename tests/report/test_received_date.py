"""A date of receipt after the testing: 'received = "2027-01-15"' in the report info of
a test run on 2026-12-04 printed a certificate whose item was tested six weeks before it
was received (found in the KTL tester pass). It is refused, as the registry refuses a
date of issue before the testing ended; a day's grace for the laboratory's time zone."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from medeval.report import ReportError, render_certificate
from medeval.result import read_result


def test_a_date_of_receipt_after_the_testing_is_refused(certified: Path, tmp_path: Path) -> None:
    result = read_result(certified)
    started = datetime.date.fromisoformat(result.context.started[:10])  # UTC: +00:00
    assert result.context.started.endswith("+00:00")
    late = (started + datetime.timedelta(days=2)).isoformat()
    with pytest.raises(ReportError, match=f"received {late} is after the testing started "
                       f"\\({started.isoformat()}, UTC\\)"):
        render_certificate(result, tmp_path / "late.pdf", report_info={"received": late})
    grace = (started + datetime.timedelta(days=1)).isoformat()  # another time zone's day
    render_certificate(result, tmp_path / "ok.pdf", report_info={"received": grace})


def test_a_certificate_issued_before_the_check_still_verifies(
        certified: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A certificate rendered by medeval before d1ea252 with a date of receipt after the
    testing is genuine: verification renders it again and compares the bytes, and failed
    with 'cannot be rendered again from its result: ... received ... is after the testing
    started'. The older medeval is stood in for by rendering without the check."""
    from medeval.report import content, verify_certificate

    result = read_result(certified)
    late = (datetime.date.fromisoformat(result.context.started[:10])
            + datetime.timedelta(days=30)).isoformat()
    with monkeypatch.context() as patch:  # medeval before d1ea252: no date check
        patch.setattr(content, "_dates_in_order", lambda *args: None)
        pdf = render_certificate(result, tmp_path / "old.pdf", report_info={"received": late})
    verification = verify_certificate(pdf)
    assert verification.ok, verification
    with pytest.raises(ReportError, match="is after the testing started"):  # new ones: refused
        render_certificate(result, tmp_path / "new.pdf", report_info={"received": late})
