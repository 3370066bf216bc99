"""McNemar, the performance-goal test and paired non-inferiority, against published values,
statsmodels, scipy and an independent implementation of Tango's statistic."""

from __future__ import annotations

import dataclasses
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq
from scipy.stats import binomtest, norm
from statsmodels.stats.contingency_tables import mcnemar

from medeval.errors import InvalidInputError, UndefinedMetricWarning
from medeval.stats.estimate import Estimate
from medeval.stats.significance import (
    TestResult,
    mcnemar_test,
    noninferiority_test,
    proportion_goal_test,
)

MCNEMAR_METHODS = ("exact", "mid-p", "asymptotic")
# contingencytables data sets (R/datasets.R): rows test 1 (our A), columns test 2 (B)
CAVO_2012 = (59, 6, 16, 80)  # complete response before/after consolidation therapy
BENTUR_2009 = (1, 1, 7, 12)  # airway hyper-responsiveness before/after transplantation


def pairs(both: int, only_a: int, only_b: int, neither: int) -> tuple[list[int], list[int]]:
    """Per-case correctness of A and B from the four cells of the paired table."""
    a = [1] * both + [1] * only_a + [0] * only_b + [0] * neither
    b = [1] * both + [0] * only_a + [1] * only_b + [0] * neither
    return a, b


def exact_two_sided(b: int, c: int) -> Fraction:
    # 2 * P(X <= min(b, c)), X ~ Bin(b + c, 1/2), in exact rational arithmetic.
    total = b + c
    tail = sum(Fraction(math.comb(total, x), 2**total) for x in range(min(b, c) + 1))
    return min(Fraction(1), 2 * tail)


def reference_tango_z(b: int, c: int, n: int, delta: float) -> float:
    """Tango's Z with the restricted MLE found numerically (not from the closed form).

    Maximises b log(q + d) + c log q + m log(1 - 2q - d) over q = P(A wrong, B right)
    by solving its score equation, which decreases in q, with Brent's method.
    """
    m = n - b - c

    def score(q: float) -> float:
        value = 0.0
        if b:
            value += b / (q + delta) if q + delta > 0 else math.inf
        if c:
            value += c / q if q > 0 else math.inf
        if m:
            value -= 2 * m / (1 - 2 * q - delta) if 1 - 2 * q - delta > 0 else math.inf
        return value

    lo, hi = max(0.0, -delta), (1 - delta) / 2
    if score(lo) <= 0:
        q = lo
    elif score(hi) >= 0:
        q = hi
    else:
        q = brentq(score, lo, hi, xtol=1e-16, rtol=1e-15, maxiter=500)
    return (b - c - n * delta) / math.sqrt(n * (2 * q + delta * (1 - delta)))


paired_tables = st.tuples(*(st.integers(0, 60) for _ in range(4))).filter(lambda t: sum(t) > 0)


class TestMcNemarPublished:
    # contingencytables 3.x tests/testthat/test-ch8.R on cavo_2012:
    # "McNemar test with continuity correction: P = 0.055009, Z = 1.919",
    # "The McNemar exact conditional test: P = 0.052479", "mid-P test: P = 0.034690".
    def test_cavo_2012(self):
        a, b = pairs(*CAVO_2012)
        assert round(mcnemar_test(a, b, method="exact").p_value, 6) == 0.052479
        assert round(mcnemar_test(a, b, method="mid-p").p_value, 6) == 0.034690
        cc = mcnemar_test(a, b, method="asymptotic")
        assert round(cc.p_value, 6) == 0.055009
        assert round(math.sqrt(cc.statistic), 3) == 1.919

    # Fagerland, Lydersen & Laake 2013, Bentur et al. data (b = 1, c = 7):
    # exact = 2 * (1 + 8) / 256 = 18/256; mid-p = 18/256 - 8/256 = 10/256 (their eq. 2);
    # corrected chi2 = (|1 - 7| - 1)^2 / 8 = 25/8, P = 0.077 as printed in the paper.
    def test_bentur_2009(self):
        a, b = pairs(*BENTUR_2009)
        assert mcnemar_test(a, b, method="exact").p_value == pytest.approx(18 / 256, abs=1e-15)
        assert mcnemar_test(a, b, method="mid-p").p_value == pytest.approx(10 / 256, abs=1e-15)
        cc = mcnemar_test(a, b, method="asymptotic")
        assert cc.statistic == pytest.approx(25 / 8, abs=1e-15)
        assert round(cc.p_value, 3) == 0.077

    def test_default_method_is_exact(self):
        a, b = pairs(*CAVO_2012)
        assert mcnemar_test(a, b) == mcnemar_test(a, b, method="exact")

    def test_result_fields(self):
        a, b = pairs(*CAVO_2012)
        r = mcnemar_test(a, b, method="mid-p")
        assert (r.method, r.alternative, r.statistic_name, r.null_value) == (
            "mcnemar-mid-p", "two-sided", "min(b, c)", 0.0,
        )
        assert r.n == 161 and r.table == ((59, 6), (16, 80)) and r.statistic == 6.0
        assert mcnemar_test(a, b, method="asymptotic").method == "mcnemar-asymptotic-cc"
        assert mcnemar_test(a, b, method="asymptotic").statistic_name == "chi2"


class TestMcNemarAgainstReferences:
    @settings(max_examples=150, deadline=None)
    @given(paired_tables)
    def test_exact_and_asymptotic_match_statsmodels(self, cells):
        assume(cells[1] + cells[2] > 0)
        a, b = pairs(*cells)
        table = [[cells[0], cells[1]], [cells[2], cells[3]]]
        ref_exact = mcnemar(table, exact=True)
        ref_cc = mcnemar(table, exact=False, correction=True)
        exact = mcnemar_test(a, b, method="exact")
        cc = mcnemar_test(a, b, method="asymptotic")
        assert exact.p_value == pytest.approx(ref_exact.pvalue, abs=1e-12)
        assert exact.statistic == ref_exact.statistic
        assert cc.p_value == pytest.approx(ref_cc.pvalue, abs=1e-12)
        assert cc.statistic == pytest.approx(ref_cc.statistic, abs=1e-12)

    @settings(max_examples=150, deadline=None)
    @given(st.integers(0, 80), st.integers(0, 80))
    def test_exact_and_mid_p_against_rational_arithmetic(self, b, c):
        assume(b + c > 0)
        a_correct, b_correct = pairs(10, b, c, 10)
        exact = exact_two_sided(b, c)
        if b == c:
            # Fagerland et al. 2013 (supplement): mid-p = 1 - 0.5 * P(X = b) when b = c
            mid = 1 - Fraction(math.comb(2 * b, b), 2 ** (2 * b)) / 2
        else:
            mid = exact - Fraction(math.comb(b + c, min(b, c)), 2 ** (b + c))
        got_exact = mcnemar_test(a_correct, b_correct, method="exact").p_value
        got_mid = mcnemar_test(a_correct, b_correct, method="mid-p").p_value
        assert got_exact == pytest.approx(float(exact), rel=1e-12, abs=1e-300)
        assert got_mid == pytest.approx(float(mid), rel=1e-12, abs=1e-300)
        assert got_mid <= got_exact

    def test_exact_matches_scipy_binomtest(self):
        for b, c in [(3, 12), (20, 9), (0, 7), (5, 5)]:
            a_correct, b_correct = pairs(4, b, c, 4)
            ref = binomtest(b, b + c, 0.5).pvalue
            assert mcnemar_test(a_correct, b_correct).p_value == pytest.approx(ref, abs=1e-12)


class TestMcNemarEdgeCases:
    @pytest.mark.parametrize("method", MCNEMAR_METHODS)
    def test_no_discordant_pairs(self, method):
        a, b = pairs(12, 0, 0, 5)
        r = mcnemar_test(a, b, method=method)
        assert (r.statistic, r.p_value, r.n) == (0.0, 1.0, 17)

    @pytest.mark.parametrize("method", MCNEMAR_METHODS)
    def test_all_agree_on_one_case(self, method):
        r = mcnemar_test([True], [True], method=method)
        assert (r.p_value, r.n, r.table) == (1.0, 1, ((1, 0), (0, 0)))

    @pytest.mark.parametrize("method", MCNEMAR_METHODS)
    def test_no_cases_warns(self, method):
        with pytest.warns(UndefinedMetricWarning, match="no cases"):
            r = mcnemar_test([], [], method=method)
        assert math.isnan(r.p_value) and math.isnan(r.statistic) and r.n == 0

    def test_equal_discordant_mid_p(self):
        # b = c = 2: 1 - 0.5 * C(4, 2) / 16 = 1 - 0.1875 = 0.8125
        a, b = pairs(3, 2, 2, 3)
        assert mcnemar_test(a, b, method="mid-p").p_value == pytest.approx(0.8125, abs=1e-15)
        assert mcnemar_test(a, b, method="exact").p_value == 1.0

    def test_equal_discordant_asymptotic_overshoots_like_statsmodels(self):
        # b = c = 1: (|0| - 1)^2 / 2 = 0.5, p = P(chi2_1 >= 0.5) = 0.4795
        a, b = pairs(0, 1, 1, 0)
        r = mcnemar_test(a, b, method="asymptotic")
        assert r.statistic == 0.5
        assert round(r.p_value, 4) == 0.4795

    def test_one_discordant_pair(self):
        # b = 1, c = 0: exact 2 * P(X <= 0 | N = 1) = 1; mid-p = 1 - 0.5 = 0.5
        a, b = pairs(5, 1, 0, 5)
        assert mcnemar_test(a, b, method="exact").p_value == 1.0
        assert mcnemar_test(a, b, method="mid-p").p_value == 0.5


class TestMcNemarProperties:
    @settings(max_examples=80, deadline=None)
    @given(paired_tables, st.sampled_from(MCNEMAR_METHODS), st.randoms(use_true_random=False))
    def test_symmetric_and_order_free(self, cells, method, rnd):
        a, b = pairs(*cells)
        r = mcnemar_test(a, b, method=method)
        swapped = mcnemar_test(b, a, method=method)
        assert swapped.p_value == r.p_value and swapped.statistic == r.statistic
        order = list(range(len(a)))
        rnd.shuffle(order)
        shuffled = mcnemar_test([a[i] for i in order], [b[i] for i in order], method=method)
        assert shuffled == r
        assert 0.0 <= r.p_value <= 1.0

    def test_booleans_and_integers_agree(self):
        a, b = pairs(*CAVO_2012)
        as_bool = mcnemar_test(np.array(a, dtype=bool), np.array(b, dtype=bool))
        assert as_bool == mcnemar_test(a, b)


class TestMcNemarErrors:
    def test_different_lengths(self):
        with pytest.raises(InvalidInputError, match="mcnemar_test: arrays differ in length"):
            mcnemar_test([1, 0, 1], [1, 0])

    def test_not_binary(self):
        with pytest.raises(InvalidInputError, match="mcnemar_test: correct_b must be binary"):
            mcnemar_test([1, 0, 1], [0, 1, 2])

    def test_nan(self):
        with pytest.raises(InvalidInputError, match="mcnemar_test: correct_a contains NaN"):
            mcnemar_test([1.0, float("nan")], [1, 0])

    def test_two_dimensional(self):
        with pytest.raises(InvalidInputError, match="one-dimensional"):
            mcnemar_test([[1, 0], [0, 1]], [[1, 0], [0, 1]])

    def test_unknown_method(self):
        with pytest.raises(InvalidInputError, match="mcnemar_test: method .* got 'midp'"):
            mcnemar_test([1, 0], [0, 1], method="midp")  # type: ignore[arg-type]

    def test_options_keyword_only(self):
        with pytest.raises(TypeError):
            mcnemar_test([1, 0], [0, 1], "exact")  # type: ignore[misc]


class TestGoalTest:
    GRID = [(k, n) for n in (1, 2, 7, 30, 100, 500) for k in sorted({0, 1, n // 2, n - 1, n})]

    @pytest.mark.parametrize("k,n", GRID)
    @pytest.mark.parametrize("goal", [0.05, 0.5, 0.8, 0.95])
    @pytest.mark.parametrize("alternative", ["greater", "less"])
    def test_matches_scipy_binomtest(self, k, n, goal, alternative):
        ref = binomtest(k, n, goal, alternative=alternative)
        r = proportion_goal_test(k, n, goal, alternative=alternative)
        assert r.p_value == pytest.approx(ref.pvalue, rel=1e-12, abs=1e-300)
        ci = ref.proportion_ci(confidence_level=0.95, method="exact")
        assert (r.estimate.low, r.estimate.high) == pytest.approx((ci.low, ci.high), abs=1e-9)
        assert r.estimate.sided == ("lower" if alternative == "greater" else "upper")
        assert r.estimate.method == "clopper-pearson"

    def test_hand_worked_all_successes(self):
        # 10/10 against 0.8: p = P(X >= 10) = 0.8^10 = 0.1073741824; bound 0.05^(1/10)
        r = proportion_goal_test(10, 10, 0.8)
        assert r.p_value == pytest.approx(0.8**10, rel=1e-12)
        assert r.estimate.low == pytest.approx(0.05**0.1, rel=1e-12)
        assert (r.rejected, r.conclusion) == (False, "not shown to be greater than the goal")

    def test_no_successes(self):
        r = proportion_goal_test(0, 25, 0.5)
        assert (r.p_value, r.estimate.low, r.estimate.high) == (1.0, 0.0, 1.0)
        assert r.rejected is False

    def test_less(self):
        # 0/30 against 0.1: p = P(X <= 0) = 0.9^30 = 0.0424; upper bound 1 - 0.05^(1/30)
        r = proportion_goal_test(0, 30, 0.1, alternative="less")
        assert r.p_value == pytest.approx(0.9**30, rel=1e-12)
        assert r.estimate.high == pytest.approx(1 - 0.05 ** (1 / 30), rel=1e-12)
        assert (r.rejected, r.conclusion) == (True, "is below the goal")

    def test_fields(self):
        r = proportion_goal_test(92, 100, 0.85, confidence=0.975)
        assert (r.method, r.n, r.alternative, r.statistic, r.statistic_name) == (
            "binomial-exact", 100, "greater", 92.0, "successes",
        )
        assert r.null_value == 0.85 and r.alpha == pytest.approx(0.025)
        assert r.estimate.confidence == 0.975 and r.estimate.numerator == 92

    def test_no_trials_warns(self):
        with pytest.warns(UndefinedMetricWarning, match="n = 0"):
            r = proportion_goal_test(0, 0, 0.9)
        assert math.isnan(r.p_value) and r.rejected is None and not r.estimate.defined

    @settings(max_examples=300, deadline=None)
    @given(
        st.integers(1, 2000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
        st.floats(0.01, 0.99),
        st.floats(0.8, 0.995),
        st.sampled_from(["greater", "less"]),
    )
    def test_decision_agrees_with_the_bound(self, kn, goal, confidence, alternative):
        k, n = kn
        r = proportion_goal_test(k, n, goal, alternative=alternative, confidence=confidence)
        bound = r.estimate.low if alternative == "greater" else r.estimate.high
        assume(abs(bound - goal) > 1e-9 and abs(r.p_value - r.alpha) > 1e-12)
        beyond = bound > goal if alternative == "greater" else bound < goal
        assert r.rejected == beyond

    def test_the_same_as_a_protocol_only_over_independent_cases(self):
        # Found in the review-stats pass: the docstring said that a Clopper-Pearson protocol
        # at 0.95 is this test at 0.975, which holds over independent cases only. 95/100
        # correct, the 5 errors all of one patient of 20 (5 cases each): the test's bound is
        # scipy's beta.ppf(0.025, 95, 6) = 0.8872 and passes a goal of 0.88, as the
        # evaluation's unclustered interval does; over patients the evaluation judges the
        # clustered interval, whose lower bound lies below 0.88: INCONCLUSIVE.
        from scipy.stats import beta

        from medeval.decision import decide
        from medeval.stats import proportion_ci, proportion_ci_clustered

        r = proportion_goal_test(95, 100, 0.88, confidence=0.975)
        assert r.rejected and r.estimate.low == pytest.approx(beta.ppf(0.025, 95, 6))
        independent = proportion_ci(95, 100, method="clopper-pearson")
        assert decide("sensitivity", independent, 0.88).outcome == "PASS"
        y = np.ones(100, dtype=int)
        y[:5] = 0
        clustered = proportion_ci_clustered(y, np.repeat(np.arange(20), 5),
                                            method="clopper-pearson")
        assert clustered.low < 0.88 < clustered.high
        assert decide("sensitivity", clustered, 0.88).outcome == "INCONCLUSIVE"

    @pytest.mark.parametrize("goal", [0, 1, 1.5, -0.2, float("nan"), "0.9", None, True])
    def test_bad_goal(self, goal):
        with pytest.raises(InvalidInputError, match="proportion_goal_test: goal"):
            proportion_goal_test(5, 10, goal)

    def test_bad_counts_alternative_confidence(self):
        with pytest.raises(InvalidInputError, match=r"proportion_goal_test: successes \(11\)"):
            proportion_goal_test(11, 10, 0.5)
        with pytest.raises(InvalidInputError, match="proportion_goal_test: n must be an integer"):
            proportion_goal_test(5, 10.0, 0.5)
        with pytest.raises(InvalidInputError, match="proportion_goal_test: alternative"):
            proportion_goal_test(5, 10, 0.5, alternative="two-sided")  # type: ignore[arg-type]
        with pytest.raises(InvalidInputError, match="proportion_goal_test: confidence"):
            proportion_goal_test(5, 10, 0.5, confidence=1.0)


class TestNoninferiorityPublished:
    # contingencytables 3.x tests/testthat/test-ch8.R:
    # Tango_asymptotic_score_CI_paired_2x2(cavo_2012) prints
    # "Tango asymptotic score CI: estimate = -0.0621 (95% CI -0.1240 to -0.0054)".
    def test_cavo_2012_interval(self):
        a, b = pairs(*CAVO_2012)
        est = noninferiority_test(a, b, margin=0.1).estimate
        assert (round(est.value, 4), round(est.low, 4), round(est.high, 4)) == (
            -0.0621, -0.1240, -0.0054,
        )
        assert (est.method, est.confidence, est.n) == ("tango", 0.95, 161)

    def test_cavo_2012_decisions(self):
        # The interval's lower bound -0.1240 is above -0.15 but below -0.10.
        a, b = pairs(*CAVO_2012)
        assert noninferiority_test(a, b, margin=0.15).conclusion == "non-inferior"
        r = noninferiority_test(a, b, margin=0.10)
        assert (r.rejected, r.conclusion) == (False, "non-inferiority not shown")


class TestNoninferiorityAgainstIndependentImplementation:
    @settings(max_examples=150, deadline=None)
    @given(paired_tables, st.floats(0.005, 0.5), st.sampled_from([0.9, 0.95, 0.99]))
    def test_statistic_p_value_and_interval(self, cells, margin, confidence):
        a, b = pairs(*cells)
        n, only_a, only_b = sum(cells), cells[1], cells[2]
        r = noninferiority_test(a, b, margin=margin, confidence=confidence)
        z = reference_tango_z(only_a, only_b, n, -margin)
        assert r.statistic == pytest.approx(z, rel=1e-8, abs=1e-10)
        assert r.p_value == pytest.approx(norm.sf(z), rel=1e-7, abs=1e-12)
        # each finite bound is where the independent Z crosses -+ z_{1 - alpha/2}
        crit = norm.isf((1 - confidence) / 2)
        est = r.estimate
        assert est.value == pytest.approx((only_a - only_b) / n, abs=1e-15)
        if est.low > -1:
            assert reference_tango_z(only_a, only_b, n, est.low) == pytest.approx(crit, abs=1e-6)
        if est.high < 1:
            assert reference_tango_z(only_a, only_b, n, est.high) == pytest.approx(-crit, abs=1e-6)
        assert est.low <= est.value <= est.high

    @settings(max_examples=150, deadline=None)
    @given(paired_tables)
    def test_interval_excludes_zero_when_mcnemar_rejects(self, cells):
        # At delta0 = 0 Tango's Z is McNemar's uncorrected (b - c)/sqrt(b + c), so the 95%
        # interval excludes 0 exactly when statsmodels' uncorrected McNemar p < 0.05.
        only_a, only_b = cells[1], cells[2]
        assume(only_a + only_b > 0)
        ref = mcnemar([[cells[0], only_a], [only_b, cells[3]]], exact=False, correction=False)
        assume(abs(ref.pvalue - 0.05) > 1e-9)
        est = noninferiority_test(*pairs(*cells), margin=0.05).estimate
        assert (not est.contains(0.0)) == (ref.pvalue < 0.05)


class TestNoninferiorityEdgeCases:
    def test_no_discordant_pairs(self):
        # b = c = 0, n = 100, margin 0.05: Z = sqrt(100 * 0.05 / 0.95) = 2.2941573;
        # interval +-z^2/(n + z^2) = +-3.8414588 / 103.8414588 = +-0.0369935
        r = noninferiority_test(*pairs(70, 0, 0, 30), margin=0.05)
        assert r.statistic == pytest.approx(math.sqrt(100 * 0.05 / 0.95), rel=1e-12)
        z2 = norm.isf(0.025) ** 2
        assert r.estimate.low == pytest.approx(-z2 / (100 + z2), abs=1e-12)
        assert r.estimate.high == pytest.approx(z2 / (100 + z2), abs=1e-12)
        assert r.estimate.value == 0.0 and r.conclusion == "non-inferior"

    def test_reference_always_right_new_always_wrong(self):
        r = noninferiority_test(*pairs(0, 0, 20, 0), margin=0.1)
        assert (r.estimate.value, r.estimate.low) == (-1.0, -1.0)
        assert r.estimate.high < 0 and r.rejected is False

    def test_new_always_right_reference_always_wrong(self):
        r = noninferiority_test(*pairs(0, 20, 0, 0), margin=0.1)
        assert (r.estimate.value, r.estimate.high) == (1.0, 1.0)
        assert r.estimate.low > 0 and r.rejected is True

    @pytest.mark.parametrize("cells", [(1, 0, 0, 0), (0, 1, 0, 0), (0, 0, 1, 0), (0, 0, 0, 1)])
    def test_single_case(self, cells):
        r = noninferiority_test(*pairs(*cells), margin=0.05)
        assert r.n == 1 and -1.0 <= r.estimate.low <= r.estimate.value <= r.estimate.high <= 1.0
        assert r.rejected is False  # one case cannot demonstrate anything at 2.5%

    def test_no_cases_warns(self):
        with pytest.warns(UndefinedMetricWarning, match="no cases"):
            r = noninferiority_test([], [], margin=0.05)
        assert math.isnan(r.p_value) and r.rejected is None and not r.estimate.defined

    def test_fields(self):
        a, b = pairs(*CAVO_2012)
        r = noninferiority_test(a, b, margin=0.15, confidence=0.9)
        assert (r.method, r.alternative, r.statistic_name, r.n) == (
            "tango-score", "greater", "z", 161,
        )
        assert r.margin == 0.15 and r.null_value == -0.15
        assert r.alpha == pytest.approx(0.05) and r.estimate.confidence == 0.9
        assert r.table == ((59, 6), (16, 80))

    @settings(max_examples=200, deadline=None)
    @given(paired_tables, st.floats(0.005, 0.5), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
    def test_decision_agrees_with_the_interval(self, cells, margin, confidence):
        r = noninferiority_test(*pairs(*cells), margin=margin, confidence=confidence)
        assume(abs(r.estimate.low + margin) > 1e-9)
        assert r.rejected == (r.estimate.low > -margin)

    @settings(max_examples=100, deadline=None)
    @given(paired_tables, st.floats(0.5, 0.995), st.floats(0.5, 0.995))
    def test_higher_confidence_is_wider(self, cells, c1, c2):
        lo_c, hi_c = sorted((c1, c2))
        a, b = pairs(*cells)
        narrow = noninferiority_test(a, b, margin=0.1, confidence=lo_c).estimate
        wide = noninferiority_test(a, b, margin=0.1, confidence=hi_c).estimate
        assert wide.low <= narrow.low + 1e-12 and wide.high >= narrow.high - 1e-12


class TestNoninferiorityErrors:
    @pytest.mark.parametrize("margin", [0, -0.05, 1, 2, float("nan"), "0.05", None, True])
    def test_bad_margin(self, margin):
        with pytest.raises(InvalidInputError, match="noninferiority_test: margin"):
            noninferiority_test([1, 0], [1, 1], margin=margin)

    def test_margin_required(self):
        with pytest.raises(TypeError):
            noninferiority_test([1, 0], [1, 1])  # type: ignore[call-arg]

    def test_bad_confidence(self):
        with pytest.raises(InvalidInputError, match="noninferiority_test: confidence"):
            noninferiority_test([1, 0], [1, 1], margin=0.1, confidence=0)

    def test_different_lengths(self):
        with pytest.raises(InvalidInputError, match="noninferiority_test: arrays differ"):
            noninferiority_test([1, 0, 1], [1, 1], margin=0.1)

    def test_not_binary(self):
        with pytest.raises(InvalidInputError, match="noninferiority_test: correct_a must be"):
            noninferiority_test([0, 1, 2], [1, 1, 1], margin=0.1)


class TestTestResult:
    def test_frozen_and_serialisable(self):
        r = noninferiority_test(*pairs(*CAVO_2012), margin=0.15)
        with pytest.raises(dataclasses.FrozenInstanceError):
            r.p_value = 0.0  # type: ignore[misc]
        d = r.to_dict()
        assert d["method"] == "tango-score" and d["estimate"]["method"] == "tango"
        assert d["table"] == ((59, 6), (16, 80))
        assert isinstance(r.estimate, Estimate)

    def test_not_collected_by_pytest(self):
        assert TestResult.__test__ is False
        assert "__test__" not in {f.name for f in dataclasses.fields(TestResult)}


def test_goal_test_at_a_protocols_level_is_the_evaluations_guarded_rule():
    # Found in the stats-pass: the docstring called `rejected` the guarded PASS, but the
    # evaluation judges on the two-sided interval, a one-sided bound at (1 + c)/2. By hand:
    # 100/100 against 0.97, p = 0.97^100 = 0.04755 (below 0.05, above 0.025); scipy's
    # two-sided 95% exact interval has lower bound 0.025^(1/100) = 0.96378 < 0.97.
    from medeval.decision import decide
    from medeval.stats import proportion_ci

    ref = binomtest(100, 100, 0.97, alternative="greater")
    assert ref.pvalue == pytest.approx(0.97**100, rel=1e-12)
    two_sided = binomtest(100, 100, 0.97).proportion_ci(confidence_level=0.95, method="exact")
    assert two_sided.low == pytest.approx(0.025 ** (1 / 100), rel=1e-12) and two_sided.low < 0.97
    assert proportion_goal_test(100, 100, 0.97).rejected is True
    assert proportion_goal_test(100, 100, 0.97, confidence=0.975).rejected is False
    guarded = decide("sensitivity", proportion_ci(100, 100, method="clopper-pearson"), 0.97)
    assert guarded.outcome == "INCONCLUSIVE"
