"""Operating points: choosing a threshold on a score, and the counts at a threshold.

Decision rule, as everywhere in medeval: ``score >= threshold`` is positive. The
candidate thresholds are those of :func:`~medeval.metrics.roc_curve`: ``+inf`` (nothing
positive) and every distinct observed score. Applying a returned threshold with that rule
reproduces the operating point exactly; any threshold between it and the next lower
observed score (exclusive) gives the same point.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass
from numbers import Real

import numpy as np
from numpy.typing import ArrayLike

from ..errors import InvalidInputError
from ._confusion import ConfusionMatrix, _count
from ._docs import _doc_sections
from .ranking import _SCORE_SECTIONS, _labels_and_scores, _one_class, _roc_counts

__all__ = [
    "OperatingPoint",
    "metrics_at_threshold",
    "threshold_for_sensitivity",
    "threshold_for_specificity",
    "youden_threshold",
]


def _warns_when(which: str) -> str:
    return f"""\
Warns
-----
UndefinedMetricWarning
    When ``y_true`` holds {which}; the value is NaN."""


_threshold_doc = _doc_sections(
    **_SCORE_SECTIONS,
    target_parameter="""\
target : float
    The required value, in [0, 1]. Compared as ``count / total >= target`` in floating
    point, so ``target=0.9`` is met by 9 of 10 exactly.""",
    target_raises=_SCORE_SECTIONS["score_raises"] + """
    Also if ``target`` is not a number in [0, 1].""",
    threshold_returns="""\
Returns
-------
float
    The threshold, an observed score or ``inf``; NaN when undefined.""",
    no_positive_warns=_warns_when("no positive case"),
    no_negative_warns=_warns_when("no negative case"),
    one_class_warns=_warns_when("only one class (or no case)"),
    operating_point_references="""\
References
----------
.. [1] Zhou XH, Obuchowski NA, McClish DK. Statistical Methods in Diagnostic
   Medicine. 2nd ed. Wiley; 2011. Chapter 4 (operating points of a ROC curve).""",
)


@dataclass(frozen=True)
class OperatingPoint:
    """A threshold and the confusion matrix it gives (``score >= threshold`` positive).

    The ratios come from the matrix: ``point.matrix.sensitivity()``, ``.specificity()``,
    ``.ppv()``, ``.counts("sensitivity")`` for an interval, and so on.
    """

    threshold: float
    matrix: ConfusionMatrix


def _target(target: float, func: str) -> float:
    if isinstance(target, bool) or not isinstance(target, Real) or not 0 <= target <= 1:
        raise InvalidInputError(f"{func}: target must be a number in [0, 1], got {target!r}")
    return float(target)


@_threshold_doc
def threshold_for_sensitivity(
    y_true: ArrayLike, y_score: ArrayLike, target: float, *, pos_label: Hashable | None = None
) -> float:
    r"""The highest threshold whose sensitivity is at least ``target``.

    .. math:: t^{*} = \max \{\, t \in \{+\infty\} \cup \{s_i\} :
              \mathrm{Se}(t) \ge \text{target} \,\}, \qquad
              \mathrm{Se}(t) = \frac{\#\{i : y_i = 1,\ s_i \ge t\}}{n_1}

    %(score_parameters)s
    %(target_parameter)s
    %(pos_label_parameter)s

    Returns
    -------
    float
        The threshold, an observed score (``inf`` only for ``target=0``); NaN when
        undefined.

    %(target_raises)s

    %(no_positive_warns)s

    Notes
    -----
    Sensitivity falls as the threshold rises, so this is the most specific operating
    point that still meets the target. The lowest score always reaches sensitivity 1,
    so a threshold always exists. ``target=0`` gives ``inf`` (nothing positive).

    %(operating_point_references)s

    Examples
    --------
    >>> y_true = [0, 0, 0, 1, 1, 1, 1]
    >>> y_score = [0.1, 0.3, 0.6, 0.4, 0.5, 0.7, 0.9]
    >>> threshold_for_sensitivity(y_true, y_score, 0.75)  # at 0.5: 3 of 4 positives
    0.5
    """
    func = "threshold_for_sensitivity"
    target = _target(target, func)
    thresholds, tp, _, positives, negatives = _roc_counts(y_true, y_score, pos_label, func)
    if positives == 0:
        return _one_class(func, "the sensitivity", positives, negatives)
    met = tp / positives >= target  # non-decreasing along the decreasing thresholds
    return float(thresholds[np.argmax(met)])


@_threshold_doc
def threshold_for_specificity(
    y_true: ArrayLike, y_score: ArrayLike, target: float, *, pos_label: Hashable | None = None
) -> float:
    r"""The lowest threshold whose specificity is at least ``target``.

    .. math:: t^{*} = \min \{\, t \in \{+\infty\} \cup \{s_i\} :
              \mathrm{Sp}(t) \ge \text{target} \,\}, \qquad
              \mathrm{Sp}(t) = \frac{\#\{i : y_i = 0,\ s_i < t\}}{n_0}

    %(score_parameters)s
    %(target_parameter)s
    %(pos_label_parameter)s

    %(threshold_returns)s

    %(target_raises)s

    %(no_negative_warns)s

    Notes
    -----
    Specificity rises with the threshold, so this is the most sensitive operating point
    that still meets the target. ``inf`` (nothing positive, specificity 1) is returned
    when no observed score is high enough, e.g. ``target=1`` when a negative case holds
    the highest score.

    %(operating_point_references)s

    Examples
    --------
    >>> y_true = [0, 0, 0, 0, 1, 1]
    >>> y_score = [0.1, 0.2, 0.3, 0.8, 0.5, 0.9]
    >>> threshold_for_specificity(y_true, y_score, 0.75)  # at 0.5: 3 of 4 negatives below
    0.5
    >>> threshold_for_specificity(y_true, y_score, 1.0)  # a negative scores 0.8
    0.9
    """
    func = "threshold_for_specificity"
    target = _target(target, func)
    thresholds, _, fp, positives, negatives = _roc_counts(y_true, y_score, pos_label, func)
    if negatives == 0:
        return _one_class(func, "the specificity", positives, negatives)
    met = (negatives - fp) / negatives >= target  # non-increasing; True at inf
    return float(thresholds[met.size - 1 - np.argmax(met[::-1])])


@_threshold_doc
def youden_threshold(
    y_true: ArrayLike, y_score: ArrayLike, *, pos_label: Hashable | None = None
) -> float:
    r"""The threshold that maximises Youden's index J = Se + Sp - 1.

    .. math:: t^{*} = \operatorname*{arg\,max}_{t \in \{+\infty\} \cup \{s_i\}}
              \big(\mathrm{Se}(t) + \mathrm{Sp}(t) - 1\big)

    %(score_parameters)s
    %(pos_label_parameter)s

    %(threshold_returns)s

    %(score_raises)s

    %(one_class_warns)s

    Notes
    -----
    Ties: the highest of the maximising thresholds (the fewest positive calls). J is
    compared exactly, as the integer :math:`TP \cdot n_0 - FP \cdot n_1 = J\,n_1 n_0`,
    so equal J values tie however they round. When no threshold beats chance (a score
    no better than, or reversed from, the truth) the answer is ``inf`` with J = 0: the
    score is never flipped. The J at the threshold is
    ``metrics_at_threshold(...).matrix.youden_j()``.

    References
    ----------
    .. [1] Youden WJ. Index for rating diagnostic tests. Cancer. 1950;3(1):32-5.
    .. [2] Fluss R, Faraggi D, Reiser B. Estimation of the Youden index and its
       associated cutoff point. Biom J. 2005;47(4):458-72.

    Examples
    --------
    >>> y_true = [0, 0, 0, 1, 1, 1]
    >>> y_score = [0.1, 0.4, 0.6, 0.5, 0.7, 0.8]
    >>> youden_threshold(y_true, y_score)  # J(0.7) = 2/3, J(0.5) = 1 + 2/3 - 1 = 2/3: tie
    0.7
    """
    func = "youden_threshold"
    thresholds, tp, fp, positives, negatives = _roc_counts(y_true, y_score, pos_label, func)
    if positives == 0 or negatives == 0:
        return _one_class(func, "Youden's J", positives, negatives)
    scaled_j = tp * negatives - fp * positives  # J * n1 * n0, exact in integers
    return float(thresholds[np.argmax(scaled_j)])  # argmax: first = highest threshold


@_threshold_doc
def metrics_at_threshold(
    y_true: ArrayLike, y_score: ArrayLike, threshold: float, *, pos_label: Hashable | None = None
) -> OperatingPoint:
    r"""The confusion matrix of the rule ``score >= threshold``.

    .. math:: \hat{y}_i = [\, s_i \ge t \,]

    %(score_parameters)s
    threshold : float
        The threshold; ``inf`` calls every case negative, ``-inf`` every case positive.
    %(pos_label_parameter)s

    Returns
    -------
    OperatingPoint
        ``threshold`` and ``matrix`` (a :class:`~medeval.metrics.ConfusionMatrix`); its
        ratios are the matrix's methods.

    %(score_raises)s
        Also if ``threshold`` is not a number or is NaN.

    Warns
    -----
    UndefinedMetricWarning
        Never here; each ratio of ``matrix`` warns when it is undefined.

    Notes
    -----
    A score equal to the threshold is positive. Scores are compared as float64.

    References
    ----------
    .. [1] Altman DG, Bland JM. Diagnostic tests 1: sensitivity and specificity.
       BMJ. 1994;308(6943):1552.

    Examples
    --------
    >>> point = metrics_at_threshold([0, 0, 1, 1], [0.2, 0.5, 0.5, 0.9], 0.5)
    >>> point.matrix
    ConfusionMatrix(tp=2, fp=1, fn=0, tn=1)
    >>> point.matrix.specificity()
    0.5
    """
    func = "metrics_at_threshold"
    if isinstance(threshold, bool) or not isinstance(threshold, Real) or math.isnan(threshold):
        what = "NaN" if isinstance(threshold, Real) and not isinstance(threshold, bool) else (
            f"a {type(threshold).__name__}")
        raise InvalidInputError(
            f"{func}: threshold must be a number (not NaN, text or a boolean); got "
            f"{threshold!r}, {what}")
    truth, score = _labels_and_scores(y_true, y_score, pos_label, func)
    return OperatingPoint(float(threshold), _count(truth, score >= threshold))
