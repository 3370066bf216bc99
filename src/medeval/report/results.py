"""The certificate's results: the figures' table with the confusion matrix, the empty
masks, the EC57 matrices and the reader study's tables, the notes under them and the
figures (ROC, confusion, Dice, FROC, Bland-Altman); the same figures under the other
failure policy; the subgroups' figures. Pure data, no layout, as
:mod:`medeval.report.content`, which places these sections among the others.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from ..definitions import DEFINITIONS
from ..result import MetricRecord, Result, Subgroup
from .blocks import Block, Cell, Figure, Para, Section, Table
from .catalogue import Msg
from .cells import METHOD_NAMES_UNTIL, own_text, subgroup_heading

# the cells' printing, under the short names this module's tables are written with
from .cells import by_name as _by_name
from .cells import ci_text as _ci
from .cells import estimate_cell as _estimate
from .cells import goal_text as _goal
from .cells import group_value as _group_value
from .cells import interval_undefined_note as _interval_undefined_note
from .cells import known as _known
from .cells import message as _m
from .cells import method_cell as _method
from .cells import metric_name as _metric_name
from .cells import n_text as _n
from .cells import number_text as _number
from .cells import undefined_note as _undefined_note
from .cells import value_of as _value
from .class_matrix import NUMBERED_AFTER as MATRIX_NUMBERED_UNTIL
from .class_matrix import multiclass_matrix
from .made_by import made_after
from .multilabel import TASK as LABEL_TASK
from .multilabel import label_confusion_blocks, label_order
from .reader_study import (
    DF_PLACES_UNTIL,
    GOAL_PLACES_UNTIL,
    REFERENCE_WORDS_UNTIL,
    reader_study_blocks,
)

__all__ = ["alternative_section", "counted", "failed_left_out", "ordered_metrics",
           "policy_cell", "results_section", "subgroups_section"]


def _worst_distance(result: Result) -> str | None:
    """The distance the protocol declared for failed cases and empty masks, as printed
    (``50.00 mm``), when the result's distances use one; else None."""
    unit = result.parameters.task.get("distance_unit")
    if result.task != "segmentation" or unit not in ("mm", "px"):
        return None
    value = result.parameters.failures.get(f"worst_distance_{unit}")
    return None if value is None else f"{_goal(value, unit)} {unit}"


def failed_left_out(result: Result) -> bool:
    """Whether the figures rest on fewer cases than the set holds (failed cases
    excluded); a measurement's failed cases stay in its completion rate under either
    policy."""
    return result.flow.analysed < result.flow.registered


def policy_cell(result: Result) -> Cell:
    """How failed cases were counted, with the declared worst distance when one is."""
    distance = _worst_distance(result)
    if result.failures.policy == "worst-case" and distance is not None:
        return _m("text.policy_worst-case_distance", distance=distance)
    if result.failures.policy == "worst-case" and _own_worst_case(result):
        return Msg(f"text.policy_worst-case_{result.task}")
    if result.task == "measurement" and made_after(result, MEASUREMENT_FAILURES_UNTIL):
        # no value to count as worst: said how it counts
        return Msg(f"text.policy_{result.failures.policy}_measurement")
    return Msg(f"text.policy_{result.failures.policy}")


#: The last release whose measurement certificates called a failed case's policy "worst
#: case" or "excluded" alone, and said a failed case counts as a wrong answer or Dice 0;
#: a result it made renders so still (:mod:`.made_by`).
MEASUREMENT_FAILURES_UNTIL = "0.7.0"

#: The last release whose detection results ranked a failed case in the case-level AUC as
#: a case with nothing detected (a failed lesion-free case then ranked as a right
#: negative); a later result's rank it wrongly, which its certificate says.
CASE_AUC_AS_UNDETECTED_UNTIL = "0.11.0"

#: The last release whose multi-class certificates printed no confusion matrix.
MULTICLASS_MATRIX_UNTIL = "0.7.0"


#: The tasks whose worst case is a failed record that detected nothing (the tasks'
#: ``failed_values``), said so on the certificate rather than by the general examples.
_NOTHING_DETECTED = ("ecg-beats", "eeg-events", "coco-detection", "detection")

#: The tasks whose worst case the certificate words as their own: those above, and the
#: multi-label task, whose failed case gets every label wrong (new: no certificate of a
#: result made before it prints otherwise).
_OWN_WORST_CASE = (*_NOTHING_DETECTED, "multilabel-classification")

#: The last release whose binary and multi-class certificates said a failed case counts
#: as "a wrong answer, Dice 0, the declared worst distance" (the general words, two of
#: them about masks); a later result's say what a failed case is there: a false negative
#: or false positive (multi-class: the answer "none"), ranked wrongly for the AUCs.
CLASSIFICATION_WORST_CASE_UNTIL = "0.11.0"

#: The tasks whose worst case the certificate words as their own from then on.
_CLASSIFICATION = ("binary-classification", "multiclass-classification")


def _own_worst_case(result: Result) -> bool:
    """Whether the certificate words the task's worst case as its own (not the general
    words); a binary or multi-class classification's for results made after 0.11.0."""
    return result.task in _OWN_WORST_CASE or (
        result.task in _CLASSIFICATION
        and made_after(result, CLASSIFICATION_WORST_CASE_UNTIL))


def ordered_metrics(metrics: Sequence[MetricRecord],
                    result: Result | None = None) -> list[MetricRecord]:
    """Metrics in the order of the definitions (prevalence, sensitivity, ...), not a-z.
    Of a ``result`` made after medeval 0.9.0, a figure of one class (its definition, ``@``
    and a label of the confusion matrix: a multi-class task's ``sensitivity@G2``) comes
    in the order of the protocol's labels, before the definition's other figures, not
    a-z (which put grade 10 before grade 2 and PDR before mild)."""
    order = {key: i for i, key in enumerate(DEFINITIONS)}
    labels: dict[str, int] = {}
    matrix = result.tables.get("confusion_matrix") if result is not None else None
    if isinstance(matrix, Mapping) and result is not None and made_after(
            result, CLASS_ORDER_UNTIL):
        labels = {str(label): i for i, label in enumerate(matrix.get("labels", ()))}
    of_labels = result is not None and result.task == LABEL_TASK  # auc@MI: roc_auc
    if of_labels:
        assert result is not None
        labels = label_order(result)

    def key(m: MetricRecord) -> tuple[int, int, str]:
        base, at, label = m.name.partition("@")
        own = base == m.definition or m.definition in _CLASS_FIGURES or of_labels
        place = labels.get(label, len(labels)) if at and own else len(labels)
        return order.get(m.definition, len(order)), place, m.name

    return sorted(metrics, key=key)


#: Figures of one class named otherwise than their definition (``auc@G2``, definition
#: ``roc_auc_ovr``), ordered as the protocol's labels too; no result of 0.10.0 or before
#: holds one, so none is ordered otherwise than it was.
_CLASS_FIGURES = frozenset({"roc_auc_ovr"})

#: The last release whose certificates ordered each figure a-z by name within its
#: definition (no multi-class result of it holds a figure of one class).
CLASS_ORDER_UNTIL = "0.9.0"

#: A detection result's FROC curve and a measurement result's Bland–Altman plot are drawn
#: for results made after this version (before, the certificate looked for tables the
#: tasks never wrote, so no result made by it has them).
FIGURES_UNTIL = "0.9.0"

#: The last release whose ROC and confusion-matrix captions print the threshold with four
#: decimals whatever it is (``0.53870189`` as ``0.5387``, a threshold that calls a case
#: scoring 0.53870185 positive); later results print it as the goals are printed, whole
#: where four decimals would round it (:func:`~medeval.report.cells.goal_text`).
THRESHOLD_ROUNDED_UNTIL = "0.10.0"


def _threshold(result: Result) -> str:
    """The threshold as the figures' captions print it."""
    value = result.parameters.task.get("threshold")
    return (_goal(value) if made_after(result, THRESHOLD_ROUNDED_UNTIL)
            else _number(value))


def _metric_rows(metrics: Sequence[MetricRecord], result: Result
                 ) -> tuple[tuple[Cell, ...], ...]:
    return tuple((_metric_name(m.name, m.definition, result=result), _estimate(m), _ci(m),
                  _method(m), _n(m),
                  _known(f"unit.{m.unit}", m.unit))
                 for m in ordered_metrics(metrics, result))


def _metric_header(level: str) -> tuple[Cell, ...]:
    return (Msg("column.metric"), Msg("column.estimate"), _m("column.ci", level=level),
            Msg("column.ci_method"), Msg("column.n"), Msg("column.unit"))


_METRIC_WIDTHS = (3.0, 1.1, 1.9, 2.0, 1.2, 0.6)


def _empty_row(key: str, worst: str | None) -> Cell:
    if key == "distances_replaced_by_worst" and worst is not None:
        return _m("text.distances_replaced_by", distance=worst)
    if key in ("both_empty", "reference_only_empty", "prediction_only_empty"):
        return Msg(f"text.empty_{key}")
    return key.replace("_", " ")


#: The last release whose certificates count the distances replaced as "{values} values
#: ({cases} case(s))" whatever the numbers ("0 values (0 case(s))", "1 values (1
#: case(s))"); a later result's say "1 value (1 case)", "5 values (1 case)", "0 values (0
#: cases)" (the Korean, "5개 값(증례 1개)", the same for all).
COUNT_WORDED_UNTIL = "0.11.0"


def counted(result: Result, key: str, n: int) -> Msg:
    """A count's phrase (``text.warning_count``: '{n} warning(s), listed below.') worded
    by number for a result made after :data:`COUNT_WORDED_UNTIL` (its ``_counted`` key,
    ``_counted_one`` for 1: '2 warnings', '1 warning'); as issued for one made before."""
    if not made_after(result, COUNT_WORDED_UNTIL):
        return _m(key, n=n)
    return _m(key + ("_counted_one" if n == 1 else "_counted"), n=n)


def _empty_count(result: Result, key: str, value: Any, prefix: str = "") -> Cell:
    """A row's count of cases; the distances replaced are counted one per case and
    distance metric (5 for one empty output scored with HD, two HD95, ASSD and MASD),
    so that row gives the number of cases they belong to as well (of the label's
    figures, ``label1:hausdorff`` ..., under ``prefix``)."""
    if key != "distances_replaced_by_worst":
        return str(value)
    distances = {m.name for m in result.metrics if m.unit in ("mm", "px")
                 and m.name.startswith(prefix) and ":" not in m.name.removeprefix(prefix)}
    cases = sum(1 for case in result.cases if case.get("status") == "ok" and any(
        isinstance(case.get(n), float) and math.isinf(case[n]) for n in distances))
    if not made_after(result, COUNT_WORDED_UNTIL):
        return _m("text.distances_replaced_count", values=str(value), cases=str(cases))
    key = "text.distances_replaced_counted" + (
        "" if cases != 1 else "_one" if value == 1 else "_one_case")
    return _m(key, values=str(value), cases=str(cases))


def _confusion(tables: Mapping[str, Any]) -> tuple[int, int, int, int] | None:
    matrix = tables.get("confusion_matrix")
    if isinstance(matrix, Mapping) and {"tp", "fp", "fn", "tn"} <= set(matrix):
        tp, fp, fn, tn = (int(matrix[k]) for k in ("tp", "fp", "fn", "tn"))
        return tp, fp, fn, tn
    return None


def results_section(result: Result, level: str) -> Section:
    """The results: the confusion matrix, the empty masks, every metric with its interval,
    the EC57 matrices, the reader study's tables, the notes and the figures."""
    blocks: list[Block] = []
    counts = _confusion(result.tables)
    if counts is not None:
        tp, fp, fn, tn = counts
        blocks.append(Table(
            ("", Msg("column.reference_positive"), Msg("column.reference_negative"),
             Msg("column.total")),
            ((Msg("column.predicted_positive"), str(tp), str(fp), str(tp + fp)),
             (Msg("column.predicted_negative"), str(fn), str(tn), str(fn + tn)),
             (Msg("column.total"), str(tp + fn), str(fp + tn), str(tp + fp + fn + tn))),
            (2.4, 1.6, 1.6, 1.2), numeric=(1, 2, 3), span=0.75))
    # one table per label: "empty_masks", or "label1:empty_masks" ... with several labels,
    # in the protocol's order of labels (sorted as text, label 10 came before label 2)
    labels = [f"label{label}:empty_masks" for label in result.parameters.task.get("labels")
              or ()]
    for key in sorted((k for k in result.tables if k.endswith("empty_masks")),
                      key=lambda k: (labels.index(k) if k in labels else -1, k)):
        empty, prefix = result.tables[key], key.removesuffix("empty_masks")
        if not isinstance(empty, Mapping) or (prefix and not prefix.endswith(":")):
            continue
        worst = _worst_distance(result)
        title = (_m("text.empty_masks_label",
                                     label=prefix.removesuffix(":").removeprefix("label")) if prefix
                 else Msg("text.empty_masks"))
        blocks.append(Table((title, Msg("column.count")),
                            tuple((_empty_row(str(k), worst),
                                   _empty_count(result, str(k), v, prefix))
                                  for k, v in empty.items()),
                            (3, 1), numeric=(1,), span=0.5))
    if made_after(result, MULTICLASS_MATRIX_UNTIL):
        blocks += multiclass_matrix(result.tables,
                                    numbered=made_after(result, MATRIX_NUMBERED_UNTIL))
    if result.task == LABEL_TASK:
        blocks += label_confusion_blocks(result.tables)
    blocks.append(Table(_metric_header(level), _metric_rows(result.metrics, result),
                        _METRIC_WIDTHS, numeric=(1, 2, 4)))
    blocks += _ec57_average(result.tables)
    blocks += _ec57_matrices(result)
    blocks += _event_counts(result.tables, _failed_time_counted(result))
    blocks += reader_study_blocks(result.tables, level,
                                  named=made_after(result, METHOD_NAMES_UNTIL),
                                  infinite=made_after(result, INFINITE_TEST_UNTIL),
                                  df_places=made_after(result, DF_PLACES_UNTIL),
                                  worded=made_after(result, REFERENCE_WORDS_UNTIL),
                                  goal_places=4 if made_after(result, GOAL_PLACES_UNTIL) else 3)
    blocks.append(Para(_m("text.uncertainty", level=level), "note"))
    blocks.append(Para(Msg("text.unit_note"), "note"))
    if any(m.unit == "px" for m in result.metrics):
        blocks.append(Para(Msg("text.unit_px_note"), "note"))
    blocks += _pixel_size_sources(result.tables)
    blocks += _undefined_note(result.metrics)
    if made_after(result, INTERVAL_NOTE_UNTIL):
        blocks += _interval_undefined_note(result.metrics)
    blocks.extend(_figures(result, level))
    return Section(0, Msg("section.results"), tuple(blocks))


def _pixel_size_sources(tables: Mapping[str, Any]) -> list[Block]:
    """Where the pixel sizes of distances in mm came from, with their numbers of cases
    (``PixelSpacing (120), ImagerPixelSpacing (4)``): the DICOM element, the image file's
    header, or the protocol's ``pixel_spacing_mm``; none for a result without them."""
    distances = tables.get("distances")
    found = distances.get("pixel_size_sources") if isinstance(distances, Mapping) else None
    if not isinstance(found, Mapping) or not found:
        return []
    def listed(names: Mapping[str, str]) -> str:
        return ", ".join(f"{names.get(name, name)} ({count})" for name, count in found.items())

    # the DICOM elements by their names; medeval's own words for the others in each
    # language (the Korean sentence printed "image file header" in English)
    return [Para(_m("text.pixel_size_sources", en=listed({}), ko=listed(_SOURCES_KO)),
                 "note")]


#: The Korean of the pixel-size sources that are not DICOM element names.
_SOURCES_KO = {"image file header": "영상 파일 헤더", "DICOM geometry": "DICOM 기하 정보",
               "protocol pixel_spacing_mm": "시험 계획서의 pixel_spacing_mm"}


#: Up to how many records the certificate prints each record's EC57 matrix.
_EC57_RECORDS_PRINTED = 12


def _ec57_average(tables: Mapping[str, Any]) -> list[Block]:
    """EC57's average statistics (sumstats: the mean of the per-record figures, over the
    records where each is defined), which EC57 reports beside the gross ones above."""
    ec57 = tables.get("ec57")
    average = ec57.get("average") if isinstance(ec57, Mapping) else None
    if not isinstance(average, Mapping) or not average:
        return []
    order = {key: i for i, key in enumerate(DEFINITIONS)}
    names = sorted(average, key=lambda n: (order.get(f"ec57_{n}", len(order)), n))
    rows = []
    for name in names:
        value = average[name].get("value")
        shown: Cell = (Msg("text.undefined") if value is None or math.isnan(float(value))
                       else _number(float(value)))
        rows.append((_metric_name(name), shown, str(int(average[name].get("n_records", 0)))))
    return [Para(Msg("text.ec57_average"), "note"),
            Table((Msg("column.metric"), Msg("column.ec57_average"),
                   Msg("column.ec57_records")), tuple(rows), (3, 1.2, 1), numeric=(1, 2),
                  span=0.7)]


def _ec57_matrices(result: Result) -> list[Block]:
    """The ECG beat-label matrices (reference rows, detected columns): pooled, and each
    record's for a set of a few records."""
    ec57 = result.tables.get("ec57")
    matrix = ec57.get("matrix") if isinstance(ec57, Mapping) else None
    if not isinstance(matrix, Mapping) or not {"rows", "columns", "pooled"} <= set(matrix):
        return []
    records = matrix.get("records") or {}

    def table(title: Cell, counts: Sequence[Sequence[int]]) -> Table:
        header: tuple[Cell, ...] = (title, *(str(c) for c in matrix["columns"]))
        rows = tuple((str(label), *(str(int(n)) for n in row))
                     for label, row in zip(matrix["rows"], counts))
        return Table(header, rows, (2.4,) + (1.0,) * len(matrix["columns"]),
                     numeric=tuple(range(1, len(header))), span=0.7)

    blocks: list[Block] = [Para(Msg("text.ec57_matrix"), "note"),
                           table(counted(result, "text.ec57_matrix_pooled", len(records)),
                                 matrix["pooled"])]
    if len(records) > 1 and len(records) <= _EC57_RECORDS_PRINTED:
        blocks += [table(_m("text.ec57_matrix_record", case_id=case_id), counts)
                   for case_id, counts in records.items()]
    elif len(records) > _EC57_RECORDS_PRINTED:
        blocks.append(Para(own_text("text.ec57_matrix_more", result.precheck, n=len(records),
                              limit=_EC57_RECORDS_PRINTED), "note"))
    return blocks


def _failed_cases_counted(result: Result) -> bool:
    """Whether a detection result's false positives per case (frame) count its failed
    cases, as medeval did before the FROC was taken over the cases scored (a result it
    made is rendered again): told by the result itself, its ``tables.froc`` without
    ``n_cases_scored``."""
    froc = result.tables.get("froc")
    return (result.task in ("detection", "coco-detection") and isinstance(froc, Mapping)
            and "n_cases_scored" not in froc)


def _failed_time_counted(result: Result) -> bool:
    """Whether the result's false alarms per 24 h (and its events table's hours) count
    the failed recordings' time, as medeval did before 9379cf3 (a result it made is
    rendered again): told by the result itself, its hours against its per-case rows'
    durations, so that its certificate says how its figure was made."""
    events = result.tables.get("events")
    if result.task != "eeg-events" or not isinstance(events, Mapping) \
            or "duration_s" not in result.case_columns:
        return False
    seconds = {"ok": 0.0, "failed": 0.0}
    for case in result.cases:
        if case.get("status") in seconds and isinstance(case.get("duration_s"), (int, float)):
            seconds[str(case["status"])] += float(case["duration_s"])
    try:
        hours_s = float(events["hours"]) * 3600.0
    except (KeyError, TypeError, ValueError):
        return False
    return seconds["failed"] > 0 and (abs(hours_s - seconds["ok"] - seconds["failed"])
                                      < abs(hours_s - seconds["ok"]))


def _event_counts(tables: Mapping[str, Any], failed_time_counted: bool = False) -> list[Block]:
    """The EEG event counts the pooled ratios are made of (reference events, those
    detected, false alarms, hours recorded), as the eeg-events task pools them: the
    metrics' n is the number of recordings, not of events."""
    events = tables.get("events")
    keys = ("n_reference", "tp", "fp", "hours")
    if not isinstance(events, Mapping) or not set(keys) <= set(events):
        return []
    rows = ((Msg("text.events_reference"), str(int(events["n_reference"]))),
            (Msg("text.events_detected"), str(int(events["tp"]))),
            (Msg("text.events_false"), str(int(events["fp"]))),
            (Msg("text.events_hours_all" if failed_time_counted else "text.events_hours"),
             f"{float(events['hours']):.2f}"))
    return [Para(Msg("text.events_counts"), "note"),
            Table((Msg("column.item"), Msg("column.value")), rows, (3, 1), numeric=(1,),
                  span=0.5)]


def _figures(result: Result, level: str) -> list[Figure]:
    figures: list[Figure] = []
    cases, columns = result.cases, result.case_columns
    metrics = _by_name(result.metrics)
    if cases and {"score", "reference"} <= set(columns) and "roc_auc" in metrics and not (
            made_after(result, ROC_UNDEFINED_UNTIL)
            and math.isnan(metrics["roc_auc"].estimate.value)):
        figures.append(_roc(result, level))
    counts = _confusion(result.tables)
    if counts is not None:
        figures.append(Figure(
            "confusion", _m("text.figure_confusion", threshold=_threshold(result),
                            n=sum(counts)),
            dict(zip(("tp", "fp", "fn", "tn"), counts))))
    if cases and "dice" in columns:
        values = [math.nan if c["dice"] is None else float(c["dice"]) for c in cases]
        failed = [c["status"] == "failed" for c in cases]
        figures.append(Figure("dice", _m("text.figure_dice", n=len(values)),
                              {"dice": values, "failed": failed,
                               "mean": _value(metrics.get("dice"))}))
    if made_after(result, FIGURES_UNTIL):
        figures += _froc_figure(result) + _bland_altman_figure(result)
    return figures


def _froc_figure(result: Result) -> list[Figure]:
    """The FROC curve of a detection result made after :data:`FIGURES_UNTIL`: its
    ``tables.froc`` (sensitivity against false positives per case, per frame for COCO
    detection) and the protocol's operating points."""
    froc = result.tables.get("froc")
    if result.task not in ("detection", "coco-detection") or not isinstance(froc, Mapping):
        return []
    if not {"fp_per_case", "sensitivity"} <= set(froc) or froc.get("n_lesions") == 0:
        return []  # no reference lesion: the sensitivity is undefined, no curve to draw
    frame = result.task == "coco-detection"
    rates = [float(r) for r in result.parameters.task.get("fp_rates") or ()]
    metrics = _by_name(result.metrics)
    points = [(r, _value(metrics.get(f"froc_sensitivity@{r:g}"))) for r in rates]
    data = {"fp": [float(x) for x in froc["fp_per_case"]],
            "sensitivity": [float(y) for y in froc["sensitivity"]],
            "points": [(r, v) for r, v in points if math.isfinite(v)],
            "per_frame": frame,
            "interpolation": result.parameters.task.get("interpolation") or "step"}
    return [Figure("froc", Msg("text.figure_froc_frame" if frame else "text.figure_froc"),
                   data)]


def _bland_altman_figure(result: Result) -> list[Figure]:
    """The Bland–Altman plot of a measurement result made after :data:`FIGURES_UNTIL`:
    each scored case's difference (output − reference) against the mean of the two,
    with the bias and the limits of agreement the result reports."""
    metrics = _by_name(result.metrics)
    columns = result.case_columns
    if result.task != "measurement" or not {"reference", "measurement"} <= set(columns):
        return []
    pairs = [(float(c["reference"]), float(c["measurement"])) for c in result.cases
             if c["status"] == "ok" and c["reference"] is not None
             and c["measurement"] is not None]
    bias, low, high = (_value(metrics.get(name)) for name in ("bias", "lower_loa",
                                                               "upper_loa"))
    if not pairs or not all(map(math.isfinite, (bias, low, high))):
        return []
    return [Figure("bland_altman", Msg("text.figure_bland_altman"),
                   {"mean": [(r + m) / 2 for r, m in pairs],
                    "difference": [m - r for r, m in pairs],
                    "bias": bias, "loa": (low, high),
                    "unit": metrics["bias"].unit})]


def _roc(result: Result, level: str) -> Figure:
    cases, metrics = result.cases, _by_name(result.metrics)
    labels, scores = [], []
    ok = [float(c["score"]) for c in cases if c["status"] == "ok" and c["score"] is not None]
    low, high = (min(ok), max(ok)) if ok else (0.0, 1.0)
    for case in cases:
        label = bool(case["reference"])  # the per-case reference is 1 (positive) or 0
        if case["status"] == "ok" and case["score"] is not None:
            score = float(case["score"])
        elif result.failures.policy == "worst-case":  # as the AUC counts it
            score = low - 1.0 if label else high + 1.0
        else:
            continue
        labels.append(label)
        scores.append(score)
    auc = metrics["roc_auc"]
    sens, spec = metrics.get("sensitivity"), metrics.get("specificity")
    data = {
        "labels": labels, "scores": scores,
        "point": [1 - _value(spec), _value(sens)],
        "point_x_ci": [1 - _value(spec, "high"), 1 - _value(spec, "low")],
        "point_y_ci": [_value(sens, "low"), _value(sens, "high")],
        "auc": f"{_number(auc.estimate.value)} ({level} CI {_ci(auc)})",
    }
    caption = _m("text.figure_roc", n=len(labels), threshold=_threshold(result),
                 level=level, auc=data["auc"])
    if made_after(result, AUC_CI_WORDS_UNTIL):  # the interval named in each language
        caption = Msg(caption.key, tuple(
            (name, Msg("text.auc_with_ci", (("value", _number(auc.estimate.value)),
                                            ("level", level), ("ci", _ci(auc)))))
            if name == "auc" else (name, value) for name, value in caption.params))
    return Figure("roc", caption, data)


#: The last release whose certificates draw the ROC curve where the AUC is undefined (one
#: class only: a vertical line, captioned "AUC NaN"); a later result's draws none, as the
#: FROC curve is not drawn without a reference lesion.
ROC_UNDEFINED_UNTIL = "0.11.0"
#: The last release whose reader-study certificates print a test whose error term is 0
#: (F or chi-square infinite, p < 0.0001, its interval of zero width) without a word; a
#: later result's says under the tests that these are no evidence (hreader2-pass).
INFINITE_TEST_UNTIL = "0.11.0"

#: The last release whose certificates print a value beside an interval "—" (a subgroup
#: whose cases are all of one patient: "1.0000 (—)") without a note saying what the dash
#: means, as they do for "undefined"; a later result's says it under the table (hsub pass).
INTERVAL_NOTE_UNTIL = "0.11.0"

#: The last release whose ROC caption prints 'AUC 0.74 (95% CI 0.51 – 0.98)' in the Korean
#: text too; a later result's says '(95% 신뢰구간 ...)' as the tables do (korean2-pass).
AUC_CI_WORDS_UNTIL = "0.10.0"


def alternative_section(result: Result, level: str) -> Section:
    """The metrics under the failure policy the protocol did not choose (a sensitivity
    analysis), with the policy's note."""
    failures = result.failures
    alternative = failures.alternative
    assert alternative is not None
    key, params = _failures_note(result)
    figures = Msg("text.precheck_figures" if result.precheck and made_after(
        result, PRECHECK_FIGURES_UNTIL) else "text.certified_figures")
    note = Msg(key, (*params, ("figures", figures)))
    title = ("text.alternative_policy_exclude" if alternative.policy == "exclude"
             else "text.alternative_policy_worst")
    return Section(0, Msg("section.alternative"), (
        Para(note, "note"),
        Para(Msg(title), "mark"),
        Table(_metric_header(level), _metric_rows(alternative.metrics, result),
              _METRIC_WIDTHS, numeric=(1, 2, 4)),
    ))


#: The last release whose pre-check reports say the failed cases were counted "in the
#: certified figures" (인증 수치) above the other policy's table: a pre-check certifies
#: nothing; a later result's say "in the main results" (주 결과).
PRECHECK_FIGURES_UNTIL = "0.11.0"


def _failures_note(result: Result) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The key (and its parameters but the figures') of the note above the other
    policy's table: how the failed cases were counted in the main results."""
    failures = result.failures
    worst = failures.policy == "worst-case"
    if worst and (distance := _worst_distance(result)):
        return "text.failures_worst_distance", (("distance", distance),)
    if worst and _failed_time_counted(result):
        return "text.failures_worst_eeg-events_time_counted", ()  # a result made so
    if worst and _failed_cases_counted(result):
        unit = "frames" if result.task == "coco-detection" else "cases"
        return f"text.failures_worst_{result.task}_{unit}_counted", ()  # a result made so
    if worst and result.task == "detection" and made_after(
            result, CASE_AUC_AS_UNDETECTED_UNTIL):
        return "text.failures_worst_detection_ranked", ()
    if worst and (_own_worst_case(result) or (
            result.task == "measurement"
            and made_after(result, MEASUREMENT_FAILURES_UNTIL))):
        return f"text.failures_worst_{result.task}", ()
    return ("text.failures_worst" if worst else "text.failures_exclude"), ()


_SUBGROUP_METRICS = 5

#: The last release whose subgroup tables print the cases analysed alone, each value in
#: the result's order (the JSON's, sorted as text): a later result's prints the patients
#: (where clustered) and failed cases of each subgroup, a proportion's numerator and
#: denominator under its interval, and the values in the result's order
#: (:mod:`medeval.subgroup_order`); and a metric judged by two criteria in one column,
#: not two.
SUBGROUP_COUNTS_UNTIL = "0.11.0"


def _count_parts(result: Result) -> tuple[str, ...]:
    """What a later result's subgroup tables count beside the cases: its patients where
    its intervals rest on patients, its failed cases where a case failed (the same for
    every subgroup of a result, so that the header names them once)."""
    if not made_after(result, SUBGROUP_COUNTS_UNTIL) or any(
            g.n_patients is None or g.n_failed is None for g in result.subgroups):
        return ()
    parts: tuple[str, ...] = (
        ("patients",) if result.parameters.statistics.resampling_unit == "patient" else ())
    if result.failures.n_failed > 0:
        # a measurement's failed cases stay among its cases under either policy (its
        # completion rate counts them)
        among = result.failures.policy == "worst-case" or result.task == "measurement"
        parts += ("failed_among" if among else "failed_excluded",)
    return parts


def _count_header(result: Result, parts: Sequence[str]) -> Cell:
    """The count column's heading, naming each number of its cells in their order
    ("Cases analysed / patients / failed, excluded")."""
    cases = Msg("column.count_analysed" if failed_left_out(result) else "column.count")
    if not parts:
        return cases
    return Msg(f"column.subgroup_counts_{len(parts) + 1}",
               tuple(zip(("first", "second", "third"),
                         (cases, *(Msg(f"column.subgroup_{part}") for part in parts)))))


def _subgroup_count(group: Subgroup, parts: Sequence[str]) -> str:
    """A subgroup's counts as its table prints them, numbers only in the order its
    heading names them ("14 / 7 / 3"): the same in either language, so that a
    bilingual certificate does not print them twice."""
    numbers = {"patients": group.n_patients, "failed_among": group.n_failed,
               "failed_excluded": group.n_failed}
    return " / ".join(str(n) for n in (group.n_cases, *(numbers[p] for p in parts)))


def _subgroup_figure(metric: MetricRecord | None, fraction: bool) -> Cell:
    """A subgroup's figure: estimate, interval and, with ``fraction``, a proportion's
    numerator/denominator ("45/50") under them."""
    estimate = _estimate(metric)
    if isinstance(estimate, Msg):
        return estimate
    text = f"{estimate}\n({_ci(metric)})"
    if fraction and metric is not None and metric.estimate.numerator is not None:
        text += f"\n{_n(metric)}"
    return text


def _subgroup_table(result: Result, column: str, names: Sequence[str],
                    shown: list[MetricRecord | None]) -> Table:
    """One subgroup column's table of ``names`` (estimate and interval per group)."""
    fraction = made_after(result, SUBGROUP_COUNTS_UNTIL)
    parts = _count_parts(result)
    header: list[Cell] = [subgroup_heading(result, column),
                          _count_header(result, parts)]
    whole = _by_name(result.metrics)  # the definition, as the results table names it
    header += [_metric_name(n, whole[n].definition if n in whole else None, result=result)
               for n in names]
    rows = []
    for group in (g for g in result.subgroups if g.column == column):
        row: list[Cell] = [_group_value(group.value), _subgroup_count(group, parts)]
        metrics = _by_name(group.metrics)
        for name in names:
            metric = metrics.get(name)
            shown.append(metric)
            row.append(_subgroup_figure(metric, fraction))
        rows.append(tuple(row))
    # a later result's counts ("14 / 7 / 3") take a wider column, as the intervals of 5
    # metrics still keep to one line each
    widths = ((1.3, 1.5) + (2.1,) * len(names)) if parts else (
        (1.6, 0.8) + (2.2,) * len(names))
    return Table(tuple(header), tuple(rows), widths, numeric=tuple(range(1, len(header))))


def subgroups_section(result: Result, level: str) -> Section:
    """Each subgroup column's table: the judged metrics (or the first three) per value."""
    names = [v.metric for v in result.verdicts] or [m.name for m in result.metrics][:3]
    if made_after(result, SUBGROUP_COUNTS_UNTIL):
        names = list(dict.fromkeys(names))  # a metric of two criteria: one column
    blocks: list[Block] = []
    shown: list[MetricRecord | None] = []
    # at most _SUBGROUP_METRICS metrics a table, so that a column keeps "(0.0945 – 0.9055)"
    # on one line and the subgroup's name is not cut letter by letter (12 criteria did)
    chunks = [names[i:i + _SUBGROUP_METRICS] for i in range(0, len(names), _SUBGROUP_METRICS)]
    for column in dict.fromkeys(g.column for g in result.subgroups):
        for chunk in chunks:
            blocks.append(_subgroup_table(result, column, chunk, shown))
    blocks.append(Para(_m("column.ci", level=level), "note"))
    blocks += _undefined_note(shown)
    if made_after(result, INTERVAL_NOTE_UNTIL):
        blocks += _interval_undefined_note(shown)
    return Section(0, Msg("section.subgroups"), tuple(blocks))
