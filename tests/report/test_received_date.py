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
