"""The content model: pure data from the result JSON; the catalogues agree."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from medeval.report import ReportError, build_certificate, load_report_info
from medeval.report.catalogue import Msg, catalogue, texts
from medeval.report.content import Fields, Signatures, Table, is_precheck
from medeval.result import read_result


def test_catalogues_have_the_same_keys_and_fields() -> None:
    ko, en = catalogue("ko"), catalogue("en")
    assert set(ko) == set(en)
    for key in ko:
        assert set(re.findall(r"{(\w+)}", ko[key])) == set(re.findall(r"{(\w+)}", en[key])), key


def test_bilingual_texts() -> None:
    assert texts(Msg("doc.end"), "ko+en") == ("— 이하 여백 —", "End of report")
    assert texts("KTL-1", "ko+en") == ("KTL-1",)


def test_certificate_content(certified: Path) -> None:
    result = read_result(certified)
    certificate = build_certificate(result)
    assert not certificate.precheck
    assert certificate.report_number == "KTL-2026-0001"
    assert certificate.issue_date == result.context.finished[:10]
    blocks = [b for s in certificate.sections for b in s.blocks]
    assert any(isinstance(b, Signatures) for b in blocks)
    summary = next(s for s in certificate.sections if s.title.key == "section.summary")
    table = summary.blocks[0]
    assert isinstance(table, Table) and len(table.rows) == len(result.verdicts)
    cover = certificate.sections[0].blocks[-1]
    assert isinstance(cover, Fields)
    assert ("WDBC logistic regression †") in [v for _, v in cover.rows]


def test_precheck_has_no_signatures(precheck: Path) -> None:
    result = read_result(precheck)
    assert is_precheck(result)
    blocks = [b for s in build_certificate(result).sections for b in s.blocks]
    assert not any(isinstance(b, Signatures) for b in blocks)


def test_report_info_overrides_and_errors(certified: Path, tmp_path: Path) -> None:
    info = load_report_info({"report_number": "KTL-2026-0001-A1", "replaces": "KTL-2026-0001"})
    certificate = build_certificate(read_result(certified), info)
    assert certificate.report_number == "KTL-2026-0001-A1"
    bad = tmp_path / "info.toml"
    bad.write_text('tested_by = "x"\nsigned_by = "y"\n')
    with pytest.raises(ReportError, match="info.toml") as error:
        load_report_info(bad)
    assert "signed_by" in str(error.value) and "tested_by" in str(error.value)


def test_a_bare_result_is_refused() -> None:
    # plain data is not read here: read_result (or Result.from_dict) decodes it first
    with pytest.raises(ReportError, match="expected a medeval Result"):
        build_certificate({"schema": "medeval.result/2", "task": "binary-classification"})


def test_import_medeval_stays_light() -> None:
    code = ("import sys, medeval, medeval.report; "
            "heavy = [m for m in ('reportlab', 'matplotlib', 'pikepdf', 'pyhanko', 'pypdf', "
            "'jinja2') if m in sys.modules]; print(heavy)")
    src = str(Path(__file__).resolve().parents[2] / "src")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"PYTHONPATH": src, "PATH": ""}).stdout
    assert out.strip() == "[]"
