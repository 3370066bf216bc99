"""A coco-detection certificate defines its FROC figures per frame.

Found by a KTL tester on a 2D endoscopy set (pdftotext of the polyp-detection example's
certificate): the shared definitions table said CPM is the mean sensitivity at "1/8, ...,
8 FP per case" (and froc_sensitivity "FP per case over all cases scored") beside figures
named "... false positives per frame" and a FROC curve over false positives per frame; the
note on the protocol's rates said "false positives per case" too. A result made after
0.11.0 prints them per frame in both languages; one made by 0.11.0 as issued.

Their edge cases, beside those formulas, still said "undefined when no case holds a lesion;
0 when no case was scored (every case failed ...)" (same tester, pdftotext -layout of the
same certificate): the same results print them per frame; a lesion-detection result, whose
cases are studies, keeps its cases. Read from the PDF by pypdf; the Korean and English
expected are written here by hand.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import warnings
from pathlib import Path

import pytest
from pypdf import PdfReader

import medeval
from medeval.definitions import DEFINITIONS
from medeval.report import build_certificate, render_certificate
from medeval.report.blocks import Para, Table
from medeval.report.catalogue import texts

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def polyps(tmp_path_factory: pytest.TempPathFactory) -> medeval.Result:
    folder = shutil.copytree(EXAMPLES / "polyp-detection",
                             tmp_path_factory.mktemp("frames") / "polyp-detection",
                             ignore=shutil.ignore_patterns("make_data.py", "result", "out"))
    protocol = folder / "protocol.toml"  # fewer resamples: the wording is what is tested
    protocol.write_text(protocol.read_text().replace("n_resamples = 500", "n_resamples = 100"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return medeval.evaluate(protocol, folder / "predictions")


def _definitions(result: medeval.Result, version: str) -> tuple[dict[str, tuple[str, ...]],
                                                                 list[tuple[str, ...]]]:
    """The definitions section of the result's certificate as if made by ``version``: each
    row's formula (ko, en) by id, and the notes under the table."""
    made = dataclasses.replace(
        result, parameters=dataclasses.replace(result.parameters, medeval=version))
    section = next(s for s in build_certificate(made).sections
                   if s.title.key == "section.definitions")
    table = next(b for b in section.blocks if isinstance(b, Table))
    formulas = {str(row[0]): texts(row[2], "ko+en") for row in table.rows}
    notes = [texts(b.text, "ko+en") for b in section.blocks if isinstance(b, Para)]
    return formulas, notes


def test_the_froc_definitions_count_per_frame(polyps: medeval.Result) -> None:
    assert polyps.task == "coco-detection"
    formulas, notes = _definitions(polyps, "0.12.0")
    ko, en = formulas["froc_cpm"]
    assert en == ("mean of the FROC sensitivity at 1/8, 1/4, 1/2, 1, 2, 4, 8 FP per frame "
                  "(a case is a frame)")
    assert ko.startswith("프레임당 FP 1/8, 1/4, 1/2, 1, 2, 4, 8개에서의")
    ko, en = formulas["froc_sensitivity"]
    assert "most FP per frame" in en and "over all frames scored" in en
    assert "프레임당 FP가" in ko and "채점된 모든 프레임" in ko
    # no FROC row or note speaks of cases (the COCO rows say 'image', none 'case')
    written = [t for key in ("froc_cpm", "froc_sensitivity") for t in formulas[key]]
    written += [t for note in notes for t in note if "CPM" in t]
    assert len(written) == 6
    assert [t for t in written if re.search(  # "worst case" is the failure policy's name
        r"(?<!worst )\bcases?\b", t.replace("a case is a frame", "")) or "증례" in t.replace(
            "(증례는 프레임)", "")] == []
    assert ("CPM은 위 수식에 적힌 LUNA16의 일곱 비율(1/8~8)이 아니라 시험 계획서의 프레임당 "
            "위양성 0.1, 0.25, 0.5, 1개에서의 FROC 민감도 평균입니다.",
            "The CPM is the mean of the FROC sensitivity at the protocol's rates of 0.1, "
            "0.25, 0.5, 1 false positives per frame, not at LUNA16's seven rates (1/8 to 8) "
            "its formula above states.") in notes


def test_a_result_made_by_0_11_0_prints_its_definitions_as_issued(
        polyps: medeval.Result) -> None:
    formulas, notes = _definitions(polyps, "0.11.0")
    for key in ("froc_cpm", "froc_sensitivity"):
        assert formulas[key] == (DEFINITIONS[key].formula,)  # English, one language
    assert "FP per case" in DEFINITIONS["froc_cpm"].formula  # the definition is unchanged
    assert notes == []  # the note on the rates is for later results only


def _pdf_text(result: medeval.Result, version: str, pdf: Path) -> str:
    """The text of the result's Korean and English certificate as if made by ``version``,
    read by pypdf, whitespace collapsed."""
    made = dataclasses.replace(
        result, parameters=dataclasses.replace(result.parameters, medeval=version))
    render_certificate(made, pdf)
    return " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())


#: froc_sensitivity's and froc_cpm's edge cases per frame, as the certificate prints them
FRAME_EDGES = ("병변이 있는 프레임이 없으면 정의되지 않음(경고); 채점된 프레임이 없으면 "
               "0(모든 프레임 실패: 검출 없음) / undefined, with a warning, when no frame "
               "holds a lesion; 0 when no frame was scored (every frame failed: nothing "
               "detected)")


def test_the_froc_edge_cases_count_per_frame(polyps: medeval.Result,
                                             tmp_path: Path) -> None:
    text = _pdf_text(polyps, "0.12.0", tmp_path / "frames.pdf")
    # a cell of its own in each FROC row: after the formula, before the reference
    assert text.count(FRAME_EDGES) == 2
    assert "(a case is a frame) " + FRAME_EDGES + " Setio AAA" in text
    assert "threshold " + FRAME_EDGES + " Chakraborty DP" in text
    assert "no case holds" not in text and "no case was scored" not in text
    assert "병변이 있는 증례" not in text and "채점된 증례" not in text


def test_the_edge_cases_of_older_or_other_results_are_kept(
        polyps: medeval.Result, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("lesions")
    old = _pdf_text(polyps, "0.11.0", folder / "old.pdf")
    assert "Undefined cases" not in old and "frame holds" not in old  # no such column then
    studies = shutil.copytree(EXAMPLES / "detection", folder / "detection")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lesions = medeval.evaluate(studies / "protocol.toml", studies / "predictions")
    assert lesions.task == "detection"  # its cases are studies: they stay cases
    text = _pdf_text(lesions, "0.12.0", folder / "studies.pdf")
    assert text.count("병변이 있는 증례가 없으면 정의되지 않음(경고); 채점된 증례가 없으면 "
                      "0(모든 증례 실패: 검출 없음) / undefined, with a warning, when no "
                      "case holds a lesion; 0 when no case was scored (every case failed: "
                      "nothing detected)") == 2
    assert "frame holds" not in text
