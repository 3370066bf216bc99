"""Coverage of the clustered proportion interval when one patient holds most of the cases.

Simulated: K patients, one of them holding ``big`` cases and the others 1-5 each
(uniform); patient :math:`i`'s cases are Bernoulli(:math:`p_i`), :math:`p_i \\sim`
Beta(2, 0.5) (mean 0.8, ICC 1/3.5 = 0.29), independent of its size, so the true (per-case)
proportion is 0.8. For each design: the median of Kish's effective number of clusters
:math:`n^2/\\sum m_i^2` over the replicates, and the coverage of the two-sided 95 %
``wilson-clustered`` interval (:func:`medeval.stats.proportion_ci_clustered`) and of a
percentile bootstrap over patients written here with numpy (1,000 resamples), for
contrast. Its Monte Carlo standard error is about 1 point at 1,000 replicates.

``--auc``: the same for Obuchowski's AUC interval (:func:`medeval.stats.auc_ci` with
``clusters=``): each case positive with probability 1/2, score :math:`\\mu y + u_i + e`
with :math:`u_i \\sim N(0, 0.5)` shared by the patient's cases, :math:`e \\sim N(0, 0.5)`,
:math:`\\mu = \\sqrt2\\,\\Phi^{-1}(0.8)`; the true value of a replicate is the expected AUC
given its labels and patients (between-patient pairs :math:`\\Phi(\\mu/\\sqrt2)`,
within-patient pairs :math:`\\Phi(\\mu)`, weighted by their numbers, as
bench_coverage.py); designs of K patients of 10 cases each, and one patient of ``big``
cases among others of 1-5.

Run: ``python benchmarks/bench_unequal_clusters.py`` (under a minute). Printed, never
asserted; docs/intervals.md quotes it.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
from scipy.stats import norm

from medeval.stats import auc_ci, proportion_ci_clustered

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


#: (patients, cases of the largest, cases of each other patient: None for 1-5)
AUC_DESIGNS = ((5, 10, 10), (10, 10, 10), (20, 10, 10), (40, 10, 10), (40, 400, None),
               (40, 100, None), (40, 20, None))


def auc_replicate(rng: np.random.Generator, patients: int, big: int,
                  each: int | None) -> bool | None:
    """Whether Obuchowski's interval held the expected AUC (None: undefined)."""
    others = (np.full(patients - 1, each) if each is not None
              else rng.integers(1, 6, patients - 1))
    patient = np.repeat(np.arange(patients), np.concatenate([[big], others]))
    truth = rng.random(patient.size) < 0.5
    mu = np.sqrt(2) * norm.ppf(0.8)
    score = mu * truth + rng.normal(0, np.sqrt(0.5), patients)[patient] + rng.normal(
        0, np.sqrt(0.5), patient.size)
    within = (patient[truth][:, None] == patient[~truth][None, :]).mean()
    true = (1 - within) * norm.cdf(mu / np.sqrt(2)) + within * norm.cdf(mu)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        estimate = auc_ci(truth, score, method="obuchowski", clusters=patient)
    if not np.isfinite(estimate.low):
        return None
    return bool(estimate.low <= true <= estimate.high)


def auc_table(rng: np.random.Generator, replicates: int) -> None:
    print("| patients | largest | others | obuchowski |")
    print("|---|---|---|---|")
    for patients, big, each in AUC_DESIGNS:
        held = [r for r in (auc_replicate(rng, patients, big, each)
                            for _ in range(replicates)) if r is not None]
        print(f"| {patients} | {big} | {each or '1-5'} | {100 * np.mean(held):.1f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicates", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--auc", action="store_true", help="Obuchowski's AUC interval")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    if args.auc:
        auc_table(rng, args.replicates)
        return 0
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
