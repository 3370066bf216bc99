"""The AUCs of a multi-class task's class probabilities (private to
:mod:`medeval.tasks.multiclass_classification`).

- ``auc@<label>``: the one-vs-rest AUC of class k, the cases of class k positive, the
  others negative, scored by their probability of class k; the interval of
  :func:`medeval.stats.auc_ci` with the protocol's ``auc_method`` (DeLong; Obuchowski's
  clustered form where a patient holds several cases; Newcombe's noting that it takes
  such cases as independent), as binary classification's ``roc_auc``.
- ``auc@macro``: the unweighted mean of the K one-vs-rest AUCs (Hand & Till's
  one-vs-rest form, scikit-learn's ``roc_auc_score(multi_class="ovr",
  average="macro")``), NaN when a class has no reference case (never averaged over the
  classes that have some). Its interval is the bootstrap of the protocol's
  ``[statistics]`` (method, seed, resamples) over cases stratified by reference class, or
  over patients where the unit is the patient: the K AUCs share their cases, so the
  variance of their mean needs their covariances, which the resampling carries.
- ``referable_auc@<label>``: the AUC of the referable split (class ``referable_from``
  and after it positive), each case scored by the sum of its probabilities of those
  classes; the interval as a class's AUC.

A failed case (worst-case policy) ranks wrongly: its score is below every probability
(-1) for its own class and above every one (2) for the others, and for the referable AUC
below every case if it is referable, above every case if not.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..metrics.ranking import auc_terms
from ..result import MetricRecord
from ..stats._resampling import Units
from ..stats._statistics import AucStatistic
from ._auc_interval import auc_over_unit
from .base import bootstrap_estimate, metric_record

__all__ = ["MacroAuc", "class_auc_figures"]

#: A failed case's score where it must rank below (above) every probability.
_BELOW, _ABOVE = -1.0, 2.0


class MacroAuc:
    """The mean of the one-vs-rest AUCs, a statistic of the bootstrap engine
    (:class:`medeval.stats._statistics.WeightedStatistic`): each class's AUC as
    :func:`medeval.stats.auc_ci`'s bootstrap takes it (:class:`AucStatistic`), their
    mean on each resample. Resamples of cases are counted from their draws
    (``resampled_draws``, O(n) a class), the same values to the last bit as from their
    weights, which resamples of patients take; BCa's jackknife is each class's closed
    form (O(n log n)), not n evaluations on leave-one-out weights."""

    def __init__(self, truth: NDArray[np.intp], scores: NDArray[np.float64]) -> None:
        self.classes = [AucStatistic(truth == k, scores[:, k]) for k in range(scores.shape[1])]

    def left_out_reason(self) -> str:
        return "there is no case of some class, so its one-vs-rest AUC is undefined"

    def value(self) -> float:
        """The mean of the AUCs on the data, as fractions of whole numbers rounded once
        (:func:`medeval.metrics.macro_auc`'s value to the bit); NaN where one is undefined."""
        terms = [auc_terms(auc.positive, auc.score) for auc in self.classes]
        if any(pairs == 0 for _, pairs in terms):
            return math.nan
        return float(sum(Fraction(u, pairs) for u, pairs in terms) / len(terms))

    def resampled(self, weights: NDArray[np.float64]) -> NDArray[np.float64]:
        return _mean([auc.resampled(weights) for auc in self.classes])

    def resampled_draws(self, units: Units, draws: list[NDArray[np.int64]]
                        ) -> NDArray[np.float64]:
        return _mean([auc.resampled_draws(units, draws) for auc in self.classes])

    def jackknife(self, units: Units) -> NDArray[np.float64]:
        return _mean([auc.jackknife(units) for auc in self.classes])


def _mean(values: list[NDArray[np.float64]]) -> NDArray[np.float64]:
    mean: NDArray[np.float64] = np.mean(values, axis=0)
    return mean


def class_auc_figures(labels: Sequence[str], truth: NDArray[np.intp], pred: NDArray[np.intp],
                      given: Sequence[Sequence[float | None]], referable: int | None,
                      clusters: Sequence[str] | None, st: Any, *, case_ids: Sequence[str]
                      ) -> tuple[list[MetricRecord], tuple[str, ...]]:
    """The AUC figures (module docstring) and a warning counting the cases whose label is
    not their most probable class. ``given``: each case's probabilities in the order of
    ``labels`` (None for a failed case); ``pred``: the label index (``len(labels)`` for
    no answer); ``case_ids`` name the cases in the warning."""
    k = len(labels)
    failed = np.array([row[0] is None for row in given], dtype=bool)
    # (n, K) also for no case (the failures-excluded analysis where every case failed)
    scores = np.array([[_ABOVE] * k if row[0] is None else row for row in given],
                      dtype=float).reshape(len(given), k)
    scores[failed, truth[failed]] = _BELOW
    metrics = [metric_record(f"auc@{label}", "roc_auc_ovr",
                             auc_over_unit(truth == i, scores[:, i], clusters, st))
               for i, label in enumerate(labels)]
    macro = bootstrap_estimate(MacroAuc(truth, scores), scores, clusters, st,
                               strata=truth if clusters is None else None)
    absent = [label for i, label in enumerate(labels) if not (truth == i).any()]
    if absent:
        macro = replace(macro, note=(
            f"class(es) {absent} have no reference case, so their one-vs-rest AUC and the "
            "macro average are undefined (never averaged over the other classes)"))
    metrics.append(metric_record("auc@macro", "roc_auc_ovr_macro", macro))
    if referable is not None:
        positive = truth >= referable
        score = scores[:, referable:].sum(axis=1)
        score[failed] = np.where(positive[failed], _BELOW, _ABOVE)
        metrics.append(metric_record(f"referable_auc@{labels[referable]}", "roc_auc_referable",
                                     auc_over_unit(positive, score, clusters, st)))
    return metrics, (_disagreements(case_ids, pred, scores, failed)
                     + _ties(case_ids, scores, failed, truth))


def _disagreements(case_ids: Sequence[str], pred: NDArray[np.intp],
                   scores: NDArray[np.float64], failed: NDArray[np.bool_]) -> tuple[str, ...]:
    """A warning when some case's label is not its most probable class (its probability
    below the case's largest), naming the first ten such cases.

    >>> _disagreements(["c1", "c2"], np.array([0, 0]), np.array([[0.7, 0.3], [0.4, 0.6]]),
    ...                np.array([False, False]))[0][:66]
    '1 of 2 scored case(s) (c2) give a label that is not their most pro'
    """
    scored = np.flatnonzero(~failed)
    own = scores[scored, pred[scored]]
    off = scored[own < scores[scored].max(axis=1)]
    if not off.size:
        return ()
    named = ", ".join(case_ids[i] for i in off[:10]) + (" ..." if off.size > 10 else "")
    return (f"{off.size} of {scored.size} scored case(s) ({named}) give a label that is not "
            "their most "
            "probable class: the label counts for the accuracy, the sensitivities and the "
            "kappa, the probabilities for the AUCs (auc@...)",)


def _ties(case_ids: Sequence[str], scores: NDArray[np.float64],
          failed: NDArray[np.bool_], truth: NDArray[np.intp]) -> tuple[str, ...]:
    """A warning when some scored case's largest probability is shared by two or more
    classes, naming the first ten such cases and counting those whose reference class is
    among the tied ones: a prediction without label is then answered by the protocol's
    order of labels (:func:`._class_probabilities.most_probable`), which decides its
    answer, and whether it is right only where the reference class is among the tied.

    >>> _ties(["c1", "c2", "c3"], np.array([[0.4, 0.4, 0.2], [0.5, 0.3, 0.2],
    ...       [0.1, 0.45, 0.45]]), np.array([False, False, False]), np.array([1, 0, 0]))[0][83:141]
    ... # c1's reference (1) is among its tied classes 0 and 1, c3's (0) not among 1 and 2
    'classes, 1 of them with the reference class among the tied'
    """
    scored = np.flatnonzero(~failed)
    rows = scores[scored]
    top = rows == rows.max(axis=1, keepdims=True)
    shared = top.sum(axis=1) > 1
    tied = scored[shared] if scored.size else scored
    if not tied.size:
        return ()
    at_stake = int(top[shared, truth[tied]].sum())
    named = ", ".join(case_ids[i] for i in tied[:10]) + (" ..." if tied.size > 10 else "")
    return (f"{tied.size} of {scored.size} scored case(s) ({named}) share their largest "
            f"probability between two or more classes, {at_stake} of them with the "
            "reference class among the tied: where such a prediction gives no label, its "
            "answer is the first of the tied classes in the protocol's order of labels (as "
            "numpy.argmax takes it), so that order decides its answer for the sensitivities "
            "and the kappa, and for the accuracy where the reference class is among the "
            "tied",)
