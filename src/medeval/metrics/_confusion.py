"""The binary confusion matrix and the ratios it feeds (private; re-exported by
:mod:`medeval.metrics.classification`)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal, NamedTuple, TypeVar, get_args

import numpy as np
from numpy.typing import NDArray

from .._validation import choice, warn_undefined
from ..errors import InvalidInputError

Proportion = Literal["sensitivity", "specificity", "ppv", "npv", "accuracy", "prevalence"]
"""The metrics that are a count over a count, as :meth:`ConfusionMatrix.counts` names them."""

_PROPORTIONS: tuple[str, ...] = get_args(Proportion)

#: A count, or per-case indicators of an outcome (the bootstrap's weighted counts).
Count = TypeVar("Count", int, "NDArray[np.float64]")
#: A rate, or one rate per resample.
Rate = TypeVar("Rate", float, Fraction, "NDArray[np.float64]")

# Why each ratio can be undefined: the message of its UndefinedMetricWarning.
_UNDEFINED = {
    "sensitivity": "there is no positive case in y_true (tp + fn = 0)",
    "specificity": "there is no negative case in y_true (tn + fp = 0)",
    "ppv": "no case is predicted positive (tp + fp = 0)",
    "npv": "no case is predicted negative (tn + fn = 0)",
    "accuracy": "there is no case (n = 0)",
    "prevalence": "there is no case (n = 0)",
    "f1_score": "there is no positive case in y_true or y_pred (2 tp + fp + fn = 0)",
}

class LikelihoodRatios(NamedTuple):
    """The positive and negative likelihood ratios of a binary test."""

    positive: float
    """``LR+ = sensitivity / (1 - specificity)``."""
    negative: float
    """``LR- = (1 - sensitivity) / specificity``."""


@dataclass(frozen=True)
class ConfusionMatrix:
    """The four counts of a binary test against its reference.

    Parameters
    ----------
    tp, fp, fn, tn : int
        True positives, false positives, false negatives, true negatives: non-negative
        integers (numpy integers are converted to ``int``).

    Raises
    ------
    InvalidInputError
        If a count is negative, a boolean or not an integer (all offenders named).

    Notes
    -----
    The ratio methods warn :class:`~medeval.errors.UndefinedMetricWarning` and return
    NaN when their denominator is zero; the module functions of the same names document
    each case. ``cm1 + cm2`` adds the counts (pooling, as for micro-averaging).

    Examples
    --------
    >>> cm = ConfusionMatrix(tp=8, fp=3, fn=2, tn=37)
    >>> cm.n
    50
    >>> cm.as_array().tolist()
    [[37, 3], [2, 8]]
    >>> cm.counts("sensitivity")
    (8, 10)
    >>> cm.sensitivity(), cm.specificity()
    (0.8, 0.925)
    """

    tp: int
    fp: int
    fn: int
    tn: int

    def __post_init__(self) -> None:
        bad = []
        for name in ("tp", "fp", "fn", "tn"):
            value = getattr(self, name)
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
                bad.append(f"{name}={value!r}")
            elif value < 0:
                bad.append(f"{name}={value!r}")
            else:
                object.__setattr__(self, name, int(value))
        if bad:
            raise InvalidInputError(
                f"ConfusionMatrix: counts must be non-negative integers, got {', '.join(bad)}"
            )

    def __add__(self, other: object) -> ConfusionMatrix:
        if not isinstance(other, ConfusionMatrix):
            return NotImplemented
        return ConfusionMatrix(
            self.tp + other.tp, self.fp + other.fp, self.fn + other.fn, self.tn + other.tn
        )

    @property
    def n(self) -> int:
        """The number of cases, ``tp + fp + fn + tn``."""
        return self.tp + self.fp + self.fn + self.tn

    def as_array(self) -> NDArray[np.int64]:
        """The counts in scikit-learn's layout ``[[tn, fp], [fn, tp]]``.

        Rows are the reference (negative, positive), columns the prediction.
        """
        return np.array([[self.tn, self.fp], [self.fn, self.tp]], dtype=np.int64)

    def counts(self, metric: Proportion) -> tuple[int, int]:
        """The ``(numerator, denominator)`` behind a proportion, for a proportion CI.

        ``"sensitivity"``: (tp, tp + fn); ``"specificity"``: (tn, tn + fp); ``"ppv"``:
        (tp, tp + fp); ``"npv"``: (tn, tn + fn); ``"accuracy"``: (tp + tn, n);
        ``"prevalence"``: (tp + fn, n). Any other name raises ``InvalidInputError``.
        """
        name = choice(metric, _PROPORTIONS, name="metric", func="ConfusionMatrix.counts")
        return ratio_terms(name, self.tp, self.fp, self.fn, self.tn)

    def sensitivity(self) -> float:
        """``tp / (tp + fn)``; NaN and a warning with no positive case. See :func:`sensitivity`."""
        return _checked(self, "sensitivity")

    def specificity(self) -> float:
        """``tn / (tn + fp)``; NaN and a warning with no negative case. See :func:`specificity`."""
        return _checked(self, "specificity")

    def ppv(self) -> float:
        """``tp / (tp + fp)``; NaN and a warning with no predicted positive. See :func:`ppv`."""
        return _checked(self, "ppv")

    def npv(self) -> float:
        """``tn / (tn + fn)``; NaN and a warning with no predicted negative. See :func:`npv`."""
        return _checked(self, "npv")

    def accuracy(self) -> float:
        """``(tp + tn) / n``; NaN and a warning when n = 0. See :func:`accuracy`."""
        return _checked(self, "accuracy")

    def prevalence(self) -> float:
        """``(tp + fn) / n``; NaN and a warning when n = 0. See :func:`prevalence`."""
        return _checked(self, "prevalence")

    def f1_score(self) -> float:
        """``2 tp / (2 tp + fp + fn)``; NaN and a warning when 0/0. See :func:`f1_score`."""
        return _checked(self, "f1_score")

    def balanced_accuracy(self) -> float:
        """``(Se + Sp) / 2``; NaN and a warning unless both classes occur in y_true."""
        rates = _rates(self, "balanced_accuracy")
        return math.nan if rates is None else _of_exact_rates(self, balanced_accuracy_of)

    def youden_j(self) -> float:
        """``Se + Sp - 1``; NaN and a warning unless both classes occur in y_true."""
        rates = _rates(self, "youden_j")
        return math.nan if rates is None else _of_exact_rates(self, youden_j_of)

    def likelihood_ratios(self) -> LikelihoodRatios:
        """``LR+`` and ``LR-``; see :func:`likelihood_ratios` for the undefined cases."""
        if _rates(self, "likelihood_ratios") is None:
            return LikelihoodRatios(math.nan, math.nan)
        tp, fp, fn, tn = self.tp, self.fp, self.fn, self.tn
        # Integer numerator and denominator, one rounding: Se/(1-Sp) = tp(tn+fp) / (fp(tp+fn)).
        if fp:
            positive = tp * (tn + fp) / (fp * (tp + fn))
        else:
            positive = warn_undefined(
                "likelihood_ratios: LR+ is undefined: specificity is 1 (fp = 0), so "
                "1 - specificity = 0; returning NaN"
            )
        if tn:
            negative = fn * (tn + fp) / (tn * (tp + fn))
        else:
            negative = warn_undefined(
                "likelihood_ratios: LR- is undefined: specificity is 0 (tn = 0); returning NaN"
            )
        return LikelihoodRatios(positive, negative)


def ratio_terms(metric: str, tp: Count, fp: Count, fn: Count, tn: Count) -> tuple[Count, Count]:
    """The numerator and denominator of a ratio metric, from the four counts: the one
    definition behind :meth:`ConfusionMatrix.counts`, the ratio methods and the
    bootstrap's ratio statistics (which pass per-case 0/1 indicators of each outcome,
    so that their weighted sums are a resample's counts).

    ``metric`` is one of ``Proportion`` or ``"f1_score"`` (``2 tp / (2 tp + fp + fn)``).
    """
    table = {
        "sensitivity": (tp, tp + fn),
        "specificity": (tn, tn + fp),
        "ppv": (tp, tp + fp),
        "npv": (tn, tn + fn),
        "accuracy": (tp + tn, tp + fp + fn + tn),
        "prevalence": (tp + fn, tp + fp + fn + tn),
        "f1_score": (2 * tp, 2 * tp + fp + fn),
    }
    return table[metric]


def undefined_reason(metric: str) -> str:
    """Why a ratio metric is undefined (its denominator 0), in the words of its warning:
    e.g. ``"there is no positive case in y_true (tp + fn = 0)"`` for sensitivity."""
    return _UNDEFINED[metric]


def balanced_accuracy_of(sensitivity: Rate, specificity: Rate) -> Rate:
    """``(Se + Sp) / 2``: balanced accuracy from its two rates (floats or arrays)."""
    return (sensitivity + specificity) / 2


def youden_j_of(sensitivity: Rate, specificity: Rate) -> Rate:
    """``Se + Sp - 1``: Youden's J from its two rates (floats or arrays)."""
    return sensitivity + specificity - 1


def _of_exact_rates(cm: ConfusionMatrix, combine: Callable[[Fraction, Fraction], Fraction]
                    ) -> float:
    """``combine`` (balanced accuracy's or Youden's J's formula) of Se and Sp in exact
    arithmetic, rounded once: the sum of the two rounded rates can fall an ulp below a
    value the counts give exactly ((0.82 + 0.98) / 2 is 0.8999999999999999 in floats,
    9/10 exactly), and a goal of 0.90 judged by the point rule would then fail."""
    return float(combine(Fraction(cm.tp, cm.tp + cm.fn), Fraction(cm.tn, cm.tn + cm.fp)))


def _value(cm: ConfusionMatrix, metric: str) -> float:
    """A ratio of ``cm`` without warning: NaN where undefined (for the callers that collect)."""
    numerator, denominator = ratio_terms(metric, cm.tp, cm.fp, cm.fn, cm.tn)
    return numerator / denominator if denominator else math.nan


def _checked(cm: ConfusionMatrix, metric: str) -> float:
    value = _value(cm, metric)
    if math.isnan(value):
        return warn_undefined(f"{metric} is undefined: {_UNDEFINED[metric]}; returning NaN")
    return value


def _rates(cm: ConfusionMatrix, metric: str) -> tuple[float, float] | None:
    """Sensitivity and specificity, or None after one warning naming what is missing."""
    se, sp = _value(cm, "sensitivity"), _value(cm, "specificity")
    pairs = (("sensitivity", se), ("specificity", sp))
    missing = [_UNDEFINED[name] for name, value in pairs if math.isnan(value)]
    if missing:
        warn_undefined(f"{metric} is undefined: {' and '.join(missing)}; returning NaN")
        return None
    return se, sp


def _count(truth: NDArray[np.bool_], pred: NDArray[np.bool_]) -> ConfusionMatrix:
    """The confusion matrix of two boolean arrays of equal length (True = positive)."""
    tn, fp, fn, tp = np.bincount(2 * truth.astype(np.int64) + pred, minlength=4).tolist()
    return ConfusionMatrix(tp=tp, fp=fp, fn=fn, tn=tn)
