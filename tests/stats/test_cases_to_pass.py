"""Planning a test set for the guarded rule (cases_to_pass), against a brute force that
medeval does not compute: statsmodels' proportion_confint for every count, scipy's
binomial probabilities, and the hand-worked Clopper–Pearson case of a perfect device."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from scipy.stats import binom
from statsmodels.stats.proportion import proportion_confint

from medeval.decision import decide
from medeval.errors import InvalidInputError
from medeval.stats import cases_to_pass, proportion_ci

#: medeval's method ids and statsmodels' names for them.
STATSMODELS = {"wilson": "wilson", "clopper-pearson": "beta", "jeffreys": "jeffreys",
               "agresti-coull": "agresti_coull"}


def brute_force(n: int, p: float, goal: float, method: str, confidence: float = 0.95):
    """P(PASS) and P(FAIL) at n cases: every count k = 0..n, its interval from statsmodels,
    PASS where the lower bound meets the goal, FAIL where the upper bound is below it."""
    k = np.arange(n + 1)
    low, high = proportion_confint(k, n, alpha=1 - confidence, method=STATSMODELS[method])
    pmf = binom.pmf(k, n, p)
    return float(pmf[low >= goal].sum()), float(pmf[high < goal].sum())


@pytest.mark.parametrize("method", sorted(STATSMODELS))
@pytest.mark.parametrize(("expected", "goal", "power"), [
    (0.95, 0.90, 0.8), (0.90, 0.80, 0.9), (0.85, 0.70, 0.8), (0.98, 0.95, 0.8)])
def test_the_plan_agrees_with_a_brute_force_over_every_count(method, expected, goal, power):
    plan = cases_to_pass(expected, goal, method=method, power=power)
    passing, failing = brute_force(plan.n_group, expected, goal, method)
    assert plan.pass_probability == pytest.approx(passing, rel=1e-9)
    assert plan.fail_probability == pytest.approx(failing, rel=1e-9, abs=1e-15)
    # first_n is the first n to reach the target; every n before it falls short
    assert brute_force(plan.first_n, expected, goal, method)[0] >= power
    assert all(brute_force(n, expected, goal, method)[0] < power
               for n in range(max(1, plan.first_n - 40), plan.first_n))
    # n_group starts a run at or above the target that lasts to 2 n_group
    if plan.n_group > 1:
        assert brute_force(plan.n_group - 1, expected, goal, method)[0] < power
    assert all(brute_force(n, expected, goal, method)[0] >= power
               for n in range(plan.n_group, 2 * plan.n_group + 1, 7))


@pytest.mark.parametrize("method", sorted(STATSMODELS))
def test_the_least_passing_count_is_what_the_evaluation_passes(method):
    """Every count at the planned size, judged as a result is judged (proportion_ci, then
    the guarded rule): PASS exactly from least_successes on."""
    plan = cases_to_pass(0.93, 0.85, method=method)
    n = plan.n_group
    outcomes = [decide("sensitivity", proportion_ci(k, n, method=method), 0.85).outcome
                for k in range(n + 1)]
    first_pass = outcomes.index("PASS")
    assert first_pass == plan.least_successes
    assert set(outcomes[first_pass:]) == {"PASS"}


def test_a_perfect_device_by_hand():
    # Clopper-Pearson's lower bound of n/n at 95% is 0.025^(1/n) (a Beta(n, 1) quantile);
    # it reaches 0.90 when n >= ln 0.025 / ln 0.9 = 35.01, so 36 cases, all correct.
    assert math.log(0.025) / math.log(0.9) == pytest.approx(35.01, abs=0.01)
    plan = cases_to_pass(0.999999, 0.90, method="clopper-pearson")
    assert (plan.first_n, plan.n_group, plan.least_successes) == (36, 36, 36)
    assert plan.pass_probability == pytest.approx(0.999999**36)


def test_max_n_as_a_numpy_integer():
    # found in the review-api pass: max_n=np.int64(36) was refused as "max_n must be a
    # positive integer"; the perfect device above needs 36 cases (by hand), not 35
    plan = cases_to_pass(0.999999, 0.90, method="clopper-pearson", max_n=np.int64(100))
    assert plan.n_group == 36
    with pytest.raises(InvalidInputError, match="no group of up to 35"):
        cases_to_pass(0.999999, 0.90, method="clopper-pearson", max_n=np.int32(35))


def test_max_n_too_small_for_the_saw_tooth_check_says_so():
    # Found in the stats-pass: with max_n = 300, Se 0.95 against 0.90 (Wilson) reaches 0.8
    # for good at 254 positives (statsmodels and scipy below: 253 falls short), but the
    # check up to 2 x 254 = 508 ran past max_n and the message said "no group of up to
    # 300 cases gives a 0.8 chance of PASS", which 254 does.
    assert brute_force(254, 0.95, 0.90, "wilson")[0] >= 0.8
    assert brute_force(253, 0.95, 0.90, "wilson")[0] < 0.8
    with pytest.raises(InvalidInputError, match=r"at or above 0.8 from 254 cases on, but "
                       r"checking that it stays there up to 508 \(the saw-tooth\) needs "
                       r"max_n >= 508, got 300 \(--max-n of medeval sample-size\)"):
        cases_to_pass(0.95, 0.90, method="wilson", max_n=300)
    assert cases_to_pass(0.95, 0.90, method="wilson", max_n=508).n_group == 254


def test_max_n_where_p_pass_has_reached_the_power_and_fallen_back_says_so():
    # Found in the review-stats pass: Se 0.95 against 0.90 (Wilson) reaches 0.8 at 217
    # positives and falls back at 218 (statsmodels and scipy below); with max_n = 218 the
    # refusal said "no group of up to 218 cases gives a 0.8 chance of PASS", which 217 does.
    assert brute_force(217, 0.95, 0.90, "wilson")[0] >= 0.8
    assert all(brute_force(n, 0.95, 0.90, "wilson")[0] < 0.8 for n in range(200, 217))
    assert brute_force(218, 0.95, 0.90, "wilson")[0] < 0.8
    with pytest.raises(InvalidInputError, match=r"reaches 0.8 at 217 cases, but the "
                       r"saw-tooth takes it below again and it is below at max_n = 218"):
        cases_to_pass(0.95, 0.90, method="wilson", max_n=218)


def test_max_n_too_small_for_a_size_that_exists_leads_with_max_n():
    # Found in the messages-pass: Se 0.95 against 0.75 (Wilson) with max_n = 20 was
    # refused as "the expected value is too close to the goal", 0.2 away. By statsmodels'
    # intervals and scipy's binomial (brute_force), 25 positives give P(PASS) >= 0.8 and
    # none of 1..24 does: the refusal names 25 and a max_n of at least 2 x 25 = 50
    assert brute_force(25, 0.95, 0.75, "wilson")[0] >= 0.8
    assert all(brute_force(n, 0.95, 0.75, "wilson")[0] < 0.8 for n in range(1, 25))
    with pytest.raises(InvalidInputError, match=r"no group of up to 20 cases gives a 0.8 "
                       r"chance of PASS for sensitivity 0.95 against the goal 0.75, but 25 "
                       r"cases do: raise max_n \(--max-n of medeval sample-size\) to at "
                       r"least 50") as raised:
        cases_to_pass(0.95, 0.75, method="wilson", max_n=20)
    assert "too close" not in str(raised.value)
    assert cases_to_pass(0.95, 0.75, method="wilson", max_n=50).first_n == 25


def test_the_normal_approximation_is_close():
    # (z_.975 sqrt(g(1-g)) + z_.8 sqrt(p(1-p)))^2 / (p - g)^2 with p 0.95, g 0.90:
    # (1.95996 * 0.3 + 0.84162 * 0.21794)^2 / 0.05^2 = 238.0 positives
    plan = cases_to_pass(0.95, 0.90, method="wilson", prevalence=0.2)
    assert 0.85 * 238 <= plan.first_n <= plan.n_group <= 1.15 * 238
    assert plan.total == math.ceil(plan.n_group / 0.2)
    specificity = cases_to_pass(0.95, 0.90, method="wilson", prevalence=0.2,
                                measure="specificity")
    assert specificity.group == "negatives"
    assert specificity.total == math.ceil(specificity.n_group / 0.8)


def test_the_verdict_probabilities_add_up():
    plan = cases_to_pass(0.90, 0.85, method="wilson", power=0.9)
    assert plan.pass_probability >= 0.9
    total = plan.pass_probability + plan.fail_probability + plan.inconclusive_probability
    assert total == pytest.approx(1.0)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"expected": 0.9, "goal": 0.9}, "must be above the goal"),
    ({"expected": 0.8, "goal": 0.9}, "must be above the goal"),
    ({"expected": 0.95, "goal": 0.9, "method": "wald"}, "zero width"),
    ({"expected": 0.95, "goal": 0.9, "power": 1.0}, "power"),
    ({"expected": 1.0, "goal": 0.9}, "expected"),
    ({"expected": 0.901, "goal": 0.9, "max_n": 500}, "no group of up to 500"),
])
def test_refusals(kwargs, match):
    kwargs = {"method": "wilson", **kwargs}
    with pytest.raises(InvalidInputError, match=match):
        cases_to_pass(**kwargs)


def test_a_design_effect_whose_size_overflows_is_refused():
    # Found in the review-stats pass: design_effect=1e308 (or icc 1 with 1e308 cases per
    # patient) raised a bare OverflowError (254 x 1e308 is inf, which math.ceil refuses),
    # a traceback from `medeval sample-size` too. 254 is the independent plan of 0.95
    # against 0.90 (Wilson), which the brute force over statsmodels' intervals gives.
    assert cases_to_pass(0.95, 0.90, method="wilson").n_group == 254
    # Then design_effect 1e300 planned ceil(1e300 x 254) cases, printed with 300 digits
    # no float holds; a count beyond 2**53 is refused too. 2**53 / 254 = 3.546e13:
    # 3.5e13 plans, 3.6e13 is refused.
    for deff in (1e308, 1e300, 3.6e13):
        said = re.escape(f"{deff:g}")
        with pytest.raises(InvalidInputError, match=rf"cases_to_pass: design_effect {said}"
                           r" times the 254 cases an independent set needs make more than "
                           r"2\*\*53 cases"):
            cases_to_pass(0.95, 0.90, method="wilson", design_effect=deff)
    with pytest.raises(InvalidInputError, match=r"cases_to_pass: icc and cases_per_patient "
                       r"\(design effect 1e\+308\) times the 254 cases"):
        cases_to_pass(0.95, 0.90, method="wilson", icc=1.0, cases_per_patient=1e308)
    assert cases_to_pass(0.95, 0.90, method="wilson", design_effect=3.5e13).n_group == \
        math.ceil(3.5e13 * 254)


@pytest.mark.parametrize(("method", "said"), [("clopper-pearson", "0.025"),
                                              ("jeffreys", "0.081")])
def test_the_chance_of_a_device_at_its_goal_is_the_methods(method, said):
    # Found in the review-stats pass: the refusal of an expected value at its goal said
    # 'passes the guarded rule with probability at most about 0.025' for every method; with
    # Jeffreys a device at its goal of 0.95 passes 8.1% of the time on 49 cases (49 of 49
    # correct: 0.95^49 = 0.081, Jeffreys' lower bound there 0.9506), by statsmodels'
    # intervals and scipy's binomial over every count up to 300.
    sm = {"clopper-pearson": "beta", "jeffreys": "jeffreys"}[method]
    worst = 0.0
    for n in range(1, 301):
        k = np.arange(n + 1)
        low, _ = proportion_confint(k, n, alpha=0.05, method=sm)
        worst = max(worst, float(binom.pmf(k[low >= 0.95], n, 0.95).sum()))
    assert f"{worst:.2g}" == said
    with pytest.raises(InvalidInputError, match=f"with probability at most about {said},"):
        cases_to_pass(0.95, 0.95, method=method)


def test_the_wald_refusal_says_what_the_guarded_rule_does_at_k_equal_n():
    # Found in the review-stats pass: the refusal said that with Wald 'one or two cases
    # would 'pass' any goal', written before the guarded rule took a zero-width interval
    # for no evidence (a68ccd3): 2 of 2 is INCONCLUSIVE. What does hold: n of n is
    # INCONCLUSIVE where n - 1 of n passes. By hand, 399/400: 0.9975 - 1.959964 x
    # sqrt(0.9975 x 0.0025 / 400) = 0.9975 - 0.004892 = 0.99261 >= 0.99.
    low, _ = proportion_confint(399, 400, alpha=0.05, method="normal")
    assert low == pytest.approx(0.99261, abs=1e-5)
    outcomes = [decide("sensitivity", proportion_ci(k, n, method="wald"), goal).outcome
                for k, n, goal in [(399, 400, 0.99), (400, 400, 0.99), (2, 2, 0.5)]]
    assert outcomes == ["PASS", "INCONCLUSIVE", "INCONCLUSIVE"]
    with pytest.raises(InvalidInputError) as refused:
        cases_to_pass(0.95, 0.9, method="wald")
    assert "judges INCONCLUSIVE while n - 1 of n can PASS (399 of 400 passes 0.99, 400 of " \
        "400 does not)" in str(refused.value)
    assert "would 'pass' any goal" not in str(refused.value)
