"""Proportion confidence intervals, against statsmodels, scipy and hand-worked values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest
from statsmodels.stats.proportion import proportion_confint

from medeval.errors import InvalidInputError, UndefinedMetricWarning
from medeval.stats.estimate import Estimate
from medeval.stats.intervals import PROPORTION_METHODS, proportion_ci

# medeval method id -> statsmodels proportion_confint method name
STATSMODELS = {
    "wilson": "wilson",
    "clopper-pearson": "beta",
    "jeffreys": "jeffreys",
    "agresti-coull": "agresti_coull",
    "wald": "normal",
}
# medeval one-sided bound -> statsmodels alternative (statsmodels sets the other bound)
SM_ALTERNATIVE = {"two": "two-sided", "lower": "smaller", "upper": "larger"}
GRID = [
    (k, n)
    for n in (1, 2, 3, 5, 10, 17, 50, 100, 1000)
    for k in sorted({0, 1, n // 3, n // 2, n - 1, n})
]
LEVELS = (0.5, 0.8, 0.9, 0.95, 0.99, 0.999)


def test_every_method_is_checked_against_statsmodels():
    # Fails when a method is added to medeval without a statsmodels counterpart here.
    assert set(PROPORTION_METHODS) == set(STATSMODELS)


class TestAgainstStatsmodels:
    @pytest.mark.parametrize("method", PROPORTION_METHODS)
    @pytest.mark.parametrize("confidence", LEVELS)
    def test_two_sided_grid(self, method, confidence):
        for k, n in GRID:
            est = proportion_ci(k, n, method=method, confidence=confidence)
            low, high = proportion_confint(k, n, alpha=1 - confidence, method=STATSMODELS[method])
            assert est.low == pytest.approx(low, abs=1e-9), (k, n)
            assert est.high == pytest.approx(high, abs=1e-9), (k, n)

    @pytest.mark.parametrize("method", PROPORTION_METHODS)
    @pytest.mark.parametrize("sided", ["lower", "upper"])
    @pytest.mark.parametrize("confidence", (0.9, 0.95, 0.99))
    def test_one_sided_is_one_side_of_the_two_sided_interval_at_doubled_alpha(
        self, method, sided, confidence
    ):
        for k, n in GRID:
            est = proportion_ci(k, n, method=method, confidence=confidence, sided=sided)
            low, high = proportion_confint(
                k, n, alpha=2 * (1 - confidence), method=STATSMODELS[method]
            )
            if sided == "lower":
                assert est.low == pytest.approx(low, abs=1e-9) and est.high == 1.0
            else:
                assert est.high == pytest.approx(high, abs=1e-9) and est.low == 0.0

    @pytest.mark.parametrize("method", PROPORTION_METHODS)
    @pytest.mark.parametrize("sided", ["lower", "upper"])
    def test_one_sided_matches_statsmodels_alternative(self, method, sided):
        for k, n in GRID:
            est = proportion_ci(k, n, method=method, confidence=0.95, sided=sided)
            low, high = proportion_confint(
                k, n, alpha=0.05, method=STATSMODELS[method], alternative=SM_ALTERNATIVE[sided]
            )
            assert (est.low, est.high) == pytest.approx((low, high), abs=1e-9), (k, n)


class TestAgainstScipy:
    @pytest.mark.parametrize("k,n", GRID)
    def test_clopper_pearson_two_sided(self, k, n):
        ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
        est = proportion_ci(k, n, method="clopper-pearson")
        assert (est.low, est.high) == pytest.approx((ci.low, ci.high), abs=1e-9)

    @pytest.mark.parametrize("k,n", GRID)
    @pytest.mark.parametrize("sided,alternative", [("lower", "greater"), ("upper", "less")])
    def test_clopper_pearson_one_sided(self, k, n, sided, alternative):
        ci = binomtest(k, n, alternative=alternative).proportion_ci(confidence_level=0.95)
        est = proportion_ci(k, n, method="clopper-pearson", sided=sided)
        assert (est.low, est.high) == pytest.approx((ci.low, ci.high), abs=1e-9)

    @pytest.mark.parametrize("k,n", GRID)
    def test_wilson_matches_scipy(self, k, n):
        ci = binomtest(k, n).proportion_ci(confidence_level=0.9, method="wilson")
        est = proportion_ci(k, n, method="wilson", confidence=0.9)
        assert (est.low, est.high) == pytest.approx((ci.low, ci.high), abs=1e-9)


class TestHandWorked:
    def test_wald(self):
        # 45/50: p = 0.9, se = sqrt(0.9 * 0.1 / 50) = 0.0424264, z = 1.959964
        # -> 0.9 -+ 0.0831540 = (0.816846, 0.983154)
        est = proportion_ci(45, 50, method="wald")
        assert (est.low, est.high) == pytest.approx((0.816846, 0.983154), abs=1e-6)

    def test_clopper_pearson_at_k_equal_n(self):
        # k = n = 10: lower bound solves p^10 = 0.025, p = 0.025 ** 0.1 = 0.691503
        est = proportion_ci(10, 10, method="clopper-pearson")
        assert est.low == pytest.approx(0.025**0.1, abs=1e-12)
        assert est.high == 1.0

    def test_clopper_pearson_at_k_zero(self):
        # k = 0, n = 10: upper bound solves (1 - p)^10 = 0.025 -> 1 - 0.025 ** 0.1 = 0.308497
        est = proportion_ci(0, 10, method="clopper-pearson")
        assert est.low == 0.0
        assert est.high == pytest.approx(1 - 0.025**0.1, abs=1e-12)

    def test_published_clopper_pearson(self):
        # contingencytables (Fagerland et al.) test suite, Ligarden 2010 data 13/16:
        # "exact CI: estimate = 0.8125 (95% CI 0.5435 to 0.9595)"
        est = proportion_ci(13, 16, method="clopper-pearson")
        assert (round(est.low, 4), round(est.high, 4)) == (0.5435, 0.9595)

    def test_one_sided_clopper_pearson_k_equal_n(self):
        # one-sided 95% lower bound at k = n = 20: p^20 = 0.05 -> 0.05 ** (1/20) = 0.860891
        est = proportion_ci(20, 20, method="clopper-pearson", sided="lower")
        assert est.low == pytest.approx(0.05 ** (1 / 20), abs=1e-12)
        assert est.high == 1.0


class TestEdgeCases:
    @pytest.mark.parametrize("method", PROPORTION_METHODS)
    def test_n_zero_is_nan_with_warning(self, method):
        with pytest.warns(UndefinedMetricWarning, match="n = 0"):
            est = proportion_ci(0, 0, method=method)
        assert math.isnan(est.value) and math.isnan(est.low) and math.isnan(est.high)
        assert est.n == 0 and est.numerator == 0 and est.method == method
        assert not est.defined

    def test_wald_degenerate_at_the_boundaries(self):
        # p = 0 or 1 gives a standard error of 0: the interval is the point itself.
        at_zero = proportion_ci(0, 10, method="wald")
        at_n = proportion_ci(10, 10, method="wald")
        assert (at_zero.low, at_zero.high, at_n.low, at_n.high) == (0.0, 0.0, 1.0, 1.0)

    def test_agresti_coull_is_clipped(self):
        # k = 0, n = 1: centre (0 + 1.92)/4.84 = 0.397, half-width 0.437 -> -0.04, clipped
        est = proportion_ci(0, 1, method="agresti-coull")
        assert est.low == 0.0

    def test_jeffreys_not_forced_to_zero_or_one(self):
        # statsmodels' convention: the Beta(1/2, n + 1/2) 2.5% quantile, not 0.
        low = proportion_ci(0, 10, method="jeffreys").low
        high = proportion_ci(10, 10, method="jeffreys").high
        assert 0.0 < low < 1e-4
        assert 1 - 1e-4 < high < 1.0

    @pytest.mark.parametrize("method", PROPORTION_METHODS)
    def test_n_equal_one(self, method):
        for k in (0, 1):
            est = proportion_ci(k, 1, method=method)
            assert 0.0 <= est.low <= est.high <= 1.0
            assert est.value == k

    def test_fields(self):
        est = proportion_ci(7, 20, method="jeffreys", confidence=0.9, sided="upper")
        assert isinstance(est, Estimate)
        assert (est.value, est.n, est.numerator, est.method, est.confidence, est.sided) == (
            0.35, 20, 7, "jeffreys", 0.9, "upper",
        )
        assert est.low == 0.0

    def test_numpy_integers_accepted(self):
        k, n = np.int64(3), np.int32(10)
        assert proportion_ci(k, n, method="wilson") == proportion_ci(3, 10, method="wilson")
        assert isinstance(proportion_ci(k, n, method="wilson").n, int)
        assert proportion_ci(np.uint8(3), np.int64(10), method="wald").numerator == 3


class TestErrors:
    @pytest.mark.parametrize(
        "k,n,match",
        [
            (-1, 10, "successes must be >= 0, got -1"),
            (1, -10, "n must be >= 0, got -10"),
            (11, 10, r"successes \(11\) exceeds n \(10\)"),
            (2.5, 10, "successes must be an integer count, got 2.5"),
            (2.0, 10, "successes must be an integer count, got 2.0"),
            (2, 10.0, "n must be an integer count, got 10.0"),
            (True, 10, "successes must be an integer count, got True"),
            ("3", 10, "successes must be an integer count, got '3'"),
            (None, 10, "successes must be an integer count, got None"),
        ],
    )
    def test_bad_counts(self, k, n, match):
        with pytest.raises(InvalidInputError, match=match) as info:
            proportion_ci(k, n, method="wilson")
        assert str(info.value).startswith("proportion_ci:")

    @pytest.mark.parametrize("confidence", [0, 1, 1.5, -0.1, 95, float("nan"), "high"])
    def test_bad_confidence(self, confidence):
        with pytest.raises(InvalidInputError, match="proportion_ci: confidence"):
            proportion_ci(3, 10, method="wilson", confidence=confidence)

    @pytest.mark.parametrize("method", ["Wilson", "beta", "exact", "normal", "agresti_coull", None])
    def test_unknown_method(self, method):
        with pytest.raises(InvalidInputError, match=f"proportion_ci: method .* got {method!r}"):
            proportion_ci(3, 10, method=method)

    def test_method_is_required(self):
        with pytest.raises(TypeError):
            proportion_ci(3, 10)  # type: ignore[call-arg]

    def test_unknown_sided(self):
        with pytest.raises(InvalidInputError, match="proportion_ci: sided .* got 'greater'"):
            proportion_ci(3, 10, method="wilson", sided="greater")

    def test_positional_options_rejected(self):
        with pytest.raises(TypeError):
            proportion_ci(3, 10, "wilson")  # type: ignore[misc]

    def test_errors_are_value_errors(self):
        with pytest.raises(ValueError):
            proportion_ci(11, 10, method="wilson")


counts = st.integers(min_value=1, max_value=100_000).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
)
levels = st.floats(min_value=0.5, max_value=0.9999)
sides = st.sampled_from(["two", "lower", "upper"])


class TestProperties:
    @settings(max_examples=200, deadline=None)
    @given(counts, levels, st.sampled_from(PROPORTION_METHODS), sides)
    def test_bounds_in_unit_interval_and_ordered(self, kn, confidence, method, sided):
        k, n = kn
        est = proportion_ci(k, n, method=method, confidence=confidence, sided=sided)
        assert 0.0 <= est.low <= est.high <= 1.0
        assert est.value == k / n

    @settings(max_examples=200, deadline=None)
    @given(counts, levels, st.sampled_from(PROPORTION_METHODS))
    def test_interval_contains_estimate(self, kn, confidence, method):
        k, n = kn
        if method == "jeffreys" and k in (0, n):
            return  # documented: Jeffreys is not forced to 0 / 1 at the boundaries
        est = proportion_ci(k, n, method=method, confidence=confidence)
        assert est.low <= k / n <= est.high

    @settings(max_examples=200, deadline=None)
    @given(counts, levels, levels, st.sampled_from(PROPORTION_METHODS))
    def test_higher_confidence_is_wider(self, kn, c1, c2, method):
        k, n = kn
        lo_c, hi_c = sorted((c1, c2))
        narrow = proportion_ci(k, n, method=method, confidence=lo_c)
        wide = proportion_ci(k, n, method=method, confidence=hi_c)
        assert wide.low <= narrow.low + 1e-12
        assert wide.high >= narrow.high - 1e-12
        assert wide.width >= narrow.width - 1e-12

    @settings(max_examples=100, deadline=None)
    @given(counts, levels, st.sampled_from(PROPORTION_METHODS))
    def test_swapping_successes_and_failures_mirrors_the_interval(self, kn, confidence, method):
        k, n = kn
        est = proportion_ci(k, n, method=method, confidence=confidence)
        mirror = proportion_ci(n - k, n, method=method, confidence=confidence)
        assert est.low == pytest.approx(1 - mirror.high, abs=1e-9)
        assert est.high == pytest.approx(1 - mirror.low, abs=1e-9)

    @settings(max_examples=100, deadline=None)
    @given(counts, st.sampled_from(PROPORTION_METHODS))
    def test_one_sided_bound_tighter_than_two_sided(self, kn, method):
        k, n = kn
        two = proportion_ci(k, n, method=method, confidence=0.95)
        lower = proportion_ci(k, n, method=method, confidence=0.95, sided="lower")
        upper = proportion_ci(k, n, method=method, confidence=0.95, sided="upper")
        assert lower.low >= two.low - 1e-12
        assert upper.high <= two.high + 1e-12
