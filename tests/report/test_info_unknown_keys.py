"""A misspelt key of the report info is offered the field it most likely meant, in place
of pydantic's "Extra inputs are not permitted"."""

from __future__ import annotations

from pathlib import Path

import pytest

from medeval.report import ReportError
from medeval.report.info import load_report_info


def test_a_misspelt_key_is_offered_the_field_meant(tmp_path: Path) -> None:
    # the fields as docs/certificate.md's report-info example writes them (by hand):
    # report_number, opinions, approved_by.name; "colour" is close to none of them
    info = tmp_path / "report-info.toml"
    info.write_text('report_numbr = "KTL-2026-0001"\nopinion = []\ncolour = 1\n'
                    '[approved_by]\nname = "Kim"\ntitel = "Technical manager"\n',
                    encoding="utf-8")
    with pytest.raises(ReportError) as raised:
        load_report_info(info)
    lines = str(raised.value).splitlines()
    assert lines[0] == (f"report info {info}: 4 problem(s); fix these keys (the fields: "
                        "docs/certificate.md, medeval.report.info):")
    assert sorted(lines[1:]) == [
        "  - approved_by.titel: unknown key (did you mean 'title'?)",
        "  - colour: unknown key",
        "  - opinion: unknown key (did you mean 'opinions'?)",
        "  - report_numbr: unknown key (did you mean 'report_number'?)",
    ]
