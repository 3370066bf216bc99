"""The terminal summary of a multi-class result prints its confusion matrix, as it prints
a binary result's 2x2 table (it said nothing of it: the matrix was only in the result
file and on the certificate). Found in the ecg12-pass (a rhythm classifier's pre-check).
The expected counts come from scikit-learn's confusion_matrix on the example's own files."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from sklearn.metrics import confusion_matrix

import medeval
from medeval.cli.summary import summary

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "multiclass-classification"
LABELS = ["G1", "G2", "G3"]


def _answers(folder: Path) -> tuple[list[str], list[str]]:
    """The references and the answers as the example's files hold them, a case without a
    usable answer (no file, or a label not declared) answered 'no answer'."""
    truth, answers = [], []
    with open(folder / "manifest.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            path = folder / "predictions" / f"{row['case_id']}.json"
            answer = json.loads(path.read_text())["label"] if path.exists() else None
            truth.append(row["reference"])
            answers.append(answer if answer in LABELS else "no answer")
    return truth, answers


def _matrix_lines(printed: str) -> list[list[str]]:
    lines = printed.splitlines()
    start = next(i for i, line in enumerate(lines) if "reference \\ answered" in line)
    return [line.replace("reference \\ answered", "corner").split()
            for line in lines[start:start + len(LABELS) + 2]]


def test_the_matrix_is_printed_with_a_no_answer_column(tmp_path, monkeypatch):
    folder = shutil.copytree(EXAMPLE, tmp_path / "example",
                             ignore=shutil.ignore_patterns("result"))
    monkeypatch.setenv("MEDEVAL_CACHE_DIR", str(tmp_path / "cache"))
    truth, answers = _answers(folder)
    expected = confusion_matrix(truth, answers, labels=[*LABELS, "no answer"])[:len(LABELS)]
    assert expected[:, -1].sum() == 2  # BR-012 without file, BR-017's "G4"
    rows = _matrix_lines(summary(medeval.evaluate(folder / "protocol.toml",
                                                  folder / "predictions")))
    assert rows[0] == ["corner", *LABELS, "no", "answer", "total"]
    for label, row, line in zip(LABELS, expected, rows[1:]):
        assert line == [label, *map(str, row), str(row.sum())]
    assert rows[-1] == ["total", *map(str, expected.sum(axis=0)), str(len(truth))]


def test_without_a_failed_case_there_is_no_no_answer_column(tmp_path, monkeypatch):
    folder = shutil.copytree(EXAMPLE, tmp_path / "example",
                             ignore=shutil.ignore_patterns("result"))
    monkeypatch.setenv("MEDEVAL_CACHE_DIR", str(tmp_path / "cache"))
    (folder / "predictions" / "BR-012.json").write_text('{"label": "G2"}')
    (folder / "predictions" / "BR-017.json").write_text('{"label": "G1"}')
    truth, answers = _answers(folder)
    expected = confusion_matrix(truth, answers, labels=LABELS)
    rows = _matrix_lines(summary(medeval.evaluate(folder / "protocol.toml",
                                                  folder / "predictions")))
    assert rows[0] == ["corner", *LABELS, "total"]
    for label, row, line in zip(LABELS, expected, rows[1:]):
        assert line == [label, *map(str, row), str(row.sum())]
