"""AUC confidence intervals: medeval against its peers and against the floor, side by side.

For n = 10^5 and 10^6 cases (about 40% positive, scores rounded to 3 decimals so there
are ties), in one run on the same data, each timed as the best of several repeats:

- the floor: one ``np.sort`` of the scores (nothing that orders the scores can be
  cheaper); for the bootstrap also the draws alone (``rng.integers`` for 2000 stratified
  resamples, exactly the draws medeval makes: the same resamples cannot cost less);
- DeLong's interval: medeval ``auc_ci`` against the fast DeLong (Sun & Xu) of the
  ``confidenceinterval`` package (yandexdataschool/roc_comparison's code), and
  scikit-learn's ``roc_auc_score`` (the AUC alone, no interval) for scale;
- the paired DeLong test: medeval ``delong_test`` against ``confidenceinterval``'s
  ``fastDeLong`` on the two scores (its sort by label included), and against its own
  floors: one ``np.sort`` of each of the two scores (the test needs both orders), and
  that plus finding each case in both orders (one scatter and one gather of n
  integers along the two ``argsort`` orders, computed beforehand);
- the stratified bootstrap (2000 resamples), percentile and BCa: medeval
  ``auc_ci(method="bootstrap")`` against the common practice, a Python loop of
  stratified resamples each scored with scikit-learn's ``roc_auc_score``. The loop is
  timed on as many resamples as fit in ``--loop-budget-s`` and scaled to 2000 (stated in
  the output); its BCa would add a jackknife of n more ``roc_auc_score`` calls, which is
  not counted (in the peer's favour).

Other work may share the machine: each figure is the best of ``--repeats`` runs, in CPU
seconds of this process (``time.process_time``; wall seconds beside), and the load
average is printed before and after. Ratios are of CPU seconds.

Run: ``python benchmarks/bench_auc_ci.py`` (needs the ``bench`` extra: scikit-learn,
confidenceinterval). The numbers are of this machine only.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

from medeval.stats import auc_ci, delong_test
from medeval.stats._resampling import draw_batches, make_units

try:
    from confidenceinterval import roc_auc_score as ci_roc_auc_score
    from confidenceinterval.delong import compute_ground_truth_statistics, fastDeLong
except ImportError:  # the peer is optional: its rows are left out
    ci_roc_auc_score = None

RESAMPLES = 2000


def data(n: int, seed: int = 0, *, decimals: int | None = 3
         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Labels and two models' scores, rounded to ``decimals`` (None: full precision, as a
    model's float64 logits come, whose order-preserving codes the paired test shortens)."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.4).astype(int)
    score = rng.normal(y * 1.0, 1.0)
    other = score + rng.normal(0.0, 0.5, n)
    if decimals is None:
        return y, score, other
    return y, np.round(score, decimals), np.round(other, decimals)


def loop_bootstrap(y: np.ndarray, score: np.ndarray, resamples: int) -> float:
    """Stratified percentile bootstrap as commonly written: one sklearn call a resample."""
    rng = np.random.default_rng(1)
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    values = []
    for _ in range(resamples):
        idx = np.concatenate([rng.choice(pos, pos.size), rng.choice(neg, neg.size)])
        values.append(roc_auc_score(y[idx], score[idx]))
    return float(np.percentile(values, 2.5))


def draws_alone(y: np.ndarray) -> None:
    """The random draws of medeval's stratified bootstrap, and nothing else."""
    units = make_units(y.size, strata=y, clusters=None, func="bench")
    for _ in draw_batches(units, RESAMPLES, np.random.default_rng(1)):
        pass


def peer_paired(y: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    """confidenceinterval's fast DeLong on two scores: the z of their difference."""
    order, label_1_count, _ = compute_ground_truth_statistics(y, None)
    aucs, cov = fastDeLong(np.vstack([a, b])[:, order], label_1_count, None)
    return float((aucs[0] - aucs[1]) / np.sqrt(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]))


def best(func: Callable[[], Any], repeats: int) -> tuple[float, float, Any]:
    """Best CPU and best wall seconds over ``repeats`` runs, and the last value."""
    cpu, wall, value = [], [], None
    for _ in range(repeats):
        c, w = time.process_time(), time.perf_counter()
        value = func()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return min(cpu), min(wall), value


def row(name: str, cpu: float, wall: float, vs: dict[str, float], note: str = "") -> None:
    ratios = "  ".join(f"{k} {v:>8.1f}x" for k, v in vs.items())
    print(f"  {name:<34} {cpu:>9.5f} {wall:>9.5f}  {ratios}  {note}".rstrip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10**5, 10**6])
    parser.add_argument("--repeats", type=int, default=7,
                        help="runs of each fast figure (sort, DeLong, paired test)")
    parser.add_argument("--boot-repeats", type=int, default=2,
                        help="runs of each medeval bootstrap")
    parser.add_argument("--loop-budget-s", type=float, default=60.0,
                        help="largest time to spend on one loop baseline before scaling")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, numpy {np.__version__}")
    print("load average (1, 5, 15 min) before: "
          + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"  {'':<34} {'CPU s':>9} {'wall s':>9}  ratios (CPU)")
    for n in args.sizes:
        one_size(n, args)
    print("load average (1, 5, 15 min) after: "
          + ", ".join(f"{x:.2f}" for x in os.getloadavg()))


def one_size(n: int, args: argparse.Namespace) -> None:
    """Time every row at ``n`` cases and print it."""
    y, score, other = data(n)
    print(f"n = {n}")
    sort_cpu, sort_wall, _ = best(lambda: np.sort(score), args.repeats)
    row("floor: np.sort of the scores", sort_cpu, sort_wall, {})

    d_cpu, d_wall, est = best(lambda: auc_ci(y, score), args.repeats)
    row("medeval auc_ci (DeLong)", d_cpu, d_wall, {"/ sort": d_cpu / sort_cpu})
    if ci_roc_auc_score is not None:
        p_cpu, p_wall, peer = best(lambda: ci_roc_auc_score(y, score, method="delong"),
                                   max(1, args.repeats // 3))
        row("confidenceinterval (fast DeLong)", p_cpu, p_wall,
            {"/ medeval": p_cpu / d_cpu})
    s_cpu, s_wall, _ = best(lambda: roc_auc_score(y, score), max(1, args.repeats // 3))
    row("sklearn roc_auc_score (AUC only)", s_cpu, s_wall, {"/ medeval": s_cpu / d_cpu})

    both_cpu, both_wall, _ = best(lambda: (np.sort(score), np.sort(other)), args.repeats)
    row("floor: np.sort of both scores", both_cpu, both_wall, {"/ sort": both_cpu / sort_cpu})
    order_a, order_b = np.argsort(score), np.argsort(other)
    slots = np.empty(n, dtype=np.int64)

    def align() -> np.ndarray:
        np.sort(score), np.sort(other)
        slots[order_a] = order_b  # any n integers, scattered along one order
        return slots.take(order_b)  # and gathered along the other

    align_cpu, align_wall, _ = best(align, args.repeats)
    row("floor: both sorts + align", align_cpu, align_wall, {"/ sort": align_cpu / sort_cpu})
    t_cpu, t_wall, test = best(lambda: delong_test(y, score, other), args.repeats)
    row("medeval delong_test (paired)", t_cpu, t_wall,
        {"/ sort": t_cpu / sort_cpu, "/ both sorts": t_cpu / both_cpu,
         "/ sorts + align": t_cpu / align_cpu})
    _, full, full_other = data(n, decimals=None)
    f_sort, _, _ = best(lambda: np.sort(full), args.repeats)
    f_cpu, f_wall, _ = best(lambda: delong_test(y, full, full_other), args.repeats)
    row("  the same, unrounded scores", f_cpu, f_wall,
        {"/ its sort": f_cpu / f_sort}, f"(np.sort of them {f_sort:.5f} s)")
    if ci_roc_auc_score is not None:
        q_cpu, q_wall, peer_z = best(lambda: peer_paired(y, score, other),
                                     max(1, args.repeats // 3))
        row("confidenceinterval fastDeLong x2", q_cpu, q_wall,
            {"/ medeval": q_cpu / t_cpu})

    g_cpu, g_wall, _ = best(lambda: draws_alone(y), args.boot_repeats)
    row("floor: the bootstrap's draws alone", g_cpu, g_wall, {})
    boots = {}
    for method in ("percentile", "bca"):
        b_cpu, b_wall, boots[method] = best(
            lambda m=method: auc_ci(y, score, method="bootstrap", seed=1,
                                    bootstrap_method=m, n_resamples=RESAMPLES),
            args.boot_repeats)
        boots[f"{method} cpu"] = b_cpu
        row(f"medeval bootstrap {method}", b_cpu, b_wall,
            {"/ draws": b_cpu / g_cpu, "/ sort": b_cpu / sort_cpu})
    one_cpu, _, _ = best(lambda: loop_bootstrap(y, score, 3), 1)
    planned = max(3, min(RESAMPLES, int(args.loop_budget_s / max(one_cpu / 3, 1e-9))))
    l_cpu, l_wall, _ = best(lambda: loop_bootstrap(y, score, planned), 1)
    scale = RESAMPLES / planned
    note = "" if planned == RESAMPLES else f"(timed on {planned}, scaled)"
    row("sklearn loop, 2000 resamples", l_cpu * scale, l_wall * scale,
        {"/ percentile": l_cpu * scale / boots["percentile cpu"],
         "/ bca": l_cpu * scale / boots["bca cpu"]}, note)

    print(f"  values: AUC {est.value:.6f}, DeLong {est.low:.6f}-{est.high:.6f}"
          + (f" (confidenceinterval {peer[1][0]:.6f}-{peer[1][1]:.6f})"
             if ci_roc_auc_score is not None else "")
          + f"; paired z {test.statistic:.4f}"
          + (f" (confidenceinterval {peer_z:.4f})" if ci_roc_auc_score is not None
             else "")
          + f"; bootstrap percentile {boots['percentile'].low:.6f}-"
          f"{boots['percentile'].high:.6f}, BCa {boots['bca'].low:.6f}-"
          f"{boots['bca'].high:.6f}")


if __name__ == "__main__":
    main()
