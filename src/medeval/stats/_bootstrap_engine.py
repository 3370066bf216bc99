"""The bootstrap engine: resample a statistic, then form its percentile or BCa interval.

Private, shared by :func:`medeval.stats.bootstrap_ci` and :func:`medeval.stats.auc_ci`
(``method="bootstrap"``); it imports neither of their modules. Resamples come from
:mod:`medeval.stats._resampling`; the statistics, evaluated on many resamples at once,
from :mod:`medeval.stats._statistics`. The formulas are in ``bootstrap_ci``'s docstring.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr, ndtri

from .._validation import undefined
from ._resampling import Units, draw_batches, draws_to_weights
from ._statistics import WeightedStatistic
from .estimate import Estimate

__all__ = ["run_bootstrap"]


def run_bootstrap(
    stat: WeightedStatistic,
    units: Units,
    *,
    seed: int | np.random.Generator,
    method: str,
    alpha: float,
    n_resamples: int,
    confidence: float,
) -> Estimate:
    """Resample, then form the interval. Shared by ``bootstrap_ci`` and ``auc_ci``.

    What a reader of the figure must know (an undefined value or interval, resamples
    left out) is the estimate's ``note``, its parts joined by ``"; "``, and is warned
    once as an ``UndefinedMetricWarning`` with the same text.
    """
    notes: list[str] = []
    estimate = _resampled(stat, units, seed=seed, method=method, alpha=alpha,
                          n_resamples=n_resamples, confidence=confidence, notes=notes)
    if not notes:
        return estimate
    note = "; ".join(notes)
    undefined(note, 4)
    return replace(estimate, note=note)


def _resampled(
    stat: WeightedStatistic,
    units: Units,
    *,
    seed: int | np.random.Generator,
    method: str,
    alpha: float,
    n_resamples: int,
    confidence: float,
    notes: list[str],
) -> Estimate:
    """:func:`run_bootstrap`'s work; each reason for a NaN or a left-out resample is
    appended to ``notes``."""
    rng = np.random.default_rng(seed)
    theta = stat.value()
    label = f"bootstrap-{method}"
    if math.isnan(theta):
        why = getattr(stat, "why_undefined", lambda: None)()
        notes.append("bootstrap_ci: the statistic is undefined (NaN) on the data"
                     + (f": {why}" if why else ""))
        return Estimate(math.nan, math.nan, math.nan, label, confidence, units.n_obs)
    if all(stratum.size < 2 for stratum in units.strata):
        # Every resample would be the data itself: a zero-width "interval" that a guarded
        # criterion would take for certainty. scipy.stats.bootstrap refuses such data.
        notes.append(
            f"bootstrap_ci: {units.n_units} resampling unit(s) and none to vary within "
            "any stratum (one case, or one cluster such as a single patient or record): "
            "every resample is the data itself, so the interval is undefined (NaN)"
        )
        return Estimate(theta, math.nan, math.nan, label, confidence, units.n_obs)
    # Without clusters a statistic may take the draws themselves (the same draws):
    # as a stream it draws and counts them block by block, else batch by batch.
    stream = getattr(stat, "resampled_stream", None) if units.unit_of is None else None
    fast = getattr(stat, "resampled_draws", None) if units.unit_of is None else None
    if stream is not None:
        thetas = stream(units, n_resamples, rng)
    else:
        batches = []
        for draws in draw_batches(units, n_resamples, rng):
            if fast is not None:
                batches.append(fast(units, draws))
            else:
                batches.append(stat.resampled(draws_to_weights(units, draws)))
        thetas = np.concatenate(batches)
    bad = np.isnan(thetas)
    if bad.any():
        notes.append(
            f"bootstrap_ci: {int(bad.sum())} of {n_resamples} resamples gave an undefined "
            "value and were left out; stratify (e.g. by class) to avoid this"
        )
        thetas = thetas[~bad]
        if thetas.size == 0:
            return Estimate(theta, math.nan, math.nan, label, confidence, units.n_obs)
    if method == "percentile":
        probs = (alpha / 2, 1 - alpha / 2)
    else:
        probs = _bca_levels(theta, thetas, stat.jackknife(units), alpha, notes)
        if any(math.isnan(p) for p in probs):
            return Estimate(theta, math.nan, math.nan, label, confidence, units.n_obs)
    low, high = np.quantile(thetas, probs, method="linear")
    return Estimate(float(theta), float(low), float(high), label, confidence, units.n_obs)


def _bca_levels(
    theta: float, thetas: NDArray[np.float64], jack: NDArray[np.float64], alpha: float,
    notes: list[str],
) -> tuple[float, float]:
    share = ((thetas < theta).sum() + 0.5 * (thetas == theta).sum()) / thetas.size
    z0 = float(ndtri(share))
    if not math.isfinite(z0):
        notes.append(
            "bootstrap_ci: BCa is undefined: every resample lies on one side of the "
            "estimate (bias correction infinite); use method='percentile'"
        )
        return (math.nan, math.nan)
    if np.isnan(jack).any():
        notes.append(
            "bootstrap_ci: BCa is undefined: leaving one unit out makes the statistic "
            "undefined (e.g. the only positive case); use method='percentile'"
        )
        return (math.nan, math.nan)
    dev = jack.mean() - jack
    spread = float((dev**2).sum())
    accel = float((dev**3).sum()) / (6.0 * spread**1.5) if spread > 0 else 0.0
    levels = []
    for z_alpha in (ndtri(alpha / 2), ndtri(1 - alpha / 2)):
        levels.append(float(ndtr(z0 + (z0 + z_alpha) / (1 - accel * (z0 + z_alpha)))))
    return (levels[0], levels[1])

