"""BCa's bias correction counts the resamples below the estimate and one half of those
equal to it. Where most values are equal (NSD at 1.0 for most frames of an ultrasound
segmenter), many resamples hold the data's values in another order and tie the
estimate in exact arithmetic, but their float sums differ from the estimate's in the
last bits: 19 of the 58 ties among 1,000 resamples were read as below it, and the
certificate's lower bound was 0.98503 where exact arithmetic gives 0.98547. Ties within
the rounding error of the sum are now counted as ties. The reference here counts them
with Python's exact rationals (fractions.Fraction) on the same resamples
(rng.integers(0, n, (B, n)), as scipy.stats.bootstrap draws them), with the jackknife and
the BCa levels written out from Efron (1987). Found in the onnx-pass."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from scipy.special import ndtr, ndtri

from medeval.stats import bootstrap_ci

# NSD (surfel) of 18 ultrasound frames, as the onnx-pass's hand-built ONNX model scored
NSD = [1.0, 1.0, 1.0, 0.9560012570748733, 1.0, 1.0, 0.9919556714496427, 1.0, 1.0, 1.0, 1.0,
       1.0, 1.0, 0.9741240875456674, 1.0, 1.0, 1.0, 1.0]


def mean_statistic(values, weights):
    return weights @ values / weights.sum(axis=-1)


def exact_bca(values, *, seed, n_resamples, confidence=0.95):
    v = np.asarray(values, float)
    n = v.size
    draws = np.random.default_rng(seed).integers(0, n, (n_resamples, n))
    exact = [Fraction(x) for x in values]
    total = sum(exact)
    sums = [sum(exact[i] for i in row) for row in draws]
    below = sum(s < total for s in sums)
    tied = sum(s == total for s in sums)
    z0 = ndtri((below + 0.5 * tied) / n_resamples)
    jack = np.array([np.delete(v, i).mean() for i in range(n)])
    dev = jack.mean() - jack
    accel = (dev**3).sum() / (6 * ((dev**2).sum()) ** 1.5)
    alpha = 1 - confidence
    levels = [ndtr(z0 + (z0 + z) / (1 - accel * (z0 + z)))
              for z in (ndtri(alpha / 2), ndtri(1 - alpha / 2))]
    means = np.array([float(Fraction(s) / n) for s in sums])  # each mean rounded once
    return np.quantile(means, levels, method="linear"), tied


def test_resamples_tying_the_estimate_are_ties_in_bca():
    (low, high), tied = exact_bca(NSD, seed=7, n_resamples=1000)
    assert tied == 58  # the data's values in another order: a tie in exact arithmetic
    est = bootstrap_ci(mean_statistic, np.asarray(NSD), seed=7, method="bca",
                       n_resamples=1000)
    assert est.low == pytest.approx(low, rel=1e-12) and est.low == pytest.approx(0.98547, abs=1e-5)
    assert est.high == pytest.approx(high, rel=1e-12)


def test_continuous_values_keep_scipys_interval():
    # no tie: the interval is still scipy.stats.bootstrap's, to the bit's neighbourhood
    from scipy import stats

    values = np.random.default_rng(3).normal(0.8, 0.1, 25)
    ours = bootstrap_ci(mean_statistic, values, seed=5, method="bca", n_resamples=1000)
    theirs = stats.bootstrap((values,), np.mean, n_resamples=1000, method="BCa",
                             random_state=np.random.default_rng(5)).confidence_interval
    assert (ours.low, ours.high) == pytest.approx((theirs.low, theirs.high), rel=1e-12)


def test_an_infinite_resample_leaves_the_ties_to_the_finite_ones():
    # A ratio whose denominator is 0 on some resamples (y nonzero in 2 of 12 cases: a
    # resample drawing neither, 0.83**12 = 11%, is x/0 = inf). No resample ties the
    # estimate, so the interval is scipy's (the same draws, paired); before, the infinite
    # resamples made the tolerance infinite, every finite resample a tie (z0 = 0) and
    # the lower bound 3.834 against scipy's 3.566.
    from scipy import stats

    x = np.random.default_rng(0).normal(5.0, 1.0, 12)
    y = np.zeros(12)
    y[:2] = (3.0, 2.0)

    def ratio(x, y, weights):
        with np.errstate(divide="ignore"):
            return (weights @ x) / (weights @ y)

    def ratio_axis(x, y, axis=-1):
        with np.errstate(divide="ignore"):
            return x.sum(axis=axis) / y.sum(axis=axis)

    ours = bootstrap_ci(ratio, x, y, seed=1, method="bca", n_resamples=1000)
    theirs = stats.bootstrap((x, y), ratio_axis, paired=True, n_resamples=1000, method="BCa",
                             random_state=np.random.default_rng(1)).confidence_interval
    assert np.isinf(theirs.high)  # the upper quantile lies among the infinite resamples
    assert ours.low == pytest.approx(theirs.low, rel=1e-12)
