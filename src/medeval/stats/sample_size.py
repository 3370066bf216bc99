"""How many cases a test set needs: to estimate sensitivity or specificity to a precision
(:func:`sample_size`, Buderer), or to give a device as good as expected a fair chance of
passing its goal under the guarded decision rule (:func:`cases_to_pass`, exact binomial).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass
from typing import Any, Literal, cast

import numpy as np
from scipy.special import bdtr, bdtrc
from scipy.stats import norm

from .._validation import choice, confidence_level
from ..errors import InvalidInputError
from .clustered import design_effect_from_icc
from .intervals import PROPORTION_METHODS, ProportionMethod, _open_unit, bounds

__all__ = ["PassPlan", "SampleSize", "cases_to_pass", "sample_size"]

Measure = Literal["sensitivity", "specificity"]


@dataclass(frozen=True)
class SampleSize:
    """A sample size after Buderer (1996), with the inputs it was computed from.

    Parameters
    ----------
    total : int
        The number of participants to enrol (all cases, with and without the
        condition) so that, at the expected prevalence, enough of the group the
        measure is computed on are included.
    n_group : int
        The number of cases needed in that group: with the condition (``positives``)
        for sensitivity, without it (``negatives``) for specificity.
    group : {"positives", "negatives"}
        Which group ``n_group`` counts.
    measure : {"sensitivity", "specificity"}
        The measure to be estimated.
    expected : float
        The expected (anticipated) value of the measure.
    half_width : float
        The required half-width :math:`W` of its confidence interval.
    prevalence : float
        The expected prevalence of the condition among enrolled participants.
    confidence : float
        The confidence level of the interval.
    z : float
        The normal quantile used, :math:`\\Phi^{-1}(1 - (1 - \\text{confidence})/2)`.
    method : str
        ``"buderer-1996"``.
    design_effect : float
        The design effect the sizes were multiplied by (1 without clustering).
    cases_per_patient : float or None
        The cases per patient given with ``icc`` (None otherwise).
    patients : int or None
        ``ceil(total / cases_per_patient)`` when ``cases_per_patient`` was given.
    """

    total: int
    n_group: int
    group: Literal["positives", "negatives"]
    measure: Measure
    expected: float
    half_width: float
    prevalence: float
    confidence: float
    z: float
    method: str = "buderer-1996"
    design_effect: float = 1.0
    cases_per_patient: float | None = None
    patients: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (for JSON)."""
        return asdict(self)


def sample_size(
    expected: float,
    *,
    half_width: float,
    prevalence: float,
    confidence: float = 0.95,
    measure: Measure = "sensitivity",
    design_effect: float | None = None,
    icc: float | None = None,
    cases_per_patient: float | None = None,
) -> SampleSize:
    r"""Cases needed to estimate sensitivity or specificity within :math:`\pm W` (Buderer).

    With :math:`p` the expected sensitivity (or specificity), :math:`W` the required
    half-width of its confidence interval, :math:`z = \Phi^{-1}(1 - \alpha/2)` and
    :math:`P` the prevalence of the condition:

    .. math::

        n_\text{group} = \frac{z^2\, p(1 - p)}{W^2},\qquad
        N = \frac{n_\text{group}}{P}\ \text{(sensitivity)},\qquad
        N = \frac{n_\text{group}}{1 - P}\ \text{(specificity)},

    each rounded **up** to an integer, :math:`N` from the unrounded
    :math:`n_\text{group}` (one rounding, as in Buderer's worked example).

    Parameters
    ----------
    expected : float
        The anticipated sensitivity (or specificity), strictly between 0 and 1.
    half_width : float
        The required half-width :math:`W` of the confidence interval (the "±"),
        strictly between 0 and 1; 0.05 for ±5 percentage points.
    prevalence : float
        The expected prevalence of the condition in the enrolled population, strictly
        between 0 and 1.
    confidence : float, default 0.95
        Confidence level of the interval.
    measure : {"sensitivity", "specificity"}, default "sensitivity"
        Sensitivity needs cases with the condition (``n_group`` positives, divided by
        the prevalence); specificity needs cases without it (negatives, divided by
        1 − prevalence).
    design_effect : float, optional
        Several cases per patient: the design effect :math:`d \ge 1` the clustered
        interval (:func:`~medeval.stats.proportion_ci_clustered`) is expected to have;
        both sizes are multiplied by it before rounding (Kish 1965). Or give
    icc, cases_per_patient : float, optional
        the intra-patient correlation :math:`\rho` of the outcome and the mean number
        :math:`m` of cases per patient, and :math:`d = 1 + (m - 1)\rho`; then
        ``patients`` is the number of patients to enrol.

    Returns
    -------
    SampleSize
        ``total``, ``n_group``, ``group`` and the inputs.

    Raises
    ------
    InvalidInputError
        ``expected``, ``half_width`` or ``prevalence`` not a number strictly between 0
        and 1, ``confidence`` outside (0, 1), an unknown ``measure``.

    Notes
    -----
    * Rounding: :math:`N = \lceil z^2 p(1-p) / (W^2 P) \rceil`, computed from the
      unrounded group size, and :math:`n_\text{group} = \lceil z^2 p(1-p)/W^2 \rceil`.
      Buderer's appendix example (sensitivity 0.90, specificity 0.85, prevalence 0.20,
      W = 0.10) needs 173 participants for sensitivity (172.9 rounded up; rounding the
      34.6 positives to 35 first would give 175), the value the R package presize
      reproduces. So Se 0.90, W 0.05, prevalence 0.2 needs
      :math:`\lceil 138.29 / 0.2 \rceil = 692` participants, of whom 139 positives.
    * Before rounding, values are rounded to 9 decimals so that floating-point noise
      above an exact integer (100.0000000001) does not add a case.
    * :math:`z` is the exact normal quantile (1.959964 at 95%), not 1.96; the two
      can differ by one case near an integer.
    * To size a study for both measures, call twice and take the larger ``total``.
    * With a design effect :math:`d`: :math:`n_\text{group} = \lceil d\, z^2 p(1-p)/W^2
      \rceil` cases, :math:`N = \lceil d\, z^2 p(1-p)/(W^2 P)\rceil`; e.g. four views
      per exam with :math:`\rho = 0.2` give :math:`d = 1.6`.
    * The formula is the normal approximation (Wald); for an expected value near 0 or
      1 and a small :math:`n_\text{group}` it can undershoot the width that an exact
      or Wilson interval will then have.

    References
    ----------
    Buderer NM. Statistical methodology: I. Incorporating the prevalence of disease into
    the sample size calculation for sensitivity and specificity. Acad Emerg Med
    1996;3:895-900.

    Examples
    --------
    By hand (Buderer 1996): 1.96² × 0.9 × 0.1 / 0.05² = 138.3 positives, rounded up to
    139; total 138.3 / 0.2 = 691.5, rounded up to 692.

    >>> s = sample_size(0.90, half_width=0.05, prevalence=0.2)
    >>> s.n_group, s.total
    (139, 692)
    >>> sample_size(0.85, half_width=0.10, prevalence=0.2, measure="specificity").total
    62

    Ten frames per patient with an intra-patient correlation of 0.2: :math:`d = 2.8`,
    :math:`2.8 \times 138.29 = 387.2`, so 388 positive frames; :math:`387.2 / 0.2 =
    1936.1`, so 1937 frames in all, of 194 patients:

    >>> s = sample_size(0.90, half_width=0.05, prevalence=0.2, icc=0.2, cases_per_patient=10)
    >>> s.design_effect, s.n_group, s.total, s.patients
    (2.8, 388, 1937, 194)
    """
    func = "sample_size"
    p = _open_unit(expected, name="expected", func=func, hint="e.g. 0.90")
    width = _open_unit(half_width, name="half_width", func=func, hint="e.g. 0.05 for ±5 points")
    prev = _open_unit(prevalence, name="prevalence", func=func, hint="e.g. 0.2")
    level = confidence_level(confidence, func=func)
    kind = cast(Measure, choice(measure, ("sensitivity", "specificity"), name="measure", func=func))
    deff, per_patient = _design_effect(design_effect, icc, cases_per_patient, func=func)
    z = float(norm.isf((1.0 - level) / 2.0))
    share = prev if kind == "sensitivity" else 1.0 - prev
    square = width**2  # 0.0 below about 1e-162
    group_size = deff * z**2 * p * (1.0 - p) / square if square > 0 else math.inf
    if not group_size / share <= MAX_COUNT:
        raise InvalidInputError(
            f"{func}: half_width {width!r} (with design effect {deff:g}) asks for more "
            f"than 2**53 cases, a count no float holds exactly (z^2 p (1 - p) d / W^2 = "
            f"{group_size / share:.3g}); give the half-width as a proportion, e.g. 0.05 "
            "for +-5 points")
    total = _ceil(group_size / share)
    return SampleSize(
        total=total,
        n_group=_ceil(group_size),
        group="positives" if kind == "sensitivity" else "negatives",
        measure=kind,
        expected=p,
        half_width=width,
        prevalence=prev,
        confidence=level,
        z=z,
        design_effect=deff,
        cases_per_patient=per_patient,
        patients=None if per_patient is None else _ceil(total / per_patient),
    )


def _design_effect(
    design_effect: float | None, icc: float | None, cases_per_patient: float | None, *,
    func: str,
) -> tuple[float, float | None]:
    """The design effect given directly, or from the ICC and the cases per patient."""
    if design_effect is not None:
        if icc is not None or cases_per_patient is not None:
            raise InvalidInputError(
                f"{func}: give design_effect, or icc with cases_per_patient, not both")
        if (isinstance(design_effect, (bool, np.bool_))
                or not isinstance(design_effect, numbers.Real)
                or not 1.0 <= design_effect < math.inf):  # numpy's numbers are Real too
            raise InvalidInputError(
                f"{func}: design_effect must be a number >= 1 (1 = one case per patient), "
                f"got {design_effect!r}")
        return float(design_effect), None
    if (icc is None) != (cases_per_patient is None):
        raise InvalidInputError(
            f"{func}: icc and cases_per_patient go together (the design effect is "
            "1 + (m - 1) x the ICC, for m cases per patient); give both or neither")
    if icc is None or cases_per_patient is None:
        return 1.0, None
    return design_effect_from_icc(icc, cases_per_patient, func=func), float(cases_per_patient)


#: The largest count planned: beyond 2**53 a float no longer holds every integer, so a
#: count printed from one would show digits that were never computed (design effect
#: 1e299 printed a 300-digit total).
MAX_COUNT = 2.0**53


def _ceil(value: float) -> int:
    """Round up, ignoring floating-point noise beyond 9 decimals."""
    return math.ceil(round(value, 9))



@dataclass(frozen=True)
class PassPlan:
    """How many cases a proportion's test needs to PASS its goal with a given probability.

    Parameters
    ----------
    n_group : int
        Cases needed in the group the measure is computed on (positives for
        sensitivity, negatives for specificity): the smallest :math:`n` from which the
        probability of PASS stays at or above ``power`` up to :math:`2n` (see
        :func:`cases_to_pass` on the saw-tooth).
    total : int or None
        Participants to enrol at the expected ``prevalence``; None when none was given.
    least_successes : int
        At ``n_group``: the fewest correct cases (true positives for sensitivity) whose
        interval's lower bound meets the goal, i.e. the least count that passes.
    pass_probability, fail_probability, inconclusive_probability : float
        At ``n_group``, when the true value is ``expected``: the chance of each verdict
        of the guarded rule (PASS: lower bound >= goal; FAIL: upper bound < goal).
    first_n : int
        The smallest :math:`n` whose probability of PASS reaches ``power``; it may dip
        below again for some larger :math:`n` (the binomial saw-tooth).
    group, measure, expected, goal, power, method, confidence, prevalence
        The inputs.
    rule : str
        ``"guarded"``.
    design_effect : float
        The design effect planned for (1 without clustering); with :math:`d > 1` the
        verdict probabilities are those at ``effective_n`` (see :func:`cases_to_pass`).
    effective_n : int
        The effective group size :math:`n^*` the probabilities were computed at
        (``n_group`` when :math:`d = 1`).
    patients : int or None
        Patients to enrol for ``n_group`` when ``cases_per_patient`` was given.
    """

    n_group: int
    total: int | None
    least_successes: int
    pass_probability: float
    fail_probability: float
    inconclusive_probability: float
    first_n: int
    group: Literal["positives", "negatives"]
    measure: Measure
    expected: float
    goal: float
    power: float
    method: str
    confidence: float
    prevalence: float | None
    rule: str = "guarded"
    design_effect: float = 1.0
    effective_n: int = 0
    patients: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (for JSON)."""
        return asdict(self)


def cases_to_pass(
    expected: float,
    goal: float,
    *,
    method: ProportionMethod,
    power: float = 0.8,
    confidence: float = 0.95,
    prevalence: float | None = None,
    measure: Measure = "sensitivity",
    max_n: int = 100_000,
    design_effect: float | None = None,
    icc: float | None = None,
    cases_per_patient: float | None = None,
) -> PassPlan:
    r"""Cases a test needs so that a device as good as ``expected`` PASSes ``goal`` with
    probability ``power``, judged as medeval judges it (guarded rule, exact binomial).

    A criterion such as "sensitivity >= 0.90" is judged by guarded acceptance: PASS when
    the lower bound :math:`L(k, n)` of the proportion's two-sided interval (``method``,
    ``confidence``) meets the goal :math:`g`, FAIL when the upper bound :math:`U(k, n)`
    is below it, INCONCLUSIVE otherwise. With :math:`k \sim \mathrm{Bin}(n, p)` correct
    cases out of :math:`n` when the true value is :math:`p` (``expected``):

    .. math::

        P_\text{pass}(n) = \sum_{k:\,L(k,n) \ge g} \binom{n}{k} p^k (1-p)^{n-k},\qquad
        P_\text{fail}(n) = \sum_{k:\,U(k,n) < g} \binom{n}{k} p^k (1-p)^{n-k}.

    The bounds are those :func:`medeval.stats.proportion_ci` computes — the same code —
    so a plan and the evaluation it plans can not disagree on which count passes.

    Parameters
    ----------
    expected : float
        The value the device is expected to have, strictly between 0 and 1; above
        ``goal``, else it cannot be expected to pass.
    goal : float
        The criterion's goal, strictly between 0 and 1.
    method : {"wilson", "clopper-pearson", "jeffreys", "agresti-coull"}
        The protocol's ``statistics.proportion_method`` (medeval's default: wilson).
        Wald is refused: its interval has zero width at :math:`k = n`, which the
        guarded rule judges INCONCLUSIVE while :math:`n - 1` of :math:`n` can PASS, so
        no least passing count gives its chance of PASS.
    power : float, default 0.8
        The probability of PASS wanted at the expected value, strictly between 0 and 1.
    confidence : float, default 0.95
        The protocol's confidence level.
    prevalence : float, optional
        The expected prevalence of the condition, to turn ``n_group`` into a number of
        participants (``total``).
    measure : {"sensitivity", "specificity"}, default "sensitivity"
        Which group ``n_group`` counts (positives or negatives).
    max_n : int, default 100000
        The largest group searched.
    design_effect : float, optional
        Several cases per patient, judged by the clustered interval
        (:func:`~medeval.stats.proportion_ci_clustered`, the same ``method`` on
        :math:`n^* = n / d`): the design effect :math:`d \ge 1` expected. Or give
    icc, cases_per_patient : float, optional
        the intra-patient correlation :math:`\rho` and the mean cases per patient
        :math:`m`, :math:`d = 1 + (m - 1)\rho`.

    Returns
    -------
    PassPlan

    Raises
    ------
    InvalidInputError
        A value out of range; ``expected`` not above ``goal``; the Wald method; no
        group size up to ``max_n`` reaches ``power``.

    Notes
    -----
    * **Saw-tooth.** :math:`P_\text{pass}(n)` is not monotone: the least passing count
      is an integer, so adding a case can lower the chance of passing. ``first_n`` is
      the first :math:`n` that reaches ``power``; ``n_group`` is the first from which
      it stays there up to :math:`2n` (Chernick & Liu 2002; Bailly et al. 2015), so
      that a few cases more (or a few excluded) do not cost the planned power.
    * The interval's lower bound is non-decreasing in :math:`k` for these methods,
      so the passing counts are :math:`k \ge` ``least_successes``; each :math:`n` is
      evaluated on a window of counts around :math:`n g` checked to contain both
      verdict boundaries, and the bounds checked to be monotone in it.
    * This is the one-sample design of Flahault et al. (2005), where "the lower
      confidence limit above the acceptable level" is exactly the guarded PASS.
    * **Design effect.** The clustered interval is the method's interval on
      :math:`n^* = n/d` cases with :math:`\hat p n^*` successes; the plan finds the
      effective size :math:`n^*` as above (exact binomial on :math:`n^*` effective
      trials — the approximation the design effect stands for) and asks for
      :math:`n_\text{group} = \lceil d\, n^* \rceil` cases; ``least_successes`` is
      then :math:`\lceil n_\text{group}\, k^*/n^* \rceil`, :math:`k^*` the least
      passing effective count. The design effect actually estimated on the test set may
      differ: plan with a realistic, not an optimistic, :math:`\rho`.

    References
    ----------
    Flahault A, Cadilhac M, Thomas G. Sample size calculation should be performed for
    design accuracy in diagnostic test studies. J Clin Epidemiol 2005;58:859-862.

    Chernick MR, Liu CY. The saw-toothed behavior of power versus sample size and
    software solutions: single binomial proportion using exact methods. Am Stat
    2002;56:149-155.

    Bailly S, Dupont C, Iwaz J, Bossard N, Rabilloud M. Improvement of sample size
    calculations for binary diagnostic test assessment. J Investig Med
    2015;62:687-692.

    Examples
    --------
    By hand: a device that is (almost) never wrong scores :math:`k = n`, and the
    Clopper–Pearson lower bound of :math:`n/n` at 95% is :math:`0.025^{1/n}`, which
    reaches 0.90 once :math:`n \ge \ln 0.025 / \ln 0.9 = 35.01`, i.e. 36 positives:

    >>> plan = cases_to_pass(0.999999, 0.90, method="clopper-pearson")
    >>> plan.n_group, plan.least_successes
    (36, 36)

    Expected sensitivity 0.95 against a goal of 0.90, Wilson, 80% chance of PASS:

    >>> plan = cases_to_pass(0.95, 0.90, method="wilson", prevalence=0.2)
    >>> plan.n_group >= plan.first_n, plan.pass_probability >= 0.8
    (True, True)

    Four views per exam with :math:`\rho = 0.5`: :math:`d = 2.5`, two and a half times
    the effective size:

    >>> clustered = cases_to_pass(0.95, 0.90, method="wilson", icc=0.5, cases_per_patient=4)
    >>> clustered.design_effect, clustered.effective_n == plan.n_group
    (2.5, True)
    >>> clustered.n_group == math.ceil(2.5 * plan.n_group), clustered.patients
    (True, 159)
    """
    func = "cases_to_pass"
    p = _open_unit(expected, name="expected", func=func, hint="e.g. 0.95")
    g = _open_unit(goal, name="goal", func=func, hint="e.g. 0.90")
    target = _open_unit(power, name="power", func=func, hint="e.g. 0.8")
    share_of = None if prevalence is None else _open_unit(
        prevalence, name="prevalence", func=func, hint="e.g. 0.2")
    level = confidence_level(confidence, func=func)
    method_id = choice(method, PROPORTION_METHODS, name="method", func=func)
    kind = cast(Measure, choice(measure, ("sensitivity", "specificity"), name="measure", func=func))
    if (isinstance(max_n, (bool, np.bool_)) or not isinstance(max_n, (int, np.integer))
            or max_n < 1):
        raise InvalidInputError(f"{func}: max_n must be a positive integer, got {max_n!r}")
    max_n = int(max_n)
    deff, per_patient = _design_effect(design_effect, icc, cases_per_patient, func=func)
    if method_id == "wald":
        raise InvalidInputError(
            f"{func}: the Wald interval has zero width when every case is correct "
            "([1, 1] at k = n), which the guarded rule judges INCONCLUSIVE while n - 1 of n "
            "can PASS (399 of 400 passes 0.99, 400 of 400 does not): no least passing count "
            "gives its chance of PASS; plan with the method the protocol should use instead "
            "(wilson or clopper-pearson)"
        )
    if p <= g:
        raise InvalidInputError(
            f"{func}: expected ({p:g}) must be above the goal ({g:g}): a device no better "
            "than its goal passes the guarded rule with probability at most about "
            f"{_chance_at_the_goal(method_id, level):.2g}, whatever the number of cases"
        )
    tail = (1.0 - level) / 2.0
    first = 0
    start = 0  # the first n of the current run at or above the target
    n = 0
    verdicts: dict[int, tuple[int, float, float]] = {}
    while True:
        n += 1
        if n > max_n and start:
            raise InvalidInputError(
                f"{func}: P(PASS) is at or above {target:g} from {start} cases on, but "
                f"checking that it stays there up to {2 * start} (the saw-tooth) needs "
                f"max_n >= {2 * start}, got {max_n} (--max-n of medeval sample-size)"
            )
        if n > max_n and first:
            raise InvalidInputError(
                f"{func}: P(PASS) reaches {target:g} at {first} cases, but the saw-tooth "
                f"takes it below again and it is below at max_n = {max_n}: the plan is a "
                "size from which it stays there up to twice that size; raise max_n "
                "(--max-n of medeval sample-size)"
            )
        larger = _first_beyond(max_n, p, g, tail, method_id, target) if n > max_n else None
        if larger is not None:
            raise InvalidInputError(
                f"{func}: no group of up to {max_n} cases gives a {target:g} chance of "
                f"PASS for {kind} {p:g} against the goal {g:g}, but {larger} cases do: "
                f"raise max_n (--max-n of medeval sample-size) to at least {2 * larger}, as "
                f"the plan checks that the chance stays at or above {target:g} up to twice "
                "its size"
            )
        if n > max_n:
            raise InvalidInputError(
                f"{func}: no group of up to {max_n} cases gives a {target:g} chance of "
                f"PASS for {kind} {p:g} against the goal {g:g}; the expected value is too "
                "close to the goal (or raise max_n: --max-n of medeval sample-size)"
            )
        least, passing, failing = _verdicts(n, p, g, tail, method_id)
        verdicts[n] = (least, passing, failing)
        if passing >= target:
            first = first or n
            start = start or n
            if n >= 2 * start:
                break
        else:
            start = 0
    least, passing, failing = verdicts[start]
    share = None if share_of is None else (share_of if kind == "sensitivity" else 1 - share_of)
    if not deff * start / (share or 1.0) <= MAX_COUNT:
        given = (f"design_effect {deff:g}" if per_patient is None
                 else f"icc and cases_per_patient (design effect {deff:g})")
        raise InvalidInputError(
            f"{func}: {given} times the {start} cases an independent set needs make more "
            "than 2**53 cases, a count no float holds exactly; check them")
    cases = start if deff == 1.0 else _ceil(deff * start)
    if deff != 1.0:
        least = min(cases + 1, _ceil(cases * least / start))
    return PassPlan(
        n_group=cases,
        total=None if share is None else _ceil(cases / share),
        least_successes=least,
        pass_probability=passing,
        fail_probability=failing,
        inconclusive_probability=max(0.0, 1.0 - passing - failing),
        first_n=first if deff == 1.0 else _ceil(deff * first),
        group="positives" if kind == "sensitivity" else "negatives",
        measure=kind,
        expected=p,
        goal=g,
        power=target,
        method=method_id,
        confidence=level,
        prevalence=share_of,
        design_effect=deff,
        effective_n=start,
        patients=None if per_patient is None else _ceil(cases / per_patient),
    )


#: The largest size :func:`_first_beyond` searches: ``cases_to_pass``'s default max_n.
_SEARCHED = 100_000


def _first_beyond(max_n: int, p: float, goal: float, tail: float, method: str,
                  target: float) -> int | None:
    """The first size above ``max_n`` (up to :data:`_SEARCHED`) whose chance of PASS
    reaches ``target``, or None: searched only where the normal approximation,
    ``(z_(1-tail) sqrt(g(1-g)) + z_target sqrt(p(1-p)))^2 / (p - g)^2``, puts it within
    reach (a larger max_n, not an expected value closer to its goal, is then wanted)."""
    approximate = ((norm.ppf(1 - tail) * math.sqrt(goal * (1 - goal))
                    + norm.ppf(target) * math.sqrt(p * (1 - p))) / (p - goal)) ** 2
    if max_n >= _SEARCHED or approximate > _SEARCHED:
        return None
    for n in range(max_n + 1, _SEARCHED + 1):
        if _verdicts(n, p, goal, tail, method)[1] >= target:
            return n
    return None


def _chance_at_the_goal(method: str, level: float) -> float:
    r"""About the largest chance of PASS of a device whose proportion is its goal.

    (1 - level)/2 for the exact interval, about so for Wilson and Agresti-Coull. Jeffreys'
    lower bound at k = n is well above the exact one: n of n correct passes from
    :math:`n \approx \chi^2_1(1 - \alpha/2) / (2(1 - g))` cases on, where
    :math:`g^n \approx \exp(-z_{1-\alpha/4}^2 / 2)`, 0.081 at 95% (0.086 at
    g = 0.8 and 11 cases, by the binomial)."""
    tail = (1.0 - level) / 2.0
    if method == "jeffreys":
        return math.exp(-float(norm.isf(tail / 2.0)) ** 2 / 2.0)
    return tail


def _verdicts(n: int, p: float, goal: float, tail: float, method: str) -> tuple[int, float, float]:
    """At ``n`` cases: the least count that passes (``n + 1`` if none does) and the
    probabilities of PASS and FAIL when the true proportion is ``p``."""
    width = int(6 * math.sqrt(n * goal * (1 - goal))) + 10
    while True:
        first = max(0, math.floor(n * goal) - width)
        last = min(n, math.ceil(n * goal) + width)
        k = np.arange(first, last + 1)
        low, high = bounds(k, n, tail, method)
        passes, fails = low >= goal, high < goal
        # Both boundaries must lie inside the window (or at its ends at 0 and n).
        if (first == 0 or fails[0] and not passes[0]) and \
                (last == n or passes[-1] and not fails[-1]):
            break
        width *= 2
    if np.any(np.diff(low) < 0) or np.any(np.diff(high) < 0):  # pragma: no cover
        raise AssertionError(f"cases_to_pass: {method} bounds not monotone at n = {n}")
    least = int(k[passes][0]) if passes.any() else n + 1
    most_failing = int(k[fails][-1]) if fails.any() else -1
    # scipy's binomial tails (bdtrc: P(X > k), bdtr: P(X <= k)), as binom.sf and .cdf
    passing = float(bdtrc(least - 1, n, p)) if least <= n else 0.0
    failing = float(bdtr(most_failing, n, p)) if most_failing >= 0 else 0.0
    return least, passing, failing
