"""The intervals and tests the OR and DBM analyses share: a difference or a treatment AUC
with a t (finite df) or normal (infinite df) interval, and the degrees of freedom of a
ratio of mean squares."""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from itertools import combinations

import numpy as np
from numpy.typing import NDArray
from scipy.stats import chi2, norm
from scipy.stats import f as f_dist
from scipy.stats import t as student_t

from .._validation import warn_undefined
from ._mrmc_records import AnovaRow, MRMCComparison, MRMCTreatmentInterval
from .estimate import Estimate

__all__ = ["comparison", "f_p_value", "hillis_ddf", "intervals", "pairwise", "root",
           "safe_ratio", "treatment_interval", "two_way_anova"]


def safe_ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``; ``inf`` (or NaN for 0/0) when the denominator is 0."""
    if math.isnan(numerator) or math.isnan(denominator):
        return math.nan
    if denominator == 0:
        return math.nan if numerator == 0 else math.copysign(math.inf, numerator)
    return numerator / denominator


def root(value: float) -> float:
    """``sqrt(value)``; NaN for a negative value (a variance estimate below zero, which
    the unbiased covariance can give) or NaN."""
    return math.sqrt(value) if value >= 0 else math.nan


def hillis_ddf(error_term: float, ms: float, df_ms: int) -> float:
    """Satterthwaite's df of ``error_term`` when only ``ms`` (on ``df_ms`` df) is random:
    ``error_term² / (ms² / df_ms)`` (Hillis 2007's ddf_H); ``inf`` when ``ms`` is 0."""
    if ms == 0:
        return math.inf
    return error_term**2 / (ms**2 / df_ms)


def _quantile(confidence: float, df: float) -> float:
    upper = 1 - (1 - confidence) / 2
    return float(norm.ppf(upper) if math.isinf(df) else student_t.ppf(upper, df))


def _two_sided_p(statistic: float, df: float) -> float:
    if math.isnan(statistic):
        return math.nan
    tail = norm.sf(abs(statistic)) if math.isinf(df) else student_t.sf(abs(statistic), df)
    return float(2 * tail)


#: The note of an interval whose standard error is 0 (written into the Estimate).
ZERO_WIDTH = ("mrmc ({method}): standard error 0, so the interval has zero width: these "
              "readings show no variation to estimate it from (e.g. the same readings in "
              "both treatments, readers who gave the same ratings, or every reader "
              "separating the classes perfectly); it shows no uncertainty, not certainty")


def _undefined_note(half_width: float, method: str) -> str | None:
    """None for a defined interval of non-zero width; else the reason (an undefined one
    warned once). A standard error of 0 (identical readings in both treatments, copies
    of one reader, perfect separation by every reader) gives an interval of zero width,
    as the Iowa program and RJafroc compute it; the note says that it is no evidence of
    certainty, where the interval alone would look exact."""
    if half_width == 0:
        return ZERO_WIDTH.format(method=method)
    if not math.isnan(half_width):
        return None
    note = (f"mrmc ({method}): interval undefined: the variance estimate behind its "
            "standard error is negative or undefined")
    warn_undefined(note)
    return note


def comparison(first: Hashable, second: Hashable, difference: float, std_err: float,
               df: float, *, confidence: float, method: str, n: int,
               reader: Hashable | None = None) -> MRMCComparison:
    """A difference with its t (finite ``df``) or z interval and two-sided test."""
    half = _quantile(confidence, df) * std_err
    statistic = safe_ratio(difference, std_err)
    estimate = Estimate(float(difference), float(difference - half),
                        float(difference + half), method=method, confidence=confidence, n=n,
                        note=_undefined_note(half, method))
    return MRMCComparison(first, second, estimate, float(std_err), float(statistic),
                          float(df), _two_sided_p(statistic, df), reader)


def pairwise(treatments: tuple[Hashable, ...], means: NDArray[np.float64], std_err: float,
             df: float, *, confidence: float, method: str, n: int,
             reader: Hashable | None = None) -> tuple[MRMCComparison, ...]:
    """Every difference ``means[a] − means[b]`` for ``a < b``, one standard error."""
    return tuple(
        comparison(treatments[a], treatments[b], float(means[a] - means[b]), std_err, df,
                   confidence=confidence, method=method, n=n, reader=reader)
        for a, b in combinations(range(len(treatments)), 2)
    )


def treatment_interval(treatment: Hashable, auc: float, std_err: float, df: float, *,
                       confidence: float, method: str, n: int) -> MRMCTreatmentInterval:
    """A treatment's reader-averaged AUC with its t or z interval (not clipped to [0, 1],
    as the Iowa program prints it)."""
    half = _quantile(confidence, df) * std_err
    estimate = Estimate(float(auc), float(auc - half), float(auc + half), method=method,
                        confidence=confidence, n=n, note=_undefined_note(half, method))
    return MRMCTreatmentInterval(treatment, estimate, float(std_err), float(df))


def intervals(treatments: tuple[Hashable, ...], aucs: NDArray[np.float64],
              std_errs: list[float], dfs: list[float], *, confidence: float, method: str,
              n: int) -> Mapping[Hashable, MRMCTreatmentInterval]:
    """:func:`treatment_interval` for every treatment, keyed by label."""
    return {
        label: treatment_interval(label, float(aucs[i]), std_errs[i], dfs[i],
                                  confidence=confidence, method=method, n=n)
        for i, label in enumerate(treatments)
    }


def f_p_value(statistic: float, df_num: float, df_den: float) -> float:
    """``P(F(df_num, df_den) > statistic)``; NaN for a NaN statistic. An infinite
    ``df_den`` (a zero MS(T*R) in Hillis's ddf) is the limit ``chi2(df_num) / df_num``."""
    if math.isnan(statistic):
        return math.nan
    if math.isinf(df_den):
        return float(chi2.sf(statistic * df_num, df_num))
    return float(f_dist.sf(statistic, df_num, df_den))


def exact(deviations: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
    """Deviations from means with those at rounding level (within 64 ulps of the data's
    largest magnitude) set to 0.

    Equal values (two readers who gave the same ratings) leave deviations of ~1e-17
    instead of 0; squared, they are a mean square of ~1e-34 that an F statistic divides
    by: p = 1e-56 and an interval of width 1e-15 where the error term is 0.
    """
    scale = float(np.abs(y).max()) if y.size else 0.0
    return np.where(np.abs(deviations) <= 64 * np.finfo(np.float64).eps * scale, 0.0,
                    deviations)


def two_way_anova(y: NDArray[np.float64]) -> tuple[AnovaRow, AnovaRow, AnovaRow]:
    """Rows, columns and interaction of a two-way table without replication, as ANOVA rows
    named ``"rows"``, ``"columns"``, ``"interaction"`` (mean square NaN on 0 df)."""
    a, b = y.shape
    grand = y.mean()
    ss_a = b * float((exact(y.mean(axis=1) - grand, y) ** 2).sum())
    ss_b = a * float((exact(y.mean(axis=0) - grand, y) ** 2).sum())
    resid = exact(y - y.mean(axis=1, keepdims=True) - y.mean(axis=0, keepdims=True) + grand, y)
    ss_ab = float((resid**2).sum())
    rows = [AnovaRow(name, ss, df, ss / df if df else math.nan)
            for name, ss, df in (("rows", ss_a, a - 1), ("columns", ss_b, b - 1),
                                 ("interaction", ss_ab, (a - 1) * (b - 1)))]
    return rows[0], rows[1], rows[2]
