"""The whole evaluation pipeline (protocol -> result JSON): where does the time go?

Two sets, each through ``medeval.evaluate``: segmentation and ECG beats.

Builds a segmentation set of N cases of 64×256×256 voxels (spacing 2.5 × 0.8 × 0.8 mm;
organ-like ellipsoids, the prediction shifted and resized; masks written uncompressed as
NIfTI so that reading does not dominate), then evaluates it through
``medeval.evaluate`` — manifest validation and fingerprint, reading every mask, the
compatibility gate, the metrics, aggregation with bootstrap intervals, the result JSON:

- once with one worker under the profiler, printing the share of the time spent outside
  the metric function (``segmentation_scores``) — the pipeline's own cost;
- once with one process per core, printing the speed-up (``--repeats``: one-worker and
  all-core runs alternated, the best of each kept), with the CPU seconds of every
  process of each run and the load average: on a shared machine the wall time measures
  the other work too, and the CPU seconds show what the workers cost beyond one process.

ECG: N records of 10 minutes (``--ecg-minutes``; MIT-BIH's are 30) at 360 Hz (~700
beats each; reference annotations in MIT format; the detector's beats jittered, 1%
dropped, 1% extra), evaluated twice: predictions as JSON, then as WFDB annotation files
``.qrs``; scored per EC57, the metric function is ``ec57``. A record's fixed costs (its
files checked, hashed, opened) weigh less as records grow. The first evaluation of a new
set also hashes every file (later ones reuse the digest cache): run twice to see both.
After each ECG evaluation it prints two lower bounds on the share outside the metric,
measured on the same files: what merely ``stat``-ing every file and reading the three a
record needs costs, and that plus turning the two annotation lists into arrays by the
cheapest means — what a pipeline with no checks, no fingerprint and no result would cost.

    python benchmarks/bench_evaluation.py --cases 2000 --ecg-cases 100000 [--data-dir DIR]

The data are built once into ``--data-dir`` (default: a temporary folder, about
8.5 MB per case) and reused when the folder already holds them.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

SHAPE = (64, 256, 256)
SPACING = (2.5, 0.8, 0.8)

def protocol(test_id: str) -> str:
    """The sections every benchmark protocol shares; the task and criteria follow."""
    return f"""
[test]
id = "{test_id}"
title = "Benchmark"
mode = "pre-check"
[laboratory]
name = "Lab"
[customer]
name = "Customer"
[algorithm]
name = "Synthetic"
version = "1"
[dataset]
manifest = "manifest.csv"
selection = "synthetic"
"""


PROTOCOL = protocol("BENCH-SEG") + """[task]
type = "segmentation"
nsd_tolerance_mm = 1.0
[statistics]
seed = 1
resampling_unit = "patient"
[failures]
worst_distance_mm = 100.0
[[criteria]]
metric = "dice"
goal = 0.8
source = "benchmark"
"""


def ellipsoid(centre, radii):  # type: ignore[no-untyped-def]
    grid = np.ogrid[tuple(slice(0, n) for n in SHAPE)]
    return (sum(((g - c) / r) ** 2 for g, c, r in zip(grid, centre, radii)) <= 1).astype(
        np.uint8)


def build(folder: Path, cases: int) -> None:
    import SimpleITK as sitk

    if (folder / "manifest.csv").is_file() and len(list((folder / "pred").glob("*.nii"))) \
            == cases:
        return
    for sub in ("img", "ref", "pred"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    rows = ["case_id,patient_id,input,reference"]
    for i in range(cases):
        cid = f"c{i:05d}"
        centre = np.array([32, 128, 128]) + rng.normal(0, [2, 8, 8])
        radii = np.array([14, 60, 55]) * rng.uniform(0.7, 1.2)
        ref = ellipsoid(centre, radii)
        pred = ellipsoid(centre + rng.normal(0, [0.7, 2, 2]), radii * rng.uniform(0.93, 1.07))
        for sub, array in (("ref", ref), ("pred", pred)):
            image = sitk.GetImageFromArray(array)
            image.SetSpacing(tuple(reversed(SPACING)))
            sitk.WriteImage(image, str(folder / sub / f"{cid}.nii"))
        (folder / "img" / f"{cid}.txt").write_text(cid)
        rows.append(f"{cid},p{i // 2:05d},img/{cid}.txt,ref/{cid}.nii")
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n")
    (folder / "protocol.toml").write_text(PROTOCOL)


ECG_PROTOCOL = protocol("BENCH-ECG") + """[task]
type = "ecg-beats"
[statistics]
seed = 1
[[criteria]]
metric = "qrs_sensitivity"
goal = 0.95
source = "benchmark"
"""


def write_atr(path: Path, samples: np.ndarray) -> None:
    """An MIT-format annotation file of normal beats: a word per beat, code 1 (N) over a
    10-bit interval; an interval of 1024 samples or more goes in a SKIP (code 59, the
    interval in the next two words, high half first) before a beat word of interval 0."""
    steps = np.diff(samples, prepend=0).tolist()
    words: list[int] = []
    for step in steps:
        if step < 1024:
            words.append((1 << 10) | step)
        else:
            words += [59 << 10, step >> 16, step & 0xFFFF, 1 << 10]
    path.write_bytes(np.array([*words, 0], dtype="<u2").tobytes())


def build_ecg(folder: Path, cases: int, minutes: float = 10.0) -> None:
    import json

    if (folder / "manifest.csv").is_file() and len(list((folder / "pred").glob("*.json"))) \
            == cases == len(list((folder / "pred-qrs").glob("*.qrs"))):
        return
    for sub in ("rec", "pred", "pred-qrs"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    rows = ["case_id,patient_id,input_header,input_signal,reference"]
    for i in range(cases):
        rid = f"r{i:06d}"
        length = int(minutes * 60 * 360)
        beats = np.cumsum(rng.integers(250, 330, length // 250 + 1))
        beats = beats[beats < length]
        (folder / "rec" / f"{rid}.hea").write_text(f"{rid} 1 360 {length}\n")
        (folder / "rec" / f"{rid}.dat").write_bytes(b"\0" * 16)  # inputs are not read here
        write_atr(folder / "rec" / f"{rid}.atr", beats)
        found = beats[rng.random(beats.size) >= 0.01] + rng.integers(-8, 9, 1)
        extra = rng.integers(0, length, max(1, beats.size // 100))
        test = np.sort(np.concatenate([found, extra]))
        (folder / "pred" / f"{rid}.json").write_text(json.dumps(
            {"fs": 360, "samples": test.tolist()}))
        write_atr(folder / "pred-qrs" / f"{rid}.qrs", test)
        rows.append(f"{rid},p{i // 4:06d},rec/{rid}.hea,rec/{rid}.dat,rec/{rid}.atr")
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n")
    (folder / "protocol.toml").write_text(ECG_PROTOCOL)
    (folder / "protocol-qrs.toml").write_text(ECG_PROTOCOL.replace(
        'type = "ecg-beats"', 'type = "ecg-beats"\nprediction_annotator = "qrs"'))


def floor(folder: Path, predictions: str, suffix: str) -> tuple[float, float]:
    """Seconds per record that any pipeline must spend outside the metric, twice: (1)
    ``stat`` every file the manifest names (a digest cache cannot tell an unchanged file
    without it) and read the three files scoring needs — header, reference, prediction —
    with no check and no bookkeeping; (2) the same, with the two annotation lists turned
    into the arrays the metric takes, by the cheapest means (``json.loads`` and
    ``np.asarray``; ``np.frombuffer`` for an MIT file, its words not even decoded). Lower
    bounds: no evaluation can do less."""
    import json

    rows = [line.split(",") for line in
            (folder / "manifest.csv").read_text().splitlines()[1:]]
    base, pred = os.fspath(folder), os.fspath(folder / predictions)

    def decode(data: bytes, name: str) -> object:
        if name.endswith(".json"):
            return np.asarray(json.loads(data)["samples"])
        return np.frombuffer(data, dtype="<u2")

    least = [float("inf"), float("inf")]
    for _ in range(3):  # the least of three: the file cache warm, as in the evaluation
        for k, work in enumerate((lambda data, name: None, decode)):
            begin = time.perf_counter()
            for case_id, _patient, header, signal, reference in rows:
                for name in (header, signal, reference):
                    os.stat(f"{base}/{name}")
                with open(f"{base}/{header}", "rb") as handle:
                    handle.read()
                for name in (f"{base}/{reference}", f"{pred}/{case_id}{suffix}"):
                    with open(name, "rb") as handle:
                        work(handle.read(), name)
            least[k] = min(least[k], time.perf_counter() - begin)
    return least[0] / len(rows), least[1] / len(rows)


def _run(folder: Path, protocol: str, predictions: str, workers: int | None) -> tuple[float, float]:
    """One evaluation: (wall seconds, CPU seconds of this process and its workers)."""
    import medeval.evaluation

    before, start = os.times(), time.perf_counter()
    medeval.evaluation.evaluate(folder / protocol, folder / predictions, workers=workers)
    wall, after = time.perf_counter() - start, os.times()
    cpu = sum(getattr(after, f) - getattr(before, f)
              for f in ("user", "system", "children_user", "children_system"))
    return wall, cpu


def measure(folder: Path, module: Any, name: str, label: str,
            protocol: str = "protocol.toml", predictions: str = "pred",
            repeats: int = 1) -> float:
    """Evaluate once on one process with the metric function timed, then on one process
    and on every core, alternated ``repeats`` times (the best of each kept: other work on
    a shared machine only adds time); return the seconds spent in the metric function."""
    spent = [0.0]
    metric = getattr(module, name)

    def timed(*args: object, **kwargs: object) -> object:
        begin = time.perf_counter()
        try:
            return metric(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - begin

    setattr(module, name, timed)
    serial, serial_cpu = _run(folder, protocol, predictions, 1)
    setattr(module, name, metric)
    print(f"{label}, one worker: {serial:.1f} s, of which {name} {spent[0]:.1f} s; outside "
          f"the metric function: {100 * (1 - spent[0] / serial):.1f}% (goal under 10%)")
    cores = os.cpu_count() or 1
    parallel, parallel_cpu = float("inf"), 0.0
    for k in range(repeats):
        wall, cpu = _run(folder, protocol, predictions, cores)
        if wall < parallel:
            parallel, parallel_cpu = wall, cpu
        if k + 1 < repeats:
            wall, cpu = _run(folder, protocol, predictions, 1)
            if wall < serial:
                serial, serial_cpu = wall, cpu
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"{label}, {cores} workers: {parallel:.1f} s; speed-up {serial / parallel:.2f}x "
          f"(best of {repeats}; CPU seconds, every process: one worker {serial_cpu:.1f}, "
          f"{cores} workers {parallel_cpu:.1f}; load average {load})")
    return spent[0]


def print_floor(folder: Path, predictions: str, suffix: str, spent: float, cases: int) -> None:
    """The least share outside the metric any pipeline could reach on this set."""
    metric = spent / cases
    for what, least in zip(("stat every file and read three per record",
                            "the same, and decode the two annotation lists"),
                           floor(folder, predictions, suffix)):
        print(f"  lower bound, {what}: {1e6 * least:.0f} us per record against "
              f"{1e6 * metric:.0f} us in the metric: {100 * least / (least + metric):.1f}% "
              "outside it")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--ecg-cases", type=int, default=100_000)
    parser.add_argument("--ecg-minutes", type=float, default=10.0,
                        help="length of each ECG record (MIT-BIH records are 30 minutes)")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--repeats", type=int, default=1,
                        help="alternated one-worker and all-core runs, the best of each kept")
    args = parser.parse_args()
    # Import everything first: a one-time cost, not the pipeline's per-case cost.
    import medeval.evaluation
    import medeval.metrics.ecg as ecg_metrics
    import medeval.tasks.segmentation as segmentation_task

    root = args.data_dir or Path(tempfile.mkdtemp(prefix="medeval-bench-"))
    if args.cases:
        folder = root / "segmentation"
        start = time.perf_counter()
        build(folder, args.cases)
        print(f"{args.cases} segmentation cases of {SHAPE} in {folder} (built or found in "
              f"{time.perf_counter() - start:.0f} s)")
        measure(folder, segmentation_task, "segmentation_scores", "segmentation",
                repeats=args.repeats)
    if args.ecg_cases:
        folder = root / ("ecg" if args.ecg_minutes == 10 else f"ecg-{args.ecg_minutes:g}min")
        start = time.perf_counter()
        build_ecg(folder, args.ecg_cases, args.ecg_minutes)
        print(f"{args.ecg_cases} ECG records of {args.ecg_minutes:g} minutes in {folder} "
              f"(built or found in {time.perf_counter() - start:.0f} s)")
        spent = measure(folder, ecg_metrics, "ec57", "ECG beats, predictions as JSON")
        print_floor(folder, "pred", ".json", spent, args.ecg_cases)
        spent = measure(folder, ecg_metrics, "ec57",
                        "ECG beats, predictions as WFDB annotation files",
                        "protocol-qrs.toml", "pred-qrs")
        print_floor(folder, "pred-qrs", ".qrs", spent, args.ecg_cases)
    _ = medeval.evaluation


if __name__ == "__main__":
    main()
