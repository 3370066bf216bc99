"""DeLong's AUC interval and paired test, against pROC's published output and brute force."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import mannwhitneyu
from sklearn.metrics import roc_auc_score

from medeval.errors import InvalidInputError, UndefinedMetricWarning
from medeval.stats import auc_ci, delong_test
from medeval.stats.delong import structural_components


def brute_components(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # DeLong 1988's definition, O(mn): psi = 1 if x > y, 1/2 if tied, 0 otherwise.
    psi = (x[:, None] > y[None, :]) + 0.5 * (x[:, None] == y[None, :])
    return psi.mean(axis=1), psi.mean(axis=0)


class TestPublishedValues:
    # pROC 1.18 prints for roc(aSAH$outcome, aSAH$s100b):
    # "Area under the curve: 0.7314", "95% CI: 0.6301-0.8326 (DeLong)".
    def test_asah_s100b_auc_and_ci(self, asah):
        est = auc_ci(asah["poor"], asah["s100b"])
        assert round(est.value, 4) == 0.7314
        assert round(est.low, 4) == 0.6301
        assert round(est.high, 4) == 0.8326
        assert est.method == "delong" and est.confidence == 0.95 and est.n == 113

    # roc.test(roc(aSAH$outcome, aSAH$wfns), roc(aSAH$outcome, aSAH$s100b)):
    # "Z = 2.209, p-value = 0.02718"; AUCs 0.8237 and 0.7314.
    def test_asah_wfns_vs_s100b(self, asah):
        t = delong_test(asah["poor"], asah["wfns"], asah["s100b"])
        assert round(t.statistic, 3) == 2.209
        assert round(t.p_value, 4) == 0.0272
        assert round(t.auc_a, 4) == 0.8237 and round(t.auc_b, 4) == 0.7314
        assert t.difference.contains(t.auc_a - t.auc_b)

    def test_labels_given_by_name(self, asah):
        by_name = auc_ci(asah["outcome"], asah["s100b"], pos_label="Poor")
        assert by_name == auc_ci(asah["poor"], asah["s100b"])


class TestAgainstBruteForce:
    @pytest.mark.parametrize("seed", range(5))
    def test_components_match_definition(self, seed):
        rng = np.random.default_rng(seed)
        x = np.round(rng.normal(1, 1, 40), 1)  # many ties within and across classes
        y = np.round(rng.normal(0, 1, 55), 1)
        v10, v01 = structural_components(x, y)
        b10, b01 = brute_components(x, y)
        np.testing.assert_allclose(v10, b10, atol=1e-12)
        np.testing.assert_allclose(v01, b01, atol=1e-12)

    @pytest.mark.parametrize("seed", range(5))
    def test_auc_matches_sklearn_and_mann_whitney(self, seed):
        rng = np.random.default_rng(seed)
        y = rng.integers(0, 2, 500)
        s = np.round(rng.normal(y * 0.7, 1), 1)
        est = auc_ci(y, s)
        assert est.value == pytest.approx(roc_auc_score(y, s), abs=1e-12)
        u = mannwhitneyu(s[y == 1], s[y == 0]).statistic
        assert est.value == pytest.approx(u / (y.sum() * (500 - y.sum())), abs=1e-12)

    def test_interval_from_brute_force_variance(self):
        rng = np.random.default_rng(3)
        y = rng.integers(0, 2, 200)
        s = rng.normal(y, 1.5)
        b10, b01 = brute_components(s[y == 1], s[y == 0])
        var = b10.var(ddof=1) / b10.size + b01.var(ddof=1) / b01.size
        auc = b10.mean()
        est = auc_ci(y, s, confidence=0.9)
        z = 1.6448536269514722  # scipy.stats.norm.ppf(0.95)
        assert est.low == pytest.approx(auc - z * math.sqrt(var), abs=1e-12)
        assert est.high == pytest.approx(auc + z * math.sqrt(var), abs=1e-12)

    def test_paired_test_matches_brute_force_covariance(self):
        rng = np.random.default_rng(11)
        y = rng.integers(0, 2, 150)
        a = rng.normal(y, 1.0)
        b = a + rng.normal(0, 0.8, 150)
        a10, a01 = brute_components(a[y == 1], a[y == 0])
        b10, b01 = brute_components(b[y == 1], b[y == 0])
        m, n = a10.size, a01.size
        s10 = np.cov(a10, b10)
        s01 = np.cov(a01, b01)
        var = (s10[0, 0] + s10[1, 1] - 2 * s10[0, 1]) / m + (
            s01[0, 0] + s01[1, 1] - 2 * s01[0, 1]
        ) / n
        z = (a10.mean() - b10.mean()) / math.sqrt(var)
        t = delong_test(y, a, b)
        assert t.statistic == pytest.approx(z, rel=1e-10)
        from scipy.stats import norm

        assert t.p_value == pytest.approx(2 * norm.sf(abs(z)), rel=1e-10)


class TestOneOrdering:
    # The AUC and DeLong's variance come from one sort of integer keys (the score's
    # order-preserving code, the class as lowest bit), the paired test's components from
    # one ordering per score. Each of those paths — scores of one sign or both, the two
    # zeros, codes spanning nearly all binades (the fallback), ties within and across
    # the classes, either class the smaller, several blocks — is checked against the
    # O(mn) definition of the components (brute_components).
    SCORES = {
        "probabilities, ties": lambda rng, y: np.round(rng.beta(2 + 2 * y, 3), 2),
        "both signs, ties": lambda rng, y: np.round(rng.normal(y * 0.8, 1.0), 1),
        "both signs, no ties": lambda rng, y: rng.normal(y * 0.8, 3.0),
        "the two zeros": lambda rng, y: rng.choice([-0.0, 0.0, -1.5, 2.5, -1e-300], y.size),
        "all negative": lambda rng, y: -np.round(rng.exponential(1 + y), 1),
        "nearly all binades": lambda rng, y: rng.normal(y, 1.0) * 10.0 ** rng.integers(
            -300, 300, y.size),
    }

    def brute(self, y, s):
        b10, b01 = brute_components(s[y], s[~y])
        return b10, b01, b10.mean(), b10.var(ddof=1) / b10.size + b01.var(ddof=1) / b01.size

    @pytest.mark.parametrize("kind", list(SCORES))
    @pytest.mark.parametrize("share", [0.25, 0.7])
    @pytest.mark.parametrize("block", [5, 1 << 17])
    def test_auc_and_variance(self, kind, share, block, monkeypatch):
        from medeval.stats import _auc_components

        monkeypatch.setattr(_auc_components, "_BLOCK", block)
        rng = np.random.default_rng(len(kind) + int(share * 10))
        y = rng.random(400) < share
        s = self.SCORES[kind](rng, y)
        b10, b01, auc, var = self.brute(y, s)
        ours, ours_var = _auc_components.auc_and_delong_variance(y, s)
        assert ours == pytest.approx(auc, abs=1e-12)
        assert ours_var == pytest.approx(var, rel=1e-12)
        v10, v01 = structural_components(s[y], s[~y])
        np.testing.assert_allclose(v10, b10, atol=1e-12)
        np.testing.assert_allclose(v01, b01, atol=1e-12)

    @pytest.mark.parametrize("kind", list(SCORES))
    def test_paired_covariance(self, kind):
        rng = np.random.default_rng(len(kind))
        y = rng.random(300) < 0.4
        a = self.SCORES[kind](rng, y)
        b = np.where(rng.random(300) < 0.5, a, self.SCORES[kind](rng, y))
        a10, a01, auc_a, _ = self.brute(y, a)
        b10, b01, auc_b, _ = self.brute(y, b)
        cov = np.cov(a10, b10) / a10.size + np.cov(a01, b01) / a01.size
        var = cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]
        t = delong_test(y, a, b)
        assert t.auc_a == pytest.approx(auc_a, abs=1e-12)
        assert t.auc_b == pytest.approx(auc_b, abs=1e-12)
        assert t.statistic == pytest.approx((auc_a - auc_b) / math.sqrt(var), rel=1e-10)


class TestEdgeCases:
    def test_one_class_is_nan_with_warning(self):
        with pytest.warns(UndefinedMetricWarning, match="one class"):
            est = auc_ci([1, 1, 1], [0.2, 0.4, 0.9])
        assert math.isnan(est.value) and math.isnan(est.low)

    def test_single_positive_gives_auc_without_interval(self):
        with pytest.warns(UndefinedMetricWarning, match="single positive"):
            est = auc_ci([0, 0, 1], [0.2, 0.4, 0.9])
        assert est.value == 1.0 and math.isnan(est.low) and math.isnan(est.high)

    def test_perfect_separation_falls_back_to_newcombe(self):
        # Components are all 1, DeLong's variance 0: its interval would collapse on 1,
        # so the interval is Newcombe's method 5 (tests/stats/test_boundary.py), noted.
        est = auc_ci([0, 0, 0, 1, 1, 1], [0.1, 0.2, 0.3, 0.7, 0.8, 0.9])
        assert est.value == 1.0 and est.low < 1.0 and est.high == 1.0
        assert est.method == "newcombe-5" and "zero width" in est.note

    def test_direction_is_never_flipped(self):
        est = auc_ci([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1])
        assert est.value == 0.0

    def test_identical_scores_test_is_nan(self):
        s = [0.1, 0.5, 0.3, 0.9, 0.7]
        with pytest.warns(UndefinedMetricWarning, match="variance"):
            t = delong_test([0, 1, 0, 1, 1], s, s)
        assert t.difference.value == 0.0 and math.isnan(t.p_value)

    def test_too_few_cases_for_test(self):
        with pytest.warns(UndefinedMetricWarning, match="at least two"):
            t = delong_test([0, 1, 1], [0.1, 0.5, 0.6], [0.2, 0.3, 0.1])
        assert math.isnan(t.statistic)

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"y_true": [0, 1, 2], "y_score": [0.1, 0.2, 0.3]}, "binary"),
            ({"y_true": [0, 1], "y_score": [0.1, 0.2, 0.3]}, "differ in length"),
            ({"y_true": [0, 1, 1], "y_score": [0.1, np.nan, 0.3]}, "position"),
            ({"y_true": [0, 1, 1], "y_score": [0.1, np.inf, 0.3]}, "finite"),
            ({"y_true": [0, 1, 1], "y_score": [0.1, 0.2, 0.3], "confidence": 95}, "confidence"),
            ({"y_true": [0, 1, 1], "y_score": [0.1, 0.2, 0.3], "method": "hanley"}, "method"),
            ({"y_true": [0, 1, 1], "y_score": [0.1, 0.2, 0.3], "method": "bootstrap"}, "seed"),
        ],
    )
    def test_bad_input(self, kwargs, match):
        with pytest.raises(InvalidInputError, match=match):
            auc_ci(**kwargs)


    @pytest.mark.parametrize("bad", [[np.inf, -np.inf], [-np.inf, 0.5], [np.nan, np.inf]])
    def test_infinite_float64_scores_named(self, bad):
        # float64 input is checked without a copy (by one sum): an inf, -inf or NaN still
        # fails, at its position
        score = np.array([0.1, *bad, 0.3])
        with pytest.raises(InvalidInputError, match="position"):
            auc_ci([0, 1, 0, 1], score)
        with pytest.raises(InvalidInputError, match="position"):
            delong_test([0, 1, 0, 1], np.array([0.1, 0.2, 0.3, 0.4]), score)

    def test_huge_finite_scores_whose_sum_overflows(self):
        # 1e308 + 1e308 overflows to inf, yet every score is finite. Worked by hand: the
        # positive 1.5e308 beats both negatives (2 pairs), the positive 1e308 ties the
        # negative 1e308 (1/2) and beats -1e308 (1): 3.5 of 4 pairs. The scores span
        # nearly all binades on both sides of zero (the order keys' widest case).
        score = np.array([1e308, 1.5e308, -1e308, 1e308])
        before = score.copy()
        est = auc_ci([0, 1, 0, 1], score)
        assert est.value == 0.875
        assert np.array_equal(score, before)  # the caller's array, not written to


class TestBootstrapAuc:
    def test_same_seed_same_interval(self, asah):
        a = auc_ci(asah["poor"], asah["s100b"], method="bootstrap", seed=5)
        b = auc_ci(asah["poor"], asah["s100b"], method="bootstrap", seed=5)
        assert a == b and a.method == "bootstrap-percentile"

    def test_close_to_delong_on_asah(self, asah):
        # pROC prints "95% CI: 0.6333-0.8252 (2000 stratified bootstrap replicates)";
        # another random stream gives another interval, within Monte Carlo error.
        est = auc_ci(asah["poor"], asah["s100b"], method="bootstrap", seed=1)
        assert est.low == pytest.approx(0.6333, abs=0.015)
        assert est.high == pytest.approx(0.8252, abs=0.015)


@settings(max_examples=50, deadline=None)
@given(
    data=st.lists(
        st.tuples(st.booleans(), st.integers(0, 5)), min_size=4, max_size=60
    ).filter(lambda d: sum(t for t, _ in d) >= 2 and sum(not t for t, _ in d) >= 2),
    seed=st.integers(0, 2**32 - 1),
)
def test_permutation_invariance_and_bounds(data, seed):
    y = np.array([t for t, _ in data], dtype=int)
    s = np.array([v for _, v in data], dtype=float)
    perm = np.random.default_rng(seed).permutation(y.size)
    a, b = auc_ci(y, s), auc_ci(y[perm], s[perm])
    assert a.value == pytest.approx(b.value, abs=1e-12)
    assert a.low == pytest.approx(b.low, abs=1e-12)
    assert 0.0 <= a.low <= a.value <= a.high <= 1.0
