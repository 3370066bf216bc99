"""AUC confidence intervals: medeval against the common practice, side by side.

For n = 10^4, 10^5, 10^6 cases (about 40% positive, scores rounded to 3 decimals so
there are ties), in one run on the same data:

- medeval DeLong (``auc_ci(method="delong")``, O(n log n));
- medeval's vectorised stratified bootstrap (``auc_ci(method="bootstrap")``, 2000
  resamples, percentile);
- the common practice: a Python loop of 2000 stratified resamples, each scored with
  scikit-learn's ``roc_auc_score``. Where 2000 resamples would take too long the loop is
  timed on fewer and scaled to 2000 (stated in the output).

Run: ``python benchmarks/bench_auc_ci.py`` (needs the ``bench`` extra: scikit-learn).
Prints the timings and the ratio loop / medeval. The numbers are of this machine only.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
from sklearn.metrics import roc_auc_score

from medeval.stats import auc_ci

RESAMPLES = 2000


def data(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.4).astype(int)
    score = np.round(rng.normal(y * 1.0, 1.0), 3)
    return y, score


def loop_bootstrap(y: np.ndarray, score: np.ndarray, resamples: int) -> float:
    """Stratified percentile bootstrap as commonly written: one sklearn call a resample."""
    rng = np.random.default_rng(1)
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    values = []
    for _ in range(resamples):
        idx = np.concatenate([rng.choice(pos, pos.size), rng.choice(neg, neg.size)])
        values.append(roc_auc_score(y[idx], score[idx]))
    return float(np.percentile(values, 2.5))


def timed(func, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = func(*args, **kwargs)
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10**4, 10**5, 10**6])
    parser.add_argument("--loop-budget-s", type=float, default=60.0,
                        help="largest time to spend on one loop baseline before scaling")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, numpy {np.__version__}")
    print(f"{'n':>9} {'DeLong s':>9} {'boot s':>8} {'loop s':>9} {'loop/boot':>10} "
          f"{'loop/DeLong':>12}  note")
    for n in args.sizes:
        y, score = data(n)
        t_delong, est = timed(auc_ci, y, score)
        t_boot, boot = timed(auc_ci, y, score, method="bootstrap", seed=1,
                             n_resamples=RESAMPLES)
        t_one, _ = timed(loop_bootstrap, y, score, 5)
        planned = max(5, min(RESAMPLES, int(args.loop_budget_s / max(t_one / 5, 1e-9))))
        t_loop, _ = timed(loop_bootstrap, y, score, planned)
        t_loop *= RESAMPLES / planned
        note = "" if planned == RESAMPLES else f"loop timed on {planned}, scaled to {RESAMPLES}"
        print(f"{n:>9} {t_delong:>9.3f} {t_boot:>8.2f} {t_loop:>9.1f} "
              f"{t_loop / t_boot:>10.1f} {t_loop / t_delong:>12.0f}  {note}")
        print(f"{'':>9} AUC {est.value:.4f}  DeLong {est.low:.4f}-{est.high:.4f}  "
              f"bootstrap {boot.low:.4f}-{boot.high:.4f}")


if __name__ == "__main__":
    main()
