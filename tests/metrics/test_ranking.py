"""Tests of medeval.metrics.ranking against scikit-learn and brute-force pair counts."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import rankdata

from medeval.errors import InvalidInputError, UndefinedMetricWarning
from medeval.metrics import (
    PrecisionRecallCurve,
    RocCurve,
    average_precision,
    precision_recall_curve,
    roc_auc,
    roc_curve,
)

FUNCS = [roc_curve, roc_auc, precision_recall_curve, average_precision]

# Labels in {0, 1} with both classes present, and scores on a coarse grid (many ties).
labelled_scores = st.integers(min_value=2, max_value=60).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 1), min_size=n, max_size=n).filter(lambda y: 0 < sum(y) < n),
        st.lists(st.integers(0, 10).map(lambda v: v / 10), min_size=n, max_size=n),
    )
)


def tied_data(seed: int, n: int = 5000):
    """A weakly informative score rounded to one decimal: thousands of ties."""
    rng = np.random.default_rng(seed)
    y_true = (rng.random(n) < 0.35).astype(int)
    score = np.clip(rng.normal(0.45 + 0.15 * y_true, 0.2), 0, 1)
    return y_true, np.round(score, 1)


def brute_force_auc(y_true, y_score) -> float:
    """Every (positive, negative) pair: 1 for a win, 1/2 for a tie."""
    y_true, y_score = np.asarray(y_true), np.asarray(y_score, dtype=float)
    pos, neg = y_score[y_true == 1], y_score[y_true == 0]
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(wins / (pos.size * neg.size))


class TestRocAuc:
    @pytest.mark.parametrize("seed", range(6))
    def test_acceptance_sklearn_with_many_ties(self, seed):
        y_true, y_score = tied_data(seed)
        assert np.unique(y_score).size <= 11  # 5000 cases on 11 values
        expected = skm.roc_auc_score(y_true, y_score)
        assert abs(roc_auc(y_true, y_score) - expected) <= 1e-12

    @pytest.mark.parametrize("seed", range(3))
    def test_sklearn_integer_scores_and_continuous(self, seed):
        rng = np.random.default_rng(100 + seed)
        y_true = rng.integers(0, 2, 3000)
        grades = rng.integers(1, 6, 3000) + y_true  # a five-point scale, heavy ties
        assert abs(roc_auc(y_true, grades) - skm.roc_auc_score(y_true, grades)) <= 1e-12
        score = rng.normal(y_true, 1.0)
        assert abs(roc_auc(y_true, score) - skm.roc_auc_score(y_true, score)) <= 1e-12

    def test_brute_force(self):
        y_true, y_score = tied_data(9, n=400)
        assert roc_auc(y_true, y_score) == pytest.approx(
            brute_force_auc(y_true, y_score), abs=1e-12
        )

    def test_hand(self):
        # Positives 0.35, 0.8; negatives 0.1, 0.4. Pairs: (0.35, 0.1) win, (0.35, 0.4) loss,
        # (0.8, 0.1) win, (0.8, 0.4) win -> 3/4.
        assert roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
        # Positive 0.5 vs negatives 0.5 (tie, 1/2) and 0.2 (win): 1.5 / 2.
        assert roc_auc([1, 0, 0], [0.5, 0.5, 0.2]) == 0.75

    def test_constant_score_is_half(self):
        assert roc_auc([0, 1, 1, 0, 1], [3, 3, 3, 3, 3]) == 0.5

    def test_never_flipped(self):
        # Every positive below every negative: 0, not 1.
        assert roc_auc([1, 1, 0, 0], [0.1, 0.2, 0.3, 0.4]) == 0.0
        y_true, y_score = tied_data(1)
        assert roc_auc(y_true, -y_score) == pytest.approx(1 - roc_auc(y_true, y_score), abs=1e-12)
        assert roc_auc(y_true, -y_score) < 0.5

    def test_pos_label(self):
        y = ["sick", "well", "sick", "well"]
        score = [0.9, 0.3, 0.2, 0.1]
        # Pairs for "sick": (0.9 beats both), (0.2 beats 0.1, loses to 0.3) -> 3/4.
        assert roc_auc(y, score, pos_label="sick") == 0.75
        assert roc_auc(y, score, pos_label="sick") == skm.roc_auc_score([1, 0, 1, 0], score)

    def test_bool_labels(self):
        assert roc_auc([True, False, True], [0.9, 0.5, 0.4]) == 0.5

    @pytest.mark.parametrize(("y_true", "lacking"), [([1, 1], "negative"), ([0, 0], "positive")])
    def test_one_class_undefined(self, y_true, lacking):
        with pytest.warns(
            UndefinedMetricWarning, match=f"roc_auc: the AUC is undefined.*{lacking}"
        ):
            assert math.isnan(roc_auc(y_true, [0.2, 0.4]))

    def test_empty_undefined(self):
        with pytest.warns(UndefinedMetricWarning, match="no case"):
            assert math.isnan(roc_auc([], []))


class TestRocCurve:
    @pytest.mark.parametrize("seed", range(4))
    def test_against_sklearn(self, seed):
        y_true, y_score = tied_data(seed, n=2000)
        curve = roc_curve(y_true, y_score)
        fpr, tpr, thresholds = skm.roc_curve(y_true, y_score, drop_intermediate=False)
        assert isinstance(curve, RocCurve)
        np.testing.assert_array_equal(curve.thresholds, thresholds)
        np.testing.assert_allclose(curve.fpr, fpr, rtol=0, atol=1e-15)
        np.testing.assert_allclose(curve.tpr, tpr, rtol=0, atol=1e-15)

    def test_hand(self):
        curve = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        assert curve.thresholds.tolist() == [math.inf, 0.8, 0.4, 0.35, 0.1]
        assert curve.fpr.tolist() == [0, 0, 0.5, 0.5, 1]
        assert curve.tpr.tolist() == [0, 0.5, 0.5, 1, 1]

    def test_tie_moves_diagonally(self):
        # One positive and one negative at 0.5: a single point (1/2, 1/2) -> (1, 1) at once.
        curve = roc_curve([1, 0], [0.5, 0.5])
        assert curve.fpr.tolist() == [0, 1] and curve.tpr.tolist() == [0, 1]

    def test_trapezoid_area_equals_auc(self):
        y_true, y_score = tied_data(5)
        curve = roc_curve(y_true, y_score)
        assert np.trapezoid(curve.tpr, curve.fpr) == pytest.approx(
            roc_auc(y_true, y_score), abs=1e-12
        )

    def test_no_positive(self):
        with pytest.warns(UndefinedMetricWarning, match="tpr is undefined"):
            curve = roc_curve([0, 0, 0], [0.1, 0.2, 0.2])
        assert np.isnan(curve.tpr).all()
        assert curve.fpr.tolist() == [0, 2 / 3, 1]

    def test_no_negative(self):
        with pytest.warns(UndefinedMetricWarning, match="fpr is undefined"):
            curve = roc_curve([1, 1], [0.1, 0.2])
        assert np.isnan(curve.fpr).all()
        assert curve.tpr.tolist() == [0, 0.5, 1]

    def test_empty(self):
        with pytest.warns(UndefinedMetricWarning, match="tpr and fpr"):
            curve = roc_curve([], [])
        assert curve.thresholds.tolist() == [math.inf]


class TestPrecisionRecall:
    @pytest.mark.parametrize("seed", range(4))
    def test_curve_against_sklearn(self, seed):
        y_true, y_score = tied_data(seed, n=2000)
        curve = precision_recall_curve(y_true, y_score)
        precision, recall, thresholds = skm.precision_recall_curve(y_true, y_score)
        assert isinstance(curve, PrecisionRecallCurve)
        # scikit-learn: increasing thresholds, plus a final (P=1, R=0) point.
        np.testing.assert_array_equal(curve.thresholds, thresholds[::-1])
        np.testing.assert_allclose(curve.precision, precision[:-1][::-1], rtol=0, atol=1e-15)
        np.testing.assert_allclose(curve.recall, recall[:-1][::-1], rtol=0, atol=1e-15)

    @pytest.mark.parametrize("seed", range(6))
    def test_average_precision_against_sklearn(self, seed):
        y_true, y_score = tied_data(seed)
        expected = skm.average_precision_score(y_true, y_score)
        assert abs(average_precision(y_true, y_score) - expected) <= 1e-12

    def test_average_precision_continuous(self):
        rng = np.random.default_rng(42)
        y_true = rng.integers(0, 2, 3000)
        score = rng.normal(y_true, 1.5)
        expected = skm.average_precision_score(y_true, score)
        assert abs(average_precision(y_true, score) - expected) <= 1e-12

    def test_hand(self):
        # Thresholds 0.8 (tp 1, fp 0), 0.4 (1, 1), 0.35 (2, 1), 0.1 (2, 2).
        curve = precision_recall_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        assert curve.precision.tolist() == [1, 0.5, 2 / 3, 0.5]
        assert curve.recall.tolist() == [0.5, 0.5, 1, 1]
        # AP = 1/2 * 1 + 0 * 1/2 + 1/2 * 2/3 + 0 * 1/2 = 5/6.
        assert average_precision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == pytest.approx(5 / 6)

    def test_tied_group_enters_with_group_precision(self):
        # Scores: pos 0.9; pos 0.5, neg 0.5, neg 0.5. Threshold 0.5: tp 2, fp 2 -> P = 1/2.
        # AP = 1/2 * 1 + 1/2 * 1/2 = 3/4 (not 1/2 * 1 + 1/2 * 2/3 as an arbitrary order gives).
        assert average_precision([1, 1, 0, 0], [0.9, 0.5, 0.5, 0.5]) == 0.75

    def test_no_negative(self):
        assert average_precision([1, 1, 1], [0.2, 0.5, 0.5]) == 1.0

    def test_no_positive(self):
        with pytest.warns(UndefinedMetricWarning, match="average precision is undefined"):
            assert math.isnan(average_precision([0, 0], [0.2, 0.3]))
        with pytest.warns(UndefinedMetricWarning, match="recall is undefined"):
            curve = precision_recall_curve([0, 0], [0.2, 0.3])
        assert np.isnan(curve.recall).all()
        assert curve.precision.tolist() == [0, 0]


class TestErrors:
    @pytest.mark.parametrize("func", FUNCS)
    def test_nan_and_inf_scores(self, func):
        with pytest.raises(InvalidInputError, match=r"y_score must be finite.*position\(s\) 1, 2"):
            func([0, 1, 1], [0.1, np.nan, np.inf])

    @pytest.mark.parametrize("func", FUNCS)
    def test_length_mismatch(self, func):
        with pytest.raises(InvalidInputError, match=f"{func.__name__}: arrays differ in length"):
            func([0, 1, 1], [0.1, 0.2])

    @pytest.mark.parametrize("func", FUNCS)
    def test_non_binary(self, func):
        with pytest.raises(InvalidInputError, match="y_true must be binary"):
            func([0, 1, 2], [0.1, 0.2, 0.3])

    @pytest.mark.parametrize("func", FUNCS)
    def test_non_numeric_scores(self, func):
        with pytest.raises(InvalidInputError, match="y_score must be numeric"):
            func([0, 1], ["a", "b"])

    def test_pos_label_kind(self):
        with pytest.raises(InvalidInputError, match="not of the same kind"):
            roc_auc(["pos", "pos"], [0.1, 0.2], pos_label=1)

    def test_two_dimensional(self):
        with pytest.raises(InvalidInputError, match="one-dimensional"):
            roc_auc([0, 1], [[0.1, 0.2]])


class TestProperties:
    @given(labelled_scores, st.randoms(use_true_random=False))
    def test_permutation_changes_nothing(self, data, rnd):
        y_true, y_score = data
        order = list(range(len(y_true)))
        rnd.shuffle(order)
        shuffled = [y_true[i] for i in order], [y_score[i] for i in order]
        assert roc_auc(*data) == roc_auc(*shuffled)
        assert average_precision(*data) == pytest.approx(average_precision(*shuffled), abs=1e-15)

    @given(labelled_scores)
    def test_auc_is_pair_count_and_rank_invariant(self, data):
        y_true, y_score = data
        value = roc_auc(y_true, y_score)
        assert value == pytest.approx(brute_force_auc(y_true, y_score), abs=1e-12)
        assert roc_auc(y_true, rankdata(y_score)) == value  # a monotone transform
        assert 0.0 <= value <= 1.0

    @given(labelled_scores)
    def test_swapping_classes_and_negating_score(self, data):
        y_true, y_score = data
        negated = [-s for s in y_score]
        assert roc_auc(y_true, negated, pos_label=0) == pytest.approx(
            roc_auc(y_true, y_score), abs=1e-12
        )

    @given(labelled_scores)
    def test_against_sklearn(self, data):
        y_true, y_score = data
        assert abs(roc_auc(y_true, y_score) - skm.roc_auc_score(y_true, y_score)) <= 1e-12
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = skm.average_precision_score(y_true, y_score)
        assert abs(average_precision(y_true, y_score) - expected) <= 1e-12
