"""Multi-label classification: each case may carry several labels at once (an ECG's
diagnostic superclasses NORM, MI, STTC, CD, HYP; a chest X-ray's findings).

The data are indicator matrices of shape (n_cases, n_labels), as scikit-learn's
multi-label metrics take them: ``y_true[i, k]`` is 1 when case ``i`` carries label
``k``; ``y_pred`` the decisions (hard 0/1), ``y_score`` a score per label (higher means
the label is present). Two pandas DataFrames are paired on their index (rows) and their
columns (labels): the same labels in another order, or other labels, are refused, never
paired by position.

- :func:`label_confusion_matrices`: one binary confusion matrix per label (its
  sensitivity, specificity, PPV follow from :class:`~medeval.metrics.ConfusionMatrix`);
- :func:`label_aucs` and :func:`macro_auc`: each label's ROC AUC and their unweighted
  mean;
- :func:`hamming_loss`: the share of (case, label) cells decided wrongly;
- :func:`subset_accuracy`: the share of cases whose every label is decided rightly.
"""

from __future__ import annotations

import sys
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_array, same_index, warn_undefined
from ..errors import InvalidInputError
from ._confusion import ConfusionMatrix
from .ranking import auc_terms, roc_auc

__all__ = ["hamming_loss", "label_aucs", "label_confusion_matrices", "macro_auc",
           "subset_accuracy"]


def _frame_values(values: ArrayLike) -> ArrayLike:
    """A DataFrame of numeric or boolean columns as a float array. numpy reads one of
    pandas' nullable columns (``Int64``, ``Float64``, ``boolean``: ``convert_dtypes()``,
    ``read_csv(dtype_backend="numpy_nullable")``) beside another as objects, which the
    checks below would refuse as not 0/1 or not numeric; a missing value is NaN, named
    by them."""
    pd = sys.modules.get("pandas")
    if pd is None or not isinstance(values, pd.DataFrame) or not all(
            pd.api.types.is_numeric_dtype(dtype) for dtype in values.dtypes):
        return values
    array: NDArray[np.float64] = values.to_numpy(dtype=np.float64, na_value=np.nan)
    return array


def _indicators(values: ArrayLike, *, name: str, func: str) -> NDArray[np.bool_]:
    """An (n, L) matrix of 0/1 (or booleans) as booleans, or InvalidInputError."""
    array = as_array(_frame_values(values), name=name, func=func)
    if array.ndim != 2:
        raise InvalidInputError(
            f"{func}: {name} must be an indicator matrix of shape (n_cases, n_labels), got "
            f"shape {array.shape}")
    if array.size and (array.dtype.kind not in "biuf" or not np.isin(array, (0, 1)).all()):
        raise InvalidInputError(f"{func}: {name} must hold only 0 and 1 (or booleans)")
    return array.astype(bool)


def _scores(values: ArrayLike, *, name: str, func: str) -> NDArray[np.float64]:
    array = as_array(_frame_values(values), name=name, func=func)
    if array.ndim != 2 or array.dtype.kind not in "biuf":
        raise InvalidInputError(
            f"{func}: {name} must be numeric of shape (n_cases, n_labels), got shape "
            f"{array.shape} of dtype {array.dtype}")
    scores = array.astype(np.float64)
    if not np.isfinite(scores).all():
        raise InvalidInputError(f"{func}: {name} must be finite (NaN or infinite found)")
    return scores


def _pair(y_true: ArrayLike, y_other: ArrayLike, func: str, other: str, *,
          scores: bool = False) -> tuple[NDArray[np.bool_], NDArray[np.float64] | NDArray[
              np.bool_]]:
    same_index(func, y_true=y_true, **{other: y_other})
    _same_labels(func, y_true, y_other, other)
    truth = _indicators(y_true, name="y_true", func=func)
    given = (_scores(y_other, name=other, func=func) if scores
             else _indicators(y_other, name=other, func=func))
    if truth.shape != given.shape:
        raise InvalidInputError(f"{func}: y_true has shape {truth.shape} and {other} "
                                f"{given.shape}; give one row per case, one column per label")
    return truth, given


def _same_labels(func: str, y_true: ArrayLike, y_other: ArrayLike, other: str) -> None:
    """Refuse two DataFrames whose columns name the labels otherwise: read by position, a
    score table with its labels in another order (``MI, NORM`` against ``NORM, MI``)
    would pair each label's reference with another label's scores, and every figure
    would be wrong without a word. A score column is named by its label, or as a
    predictions table names it (``score@MI``, ``probability@MI``). Columns that share no
    name (a DataFrame made from an array, 0 and 1) are read by position, as arrays are.
    The index (rows) is :func:`same_index`'s."""
    pd = sys.modules.get("pandas")
    if pd is None or not (isinstance(y_true, pd.DataFrame) and isinstance(y_other, pd.DataFrame)):
        return
    mine = y_true.columns.tolist()
    theirs = [_label_of(name) for name in y_other.columns.tolist()]
    common = set(mine) & set(theirs)
    if theirs == mine or not common:
        return
    shown = 8
    names = f"y_true's are {mine[:shown]}, {other}'s {y_other.columns.tolist()[:shown]}"
    if len(mine) == len(theirs) and set(mine) == set(theirs):
        raise InvalidInputError(
            f"{func}: y_true and {other} are DataFrames with their label columns in another "
            f"order ({names}), so pairing them by position would match each label with "
            f"another's; align them first ({other}[y_true.columns]), or pass .to_numpy() of "
            "each if the order is right")
    raise InvalidInputError(
        f"{func}: y_true and {other} are DataFrames with different label columns ({names}); "
        "give both the same labels, one column each, or pass .to_numpy() of each if the "
        "columns are the same labels in the same order")


def _label_of(name: Any) -> Any:
    """A score column's label: ``score@MI`` and ``probability@MI`` are MI's."""
    if isinstance(name, str):
        for prefix in ("score@", "probability@"):
            if name.startswith(prefix):
                return name[len(prefix):]
    return name


def label_confusion_matrices(y_true: ArrayLike, y_pred: ArrayLike) -> list[ConfusionMatrix]:
    r"""One binary confusion matrix per label (column), that label present against absent:

    .. math:: TP_k = \#\{i: y_{ik} = \hat y_{ik} = 1\},\ FP_k = \#\{i: y_{ik} = 0,
              \hat y_{ik} = 1\},\ FN_k = \#\{i: y_{ik} = 1, \hat y_{ik} = 0\},\
              TN_k = n - TP_k - FP_k - FN_k.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_cases, n_labels)
        Reference and predicted indicator matrices (0/1 or booleans).

    Returns
    -------
    list of ConfusionMatrix
        In the order of the columns; scikit-learn's ``multilabel_confusion_matrix``
        gives the same counts as ``[[tn, fp], [fn, tp]]``.

    Raises
    ------
    InvalidInputError
        If a matrix is not two-dimensional, holds values other than 0 and 1, or the two
        differ in shape.

    Notes
    -----
    A label no case carries has ``tp = fn = 0``: its sensitivity is undefined (NaN,
    warned), as :class:`~medeval.metrics.ConfusionMatrix` says.

    References
    ----------
    .. [1] scikit-learn: ``sklearn.metrics.multilabel_confusion_matrix``.

    Examples
    --------
    >>> label_confusion_matrices([[1, 0], [1, 1], [0, 0]], [[1, 1], [0, 1], [0, 0]])
    [ConfusionMatrix(tp=1, fp=0, fn=1, tn=1), ConfusionMatrix(tp=1, fp=1, fn=0, tn=1)]
    """
    truth, pred = _pair(y_true, y_pred, "label_confusion_matrices", "y_pred")
    return [ConfusionMatrix(tp=int((t & p).sum()), fp=int((~t & p).sum()),
                            fn=int((t & ~p).sum()), tn=int((~t & ~p).sum()))
            for t, p in zip(truth.T, pred.T)]


def label_aucs(y_true: ArrayLike, y_score: ArrayLike) -> NDArray[np.float64]:
    r"""Each label's area under the ROC curve, that label's cases positive, the others
    negative, ranked by that label's score: :func:`~medeval.metrics.roc_auc` of column
    :math:`k`,

    .. math:: \mathrm{AUC}_k = \frac{1}{n_{1k} n_{0k}} \sum_{i: y_{ik} = 1}
              \sum_{j: y_{jk} = 0} [s_{ik} > s_{jk}] + \tfrac12 [s_{ik} = s_{jk}].

    Parameters
    ----------
    y_true : array-like of shape (n_cases, n_labels)
        Reference indicator matrix.
    y_score : array-like of shape (n_cases, n_labels)
        Scores, finite; higher means the label is present (never flipped).

    Returns
    -------
    numpy.ndarray of shape (n_labels,)
        NaN for a label that no case carries, or that every case carries.

    Warns
    -----
    UndefinedMetricWarning
        For each such label.

    Notes
    -----
    Ties count one half; a constant score gives 0.5. The labels share their cases, so
    their AUCs are correlated: compare them with care.

    References
    ----------
    .. [1] Hanley JA, McNeil BJ. The meaning and use of the area under a receiver
       operating characteristic (ROC) curve. Radiology. 1982;143(1):29-36.

    Examples
    --------
    Each label: 3 of its 4 positive-negative pairs ranked rightly (0.4 < 0.5 is not).

    >>> label_aucs([[1, 0], [0, 1], [1, 1], [0, 0]],
    ...            [[0.9, 0.2], [0.3, 0.6], [0.4, 0.4], [0.5, 0.5]]).tolist()
    [0.75, 0.75]
    """
    return _label_aucs(y_true, y_score, "label_aucs")


def _label_aucs(y_true: ArrayLike, y_score: ArrayLike, func: str) -> NDArray[np.float64]:
    """:func:`label_aucs`, its refusals naming ``func`` (the function the user called)."""
    return _column_aucs(*_pair(y_true, y_score, func, "y_score", scores=True))


def _column_aucs(truth: NDArray[np.bool_], score: Any) -> NDArray[np.float64]:
    """Each column's ROC AUC (NaN, with its warning, where it has one class only)."""
    return np.array([roc_auc(t, s) for t, s in zip(truth.T, score.T)], dtype=np.float64)


def macro_auc(y_true: ArrayLike, y_score: ArrayLike) -> float:
    r"""The unweighted mean of the labels' ROC AUCs (:func:`label_aucs`): scikit-learn's
    ``roc_auc_score(y_true, y_score, average="macro")`` on indicator matrices, and the
    macro AUC of the PTB-XL benchmark (Strodthoff et al. 2021),

    .. math:: \mathrm{AUC}_{macro} = \frac1L \sum_{k=1}^{L} \mathrm{AUC}_k.

    Parameters
    ----------
    y_true, y_score : array-like of shape (n_cases, n_labels)
        As :func:`label_aucs`.

    Returns
    -------
    float
        NaN when any label's AUC is undefined (no case carries it, or every case does):
        never averaged over the other labels (scikit-learn raises there).

    Warns
    -----
    UndefinedMetricWarning
        When NaN.

    Notes
    -----
    Each label weighs the same whatever its prevalence (the "macro" average); a rare
    label's AUC, from few positives, varies most.

    References
    ----------
    .. [1] Strodthoff N, Wagner P, Schaeffter T, Samek W. Deep learning for ECG analysis:
       benchmarks and insights from PTB-XL. IEEE J Biomed Health Inform.
       2021;25(5):1519-28.
    .. [2] scikit-learn: ``sklearn.metrics.roc_auc_score``, multilabel case.

    Examples
    --------
    The first label's AUC 3/4 (0.4 < 0.5), the second's 1: their mean 0.875.

    >>> macro_auc([[1, 0], [0, 1], [1, 1], [0, 0]],
    ...           [[0.9, 0.2], [0.3, 0.6], [0.4, 0.7], [0.5, 0.5]])
    0.875
    """
    import warnings

    from ..errors import UndefinedMetricWarning

    truth, score = _pair(y_true, y_score, "macro_auc", "y_score", scores=True)
    with warnings.catch_warnings():  # one warning, naming the labels, instead of one each
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        aucs = _column_aucs(truth, score)
    undefined = np.flatnonzero(np.isnan(aucs))
    if undefined.size:
        return warn_undefined(
            f"macro_auc: the AUC of label column(s) {undefined.tolist()} is undefined (no "
            "case carries the label, or every case does), so the macro AUC is; returning NaN")
    # the AUCs as fractions of whole numbers, averaged and rounded once (a float mean of
    # rounded AUCs can land an ulp off a value the protocol's point rule compares with)
    terms = [auc_terms(t, s) for t, s in zip(truth.T, score.T, strict=True)]
    return float(sum(Fraction(u, pairs) for u, pairs in terms) / len(terms))


def hamming_loss(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    r"""The share of (case, label) cells decided wrongly (lower is better):
    scikit-learn's ``hamming_loss`` on indicator matrices,

    .. math:: \mathrm{HL} = \frac{1}{nL}\sum_{i=1}^{n} \sum_{k=1}^{L}
              [y_{ik} \ne \hat y_{ik}].

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_cases, n_labels)
        Reference and predicted indicator matrices.

    Returns
    -------
    float
        In [0, 1]; NaN when there is no case.

    Warns
    -----
    UndefinedMetricWarning
        When there is no case.

    Notes
    -----
    Every label and case weighs the same: with rare labels, a model calling no label at
    all scores a small loss (a PTB-XL-like set of five labels, a third present, gives
    1/3 to the empty answer), so read it beside the per-label sensitivities.

    References
    ----------
    .. [1] Schapire RE, Singer Y. BoosTexter: a boosting-based system for text
       categorization. Mach Learn. 2000;39:135-68.
    .. [2] Tsoumakas G, Katakis I. Multi-label classification: an overview. Int J Data
       Warehous Min. 2007;3(3):1-13.

    Examples
    --------
    >>> hamming_loss([[1, 0, 1], [0, 0, 1]], [[1, 1, 1], [0, 0, 0]])  # 2 of 6 cells
    0.3333333333333333
    """
    truth, pred = _pair(y_true, y_pred, "hamming_loss", "y_pred")
    if truth.size == 0:
        return warn_undefined("hamming_loss: there is no case (or no label); returning NaN")
    return float(np.count_nonzero(truth != pred) / truth.size)


def subset_accuracy(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    r"""The share of cases whose every label is decided rightly (exact match):
    scikit-learn's ``accuracy_score`` on indicator matrices,

    .. math:: \mathrm{SA} = \frac1n \sum_{i=1}^{n} [\hat y_{ik} = y_{ik}\ \forall k].

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_cases, n_labels)
        Reference and predicted indicator matrices.

    Returns
    -------
    float
        In [0, 1]; NaN when there is no case.

    Warns
    -----
    UndefinedMetricWarning
        When there is no case.

    Notes
    -----
    Strict: one label wrong of five is a miss. A case carrying no label counts as right
    when the prediction calls no label either.

    References
    ----------
    .. [1] Tsoumakas G, Katakis I. Multi-label classification: an overview. Int J Data
       Warehous Min. 2007;3(3):1-13.

    Examples
    --------
    >>> subset_accuracy([[1, 0, 1], [0, 0, 1]], [[1, 0, 1], [0, 0, 0]])
    0.5
    """
    truth, pred = _pair(y_true, y_pred, "subset_accuracy", "y_pred")
    if truth.shape[0] == 0:
        return warn_undefined("subset_accuracy: there is no case; returning NaN")
    return float(np.count_nonzero((truth == pred).all(axis=1)) / truth.shape[0])
