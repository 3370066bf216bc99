"""How many cases a test set needs to estimate sensitivity or specificity to a precision."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal, cast

from scipy.stats import norm

from .._validation import choice, confidence_level
from .intervals import _open_unit

__all__ = ["SampleSize", "sample_size"]

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
    """
    func = "sample_size"
    p = _open_unit(expected, name="expected", func=func, hint="e.g. 0.90")
    width = _open_unit(half_width, name="half_width", func=func, hint="e.g. 0.05 for ±5 points")
    prev = _open_unit(prevalence, name="prevalence", func=func, hint="e.g. 0.2")
    level = confidence_level(confidence, func=func)
    kind = cast(Measure, choice(measure, ("sensitivity", "specificity"), name="measure", func=func))
    z = float(norm.isf((1.0 - level) / 2.0))
    group_size = z**2 * p * (1.0 - p) / width**2
    share = prev if kind == "sensitivity" else 1.0 - prev
    return SampleSize(
        total=_ceil(group_size / share),
        n_group=_ceil(group_size),
        group="positives" if kind == "sensitivity" else "negatives",
        measure=kind,
        expected=p,
        half_width=width,
        prevalence=prev,
        confidence=level,
        z=z,
    )


def _ceil(value: float) -> int:
    """Round up, ignoring floating-point noise beyond 9 decimals."""
    return math.ceil(round(value, 9))

