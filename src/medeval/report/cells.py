"""How the certificate prints what it takes from the result: a metric's name, a number,
an estimate, an interval, a method, a goal, a date — one cell each, as catalogue keys
(:class:`~medeval.report.catalogue.Msg`) or formatted text. Used by
:mod:`medeval.report.content`.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

from ..definitions import DEFINITIONS
from ..result import MetricRecord, Result
from .blocks import Block, Cell, Para
from .catalogue import Msg, catalogue
from .made_by import made_after
from .multilabel import TASK as LABEL_TASK
from .multilabel import label_figure_name

__all__ = ["BESIDE_GOAL_UNTIL", "GUARDED_SIDES_UNTIL", "beside_goal", "by_name",
           "ci_beside_goal", "ci_text", "date_text", "decision_rule_text", "estimate_cell",
           "goal_text", "group_value", "known", "level_text", "message", "method_cell",
           "metric_name", "n_text", "number_label", "number_text", "ordinal", "own_text",
           "or_none", "interval_undefined_note", "subgroup_heading", "undefined_note",
           "value_of"]


def message(key: str, **params: Any) -> Msg:
    """A catalogue phrase with its parameters (each as text)."""
    return Msg(key, tuple((k, str(v)) for k, v in params.items()))


#: The last release whose certificates head a subgroup column's table "{column}별" in
#: Korean: a column named 성별 (sex) read "성별별", 지역별 "지역별별"; a later result's read
#: "하위군: 성별" whatever the column's name ends with (English "By {column}" as before).
SUBGROUP_HEADING_UNTIL = "0.11.0"


def subgroup_heading(result: Result, column: str) -> Msg:
    """The heading of a subgroup column's values (§4's counts, the subgroup results)."""
    named = made_after(result, SUBGROUP_HEADING_UNTIL)
    return message("text.subgroup_column_named" if named else "text.subgroup_column",
                   column=column)


def known(key: str, fallback: str) -> Cell:
    """The catalogue phrase if both catalogues have it, else the fallback text."""
    if key in catalogue("en") and key in catalogue("ko"):
        return Msg(key)
    return fallback


def metric_name(name: str, definition: str | None = None, *,
                result: Result | None = None) -> Cell:
    """A metric's name in the catalogues; ``base@param`` from a ``metric_param`` template
    (``froc_sensitivity@0.5``); else the definition's English name, else the name. A
    ``definition`` that refines the name (``name@...``) and has a name of its own in both
    catalogues names it instead (the multi-class ``cohen_kappa`` under quadratic weights,
    ``cohen_kappa@quadratic``). Given the ``result``, a template may be worded for it
    (:func:`_worded_for`); a multi-label result's figures are of a label
    (:func:`~medeval.report.multilabel.label_figure_name`)."""
    if result is not None and result.task == LABEL_TASK and (
            named := label_figure_name(name)) is not None:
        return named
    if (of_label := _mask_label_name(name, definition, result)) is not None:
        return of_label
    if definition is not None and definition.startswith(f"{name}@") and all(
            f"metric.{definition}" in catalogue(lang) for lang in ("en", "ko")) and (
            result is None or made_after(result, DEFINITION_NAME_UNTIL)):
        return Msg(f"metric.{definition}")
    if (hd := _hd_name(name, definition, result)) is not None:
        return hd
    base, at, param = name.partition("@")
    key = f"metric_param.{base}"
    if f"metric.{name}" not in catalogue("en") and at and key in catalogue("en") \
            and key in catalogue("ko"):
        return message(_worded_for(key, param, result), param=param)
    written = DEFINITIONS.get(name)
    return known(f"metric.{name}", written.name if written else name)


#: The last release whose certificates print a segmentation figure of one label of several
#: by its id (``label1:dice``, ``label1:hd95@max-directed``, broken across lines in a
#: narrow column); a later result's read "Dice coefficient of label 1".
MASK_LABELS_NAMED_UNTIL = "0.11.0"

_MASK_LABEL = re.compile(r"label(?P<label>-?\d+):(?P<figure>.+)")


def _mask_label_name(name: str, definition: str | None, result: Result | None) -> Msg | None:
    """The name of a segmentation figure of one label (``label<k>:<figure>``, the task's
    figures where the protocol scores several labels): the figure's own name, of label k,
    for a result made after :data:`MASK_LABELS_NAMED_UNTIL`; else None.

    >>> from types import SimpleNamespace as N
    >>> later = N(task="segmentation", parameters=N(medeval="0.12.0"))
    >>> _mask_label_name("label2:dice", "dice", later)
    Msg(key='metric_mask_label.figure', params=(('name', Msg(key='metric.dice', params=())), \
('label', '2')))
    >>> _mask_label_name("dice", "dice", later) is None
    True
    """
    if result is None or result.task != "segmentation" or \
            not made_after(result, MASK_LABELS_NAMED_UNTIL):
        return None
    match = _MASK_LABEL.fullmatch(name)
    if match is None:
        return None
    figure = match["figure"]
    inner = metric_name(figure, definition if definition != name else None, result=result)
    return Msg("metric_mask_label.figure", (("name", inner), ("label", match["label"])))


#: The last release whose certificates print a Hausdorff figure at a protocol's
#: ``hd_percentile`` other than 95 by its id (``hd90@max-directed``) where hd95's reads
#: "95th percentile Hausdorff distance"; a later result's name it so at its percentile.
HD_NAMED_UNTIL = "0.11.0"

_HD_AT = re.compile(r"hd(?P<q>\d+(?:\.\d+)?)@(?P<variant>max-directed|pooled)")


def _hd_name(name: str, definition: str | None, result: Result | None) -> Msg | None:
    """The name of ``hd<q>@max-directed`` or ``hd<q>@pooled`` (hd95's definition at the
    protocol's ``hd_percentile``, q other than 95), for a result made after
    :data:`HD_NAMED_UNTIL`; else None.

    >>> from types import SimpleNamespace as N
    >>> made = N(parameters=N(medeval="0.12.0"))
    >>> _hd_name("hd92@pooled", "hd95@pooled", made).params  # type: ignore[union-attr]
    (('percentile', '92'), ('nth', '92nd'))
    >>> _hd_name("hd95@pooled", "hd95@pooled", made) is None
    True
    """
    match = _HD_AT.fullmatch(name)
    if match is None or match["q"] == "95" or result is None or definition not in (
            None, f"hd95@{match['variant']}") or not made_after(result, HD_NAMED_UNTIL):
        return None
    q = match["q"]
    return message(f"metric_hd.{match['variant']}", percentile=q, nth=ordinal(q))


def ordinal(number: str) -> str:
    """An English ordinal: 1st, 2nd, 3rd, 11th, 12th, 13th, 21st, 90th, 99.5th."""
    if not number.isdigit() or int(number) % 100 in (11, 12, 13):
        return f"{number}th"
    return number + {1: "st", 2: "nd", 3: "rd"}.get(int(number) % 10, "th")


#: The last release whose certificates named a weighted kappa "Cohen's kappa" (a metric
#: by its name, not its refining definition); a result it made renders so still.
DEFINITION_NAME_UNTIL = "0.7.0"

#: The last release whose certificates name the interval methods of the methods line and
#: a reader study's covariance by their ids ('비율: wilson; AUC: delong; 부트스트랩:
#: percentile', '판독자 AUC의 jackknife 공분산' in the Korean text); found in the
#: korean2-pass.
METHOD_NAMES_UNTIL = "0.10.0"

#: The last release whose certificates name FROC sensitivities "at 1 false positives per
#: case" whatever the task; a result it made renders so still (:mod:`.made_by`).
FROC_WORDING_UNTIL = "0.7.0"


def _worded_for(key: str, param: str, result: Result | None) -> str:
    """A ``metric_param`` key as worded for the result: the FROC sensitivity of a
    ``coco-detection`` result is at false positives per frame (its cases are frames, as
    its failure policy and notes say), and at 1 false positive, singular. Results made by
    medeval 0.7.0 or before keep the wording their certificates were issued with."""
    if result is None or not made_after(result, FROC_WORDING_UNTIL):
        return key
    worded = key + ("_frame" if result.task == "coco-detection" else "") + (
        "_one" if param == "1" else "")
    return worded if all(worded in catalogue(lang) for lang in ("en", "ko")) else key


def number_text(value: Any, unit: str = "1") -> str:
    """A number as printed: 4 decimals for ratios, 2 for quantities with a unit."""
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return f"{value:.4f}" if unit == "1" else f"{value:.2f}"


def goal_text(value: Any, unit: str = "1") -> str:
    """A criterion's goal as the protocol fixed it: like a number, with more decimals
    where those would round it (a goal of 0.99995 is not printed as 1.0000)."""
    printed = number_text(value, unit)
    if isinstance(value, float) and math.isfinite(value) and float(printed) != value:
        return repr(value)
    return printed


def level_text(result: Result) -> str:
    """The result's confidence level as printed (95%)."""
    return f"{result.confidence * 100:g}%"


def n_text(metric: MetricRecord | None) -> str:
    """A metric's n as printed: numerator/denominator for a proportion."""
    if metric is None:
        return ""
    est = metric.estimate
    return f"{est.numerator}/{est.n}" if est.numerator is not None else str(est.n)


def estimate_cell(metric: MetricRecord | None) -> Cell:
    """A metric's estimate as printed; "undefined" in words where it has none."""
    if metric is None or math.isnan(metric.estimate.value):
        return Msg("text.undefined")
    return number_text(metric.estimate.value, metric.unit)


def ci_text(metric: MetricRecord | None) -> str:
    """The interval as printed: a bound that is undefined is a dash, not "NaN"."""
    if metric is None:
        return "—"
    low, high = metric.estimate.low, metric.estimate.high
    if math.isnan(low) and math.isnan(high):
        return "—"
    return " – ".join("—" if math.isnan(b) else number_text(b, metric.unit) for b in (low, high))


def beside_goal(value: float, goal: float, unit: str = "1") -> str:
    """``value`` as :func:`number_text` prints it, with as many more decimals as it takes
    to stand on its own side of ``goal`` (or on it): a lower bound of 0.899996 printed
    "0.9000" beside a goal of "0.9000" would read as meeting it, under an INCONCLUSIVE.

    Examples
    --------
    >>> beside_goal(0.899996, 0.9), beside_goal(0.912345, 0.9), beside_goal(0.99995, 0.99995)
    ('0.899996', '0.9123', '0.99995')
    """
    printed = number_text(value, unit)
    if not isinstance(value, float) or not math.isfinite(value):
        return printed
    decimals = 4 if unit == "1" else 2
    while _side(float(printed), goal) != _side(value, goal) and decimals < 17:
        decimals += 1
        printed = f"{value:.{decimals}f}"
    # a value within 1e-17 of a goal near 0 (floating-point noise beside a goal of 0)
    # shows its side only in Python's shortest round-trip form, 1e-20
    return printed if _side(float(printed), goal) == _side(value, goal) else repr(value)


def _side(value: float, goal: float) -> int:
    return (value > goal) - (value < goal)


def ci_beside_goal(metric: MetricRecord | None, goal: float) -> str:
    """:func:`ci_text`, each bound printed on its own side of ``goal``
    (:func:`beside_goal`)."""
    if metric is None:
        return "—"
    low, high = metric.estimate.low, metric.estimate.high
    if math.isnan(low) and math.isnan(high):
        return "—"
    return " – ".join("—" if math.isnan(b) else beside_goal(b, goal, metric.unit)
                      for b in (low, high))


def undefined_note(metrics: Iterable[MetricRecord | None]) -> list[Block]:
    """The note that says what "undefined" means, where a table shows it."""
    if any(m is None or math.isnan(m.estimate.value) for m in metrics):
        return [Para(Msg("text.undefined_note"), "note")]
    return []


def interval_undefined_note(metrics: Iterable[MetricRecord | None]) -> list[Block]:
    """The note that says what a dash for an interval means beside a value (a subgroup's
    cases all of one patient: its sensitivity 1.0000, its interval "—")."""
    if any(m is not None and not math.isnan(m.estimate.value)
           and (math.isnan(m.estimate.low) or math.isnan(m.estimate.high)) for m in metrics):
        return [Para(Msg("text.interval_undefined_note"), "note")]
    return []


def method_cell(metric: MetricRecord) -> Cell:
    """The name of a metric's interval method, in the catalogues or as recorded."""
    return known(f"method.{metric.estimate.method}", metric.estimate.method)


def or_none(value: Any) -> Cell:
    """A value as text, or "not given" in words."""
    return str(value) if value not in (None, "") else Msg("text.not_given")


def date_text(iso: Any) -> str:
    """The UTC day of an ISO timestamp (the runner writes UTC, ``+00:00``; another
    offset is converted; a timestamp without one is taken as written).

    Examples
    --------
    >>> date_text("2026-12-01T08:30:00+09:00")  # 23:30 UTC the day before
    '2026-11-30'
    """
    if not iso:
        return ""
    try:
        moment = datetime.datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso)[:10]
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc)
    return moment.date().isoformat()


def by_name(metrics: Sequence[MetricRecord]) -> dict[str, MetricRecord]:
    """Metrics by their names."""
    return {m.name: m for m in metrics}


def value_of(metric: MetricRecord | None, field: str = "value") -> float:
    """A field of a metric's estimate (NaN without the metric)."""
    return math.nan if metric is None else float(getattr(metric.estimate, field))


def group_value(value: str) -> Cell:
    """A subgroup's value as printed: the cases whose column is blank in the manifest are
    named so, not by an empty cell (a row of counts and figures without a name)."""
    return value if value.strip() else Msg("text.subgroup_blank")


def number_label(precheck: bool) -> Msg:
    """The report number's label: a certificate's (시험성적서's "성적서 번호"), or a pre-check
    report's ("보고서 번호": a pre-check is no certificate, and says so everywhere)."""
    return Msg("doc.report_number_precheck" if precheck else "doc.report_number")


def own_text(key: str, precheck: bool, **params: Any) -> Msg:
    """A sentence that names the document itself: a certificate's (Korean 이 성적서), or
    a pre-check report's (``<key>_precheck``: 이 보고서, REPORT.pdf), as
    :func:`number_label` names its number."""
    return message(f"{key}_precheck" if precheck else key, **params)


def decision_rule_text(result: Result, rule: str, level: str) -> Msg:
    """The decision rule as printed. For a result made after medeval 0.8.0 whose judged
    figures all have two-sided intervals, the guarded rule says that its bound is one side
    of the two-sided interval, a one-sided bound at the level 1 − (1 − c)/2 (97.5% for
    95%): "the 95% confidence bound" read as a one-sided 95% bound, a test at 5% where
    the rule tests at 2.5%. A result made before keeps its certificate's words."""
    figures = by_name(result.metrics)
    if rule == "guarded" and made_after(result, GUARDED_SIDES_UNTIL) and all(
            (m := figures.get(v.metric)) is None or m.estimate.sided == "two"
            for v in result.verdicts if v.rule == rule):
        return message("text.decision_rule_guarded_two_sided", level=level,
                       one_sided=f"{(1 + result.confidence) / 2 * 100:g}%")
    return message(f"text.decision_rule_{rule}", level=level)


#: The last release whose criteria table prints every estimate and bound with 4 decimals
#: (2 with a unit), so that a lower bound of 0.899996 read "0.9000" beside a goal of
#: "0.9000" under INCONCLUSIVE; a later result's prints the digits that show its side.
BESIDE_GOAL_UNTIL = "0.8.0"

#: The last release whose certificates word the guarded rule's bound as "the 95%
#: confidence bound", not saying that it is one side of a two-sided interval.
GUARDED_SIDES_UNTIL = "0.8.0"

#: The last release whose certificates print a missing protocol SHA-256 (a result of two
#: tables evaluated without a protocol file) as Python's ``None``; a later result's
#: prints "—", as any other field without a value.
NO_PROTOCOL_DIGEST_UNTIL = "0.9.0"


def protocol_digest_text(result: Result) -> str:
    """The protocol file's SHA-256 as printed: "—" where the result has none (made
    after :data:`NO_PROTOCOL_DIGEST_UNTIL`), ``None`` in a result of that release or
    before, as issued."""
    digest = result.protocol.sha256
    if digest is None and made_after(result, NO_PROTOCOL_DIGEST_UNTIL):
        return "—"
    return str(digest)
