"""Reader AUCs and their error covariance for :func:`medeval.stats.mrmc`, from ranks.

Every (treatment, reader) pair is a column of ``c`` ratings. One ranking of each column
gives the Wilcoxon AUC and every case's placement value, and from those, with no refit:

- the jackknife AUCs (one case left out): leaving out a case removes its own placement
  from the Mann–Whitney count, so ``θ(−k) = (U − ψ_k) / (n1' n0')``;
- DeLong's structural components (the placements divided by the other class's size);
- the unbiased covariance of Gallas, Pennello & Myers (2007), as MRMCaov computes it.

Placement of a positive case ``i``: ``ψ_i = #negatives below + ½ #tied`` = its midrank
among all cases − its midrank among the positives. Of a negative case ``j``:
``ψ_j = #positives above + ½ #tied`` = ``n1 −`` (its midrank among all − its midrank
among the negatives).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.stats import rankdata

__all__ = ["Placements", "delong_covariance", "jackknife_aucs", "jackknife_covariance",
           "placements", "unbiased_covariance"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Placements:
    """The rank summaries of ``g`` columns of ratings.

    ``pos[g, n1]``: each positive's count of negatives below it (ties ½);
    ``neg[g, n0]``: each negative's count of positives above it (ties ½);
    ``u[g]``: the Mann–Whitney count; ``auc[g] = u / (n1 n0)``.
    """

    pos: FloatArray
    neg: FloatArray
    u: FloatArray
    auc: FloatArray
    n1: int
    n0: int


def placements(ratings: FloatArray, positive: NDArray[np.bool_]) -> Placements:
    """Placements of every case in every column of ``ratings`` (shape ``(g, c)``)."""
    x = ratings[:, positive]
    y = ratings[:, ~positive]
    n1, n0 = x.shape[1], y.shape[1]
    rank_all = rankdata(ratings, axis=1)
    pos = rank_all[:, positive] - rankdata(x, axis=1)
    neg = n1 - (rank_all[:, ~positive] - rankdata(y, axis=1))
    u = pos.sum(axis=1)
    return Placements(pos, neg, u, u / (n1 * n0), n1, n0)


def jackknife_aucs(p: Placements, positive: NDArray[np.bool_]) -> FloatArray:
    """``θ[g, k]``: each column's AUC with case ``k`` left out (needs n1, n0 ≥ 2)."""
    g = p.u.shape[0]
    out = np.empty((g, positive.size), dtype=np.float64)
    out[:, positive] = (p.u[:, None] - p.pos) / ((p.n1 - 1) * p.n0)
    out[:, ~positive] = (p.u[:, None] - p.neg) / (p.n1 * (p.n0 - 1))
    return out


def jackknife_covariance(jack: FloatArray) -> FloatArray:
    """The jackknife covariance ``(c − 1)/c Σ_k (θ(−k) − θ̄)(θ(−k) − θ̄)ᵀ``."""
    c = jack.shape[1]
    dev = jack - jack.mean(axis=1, keepdims=True)
    result: FloatArray = (c - 1) / c * (dev @ dev.T)
    return result


def delong_covariance(p: Placements) -> FloatArray:
    """DeLong, DeLong & Clarke-Pearson (1988): ``S10/n1 + S01/n0`` of the structural
    components ``V10 = pos/n0`` and ``V01 = neg/n1`` (sample covariances, n − 1). One
    case of a class leaves its sample covariance undefined: NaN, which the analysis
    reports as undefined intervals with its own warning (numpy's 0/0 warning before)."""
    v10 = p.pos / p.n0
    v01 = p.neg / p.n1
    d10 = v10 - v10.mean(axis=1, keepdims=True)
    d01 = v01 - v01.mean(axis=1, keepdims=True)
    s10 = d10 @ d10.T / (p.n1 - 1) if p.n1 > 1 else np.full((len(p.u),) * 2, np.nan)
    s01 = d01 @ d01.T / (p.n0 - 1) if p.n0 > 1 else np.full((len(p.u),) * 2, np.nan)
    result: FloatArray = s10 / p.n1 + s01 / p.n0
    return result


def unbiased_covariance(ratings: FloatArray, positive: NDArray[np.bool_],
                        p: Placements, *, chunk_elements: int = 4_000_000) -> FloatArray:
    """The unbiased covariance of the empirical AUCs (Gallas, Pennello & Myers 2007), in
    the form of MRMCaov's ``unbiased_balanced``::

        cov_ab = [(1 − δ) U_a U_b + δ (Σ_i P_ia P_ib + Σ_j N_ja N_jb − Σ_ij ψ_ija ψ_ijb)]
                 / (n1 n0)²,   δ = (n1 n0)² / (n1 (n1 − 1) n0 (n0 − 1))

    with ``ψ_ij = 1`` when positive ``i`` is rated above negative ``j``, ½ when tied. The
    pairwise sum is taken over blocks of positives so memory stays bounded; its cost is
    ``n1 n0 g²``.
    """
    x = ratings[:, positive]
    y = ratings[:, ~positive]
    n1, n0 = p.n1, p.n0
    g = ratings.shape[0]
    cross = np.zeros((g, g), dtype=np.float64)
    step = max(1, chunk_elements // max(1, g * n0))
    for start in range(0, n1, step):
        xs = x[:, start:start + step, None]
        psi = (xs > y[:, None, :]).astype(np.float64)
        psi += 0.5 * (xs == y[:, None, :])
        flat = psi.reshape(g, -1)
        cross += flat @ flat.T
    delta = (n1 * n0) ** 2 / (n1 * (n1 - 1) * n0 * (n0 - 1))
    total = np.outer(p.u, p.u)
    result: FloatArray = ((1 - delta) * total
                          + delta * (p.pos @ p.pos.T + p.neg @ p.neg.T - cross)) / (n1 * n0) ** 2
    return result
