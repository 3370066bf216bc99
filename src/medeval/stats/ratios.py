"""Confidence intervals of likelihood ratios (log method)."""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from scipy.special import ndtri

from .._validation import choice, confidence_level, undefined
from ..errors import InvalidInputError
from ..metrics._confusion import ConfusionMatrix
from .estimate import Estimate

__all__ = ["likelihood_ratio_ci"]


def likelihood_ratio_ci(
    tp: int | ConfusionMatrix,
    fn: int | None = None,
    fp: int | None = None,
    tn: int | None = None,
    *,
    which: Literal["positive", "negative"],
    confidence: float = 0.95,
) -> Estimate:
    r"""Positive or negative likelihood ratio with its log-method confidence interval.

    .. math::
        \mathrm{LR}^+ = \frac{\mathrm{Se}}{1 - \mathrm{Sp}}
                      = \frac{TP/(TP+FN)}{FP/(FP+TN)},\qquad
        \mathrm{SE}(\ln \mathrm{LR}^+) = \sqrt{\tfrac{1}{TP} - \tfrac{1}{TP+FN}
                                       + \tfrac{1}{FP} - \tfrac{1}{FP+TN}},

    .. math::
        \mathrm{LR}^- = \frac{1 - \mathrm{Se}}{\mathrm{Sp}}
                      = \frac{FN/(TP+FN)}{TN/(FP+TN)},\qquad
        \mathrm{SE}(\ln \mathrm{LR}^-) = \sqrt{\tfrac{1}{FN} - \tfrac{1}{TP+FN}
                                       + \tfrac{1}{TN} - \tfrac{1}{FP+TN}},

    and the interval is :math:`\exp(\ln \mathrm{LR} \pm z_{1-\alpha/2}\,\mathrm{SE})`.

    Parameters
    ----------
    tp, fn, fp, tn : int
        The 2×2 table's counts, in this order: the reference's positives (TP, FN)
        first, then its negatives (FP, TN) — not the order of
        :class:`~medeval.metrics.ConfusionMatrix` (tp, fp, fn, tn). Pass them by keyword,
        or pass a ``ConfusionMatrix`` alone as ``tp``:
        ``likelihood_ratio_ci(confusion_matrix(y_true, y_pred), which="positive")``.
    which : {"positive", "negative"}
        LR+ or LR−.
    confidence : float
        Confidence level in (0, 1).

    Returns
    -------
    Estimate
        ``method`` is ``"log"``; ``n`` is the number of cases.

    Raises
    ------
    InvalidInputError
        Negative, non-integer or missing counts (or counts beside a ConfusionMatrix), a
        confidence outside (0, 1).

    Warns
    -----
    UndefinedMetricWarning
        When the ratio or a bound is undefined: value and bounds are NaN with no positive
        or no negative case, or when the ratio's denominator count is 0 (LR+ with FP = 0,
        LR− with TN = 0: the ratio is infinite, or 0/0); the ratio is 0 with the interval
        [0, NaN] when its numerator count is 0 and its denominator count is not (LR+ with
        TP = 0, LR− with FN = 0). The estimate's ``note`` holds the warning's text. No
        continuity correction is applied.

    Notes
    -----
    The log interval is not symmetric around the ratio and is always positive.

    Zero counts. The log method needs :math:`\ln \mathrm{LR}` and :math:`1/a` for the
    numerator count :math:`a` (TP for LR+, FN for LR−), and :math:`1/b` for the
    denominator count :math:`b` (FP for LR+, TN for LR−):

    - :math:`a = 0 < b` (e.g. LR− with FN = 0 and specificity > 0): the ratio is 0, as
      :func:`~medeval.metrics.likelihood_ratios` gives, and the interval is [0, NaN]:
      the lower bound is 0 (no ratio is below it) and the log method has no upper bound
      (its SE is infinite). This is the convention of R's ``epitools::riskratio``, which
      :func:`scipy.stats.contingency.relative_risk` follows for the same (Katz) interval:
      an LR is the risk ratio of a positive (LR+) or negative (LR−) result in the
      diseased against the non-diseased. A goal decided on such a ratio is INCONCLUSIVE
      (the bound it needs is undefined): no bound is not the same as no uncertainty.
    - :math:`b = 0` (LR+ with FP = 0, LR− with TN = 0): the ratio is infinite (or 0/0
      when :math:`a = 0` too); value and bounds are NaN, as the metric gives NaN.
    - no positive case (TP + FN = 0) or no negative case (FP + TN = 0): all NaN.

    No 0.5 continuity correction is added to the cells: Simel et al.'s method has none,
    and it would move the point estimate away from the metric's value. A
    clinician-facing report may state an undefined bound as "not estimable".

    References
    ----------
    Simel DL, Samsa GP, Matchar DB. Likelihood ratios with confidence: sample size
    estimation for diagnostic test studies. J Clin Epidemiol 1991;44:763-770.

    Katz D, Baptista J, Azen SP, Pike MC. Obtaining confidence intervals for the risk
    ratio in cohort studies. Biometrics 1978;34:469-474.

    Examples
    --------
    Se 0.9, Sp 0.8: LR+ 4.5, and by hand 4.5 exp(±1.96 sqrt(1/90 - 1/100 + 1/20 - 1/100))
    = [3.0243, 6.6958]:

    >>> e = likelihood_ratio_ci(90, 10, 20, 80, which="positive")
    >>> round(e.value, 4), round(e.low, 4), round(e.high, 4)
    (4.5, 3.0243, 6.6958)
    """
    func = "likelihood_ratio_ci"
    which = choice(which, ("positive", "negative"), name="which", func=func)  # type: ignore[assignment]
    level = confidence_level(confidence, func=func)
    given: tuple[object, ...] = (tp, fn, fp, tn)
    if isinstance(tp, ConfusionMatrix):
        if (fn, fp, tn) != (None, None, None):
            raise InvalidInputError(
                f"{func}: pass either a ConfusionMatrix alone or the four counts")
        given = (tp.tp, tp.fn, tp.fp, tp.tn)
    for name, value in zip(("tp", "fn", "fp", "tn"), given):
        if (isinstance(value, (bool, np.bool_))
                or not isinstance(value, (int, float, np.integer, np.floating))
                or not math.isfinite(value) or int(value) != value or value < 0):
            raise InvalidInputError(f"{func}: {name} must be a count >= 0, got {value!r}")
    t_p, f_n, f_p, t_n = (int(v) for v in given)  # type: ignore[call-overload]
    n = t_p + f_n + f_p + t_n
    a, b = (t_p, f_p) if which == "positive" else (f_n, t_n)
    label = "LR+" if which == "positive" else "LR-"
    if 0 in (b, t_p + f_n, f_p + t_n):
        note = (f"{func}: {label} is undefined (0 or infinite) with TP={t_p}, FN={f_n}, "
                f"FP={f_p}, TN={t_n}; no continuity correction is applied")
        undefined(note)
        return Estimate(math.nan, math.nan, math.nan, "log", level, n, note=note)
    if a == 0:
        note = (f"{func}: {label} is 0 with TP={t_p}, FN={f_n}, FP={f_p}, TN={t_n}; the log "
                "method has no upper bound (ln 0), so the interval is [0, NaN]; no "
                "continuity correction is applied")
        undefined(note)
        return Estimate(0.0, 0.0, math.nan, "log", level, n, note=note)
    ratio = (a / (t_p + f_n)) / (b / (f_p + t_n))
    se = math.sqrt(1 / a - 1 / (t_p + f_n) + 1 / b - 1 / (f_p + t_n))
    half = float(ndtri(1 - (1 - level) / 2)) * se
    log_ratio = math.log(ratio)
    return Estimate(ratio, math.exp(log_ratio - half), math.exp(log_ratio + half), "log", level, n)
