"""The empty-mask table of a segmentation certificate in both languages.

Found reading the demo's segmentation certificate as a reviewer: its rows printed
"both empty", "prediction only empty" and "reference only empty" in English alone (the
result's keys with the underscores taken out) on a Korean and English certificate,
beside the translated row "최악 거리 ... / distances replaced by ...". Each row is now a
phrase of both catalogues; its count is checked against the per-case CSV (read with the
csv module: reference_empty / prediction_empty), the text with pypdf.
"""

from __future__ import annotations

import csv
from pathlib import Path

from pypdf import PdfReader

from medeval.report import render_certificate


def test_each_row_in_korean_and_english(segmentation: Path, tmp_path: Path) -> None:
    pdf = render_certificate(segmentation, tmp_path / "certificate.pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    with segmentation.with_name("result.cases.csv").open(newline="",
                                                         encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["status"] == "ok"]
    output_only = sum(r["reference_empty"] == "false" and r["prediction_empty"] == "true"
                      for r in rows)
    assert output_only == 1  # the fixture's one empty output
    for korean, english in (("둘 다 빈 마스크(참조와 출력)", "both empty (reference and output)"),
                            ("참조만 빈 마스크", "reference only empty"),
                            ("출력만 빈 마스크", "output only empty")):
        assert f"{korean} / {english}" in text, text
    assert f"출력만 빈 마스크 / output only empty {output_only}" in text
    assert "prediction only empty" not in text  # the result's key, no longer printed


def test_distances_replaced_are_counted_as_values_and_cases(segmentation: Path,
                                                            tmp_path: Path) -> None:
    # the row stood under the column "증례 수 / Cases" and printed 5 for the one empty
    # output (its HD, two HD95, ASSD and MASD each replaced): read as five cases
    pdf = render_certificate(segmentation, tmp_path / "certificate.pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    with segmentation.with_name("result.cases.csv").open(newline="",
                                                         encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["status"] == "ok"]
    distance_columns = ("hausdorff", "hd95", "assd", "masd")
    infinite = [[k for k, v in r.items() if k.startswith(distance_columns)
                 and v in ("inf", "Infinity")] for r in rows]
    values, cases = sum(map(len, infinite)), sum(1 for i in infinite if i)
    assert values > cases >= 1
    assert f"{values}개 값(증례 {cases}개) / {values} values ({cases} case(s))" in text, text
    assert "(one per case and distance metric)" in text
