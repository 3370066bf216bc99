"""A date of receipt after the testing: 'received = "2027-01-15"' in the report info of
a test run on 2026-12-04 printed a certificate whose item was tested six weeks before it
was received (found in the KTL tester pass). It is refused, as the registry refuses a
date of issue before the testing ended; a day's grace for the laboratory's time zone."""

from __future__ import annotations

import datetime
from dataclasses import replace
from pathlib import Path

import pytest

from medeval.report import ReportError, render_certificate
from medeval.result import Result, read_result


def _unreceived(path: Path) -> Result:
    """The result as a protocol without dataset.received makes it: the report info's
    date of receipt is then the one the certificate prints."""
    result = read_result(path)
    return replace(result, dataset=replace(result.dataset, received=None))


def test_a_date_of_receipt_after_the_testing_is_refused(certified: Path, tmp_path: Path) -> None:
    result = _unreceived(certified)
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

    result = _unreceived(certified)
    late = (datetime.date.fromisoformat(result.context.started[:10])
            + datetime.timedelta(days=30)).isoformat()
    with monkeypatch.context() as patch:  # medeval before d1ea252: no date check
        patch.setattr(content, "_dates_in_order", lambda *args: None)
        pdf = render_certificate(result, tmp_path / "old.pdf", report_info={"received": late})
    verification = verify_certificate(pdf)
    assert verification.ok, verification
    with pytest.raises(ReportError, match="is after the testing started"):  # new ones: refused
        render_certificate(result, tmp_path / "new.pdf", report_info={"received": late})


def _text(pdf: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def test_the_date_checked_is_the_date_printed(certified: Path, tmp_path: Path) -> None:
    """The protocol's dataset.received is the date the cover prints (the report info's
    only where the protocol has none), but the check read the report info's first: a
    protocol received 2026-12-20 for a run of 2026-12-06, rendered with the info's
    received = "2026-12-01", printed "2026-12-20" beside testing on 2026-12-06 (found in
    the new tester's pass). The check now reads the printed date, and a report info naming
    another day than the protocol's is refused rather than silently not printed."""
    result = read_result(certified)
    fixed = result.dataset.received
    assert fixed == "2026-11-02"  # the fixture's protocol, run on a later day
    started = datetime.date.fromisoformat(result.context.started[:10])
    late = (started + datetime.timedelta(days=14)).isoformat()
    early = (started - datetime.timedelta(days=5)).isoformat()
    late_protocol = replace(result, dataset=replace(result.dataset, received=late))
    with pytest.raises(ReportError, match=f"received {early} differs from the protocol's "
                       f"dataset.received {late}"):
        render_certificate(late_protocol, tmp_path / "a.pdf", report_info={"received": early})
    with pytest.raises(ReportError, match=f"the protocol's dataset.received {late} is after "
                       f"the testing started \\({started.isoformat()}, UTC\\)"):
        render_certificate(late_protocol, tmp_path / "b.pdf")
    # the same day in both is no conflict, and is what the page prints
    pdf = render_certificate(result, tmp_path / "c.pdf", report_info={"received": fixed})
    assert "2026-11-02" in _text(pdf)
    assert early not in _text(pdf)
