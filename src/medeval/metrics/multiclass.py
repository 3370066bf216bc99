"""Multi-class classification: the k x k confusion matrix, one-vs-rest ratios, kappa.

One :class:`MulticlassConfusionMatrix` feeds the rest: its ``one_vs_rest()`` splits it
into binary :class:`~medeval.metrics.ConfusionMatrix` records, its ``metric()`` averages
their ratios and its ``kappa()`` gives Cohen's kappa. The functions build the
matrix from ``y_true`` and ``y_pred`` and call the same methods.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import (
    _positions,
    as_1d,
    choice,
    label_array,
    nfc,
    same_index,
    same_length,
    warn_undefined,
)
from ..errors import InvalidInputError
from ._confusion import _UNDEFINED, ConfusionMatrix, _value, ratio_terms
from ._docs import _doc_sections

__all__ = [
    "Average",
    "ClassMetric",
    "KappaWeights",
    "MulticlassConfusionMatrix",
    "cohen_kappa",
    "multiclass_confusion_matrix",
    "multiclass_metric",
    "one_vs_rest",
]

ClassMetric = Literal["sensitivity", "specificity", "ppv", "npv", "f1"]
Average = Literal["macro", "micro", "weighted"]
KappaWeights = Literal["linear", "quadratic"]

_METRICS = ("sensitivity", "specificity", "ppv", "npv", "f1")
_AVERAGES = ("macro", "micro", "weighted")

_multiclass_doc = _doc_sections(
    labels_parameters="""\
Parameters
----------
y_true : array-like of shape (n_cases,)
    Reference labels (any hashable, orderable values: integers, strings).
y_pred : array-like of shape (n_cases,)
    Predicted labels (hard decisions).""",
    labels_parameter="""\
labels : array-like, optional
    The classes, in the order of the matrix's rows and columns. Default: the sorted
    union of the labels in ``y_true`` and ``y_pred``. Classes absent from the data are
    allowed (their row and column are zero); a label in the data but not in ``labels``
    is an error, never silently dropped.""",
    labels_raises="""\
Raises
------
InvalidInputError
    If an array is not one-dimensional, holds NaN, or the arrays differ in length; if
    ``labels`` is empty or repeats a label; if the data hold a label not in
    ``labels``; or if the labels cannot be sorted (mixed kinds) and ``labels`` is not
    given.""",
)


@dataclass(frozen=True, eq=False)
class MulticlassConfusionMatrix:
    """Counts of reference class (rows) against predicted class (columns).

    Parameters
    ----------
    matrix : array-like of shape (k, k)
        Non-negative integer counts; ``matrix[i, j]`` is the number of cases of
        reference class ``labels[i]`` predicted as ``labels[j]`` (scikit-learn's layout).
        Stored as a read-only int64 copy.
    labels : sequence of length k
        The classes, in the order of the rows and columns.

    Raises
    ------
    InvalidInputError
        If the matrix is not square, holds negative or non-integer counts, or its size
        does not match ``labels``, or ``labels`` repeats a label.

    Examples
    --------
    >>> cm = MulticlassConfusionMatrix([[5, 1, 0], [2, 6, 1], [0, 1, 4]], ["a", "b", "c"])
    >>> cm.n, cm.support.tolist()
    (20, [6, 9, 5])
    >>> cm.one_vs_rest()["b"]
    ConfusionMatrix(tp=6, fp=2, fn=3, tn=9)
    """

    matrix: NDArray[np.int64]
    labels: tuple[Hashable, ...]

    def __post_init__(self) -> None:
        func = "MulticlassConfusionMatrix"
        raw = np.asarray(self.matrix)
        labels = tuple(self.labels)
        if raw.ndim != 2 or raw.shape[0] != raw.shape[1] or raw.shape[0] != len(labels):
            raise InvalidInputError(
                f"{func}: matrix must be square with one row per label; got shape "
                f"{raw.shape} for {len(labels)} labels"
            )
        if raw.size and (raw.dtype.kind not in "iu" or raw.min() < 0):
            raise InvalidInputError(f"{func}: counts must be non-negative integers")
        if len(set(labels)) != len(labels):
            raise InvalidInputError(f"{func}: labels repeat a label: {list(labels)}")
        matrix = raw.astype(np.int64)  # a copy, so the caller's array cannot change it
        matrix.setflags(write=False)
        object.__setattr__(self, "matrix", matrix)
        object.__setattr__(self, "labels", labels)

    @property
    def n(self) -> int:
        """The number of cases."""
        return int(self.matrix.sum())

    @property
    def support(self) -> NDArray[np.int64]:
        """The number of reference cases of each class (the row sums)."""
        rows: NDArray[np.int64] = self.matrix.sum(axis=1)
        return rows

    def one_vs_rest(self) -> dict[Hashable, ConfusionMatrix]:
        """One binary confusion matrix per class, that class against all the others.

        For class ``i``: tp = M[i, i], fn = row sum - tp, fp = column sum - tp,
        tn = n - tp - fn - fp.
        """
        rows, cols, n = self.matrix.sum(axis=1), self.matrix.sum(axis=0), self.n
        result = {}
        for i, label in enumerate(self.labels):
            tp = int(self.matrix[i, i])
            fn, fp = int(rows[i]) - tp, int(cols[i]) - tp
            result[label] = ConfusionMatrix(tp=tp, fp=fp, fn=fn, tn=n - tp - fn - fp)
        return result

    def metric(
        self, metric: ClassMetric, *, average: Average | None
    ) -> float | dict[Hashable, float]:
        """A one-vs-rest ratio, per class or averaged; see :func:`multiclass_metric`."""
        func = "multiclass_metric"
        name = choice(metric, _METRICS, name="metric", func=func)
        if average is not None:
            choice(average, _AVERAGES, name="average", func=func)
        key = "f1_score" if name == "f1" else name
        per_class = self.one_vs_rest()
        values = {label: _value(cm, key) for label, cm in per_class.items()}
        if average is None:
            _warn_classes(name, key, [label for label, v in values.items() if math.isnan(v)])
            return values
        if average == "micro":
            pooled = sum(per_class.values(), ConfusionMatrix(0, 0, 0, 0))
            value = _value(pooled, key)
            if math.isnan(value):
                return warn_undefined(
                    f"{func}: micro-averaged {name} is undefined: in the pooled counts "
                    f"{_UNDEFINED[key]}; returning NaN"
                )
            return value
        if not values or (average == "weighted" and self.n == 0):
            return warn_undefined(
                f"{func}: {average}-averaged {name} is undefined: there is no "
                f"{'class' if not values else 'case'}; returning NaN"
            )
        if average == "macro":
            weights = np.full(len(values), 1.0 / len(values))
        else:
            weights = self.support / self.n
        used = weights > 0  # a class without reference cases weighs 0 in "weighted"
        value_array = np.fromiter(values.values(), dtype=np.float64, count=len(values))
        pairs = zip(values, used & np.isnan(value_array), strict=True)
        missing = [label for label, undefined_with_weight in pairs if undefined_with_weight]
        if missing:
            _warn_classes(name, key, missing, f"{average}-averaged ")
            return math.nan
        # The rates as fractions of the counts, averaged and rounded once: a float mean
        # of rounded rates can land an ulp off (0.7, 0.7, 0.7 -> 0.6999999999999998).
        terms = [ratio_terms(key, cm.tp, cm.fp, cm.fn, cm.tn) for cm in per_class.values()]
        if average == "macro":
            return float(sum(Fraction(a, d) for a, d in terms) / len(terms))
        weighed = zip(self.support.tolist(), terms, strict=True)
        return float(sum(Fraction(s * a, d) for s, (a, d) in weighed if s > 0) / self.n)

    def kappa(self, *, weights: KappaWeights | None = None) -> float:
        """Cohen's kappa of the rows against the columns; see :func:`cohen_kappa`."""
        func = "cohen_kappa"
        if weights is not None:
            choice(weights, ("linear", "quadratic"), name="weights", func=func)
        k = len(self.labels)
        position = np.arange(k)
        distance = np.abs(position[:, None] - position[None, :])
        weight = {None: (distance > 0), "linear": distance, "quadratic": distance**2}
        w = weight[weights].astype(np.int64)
        rows, cols = self.matrix.sum(axis=1), self.matrix.sum(axis=0)
        # All integers: kappa = 1 - n * sum(w O) / sum(w r c') = (den - num) / den, one rounding.
        observed = self.n * int(np.sum(w * self.matrix))
        expected = int(np.sum(w * np.outer(rows, cols)))
        if expected == 0:
            reason = (
                "there is no case"
                if self.n == 0
                else "the expected disagreement is 0 (both use one and the same class only)"
            )
            return warn_undefined(f"{func}: kappa is undefined: {reason}; returning NaN")
        return (expected - observed) / expected


def _warn_classes(name: str, key: str, classes: list[Hashable], prefix: str = "") -> None:
    if classes:
        warn_undefined(
            f"multiclass_metric: {prefix}{name} is undefined for class(es) {classes}: for "
            f"that class against the rest, {_UNDEFINED[key]}; returning NaN"
        )


def _kinds_advice(uniques: list[list[Any]]) -> str:
    """What to do when the labels mix kinds. Where one array holds numbers and the other
    the same labels as text (grades read from a CSV as '1', '2' against a model's 1, 2),
    ``labels=`` would make 1 and '1' two classes, every case wrong: say so.

    >>> _kinds_advice([[0, 1], ["0", "1"]])[:60]
    "y_true holds numbers and y_pred text ('0', '1'), the same la"
    >>> _kinds_advice([[0, 1], ["a", "b"]])
    'pass labels= in the order wanted'
    """
    kinds = [{isinstance(v, str) for v in unique} for unique in uniques]
    if kinds[0] != kinds[1] and all(len(k) == 1 for k in kinds) \
            and {str(v) for v in uniques[0]} & {str(v) for v in uniques[1]}:
        text, numbers = ("y_true", "y_pred") if kinds[0] == {True} else ("y_pred", "y_true")
        shown = ", ".join(repr(v) for v in uniques[0 if text == "y_true" else 1][:10])
        return (f"{numbers} holds numbers and {text} text ({shown}), the same labels "
                "written in two kinds (2 and '2' are two labels here, and labels= would "
                "make every such case wrong): give both in one kind, e.g. "
                f"[int(v) for v in {text}] or [str(v) for v in {numbers}]")
    return "pass labels= in the order wanted"


def _encode(
    y_true: ArrayLike, y_pred: ArrayLike, labels: ArrayLike | None, func: str
) -> MulticlassConfusionMatrix:
    """Validate two label arrays and count them into a k x k matrix."""
    same_index(func, y_true=y_true, y_pred=y_pred)
    arrays = {"y_true": label_array(y_true, name="y_true", func=func)}
    arrays["y_pred"] = label_array(y_pred, name="y_pred", func=func)
    same_length(func, **arrays)
    uniques, inverses = [], []
    for name, array in arrays.items():
        if array.dtype.kind == "f" and np.isnan(array).any():
            raise InvalidInputError(
                f"{func}: {name} contains NaN at position(s) {_positions(np.isnan(array))}"
            )
        try:
            unique, inverse = np.unique(array, return_inverse=True)
        except TypeError:
            raise InvalidInputError(
                f"{func}: {name} mixes labels of kinds that cannot be compared"
            ) from None
        uniques.append(unique.tolist())
        inverses.append(inverse.reshape(-1))
    seen = set(uniques[0]) | set(uniques[1])
    if labels is None:
        try:
            classes: list[Any] = sorted(seen)
        except TypeError:
            raise InvalidInputError(
                f"{func}: the labels {sorted(seen, key=repr)[:10]} are of kinds that cannot "
                f"be sorted; {_kinds_advice(uniques)}"
            ) from None
    else:
        classes = [nfc(label) for label in as_1d(
            np.asarray(labels, dtype=object), name="labels", func=func).tolist()]
        try:
            set(classes)
        except TypeError:
            raise InvalidInputError(
                f"{func}: labels must be a flat list of class labels, got {labels!r}"
            ) from None
        if not classes or len(set(classes)) != len(classes):
            raise InvalidInputError(f"{func}: labels must be non-empty and unique, got {classes}")
        unknown = seen - set(classes)
        if unknown:
            # [0, 1] against labels=['0', '1'] print alike but for the quotes: say why
            kinds = ("; they are numbers where labels holds text, or text where it holds "
                     "numbers (2 and '2' are two labels here): give the labels in the data's "
                     "kind" if {str(label) for label in unknown} <= {str(c) for c in classes}
                     else "; add them to labels or remove those cases")
            raise InvalidInputError(
                f"{func}: y_true or y_pred hold label(s) {sorted(unknown, key=repr)[:10]} not "
                f"in labels={classes}{kinds}"
            )
    index = {label: i for i, label in enumerate(classes)}
    k = len(classes)
    codes = [
        np.array([index[v] for v in unique], dtype=np.int64)[inverse]
        for unique, inverse in zip(uniques, inverses, strict=True)
    ]
    counts = np.bincount(codes[0] * k + codes[1], minlength=k * k).reshape(k, k)
    return MulticlassConfusionMatrix(counts, tuple(classes))


@_multiclass_doc
def multiclass_confusion_matrix(
    y_true: ArrayLike, y_pred: ArrayLike, *, labels: ArrayLike | None = None
) -> MulticlassConfusionMatrix:
    r"""Count the cases of each reference class by predicted class.

    .. math:: M_{ij} = \#\{c : t_c = \ell_i,\ p_c = \ell_j\}

    %(labels_parameters)s
    %(labels_parameter)s

    Returns
    -------
    MulticlassConfusionMatrix
        ``matrix`` (rows = reference, columns = prediction, as scikit-learn's
        ``confusion_matrix``) and ``labels``.

    %(labels_raises)s

    Notes
    -----
    Empty arrays give a matrix of zeros (0 x 0 when ``labels`` is not given).
    Nothing here is undefined, so this function never warns.

    References
    ----------
    .. [1] Stehman SV. Selecting and interpreting measures of thematic classification
       accuracy. Remote Sens Environ. 1997;62(1):77-89.

    Examples
    --------
    >>> cm = multiclass_confusion_matrix(["a", "b", "b", "c"], ["a", "b", "c", "c"])
    >>> cm.labels
    ('a', 'b', 'c')
    >>> cm.matrix.tolist()
    [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    """
    return _encode(y_true, y_pred, labels, "multiclass_confusion_matrix")


@_multiclass_doc
def one_vs_rest(
    y_true: ArrayLike, y_pred: ArrayLike, *, labels: ArrayLike | None = None
) -> dict[Hashable, ConfusionMatrix]:
    r"""Split a multi-class result into one binary confusion matrix per class.

    .. math::

        TP_i = M_{ii},\quad FN_i = \sum_j M_{ij} - M_{ii},\quad
        FP_i = \sum_j M_{ji} - M_{ii},\quad TN_i = n - TP_i - FN_i - FP_i

    %(labels_parameters)s
    %(labels_parameter)s

    Returns
    -------
    dict
        ``{label: ConfusionMatrix}`` in the order of the labels.

    %(labels_raises)s

    Notes
    -----
    Never warns; the ratios of each matrix warn when undefined.

    References
    ----------
    .. [1] Sokolova M, Lapalme G. A systematic analysis of performance measures for
       classification tasks. Inf Process Manag. 2009;45(4):427-37.

    Examples
    --------
    >>> one_vs_rest([0, 1, 2, 2], [0, 2, 2, 1])[2]
    ConfusionMatrix(tp=1, fp=1, fn=1, tn=1)
    """
    return _encode(y_true, y_pred, labels, "one_vs_rest").one_vs_rest()


@overload
def multiclass_metric(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    metric: ClassMetric,
    average: Average,
    labels: ArrayLike | None = None,
) -> float: ...


@overload
def multiclass_metric(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    metric: ClassMetric,
    average: None,
    labels: ArrayLike | None = None,
) -> dict[Hashable, float]: ...


@_multiclass_doc
def multiclass_metric(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    metric: ClassMetric,
    average: Average | None,
    labels: ArrayLike | None = None,
) -> float | dict[Hashable, float]:
    r"""A one-vs-rest ratio for each class, or its macro, micro or weighted average.

    .. math::

        \text{macro} = \frac{1}{k}\sum_{i=1}^{k} m_i,\qquad
        \text{weighted} = \sum_{i=1}^{k} \frac{n_i}{n}\, m_i,\qquad
        \text{micro} = m\Big(\sum_i TP_i, \sum_i FP_i, \sum_i FN_i, \sum_i TN_i\Big)

    where :math:`m_i` is the metric of class *i* against the rest and :math:`n_i` the
    number of reference cases of class *i*.

    %(labels_parameters)s
    metric : {"sensitivity", "specificity", "ppv", "npv", "f1"}
        The binary ratio (``"f1"`` is :func:`~medeval.metrics.f1_score`). Required.
    average : {"macro", "micro", "weighted"} or None
        How to combine the classes; None returns each class's value. Required, so that
        the choice is written down.
    %(labels_parameter)s

    Returns
    -------
    float or dict
        The average in [0, 1] or NaN; with ``average=None``, ``{label: value}``.

    %(labels_raises)s
        Also if ``metric`` or ``average`` is not one of the names above.

    Warns
    -----
    UndefinedMetricWarning
        When a class's value is undefined (e.g. sensitivity of a class with no reference
        case, PPV of a class never predicted), naming the classes; when the pooled micro
        counts are undefined; when there is no class or no case.

    Notes
    -----
    *Per class* (``None``): undefined classes are NaN, one warning names them all.
    *Macro*: NaN with a warning if any class is undefined — never averaged over the
    defined classes only (scikit-learn counts them as 0). Macro F1 is the mean of the
    per-class F1, not the F1 of the mean PPV and sensitivity.
    *Weighted*: weights are reference support :math:`n_i / n`, as scikit-learn; a class
    with no reference case weighs 0 and is left out even when its value is undefined;
    any undefined class of positive weight makes the average NaN with a warning.
    *Micro*: the ratio of the summed one-vs-rest counts. When ``labels`` covers every
    case, micro sensitivity = micro PPV = micro F1 = accuracy.

    References
    ----------
    .. [1] Sokolova M, Lapalme G. A systematic analysis of performance measures for
       classification tasks. Inf Process Manag. 2009;45(4):427-37.

    Examples
    --------
    >>> y_true = [0, 0, 1, 1, 2, 2]
    >>> y_pred = [0, 1, 1, 1, 2, 0]
    >>> multiclass_metric(y_true, y_pred, metric="sensitivity", average=None)
    {0: 0.5, 1: 1.0, 2: 0.5}
    >>> multiclass_metric(y_true, y_pred, metric="sensitivity", average="macro")  # 2/3
    0.6666666666666666
    """
    cm = _encode(y_true, y_pred, labels, "multiclass_metric")
    return cm.metric(metric, average=average)


@_multiclass_doc
def cohen_kappa(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    weights: KappaWeights | None = None,
    labels: ArrayLike | None = None,
) -> float:
    r"""Cohen's kappa: agreement beyond chance, optionally weighted for ordinal grades.

    .. math::

        \kappa_w = 1 - \frac{\sum_{ij} w_{ij} O_{ij}}{\sum_{ij} w_{ij} E_{ij}},\qquad
        E_{ij} = \frac{O_{i\cdot}\, O_{\cdot j}}{n}

    with :math:`O` the confusion matrix and :math:`w_{ij}` = 0 if *i* = *j* else 1
    (unweighted, which is :math:`(p_o - p_e)/(1 - p_e)`), :math:`|i - j|` (linear) or
    :math:`(i - j)^2` (quadratic), *i* and *j* being positions in ``labels``.

    %(labels_parameters)s
    weights : {None, "linear", "quadratic"}, default None
        Disagreement weights; None is Cohen's (1960) unweighted kappa.
    %(labels_parameter)s
        For weighted kappa this is the ordinal scale: pass every grade, in order; with
        text labels it is required (their alphabetical order is not a scale).

    Returns
    -------
    float
        In [-1, 1], or NaN when undefined.

    %(labels_raises)s
        Also if ``weights`` is not one of the values above, or is given for text labels
        without ``labels`` (the order of the scale).

    Warns
    -----
    UndefinedMetricWarning
        When the expected weighted disagreement is 0 — both arrays use one and the same
        class only — or there is no case; the value is NaN.

    Notes
    -----
    The weights use the *positions* of the labels, not their values: with grades
    1, 2, 5 the linear weight between 1 and 5 is 2. By default the positions come from
    the labels observed, so a grade nobody used is missing from the scale — pass
    ``labels`` with the full scale. Computed from integer sums with one rounding.
    Symmetric in ``y_true`` and ``y_pred``.

    References
    ----------
    .. [1] Cohen J. A coefficient of agreement for nominal scales. Educ Psychol Meas.
       1960;20(1):37-46.
    .. [2] Cohen J. Weighted kappa: nominal scale agreement with provision for scaled
       disagreement or partial credit. Psychol Bull. 1968;70(4):213-20.

    Examples
    --------
    >>> # p_o = 3/4, p_e = (2*1 + 2*3) / 16 = 1/2, kappa = (3/4 - 1/2) / (1 - 1/2)
    >>> cohen_kappa([0, 0, 1, 1], [0, 1, 1, 1])
    0.5
    """
    func = "cohen_kappa"
    if weights is not None:
        choice(weights, ("linear", "quadratic"), name="weights", func=func)
    cm = _encode(y_true, y_pred, labels, func)
    if weights is not None and labels is None:
        text = [label for label in cm.labels
                if not isinstance(label, (int, float, np.number))]
        if text:
            raise InvalidInputError(
                f"{func}: weights={weights!r} reads the order of the labels as the ordinal "
                f"scale, but the labels {list(cm.labels)[:10]} are text, whose sorted "
                "(alphabetical) order need not be the scale's ('high' < 'low' < 'medium', "
                "'10' < '2'); pass labels= every grade in order, e.g. "
                "labels=['low', 'medium', 'high']"
            )
    return cm.kappa(weights=weights)
