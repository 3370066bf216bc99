"""Hypothesis tests for proportions: McNemar, a performance goal, paired non-inferiority.

Every test returns a :class:`TestResult` that names its method and carries what a test
report needs: the statistic and what it is, the p-value and its alternative, the null
value, the number of cases and, where there is one, the estimate with its interval.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, ClassVar, Literal, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq
from scipy.stats import binom, chi2, norm

from .._validation import (
    _positions,
    as_1d,
    choice,
    confidence_level,
    same_index,
    same_length,
    undefined,
)
from ..errors import InvalidInputError
from .estimate import Estimate, Sided
from .intervals import _counts, _open_unit, proportion_ci

__all__ = [
    "TestResult",
    "mcnemar_test",
    "noninferiority_test",
    "proportion_goal_test",
]

Alternative = Literal["two-sided", "greater", "less"]
PairedTable = tuple[tuple[int, int], tuple[int, int]]


@dataclass(frozen=True)
class TestResult:
    """The outcome of a hypothesis test, with what a report must print about it.

    Parameters
    ----------
    statistic : float
        The test statistic (NaN when undefined).
    p_value : float
        The p-value for ``alternative`` (NaN when undefined).
    method : str
        The test's id, e.g. ``"mcnemar-exact"``, ``"binomial-exact"``,
        ``"tango-score"``.
    n : int
        The number of cases (pairs for a paired test, trials for a proportion).
    alternative : {"two-sided", "greater", "less"}
        The alternative hypothesis, relative to ``null_value``.
    statistic_name : str
        What ``statistic`` is: ``"chi2"``, ``"min(b, c)"``, ``"successes"``, ``"z"``.
    null_value : float
        The parameter's value under the null hypothesis: 0 for McNemar (equal paired
        proportions), the goal, or ``-margin``.
    estimate : Estimate or None
        The estimated parameter with its confidence interval, if the test has one.
    alpha : float or None
        The significance level at which ``rejected`` was decided (one-sided for the
        one-sided tests), if the test decides.
    rejected : bool or None
        Whether the null hypothesis is rejected at ``alpha`` (None when undefined or
        when the test does not decide).
    conclusion : str or None
        The decision in words, e.g. ``"non-inferior"``.
    margin : float or None
        The non-inferiority margin, for a non-inferiority test.
    table : tuple or None
        For a paired test, the 2×2 table ``((both correct, A only), (B only,
        neither))``: rows are algorithm A correct / wrong, columns algorithm B.
    """

    __test__: ClassVar[bool] = False  # not a pytest test class, despite its name

    statistic: float
    p_value: float
    method: str
    n: int
    alternative: Alternative
    statistic_name: str
    null_value: float
    estimate: Estimate | None = None
    alpha: float | None = None
    rejected: bool | None = None
    conclusion: str | None = None
    margin: float | None = None
    table: PairedTable | None = None

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (for JSON); ``estimate`` becomes a dict too."""
        return asdict(self)


_MCNEMAR_METHODS: tuple[str, ...] = ("exact", "mid-p", "asymptotic")


def mcnemar_test(
    correct_a: ArrayLike,
    correct_b: ArrayLike,
    *,
    method: Literal["exact", "mid-p", "asymptotic"] = "exact",
) -> TestResult:
    r"""McNemar's test that two algorithms are equally often correct on the same cases.

    With :math:`b` the cases only algorithm A gets right and :math:`c` those only B gets
    right (the discordant pairs), :math:`N = b + c` and :math:`m = \min(b, c)`:

    .. math::

        \text{asymptotic:}\quad \chi^2 = \frac{(|b - c| - 1)^2}{b + c},\quad
            p = P(\chi^2_1 \ge \chi^2)

        \text{exact:}\quad p = \min\Bigl(1,\; 2\sum_{x=0}^{m} \binom{N}{x} 2^{-N}\Bigr)

        \text{mid-p:}\quad p = p_\text{exact} - \binom{N}{m} 2^{-N}\ (b \ne c),\qquad
            p = 1 - \tfrac12 \binom{N}{b} 2^{-N}\ (b = c)

    All p-values are two-sided.

    Parameters
    ----------
    correct_a, correct_b : array-like of bool
        Per case, whether algorithm A (B) was correct: booleans or 0/1, same length,
        same case order.
    method : {"exact", "mid-p", "asymptotic"}, default "exact"
        ``"exact"``: the conditional binomial test on the discordant pairs (statsmodels
        ``mcnemar(exact=True)``); ``"mid-p"``: its mid-p version (Fagerland et al.
        2013); ``"asymptotic"``: the chi-squared test with continuity correction
        (statsmodels ``mcnemar(exact=False, correction=True)``, R ``mcnemar.test``).

    Returns
    -------
    TestResult
        ``method`` is ``"mcnemar-exact"``, ``"mcnemar-mid-p"`` or
        ``"mcnemar-asymptotic-cc"``; ``statistic`` is :math:`\min(b, c)` (exact, mid-p)
        or :math:`\chi^2`; ``alternative`` ``"two-sided"``; ``null_value`` 0; ``table``
        the paired 2×2 table; ``n`` the number of cases. No estimate, no decision.

    Raises
    ------
    InvalidInputError
        Inputs not one-dimensional, not binary (or NaN), of different lengths, or an
        unknown ``method``.

    Warns
    -----
    UndefinedMetricWarning
        No cases at all: statistic and p-value are NaN.

    Notes
    -----
    * :math:`b + c = 0` (the algorithms agree on every case): there is no evidence of a
      difference; every method returns statistic 0 and p = 1. (The formulas alone would
      give :math:`0/0` for the chi-squared statistic and 0.5 for Fagerland's mid-p.)
    * :math:`b = c > 0`: exact p = 1; mid-p = :math:`1 - \frac12\binom{2b}{b}2^{-2b}`,
      as Fagerland et al. define it (e.g. b = c = 2 gives 0.8125); the corrected
      chi-squared statistic is :math:`1/(b+c)`, because the correction overshoots,
      so p < 1 (b = c = 1 gives 0.5 and p = 0.4795), exactly as statsmodels and R's
      ``mcnemar.test`` compute it.
    * Concordant cases (both right or both wrong) do not enter any statistic.

    Fagerland et al.'s example (airway hyper-responsiveness, b = 1, c = 7) gives
    exact p = 18/256 = 0.0703, mid-p = 10/256 = 0.0391 and, with correction,
    :math:`\chi^2 = 25/8`, p = 0.0771.

    References
    ----------
    McNemar Q. Note on the sampling error of the difference between correlated
    proportions or percentages. Psychometrika 1947;12:153-157.

    Fagerland MW, Lydersen S, Laake P. The McNemar test for binary matched-pairs data:
    mid-p and asymptotic are better than exact conditional. BMC Med Res Methodol
    2013;13:91.

    Examples
    --------
    Discordant pairs 6 and 16: mid-p = 2 P(X <= 6) - P(X = 6) for X ~ Bin(22, 1/2), which
    scipy.stats.binom gives as 0.034690.

    >>> a = [1] * 6 + [0] * 16 + [1] * 59 + [0] * 80
    >>> b = [0] * 6 + [1] * 16 + [1] * 59 + [0] * 80
    >>> r = mcnemar_test(a, b, method="mid-p")
    >>> r.statistic, round(r.p_value, 6), r.table
    (6.0, 0.03469, ((59, 6), (16, 80)))
    """
    func = "mcnemar_test"
    method_id = choice(method, _MCNEMAR_METHODS, name="method", func=func)
    table = _paired_table(correct_a, correct_b, func=func)
    (_, b), (c, _) = table
    n = sum(table[0]) + sum(table[1])
    label = "mcnemar-asymptotic-cc" if method_id == "asymptotic" else f"mcnemar-{method_id}"
    name = "chi2" if method_id == "asymptotic" else "min(b, c)"
    if n == 0:
        nan = undefined(f"{func}: no cases, so the test is undefined; statistic and p are NaN")
        return TestResult(nan, nan, label, 0, "two-sided", name, 0.0, table=table)
    discordant = b + c
    if discordant == 0:
        statistic, p_value = 0.0, 1.0
    elif method_id == "asymptotic":
        statistic = (abs(b - c) - 1) ** 2 / discordant
        p_value = float(chi2.sf(statistic, 1))
    else:
        smaller = min(b, c)
        statistic = float(smaller)
        cdf = float(binom.cdf(smaller, discordant, 0.5))
        if method_id == "exact":
            p_value = min(1.0, 2.0 * cdf)
        elif b == c:  # 1 - pmf(b)/2, with pmf(b) = 2 cdf(b) - 1 by symmetry
            p_value = 1.5 - cdf
        else:  # 2 cdf(m) - pmf(m) = cdf(m) + cdf(m - 1): a sum, no cancellation
            p_value = cdf + float(binom.cdf(smaller - 1, discordant, 0.5))
    return TestResult(
        float(statistic), p_value, label, n, "two-sided", name, 0.0, table=table
    )


def proportion_goal_test(
    successes: int,
    n: int,
    goal: float,
    *,
    alternative: Literal["greater", "less"] = "greater",
    confidence: float = 0.95,
) -> TestResult:
    r"""Exact binomial test of a proportion against a performance goal.

    For ``alternative="greater"`` (the proportion exceeds the goal :math:`\pi_0`), with
    :math:`X \sim \mathrm{Bin}(n, \pi_0)`,

    .. math:: p = P(X \ge k) = \sum_{x=k}^{n} \binom{n}{x} \pi_0^x (1-\pi_0)^{n-x},

    and for ``"less"`` :math:`p = P(X \le k)`. The result carries the one-sided
    Clopper–Pearson bound at level ``confidence``: a lower bound :math:`[L, 1]` for
    ``"greater"``, an upper bound :math:`[0, U]` for ``"less"``.

    Parameters
    ----------
    successes : int
        The number of successes :math:`k` (e.g. true positives).
    n : int
        The number of trials (e.g. cases with the condition).
    goal : float
        The performance goal :math:`\pi_0`, strictly between 0 and 1.
    alternative : {"greater", "less"}, default "greater"
        ``"greater"``: H1 proportion > goal (demonstrating a performance goal);
        ``"less"``: H1 proportion < goal.
    confidence : float, default 0.95
        Level of the one-sided Clopper–Pearson bound; the test decides at
        :math:`\alpha = 1 - \text{confidence}`.

    Returns
    -------
    TestResult
        ``method`` ``"binomial-exact"``, ``statistic`` = ``successes``,
        ``null_value`` = ``goal``, ``estimate`` the one-sided Clopper–Pearson bound,
        ``alpha`` = 1 − confidence, ``rejected`` = p < alpha and ``conclusion``.

    Raises
    ------
    InvalidInputError
        Counts that are not non-negative integers, ``successes > n``, a ``goal`` not
        strictly between 0 and 1, ``confidence`` outside (0, 1), an unknown
        ``alternative``.

    Warns
    -----
    UndefinedMetricWarning
        ``n = 0``: p-value, estimate and bound are NaN and nothing is decided; the
        warning's text is also the estimate's ``note``.

    Notes
    -----
    The p-value equals scipy's ``binomtest(k, n, goal, alternative=...).pvalue``. The
    test and the bound are dual: p < α exactly when the Clopper–Pearson lower bound is
    above the goal (for ``"greater"``), so ``rejected`` is the guarded-acceptance PASS
    of ILAC-G8 ("the lower confidence bound exceeds the goal") on a **one-sided** bound
    at ``confidence``. An evaluation judges a criterion on the protocol's *two-sided*
    interval, whose lower bound is a one-sided bound at :math:`(1 + c)/2`: a protocol at
    0.95 with ``proportion_method = "clopper-pearson"`` is this test at
    ``confidence=0.975`` (:math:`\alpha = 0.025`), not at the default 0.95, which
    passes more (100/100 against 0.97 below). That holds where the evaluation takes the
    cases as independent (``resampling_unit = "case"``, or one case per patient); where
    a patient holds several, it judges the clustered interval
    (:func:`~medeval.stats.proportion_ci_clustered`, Clopper–Pearson on the effective
    size), wider than this test's bound, which then passes more.

    Edge cases: ``k = 0`` with ``"greater"`` gives p = 1 and bound 0; ``k = n`` gives
    :math:`p = \pi_0^n` and bound :math:`\alpha^{1/n}`.

    References
    ----------
    Clopper CJ, Pearson ES. The use of confidence or fiducial limits illustrated in the
    case of the binomial. Biometrika 1934;26:404-413.

    Examples
    --------
    Sensitivity 92/100 against a goal of 0.85 (scipy.stats.binomtest(92, 100, 0.85,
    alternative="greater") gives p 0.0275; scipy.stats.beta.ppf(0.05, 92, 9) the bound
    0.8603):

    >>> r = proportion_goal_test(92, 100, 0.85)
    >>> round(r.p_value, 4), round(r.estimate.low, 4), r.rejected, r.conclusion
    (0.0275, 0.8603, True, 'exceeds the goal')

    100/100 against 0.97: :math:`p = 0.97^{100} = 0.0476`, below 0.05 but not 0.025, so
    a protocol at 0.95 (two-sided Clopper–Pearson, lower bound
    :math:`0.025^{1/100} = 0.9638`) does not PASS it:

    >>> proportion_goal_test(100, 100, 0.97).rejected
    True
    >>> proportion_goal_test(100, 100, 0.97, confidence=0.975).rejected
    False
    """
    func = "proportion_goal_test"
    k, trials = _counts(successes, n, func=func)
    goal_value = _open_unit(goal, name="goal", func=func, hint="e.g. 0.85")
    side = choice(alternative, ("greater", "less"), name="alternative", func=func)
    level = confidence_level(confidence, func=func)
    alpha = 1.0 - level
    sided: Sided = "lower" if side == "greater" else "upper"
    side_alt = cast(Alternative, side)
    if trials == 0:
        note = f"{func}: n = 0 trials, so the test is undefined; p-value and bound are NaN"
        nan = undefined(note)
        bound = Estimate(nan, nan, nan, "clopper-pearson", level, 0, k, sided, note)
        return TestResult(
            nan, nan, "binomial-exact", 0, side_alt, "successes", goal_value,
            estimate=bound, alpha=alpha,
        )
    if side == "greater":
        p_value = float(binom.sf(k - 1, trials, goal_value))
    else:
        p_value = float(binom.cdf(k, trials, goal_value))
    bound = proportion_ci(k, trials, method="clopper-pearson", confidence=level, sided=sided)
    rejected = p_value < alpha
    word = "exceeds" if side == "greater" else "is below"
    conclusion = f"{word} the goal" if rejected else f"not shown to be {side} than the goal"
    return TestResult(
        float(k), min(p_value, 1.0), "binomial-exact", trials, side_alt,
        "successes", goal_value, estimate=bound, alpha=alpha, rejected=rejected,
        conclusion=conclusion,
    )


def noninferiority_test(
    correct_a: ArrayLike,
    correct_b: ArrayLike,
    *,
    margin: float,
    confidence: float = 0.95,
) -> TestResult:
    r"""Paired non-inferiority of algorithm A against B (Tango's score test and interval).

    On the same :math:`n` cases, with :math:`b` the cases only A gets right and
    :math:`c` those only B gets right, the difference of the paired proportions correct
    is :math:`\hat\delta = p_A - p_B = (b - c)/n`. Tango's score statistic for
    :math:`H_0: \delta = \delta_0` is

    .. math::

        Z(\delta_0) = \frac{b - c - n\delta_0}
            {\sqrt{n\,\bigl(2\tilde q_{21} + \delta_0(1 - \delta_0)\bigr)}},\qquad
        \tilde q_{21} = \frac{\sqrt{B^2 - 4AC} - B}{2A},

    with :math:`A = 2n`, :math:`B = -b - c + (2n - b + c)\delta_0`,
    :math:`C = -c\,\delta_0(1 - \delta_0)` (:math:`\tilde q_{21}` is the maximum
    likelihood estimate of P(A wrong, B right) under :math:`H_0`). The test of
    :math:`H_0: \delta \le -\Delta` against :math:`H_1: \delta > -\Delta` (A is
    non-inferior by margin :math:`\Delta`) has p-value :math:`1 - \Phi(Z(-\Delta))`.
    The confidence interval is :math:`\{\delta_0 : |Z(\delta_0)| < z_{1-\alpha/2}\}`.

    Parameters
    ----------
    correct_a, correct_b : array-like of bool
        Per case, whether the new algorithm A and the reference B were correct:
        booleans or 0/1, same length, same case order.
    margin : float
        The non-inferiority margin :math:`\Delta`, a positive difference of
        proportions strictly between 0 and 1 (0.05 for five percentage points).
    confidence : float, default 0.95
        Level of the two-sided confidence interval of :math:`\delta`; the one-sided
        test is at :math:`\alpha = (1 - \text{confidence})/2` (0.025 for 0.95).

    Returns
    -------
    TestResult
        ``method`` ``"tango-score"``, ``statistic`` :math:`Z(-\Delta)`
        (``statistic_name`` ``"z"``), one-sided ``p_value``, ``alternative``
        ``"greater"``, ``null_value`` :math:`-\Delta`, ``margin``, ``estimate`` the
        difference with its Tango interval (method ``"tango"``), ``alpha``,
        ``rejected``, ``conclusion`` (``"non-inferior"`` or ``"non-inferiority not
        shown"``) and the paired ``table``.

    Raises
    ------
    InvalidInputError
        Inputs not one-dimensional, not binary, of different lengths; ``margin`` not a
        number strictly between 0 and 1; ``confidence`` outside (0, 1).

    Warns
    -----
    UndefinedMetricWarning
        No cases: statistic, p-value and interval are NaN and nothing is decided; the
        warning's text is also the estimate's ``note``.

    Notes
    -----
    The decision follows ICH E9 and the CONSORT extension for non-inferiority trials:
    A is non-inferior when the lower bound of the two-sided ``confidence`` interval of
    :math:`p_A - p_B` lies above :math:`-\Delta`, which is the same as the one-sided
    p-value being below :math:`\alpha = (1 - \text{confidence})/2` (the score statistic
    decreases in :math:`\delta_0`, so the interval and the test agree).

    Edge cases:

    * no discordant pair (:math:`b = c = 0`): :math:`\hat\delta = 0`,
      :math:`Z(-\Delta) = \sqrt{n\Delta/(1-\Delta)}`, and the interval is
      :math:`\pm z^2/(n + z^2)`;
    * :math:`c = n` (B right and A wrong on every case): the lower bound is -1;
      :math:`b = n`: the upper bound is 1 (as in Fagerland et al.'s implementation);
    * at :math:`\delta_0 = 0` the statistic is McNemar's uncorrected
      :math:`(b - c)/\sqrt{b + c}`.

    Reference value: Fagerland, Lydersen & Laake's R package ``contingencytables``
    (test suite, Cavo et al. 2012 data, table ((59, 6), (16, 80))) prints the Tango
    interval -0.0621 (95% CI -0.1240 to -0.0054); this function gives
    -0.062112 (-0.124023 to -0.005433).

    References
    ----------
    Tango T. Equivalence test and confidence interval for the difference in proportions
    for the paired-sample design. Stat Med 1998;17:891-908.

    Fagerland MW, Lydersen S, Laake P. Recommended tests and confidence intervals for
    paired binomial proportions. Stat Med 2014;33:2850-2875.

    Examples
    --------
    A new algorithm right on 92 of 100 cases, the reference on 94, margin 0.05:

    >>> a = [1] * 88 + [1] * 4 + [0] * 6 + [0] * 2
    >>> b = [1] * 88 + [0] * 4 + [1] * 6 + [0] * 2
    >>> r = noninferiority_test(a, b, margin=0.05)
    >>> round(r.estimate.value, 2), round(r.estimate.low, 4), round(r.estimate.high, 4)
    (-0.02, -0.0917, 0.0483)
    >>> round(r.p_value, 4), r.conclusion
    (0.1825, 'non-inferiority not shown')
    """
    func = "noninferiority_test"
    delta = _open_unit(margin, name="margin", func=func, hint="e.g. 0.05 (positive)")
    level = confidence_level(confidence, func=func)
    alpha = (1.0 - level) / 2.0
    table = _paired_table(correct_a, correct_b, func=func)
    (_, b), (c, _) = table
    n = sum(table[0]) + sum(table[1])
    if n == 0:
        note = f"{func}: no cases, so the test is undefined; all values are NaN"
        nan = undefined(note)
        return TestResult(
            nan, nan, "tango-score", 0, "greater", "z", -delta,
            estimate=Estimate(nan, nan, nan, "tango", level, 0, note=note),
            alpha=alpha, margin=delta, table=table,
        )
    z_crit = float(norm.isf(alpha))
    low, high = _tango_interval(b, c, n, z_crit)
    statistic = _tango_z(b, c, n, -delta)
    p_value = float(norm.sf(statistic))
    rejected = p_value < alpha
    return TestResult(
        statistic, p_value, "tango-score", n, "greater", "z", -delta,
        estimate=Estimate((b - c) / n, low, high, "tango", level, n),
        alpha=alpha, rejected=rejected,
        conclusion="non-inferior" if rejected else "non-inferiority not shown",
        margin=delta, table=table,
    )


def _tango_z(b: int, c: int, n: int, delta0: float) -> float:
    """Tango's score statistic Z(delta0); +-inf where its variance vanishes."""
    a_ = 2.0 * n
    b_ = -b - c + (2.0 * n - b + c) * delta0
    c_ = -c * delta0 * (1.0 - delta0)
    root = math.sqrt(max(b_ * b_ - 4.0 * a_ * c_, 0.0))
    if b_ < 0:
        q21 = (root - b_) / (2.0 * a_)
    else:  # the same root, written without cancellation
        q21 = -2.0 * c_ / (b_ + root) if b_ + root > 0 else 0.0
    numerator = b - c - n * delta0
    variance = n * (2.0 * q21 + delta0 * (1.0 - delta0))
    if not variance > 0:
        return 0.0 if numerator == 0 else math.copysign(math.inf, numerator)
    return numerator / math.sqrt(variance)


def _tango_interval(b: int, c: int, n: int, z: float) -> tuple[float, float]:
    """The Tango interval: where Z crosses +z (lower bound) and -z (upper bound)."""
    estimate = (b - c) / n
    low = -1.0 if c == n else _crossing(lambda d: _tango_z(b, c, n, d) - z, estimate, -1.0)
    high = 1.0 if b == n else _crossing(lambda d: _tango_z(b, c, n, d) + z, estimate, 1.0)
    return low, high


def _crossing(f: Callable[[float], float], start: float, end: float) -> float:
    """The root of ``f`` between ``start`` (where f has one sign) and ``end``.

    Steps from ``start`` towards ``end`` by halving the remaining distance until ``f``
    changes sign, then refines with Brent's method; ``end`` itself if ``f`` never
    changes sign before reaching it (to double precision).
    """
    inner, inner_value = start, f(start)
    for j in range(1, 64):
        outer = end + (start - end) / 2.0**j
        if outer == end:
            break
        outer_value = f(outer)
        if (outer_value > 0) != (inner_value > 0):
            return float(brentq(f, min(inner, outer), max(inner, outer), xtol=1e-15))
        inner, inner_value = outer, outer_value
    return end


def _correct(values: ArrayLike, *, name: str, func: str) -> NDArray[np.bool_]:
    """Per-case correctness as booleans: ``values`` must be booleans or 0/1 (1 = correct).

    Anything else (text, scores, 1/2) is refused with this function's own wording:
    which value means "correct" is not a choice to make here (there is no pos_label)."""
    array = as_1d(values, name=name, func=func)
    if array.dtype == np.bool_:
        return np.array(array, dtype=np.bool_)
    if array.dtype.kind == "f" and np.isnan(array).any():
        raise InvalidInputError(
            f"{func}: {name} contains NaN at position(s) {_positions(np.isnan(array))}")
    if array.dtype.kind in "iuf" and bool(np.isin(array, (0, 1)).all()):
        return np.asarray(array == 1)
    shown = sorted(set(array.tolist()), key=repr)[:10]
    raise InvalidInputError(
        f"{func}: {name} must be binary, one boolean or 0/1 per case (True or 1: the "
        f"algorithm was correct on that case), got the values {shown}; compare each "
        "algorithm's decision with the reference first, e.g. correct_a = (y_pred_a == y_true)"
    )


def _paired_table(correct_a: ArrayLike, correct_b: ArrayLike, *, func: str) -> PairedTable:
    """The paired 2×2 table ((both, A only), (B only, neither)) from two boolean arrays."""
    same_index(func, correct_a=correct_a, correct_b=correct_b)
    a = _correct(correct_a, name="correct_a", func=func)
    b = _correct(correct_b, name="correct_b", func=func)
    same_length(func, correct_a=a, correct_b=b)
    both = int((a & b).sum())
    only_a = int((a & ~b).sum())
    only_b = int((~a & b).sum())
    neither = int((~a & ~b).sum())
    return (both, only_a), (only_b, neither)

