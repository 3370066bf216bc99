"""The Dorfman–Berbaum–Metz analysis: a treatment × reader × case ANOVA of normalized
jackknife pseudovalues, with Hillis's denominator degrees of freedom (Hillis, Berbaum &
Metz 2008), as JAFROC 4.2 and the Iowa OR-DBM MRMC program print it.

Pseudovalue of reader ``j``, treatment ``i``, case ``k``:
``Y[i, j, k] = c θ[i, j] − (c − 1) θ[i, j](−k)``, normalized (Hillis 2005) by adding
``θ[i, j] − mean_k Y[i, j, k]`` so that the pseudovalues of a reader average to its AUC.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from itertools import combinations

import numpy as np
from numpy.typing import NDArray

from ._mrmc_inference import (
    comparison,
    exact,
    f_p_value,
    hillis_ddf,
    intervals,
    pairwise,
    root,
    safe_ratio,
    two_way_anova,
)
from ._mrmc_records import AnovaRow, DBMComponents, MRMCComparison, MRMCTest

__all__ = ["dbm_analysis", "pseudovalues"]

FloatArray = NDArray[np.float64]


def pseudovalues(theta: FloatArray, jack: FloatArray) -> FloatArray:
    """Normalized pseudovalues ``Y[t, r, c]`` from ``theta[t, r]`` and the jackknife AUCs
    ``jack[t, r, c]``."""
    c = jack.shape[-1]
    y = c * theta[..., None] - (c - 1) * jack
    y += (theta - y.mean(axis=-1))[..., None]
    result: FloatArray = y
    return result


def _ms(ss: float, df: int) -> float:
    return ss / df if df else math.nan


def _two_way_ms(y: FloatArray) -> tuple[float, float, float]:
    """Mean squares (rows, columns, interaction) of a two-way table without replication."""
    rows = two_way_anova(y)
    return rows[0].ms, rows[1].ms, rows[2].ms


def _anova(y: FloatArray) -> tuple[AnovaRow, ...]:
    t, r, c = y.shape
    m = y.mean()
    m_t, m_r, m_c = y.mean(axis=(1, 2)), y.mean(axis=(0, 2)), y.mean(axis=(0, 1))
    m_tr, m_tc, m_rc = y.mean(axis=2), y.mean(axis=1), y.mean(axis=0)
    def ss_of(deviations: FloatArray) -> float:
        return float((exact(deviations, y) ** 2).sum())

    ss = {
        "T": r * c * ss_of(m_t - m),
        "R": t * c * ss_of(m_r - m),
        "C": t * r * ss_of(m_c - m),
        "TR": c * ss_of(m_tr - m_t[:, None] - m_r[None, :] + m),
        "TC": r * ss_of(m_tc - m_t[:, None] - m_c[None, :] + m),
        "RC": t * ss_of(m_rc - m_r[:, None] - m_c[None, :] + m),
        "TRC": ss_of(y - m_tr[:, :, None] - m_tc[:, None, :] - m_rc[None, :, :]
                     + m_t[:, None, None] + m_r[None, :, None] + m_c[None, None, :] - m),
    }
    df = {"T": t - 1, "R": r - 1, "C": c - 1, "TR": (t - 1) * (r - 1),
          "TC": (t - 1) * (c - 1), "RC": (r - 1) * (c - 1),
          "TRC": (t - 1) * (r - 1) * (c - 1)}
    return tuple(AnovaRow(s, ss[s], df[s], _ms(ss[s], df[s])) for s in ss)


def dbm_analysis(theta: FloatArray, jack: FloatArray, *, treatments: tuple[Hashable, ...],
                 readers: tuple[Hashable, ...], confidence: float,
                 ) -> tuple[DBMComponents, tuple[AnovaRow, ...], dict[str, MRMCTest]]:
    """DBM variance components, the pseudovalue ANOVA and the RRRC, FRRC and RRFC tests
    (FRRC only for one reader)."""
    y = pseudovalues(theta, jack)
    t, r, c = y.shape
    rows = _anova(y)
    ms = {row.source: row.ms for row in rows}
    components = DBMComponents(
        var_r=(ms["R"] - ms["TR"] - ms["RC"] + ms["TRC"]) / (t * c),
        var_c=(ms["C"] - ms["TC"] - ms["RC"] + ms["TRC"]) / (t * r),
        var_tr=(ms["TR"] - ms["TRC"]) / c,
        var_tc=(ms["TC"] - ms["TRC"]) / r,
        var_rc=(ms["RC"] - ms["TRC"]) / t,
        var_error=ms["TRC"],
    )
    # reader x case ANOVA of each treatment: MS(R), MS(C), MS(RC)
    per_t = [_two_way_ms(y[i]) for i in range(t)]
    means = theta.mean(axis=1)
    level, n_cases = confidence, c
    method = {scope: f"dbm-{scope.lower()}-jackknife" for scope in ("RRRC", "FRRC", "RRFC")}

    tests: dict[str, MRMCTest] = {}
    if r > 1:
        den = ms["TR"] + max(ms["TC"] - ms["TRC"], 0.0)
        ddf = hillis_ddf(den, ms["TR"], (t - 1) * (r - 1))
        stat = safe_ratio(ms["T"], den)
        dens = [p[0] + max(p[1] - p[2], 0.0) for p in per_t]
        tests["RRRC"] = MRMCTest(
            "RRRC", stat, "F", t - 1, ddf, f_p_value(stat, t - 1, ddf), den,
            pairwise(treatments, means, root(2 * den / (r * c)), ddf,
                     method=method["RRRC"], confidence=level, n=n_cases),
            intervals(treatments, means, [root(d / (r * c)) for d in dens],
                      [hillis_ddf(dens[i], per_t[i][0], r - 1) for i in range(t)],
                      method=method["RRRC"], confidence=level, n=n_cases))
    df_tc = (t - 1) * (c - 1)
    stat = safe_ratio(ms["T"], ms["TC"])
    tests["FRRC"] = MRMCTest(
        "FRRC", stat, "F", t - 1, df_tc, f_p_value(stat, t - 1, df_tc), ms["TC"],
        pairwise(treatments, means, root(2 * ms["TC"] / (r * c)), df_tc,
                 method=method["FRRC"], confidence=level, n=n_cases),
        intervals(treatments, means, [root(p[1] / (r * c)) for p in per_t],
                  [float(c - 1)] * t, method=method["FRRC"], confidence=level, n=n_cases),
        _reader_comparisons(theta, y, treatments, readers, confidence, method["FRRC"]))
    if r > 1:
        df_tr = (t - 1) * (r - 1)
        stat = safe_ratio(ms["T"], ms["TR"])
        tests["RRFC"] = MRMCTest(
            "RRFC", stat, "F", t - 1, df_tr, f_p_value(stat, t - 1, df_tr), ms["TR"],
            pairwise(treatments, means, root(2 * ms["TR"] / (r * c)), df_tr,
                     method=method["RRFC"], confidence=level, n=n_cases),
            intervals(treatments, means, [root(p[0] / (r * c)) for p in per_t],
                      [float(r - 1)] * t, method=method["RRFC"], confidence=level, n=n_cases))
    return components, rows, tests


def _reader_comparisons(theta: FloatArray, y: FloatArray, treatments: tuple[Hashable, ...],
                        readers: tuple[Hashable, ...], confidence: float,
                        method: str) -> tuple[MRMCComparison, ...]:
    """Each reader's differences from that reader's treatment × case ANOVA: standard
    error ``sqrt(2 MS(TC)_j / c)`` on ``(t − 1)(c − 1)`` df."""
    t, r, c = y.shape
    out = []
    for j, reader in enumerate(readers):
        ms_tc = _two_way_ms(y[:, j, :])[2]
        se = root(2 * ms_tc / c)
        for a, b in combinations(range(t), 2):
            out.append(comparison(treatments[a], treatments[b],
                                  float(theta[a, j] - theta[b, j]), se, float((t - 1) * (c - 1)),
                                  confidence=confidence, method=method, n=c, reader=reader))
    return tuple(out)

