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


def exact_bca(value, n, *, seed, n_resamples, confidence=0.95):
    """BCa (Efron 1987) with each resample's statistic ``value(rows)`` an exact Fraction
    of the rows drawn, compared exactly; each value rounded once for the quantiles."""
    draws = np.random.default_rng(seed).integers(0, n, (n_resamples, n))
    estimate = value(range(n))
    values = [value(row) for row in draws]
    below = sum(v < estimate for v in values)
    tied = sum(v == estimate for v in values)
    z0 = ndtri((below + 0.5 * tied) / n_resamples)
    jack = np.array([float(value([j for j in range(n) if j != i])) for i in range(n)])
    dev = jack.mean() - jack
    accel = (dev**3).sum() / (6 * ((dev**2).sum()) ** 1.5)
    alpha = 1 - confidence
    levels = [ndtr(z0 + (z0 + z) / (1 - accel * (z0 + z)))
              for z in (ndtri(alpha / 2), ndtri(1 - alpha / 2))]
    rounded = np.array([float(v) for v in values])
    return np.quantile(rounded, levels, method="linear"), tied


def exact_mean(values):
    exact = [Fraction(x) for x in values]
    return lambda rows: sum((exact[i] for i in rows), Fraction(0)) / len(rows)


def test_resamples_tying_the_estimate_are_ties_in_bca():
    (low, high), tied = exact_bca(exact_mean(NSD), len(NSD), seed=7, n_resamples=1000)
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


def test_distinct_ratios_of_exact_counts_are_no_ties():
    # Pooled ratios of whole counts are exact: a resample ties the estimate only where its
    # float equals it. Records: 12 A = 5000000/10000001, 4 C = 3000001/10000000, whose
    # pooled ratio is 7666667/16666668, and 4 B = A + (547624, 1190487), the counts of
    # its best rational approximation of denominator up to 3e6 (Fraction's
    # limit_denominator: 1.5e-13 above it). A resample with the data's number of C
    # records but another split of A and B then lies a few ulps from the estimate, inside
    # 3e13c46's tolerance (4 n eps times 0.49 = 8.9e-15 for 20 records), which took 88
    # such resamples below the estimate and 74 above for ties: the lower bound moved in
    # the 5th decimal (0.420237 against 0.420272). The reference compares every
    # resample's ratio with the estimate in exact rationals (47 ties).
    from medeval.stats import pooled_ratio_cis

    num = [5000000] * 12 + [5000000 + 547624] * 4 + [3000001] * 4
    den = [10000001] * 12 + [10000001 + 1190487] * 4 + [10000000] * 4

    def ratio(rows):
        rows = list(rows)
        return Fraction(sum(num[i] for i in rows), sum(den[i] for i in rows))

    (low, high), tied = exact_bca(ratio, len(num), seed=2, n_resamples=1000)
    assert tied == 47
    (est,) = pooled_ratio_cis(np.c_[num], np.c_[den], seed=2, method="bca",
                              n_resamples=1000)
    assert est.value == float(ratio(range(20)))
    assert (est.low, est.high) == pytest.approx((low, high), rel=1e-12, abs=0)


def decimal_mean(values):
    # the values as the decimals they are written as (repr), not their binary doubles
    exact = [Fraction(repr(x)) for x in values]
    return lambda rows: sum((exact[i] for i in rows), Fraction(0)) / len(rows)


@pytest.mark.parametrize("values, seed", [
    ([-1.1] * 8 + [1.1] * 8 + [0.3, -0.7], 1),  # mixed signs, the mean near 0
    ([1e6 + 0.1] * 15 + [1e6 + 0.3, 1e6 - 0.2, 1e6], 0),  # far from 0: 1e6 + 0.1 inexact
    ([0.1, 0.2, 0.3] * 6 + [0.7], 0),  # 0.1 + 0.2 != 0.3 in binary
])
def test_means_of_decimals_tie_as_the_decimals_do(values, seed):
    # Resamples whose decimal sums equal the estimate's (three times 1e6 + 0.1 against
    # 1e6 + 0.3 and twice 1e6) are ties of the data as written, though their doubles
    # differ by their representation error; the tolerance holds them as ties, and the
    # interval is BCa's in exact decimal arithmetic. Before 3e13c46 the floats decided
    # (these three intervals differed from it).
    (low, high), _ = exact_bca(decimal_mean(values), len(values), seed=seed,
                               n_resamples=1000)
    est = bootstrap_ci(mean_statistic, np.asarray(values), seed=seed, method="bca",
                       n_resamples=1000)
    assert (est.low, est.high) == pytest.approx((low, high), rel=1e-12, abs=0)
