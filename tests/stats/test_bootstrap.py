"""The bootstrap: the same resamples and intervals as scipy.stats.bootstrap, strata, clusters."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy.stats import bootstrap as scipy_bootstrap

from medeval.errors import InvalidInputError, UndefinedMetricWarning
from medeval.stats import BOOTSTRAP_STATISTICS, bootstrap_ci, ece_statistic
from medeval.stats._resampling import make_units
from medeval.stats._statistics import AucStatistic, CallableStatistic, RatioStatistic


def weighted_mean(x, weights):
    return weights @ x / weights.sum(axis=1)


def sensitivity_scipy(t, p, axis=-1):
    return (t & p).sum(axis=axis) / t.sum(axis=axis)


@pytest.fixture
def paired_labels():
    rng = np.random.default_rng(20)
    y_true = rng.random(300) < 0.4
    y_pred = np.where(y_true, rng.random(300) < 0.85, rng.random(300) < 0.1)
    return y_true, y_pred


class TestAgainstScipy:
    # Unstratified, unclustered resamples are drawn exactly as scipy draws them
    # (rng.integers(0, n, (B, n))), so the intervals must agree to rounding.
    @pytest.mark.parametrize("method", ["percentile", "bca"])
    def test_mean_of_integers(self, method):
        x = np.random.default_rng(4).poisson(3.0, 80).astype(float)
        ours = bootstrap_ci(weighted_mean, x, seed=9, method=method, n_resamples=1000)
        ref = scipy_bootstrap(
            (x,), np.mean, method="BCa" if method == "bca" else "percentile",
            n_resamples=1000, rng=np.random.default_rng(9),
        ).confidence_interval
        assert ours.low == pytest.approx(ref.low, abs=1e-12)
        assert ours.high == pytest.approx(ref.high, abs=1e-12)

    @pytest.mark.parametrize("method", ["percentile", "bca"])
    def test_sensitivity_paired(self, paired_labels, method):
        y_true, y_pred = paired_labels
        ours = bootstrap_ci(
            "sensitivity", y_true, y_pred, seed=3, method=method, confidence=0.9
        )
        ref = scipy_bootstrap(
            (y_true, y_pred), sensitivity_scipy, paired=True, vectorized=True,
            method="BCa" if method == "bca" else "percentile", n_resamples=2000,
            confidence_level=0.9, rng=np.random.default_rng(3),
        ).confidence_interval
        assert ours.low == pytest.approx(ref.low, abs=1e-12)
        assert ours.high == pytest.approx(ref.high, abs=1e-12)
        assert ours.method == f"bootstrap-{method}" and ours.n == 300

    @pytest.mark.parametrize("name", ["balanced_accuracy", "youden_j", "f1", "ppv", "npv"])
    def test_composite_statistics_bca(self, paired_labels, name):
        from sklearn.metrics import balanced_accuracy_score, f1_score, precision_score

        def reference(t, p):
            if name == "balanced_accuracy":
                return balanced_accuracy_score(t, p)
            if name == "youden_j":
                return 2 * balanced_accuracy_score(t, p) - 1
            if name == "f1":
                return f1_score(t, p)
            if name == "ppv":
                return precision_score(t, p)
            return precision_score(~t, ~p)

        def rows(t, p, axis=-1):
            if t.ndim == 1:
                return reference(t, p)
            return np.array([reference(a, b) for a, b in zip(t, p)])

        y_true, y_pred = paired_labels
        ours = bootstrap_ci(name, y_true, y_pred, seed=6, method="bca", n_resamples=400)
        ref = scipy_bootstrap(
            (y_true, y_pred), rows, paired=True, vectorized=True, method="BCa",
            n_resamples=400, rng=np.random.default_rng(6),
        ).confidence_interval
        assert ours.value == pytest.approx(reference(y_true, y_pred), abs=1e-12)
        assert ours.low == pytest.approx(ref.low, abs=1e-12)
        assert ours.high == pytest.approx(ref.high, abs=1e-12)

    def test_auc_bca_unstratified(self):
        from sklearn.metrics import roc_auc_score

        rng = np.random.default_rng(8)
        y = rng.integers(0, 2, 120)
        s = np.round(rng.normal(y, 1.0), 1)

        def auc_rows(t, sc, axis=-1):
            return np.array([roc_auc_score(a, b) for a, b in zip(t, sc)]) if t.ndim > 1 \
                else roc_auc_score(t, sc)

        ours = bootstrap_ci("auc", y, s, seed=2, method="bca", n_resamples=300)
        ref = scipy_bootstrap(
            (y, s), auc_rows, paired=True, vectorized=True, method="BCa",
            n_resamples=300, rng=np.random.default_rng(2),
        ).confidence_interval
        assert ours.value == pytest.approx(roc_auc_score(y, s), abs=1e-12)
        assert ours.low == pytest.approx(ref.low, abs=1e-12)
        assert ours.high == pytest.approx(ref.high, abs=1e-12)


class TestAucResamples:
    # auc_ci's and bootstrap_ci's AUC resamples go through one bincount of codes per
    # resample (ResampledAucs); from the same draws, each resample's AUC must be
    # scikit-learn's roc_auc_score on the resampled cases (the indices drawn).
    # (cached: the largest stratum whose codes are kept as intp; 0: all small-typed)
    @pytest.mark.parametrize("cached", [0, 1 << 17])
    @pytest.mark.parametrize("strata", ["class", "none", "other"])
    @pytest.mark.parametrize("decimals", [1, 6])
    def test_each_resample_is_sklearns_auc(self, strata, decimals, cached, monkeypatch):
        from sklearn.metrics import roc_auc_score

        from medeval.stats import _auc_components
        from medeval.stats._resampling import draw_batches

        monkeypatch.setattr(_auc_components, "_CACHED_CODES", cached)
        rng = np.random.default_rng(decimals)
        y = rng.random(160) < 0.3
        s = np.round(rng.normal(y * 0.8, 1.0), decimals)
        groups = {"class": y, "none": None, "other": rng.integers(0, 3, 160)}[strata]
        units = make_units(160, strata=groups, clusters=None, func="test")
        stat = AucStatistic(y, s)
        for draws in draw_batches(units, 40, np.random.default_rng(7)):
            ours = stat.resampled_draws(units, draws)
            for row, value in enumerate(ours):
                cases = np.concatenate([m[d[row]] for m, d in zip(units.strata, draws)])
                if y[cases].all() or not y[cases].any():
                    assert math.isnan(value)
                else:
                    assert value == pytest.approx(roc_auc_score(y[cases], s[cases]),
                                                  abs=1e-12)


    # The bootstrap engine draws the AUC's resamples block by block as it counts them
    # (ResampledAucs.stream): the draws must be draw_batches' to the last value, across
    # batches, strata (of odd sizes, of one case) and blocks.
    @pytest.mark.parametrize("block", [7, 1 << 16])
    @pytest.mark.parametrize("strata", ["class", "none", "other"])
    def test_streamed_draws_are_draw_batches(self, block, strata, monkeypatch):
        from medeval.stats import _auc_components, _resampling
        from medeval.stats._resampling import draw_batches

        monkeypatch.setattr(_auc_components, "_DRAWS", block)
        monkeypatch.setattr(_resampling, "MAX_BATCH_CELLS", 1000)  # several batches
        rng = np.random.default_rng(3)
        y = rng.random(151) < 0.35
        s = np.round(rng.normal(y * 0.8, 1.0), 1)
        groups = {"class": y, "none": None,
                  "other": np.r_[rng.integers(0, 3, 150), 9]}[strata]  # 9: one case
        units = make_units(151, strata=groups, clusters=None, func="test")
        stat = AucStatistic(y, s)
        batched = np.concatenate([stat.resampled_draws(units, d) for d in
                                  draw_batches(units, 45, np.random.default_rng(11))])
        streamed = stat.resampled_stream(units, 45, np.random.default_rng(11))
        np.testing.assert_array_equal(streamed, batched)


class TestResamplingSchemes:
    def test_stratified_keeps_class_sizes(self):
        y = np.array([1] * 7 + [0] * 13)
        seen = []

        def count_positives(t, weights):
            seen.append(weights @ t)
            return weights @ t

        bootstrap_ci(count_positives, y, seed=1, strata=y, n_resamples=200)
        resampled = np.concatenate(seen[1:])  # the first call is the point estimate
        assert resampled.size == 200 and np.all(resampled == 7)

    def test_clusters_move_together(self):
        clusters = np.repeat(np.arange(10), 3)  # ten patients, three cases each
        rows = []

        def record(x, weights):
            rows.append(weights)
            return weights @ x

        bootstrap_ci(record, np.arange(30.0), seed=4, clusters=clusters, n_resamples=100)
        w = np.vstack(rows[1:])
        assert np.all(w.reshape(100, 10, 3) == w.reshape(100, 10, 3)[:, :, :1])
        assert np.all(w.sum(axis=1) == 30)  # ten clusters of three drawn each time

    def test_cluster_across_strata_is_an_error(self):
        with pytest.raises(InvalidInputError, match="cluster spans several strata"):
            bootstrap_ci("sensitivity", [1, 0, 1, 0], [1, 0, 0, 0], seed=0,
                         strata=[1, 0, 1, 0], clusters=[1, 1, 2, 2])

    def test_same_seed_same_bytes(self, paired_labels):
        a = bootstrap_ci("specificity", *paired_labels, seed=123, method="bca")
        b = bootstrap_ci("specificity", *paired_labels, seed=123, method="bca")
        c = bootstrap_ci("specificity", *paired_labels, seed=124, method="bca")
        assert a == b and a != c


class TestClosedFormJackknife:
    # The built-in statistics compute their leave-one-unit-out values in closed form;
    # they must equal the generic path that evaluates each leave-one-out weight row.
    @pytest.mark.parametrize("clustered", [False, True])
    def test_auc(self, clustered):
        rng = np.random.default_rng(5)
        y = rng.random(90) < 0.35
        s = np.round(rng.normal(y, 1), 1)
        units = make_units(90, strata=None, clusters=rng.integers(0, 30, 90) if clustered
                           else None, func="test")
        fast = AucStatistic(y, s)
        slow = CallableStatistic(lambda weights: fast.resampled(weights), (), 90)
        np.testing.assert_allclose(fast.jackknife(units), slow.jackknife(units), atol=1e-12)

    @pytest.mark.parametrize("clustered", [False, True])
    def test_ratio(self, clustered):
        rng = np.random.default_rng(6)
        num, den = rng.integers(0, 2, 50), np.ones(50)
        units = make_units(50, strata=None, clusters=rng.integers(0, 12, 50) if clustered
                           else None, func="test")
        fast = RatioStatistic(num, den)
        slow = CallableStatistic(lambda weights: fast.resampled(weights), (), 50)
        np.testing.assert_allclose(fast.jackknife(units), slow.jackknife(units), atol=1e-12)


class TestEdgeCases:
    def test_undefined_resamples_are_counted(self):
        y = np.array([1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        with pytest.warns(UndefinedMetricWarning, match=r"\d+ of 200 resamples"):
            est = bootstrap_ci("sensitivity", y, y, seed=0, n_resamples=200)
        assert est.value == 1.0

    def test_undefined_on_data(self):
        with pytest.warns(UndefinedMetricWarning, match="undefined"):
            est = bootstrap_ci("sensitivity", [0, 0, 0], [0, 1, 0], seed=0)
        assert math.isnan(est.value) and math.isnan(est.low)

    def test_bca_with_constant_statistic(self):
        y = np.array([1, 1, 1, 0, 0])
        # Sensitivity is 1 on every resample: z0 = Phi^-1(1/2) = 0, a = 0, interval [1, 1].
        est = bootstrap_ci("sensitivity", y, y, seed=0, method="bca", strata=y)
        assert (est.low, est.high) == (1.0, 1.0)

    def test_bca_without_jackknife_is_nan(self):
        y = np.array([1, 0, 0, 0, 0, 0])
        s = np.array([0.9, 0.1, 0.2, 0.3, 0.4, 0.95])
        with pytest.warns(UndefinedMetricWarning, match="BCa is undefined"):
            est = bootstrap_ci("auc", y, s, seed=0, method="bca", strata=y)
        assert math.isnan(est.low)

    @pytest.mark.parametrize(
        ("args", "kwargs", "match"),
        [
            (("median", [1, 0], [1, 0]), {}, "statistic must be one of"),
            (("auc", [1, 0]), {}, "takes two arrays"),
            (("sensitivity", [1, 0], [1, 0]), {"n_resamples": 10}, "n_resamples"),
            (("sensitivity", [1, 0], [1, 0]), {"method": "basic"}, "method"),
            (("sensitivity", [1, 0], [1, 0, 1]), {}, "differ in length"),
            ((weighted_mean, [1.0, 2.0], [1.0]), {}, "differ in length"),
            ((lambda x, weights: x, [1.0, 2.0]), {}, "returned shape"),
            # np.mean has no weights=: said before numpy's own TypeError would be
            ((np.mean, [1.0, 2.0]), {}, r"mean takes no weights= keyword.*shape \(b, n\)"),
            ((lambda x, w: w @ x, [1.0, 2.0]), {}, "takes no weights= keyword"),
            (("sensitivity", [1, 0], [1, 0]), {"strata": [1]}, "strata"),
            (("sensitivity", [1, 0], [1, 0]), {"clusters": [1, 2, 3]}, "clusters"),
        ],
    )
    def test_bad_input(self, args, kwargs, match):
        with pytest.raises(InvalidInputError, match=match):
            bootstrap_ci(*args, seed=0, **kwargs)

    def test_the_weighted_mean_the_message_gives_is_scipys_mean(self):
        # The example in the message for a callable without weights= is the mean: its
        # interval is scipy.stats.bootstrap's of np.mean (same draws, same seed).
        x = np.random.default_rng(3).random(40)
        ours = bootstrap_ci(lambda x, weights: weights @ x / weights.sum(axis=1), x, seed=7)
        theirs = scipy_bootstrap((x,), np.mean, method="percentile", n_resamples=2000,
                                 random_state=np.random.default_rng(7)).confidence_interval
        assert (ours.low, ours.high) == pytest.approx((theirs.low, theirs.high), abs=1e-12)
        # a statistic taking **kwargs is let through
        assert bootstrap_ci(lambda x, **kw: kw["weights"] @ x / kw["weights"].sum(axis=1),
                            x, seed=7).low == ours.low


class TestRankingStatistics:
    def test_average_precision_and_brier_match_sklearn_per_resample(self):
        from sklearn.metrics import average_precision_score, brier_score_loss

        rng = np.random.default_rng(12)
        y = rng.integers(0, 2, 150)
        p = np.round(np.clip(rng.normal(0.3 + 0.4 * y, 0.25), 0, 1), 2)  # ties

        def ap_rows(t, s, axis=-1):
            if t.ndim == 1:
                return average_precision_score(t, s)
            return np.array([average_precision_score(a, b) for a, b in zip(t, s)])

        def brier_rows(t, s, axis=-1):
            return np.mean((s - t) ** 2, axis=axis)

        for name, func in (("average_precision", ap_rows), ("brier_score", brier_rows)):
            ours = bootstrap_ci(name, y, p, seed=1, n_resamples=300, method="bca")
            ref = scipy_bootstrap((y, p), func, paired=True, vectorized=True, method="BCa",
                                  n_resamples=300, rng=np.random.default_rng(1))
            assert ours.low == pytest.approx(ref.confidence_interval.low, abs=1e-12), name
            assert ours.high == pytest.approx(ref.confidence_interval.high, abs=1e-12), name
        assert bootstrap_ci("brier_score", y, p, seed=0).value == pytest.approx(
            brier_score_loss(y, p), abs=1e-15)

    def test_brier_needs_probabilities(self):
        # named as brier_score names it: y_prob and the position, not the range's
        # numpy reprs ("from np.float64(0.2) to np.float64(1.5)", found in the api pass)
        with pytest.raises(InvalidInputError, match=r"^bootstrap_ci: y_prob must be "
                           r"probabilities in \[0, 1\]; outside at position\(s\) 1$"):
            bootstrap_ci("brier_score", [0, 1], [0.2, 1.5], seed=0)
        with pytest.raises(InvalidInputError, match="y_prob must be finite"):
            bootstrap_ci("brier_score", [0, 1], [0.2, float("nan")], seed=0)


class TestNothingToResample:
    """One case, one cluster, or one unit per stratum: every resample is the data itself.
    scipy.stats.bootstrap refuses such data; a zero-width interval would let a guarded
    criterion PASS on no evidence of precision, so medeval makes the interval undefined."""

    def test_one_observation_scipy_refuses_and_the_interval_is_undefined(self):
        with pytest.raises(ValueError, match="two or more observations"):
            scipy_bootstrap((np.array([0.8]),), np.mean, n_resamples=200, random_state=0)
        with pytest.warns(UndefinedMetricWarning, match="every resample is the data itself"):
            est = bootstrap_ci(weighted_mean, [0.8], seed=0)
        assert est.value == 0.8 and math.isnan(est.low) and math.isnan(est.high)

    def test_one_cluster(self):
        # three records of one patient: resampled by patient, there is one unit
        with pytest.warns(UndefinedMetricWarning, match="1 resampling unit"):
            est = bootstrap_ci(weighted_mean, [0.7, 0.8, 0.9], seed=0,
                               clusters=["p1", "p1", "p1"])
        assert est.value == pytest.approx(0.8) and math.isnan(est.low)

    def test_one_unit_in_each_stratum(self):
        with pytest.warns(UndefinedMetricWarning, match="none to vary within any stratum"):
            est = bootstrap_ci("sensitivity", [1, 0], [1, 1], seed=0, strata=[1, 0])
        assert est.value == 1.0 and math.isnan(est.high)

    def test_two_units_are_resampled(self):
        est = bootstrap_ci(weighted_mean, [0.7, 0.9], seed=0)
        assert est.low == pytest.approx(0.7) and est.high == pytest.approx(0.9)

    def test_a_guarded_criterion_on_one_patient_is_inconclusive(self):
        from medeval.decision import decide

        with pytest.warns(UndefinedMetricWarning):
            est = bootstrap_ci(weighted_mean, [0.95, 0.97], seed=0, clusters=["p", "p"])
        assert decide("dice", est, 0.9).outcome == "INCONCLUSIVE"


# The metric behind each named statistic: the bootstrap's value on the data is the
# metric's, to the last bit (each formula is written once, in medeval.metrics).
METRIC_OF = {
    "auc": "roc_auc",
    "sensitivity": "sensitivity",
    "specificity": "specificity",
    "ppv": "ppv",
    "npv": "npv",
    "accuracy": "accuracy",
    "balanced_accuracy": "balanced_accuracy",
    "youden_j": "youden_j",
    "f1": "f1_score",
    "average_precision": "average_precision",
    "brier_score": "brier_score",
}


class TestOneFormulaPerMetric:
    def test_every_named_statistic_has_its_metric(self):
        assert set(METRIC_OF) == set(BOOTSTRAP_STATISTICS)

    @pytest.mark.parametrize("seed", range(8))
    @pytest.mark.parametrize("name", sorted(BOOTSTRAP_STATISTICS))
    def test_the_value_is_the_metric_exactly(self, name, seed):
        import medeval.metrics

        rng = np.random.default_rng(seed)
        n = int(rng.integers(5, 400))
        y_true = rng.random(n) < rng.uniform(0.1, 0.9)
        y_true[:2] = [True, False]  # both classes: every metric defined
        y_pred = np.where(y_true, rng.random(n) < 0.8, rng.random(n) < 0.25)
        y_pred[:2] = [True, False]
        y_prob = np.clip(np.where(y_true, rng.normal(0.65, 0.25, n),
                                  rng.normal(0.35, 0.25, n)), 0, 1).round(int(seed % 3) + 1)
        second = y_pred if BOOTSTRAP_STATISTICS[name].endswith("y_pred") else y_prob
        metric = getattr(medeval.metrics, METRIC_OF[name])(y_true, second)
        estimate = bootstrap_ci(name, y_true, second, seed=seed, n_resamples=100,
                                strata=y_true)
        if name == "average_precision":
            # Its weighted statistic sums recall steps times precision; the metric sums
            # TP steps times precision and divides by P once: the same definition, which
            # may round apart in the last bit.
            assert estimate.value == pytest.approx(metric, rel=4e-16, abs=0)
        else:
            assert estimate.value == metric, (estimate.value, metric)

    def test_youden_j_is_written_as_the_metric_writes_it(self):
        # Se 5/6, Sp 1: Se + Sp - 1 = 0.8333333333333335 in floats, while -1 + Se + Sp (the
        # bootstrap's own formula before) gave 0.8333333333333334. Both now take the rates
        # as the counts give them exactly and round once: J = 5/6, which Python's
        # Fraction(5, 6) rounds to 0.8333333333333334 (the review-stats pass).
        from fractions import Fraction

        from medeval.metrics import youden_j

        y_true = [1, 1, 1, 1, 1, 1, 0, 0]
        y_pred = [1, 1, 1, 1, 1, 0, 0, 0]
        value = bootstrap_ci("youden_j", y_true, y_pred, seed=0, n_resamples=100,
                             strata=y_true).value
        assert value == youden_j(y_true, y_pred) == float(Fraction(5, 6)) != 5 / 6 + 1 - 1


class TestEceStatistic:
    def test_the_bins_of_expected_calibration_error(self):
        from medeval.metrics import expected_calibration_error

        # probabilities on the inner edges (0.3 is the literal 0.3) fall into the bin below
        y = np.array([0, 1, 0, 1, 1, 0, 1, 0, 1, 1], dtype=float)
        p = np.array([0.0, 0.1, 0.2, 0.3, 0.3, 0.5, 0.7, 0.7000001, 0.9, 1.0])
        for n_bins in (1, 2, 3, 10):
            ours = ece_statistic(n_bins)(y, p, weights=np.ones((1, p.size)))[0]
            assert ours == pytest.approx(expected_calibration_error(y, p, n_bins=n_bins),
                                         abs=1e-15)

    def test_weights_are_repeated_cases(self):
        from medeval.metrics import expected_calibration_error

        rng = np.random.default_rng(3)
        y = (rng.random(40) < 0.5).astype(float)
        p = rng.random(40).round(1)
        weights = rng.integers(0, 3, (5, 40)).astype(float)
        values = ece_statistic(4)(y, p, weights=weights)
        for row, value in zip(weights, values):
            repeat = row.astype(int)
            assert value == pytest.approx(expected_calibration_error(
                np.repeat(y, repeat), np.repeat(p, repeat), n_bins=4), abs=1e-12)

    def test_labels_as_the_metric_reads_them(self):
        # y 1,0,1,0,1,0 and p .9,.2,.4,.5,.7,.1 in 5 bins of width 0.2 (by hand):
        # [0, .2]: .2,.1 (y 0,0) gap -.3; (.2, .4]: .4 (y 1) gap .6; (.4, .6]: .5 (y 0)
        # gap -.5; (.6, .8]: .7 (y 1) gap .3; (.8, 1]: .9 (y 1) gap .1 -> 1.8 / 6 = 0.3
        p = [0.9, 0.2, 0.4, 0.5, 0.7, 0.1]
        ones = np.ones((1, 6))
        for y, pos_label in (([1, 0, 1, 0, 1, 0], None), ([1, -1, 1, -1, 1, -1], None),
                             ([True, False] * 3, None), (["m", "b"] * 3, "m"),
                             ([2, 1, 2, 1, 2, 1], 2)):
            value = ece_statistic(5, pos_label=pos_label)(y, p, weights=ones)[0]
            assert value == pytest.approx(0.3, abs=1e-15)

    @pytest.mark.parametrize("y, p, match", [
        ([2, 1, 2, 1], [0.9, 0.2, 0.4, 0.5], "labels \\[1, 2\\].*pos_label"),  # read as 0/1
        (["m", "b", "m", "b"], [0.9, 0.2, 0.4, 0.5], "pos_label"),  # numpy's UFuncTypeError
        ([1, 0, 1, 0], [2.2, -1.4, 0.4, 0.5], "y_prob must be probabilities"),  # logits
        ([1, 0, 1, 0], [np.nan, 0.2, 0.4, 0.5], "y_prob must be finite"),
        ([0.9, 0.2, 0.4, 0.5], [1, 0, 1, 0], "y_true must be binary"),  # swapped
    ])
    def test_refuses_what_expected_calibration_error_refuses(self, y, p, match):
        # up to 0.11.0 the first gave an ECE of 1.03 (above 1) and the logits 1.18
        with pytest.raises(InvalidInputError, match="ece_statistic: .*" + match):
            bootstrap_ci(ece_statistic(5), y, p, seed=0, n_resamples=100)

    def test_refuses_one_array(self):
        with pytest.raises(InvalidInputError, match="ece_statistic: takes two arrays"):
            bootstrap_ci(ece_statistic(5), [0.9, 0.2, 0.4], seed=0, n_resamples=100)

    @pytest.mark.parametrize("n_bins", [0, -1, 2.5, True])
    def test_bad_bins(self, n_bins):
        with pytest.raises(InvalidInputError, match="ece_statistic: n_bins"):
            ece_statistic(n_bins)


def _pooled(counts, weights):
    """The pooled ratio of the two columns of ``counts`` under frequency weights: a user's
    callable statistic, as bootstrap_ci evaluates it (the ECG task's path before
    pooled_ratio_cis)."""
    num, den = weights @ counts[:, 0], weights @ counts[:, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / den, np.nan)


# what a resample it is undefined on lacks: pooled_ratio_cis's note says it too
_pooled.left_out_reason = "the pooled denominator is 0"  # type: ignore[attr-defined]


def _as_tuple(estimate):
    return (estimate.value, estimate.low, estimate.high, estimate.method, estimate.n,
            estimate.confidence, estimate.note)


@pytest.fixture
def record_counts():
    """300 records' counts of four statistics: a common one, one with many records
    without a denominator, one whose denominator only 3 records hold (some resamples
    undefined), and one whose pooled denominator is 0."""
    rng = np.random.default_rng(17)
    den = np.column_stack([rng.integers(200, 900, 300), rng.integers(0, 30, 300),
                           np.zeros(300, int), np.zeros(300, int)])
    den[::3, 1] = 0
    den[[5, 120, 250], 2] = [40, 2, 17]
    num = rng.binomial(den, [0.97, 0.8, 0.6, 0.5])
    return num, den


class TestSeveralStatisticsOnOneSetOfResamples:
    """pooled_ratio_cis draws each resample once and evaluates every ratio on it: each
    interval must be, to the last bit, bootstrap_ci's of that ratio alone (a callable
    on its own draws from the same seed), note and warning included, and scipy's."""

    @pytest.mark.parametrize("method", ["percentile", "bca"])
    @pytest.mark.parametrize("design", ["plain", "clusters", "strata", "both"])
    def test_each_interval_is_the_single_runs(self, record_counts, method, design):
        from medeval.stats import pooled_ratio_cis

        num, den = record_counts
        patients = np.repeat(np.arange(100), 3)
        site = (patients % 4 == 0).astype(int)  # whole patients in each stratum
        kwargs = dict(seed=23, method=method, n_resamples=1000, confidence=0.9,
                      clusters=patients if design in ("clusters", "both") else None,
                      strata=site if design in ("strata", "both") else None)
        with pytest.warns(UndefinedMetricWarning) as together:
            several = pooled_ratio_cis(num, den, **kwargs)
        single, alone = [], []
        for j in range(num.shape[1]):
            counts = np.column_stack([num[:, j], den[:, j]]).astype(float)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                single.append(bootstrap_ci(_pooled, counts, **kwargs))
            alone += [str(w.message) for w in caught]
        for j, (ours, ref) in enumerate(zip(several, single)):
            if j == 3:  # 0/0 on the data: NaN, and its reason
                assert math.isnan(ours.value) and math.isnan(ours.low)
                assert ours.note == ("bootstrap_ci: the statistic is undefined (NaN) on the "
                                     "data: the pooled denominator is 0")
                continue
            np.testing.assert_array_equal(_as_tuple(ours)[:3], _as_tuple(ref)[:3])
            assert _as_tuple(ours)[3:] == _as_tuple(ref)[3:], j
        assert "resamples gave an undefined value" in several[2].note
        messages = [str(w.message) for w in together]
        # the same warnings, in the order of the columns; column 3's says why it is 0/0
        assert messages[:-1] == alone[:-1] and messages[-1] == several[3].note

    @pytest.mark.parametrize("method", ["percentile", "bca"])
    def test_the_intervals_of_scipy(self, record_counts, method):
        from medeval.stats import pooled_ratio_cis

        num, den = record_counts

        def pooled(a, d, axis=-1):
            return a.sum(axis=axis) / d.sum(axis=axis)

        ours = pooled_ratio_cis(num[:, :2], den[:, :2], seed=5, method=method,
                                n_resamples=1500)
        for j in range(2):
            ref = scipy_bootstrap(
                (num[:, j].astype(float), den[:, j].astype(float)), pooled, paired=True,
                vectorized=True, method="BCa" if method == "bca" else "percentile",
                n_resamples=1500, rng=np.random.default_rng(5)).confidence_interval
            assert ours[j].value == num[:, j].sum() / den[:, j].sum()
            assert ours[j].low == pytest.approx(ref.low, abs=1e-12)
            assert ours[j].high == pytest.approx(ref.high, abs=1e-12)

    @pytest.mark.parametrize("clustered", [False, True])
    def test_statistics_of_every_kind_together(self, clustered):
        # An AUC (alone it streams its draws), a ratio, a callable, average precision and
        # a ratio of counts, each on the shared draws: bit for bit their single runs.
        from medeval.stats._bootstrap_engine import run_bootstrap, run_bootstraps
        from medeval.stats._statistics import AveragePrecisionStatistic, CountRatioStatistic

        rng = np.random.default_rng(2)
        y = rng.random(120) < 0.4
        s = np.round(rng.normal(y * 0.9, 1.0), 1)
        x = rng.poisson(3.0, 120).astype(float)

        def build():
            return [AucStatistic(y, s), RatioStatistic(y & (s > 0.5), y),
                    CallableStatistic(weighted_mean, (x,), 120),
                    AveragePrecisionStatistic(y, s), CountRatioStatistic(x, x + y)]

        for method in ("percentile", "bca"):
            units = make_units(120, strata=None, func="test",
                               clusters=rng.integers(0, 40, 120) if clustered else None)
            options = dict(seed=8, method=method, alpha=0.05, n_resamples=300,
                           confidence=0.95)
            together = run_bootstraps(build(), units, **options)
            alone = [run_bootstrap(stat, units, **options) for stat in build()]
            assert together == tuple(alone)

    def test_nothing_to_resample_is_said_of_each(self):
        from medeval.stats import pooled_ratio_cis

        with pytest.warns(UndefinedMetricWarning, match="1 resampling unit") as caught:
            est = pooled_ratio_cis([[9, 1], [8, 2]], [[10, 2], [10, 2]], seed=0,
                                   clusters=["p", "p"])
        assert len(caught) == 2 and all(math.isnan(e.low) for e in est)
        assert [e.value for e in est] == [17 / 20, 3 / 4]

    @pytest.mark.parametrize(
        ("num", "den", "match"),
        [([[1.5], [2]], [[2], [3]], "whole numbers"),
         ([[1], [2]], [[2], [3], [4]], "one shape"),
         ([1, 2], [2, 3], "numerators must be two-dimensional"),
         ([[1], [-2]], [[2], [3]], "whole numbers >= 0"),
         ([[1], [np.nan]], [[2], [3]], "finite"),
         ([[2**53], [0]], [[1], [1]], "too large"),  # the value's sum
         ([[2**52], [1]], [[2**52], [1]], "too large")],  # 2 units x 2**52 in a resample
    )
    def test_bad_counts(self, num, den, match):
        from medeval.stats import pooled_ratio_cis

        with pytest.raises(InvalidInputError, match=f"pooled_ratio_cis: .*{match}"):
            pooled_ratio_cis(num, den, seed=0)

    def test_a_fractional_count_is_named_by_its_place(self):
        from medeval.stats import pooled_ratio_cis

        # the second record's denominator of the first statistic is 3.25
        with pytest.raises(InvalidInputError, match=r"the denominators must be whole "
                           r"numbers >= 0 \(counts\); row 1, column 0 holds 3.25"):
            pooled_ratio_cis([[1, 0], [2, 1]], [[2, 1], [3.25, 1]], seed=0)


class TestDraws:
    @pytest.mark.parametrize("sizes", [(1, 2), (7,), (3, 1 << 16 | 1, 5)])
    def test_the_draws_are_rng_integers(self, sizes, monkeypatch):
        # Drawn as uint32 (faster), the values must be those of rng.integers(0, size,
        # (b, size)) in its default int64, stratum after stratum, batch after batch,
        # and the generator left where that leaves it.
        from medeval.stats import _resampling
        from medeval.stats._resampling import draw_batches

        monkeypatch.setattr(_resampling, "MAX_BATCH_CELLS", 70_000)  # several batches
        strata = np.repeat(np.arange(len(sizes)), sizes)
        units = make_units(strata.size, strata=strata, clusters=None, func="test")
        ours, ref = np.random.default_rng(9), np.random.default_rng(9)
        batches = list(draw_batches(units, 23, ours))
        assert len(batches) > 1 or strata.size < 3000
        for draws in batches:
            for size, drawn in zip(sizes, draws):
                np.testing.assert_array_equal(
                    drawn, ref.integers(0, size, (drawn.shape[0], size)))
        assert ours.integers(0, 1 << 40) == ref.integers(0, 1 << 40)

    @pytest.mark.parametrize("clustered", [False, True])
    def test_weights_count_the_draws(self, clustered):
        from medeval.stats._resampling import draw_batches, draws_to_weights

        rng = np.random.default_rng(1)
        units = make_units(90, strata=rng.integers(0, 3, 90) if not clustered else None,
                           clusters=rng.integers(0, 25, 90) if clustered else None,
                           func="test")
        for draws in draw_batches(units, 50, np.random.default_rng(4)):
            weights = draws_to_weights(units, draws)
            for row in range(draws[0].shape[0]):  # each resample's units, counted alone
                drawn = np.concatenate([m[d[row]] for m, d in zip(units.strata, draws)])
                count = np.bincount(drawn, minlength=units.n_units).astype(float)
                expected = count if units.unit_of is None else count[units.unit_of]
                np.testing.assert_array_equal(weights[row], expected)


class TestLeftOutNote:
    """The note on resamples left out says what applies to the statistic at hand: a
    stratification only where it keeps the statistic's denominator above 0 (the
    reference class for sensitivity, the AUC; the predicted class for PPV); for a COCO
    figure by object size, a pooled ratio or a user's statistic, that the interval rests
    on the resamples where it is defined. Before, every one said "stratify (e.g. by
    class) to avoid this", also where no class applies (coco_ap_large).

    The count is checked against the draws themselves: without strata and clusters the
    resamples are ``default_rng(seed).integers(0, n, (B, n))`` (scipy.stats.bootstrap's),
    and the statistic is undefined exactly on the rows that miss case (image) 0."""

    Y = [1] + [0] * 9

    @staticmethod
    def _missing_case_0(n: int, seed: int = 1, b: int = 200) -> int:
        draws = np.random.default_rng(seed).integers(0, n, (b, n))
        return int((~(draws == 0).any(axis=1)).sum())

    def _note(self, *args, **kwargs) -> str | None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndefinedMetricWarning)
            return bootstrap_ci(*args, seed=1, n_resamples=200, **kwargs).note

    @pytest.mark.parametrize(("statistic", "second", "strata", "reason"), [
        ("sensitivity", Y, "y_true", "there is no positive case in y_true"),
        ("auc", [i / 10 for i in range(10)], "y_true", "there is no negative case"),
        ("ppv", Y, "y_pred", "no case is predicted positive"),
    ])
    def test_a_class_statistic_is_told_its_stratification(self, statistic, second, strata,
                                                          reason):
        note = self._note(statistic, self.Y, second)
        k = self._missing_case_0(10)
        assert note is not None and note.startswith(
            f"bootstrap_ci: {k} of 200 resamples gave an undefined value and were left out:"
            " on each, ")
        kind = "reference" if strata == "y_true" else "predicted"
        assert reason in note
        assert note.endswith(f"; stratify by the {kind} class (strata={strata}) to avoid this")
        # and the advice holds: so stratified, nothing is left out
        by = self.Y if strata == "y_true" else second
        assert self._note(statistic, self.Y, second, strata=by) is None

    def test_with_patients_no_stratification_is_advised(self):
        note = self._note("sensitivity", self.Y, self.Y, clusters=[i // 2 for i in range(10)])
        assert note is not None and "stratify" not in note
        assert note.endswith("; the interval rests on the resamples where the statistic is "
                             "defined")

    def test_coco_ap_large_names_the_large_object_not_a_class(self):
        from medeval.metrics import coco_ap_ci, coco_detection

        # five images, image 1 holding the only large (200 x 200 px) object, found
        gt = {"images": [{"id": i, "width": 500, "height": 500} for i in range(1, 6)],
              "categories": [{"id": 1}],
              "annotations": [{"id": i, "image_id": i, "category_id": 1, "iscrowd": 0,
                               "area": float(s * s), "bbox": [0, 0, s, s]}
                              for i, s in zip(range(1, 6), (200, 10, 10, 10, 10))]}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndefinedMetricWarning)  # no medium object
            result = coco_detection(gt, [{"image_id": 1, "category_id": 1,
                                          "bbox": [0, 0, 200, 200], "score": 0.9}])
        with pytest.warns(UndefinedMetricWarning) as caught:
            e = coco_ap_ci(result, seed=1, summary="ap_large", n_resamples=200)
        k = self._missing_case_0(5)
        assert e.note == (
            f"bootstrap_ci: {k} of 200 resamples gave an undefined value and were left out: "
            "on each, there is no reference object (not crowd) of area >= 96² px; the "
            "interval rests on the resamples where the statistic is defined")
        assert [str(w.message) for w in caught] == [e.note]
        # image 1 found whenever drawn: AP 1 (101-point sums: 1 - 2e-16)
        assert (e.value, e.low, e.high) == pytest.approx((1.0, 1.0, 1.0), abs=1e-12)

    def test_a_users_statistic_gets_no_advice(self):
        def mean_if_any(x, weights):
            hits = weights @ x
            return np.where(hits > 0, hits / weights.sum(axis=1), np.nan)

        note = self._note(mean_if_any, np.array([1.0] + [0.0] * 9))
        k = self._missing_case_0(10)
        assert note == (f"bootstrap_ci: {k} of 200 resamples gave an undefined value and were "
                        "left out; the interval rests on the resamples where the statistic "
                        "is defined")
