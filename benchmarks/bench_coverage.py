"""Coverage of medeval's intervals on clustered data (several cases per patient).

Simulated, for every combination of an intra-patient correlation (ICC) of 0, 0.2, 0.5
and 1, 5 or 20 cases per patient (60 patients):

- proportions 0.8, 0.95, 0.99: patient :math:`i`'s cases are Bernoulli(:math:`p_i`),
  :math:`p_i \\sim` Beta(:math:`p(1-\\rho)/\\rho`, :math:`(1-p)(1-\\rho)/\\rho`) (the
  beta-binomial, whose ICC is exactly :math:`\\rho`); every proportion interval of
  :func:`medeval.stats.proportion_ci` (cases taken as independent) and of
  :func:`medeval.stats.proportion_ci_clustered` (both boundary rules for Wilson);
- AUCs 0.8, 0.95, 0.99: each case positive with probability 1/2, score
  :math:`\\mu y + u_i + e`, :math:`u_i \\sim N(0, \\rho)` shared by the patient's cases,
  :math:`e \\sim N(0, 1 - \\rho)`, :math:`\\mu = \\sqrt2\\,\\Phi^{-1}(\\text{AUC})`; the
  true value of a replicate is :math:`E[\\widehat{\\mathrm{AUC}}]` given its labels
  (between-patient pairs :math:`\\Phi(\\mu/\\sqrt2)`, within-patient pairs
  :math:`\\Phi(\\mu/\\sqrt{2(1-\\rho)})`, weighted by their numbers); intervals
  ``auc_ci`` DeLong (as returned, i.e. with its fall-back at AUC = 1), Obuchowski,
  Newcombe, and optionally the cluster bootstrap.

For each: the empirical coverage of the two-sided 95 % interval over the replicates
(its Monte Carlo standard error is about 0.5 points at 2,000 replicates), and the
share of replicates whose lower bound lies above the true value (a guarded PASS of a
goal the device does not meet; nominal 2.5 %).

Run: ``python benchmarks/bench_coverage.py`` (2,000 replicates, a few minutes) or
``--replicates 200`` for a quick look; ``--bootstrap`` adds the cluster bootstrap
(``--resamples`` each, slow); ``--markdown`` prints the tables as Markdown (as in
docs/intervals.md). Printed, never asserted.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import warnings
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.stats import norm

from medeval.stats import auc_ci, proportion_ci, proportion_ci_clustered

ICCS = (0.0, 0.2, 0.5)
SIZES = (1, 5, 20)
PROPORTIONS = (0.8, 0.95, 0.99)
AUCS = (0.8, 0.95, 0.99)
PATIENTS = 60


def proportion_sample(rng: np.random.Generator, p: float, icc: float, size: int):
    if icc > 0 and size > 1:
        a, b = p * (1 - icc) / icc, (1 - p) * (1 - icc) / icc
        probs = rng.beta(a, b, PATIENTS)
    else:
        probs = np.full(PATIENTS, p)
    y = (rng.random((PATIENTS, size)) < probs[:, None]).astype(np.int64).ravel()
    return y, np.repeat(np.arange(PATIENTS), size)


def auc_sample(rng: np.random.Generator, auc: float, icc: float, size: int):
    mu = math.sqrt(2) * float(norm.ppf(auc))
    ids = np.repeat(np.arange(PATIENTS), size)
    while True:
        y = (rng.random(PATIENTS * size) < 0.5).astype(np.int64)
        if size == 1:  # 30 + 30, as in a small single-image study
            y = rng.permutation(np.arange(PATIENTS) % 2)
        m = np.bincount(ids, weights=y)
        n = size - m
        if (m > 0).sum() >= 2 and (n > 0).sum() >= 2:
            break
    u = rng.normal(0, math.sqrt(icc), PATIENTS)[ids]
    e = rng.normal(0, math.sqrt(1 - icc), PATIENTS * size)
    score = mu * y + u + e
    within = float((m * n).sum())
    pairs = float(m.sum() * n.sum())
    between_auc = float(norm.cdf(mu / math.sqrt(2)))
    within_auc = float(norm.cdf(mu / math.sqrt(2 * (1 - icc)))) if icc < 1 else 1.0
    truth = ((pairs - within) * between_auc + within * within_auc) / pairs
    return y, score, ids, truth


def proportion_methods(boot: dict[str, Any] | None) -> dict[str, Callable[..., Any]]:
    out: dict[str, Callable[..., Any]] = {}
    for method in ("wilson", "clopper-pearson", "jeffreys", "agresti-coull", "wald"):
        out[method] = (lambda y, ids, method=method:
                       proportion_ci(int(y.sum()), y.size, method=method))
    for method in ("wilson", "clopper-pearson", "jeffreys", "agresti-coull", "wald"):
        out[f"{method}-clustered"] = (lambda y, ids, method=method:
                                      proportion_ci_clustered(y, ids, method=method))
    out["wilson-clustered, boundary=clusters"] = (
        lambda y, ids: proportion_ci_clustered(y, ids, boundary="clusters"))
    if boot is not None:
        from medeval.stats import bootstrap_ci

        out["bootstrap-percentile (clusters)"] = (
            lambda y, ids: bootstrap_ci("accuracy", y, np.ones_like(y), clusters=ids, **boot))
    return out


def auc_methods(boot: dict[str, Any] | None) -> dict[str, Callable[..., Any]]:
    out: dict[str, Callable[..., Any]] = {
        "delong (default)": lambda y, s, ids: auc_ci(y, s),
        "obuchowski": lambda y, s, ids: auc_ci(y, s, method="obuchowski", clusters=ids),
        "newcombe-5": lambda y, s, ids: auc_ci(y, s, method="newcombe"),
    }
    if boot is not None:
        out["bootstrap-percentile (clusters)"] = (
            lambda y, s, ids: auc_ci(y, s, method="bootstrap", clusters=ids, **boot))
    return out


def run(replicates: int, seed: int, boot: dict[str, Any] | None, progress: bool):
    """{(kind, value): {method: {(icc, size): (coverage, above)}}}"""
    table: dict[tuple[str, float], dict[str, dict[tuple[float, int], tuple[float, float]]]] = \
        defaultdict(lambda: defaultdict(dict))
    p_methods, a_methods = proportion_methods(boot), auc_methods(boot)
    cells = [(kind, value, icc, size) for kind, values in (("proportion", PROPORTIONS),
                                                          ("auc", AUCS))
             for value in values for icc in ICCS for size in SIZES]
    start = time.perf_counter()
    for number, (kind, value, icc, size) in enumerate(cells, 1):
        rng = np.random.default_rng([seed, number])
        methods = p_methods if kind == "proportion" else a_methods
        hits = dict.fromkeys(methods, 0)
        above = dict.fromkeys(methods, 0)
        for _ in range(replicates):
            if kind == "proportion":
                y, ids = proportion_sample(rng, value, icc, size)
                truth, args = value, (y, ids)
            else:
                y, s, ids, truth = auc_sample(rng, value, icc, size)
                args = (y, s, ids)
            for name, compute in methods.items():
                est = compute(*args)
                hits[name] += bool(est.low <= truth <= est.high)
                above[name] += bool(est.low > truth)
        for name in methods:
            table[(kind, value)][name][(icc, size)] = (
                hits[name] / replicates, above[name] / replicates)
        if progress:
            print(f"  [{number}/{len(cells)}] {kind} {value} icc {icc} x{size} "
                  f"({time.perf_counter() - start:.0f} s)", file=sys.stderr, flush=True)
    return table


def flag(coverage: float) -> str:
    return "" if 0.935 <= coverage <= 0.97 else ("*" if coverage < 0.935 else "+")


def render(table, replicates: int, markdown: bool) -> str:
    lines = []
    columns = [(icc, size) for icc in ICCS for size in SIZES]
    head = [f"ICC {icc:g} ×{size}" for icc, size in columns]
    for (kind, value), rows in table.items():
        title = f"{'Proportion' if kind == 'proportion' else 'AUC'} {value:g}"
        if markdown:
            lines.append(f"\n**{title}** — coverage % (lower bound above the truth %)\n")
            lines.append("| interval | " + " | ".join(head) + " |")
            lines.append("|---" * (len(head) + 1) + "|")
        else:
            lines.append(f"\n{title}: coverage % (lower bound above the truth %), "
                         f"{replicates} replicates, {PATIENTS} patients")
            lines.append(f"{'interval':38s}" + "".join(f"{h:>16s}" for h in head))
        for name, cells in rows.items():
            texts = [f"{100 * c:.1f}{flag(c)} ({100 * a:.1f})" for c, a in
                     (cells[col] for col in columns)]
            if markdown:
                lines.append(f"| {name} | " + " | ".join(texts) + " |")
            else:
                lines.append(f"{name:38s}" + "".join(f"{t:>16s}" for t in texts))
    lines.append("\n* below 93.5 %, + above 97 %")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicates", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--bootstrap", action="store_true",
                        help="add the cluster bootstrap (percentile; slow)")
    parser.add_argument("--resamples", type=int, default=500)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)
    boot = (dict(seed=args.seed, n_resamples=args.resamples) if args.bootstrap else None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # single-class resamples and the like: counted
        table = run(args.replicates, args.seed, boot, progress=not args.quiet)
    print(f"# python benchmarks/bench_coverage.py --replicates {args.replicates} "
          f"--seed {args.seed}" + (" --bootstrap" if args.bootstrap else ""))
    print(render(table, args.replicates, args.markdown))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
