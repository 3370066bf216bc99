"""A segmentation's warning that references hold none of the scored labels (masks coded
0/2 under labels [1]) reads in Korean on a Korean certificate of a result made after
medeval 0.11.0; a 0.11.0 result's certificate prints it in English, marked as the
original, as it was issued (notes_ko_revised.REVISED_LATER).

Found in the Korean-certificate pass: a Korean certificate of a set whose masks were
coded otherwise printed this warning in English, '(영문 원문)'. The Korean is by hand.
"""

from __future__ import annotations

import shutil
import subprocess
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext not installed")

SimpleITK = pytest.importorskip("SimpleITK")

_PROTOCOL = """\
[test]
id = "KTL-SEG-0042"
title = "Stones"
mode = "pre-check"
[laboratory]
name = "Lab"
[customer]
name = "Customer"
[algorithm]
name = "Segmenter"
version = "1"
[dataset]
manifest = "manifest.csv"
selection = "3 volumes"
[task]
type = "segmentation"
labels = [1]
nsd_tolerance_mm = 1.0
[statistics]
seed = 1
n_resamples = 200
[failures]
worst_distance_mm = 100.0
[[criteria]]
metric = "dice"
goal = 0.7
source = "test"
"""


def _volume(path: Path, value: int) -> None:
    array = np.zeros((4, 8, 8), np.uint8)
    array[1:3, 2:6, 2:6] = value
    image = SimpleITK.GetImageFromArray(array)
    image.SetSpacing((0.7, 0.7, 2.5))
    SimpleITK.WriteImage(image, str(path))


@pytest.fixture(scope="module")
def result_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three volumes whose references S1, S2 hold the stone as 2 (not the scored 1)."""
    import medeval
    from medeval.result import write_result

    folder = tmp_path_factory.mktemp("unscored")
    for sub in ("ct", "masks", "predictions"):
        (folder / sub).mkdir()
    rows = ["case_id,patient_id,input,reference"]
    for k, coded in enumerate((2, 2, 1), start=1):
        _volume(folder / "ct" / f"S{k}.nii.gz", 0)
        _volume(folder / "masks" / f"S{k}.nii.gz", coded)
        _volume(folder / "predictions" / f"S{k}.nii.gz", 1)
        rows.append(f"S{k},P{k},ct/S{k}.nii.gz,masks/S{k}.nii.gz")
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "protocol.toml").write_text(_PROTOCOL, encoding="utf-8")
    result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    return write_result(result, folder / "result.json")


def _pdftotext(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True)
    return " ".join(done.stdout.split())


_ENGLISH = ("all cases: 2 of 3 case(s) have a reference holding none of the scored "
            "label(s) 1 but other values (2): S1, S2; each is scored as an empty reference. "
            "If the masks are coded otherwise (0/255, say), declare those values as [task] "
            "labels or recode the masks")
_KOREAN = ("• 전체 증례: 증례 3개 중 2개의 참조 마스크에 채점할 레이블(1)은 없고 다른 값(2)만 "
           "있습니다: S1, S2. 이 증례들은 각각 참조가 빈 마스크인 것으로 채점했습니다. 마스크가 "
           "다른 값으로 부호화되어 있다면(예: 0/255) 그 값을 시험 계획서의 [task] labels로 "
           "선언하거나 마스크를 다시 부호화하십시오")


def test_the_warning_reads_in_korean(result_path: Path, tmp_path: Path) -> None:
    from medeval.report import render_certificate
    from medeval.result import read_result

    assert _ENGLISH in read_result(result_path).warnings  # the evaluation wrote it
    ko = _pdftotext(render_certificate(result_path, tmp_path / "ko.pdf", lang="ko"))
    assert _KOREAN in ko
    assert "(영문 원문)" not in ko and "recode the masks" not in ko
    both = _pdftotext(render_certificate(result_path, tmp_path / "both.pdf", lang="ko+en"))
    # the English under the Korean (a page may fall between them), not marked
    assert _KOREAN in both and _ENGLISH in both and "(영문 원문)" not in both


def test_a_0_11_0_result_prints_it_as_issued(result_path: Path, tmp_path: Path) -> None:
    from medeval.report import render_certificate
    from medeval.result import read_result, write_result

    result = read_result(result_path)
    old = write_result(replace(result, parameters=replace(result.parameters,
                                                          medeval="0.11.0")),
                       tmp_path / "old.json")
    ko = _pdftotext(render_certificate(old, tmp_path / "ko.pdf", lang="ko"))
    assert f"• (영문 원문) {_ENGLISH}" in ko and _KOREAN not in ko


def test_notes_new_after_0_11_0_say_protocol_and_label_as_the_certificate(
        tmp_path: Path) -> None:
    """The notes first written after 0.11.0 (no issued result holds them) used
    '프로토콜' and '라벨' where the rest of the certificate says '시험 계획서' and
    '레이블': a bootstrap estimate outside its interval, a prediction's own label unlike
    its score's decision, and class probabilities tied. Each is written by the code that
    writes it, then printed on a Korean certificate of a result made now."""
    import medeval
    from medeval.errors import UndefinedMetricWarning
    from medeval.report import render_certificate
    from medeval.result import write_result
    from medeval.stats import bootstrap_ci
    from medeval.tasks._class_aucs import _ties
    from medeval.tasks.base import CaseRow
    from medeval.tasks.binary_classification import _own_labels_differ

    def drawn(x: np.ndarray, weights: np.ndarray) -> np.ndarray:  # below the estimate
        return (np.atleast_2d(weights) > 0).sum(axis=1).astype(float)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        outside = bootstrap_ci(drawn, np.arange(12.0), seed=1, n_resamples=200).note
    own = _own_labels_differ([CaseRow("c0", "p0", "ok", None, None, {
        "reference": 1, "score": 0.9, "prediction": 1, "own_label": 0})], 0.5)
    # c1's largest probability shared by classes 0 and 1, its reference 1 among them
    (tied,) = _ties(["c1", "c2"], np.array([[0.4, 0.4, 0.2], [0.5, 0.3, 0.2]]),
                    np.array([False, False]), np.array([1, 0]))
    example = Path(__file__).resolve().parents[2] / "examples" / "binary-classification"
    result = medeval.evaluate(example / "protocol.toml", example / "predictions")
    path = write_result(replace(result, warnings=(
        f"all cases: f1: {outside}", *(f"all cases: {t}" for t in own),
        f"all cases: {tied}")), tmp_path / "result.json")
    ko = _pdftotext(render_certificate(path, tmp_path / "ko.pdf", lang="ko"))
    assert "(영문 원문)" not in ko
    assert "BCa 신뢰구간(method \"bca\", 시험 계획서의 statistics.bootstrap_method)" in ko
    assert "시험 계획서의 임계값(0.5)에서" in ko and "시험 계획서가 정한 임계값에서" in ko
    assert "시험 계획서의 레이블 순서에서" in ko
    assert "프로토콜" not in ko and "라벨" not in ko
