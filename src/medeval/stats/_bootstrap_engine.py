"""The bootstrap engine: resample statistics, then form their percentile or BCa intervals.

Private, shared by :func:`medeval.stats.bootstrap_ci`, :func:`medeval.stats.auc_ci`
(``method="bootstrap"``) and :func:`medeval.stats.pooled_ratio_cis`; it imports none of
their modules. Resamples come from :mod:`medeval.stats._resampling`; the statistics,
evaluated on many resamples at once, from :mod:`medeval.stats._statistics`. The formulas
are in ``bootstrap_ci``'s docstring.

Several statistics of one data set can be evaluated on one set of resamples
(:func:`run_bootstraps`): each resample is drawn once and each statistic evaluated on it.
A seeded run of one statistic draws the same resamples alone, so each interval is the one
:func:`run_bootstrap` gives that statistic with the same seed, to the last bit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr, ndtri

from .._validation import undefined
from ..errors import InvalidInputError
from ._resampling import Units, draw_batches, draws_to_unit_weights
from ._statistics import WeightedStatistic
from .estimate import Estimate

__all__ = ["check_resampling", "run_bootstrap", "run_bootstraps"]


def check_resampling(seed: Any, n_resamples: Any, *, func: str) -> int:
    """Raise unless ``seed`` can seed numpy's generator and ``n_resamples`` is an integer
    of at least 100 (what the protocol's ``n_resamples`` accepts); return it as int.

    ``seed`` is a non-negative integer or a ``numpy.random.Generator`` (anything
    ``numpy.random.default_rng`` takes, e.g. a ``SeedSequence``); a float such as 1.5 or
    a negative number would otherwise fail deep inside numpy with its own wording, and
    ``None`` would draw from the operating system: another interval at every run.
    """
    if seed is None:
        raise InvalidInputError(
            f"{func}: the bootstrap needs an explicit seed (seed=...), so that the same "
            "inputs give the same interval"
        )
    if isinstance(seed, (bool, np.bool_)) or isinstance(seed, (float, np.floating, str)):
        raise InvalidInputError(
            f"{func}: seed must be a non-negative integer or a numpy.random.Generator, "
            f"got {seed!r}"
        )
    try:
        np.random.default_rng(seed)
    except (TypeError, ValueError):
        raise InvalidInputError(
            f"{func}: seed must be a non-negative integer or a numpy.random.Generator, "
            f"got {seed!r}"
        ) from None
    if (isinstance(n_resamples, (bool, np.bool_))
            or not isinstance(n_resamples, (int, np.integer, float, np.floating))
            or not math.isfinite(n_resamples) or int(n_resamples) != n_resamples
            or n_resamples < 100):
        raise InvalidInputError(
            f"{func}: n_resamples must be an integer >= 100, got {n_resamples!r}"
        )
    return int(n_resamples)


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
    (run,) = _resampled([stat], units, seed=seed, method=method, alpha=alpha,
                        n_resamples=n_resamples, confidence=confidence)
    return _noted(run)


def run_bootstraps(
    stats: Sequence[WeightedStatistic],
    units: Units,
    *,
    seed: int | np.random.Generator,
    method: str,
    alpha: float,
    n_resamples: int,
    confidence: float,
) -> tuple[Estimate, ...]:
    """Several statistics of the same units on one set of resamples: one estimate each.

    With an integer seed, each estimate is :func:`run_bootstrap`'s of that statistic
    alone (the same draws, evaluated the same way), note and warning included; the
    warnings come in the order of ``stats``. A generator as the seed is drawn from once,
    for all the statistics.
    """
    runs = _resampled(stats, units, seed=seed, method=method, alpha=alpha,
                      n_resamples=n_resamples, confidence=confidence)
    out = []
    for run in runs:  # a loop, not a comprehension: the warning's stack level
        out.append(_noted(run))
    return tuple(out)


def _noted(run: _Run) -> Estimate:
    """The run's estimate with its notes joined by ``"; "`` as its ``note``, warned once
    (at the caller of ``bootstrap_ci`` or ``auc_ci``)."""
    if not run.notes:
        return run.estimate
    note = "; ".join(run.notes)
    undefined(note, 5)
    return replace(run.estimate, note=note)


@dataclass
class _Run:
    """One statistic's bootstrap: its estimate so far, its notes, its resampled values."""

    stat: WeightedStatistic
    estimate: Estimate
    notes: list[str] = field(default_factory=list)
    batches: list[NDArray[np.float64]] = field(default_factory=list)


def _resampled(
    stats: Sequence[WeightedStatistic],
    units: Units,
    *,
    seed: int | np.random.Generator,
    method: str,
    alpha: float,
    n_resamples: int,
    confidence: float,
) -> list[_Run]:
    """The work of :func:`run_bootstrap` and :func:`run_bootstraps`; each reason for a
    NaN or a left-out resample is appended to the run's ``notes``."""
    rng = np.random.default_rng(seed)
    label = f"bootstrap-{method}"
    runs, resampled = [], []
    for stat in stats:
        theta = stat.value()
        run = _Run(stat, Estimate(theta, math.nan, math.nan, label, confidence, units.n_obs))
        runs.append(run)
        if math.isnan(theta):
            why = getattr(stat, "why_undefined", lambda: None)()
            run.notes.append("bootstrap_ci: the statistic is undefined (NaN) on the data"
                             + (f": {why}" if why else ""))
        elif all(stratum.size < 2 for stratum in units.strata):
            # Every resample would be the data itself: a zero-width "interval" that a
            # guarded criterion would take for certainty. scipy.stats.bootstrap refuses
            # such data.
            run.notes.append(
                f"bootstrap_ci: {units.n_units} resampling unit(s) and none to vary within "
                "any stratum (one case, or one cluster such as a single patient or record): "
                "every resample is the data itself, so the interval is undefined (NaN)"
            )
        else:
            resampled.append(run)
    # Without clusters a statistic may take the draws themselves (the same draws): alone
    # and as a stream it draws and counts them block by block, else batch by batch.
    stream = (getattr(resampled[0].stat, "resampled_stream", None)
              if len(resampled) == 1 and units.unit_of is None else None)
    if stream is not None:
        resampled[0].batches.append(stream(units, n_resamples, rng))
    elif resampled:
        for draws in draw_batches(units, n_resamples, rng):
            _evaluate(resampled, units, draws)
    for run in resampled:
        _interval(run, np.concatenate(run.batches), units, method=method, alpha=alpha,
                  n_resamples=n_resamples)
    return runs


def _evaluate(runs: list[_Run], units: Units, draws: list[NDArray[np.integer[Any]]]) -> None:
    """Each statistic on one batch of resamples: from the units' weights where it takes
    them, from the draws (no clusters) where it takes those, else from the observations'
    weights. Each kind of weights is made once for the batch."""
    unit_weights: NDArray[np.float64] | None = None
    for run in runs:
        by_unit = getattr(run.stat, "resampled_units", None)
        fast = getattr(run.stat, "resampled_draws", None) if units.unit_of is None else None
        if by_unit is None and fast is not None:
            run.batches.append(fast(units, draws))
            continue
        if unit_weights is None:
            unit_weights = draws_to_unit_weights(units, draws)
        if by_unit is not None:
            run.batches.append(by_unit(units, unit_weights))
        elif units.unit_of is None:
            run.batches.append(run.stat.resampled(unit_weights))
        else:
            run.batches.append(run.stat.resampled(unit_weights[:, units.unit_of]))


def _interval(run: _Run, thetas: NDArray[np.float64], units: Units, *, method: str,
              alpha: float, n_resamples: int) -> None:
    """The percentile or BCa interval from one statistic's resampled values."""
    theta = run.estimate.value
    bad = np.isnan(thetas)
    if bad.any():
        run.notes.append(_left_out(run.stat, units, int(bad.sum()), n_resamples))
        thetas = thetas[~bad]
        if thetas.size == 0:
            return
    if method == "percentile":
        probs = (alpha / 2, 1 - alpha / 2)
    else:
        # A statistic of exact sums ties only where its float is equal: no tolerance.
        exact = getattr(run.stat, "exact_ties", False)
        probs = _bca_levels(theta, thetas, run.stat.jackknife(units), alpha, run.notes,
                            n_obs=0 if exact else units.n_obs)
        if any(math.isnan(p) for p in probs):
            return
    low, high = np.quantile(thetas, probs, method="linear")
    run.estimate = replace(run.estimate, value=float(theta), low=float(low), high=float(high))
    if method == "percentile":
        outside = _estimate_outside(float(theta), float(low), float(high), thetas)
        if outside:
            run.notes.append(outside)


def _estimate_outside(theta: float, low: float, high: float,
                      thetas: NDArray[np.float64]) -> str | None:
    """The note on a percentile interval that does not hold its own estimate (beyond
    the rounding of a sum): the statistic is biased on the resamples, as the expected
    calibration error is (higher on nearly every resample of a well-calibrated model's
    set: a tenth of such sets' intervals lay wholly above their estimate) and average
    precision where a resample's copies of one case tie (a model ranking every positive
    below every negative: every resample holding a copy lies above it). The interval then
    shows the resamples' spread, not a range around the estimate; BCa's bias correction
    takes the share of resamples below the estimate into account."""
    if not all(math.isfinite(v) for v in (theta, low, high)):
        return None
    tolerance = 1e-12 * max(abs(theta), abs(low), abs(high), 1e-300)
    if low - tolerance <= theta <= high + tolerance:
        return None
    side, other = ("below", "above") if theta < low else ("above", "below")
    beyond = int((thetas > theta).sum() if theta < low else (thetas < theta).sum())
    return (f"bootstrap_ci: the estimate lies {side} its percentile interval ({beyond} of "
            f"{thetas.size} resamples lie {other} it): the statistic is biased on this set's "
            "resamples, so the interval shows their spread, not a range around the "
            "estimate; the BCa interval (method \"bca\", a protocol's "
            "statistics.bootstrap_method) takes such a bias into account")


def _left_out(stat: WeightedStatistic, units: Units, count: int, n_resamples: int) -> str:
    """The note on the resamples left out: how many, why the statistic is undefined on
    them where it says (its ``left_out_reason``), and what applies to it: the
    stratification that keeps its denominator above 0 (its ``stratify_by``: the
    reference class for sensitivity, the AUC ...; the predicted class for PPV, NPV)
    where it has one and the resampling is neither stratified nor clustered (a patient
    may hold both classes); else that the interval rests on the resamples where the
    statistic is defined (a COCO figure of large objects, a pooled ratio ...)."""
    why = getattr(stat, "left_out_reason", None)
    reason = why() if callable(why) else None
    text = (f"bootstrap_ci: {count} of {n_resamples} resamples gave an undefined value and "
            "were left out" + (f": on each, {reason}" if reason else ""))
    stratify_by = getattr(stat, "stratify_by", None)
    if stratify_by and units.unit_of is None and len(units.strata) == 1:
        return f"{text}; stratify by {stratify_by} to avoid this"
    return f"{text}; the interval rests on the resamples where the statistic is defined"


def _bca_levels(
    theta: float, thetas: NDArray[np.float64], jack: NDArray[np.float64], alpha: float,
    notes: list[str], *, n_obs: int = 1,
) -> tuple[float, float]:
    # A resample holding the data's values in another order ties the estimate in exact
    # arithmetic, but its float sum can differ from the estimate's in the last bits, on
    # either side (NSD at 1.0 for most frames: 19 of 58 such ties of 1,000 resamples
    # were read as below it). Values within the rounding error of a sum of n_obs terms
    # are ties, counted one half as the formula says. The scale is of the finite values
    # only: an infinite resample (a ratio whose denominator is 0 there) would make every
    # finite one a tie; an infinite estimate ties only the resamples equal to it.
    sizes = np.abs(np.append(thetas, theta))
    scale = float(sizes[np.isfinite(sizes)].max(initial=0.0))
    tolerance = 4 * n_obs * np.finfo(float).eps * scale
    with np.errstate(invalid="ignore"):  # inf - inf: NaN, no tie unless equal
        tied = (thetas == theta) | (np.abs(thetas - theta) <= tolerance)
    share = ((thetas < theta) & ~tied).sum() / thetas.size + 0.5 * tied.sum() / thetas.size
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

