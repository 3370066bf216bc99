"""EC57 beat matching and the ECG evaluation: medeval against wfdb and against the floor.

Matching (``--n``, default 10^6 and 10^7 reference beats): 360 Hz, RR 0.55-1.1 s, the
test a perturbed copy (jitter of sd 4 samples, 2% of beats dropped, 2% extra beats at
random times). In one run, on the same beats:

- medeval's ``beat_match`` with wfdb's convention (window ``< 54`` samples, i.e.
  ``<= 53``, no learning period: the counts must equal wfdb's), ``--repeat`` times: its
  first call and its best;
- the floor: one merge of the two sorted streams (``np.sort(kind="stable")`` of the
  keys ``2 T`` and ``2 t + 1``, built beforehand) -- the least any matching must do, as
  every pair is two neighbours of that merge; best of ``--repeat``;
- wfdb's ``compare_annotations`` (a Python loop). Where the whole would take longer than
  ``--wfdb-budget-s`` it is timed on the first fraction of the beats and scaled linearly
  (its cost is linear in the number of beats), and the output says so; otherwise it is
  run whole, up to three times while the budget lasts, and its best is taken. The
  counts of both on the beats wfdb saw are printed and compared.

Evaluation (``--records N``): N records of ``--minutes`` (default 10) at 360 Hz, built
by ``bench_evaluation.build_ecg`` into ``--data-dir`` (reused when there) and evaluated
with ``medeval.evaluate`` on one worker, predictions as JSON and as WFDB ``.qrs``
files (``--formats``). A first evaluation fills the digest cache (the first evaluation
of a new set hashes every file); then ``--eval-repeat`` timed ones (best taken), with
the time spent in the metric function ``ec57`` summed. Printed beside it: the read floor
of ``bench_evaluation.floor`` (``stat`` every file the manifest names, read the three
files a record needs, decode the two annotation lists by the cheapest means), and the
ratio evaluation / (floor + metric).

The machine may be shared: every line gives the load average (1 min) when it was
measured. The numbers are of this machine only.

    python benchmarks/bench_ecg.py [--n 1000000 10000000] [--records 100000 --data-dir DIR]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from medeval.metrics import ecg

FS = 360
WIDTH = 54  # wfdb's window in samples: |d| < 54; medeval's inclusive equivalent is 53


def beats(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    ref = np.cumsum(rng.integers(200, 400, n)).astype(np.int64)
    keep = rng.random(n) >= 0.02
    test = ref[keep] + np.round(rng.normal(0, 4, keep.sum())).astype(np.int64)
    extra = rng.integers(0, int(ref[-1]), n // 50)
    test = np.sort(np.concatenate([test, extra]))
    return ref, test[test >= 0]


def load() -> str:
    return f"load {os.getloadavg()[0]:.2f}"


def timed(func, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = func(*args, **kwargs)
    return time.perf_counter() - start, value


def best_of(repeat: int, func, *args, **kwargs):  # type: ignore[no-untyped-def]
    """(first time, best time, last value); each value dropped before the next call."""
    times = []
    value = None
    for _ in range(repeat):
        value = None
        seconds, value = timed(func, *args, **kwargs)
        times.append(seconds)
    return times[0], min(times), value


def matching(n: int, repeat: int, budget_s: float) -> None:
    from wfdb.processing import compare_annotations

    ref, test = beats(n)
    print(f"\nreference beats {ref.size:,}, test beats {test.size:,}, fs {FS} Hz ({load()})")
    options = {"fs": FS, "window_s": (WIDTH - 1) / FS, "learning_period_s": 0}
    t_first, t_ours, ours = best_of(repeat, ecg.beat_match, ref, test, **options)
    print(f"medeval beat_match, wfdb convention (<= {ours.window_samples} samples, no "
          f"learning period): first call {1e3 * t_first:.0f} ms, best of {repeat} "
          f"{1e3 * t_ours:.1f} ms  tp {ours.tp:,} fp {ours.fp:,} fn {ours.fn:,}  ({load()})")
    ours = None
    keys = np.concatenate([2 * ref, 2 * test + 1])
    _, t_floor, _ = best_of(repeat, np.sort, keys, kind="stable")
    del keys
    print(f"floor, one merge of the two streams (stable sort of their keys): best of "
          f"{repeat} {1e3 * t_floor:.1f} ms  ({load()})")
    t_std, std = timed(ecg.beat_match, ref, test, fs=FS)
    print(f"medeval beat_match, standard EC57 (<= {std.window_samples} samples, from "
          f"{std.start_sample} samples): {1e3 * t_std:.0f} ms  tp {std.tp:,} fp {std.fp:,} "
          f"fn {std.fn:,}")
    std = None

    # wfdb: a probe on 20,000 beats says whether the whole fits the budget.
    probe = min(20_000, ref.size)
    t_probe, _ = timed(compare_annotations, ref[:probe], test[test <= ref[probe - 1]], WIDTH)
    per_beat = t_probe / probe
    if per_beat * ref.size <= budget_s:
        runs, spent, peer = [], 0.0, None
        while len(runs) < 3 and spent + (min(runs) if runs else 0.0) <= budget_s:
            seconds, peer = timed(compare_annotations, ref, test, WIDTH)
            runs.append(seconds)
            spent += seconds
        t_wfdb, sub_ref, sub_test = min(runs), ref, test
        note = f" (best of {len(runs)} whole runs)"
    else:
        n_wfdb = max(probe, int(budget_s / per_beat))
        sub_ref = ref[:n_wfdb]
        sub_test = test[test <= sub_ref[-1]]
        seconds, peer = timed(compare_annotations, sub_ref, sub_test, WIDTH)
        t_wfdb = seconds * ref.size / n_wfdb
        note = (f" (timed once on the first {n_wfdb:,} reference beats = "
                f"{n_wfdb / ref.size:.1%}, {seconds:.1f} s, scaled linearly)")
    print(f"wfdb compare_annotations (< {WIDTH} samples): {t_wfdb:.2f} s{note}  ({load()})")
    same = ecg.beat_match(sub_ref, sub_test, **options)
    agree = (same.tp, same.fp, same.fn) == (peer.tp, peer.fp, peer.fn)
    print(f"  on those beats: wfdb tp {peer.tp:,} fp {peer.fp:,} fn {peer.fn:,}; medeval "
          f"tp {same.tp:,} fp {same.fp:,} fn {same.fn:,}: {'equal' if agree else 'DIFFER'}")
    print(f"ratio wfdb / medeval (same convention): {t_wfdb / t_ours:.0f}x against medeval's "
          f"best of {repeat} (goal >= 80x), {t_wfdb / t_first:.0f}x against its first call; "
          f"medeval / floor: {t_ours / t_floor:.1f}x")


def evaluation(folder: Path, fmt: str, repeat: int) -> None:
    import bench_evaluation

    import medeval.evaluation
    import medeval.metrics.ecg as ecg_metrics

    predictions, protocol, suffix = {
        "json": ("pred", "protocol.toml", ".json"),
        "qrs": ("pred-qrs", "protocol-qrs.toml", ".qrs")}[fmt]
    n = len((folder / "manifest.csv").read_text().splitlines()) - 1
    start = time.perf_counter()
    medeval.evaluation.evaluate(folder / protocol, folder / predictions, workers=1)
    print(f"predictions as {fmt}: first evaluation (digests cached) "
          f"{time.perf_counter() - start:.1f} s  ({load()})")
    metric = ecg_metrics.ec57
    spent = [0.0]

    def counted(*args: Any, **kwargs: Any) -> Any:
        begin = time.perf_counter()
        try:
            return metric(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - begin

    runs = []
    ecg_metrics.ec57 = counted  # type: ignore[assignment]
    try:
        for _ in range(repeat):
            spent[0] = 0.0
            seconds, _ = timed(medeval.evaluation.evaluate, folder / protocol,
                               folder / predictions, workers=1)
            runs.append((seconds, spent[0]))
            print(f"  evaluation, one worker: {seconds:.1f} s, of which ec57 {spent[0]:.1f} s"
                  f"  ({load()})")
    finally:
        ecg_metrics.ec57 = metric  # type: ignore[assignment]
    total, in_metric = min(runs)
    read, decoded = bench_evaluation.floor(folder, predictions, suffix)
    per = 1e6 / n
    print(f"  floor: stat every file and read three per record {1e6 * read:.0f} us, and "
          f"decode the two annotation lists {1e6 * decoded:.0f} us per record  ({load()})")
    print(f"  best evaluation {per * total:.0f} us per record = metric {per * in_metric:.0f}"
          f" + the rest {per * (total - in_metric):.0f}; ratio evaluation / (floor "
          f"{1e6 * decoded:.0f} + metric) = {total / (n * decoded + in_metric):.2f} "
          "(goal <= 1.5)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="*", default=[1_000_000, 10_000_000],
                        help="reference beats of each matching run (none: skip)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--wfdb-budget-s", type=float, default=120.0)
    parser.add_argument("--records", type=int, default=0,
                        help="ECG records to evaluate (0: skip; the laboratory's set: 100000)")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--formats", nargs="*", default=["json", "qrs"],
                        choices=["json", "qrs"])
    parser.add_argument("--eval-repeat", type=int, default=2)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from wfdb import __version__ as wfdb_version
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, numpy {np.__version__}, wfdb {wfdb_version}")
    for n in args.n:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # wfdb's pandas deprecation noise
            matching(n, args.repeat, args.wfdb_budget_s)
    if args.records:
        import tempfile

        import bench_evaluation

        root = args.data_dir or Path(tempfile.mkdtemp(prefix="medeval-bench-"))
        folder = root / ("ecg" if args.minutes == 10 else f"ecg-{args.minutes:g}min")
        seconds, _ = timed(bench_evaluation.build_ecg, folder, args.records, args.minutes)
        print(f"\n{args.records:,} ECG records of {args.minutes:g} minutes in {folder} (built "
              f"or found in {seconds:.0f} s)")
        for fmt in args.formats:
            evaluation(folder, fmt, args.eval_repeat)


if __name__ == "__main__":
    main()
