"""A multilabel-classification certificate names its figures as a multi-label task's: of a
label, not a class ('Sensitivity of label MI', where it printed 'Sensitivity of class MI'
and a bare 'specificity@MI'), the macro AUC over labels (it printed the multi-class
'one-vs-rest' name), Hamming loss and subset accuracy in both languages (English only
before); its set's composition counts each case under every label it carries, with the
cases in total (it listed label combinations); and the task's per-label counts are
printed. Checked on pypdf's text of the PDF and on the HTML, against counts worked here
from the example's files with pandas and scikit-learn, without medeval."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pypdf
import pytest
import tomllib
from sklearn.metrics import multilabel_confusion_matrix

import medeval
from medeval.report import build_certificate, render_certificate, render_html
from medeval.report.blocks import Table
from medeval.report.catalogue import Msg
from medeval.result import write_result

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "multilabel-classification"
LABELS = ["NORM", "MI", "STTC", "CD", "HYP"]

#: name -> (Korean, English), written by hand
NAMES = {
    "sensitivity@MI": ("MI 레이블의 민감도", "Sensitivity of label MI"),
    "specificity@STTC": ("STTC 레이블의 특이도", "Specificity of label STTC"),
    "ppv@CD": ("CD 레이블의 양성 예측도", "Positive predictive value of label CD"),
    "auc@HYP": ("HYP 레이블의 ROC 곡선 아래 면적(있음 대 없음)",
                "Area under the ROC curve of label HYP (present against absent)"),
    "auc@macro": ("ROC 곡선 아래 면적, 레이블별 매크로 평균",
                  "Area under the ROC curve, macro average over labels"),
    "hamming_loss": ("해밍 손실(잘못 판정된 레이블의 비율)",
                     "Hamming loss (share of label decisions that are wrong)"),
    "subset_accuracy": ("부분집합 정확도(모든 레이블이 맞게 판정된 증례의 비율)",
                        "Subset accuracy (cases with every label decided right)"),
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> tuple[Path, str, str]:
    """The example's result, its PDF's text (pypdf, whitespace made single spaces) and its
    HTML's text (tags dropped, entities read)."""
    folder = tmp_path_factory.mktemp("multilabel")
    result = write_result(medeval.evaluate(EXAMPLE / "protocol.toml",
                                           EXAMPLE / "predictions"), folder / "result.json")
    pdf = render_certificate(result, folder / "c.pdf")
    page = render_html(result, folder / "c.html")
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
    markup = re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))
    return result, " ".join(text.split()), " ".join(html.unescape(markup).split())


def _files() -> tuple[np.ndarray, np.ndarray]:
    """The reference indicators and the decisions as the example's files give them, a
    case without usable scores (no file, a label without score) deciding every label
    wrongly (the protocol's worst case)."""
    protocol = tomllib.loads((EXAMPLE / "protocol.toml").read_text(encoding="utf-8"))
    cuts = protocol["task"]["thresholds"]
    manifest = pd.read_csv(EXAMPLE / "manifest.csv", dtype=str)
    truth = np.array([[label in cell.split(";") for label in LABELS]
                      for cell in manifest["reference"]])
    decided = []
    for case, row in zip(manifest["case_id"], truth):
        path = EXAMPLE / "predictions" / f"{case}.json"
        scores = json.loads(path.read_text())["scores"] if path.exists() else {}
        decided.append([scores[label] >= cuts[label] for label in LABELS]
                       if set(scores) == set(LABELS) else list(~row))
    return truth, np.array(decided)


def test_figures_are_named_as_a_label_s_in_both_languages(rendered) -> None:
    _, pdf, page = rendered
    for name, (korean, english) in NAMES.items():
        for text in (pdf, page):
            assert korean in text, (name, korean)
            assert english in text, (name, english)
    for text in (pdf, page):  # the multi-class names are gone, and no figure is raw
        text = text[:text.index("계산 중 발생한 경고")]  # the warnings name figures by id
        for word in ("일대다", "one-vs-rest", "of class", "분류의 민감도", "specificity@",
                     "ppv@"):
            assert word not in text, word


def test_the_composition_counts_each_case_under_every_label_it_carries(rendered) -> None:
    result, pdf, page = rendered
    manifest = pd.read_csv(EXAMPLE / "manifest.csv", dtype=str)
    counts = {label: int(manifest["reference"].str.split(";").map(
        lambda parts, label=label: label in parts).sum()) for label in LABELS}
    assert sum(counts.values()) > len(manifest)  # some case carries several labels
    (table,) = [b for s in build_certificate(medeval.read_result(result)).sections
                for b in s.blocks if isinstance(b, Table)
                and b.header[0] == Msg("field.composition_labels")]
    assert table.rows == (*((label, str(counts[label])) for label in LABELS),
                          (Msg("text.multilabel_cases_total"), str(len(manifest))))
    for text in (pdf, page):
        assert ("참조 레이블별 구성(한 증례가 여러 레이블을 가질 수 있으며, 가진 레이블마다 셈)"
                in text)
        assert "Composition by reference label (a case may carry several: it is counted " \
               "under each)" in text
        assert "MI;STTC" not in text  # no combination listed
        assert f"증례 합계 / Cases in total {len(manifest)}" in text


def test_a_set_with_a_case_of_no_label_counts_it(tmp_path) -> None:
    shutil.copytree(EXAMPLE, tmp_path, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("result"))
    manifest = pd.read_csv(EXAMPLE / "manifest.csv", dtype=str)
    manifest.loc[0, "reference"] = "none"
    manifest.to_csv(tmp_path / "manifest.csv", index=False)
    text = (EXAMPLE / "protocol.toml").read_text(encoding="utf-8").replace(
        'reference_separator = ";"', 'reference_separator = ";"\nno_label = "none"')
    (tmp_path / "protocol.toml").write_text(text, encoding="utf-8")
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "predictions")
    (table,) = [b for s in build_certificate(result).sections for b in s.blocks
                if isinstance(b, Table) and b.header[0] == Msg("field.composition_labels")]
    assert table.rows[-2:] == ((Msg("text.multilabel_no_label"), "1"),
                               (Msg("text.multilabel_cases_total"), str(len(manifest))))
    assert table.rows[0] == ("NORM", str(int((manifest["reference"] == "NORM").sum())
                                          + int(manifest["reference"].str.contains(
                                              "NORM;").sum())))


def test_the_label_counts_are_printed_as_scikit_learn_counts_them(rendered) -> None:
    result, pdf, page = rendered
    truth, decided = _files()
    matrices = multilabel_confusion_matrix(truth, decided)  # each [[tn, fp], [fn, tp]]
    (table,) = [b for s in build_certificate(medeval.read_result(result)).sections
                for b in s.blocks if isinstance(b, Table) and b.header[0] == Msg("column.label")]
    assert table.rows == tuple(
        (label, *(str(n) for n in (m[1, 1], m[0, 1], m[1, 0], m[0, 0])), str(len(truth)))
        for label, m in zip(LABELS, matrices))
    m = matrices[1]  # MI's row, as printed
    row = f"MI {m[1, 1]} {m[0, 1]} {m[1, 0]} {m[0, 0]} {len(truth)}"
    for text in (pdf, page):
        assert row in text
        for korean, english in (("참양성", "True positive"), ("위양성", "False positive"),
                                ("위음성", "False negative"), ("참음성", "True negative")):
            assert korean in text and english in text


def test_the_label_figures_follow_the_protocol_s_order(rendered) -> None:
    result, _, _ = rendered
    rows = [b for s in build_certificate(medeval.read_result(result)).sections
            for b in s.blocks if isinstance(b, Table) and b.header[0] == Msg("column.metric")
            and len(b.header) == 6]
    names = [row[0] for row in rows[0].rows]
    sensitivities = [n.params[0][1] for n in names
                     if isinstance(n, Msg) and n.key == "metric_label_param.sensitivity"]
    assert sensitivities == LABELS  # not a-z (CD, HYP, MI, NORM, STTC)


def test_the_certificate_says_how_a_failed_case_is_counted(rendered) -> None:
    # The example's ECG-018 (no file) and ECG-042 (no HYP score) fail under worst-case:
    # the task gives them every label wrong (a false negative for each label carried, a
    # false positive for each other) and ranks them last (carried) or first (others) in
    # each label's AUC. The certificate said only 'worst case' and, in section 7, 'a wrong
    # answer, Dice 0, the declared worst distance', the other tasks' worst outcomes.
    result, pdf, page = rendered
    assert medeval.read_result(result).failures.n_failed == 2
    for text in (pdf, page):
        for phrase in ("최악의 결과 (실패 증례는 모든 레이블을 틀린 것으로)",
                       "worst case (a failed case gets every label wrong)",
                       # a pre-check: its main results, never certified figures
                       "실패 증례는 주 결과에서 모든 레이블을 틀린 것으로 계산했습니다",
                       "그 증례가 가진 레이블은 놓친 것(위음성)으로, 가지지 않은 레이블은 있다고 "
                       "판정한 것(위양성)으로",
                       "Failed cases are counted as getting every label wrong in the main "
                       "results: each label the case carries is missed (a false negative) and "
                       "each it does not carry is called present (a false positive)",
                       "for each label's AUC it ranks below every other case where it carries "
                       "the label and above every other case where it does not"):
            assert phrase in text, phrase
        assert "Dice 0" not in text and "a wrong answer" not in text
