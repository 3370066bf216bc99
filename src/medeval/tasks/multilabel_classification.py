"""Multi-label classification: each case may carry several of the protocol's labels at
once (an ECG's diagnostic superclasses NORM, MI, STTC, CD, HYP; a chest X-ray's
findings), each decided by its own score at a threshold fixed in advance.

The manifest's ``reference`` holds the case's labels joined by ``reference_separator``
(``MI;STTC``; :mod:`._label_sets`); the prediction is ``<case_id>.json`` holding
``{"scores": {<label>: number, ...}}``, every label once; label k is called present
when its score is at least its threshold. Reported (:func:`multilabel_figures`):

- per label, ``sensitivity@<label>``, ``specificity@<label>`` and ``ppv@<label>`` at the
  protocol's thresholds: proportions with the protocol's interval, clustered by patient
  where a patient holds several cases, as binary classification's are;
- per label, ``auc@<label>``: that label present against absent, ranked by its score,
  with the protocol's ``auc_method`` (DeLong; Obuchowski's over patients);
- ``auc@macro``: the unweighted mean of the label AUCs (scikit-learn's
  ``roc_auc_score(Y, S, average="macro")``, PTB-XL's benchmark figure), with the
  protocol's bootstrap over cases (unstratified: a case holds several labels) or over
  patients. A resample in which some label has no case carrying it, or none without it,
  leaves that label's AUC, and so the mean, undefined: it is left out, and the number
  left out is the estimate's note; the interval rests on the resamples where every label
  is defined (the PTB-XL benchmark's code draws again until each label has a positive);
- ``hamming_loss``: the share of (case, label) cells decided wrongly (lower is better),
  with the bootstrap;
- ``subset_accuracy``: the share of cases whose every label is decided rightly, a
  proportion with the protocol's interval.

Failure policy ``worst-case``: a failed case misses every label it carries and calls
every label it does not carry (all its cells wrong, so never an exact match); for the
AUCs it ranks below every case for the labels it carries and above every case for the
others.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..manifest import Case, nfc_id
from ..result import MetricRecord
from ..stats._statistics import AucStatistic, RatioStatistic
from ._auc_interval import auc_over_unit
from ._class_aucs import MacroAuc
from ._label_sets import label_set_problem, reference_labels, score_column, scores_of
from ._scalar_json import read_json_prediction
from .base import (
    Aggregate,
    CaseRow,
    TaskType,
    bootstrap_estimate,
    metric_record,
    proportion_estimate,
)
from .binary_classification import threshold_beyond
from .multiclass_classification import _proportion_among

__all__ = ["MultilabelClassification", "multilabel_figures"]


class LabelMacroAuc(MacroAuc):
    """The mean of the label AUCs under frequency weights, a statistic for the bootstrap
    (``truth``: the (n, L) indicator matrix, ``scores`` the (n, L) scores)."""

    def __init__(self, truth: NDArray[np.bool_], scores: NDArray[np.float64]) -> None:
        self.classes = [AucStatistic(truth[:, k], scores[:, k]) for k in range(scores.shape[1])]

    def left_out_reason(self) -> str:
        return "some label has no case carrying it, or none without it, so its AUC is undefined"


def multilabel_figures(labels: Sequence[str], truth: NDArray[np.bool_],
                       decided: NDArray[np.bool_], scores: NDArray[np.float64],
                       clusters: Sequence[str] | None, st: Any) -> list[MetricRecord]:
    """Every figure of the task (module docstring) from (n, L) arrays: the reference
    indicators, the decisions and the scores (a failed case's already set by the failure
    policy). ``st``: the protocol's ``[statistics]``."""
    metrics: list[MetricRecord] = []
    for k, label in enumerate(labels):
        t, d = truth[:, k], decided[:, k]
        metrics += [
            metric_record(f"sensitivity@{label}", "sensitivity",
                          _proportion_among(t, d, clusters, st)),
            metric_record(f"specificity@{label}", "specificity",
                          _proportion_among(~t, ~d, clusters, st)),
            metric_record(f"ppv@{label}", "ppv", _proportion_among(d, t, clusters, st)),
        ]
    metrics += [metric_record(f"auc@{label}", "roc_auc",
                              auc_over_unit(truth[:, k], scores[:, k], clusters, st))
                for k, label in enumerate(labels)]
    metrics.append(metric_record("auc@macro", "roc_auc_label_macro", bootstrap_estimate(
        LabelMacroAuc(truth, scores), scores, clusters, st)))
    # the wrong cells over all cells (every case holds the same L labels): whole-number
    # sums, one rounding, medeval.metrics.hamming_loss's value to the bit
    wrong = (truth != decided).sum(axis=1)
    cells = np.full(truth.shape[0], truth.shape[1])
    metrics.append(metric_record("hamming_loss", "hamming_loss", bootstrap_estimate(
        RatioStatistic(wrong, cells), wrong, clusters, st)))
    metrics.append(metric_record("subset_accuracy", "subset_accuracy", proportion_estimate(
        (truth == decided).all(axis=1), clusters, method=st.proportion_method,
        confidence=st.confidence)))
    return metrics


class MultilabelClassification(TaskType):
    """The ``multilabel-classification`` task type behind :func:`medeval.evaluate`."""

    type = "multilabel-classification"
    reference_kind = "label"
    scores_values = True
    case_columns: tuple[str, ...] = ("reference", "prediction", "exact")

    def __init__(self, spec: Any, statistics: Any, failures: Any = None) -> None:
        self.spec = spec
        self.statistics = statistics
        self.failures = failures
        # compared in NFC, as ids are (a label typed on Windows and one from a macOS name)
        self.labels = [nfc_id(str(label)) for label in spec.labels]
        self.separator: str = spec.reference_separator
        self.no_label: str | None = spec.no_label
        given = {nfc_id(str(k)): v for k, v in (spec.thresholds or {}).items()}
        self.thresholds = [float(given.get(label, spec.threshold if spec.threshold
                                           is not None else math.nan))
                           for label in self.labels]
        self.case_columns = (*self.case_columns, *(score_column(x) for x in self.labels))

    def reference_problem(self, case: Case, root: Path) -> str | None:
        """A message when the case's reference is not a set of declared labels."""
        problem = label_set_problem(case.reference, self.labels, self.separator,
                                    self.no_label)
        if problem is None:
            return None
        return f"case {case.case_id} (line {case.line}): reference {case.reference!r}: {problem}"

    def _truth(self, case: Case) -> list[bool]:
        return reference_labels(case.reference, self.labels, self.separator, self.no_label)

    def _joined(self, carried: Sequence[bool]) -> str:
        return self.separator.join(x for x, c in zip(self.labels, carried) if c)

    def score_case(self, case: Case, root: Path, predictions: Path) -> dict[str, Any]:
        """Read the case's label scores; each label decided at its threshold."""
        return self.score_value(case, read_json_prediction(case, predictions))

    def score_value(self, case: Case, value: Any) -> dict[str, Any]:
        """``{"scores": {<label>: number, ...}}`` against the reference label set."""
        scores = scores_of(case, value, self.labels)
        truth = self._truth(case)
        decided = [s >= t for s, t in zip(scores, self.thresholds)]
        return {"reference": self._joined(truth), "prediction": self._joined(decided),
                "exact": truth == decided, **dict(zip(self.case_columns[3:], scores))}

    def failed_values(self, case: Case, root: Path) -> dict[str, Any]:
        """Every label wrong (see the module documentation)."""
        return {"reference": self._joined(self._truth(case)), "prediction": None,
                "exact": False, **dict.fromkeys(self.case_columns[3:])}

    def aggregate(self, rows: Sequence[CaseRow], *, clusters: Sequence[str] | None) -> Aggregate:
        """The per-label, macro and whole-case figures (see :func:`multilabel_figures`)."""
        n, width = len(rows), len(self.labels)
        carried = [set(r.values["reference"].split(self.separator)) if r.values["reference"]
                   else set() for r in rows]
        truth = np.array([[x in c for x in self.labels] for c in carried],
                         dtype=bool).reshape(n, width)
        failed = np.array([r.values["prediction"] is None for r in rows], dtype=bool)
        given = np.array([[math.nan if r.values[c] is None else r.values[c]
                           for c in self.case_columns[3:]] for r in rows],
                         dtype=float).reshape(n, width)
        cut = np.array(self.thresholds)
        decided = np.where(failed[:, None], ~truth, given >= cut)
        known = given[~failed]
        low = float(known.min()) - 1.0 if known.size else 0.0
        high = float(known.max()) + 1.0 if known.size else 1.0
        scores = np.where(failed[:, None], np.where(truth, low, high), given)
        metrics = multilabel_figures(self.labels, truth, decided, scores, clusters,
                                     self.statistics)
        tables = {"label_confusion": {
            "labels": list(self.labels),
            "counts": [{"tp": int((t & d).sum()), "fp": int((~t & d).sum()),
                        "fn": int((t & ~d).sum()), "tn": int((~t & ~d).sum())}
                       for t, d in zip(truth.T, decided.T)]}}
        return Aggregate(tuple(metrics), tables, _undefined_labels(self.labels, truth)
                         + _thresholds_outside(self.labels, truth[~failed], given[~failed],
                                               self.thresholds))


def _thresholds_outside(labels: Sequence[str], truth: NDArray[np.bool_],
                        scores: NDArray[np.float64], cuts: Sequence[float]) -> tuple[str, ...]:
    """A warning for each label whose threshold lies beyond every score of its scored
    cases while some carry it and some do not, so that the label is called alike in every
    case: most often a threshold on another scale than the scores (50 for probabilities,
    meant as 50 %), as binary classification warns. None where the threshold and the
    label's scores all lie within [0, 1] (a model calling a rare label nowhere).

    >>> _thresholds_outside(["MI"], np.array([[True], [False]]), np.array([[0.9], [0.1]]),
    ...                     [50.0])[0][:66]
    "label 'MI': the threshold 50 is above every score of the label (0.1"
    >>> _thresholds_outside(["MI"], np.array([[True], [False]]), np.array([[0.4], [0.1]]),
    ...                     [0.5])
    ()
    """
    texts = []
    for k, label in enumerate(labels):
        beyond = threshold_beyond(scores[:, k], truth[:, k], cuts[k])
        if beyond is None:
            continue
        above, low, high = beyond
        cut = cuts[k]
        side, called = ("above", "absent") if above else ("below", "present")
        texts.append(f"label {label!r}: the threshold {cut:g} is {side} every score of the "
                     f"label ({low:g} to {high:g}): it is called {called} in every case; the "
                     "threshold is on the scores' scale (a probability's 50 % is 0.5)")
    return tuple(texts)


def _undefined_labels(labels: Sequence[str], truth: NDArray[np.bool_]) -> tuple[str, ...]:
    """Why some label's figures and the macro AUC are undefined: no case carries it, or
    every case does.

    >>> _undefined_labels(["NORM", "MI"], np.array([[True, False], [False, False]]))[0][:56]
    "label 'MI': no case carries it, so its sensitivity and A"
    """
    texts = []
    for label, column in zip(labels, truth.T):
        if truth.shape[0] and column.all():
            texts.append(f"label {label!r}: every case carries it, so its specificity and "
                         "AUC are undefined, and auc@macro with them (never averaged over "
                         "the other labels)")
        elif truth.shape[0] and not column.any():
            texts.append(f"label {label!r}: no case carries it, so its sensitivity and AUC "
                         "are undefined, and auc@macro with them (never averaged over the "
                         "other labels)")
    return tuple(texts)
