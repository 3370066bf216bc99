"""Every metric an example evaluates has a name in both languages on the certificate:
before, a Korean certificate printed raw identifiers (qrs_sensitivity, case_auc,
froc_sensitivity@0.5, three rows alike) or English only (Mean absolute error) in its
results tables. Checked on pdftotext's text of sections 2 and 6 of Korean certificates."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import medeval
from medeval.report import render_certificate
from medeval.result import write_result

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

#: example -> names a Korean reader expects (from the KTL/MFDS usage, written by hand)
EXPECTED = {
    "ecg-beats": ["QRS 검출 민감도", "QRS 검출 양성 예측도"],
    "eeg-events": ["24시간당 오경보 수", "정밀도"],
    "measurement": ["평균 절대 오차", "평균 제곱근 오차", "Lin 일치 상관계수", "유효 출력 비율"],
    "multiclass-classification": ["F1 점수(매크로 평균)", "민감도(가중 평균)", "Cohen 카파"],
    "multiclass-probabilities": ["0 분류 대 나머지 분류의 ROC 곡선 아래 면적(일대다)",
                                 "ROC 곡선 아래 면적, 일대다(매크로 평균)",
                                 "ROC 곡선 아래 면적, 2 분류 이상(의뢰 대상) 대 그 아래 분류"],
    "detection": ["증례당 위양성 0.5개에서의 FROC 민감도", "증례 단위 ROC 곡선 아래 면적"],
    "multilabel-classification": ["MI 레이블의 민감도", "CD 레이블의 특이도",
                                  "ROC 곡선 아래 면적, 레이블별 매크로 평균",
                                  "해밍 손실(잘못 판정된 레이블의 비율)"],
    "polyp-detection": ["COCO 평균 정밀도(IoU 0.50)", "COCO 평균 재현율, 작은 객체"],
}


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")
@pytest.mark.parametrize("example", sorted(EXPECTED))
def test_results_tables_name_every_metric_in_korean(example: str, tmp_path: Path) -> None:
    folder = EXAMPLES / example
    result = write_result(medeval.evaluate(folder / "protocol.toml", folder / "predictions"),
                          tmp_path / "result.json")
    pdf = render_certificate(result, tmp_path / "c.pdf", lang="ko")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    tables = (text[text.index("2. 합격 기준에 대한 결과"):text.index("3. ")]
              + text[text.index("시험 결과\n", text.index("5. ")):])
    tables = tables[:tables.index("7. ")] if "7. " in tables else tables
    flat = " ".join(tables.split())
    for name in EXPECTED[example]:
        assert name in flat, name
    metrics = medeval.read_result(result).metrics
    raw = [m.name for m in metrics if re.search(rf"(?<![\w@.]){re.escape(m.name)}(?![\w@])",
                                                flat)]
    assert raw == [], f"printed as identifiers: {raw}"


def test_the_agreement_interval_methods_have_names() -> None:
    # measurement's CI methods were printed as "lin-z", "t-mse-sqrt", "carkeet-exact"
    from medeval.report.catalogue import catalogue

    for lang in ("ko", "en"):
        table = catalogue(lang)
        for method in ("t", "t-mse-sqrt", "carkeet-exact", "bland-altman-1986", "lin-z"):
            assert f"method.{method}" in table, (lang, method)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")
def test_the_false_alarm_rate_unit_is_korean_on_a_korean_certificate(tmp_path: Path) -> None:
    # eeg-events' fp_per_24h has the unit "per 24 h", printed in English before
    folder = EXAMPLES / "eeg-events"
    result = write_result(medeval.evaluate(folder / "protocol.toml", folder / "predictions"),
                          tmp_path / "result.json")
    text = subprocess.run(["pdftotext", str(render_certificate(result, tmp_path / "c.pdf",
                                                               lang="ko")), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "24시간당" in text and "per 24 h" not in text
