"""Intervals that respect the patient: several cases (frames, views) per cluster.

Cases of one patient are correlated, so an interval that takes them as independent is
too narrow. Two intervals here take the patient (cluster) as the unit of sampling:

- :func:`proportion_ci_clustered`: a proportion's score (or exact, ...) interval on the
  effective sample size :math:`n / \\text{deff}` (Rao & Scott 1992; Korn & Graubard
  1998), the design effect from the ratio-estimator variance over clusters;
- :func:`obuchowski_covariance`: Obuchowski's (1997) nonparametric variance (and the
  covariance of two scores) of the ROC AUC over clusters, used by
  :func:`medeval.stats.auc_ci` with ``method="obuchowski"`` and by
  :func:`medeval.stats.delong_test` with ``clusters=``;
- :func:`newcombe_auc_bounds`: Newcombe's (2006) method 5 score interval for the AUC,
  which keeps a real width at AUC = 0 or 1 where DeLong's and Obuchowski's variances
  are 0.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq

from .._validation import as_1d, choice, confidence_level, same_index, same_length, undefined
from ..errors import InvalidInputError
from ._auc_components import placement_numerators, placements
from ._resampling import cluster_codes
from .estimate import Estimate
from .intervals import PROPORTION_METHODS, ProportionMethod, bounds, wald_boundary_note

__all__ = [
    "FEW_CLUSTERS",
    "ClusterDesign",
    "cluster_design",
    "few_clusters",
    "design_effect_from_icc",
    "obuchowski_caveat",
    "newcombe_auc_bounds",
    "obuchowski_covariance",
    "proportion_ci_clustered",
]


#: Below this many clusters a clustered proportion's note says that its design effect,
#: estimated from so few, leaves the interval too narrow: simulated with beta-binomial
#: patients of 5 or 10 cases (proportion 0.8 or 0.9, ICC 0.1-0.5, 1,500 sets a cell),
#: the Wilson interval on the effective n covered 76-97 % with 5 clusters, 84-96 % with
#: 10, 90-94 % with 20 and 92-96 % with 30, for a nominal 95 % (docs/intervals.md).
FEW_CLUSTERS = 20


#: The clause of a clustered proportion's note on fewer than :data:`FEW_CLUSTERS`.
_FEW = ("; only {k} clusters: a design effect estimated from fewer than {few} is itself "
        "uncertain, and the interval may be too narrow (simulated coverage of a 95% "
        "interval as low as 76% with 5 clusters and 84% with 10, docs/intervals.md): a "
        "goal judged on it needs more patients")
#: The clause of a clustered proportion's note on clusters of such unequal size that, at
#: least :data:`FEW_CLUSTERS` of them, they weigh as fewer (Kish's effective number
#: n^2 / sum m_i^2): one patient of 400 frames among 39 of 1-5 weighs as about 2 patients,
#: and the ratio estimator's variance, dominated by that patient's residual, which its own
#: frames pull towards 0, is then much too small (simulated, docs/intervals.md).
_UNEQUAL = ("; the {n} cases are so unequally spread over the {k} clusters (the largest "
            "holds {big}) that they weigh as {keff} clusters of equal size (Kish's effective "
            "number, n² over the sum of squared cluster sizes): a design effect estimated from "
            "them is itself uncertain, and the interval may be too narrow (simulated coverage "
            "of a 95% interval 24% with one of 40 patients holding 400 of about 520 cases, "
            "docs/intervals.md): a goal judged on it needs more patients")
_UNEQUAL_FOUND = re.compile(
    re.escape(_UNEQUAL).replace(r"\{n\}", r"(?P<n>\d+)").replace(r"\{k\}", r"(?P<k>\d+)")
    .replace(r"\{big\}", r"(?P<big>\d+)").replace(r"\{keff\}", r"(?P<keff>[\d.]+)"))
_FEW_FOUND = re.compile(re.escape(_FEW).replace(r"\{k\}", r"(?P<k>\d+)").replace(
    r"\{few\}", r"\d+"))


def few_clusters(note: str) -> tuple[str, int | None]:
    """A note without its clause on few clusters, and their number (None: no such clause):
    an evaluation says it once a scope, for all of its figures, rather than in each.

    >>> few_clusters("f: design effect 2 (ratio estimator), effective n 5 of 10 cases in "
    ...              "3 clusters" + _FEW.format(k=3, few=20) + "; more")
    ('f: design effect 2 (ratio estimator), effective n 5 of 10 cases in 3 clusters; more', 3)
    """
    found = _FEW_FOUND.search(note)
    if found is None:
        return note, None
    return note[:found.start()] + note[found.end():], int(found.group("k"))


def unequal_clusters(note: str) -> tuple[str, str | None]:
    """A note without its clause on clusters of very unequal size, and what an
    evaluation's one line for the scope says of the figure: its clusters → Kish's
    effective number of them, and the largest cluster's cases / all (None: no such
    clause).

    >>> unequal_clusters("f: design effect 2 (ratio estimator), effective n 5 of 768 cases "
    ...                  "in 46 clusters" + _UNEQUAL.format(n=768, k=46, big=293, keff="6.339"))
    ('f: design effect 2 (ratio estimator), effective n 5 of 768 cases in 46 clusters', \
'46 → 6.339; 293/768')
    """
    found = _UNEQUAL_FOUND.search(note)
    if found is None:
        return note, None
    return (note[:found.start()] + note[found.end():],
            f"{found['k']} → {found['keff']}; {found['big']}/{found['n']}")


@dataclass(frozen=True)
class ClusterDesign:
    """A clustered proportion's design effect and effective sample size.

    Attributes
    ----------
    n : int
        Cases.
    successes : int
        Cases with outcome 1.
    clusters : int
        Distinct clusters (patients).
    variance : float
        The ratio-estimator (with-replacement, "ultimate cluster") variance of
        :math:`\\hat p`; NaN with one cluster only.
    design_effect : float
        The design effect used, at least 1 (see :func:`proportion_ci_clustered`).
    effective_n : float
        ``n / design_effect``.
    rule : str
        Which rule gave ``design_effect``: ``"one case per cluster"`` (exactly 1),
        ``"ratio estimator"``, ``"floored at 1"``, ``"boundary: not estimable, 1"`` or
        ``"boundary: each cluster once"`` (:math:`\\hat p` = 0 or 1), ``"one cluster: not
        estimable"`` (several cases, all of one cluster: design effect and effective n
        NaN).
    effective_clusters : float
        Kish's effective number of clusters :math:`n^2 / \\sum_i m_i^2`: the number of
        clusters of equal size that would weigh as these do (``clusters`` when they are
        of equal size, near 1 when one holds most of the cases); NaN with no cases.
    largest : int
        The cases of the largest cluster (0 with no cases).
    """

    n: int
    successes: int
    clusters: int
    variance: float
    design_effect: float
    effective_n: float
    rule: str
    effective_clusters: float = math.nan
    largest: int = 0


def cluster_design(
    successes: ArrayLike, clusters: ArrayLike, *, func: str, boundary: str = "cases"
) -> ClusterDesign:
    r"""The design effect of a clustered proportion (see :func:`proportion_ci_clustered`).

    Examples
    --------
    Two patients of 4 frames, one all correct, one half: :math:`\hat p = 0.75`;
    :math:`y = (4, 2)`, :math:`m = (4, 4)`, residuals :math:`(1, -1)`, so
    :math:`v = \frac{2}{1}\cdot\frac{2}{64} = 1/16` against the binomial
    :math:`0.75 \cdot 0.25 / 7 = 3/112`: design effect 7/3.

    >>> d = cluster_design([1, 1, 1, 1, 1, 0, 1, 0], [1, 1, 1, 1, 2, 2, 2, 2], func="x")
    >>> round(d.design_effect, 6), round(d.effective_n, 6), d.rule
    (2.333333, 3.428571, 'ratio estimator')
    """
    same_index(func, successes=successes, clusters=clusters)
    outcome = as_1d(successes, name="successes", func=func)
    ids = as_1d(clusters, name="clusters", func=func)
    n = same_length(func, successes=outcome, clusters=ids)
    if outcome.dtype == np.bool_:
        values = outcome.astype(np.int64)
    else:
        if outcome.dtype.kind not in "iuf" or not np.all(np.isin(outcome, (0, 1))):
            try:
                shown = str(np.unique(outcome)[:10].tolist())
            except TypeError:  # text with NaN or numbers (object): numpy cannot sort them
                shown = "[" + ", ".join(sorted({repr(v) for v in outcome.tolist()})[:10]) + "]"
            raise InvalidInputError(
                f"{func}: successes must hold one 0/1 (or boolean) outcome per case, got "
                f"values {shown}"
            )
        values = outcome.astype(np.int64)
    if n == 0:
        return ClusterDesign(0, 0, 0, math.nan, math.nan, 0.0, "no cases")
    inverse = cluster_codes(ids, func=func)
    per_cluster = np.bincount(inverse, weights=values).astype(np.float64)
    counts = np.bincount(inverse)
    sizes = counts.astype(np.float64)
    k_clusters, k = int(sizes.size), int(values.sum())
    kish = float(Fraction(n * n, int(counts @ counts)))  # Kish's n^2 / sum m_i^2, exact
    p = k / n
    if k_clusters > 1:
        resid = per_cluster - p * sizes
        variance = k_clusters / (k_clusters - 1) * float(resid @ resid) / n**2
    else:
        variance = math.nan
    deff, n_eff, rule = _design_rule(n, k, k_clusters, variance, boundary)
    return ClusterDesign(n, k, k_clusters, variance, deff, n_eff, rule, kish,
                         int(counts.max()))


def _design_rule(n: int, k: int, k_clusters: int, variance: float,
                 boundary: str) -> tuple[float, float, str]:
    """The design effect, the effective n and the rule that gave them."""
    if k_clusters == n:
        return 1.0, float(n), "one case per cluster"
    if k_clusters == 1:
        return math.nan, math.nan, "one cluster: not estimable"
    if k in (0, n):
        if boundary == "clusters":
            return n / k_clusters, float(k_clusters), "boundary: each cluster once"
        return 1.0, float(n), "boundary: not estimable, 1"
    p = k / n
    deff = variance / (p * (1.0 - p) / (n - 1))
    if deff < 1.0:
        return 1.0, float(n), "floored at 1"
    return deff, n / deff, "ratio estimator"


def proportion_ci_clustered(
    successes: ArrayLike,
    clusters: ArrayLike,
    *,
    method: ProportionMethod = "wilson",
    confidence: float = 0.95,
    boundary: Literal["cases", "clusters"] = "cases",
) -> Estimate:
    r"""A proportion's confidence interval over clustered cases (several per patient).

    With :math:`n` cases in :math:`K` clusters, cluster :math:`i` holding :math:`m_i`
    cases of which :math:`y_i` successes, :math:`\hat p = \sum y_i / n`. The variance of
    the ratio estimator :math:`\hat p` with clusters as the sampling units
    (with-replacement, Taylor linearisation; Rao & Scott 1992, eq. 2.2) and the design
    effect against simple random sampling of :math:`n` cases (the denominator with
    :math:`n - 1`, as SAS PROC SURVEYFREQ's ``DEFF``) are

    .. math::

        v = \frac{K}{K - 1}\,\frac{\sum_{i=1}^{K}(y_i - \hat p\, m_i)^2}{n^2},\qquad
        d = \frac{v}{\hat p(1 - \hat p)/(n - 1)},

    and the interval is ``method``'s interval (:func:`~medeval.stats.proportion_ci`'s
    formulas) for :math:`\hat p` on the effective sample size
    :math:`n^* = n / \max(d, 1)`, i.e. with :math:`n^*` trials and :math:`\hat p\, n^*`
    successes (Korn & Graubard 1998's modified interval; the score interval on
    :math:`n^*` is the "modified Wilson" of SAS and of Kott & Carr 1997).

    Parameters
    ----------
    successes : array-like of 0/1 or bool
        One outcome per case (1 = correct, e.g. a true positive among positives).
    clusters : array-like
        One cluster (patient) id per case.
    method : {"wilson", "clopper-pearson", "jeffreys", "agresti-coull", "wald"}
        The interval applied on the effective sample size; default ``"wilson"``.
    confidence : float, default 0.95
        The confidence level.
    boundary : {"cases", "clusters"}, default "cases"
        At :math:`\hat p` = 0 or 1, where the design effect cannot be estimated:
        ``"cases"`` takes it as 1 (Korn & Graubard 1998), ``"clusters"`` counts each
        cluster once (:math:`n^* = K`); see Notes.

    Returns
    -------
    Estimate
        ``value`` :math:`\hat p`, ``method`` ``"<method>-clustered"`` (e.g.
        ``"wilson-clustered"``), ``n`` the number of cases, ``numerator`` the
        successes, ``note`` the design effect, the effective sample size, the number
        of clusters and the rule that gave them.

    Raises
    ------
    InvalidInputError
        Outcomes not 0/1, lengths that differ, an unknown method, a confidence outside
        (0, 1).

    Warns
    -----
    UndefinedMetricWarning
        No cases: the proportion and its interval are NaN; several cases all of one
        cluster: the interval is NaN (the warned text is the note). Otherwise nothing is
        warned: the note records the design effect and, at :math:`\hat p` = 0 or 1, the
        rule applied.

    Notes
    -----
    * **One case per cluster**: :math:`d = 1` exactly (then :math:`v = \hat p(1 - \hat
      p)/(n-1)` mathematically, and the rule skips the rounding), and the interval is
      :func:`~medeval.stats.proportion_ci`'s, bit for bit; only ``method`` differs.
    * **d < 1** (cases of one patient less alike than chance, or sampling noise): the
      design effect is floored at 1, so clustering never narrows the interval below
      the independent-cases interval (Korn & Graubard 1998 truncate :math:`n^*` at
      :math:`n`).
    * **A single cluster** holding several cases: :math:`v` is 0/0 (statsmodels'
      cluster-robust variance divides by zero too) and the cases say nothing about
      how patients vary, so the interval is NaN, as the cluster bootstrap's and
      Obuchowski's AUC interval are: a guarded criterion is then inconclusive, never
      passed on one patient's frames taken as independent trials.
    * **p̂ = 0 or 1**: :math:`v = 0` says nothing
      about the within-patient correlation. By default (``boundary="cases"``) the
      design effect is then 1 and :math:`n^* = n`, as Korn & Graubard (1998) define
      it at :math:`\hat p = 0`: the interval keeps a real width (Wilson's or the exact
      bound is below 1 at :math:`k = n`), and a perfect result is never judged on a
      wider interval than one with a single error. When the frames of one patient are
      much alike, that interval is too narrow (see ``docs/intervals.md``), and the
      estimate's note says so. ``boundary="clusters"`` counts each
      patient once instead, :math:`n^* = K` and :math:`d = n / K` (the design effect of
      perfectly correlated clusters of equal size): conservative at the boundary, but
      then 100/100 correct can get a lower bound below that of 99/100 (whose design
      effect is estimated, often near 1). With one case per cluster both give the
      ordinary interval.
    * :math:`n^*` need not be an integer; the formulas take it as it is.
    * No degrees-of-freedom correction (Korn & Graubard's :math:`t_{K-1}` factor) is
      applied. With fewer than :data:`FEW_CLUSTERS` clusters the estimated design effect
      is itself uncertain and the interval too narrow (coverage as low as 76 % with 5
      clusters at an ICC of 0.5): the note says so wherever the design effect was
      estimated; ``method="clopper-pearson"`` narrows the shortfall a little (5
      clusters, ICC 0.5: 84 % against Wilson's 79 %), more patients remove it.
    * **Clusters of very unequal size** weigh as fewer: at least :data:`FEW_CLUSTERS`
      clusters whose Kish effective number :math:`n^2 / \sum m_i^2` is below it, and at
      most half their number (20 patients, one of 2 cases, weigh as 19.2: no word; one
      patient of 400 frames among 39 of 1-5 weighs as about 1.7) leave the ratio
      estimator's variance dominated by the large cluster's residual, which its own
      cases pull towards 0: simulated, the interval covered 24 % for a nominal 95 %
      (docs/intervals.md). The note says so, naming the largest cluster's cases.

    References
    ----------
    Rao JNK, Scott AJ. A simple method for the analysis of clustered binary data.
    Biometrics 1992;48:577-585.

    Korn EL, Graubard BI. Confidence intervals for proportions with small expected number
    of positive counts estimated from survey data. Survey Methodology 1998;24:193-201.

    Kott PS, Carr DA. Developing an estimation strategy for a pesticide data program.
    J Off Stat 1997;13:367-383.

    SAS Institute. SAS/STAT User's Guide, The SURVEYFREQ procedure: Design effect;
    Modified confidence limits.

    Examples
    --------
    Ten patients of ten frames, 90 frames correct; all ten misses in one patient:

    >>> y = [1] * 90 + [0] * 10
    >>> patient = [i // 10 for i in range(100)]
    >>> e = proportion_ci_clustered(y, patient)
    >>> e.method, e.n, e.numerator, round(e.low, 3), round(e.high, 3)
    ('wilson-clustered', 100, 90, 0.579, 0.983)
    >>> e.note[len("proportion_ci_clustered: "):].split("; ")[0]
    'design effect 11 (ratio estimator), effective n 9.091 of 100 cases in 10 clusters'
    >>> e.note.split("; ")[1][:60]   # ten patients are few: the note says so
    'only 10 clusters: a design effect estimated from fewer than '

    By hand: :math:`y_i - 0.9 m_i` is 1 in nine patients and -9 in one, so
    :math:`v = \\frac{10}{9}\\cdot\\frac{9 + 81}{100^2} = 0.01` against
    :math:`0.9 \\cdot 0.1 / 99`: :math:`d = 11`, :math:`n^* = 100/11`.
    """
    func = "proportion_ci_clustered"
    level = confidence_level(confidence, func=func)
    method_id = choice(method, PROPORTION_METHODS, name="method", func=func)
    label = f"{method_id}-clustered"
    rule = choice(boundary, ("cases", "clusters"), name="boundary", func=func)
    design = cluster_design(successes, clusters, func=func, boundary=rule)
    if design.n == 0:
        note = (f"{func}: n = 0 cases, so the proportion is undefined; the estimate and its "
                "interval are NaN")
        nan = undefined(note)
        return Estimate(nan, nan, nan, label, level, 0, 0, note=note)
    tail = (1.0 - level) / 2.0
    n, k = design.n, design.successes
    if design.rule == "one cluster: not estimable":
        note = (f"{func}: all {n} cases are of one cluster (patient), so the variation "
                "between clusters cannot be estimated: the interval is undefined (NaN), as "
                "a bootstrap over clusters is")
        nan = undefined(note)
        return Estimate(k / n, nan, nan, label, level, n, k, note=note)
    if design.design_effect == 1.0:
        low, high = bounds(np.array([k]), n, tail, method_id)
    else:
        n_eff = design.effective_n
        low, high = bounds(np.array([k / n * n_eff]), n_eff, tail, method_id)
    note = (f"{func}: design effect {_figure(design.design_effect)} ({design.rule}), "
            f"effective n {_figure(design.effective_n)} of {n} cases in {design.clusters} "
            "clusters")
    if design.rule in ("ratio estimator", "floored at 1") and design.clusters < FEW_CLUSTERS:
        note += _FEW.format(k=design.clusters, few=FEW_CLUSTERS)
    elif (design.rule in ("ratio estimator", "floored at 1")
          and design.effective_clusters < FEW_CLUSTERS
          and design.effective_clusters <= design.clusters / 2):
        note += _UNEQUAL.format(n=n, k=design.clusters, big=design.largest,
                                keff=_figure(design.effective_clusters))
    wald = wald_boundary_note(func, k, n) if method_id == "wald" else None
    if wald is not None:
        note += "; " + wald.removeprefix(f"{func}: ")
    if design.rule.startswith("boundary"):
        why = f"p = {k}/{n} (no within-cluster variation to estimate it from)"
        if rule == "clusters":
            note += (f"; the design effect cannot be estimated with {why}, so each "
                     "cluster counts once (effective n = number of clusters)")
        else:
            note += (f"; the design effect cannot be estimated with {why}, so it is taken "
                     "as 1: the interval is too narrow if cases of one cluster are alike "
                     "(boundary='clusters' counts each cluster once)")
    return Estimate(k / n, float(low[0]), float(high[0]), label, level, n, k, note=note)


def _figure(value: float) -> str:
    """A design effect or an effective n as a note prints it: four significant digits,
    never a power of ten (``.4g`` wrote the effective n of 37,500 frames as ``3.75e+04``,
    and 29,473 as ``2.947e+04``); from 10,000 on, to the unit.

    >>> _figure(9.0909), _figure(37500.0), _figure(29473.2), _figure(1.0)
    ('9.091', '37500', '29473', '1')
    """
    return f"{value:.4g}" if abs(value) < 1e4 else f"{value:.0f}"


def design_effect_from_icc(icc: float, cases_per_cluster: float, *, func: str) -> float:
    r"""Kish's design effect :math:`1 + (m - 1)\rho` of clusters of :math:`m` cases with
    intra-cluster correlation :math:`\rho`.

    >>> design_effect_from_icc(0.2, 5, func="x")
    1.8
    """
    # numpy's integers and floats are numbers.Real too (a loop over np.arange(2, 6))
    if (isinstance(icc, (bool, np.bool_)) or not isinstance(icc, numbers.Real)
            or not 0.0 <= icc <= 1.0):
        raise InvalidInputError(f"{func}: icc must be a number in [0, 1], got {icc!r}")
    if (isinstance(cases_per_cluster, (bool, np.bool_))
            or not isinstance(cases_per_cluster, numbers.Real)
            or not cases_per_cluster >= 1.0 or not math.isfinite(cases_per_cluster)):
        raise InvalidInputError(
            f"{func}: cases_per_patient (cases per cluster) must be a number >= 1, got "
            f"{cases_per_cluster!r}")
    return 1.0 + (float(cases_per_cluster) - 1.0) * float(icc)


def obuchowski_covariance(
    truth: NDArray[np.bool_], scores: list[NDArray[np.float64]], clusters: ArrayLike,
    *, func: str,
) -> tuple[NDArray[np.float64], NDArray[np.float64], int, int]:
    r"""Obuchowski's (1997) clustered AUCs and their covariance matrix.

    Cluster :math:`i` holds :math:`m_i` positive and :math:`n_i` negative cases
    (:math:`M = \sum m_i`, :math:`N = \sum n_i`); :math:`V_{10}(X_{ij})` and
    :math:`V_{01}(Y_{ik})` are DeLong's structural components over all cases, and
    :math:`V_{10}(X_{i\cdot}) = \sum_j V_{10}(X_{ij})`, :math:`V_{01}(Y_{i\cdot}) =
    \sum_k V_{01}(Y_{ik})` their sums within the cluster. With :math:`I` clusters, of
    which :math:`I_{10}` hold a positive and :math:`I_{01}` a negative:

    .. math::

        S_{10} &= \frac{I_{10}}{(I_{10} - 1)M}\sum_i \bigl(V_{10}(X_{i\cdot})
                  - m_i\hat\theta\bigr)^2,\quad
        S_{01} = \frac{I_{01}}{(I_{01} - 1)N}\sum_i \bigl(V_{01}(Y_{i\cdot})
                  - n_i\hat\theta\bigr)^2,\\
        S_{11} &= \frac{I}{I - 1}\sum_i \bigl(V_{10}(X_{i\cdot}) - m_i\hat\theta\bigr)
                  \bigl(V_{01}(Y_{i\cdot}) - n_i\hat\theta\bigr),\\
        \operatorname{Var}(\hat\theta) &= \frac{S_{10}}{M} + \frac{S_{01}}{N}
                  + \frac{2 S_{11}}{MN},

    and for two scores :math:`a, b` the covariance takes the cross products
    (:math:`S_{10}^{ab}/M + S_{01}^{ab}/N + (S_{11}^{ab} + S_{11}^{ba})/(MN)`).

    Returns the AUCs, the covariance matrix (NaN when :math:`I_{10} < 2` or
    :math:`I_{01} < 2`), :math:`I_{10}` and :math:`I_{01}`.
    """
    ids = as_1d(clusters, name="clusters", func=func)
    same_length(func, y_true=truth, clusters=ids)
    inverse = cluster_codes(ids, func=func)
    n_clusters = int(inverse.max()) + 1 if inverse.size else 0
    pos, neg = inverse[truth], inverse[~truth]
    m_i = np.bincount(pos, minlength=n_clusters).astype(np.float64)
    n_i = np.bincount(neg, minlength=n_clusters).astype(np.float64)
    big_m, big_n = float(m_i.sum()), float(n_i.sum())
    i10, i01 = int((m_i > 0).sum()), int((n_i > 0).sum())
    aucs = np.empty(len(scores))
    d10 = np.empty((len(scores), n_clusters))
    d01 = np.empty((len(scores), n_clusters))
    for r, score in enumerate(scores):
        # one ordering gives the components and the AUC as roc_auc and DeLong's auc_ci
        # give it: the exact Mann-Whitney count rounded once (the mean of V10 can differ
        # from it in the last place)
        num = placement_numerators(truth, score)
        both = placements(truth, score, numerators=num)
        v10, v01 = both[truth], both[~truth]
        theta = (float(Fraction(int(num[truth].sum()), 2 * int(big_m) * int(big_n)))
                 if big_m and big_n else math.nan)
        aucs[r] = theta
        d10[r] = np.bincount(pos, weights=v10, minlength=n_clusters) - m_i * theta
        d01[r] = np.bincount(neg, weights=v01, minlength=n_clusters) - n_i * theta
    if i10 < 2 or i01 < 2:
        return aucs, np.full((len(scores), len(scores)), math.nan), i10, i01
    s10 = i10 / ((i10 - 1) * big_m) * (d10 @ d10.T)
    s01 = i01 / ((i01 - 1) * big_n) * (d01 @ d01.T)
    s11 = n_clusters / (n_clusters - 1) * (d10 @ d01.T)
    cov = s10 / big_m + s01 / big_n + (s11 + s11.T) / (big_m * big_n)
    return aucs, cov, i10, i01


#: Obuchowski's AUC on few clusters: the same shortfall as the proportion's (:data:`_FEW`),
#: simulated in ``benchmarks/bench_unequal_clusters.py --auc`` (docs/intervals.md).
_AUC_FEW = ("Obuchowski's variance rests on {i10} clusters holding a positive and {i01} a "
            "negative: estimated from fewer than {few} it is itself uncertain, and the "
            "interval may be too narrow (simulated coverage of a 95% interval 85% with 5 "
            "patients of 10 cases and 90% with 10, docs/intervals.md): a goal judged on it "
            "needs more patients")


def obuchowski_caveat(truth: NDArray[np.bool_], clusters: ArrayLike, *,
                      func: str) -> str | None:
    """The note of an Obuchowski interval resting on fewer than :data:`FEW_CLUSTERS`
    clusters holding a positive or a negative (None: as many or more).

    >>> truth = np.array([True, False] * 30)
    >>> obuchowski_caveat(truth, np.repeat(np.arange(6), 10), func="auc_ci")[:52]
    "auc_ci: Obuchowski's variance rests on 6 clusters ho"
    >>> obuchowski_caveat(truth, np.repeat(np.arange(20), 3), func="auc_ci") is None
    True
    """
    inverse = cluster_codes(as_1d(clusters, name="clusters", func=func), func=func)
    i10, i01 = (np.unique(inverse[among]).size for among in (truth, ~truth))
    if min(i10, i01) >= FEW_CLUSTERS:
        return None
    return f"{func}: " + _AUC_FEW.format(i10=i10, i01=i01, few=FEW_CLUSTERS)


def _newcombe_variance(theta: float, m: float, n: float) -> float:
    """Hanley & McNeil's variance at ``theta`` with m - 1 and n - 1 both replaced by
    N* = (m + n)/2 - 1 (Newcombe 2006)."""
    n_star = (m + n) / 2.0 - 1.0
    return theta * (1.0 - theta) * (
        1.0 + n_star * (1.0 - theta) / (2.0 - theta) + n_star * theta / (1.0 + theta)
    ) / (m * n)


def newcombe_auc_bounds(auc: float, m: float, n: float, z: float) -> tuple[float, float]:
    r"""Newcombe's (2006) method 5 score interval for an AUC :math:`\hat\theta` from
    :math:`m` positives and :math:`n` negatives.

    The bounds are the two solutions :math:`\theta` of :math:`(\hat\theta - \theta)^2 =
    z^2 V(\theta)`, one each side of :math:`\hat\theta`, with Hanley & McNeil's (1982)
    variance at :math:`\theta` in which both :math:`m - 1` and :math:`n - 1` are replaced
    by :math:`N^* = (m + n)/2 - 1`:

    .. math::

        V(\theta) = \frac{\theta(1 - \theta)}{mn}\left[1 + N^*\frac{1 - \theta}{2 - \theta}
                    + N^*\frac{\theta}{1 + \theta}\right].

    As :math:`V(0) = V(1) = 0`, the bound at 1 is 1 when :math:`\hat\theta = 1` while
    the other bound stays below it: the interval never has zero width.

    Examples
    --------
    30 positives and 30 negatives perfectly separated: the lower bound solves
    :math:`(1 - \theta)^2 = 1.96^2\,V(\theta)` with :math:`N^* = 29`.

    >>> low, high = newcombe_auc_bounds(1.0, 30, 30, 1.959963984540054)
    >>> round(low, 4), high
    (0.933, 1.0)
    """
    def gap(theta: float) -> float:
        return (auc - theta) ** 2 - z**2 * _newcombe_variance(theta, m, n)

    def inside(edge: float) -> float:
        # a point strictly between the estimate and ``edge`` where gap < 0 (at an AUC of
        # 0 or 1, V vanishes at the estimate itself; step away until V dominates)
        if 0.0 < auc < 1.0:
            return auc
        step = 1e-6
        while step > 1e-300:
            point = auc + (step if edge > auc else -step)
            if gap(point) < 0:
                return point
            step /= 16
        raise AssertionError("newcombe_auc_bounds: no interior point")  # pragma: no cover

    low = 0.0 if auc <= 0.0 else float(brentq(gap, 0.0, inside(0.0), xtol=1e-15, rtol=1e-15))
    high = 1.0 if auc >= 1.0 else float(brentq(gap, inside(1.0), 1.0, xtol=1e-15, rtol=1e-15))
    return low, high
