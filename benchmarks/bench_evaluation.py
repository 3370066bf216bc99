"""The whole evaluation pipeline (protocol -> result JSON): where does the time go?

Builds a segmentation set of N cases of 64×256×256 voxels (spacing 2.5 × 0.8 × 0.8 mm;
organ-like ellipsoids, the prediction shifted and resized; masks written uncompressed as
NIfTI so that reading does not dominate), then evaluates it through
``medeval.evaluate`` — manifest validation and fingerprint, reading every mask, the
compatibility gate, the metrics, aggregation with bootstrap intervals, the result JSON:

- once with one worker under the profiler, printing the share of the time spent outside
  the metric function (``segmentation_scores``) — the pipeline's own cost;
- once with one process per core, printing the speed-up.

    python benchmarks/bench_evaluation.py --cases 2000 [--data-dir DIR]

The data are built once into ``--data-dir`` (default: a temporary folder, about
8.5 MB per case) and reused when the folder already holds them.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

SHAPE = (64, 256, 256)
SPACING = (2.5, 0.8, 0.8)

PROTOCOL = """
[test]
id = "BENCH-SEG"
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
[task]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args()
    import medeval

    folder = args.data_dir or Path(tempfile.mkdtemp(prefix="medeval-bench-"))
    start = time.perf_counter()
    build(folder, args.cases)
    print(f"{args.cases} cases of {SHAPE} in {folder} (built or found in "
          f"{time.perf_counter() - start:.0f} s)")
    # Import everything first: a one-time cost, not the pipeline's per-case cost.
    import medeval.evaluation
    import medeval.tasks.segmentation as segmentation_task

    spent = [0.0]
    metric = segmentation_task.segmentation_scores

    def timed(*args: object, **kwargs: object) -> object:
        begin = time.perf_counter()
        try:
            return metric(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            spent[0] += time.perf_counter() - begin

    segmentation_task.segmentation_scores = timed  # type: ignore[assignment]
    start = time.perf_counter()
    medeval.evaluation.evaluate(folder / "protocol.toml", folder / "pred", workers=1)
    serial = time.perf_counter() - start
    segmentation_task.segmentation_scores = metric  # type: ignore[assignment]
    print(f"one worker: {serial:.1f} s, of which segmentation_scores {spent[0]:.1f} s; "
          f"outside the metric function: {100 * (1 - spent[0] / serial):.1f}% "
          f"(goal under 10%)")
    start = time.perf_counter()
    medeval.evaluate(folder / "protocol.toml", folder / "pred", workers=os.cpu_count())
    parallel = time.perf_counter() - start
    print(f"{os.cpu_count()} workers: {parallel:.1f} s; speed-up {serial / parallel:.2f}x")


if __name__ == "__main__":
    main()
