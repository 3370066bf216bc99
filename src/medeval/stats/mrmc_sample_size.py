"""Power and sample size of a planned two-treatment reader study from the variance
components of a pilot (Hillis, Obuchowski & Berbaum 2011): :func:`mrmc_power` for given
numbers of readers and cases, :func:`mrmc_sample_size` for the cases that give a power.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
from scipy.stats import chi2, ncf, ncx2
from scipy.stats import f as f_dist

from .._canonical import json_data
from .._validation import choice, real_number
from ..errors import InvalidInputError
from ._mrmc_records import MRMCResult, ORComponents

__all__ = ["MRMCPower", "MRMCSampleSize", "PilotComponents", "mrmc_power",
           "mrmc_sample_size"]

Scope = Literal["RRRC", "FRRC", "RRFC"]
SCOPES = ("RRRC", "FRRC", "RRFC")


@dataclass(frozen=True)
class PilotComponents:
    """The Obuchowski–Rockette components a power computation starts from.

    ``var_tr`` is Hillis, Obuchowski & Berbaum (2011)'s eq. 9 estimate
    ``MS(T*R) − Var + Cov1 + max(Cov2 − Cov3, 0)`` (set to 0 when negative, see
    :func:`mrmc_power`); ``var_error``, ``cov1``, ``cov2``, ``cov3`` are the error
    (co)variances of a reader's AUC on ``pilot_cases`` cases.
    """

    var_tr: float
    var_error: float
    cov1: float
    cov2: float
    cov3: float
    pilot_cases: int

    @classmethod
    def from_result(cls, pilot: MRMCResult, *, func: str = "mrmc_power") -> PilotComponents:
        """The components of an OR analysis of a pilot study (:func:`~medeval.stats.mrmc`),
        ``var_tr`` recomputed by eq. 9 from its MS(T*R); a refusal names ``func``."""
        if pilot.method != "OR" or not isinstance(pilot.variance_components, ORComponents):
            raise InvalidInputError(
                f"{func}: the pilot must be an Obuchowski-Rockette analysis; run "
                "mrmc(table, method='OR') on the pilot readings"
            )
        if len(pilot.readers) < 2:
            raise InvalidInputError(
                f"{func}: the pilot has one reader; Var(T*R) and Cov2, Cov3 need two "
                "or more"
            )
        vc = pilot.variance_components
        ms_tr = next(row.ms for row in pilot.anova if row.source == "T*R")
        var_tr = ms_tr - vc.var_error + vc.cov1 + max(vc.cov2 - vc.cov3, 0.0)
        return cls(var_tr, vc.var_error, vc.cov1, vc.cov2, vc.cov3, pilot.n_cases)


@dataclass(frozen=True)
class MRMCPower:
    """The power of a planned two-treatment reader study.

    ``df_den`` is the denominator df of the F test (``inf`` for the fixed-reader
    chi-square test); ``critical_value`` the F (or chi-square) value the test must exceed
    at ``alpha``; ``noncentrality`` the noncentrality parameter under the effect size.
    """

    power: float
    readers: int
    cases: int
    effect_size: float
    alpha: float
    scope: str
    noncentrality: float
    df_den: float
    critical_value: float
    method: str = "hillis-obuchowski-berbaum-2011"

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict for strict JSON (an infinite ``df_den`` as
        ``"Infinity"``, as the result's canonical JSON writes it)."""
        return json_data(asdict(self))


@dataclass(frozen=True)
class MRMCSampleSize:
    """The fewest cases that give ``target_power`` with ``readers`` readers, and the power
    they give (``power``); ``cases`` is None when no number of cases reaches the target
    (``power`` is then that of ``max_cases``)."""

    cases: int | None
    readers: int
    power: float
    target_power: float
    effect_size: float
    alpha: float
    scope: str
    method: str = "hillis-obuchowski-berbaum-2011"

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (for strict JSON)."""
        return json_data(asdict(self))


def _pilot(pilot: MRMCResult | PilotComponents, func: str) -> PilotComponents:
    if isinstance(pilot, MRMCResult):
        return PilotComponents.from_result(pilot, func=func)
    if isinstance(pilot, PilotComponents):
        # components written by hand: every figure a finite number, the pilot's cases a
        # count (pilot_cases / cases scales the case variance: 0 would remove it)
        var_tr, var_error, cov1, cov2, cov3 = (
            real_number(getattr(pilot, name), name=f"the pilot's {name}", func=func)
            for name in ("var_tr", "var_error", "cov1", "cov2", "cov3"))
        cases = _positive_int(pilot.pilot_cases, "the pilot's pilot_cases", 2, func)
        return PilotComponents(var_tr, var_error, cov1, cov2, cov3, cases)
    raise InvalidInputError(
        f"{func}: pilot must be an MRMCResult or PilotComponents, got "
        f"{type(pilot).__name__}"
    )


def _positive_int(value: Any, name: str, minimum: int, func: str) -> int:
    # numpy's integers too (a loop over np.arange(4, 12) readers), as Python ints
    if (isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer))
            or value < minimum):
        raise InvalidInputError(
            f"{func}: {name} must be an integer of at least {minimum}, got {value!r}"
        )
    return int(value)


def mrmc_power(
    pilot: MRMCResult | PilotComponents,
    *,
    readers: int,
    cases: int,
    effect_size: float,
    alpha: float = 0.05,
    scope: Scope = "RRRC",
) -> MRMCPower:
    """Power of a planned two-treatment reader study analysed by Obuchowski–Rockette.

    With ``J`` readers, ``K`` cases, pilot components on ``K*`` cases and effect size
    ``d`` (the difference of the reader-averaged AUCs), Hillis, Obuchowski & Berbaum
    (2011, eqs. 9–10) give for random readers and cases

    .. math::

        D = \\sigma^2_{TR} + \\tfrac{K^*}{K}\\big(\\sigma^2_\\epsilon - \\mathrm{Cov_1}
            + (J-1)\\max(\\mathrm{Cov_2}-\\mathrm{Cov_3}, 0)\\big),\\quad
        \\lambda = \\frac{J d^2}{2D},\\quad
        ddf = \\frac{D^2 (J-1)}{\\big(\\sigma^2_{TR} + \\tfrac{K^*}{K}(\\sigma^2_\\epsilon
            - \\mathrm{Cov_1} - \\max(\\mathrm{Cov_2}-\\mathrm{Cov_3}, 0))\\big)^2}

    and power :math:`P(F_{1, ddf, \\lambda} > F_{1-\\alpha; 1, ddf})`. Fixed readers
    (``"FRRC"``) drop :math:`\\sigma^2_{TR}` and use a chi-square test on 1 df; fixed cases
    (``"RRFC"``) use :math:`D = \\sigma^2_{TR} + \\tfrac{K^*}{K}(\\sigma^2_\\epsilon -
    \\mathrm{Cov_1} - \\max(\\mathrm{Cov_2}-\\mathrm{Cov_3}, 0))` on :math:`J - 1` df.

    Parameters
    ----------
    pilot : MRMCResult or PilotComponents
        An OR analysis of the pilot study (``mrmc(pilot_table)``), or its components.
    readers, cases : int
        The planned numbers of readers (at least 2) and cases (at least 2).
    effect_size : float
        The difference of reader-averaged AUCs the study should detect (its sign does
        not matter).
    alpha : float
        The two-sided significance level of the test.
    scope : {"RRRC", "FRRC", "RRFC"}
        Random readers and cases; fixed readers; fixed cases.

    Returns
    -------
    MRMCPower

    Notes
    -----
    A negative ``var_tr`` (an ANOVA estimate) is set to 0 before use, as RJafroc's
    ``SsPowerGivenJKOrVarCom`` does; the pilot's normal-to-abnormal ratio is assumed for
    the planned study.

    References
    ----------
    Hillis SL, Obuchowski NA, Berbaum KS (2011). Power estimation for multireader ROC
    methods: an updated and unified approach. Acad Radiol 18:129–142.

    Examples
    --------
    >>> pilot = PilotComponents(var_tr=0.0002004, var_error=0.00080229, cov1=0.00034661,
    ...                         cov2=0.00034407, cov3=0.00023903, pilot_cases=114)
    >>> round(mrmc_power(pilot, readers=10, cases=165, effect_size=0.0438).power, 2)
    0.81
    """
    return _power(pilot, readers, cases, effect_size, alpha, scope, "mrmc_power")


def _power(pilot: MRMCResult | PilotComponents, readers: int, cases: int,
           effect_size: float, alpha: float, scope: Scope, func: str) -> MRMCPower:
    """:func:`mrmc_power`'s work; a refusal names ``func``, the function called."""
    comps = _pilot(pilot, func)
    choice(scope, SCOPES, name="scope", func=func)
    readers = _positive_int(readers, "readers", 2, func)
    cases = _positive_int(cases, "cases", 2, func)
    alpha = real_number(alpha, name="alpha", func=func)
    if not 0.0 < alpha < 1.0:
        raise InvalidInputError(f"{func}: alpha must be in (0, 1), got {alpha!r}")
    effect_size = real_number(effect_size, name="effect_size", func=func)
    var_tr = max(comps.var_tr, 0.0)
    ratio = comps.pilot_cases / cases
    spread = max(comps.cov2 - comps.cov3, 0.0)
    within = comps.var_error - comps.cov1
    d2 = float(effect_size) ** 2
    if scope == "FRRC":
        den = ratio * (within + (readers - 1) * spread)
        _check_positive(den, scope, func)
        lam = d2 * readers / 2 / den
        crit = float(chi2.ppf(1 - alpha, 1))
        return MRMCPower(float(ncx2.sf(crit, 1, lam)), readers, cases, float(effect_size),
                         float(alpha), scope, lam, math.inf, crit)
    fixed_cases = var_tr + ratio * (within - spread)
    if scope == "RRRC":
        den = var_tr + ratio * (within + (readers - 1) * spread)
        ddf = den**2 * (readers - 1) / fixed_cases**2 if fixed_cases > 0 else math.inf
    else:
        den = fixed_cases
        ddf = float(readers - 1)
    _check_positive(den, scope, func)
    lam = d2 * readers / 2 / den
    if math.isinf(ddf):  # F(1, inf, lambda) is the noncentral chi-square on 1 df
        crit = float(chi2.ppf(1 - alpha, 1))
        return MRMCPower(float(ncx2.sf(crit, 1, lam)), readers, cases, float(effect_size),
                         float(alpha), scope, lam, ddf, crit)
    crit = float(f_dist.ppf(1 - alpha, 1, ddf))
    # With no effect the statistic is central F and the power is alpha. scipy's ncf.sf
    # at noncentrality 0 is wrong (scipy 1.17: ncf.sf(crit, 1, 5, 0) = -0.95), so the
    # central distribution is used there.
    tail = f_dist.sf(crit, 1, ddf) if lam == 0 else ncf.sf(crit, 1, ddf, lam)
    return MRMCPower(float(tail), readers, cases, float(effect_size),
                     float(alpha), scope, lam, ddf, crit)


def _check_positive(den: float, scope: str, func: str) -> None:
    if not den > 0:
        raise InvalidInputError(
            f"{func}: the pilot's components give a {scope} error variance of {den!r} "
            "(not positive); the power is undefined - check var_error > cov1 and the pilot"
        )


def mrmc_sample_size(
    pilot: MRMCResult | PilotComponents,
    *,
    readers: int,
    effect_size: float,
    power: float = 0.8,
    alpha: float = 0.05,
    scope: Scope = "RRRC",
    max_cases: int = 2000,
) -> MRMCSampleSize:
    """The fewest cases that give a planned reader study ``power`` with ``readers``
    readers (Hillis, Obuchowski & Berbaum 2011).

    The power of :func:`mrmc_power` rises with the cases ``K``; the answer is the smallest
    ``K ≥ 2`` with

    .. math:: \\mathrm{power}(J, K) \\geq \\mathrm{power},

    searched one case at a time up to ``max_cases``. For random readers the power is
    bounded below 1 however many cases are read (the reader variance remains): as
    :math:`K \\to \\infty`, :math:`D \\to \\sigma^2_{TR}` and :math:`ddf \\to J - 1`. A
    readers' count too small for the target at any number of cases gives
    ``cases=None``; a target that more cases than ``max_cases`` would reach is refused
    (raise ``max_cases``), not reported as unreachable.

    Parameters
    ----------
    pilot : MRMCResult or PilotComponents
        An OR analysis of the pilot study, or its components.
    readers : int
        The planned number of readers.
    effect_size : float
        The difference of reader-averaged AUCs to detect.
    power : float
        The power wanted, e.g. 0.8.
    alpha : float
        The significance level.
    scope : {"RRRC", "FRRC", "RRFC"}
        Random readers and cases; fixed readers; fixed cases.
    max_cases : int
        Where the search stops.

    Returns
    -------
    MRMCSampleSize

    Raises
    ------
    InvalidInputError
        When ``max_cases`` fall short of a power that more cases would reach.

    Notes
    -----
    As :func:`mrmc_power`: a negative ``var_tr`` counts as 0, the pilot's case mix is
    assumed.

    References
    ----------
    Hillis SL, Obuchowski NA, Berbaum KS (2011). Power estimation for multireader ROC
    methods: an updated and unified approach. Acad Radiol 18:129–142.

    Examples
    --------
    >>> pilot = PilotComponents(var_tr=0.0002004, var_error=0.00080229, cov1=0.00034661,
    ...                         cov2=0.00034407, cov3=0.00023903, pilot_cases=114)
    >>> mrmc_sample_size(pilot, readers=10, effect_size=0.05).cases
    119
    """
    func = "mrmc_sample_size"
    power = real_number(power, name="power", func=func)
    if not 0.0 < power < 1.0:
        raise InvalidInputError(f"{func}: power must be in (0, 1), got {power!r}")
    max_cases = _positive_int(max_cases, "max_cases", 2, func)
    best = None
    for cases in range(2, max_cases + 1):
        best = _power(pilot, readers, cases, effect_size, alpha, scope, func)
        if best.power >= power:
            return MRMCSampleSize(cases, readers, best.power, float(power),
                                  float(effect_size), float(alpha), scope)
    assert best is not None
    limit = _limit_power(_pilot(pilot, func), readers, float(effect_size), float(alpha), scope)
    if limit >= power:
        raise InvalidInputError(
            f"mrmc_sample_size: {max_cases} cases (max_cases) give power {best.power:.4f}, "
            f"short of {power}, but more cases reach it (the power approaches "
            f"{limit:.4f} as the cases grow, with {readers} readers); raise max_cases"
        )
    return MRMCSampleSize(None, readers, best.power, float(power), float(effect_size),
                          float(alpha), scope)


def _limit_power(comps: PilotComponents, readers: int, effect_size: float, alpha: float,
                 scope: str) -> float:
    """The power as the cases grow without bound: the case terms (K*/K)(...) vanish, so
    D -> Var(T*R) (0 for fixed readers) and the RRRC ddf -> J - 1, RRFC's being J - 1."""
    var_tr = 0.0 if scope == "FRRC" else max(comps.var_tr, 0.0)
    if effect_size == 0:
        return alpha
    if var_tr == 0:
        return 1.0
    lam = readers * effect_size**2 / 2 / var_tr
    ddf = float(readers - 1)
    return float(ncf.sf(f_dist.ppf(1 - alpha, 1, ddf), 1, ddf, lam))
