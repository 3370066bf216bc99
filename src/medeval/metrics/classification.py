"""Binary classification: the confusion matrix and the ratios computed from it.

One :class:`ConfusionMatrix` feeds every ratio. Build it once with
:func:`confusion_matrix` and call its methods (``cm.sensitivity()``), or call the
functions (``sensitivity(y_true, y_pred)``), which build it and call the same method.

A case is positive when its label equals ``pos_label``; every other label is negative.
A ratio whose denominator is zero is undefined: it is NaN and an
:class:`~medeval.errors.UndefinedMetricWarning` says why — never a silent 0.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import (
    binary_labels,
    label_array,
    pos_label_kind,
    positive_label,
    same_index,
    same_length,
)
from ..errors import InvalidInputError
from ._confusion import (
    ConfusionMatrix,
    LikelihoodRatios,
    Proportion,
    _count,
)
from ._docs import _POS_LABEL_PARAMETER, _doc_sections

__all__ = [
    "ConfusionMatrix",
    "LikelihoodRatios",
    "Proportion",
    "accuracy",
    "balanced_accuracy",
    "confusion_matrix",
    "f1_score",
    "likelihood_ratios",
    "npv",
    "ppv",
    "prevalence",
    "sensitivity",
    "specificity",
    "youden_j",
]

_PAIR_PARAMETERS = f"""\
Parameters
----------
y_true : array-like of shape (n_cases,)
    Reference (ground-truth) labels: at most two distinct values, e.g. 0/1 or booleans.
y_pred : array-like of shape (n_cases,)
    Predicted labels (hard decisions, not scores) from the same two labels.
{_POS_LABEL_PARAMETER}"""

_PAIR_RAISES = """\
Raises
------
InvalidInputError
    If an array is not one-dimensional or holds NaN; if ``y_true`` and ``y_pred``
    hold more than two labels, alone or together, or two labels of which neither is
    ``pos_label``; if ``pos_label`` is not of the labels' kind (a number against text
    labels); or if the arrays differ in length."""

_RATIO_RETURNS = """\
Returns
-------
float
    In [0, 1], or NaN when undefined."""


_shared_doc = _doc_sections(
    pair_parameters=_PAIR_PARAMETERS, pair_raises=_PAIR_RAISES, ratio_returns=_RATIO_RETURNS
)


def _matrix(
    y_true: ArrayLike, y_pred: ArrayLike, pos_label: Hashable, func: str, *,
    either: bool = False,
) -> ConfusionMatrix:
    """Validate a pair of binary label arrays and count them. ``either``: the metric's
    value does not depend on which label is positive, so two labels need no pos_label."""
    return _count(*binary_pair(y_true, y_pred, pos_label, func, either=either))


def binary_pair(
    y_true: ArrayLike, y_pred: ArrayLike, pos_label: Hashable, func: str, *,
    either: bool = False,
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """A pair of binary label arrays validated as the confusion matrix's metrics read them
    (the bootstrap's named statistics too), as booleans: True where positive."""
    same_index(func, y_true=y_true, y_pred=y_pred)
    raw_true = label_array(y_true, name="y_true", func=func)
    raw_pred = label_array(y_pred, name="y_pred", func=func)
    _one_kind(raw_true, raw_pred, func)
    pos_label = positive_label(pos_label, raw_true, raw_pred, func=func, either=either)
    truth = binary_labels(raw_true, name="y_true", func=func, pos_label=pos_label)
    pred = binary_labels(raw_pred, name="y_pred", func=func, pos_label=pos_label)
    same_length(func, y_true=truth, y_pred=pred)
    together = set(np.unique(raw_true).tolist()) | set(np.unique(raw_pred).tolist())
    if len(together) > 2 or (len(together) == 2 and pos_label not in together):
        shown = sorted(together, key=repr)[:10]
        raise InvalidInputError(
            f"{func}: y_true and y_pred together hold the labels {shown}; a binary metric "
            f"needs at most two, one of them pos_label={pos_label!r}"
        )
    pos_label_kind(raw_true, pos_label, name="y_true", func=func)
    pos_label_kind(raw_pred, pos_label, name="y_pred", func=func)
    return truth, pred


def _one_kind(raw_true: NDArray[Any], raw_pred: NDArray[Any], func: str) -> None:
    """Raise when one array holds text labels and the other numbers (a reference read
    from a CSV as '0'/'1' against a model's 0/1): 1 and '1' are two labels, and the
    pos_label= advice that two labels of another kind would get leads nowhere (the
    other array then refuses it)."""
    if not (raw_true.size and raw_pred.size):
        return
    uniques = [np.unique(raw_true).tolist(), np.unique(raw_pred).tolist()]
    kinds = [{isinstance(v, (str, bytes)) for v in unique} for unique in uniques]
    if kinds[0] == kinds[1] or not all(len(k) == 1 for k in kinds):
        return
    text, numbers = ("y_true", "y_pred") if kinds[0] == {True} else ("y_pred", "y_true")
    shown = {name: ", ".join(repr(v) for v in unique[:10])
             for name, unique in zip(("y_true", "y_pred"), uniques)}
    same = {str(v) for v in uniques[0]} & {str(v) for v in uniques[1]}
    flags = (raw_true if numbers == "y_true" else raw_pred).dtype == np.bool_
    advice = (f"[v == 'True' for v in {text}]" if same and flags
              else f"[int(v) for v in {text}] or [str(v) for v in {numbers}]" if same
              else f"{numbers} written in {text}'s labels")
    raise InvalidInputError(
        f"{func}: {text} holds text labels ({shown[text]}) and {numbers} "
        f"{'booleans' if flags else 'numbers'} "
        f"({shown[numbers]}); a reference and a decision are compared as they are (1 and "
        f"'1' are two labels), so give both in one kind, e.g. {advice}"
    )


@_shared_doc
def confusion_matrix(
    y_true: ArrayLike, y_pred: ArrayLike, *, pos_label: Hashable | None = None
) -> ConfusionMatrix:
    r"""Count true and false positives and negatives.

    .. math::

        TP = \#\{i : t_i = p_i = +\}, \quad FP = \#\{i : t_i = -, p_i = +\},
        \quad FN = \#\{i : t_i = +, p_i = -\}, \quad TN = \#\{i : t_i = p_i = -\}

    %(pair_parameters)s

    Returns
    -------
    ConfusionMatrix
        The counts; ``.as_array()`` gives scikit-learn's ``[[tn, fp], [fn, tp]]``.

    %(pair_raises)s

    Notes
    -----
    Empty arrays give ``ConfusionMatrix(0, 0, 0, 0)``, on which every ratio is undefined.
    One label alone is valid: ``[0, 0]`` holds no positive case (with ``pos_label=1``).

    References
    ----------
    .. [1] Yerushalmy J. Statistical problems in assessing methods of medical diagnosis,
       with special reference to X-ray techniques. Public Health Rep. 1947;62(40):1432-49.

    Examples
    --------
    >>> cm = confusion_matrix([1, 1, 0, 0, 0], [1, 0, 1, 0, 0])
    >>> cm
    ConfusionMatrix(tp=1, fp=1, fn=1, tn=2)
    >>> confusion_matrix(["flu", "ok"], ["flu", "flu"], pos_label="flu").fp
    1
    """
    return _matrix(y_true, y_pred, pos_label, "confusion_matrix")


@_shared_doc
def sensitivity(
    y_true: ArrayLike, y_pred: ArrayLike, *, pos_label: Hashable | None = None
) -> float:
    r"""Sensitivity (recall, true-positive rate): the share of positive cases found.

    .. math:: \mathrm{Se} = \frac{TP}{TP + FN}

    %(pair_parameters)s

    %(ratio_returns)s

    %(pair_raises)s

    Warns
    -----
    UndefinedMetricWarning
        When ``y_true`` holds no positive case (TP + FN = 0); the value is NaN.

    Notes
    -----
    No positive case in ``y_true``: NaN with a warning. Positives but none predicted
    positive: 0 (defined). Empty input: NaN with a warning.
    ``confusion_matrix(...).counts("sensitivity")`` gives (TP, TP + FN) for an interval.

    References
    ----------
    .. [1] Yerushalmy J. Statistical problems in assessing methods of medical diagnosis,
       with special reference to X-ray techniques. Public Health Rep. 1947;62(40):1432-49.
    .. [2] Altman DG, Bland JM. Diagnostic tests 1: sensitivity and specificity.
       BMJ. 1994;308(6943):1552.

    Examples
    --------
    >>> sensitivity([1, 1, 1, 1, 0], [1, 1, 1, 0, 1])
    0.75
    """
    return _matrix(y_true, y_pred, pos_label, "sensitivity").sensitivity()


@_shared_doc
def specificity(
    y_true: ArrayLike, y_pred: ArrayLike, *, pos_label: Hashable | None = None
) -> float:
    r"""Specificity (true-negative rate): the share of negative cases called negative.

    .. math:: \mathrm{Sp} = \frac{TN}{TN + FP}

    %(pair_parameters)s

    %(ratio_returns)s

    %(pair_raises)s

    Warns
    -----
    UndefinedMetricWarning
        When ``y_true`` holds no negative case (TN + FP = 0); the value is NaN.

    Notes
    -----
    No negative case in ``y_true``: NaN with a warning. Negatives but none predicted
    negative: 0 (defined). Empty input: NaN with a warning.
    ``confusion_matrix(...).counts("specificity")`` gives (TN, TN + FP).

    References
    ----------
    .. [1] Yerushalmy J. Public Health Rep. 1947;62(40):1432-49.
    .. [2] Altman DG, Bland JM. Diagnostic tests 1: sensitivity and specificity.
       BMJ. 1994;308(6943):1552.

    Examples
    --------
    >>> specificity([0, 0, 0, 0, 1], [0, 0, 0, 1, 1])
    0.75
    """
    return _matrix(y_true, y_pred, pos_label, "specificity").specificity()


@_shared_doc
def ppv(y_true: ArrayLike, y_pred: ArrayLike, *, pos_label: Hashable | None = None) -> float:
    r"""Positive predictive value (precision): the share of positive calls that are right.

    .. math:: \mathrm{PPV} = \frac{TP}{TP + FP}

    %(pair_parameters)s

    %(ratio_returns)s

    %(pair_raises)s

    Warns
    -----
    UndefinedMetricWarning
        When no case is predicted positive (TP + FP = 0); the value is NaN.

    Notes
    -----
    No case predicted positive: NaN with a warning (scikit-learn's ``precision_score``
    returns 0 by default). Predicted positives but no positive case: 0 (defined).
    PPV depends on the prevalence of the test set. Counts: ``counts("ppv")``.

    References
    ----------
    .. [1] Altman DG, Bland JM. Diagnostic tests 2: predictive values.
       BMJ. 1994;309(6947):102.

    Examples
    --------
    >>> ppv([1, 1, 0, 0, 0], [1, 1, 1, 1, 0])
    0.5
    """
    return _matrix(y_true, y_pred, pos_label, "ppv").ppv()


@_shared_doc
def npv(y_true: ArrayLike, y_pred: ArrayLike, *, pos_label: Hashable | None = None) -> float:
    r"""Negative predictive value: the share of negative calls that are right.

    .. math:: \mathrm{NPV} = \frac{TN}{TN + FN}

    %(pair_parameters)s

    %(ratio_returns)s

    %(pair_raises)s

    Warns
    -----
    UndefinedMetricWarning
        When no case is predicted negative (TN + FN = 0); the value is NaN.

    Notes
    -----
    No case predicted negative: NaN with a warning. Predicted negatives but no negative
    case: 0 (defined). NPV depends on the prevalence. Counts: ``counts("npv")``.

    References
    ----------
    .. [1] Altman DG, Bland JM. Diagnostic tests 2: predictive values.
       BMJ. 1994;309(6947):102.

    Examples
    --------
    >>> npv([1, 0, 0, 0, 1], [1, 0, 0, 0, 0])
    0.75
    """
    return _matrix(y_true, y_pred, pos_label, "npv").npv()


@_shared_doc
def accuracy(y_true: ArrayLike, y_pred: ArrayLike, *, pos_label: Hashable | None = None) -> float:
    r"""Accuracy: the share of cases classified correctly.

    .. math:: \mathrm{Acc} = \frac{TP + TN}{TP + FP + FN + TN}

    %(pair_parameters)s

    %(ratio_returns)s

    %(pair_raises)s

    Warns
    -----
    UndefinedMetricWarning
        When there is no case (n = 0); the value is NaN.

    Notes
    -----
    Empty input: NaN with a warning. Accuracy depends on the prevalence; see
    :func:`balanced_accuracy`. Counts: ``counts("accuracy")`` gives (TP + TN, n). The
    value is the same whichever label is positive, so two labels other than 0/1 (text)
    need no ``pos_label``.

    References
    ----------
    .. [1] Šimundić AM. Measures of diagnostic accuracy: basic definitions.
       EJIFCC. 2009;19(4):203-11.

    Examples
    --------
    >>> accuracy([1, 1, 0, 0], [1, 0, 0, 0])
    0.75
    """
    return _matrix(y_true, y_pred, pos_label, "accuracy", either=True).accuracy()


@_shared_doc
def balanced_accuracy(
    y_true: ArrayLike, y_pred: ArrayLike, *, pos_label: Hashable | None = None
) -> float:
    r"""Balanced accuracy: the mean of sensitivity and specificity.

    .. math:: \mathrm{BA} = \frac{1}{2}\left(\frac{TP}{TP + FN} + \frac{TN}{TN + FP}\right)

    %(pair_parameters)s

    %(ratio_returns)s

    %(pair_raises)s

    Warns
    -----
    UndefinedMetricWarning
        When ``y_true`` lacks positive or negative cases; the value is NaN.

    Notes
    -----
    Only one class in ``y_true``: NaN with a warning. (scikit-learn's
    ``balanced_accuracy_score`` then returns the recall of the class present.) The value
    is the same whichever label is positive, so two labels other than 0/1 (text) need
    no ``pos_label``.

    References
    ----------
    .. [1] Brodersen KH, Ong CS, Stephan KE, Buhmann JM. The balanced accuracy and its
       posterior distribution. Proc. 20th ICPR. 2010:3121-4.

    Examples
    --------
    >>> balanced_accuracy([1, 1, 0, 0, 0, 0], [1, 0, 0, 0, 0, 1])  # (1/2 + 3/4) / 2
    0.625
    """
    return _matrix(
        y_true, y_pred, pos_label, "balanced_accuracy", either=True
    ).balanced_accuracy()


@_shared_doc
def f1_score(y_true: ArrayLike, y_pred: ArrayLike, *, pos_label: Hashable | None = None) -> float:
    r"""F1 score: the harmonic mean of PPV and sensitivity.

    .. math:: F_1 = \frac{2\,TP}{2\,TP + FP + FN}

    %(pair_parameters)s

    %(ratio_returns)s

    %(pair_raises)s

    Warns
    -----
    UndefinedMetricWarning
        When there is no positive case in ``y_true`` and none in ``y_pred``
        (2 TP + FP + FN = 0); the value is NaN.

    Notes
    -----
    Computed from the counts, so it is defined (and 0) when TP = 0 but FP + FN > 0, even
    where PPV or sensitivity is undefined. No positive in either array: NaN with a
    warning (scikit-learn returns 0 by default). F1 ignores TN.

    References
    ----------
    .. [1] van Rijsbergen CJ. Information Retrieval. 2nd ed. London: Butterworths; 1979.
       Chapter 7 (the effectiveness measure E; F = 1 - E with beta = 1).

    Examples
    --------
    >>> f1_score([1, 1, 1, 0, 0], [1, 1, 0, 1, 0])  # 2*2 / (2*2 + 1 + 1)
    0.6666666666666666
    """
    return _matrix(y_true, y_pred, pos_label, "f1_score").f1_score()


@_shared_doc
def youden_j(y_true: ArrayLike, y_pred: ArrayLike, *, pos_label: Hashable | None = None) -> float:
    r"""Youden's index J: sensitivity plus specificity minus one.

    .. math:: J = \frac{TP}{TP + FN} + \frac{TN}{TN + FP} - 1

    %(pair_parameters)s

    Returns
    -------
    float
        In [-1, 1], or NaN when undefined.

    %(pair_raises)s

    Warns
    -----
    UndefinedMetricWarning
        When ``y_true`` lacks positive or negative cases; the value is NaN.

    Notes
    -----
    Only one class in ``y_true``: NaN with a warning. J = 0 for a test that calls every
    case positive (or every case negative); J < 0 is worse than chance and is not flipped.

    References
    ----------
    .. [1] Youden WJ. Index for rating diagnostic tests. Cancer. 1950;3(1):32-5.

    Examples
    --------
    >>> youden_j([1, 1, 0, 0, 0, 0], [1, 0, 0, 0, 0, 1])  # 1/2 + 3/4 - 1
    0.25
    """
    return _matrix(y_true, y_pred, pos_label, "youden_j").youden_j()


@_shared_doc
def likelihood_ratios(
    y_true: ArrayLike, y_pred: ArrayLike, *, pos_label: Hashable | None = None
) -> LikelihoodRatios:
    r"""Positive and negative likelihood ratios.

    .. math::

        LR^{+} = \frac{\mathrm{Se}}{1 - \mathrm{Sp}} = \frac{TP\,(TN + FP)}{FP\,(TP + FN)},
        \qquad
        LR^{-} = \frac{1 - \mathrm{Se}}{\mathrm{Sp}} = \frac{FN\,(TN + FP)}{TN\,(TP + FN)}

    %(pair_parameters)s

    Returns
    -------
    LikelihoodRatios
        A named tuple ``(positive, negative)``, each in [0, inf) or NaN.

    %(pair_raises)s

    Warns
    -----
    UndefinedMetricWarning
        When ``y_true`` lacks positive or negative cases (both NaN), when FP = 0 (LR+ is
        NaN), or when TN = 0 (LR- is NaN).

    Notes
    -----
    Only one class in ``y_true``: both NaN, one warning. Specificity 1 (FP = 0): LR+ is
    NaN, not infinity, also when sensitivity is 0. Specificity 0 (TN = 0): LR- is NaN.
    Each ratio is computed from integer counts with one rounding.

    References
    ----------
    .. [1] Deeks JJ, Altman DG. Diagnostic tests 4: likelihood ratios.
       BMJ. 2004;329(7458):168-9.

    Examples
    --------
    >>> lr = likelihood_ratios([1, 1, 1, 1, 0, 0, 0, 0], [1, 1, 1, 0, 1, 0, 0, 0])
    >>> lr.positive, lr.negative  # (3/4) / (1/4) and (1/4) / (3/4)
    (3.0, 0.3333333333333333)
    """
    return _matrix(y_true, y_pred, pos_label, "likelihood_ratios").likelihood_ratios()


@_shared_doc
def prevalence(y_true: ArrayLike, *, pos_label: Hashable | None = None) -> float:
    r"""Prevalence: the share of positive cases in the reference.

    .. math:: \pi = \frac{TP + FN}{n}

    Parameters
    ----------
    y_true : array-like of shape (n_cases,)
        Reference labels: at most two distinct values.
    pos_label : hashable, optional
        The label of the positive class; by default 1 where the labels are 0/1, -1/1 or
        booleans (any other labels must name it).

    %(ratio_returns)s

    Raises
    ------
    InvalidInputError
        If ``y_true`` is not one-dimensional, holds NaN, more than two labels, two labels
        of which neither is ``pos_label``, or labels not of ``pos_label``'s kind.

    Warns
    -----
    UndefinedMetricWarning
        When ``y_true`` is empty; the value is NaN.

    Notes
    -----
    Empty input: NaN with a warning. No positive case: 0 (defined).

    References
    ----------
    .. [1] Altman DG, Bland JM. Diagnostic tests 2: predictive values.
       BMJ. 1994;309(6947):102.

    Examples
    --------
    >>> prevalence([1, 0, 0, 0])
    0.25
    """
    return _matrix(y_true, y_true, pos_label, "prevalence").prevalence()
