"""Tests of medeval.metrics.calibration against scikit-learn and hand-worked bins."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sklearn.calibration as skc
import sklearn.metrics as skm
from hypothesis import given
from hypothesis import strategies as st

from medeval.errors import InvalidInputError, UndefinedMetricWarning
from medeval.metrics import (
    CalibrationCurve,
    brier_score,
    calibration_curve,
    expected_calibration_error,
)

FUNCS = [brier_score, calibration_curve, expected_calibration_error]

# Labels and probabilities of the same length (probabilities on a grid, so some sit on edges).
labelled_probs = st.integers(min_value=1, max_value=60).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 1), min_size=n, max_size=n),
        st.lists(st.integers(0, 20).map(lambda v: v / 20), min_size=n, max_size=n),
    )
)


def random_probs(seed: int, n: int = 3000):
    rng = np.random.default_rng(seed)
    prob = rng.beta(2, 3, n)
    y_true = (rng.random(n) < prob**1.3).astype(int)  # miscalibrated on purpose
    return y_true, prob


def ece_by_loops(y_true, y_prob, n_bins):
    """Uniform-bin ECE written out case by case: bin k holds (k-1)/B < p <= k/B, 0 in bin 1."""
    totals = {}
    for y, p in zip(y_true, y_prob, strict=True):
        k = next(k for k in range(1, n_bins + 1) if p <= k / n_bins)
        count, sum_y, sum_p = totals.get(k, (0, 0.0, 0.0))
        totals[k] = (count + 1, sum_y + y, sum_p + p)
    n = len(y_true)
    return sum(c / n * abs(sy / c - sp / c) for c, sy, sp in totals.values())


class TestBrier:
    @pytest.mark.parametrize("seed", range(4))
    def test_against_sklearn(self, seed):
        y_true, prob = random_probs(seed)
        expected = skm.brier_score_loss(y_true, prob)
        assert brier_score(y_true, prob) == pytest.approx(expected, abs=1e-15)

    def test_hand(self):
        # (0.1^2 + 0.2^2 + 0.4^2 + 0^2) / 4 = 0.21 / 4.
        assert brier_score([1, 0, 1, 0], [0.9, 0.2, 0.6, 0.0]) == pytest.approx(0.0525)
        assert brier_score([1, 0], [0.0, 1.0]) == 1.0
        assert brier_score([1, 0], [1.0, 0.0]) == 0.0

    def test_pos_label(self):
        # Probabilities of "sick": (0.8 - 1)^2 and (0.3 - 0)^2 -> (0.04 + 0.09) / 2.
        value = brier_score(["sick", "well"], [0.8, 0.3], pos_label="sick")
        assert value == pytest.approx(0.065)

    def test_empty(self):
        with pytest.warns(UndefinedMetricWarning, match="Brier score is undefined"):
            assert math.isnan(brier_score([], []))


class TestCalibrationCurve:
    @pytest.mark.parametrize("seed", range(4))
    @pytest.mark.parametrize("strategy", ["uniform", "quantile"])
    @pytest.mark.parametrize("n_bins", [5, 10, 15])
    def test_against_sklearn(self, seed, strategy, n_bins):
        y_true, prob = random_probs(seed)
        curve = calibration_curve(y_true, prob, n_bins=n_bins, strategy=strategy)
        prob_true, prob_pred = skc.calibration_curve(
            y_true, prob, n_bins=n_bins, strategy=strategy
        )
        assert isinstance(curve, CalibrationCurve)
        np.testing.assert_allclose(curve.observed_fraction, prob_true, rtol=0, atol=1e-12)
        np.testing.assert_allclose(curve.mean_predicted, prob_pred, rtol=0, atol=1e-12)
        assert curve.count.sum() == len(y_true)

    def test_hand_edges(self):
        # B = 10: 0 -> bin 0 ([0, 0.1]); 0.1 -> bin 0 (on the edge, goes below);
        # 0.3 -> bin 2 ((0.2, 0.3]); 0.30000000000000004 -> bin 3; 1 -> bin 9.
        curve = calibration_curve(
            [0, 1, 0, 1, 1], [0.0, 0.1, 0.3, 0.30000000000000004, 1.0], n_bins=10
        )
        assert curve.bin_index.tolist() == [0, 2, 3, 9]
        assert curve.count.tolist() == [2, 1, 1, 1]
        assert curve.observed_fraction.tolist() == [0.5, 0.0, 1.0, 1.0]
        assert curve.edges[3] == 0.3 and curve.edges.size == 11

    def test_quantile_edges_with_ties(self):
        # Quantiles of [0.2]*4 + [0.9]*4 at 0, 1/4, 1/2, 3/4, 1 (linear interpolation):
        # 0.2, 0.2, 0.55, 0.9, 0.9. 0.2 <= e_1 -> bin 0; 0.9 in (0.55, 0.9] -> bin 2.
        curve = calibration_curve(
            [0] * 4 + [1] * 4, [0.2] * 4 + [0.9] * 4, n_bins=4, strategy="quantile"
        )
        assert curve.edges.tolist() == pytest.approx([0.2, 0.2, 0.55, 0.9, 0.9])
        assert curve.bin_index.tolist() == [0, 2]
        assert curve.count.tolist() == [4, 4]

    def test_empty(self):
        with pytest.warns(UndefinedMetricWarning, match="no case"):
            curve = calibration_curve([], [], n_bins=4)
        assert curve.count.size == 0 and curve.edges.tolist() == [0, 0.25, 0.5, 0.75, 1]
        with pytest.warns(UndefinedMetricWarning, match="no case"):
            curve = calibration_curve([], [], n_bins=4, strategy="quantile")
        assert np.isnan(curve.edges).all() and curve.edges.size == 5


class TestECE:
    def test_hand(self):
        # Bin [0, 0.5]: 0.1, 0.2, 0.2 with one positive: |1/3 - 0.5/3| * 3/5 = 0.1.
        # Bin (0.5, 1]: 0.7, 0.9 with two positives: |1 - 0.8| * 2/5 = 0.08. ECE = 0.18.
        value = expected_calibration_error([0, 0, 1, 1, 1], [0.1, 0.2, 0.2, 0.7, 0.9], n_bins=2)
        assert value == pytest.approx(0.18, abs=1e-15)

    def test_edge_value_goes_to_lower_bin(self):
        # B = 2: 0.5 belongs to [0, 0.5]. Bins: {0.5 (y 1), 0.5 (y 1)} and {0.75 (y 0)}.
        # |1 - 0.5| * 2/3 + |0 - 0.75| * 1/3 = 1/3 + 1/4 = 7/12.
        # (Were 0.5 in the upper bin: |2/3 - 7/12| = 1/12 only.)
        value = expected_calibration_error([1, 1, 0], [0.5, 0.5, 0.75], n_bins=2)
        assert value == pytest.approx(7 / 12, abs=1e-15)

    @pytest.mark.parametrize("seed", range(4))
    @pytest.mark.parametrize("n_bins", [1, 5, 10, 20])
    def test_against_loops(self, seed, n_bins):
        y_true, prob = random_probs(seed, n=500)
        expected = ece_by_loops(y_true.tolist(), prob.tolist(), n_bins)
        assert expected_calibration_error(y_true, prob, n_bins=n_bins) == pytest.approx(
            expected, abs=1e-12
        )

    @pytest.mark.parametrize("seed", range(3))
    @pytest.mark.parametrize("strategy", ["uniform", "quantile"])
    def test_against_sklearn_curve_and_counts(self, seed, strategy):
        y_true, prob = random_probs(seed)
        prob_true, prob_pred = skc.calibration_curve(y_true, prob, n_bins=10, strategy=strategy)
        if strategy == "uniform":
            edges = np.linspace(0, 1, 11)
        else:
            edges = np.percentile(prob, np.linspace(0, 100, 11))
        counts = np.bincount(np.digitize(prob, edges[1:-1], right=True), minlength=10)
        counts = counts[counts > 0]
        expected = np.sum(counts / len(prob) * np.abs(prob_true - prob_pred))
        value = expected_calibration_error(y_true, prob, n_bins=10, strategy=strategy)
        assert value == pytest.approx(expected, abs=1e-12)

    def test_one_bin_is_calibration_in_the_large(self):
        # |mean y - mean p| = |2/4 - (0.1 + 0.4 + 0.6 + 0.9)/4| = |0.5 - 0.5| = 0.
        assert expected_calibration_error([0, 1, 0, 1], [0.1, 0.4, 0.6, 0.9], n_bins=1) == (
            pytest.approx(0.0, abs=1e-15)
        )
        # |1/4 - 0.5| = 1/4.
        assert expected_calibration_error(
            [0, 0, 0, 1], [0.1, 0.4, 0.6, 0.9], n_bins=1
        ) == pytest.approx(0.25, abs=1e-15)

    def test_empty(self):
        with pytest.warns(UndefinedMetricWarning, match="ECE is undefined"):
            assert math.isnan(expected_calibration_error([], []))


class TestErrors:
    @pytest.mark.parametrize("func", FUNCS)
    @pytest.mark.parametrize("bad", [-0.1, 1.0000001, 2.0])
    def test_probability_out_of_range(self, func, bad):
        with pytest.raises(InvalidInputError, match=r"probabilities in \[0, 1\].*position\(s\) 1"):
            func([0, 1], [0.5, bad])

    @pytest.mark.parametrize("func", FUNCS)
    def test_nan_probability(self, func):
        with pytest.raises(InvalidInputError, match="y_prob must be finite"):
            func([0, 1], [0.5, np.nan])

    @pytest.mark.parametrize("func", FUNCS)
    def test_length_and_labels(self, func):
        with pytest.raises(InvalidInputError, match="arrays differ in length"):
            func([0, 1, 1], [0.5, 0.5])
        with pytest.raises(InvalidInputError, match="y_true must be binary"):
            func([0, 1, 2], [0.5, 0.5, 0.5])

    @pytest.mark.parametrize("func", [calibration_curve, expected_calibration_error])
    @pytest.mark.parametrize("n_bins", [0, -3, 2.5, True, "10", None])
    def test_bad_n_bins(self, func, n_bins):
        with pytest.raises(InvalidInputError, match="n_bins must be an integer >= 1"):
            func([0, 1], [0.2, 0.8], n_bins=n_bins)

    @pytest.mark.parametrize("func", [calibration_curve, expected_calibration_error])
    def test_bad_strategy(self, func):
        with pytest.raises(InvalidInputError, match="strategy must be one of"):
            func([0, 1], [0.2, 0.8], strategy="kmeans")

    def test_numpy_integer_n_bins(self):
        assert calibration_curve([0, 1], [0.2, 0.8], n_bins=np.int64(2)).count.tolist() == [1, 1]


class TestProperties:
    @given(labelled_probs, st.randoms(use_true_random=False))
    def test_permutation_changes_nothing(self, data, rnd):
        y_true, y_prob = data
        order = list(range(len(y_true)))
        rnd.shuffle(order)
        shuffled = [y_true[i] for i in order], [y_prob[i] for i in order]
        assert brier_score(*data) == pytest.approx(brier_score(*shuffled), abs=1e-15)
        for strategy in ("uniform", "quantile"):
            a = expected_calibration_error(*data, n_bins=4, strategy=strategy)
            b = expected_calibration_error(*shuffled, n_bins=4, strategy=strategy)
            assert a == pytest.approx(b, abs=1e-12)

    @given(labelled_probs)
    def test_bounds_and_agreement_with_loops(self, data):
        y_true, y_prob = data
        assert 0.0 <= brier_score(y_true, y_prob) <= 1.0
        value = expected_calibration_error(y_true, y_prob, n_bins=5)
        assert 0.0 <= value <= 1.0
        assert value == pytest.approx(ece_by_loops(y_true, y_prob, 5), abs=1e-12)

    @given(labelled_probs)
    def test_swapping_classes(self, data):
        # Predicting P(negative) = 1 - p for pos_label=0 gives the same Brier score.
        y_true, y_prob = data
        flipped = [1 - p for p in y_prob]
        assert brier_score(y_true, flipped, pos_label=0) == pytest.approx(
            brier_score(y_true, y_prob), abs=1e-12
        )
