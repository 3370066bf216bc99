"""MRMC reader-study analysis: 1,000 cases x 10 readers x 2 treatments, jackknife covariance.

The issue's budget is under 2 s on one core. This prints, for a simulated study of that
size (readers' ratings on a 1-5 scale and, separately, continuous scores with ties):

- ``mrmc(table)`` end to end (reading the table, checks, OR analysis with jackknife
  covariance): wall and CPU time, median of ``--repeats`` runs;
- the same with ``method="DBM"``, ``covariance="delong"`` and ``covariance="unbiased"``;
- the common way of writing the jackknife: refit every AUC with each case left out,
  scikit-learn's ``roc_auc_score`` a refit (20 columns x 1,000 cases = 20,000 calls),
  timed on ``--refit-cases`` left-out cases and scaled to 1,000 (stated in the output),
  with the largest difference from medeval's rank shortcut on those cases.

No Python peer implements MRMC analysis (MRMCaov and RJafroc are R, iMRMC Java, the Iowa
program a Windows executable), so there is no side-by-side peer timing here.

Run: ``python benchmarks/bench_mrmc.py`` (scikit-learn from the ``test`` extra). BLAS and
OpenMP are held to one thread. The numbers are of this machine only.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402

from medeval.stats import mrmc  # noqa: E402
from medeval.stats._mrmc_auc import jackknife_aucs, placements  # noqa: E402


def study(cases: int, readers: int, treatments: int, *, ordinal: bool,
          seed: int = 0) -> pd.DataFrame:
    """A simulated factorial reader study: a case effect shared by every reading, a reader
    effect, and treatment 2 slightly better."""
    rng = np.random.default_rng(seed)
    truth = (rng.random(cases) < 0.4).astype(int)
    case_effect = rng.normal(0.0, 0.7, cases)
    rows = []
    for t in range(1, treatments + 1):
        for r in range(1, readers + 1):
            skill = 1.0 + 0.2 * rng.normal() + 0.15 * (t - 1)
            score = truth * skill + case_effect + rng.normal(0.0, 0.8, cases)
            rating = (np.digitize(score, [-0.5, 0.2, 0.8, 1.4]) + 1 if ordinal
                      else np.round(score, 2))
            rows.append(pd.DataFrame({"reader": r, "treatment": t,
                                      "case": np.arange(1, cases + 1), "truth": truth,
                                      "rating": rating}))
    return pd.concat(rows, ignore_index=True)


def timed(repeats: int, func, *args, **kwargs):  # type: ignore[no-untyped-def]
    walls, cpus = [], []
    value = None
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        value = func(*args, **kwargs)
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus), value


def refit_jackknife(table: pd.DataFrame, left_out: int) -> tuple[float, float]:
    """Seconds for ``left_out`` cases of the refit jackknife, and its largest difference
    from the rank shortcut on them."""
    table = table.sort_values(["treatment", "reader", "case"])
    groups = table.groupby(["treatment", "reader"]).ngroups
    cases = table["case"].nunique()
    ratings = table["rating"].to_numpy(float).reshape(groups, cases)
    truth = table["truth"].to_numpy()[:cases].astype(bool)
    start = time.perf_counter()
    refit = np.empty((groups, left_out))
    keep = np.ones(cases, dtype=bool)
    for k in range(left_out):
        keep[:] = True
        keep[k] = False
        for g in range(groups):
            refit[g, k] = roc_auc_score(truth[keep], ratings[g, keep])
    seconds = time.perf_counter() - start
    shortcut = jackknife_aucs(placements(ratings, truth), truth)[:, :left_out]
    return seconds, float(np.abs(refit - shortcut).max())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--readers", type=int, default=10)
    parser.add_argument("--treatments", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--refit-cases", type=int, default=50)
    args = parser.parse_args()
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          f"pandas {pd.__version__}, {platform.machine()}, one BLAS thread")
    print(f"study: {args.cases} cases x {args.readers} readers x {args.treatments} "
          f"treatments; median of {args.repeats} runs (wall / CPU seconds)")
    for ordinal in (True, False):
        table = study(args.cases, args.readers, args.treatments, ordinal=ordinal)
        kind = "ratings 1-5" if ordinal else "continuous scores"
        print(f"\n{kind}:")
        for label, kwargs in (("OR, jackknife", {}), ("DBM (jackknife)", {"method": "DBM"}),
                              ("OR, DeLong", {"covariance": "delong"}),
                              ("OR, unbiased", {"covariance": "unbiased"})):
            wall, cpu, result = timed(args.repeats, mrmc, table, **kwargs)
            test = result.tests["RRRC"]
            print(f"  mrmc {label:<16} {wall:7.3f} s wall {cpu:7.3f} s CPU   "
                  f"F = {test.statistic:.3f}, ddf = {test.df_den:.1f}, p = {test.p_value:.4f}")
        seconds, diff = refit_jackknife(table, args.refit_cases)
        scaled = seconds * args.cases / args.refit_cases
        print(f"  refit jackknife (roc_auc_score per left-out case): {seconds:.2f} s for "
              f"{args.refit_cases} cases, scaled to {args.cases}: {scaled:.1f} s; largest "
              f"difference from the rank shortcut {diff:.1e}")


if __name__ == "__main__":
    main()
