"""Bootstrap confidence intervals: percentile and BCa, stratified, clustered, vectorised."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import (
    as_array,
    binary_labels,
    choice,
    confidence_level,
    finite_scores,
    probabilities,
    same_index,
    same_length,
)
from ..errors import InvalidInputError
from ..metrics._confusion import (
    balanced_accuracy_of,
    ratio_terms,
    undefined_reason,
    youden_j_of,
)
from ..metrics.calibration import bin_edges, bin_index, brier_losses
from ..metrics.classification import binary_pair
from ..metrics.ranking import _labels_and_scores
from ._bootstrap_engine import check_resampling, run_bootstrap, run_bootstraps
from ._resampling import make_units
from ._statistics import (
    BY_CLASS,
    BY_PREDICTION,
    AucStatistic,
    AveragePrecisionStatistic,
    CallableStatistic,
    CombinedStatistic,
    RatioStatistic,
    WeightedStatistic,
    count_ratio_statistics,
)
from .estimate import Estimate

__all__ = ["BOOTSTRAP_STATISTICS", "bootstrap_ci", "ece_statistic", "pooled_ratio_cis"]

BootstrapMethod = Literal["percentile", "bca"]

#: Statistics known by name, with the arrays each expects.
BOOTSTRAP_STATISTICS = {
    "auc": "y_true, y_score",
    "sensitivity": "y_true, y_pred",
    "specificity": "y_true, y_pred",
    "ppv": "y_true, y_pred",
    "npv": "y_true, y_pred",
    "accuracy": "y_true, y_pred",
    "balanced_accuracy": "y_true, y_pred",
    "youden_j": "y_true, y_pred",
    "f1": "y_true, y_pred",
    "average_precision": "y_true, y_score",
    "brier_score": "y_true, y_prob",
}


def bootstrap_ci(
    statistic: str | Callable[..., Any],
    *arrays: ArrayLike,
    seed: int | np.random.Generator,
    method: BootstrapMethod = "percentile",
    confidence: float = 0.95,
    n_resamples: int = 2000,
    strata: ArrayLike | None = None,
    clusters: ArrayLike | None = None,
    pos_label: Any = None,
) -> Estimate:
    r"""Bootstrap confidence interval of a statistic: percentile or BCa.

    Each resample draws the cases (or, with ``clusters``, whole clusters such as
    patients) with replacement and is represented by frequency weights; the statistic is
    evaluated on many resamples at once.

    With :math:`\hat\theta_b` the statistic on resample :math:`b` (:math:`B` of them)
    and :math:`\alpha = 1 - \text{confidence}`:

    - percentile: :math:`[Q(\alpha/2),\ Q(1-\alpha/2)]`, :math:`Q` the quantile of the
      :math:`\hat\theta_b` with linear interpolation (``numpy.quantile``, method
      ``"linear"``).
    - BCa (Efron 1987): :math:`[Q(\alpha_1),\ Q(\alpha_2)]` with

      .. math::
          \alpha_{1,2} = \Phi\left(\hat z_0 + \frac{\hat z_0 + z_{\alpha/2,\,1-\alpha/2}}
                              {1 - \hat a(\hat z_0 + z_{\alpha/2,\,1-\alpha/2})}\right),
          \quad
          \hat z_0 = \Phi^{-1}\left(\frac{\#\{\hat\theta_b < \hat\theta\}
                     + \tfrac12 \#\{\hat\theta_b = \hat\theta\}}{B}\right),
          \quad
          \hat a = \frac{\sum_i (\bar\theta_{(\cdot)} - \hat\theta_{(i)})^3}
                   {6 \left(\sum_i (\bar\theta_{(\cdot)} - \hat\theta_{(i)})^2\right)^{3/2}},

      where :math:`\hat\theta_{(i)}` leaves unit :math:`i` (a case, or a cluster) out.

    Parameters
    ----------
    statistic : str or callable
        A name from ``BOOTSTRAP_STATISTICS`` — ``"auc"`` on ``(y_true, y_score)``, or
        ``"sensitivity"``, ``"specificity"``, ``"ppv"``, ``"npv"``, ``"accuracy"``,
        ``"balanced_accuracy"``, ``"youden_j"``, ``"f1"`` on ``(y_true, y_pred)``,
        ``"average_precision"`` on ``(y_true, y_score)``, ``"brier_score"`` on
        ``(y_true, y_prob)`` — or a vectorised function ``f(*arrays, weights=W)`` that
        takes frequency weights ``W`` of shape ``(b, n)`` and returns ``b`` values
        (e.g. :func:`ece_statistic`). A function may carry an attribute
        ``left_out_reason`` (text, "there is no ..."): why it is undefined on a resample,
        which the note on resamples left out then names. Each named statistic is built
        from its metric's own definition in :mod:`medeval.metrics` (the confusion-matrix
        ratio terms, balanced accuracy's and Youden's J's formula, the Brier score's
        per-case loss), so its value on the data is the metric's.
        The built-ins other than ``"average_precision"`` compute BCa's jackknife in
        closed form; the others evaluate n leave-one-out weight rows (O(n²)).
    *arrays : array-like
        The data, one value per case, all of the same length.
    seed : int or numpy.random.Generator
        Required: the same seed gives the same interval, to the last bit.
    method : {"percentile", "bca"}
        The interval.
    confidence : float
        Confidence level in (0, 1).
    n_resamples : int
        Number of bootstrap resamples :math:`B` (at least 100).
    strata : array-like, optional
        Resample within each stratum separately, keeping its size (e.g. ``y_true`` to
        keep the numbers of positives and negatives fixed).
    clusters : array-like, optional
        Resample whole clusters (e.g. patient ids) with all their cases. With strata,
        each cluster must lie inside one stratum.
    pos_label : object, optional
        The positive label, for the named statistics; by default 1 where the labels are
        0/1, -1/1 or booleans (any other labels must name it).

    Returns
    -------
    Estimate
        ``value`` is the statistic on the data; ``method`` is ``"bootstrap-percentile"``
        or ``"bootstrap-bca"``; ``n`` is the number of cases; ``note`` says why the
        value or a bound is undefined, or how many resamples were left out (else None).

    Raises
    ------
    InvalidInputError
        Unknown statistic or method, arrays of different lengths, NaN scores, a
        confidence outside (0, 1), fewer than 100 resamples, a cluster across strata.

    Warns
    -----
    UndefinedMetricWarning
        When the statistic is undefined on the data (NaN interval; a named statistic
        says why, in its metric's words), when there is
        nothing to resample (one case or one cluster, or one per stratum: NaN interval,
        where scipy.stats.bootstrap raises), when some resamples give an undefined value
        (those resamples are left out and counted in the warning, with why where the
        statistic says, and what applies: for a statistic divided by a count of one
        class, resampled without strata and clusters, the stratification that avoids
        them, ``strata=y_true`` for sensitivity, specificity, F1, balanced accuracy,
        Youden's J, the AUC and average precision, ``strata=y_pred`` for PPV and NPV;
        otherwise that the interval rests on the resamples where the statistic is
        defined, so it is conditional on them), or when BCa's
        jackknife is undefined. Warned once: several reasons are joined by ``"; "``,
        and the same text is the returned estimate's ``note``.

    Notes
    -----
    Without strata and clusters the resamples are exactly those of
    :func:`scipy.stats.bootstrap` with the same generator (``rng.integers(0, n, (B,
    n))``), so the two give the same interval; for BCa, where no resample ties the
    estimate. A resample that ties it in exact arithmetic (the data's values in another
    order, or decimal values whose sums are equal as written, 0.1 + 0.2 and 0.3) is
    counted as a tie when its float value lies within the rounding error of a sum of the
    observations; scipy compares the floats, whose last bits depend on the order of the
    sum and on the decimals' binary representation. Proportions, AUCs and pooled ratios
    of counts are ratios of exact whole-number sums: for them only an equal float is a
    tie, as in scipy. When every jackknife value is equal
    (e.g. a sensitivity of 1), :math:`\hat a` is 0. When every resample lies on one side
    of :math:`\hat\theta`, :math:`\hat z_0` is infinite and BCa is undefined (NaN).

    References
    ----------
    Efron B. Better bootstrap confidence intervals. J Am Stat Assoc 1987;82:171-185.
    Efron B, Tibshirani RJ. An Introduction to the Bootstrap. Chapman & Hall 1993,
    ch. 13-14 (percentile, BCa) and 16 (clustered and stratified data).

    Examples
    --------
    >>> y_true = [0, 0, 1, 1, 0, 1, 1, 0, 1, 1]
    >>> y_pred = [0, 1, 1, 1, 0, 1, 0, 0, 1, 1]
    >>> est = bootstrap_ci("sensitivity", y_true, y_pred, seed=7, strata=y_true)
    >>> round(est.value, 4), est.method
    (0.8333, 'bootstrap-percentile')
    >>> mean = lambda x, weights: weights @ x / weights.sum(axis=1)
    >>> bootstrap_ci(mean, [1.0, 2.0, 3.0, 4.0], seed=0).low >= 1.0
    True
    """
    func = "bootstrap_ci"
    method, alpha = _options(method, confidence, n_resamples, seed, func)
    # a named statistic's arrays by their names (y_true, y_score ...), else by position
    names = (BOOTSTRAP_STATISTICS[statistic].split(", ")
             if isinstance(statistic, str) and statistic in BOOTSTRAP_STATISTICS else [])
    if len(names) != len(arrays):
        names = [f"arrays[{i}]" for i in range(len(arrays))]
    same_index(func, **dict(zip(names, arrays)), strata=strata, clusters=clusters)
    stat, n = _build_statistic(statistic, arrays, pos_label=pos_label, func=func)
    units = make_units(n, strata=strata, clusters=clusters, func=func)
    return run_bootstrap(
        stat, units, seed=seed, method=method, alpha=alpha, n_resamples=int(n_resamples),
        confidence=1.0 - alpha,
    )


def pooled_ratio_cis(
    numerators: ArrayLike,
    denominators: ArrayLike,
    *,
    seed: int | np.random.Generator,
    method: BootstrapMethod = "percentile",
    confidence: float = 0.95,
    n_resamples: int = 2000,
    strata: ArrayLike | None = None,
    clusters: ArrayLike | None = None,
) -> tuple[Estimate, ...]:
    r"""Bootstrap intervals of several pooled ratios of counts, from one set of resamples.

    Column :math:`j` of ``numerators`` and ``denominators`` holds each case's counts
    (e.g. a record's detected and reference beats) of statistic :math:`j`, whose value
    is the pooled ratio

    .. math:: R_j(w) = \frac{\sum_i w_i a_{ij}}{\sum_i w_i d_{ij}},

    with weights :math:`w_i` 1 on the data and the draw counts of a resample (with
    ``clusters``, each case takes its cluster's count). Each resample is drawn once and
    every ratio evaluated on it; the intervals are :func:`bootstrap_ci`'s.

    Parameters
    ----------
    numerators, denominators : array-like of shape (n, k)
        Whole-number counts, one row per case, one column per statistic.
    seed, method, confidence, n_resamples, strata, clusters
        As in :func:`bootstrap_ci`.

    Returns
    -------
    tuple of Estimate
        One per column. With an integer seed, estimate :math:`j` is, to the last bit,
        ``bootstrap_ci(f, counts_j, ...)`` with ``counts_j`` the two columns :math:`j`
        and ``f`` their weighted ratio carrying ``f.left_out_reason = "the pooled
        denominator is 0"`` (the same resamples: each run draws them from the seed
        alone). A ratio whose pooled denominator is 0 is NaN, with its note.

    Raises
    ------
    InvalidInputError
        Arrays of other shapes, counts that are not whole numbers (or too large for
        exact float64 sums), and as :func:`bootstrap_ci`.

    Warns
    -----
    UndefinedMetricWarning
        As :func:`bootstrap_ci`, for each statistic in turn.

    Notes
    -----
    EC57's gross statistics (ANSI/AAMI EC57) are such ratios pooled over
    the records: QRS sensitivity is the beats detected over the reference beats of all
    records together. Resampling whole records (or patients) keeps each record's beats
    together, as their correlation requires. BCa's acceleration comes from the
    closed-form jackknife of each ratio (one case or cluster left out).

    References
    ----------
    Efron B, Tibshirani RJ. An Introduction to the Bootstrap. Chapman & Hall 1993,
    ch. 13-14 (percentile, BCa) and 16 (clustered data).
    ANSI/AAMI EC57:2012. Testing and reporting performance results of cardiac rhythm
    and ST segment measurement algorithms.

    Examples
    --------
    >>> est = pooled_ratio_cis([[9, 1], [18, 0], [5, 2]], [[10, 2], [20, 1], [5, 2]],
    ...                        seed=0, n_resamples=200)
    >>> [round(e.value, 4) for e in est]  # 32/35, 3/5
    [0.9143, 0.6]
    """
    func = "pooled_ratio_cis"
    method, alpha = _options(method, confidence, n_resamples, seed, func)
    same_index(func, numerators=numerators, denominators=denominators, strata=strata,
               clusters=clusters)
    num = as_array(numerators, name="numerators", func=func, dtype=np.float64)
    den = as_array(denominators, name="denominators", func=func, dtype=np.float64)
    for name, counts in (("numerators", num), ("denominators", den)):
        if counts.ndim != 2:
            raise InvalidInputError(
                f"{func}: {name} must be two-dimensional, one row per case and one column "
                f"per statistic, got shape {counts.shape}"
                + ("; for a single statistic pass one column, e.g. np.c_[counts]"
                   if counts.ndim == 1 else ""))
    if num.shape != den.shape:
        raise InvalidInputError(
            f"{func}: numerators and denominators must be of one shape (cases, statistics), "
            f"got {num.shape} and {den.shape}"
        )
    if not (np.isfinite(num).all() and np.isfinite(den).all()):
        raise InvalidInputError(f"{func}: the counts must be finite whole numbers")
    for name, counts in (("numerators", num), ("denominators", den)):
        rows, columns = np.nonzero((counts != np.round(counts)) | (counts < 0))
        if rows.size:
            raise InvalidInputError(
                f"{func}: the {name} must be whole numbers >= 0 (counts); row {rows[0]}, "
                f"column {columns[0]} holds {float(counts[rows[0], columns[0]])!r}")
    try:
        stats = count_ratio_statistics(num, den, "the pooled denominator is 0")
    except InvalidInputError as exc:
        raise InvalidInputError(f"{func}: {exc}") from None
    units = make_units(num.shape[0], strata=strata, clusters=clusters, func=func)
    try:
        return run_bootstraps(
            stats, units, seed=seed, method=method, alpha=alpha, n_resamples=int(n_resamples),
            confidence=1.0 - alpha,
        )
    except InvalidInputError as exc:  # counts too large for exact sums of these units
        raise InvalidInputError(f"{func}: {exc}") from None


def _options(
    method: str, confidence: float, n_resamples: int, seed: Any, func: str
) -> tuple[BootstrapMethod, float]:
    """The checked interval method and alpha = 1 - confidence (seed and n_resamples
    checked too)."""
    checked = choice(method, ("percentile", "bca"), name="method", func=func)
    alpha = 1.0 - confidence_level(confidence, func=func)
    check_resampling(seed, n_resamples, func=func)
    return checked, alpha  # type: ignore[return-value]


def ece_statistic(
    n_bins: int = 10, *, pos_label: Any = None
) -> Callable[..., NDArray[np.float64]]:
    r"""The expected calibration error as a statistic for :func:`bootstrap_ci`.

    With the equal-width bins :math:`B_k` of
    :func:`~medeval.metrics.expected_calibration_error` (``strategy="uniform"``; the same
    binning, from :mod:`medeval.metrics.calibration`) and frequency weights :math:`w_i`
    of a resample:

    .. math::
        \mathrm{ECE}_w = \frac{1}{\sum_i w_i} \sum_{k=1}^{B}
                         \Big| \sum_{i \in B_k} w_i (y_i - p_i) \Big|

    which with all weights 1 is the ECE of the data.

    Parameters
    ----------
    n_bins : int, default 10
        The number of equal-width bins B, at least 1.
    pos_label : object, optional
        The positive label of ``y_true``; by default 1 where the labels are 0/1, -1/1 or
        booleans (any other labels must name it), as
        :func:`~medeval.metrics.expected_calibration_error`.

    Returns
    -------
    callable
        ``f(y_true, y_prob, weights=W)``: ``y_true`` the reference labels, ``y_prob`` in
        [0, 1], ``W`` of shape (b, n); returns the b values. Pass it to
        :func:`bootstrap_ci` with the two arrays.

    Raises
    ------
    InvalidInputError
        ``n_bins`` not an integer >= 1; and, when the callable is evaluated, the inputs
        :func:`~medeval.metrics.expected_calibration_error` refuses: labels that are not
        binary or whose positive one is not evident, a probability outside [0, 1] or
        NaN (logits, say), arrays of different lengths. Up to 0.11.0 these were not
        checked: labels 1/2 or logits gave an ECE above 1.

    Notes
    -----
    Bins are fixed by ``n_bins`` (not by the data), so every resample is binned alike: a
    probability on an inner edge belongs to the bin below it. The value on the data
    equals :func:`~medeval.metrics.expected_calibration_error` up to rounding (it sums
    :math:`y_i - p_i` per bin, where the metric subtracts the bins' two sums). The
    jackknife for BCa evaluates n leave-one-out rows (O(n²)).

    References
    ----------
    Naeini MP, Cooper GF, Hauskrecht M. Obtaining well calibrated probabilities using
    Bayesian binning. Proc. AAAI. 2015;29(1):2901-7.

    Examples
    --------
    >>> est = bootstrap_ci(ece_statistic(2), [0.0, 0.0, 1.0, 1.0, 1.0],
    ...                    [0.1, 0.2, 0.2, 0.7, 0.9], seed=0, n_resamples=200)
    >>> round(est.value, 4)  # |1/3 - 0.5/3| * 3/5 + |1 - 0.8| * 2/5
    0.18
    """
    edges = bin_edges(np.zeros(0), n_bins, "uniform", "ece_statistic")
    size = edges.size - 1
    checked: list[tuple[Any, Any, NDArray[np.float64], NDArray[np.float64]]] = []

    def inputs(y: Any, p: Any) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        # validated as expected_calibration_error's, once for the arrays of one bootstrap
        if not (checked and checked[0][0] is y and checked[0][1] is p):
            truth, prob = _labels_and_scores(y, p, pos_label, "ece_statistic",
                                             score_name="y_prob", check=probabilities)
            checked[:] = [(y, p, truth.astype(np.float64), prob)]
        return checked[0][2], checked[0][3]

    def ece(*arrays: Any, weights: NDArray[np.float64]) -> NDArray[np.float64]:
        if len(arrays) != 2:
            raise InvalidInputError(
                f"ece_statistic: takes two arrays (y_true, y_prob), got {len(arrays)}")
        y, p = inputs(*arrays)
        onehot = np.eye(size)[bin_index(p, edges)]
        gap = np.einsum("bn,nk->bk", weights, onehot * (y - p)[:, None])
        result: NDArray[np.float64] = np.abs(gap).sum(axis=1) / weights.sum(axis=1)
        return result

    return ece


def _takes_weights(statistic: Callable[..., Any], func: str) -> None:
    """Raise, naming the contract, when a callable statistic has no ``weights`` keyword
    (``np.mean`` is the usual slip: it would fail deep inside with numpy's TypeError).
    Callables whose signature Python cannot read are let through."""
    try:
        parameters = inspect.signature(statistic).parameters.values()
    except (TypeError, ValueError):
        return
    if any(p.kind is p.VAR_KEYWORD or (p.name == "weights" and p.kind is not p.POSITIONAL_ONLY)
           for p in parameters):
        return
    name = getattr(statistic, "__qualname__", repr(statistic))
    raise InvalidInputError(
        f"{func}: the statistic {name} takes no weights= keyword; a callable statistic is "
        "vectorised over resamples: f(*arrays, weights=W) with W of shape (b, n) returns "
        "b values, e.g. lambda x, weights: weights @ x / weights.sum(axis=1) for the mean"
    )


def _build_statistic(
    statistic: str | Callable[..., Any],
    arrays: tuple[ArrayLike, ...],
    *,
    pos_label: Any,
    func: str,
) -> tuple[WeightedStatistic, int]:
    if callable(statistic):
        if not arrays:
            raise InvalidInputError(f"{func}: pass the data arrays after the statistic")
        _takes_weights(statistic, func)
        data = tuple(as_array(a, name=f"arrays[{i}]", func=func) for i, a in enumerate(arrays))
        lengths = {f"array {i}": len(a) for i, a in enumerate(data)}
        n = same_length(func, **{k: np.empty(v) for k, v in lengths.items()})
        return CallableStatistic(statistic, data, n), n
    name = choice(statistic, tuple(BOOTSTRAP_STATISTICS), name="statistic", func=func)
    if len(arrays) != 2:
        raise InvalidInputError(
            f"{func}: statistic {name!r} takes two arrays ({BOOTSTRAP_STATISTICS[name]}), "
            f"got {len(arrays)}"
        )
    if name not in ("auc", "average_precision", "brier_score"):
        return _confusion_statistic(name, arrays, pos_label=pos_label, func=func)
    return _score_statistic(name, arrays, pos_label=pos_label, func=func)


def _score_statistic(
    name: str, arrays: tuple[ArrayLike, ...], *, pos_label: Any, func: str
) -> tuple[WeightedStatistic, int]:
    """A named statistic of labels and scores (AUC, average precision, Brier score)."""
    truth = binary_labels(arrays[0], name="y_true", func=func, pos_label=pos_label)
    if name in ("auc", "average_precision"):
        score = finite_scores(arrays[1], name="y_score", func=func)
        n = same_length(func, y_true=truth, y_score=score)
        if name == "auc":
            return AucStatistic(truth, score), n
        return AveragePrecisionStatistic(truth, score), n
    score = probabilities(arrays[1], name="y_prob", func=func)  # "brier_score"
    n = same_length(func, y_true=truth, y_prob=score)
    # the mean of brier_score's per-case losses
    return RatioStatistic(brier_losses(truth, score), np.ones(n), "there is no case"), n


def _confusion_statistic(
    name: str, arrays: tuple[ArrayLike, ...], *, pos_label: Any, func: str
) -> tuple[WeightedStatistic, int]:
    """A named statistic of the confusion matrix, its two label arrays read as the
    metric reads them (the same refusals: three labels together, text against numbers)."""
    truth, pred = binary_pair(arrays[0], arrays[1], pos_label, func,
                              either=name == "accuracy")
    n = truth.size
    # Each case's outcome as 0/1 indicators: their weighted sums are a resample's counts,
    # from which each ratio takes the terms the metric takes from the confusion matrix.
    outcomes = tuple(cell.astype(np.float64) for cell in (
        truth & pred, ~truth & pred, truth & ~pred, ~truth & ~pred))  # tp, fp, fn, tn
    if name in _OF_RATES:
        rates = [RatioStatistic(*ratio_terms(rate, *outcomes), undefined_reason(rate), BY_CLASS)
                 for rate in ("sensitivity", "specificity")]
        return CombinedStatistic(_OF_RATES[name], rates), n
    metric = _RATIO_METRIC.get(name, name)
    return RatioStatistic(*ratio_terms(metric, *outcomes), undefined_reason(metric),
                          _STRATIFY_BY.get(metric)), n


#: The named statistics that combine sensitivity and specificity, with the metric's formula.
_OF_RATES: dict[str, Callable[..., Any]] = {
    "balanced_accuracy": balanced_accuracy_of,
    "youden_j": youden_j_of,
}
#: A named ratio statistic whose metric has another name in medeval.metrics.
_RATIO_METRIC = {"f1": "f1_score"}
#: The stratification that keeps a ratio's denominator above 0 on every resample (none
#: for accuracy and the Brier score, whose denominator is the number of cases).
_STRATIFY_BY = {"sensitivity": BY_CLASS, "specificity": BY_CLASS, "f1_score": BY_CLASS,
                "ppv": BY_PREDICTION, "npv": BY_PREDICTION}
