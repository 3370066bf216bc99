"""The area under the ROC curve with its confidence interval, and the paired DeLong test."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import ndtri
from scipy.stats import norm

from .._validation import (
    as_1d,
    binary_labels,
    choice,
    confidence_level,
    finite_scores,
    same_index,
    same_length,
    undefined,
)
from ..errors import InvalidInputError
from ._auc_components import auc_and_delong_variance, structural_components
from ._bootstrap_engine import check_resampling, run_bootstrap
from ._paired_auc import paired_delong
from ._resampling import cluster_codes, make_units
from ._statistics import AucStatistic
from .clustered import newcombe_auc_bounds, obuchowski_caveat, obuchowski_covariance
from .estimate import Estimate

__all__ = ["DeLongTest", "auc_ci", "delong_test", "structural_components"]


def _delong_covariance(
    truth: NDArray[np.bool_], a: NDArray[np.float64], b: NDArray[np.float64]
) -> tuple[NDArray[np.float64], float, float]:
    """DeLong's 2x2 covariance matrix of two AUCs on the same cases, and the AUCs.

    ``S10 / m + S01 / n``, the 2x2 sample covariances (ddof 1) of the two scores'
    structural components over the positives and over the negatives, each case's two
    components side by side (one sort per score, see ``_paired_auc``).
    """
    aucs, cov = paired_delong(truth, a, b)
    return np.array(cov), aucs[0], aucs[1]


def auc_ci(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    method: Literal["delong", "obuchowski", "newcombe", "bootstrap"] = "delong",
    confidence: float = 0.95,
    pos_label: Any = None,
    n_resamples: int = 2000,
    bootstrap_method: Literal["percentile", "bca"] = "percentile",
    seed: int | np.random.Generator | None = None,
    stratified: bool = True,
    clusters: ArrayLike | None = None,
) -> Estimate:
    r"""Area under the ROC curve with a DeLong, Obuchowski (clustered), Newcombe or
    bootstrap confidence interval.

    The AUC is the Mann–Whitney statistic, ties counting one half, with higher scores
    meaning positive (the direction is fixed, never flipped):

    .. math:: \mathrm{AUC} = \frac{1}{mn}\sum_{i=1}^{m}\sum_{j=1}^{n}\psi(X_i, Y_j).

    DeLong's interval is :math:`\mathrm{AUC} \pm z_{1-\alpha/2}\sqrt{S_{10}/m +
    S_{01}/n}`, :math:`S_{10}` and :math:`S_{01}` the sample variances (ddof 1) of the
    structural components (see :func:`structural_components`), clipped to [0, 1].
    Obuchowski's interval (several cases per patient, ``clusters`` required) is
    :math:`\mathrm{AUC} \pm z\sqrt{\operatorname{Var}}` with Obuchowski's (1997)
    clustered variance (see :func:`medeval.stats.clustered.obuchowski_covariance`),
    clipped to [0, 1]. Newcombe's is his (2006) method 5 score interval
    (:func:`medeval.stats.clustered.newcombe_auc_bounds`).

    Parameters
    ----------
    y_true : array-like
        Reference labels, binary.
    y_score : array-like
        Scores, higher meaning more likely positive; finite.
    method : {"delong", "obuchowski", "newcombe", "bootstrap"}
        The interval. ``"obuchowski"`` needs ``clusters``.
    confidence : float
        Confidence level in (0, 1).
    pos_label : object, optional
        The positive label in ``y_true``; by default 1 where the labels are 0/1, -1/1 or
        booleans (any other labels must name it).
    n_resamples, bootstrap_method, seed
        For ``method="bootstrap"``: the number of resamples, ``"percentile"`` or
        ``"bca"``, and the seed (required for the bootstrap).
    stratified : bool
        Bootstrap: resample positives and negatives separately (default), keeping their
        numbers fixed.
    clusters : array-like, optional
        One cluster (patient) id per case. Obuchowski: the clusters of the variance
        (required). ``"delong"``: where some cluster holds several cases, the interval
        is Obuchowski's (DeLong's over clusters, as :func:`delong_test` with clusters
        and an evaluation take it; the estimate's ``method`` says ``"obuchowski"``);
        with one case per cluster the two are equal and it stays ``"delong"``.
        Bootstrap: resample whole clusters instead of cases; then resamples are not
        stratified. Ignored by ``"newcombe"``, which takes the cases as independent.

    Returns
    -------
    Estimate
        ``method`` is ``"delong"``, ``"obuchowski"``, ``"newcombe-5"``,
        ``"bootstrap-percentile"`` or ``"bootstrap-bca"`` — the method the interval
        was computed with: ``"newcombe-5"`` (or ``"newcombe-5-clustered"``) where
        DeLong's (Obuchowski's) interval would have zero width (see Notes).

    Raises
    ------
    InvalidInputError
        Non-binary labels, NaN or infinite scores, lengths that differ, a confidence
        outside (0, 1), an unknown method, a bootstrap without a seed.

    Warns
    -----
    UndefinedMetricWarning
        With only one class the AUC and its interval are NaN. With a single positive or
        a single negative, DeLong's variance (a sample variance of one value) is
        undefined: the AUC is returned with a NaN interval (Obuchowski: fewer than two
        clusters holding a positive or a negative). The warning's text is also the
        returned estimate's ``note`` (the bootstrap's own notes with
        ``method="bootstrap"``, see :func:`~medeval.stats.bootstrap_ci`). Where DeLong's
        or Obuchowski's variance is 0 — AUC 0 or 1 (perfect separation), or every
        structural component equal — the figure is defined and nothing is warned: the
        interval falls back to Newcombe's method 5, the estimate's ``method`` names it
        and its ``note`` says why (an evaluation copies the note into its warnings).

    Notes
    -----
    The computation is O(n log n): one sort of the scores, each carrying its class in
    its key's lowest bit, gives both classes' mid-ranks (Sun & Xu 2014's differences of
    mid-ranks as cumulative counts, see
    :func:`medeval.stats._auc_components.auc_and_delong_variance`). On pROC's
    ``aSAH`` data (s100b, outcome Poor positive) it gives AUC 0.7314, 95% CI
    0.6301-0.8326, as pROC's ``ci.auc`` prints.

    **No zero-width interval.** At an AUC of 1 (or 0) every structural component is 1
    (or 0), DeLong's variance is 0 and its interval [1, 1] would pass any goal under the
    guarded rule. The default method stays ``"delong"`` (it is the reference away from
    the boundary and matches pROC), but wherever its variance is 0 the interval is
    Newcombe's (2006) method 5 score interval on the same counts, whose bound at the
    estimate's side stays short of it (30 positives and 30 negatives perfectly
    separated: [0.9330, 1]); the estimate's ``method`` says ``"newcombe-5"`` and its
    note why. With ``"obuchowski"`` the fallback is Newcombe's interval with each
    patient counted once (:math:`I_{10}` clusters holding a positive, :math:`I_{01}`
    holding a negative), ``"newcombe-5-clustered"``.

    **Obuchowski with one case per cluster** equals DeLong exactly: then
    :math:`I_{10} = m`, :math:`I_{01} = n`, so :math:`S_{10}` and :math:`S_{01}` are
    the sample variances (ddof 1) of the components and :math:`S_{11} = 0` (no cluster
    holds both a positive and a negative); the small-sample factor
    :math:`I_{10}/(I_{10}-1)` of Obuchowski's :math:`S_{10}` is DeLong's
    :math:`m/(m-1)`, so the ratio of the two variances is exactly 1.

    References
    ----------
    Hanley JA, McNeil BJ. The meaning and use of the area under a receiver operating
    characteristic (ROC) curve. Radiology 1982;143:29-36.
    DeLong ER, DeLong DM, Clarke-Pearson DL. Biometrics 1988;44:837-845.
    Sun X, Xu W. IEEE Signal Process Lett 2014;21:1389-1393.
    Obuchowski NA. Nonparametric analysis of clustered ROC curve data. Biometrics
    1997;53:567-578.
    Newcombe RG. Confidence intervals for an effect size measure based on the
    Mann-Whitney statistic. Part 2: asymptotic methods and evaluation. Stat Med
    2006;25:559-573 (method 5).
    Robin X et al. pROC: an open-source package for R and S+ to analyze and compare ROC
    curves. BMC Bioinformatics 2011;12:77.

    Examples
    --------
    The values agree with DeLong's variance worked from the placement values by brute
    force (pairwise comparisons, scipy's normal quantile): AUC 8/9, 95 % CI [0.5809, 1].

    >>> est = auc_ci([0, 0, 1, 1, 0, 1], [0.1, 0.4, 0.35, 0.8, 0.2, 0.9])
    >>> round(est.value, 4), est.method
    (0.8889, 'delong')
    >>> round(est.low, 4), round(est.high, 4)
    (0.5809, 1.0)
    """
    func = "auc_ci"
    method = choice(  # type: ignore[assignment]
        method, ("delong", "obuchowski", "newcombe", "bootstrap"), name="method", func=func)
    level = confidence_level(confidence, func=func)
    same_index(func, y_true=y_true, y_score=y_score, clusters=clusters)
    truth = binary_labels(y_true, name="y_true", func=func, pos_label=pos_label)
    score = finite_scores(y_score, name="y_score", func=func, copy=False)
    n_cases = same_length(func, y_true=truth, y_score=score)
    m = int(np.count_nonzero(truth))
    label = {"delong": "delong", "obuchowski": "obuchowski", "newcombe": "newcombe-5"}.get(
        method, f"bootstrap-{bootstrap_method}")
    if method == "obuchowski" and clusters is None:
        raise InvalidInputError(
            f"{func}: method='obuchowski' needs clusters= (one patient id per case); "
            "without clusters use method='delong'"
        )
    if method == "delong" and clusters is not None and _several_per_cluster(
            clusters, n_cases, func):
        # DeLong's variance over patients is Obuchowski's, as delong_test(clusters=)
        # and an evaluation take it; ignoring the clusters would give an interval that
        # takes each patient's cases as independent, too narrow.
        method, label = "obuchowski", "obuchowski"
    if m == 0 or m == n_cases:
        note = f"{func}: the AUC is undefined with one class only ({m} positives of {n_cases})"
        undefined(note)
        return Estimate(math.nan, math.nan, math.nan, label, level, n_cases, note=note)
    if method == "bootstrap":
        bootstrap_method = choice(  # type: ignore[assignment]
            bootstrap_method, ("percentile", "bca"), name="bootstrap_method", func=func
        )
        n_resamples = check_resampling(seed, n_resamples, func=func)
        assert seed is not None  # check_resampling refuses None
        strata = truth if (stratified and clusters is None) else None
        units = make_units(n_cases, strata=strata, clusters=clusters, func=func)
        return run_bootstrap(
            AucStatistic(truth, score), units, seed=seed, method=bootstrap_method,
            alpha=1 - level, n_resamples=int(n_resamples), confidence=level,
        )
    z = float(ndtri(1 - (1 - level) / 2))
    if method == "newcombe":
        auc = auc_and_delong_variance(truth, score)[0]
        low, high = newcombe_auc_bounds(auc, m, n_cases - m, z)
        return Estimate(auc, low, high, label, level, n_cases)
    if method == "obuchowski":
        assert clusters is not None  # checked above
        aucs, cov, i10, i01 = obuchowski_covariance(truth, [score], clusters, func=func)
        auc, var, m_units, n_units = float(aucs[0]), float(cov[0, 0]), i10, i01
        few = (f"Obuchowski's variance is undefined with fewer than two clusters holding a "
               f"positive or a negative ({i10} and {i01})")
    else:
        auc, var = auc_and_delong_variance(truth, score)
        m_units, n_units = m, n_cases - m
        few = (f"DeLong's variance is undefined with a single positive or negative case "
               f"({m} positives, {n_cases - m} negatives)")
    if math.isnan(var):
        note = f"{func}: {few}; the interval is NaN"
        undefined(note)
        return Estimate(auc, math.nan, math.nan, label, level, n_cases, note=note)
    if not var > _ZERO_VARIANCE:
        return _zero_variance_fallback(auc, m_units, n_units, z, level, n_cases, label)
    half = z * math.sqrt(var)
    # fewer than FEW_CLUSTERS patients holding a positive or a negative: Obuchowski's
    # variance may then be too small (one patient holding most cases is not noted,
    # docs/intervals.md says why; with one case per patient it is DeLong's, noted never)
    caveat = (obuchowski_caveat(truth, clusters, func=func) if label == "obuchowski"
              and clusters is not None and _several_per_cluster(clusters, n_cases, func)
              else None)
    return Estimate(auc, max(0.0, auc - half), min(1.0, auc + half), label, level, n_cases,
                    note=caveat)


def _several_per_cluster(clusters: ArrayLike, n_cases: int, func: str) -> bool:
    """True when some cluster holds more than one case (the ids checked as Obuchowski's)."""
    ids = as_1d(clusters, name="clusters", func=func)
    if len(ids) != n_cases:
        raise InvalidInputError(
            f"{func}: arrays differ in length: y_true has {n_cases}, clusters has {len(ids)}")
    return bool(n_cases) and int(np.bincount(cluster_codes(ids, func=func)).max()) > 1


#: A variance at or below this (a standard error under 1e-10, rounding of an exact 0) gives
#: a zero-width interval: Newcombe's interval is used instead.
_ZERO_VARIANCE = 1e-20


def _zero_variance_fallback(
    auc: float, m: int, n: int, z: float, level: float, n_cases: int, label: str
) -> Estimate:
    """Newcombe's method 5 where DeLong's (Obuchowski's) variance is 0, with a note."""
    low, high = newcombe_auc_bounds(auc, m, n, z)
    name = "DeLong's" if label == "delong" else "Obuchowski's"
    units = "cases" if label == "delong" else "clusters"
    where = "perfect separation" if auc in (0.0, 1.0) else "all structural components equal"
    note = (f"auc_ci: {name} variance is 0 at AUC = {auc:.4g} ({where}), so its "
            f"interval would have zero width; the interval is Newcombe's (2006) method 5 "
            f"score interval on {m} positive and {n} negative {units} instead")
    method = "newcombe-5" if label == "delong" else "newcombe-5-clustered"
    return Estimate(auc, low, high, method, level, n_cases, note=note)


@dataclass(frozen=True)
class DeLongTest:
    """The paired DeLong test of two AUCs on the same cases.

    Attributes
    ----------
    auc_a, auc_b : float
        The two AUCs.
    difference : Estimate
        ``auc_a - auc_b`` with its DeLong (or Obuchowski) confidence interval (not
        clipped).
    statistic : float
        :math:`z`.
    p_value : float
        Two-sided.
    method : str
        ``"delong-paired"``, or ``"obuchowski-paired"`` with clusters.
    """

    auc_a: float
    auc_b: float
    difference: Estimate
    statistic: float
    p_value: float
    method: str = "delong-paired"


def delong_test(
    y_true: ArrayLike,
    y_score_a: ArrayLike,
    y_score_b: ArrayLike,
    *,
    confidence: float = 0.95,
    pos_label: Any = None,
    clusters: ArrayLike | None = None,
) -> DeLongTest:
    r"""DeLong's test for two correlated AUCs: two algorithms scored on the same cases.

    .. math::
        z = \frac{\mathrm{AUC}_a - \mathrm{AUC}_b}{\sqrt{\operatorname{Var}(\mathrm{AUC}_a)
            + \operatorname{Var}(\mathrm{AUC}_b) - 2\operatorname{Cov}(\mathrm{AUC}_a,
            \mathrm{AUC}_b)}},

    the (co)variances being :math:`S_{10}/m + S_{01}/n` with :math:`S_{10}`,
    :math:`S_{01}` the 2×2 sample covariance matrices (ddof 1) of the two algorithms'
    structural components. The p-value is two-sided, :math:`2\Phi(-|z|)`. With
    ``clusters`` (several cases per patient) the variances and the covariance are
    Obuchowski's (1997) clustered ones, the covariance taking both cross products
    :math:`S_{11}^{ab}` and :math:`S_{11}^{ba}` (see
    :func:`medeval.stats.clustered.obuchowski_covariance`).

    Parameters
    ----------
    y_true : array-like
        Reference labels, binary.
    y_score_a, y_score_b : array-like
        The two algorithms' scores on the same cases, higher meaning positive.
    confidence : float
        Level of the interval of the difference.
    pos_label : object, optional
        The positive label in ``y_true``; by default 1 where the labels are 0/1, -1/1 or
        booleans (any other labels must name it).
    clusters : array-like, optional
        One cluster (patient) id per case: Obuchowski's clustered covariance. With one
        case per cluster it equals DeLong's exactly.

    Returns
    -------
    DeLongTest

    Raises
    ------
    InvalidInputError
        As :func:`auc_ci`, for either score.

    Warns
    -----
    UndefinedMetricWarning
        One class only, a single positive or negative (with clusters: fewer than two
        clusters holding a positive or a negative), or identical scores (variance of
        the difference 0): z, p and the interval are NaN; the warning's text is also
        the ``note`` of ``difference``.

    Notes
    -----
    On pROC's ``aSAH`` data, wfns against s100b gives z = 2.209, p = 0.0272, as
    ``roc.test(..., method="delong", paired=TRUE)`` prints.

    References
    ----------
    DeLong ER, DeLong DM, Clarke-Pearson DL. Biometrics 1988;44:837-845.
    Sun X, Xu W. IEEE Signal Process Lett 2014;21:1389-1393.
    Obuchowski NA. Nonparametric analysis of clustered ROC curve data. Biometrics
    1997;53:567-578.

    Examples
    --------
    The p-value agrees with the DeLong covariance worked by brute force from the pairwise
    placement values: z = (8/9 - 1) / SE, p = 0.4795.

    >>> t = delong_test([0, 0, 0, 1, 1, 1], [0.1, 0.2, 0.6, 0.5, 0.8, 0.9],
    ...                 [0.3, 0.1, 0.2, 0.4, 0.35, 0.5])
    >>> round(t.auc_a, 4), round(t.auc_b, 4), round(t.p_value, 3)
    (0.8889, 1.0, 0.48)
    """
    func = "delong_test"
    level = confidence_level(confidence, func=func)
    same_index(func, y_true=y_true, y_score_a=y_score_a, y_score_b=y_score_b,
               clusters=clusters)
    truth = binary_labels(y_true, name="y_true", func=func, pos_label=pos_label)
    a = finite_scores(y_score_a, name="y_score_a", func=func, copy=False)
    b = finite_scores(y_score_b, name="y_score_b", func=func, copy=False)
    n_cases = same_length(func, y_true=truth, y_score_a=a, y_score_b=b)
    m = int(np.count_nonzero(truth))
    label = "delong-paired" if clusters is None else "obuchowski-paired"

    def undefined_test(auc_a: float, auc_b: float, note: str) -> DeLongTest:
        undefined(note, stacklevel=4)
        return DeLongTest(
            auc_a, auc_b,
            Estimate(auc_a - auc_b, math.nan, math.nan, label, level, n_cases, note=note),
            math.nan, math.nan, label,
        )

    if m < 2 or n_cases - m < 2:
        return undefined_test(math.nan, math.nan, (
            f"{func}: needs at least two positive and two negative cases, got {m} and "
            f"{n_cases - m}"))
    if clusters is not None:
        aucs, cov, i10, i01 = obuchowski_covariance(truth, [a, b], clusters, func=func)
        if i10 < 2 or i01 < 2:
            return undefined_test(float(aucs[0]), float(aucs[1]), (
                f"{func}: Obuchowski's covariance needs at least two clusters holding a "
                f"positive and two holding a negative, got {i10} and {i01}"))
        auc_a, auc_b = float(aucs[0]), float(aucs[1])
    else:
        cov, auc_a, auc_b = _delong_covariance(truth, a, b)
    diff = auc_a - auc_b
    var = float(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1])
    if not var > 0:
        return undefined_test(auc_a, auc_b, (
            f"{func}: the variance of the AUC difference is 0 (identical rankings?)"))
    sd = math.sqrt(var)
    z = diff / sd
    half = float(ndtri(1 - (1 - level) / 2)) * sd
    # few patients: the covariance is as uncertain as auc_ci's variance (its note)
    caveat = (obuchowski_caveat(truth, clusters, func=func) if clusters is not None
              and _several_per_cluster(clusters, n_cases, func) else None)
    return DeLongTest(
        auc_a=auc_a,
        auc_b=auc_b,
        difference=Estimate(diff, diff - half, diff + half, label, level, n_cases,
                            note=caveat),
        statistic=z,
        p_value=float(2 * norm.sf(abs(z))),
        method=label,
    )
