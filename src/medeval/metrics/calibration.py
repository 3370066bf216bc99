r"""Calibration of predicted probabilities: Brier score, reliability curve, ECE.

Probabilities must lie in [0, 1]; anything else is an ``InvalidInputError``, never
clipped. Binning, shared by :func:`calibration_curve` and
:func:`expected_calibration_error`, with B bins and edges :math:`e_0 < \dots < e_B`:

* ``"uniform"``: :math:`e_k = k / B`, each computed as the float nearest to k/B (so
  the edge 0.3 is the same number as the literal ``0.3``).
* ``"quantile"``: :math:`e_k` = the k/B quantile of the predicted probabilities
  (numpy's default linear interpolation, Hyndman & Fan type 7, as scikit-learn's
  ``calibration_curve``); tied probabilities can make edges coincide and bins empty.

Bin 1 is :math:`[e_0, e_1]`, bin k > 1 is :math:`(e_{k-1}, e_k]`: a probability on an
inner edge falls into the bin *below* it (as Guo et al. 2017 and scikit-learn). Only the
inner edges decide, so every probability in [0, 1] falls into exactly one bin.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from numbers import Integral
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import choice, probabilities, warn_undefined
from ..errors import InvalidInputError
from ._docs import _POS_LABEL_PARAMETER, _doc_sections
from .ranking import _labels_and_scores

__all__ = [
    "BinStrategy",
    "CalibrationCurve",
    "brier_score",
    "calibration_curve",
    "expected_calibration_error",
]

BinStrategy = Literal["uniform", "quantile"]

_calibration_doc = _doc_sections(
    prob_parameters="""\
Parameters
----------
y_true : array-like of shape (n_cases,)
    Reference labels: at most two distinct values, e.g. 0/1 or booleans.
y_prob : array-like of shape (n_cases,)
    Predicted probabilities of the positive class, in [0, 1].""",
    bin_parameters="""\
n_bins : int, default 10
    The number of bins B, at least 1.
strategy : {"uniform", "quantile"}, default "uniform"
    Equal-width bins on [0, 1] or equal-count bins at the quantiles of ``y_prob``;
    see the module documentation for the exact edges.""",
    pos_label_parameter=_POS_LABEL_PARAMETER,
    prob_raises="""\
Raises
------
InvalidInputError
    If an array is not one-dimensional; if ``y_true`` holds NaN, more than two labels,
    two labels of which neither is ``pos_label``, or labels not of ``pos_label``'s kind;
    if ``y_prob`` is not numeric, holds NaN or inf or a value outside [0, 1]; or if the
    arrays differ in length.""",
)


@dataclass(frozen=True, eq=False)
class CalibrationCurve:
    """A reliability curve: per non-empty bin, mean predicted probability and observed
    fraction of positives.

    Attributes
    ----------
    edges : ndarray of float64, shape (n_bins + 1,)
        All bin edges, empty bins included (NaN for ``"quantile"`` on empty input).
    bin_index : ndarray of int64
        The 0-based index of each non-empty bin: bin ``i`` spans ``edges[i]`` to
        ``edges[i + 1]``.
    mean_predicted, observed_fraction : ndarray of float64
        Per non-empty bin, the mean of ``y_prob`` and the fraction of positive cases.
    count : ndarray of int64
        Per non-empty bin, the number of cases.
    """

    edges: NDArray[np.float64]
    bin_index: NDArray[np.int64]
    mean_predicted: NDArray[np.float64]
    observed_fraction: NDArray[np.float64]
    count: NDArray[np.int64]


def _inputs(
    y_true: ArrayLike, y_prob: ArrayLike, pos_label: Hashable, func: str
) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
    return _labels_and_scores(
        y_true, y_prob, pos_label, func, score_name="y_prob", check=probabilities
    )


def bin_edges(
    prob: NDArray[np.float64], n_bins: int, strategy: str, func: str
) -> NDArray[np.float64]:
    """The ``n_bins + 1`` edges of the module documentation, for the probabilities
    ``prob`` (only ``"quantile"`` looks at them). Raises naming ``func`` when ``n_bins``
    is not an integer >= 1 or ``strategy`` not one of the two.

    Private to medeval (the calibration metrics and the bootstrap's ECE statistic,
    :func:`medeval.stats.ece_statistic`, bin with it and :func:`bin_index`).
    """
    if isinstance(n_bins, bool) or not isinstance(n_bins, Integral) or n_bins < 1:
        raise InvalidInputError(f"{func}: n_bins must be an integer >= 1, got {n_bins!r}")
    strategy = choice(strategy, ("uniform", "quantile"), name="strategy", func=func)
    n_bins = int(n_bins)
    if strategy == "uniform":
        edges: NDArray[np.float64] = np.arange(n_bins + 1) / n_bins
    elif prob.size:
        edges = np.percentile(prob, np.linspace(0.0, 1.0, n_bins + 1) * 100)
        edges = np.maximum.accumulate(edges)  # guard searchsorted against rounding
    else:
        edges = np.full(n_bins + 1, np.nan)
    return edges


def bin_index(prob: NDArray[np.float64], edges: NDArray[np.float64]) -> NDArray[np.intp]:
    r"""The 0-based bin of each probability: bin k holds :math:`e_{k-1} < p \le e_k` (the
    first bin also :math:`e_0`), only the inner edges deciding (module documentation)."""
    which: NDArray[np.intp] = np.searchsorted(edges[1:-1], prob, side="left")
    return which


def brier_losses(truth: NDArray[np.bool_], prob: NDArray[np.float64]) -> NDArray[np.float64]:
    """Each case's squared error :math:`(p_i - y_i)^2`: the Brier score is their mean
    (:func:`brier_score`; the bootstrap's ``"brier_score"`` statistic weights them)."""
    losses: NDArray[np.float64] = (prob - truth) ** 2
    return losses


def _binned(
    truth: NDArray[np.bool_], prob: NDArray[np.float64], n_bins: int, strategy: str, func: str
) -> tuple[NDArray[np.float64], NDArray[np.intp], NDArray[np.float64], NDArray[np.float64]]:
    """Edges, and per bin (empty ones included) the count, sum of y_prob, sum of y_true."""
    edges = bin_edges(prob, n_bins, strategy, func)
    size = edges.size - 1
    which = bin_index(prob, edges)
    count = np.bincount(which, minlength=size)
    prob_sum = np.asarray(np.bincount(which, weights=prob, minlength=size), dtype=np.float64)
    true_sum = np.asarray(np.bincount(which, weights=truth.astype(np.float64), minlength=size),
                          dtype=np.float64)
    return edges, count, prob_sum, true_sum


@_calibration_doc
def calibration_curve(
    y_true: ArrayLike,
    y_prob: ArrayLike,
    *,
    n_bins: int = 10,
    strategy: BinStrategy = "uniform",
    pos_label: Hashable | None = None,
) -> CalibrationCurve:
    r"""The reliability curve: observed fraction of positives against mean prediction.

    .. math::

        \bar{p}_k = \frac{1}{n_k} \sum_{i \in B_k} p_i, \qquad
        \bar{o}_k = \frac{1}{n_k} \sum_{i \in B_k} y_i, \qquad n_k = |B_k|

    %(prob_parameters)s
    %(bin_parameters)s
    %(pos_label_parameter)s

    Returns
    -------
    CalibrationCurve
        ``edges`` (all bins) and, per non-empty bin, ``bin_index``, ``mean_predicted``,
        ``observed_fraction`` and ``count``.

    %(prob_raises)s
        Also if ``n_bins`` is not an integer >= 1 or ``strategy`` is not one of the two.

    Warns
    -----
    UndefinedMetricWarning
        When there is no case: the curve has no bins.

    Notes
    -----
    Bins as in the module documentation: bin 1 is :math:`[e_0, e_1]`, bin k is
    :math:`(e_{k-1}, e_k]`. Empty bins are left out of the per-bin arrays (as
    scikit-learn's ``calibration_curve``, which returns ``(observed_fraction,
    mean_predicted)``); ``bin_index`` says which bins remain.

    References
    ----------
    .. [1] DeGroot MH, Fienberg SE. The comparison and evaluation of forecasters.
       J R Stat Soc Ser D (The Statistician). 1983;32(1-2):12-22.
    .. [2] Niculescu-Mizil A, Caruana R. Predicting good probabilities with supervised
       learning. Proc. 22nd ICML. 2005:625-32.

    Examples
    --------
    >>> curve = calibration_curve([0, 0, 1, 1, 1], [0.1, 0.2, 0.2, 0.7, 0.9], n_bins=2)
    >>> curve.edges.tolist(), curve.count.tolist()
    ([0.0, 0.5, 1.0], [3, 2])
    >>> curve.observed_fraction.tolist()  # 1 of 3, 2 of 2
    [0.3333333333333333, 1.0]
    """
    func = "calibration_curve"
    truth, prob = _inputs(y_true, y_prob, pos_label, func)
    edges, count, prob_sum, true_sum = _binned(truth, prob, n_bins, strategy, func)
    if prob.size == 0:
        warn_undefined(f"{func}: the curve is undefined: there is no case; it has no bins")
    filled = np.flatnonzero(count)
    return CalibrationCurve(
        edges=edges,
        bin_index=filled.astype(np.int64),
        mean_predicted=prob_sum[filled] / count[filled],
        observed_fraction=true_sum[filled] / count[filled],
        count=count[filled].astype(np.int64),
    )


@_calibration_doc
def expected_calibration_error(
    y_true: ArrayLike,
    y_prob: ArrayLike,
    *,
    n_bins: int = 10,
    strategy: BinStrategy = "uniform",
    pos_label: Hashable | None = None,
) -> float:
    r"""Expected calibration error: the bin-size-weighted mean |observed - predicted|.

    .. math::

        \mathrm{ECE} = \sum_{k=1}^{B} \frac{n_k}{n}\, \big| \bar{o}_k - \bar{p}_k \big|
                     = \frac{1}{n} \sum_{k=1}^{B} \Big| \sum_{i \in B_k} (y_i - p_i) \Big|

    the L1 distance between the reliability curve (:func:`calibration_curve`) and the
    diagonal, each bin weighted by its share of the cases.

    %(prob_parameters)s
    %(bin_parameters)s
    %(pos_label_parameter)s

    Returns
    -------
    float
        In [0, 1], or NaN when undefined.

    %(prob_raises)s
        Also if ``n_bins`` is not an integer >= 1 or ``strategy`` is not one of the two.

    Warns
    -----
    UndefinedMetricWarning
        When there is no case; the value is NaN.

    Notes
    -----
    For the positive class of a binary outcome (Naeini et al.), not Guo et al.'s
    top-label confidence of a multi-class classifier. Bins as in the module
    documentation (a value on an inner edge belongs to the bin below); empty bins weigh
    0. The value depends on ``n_bins`` and ``strategy``: report both. It is biased
    upwards in small samples, and ``n_bins=1`` gives
    :math:`|\bar{y} - \bar{p}|`, calibration-in-the-large.

    References
    ----------
    .. [1] Naeini MP, Cooper GF, Hauskrecht M. Obtaining well calibrated probabilities
       using Bayesian binning. Proc. AAAI. 2015;29(1):2901-7.
    .. [2] Guo C, Pleiss G, Sun Y, Weinberger KQ. On calibration of modern neural
       networks. Proc. 34th ICML, PMLR 70. 2017:1321-30.

    Examples
    --------
    >>> # bin [0, 0.5]: |1/3 - 0.5/3| * 3/5; bin (0.5, 1]: |1 - 0.8| * 2/5
    >>> expected_calibration_error([0, 0, 1, 1, 1], [0.1, 0.2, 0.2, 0.7, 0.9], n_bins=2)
    0.18
    """
    func = "expected_calibration_error"
    truth, prob = _inputs(y_true, y_prob, pos_label, func)
    _, _, prob_sum, true_sum = _binned(truth, prob, n_bins, strategy, func)
    if prob.size == 0:
        return warn_undefined(f"{func}: ECE is undefined: there is no case; returning NaN")
    return float(np.sum(np.abs(true_sum - prob_sum)) / prob.size)


@_calibration_doc
def brier_score(
    y_true: ArrayLike, y_prob: ArrayLike, *, pos_label: Hashable | None = None
) -> float:
    r"""Brier score: the mean squared difference between probability and outcome.

    .. math:: \mathrm{BS} = \frac{1}{n} \sum_{i=1}^{n} (p_i - y_i)^2,
              \qquad y_i \in \{0, 1\}

    %(prob_parameters)s
    %(pos_label_parameter)s

    Returns
    -------
    float
        In [0, 1] (lower is better), or NaN when undefined.

    %(prob_raises)s

    Warns
    -----
    UndefinedMetricWarning
        When there is no case; the value is NaN.

    Notes
    -----
    The binary form, as scikit-learn's ``brier_score_loss``. Brier's original score
    sums over both classes and is twice this. A constant prediction of the prevalence
    :math:`\pi` scores :math:`\pi (1 - \pi)`.

    References
    ----------
    .. [1] Brier GW. Verification of forecasts expressed in terms of probability.
       Mon Weather Rev. 1950;78(1):1-3.

    Examples
    --------
    >>> brier_score([1, 0, 1, 0], [0.9, 0.2, 0.6, 0.0])  # (0.01 + 0.04 + 0.16 + 0) / 4
    0.0525
    """
    func = "brier_score"
    truth, prob = _inputs(y_true, y_prob, pos_label, func)
    if prob.size == 0:
        return warn_undefined(
            f"{func}: the Brier score is undefined: there is no case; returning NaN"
        )
    return float(np.mean(brier_losses(truth, prob)))
