"""EC57 beat matching: medeval's vectorised ``beat_match`` against wfdb's ``compare_annotations``.

In one run, on the same beats: 10 million reference beats (360 Hz, RR 0.55-1.1 s) and a
perturbed copy as the test (jitter of sd 4 samples, 2% of beats dropped, 2% extra beats
at random times). medeval runs on all of them, once with wfdb's convention (window
``< 54`` samples, i.e. ``<= 53``, no learning period: the counts must equal wfdb's),
three times, printing its first and its best time (the machine is shared: timings
vary), and once as standard EC57. wfdb's loop is pure Python; where it would take longer
than ``--wfdb-budget-s`` it is timed on the first fraction of the beats and scaled
linearly (its cost is linear in the number of beats), and the output says so. The
counts of both on the beats wfdb saw are printed and compared.

Run: ``python benchmarks/bench_ecg.py`` (needs wfdb, a dependency of medeval).
The numbers are of this machine only.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import warnings

import numpy as np

from medeval.metrics import ecg

FS = 360
WIDTH = 54  # wfdb's window in samples: |d| < 54; medeval's inclusive equivalent is 53
REPEAT = 3  # medeval is timed REPEAT times (first call and best reported); wfdb once


def beats(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    ref = np.cumsum(rng.integers(200, 400, n)).astype(np.int64)
    keep = rng.random(n) >= 0.02
    test = ref[keep] + np.round(rng.normal(0, 4, keep.sum())).astype(np.int64)
    extra = rng.integers(0, int(ref[-1]), n // 50)
    test = np.sort(np.concatenate([test, extra]))
    return ref, test[test >= 0]


def timed(func, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = func(*args, **kwargs)
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--wfdb-budget-s", type=float, default=60.0)
    args = parser.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from wfdb import __version__ as wfdb_version
        from wfdb.processing import compare_annotations

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, numpy {np.__version__}, wfdb {wfdb_version}")
    ref, test = beats(args.n)
    print(f"reference beats {ref.size:,}, test beats {test.size:,}, fs {FS} Hz")

    runs = [timed(ecg.beat_match, ref, test, fs=FS, window_s=(WIDTH - 1) / FS,
                  learning_period_s=0) for _ in range(REPEAT)]
    t_first, ours = runs[0]
    t_ours = min(t for t, _ in runs)
    t_std, std = timed(ecg.beat_match, ref, test, fs=FS)
    print(f"medeval beat_match, wfdb convention (<= {ours.window_samples} samples, no "
          f"learning period): first call {t_first:.2f} s, best of {REPEAT} {t_ours:.2f} s  "
          f"tp {ours.tp:,} fp {ours.fp:,} fn {ours.fn:,}")
    print(f"medeval beat_match, standard EC57 (<= {std.window_samples} samples, from "
          f"{std.start_sample} samples): {t_std:.2f} s  tp {std.tp:,} fp {std.fp:,} "
          f"fn {std.fn:,}")

    # wfdb: a probe on 20,000 beats sets how many beats fit the budget.
    probe = min(20_000, ref.size)
    t_probe, _ = timed(compare_annotations, ref[:probe], test[test <= ref[probe - 1]], WIDTH)
    per_beat = t_probe / probe
    n_wfdb = ref.size if per_beat * ref.size <= args.wfdb_budget_s else max(
        probe, int(args.wfdb_budget_s / per_beat))
    sub_ref = ref[:n_wfdb]
    sub_test = test[test <= sub_ref[-1]]
    t_wfdb, peer = timed(compare_annotations, sub_ref, sub_test, WIDTH)
    scaled = t_wfdb * ref.size / n_wfdb
    same = ecg.beat_match(sub_ref, sub_test, fs=FS, window_s=(WIDTH - 1) / FS,
                          learning_period_s=0)
    agree = (same.tp, same.fp, same.fn) == (peer.tp, peer.fp, peer.fn)
    note = "" if n_wfdb == ref.size else (
        f" (timed on the first {n_wfdb:,} reference beats = {n_wfdb / ref.size:.1%}, "
        f"{t_wfdb:.1f} s, scaled linearly)")
    print(f"wfdb compare_annotations (< {WIDTH} samples): {scaled:.1f} s{note}")
    print(f"  on those beats: wfdb tp {peer.tp:,} fp {peer.fp:,} fn {peer.fn:,}; medeval "
          f"tp {same.tp:,} fp {same.fp:,} fn {same.fn:,}: {'equal' if agree else 'DIFFER'}")
    print(f"ratio wfdb / medeval (same convention): {scaled / t_ours:.0f}x against medeval's "
          f"best of {REPEAT}, {scaled / t_first:.0f}x against its first call")


if __name__ == "__main__":
    main()
