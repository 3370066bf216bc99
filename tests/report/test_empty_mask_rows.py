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
import shutil
import warnings
from dataclasses import replace
from pathlib import Path

from pypdf import PdfReader

import medeval
from medeval.report import render_certificate
from medeval.result import read_result, write_result

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


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
    assert values > cases == 1  # the fixture's one empty output: HD, two HD95, ASSD, MASD
    # English singular and plural by the numbers: '5 values (1 case)', not '(1 case(s))'
    assert f"{values}개 값(증례 1개) / {values} values (1 case)" in text, text
    assert "case(s)" not in text
    assert "(one per case and distance metric)" in text
    # the warnings' count, worded by number too
    count = len(read_result(segmentation).warnings)
    assert count == 2  # the vendors' subgroups, each of 4 cases: few distinct resamples
    assert "경고 2건(아래 목록). / 2 warnings, listed below." in text
    # a result made by 0.11.0 prints as issued
    result = read_result(segmentation)
    issued = replace(result, parameters=replace(result.parameters, medeval="0.11.0"))
    old = render_certificate(issued, tmp_path / "issued.pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(old).pages).split())
    assert f"{values}개 값(증례 1개) / {values} values (1 case(s))" in text, text


def test_no_distance_replaced_is_counted_in_the_plural(tmp_path: Path) -> None:
    """'0 values (0 case(s))' on the polyp-segmentation example, which has no empty
    output (its per-case CSV, read with the csv module, has no infinite distance)."""
    folder = shutil.copytree(EXAMPLES / "polyp-segmentation", tmp_path / "polyps")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    cases = write_result(result, tmp_path / "result.json").with_name("result.cases.csv")
    with cases.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and not any(v in ("inf", "Infinity") for r in rows for v in r.values())
    pdf = render_certificate(result, tmp_path / "certificate.pdf", lang="en")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "0 values (0 cases)" in text and "case(s)" not in text
