"""The bootstrap over patients (``clusters=``) against one written here in numpy from
the documented semantics, percentile and BCa, on patients of 1 to 50 cases.

The semantics (``medeval.stats.bootstrap_ci``): ``numpy.random.default_rng(seed)``; the
K patients in sorted order; each resample draws ``rng.integers(0, K, K)`` and takes every
case of each patient drawn; a resample where the statistic is undefined is left out;
percentile bounds by ``numpy.quantile`` (linear); BCa (Efron 1987) with
z0 = Phi^-1((#{theta_b < theta} + #{theta_b = theta}/2) / B) and the acceleration from
the jackknife that leaves one patient out.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from medeval.stats import auc_ci


def auc(truth: np.ndarray, score: np.ndarray) -> float:
    pos, neg = score[truth == 1], score[truth == 0]
    if pos.size == 0 or neg.size == 0:
        return float("nan")
    wins = (pos[:, None] > neg[None]).sum() + 0.5 * (pos[:, None] == neg[None]).sum()
    return float(wins / (pos.size * neg.size))


def patients(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    sizes = [50] + [1] * 12 + rng.integers(2, 6, 20).tolist()
    ids, truth, score = [], [], []
    for p, m in enumerate(sizes):
        effect, sick = rng.normal(), rng.random() < 0.4
        for _ in range(m):
            t = int(sick if rng.random() < 0.8 else not sick)
            ids.append(f"p{p:02d}")
            truth.append(t)
            score.append(round(float(t + effect + rng.normal()), 1))  # ties happen
    return np.array(ids), np.array(truth), np.array(score)


def numpy_bootstrap(ids, truth, score, *, seed, n_resamples, method):
    names, unit = np.unique(ids, return_inverse=True)
    members = [np.flatnonzero(unit == u) for u in range(names.size)]
    rng = np.random.default_rng(seed)
    thetas = []
    for _ in range(n_resamples):
        index = np.concatenate([members[u] for u in rng.integers(0, names.size, names.size)])
        thetas.append(auc(truth[index], score[index]))
    thetas = np.array(thetas)
    thetas = thetas[~np.isnan(thetas)]
    if method == "percentile":
        return np.quantile(thetas, [0.025, 0.975])
    theta = auc(truth, score)
    z0 = norm.ppf(((thetas < theta).sum() + 0.5 * (thetas == theta).sum()) / thetas.size)
    jack = np.array([auc(truth[unit != u], score[unit != u]) for u in range(names.size)])
    dev = jack.mean() - jack
    accel = (dev**3).sum() / (6 * ((dev**2).sum()) ** 1.5)
    levels = [norm.cdf(z0 + (z0 + z) / (1 - accel * (z0 + z)))
              for z in (norm.ppf(0.025), norm.ppf(0.975))]
    return np.quantile(thetas, levels)


@pytest.mark.parametrize("method", ["percentile", "bca"])
@pytest.mark.parametrize("seed", [1, 2])
def test_auc_bootstrap_over_patients(seed, method):
    ids, truth, score = patients(seed)
    est = auc_ci(truth, score, method="bootstrap", clusters=ids, seed=seed,
                 n_resamples=1000, bootstrap_method=method)
    expected = numpy_bootstrap(ids, truth, score, seed=seed, n_resamples=1000, method=method)
    assert est.value == auc(truth, score)
    assert (est.low, est.high) == pytest.approx(tuple(expected), abs=1e-12)
