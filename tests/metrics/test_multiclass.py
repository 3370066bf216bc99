"""Tests of medeval.metrics.multiclass against scikit-learn and hand-worked counts."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given
from hypothesis import strategies as st

from medeval.errors import InvalidInputError, UndefinedMetricWarning
from medeval.metrics import (
    ConfusionMatrix,
    MulticlassConfusionMatrix,
    cohen_kappa,
    multiclass_confusion_matrix,
    multiclass_metric,
    one_vs_rest,
)

SKLEARN_EQUIVALENT = {
    "sensitivity": skm.recall_score,
    "ppv": skm.precision_score,
    "f1": skm.f1_score,
}

# Two label arrays of the same length, in {0, 1, 2, 3}.
pairs = st.integers(min_value=1, max_value=60).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 3), min_size=n, max_size=n),
        st.lists(st.integers(0, 3), min_size=n, max_size=n),
    )
)


def random_grades(seed: int, n: int = 800, k: int = 5):
    """Ordinal grades and a noisy rater that is off by one grade now and then."""
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, k, n)
    step = rng.choice([-2, -1, 0, 0, 0, 1, 2], n)
    return y_true, np.clip(y_true + step, 0, k - 1)


def quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        return func(*args, **kwargs)


class TestConfusionMatrix:
    @pytest.mark.parametrize("seed", range(4))
    def test_against_sklearn(self, seed):
        y_true, y_pred = random_grades(seed)
        cm = multiclass_confusion_matrix(y_true, y_pred)
        np.testing.assert_array_equal(cm.matrix, skm.confusion_matrix(y_true, y_pred))
        assert cm.labels == (0, 1, 2, 3, 4)

    def test_labels_order_and_absent_class(self):
        y_true = ["b", "a", "c", "c"]
        y_pred = ["b", "c", "c", "a"]
        labels = ["c", "b", "a", "d"]
        cm = multiclass_confusion_matrix(y_true, y_pred, labels=labels)
        np.testing.assert_array_equal(
            cm.matrix, skm.confusion_matrix(y_true, y_pred, labels=labels)
        )
        assert cm.labels == ("c", "b", "a", "d")
        assert cm.matrix[3].sum() == 0 and cm.matrix[:, 3].sum() == 0

    def test_default_labels_are_sorted_union(self):
        cm = multiclass_confusion_matrix([2, 0], [5, 0])
        assert cm.labels == (0, 2, 5)
        assert cm.matrix.tolist() == [[1, 0, 0], [0, 0, 1], [0, 0, 0]]

    def test_matrix_is_read_only_copy(self):
        source = np.array([[1, 2], [3, 4]])
        cm = MulticlassConfusionMatrix(source, ("x", "y"))
        source[0, 0] = 99
        assert cm.matrix[0, 0] == 1
        with pytest.raises(ValueError):
            cm.matrix[0, 0] = 5

    def test_empty(self):
        cm = multiclass_confusion_matrix([], [])
        assert cm.matrix.shape == (0, 0) and cm.labels == ()
        cm = multiclass_confusion_matrix([], [], labels=[0, 1])
        assert cm.matrix.tolist() == [[0, 0], [0, 0]]

    @pytest.mark.parametrize(
        ("matrix", "labels", "match"),
        [
            ([[1, 2]], ("a",), "square"),
            ([[1, 2], [3, 4]], ("a",), "square"),
            ([[1, -2], [3, 4]], ("a", "b"), "non-negative integers"),
            ([[1.5, 2], [3, 4]], ("a", "b"), "non-negative integers"),
            ([[1, 2], [3, 4]], ("a", "a"), "repeat"),
        ],
    )
    def test_invalid_record(self, matrix, labels, match):
        with pytest.raises(InvalidInputError, match=match):
            MulticlassConfusionMatrix(np.array(matrix), labels)


class TestOneVsRest:
    @pytest.mark.parametrize("seed", range(4))
    def test_against_sklearn_multilabel(self, seed):
        y_true, y_pred = random_grades(seed)
        per_class = one_vs_rest(y_true, y_pred)
        expected = skm.multilabel_confusion_matrix(y_true, y_pred)  # [[tn, fp], [fn, tp]]
        assert list(per_class) == [0, 1, 2, 3, 4]
        for cm, reference in zip(per_class.values(), expected, strict=True):
            np.testing.assert_array_equal(cm.as_array(), reference)

    def test_hand(self):
        # Class 2: y_true 2 at cases 3, 4; y_pred 2 at cases 2, 3 -> tp 1, fn 1, fp 1, tn 1.
        assert one_vs_rest([0, 1, 2, 2], [0, 2, 2, 1])[2] == ConfusionMatrix(1, 1, 1, 1)


class TestMetric:
    @pytest.mark.parametrize("seed", range(4))
    @pytest.mark.parametrize("metric", ["sensitivity", "ppv", "f1"])
    @pytest.mark.parametrize("average", ["macro", "micro", "weighted"])
    def test_against_sklearn(self, seed, metric, average):
        y_true, y_pred = random_grades(seed)
        expected = SKLEARN_EQUIVALENT[metric](y_true, y_pred, average=average)
        value = multiclass_metric(y_true, y_pred, metric=metric, average=average)
        assert value == pytest.approx(expected, abs=1e-12)

    @pytest.mark.parametrize("metric", ["sensitivity", "ppv", "f1"])
    def test_per_class_against_sklearn(self, metric):
        y_true, y_pred = random_grades(7)
        expected = SKLEARN_EQUIVALENT[metric](y_true, y_pred, average=None)
        values = multiclass_metric(y_true, y_pred, metric=metric, average=None)
        assert list(values) == [0, 1, 2, 3, 4]
        np.testing.assert_allclose(list(values.values()), expected, rtol=0, atol=1e-15)

    def test_specificity_and_npv_by_hand(self):
        # y_true 0 0 1 1 2 2 / y_pred 0 1 1 1 2 0.
        # class 0: tp 1 fn 1 fp 1 tn 3 -> Sp 3/4, NPV 3/4
        # class 1: tp 2 fn 0 fp 1 tn 3 -> Sp 3/4, NPV 1
        # class 2: tp 1 fn 1 fp 0 tn 4 -> Sp 1,   NPV 4/5
        y_true, y_pred = [0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 2, 0]
        assert multiclass_metric(y_true, y_pred, metric="specificity", average=None) == {
            0: 0.75,
            1: 0.75,
            2: 1.0,
        }
        assert multiclass_metric(y_true, y_pred, metric="npv", average=None) == {
            0: 0.75,
            1: 1.0,
            2: 0.8,
        }
        # macro Sp = (3/4 + 3/4 + 1) / 3 = 5/6; micro Sp = (3 + 3 + 4) / (4 + 4 + 4) = 10/12
        assert multiclass_metric(
            y_true, y_pred, metric="specificity", average="macro"
        ) == pytest.approx(5 / 6)
        assert multiclass_metric(
            y_true, y_pred, metric="specificity", average="micro"
        ) == pytest.approx(10 / 12)
        # weighted by support 2, 2, 2 -> same as macro here
        assert multiclass_metric(
            y_true, y_pred, metric="npv", average="weighted"
        ) == pytest.approx((0.75 + 1.0 + 0.8) / 3)

    def test_micro_sensitivity_is_accuracy(self):
        y_true, y_pred = random_grades(3)
        value = multiclass_metric(y_true, y_pred, metric="sensitivity", average="micro")
        assert value == pytest.approx(skm.accuracy_score(y_true, y_pred), abs=1e-15)

    def test_method_equals_function(self):
        y_true, y_pred = random_grades(1)
        cm = multiclass_confusion_matrix(y_true, y_pred)
        assert cm.metric("f1", average="macro") == multiclass_metric(
            y_true, y_pred, metric="f1", average="macro"
        )

    def test_macro_undefined_class_is_not_dropped(self):
        # Class 2 is in labels but never occurs: its sensitivity is 0/0.
        with pytest.warns(UndefinedMetricWarning, match=r"class\(es\) \[2\]"):
            value = multiclass_metric(
                [0, 1, 0, 1],
                [0, 1, 1, 1],
                metric="sensitivity",
                average="macro",
                labels=[0, 1, 2],
            )
        assert math.isnan(value)

    def test_per_class_undefined_one_warning(self):
        with pytest.warns(UndefinedMetricWarning) as record:
            values = multiclass_metric(
                [0, 0, 1], [0, 0, 0], metric="ppv", average=None, labels=[0, 1, 2]
            )
        assert len(record) == 1
        assert "[1, 2]" in str(record[0].message)
        assert values[0] == 2 / 3 and math.isnan(values[1]) and math.isnan(values[2])

    def test_weighted_zero_support_defined(self):
        # y_true 0 0 1 1, y_pred 0 1 1 1; labels 0, 1, 2 (2 absent everywhere).
        # PPV: class 0 1/1, class 1 2/3, class 2 0/0 with weight 0.
        # weighted = 2/4 * 1 + 2/4 * 2/3 = 5/6, no warning.
        value = multiclass_metric(
            [0, 0, 1, 1], [0, 1, 1, 1], metric="ppv", average="weighted", labels=[0, 1, 2]
        )
        assert value == pytest.approx(5 / 6)

    def test_weighted_undefined_with_weight(self):
        # Class 1 occurs in y_true but is never predicted: PPV 0/0 with weight 1/3.
        with pytest.warns(UndefinedMetricWarning, match="weighted-averaged ppv"):
            value = multiclass_metric([0, 0, 1], [0, 0, 0], metric="ppv", average="weighted")
        assert math.isnan(value)

    def test_micro_undefined(self):
        with pytest.warns(UndefinedMetricWarning, match="micro-averaged"):
            value = multiclass_metric([], [], metric="sensitivity", average="micro", labels=[0])
        assert math.isnan(value)

    def test_no_class(self):
        with pytest.warns(UndefinedMetricWarning, match="no class"):
            assert math.isnan(multiclass_metric([], [], metric="f1", average="macro"))

    def test_weighted_no_case(self):
        with pytest.warns(UndefinedMetricWarning, match="no case"):
            value = multiclass_metric([], [], metric="f1", average="weighted", labels=[0, 1])
        assert math.isnan(value)

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"metric": "recall", "average": "macro"}, "metric must be one of"),
            ({"metric": "f1", "average": "samples"}, "average must be one of"),
        ],
    )
    def test_bad_choice(self, kwargs, match):
        with pytest.raises(InvalidInputError, match=f"multiclass_metric: {match}"):
            multiclass_metric([0, 1], [0, 1], **kwargs)

    def test_metric_and_average_are_required(self):
        with pytest.raises(TypeError):
            multiclass_metric([0, 1], [0, 1], metric="f1")  # type: ignore[call-overload]


class TestKappa:
    @pytest.mark.parametrize("seed", range(4))
    @pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
    def test_against_sklearn(self, seed, weights):
        y_true, y_pred = random_grades(seed)
        expected = skm.cohen_kappa_score(y_true, y_pred, weights=weights)
        assert cohen_kappa(y_true, y_pred, weights=weights) == pytest.approx(expected, abs=1e-12)

    @pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
    def test_labels_give_the_scale(self, weights):
        # Grades 0..4 exist; only 0, 1 and 4 are used. The scale changes weighted kappa.
        y_true, y_pred = [0, 1, 4, 4, 0, 1], [0, 4, 4, 1, 1, 1]
        labels = [0, 1, 2, 3, 4]
        expected = skm.cohen_kappa_score(y_true, y_pred, weights=weights, labels=labels)
        value = cohen_kappa(y_true, y_pred, weights=weights, labels=labels)
        assert value == pytest.approx(expected, abs=1e-12)

    def test_hand_unweighted(self):
        # O = [[20, 5], [10, 15]], n = 50: p_o = 35/50 = 0.7;
        # p_e = (25*30 + 25*20) / 2500 = 0.5; kappa = (0.7 - 0.5) / 0.5 = 0.4.
        y_true = [0] * 25 + [1] * 25
        y_pred = [0] * 20 + [1] * 5 + [0] * 10 + [1] * 15
        assert cohen_kappa(y_true, y_pred) == pytest.approx(0.4, abs=1e-15)

    def test_hand_linear(self):
        # Grades 0, 1, 2; O = [[1, 1, 0], [0, 1, 0], [0, 1, 1]], n = 5.
        # rows (2, 1, 2), cols (1, 3, 1); w = |i - j|.
        # sum w O = 1 (0->1) + 1 (2->1) = 2.
        # sum w r c / n = (2*3*1 + 2*1*2 + 1*1*1 + 1*1*1 + 2*1*2 + 2*3*1) / 5 = 22 / 5.
        # kappa = 1 - 2 / (22/5) = 1 - 10/22 = 6/11.
        y_true, y_pred = [0, 0, 1, 2, 2], [0, 1, 1, 1, 2]
        assert cohen_kappa(y_true, y_pred, weights="linear") == pytest.approx(6 / 11, abs=1e-15)

    def test_perfect_and_negative(self):
        assert cohen_kappa([0, 1, 2], [0, 1, 2]) == 1.0
        # Complete disagreement on two balanced classes: p_o = 0, p_e = 1/2 -> -1.
        assert cohen_kappa([0, 0, 1, 1], [1, 1, 0, 0]) == -1.0

    def test_one_class_only_undefined(self):
        with pytest.warns(UndefinedMetricWarning, match="expected disagreement is 0"):
            assert math.isnan(cohen_kappa([3, 3, 3], [3, 3, 3]))

    def test_no_case_undefined(self):
        with pytest.warns(UndefinedMetricWarning, match="no case"):
            assert math.isnan(cohen_kappa([], [], labels=[0, 1]))

    def test_one_rater_constant_is_zero(self):
        # rows (2, 2), cols (4, 0): p_o = 1/2 = p_e -> kappa 0, defined.
        assert cohen_kappa([0, 0, 1, 1], [0, 0, 0, 0]) == 0.0

    def test_bad_weights(self):
        with pytest.raises(InvalidInputError, match="cohen_kappa: weights must be one of"):
            cohen_kappa([0, 1], [0, 1], weights="squared")  # type: ignore[arg-type]


class TestErrors:
    FUNCS = [multiclass_confusion_matrix, one_vs_rest, cohen_kappa]

    @pytest.mark.parametrize("func", FUNCS)
    def test_label_not_in_labels(self, func):
        with pytest.raises(InvalidInputError, match=r"label\(s\) \[7\] not in labels"):
            func([0, 1, 7], [0, 1, 1], labels=[0, 1])

    @pytest.mark.parametrize("func", FUNCS)
    @pytest.mark.parametrize(("data", "labels"), [([0, 1, 2], ["0", "1", "2"]),
                                                  (["0", "1", "2"], [0, 1, 2])])
    def test_numbers_against_text_labels_are_said_so(self, func, data, labels):
        # grades read as integers against labels written as text (or the reverse): the
        # message printed [0, 1, 2] not in labels=['0', '1', '2'] and said to add them
        # to labels, which already hold them but for the quotes (found in the grading pass)
        with pytest.raises(InvalidInputError, match=r"they are numbers where labels holds "
                           r"text, or text where it holds numbers \(2 and '2' are two labels"):
            func(data, data, labels=labels)

    @pytest.mark.parametrize("func", FUNCS)
    def test_length_mismatch(self, func):
        with pytest.raises(InvalidInputError, match=f"{func.__name__}: arrays differ in length"):
            func([0, 1, 2], [0, 1])

    @pytest.mark.parametrize("labels", [[], [0, 0, 1]])
    def test_bad_labels(self, labels):
        with pytest.raises(InvalidInputError, match="labels must be non-empty and unique"):
            multiclass_confusion_matrix([0, 1], [0, 1], labels=labels)

    def test_nan(self):
        with pytest.raises(InvalidInputError, match="y_true contains NaN at position"):
            multiclass_confusion_matrix([0.0, np.nan], [0.0, 1.0])

    def test_mixed_kinds(self):
        with pytest.raises(InvalidInputError, match="cannot be sorted; pass labels="):
            multiclass_confusion_matrix([0, 1], ["a", "b"])

    def test_numbers_against_the_same_labels_as_text(self):
        # grades read from a CSV as text against a model's integers: labels= (the old
        # advice) would make 1 and '1' two classes and every case wrong; the message says
        # to give both in one kind, and in one kind the figures are scikit-learn's
        with pytest.raises(InvalidInputError, match=(
                r"y_true holds numbers and y_pred text \('1', '2', '3'\), the same labels")):
            cohen_kappa([1, 2, 3, 1], ["1", "2", "3", "1"])
        assert cohen_kappa([1, 2, 3, 1], [1, 2, 3, 1]) == skm.cohen_kappa_score(
            [1, 2, 3, 1], [1, 2, 3, 1]) == 1.0

    def test_mixed_kinds_with_labels(self):
        cm = multiclass_confusion_matrix([0, 1], ["a", "b"], labels=[0, 1, "a", "b"])
        assert cm.matrix.tolist() == [[0, 0, 1, 0], [0, 0, 0, 1], [0] * 4, [0] * 4]

    def test_two_dimensional(self):
        with pytest.raises(InvalidInputError, match="one-dimensional"):
            one_vs_rest([[0, 1]], [[0, 1]])


class TestProperties:
    @given(pairs, st.randoms(use_true_random=False))
    def test_permutation_changes_nothing(self, pair, rnd):
        y_true, y_pred = pair
        order = list(range(len(y_true)))
        rnd.shuffle(order)
        shuffled = [y_true[i] for i in order], [y_pred[i] for i in order]
        labels = [0, 1, 2, 3]
        a = multiclass_confusion_matrix(*pair, labels=labels)
        b = multiclass_confusion_matrix(*shuffled, labels=labels)
        np.testing.assert_array_equal(a.matrix, b.matrix)
        for weights in (None, "linear", "quadratic"):
            first = quiet(cohen_kappa, *pair, weights=weights, labels=labels)
            second = quiet(cohen_kappa, *shuffled, weights=weights, labels=labels)
            assert first == second or (math.isnan(first) and math.isnan(second))

    @given(pairs)
    def test_kappa_symmetric_and_bounded(self, pair):
        y_true, y_pred = pair
        for weights in (None, "linear", "quadratic"):
            a = quiet(cohen_kappa, y_true, y_pred, weights=weights)
            b = quiet(cohen_kappa, y_pred, y_true, weights=weights)
            assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=1e-12)
            assert math.isnan(a) or -1.0 - 1e-12 <= a <= 1.0 + 1e-12

    @given(pairs)
    def test_one_vs_rest_counts_add_up(self, pair):
        per_class = one_vs_rest(*pair, labels=[0, 1, 2, 3])
        n = len(pair[0])
        assert all(cm.n == n for cm in per_class.values())
        assert sum(cm.tp + cm.fn for cm in per_class.values()) == n
        assert sum(cm.tp + cm.fp for cm in per_class.values()) == n

    @given(pairs)
    def test_averages_bounded(self, pair):
        for metric in ("sensitivity", "specificity", "ppv", "npv", "f1"):
            for average in ("macro", "micro", "weighted"):
                value = quiet(multiclass_metric, *pair, metric=metric, average=average)
                assert math.isnan(value) or 0.0 <= value <= 1.0 + 1e-15
