"""Coverage of the clustered proportion interval when one patient holds most of the cases.

Simulated: K patients, one of them holding ``big`` cases and the others 1-5 each
(uniform); patient :math:`i`'s cases are Bernoulli(:math:`p_i`), :math:`p_i \\sim`
Beta(2, 0.5) (mean 0.8, ICC 1/3.5 = 0.29), independent of its size, so the true (per-case)
proportion is 0.8. For each design: the median of Kish's effective number of clusters
:math:`n^2/\\sum m_i^2` over the replicates, and the coverage of the two-sided 95 %
``wilson-clustered`` interval (:func:`medeval.stats.proportion_ci_clustered`) and of a
percentile bootstrap over patients written here with numpy (1,000 resamples), for
contrast. Its Monte Carlo standard error is about 1 point at 1,000 replicates.

Run: ``python benchmarks/bench_unequal_clusters.py`` (under a minute). Printed, never
asserted; docs/intervals.md quotes it.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np

from medeval.stats import proportion_ci_clustered

#: (patients, cases of the largest)
DESIGNS = ((40, 400), (40, 100), (40, 40), (40, 20), (100, 400), (100, 100), (200, 100),
           (40, 3))


def replicate(rng: np.random.Generator, patients: int, big: int) -> tuple[float, bool, bool]:
    """Kish's effective number, and whether each interval held 0.8."""
    sizes = np.concatenate([[big], rng.integers(1, 6, patients - 1)])
    p = rng.beta(2.0, 0.5, patients)
    hits = rng.binomial(sizes, p)
    outcome = np.repeat(np.tile([1, 0], patients), np.column_stack([hits, sizes - hits]).ravel())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        estimate = proportion_ci_clustered(outcome, np.repeat(np.arange(patients), sizes))
    weights = rng.multinomial(patients, np.full(patients, 1 / patients), size=1000)
    low, high = np.quantile(weights @ hits / (weights @ sizes), [0.025, 0.975])
    kish = sizes.sum() ** 2 / (sizes**2).sum()
    return kish, estimate.low <= 0.8 <= estimate.high, low <= 0.8 <= high


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicates", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261206)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    print("| patients | largest | Kish effective number (median) | wilson-clustered | "
          "cluster bootstrap |")
    print("|---|---|---|---|---|")
    for patients, big in DESIGNS:
        rows = [replicate(rng, patients, big) for _ in range(args.replicates)]
        kish, ours, boot = (np.array(column, dtype=float) for column in zip(*rows))
        print(f"| {patients} | {big} | {np.median(kish):.1f} | {100 * ours.mean():.1f} | "
              f"{100 * boot.mean():.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
