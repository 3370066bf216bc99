"""The Korean heading of a subgroup column's tables. It was "{column}별" ("by column"):
a column named 성별 (sex) printed "성별별", one named 지역별 "지역별별" (found in the
hcert3 pass). A result made after 0.11.0 heads them "하위군: 성별" whatever the name
ends with; one made by 0.11.0 prints as issued. The text is read from the PDF by pypdf."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
from pypdf import PdfReader

import medeval
from medeval.report import render_certificate

from ..conftest import binary_study
from ..test_evaluation import protocol_file


def _text(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def test_a_column_named_seongbyeol_is_not_doubled(tmp_path: Path) -> None:
    binary_study(tmp_path, sites=("남", "여"))
    manifest = pd.read_csv(tmp_path / "manifest.csv", dtype=str)
    manifest.rename(columns={"site": "성별"}).to_csv(tmp_path / "manifest.csv", index=False)
    protocol = protocol_file(tmp_path)
    protocol.write_text(protocol.read_text(encoding="utf-8").replace(
        '"site"', '"성별"'), encoding="utf-8")
    result = medeval.evaluate(protocol, tmp_path / "predictions")
    assert {g.column for g in result.subgroups} == {"성별"}
    text = _text(render_certificate(result, tmp_path / "ko.pdf", lang="ko"))
    # §4's counts and the subgroup results: one heading each
    assert text.count("하위군: 성별") == 2 and "성별별" not in text
    english = _text(render_certificate(result, tmp_path / "en.pdf", lang="en"))
    assert english.count("By 성별") == 2
    issued = replace(result, parameters=replace(result.parameters, medeval="0.11.0"))
    old = _text(render_certificate(issued, tmp_path / "old.pdf", lang="ko"))
    assert "성별별" in old and "하위군: 성별" not in old  # as 0.11.0 printed it
