"""The terminal summary keeps its columns where classes or labels are named in Korean.

Widths were counted with ``len``: '정상' is 2 characters but 4 terminal columns, so each
Hangul name pushed its row's figures one place per syllable out of the header's column
(a multi-class matrix, the metric table's ``sensitivity@악성``, a multi-label count
table). Found in the tasks pass. The reference for a terminal's columns is rich's
``cell_len`` (rich draws medeval's progress bars), not medeval's own count."""

from __future__ import annotations

from rich.cells import cell_len

from medeval.cli.summary import _class_matrix, _label_counts, _metric_lines
from medeval.result import MetricRecord
from medeval.stats.estimate import Estimate


def _column_ends(line: str) -> list[int]:
    """The terminal column at which each whitespace-separated field of ``line`` ends."""
    ends, position = [], 0
    for part in line.split(" "):
        position += cell_len(part)
        if part:
            ends.append(position)
        position += 1
    return ends


def test_a_korean_class_matrix_keeps_its_columns():
    labels = ["정상", "양성", "악성", "미확정"]
    lines = _class_matrix({"labels": labels, "counts": [
        [9, 2, 0, 0, 0], [1, 9, 0, 1, 0], [1, 3, 0, 4, 0], [0, 0, 0, 0, 0]]})[1:]
    header = _column_ends(lines[0])[-5:]  # 정상 양성 악성 미확정 total, right-aligned
    for line in lines[1:]:
        assert _column_ends(line)[-5:] == header, line


def test_korean_metric_names_and_labels_keep_their_columns():
    estimate = Estimate(0.8182, 0.5230, 0.9486, "wilson", 0.95, 11, numerator=9)
    records = [MetricRecord(name, "sensitivity", estimate, True, "1")
               for name in ("accuracy", "sensitivity@정상", "sensitivity@미확정")]
    lines = _metric_lines(records, "95%")
    value_end = cell_len(lines[0][:lines[0].index("value") + len("value")])
    for line in lines[1:]:
        assert cell_len(line[:line.index("0.8182") + len("0.8182")]) == value_end, line
    counts = _label_counts({"labels": ["정상", "심근경색", "NORM"], "counts": [
        {"tp": 23, "fp": 5, "fn": 6, "tn": 26}] * 3})[1:]
    assert len({tuple(_column_ends(line)[-4:]) for line in counts}) == 1, counts


def test_a_long_unit_or_interval_keeps_the_method_column():
    # a measurement in months (bone age) or 개월: the unit column was 5 wide, so the
    # method of each figure in that unit stood one or two places right of the others';
    # a volume in mm³ has an interval wider than its column (21) likewise
    records = [MetricRecord("completion_rate", "completion_rate",
                            Estimate(1.0, 0.8, 1.0, "wilson", 0.95, 12, numerator=12), True),
               *(MetricRecord("mae", "mae", Estimate(3.6, 0.2, 7.0, "t", 0.95, 12), False,
                              unit) for unit in ("months", "개월")),
               MetricRecord("bias", "bland_altman_bias", Estimate(
                   -123456.5, -234567.25, -12345.125, "t", 0.95, 12), None, "mm³")]
    lines = _metric_lines(records, "95%")
    starts = {cell_len(line[:line.rindex(" ") + 1]) for line in lines}
    assert len(starts) == 1, lines  # 'method', 'wilson', 't', 't' begin in one column
    value_end = cell_len(lines[0][:lines[0].index("value") + len("value")])
    assert cell_len(lines[-1][:lines[-1].index("-123456.5000") + 12]) == value_end
