"""What a ``multilabel-classification`` result prints otherwise than a multi-class one:
its figures are of a label, not a class (``sensitivity@MI`` is "Sensitivity of label MI",
``auc@macro`` the macro average over labels, not one-vs-rest); its set's composition
counts each case under every label it carries, with the number of cases, since a case may
carry several (a list of label combinations would hide how many cases carry MI); and its
per-label counts (the task's ``label_confusion`` table) are printed, as a multi-class
result's confusion matrix is.

Only a result of this task reaches these functions (the task is new: no certificate of
another task, nor any issued before it, prints otherwise). Used by
:mod:`medeval.report.cells`, :mod:`medeval.report.content` and
:mod:`medeval.report.results`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from ..result import Result
from .blocks import Block, Cell, Para, Table
from .catalogue import Msg, catalogue

__all__ = ["TASK", "label_composition", "label_confusion_blocks", "label_figure_name",
           "label_order"]

#: The task type whose results these functions print.
TASK = "multilabel-classification"


def _in_both(key: str) -> bool:
    return all(key in catalogue(lang) for lang in ("en", "ko"))


def label_figure_name(name: str) -> Cell | None:
    """A multi-label figure's name in the catalogues (``metric_label.auc@macro``, a
    ``metric_label_param`` template for ``sensitivity@MI``), or None where the figure is
    named as any other (``hamming_loss``, in ``[metric]``).

    >>> label_figure_name("sensitivity@MI")
    Msg(key='metric_label_param.sensitivity', params=(('param', 'MI'),))
    >>> label_figure_name("auc@macro")
    Msg(key='metric_label.auc@macro', params=())
    >>> label_figure_name("hamming_loss") is None
    True
    """
    if _in_both(f"metric_label.{name}"):
        return Msg(f"metric_label.{name}")
    base, at, param = name.partition("@")
    if at and _in_both(f"metric_label_param.{base}"):
        return Msg(f"metric_label_param.{base}", (("param", param),))
    return None


def _labels(result: Result) -> list[str]:
    table = result.tables.get("label_confusion")
    labels = table.get("labels") if isinstance(table, Mapping) else None
    return [str(label) for label in labels or result.parameters.task.get("labels") or ()]


def label_order(result: Result) -> dict[str, int]:
    """Each label's place in the protocol (the order the figures of a label follow)."""
    return {label: i for i, label in enumerate(_labels(result))}


def label_composition(result: Result) -> Table | None:
    """The set's composition: the cases carrying each label, in the protocol's order, those
    carrying none (where any does), and the cases in total; the header says that a case is
    counted under each label it carries."""
    if not result.cases or "reference" not in result.case_columns:
        return None
    separator = str(result.parameters.task.get("reference_separator", ";"))
    carried: Counter[str] = Counter()
    none = 0
    for case in result.cases:
        cell = str(case.get("reference") or "")
        labels = {part for part in cell.split(separator) if part} if cell else set()
        carried.update(labels)
        none += not labels
    rows: list[tuple[Cell, ...]] = [(label, str(carried[label])) for label in _labels(result)]
    if none:
        rows.append((Msg("text.multilabel_no_label"), str(none)))
    rows.append((Msg("text.multilabel_cases_total"), str(len(result.cases))))
    return Table((Msg("field.composition_labels"), Msg("column.count")), tuple(rows),
                 (3, 1), numeric=(1,), span=0.5)


def label_confusion_blocks(tables: Mapping[str, Any]) -> list[Block]:
    """The task's ``label_confusion`` table: for each label, its true and false positives
    and negatives at its threshold over the cases analysed, under a note saying so."""
    table = tables.get("label_confusion")
    if not isinstance(table, Mapping) or not {"labels", "counts"} <= set(table):
        return []
    keys = ("tp", "fp", "fn", "tn")
    rows = tuple((str(label), *(str(int(counts[k])) for k in keys), str(
        sum(int(counts[k]) for k in keys)))
        for label, counts in zip(table["labels"], table["counts"]))
    header: tuple[Cell, ...] = (Msg("column.label"), *(Msg(f"column.label_{k}") for k in keys),
                                Msg("column.count_analysed"))
    return [Para(Msg("text.multilabel_matrix"), "note"),
            Table(header, rows, (1.6, 1.0, 1.0, 1.0, 1.0, 1.2), numeric=(1, 2, 3, 4, 5))]
