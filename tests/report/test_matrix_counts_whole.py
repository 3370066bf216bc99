"""A confusion matrix's counts are printed whole, never split over two lines.

Twelve classes with long names, 2,400 synthetic cases (200 per class), every 37th case
without a prediction (counted in a "No answer" column). The count columns were an equal
share of what the long names left, 12.6 points inside their padding, so "151" (three
digits of NanumGothic at 7.5 pt, about 13 points) was set as "15" over "1" and read as two
numbers, the totals "200" as "20" over "0", and the "No answer" head as "No a / nswe /
r". Read back with poppler's pdftotext (-layout, a peer): each row's counts are
scikit-learn's confusion_matrix of the files written here, and "answer" is whole. A
result made by medeval 0.11.0 keeps the matrix it was issued with (its counts split).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import warnings
from dataclasses import replace
from pathlib import Path

import pytest
from sklearn.metrics import confusion_matrix

import medeval
from medeval.report import render_certificate

LABELS = [f"adenocarcinoma of the stomach poorly differentiated type {i:02d}"
          for i in range(12)]


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> tuple[medeval.Result, list[list[int]]]:
    folder = tmp_path_factory.mktemp("counts")
    (folder / "predictions").mkdir()
    (folder / "inputs").mkdir()
    lines, truth, answers = ["case_id,patient_id,input,reference"], [], []
    for i in range(2400):
        reference = LABELS[i % 12]
        answer = LABELS[(i * 7) % 12] if i % 5 == 0 else reference  # a fifth wrong
        lines.append(f"C{i:04d},P{i:04d},inputs/C{i:04d}.json,{reference}")
        (folder / "inputs" / f"C{i:04d}.json").write_text("{}")
        truth.append(reference)
        if i % 37 == 5:  # no prediction: worst case, the "No answer" column
            answers.append("none")
            continue
        (folder / "predictions" / f"C{i:04d}.json").write_text(json.dumps({"label": answer}))
        answers.append(answer)
    (folder / "manifest.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "protocol.toml").write_text(f"""
[test]
id = "KTL-MC12-COUNTS"
title = "Twelve classes, 2400 cases"
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
selection = "2400 synthetic cases"
[task]
type = "multiclass-classification"
labels = {json.dumps(LABELS)}
kappa_weights = "none"
[statistics]
seed = 1
n_resamples = 100
resampling_unit = "case"
[[criteria]]
metric = "accuracy"
goal = 0.5
source = "test"
""", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    # the reference classes in rows, the twelve classes then "none" (no answer) in columns
    return result, confusion_matrix(truth, answers, labels=[*LABELS, "none"]).tolist()[:12]


def _text(pdf: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed (apt-get install poppler-utils)")
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def _rows(text: str) -> dict[int, list[int]]:
    """The matrix rows as pdftotext lays them out: the line of a row's counts, whose name
    wraps above and below it, holds 14 numbers (12 classes, no answer, total)."""
    rows, number = {}, 0
    for line in text.splitlines():
        words = line.split()
        if words and words[0].startswith("(") and words[0].endswith(")") and \
                words[0][1:-1].isdigit():
            number = int(words[0][1:-1])
        counts = [w for w in words if w.isdigit()]
        if number and len(counts) >= 14 and number not in rows:
            rows[number] = [int(n) for n in counts[-14:]]
    return rows


@pytest.mark.parametrize("lang", ["en", "ko", "ko+en"])
def test_every_count_is_printed_whole(study: tuple[medeval.Result, list[list[int]]],
                                      lang: str, tmp_path: Path) -> None:
    result, expected = study
    text = _text(render_certificate(result, tmp_path / "c.pdf", lang=lang))
    rows = _rows(text)
    assert min(row[i] for i, row in enumerate(expected)) >= 100  # three digits
    assert all(row[12] > 0 for row in expected)  # a failed case in every class
    for i, counts in enumerate(expected, start=1):
        assert rows[i] == [*counts, sum(counts)]
    if lang != "ko":  # the head "No answer": "answer" on one line, whole
        assert any("answer" in line.split() for line in text.splitlines())


def test_a_result_of_0_11_0_keeps_its_matrix(study: tuple[medeval.Result, list[list[int]]],
                                             tmp_path: Path) -> None:
    result, expected = study
    old = replace(result, parameters=replace(result.parameters, medeval="0.11.0"))
    text = _text(render_certificate(old, tmp_path / "old.pdf", lang="en"))
    # as issued: the names in the heads, "answer" split, no row of 14 whole counts
    assert "(12)" not in text and "answer" not in text.split()
    assert _rows(text) == {}
