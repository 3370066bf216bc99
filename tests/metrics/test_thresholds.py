"""Tests of medeval.metrics.thresholds against brute force, scikit-learn and hand work."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given
from hypothesis import strategies as st

from medeval.errors import InvalidInputError, UndefinedMetricWarning
from medeval.metrics import (
    ConfusionMatrix,
    OperatingPoint,
    metrics_at_threshold,
    threshold_for_sensitivity,
    threshold_for_specificity,
    youden_threshold,
)

# Labels with both classes, scores on a coarse grid (ties), and a target.
cases = st.integers(min_value=2, max_value=50).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 1), min_size=n, max_size=n).filter(lambda y: 0 < sum(y) < n),
        st.lists(st.integers(0, 8).map(lambda v: v / 8), min_size=n, max_size=n),
        st.sampled_from([0.0, 0.1, 0.5, 0.8, 0.9, 0.95, 1.0]),
    )
)


def brute(y_true, y_score):
    """(threshold, Se, Sp) at +inf and every distinct score, by direct counting."""
    y_true, y_score = np.asarray(y_true), np.asarray(y_score, dtype=float)
    pos, neg = y_score[y_true == 1], y_score[y_true == 0]
    return [
        (t, float(np.mean(pos >= t)), float(np.mean(neg < t)))
        for t in [math.inf, *np.unique(y_score)]
    ]


def random_data(seed: int, n: int = 1000):
    rng = np.random.default_rng(seed)
    y_true = (rng.random(n) < 0.3).astype(int)
    return y_true, np.round(rng.normal(y_true, 1.0), 2)


class TestSensitivity:
    def test_hand(self):
        # Positives 0.4, 0.5, 0.7, 0.9. At 0.5: 3 of 4 >= 0.5 (Se 0.75); at 0.6: 2 of 4.
        y_true = [0, 0, 0, 1, 1, 1, 1]
        y_score = [0.1, 0.3, 0.6, 0.4, 0.5, 0.7, 0.9]
        assert threshold_for_sensitivity(y_true, y_score, 0.75) == 0.5
        assert threshold_for_sensitivity(y_true, y_score, 0.76) == 0.4
        assert threshold_for_sensitivity(y_true, y_score, 1.0) == 0.4
        assert threshold_for_sensitivity(y_true, y_score, 0.25) == 0.9

    def test_target_zero_is_inf(self):
        assert threshold_for_sensitivity([0, 1], [0.2, 0.8], 0.0) == math.inf

    def test_float_target_met_exactly(self):
        # 9 of 10 positives at 0.2 -> Se = 0.9 meets target 0.9 (9/10 and 0.9 are one float).
        y_true = [1] * 10 + [0]
        y_score = [0.1] + [0.2] * 9 + [0.0]
        assert threshold_for_sensitivity(y_true, y_score, 0.9) == 0.2
        # 7 of 10: 0.7 * 10 > 7 in floating point, but 7 / 10 >= 0.7 holds.
        y_score = [0.1] * 3 + [0.2] * 7 + [0.0]
        assert threshold_for_sensitivity(y_true, y_score, 0.7) == 0.2

    @pytest.mark.parametrize("seed", range(3))
    @pytest.mark.parametrize("target", [0.5, 0.8, 0.9, 0.95])
    def test_against_sklearn_curve(self, seed, target):
        y_true, y_score = random_data(seed)
        _, tpr, thresholds = skm.roc_curve(y_true, y_score, drop_intermediate=False)
        expected = thresholds[np.argmax(tpr >= target)]
        assert threshold_for_sensitivity(y_true, y_score, target) == expected

    def test_no_positive(self):
        with pytest.warns(UndefinedMetricWarning, match="no positive case"):
            assert math.isnan(threshold_for_sensitivity([0, 0], [0.1, 0.2], 0.9))


class TestSpecificity:
    def test_hand(self):
        # Negatives 0.1, 0.2, 0.3, 0.8. At 0.5: 3 of 4 below (Sp 0.75). Sp 1 needs t > 0.8:
        # the lowest observed such score is 0.9.
        y_true = [0, 0, 0, 0, 1, 1]
        y_score = [0.1, 0.2, 0.3, 0.8, 0.5, 0.9]
        assert threshold_for_specificity(y_true, y_score, 0.75) == 0.5
        assert threshold_for_specificity(y_true, y_score, 1.0) == 0.9
        assert threshold_for_specificity(y_true, y_score, 0.0) == 0.1

    def test_inf_when_a_negative_holds_the_top_score(self):
        assert threshold_for_specificity([1, 0, 0], [0.5, 0.9, 0.1], 1.0) == math.inf

    @pytest.mark.parametrize("seed", range(3))
    @pytest.mark.parametrize("target", [0.5, 0.8, 0.9, 0.95])
    def test_against_sklearn_curve(self, seed, target):
        y_true, y_score = random_data(seed)
        fpr, _, thresholds = skm.roc_curve(y_true, y_score, drop_intermediate=False)
        met = np.flatnonzero(1 - fpr >= target - 1e-15)
        assert threshold_for_specificity(y_true, y_score, target) == thresholds[met[-1]]

    def test_no_negative(self):
        with pytest.warns(UndefinedMetricWarning, match="no negative case"):
            assert math.isnan(threshold_for_specificity([1, 1], [0.1, 0.2], 0.9))


class TestYouden:
    def test_hand_tie_takes_highest(self):
        # J(0.7) = 2/3 + 1 - 1 = 2/3 and J(0.5) = 1 + 2/3 - 1 = 2/3: the higher one wins.
        y_true = [0, 0, 0, 1, 1, 1]
        y_score = [0.1, 0.4, 0.6, 0.5, 0.7, 0.8]
        assert youden_threshold(y_true, y_score) == 0.7

    def test_exact_tie_despite_rounding(self):
        # n1 = 3, n0 = 9. Points by threshold: 0.9: Se 1/3, Sp 8/9 (J 2/9); 0.8: Se 2/3,
        # Sp 8/9 (J 5/9); 0.7: 2/3, 7/9 (4/9); 0.6: 3/9; 0.5: 2/9; 0.4: Se 1, Sp 5/9 (J 5/9);
        # 0.1: J 0. J ties at 0.8 and 0.4, but in floating point se + sp - 1 gives
        # 0.5555555555555554 at 0.8 and 0.5555555555555556 at 0.4: a float argmax would
        # pick 0.4. The tie rule (highest threshold) must give 0.8.
        assert 2 / 3 + 8 / 9 - 1 < 1 + 5 / 9 - 1  # the rounding this test is about
        y_true = [0, 1, 1, 0, 0, 0, 1] + [0] * 5
        y_score = [0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4] + [0.1] * 5
        assert youden_threshold(y_true, y_score) == 0.8

    def test_reversed_score_gives_inf(self):
        assert youden_threshold([1, 1, 0, 0], [0.1, 0.2, 0.3, 0.4]) == math.inf

    @pytest.mark.parametrize("seed", range(4))
    def test_against_sklearn_curve(self, seed):
        y_true, y_score = random_data(seed)
        fpr, tpr, thresholds = skm.roc_curve(y_true, y_score, drop_intermediate=False)
        j = tpr - fpr
        best = np.flatnonzero(j >= j.max() - 1e-12)
        assert youden_threshold(y_true, y_score) == thresholds[best[0]]

    @pytest.mark.parametrize("y_true", [[1, 1], [0, 0], []])
    def test_one_class(self, y_true):
        with pytest.warns(UndefinedMetricWarning, match="Youden's J is undefined"):
            assert math.isnan(youden_threshold(y_true, [0.5] * len(y_true)))


class TestMetricsAtThreshold:
    def test_equal_score_is_positive(self):
        point = metrics_at_threshold([0, 0, 1, 1], [0.2, 0.5, 0.5, 0.9], 0.5)
        assert point == OperatingPoint(0.5, ConfusionMatrix(tp=2, fp=1, fn=0, tn=1))

    @pytest.mark.parametrize("seed", range(3))
    def test_against_sklearn(self, seed):
        y_true, y_score = random_data(seed)
        threshold = float(np.median(y_score))
        expected = skm.confusion_matrix(y_true, (y_score >= threshold).astype(int))
        point = metrics_at_threshold(y_true, y_score, threshold)
        np.testing.assert_array_equal(point.matrix.as_array(), expected)
        assert point.threshold == threshold

    def test_infinite_thresholds(self):
        assert metrics_at_threshold([0, 1], [0.2, 0.8], math.inf).matrix == ConfusionMatrix(
            0, 0, 1, 1
        )
        assert metrics_at_threshold([0, 1], [0.2, 0.8], -math.inf).matrix == ConfusionMatrix(
            1, 1, 0, 0
        )

    def test_numpy_threshold(self):
        assert metrics_at_threshold([0, 1], [0.2, 0.8], np.float32(0.5)).threshold == 0.5

    @given(cases)
    def test_chosen_thresholds_reproduce_their_targets(self, data):
        y_true, y_score, target = data
        table = brute(y_true, y_score)
        t_se = threshold_for_sensitivity(y_true, y_score, target)
        assert t_se == max(t for t, se, _ in table if se >= target)
        assert metrics_at_threshold(y_true, y_score, t_se).matrix.sensitivity() >= target
        t_sp = threshold_for_specificity(y_true, y_score, target)
        assert t_sp == min(t for t, _, sp in table if sp >= target)
        assert metrics_at_threshold(y_true, y_score, t_sp).matrix.specificity() >= target
        t_j = youden_threshold(y_true, y_score)
        j_best = max(round(se + sp - 1, 12) for _, se, sp in table)
        assert t_j == max(t for t, se, sp in table if round(se + sp - 1, 12) == j_best)


class TestErrors:
    @pytest.mark.parametrize("func", [threshold_for_sensitivity, threshold_for_specificity])
    @pytest.mark.parametrize("target", [-0.1, 1.5, math.nan, True, "0.9", None])
    def test_bad_target(self, func, target):
        with pytest.raises(InvalidInputError, match="target must be a number in"):
            func([0, 1], [0.1, 0.9], target)

    @pytest.mark.parametrize("threshold", [math.nan, "0.5", None, False])
    def test_bad_threshold(self, threshold):
        with pytest.raises(InvalidInputError, match="metrics_at_threshold: threshold must be"):
            metrics_at_threshold([0, 1], [0.1, 0.9], threshold)

    @pytest.mark.parametrize(
        "call",
        [
            lambda y, s: threshold_for_sensitivity(y, s, 0.9),
            lambda y, s: threshold_for_specificity(y, s, 0.9),
            youden_threshold,
            lambda y, s: metrics_at_threshold(y, s, 0.5),
        ],
    )
    def test_bad_arrays(self, call):
        with pytest.raises(InvalidInputError, match="arrays differ in length"):
            call([0, 1, 1], [0.1, 0.2])
        with pytest.raises(InvalidInputError, match="must be finite"):
            call([0, 1], [0.1, np.inf])
        with pytest.raises(InvalidInputError, match="must be binary"):
            call([0, 1, 2], [0.1, 0.2, 0.3])


@pytest.mark.parametrize(("threshold", "kind"), [("0.5", "a str"), (None, "a NoneType"),
                                                 (True, "a bool"), (math.nan, "NaN")])
def test_a_threshold_that_is_not_a_number_is_named_for_what_it_is(threshold, kind):
    # before: "threshold must be a number, not NaN; got '0.5'" for text too
    with pytest.raises(InvalidInputError, match=f"got .*, {kind}$"):
        metrics_at_threshold([0, 1], [0.2, 0.8], threshold)
