"""Tests of medeval.metrics.classification against scikit-learn and hand-worked counts."""

from __future__ import annotations

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given
from hypothesis import strategies as st

from medeval.errors import InvalidInputError, UndefinedMetricWarning
from medeval.metrics import (
    ConfusionMatrix,
    LikelihoodRatios,
    accuracy,
    balanced_accuracy,
    confusion_matrix,
    f1_score,
    likelihood_ratios,
    npv,
    ppv,
    prevalence,
    sensitivity,
    specificity,
    youden_j,
)

RATIOS = [sensitivity, specificity, ppv, npv, accuracy, balanced_accuracy, f1_score, youden_j]

# Two label arrays of the same length, in {0, 1}.
pairs = st.integers(min_value=1, max_value=60).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 1), min_size=n, max_size=n),
        st.lists(st.integers(0, 1), min_size=n, max_size=n),
    )
)


def quiet(func, *args, **kwargs):
    """Call ``func`` with UndefinedMetricWarning silenced (for property tests)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        return func(*args, **kwargs)


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def random_pair(seed: int, n: int = 500, prevalence: float = 0.3):
    rng = np.random.default_rng(seed)
    y_true = (rng.random(n) < prevalence).astype(int)
    flip = rng.random(n) < 0.25
    return y_true, np.where(flip, 1 - y_true, y_true)


class TestConfusionMatrix:
    # Hand-worked: y_true 1 1 1 0 0 0 0 / y_pred 1 1 0 1 0 0 0 -> tp 2, fn 1, fp 1, tn 3.
    y_true = [1, 1, 1, 0, 0, 0, 0]
    y_pred = [1, 1, 0, 1, 0, 0, 0]

    def test_hand_counts(self):
        assert confusion_matrix(self.y_true, self.y_pred) == ConfusionMatrix(2, 1, 1, 3)

    def test_layout_is_sklearns(self):
        cm = confusion_matrix(self.y_true, self.y_pred)
        expected = skm.confusion_matrix(self.y_true, self.y_pred, labels=[0, 1])
        np.testing.assert_array_equal(cm.as_array(), expected)
        assert cm.as_array().tolist() == [[3, 1], [1, 2]]
        assert cm.n == 7

    @pytest.mark.parametrize("seed", range(5))
    def test_against_sklearn_random(self, seed):
        y_true, y_pred = random_pair(seed)
        cm = confusion_matrix(y_true, y_pred)
        np.testing.assert_array_equal(
            cm.as_array(), skm.confusion_matrix(y_true, y_pred, labels=[0, 1])
        )

    def test_counts(self):
        cm = ConfusionMatrix(tp=8, fp=3, fn=2, tn=37)
        assert cm.counts("sensitivity") == (8, 10)
        assert cm.counts("specificity") == (37, 40)
        assert cm.counts("ppv") == (8, 11)
        assert cm.counts("npv") == (37, 39)
        assert cm.counts("accuracy") == (45, 50)
        assert cm.counts("prevalence") == (10, 50)

    def test_counts_unknown_metric(self):
        with pytest.raises(InvalidInputError, match="ConfusionMatrix.counts: metric must be"):
            ConfusionMatrix(1, 1, 1, 1).counts("recall")  # type: ignore[arg-type]

    def test_numpy_integers_become_int(self):
        cm = ConfusionMatrix(np.int64(1), np.int32(2), np.uint8(3), 4)
        assert all(type(getattr(cm, f)) is int for f in ("tp", "fp", "fn", "tn"))

    @pytest.mark.parametrize(
        "counts", [(-1, 0, 0, 0), (1.0, 0, 0, 0), (True, 0, 0, 0), ("1", 0, 0, 0)]
    )
    def test_invalid_counts(self, counts):
        with pytest.raises(InvalidInputError, match="non-negative integers"):
            ConfusionMatrix(*counts)

    def test_invalid_counts_all_named(self):
        with pytest.raises(InvalidInputError, match=r"tp=-1, tn=0\.5"):
            ConfusionMatrix(-1, 0, 0, 0.5)  # type: ignore[arg-type]

    def test_frozen(self):
        with pytest.raises(AttributeError):
            ConfusionMatrix(1, 1, 1, 1).tp = 2  # type: ignore[misc]

    def test_add_pools_counts(self):
        assert ConfusionMatrix(1, 2, 3, 4) + ConfusionMatrix(10, 20, 30, 40) == ConfusionMatrix(
            11, 22, 33, 44
        )
        with pytest.raises(TypeError):
            ConfusionMatrix(1, 2, 3, 4) + 1  # type: ignore[operator]

    def test_string_and_bool_labels(self):
        cm = confusion_matrix(["flu", "ok", "flu"], ["flu", "flu", "ok"], pos_label="flu")
        assert cm == ConfusionMatrix(tp=1, fp=1, fn=1, tn=0)
        assert confusion_matrix([True, False], [True, True]) == ConfusionMatrix(1, 1, 0, 0)
        assert confusion_matrix([True, False], [True, True], pos_label=False) == ConfusionMatrix(
            0, 0, 1, 1
        )

    def test_mixed_bool_and_int_labels(self):
        assert confusion_matrix([1, 0, 1], [True, False, False]) == ConfusionMatrix(1, 0, 1, 1)

    def test_empty_input(self):
        assert confusion_matrix([], []) == ConfusionMatrix(0, 0, 0, 0)


class TestRatiosAgainstSklearn:
    @pytest.mark.parametrize("seed", range(5))
    def test_random(self, seed):
        y_true, y_pred = random_pair(seed)
        assert sensitivity(y_true, y_pred) == pytest.approx(
            skm.recall_score(y_true, y_pred), abs=1e-15
        )
        assert specificity(y_true, y_pred) == pytest.approx(
            skm.recall_score(y_true, y_pred, pos_label=0), abs=1e-15
        )
        assert ppv(y_true, y_pred) == pytest.approx(skm.precision_score(y_true, y_pred), abs=1e-15)
        assert npv(y_true, y_pred) == pytest.approx(
            skm.precision_score(y_true, y_pred, pos_label=0), abs=1e-15
        )
        assert accuracy(y_true, y_pred) == pytest.approx(
            skm.accuracy_score(y_true, y_pred), abs=1e-15
        )
        assert balanced_accuracy(y_true, y_pred) == pytest.approx(
            skm.balanced_accuracy_score(y_true, y_pred), abs=1e-15
        )
        assert f1_score(y_true, y_pred) == pytest.approx(skm.f1_score(y_true, y_pred), abs=1e-15)
        # scikit-learn's adjusted balanced accuracy of a binary problem is Se + Sp - 1.
        assert youden_j(y_true, y_pred) == pytest.approx(
            skm.balanced_accuracy_score(y_true, y_pred, adjusted=True), abs=1e-12
        )
        assert prevalence(y_true) == pytest.approx(np.mean(y_true), abs=1e-15)

    @pytest.mark.parametrize("seed", range(5))
    def test_likelihood_ratios(self, seed):
        y_true, y_pred = random_pair(seed)
        expected = skm.class_likelihood_ratios(y_true, y_pred)
        lr = likelihood_ratios(y_true, y_pred)
        assert isinstance(lr, LikelihoodRatios)
        assert lr.positive == pytest.approx(expected[0], rel=1e-12)
        assert lr.negative == pytest.approx(expected[1], rel=1e-12)

    def test_string_pos_label(self):
        y_true = ["yes", "no", "yes", "yes", "no"]
        y_pred = ["yes", "yes", "no", "yes", "no"]
        assert sensitivity(y_true, y_pred, pos_label="yes") == skm.recall_score(
            y_true, y_pred, pos_label="yes"
        )
        assert ppv(y_true, y_pred, pos_label="no") == skm.precision_score(
            y_true, y_pred, pos_label="no"
        )


class TestCombinedRatesRoundedOnce:
    # Found in the review-stats pass: balanced accuracy and Youden's J added the two
    # rounded rates, so Se 82/100 and Sp 98/100 gave (0.82 + 0.98) / 2 = 0.8999999999999999
    # (scikit-learn's balanced_accuracy_score too), not 0.9 = 9/10, and a protocol's
    # "balanced_accuracy >= 0.90" judged by the point rule FAILed a set that meets it
    # exactly; Se = Sp = 70/100 gave J = 0.3999999999999999 against 0.4. Now exact
    # arithmetic, rounded once (Python's fractions), in the metric and in the bootstrap's
    # value alike.
    @pytest.mark.parametrize(("tp", "tn", "metric", "goal", "exact"), [
        (82, 98, "balanced_accuracy", 0.9, Fraction(82 + 98, 200)),
        (70, 70, "youden_j", 0.4, Fraction(70 + 70 - 100, 100)),
        (83, 97, "balanced_accuracy", 0.9, Fraction(83 + 97, 200)),
    ])
    def test_a_value_equal_to_its_goal_passes_the_point_rule(self, tp, tn, metric, goal, exact):
        from medeval.decision import decide
        from medeval.stats import bootstrap_ci
        from medeval.stats.estimate import Estimate

        y_true = np.r_[np.ones(100, int), np.zeros(100, int)]
        y_pred = np.r_[np.ones(tp, int), np.zeros(100 - tp, int), np.zeros(tn, int),
                       np.ones(100 - tn, int)]
        assert exact == Fraction(str(goal))
        se, sp = tp / 100, tn / 100
        summed = (se + sp) / 2 if metric == "balanced_accuracy" else se + sp - 1
        assert summed < goal  # the two roundings fall below the goal
        value = {"balanced_accuracy": balanced_accuracy, "youden_j": youden_j}[metric](
            y_true, y_pred)
        assert value == float(exact) == goal
        boot = bootstrap_ci(metric, y_true, y_pred, seed=3, n_resamples=200, strata=y_true)
        assert boot.value == value
        verdict = decide(metric, Estimate(value, 0.0, 1.0, "x", 0.95, 200), goal, rule="point")
        assert verdict.outcome == "PASS"


class TestHandWorked:
    # tp 2, fp 1, fn 1, tn 3 (see TestConfusionMatrix).
    y_true = [1, 1, 1, 0, 0, 0, 0]
    y_pred = [1, 1, 0, 1, 0, 0, 0]

    def test_values(self):
        assert sensitivity(self.y_true, self.y_pred) == 2 / 3
        assert specificity(self.y_true, self.y_pred) == 3 / 4
        assert ppv(self.y_true, self.y_pred) == 2 / 3
        assert npv(self.y_true, self.y_pred) == 3 / 4
        assert accuracy(self.y_true, self.y_pred) == 5 / 7
        assert balanced_accuracy(self.y_true, self.y_pred) == pytest.approx((2 / 3 + 3 / 4) / 2)
        assert f1_score(self.y_true, self.y_pred) == 4 / 6  # 2*2 / (2*2 + 1 + 1)
        assert youden_j(self.y_true, self.y_pred) == pytest.approx(2 / 3 + 3 / 4 - 1)
        assert prevalence(self.y_true) == 3 / 7

    def test_likelihood_ratios(self):
        # LR+ = (2/3) / (1/4) = 8/3; LR- = (1/3) / (3/4) = 4/9.
        lr = likelihood_ratios(self.y_true, self.y_pred)
        assert lr == (8 / 3, 4 / 9)
        positive, negative = lr
        assert (positive, negative) == (lr.positive, lr.negative)

    def test_methods_equal_functions(self):
        cm = confusion_matrix(self.y_true, self.y_pred)
        for func in RATIOS:
            assert getattr(cm, func.__name__)() == func(self.y_true, self.y_pred)
        assert cm.likelihood_ratios() == likelihood_ratios(self.y_true, self.y_pred)
        assert cm.prevalence() == prevalence(self.y_true)

    def test_zero_but_defined(self):
        # Positives present, none found: sensitivity 0, F1 0 -- defined, no warning.
        assert sensitivity([1, 1, 0], [0, 0, 0]) == 0.0
        assert f1_score([1, 1, 0], [0, 0, 0]) == 0.0
        # Predicted positives, none right: PPV 0.
        assert ppv([0, 0, 1], [1, 1, 0]) == 0.0
        assert specificity([0, 0, 1], [1, 1, 1]) == 0.0
        assert npv([1, 1, 0], [0, 0, 1]) == 0.0
        assert prevalence([0, 0]) == 0.0
        # Se = 1, Sp = 2/3: LR- = 0 / (2/3) = 0, defined; LR+ = 1 / (1/3) = 3.
        assert ConfusionMatrix(tp=3, fp=1, fn=0, tn=2).likelihood_ratios() == (3.0, 0.0)

    def test_reversed_test_not_flipped(self):
        # Every call wrong: J = 0 + 0 - 1 = -1, not 1.
        assert youden_j([1, 1, 0, 0], [0, 0, 1, 1]) == -1.0


class TestUndefined:
    @pytest.mark.parametrize(
        ("func", "y_true", "y_pred", "reason"),
        [
            (sensitivity, [0, 0], [0, 1], "no positive case"),
            (specificity, [1, 1], [0, 1], "no negative case"),
            (ppv, [0, 1], [0, 0], "predicted positive"),
            (npv, [0, 1], [1, 1], "predicted negative"),
            (f1_score, [0, 0], [0, 0], "2 tp"),
            (balanced_accuracy, [1, 1], [1, 1], "no negative case"),
            (balanced_accuracy, [0, 0], [1, 1], "no positive case"),
            (youden_j, [0, 0], [0, 0], "no positive case"),
            (accuracy, [], [], "no case"),
        ],
    )
    def test_nan_with_warning(self, func, y_true, y_pred, reason):
        with pytest.warns(UndefinedMetricWarning, match=reason):
            assert math.isnan(func(y_true, y_pred))

    def test_empty_every_ratio(self):
        for func in RATIOS:
            with pytest.warns(UndefinedMetricWarning):
                assert math.isnan(func([], []))
        with pytest.warns(UndefinedMetricWarning, match="prevalence"):
            assert math.isnan(prevalence([]))

    def test_one_warning_naming_both(self):
        with pytest.warns(UndefinedMetricWarning) as record:
            assert math.isnan(balanced_accuracy([], []))
        assert len(record) == 1
        assert "no positive case" in str(record[0].message)
        assert "no negative case" in str(record[0].message)

    def test_lr_positive_when_specificity_is_one(self):
        # fp = 0: LR+ = Se / 0 -> NaN (not inf); LR- = (1/2) / 1 = 1/2.
        with pytest.warns(UndefinedMetricWarning, match="LR\\+ is undefined"):
            lr = likelihood_ratios([1, 1, 0, 0], [1, 0, 0, 0])
        assert math.isnan(lr.positive)
        assert lr.negative == 0.5

    def test_lr_positive_zero_over_zero(self):
        with pytest.warns(UndefinedMetricWarning, match="LR\\+"):
            assert math.isnan(likelihood_ratios([1, 0], [0, 0]).positive)

    def test_lr_negative_when_specificity_is_zero(self):
        # tn = 0: LR- = (1 - Se) / 0 -> NaN; LR+ = (1/2) / (1 - 0) = 1/2.
        with pytest.warns(UndefinedMetricWarning, match="LR- is undefined"):
            lr = likelihood_ratios([1, 1, 0, 0], [1, 0, 1, 1])
        assert lr.positive == 0.5
        assert math.isnan(lr.negative)

    def test_lr_one_class(self):
        with pytest.warns(UndefinedMetricWarning) as record:
            lr = likelihood_ratios([1, 1], [1, 0])
        assert len(record) == 1
        assert math.isnan(lr.positive) and math.isnan(lr.negative)

    def test_warning_points_at_caller(self):
        with pytest.warns(UndefinedMetricWarning) as record:
            sensitivity([0, 0], [0, 0])
        assert record[0].filename == __file__

    def test_method_warns(self):
        with pytest.warns(UndefinedMetricWarning, match="ppv is undefined"):
            assert math.isnan(ConfusionMatrix(0, 0, 3, 4).ppv())


class TestErrors:
    @pytest.mark.parametrize("func", RATIOS + [confusion_matrix, likelihood_ratios])
    def test_non_binary(self, func):
        with pytest.raises(InvalidInputError, match=f"{func.__name__}: y_true must be binary"):
            func([0, 1, 2], [0, 1, 1])
        with pytest.raises(InvalidInputError, match="y_pred must be binary"):
            func([0, 1, 1], [0, 1, 2])

    @pytest.mark.parametrize("func", RATIOS + [confusion_matrix, likelihood_ratios])
    def test_length_mismatch(self, func):
        with pytest.raises(InvalidInputError, match="y_true has 3, y_pred has 2"):
            func([0, 1, 1], [0, 1])

    def test_labels_differ_between_arrays(self):
        with pytest.raises(InvalidInputError, match=r"together hold the labels \[0, 1, 2\]"):
            sensitivity([0, 1, 1], [1, 2, 1])
        # Each array alone has one label; together two, neither of them pos_label.
        with pytest.raises(InvalidInputError, match=r"labels \[0, 2\].*pos_label=1"):
            specificity([0, 0], [2, 2], pos_label=1)
        # Without pos_label, 0 and 2 leave the positive one open.
        with pytest.raises(InvalidInputError, match=r"labels \[0, 2\] are not 0/1"):
            specificity([0, 0], [2, 2])

    def test_nan_label(self):
        with pytest.raises(InvalidInputError, match="y_pred contains NaN at position"):
            specificity([0.0, 1.0], [0.0, np.nan])

    def test_pos_label_absent(self):
        with pytest.raises(InvalidInputError, match="pos_label=1 is not one of"):
            sensitivity(["a", "b"], ["a", "b"], pos_label=1)

    def test_pos_label_wrong_kind(self):
        # One text label and pos_label=1: not "no positive case", a mistake.
        with pytest.raises(InvalidInputError, match="not of the same kind"):
            sensitivity(["pos", "pos"], ["pos", "pos"], pos_label=1)
        with pytest.raises(InvalidInputError, match="not of the same kind"):
            ppv([0, 0], [0, 0], pos_label="yes")

    def test_pos_label_kind_in_prevalence(self):
        with pytest.raises(InvalidInputError, match="prevalence: pos_label"):
            prevalence(["neg", "neg"], pos_label=1)
        with pytest.raises(InvalidInputError, match=r"prevalence: the labels \['neg'\]"):
            prevalence(["neg", "neg"])

    def test_not_one_dimensional(self):
        with pytest.raises(InvalidInputError, match="one-dimensional"):
            accuracy([[0, 1]], [[0, 1]])
        with pytest.raises(InvalidInputError, match="scalar"):
            accuracy(1, 1)

    def test_error_is_a_value_error(self):
        with pytest.raises(ValueError):
            f1_score([0, 1], [0])


class TestProperties:
    @given(pairs, st.randoms(use_true_random=False))
    def test_permutation_changes_nothing(self, pair, rnd):
        y_true, y_pred = pair
        order = list(range(len(y_true)))
        rnd.shuffle(order)
        shuffled = ([y_true[i] for i in order], [y_pred[i] for i in order])
        assert confusion_matrix(*pair) == confusion_matrix(*shuffled)
        for func in RATIOS:
            assert same(quiet(func, *pair), quiet(func, *shuffled))

    @given(pairs)
    def test_swapping_labels_swaps_sensitivity_and_specificity(self, pair):
        y_true, y_pred = pair
        assert same(
            quiet(sensitivity, y_true, y_pred), quiet(specificity, y_true, y_pred, pos_label=0)
        )
        assert same(
            quiet(specificity, y_true, y_pred), quiet(sensitivity, y_true, y_pred, pos_label=0)
        )
        assert same(quiet(ppv, y_true, y_pred), quiet(npv, y_true, y_pred, pos_label=0))
        inverted = ([1 - v for v in y_true], [1 - v for v in y_pred])
        assert same(quiet(sensitivity, y_true, y_pred), quiet(specificity, *inverted))

    @given(pairs)
    def test_bounds(self, pair):
        for func in RATIOS:
            value = quiet(func, *pair)
            low = -1.0 if func is youden_j else 0.0
            assert math.isnan(value) or low <= value <= 1.0

    @given(pairs)
    def test_counts_reproduce_ratios(self, pair):
        cm = confusion_matrix(*pair)
        for metric in ("sensitivity", "specificity", "ppv", "npv", "accuracy", "prevalence"):
            numerator, denominator = cm.counts(metric)
            assert 0 <= numerator <= denominator <= cm.n
            value = quiet(getattr(cm, metric))
            assert same(value, numerator / denominator if denominator else math.nan)
