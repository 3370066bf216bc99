r"""Agreement of measurements with a reference: Bland–Altman, MAE, RMSE, Lin's CCC (and
the ICC, :mod:`medeval.metrics.icc`, importable from here too).

Pairs of measurements (stone size, lesion volume) are ``reference`` first and
``measurement`` second; differences are ``measurement - reference``. Every interval is
an :class:`~medeval.stats.estimate.Estimate` naming its method. Ratings for the ICC are
a subjects × raters array.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import nct, norm
from scipy.stats import t as t_dist

from .._validation import (
    choice,
    confidence_level,
    finite_scores,
    same_index,
    same_length,
)
from .._validation import warn_undefined as _warn_undefined
from ..errors import InvalidInputError
from ..stats.estimate import Estimate
from ._docs import _CONFIDENCE_PARAMETER, _indented_doc_sections, _raises_as
from .icc import ICC_FORMS, IccForm, icc

__all__ = [
    "ICC_FORMS",
    "BlandAltman",
    "IccForm",
    "LoaMethod",
    "bland_altman",
    "icc",
    "lins_ccc",
    "mae",
    "rmse",
]

LoaMethod = Literal["exact", "approximate"]

_agreement_doc = _indented_doc_sections(
    paired_parameters=f"""\
Parameters
----------
reference, measurement : array-like of shape (n,)
    Paired values, ``n >= 2``.
{_CONFIDENCE_PARAMETER}""",
    confidence_parameter=_CONFIDENCE_PARAMETER,
    paired_raises=_raises_as("bland_altman"),
)


@dataclass(frozen=True)
class BlandAltman:
    """Bias and limits of agreement of a measurement method against a reference.

    Attributes
    ----------
    bias : Estimate
        Mean difference (measurement − reference) with its t-based CI (method ``"t"``).
    lower_loa, upper_loa : Estimate
        Bias ∓ z·SD with their CIs (method ``"carkeet-exact"`` or
        ``"bland-altman-1986"``).
    sd : float
        Standard deviation of the differences (divisor n − 1).
    n : int
        Number of pairs.
    loa_coverage : float
        The share of differences the limits are meant to cover (0.95: z = 1.95996).
    definition : str
        ``"bland_altman"``.
    """

    bias: Estimate
    lower_loa: Estimate
    upper_loa: Estimate
    sd: float
    n: int
    loa_coverage: float
    definition: str = "bland_altman"


def bland_altman(
    reference: ArrayLike,
    measurement: ArrayLike,
    *,
    confidence: float = 0.95,
    loa_coverage: float = 0.95,
    loa_method: LoaMethod = "exact",
) -> BlandAltman:
    r"""Bland–Altman bias and limits of agreement, each with a confidence interval.

    With differences :math:`d_i = m_i - r_i`, their mean :math:`\bar d`, standard
    deviation :math:`s` (divisor :math:`n-1`), :math:`z = \Phi^{-1}((1+p)/2)` for the
    coverage :math:`p`, :math:`\alpha = 1 - \text{confidence}` and
    :math:`t = t_{n-1,\,1-\alpha/2}`:

    .. math::

        \text{bias} = \bar d \pm t\,\frac{s}{\sqrt n}, \qquad
        \text{LoA} = \bar d \mp z s

        \text{exact (Carkeet 2015):}\quad \text{upper LoA} \in
        \Big[\bar d + \frac{s\,t'_{\alpha/2}}{\sqrt n},\
             \bar d + \frac{s\,t'_{1-\alpha/2}}{\sqrt n}\Big], \quad
        t'_q = q\text{-quantile of the noncentral } t(n-1,\ z\sqrt n)

        \text{approximate (Bland \& Altman 1986):}\quad
        \text{LoA} \pm t\,\sqrt{3 s^2 / n}

    and the lower limit's exact interval is the mirror image,
    :math:`[\bar d - s\,t'_{1-\alpha/2}/\sqrt n,\ \bar d - s\,t'_{\alpha/2}/\sqrt n]`.

    Parameters
    ----------
    reference : array-like of shape (n,)
        Reference values.
    measurement : array-like of shape (n,)
        The method under test, paired with ``reference``.
    confidence : float, default 0.95
        Level of every confidence interval.
    loa_coverage : float, default 0.95
        The limits of agreement are :math:`\bar d \pm z s` with this two-sided normal
        coverage (0.95 gives z = 1.959964; Bland & Altman 1986 used 2, i.e.
        ``2 * Φ(2) − 1``).
    loa_method : {"exact", "approximate"}, default "exact"
        CI of the limits: Carkeet's exact interval, or Bland & Altman's approximate
        standard error :math:`\sqrt{3 s^2/n}` with a t quantile (derived for the 95 %
        limits: ``loa_coverage`` 0.95, or ``2 * Φ(2) − 1``, only).

    Returns
    -------
    BlandAltman

    Raises
    ------
    InvalidInputError
        Arrays not one-dimensional, not numeric, containing NaN or inf or a value beyond
        ``MAX_MAGNITUDE`` (1e75) in magnitude, of different lengths, fewer than 2 pairs;
        ``confidence`` or ``loa_coverage`` outside (0, 1);
        an unknown ``loa_method``; ``loa_method="approximate"`` with limits other than
        the 95 % ones (z between 1.95 and 2).

    Notes
    -----
    The exact interval assumes normally distributed differences: the statistic
    :math:`\sqrt n(\mu + z\sigma - \bar d)/s` is noncentral t with n − 1 degrees of
    freedom and noncentrality :math:`z\sqrt n`, which gives the interval above exactly
    (Carkeet 2015). The approximate interval is the one printed in Bland & Altman
    (1986, Lancet), derived for z = 2; it is narrower than the exact one for small n.
    Identical differences (s = 0) give intervals of zero width at :math:`\bar d`.
    Two pairs are accepted (one degree of freedom; very wide intervals).

    References
    ----------
    Bland JM, Altman DG. Statistical methods for assessing agreement between two methods
    of clinical measurement. Lancet 1986;1(8476):307-310.

    Bland JM, Altman DG. Measuring agreement in method comparison studies. Stat Methods
    Med Res 1999;8:135-160.

    Carkeet A. Exact parametric confidence intervals for Bland-Altman limits of
    agreement. Optom Vis Sci 2015;92(3):e71-e80.

    Examples
    --------
    >>> ba = bland_altman([10, 12, 14, 16, 18], [11, 12, 15, 18, 18])
    >>> round(ba.bias.value, 3), round(ba.bias.low, 3), round(ba.bias.high, 3)
    (0.8, -0.239, 1.839)
    >>> round(ba.upper_loa.value, 3), ba.upper_loa.method
    (2.44, 'carkeet-exact')
    """
    func = "bland_altman"
    diff = _differences(reference, measurement, func=func)
    level = confidence_level(confidence, func=func)
    coverage = confidence_level(loa_coverage, func=func, name="loa_coverage")
    method = choice(loa_method, get_args(LoaMethod), name="loa_method", func=func)
    n = len(diff)
    mean = float(diff.mean())
    sd = float(diff.std(ddof=1))
    z = float(norm.ppf((1.0 + coverage) / 2.0))
    alpha = 1.0 - level
    t = float(t_dist.ppf(1.0 - alpha / 2.0, n - 1))
    half = t * sd / math.sqrt(n)
    bias = Estimate(mean, mean - half, mean + half, "t", level, n)
    lower, upper = mean - z * sd, mean + z * sd
    if method == "exact":
        q_low, q_high = (
            float(x) / math.sqrt(n)
            for x in nct.ppf([alpha / 2.0, 1.0 - alpha / 2.0], n - 1, z * math.sqrt(n))
        )
        upper_ci = (mean + sd * q_low, mean + sd * q_high)
        lower_ci = (mean - sd * q_high, mean - sd * q_low)
        name = "carkeet-exact"
    else:
        # 3 s^2 / n is s^2 (1/n + z^2 / (2 n)) at z = 2 (the 1986 paper's limits, and
        # 1.96 near enough); for other limits it would be a wrong standard error
        if not 1.95 <= z <= 2.0 + 1e-9:
            raise InvalidInputError(
                f"{func}: loa_method='approximate' is Bland & Altman's (1986) standard "
                f"error sqrt(3 s^2 / n) of the 95 % limits (z = 1.96, or 2); "
                f"loa_coverage={loa_coverage!r} gives z = {z:.4f}: use loa_method='exact' "
                "(Carkeet's interval, for any coverage)")
        se = math.sqrt(3.0 * sd**2 / n)
        upper_ci = (upper - t * se, upper + t * se)
        lower_ci = (lower - t * se, lower + t * se)
        name = "bland-altman-1986"
    return BlandAltman(
        bias=bias,
        lower_loa=Estimate(lower, lower_ci[0], lower_ci[1], name, level, n),
        upper_loa=Estimate(upper, upper_ci[0], upper_ci[1], name, level, n),
        sd=sd,
        n=n,
        loa_coverage=coverage,
    )


@_agreement_doc
def mae(reference: ArrayLike, measurement: ArrayLike, *, confidence: float = 0.95) -> Estimate:
    r"""Mean absolute error with a t-based confidence interval.

    .. math::

        \text{MAE} = \frac1n \sum_i |m_i - r_i|, \qquad
        \text{CI} = \text{MAE} \pm t_{n-1,\,1-\alpha/2}\,\frac{s_{|d|}}{\sqrt n}

    with :math:`s_{|d|}` the standard deviation (divisor n − 1) of the absolute errors.

    %(paired_parameters)s

    Returns
    -------
    Estimate
        Method ``"t"``: the t interval for the mean of the absolute errors, in the unit
        of the measurements. The lower bound is clipped at 0: no MAE is below 0, so the
        coverage is the t interval's (see :func:`rmse`).

    %(paired_raises)s

    Notes
    -----
    The interval is a large-sample (central limit) interval: absolute errors are not
    normal, so its coverage is approximate for small n. Equal absolute errors give a
    zero-width interval.

    References
    ----------
    Willmott CJ, Matsuura K. Advantages of the mean absolute error (MAE) over the root
    mean square error (RMSE) in assessing average model performance. Clim Res
    2005;30:79-82.

    Examples
    --------
    >>> e = mae([10, 12, 14, 16], [11, 12, 12, 17])
    >>> e.value, round(e.high, 4)
    (1.0, 2.2992)
    """
    func = "mae"
    errors = np.abs(_differences(reference, measurement, func=func))
    level = confidence_level(confidence, func=func)
    value, low, high = _t_interval(errors, level)
    return Estimate(value, max(low, 0.0), high, "t", level, len(errors))


@_agreement_doc
def rmse(reference: ArrayLike, measurement: ArrayLike, *, confidence: float = 0.95) -> Estimate:
    r"""Root mean square error with a confidence interval from the mean squared error.

    .. math::

        \text{RMSE} = \sqrt{\frac1n \sum_i (m_i - r_i)^2}, \qquad
        \text{CI} = \Big[\sqrt{\max(0,\ \text{MSE} - t\,s_{d^2}/\sqrt n)},\
                         \sqrt{\text{MSE} + t\,s_{d^2}/\sqrt n}\Big]

    with :math:`s_{d^2}` the standard deviation (divisor n − 1) of the squared errors
    and :math:`t = t_{n-1,\,1-\alpha/2}`.

    %(paired_parameters)s

    Returns
    -------
    Estimate
        Method ``"t-mse-sqrt"``: the t interval of the mean squared error, square-rooted;
        its lower bound is 0 where the MSE's t interval reaches below 0.

    %(paired_raises)s

    Notes
    -----
    A large-sample interval: the t interval (central limit theorem) of the mean of the
    squared errors :math:`d_i^2`, which are skewed, so its coverage is approximate for
    small n. Equal squared errors give a zero-width interval.

    Where :math:`\text{MSE} - t\,s_{d^2}/\sqrt n < 0` (few cases, or one large error
    among small ones) the lower bound is 0, and kept so, because:

    - no MSE is below 0, so the part of the t interval below 0 holds no possible value
      of the parameter; the clipped interval contains the true MSE exactly when the
      t interval does, so its coverage is the t interval's (an interval intersected
      with the parameter space; Mandelkern 2002), and the square root, increasing,
      carries that coverage to the RMSE;
    - the square root of a negative bound is undefined: not clipping would make the
      lower bound NaN on data that do bound the RMSE from above;
    - the guarded decision on an RMSE (lower is better) reads the upper bound, which
      the clipping does not touch; a lower bound of 0 only says these data cannot rule
      out a very small RMSE.

    A lower bound of exactly 0 is therefore also a sign that the normal approximation
    is rough on these errors. :func:`mae` clips at 0 for the same reasons.

    References
    ----------
    Willmott CJ, Matsuura K. Clim Res 2005;30:79-82.

    Mandelkern M. Setting confidence intervals for bounded parameters. Stat Sci
    2002;17:149-172.

    Examples
    --------
    >>> e = rmse([10, 12, 14, 16], [11, 12, 12, 17])
    >>> round(e.value, 4)
    1.2247
    """
    func = "rmse"
    squares = _differences(reference, measurement, func=func) ** 2
    level = confidence_level(confidence, func=func)
    value, low, high = _t_interval(squares, level)
    return Estimate(
        math.sqrt(value), math.sqrt(max(low, 0.0)), math.sqrt(high), "t-mse-sqrt", level,
        len(squares),
    )


@_agreement_doc
def lins_ccc(
    reference: ArrayLike, measurement: ArrayLike, *, confidence: float = 0.95
) -> Estimate:
    r"""Lin's concordance correlation coefficient with its Fisher-z confidence interval.

    With means :math:`\bar x, \bar y` (reference, measurement), variances and covariance
    with divisor :math:`n` (Lin 1989), Pearson's :math:`r`, the bias-correction factor
    :math:`C_b = 2 s_x s_y / (s_x^2 + s_y^2 + (\bar x - \bar y)^2)` and
    :math:`u = (\bar x - \bar y)/\sqrt{s_x s_y}`:

    .. math::

        \rho_c = \frac{2 s_{xy}}{s_x^2 + s_y^2 + (\bar x - \bar y)^2} = r\,C_b

        \hat\sigma^2_{Z} = \frac{1}{n-2}\left[
            \frac{(1-r^2)\,C_b^2}{1-\rho_c^2}
            + \frac{2 C_b\,\rho_c^2 (1-\rho_c)\,u^2}{(1-\rho_c^2)^2}
            - \frac{C_b^2\,\rho_c^2\,u^4}{2 (1-\rho_c^2)^2}\right]

        \text{CI} = \tanh\!\big(\operatorname{atanh}\rho_c \pm
            z_{1-\alpha/2}\,\hat\sigma_Z\big)

    The variance is Lin's (1989) formula as corrected by Lin (2000), written with
    :math:`C_b = \rho_c / r` so that it stays defined at :math:`r = 0`; it is the one of
    R's ``epiR::epi.ccc`` and ``DescTools::CCC`` (``ci = "z-transform"``).

    %(paired_parameters)s

    Returns
    -------
    Estimate
        Method ``"lin-z"``.

    %(paired_raises)s

    Warns
    -----
    UndefinedMetricWarning
        Both series constant and equal (value and CI NaN); a constant series,
        :math:`|\rho_c| = 1`, ``n = 2``, or a non-positive variance estimate (CI NaN, the
        value kept). The warning's text is also the estimate's ``note``.

    Notes
    -----
    Both series constant at the same value: 0/0, NaN. One constant (or both, at
    different values): :math:`\rho_c = 0` but :math:`r` and :math:`u` are undefined, so
    the CI is NaN, and the note names the constant series. A constant reference (a phantom
    of one known size) gives 0 whatever the measurements: there the CCC says nothing of
    their agreement, and bias, limits of agreement and MAE do. Perfect concordance
    (:math:`\rho_c = 1`, every pair equal) has an infinite z; its CI is NaN. Near it,
    :math:`\rho_c` is computed as
    :math:`1 - \overline{(x - y)^2} / (s_x^2 + s_y^2 + (\bar x - \bar y)^2)`, the same
    number, so that it stays at most 1 and inside its interval (it may round to 1.0 with a
    defined interval when the pairs differ by a few parts in :math:`10^{16}`).
    ``n = 2`` leaves no degree of freedom for the variance (CI NaN).

    References
    ----------
    Lin LI-K. A concordance correlation coefficient to evaluate reproducibility.
    Biometrics 1989;45:255-268.

    Lin LI-K. A note on the concordance correlation coefficient. Biometrics
    2000;56:324-325.

    Examples
    --------
    >>> e = lins_ccc([1, 2, 3, 4, 5], [1.1, 2.3, 2.9, 4.2, 5.4])
    >>> round(e.value, 4), round(e.low, 4), round(e.high, 4)
    (0.9855, 0.9004, 0.998)
    """
    func = "lins_ccc"
    same_index(func, reference=reference, measurement=measurement)
    x = finite_scores(reference, name="reference", func=func)
    y = finite_scores(measurement, name="measurement", func=func)
    n = _pairs(func, x, y)
    level = confidence_level(confidence, func=func)
    sx2, sy2 = float(x.var()), float(y.var())
    sxy = float(((x - x.mean()) * (y - y.mean())).mean())
    # the mean difference, not the difference of the means: each mean of values near
    # 1e8 is off by ~1e-8, which a shift of 0.16 kept (the concordance 1e-10 off)
    shift = float(np.mean(x - y))
    denominator = sx2 + sy2 + shift**2
    if denominator == 0.0:
        note = f"{func}: both series are constant and equal, so the concordance is 0/0; NaN"
        nan = _warn_undefined(note)
        return Estimate(nan, nan, nan, "lin-z", level, n, note=note)
    ccc = 2.0 * sxy / denominator
    reason = ""
    # 1 - rho_c from the pairs (see below): rho_c = 1 exactly when every x equals its y,
    # which a rounded 2 s_xy / denominator of 1.0 does not tell
    msd = float(np.mean((x - y) ** 2))
    gap = msd / denominator
    if gap <= 0.5:
        # near agreement rho_c as 1 - gap, the interval's own centre: 2 s_xy / denominator
        # rounds to a few units in the last place of 1, so it could exceed 1 and fall
        # outside an interval formed from the gap
        ccc = 1.0 - gap
    if sx2 == 0.0 or sy2 == 0.0:
        # which one: a constant reference (a phantom of one known size) makes the
        # concordance 0 whatever the measurements, which "a series" did not tell
        reason = (("the reference is constant, so the concordance is 0 whatever the "
                   "measurements" if sy2 != 0.0 else
                   "the measurement is constant" if sx2 != 0.0 else
                   "both series are constant, at different values")
                  + ", and r and u are undefined")
    elif gap == 0.0 or gap >= 2.0:
        reason = "|concordance| = 1, so its z-transform is infinite"
    elif n < 3:
        reason = "n = 2 leaves no degree of freedom (n - 2 = 0)"
    else:
        # The formula above, with r C_b = rho_c and C_b u^2 = 2 w, w = shift^2 / denominator:
        # no quotient by sqrt(s_x s_y), which overflows u^4 when a variance is subnormal.
        # Near perfect agreement 1 - rho_c^2 and C_b^2 - rho_c^2 are differences of
        # numbers near 1, which cancel (the same data in another order gave a variance of
        # -2.87, NaN, or a defined interval). They are formed from the pairs instead, and
        # every quotient by 1 - rho_c^2 is taken as a ratio bounded by 1 (no underflow):
        # with msd = mean((x - y)^2) = var(x - y) + shift^2, 1 - rho_c = gap = msd /
        # denominator, 1 - rho_c^2 = gap (2 - gap), C_b - rho_c = 2 s_x s_y (1 - r) /
        # denominator where 1 - r = mean((z_x - z_y)^2) / 2 (z: the standardised series)
        # and 2 s_x s_y (1 - r) <= var(x - y) <= msd, w / gap = shift^2 / msd <= 1, and
        # z = atanh(rho_c) = log((2 - gap) / gap) / 2.
        sx, sy = math.sqrt(sx2), math.sqrt(sy2)
        one_minus_r = float(np.mean(((x - x.mean()) / sx - (y - y.mean()) / sy) ** 2)) / 2.0
        cb = 2.0 * sx * sy / denominator
        k = 1.0 / (2.0 - gap)
        v = shift**2 / msd * k  # w / (1 - rho_c^2)
        variance = (
            2.0 * sx * sy * one_minus_r / msd * (cb + ccc) * k
            + 4.0 * ccc**2 * k * v
            - 2.0 * ccc**2 * v**2
        ) / (n - 2)
        if variance > 0.0 and math.isfinite(variance):
            half = float(norm.ppf(1.0 - (1.0 - level) / 2.0)) * math.sqrt(variance)
            # atanh(rho_c) from the gap near 1, where rho_c has lost its digits; from
            # rho_c itself below 1/2, where (2 - gap) / gap is near 1 and its log would
            # lose them (1e-13 relative at rho_c = 4e-4)
            z = 0.5 * math.log((2.0 - gap) / gap) if ccc >= 0.5 else math.atanh(ccc)
            return Estimate(ccc, math.tanh(z - half), math.tanh(z + half), "lin-z", level, n)
        reason = f"the variance estimate is {variance!r}, not positive"
    note = f"{func}: the confidence interval is undefined: {reason}; NaN"
    nan = _warn_undefined(note)
    return Estimate(ccc, nan, nan, "lin-z", level, n, note=note)


#: The largest magnitude of a value the agreement measures take: the fourth powers of the
#: differences (at most (2e75)^4 = 1.6e301; the standard deviation of the squared errors,
#: behind RMSE's interval, squares them again), and sums of a million of them, stay finite
#: in float64. Beyond it lins_ccc raised OverflowError and the others gave inf or NaN with
#: numpy's overflow warnings. No measurement comes near it.
MAX_MAGNITUDE = 1e75


def _pairs(func: str, x: NDArray[np.float64], y: NDArray[np.float64]) -> int:
    n = same_length(func, reference=x, measurement=y)
    if n < 2:
        raise InvalidInputError(f"{func}: at least 2 pairs are needed, got {n}")
    for name, values in (("reference", x), ("measurement", y)):
        beyond = np.flatnonzero(np.abs(values) > MAX_MAGNITUDE)
        if beyond.size:
            shown = ", ".join(f"{values[i]:g} at position {i}" for i in beyond[:3])
            raise InvalidInputError(
                f"{func}: {name} holds {beyond.size} value(s) beyond {MAX_MAGNITUDE:g} in "
                f"magnitude ({shown}{', ...' if beyond.size > 3 else ''}): their powers "
                "overflow, so no agreement figure can be computed: is it a measurement?")
    return n


def _differences(reference: ArrayLike, measurement: ArrayLike, *, func: str) -> NDArray[np.float64]:
    same_index(func, reference=reference, measurement=measurement)
    x = finite_scores(reference, name="reference", func=func)
    y = finite_scores(measurement, name="measurement", func=func)
    _pairs(func, x, y)
    diff: NDArray[np.float64] = y - x
    return diff


def _t_interval(values: NDArray[np.float64], level: float) -> tuple[float, float, float]:
    n = len(values)
    mean = float(values.mean())
    half = float(t_dist.ppf(1.0 - (1.0 - level) / 2.0, n - 1)) * float(
        values.std(ddof=1)
    ) / math.sqrt(n)
    return mean, mean - half, mean + half
