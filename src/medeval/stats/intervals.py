"""Confidence intervals for a binomial proportion (sensitivity, specificity, accuracy...).

Five methods, each named by the caller (there is no default: a certificate names its
method). The numbers follow statsmodels' ``proportion_confint`` exactly, including its
edge conventions, so that an independent check reproduces them.
"""

from __future__ import annotations

import numbers
from typing import cast

import numpy as np
from numpy.typing import NDArray
from scipy.stats import beta, norm

from .._validation import choice, confidence_level, undefined
from ..errors import InvalidInputError
from ._proportion_methods import PROPORTION_METHODS, ProportionMethod
from .estimate import Estimate, Sided

__all__ = ["PROPORTION_METHODS", "ProportionMethod", "proportion_ci"]

_SIDES: tuple[str, ...] = ("two", "lower", "upper")


def proportion_ci(
    successes: int,
    n: int,
    *,
    method: ProportionMethod,
    confidence: float = 0.95,
    sided: Sided = "two",
) -> Estimate:
    r"""Confidence interval for a binomial proportion :math:`\hat p = k / n`.

    With :math:`k` successes in :math:`n` trials, :math:`\hat p = k/n`, a tail
    probability :math:`\alpha' = (1 - \text{confidence})/2` for a two-sided interval and
    :math:`\alpha' = 1 - \text{confidence}` for a one-sided bound, and
    :math:`z = \Phi^{-1}(1 - \alpha')`:

    .. math::

        \text{wilson:}\quad
            \frac{\hat p + \frac{z^2}{2n}}{1 + \frac{z^2}{n}} \pm
            \frac{z}{1 + \frac{z^2}{n}}\sqrt{\frac{\hat p(1-\hat p)}{n}
            + \frac{z^2}{4n^2}}

        \text{clopper-pearson:}\quad
            \left[B^{-1}(\alpha';\, k,\, n-k+1),\;
                  B^{-1}(1-\alpha';\, k+1,\, n-k)\right]

        \text{jeffreys:}\quad
            \left[B^{-1}(\alpha';\, k+\tfrac12,\, n-k+\tfrac12),\;
                  B^{-1}(1-\alpha';\, k+\tfrac12,\, n-k+\tfrac12)\right]

        \text{agresti-coull:}\quad
            \tilde p \pm z\sqrt{\frac{\tilde p(1-\tilde p)}{\tilde n}},\quad
            \tilde n = n + z^2,\; \tilde p = \frac{k + z^2/2}{\tilde n}

        \text{wald:}\quad \hat p \pm z\sqrt{\frac{\hat p(1-\hat p)}{n}}

    where :math:`B^{-1}(q; a, b)` is the :math:`q`-quantile of the Beta(a, b)
    distribution. A one-sided bound is one side of the two-sided interval at level
    :math:`1 - 2\alpha`: ``sided="lower"`` gives :math:`[L, 1]`, ``sided="upper"``
    gives :math:`[0, U]`.

    Parameters
    ----------
    successes : int
        The number of successes :math:`k` (e.g. true positives), ``0 <= k <= n``.
        Python or numpy integers.
    n : int
        The number of trials (e.g. cases with the condition), ``n >= 0``.
    method : {"wilson", "clopper-pearson", "jeffreys", "agresti-coull", "wald"}
        The interval's method; required.
    confidence : float, default 0.95
        The confidence level, strictly between 0 and 1.
    sided : {"two", "lower", "upper"}, default "two"
        A two-sided interval, a one-sided lower confidence bound (``high`` is 1) or a
        one-sided upper confidence bound (``low`` is 0), each at level ``confidence``.

    Returns
    -------
    Estimate
        ``value`` :math:`k/n`, ``low``, ``high``, ``method``, ``confidence``, ``n``,
        ``numerator`` = ``successes`` and ``sided``.

    Raises
    ------
    InvalidInputError
        ``successes`` or ``n`` not an integer (floats and booleans included) or
        negative, ``successes > n``, ``confidence`` outside (0, 1), an unknown
        ``method`` or ``sided``. The message names ``proportion_ci`` and the value.

    Warns
    -----
    UndefinedMetricWarning
        ``n = 0``: the proportion and both bounds are NaN; the same text is the returned
        estimate's ``note``.

    Notes
    -----
    Edge cases and their answers (statsmodels' ``proportion_confint`` conventions,
    methods ``"wilson"``, ``"beta"``, ``"jeffreys"``, ``"agresti_coull"``,
    ``"normal"``):

    * ``n = 0``: value, low and high are NaN, with an ``UndefinedMetricWarning`` whose
      text is also the estimate's ``note``.
    * Wald and Agresti–Coull bounds are clipped to [0, 1]; so is Wilson (which lies in
      [0, 1] mathematically; the clip only removes rounding error). Wilson's lower
      bound at ``k = 0`` is exactly 0 and its upper bound at ``k = n`` exactly 1 (the
      formula is exact there; floating point would leave about 1e-18, which statsmodels
      reports as is).
    * Wald at ``k = 0`` or ``k = n`` has zero width: [0, 0] or [1, 1]. It is reported
      as computed (statsmodels' numbers), and the estimate's ``note`` says that it has
      zero width (not warned: the figure is defined); prefer another method there.
    * Clopper–Pearson's lower bound is exactly 0 at ``k = 0`` and its upper bound
      exactly 1 at ``k = n``. These bounds keep the tail :math:`\alpha'` of the other
      side (coverage :math:`1 - \alpha'` there, as statsmodels documents).
    * Jeffreys is the equal-tailed interval of the Beta(k + 1/2, n - k + 1/2)
      posterior and is **not** forced to 0 at ``k = 0`` or to 1 at ``k = n``, so it
      does not contain :math:`\hat p` there (e.g. ``k = 0, n = 10`` gives a lower bound
      of about 0.00005). Brown, Cai & DasGupta (2001, section 4.1.2) recommend setting
      the lower bound to 0 at ``k = 0`` and the upper bound to 1 at ``k = n``; medeval
      follows statsmodels instead so that the figures can be reproduced there.
    * ``n = 1`` is valid; every method returns a (wide) interval.

    The one-sided bounds equal statsmodels' ``alternative="smaller"`` (our
    ``"lower"``) and ``alternative="larger"`` (our ``"upper"``); the Clopper–Pearson
    ones also equal scipy's ``binomtest(k, n, alternative="greater" or "less")
    .proportion_ci(method="exact")``.

    References
    ----------
    Wilson EB. Probable inference, the law of succession, and statistical inference.
    J Am Stat Assoc 1927;22:209-212.

    Clopper CJ, Pearson ES. The use of confidence or fiducial limits illustrated in the
    case of the binomial. Biometrika 1934;26:404-413.

    Brown LD, Cai TT, DasGupta A. Interval estimation for a binomial proportion.
    Stat Sci 2001;16:101-133 (the Jeffreys interval, section 4.1.2).

    Agresti A, Coull BA. Approximate is better than "exact" for interval estimation of
    binomial proportions. Am Stat 1998;52:119-126.

    Examples
    --------
    Sensitivity 45/50 with a Wilson interval:

    >>> e = proportion_ci(45, 50, method="wilson")
    >>> round(e.value, 2), round(e.low, 4), round(e.high, 4)
    (0.9, 0.7864, 0.9565)

    A one-sided 95% lower confidence bound (Clopper–Pearson), as used against a
    performance goal:

    >>> e = proportion_ci(45, 50, method="clopper-pearson", sided="lower")
    >>> round(e.low, 4), e.high, e.sided
    (0.8012, 1.0, 'lower')
    """
    func = "proportion_ci"
    k, trials = _counts(successes, n, func=func)
    level = confidence_level(confidence, func=func)
    method_id = choice(method, PROPORTION_METHODS, name="method", func=func)
    side = choice(sided, _SIDES, name="sided", func=func)
    if trials == 0:
        note = (f"{func}: n = 0 trials, so the proportion is undefined; the estimate and "
                "its interval are NaN")
        nan = undefined(note)
        return Estimate(nan, nan, nan, method_id, level, 0, k, cast(Sided, side), note)
    tail = (1.0 - level) / 2.0 if side == "two" else 1.0 - level
    low, high = _two_sided(k, trials, tail, method_id)
    if side == "lower":
        high = 1.0
    elif side == "upper":
        low = 0.0
    remark = wald_boundary_note(func, k, trials) if method_id == "wald" else None
    return Estimate(k / trials, low, high, method_id, level, trials, k, cast(Sided, side),
                    remark)


def wald_boundary_note(func: str, k: float, n: float) -> str | None:
    """The note of a Wald interval at k = 0 or k = n (zero width), else None."""
    if k not in (0, n):
        return None
    return (f"{func}: the Wald interval has zero width at {k:g}/{n:g} (a standard error of "
            "0), so it is certain of a value it cannot be; use wilson or clopper-pearson")


def _two_sided(k: int, n: int, tail: float, method: str) -> tuple[float, float]:
    """Both bounds, each leaving probability ``tail`` outside it (statsmodels' order of
    operations, so results agree to the last bit or nearly)."""
    low, high = bounds(np.array([k]), n, tail, method)
    return float(low[0]), float(high[0])


def bounds(
    k: NDArray[np.int64] | NDArray[np.float64], n: float, tail: float, method: str
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """:func:`proportion_ci`'s two bounds for each count in ``k`` out of ``n`` (n > 0),
    each leaving probability ``tail`` outside it — the one computation behind every
    interval, so that planning a test (:func:`medeval.stats.cases_to_pass`) judges a
    count exactly as the evaluation will. ``k`` and ``n`` may be non-integer (an
    effective sample size :math:`n^*` and :math:`\\hat p n^*`, as
    :func:`medeval.stats.proportion_ci_clustered` passes them); the formulas are the
    same."""
    q: NDArray[np.float64] = k / n
    if method == "clopper-pearson":
        with np.errstate(invalid="ignore"):
            low = np.where(k == 0, 0.0, beta.ppf(tail, k, n - k + 1))
            high = np.where(k == n, 1.0, beta.isf(tail, k + 1, n - k))
        return low, high
    if method == "jeffreys":
        return beta.ppf(tail, k + 0.5, n - k + 0.5), beta.isf(tail, k + 0.5, n - k + 0.5)
    crit = float(norm.isf(tail))
    center: NDArray[np.float64]
    if method == "wald":
        center = q
        dist = crit * np.sqrt(q * (1 - q) / n)
    elif method == "agresti-coull":
        n_c = n + crit**2
        center = np.asarray((k + crit**2 / 2.0) / n_c, dtype=np.float64)
        dist = crit * np.sqrt(center * (1.0 - center) / n_c)
    else:  # wilson
        crit2 = crit**2
        denom = 1 + crit2 / n
        center = (q + crit2 / (2 * n)) / denom
        dist = crit * np.sqrt(q * (1.0 - q) / n + crit2 / (4.0 * n**2)) / denom
        # exactly 0 at k = 0 and 1 at k = n; rounding would leave about 1e-18
        low = np.where(k == 0, 0.0, np.clip(center - dist, 0.0, 1.0))
        high = np.where(k == n, 1.0, np.clip(center + dist, 0.0, 1.0))
        return low, high
    return np.clip(center - dist, 0.0, 1.0), np.clip(center + dist, 0.0, 1.0)


def _count(value: object, *, name: str, func: str) -> int:
    """Return ``value`` as a non-negative Python int, or raise naming it."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidInputError(
            f"{func}: {name} must be an integer count, got {value!r} "
            f"({type(value).__name__}); pass an int such as 17"
        )
    count = int(value)
    if count < 0:
        raise InvalidInputError(f"{func}: {name} must be >= 0, got {count}")
    return count


def _counts(successes: object, n: object, *, func: str) -> tuple[int, int]:
    """Validate a (successes, n) pair: integers, non-negative, successes <= n."""
    k = _count(successes, name="successes", func=func)
    trials = _count(n, name="n", func=func)
    if k > trials:
        raise InvalidInputError(
            f"{func}: successes ({k}) exceeds n ({trials}); successes counts the "
            "successes among the n trials"
        )
    return k, trials


def _open_unit(value: object, *, name: str, func: str, hint: str = "") -> float:
    """Return ``value`` as a float strictly between 0 and 1, or raise naming it."""
    example = f" ({hint})" if hint else ""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidInputError(
            f"{func}: {name} must be a number strictly between 0 and 1{example}, "
            f"got {value!r}"
        )
    number = float(value)
    if not 0.0 < number < 1.0:  # also rejects NaN
        raise InvalidInputError(
            f"{func}: {name} must be strictly between 0 and 1{example}, got {value!r}"
        )
    return number
