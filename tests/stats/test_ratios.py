"""Likelihood ratio intervals (log method, Simel et al. 1991), worked by hand."""

from __future__ import annotations

import math

import pytest

from medeval.errors import InvalidInputError, UndefinedMetricWarning
from medeval.stats.ratios import likelihood_ratio_ci


def test_positive_by_hand():
    # TP 90, FN 10, FP 20, TN 80: Se 0.9, Sp 0.8, LR+ = 0.9 / 0.2 = 4.5.
    # SE(ln LR+) = sqrt(1/90 - 1/100 + 1/20 - 1/100) = sqrt(0.0411111) = 0.2027588;
    # ln 4.5 = 1.5040774; 1.959964 * 0.2027588 = 0.3973999;
    # exp(1.1066775) = 3.0243, exp(1.9014773) = 6.6958.
    e = likelihood_ratio_ci(90, 10, 20, 80, which="positive")
    assert e.value == pytest.approx(4.5, abs=1e-12)
    assert e.low == pytest.approx(3.0243, abs=1e-4)
    assert e.high == pytest.approx(6.6958, abs=1e-4)
    assert (e.method, e.n) == ("log", 200)


def test_negative_by_hand():
    # LR- = 0.1 / 0.8 = 0.125; SE = sqrt(1/10 - 1/100 + 1/80 - 1/100) = sqrt(0.0925)
    # = 0.3041381; 1.959964 * 0.3041381 = 0.5960998; ln 0.125 = -2.0794415;
    # exp(-2.6755413) = 0.06886, exp(-1.4833417) = 0.22688.
    e = likelihood_ratio_ci(90, 10, 20, 80, which="negative", confidence=0.95)
    assert e.value == pytest.approx(0.125, abs=1e-12)
    assert e.low == pytest.approx(0.06886, abs=1e-5)
    assert e.high == pytest.approx(0.22688, abs=1e-5)


@pytest.mark.parametrize(("counts", "which"), [((5, 5, 0, 10), "positive"),
                                               ((10, 2, 3, 0), "negative"),
                                               ((0, 0, 3, 10), "positive"),
                                               ((0, 5, 0, 10), "positive")])
def test_an_infinite_or_0_over_0_ratio_is_undefined(counts, which):
    # the denominator count (FP for LR+, TN for LR-) is 0, or a class is missing: the
    # metric gives NaN too (likelihood_ratios), and so does the interval
    with pytest.warns(UndefinedMetricWarning, match="undefined"):
        e = likelihood_ratio_ci(*counts, which=which)
    assert math.isnan(e.value) and math.isnan(e.low) and math.isnan(e.high)


class TestZeroNumerator:
    """LR- with FN = 0 (or LR+ with TP = 0) and specificity > 0: the ratio is 0, as the
    metric gives; the log (Katz) interval is [0, NaN], as scipy's relative_risk (epitools'
    convention) gives for the same interval. Before, value and bounds were NaN."""

    @pytest.mark.parametrize(("counts", "which"), [((10, 0, 3, 10), "negative"),
                                                   ((0, 5, 3, 7), "positive")])
    def test_the_ratio_is_zero_with_a_lower_bound_of_zero(self, counts, which):
        from scipy.stats.contingency import relative_risk

        from medeval.metrics import ConfusionMatrix

        tp, fn, fp, tn = counts
        with pytest.warns(UndefinedMetricWarning, match="no upper bound"):
            e = likelihood_ratio_ci(*counts, which=which)
        # LR- = P(test - | diseased) / P(test - | healthy) = relative risk of a negative
        # result; LR+ that of a positive result
        cases = (fn, tn) if which == "negative" else (tp, fp)
        rr = relative_risk(cases[0], tp + fn, cases[1], fp + tn)
        ci = rr.confidence_interval(0.95)
        assert (e.value, e.low) == (rr.relative_risk, ci.low) == (0.0, 0.0)
        assert math.isnan(e.high) and math.isnan(ci.high)
        assert e.note is not None and "[0, NaN]" in e.note
        # and the metric of the same table agrees on the point estimate
        lrs = ConfusionMatrix(tp=tp, fp=fp, fn=fn, tn=tn).likelihood_ratios()
        assert getattr(lrs, which) == 0.0

    def test_the_decision_on_it_is_inconclusive(self):
        from medeval.decision import decide

        with pytest.warns(UndefinedMetricWarning):
            e = likelihood_ratio_ci(10, 0, 3, 10, which="negative")
        assert decide("lr_negative", e, 0.2, higher_is_better=False).outcome == "INCONCLUSIVE"


@pytest.mark.parametrize("counts", [(90, 10, 20, 80), (3, 1, 1, 7), (40, 10, 15, 35)])
def test_log_interval_equals_scipys_katz_interval(counts):
    from scipy.stats.contingency import relative_risk

    tp, fn, fp, tn = counts
    for which, a, b in (("positive", tp, fp), ("negative", fn, tn)):
        e = likelihood_ratio_ci(*counts, which=which, confidence=0.9)
        rr = relative_risk(a, tp + fn, b, fp + tn)
        ci = rr.confidence_interval(0.9)
        assert (e.value, e.low, e.high) == pytest.approx(
            (rr.relative_risk, ci.low, ci.high), rel=1e-12)


@pytest.mark.parametrize(("args", "kwargs", "match"), [
    ((1, 2, 3, -1), {"which": "positive"}, "tn must be a count"),
    ((1, 2.5, 3, 1), {"which": "positive"}, "fn must be a count"),
    ((1, 2, 3, 1), {"which": "both"}, "which"),
    ((1, 2, 3, 1), {"which": "positive", "confidence": 1.0}, "confidence"),
])
def test_bad_input(args, kwargs, match):
    with pytest.raises(InvalidInputError, match=match):
        likelihood_ratio_ci(*args, **kwargs)


class TestConfusionMatrixInput:
    """likelihood_ratio_ci's counts are (tp, fn, fp, tn); a ConfusionMatrix is
    (tp, fp, fn, tn). Passing the matrix itself avoids the order (before: TypeError)."""

    def test_a_confusion_matrix_gives_the_hand_worked_interval(self):
        from medeval.metrics import ConfusionMatrix

        cm = ConfusionMatrix(tp=40, fp=15, fn=10, tn=35)
        # LR+ = (40/50) / (15/50) = 8/3; SE(ln) = sqrt(1/40 - 1/50 + 1/15 - 1/50)
        se = math.sqrt(1 / 40 - 1 / 50 + 1 / 15 - 1 / 50)
        z = 1.959963984540054  # scipy.stats.norm.ppf(0.975)
        est = likelihood_ratio_ci(cm, which="positive")
        assert est.value == pytest.approx(8 / 3, abs=1e-12)
        assert (est.low, est.high) == pytest.approx(
            (8 / 3 * math.exp(-z * se), 8 / 3 * math.exp(z * se)), abs=1e-12)
        # LR- = (10/50) / (35/50) = 2/7, as the metric of the same matrix
        assert likelihood_ratio_ci(cm, which="negative").value == pytest.approx(
            2 / 7, abs=1e-12)
        assert cm.likelihood_ratios().negative == pytest.approx(2 / 7, abs=1e-12)

    @pytest.mark.parametrize("counts", [(math.nan, 1, 1, 1), (None, 1, 1, 1), (True, 1, 1, 1)])
    def test_counts_numpy_would_fail_on_are_medevals_error(self, counts):
        # before: int(nan) raised ValueError, int(None) TypeError, True counted as 1
        with pytest.raises(InvalidInputError, match="tp must be a count"):
            likelihood_ratio_ci(*counts, which="positive")

    def test_a_matrix_with_counts_beside_it_is_refused(self):
        from medeval.metrics import ConfusionMatrix

        with pytest.raises(InvalidInputError, match="ConfusionMatrix alone"):
            likelihood_ratio_ci(ConfusionMatrix(1, 1, 1, 1), 1, which="positive")
