"""The Obuchowski–Rockette analysis against a hand-rolled one, computed here in numpy from
the formulas in the literature, on a tied BI-RADS study with a reader who gives every
case one rating and a reader who never uses the top of the scale (the reader-pass), and
on Franken (Cov2 < Cov3, read in place from ../shared/data/tables, GPL-3).

The formulas (Obuchowski & Rockette 1995; Hillis 2007, Stat Med 26:596-619, and Hillis,
Berbaum & Metz 2008, Acad Radiol 15:647-661, for the df and the single-treatment
intervals), t treatments, r readers, c cases:

- theta_ij = Wilcoxon AUC of reader j in treatment i: the mean over (positive, negative)
  pairs of [x+ > x-] + 1/2 [x+ = x-] (a constant reader: 1/2);
- jackknife: theta_ij(k) with case k left out; Cov(theta_ij, theta_i'j') =
  (c-1)/c sum_k (theta_ij(k) - mean_k)(theta_i'j'(k) - mean_k); Var = mean of the
  diagonal, Cov1 = mean over i != i', j = j'; Cov2 = i = i', j != j'; Cov3 = both !=;
- MS(T) = r sum_i (mean_i. - mean..)^2 / (t-1), MS(T*R) = sum_ij (theta_ij - mean_i. -
  mean_.j + mean..)^2 / ((t-1)(r-1)), MS(R)_i = sum_j (theta_ij - mean_i.)^2 / (r-1);
- RRRC: D = MS(T*R) + r max(Cov2 - Cov3, 0), F = MS(T)/D on 1 and
  ddf_H = D^2 / (MS(T*R)^2 / ((t-1)(r-1))) df; difference +/- t(ddf_H) sqrt(2D/r);
  treatment i: D_i = MS(R)_i + r max(Cov2_i, 0) (Cov2_i over treatment i's reader
  pairs), mean_i. +/- t(df_i) sqrt(D_i/r), df_i = D_i^2 / (MS(R)_i^2/(r-1));
- FRRC: D = Var - Cov1 + (r-1) max(Cov2 - Cov3, 0), X^2 = (t-1) MS(T)/D on chi2(t-1);
  difference +/- z sqrt(2D/r);
- RRFC: F = MS(T)/MS(T*R) on 1, (t-1)(r-1); difference +/- t sqrt(2 MS(T*R)/r).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.metrics import roc_auc_score

from medeval.stats import mrmc


def _wilcoxon(truth: np.ndarray, x: np.ndarray) -> float:
    d = x[truth == 1][:, None] - x[truth == 0][None, :]
    return float(((d > 0) + 0.5 * (d == 0)).mean())


def _hand_rolled(ratings: np.ndarray, truth: np.ndarray, level: float = 0.95) -> dict:
    t, r, c = ratings.shape
    theta = np.array([[_wilcoxon(truth, ratings[i, j]) for j in range(r)] for i in range(t)])
    keep = ~np.eye(c, dtype=bool)
    jack = np.array([[[_wilcoxon(truth[keep[k]], ratings[i, j][keep[k]]) for k in range(c)]
                      for j in range(r)] for i in range(t)]).reshape(t * r, c)
    dev = jack - jack.mean(axis=1, keepdims=True)
    cov = (c - 1) / c * dev @ dev.T
    ti, rj = np.repeat(np.arange(t), r), np.tile(np.arange(r), t)
    same_t, same_r = ti[:, None] == ti[None, :], rj[:, None] == rj[None, :]
    var, cov1 = np.diag(cov).mean(), cov[~same_t & same_r].mean()
    cov2, cov3 = cov[same_t & ~same_r].mean(), cov[~same_t & ~same_r].mean()
    grand, by_t, by_r = theta.mean(), theta.mean(axis=1), theta.mean(axis=0)
    ms_t = r * ((by_t - grand) ** 2).sum() / (t - 1)
    ms_tr = ((theta - by_t[:, None] - by_r[None, :] + grand) ** 2).sum() / ((t - 1) * (r - 1))
    diff, a = by_t[0] - by_t[1], 1 - level
    out = {"theta": theta, "var": var, "cov1": cov1, "cov2": cov2, "cov3": cov3}
    den = ms_tr + r * max(cov2 - cov3, 0)
    ddf = den**2 / (ms_tr**2 / ((t - 1) * (r - 1)))
    half = stats.t.ppf(1 - a / 2, ddf) * np.sqrt(2 * den / r)
    out["RRRC"] = (ms_t / den, ddf, stats.f.sf(ms_t / den, t - 1, ddf), diff - half, diff + half)
    den = var - cov1 + (r - 1) * max(cov2 - cov3, 0)
    half = stats.norm.ppf(1 - a / 2) * np.sqrt(2 * den / r)
    x2 = (t - 1) * ms_t / den
    out["FRRC"] = (x2, np.inf, stats.chi2.sf(x2, t - 1), diff - half, diff + half)
    df = (t - 1) * (r - 1)
    half = stats.t.ppf(1 - a / 2, df) * np.sqrt(2 * ms_tr / r)
    out["RRFC"] = (ms_t / ms_tr, df, stats.f.sf(ms_t / ms_tr, t - 1, df), diff - half,
                   diff + half)
    blocks = cov.reshape(t, r, t, r)
    out["treatments"] = []
    for i in range(t):
        ms_ri = ((theta[i] - by_t[i]) ** 2).sum() / (r - 1)
        cov2_i = blocks[i, :, i, :][~np.eye(r, dtype=bool)].mean()
        den_i = ms_ri + r * max(cov2_i, 0)
        half = stats.t.ppf(1 - a / 2, den_i**2 / (ms_ri**2 / (r - 1))) * np.sqrt(den_i / r)
        out["treatments"].append((by_t[i] - half, by_t[i] + half))
    return out


def _birads_study() -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """6 readers x 2 treatments x 60 cases (18 cancers) rated BI-RADS 1-5 from a binormal
    model (seed fixed): ties everywhere; reader 'R05' never uses 5; reader 'R06' rates
    every case 3 unaided."""
    rng = np.random.default_rng(7)
    c = 60
    truth = (np.arange(c) % 10 < 3).astype(int)
    case = rng.normal(0, 0.6, c)
    ratings = np.empty((2, 6, c))
    for j in range(6):
        for i, shift in enumerate((0.3, 0.0)):  # treatment 'aided' first: sorted order
            latent = truth * (1.2 + shift) + case + rng.normal(0, 0.8, c)
            ratings[i, j] = np.digitize(latent, [-0.3, 0.5, 1.2, 2.0]) + 1
    ratings[:, 4] = np.minimum(ratings[:, 4], 4)
    ratings[1, 5] = 3
    rows = [(f"R{j + 1:02d}", ("aided", "unaided")[i], f"C{k:03d}", truth[k], ratings[i, j, k])
            for i in range(2) for j in range(6) for k in range(c)]
    table = pd.DataFrame(rows, columns=["reader", "treatment", "case", "truth", "rating"])
    return table, ratings, truth


def _franken(shared_data) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    table = pd.read_csv(shared_data / "tables" / "franken.csv").sort_values(
        ["treatment", "reader", "case"])
    t, r, c = (table[k].nunique() for k in ("treatment", "reader", "case"))
    return table, table["rating"].to_numpy(float).reshape(t, r, c), \
        table["truth"].to_numpy()[:c]


@pytest.mark.parametrize("study", ["birads", "franken"])
def test_or_jackknife_equals_the_hand_rolled_analysis(study, shared_data):
    table, ratings, truth = _birads_study() if study == "birads" else _franken(shared_data)
    if study == "birads":  # its constant reader is warned of
        with pytest.warns(UserWarning, match="gave every case the same rating"):
            result = mrmc(table)
    else:
        result = mrmc(table)
    ref = _hand_rolled(ratings, truth)
    # every reader AUC is scikit-learn's too (the constant reader's 0.5 included)
    t, r, _ = ratings.shape
    for i, treatment in enumerate(result.treatments):
        for j, reader in enumerate(result.readers):
            assert result.reader_auc[(treatment, reader)] == pytest.approx(
                roc_auc_score(truth, ratings[i, j]), abs=1e-15)
            assert result.reader_auc[(treatment, reader)] == pytest.approx(
                ref["theta"][i, j], abs=1e-15)
    vc = result.variance_components
    for name, got in (("var", vc.var_error), ("cov1", vc.cov1), ("cov2", vc.cov2),
                      ("cov3", vc.cov3)):
        assert got == pytest.approx(ref[name], rel=1e-10, abs=1e-16)
    for scope in ("RRRC", "FRRC", "RRFC"):
        test = result.tests[scope]
        statistic, df, p, low, high = ref[scope]
        assert test.statistic == pytest.approx(statistic, rel=1e-9)
        assert test.df_den == pytest.approx(df, rel=1e-9)
        assert test.p_value == pytest.approx(p, rel=1e-7)
        assert (test.difference.low, test.difference.high) == pytest.approx(
            (low, high), abs=1e-12)
    for i, treatment in enumerate(result.treatments):
        auc = result.tests["RRRC"].treatment_intervals[treatment].auc
        assert (auc.low, auc.high) == pytest.approx(ref["treatments"][i], abs=1e-12)
    if study == "birads":  # the constant reader: AUC 1/2, no jackknife variance
        own = result.reader_intervals[("unaided", "R06")]
        assert (own.value, own.low, own.high) == (0.5, 0.5, 0.5)
