"""A figure with no value on the test set: the certificate says "undefined" in words, prints
no "NaN", and lists the warnings that say which figure and why (the reader of a
certificate may not have the result file)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader

import medeval
from medeval.report import render_certificate
from medeval.result import read_result, write_result

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ecg-beats" / "protocol.toml"
FS = 360


def pdf_text(path: Path) -> str:
    """The PDF's text as pypdf extracts it, page after page."""
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """Two 10-minute records of normal beats only, written by wfdb; a detector that finds
    each of them and labels it N. No ventricular or supraventricular beat on either side,
    so VEB and SVEB sensitivity and +P are all 0/0 (EC57: Vv / (Vv + Vn + ...) with every
    V cell 0), while the QRS figures and the VEB false-positive rate are defined."""
    import wfdb

    folder = tmp_path_factory.mktemp("undefined")
    rows = ["case_id,patient_id,input_header,input_signal,reference"]
    (folder / "pred").mkdir()
    for k, record in enumerate(("r1", "r2")):
        beats = np.arange(200 + 7 * k, 10 * 60 * FS, 288)
        wfdb.wrsamp(record, fs=FS, units=["mV"], sig_name=["MLII"],
                    p_signal=np.zeros((10 * 60 * FS, 1)), fmt=["212"], write_dir=str(folder))
        wfdb.wrann(record, "atr", beats, ["N"] * beats.size, write_dir=str(folder))
        (folder / "pred" / f"{record}.json").write_text(json.dumps(
            {"fs": FS, "samples": (beats + 3).tolist()}))
        rows.append(f"{record},p{k},{record}.hea,{record}.dat,{record}.atr")
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n")
    (folder / "protocol.toml").write_text(EXAMPLE.read_text())
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    path = write_result(result, folder / "out" / "result.json")
    pdf = render_certificate(path, folder / "out" / "certificate.pdf")
    return pdf, json.loads(path.read_text())


def test_an_undefined_figure_is_printed_in_words(certificate) -> None:
    pdf, result = certificate
    undefined = sorted(n for n, m in result["metrics"].items() if m["value"] == "NaN")
    assert undefined == ["sveb_ppv", "sveb_sensitivity", "veb_ppv", "veb_sensitivity"]
    text = pdf_text(pdf)
    # only inside the quoted warnings (in Korean, "... NaN입니다")
    assert "NaN" not in text.replace("are NaN", "").replace("NaN입니다", "")
    assert "정의되지 않음" in text and "undefined" in text
    assert "Undefined: the metric has no value on this test set" in text


def test_the_warnings_are_listed_with_their_metric(certificate) -> None:
    pdf, result = certificate
    text = " ".join(pdf_text(pdf).split())
    # one note the four undefined figures share, said once naming them (b3186026)
    assert result["warnings"] == [
        "all cases: veb_sensitivity, veb_ppv, sveb_sensitivity, sveb_ppv (4 figures): "
        "proportion_ci: n = 0 trials, so the proportion is undefined; the estimate and its "
        "interval are NaN"]
    for warning in result["warnings"]:
        assert " ".join(warning.split()) in text
    # worded by number (a result made after 0.11.0): '1 warning', not '1 warning(s)'; the
    # two records' matrix 'Pooled over 2 records'
    assert "1 warning, listed below." in text and "warning(s)" not in text
    assert "Pooled over 2 records" in text and "record(s)" not in text
    made = read_result(pdf.with_name("result.json"))
    issued = replace(made, parameters=replace(made.parameters, medeval="0.11.0"))
    old = " ".join(pdf_text(render_certificate(issued, pdf.with_name("issued.pdf"))).split())
    assert "1 warning(s), listed below." in old and "Pooled over 2 record(s)" in old


def test_an_option_left_unset_is_not_printed(certificate) -> None:
    pdf, result = certificate
    assert result["parameters"]["task"]["prediction_annotator"] is None
    text = pdf_text(pdf)
    assert "prediction_annotator" not in text and "= None" not in text
    assert "window_s = 0.15" in text


def test_no_roc_curve_is_drawn_where_the_auc_is_undefined(tmp_path: Path) -> None:
    # Five cases, all positive (reference 1): the ROC curve has no false-positive rate
    # (0 negatives) and the AUC is undefined (scikit-learn's roc_auc_score: NaN, with a
    # warning). Before, the certificate drew a vertical line captioned "AUC NaN (95% CI —)".
    import dataclasses

    from sklearn.metrics import roc_auc_score

    from medeval.result import read_result

    labels, scores = [1] * 5, [0.9, 0.8, 0.7, 0.4, 0.2]
    with pytest.warns(UserWarning, match="Only one class"):
        assert np.isnan(roc_auc_score(labels, scores))
    (tmp_path / "pred").mkdir()
    rows = ["case_id,patient_id,input,reference"]
    for k, (label, score) in enumerate(zip(labels, scores)):
        (tmp_path / f"in{k}.json").write_text("{}")
        (tmp_path / "pred" / f"c{k}.json").write_text(json.dumps({"score": score}))
        rows.append(f"c{k},p{k},in{k}.json,{label}")
    (tmp_path / "manifest.csv").write_text("\n".join(rows) + "\n")
    (tmp_path / "protocol.toml").write_text("""
[test]
id = "ONE-CLASS-1"
title = "one class"
mode = "pre-check"
[laboratory]
name = "Lab"
[customer]
name = "Customer"
[algorithm]
name = "A"
version = "1"
[dataset]
manifest = "manifest.csv"
selection = "five positive cases"
[task]
type = "binary-classification"
threshold = 0.5
[statistics]
seed = 1
[[criteria]]
metric = "sensitivity"
goal = 0.5
source = "test"
""")
    path = write_result(medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred"),
                        tmp_path / "out" / "result.json")
    text = pdf_text(render_certificate(path, tmp_path / "c.pdf"))
    # the figure's caption (not a name in the definitions table, which the table's
    # column widths may set on one line: 'Area under the ROC curve')
    assert "ROC curve of the" not in " ".join(text.split()) and "ROC 곡선," not in text
    assert "AUC NaN" not in text
    assert "Confusion matrix at threshold 0.5000 (5 cases)" in " ".join(text.split())
    # a result made by medeval 0.11.0 renders as issued, with the curve
    old = read_result(path)
    old = dataclasses.replace(old, parameters=dataclasses.replace(old.parameters,
                                                                  medeval="0.11.0"))
    assert "ROC curve of the" in " ".join(
        pdf_text(render_certificate(old, tmp_path / "old.pdf")).split())
