"""The terminal summary of a multi-label result prints each label's true and false
positives and negatives, as it prints a binary result's 2x2 table and a multi-class
result's matrix (they were only in the result file and on the certificate). The expected
counts come from scikit-learn's multilabel_confusion_matrix on the example's own files
(read without medeval, by the certificate test's reader)."""

from __future__ import annotations

from pathlib import Path

from sklearn.metrics import multilabel_confusion_matrix

from medeval.cli import main

from ..report.test_multilabel_certificate import EXAMPLE, LABELS, _files


def test_each_label_s_counts_are_printed(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(EXAMPLE)
    assert main(["evaluate", "protocol.toml", "--predictions", "predictions/", "--out",
                 str(tmp_path / "result")]) == 0
    lines = capsys.readouterr().out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split() == [
        "label", "TP", "FP", "FN", "TN"])
    truth, decided = _files()
    expected = [[label, *(str(n) for n in (m[1, 1], m[0, 1], m[1, 0], m[0, 0]))]
                for label, m in zip(LABELS, multilabel_confusion_matrix(truth, decided))]
    assert [line.split() for line in lines[start + 1:start + 1 + len(LABELS)]] == expected
    assert lines[start + 1 + len(LABELS)] == ""  # the metrics follow after a blank line
