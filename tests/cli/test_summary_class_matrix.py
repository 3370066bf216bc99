"""The terminal summary of a multi-class result prints its confusion matrix, as it prints
a binary result's 2x2 table (it said nothing of it: the matrix was only in the result
file and on the certificate). Found in the ecg12-pass (a rhythm classifier's pre-check).
The expected counts come from scikit-learn's confusion_matrix on the example's own files."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from sklearn.metrics import confusion_matrix

import medeval
from medeval.cli.summary import summary

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "report"))
from test_multiclass_matrix import _answers as answers_of  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "multiclass-classification"
LABELS = ["G1", "G2", "G3"]


def _answers(folder: Path) -> tuple[list[str], list[str]]:
    """The references and the answers as the files in ``folder`` hold them (the
    certificate's matrix test reads them so), a case without a usable answer named as the
    summary names it, 'no answer'."""
    truth, answered = answers_of(folder)
    return truth, ["no answer" if a == "none" else a for a in answered]


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


def test_long_class_names_number_the_columns(tmp_path, monkeypatch):
    """Classes named as a rhythm statement ('Premature ventricular contraction') made each
    column as wide as the longest name: three classes printed lines of 210 characters, ten
    of 455, which a terminal wraps out of their columns. Wider than 100, each class is
    numbered in its row and its column headed by its number. Found in the review of the
    ecg12-pass."""
    names = {"G1": "Premature ventricular contraction", "G2": "Left bundle branch block",
             "G3": "Atrial fibrillation"}
    folder = shutil.copytree(EXAMPLE, tmp_path / "example",
                             ignore=shutil.ignore_patterns("result"))
    monkeypatch.setenv("MEDEVAL_CACHE_DIR", str(tmp_path / "cache"))
    for path in [folder / "protocol.toml", folder / "manifest.csv",
                 *(folder / "predictions").iterdir()]:
        text = path.read_text(encoding="utf-8")
        for short, long in names.items():
            text = text.replace(f'"{short}"', f'"{long}"').replace(f",{short},", f",{long},")
        path.write_text(text, encoding="utf-8")
    assert "G1" not in (folder / "manifest.csv").read_text()  # the renaming reached it
    truth, answers = _answers(EXAMPLE)  # the example's own files, before the renaming
    expected = confusion_matrix(truth, answers, labels=[*LABELS, "no answer"])[:3]
    printed = summary(medeval.evaluate(folder / "protocol.toml", folder / "predictions"))
    lines = printed.splitlines()
    start = next(i for i, line in enumerate(lines) if "reference \\ answered" in line)
    matrix = lines[start:start + 5]
    assert max(map(len, matrix)) <= 2 + 36 + 4 * 3 + 11 + 7  # names, numbers, no answer, total
    assert matrix[0].split() == ["reference", "\\", "answered", "1", "2", "3", "no", "answer",
                                 "total"]
    for i, (name, row, line) in enumerate(zip(names.values(), expected, matrix[1:]), 1):
        assert line.split() == [str(i), *name.split(), *map(str, row), str(row.sum())]
    assert matrix[-1].split() == ["total", *map(str, expected.sum(axis=0)), str(len(truth))]
