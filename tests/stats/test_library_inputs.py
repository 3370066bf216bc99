"""The statistics called as a data scientist calls them: pandas columns from two
tables, a seed or a number of resamples of the wrong kind, correctness columns that are
labels. Each is refused with medeval's error naming the argument, never paired wrongly
or left to numpy's own exception; the figures on the same data passed right are the
peers' (scikit-learn, statsmodels, scipy)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.proportion import proportion_confint

from medeval.errors import InvalidInputError
from medeval.stats import (
    auc_ci,
    bootstrap_ci,
    delong_test,
    mcnemar_test,
    noninferiority_test,
    pooled_ratio_cis,
    proportion_ci_clustered,
)


def _two_tables(n: int = 50, seed: int = 11):
    """The same cases in a reference and a prediction table of another row order."""
    rng = np.random.default_rng(seed)
    ids = [f"p{i:02d}" for i in range(n)]
    label = rng.integers(0, 2, n)
    a = label + rng.normal(0, 1, n)
    b = label + rng.normal(0, 1.5, n)
    ref = pd.DataFrame({"label": label, "patient": [i // 2 for i in range(n)]}, index=ids)
    order = rng.permutation(n)
    pred = pd.DataFrame({"a": a, "b": b}, index=ids).iloc[order]
    return ref, pred


class TestPandasIndexes:
    def test_auc_ci_refuses_misordered_series_and_is_sklearn_aligned(self):
        ref, pred = _two_tables()
        with pytest.raises(InvalidInputError, match="auc_ci: y_true and y_score .*different"):
            auc_ci(ref["label"], pred["a"])
        aligned = pred["a"].reindex(ref.index)
        assert auc_ci(ref["label"], aligned).value == pytest.approx(
            roc_auc_score(ref["label"].to_numpy(), aligned.to_numpy()), abs=1e-15)

    def test_delong_test_refuses_a_misordered_score(self):
        ref, pred = _two_tables()
        b = pred["b"].reindex(ref.index)
        with pytest.raises(InvalidInputError, match="y_true and y_score_a"):
            delong_test(ref["label"], pred["a"], b)

    def test_clusters_of_another_order_are_refused(self):
        ref, pred = _two_tables()
        patients = ref["patient"].iloc[::-1]
        with pytest.raises(InvalidInputError, match="y_true and clusters"):
            auc_ci(ref["label"], pred["a"].reindex(ref.index), method="obuchowski",
                   clusters=patients)
        correct = (pred["a"].reindex(ref.index) > 0.5) == ref["label"].astype(bool)
        with pytest.raises(InvalidInputError, match="successes and clusters"):
            proportion_ci_clustered(correct, patients)
        # aligned, with one case per patient, the interval is statsmodels' Wilson
        singles = pd.Series(range(len(ref)), index=ref.index)
        est = proportion_ci_clustered(correct, singles)
        low, high = proportion_confint(int(correct.sum()), len(correct), method="wilson")
        assert (est.low, est.high) == pytest.approx((low, high), abs=1e-12)

    def test_bootstrap_ci_refuses_misordered_arrays(self):
        # a named statistic's arrays by the names its signature gives them (found in the
        # api pass: "arrays[0] and clusters" for bootstrap_ci("auc", y_true, ...)); a
        # callable's by position
        ref, pred = _two_tables()
        with pytest.raises(InvalidInputError, match=r"bootstrap_ci: y_true and y_score "):
            bootstrap_ci("auc", ref["label"], pred["a"], seed=1)
        with pytest.raises(InvalidInputError, match=r"bootstrap_ci: y_true and clusters "):
            bootstrap_ci("sensitivity", ref["label"], ref["label"], seed=1,
                         clusters=ref["patient"].iloc[::-1])
        with pytest.raises(InvalidInputError, match=r"arrays\[0\] and arrays\[1\]"):
            bootstrap_ci(lambda x, y, weights: weights @ (x - y) / weights.sum(axis=1),
                         ref["label"], pred["a"], seed=1)
        with pytest.raises(InvalidInputError, match="numerators and denominators"):
            pooled_ratio_cis(ref[["label"]], pred[["a"]].abs().round(), seed=1)

    @pytest.mark.parametrize("test", [mcnemar_test,
                                      lambda a, b: noninferiority_test(a, b, margin=0.1)])
    def test_paired_correctness_of_two_tables_is_refused(self, test):
        ref, pred = _two_tables()
        right_a = (ref["label"] == 1) == (pred["a"].reindex(ref.index) > 0.5)
        right_b = ((ref["label"] == 1) == (pred["b"].reindex(ref.index) > 0.5)).sample(
            frac=1, random_state=0)
        with pytest.raises(InvalidInputError, match="correct_a and correct_b"):
            test(right_a, right_b)

    def test_mcnemar_aligned_is_statsmodels(self):
        ref, pred = _two_tables()
        right_a = (ref["label"] == 1) == (pred["a"].reindex(ref.index) > 0.5)
        right_b = (ref["label"] == 1) == (pred["b"].reindex(ref.index) > 0.5)
        table = pd.crosstab(right_a, right_b).reindex(index=[True, False],
                                                      columns=[True, False], fill_value=0)
        assert mcnemar_test(right_a, right_b).p_value == pytest.approx(
            mcnemar(table.to_numpy(), exact=True).pvalue, abs=1e-12)


class TestCorrectnessColumns:
    """mcnemar_test and noninferiority_test take per-case correctness (booleans or 0/1);
    they have no pos_label, so their messages must not ask for one."""

    @pytest.mark.parametrize("values", [["y", "n", "y", "y"], [0.0, 0.9, 1.0, 0.2],
                                        [1, 2, 2, 1]])
    def test_labels_are_refused_naming_correct_a(self, values):
        with pytest.raises(InvalidInputError) as caught:
            mcnemar_test(values, [1, 0, 1, 1])
        message = str(caught.value)
        assert "correct_a" in message and "pos_label" not in message
        with pytest.raises(InvalidInputError, match="correct_b") as caught:
            noninferiority_test([1, 0, 1, 1], values, margin=0.1)
        assert "pos_label" not in str(caught.value)

    def test_zero_one_and_booleans_give_statsmodels_p(self):
        a = [1, 1, 0, 1, 0, 1, 1, 1, 0, 1]
        b = [1, 0, 0, 0, 1, 0, 1, 0, 0, 1]
        # both correct 3, A only 4, B only 1, neither 2
        expected = mcnemar([[3, 4], [1, 2]], exact=True).pvalue
        assert mcnemar_test(a, b).p_value == pytest.approx(expected, abs=1e-12)
        assert mcnemar_test(np.array(a, bool), np.array(b, bool)).p_value == pytest.approx(
            expected, abs=1e-12)


class TestResamplingOptions:
    Y = [0, 0, 1, 1, 0, 1, 0, 1, 1, 0]
    S = [0.1, 0.4, 0.35, 0.8, 0.2, 0.9, 0.5, 0.7, 0.3, 0.6]

    @pytest.mark.parametrize("seed", [1.5, -1, "7", None])
    def test_a_seed_numpy_cannot_take_is_medevals_error(self, seed):
        with pytest.raises(InvalidInputError, match="bootstrap_ci: .*seed"):
            bootstrap_ci("auc", self.Y, self.S, seed=seed)
        with pytest.raises(InvalidInputError, match="auc_ci: .*seed"):
            auc_ci(self.Y, self.S, method="bootstrap", seed=seed)

    @pytest.mark.parametrize("n_resamples", [0, -5, 50, 99.5, float("nan")])
    def test_auc_ci_takes_bootstrap_cis_number_of_resamples(self, n_resamples):
        # before: 0 and -5 raised numpy's ValueError, 50 ran (bootstrap_ci refuses it)
        with pytest.raises(InvalidInputError, match="auc_ci: n_resamples must be an integer"):
            auc_ci(self.Y, self.S, method="bootstrap", seed=1, n_resamples=n_resamples)
        with pytest.raises(InvalidInputError,
                           match="bootstrap_ci: n_resamples must be an integer"):
            bootstrap_ci("auc", self.Y, self.S, seed=1, n_resamples=n_resamples)

    def test_a_generator_and_100_resamples_are_accepted(self):
        est = auc_ci(self.Y, self.S, method="bootstrap", seed=np.random.default_rng(1),
                     n_resamples=100)
        assert est.value == pytest.approx(roc_auc_score(self.Y, self.S), abs=1e-15)
        assert est.low <= est.value <= est.high


class TestPooledRatioCounts:
    def test_one_column_of_counts_names_the_shape_wanted(self):
        with pytest.raises(InvalidInputError, match="numerators must be two-dimensional.*np.c_"):
            pooled_ratio_cis([9, 18, 5], [10, 20, 5], seed=0)

    def test_negative_counts_are_refused(self):
        with pytest.raises(InvalidInputError, match="numerators must be whole numbers >= 0"):
            pooled_ratio_cis([[-1], [18], [5]], [[10], [20], [5]], seed=0)
        with pytest.raises(InvalidInputError, match="denominators must be whole numbers >= 0"):
            pooled_ratio_cis([[1], [18], [5]], [[10], [-20], [5]], seed=0)

    def test_one_column_as_c_is_the_pooled_ratio(self):
        # 32 / 35 by hand
        (est,) = pooled_ratio_cis(np.c_[[9, 18, 5]], np.c_[[10, 20, 5]], seed=0,
                                  n_resamples=200)
        assert est.value == pytest.approx(32 / 35, abs=1e-15)



def test_patient_ids_as_a_pandas_index_are_data_not_row_labels():
    # df.set_index("patient").index is the patients, one per case: no row labels to
    # compare with y_true's, so it is read by position (here: one case per patient,
    # the interval statsmodels' Wilson)
    ref, pred = _two_tables()
    correct = ((pred["a"].reindex(ref.index) > 0.5) == ref["label"].astype(bool)).astype(int)
    patients = pd.Index([f"patient {i}" for i in range(len(ref))])
    est = proportion_ci_clustered(correct, patients)
    low, high = proportion_confint(int(correct.sum()), len(correct), method="wilson")
    assert (est.low, est.high) == pytest.approx((low, high), abs=1e-12)


def test_ragged_and_text_counts_are_medevals_errors():
    # before: numpy's ValueError ("inhomogeneous shape", "could not convert string")
    with pytest.raises(InvalidInputError, match="numerators cannot be read as numbers"):
        pooled_ratio_cis([[1, 2], [3]], [[2, 2], [3, 3]], seed=0)
    with pytest.raises(InvalidInputError, match="denominators cannot be read as numbers"):
        pooled_ratio_cis([[1], [2]], [["x"], [3]], seed=0)
    with pytest.raises(InvalidInputError, match="cannot be read as an array"):
        auc_ci([[0, 1], [1]], [0.2, 0.8])
    with pytest.raises(InvalidInputError, match=r"arrays\[0\] cannot be read"):
        bootstrap_ci(lambda x, weights: weights @ x / weights.sum(axis=1), [[1.0], [2.0, 3.0]],
                     seed=0)


def test_ragged_strata_and_clusters_are_medevals_errors():
    y, s = [0, 1, 0, 1], [0.1, 0.9, 0.4, 0.6]
    with pytest.raises(InvalidInputError, match="strata cannot be read"):
        bootstrap_ci("auc", y, s, seed=0, strata=[[0, 1], [0]])
    with pytest.raises(InvalidInputError, match="clusters cannot be read"):
        bootstrap_ci("auc", y, s, seed=0, clusters=[[0, 1], [0]])


class TestBootstrapLabelPairsAsTheMetric:
    """The named statistics of the confusion matrix read their two label arrays as the
    metric does: up to 0.11.0 each array was read alone, so a third label in y_pred was
    counted negative (sensitivity 1.0 below) where the metric refuses it."""

    @pytest.mark.parametrize("y_true, y_pred, pos_label", [
        (["p", "n", "p", "n"], ["p", "x", "p", "x"], "p"),  # 'x': a typo of 'n'
        ([0, 1, 1, 0], [-1, 1, -1, 1], None),  # 0/1 against -1/1: three labels
        (["1", "0", "1", "0"], [1, 0, 1, 0], "1"),  # text against numbers
    ])
    def test_refused_as_the_metric_refuses(self, y_true, y_pred, pos_label):
        from medeval.metrics import sensitivity

        with pytest.raises(InvalidInputError) as metric:
            sensitivity(y_true, y_pred, pos_label=pos_label)
        with pytest.raises(InvalidInputError) as boot:
            bootstrap_ci("sensitivity", y_true, y_pred, seed=0, n_resamples=100,
                         pos_label=pos_label)
        assert str(boot.value).removeprefix("bootstrap_ci: ") == \
            str(metric.value).removeprefix("sensitivity: ")

    def test_accuracy_of_text_labels_needs_no_pos_label(self):
        # as metrics.accuracy: agreement does not depend on which label is positive;
        # y_true a b a b a b, y_pred a a b b a b agree on 4 of 6 (by hand)
        est = bootstrap_ci("accuracy", list("ababab"), list("aabbab"), seed=0,
                           n_resamples=100)
        assert est.value == 4 / 6
