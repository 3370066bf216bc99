"""Multi-class classification: one label per case among the protocol's labels.

The manifest's ``reference`` is the label; the prediction is ``<case_id>.json`` holding
the label, or ``{"label": ...}``. Reported: accuracy (a proportion with the protocol's
interval method), each class's sensitivity (``sensitivity@<label>``, a proportion
with the same interval), with ``referable_from`` the sensitivity and specificity of the
split at that class (``referable_sensitivity@<label>``, ``referable_specificity@<label>``),
with ``within_classes = n`` the accuracy within n classes (``accuracy_within@<n>``),
sensitivity, PPV and F1 averaged ``macro``, ``micro`` and ``weighted`` over the classes,
and Cohen's kappa with the protocol's weights — the averages and kappa with bootstrap
intervals. With ``probabilities = true`` each prediction also gives the class
probabilities (:mod:`._class_probabilities`), and the task reports their AUCs
(:mod:`._class_aucs`): each class's one-vs-rest ``auc@<label>``, their mean
``auc@macro`` and, with ``referable_from``, ``referable_auc@<label>``. The label counts
for the label figures, the probabilities for the AUCs; a prediction without a label is
its most probable class.

Failure policy ``worst-case``: a failed case gets the answer "none", an extra column of
the confusion matrix that matches no class — it counts against its true class
(a false negative, never a true positive) and against agreement: for weighted kappa its
weight is that of the scale's two ends, k - 1 (linear) or (k - 1)^2 (quadratic) for k
labels, whatever its true class (more than any answer could cost a grade in the middle).
For the AUCs it ranks wrongly: below every case for its own class, above every case for
the others (and for the referable AUC on the wrong side of the split).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..manifest import Case, nfc_id
from ._class_aucs import class_auc_figures
from ._class_averages import ClassAverageStatistic, exact_class_figures, kappa_weight_matrix
from ._class_probabilities import most_probable, prediction_probabilities, probability_column
from ._json_numbers import shown_value
from ._scalar_json import read_json_prediction
from .base import (
    Aggregate,
    CaseRow,
    PredictionError,
    TaskType,
    bootstrap_estimate,
    metric_record,
    proportion_estimate,
)

__all__ = ["MulticlassClassification", "multiclass_statistics"]

_AVERAGES = ("macro", "micro", "weighted")
_RATIOS = ("sensitivity", "ppv", "f1")


def multiclass_statistics(counts: NDArray[np.float64], kappa_weights: str) -> dict[str, Any]:
    r"""Averaged ratios and kappa from confusion counts, for many resamples at once.

    ``counts`` has shape (b, K, K + 1): rows the true class, columns the predicted class
    and a last column for "no answer". With per-class one-vs-rest counts
    :math:`TP_k = C_{kk}`, :math:`FN_k = \sum_j C_{kj} - TP_k`,
    :math:`FP_k = \sum_{i} C_{ik} - TP_k`:

    - macro: the unweighted mean of the class values (NaN if any class is undefined);
    - micro: the ratio of the summed counts;
    - weighted: the mean weighted by each class's number of reference cases;
    - kappa: :math:`1 - \sum w O / \sum w E` with :math:`E_{ij} = r_i c_j / n`.

    Returns a dict name -> array of shape (b,).
    """
    k = counts.shape[1]
    tp = np.einsum("bkk->bk", counts[:, :, :k])
    support = counts.sum(axis=2)
    predicted = counts[:, :, :k].sum(axis=1)
    fn, fp = support - tp, predicted - tp
    out: dict[str, Any] = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        per_class = {
            "sensitivity": (tp, tp + fn),
            "ppv": (tp, tp + fp),
            "f1": (2 * tp, 2 * tp + fp + fn),
        }
        weight = support / support.sum(axis=1, keepdims=True)
        for name, (num, den) in per_class.items():
            value = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
            out[f"{name}@macro"] = value.mean(axis=1)
            out[f"{name}@micro"] = num.sum(axis=1) / den.sum(axis=1)
            weighted = np.where(weight > 0, value, 0.0)
            has_nan = np.isnan(value) & (weight > 0)
            out[f"{name}@weighted"] = np.where(has_nan.any(axis=1), np.nan,
                                               (weighted * weight).sum(axis=1))
        w = kappa_weight_matrix(k, kappa_weights).astype(float)
        n = counts.sum(axis=(1, 2))
        rows, cols = counts.sum(axis=2), counts.sum(axis=1)
        expected = rows[:, :, None] * cols[:, None, :] / n[:, None, None]
        observed_w = (w * counts).sum(axis=(1, 2))
        expected_w = (w * expected).sum(axis=(1, 2))
        out["cohen_kappa"] = np.where(expected_w > 0, 1 - observed_w / expected_w, np.nan)
    return out


def _several_labels(reference: str, index: dict[str, int]) -> str:
    """A hint when a refused reference joins two or more declared labels (PTB-XL's
    ``STTC;CD``): one case has one class here; empty otherwise.

    >>> _several_labels("STTC;CD", {"NORM": 0, "STTC": 1, "CD": 2})
    "; it names 2 of them ('STTC', 'CD'): a case has one class in this task; a set whose \
cases carry several labels is evaluated by a multilabel-classification protocol (a case's \
labels joined by its reference_separator, ';' unless set; docs/ecg-records.md)"
    >>> _several_labels("STTC;XX", {"STTC": 1, "CD": 2})
    ''
    """
    for separator in (r"\s*[;,|/+&]\s*", r"\s+"):
        parts = [nfc_id(p) for p in re.split(separator, reference.strip()) if p]
        if len(set(parts)) > 1 and all(p in index for p in parts):
            shown = ", ".join(repr(p) for p in dict.fromkeys(parts))
            return (f"; it names {len(set(parts))} of them ({shown}): a case has one class in "
                    "this task; a set whose cases carry several labels is evaluated by a "
                    "multilabel-classification protocol (a case's labels joined by its "
                    "reference_separator, ';' unless set; docs/ecg-records.md)")
    return ""


def _whole_number(reference: str, index: dict[str, int]) -> str:
    """A hint when a refused reference is a declared label written as a decimal (``3.0``
    for grade 3: pandas writes an integer column holding an empty cell so); empty
    otherwise. Not read as the label: a reference is the set's, written as declared.

    >>> _whole_number("3.0", {"1": 0, "3": 1})
    "; it is 3 written as a decimal (a column saved as decimals?): write '3'"
    >>> _whole_number("3.5", {"3": 0}), _whole_number("G3", {"3": 0})
    ('', '')
    """
    try:
        number = float(reference.strip())
    except ValueError:
        return ""
    if not (number.is_integer() and str(int(number)) in index):
        return ""
    return (f"; it is {int(number)} written as a decimal (a column saved as decimals?): "
            f"write '{int(number)}'")


def _not_a_label(case: Case, value: dict[str, Any] | list[Any], labels: list[str]) -> str:
    """What a prediction without a label holds (class probabilities, most often), and what
    the task reads instead."""
    if isinstance(value, dict):
        keys = ", ".join(json.dumps(str(k), ensure_ascii=False) for k in list(value)[:10])
        held = f"has no \"label\" (its keys: {keys or 'none'})"
    else:
        held = f"is a list of {len(value)} value(s), not a label"
    return (f"case {case.case_id}: the prediction {held}; the task scores one predicted "
            f"label per case, {{\"label\": \"{labels[0]}\"}} (one of {labels}), and reads "
            "no class probabilities unless [task] says probabilities = true: give the class "
            "the algorithm predicts")


class MulticlassClassification(TaskType):
    """The ``multiclass-classification`` task type behind :func:`medeval.evaluate`."""

    type = "multiclass-classification"
    reference_kind = "label"
    scores_values = True
    case_columns: tuple[str, ...] = ("reference", "prediction", "correct")

    def __init__(self, spec: Any, statistics: Any, failures: Any = None) -> None:
        self.spec = spec
        self.statistics = statistics
        # labels compared in NFC, as ids are: '악성' typed on Windows (NFC) and taken from
        # a macOS folder name (NFD) print alike and are one class
        self.labels = [nfc_id(str(label)) for label in spec.labels]
        self.index = {label: i for i, label in enumerate(self.labels)}
        given = getattr(spec, "referable_from", None)
        self.referable = None if given is None else self.index[nfc_id(str(given))]
        self.probabilities = bool(getattr(spec, "probabilities", False))
        if self.probabilities:  # each class's probability, a column of the per-case table
            self.case_columns = (*self.case_columns,
                                 *(probability_column(label) for label in self.labels))

    def reference_problem(self, case: Case, root: Path) -> str | None:
        """A message when the case's reference is not a declared label."""
        if nfc_id(case.reference.strip()) not in self.index:
            return (f"case {case.case_id} (line {case.line}): reference {case.reference!r} is "
                    f"not a declared label {self.labels}"
                    f"{_several_labels(case.reference, self.index)}"
                    f"{_whole_number(case.reference, self.index)}")
        return None

    def score_case(self, case: Case, root: Path, predictions: Path) -> dict[str, Any]:
        """Read the predicted label."""
        return self.score_value(case, read_json_prediction(case, predictions))

    def score_value(self, case: Case, value: Any) -> dict[str, Any]:
        """The predicted label (or ``{"label": label}``) against the reference; with
        ``probabilities``, ``{"label": ..., "probabilities": {...}}`` (the label optional)."""
        probabilities = prediction_probabilities(
            case, value, self.labels, tolerance=self.spec.probability_sum_tolerance
        ) if self.probabilities else None
        if probabilities is not None and "label" not in value:
            value = most_probable(probabilities, self.labels)
        elif isinstance(value, dict) and "label" not in value or isinstance(value, list):
            raise PredictionError(_not_a_label(case, value, self.labels))
        if isinstance(value, dict):
            value = value["label"]
        if isinstance(value, float) and math.isnan(value):  # not the word 'nan'
            raise PredictionError(
                f"case {case.case_id}: no predicted label (an empty cell of the predictions "
                f"table, or NaN); give the class the algorithm predicts, one of {self.labels}")
        if isinstance(value, float) and value.is_integer() and str(value) not in self.index \
                and str(int(value)) in self.index:
            value = int(value)  # 2.0 (numpy's float, json.dumps(float(grade))): grade 2, as a
            # predictions table's 2.0 is read (medeval.prediction_tables); else as written
        if isinstance(value, bool) or value is None or nfc_id(str(value)) not in self.index:
            spaced = isinstance(value, str) and nfc_id(value.strip()) in self.index
            # 'g3' for G3 (a table typed or lower-cased by hand): said, not matched
            cased = [label for label in self.index if isinstance(value, str) and not spaced
                     and nfc_id(value.strip()).casefold() == label.casefold()]
            raise PredictionError(
                f"case {case.case_id}: predicted label {shown_value(value)} is not one of "
                f"{self.labels}"
                + (f" (it is {value.strip()!r} with spaces around it: labels are compared "
                   "as written)" if spaced else "")
                + (f" (it is {cased[0]!r} in other letter case: labels are compared as "
                   "written)" if cased else ""))
        reference, predicted = nfc_id(case.reference.strip()), nfc_id(str(value))
        return {"reference": reference, "prediction": predicted,
                "correct": predicted == reference,
                **dict(zip(self.case_columns[3:], probabilities or ()))}

    def failed_values(self, case: Case, root: Path) -> dict[str, Any]:
        """No answer (see the module documentation)."""
        return {"reference": nfc_id(case.reference.strip()), "prediction": None,
                "correct": False, **dict.fromkeys(self.case_columns[3:])}

    def aggregate(self, rows: Sequence[CaseRow], *, clusters: Sequence[str] | None) -> Aggregate:
        """Accuracy with a proportion interval; averages and kappa with the bootstrap."""
        st, k = self.statistics, len(self.labels)
        truth = np.array([self.index[r.values["reference"]] for r in rows], dtype=np.intp)
        pred = np.array([self.index.get(r.values["prediction"], k) if r.values["prediction"]
                         is not None else k for r in rows], dtype=np.intp)
        metrics = [metric_record("accuracy", "accuracy@multiclass",
                                 proportion_estimate(
            truth == pred, clusters, method=st.proportion_method, confidence=st.confidence))]
        metrics += _class_sensitivities(self.labels, truth, pred, clusters, st)
        if self.referable is not None:
            metrics += _referable_split(self.labels, self.referable, truth, pred, clusters, st)
        within = getattr(self.spec, "within_classes", None)
        if within is not None:  # no answer (k) is a miss, however near k lies
            metrics.append(metric_record(f"accuracy_within@{within}", "accuracy_within",
                                         proportion_estimate(
                (np.abs(pred - truth) <= within) & (pred < k), clusters,
                method=st.proportion_method, confidence=st.confidence)))
        cell = np.zeros((len(rows), k * (k + 1)))
        cell[np.arange(len(rows)), truth * (k + 1) + pred] = 1.0

        kappa_id = "cohen_kappa@classes" if self.spec.kappa_weights == "none" else \
            f"cohen_kappa@classes-{self.spec.kappa_weights}"
        names = [f"{r}@{a}" for r in _RATIOS for a in _AVERAGES] + ["cohen_kappa"]
        matrix = cell.sum(axis=0).reshape(k, k + 1).astype(np.int64)
        exact = exact_class_figures(matrix, self.spec.kappa_weights)
        for name in names:
            statistic = ClassAverageStatistic(cell, k, name, self.spec.kappa_weights,
                                              multiclass_statistics, exact=exact.get(name))
            estimate = bootstrap_estimate(statistic, cell, clusters, st,
                                          strata=truth if clusters is None else None)
            definition_id = kappa_id if name == "cohen_kappa" else \
                f"class_average@{name.split('@')[1]}"
            metrics.append(metric_record(name, definition_id, estimate))
        tables = {"confusion_matrix": {"labels": self.labels, "columns": [*self.labels, "none"],
                                       "counts": matrix.tolist()}}
        warnings = _undefined_classes(self.labels, matrix)
        disagreements: tuple[str, ...] = ()
        if self.probabilities:
            columns = self.case_columns[3:]
            aucs, disagreements = class_auc_figures(
                self.labels, truth, pred, [[r.values.get(c) for c in columns] for r in rows],
                self.referable, clusters, st, case_ids=[r.case_id for r in rows])
            metrics += aucs
        return Aggregate(tuple(metrics), tables, warnings, case_facts=disagreements)


def _class_sensitivities(labels: Sequence[str], truth: NDArray[np.intp],
                         pred: NDArray[np.intp], clusters: Sequence[str] | None,
                         st: Any) -> list[Any]:
    """Each class's sensitivity, ``sensitivity@<label>``: the share of its reference cases
    answered as that class (a failed case, "none", is a miss), a proportion with the
    protocol's interval, clustered by patient as the accuracy's is. A class without
    reference case is NaN (n 0)."""
    return [metric_record(f"sensitivity@{label}", "sensitivity",
                          _proportion_among(truth == i, pred == i, clusters, st))
            for i, label in enumerate(labels)]


def _proportion_among(own: NDArray[np.bool_], right: NDArray[np.bool_],
                      clusters: Sequence[str] | None, st: Any) -> Any:
    """The share of the ``own`` cases that are ``right``, with the protocol's interval,
    clustered by the patients of those cases (:func:`~.base.proportion_estimate`)."""
    cases = None if clusters is None else [c for c, o in zip(clusters, own) if o]
    return proportion_estimate(right[own], cases, method=st.proportion_method,
                               confidence=st.confidence)


def _referable_split(labels: Sequence[str], first: int, truth: NDArray[np.intp],
                     pred: NDArray[np.intp], clusters: Sequence[str] | None,
                     st: Any) -> list[Any]:
    """Sensitivity and specificity of the referable-vs-not split,
    ``referable_sensitivity@<label>`` and ``referable_specificity@<label>`` named by the
    first referable class ``labels[first]``: a case is referable when its class is
    ``labels[first]`` or a later one, and answered referable when the predicted class is;
    a failed case (no answer, ``len(labels)``) is a wrong answer either way, as the
    worst-case policy counts it. Proportions with the protocol's interval, clustered by
    patient among the cases each counts.

    Examples
    --------
    Grades 0-3 (k = 4, 4 is no answer), referable from grade 2: the referable cases 2, 3
    and 4 are answered 2 (a hit), 1 and none; the others 0 (right), 2 and none.

    >>> class St: proportion_method, confidence = "wilson", 0.95
    >>> truth, pred = np.array([0, 1, 2, 3, 2, 0]), np.array([0, 2, 2, 1, 4, 4])
    >>> [(r.name, r.estimate.numerator, r.estimate.n)
    ...  for r in _referable_split(["0", "1", "2", "3"], 2, truth, pred, None, St)]
    [('referable_sensitivity@2', 1, 3), ('referable_specificity@2', 1, 3)]
    """
    k, name = len(labels), labels[first]
    referable = truth >= first
    said = (pred >= first) & (pred < k)
    return [metric_record(f"referable_{definition}@{name}", definition,
                          _proportion_among(own, right, clusters, st))
            for definition, own, right in (("sensitivity", referable, said),
                                           ("specificity", ~referable, ~said & (pred < k)))]


def _undefined_classes(labels: Sequence[str], matrix: NDArray[np.int_]) -> tuple[str, ...]:
    """Why a macro (or weighted) average is NaN: each class without reference case or
    never predicted, and which of its ratios that leaves undefined.

    Examples
    --------
    >>> _undefined_classes(["a", "b", "c"], np.array([[2, 1, 0, 0], [1, 2, 0, 0],
    ...                                               [0, 0, 0, 0]]))[0][:62]
    "class 'c': no reference case and never predicted, so its sensi"
    """
    k = len(labels)
    support, predicted = matrix.sum(axis=1), matrix[:, :k].sum(axis=0)
    texts = []
    for label, n_true, n_pred in zip(labels, support, predicted):
        undefined = ([] if n_true else ["sensitivity"]) + ([] if n_pred else ["ppv"]) + (
            [] if n_true or n_pred else ["f1"])
        if not undefined:
            continue
        reason = ("no reference case and never predicted" if not (n_true or n_pred) else
                  "no reference case" if not n_true else "never predicted")
        averages = [f"{name}@macro" for name in undefined] + (
            [f"{name}@weighted" for name in undefined] if n_true else [])
        texts.append(f"class {label!r}: {reason}, so its {', '.join(undefined)} "
                     f"{'is' if len(undefined) == 1 else 'are'} undefined and "
                     f"{', '.join(averages)} NaN (an average over the protocol's labels is "
                     "defined only where each class's value is)")
    return tuple(texts)
