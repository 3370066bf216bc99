"""Multi-reader multi-case (MRMC) ROC analysis: do readers do better in one treatment
(e.g. with the AI) than in another, generalising to both the readers and the cases?

:func:`mrmc` runs the Obuchowski–Rockette analysis with Hillis's denominator degrees of
freedom (``method="OR"``) or the equivalent Dorfman–Berbaum–Metz analysis of jackknife
pseudovalues (``method="DBM"``), the way the Iowa OR-DBM MRMC program does, and returns
a frozen :class:`MRMCResult`. The definitions, formulas and references are in
``docs/mrmc.md``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Hashable
from typing import Literal

import numpy as np
import pandas as pd
from scipy.stats import norm

from .._validation import choice, confidence_level
from ..errors import InvalidInputError
from ._mrmc_auc import (
    delong_covariance,
    jackknife_aucs,
    jackknife_covariance,
    placements,
    unbiased_covariance,
)
from ._mrmc_dbm import dbm_analysis
from ._mrmc_or import ORInput, or_analysis
from ._mrmc_records import (
    AnovaRow,
    DBMComponents,
    MRMCComparison,
    MRMCResult,
    MRMCTest,
    MRMCTreatmentInterval,
    ORComponents,
)
from ._mrmc_table import read_design
from .estimate import Estimate

__all__ = [
    "AnovaRow",
    "DBMComponents",
    "MRMCComparison",
    "MRMCResult",
    "MRMCTest",
    "MRMCTreatmentInterval",
    "ORComponents",
    "mrmc",
    "readers_below_chance",
]

METHODS = ("OR", "DBM")
COVARIANCES = ("jackknife", "delong", "unbiased")
FOMS = ("wilcoxon",)
VAR_TR_RULES = ("iowa", "rjafroc")


def mrmc(
    table: pd.DataFrame | str | os.PathLike[str],
    *,
    method: Literal["OR", "DBM"] = "OR",
    covariance: Literal["jackknife", "delong", "unbiased"] = "jackknife",
    fom: Literal["wilcoxon"] = "wilcoxon",
    confidence: float = 0.95,
    var_tr: Literal["iowa", "rjafroc"] = "iowa",
) -> MRMCResult:
    """Multi-reader multi-case ROC analysis of a factorial reader study.

    Each reader's AUC in each treatment is the Wilcoxon (empirical) AUC

    .. math:: \\hat\\theta_{ij} = \\frac{1}{n_1 n_0}\\sum_{a=1}^{n_1}\\sum_{b=1}^{n_0}
              \\psi(x_{ija}, y_{ijb}),\\quad \\psi = 1, \\tfrac12, 0
              \\text{ as } x > y,\\ x = y,\\ x < y .

    With ``method="OR"`` the Obuchowski–Rockette model
    :math:`\\hat\\theta_{ij} = \\mu + \\tau_i + R_j + (\\tau R)_{ij} + \\epsilon_{ij}` is
    fitted: the error (co)variances ``Var``, ``Cov1`` (same reader, other treatment),
    ``Cov2`` (same treatment, other reader) and ``Cov3`` (both other) come from the
    jackknife, DeLong or unbiased covariance of the AUCs; the test of equal treatments
    for random readers and cases is

    .. math:: F = \\frac{MS(T)}{MS(T{*}R) + r \\max(\\mathrm{Cov2} - \\mathrm{Cov3}, 0)}

    on :math:`t - 1` and Hillis's (2007) :math:`ddf_H` degrees of freedom; fixed readers
    give a chi-square test, fixed cases an F test against :math:`MS(T{*}R)`. With
    ``method="DBM"`` the same questions are answered by the treatment × reader × case
    ANOVA of normalized jackknife pseudovalues (equal to OR's RRRC with the jackknife).

    Parameters
    ----------
    table : DataFrame or path of a CSV file
        One row per reading with columns ``reader, treatment, case, truth, rating``;
        ``truth`` is 1 (condition present) or 0 (absent), the same for a case in every
        row; ``rating`` a number, higher meaning more suspicious. Every reader reads every
        case in every treatment. Treatments and readers are analysed in sorted order.
        From a CSV file, a reader, treatment or case column of plain whole numbers is
        read as integers and any other as text, as written (``01`` and ``1`` are two
        readers, case ``007`` keeps its zeros, and a reader ``NA`` or a case ``None`` is
        a name, not an empty cell). Messages about a file name it and its lines.
    method : {"OR", "DBM"}
        Obuchowski–Rockette (Hillis 2007 df) or Dorfman–Berbaum–Metz (Hillis, Berbaum &
        Metz 2008 df). DBM uses jackknife pseudovalues only.
    covariance : {"jackknife", "delong", "unbiased"}
        How OR estimates the error covariances of the AUCs: the case jackknife (the Iowa
        program's default), DeLong's structural components, or the unbiased estimator of
        Gallas et al. (2007) that MRMCaov offers.
    fom : {"wilcoxon"}
        The figure of merit: the empirical (trapezoidal) AUC.
    confidence : float
        The level of every interval, e.g. 0.95.
    var_tr : {"iowa", "rjafroc"}
        The OR estimate of Var(T*R) (and with it Var(R)): ``"iowa"`` (default, the
        Iowa program and MRMCaov) is the ANOVA estimate
        ``MS(T*R) − Var + Cov1 + Cov2 − Cov3``; ``"rjafroc"`` is RJafroc's
        ``MS(T*R) − Var + Cov1 + max(Cov2 − Cov3, 0)`` (Hillis, Obuchowski & Berbaum
        2011, eq. 9). They differ only when Cov2 < Cov3; no test depends on it.

    Returns
    -------
    MRMCResult
        ``treatment_auc[t]``, ``reader_auc[(t, reader)]`` (with ``reader_intervals``),
        ``variance_components``
        (:class:`ORComponents` or :class:`DBMComponents`), ``anova`` and
        ``tests["RRRC" | "FRRC" | "RRFC"]``, each an :class:`MRMCTest` with
        ``statistic``, ``df_num``, ``df_den``, ``p_value``, ``difference`` (treatment 1 −
        treatment 2 as an :class:`~medeval.stats.Estimate`), every pairwise comparison
        and each treatment's interval. One reader: ``"FRRC"`` only.

    Warns
    -----
    UserWarning
        For each treatment in which a reader gave every case the same rating (that
        reading's AUC is 0.5 by definition and counts in the average); for each treatment
        in which a reader's AUC and its whole interval (``reader_intervals``) lie below
        0.5 (:func:`readers_below_chance`: ratings on a reversed scale?).

    Raises
    ------
    InvalidInputError
        A table that is not a factorial reader study (the missing readings named), a case
        with two truths, ratings that are not numbers, one treatment only, every case of
        one class, fewer than two cases of a class for the jackknife, or an unknown
        option.

    Notes
    -----
    Intervals of a treatment's AUC are not clipped to [0, 1], as the Iowa program prints
    them. A zero error term gives an infinite statistic and a p-value of 0, or NaN when
    the treatment means are also equal (identical readings in every treatment). A
    standard error of 0 gives an interval of zero width whose estimate carries a note
    saying so (it shows no uncertainty, not certainty).

    References
    ----------
    Obuchowski NA, Rockette HE (1995). Hypothesis testing of diagnostic accuracy for
    multiple readers and multiple tests: an ANOVA approach with dependent observations.
    Commun Stat Simul Comput 24:285–308.
    Hillis SL (2007). A comparison of denominator degrees of freedom methods for multiple
    observer ROC analysis. Stat Med 26:596–619.
    Dorfman DD, Berbaum KS, Metz CE (1992). Receiver operating characteristic rating
    analysis: generalization to the population of readers and patients with the
    jackknife method. Invest Radiol 27:723–731.
    Hillis SL, Berbaum KS, Metz CE (2008). Recent developments in the Dorfman-Berbaum-Metz
    procedure for multireader ROC study analysis. Acad Radiol 15:647–661.

    Examples
    --------
    >>> import pandas as pd
    >>> ratings = {("A", 1): [1, 2, 4, 3, 5, 4], ("A", 2): [2, 1, 3, 2, 4, 5],
    ...            ("B", 1): [1, 3, 2, 4, 5, 5], ("B", 2): [1, 2, 2, 5, 4, 3]}
    >>> rows = [(r, t, c, int(c > 3), s) for (t, r), v in ratings.items()
    ...         for c, s in enumerate(v, start=1)]
    >>> table = pd.DataFrame(rows, columns=["reader", "treatment", "case", "truth", "rating"])
    >>> result = mrmc(table)
    >>> result.treatment_auc
    {'A': 0.8333333333333334, 'B': 1.0}
    >>> rrrc = result.tests["RRRC"]
    >>> round(rrrc.difference.value, 4), round(rrrc.p_value, 4)
    (-0.1667, 0.3711)
    """
    func = "mrmc"
    choice(method, METHODS, name="method", func=func)
    choice(covariance, COVARIANCES, name="covariance", func=func)
    choice(fom, FOMS, name="fom", func=func)
    choice(var_tr, VAR_TR_RULES, name="var_tr", func=func)
    level = confidence_level(confidence, func=func)
    if method == "DBM" and covariance != "jackknife":
        raise InvalidInputError(
            f"{func}: method='DBM' analyses jackknife pseudovalues; covariance="
            f"{covariance!r} applies to method='OR' only"
        )
    design = read_design(table, func=func)
    t, r, c = design.ratings.shape
    n1 = int(design.positive.sum())
    n0 = c - n1
    if (covariance in ("jackknife", "unbiased") or method == "DBM") and min(n1, n0) < 2:
        raise InvalidInputError(
            f"{func}: {covariance} covariance needs at least two cases of each class, got "
            f"{n1} with and {n0} without the condition"
        )
    _warn_constant_readings(design.ratings, design.treatments, design.readers)
    columns = design.ratings.reshape(t * r, c)
    parts = placements(columns, design.positive)
    theta = parts.auc.reshape(t, r)
    treatment_auc: dict[Hashable, float] = {
        label: float(theta[i].mean()) for i, label in enumerate(design.treatments)}
    reader_auc: dict[tuple[Hashable, Hashable], float] = {
        (tl, rl): float(theta[i, j]) for i, tl in enumerate(design.treatments)
        for j, rl in enumerate(design.readers)}
    components: ORComponents | DBMComponents
    if covariance == "jackknife":
        jack = jackknife_aucs(parts, design.positive)
        cov = jackknife_covariance(jack)
    elif covariance == "delong":
        cov = delong_covariance(parts)
    else:
        cov = unbiased_covariance(columns, design.positive, parts)
    reader_intervals = _reader_intervals(theta, np.diag(cov).reshape(t, r), design.treatments,
                                         design.readers, confidence=level,
                                         method=covariance, n=c)
    if method == "DBM":
        components, anova, tests = dbm_analysis(
            theta, jack.reshape(t, r, c), treatments=design.treatments,
            readers=design.readers, confidence=level)
    else:
        components, anova, tests = or_analysis(ORInput(
            theta=theta, cov=np.asarray(cov, dtype=np.float64), treatments=design.treatments,
            readers=design.readers, n_cases=c, confidence=level, covariance=covariance,
            var_tr_rule=var_tr))
    result = MRMCResult(
        method=method, covariance=covariance, fom=fom, confidence=level,
        var_tr_rule=var_tr if method == "OR" else "",
        treatments=design.treatments, readers=design.readers, n_cases=c,
        n_positive=n1, n_negative=n0, treatment_auc=treatment_auc, reader_auc=reader_auc,
        reader_intervals=reader_intervals, variance_components=components, anova=anova, tests=tests,
    )
    _warn_below_chance(result)
    return result


#: The start of mrmc's warning of a reader who gave every case one rating (a filter's
#: pattern, for a caller that says it in its own words).
CONSTANT_READINGS = r"mrmc: reader\(s\) .* gave every case the same rating"


def _warn_constant_readings(ratings: np.ndarray, treatments: tuple[Hashable, ...],
                            readers: tuple[Hashable, ...]) -> None:
    """Warn (UserWarning) of each treatment in which a reader gave every case one rating,
    as the reader-study task does in its result: such a reading's AUC is 1/2 by
    definition (every pair a tie), whatever the reader can tell, and it counts in the
    reader average (a column filled by an export, a reader who did not rate)."""
    import warnings

    alike = np.ptp(ratings, axis=2) == 0  # (treatment, reader)
    for i, treatment in enumerate(treatments):
        named = [f"{readers[j]!r} ({ratings[i, j, 0]:g})" for j in np.flatnonzero(alike[i])]
        if named:
            warnings.warn(
                f"mrmc: reader(s) {', '.join(named)} gave every case the same rating in "
                f"treatment {treatment!r}: the AUC of such a reading is 0.5 by definition "
                "(every pair a tie, counted one half), not a measure of what the reader "
                "can tell, and it counts in the reader average: check these readings",
                UserWarning, stacklevel=3)


#: Readers named with their AUC (an Estimate), in the analysis's order.
Named = tuple[tuple[Hashable, Estimate], ...]

#: The start of mrmc's warning of a reader whose AUC lies wholly below 0.5 (a filter's
#: pattern, for a caller that says it in its own words).
BELOW_CHANCE = r"mrmc: reader\(s\) .* lie below 0\.5"


def readers_below_chance(result: MRMCResult) -> dict[Hashable, Named]:
    """The readers whose AUC lies below 0.5 with its whole interval, by treatment.

    A reader's interval is the result's ``reader_intervals`` (normal, from the reader's
    own error variance by the analysis's covariance method, at its confidence level):
    its upper bound below 0.5 rejects "this reader does at least as well as chance" at
    level (1 − confidence) / 2; a reader is named where the exact one-sided Mann–Whitney
    test of its U = AUC · n1 · n0 rejects at that level too (on few cases the jackknife
    variance of an AUC of 0 is 0, and the interval alone named a reader who tells
    nothing in 9 % of 3 + 3-case studies). So a reader who can tell nothing (AUC 0.5) is
    named in at most 2.5 % of studies at 95 %, and a reader worse than chance only when
    the cases show it. A reader ranking the cases the wrong way round, as ratings given
    on a reversed scale do (1 for the most suspicious where 5 was meant), is named. The AUC is never
    flipped: a certified analysis takes the ratings as given.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = [(r, t, c, int(c > 5), c if r == "A" else 11 - c)
    ...         for r in "AB" for t in (1, 2) for c in range(1, 11)]
    >>> table = pd.DataFrame(rows, columns=["reader", "treatment", "case", "truth", "rating"])
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     below = readers_below_chance(mrmc(table))
    >>> [(t, [(r, e.value, e.high) for r, e in v]) for t, v in below.items()]
    [(1, [('B', 0.0, 0.0)]), (2, [('B', 0.0, 0.0)])]
    """
    alpha = (1 - result.confidence) / 2
    lower = _rank_sum_lower_tail(result.n_positive, result.n_negative)
    out: dict[Hashable, Named] = {}
    for treatment in result.treatments:
        named = tuple((reader, e) for reader in result.readers
                      if (e := result.reader_intervals[(treatment, reader)]).high < 0.5
                      and lower(e.value) < alpha)
        if named:
            out[treatment] = named
    return out


def _rank_sum_lower_tail(n1: int, n0: int) -> Callable[[float], float]:
    """P(U <= u) for the Mann–Whitney U = AUC · n1 · n0 of a reader who can tell
    nothing (every order of the cases alike likely), as a function of the AUC: exact
    (the coefficients of the Gaussian binomial coefficient [n1 + n0 choose n1]_q, Mann
    and Whitney 1947) where n1 · n0 <= 10,000, else normal with a continuity
    correction. Ties are counted one half in the AUC and the distribution is the one
    without ties (whose spread is the larger: the test is conservative with them).

    >>> tail = _rank_sum_lower_tail(2, 2)  # AUC 0: one order of the 6 = C(4, 2)
    >>> tail(0.0), tail(0.25)
    (0.16666666666666666, 0.3333333333333333)
    """
    if n1 * n0 > 10_000:
        mean, sd = n1 * n0 / 2, math.sqrt(n1 * n0 * (n1 + n0 + 1) / 12)
        return lambda auc: float(norm.cdf((auc * n1 * n0 + 0.5 - mean) / sd))
    k, m = min(n1, n0), max(n1, n0)
    counts = np.zeros(n1 * n0 + 1)
    counts[0] = 1.0
    for i in range(1, k + 1):  # times (1 - q^(m + i)), divided by (1 - q^i)
        counts[m + i:] -= counts[:-(m + i)].copy()
        rows = -(-counts.size // i)  # counts[j] += counts[j - i], j ascending
        padded = np.zeros(rows * i)
        padded[:counts.size] = counts
        counts = np.cumsum(padded.reshape(rows, i), axis=0).ravel()[:counts.size]
    cdf = np.cumsum(np.maximum(counts, 0.0))
    cdf /= cdf[-1]
    # U = AUC n1 n0 is a whole or half number; a float a hair below it is rounded up
    return lambda auc: float(cdf[int(math.floor(auc * n1 * n0 + 1e-9))])


def below_chance_text(named: Named, where: str) -> str:
    """The warning of :func:`readers_below_chance`'s readers in one treatment (``where``:
    ``"treatment 'A'"``, ``"the test treatment"``), without the function's name."""
    level = f"{named[0][1].confidence * 100:g}%"
    readers = ", ".join(f"{reader!r} (AUC {e.value:.4g} [{e.low:.4g}, {e.high:.4g}])"
                        for reader, e in named)
    return (f"reader(s) {readers} in {where}: the AUC and its whole {level} interval lie "
            "below 0.5, so the reader ranked the cases without the condition above those "
            "with it: were the ratings given on a reversed scale (1 for the most suspicious "
            "where 5 was meant)? The AUC is not flipped and counts in the reader average: "
            "check these readings")


def _warn_below_chance(result: MRMCResult) -> None:
    """Warn (UserWarning) of each treatment's readers below chance (see
    :func:`readers_below_chance`)."""
    import warnings

    for treatment, named in readers_below_chance(result).items():
        warnings.warn("mrmc: " + below_chance_text(named, f"treatment {treatment!r}"),
                      UserWarning, stacklevel=3)


def _reader_intervals(theta: np.ndarray, variances: np.ndarray,
                      treatments: tuple[Hashable, ...], readers: tuple[Hashable, ...], *,
                      confidence: float, method: str, n: int,
                      ) -> dict[tuple[Hashable, Hashable], Estimate]:
    """Each reader's AUC ± z · sqrt(its error variance), clipped to [0, 1]."""
    z = float(norm.ppf(1 - (1 - confidence) / 2))
    out: dict[tuple[Hashable, Hashable], Estimate] = {}
    for i, tl in enumerate(treatments):
        for j, rl in enumerate(readers):
            value = float(theta[i, j])
            half = z * math.sqrt(max(float(variances[i, j]), 0.0))
            out[(tl, rl)] = Estimate(value, max(value - half, 0.0), min(value + half, 1.0),
                                     method=method, confidence=confidence, n=n)
    return out
