"""A class is '분류' in the Korean warnings too, as in the certificate's tables ('참조
분류', '{param} 분류의 민감도'), for a result made after medeval 0.11.0; a 0.11.0 result's
certificate prints '부류' as issued (notes_ko_revised.REVISED_LATER['0.11.0']).

Found in the Korean-certificate pass: one certificate said '참조 분류' in its tables and
'한 부류만 있어 AUC가 정의되지 않습니다' in its warnings, two words for one thing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext not installed")

_PROTOCOL = """\
[test]
id = "KTL-BIN-0042"
title = "Masses"
mode = "pre-check"
[laboratory]
name = "Lab"
[customer]
name = "Customer"
[algorithm]
name = "Classifier"
version = "1"
[dataset]
manifest = "manifest.csv"
selection = "20 cases"
[task]
type = "binary-classification"
threshold = 0.5
[statistics]
seed = 1
n_resamples = 200
[subgroups]
columns = ["site"]
[[criteria]]
metric = "roc_auc"
goal = 0.6
source = "test"
"""


@pytest.fixture(scope="module")
def result_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20 cases; site B's 6 all negative, so its AUC has one class only."""
    import medeval
    from medeval.result import write_result

    folder = tmp_path_factory.mktemp("classes")
    (folder / "predictions").mkdir()
    rows = ["case_id,patient_id,input,reference,site"]
    for k in range(20):
        label = int(k < 14 and k % 2 == 0)
        rows.append(f"c{k:02d},p{k:02d},c{k:02d}.json,{label},{'B' if k >= 14 else 'A'}")
        (folder / f"c{k:02d}.json").write_text("{}", encoding="utf-8")
        (folder / "predictions" / f"c{k:02d}.json").write_text(
            json.dumps({"score": 0.3 + 0.4 * label + 0.01 * k}), encoding="utf-8")
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "protocol.toml").write_text(_PROTOCOL, encoding="utf-8")
    result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    return write_result(result, folder / "result.json")


def _pdftotext(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True)
    return " ".join(done.stdout.split())


# site B: 0 positives among its 6 cases (c14 ... c19), counted by hand
_ENGLISH = "site=B: roc_auc: auc_ci: the AUC is undefined with one class only (0 positives of 6)"


def test_a_class_is_bunryu_in_the_warnings(result_path: Path, tmp_path: Path) -> None:
    from medeval.report import render_certificate
    from medeval.result import read_result

    assert _ENGLISH in read_result(result_path).warnings
    ko = _pdftotext(render_certificate(result_path, tmp_path / "ko.pdf", lang="ko"))
    assert "• site=B: roc_auc: auc_ci: 한 분류만 있어 AUC가 정의되지 않습니다 (6개 중 양성 " \
           "0개)" in ko
    assert "부류" not in ko


def test_a_0_11_0_result_prints_buryu_as_issued(result_path: Path, tmp_path: Path) -> None:
    from medeval.report import render_certificate
    from medeval.result import read_result, write_result

    result = read_result(result_path)
    old = write_result(replace(result, parameters=replace(result.parameters,
                                                          medeval="0.11.0")),
                       tmp_path / "old.json")
    ko = _pdftotext(render_certificate(old, tmp_path / "ko.pdf", lang="ko"))
    assert "한 부류만 있어 AUC가 정의되지 않습니다 (6개 중 양성 0개)" in ko
    assert "한 분류만" not in ko


@pytest.fixture(scope="module")
def clustered_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 20 cases as two frames of each of 10 patients, resampled by patient: each
    proportion's clustered interval notes its design effect and effective sample size."""
    import medeval
    from medeval.result import write_result

    folder = tmp_path_factory.mktemp("clustered")
    (folder / "predictions").mkdir()
    rows = ["case_id,patient_id,input,reference"]
    for k in range(20):
        label = int(k % 4 < 2)
        rows.append(f"c{k:02d},p{k // 2:02d},c{k:02d}.json,{label}")
        (folder / f"c{k:02d}.json").write_text("{}", encoding="utf-8")
        (folder / "predictions" / f"c{k:02d}.json").write_text(
            json.dumps({"score": 0.3 + 0.4 * label + (0.3 if k == 1 else 0.01 * k)}),
            encoding="utf-8")
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    protocol = _PROTOCOL.replace('[subgroups]\ncolumns = ["site"]\n', "").replace(
        "n_resamples = 200\n", 'n_resamples = 200\nresampling_unit = "patient"\n')
    (folder / "protocol.toml").write_text(protocol, encoding="utf-8")
    result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    return write_result(result, folder / "result.json")


def test_effective_sample_size_as_the_methods_name_it(clustered_path: Path,
                                                      tmp_path: Path) -> None:
    """'유효 표본 크기 기반 Wilson 점수' in the methods, '유효 표본 수' in the warnings: one
    term after 0.11.0; a 0.11.0 result's warnings as issued."""
    from medeval.report import render_certificate
    from medeval.result import read_result, write_result

    result = read_result(clustered_path)
    noted = [w for w in result.warnings if "effective n" in w]
    assert noted, "the clustered intervals must note their effective n for this test"
    ko = _pdftotext(render_certificate(clustered_path, tmp_path / "ko.pdf", lang="ko"))
    assert "유효 표본 크기 기반" in ko  # the methods column (its cell wraps)
    assert ko.count(", 유효 표본 크기 ") >= len(noted) and "유효 표본 수" not in ko
    old = write_result(replace(result, parameters=replace(result.parameters,
                                                          medeval="0.11.0")),
                       tmp_path / "old.json")
    issued = _pdftotext(render_certificate(old, tmp_path / "old.pdf", lang="ko"))
    assert issued.count(", 유효 표본 수 ") >= len(noted)
