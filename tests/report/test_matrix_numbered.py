"""A confusion matrix of twelve classes with long names prints every name whole.

Twelve classes (long English and Korean names, "adenocarcinoma", "hyperplastic_polyp",
"신경내분비종양"), 120 synthetic cases whose answers are made here: the matrix's columns
are a twelfth of the page, and every name was split inside a word, over two or three
lines, in the column heads and the row labels. Read back with poppler's pdftotext
(-layout, a peer): each name is on one line of the matrix, whole; the counts are
scikit-learn's confusion_matrix of the files written here. A result made by medeval
0.11.0 keeps the matrix it was issued with.
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

LABELS = ["adenocarcinoma", "hyperplastic_polyp", "tubular_adenoma",
          "sessile_serrated_lesion", "traditional_serrated_adenoma", "선종성_용종",
          "과형성_용종", "정상_점막", "inflammatory_polyp", "신경내분비종양",
          "squamous_cell_carcinoma", "gastrointestinal_stromal_tumor"]


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> tuple[medeval.Result, list[list[int]]]:
    folder = tmp_path_factory.mktemp("twelve")
    (folder / "predictions").mkdir()
    (folder / "inputs").mkdir()
    lines, truth, answers = ["case_id,patient_id,input,reference"], [], []
    for i in range(120):
        reference = LABELS[i % 12]
        answer = LABELS[(i * 7) % 12] if i % 4 == 0 else reference  # a quarter wrong
        lines.append(f"C{i:03d},P{i:03d},inputs/C{i:03d}.json,{reference}")
        (folder / "inputs" / f"C{i:03d}.json").write_text("{}")
        (folder / "predictions" / f"C{i:03d}.json").write_text(
            json.dumps({"label": answer}, ensure_ascii=False), encoding="utf-8")
        truth.append(reference)
        answers.append(answer)
    (folder / "manifest.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "protocol.toml").write_text(f"""
[test]
id = "KTL-MC12"
title = "Twelve classes"
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
selection = "120 synthetic cases"
[task]
type = "multiclass-classification"
labels = {json.dumps(LABELS, ensure_ascii=False)}
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
    return result, confusion_matrix(truth, answers, labels=LABELS).tolist()


def _text(pdf: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed (apt-get install poppler-utils)")
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


@pytest.mark.parametrize("lang", ["en", "ko", "ko+en"])
def test_every_class_name_is_printed_whole_in_the_matrix(
        study: tuple[medeval.Result, list[list[int]]], lang: str, tmp_path: Path) -> None:
    result, expected = study
    text = _text(render_certificate(result, tmp_path / "c.pdf", lang=lang))
    lines = text.splitlines()
    # the column heads: the classes' numbers, then the total
    head = next(line for line in lines if "(1)" in line and "(12)" in line)
    assert [f"({i})" for i in range(1, 13)] == [w for w in head.split() if w[0] == "("]
    for i, (name, counts) in enumerate(zip(LABELS, expected), start=1):
        # the row: its number, its whole name, its counts (scikit-learn's) and its total
        row = next(line for line in lines if line.split()[:2] == [f"({i})", name])
        assert [int(n) for n in row.split()[2:]] == [*counts, sum(counts)]
    assert "The classes are numbered" in text or "분류에 번호를 붙였습니다" in text


def test_a_result_of_0_11_0_keeps_its_matrix(study: tuple[medeval.Result, list[list[int]]],
                                             tmp_path: Path) -> None:
    result, _ = study
    old = replace(result, parameters=replace(result.parameters, medeval="0.11.0"))
    text = _text(render_certificate(old, tmp_path / "old.pdf", lang="en"))
    # as issued: the names in the heads, split ("adenocarcinoma" over lines), no numbers
    assert "(12)" not in text and "The classes are numbered" not in text
    assert any("adeno" in line.split() and "hyperp" in line.split()
               for line in text.splitlines())
