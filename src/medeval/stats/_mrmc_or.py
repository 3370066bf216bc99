"""The Obuchowski–Rockette analysis of reader AUCs with Hillis's denominator degrees of
freedom, as the Iowa OR-DBM MRMC program (2.51) prints it.

Notation: ``t`` treatments, ``r`` readers, ``θ[i, j]`` reader ``j``'s AUC in treatment
``i``; ``Var``, ``Cov1``, ``Cov2``, ``Cov3`` the mean error (co)variances of the
``θ``; ``MS(T)``, ``MS(R)``, ``MS(T*R)`` the mean squares of the treatment × reader
ANOVA of the ``θ``.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass, replace
from itertools import combinations

import numpy as np
from numpy.typing import NDArray
from scipy.stats import chi2

from ._mrmc_inference import (
    comparison,
    f_p_value,
    hillis_ddf,
    intervals,
    pairwise,
    root,
    safe_ratio,
    two_way_anova,
)
from ._mrmc_records import AnovaRow, MRMCComparison, MRMCTest, ORComponents

__all__ = ["ORInput", "or_analysis"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class ORInput:
    """What the analysis needs: AUCs ``theta[t, r]``, their covariance (index
    ``i * r + j``), the labels, and the options."""

    theta: FloatArray
    cov: FloatArray
    treatments: tuple[Hashable, ...]
    readers: tuple[Hashable, ...]
    n_cases: int
    confidence: float
    covariance: str
    var_tr_rule: str


def _mean(values: FloatArray) -> float:
    return float(values.mean()) if values.size else math.nan


def _anova(theta: FloatArray) -> tuple[AnovaRow, AnovaRow, AnovaRow]:
    row_t, row_r, row_tr = two_way_anova(theta)
    return replace(row_t, source="T"), replace(row_r, source="R"), replace(row_tr, source="T*R")


def or_analysis(data: ORInput) -> tuple[ORComponents, tuple[AnovaRow, ...], dict[str, MRMCTest]]:
    """Variance components, the ANOVA of the AUCs and the RRRC, FRRC and RRFC tests
    (FRRC only for one reader)."""
    theta, cov = data.theta, data.cov
    t, r = theta.shape
    index_t = np.repeat(np.arange(t), r)
    index_r = np.tile(np.arange(r), t)
    same_t = index_t[:, None] == index_t[None, :]
    same_r = index_r[:, None] == index_r[None, :]
    var = _mean(np.diag(cov))
    cov1 = _mean(cov[~same_t & same_r])
    cov2 = _mean(cov[same_t & ~same_r])
    cov3 = _mean(cov[~same_t & ~same_r])
    row_t, row_r, row_tr = _anova(theta)
    ms_t, ms_r, ms_tr = row_t.ms, row_r.ms, row_tr.ms
    if r > 1:
        cov_term = cov2 - cov3 if data.var_tr_rule == "iowa" else max(cov2 - cov3, 0.0)
        var_tr = ms_tr - var + cov1 + cov_term
        var_r = (ms_r - var_tr - var + cov2 - (t - 1) * (cov1 - cov3)) / t
    else:
        var_tr = var_r = math.nan
    components = ORComponents(var_r, var_tr, cov1, cov2, cov3, var)

    diag = np.diag(cov).reshape(t, r)
    var_i = diag.mean(axis=1)
    var_j = diag.mean(axis=0)
    cov2_i = [_mean(cov[np.ix_(index_t == i, index_t == i)][~np.eye(r, dtype=bool)])
              for i in range(t)]
    cov1_j = [_mean(cov[np.ix_(index_r == j, index_r == j)][~np.eye(t, dtype=bool)])
              for j in range(r)]
    # each treatment's MS(R) as the ANOVA takes it (rounding residues of equal AUCs set
    # to 0): copies of one reader have MS(R)_i = 0, not ~1e-33 (an interval 1e-16 wide)
    ms_r_i = np.array([two_way_anova(theta[i:i + 1])[1].ms for i in range(t)])
    means = theta.mean(axis=1)
    labels = data.treatments
    level, n_cases = data.confidence, data.n_cases

    def method(scope: str) -> str:
        return f"or-{scope.lower()}-{data.covariance}"

    tests: dict[str, MRMCTest] = {}
    if r > 1:
        den = ms_tr + r * max(cov2 - cov3, 0.0)
        ddf = hillis_ddf(den, ms_tr, (t - 1) * (r - 1))
        stat = safe_ratio(ms_t, den)
        dens = [ms_r_i[i] + r * max(cov2_i[i], 0.0) for i in range(t)]
        tests["RRRC"] = MRMCTest(
            "RRRC", stat, "F", t - 1, ddf, f_p_value(stat, t - 1, ddf), den,
            pairwise(labels, means, root(2 * den / r), ddf, method=method("RRRC"),
                     confidence=level, n=n_cases),
            intervals(labels, means, [root(d / r) for d in dens],
                      [hillis_ddf(dens[i], ms_r_i[i], r - 1) for i in range(t)],
                      method=method("RRRC"), confidence=level, n=n_cases))
    spread = (r - 1) * max(cov2 - cov3, 0.0) if r > 1 else 0.0
    den = var - cov1 + spread
    stat = safe_ratio((t - 1) * ms_t, den) if den >= 0 else math.nan
    p_chi = float(chi2.sf(stat, t - 1)) if not math.isnan(stat) else math.nan
    single = [root((var_i[i] + ((r - 1) * max(cov2_i[i], 0.0) if r > 1 else 0.0)) / r)
              for i in range(t)]
    tests["FRRC"] = MRMCTest(
        "FRRC", stat, "chi-square", t - 1, math.inf, p_chi, den,
        pairwise(labels, means, root(2 * den / r), math.inf, method=method("FRRC"),
                 confidence=level, n=n_cases),
        intervals(labels, means, single, [math.inf] * t, method=method("FRRC"),
                  confidence=level, n=n_cases),
        _reader_comparisons(data, var_j, cov1_j, method("FRRC")))
    if r > 1:
        stat = safe_ratio(ms_t, ms_tr)
        df_den = (t - 1) * (r - 1)
        tests["RRFC"] = MRMCTest(
            "RRFC", stat, "F", t - 1, df_den, f_p_value(stat, t - 1, df_den), ms_tr,
            pairwise(labels, means, root(2 * ms_tr / r), df_den, method=method("RRFC"),
                     confidence=level, n=n_cases),
            intervals(labels, means, [root(ms_r_i[i] / r) for i in range(t)],
                      [float(r - 1)] * t, method=method("RRFC"), confidence=level, n=n_cases))
    return components, (row_t, row_r, row_tr), tests


def _reader_comparisons(data: ORInput, var_j: FloatArray, cov1_j: list[float],
                        method: str) -> tuple[MRMCComparison, ...]:
    """Each reader's differences, from that reader's AUCs, ``Var`` and ``Cov1`` only:
    standard error ``sqrt(2 (Var_j − Cov1_j))``, normal interval."""
    t, r = data.theta.shape
    out = []
    for j, reader in enumerate(data.readers):
        se = root(2 * (var_j[j] - cov1_j[j]))
        for a, b in combinations(range(t), 2):
            out.append(comparison(data.treatments[a], data.treatments[b],
                                  float(data.theta[a, j] - data.theta[b, j]), se, math.inf,
                                  confidence=data.confidence, method=method,
                                  n=data.n_cases, reader=reader))
    return tuple(out)

