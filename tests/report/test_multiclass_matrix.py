"""The multi-class confusion matrix on the certificate: it was only in the result's
``tables.confusion_matrix``, and a certificate of a 3- or 4-class test printed averages
without the counts they come from. Checked against scikit-learn's confusion_matrix of the
example's manifest and prediction files, read here without medeval."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sklearn.metrics import confusion_matrix

import medeval
from medeval.report import build_certificate
from medeval.report.blocks import Table
from medeval.report.catalogue import Msg

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "multiclass-classification"
LABELS = ["G1", "G2", "G3"]


def _answers(folder: Path = EXAMPLE) -> tuple[list[str], list[str]]:
    """The references and the answers as the example's files (or a copy's in ``folder``)
    hold them, a case without a usable answer (no file, or a label not declared) answered
    'none'. Also read by tests/cli/test_summary_class_matrix.py."""
    truth, answered = [], []
    with open(folder / "manifest.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            path = folder / "predictions" / f"{row['case_id']}.json"
            label = json.loads(path.read_text())["label"] if path.exists() else None
            truth.append(row["reference"])
            answered.append(label if label in LABELS else "none")  # G4, missing: no answer
    return truth, answered


def _matrix(result: medeval.Result) -> Table:
    tables = [b for s in build_certificate(result).sections for b in s.blocks
              if isinstance(b, Table) and b.header[:1] == (Msg("text.multiclass_matrix_corner"),)]
    assert len(tables) == 1
    return tables[0]


def test_the_certificate_prints_the_confusion_matrix_with_no_answer_and_totals():
    truth, answered = _answers()
    expected = confusion_matrix(truth, answered, labels=[*LABELS, "none"])[:3]
    table = _matrix(medeval.evaluate(EXAMPLE / "protocol.toml", EXAMPLE / "predictions"))
    assert table.header[1:] == (*LABELS, Msg("text.multiclass_no_answer"), Msg("column.total"))
    body = [[int(n) for n in row[1:]] for row in table.rows]
    assert [row[0] for row in table.rows[:-1]] == LABELS
    assert body[:-1] == [[*row, sum(row)] for row in expected.tolist()]
    assert body[-1] == [*expected.sum(axis=0).tolist(), len(truth)]


def test_without_failed_cases_counted_there_is_no_no_answer_column(tmp_path):
    protocol = tmp_path / "protocol.toml"
    protocol.write_text((EXAMPLE / "protocol.toml").read_text(encoding="utf-8").replace(
        'manifest = "manifest.csv"', f'manifest = "{EXAMPLE / "manifest.csv"}"')
        + '[failures]\npolicy = "exclude"\n', encoding="utf-8")
    truth, answered = _answers()
    kept = [(t, a) for t, a in zip(truth, answered) if a != "none"]
    expected = confusion_matrix(*zip(*kept), labels=LABELS)
    table = _matrix(medeval.evaluate(protocol, EXAMPLE / "predictions"))
    assert table.header[1:] == (*LABELS, Msg("column.total"))
    assert [[int(n) for n in row[1:-1]] for row in table.rows[:-1]] == expected.tolist()


def test_the_methods_line_names_no_auc():
    # a multi-class result has no AUC, but the method section said "AUC: delong"
    from medeval.report.blocks import Fields
    from medeval.report.catalogue import texts

    certificate = build_certificate(medeval.evaluate(EXAMPLE / "protocol.toml",
                                                     EXAMPLE / "predictions"))
    [methods] = [" ".join(texts(value, "en")) for s in certificate.sections for b in s.blocks
                 if isinstance(b, Fields) for key, value in b.rows
                 if key == Msg("field.ci_methods")]
    # named after 0.10.0 (test_method_section.py); by id before
    assert methods.startswith("proportions: Wilson score; bootstrap: percentile")
    assert "AUC" not in methods
