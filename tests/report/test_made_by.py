"""Certificate wording worded for the result, for results made after medeval 0.7.0 only
(a certificate is rendered again from its result to be verified: one issued for a result
of 0.7.0 or before must print what it printed). Found in the review-docs pass on the
polyp-detection example's certificate (pdftotext):

- the method section's "Confidence interval methods" named the protocol's proportion,
  AUC and bootstrap methods whatever the figures used: "proportions: wilson; AUC: delong;
  bootstrap: percentile" beside COCO figures that are all bootstrap intervals;
- "FROC sensitivity at 1 false positives per case": plural after 1, and "case" where a
  coco-detection case is a frame (its failure policy says "a failed frame detected
  nothing")."""

from __future__ import annotations

import dataclasses
import shutil
import warnings
from pathlib import Path

import pytest

import medeval
from medeval.report import build_certificate
from medeval.report.catalogue import texts
from medeval.report.cells import metric_name
from medeval.report.content import Fields, Table
from medeval.report.made_by import made_after
from medeval.result import read_result

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
OLD = Path(__file__).resolve().parents[1] / "data" / "results-0.1" / "v1-protocol.json"

#: The methods line every result got before (the three of the protocol's methods).
ALL_THREE = ("비율: wilson; AUC: delong; 부트스트랩: percentile",
             "proportions: wilson; AUC: delong; bootstrap: percentile")


def _made_by(result: medeval.Result, version: str) -> medeval.Result:
    return dataclasses.replace(
        result, parameters=dataclasses.replace(result.parameters, medeval=version))


def _methods_row(result: medeval.Result) -> tuple[str, ...]:
    for section in build_certificate(result).sections:
        for block in section.blocks:
            if isinstance(block, Fields):
                for label, value in block.rows:
                    if getattr(label, "key", "") == "field.ci_methods":
                        return texts(value, "ko+en")
    raise AssertionError("no methods row")


def _evaluate(example: str, tmp_path: Path) -> medeval.Result:
    folder = shutil.copytree(EXAMPLES / example, tmp_path / example,
                             ignore=shutil.ignore_patterns("make_data.py", "result", "out"))
    protocol = folder / "protocol.toml"  # fewer resamples: the wording is what is tested
    protocol.write_text(protocol.read_text().replace("n_resamples = 500", "n_resamples = 100"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return medeval.evaluate(protocol, folder / "predictions")


@pytest.fixture(scope="module")
def polyps(tmp_path_factory: pytest.TempPathFactory) -> medeval.Result:
    return _evaluate("polyp-detection", tmp_path_factory.mktemp("polyps"))


def test_which_medeval_is_later() -> None:
    later = [v for v in ("0.6.9", "0.7.0", "0.7.0+local", "0.7.1", "0.8.0.dev1", "1.0",
                         "unknown") if made_after(_Made(v), "0.7.0")]
    assert later == ["0.7.1", "0.8.0.dev1", "1.0"]


class _Made:
    def __init__(self, version: str) -> None:
        self.parameters = type("P", (), {"medeval": version})()


def test_a_coco_result_names_only_the_bootstrap(polyps: medeval.Result) -> None:
    # every figure of the COCO result is a percentile bootstrap interval
    assert {m.estimate.method for m in polyps.metrics} == {"bootstrap-percentile"}
    assert _methods_row(_made_by(polyps, "0.8.0")) == ("부트스트랩: percentile",
                                                        "bootstrap: percentile")
    # made by 0.7.0: the line its certificate was issued with
    assert _methods_row(_made_by(polyps, "0.7.0")) == ALL_THREE


def test_the_frame_and_one_false_positive(polyps: medeval.Result) -> None:
    names = {m.name: m.definition for m in polyps.metrics if m.definition == "froc_sensitivity"}
    assert sorted(names) == ["froc_sensitivity@0.1", "froc_sensitivity@0.25",
                             "froc_sensitivity@0.5", "froc_sensitivity@1"]
    new, old = _made_by(polyps, "0.8.0"), _made_by(polyps, "0.7.0")
    assert texts(metric_name("froc_sensitivity@1", "froc_sensitivity", result=new),
                 "ko+en") == ("프레임당 위양성 1개에서의 FROC 민감도",
                              "FROC sensitivity at 1 false positive per frame")
    assert texts(metric_name("froc_sensitivity@0.5", "froc_sensitivity", result=new),
                 "ko+en") == ("프레임당 위양성 0.5개에서의 FROC 민감도",
                              "FROC sensitivity at 0.5 false positives per frame")
    assert texts(metric_name("froc_sensitivity@1", "froc_sensitivity", result=old),
                 "ko+en") == ("증례당 위양성 1개에서의 FROC 민감도",
                              "FROC sensitivity at 1 false positives per case")
    # the certificate's tables name it so (results, failed frames excluded, definitions)
    cells = [" ".join(texts(cell, "en")) for section in build_certificate(new).sections
             for block in section.blocks if isinstance(block, Table)
             for row in block.rows for cell in row]
    assert cells.count("FROC sensitivity at 1 false positive per frame") == 3
    names = [cell for cell in cells if cell.startswith("FROC sensitivity at")]
    assert len(names) == 3 * 4 and all(name.endswith(" per frame") for name in names)


def test_a_detection_result_keeps_the_case(tmp_path: Path) -> None:
    result = _made_by(_evaluate("detection", tmp_path), "0.8.0")
    # its case AUC is Obuchowski's clustered DeLong; the FROC figures bootstrap intervals
    assert {m.estimate.method for m in result.metrics} == {"bootstrap-percentile",
                                                           "obuchowski"}
    ko, en = _methods_row(result)
    assert en.startswith("AUC: delong; bootstrap: percentile (several cases per patient")
    assert ko.startswith("AUC: delong; 부트스트랩: percentile (환자당 증례가 여러 개")
    assert texts(metric_name("froc_sensitivity@1", "froc_sensitivity", result=result),
                 "en") == ("FROC sensitivity at 1 false positive per case",)


def test_segmentation_and_a_result_using_all_three(segmentation: Path,
                                                   certified: Path) -> None:
    seg = read_result(segmentation)
    assert {m.estimate.method for m in seg.metrics} == {"bootstrap-percentile"}
    assert _methods_row(_made_by(seg, "0.8.0")) == ("부트스트랩: percentile",
                                                     "bootstrap: percentile")
    binary = read_result(certified)  # proportions (clustered), an AUC and bootstraps
    assert _methods_row(_made_by(binary, "0.8.0")) == _methods_row(binary)


def test_a_result_of_medeval_0_1_renders_as_before() -> None:
    old = read_result(OLD)
    assert not made_after(old, "0.7.0")
    assert _methods_row(old) == ALL_THREE
