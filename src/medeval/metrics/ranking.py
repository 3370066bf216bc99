"""Ranking metrics of a continuous score: ROC curve, AUC, precision-recall, AP.

One decision rule throughout medeval: a case is called positive when
``score >= threshold``. A higher score means "more likely positive", always: no function
here flips a curve to make the area at least 0.5.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import (
    binary_labels,
    finite_scores,
    label_array,
    pos_label_kind,
    positive_label,
    same_index,
    same_length,
    warn_undefined,
)
from ._docs import _POS_LABEL_PARAMETER, _doc_sections

__all__ = [
    "PrecisionRecallCurve",
    "RocCurve",
    "average_precision",
    "precision_recall_curve",
    "roc_auc",
    "roc_curve",
]

# Shared with thresholds.py, whose functions take the same data.
_SCORE_SECTIONS = {
    "score_parameters": """\
Parameters
----------
y_true : array-like of shape (n_cases,)
    Reference labels: at most two distinct values, e.g. 0/1 or booleans.
y_score : array-like of shape (n_cases,)
    Continuous scores, finite; higher means more likely positive.""",
    "pos_label_parameter": _POS_LABEL_PARAMETER,
    "score_raises": """\
Raises
------
InvalidInputError
    If an array is not one-dimensional; if ``y_true`` holds NaN, more than two labels,
    two labels of which neither is ``pos_label``, or labels not of ``pos_label``'s kind;
    if ``y_score`` is not numeric or holds NaN or inf; or if the arrays differ in
    length.""",
}

_ranking_doc = _doc_sections(**_SCORE_SECTIONS)


@dataclass(frozen=True, eq=False)
class RocCurve:
    """The points of an empirical ROC curve, one per distinct threshold.

    Attributes
    ----------
    fpr, tpr : ndarray of float64
        False- and true-positive rates, both non-decreasing; NaN where undefined.
    thresholds : ndarray of float64
        Strictly decreasing: ``inf`` first (nothing called positive, the point (0, 0)),
        then every distinct score, the last giving the point (1, 1).
    """

    fpr: NDArray[np.float64]
    tpr: NDArray[np.float64]
    thresholds: NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class PrecisionRecallCurve:
    """The points of an empirical precision-recall curve, one per distinct score.

    Attributes
    ----------
    precision, recall : ndarray of float64
        PPV and sensitivity at each threshold; recall non-decreasing, NaN if undefined.
    thresholds : ndarray of float64
        The distinct scores, strictly decreasing.
    """

    precision: NDArray[np.float64]
    recall: NDArray[np.float64]
    thresholds: NDArray[np.float64]


def _labels_and_scores(
    y_true: ArrayLike,
    y_score: ArrayLike,
    pos_label: Hashable,
    func: str,
    *,
    score_name: str = "y_score",
    check: Callable[..., NDArray[np.float64]] = finite_scores,
) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
    """Validate binary reference labels and their scores (``check`` validates the scores)."""
    same_index(func, **{"y_true": y_true, score_name: y_score})
    raw = label_array(y_true, name="y_true", func=func)
    pos_label = positive_label(pos_label, raw, func=func)
    truth = binary_labels(raw, name="y_true", func=func, pos_label=pos_label)
    pos_label_kind(raw, pos_label, name="y_true", func=func)
    score = check(y_score, name=score_name, func=func)
    same_length(func, **{"y_true": truth, score_name: score})
    return truth, score


def _counts_by_threshold(
    truth: NDArray[np.bool_], score: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]]:
    """Distinct scores in decreasing order, with the TP and FP counts of ``score >= t``."""
    order = np.argsort(score, kind="stable")[::-1]
    ranked, hits = score[order], truth[order]
    last_of_value = np.flatnonzero(np.diff(ranked) != 0)
    ends = np.append(last_of_value, ranked.size - 1) if ranked.size else last_of_value
    tp = np.cumsum(hits, dtype=np.int64)[ends]
    fp = (ends + 1) - tp
    return ranked[ends], tp, fp


def _roc_counts(
    y_true: ArrayLike, y_score: ArrayLike, pos_label: Hashable, func: str
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64], int, int]:
    """Thresholds (``inf`` first), TP and FP at each, and the numbers of positives and
    negatives: the one pass that feeds the ROC curve and the operating points."""
    truth, score = _labels_and_scores(y_true, y_score, pos_label, func)
    thresholds, tp, fp = _counts_by_threshold(truth, score)
    positives = int(np.count_nonzero(truth))
    return (
        np.concatenate(([math.inf], thresholds)),
        np.concatenate(([0], tp)),
        np.concatenate(([0], fp)),
        positives,
        truth.size - positives,
    )


def _one_class(func: str, what: str, positives: int, negatives: int) -> float:
    """Warn that ``what`` is undefined for lack of positives or negatives; return NaN."""
    if positives == 0:
        lacking = "case" if negatives == 0 else "positive case"
    else:
        lacking = "negative case"
    return warn_undefined(f"{func}: {what} is undefined: y_true holds no {lacking}; returning NaN")


@_ranking_doc
def roc_curve(
    y_true: ArrayLike, y_score: ArrayLike, *, pos_label: Hashable | None = None
) -> RocCurve:
    r"""The empirical receiver operating characteristic (ROC) curve.

    .. math::

        \mathrm{TPR}(t) = \frac{\#\{i : y_i = 1,\ s_i \ge t\}}{n_1},\qquad
        \mathrm{FPR}(t) = \frac{\#\{i : y_i = 0,\ s_i \ge t\}}{n_0}

    for :math:`t` in :math:`\{+\infty\} \cup \{s_i\}`, in decreasing order.

    %(score_parameters)s
    %(pos_label_parameter)s

    Returns
    -------
    RocCurve
        ``fpr``, ``tpr`` and ``thresholds``, one entry per point.

    %(score_raises)s

    Warns
    -----
    UndefinedMetricWarning
        When ``y_true`` has no positive case (``tpr`` is all NaN) or no negative case
        (``fpr`` is all NaN).

    Notes
    -----
    Decision rule: ``score >= threshold`` is positive. The first point is
    ``threshold = inf``, ``(fpr, tpr) = (0, 0)``: nothing is called positive (as
    scikit-learn >= 1.3). Then one point per distinct score, so tied scores move the
    curve diagonally; the last point is (1, 1). Unlike scikit-learn's default, no
    collinear point is dropped: this equals ``sklearn.metrics.roc_curve(...,
    drop_intermediate=False)``. One class only: the rate of the missing class is NaN,
    with a warning. Empty input: one point at ``inf``, both rates NaN.

    References
    ----------
    .. [1] Metz CE. Basic principles of ROC analysis. Semin Nucl Med. 1978;8(4):283-98.
    .. [2] Fawcett T. An introduction to ROC analysis. Pattern Recognit Lett.
       2006;27(8):861-74.

    Examples
    --------
    >>> curve = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> curve.thresholds.tolist()
    [inf, 0.8, 0.4, 0.35, 0.1]
    >>> curve.fpr.tolist(), curve.tpr.tolist()
    ([0.0, 0.0, 0.5, 0.5, 1.0], [0.0, 0.5, 0.5, 1.0, 1.0])
    """
    func = "roc_curve"
    thresholds, tp, fp, positives, negatives = _roc_counts(y_true, y_score, pos_label, func)
    if positives == 0 or negatives == 0:
        rates = [name for name, count in (("tpr", positives), ("fpr", negatives)) if not count]
        _one_class(func, " and ".join(rates), positives, negatives)
    tpr = tp / positives if positives else np.full(tp.size, math.nan)
    fpr = fp / negatives if negatives else np.full(fp.size, math.nan)
    return RocCurve(fpr=fpr, tpr=tpr, thresholds=thresholds)


@_ranking_doc
def roc_auc(y_true: ArrayLike, y_score: ArrayLike, *, pos_label: Hashable | None = None) -> float:
    r"""Area under the ROC curve, as the Mann-Whitney statistic with mid-ranks.

    .. math::

        \mathrm{AUC} = \frac{U}{n_1 n_0}, \qquad
        U = R_1 - \frac{n_1 (n_1 + 1)}{2}
          = \sum_{i : y_i = 1} \sum_{j : y_j = 0}
            \Big( [s_i > s_j] + \tfrac{1}{2} [s_i = s_j] \Big)

    where :math:`R_1` is the sum of the mid-ranks of the positive cases' scores among all
    scores: the probability that a random positive case scores higher than a random
    negative case, ties counting one half.

    %(score_parameters)s
    %(pos_label_parameter)s

    Returns
    -------
    float
        In [0, 1], or NaN when undefined.

    %(score_raises)s

    Warns
    -----
    UndefinedMetricWarning
        When ``y_true`` holds only one class (or no case); the value is NaN.

    Notes
    -----
    Equals the trapezoidal area under :func:`roc_curve` (tied scores give a diagonal
    segment, i.e. one half) and scikit-learn's ``roc_auc_score``. The direction is fixed:
    a higher score means positive. An AUC below 0.5 is returned as is, never flipped to
    1 - AUC (pROC's ``direction="auto"`` does flip, which biases resampled AUCs). A
    constant score gives 0.5. Computed from integer rank sums with one rounding.

    References
    ----------
    .. [1] Mann HB, Whitney DR. On a test of whether one of two random variables is
       stochastically larger than the other. Ann Math Stat. 1947;18(1):50-60.
    .. [2] Hanley JA, McNeil BJ. The meaning and use of the area under a receiver
       operating characteristic (ROC) curve. Radiology. 1982;143(1):29-36.
    .. [3] Bamber D. The area above the ordinal dominance graph and the area below the
       receiver operating characteristic graph. J Math Psychol. 1975;12(4):387-415.

    Examples
    --------
    >>> # pairs (pos, neg): (0.35, 0.1) win, (0.35, 0.4) loss, (0.8, *) two wins -> 3/4
    >>> roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    >>> roc_auc([0, 1], [0.5, 0.5])  # a tie counts one half
    0.5
    """
    func = "roc_auc"
    truth, score = _labels_and_scores(y_true, y_score, pos_label, func)
    positives = int(np.count_nonzero(truth))
    negatives = truth.size - positives
    if positives == 0 or negatives == 0:
        return _one_class(func, "the AUC", positives, negatives)
    twice_u, twice_pairs = auc_terms(truth, score)
    return twice_u / twice_pairs


def auc_terms(truth: NDArray[np.bool_], score: NDArray[Any]) -> tuple[int, int]:
    """The AUC as a fraction of whole numbers: twice the Mann–Whitney U (ties count one
    half) over twice the number of positive-negative pairs, for cases of both classes.
    ``roc_auc`` divides them once; an average of AUCs adds them as fractions."""
    positives = int(np.count_nonzero(truth))
    negatives = truth.size - positives
    _, inverse, counts = np.unique(score, return_inverse=True, return_counts=True)
    below = np.cumsum(counts) - counts  # the number of scores below each distinct value
    twice_midrank = 2 * below + counts + 1  # mid-rank of ranks below+1 .. below+count, x2
    twice_rank_sum = int(np.sum(twice_midrank[inverse.reshape(-1)][truth], dtype=np.int64))
    return twice_rank_sum - positives * (positives + 1), 2 * positives * negatives


@_ranking_doc
def precision_recall_curve(
    y_true: ArrayLike, y_score: ArrayLike, *, pos_label: Hashable | None = None
) -> PrecisionRecallCurve:
    r"""The empirical precision-recall curve: PPV against sensitivity by threshold.

    .. math::

        P(t) = \frac{\#\{i : y_i = 1,\ s_i \ge t\}}{\#\{i : s_i \ge t\}},\qquad
        R(t) = \frac{\#\{i : y_i = 1,\ s_i \ge t\}}{n_1}

    for :math:`t` in the distinct scores, in decreasing order.

    %(score_parameters)s
    %(pos_label_parameter)s

    Returns
    -------
    PrecisionRecallCurve
        ``precision``, ``recall`` and ``thresholds``, one entry per distinct score.

    %(score_raises)s

    Warns
    -----
    UndefinedMetricWarning
        When ``y_true`` has no positive case: ``recall`` is all NaN (scikit-learn sets
        it to 1).

    Notes
    -----
    Decision rule: ``score >= threshold`` is positive. The points run from the highest
    threshold to the lowest (as :func:`roc_curve`; scikit-learn runs the other way).
    Precision is always defined here, since every threshold is an observed score. No
    point (recall 0, precision 1) is added: scikit-learn appends one without a
    threshold; it carries no weight in :func:`average_precision`. So
    ``precision[::-1]`` equals scikit-learn's ``precision[:-1]``, likewise recall.
    No negative case: precision is 1 throughout. Empty input: empty arrays (and the
    no-positive warning).

    References
    ----------
    .. [1] Davis J, Goadrich M. The relationship between precision-recall and ROC
       curves. Proc. 23rd ICML. 2006:233-40.

    Examples
    --------
    >>> curve = precision_recall_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> curve.thresholds.tolist()
    [0.8, 0.4, 0.35, 0.1]
    >>> curve.precision.tolist(), curve.recall.tolist()
    ([1.0, 0.5, 0.6666666666666666, 0.5], [0.5, 0.5, 1.0, 1.0])
    """
    func = "precision_recall_curve"
    truth, score = _labels_and_scores(y_true, y_score, pos_label, func)
    thresholds, tp, fp = _counts_by_threshold(truth, score)
    positives = int(np.count_nonzero(truth))
    precision = tp / (tp + fp)
    if positives:
        recall = tp / positives
    else:
        _one_class(func, "recall", positives, truth.size - positives)
        recall = np.full(tp.size, math.nan)
    return PrecisionRecallCurve(precision=precision, recall=recall, thresholds=thresholds)


@_ranking_doc
def average_precision(
    y_true: ArrayLike, y_score: ArrayLike, *, pos_label: Hashable | None = None
) -> float:
    r"""Average precision: precision summed step-wise over the gains in recall.

    .. math:: \mathrm{AP} = \sum_{k} (R_k - R_{k-1})\, P_k, \qquad R_0 = 0

    over the distinct scores :math:`t_1 > t_2 > \dots` (see
    :func:`precision_recall_curve`): the precision at each threshold weighted by the
    recall it adds. No interpolation, as scikit-learn's ``average_precision_score``.

    %(score_parameters)s
    %(pos_label_parameter)s

    Returns
    -------
    float
        In (0, 1], or NaN when undefined.

    %(score_raises)s

    Warns
    -----
    UndefinedMetricWarning
        When ``y_true`` holds no positive case (or no case); the value is NaN.

    Notes
    -----
    Tied scores form one threshold, so their positives enter with the precision of the
    whole tied group. Not the trapezoidal area under the PR curve, which is optimistic,
    nor the 11-point interpolated AP of PASCAL VOC. No negative case: 1. The value of a
    random score is about the prevalence, not 0.5.

    References
    ----------
    .. [1] Manning CD, Raghavan P, Schütze H. Introduction to Information Retrieval.
       Cambridge University Press; 2008. Section 8.4.
    .. [2] Boyd K, Eng KH, Page CD. Area under the precision-recall curve: point
       estimates and confidence intervals. Proc. ECML PKDD. 2013:451-66.

    Examples
    --------
    >>> # recall steps 1/2 at precision 1 (t=0.8) and 1/2 at precision 2/3 (t=0.35)
    >>> average_precision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])  # 1/2 + 1/3
    0.8333333333333333
    """
    func = "average_precision"
    truth, score = _labels_and_scores(y_true, y_score, pos_label, func)
    _, tp, fp = _counts_by_threshold(truth, score)
    positives = int(np.count_nonzero(truth))
    if positives == 0:
        return _one_class(func, "average precision", positives, truth.size - positives)
    gained = np.diff(tp, prepend=0)
    return float(np.sum(gained * (tp / (tp + fp))) / positives)
