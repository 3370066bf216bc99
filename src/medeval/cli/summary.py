"""A result in a terminal: one summary for every result, whichever way it was made."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .._terminal_text import on_terminal
from ..decision import as_written
from ..result import MetricRecord, Result

__all__ = ["all_failed", "summary"]

#: How many of a result's warnings the summary prints; the rest are counted.
_WARNINGS_SHOWN = 30


def _cells(text: str) -> int:
    """How many terminal columns ``text`` takes: a Hangul syllable or another wide (East
    Asian) character two, a combining mark none (labels reach here in NFC). ``len``
    counted '정상' as 2 and put the figures of a class or label named in Korean one
    place per syllable left of their column.

    >>> _cells("NORM"), _cells("정상"), _cells("sensitivity@악성")
    (4, 4, 16)
    """
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c)
               in "WF" else 1 for c in text)


def _left(text: str, width: int) -> str:
    """``f"{text:<{width}}"`` in terminal columns (:func:`_cells`)."""
    return text + " " * max(0, width - _cells(text))


def _right(text: str, width: int) -> str:
    """``f"{text:>{width}}"`` in terminal columns (:func:`_cells`)."""
    return " " * max(0, width - _cells(text)) + text


def summary(result: Result, path: Path | None = None) -> str:
    """A readable summary of a result: the test, inputs, case flow, the 2×2 table where
    there is one, every metric with its interval, the verdicts, the warnings and the
    fingerprint."""
    protocol, flow, failures = result.protocol, result.flow, result.failures
    # a certificate protocol evaluated on predictions it did not run is a pre-check, as the
    # certificate's banner says
    mode = ("certificate protocol; a pre-check: the predictions were supplied, not run by "
            "the laboratory" if result.mode == "certificate" and result.precheck
            else result.mode)
    # the title and each warning one line: a line break in them (a TOML "\n", a subgroup
    # value from a quoted CSV cell) shown as \n, not as a line of the summary's own
    lines = [f"medeval {result.software.get('medeval', '')} - {protocol.id} "
             f"{on_terminal(protocol.title)} "
             f"({result.task}, {mode})"]
    for item in result.inputs:
        digest = f", sha256 {item.sha256[:16]}..." if item.sha256 else ""
        rows = f"{item.rows} rows" if item.role != "protocol" else "protocol"
        lines.append(f"  {item.role:<12} {item.source}  ({rows}{digest})")
    lines.append(f"  cases: {flow.registered} registered, {flow.scored} scored, "
                 f"{flow.failed} failed, {flow.analysed} analysed")
    if failures.n_failed:
        reasons = ", ".join(f"{k} {v}" for k, v in failures.by_reason.items())
        lines.append(f"  failed cases by reason: {reasons} (policy {failures.policy})")
        lines += _first_failures(result, path)
    task = result.parameters.task
    if task.get("threshold") is not None:  # a multi-label task's may be None
        lines.append(f"  threshold {as_written(task['threshold'])} (score >= threshold is "
                     "positive)")
    if task.get("thresholds"):  # a multi-label task's, one per label
        lines.append("  thresholds " + ", ".join(
            f"{label} {as_written(cut)}" for label, cut in task["thresholds"].items())
            + " (a label's score >= its threshold calls it present)")
    lines += _confusion(result)
    level = f"{result.confidence * 100:g}%"
    lines += ["", *_metric_lines(result.metrics, level)]
    if result.verdicts:
        lines += ["", "  acceptance criteria:"]
        lines += [f"    {v.outcome:<12} {v.metric} goal {as_written(v.goal)} ({v.rule}): "
                  f"{v.reason}" for v in result.verdicts]
        lines.append(f"  overall: {result.overall}")
    if result.warnings:
        lines += ["", "  warnings:"] + [f"    {on_terminal(w)}"
                                         for w in result.warnings[:_WARNINGS_SHOWN]]
        if len(result.warnings) > _WARNINGS_SHOWN:
            lines.append(f"    ... and {len(result.warnings) - _WARNINGS_SHOWN} more (in the "
                         "result file)")
    lines.append("")
    if path is not None:
        lines.append(f"  result       {path}")
    lines.append(f"  fingerprint  sha256:{result.fingerprint}")
    return "\n".join(lines) + "\n"


def _first_failures(result: Result, path: Path | None = None) -> list[str]:
    """Under the reasons, each reason's first case and its detail, so that the cause shows
    without opening the result; a detail longer than :data:`_DETAIL_SHOWN` characters is
    cut at a word with "...", and a line says where the whole is (the result file's
    ``failures.cases``; the per-case CSV has the reason only). None when every case failed
    (:func:`all_failed` gives the first then)."""
    if result.flow.scored == 0:
        return []
    lines, seen, cut = [], set(), False
    for case in result.failures.cases:
        if case.reason in seen or not case.detail:
            continue
        seen.add(case.reason)
        detail = _one_line(case.detail, case.case_id)
        shown = _shortened(detail)
        cut = cut or shown != detail
        lines.append(f"    e.g. {case.reason}: case {case.case_id}: {shown}")
    if cut:
        where = path if path is not None else "the result file"
        lines.append(f"    (details cut short; each failed case's whole detail is in {where}, "
                     "under failures.cases)")
    return lines


def _shortened(detail: str, room: int = 0) -> str:
    """``detail`` as the summary shows it: whole if it has at most ``room`` characters
    (:data:`_DETAIL_SHOWN` by default), else cut before the last word that would not fit,
    with "..." (a cut inside a word only where one word fills more than half the room).

    >>> _shortened("a missing file named here", room=20)
    'a missing file...'
    >>> _shortened("a missing file", room=20)
    'a missing file'
    """
    room = room or _DETAIL_SHOWN
    if len(detail) <= room:
        return detail
    kept = detail[:room - 3]
    if detail[room - 3] != " ":  # the last word kept is cut: leave it out
        at = kept.rfind(" ")
        kept = kept[:at] if at > room // 2 else kept
    return kept.rstrip(" ,;:") + "..."


def _one_line(detail: str, case_id: str) -> str:
    """A failed case's detail without its 'case ID: ' prefix, its whitespace runs (the
    lines of an algorithm's exception) one space each."""
    return " ".join(detail.removeprefix(f"case {case_id}: ").split())


#: How many characters of a failed case's detail the summary shows.
_DETAIL_SHOWN = 200


def all_failed(result: Result) -> str | None:
    """The message to print when every case failed (None otherwise): nothing of the
    algorithm was measured, whatever the figures under the failure policy say."""
    flow, failures = result.flow, result.failures
    if flow.registered == 0 or flow.scored > 0:
        return None
    reasons = ", ".join(f"{reason} ({count})" for reason, count in failures.by_reason.items())
    same = len(failures.by_reason) == 1
    first = failures.cases[0] if failures.cases else None
    detail = ""
    if first is not None and first.detail:
        detail = f"\n  case {first.case_id}: {_one_line(first.detail, first.case_id)}"
    wfdb = (" (a WFDB record needs input_header and input_signal)"
            if result.task in _WFDB_TASKS else "")
    if set(failures.by_reason) <= _READING_REASONS:
        advice = (f"Check the manifest's input columns{wfdb}, the predictions folder and the "
                  "algorithm.")
    else:  # the runner's reasons: the algorithm did not end a case
        advice = ("The algorithm failed in the runner: each case's reason, detail and the "
                  "end of its stderr are in the run folder's summary.json (failures); check "
                  f"the algorithm, and the manifest's input columns{wfdb}.")
    return (f"medeval: EVERY CASE FAILED ({flow.failed} of {flow.registered}"
            f"{', all with the same reason' if same else ''}: {reasons}).{detail}\n"
            "  Nothing of the algorithm was measured; the result is written but shows only "
            f"the failure policy. {advice}")


#: The reasons the evaluation gives when it reads a prediction; any other is the runner's.
_READING_REASONS = frozenset({"missing-output", "invalid-output", "incompatible"})
#: The tasks whose inputs may be WFDB records, named by their header and signal files.
_WFDB_TASKS = frozenset({"ecg-beats", "eeg-events"})


def _confusion(result: Result) -> list[str]:
    cm = result.tables.get("confusion_matrix")
    if isinstance(cm, dict) and {"labels", "counts"} <= set(cm):
        return _class_matrix(cm)
    if isinstance(labelled := result.tables.get("label_confusion"), dict):
        return _label_counts(labelled)
    if not (isinstance(cm, dict) and {"tp", "fp", "fn", "tn"} <= set(cm)):
        return []
    width = max(len(str(v)) for v in cm.values()) + 12
    return [
        "",
        f"  {'':<20}{'predicted +':>{width}}{'predicted -':>{width}}",
        f"  {'reference +':<20}{'TP ' + str(cm['tp']):>{width}}{'FN ' + str(cm['fn']):>{width}}",
        f"  {'reference -':<20}{'FP ' + str(cm['fp']):>{width}}{'TN ' + str(cm['tn']):>{width}}",
    ]


def _class_matrix(cm: dict[str, Any]) -> list[str]:
    """A multi-class confusion matrix as the certificate prints it: the reference class in
    rows, the class answered in columns, a "no answer" column only where a failed case
    was counted in it (worst case; the result's column "none", which may be a class's
    name too, as the diabetic retinopathy scale's first grade), and the totals. Where the
    answered classes' names would make a line wider than :data:`_MATRIX_WIDTH` (ten
    rhythm classes: 455 characters), each class is numbered in its row and its column
    is headed by the number, as wide as its own numbers."""
    labels = [on_terminal(str(label)) for label in cm["labels"]]
    counts = [[int(n) for n in row] for row in cm["counts"]]
    none = any(len(row) > len(labels) and row[len(labels)] for row in counts)
    columns = [*labels, *(["no answer"] if none else []), "total"]
    rows = [[*(str(n) for n in row[:len(columns) - 1]), str(sum(row))] for row in counts]
    rows.append([str(sum(row[j] for row in counts)) for j in range(len(columns) - 1)]
                + [str(sum(map(sum, counts)))])
    corner = "reference \\ answered"
    first = max(len(corner), *(_cells(label) for label in labels))
    width = max(_cells(text) for text in [*columns, *(n for row in rows for n in row)]) + 2
    widths, names = [width] * len(columns), list(labels)
    if 2 + first + width * len(columns) > _MATRIX_WIDTH:
        columns[:len(labels)] = [str(i) for i in range(1, len(labels) + 1)]
        widths = [max(len(columns[j]), *(len(row[j]) for row in rows)) + 2
                  for j in range(len(columns))]
        names = [f"{i} {label}" for i, label in enumerate(labels, start=1)]
        first = max(len(corner), *(_cells(name) for name in names))
    return ["", "  " + _left(corner, first) + "".join(
        _right(c, w) for c, w in zip(columns, widths))] + [
        "  " + _left(name, first) + "".join(_right(n, w) for n, w in zip(row, widths))
        for name, row in zip([*names, "total"], rows)]


def _label_counts(table: dict[str, Any]) -> list[str]:
    """A multi-label result's counts as the certificate prints them: each label's true and
    false positives and negatives at its threshold, a row per label.

    >>> print("\\n".join(_label_counts({"labels": ["NORM", "MI"], "counts": [
    ...     {"tp": 23, "fp": 5, "fn": 6, "tn": 26}, {"tp": 9, "fp": 11, "fn": 3, "tn": 37}]})))
    <BLANKLINE>
      label    TP    FP    FN    TN
      NORM     23     5     6    26
      MI        9    11     3    37
    """
    labels = [on_terminal(str(label)) for label in table.get("labels", ())]
    rows = [[str(int(counts[k])) for k in ("tp", "fp", "fn", "tn")]
            for counts in table.get("counts", ())]
    first = max(len("label"), *(_cells(label) for label in labels)) if labels else len("label")
    width = max(2, *(len(n) for row in rows for n in row)) + 4 if rows else 6
    return ["", f"  {'label':<{first}}" + "".join(f"{k:>{width}}" for k in
                                                  ("TP", "FP", "FN", "TN"))] + [
        "  " + _left(label, first) + "".join(f"{n:>{width}}" for n in row)
        for label, row in zip(labels, rows)]


#: The widest line of a multi-class matrix in the summary whose columns are named by
#: their classes; a wider one numbers them (a terminal is 80 to 120 characters wide).
_MATRIX_WIDTH = 100


def _metric_lines(metrics: Sequence[MetricRecord], level: str) -> list[str]:
    """The figures' table, its name column as wide as the longest name (27 at least)."""
    # a name holding a subgroup's value (U+202E, ESC ...) as the terminal shows it
    # (:func:`on_terminal`), its column as wide as that
    names = {record.name: on_terminal(record.name) for record in metrics}
    wide = max([27, *(_cells(name) for name in names.values())])
    # a unit such as 'months' and the interval of a volume in mm³ (12345.6789 -
    # 23456.7890) are wider than their columns' headers: each column as its widest cell
    units = max([5, *(_cells(on_terminal(record.unit)) for record in metrics)])
    cis = {record.name: f"{_num(record.estimate.low)} - {_num(record.estimate.high)}"
           for record in metrics}
    ci_wide = max([21, *(len(ci) for ci in cis.values())])
    values = max([9, *(len(_num(record.estimate.value)) for record in metrics)])
    lines = [f"  {'metric':<{wide}} {'value':>{values}}  {level + ' CI':<{ci_wide}} "
             f"{'n':>11}  {'unit':<{units}} method"]
    for record in metrics:
        est = record.estimate
        n = f"{est.numerator}/{est.n}" if est.numerator is not None else str(est.n)
        lines.append(f"  {_left(names[record.name], wide)} {_num(est.value):>{values}}  "
                     f"{cis[record.name]:<{ci_wide}} {n:>11}  "
                     f"{_left(on_terminal(record.unit), units)} {est.method}")
    return lines


def _num(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.4f}"
