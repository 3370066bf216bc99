"""Decision rules (ILAC-G8): guarded and simple acceptance, both directions."""

from __future__ import annotations

import math

import pytest

from medeval.decision import decide
from medeval.errors import InvalidInputError
from medeval.stats import Estimate


def est(value, low, high):
    return Estimate(value, low, high, "wilson", 0.95, 100)


@pytest.mark.parametrize(("goal", "outcome"), [
    (0.80, "PASS"),          # lower bound 0.82 >= 0.80
    (0.82, "PASS"),          # on the bound: meets it
    (0.85, "INCONCLUSIVE"),  # inside [0.82, 0.95]
    (0.95, "INCONCLUSIVE"),  # equal to the upper bound: not below it
    (0.96, "FAIL"),          # upper bound 0.95 < 0.96
])
def test_guarded_higher_is_better(goal, outcome):
    assert decide("sensitivity", est(0.90, 0.82, 0.95), goal).outcome == outcome


@pytest.mark.parametrize(("goal", "outcome"), [
    (6.0, "PASS"),           # upper bound 5.0 <= 6 mm
    (4.0, "INCONCLUSIVE"),   # inside [3, 5]
    (2.0, "FAIL"),           # lower bound 3 > 2 mm
])
def test_guarded_lower_is_better(goal, outcome):
    verdict = decide("hd95", est(4.0, 3.0, 5.0), goal, higher_is_better=False)
    assert verdict.outcome == outcome


def test_point_rule():
    assert decide("f1", est(0.90, 0.5, 0.99), 0.9, rule="point").outcome == "PASS"
    assert decide("f1", est(0.89, 0.5, 0.99), 0.9, rule="point").outcome == "FAIL"
    assert decide("hd95", est(4.0, 1, 9), 3.9, rule="point",
                  higher_is_better=False).outcome == "FAIL"


def test_undefined_is_inconclusive():
    assert decide("s", est(math.nan, math.nan, math.nan), 0.8).outcome == "INCONCLUSIVE"
    verdict = decide("s", est(1.0, math.nan, math.nan), 0.8)
    assert verdict.outcome == "INCONCLUSIVE" and "undefined" in verdict.reason


def test_an_interval_of_zero_width_but_for_rounding_is_inconclusive():
    # 12 frames of 4 patients, each frame's Dice 0.9153858096568855: a patient bootstrap's
    # means are that number, but summed in floating point some come out one ulp above it
    # (by hand: sum of 12 copies / 12 - v = 1.11e-16), so the interval was [v, v + ulp] and
    # the guarded rule read PASS where the certificate's rule says INCONCLUSIVE
    v = 0.9153858096568855
    assert sum([v] * 12) / 12 == math.nextafter(v, 1.0)
    verdict = decide("dice", Estimate(v, v, math.nextafter(v, 1.0), "bootstrap-percentile",
                                      0.95, 12), 0.7)
    assert verdict.outcome == "INCONCLUSIVE" and "zero width" in verdict.reason
    # a narrow interval that is an interval is judged
    assert decide("dice", Estimate(v, v - 1e-6, v + 1e-6, "bootstrap-percentile", 0.95, 12),
                  0.7).outcome == "PASS"


def test_zero_width_but_for_rounding_at_other_scales():
    # the tolerance is relative: a distance of 1e4 mm averaged from equal values one ulp
    # (1.8e-12) apart is of zero width; a Dice interval near 0 of width 1e-12 and one of
    # counts 1 apart are intervals, judged on their bounds
    far = 1.0e4
    assert math.nextafter(far, math.inf) - far == 2.0 ** -39  # by hand: ulp of 1e4
    d = decide("hd95@pooled", Estimate(far, far, math.nextafter(far, math.inf),
                                       "bootstrap-percentile", 0.95, 30), 2e4,
               higher_is_better=False)
    assert d.outcome == "INCONCLUSIVE" and "zero width" in d.reason
    near_zero = Estimate(5e-13, 0.0, 1e-12, "bootstrap-percentile", 0.95, 30)
    assert decide("dice", near_zero, 0.5).outcome == "FAIL"
    counts = Estimate(1e6, 1e6 - 1, 1e6, "bootstrap-percentile", 0.95, 30)
    assert decide("count", counts, 1e6 + 1, higher_is_better=False).outcome == "PASS"


def test_reason_names_the_bound():
    verdict = decide("sensitivity", est(0.90, 0.82, 0.95), 0.80)
    assert verdict.reason == "95% CI lower bound 0.82 >= goal 0.8"


def test_unknown_rule():
    with pytest.raises(InvalidInputError, match="rule"):
        decide("s", est(0.9, 0.8, 0.95), 0.8, rule="strict")


@pytest.mark.parametrize(("low", "high", "goal", "reason"), [
    # 0.899996 to 4 significant digits is "0.9": "goal 0.9 lies inside [0.9, 0.95]" read as
    # if the bound met the goal; 6 digits are the first to print it below 0.9
    (0.899996, 0.95, 0.9, "goal 0.9 lies inside the 95% CI [0.899996, 0.95]"),
    # an upper bound of 0.8999996 misses 0.9: 7 digits show it ("0.9" does not)
    (0.8, 0.8999996, 0.9, "95% CI upper bound 0.8999996 misses goal 0.9"),
    # a bound equal to the goal meets it, and both print as written
    (0.9, 0.95, 0.9, "95% CI lower bound 0.9 >= goal 0.9"),
    # a goal :g would round (0.8999999 -> "0.9") is printed in full
    (0.8999998, 0.95, 0.8999999, "goal 0.8999999 lies inside the 95% CI [0.8999998, 0.95]"),
])
def test_reason_prints_a_bound_on_its_side_of_the_goal(low, high, goal, reason):
    # Found in the stats-pass: the reason printed bounds with 4 significant digits.
    assert decide("sensitivity", est((low + high) / 2, low, high), goal).reason == reason


def test_point_reason_prints_the_estimate_on_its_side_of_the_goal():
    # 0.89999 misses 0.9; to 4 digits it was "estimate 0.9 misses goal 0.9"
    verdict = decide("f1", est(0.89999, 0.5, 0.99), 0.9, rule="point")
    assert (verdict.outcome, verdict.reason) == ("FAIL", "estimate 0.89999 misses goal 0.9")
