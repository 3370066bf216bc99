"""2-D frames end to end: a colonoscopy-sized set of JPEG frames with PNG masks through
``medeval evaluate``, per image, against the bare decode of the files.

Builds ``--frames`` synthetic frames (default 21,500, the laboratory's colon endoscopy
set plus a margin) of 512 x 512 pixels into ``--data-dir``: an RGB JPEG frame, its
reference mask and a predicted mask as 8-bit PNG (0/255; a polyp-like ellipse, the
prediction shifted and resized, 1 % of predictions missing), ~10 frames per patient, a
manifest and a protocol in pixels (``distance_unit = "px"``: Dice, IoU and every
distance, as the segmentation task computes them). Then, in the same run:

1. the bare decode: Pillow's ``Image.open(path).load()`` of each case's frame and
   reference mask (the two files of a case of the set), and of the reference and
   predicted masks (the two files the evaluation decodes), per image;
2. ``medeval evaluate protocol.toml --predictions predictions/ --out result/ --workers 1``
   (a subprocess, as a user runs it): the first run also hashes every file for the
   set's fingerprint (the digest cache, in ``--data-dir``, is then warm), so it runs
   twice; then with ``--workers 2``; then both again with ``overlaps.toml``, the same
   protocol with ``distances = false`` (Dice, IoU and RVD only);
3. per image: wall time / frames, and that minus the bare decode (the goal: <= 2 ms
   per image above the decode on one core), the speed-up of two workers; and the CPU
   time (user + system of every process of the run) per image, which a machine busy
   with other work does not inflate as it does the wall time;
4. with ``--profile``: one case's work in the process (read both masks, check, score)
   under cProfile, the top functions — where the time above the decode goes — for
   each protocol.

    python benchmarks/bench_frames.py --frames 2000 --data-dir /tmp/frames [--profile]

The data are built once and reused when ``--data-dir`` already holds as many frames.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

SIZE = 512
PER_PATIENT = 10
PROTOCOL = """
[test]
id = "BENCH-FRAMES"
title = "2-D frames benchmark"
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
selection = "synthetic 512 x 512 colonoscopy frames"
[task]
type = "segmentation"
distance_unit = "px"
nsd_tolerance_px = 3.0
[statistics]
seed = 1
n_resamples = 200
resampling_unit = "patient"
[failures]
worst_distance_px = 725.0
[[criteria]]
metric = "dice"
goal = 0.8
source = "benchmark"
"""

#: The same test, Dice, IoU and the relative volume difference only.
OVERLAPS = PROTOCOL.replace("nsd_tolerance_px = 3.0", "distances = false")


def _ellipse(rows: np.ndarray, cols: np.ndarray, centre: tuple[float, float],
             radii: tuple[float, float]) -> np.ndarray:
    return ((rows - centre[0]) / radii[0]) ** 2 + ((cols - centre[1]) / radii[1]) ** 2 <= 1


def _write(batch: tuple[Path, int, int]) -> None:
    """Frames ``start .. stop - 1``: JPEG frame, PNG reference and prediction."""
    from PIL import Image

    folder, start, stop = batch
    rows, cols = np.mgrid[:SIZE, :SIZE].astype(np.float32)
    base = np.random.default_rng(0).integers(0, 24, size=(SIZE, SIZE, 3), dtype=np.uint8)
    shade = (140 - 60 * np.hypot(rows - 256, cols - 256) / 362).astype(np.uint8)
    for k in range(start, stop):
        rng = np.random.default_rng(k)
        centre = rng.uniform(140, 372, size=2)
        radii = rng.uniform(40, 120, size=2)
        ref = _ellipse(rows, cols, (centre[0], centre[1]), (radii[0], radii[1]))
        frame = base.copy()
        frame[..., 0] += shade + 60
        frame[..., 1] += shade // 3
        frame[..., 2] += shade // 3
        frame[ref] += np.array([20, 50, 40], np.uint8)
        case = f"F{k:06d}"
        Image.fromarray(frame).save(folder / "frames" / f"{case}.jpg", quality=85)
        Image.fromarray(np.where(ref, 255, 0).astype(np.uint8)).save(
            folder / "masks" / f"{case}.png")
        if k % 100 != 37:  # 1 % missing
            shift = rng.uniform(-8, 8, size=2)
            scale = rng.uniform(0.85, 1.1, size=2)
            pred = _ellipse(rows, cols, (centre[0] + shift[0], centre[1] + shift[1]),
                            (radii[0] * scale[0], radii[1] * scale[1]))
            Image.fromarray(np.where(pred, 255, 0).astype(np.uint8)).save(
                folder / "predictions" / f"{case}.png")


def build(folder: Path, frames: int, workers: int) -> None:
    manifest = folder / "manifest.csv"
    if manifest.is_file() and sum(1 for _ in manifest.open()) - 1 == frames:
        print(f"data: {frames} frames already in {folder}")
        return
    for sub in ("frames", "masks", "predictions"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    step = 250
    batches = [(folder, s, min(s + step, frames)) for s in range(0, frames, step)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_write, batches))
    with manifest.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["case_id", "patient_id", "input", "reference"])
        for k in range(frames):
            case = f"F{k:06d}"
            writer.writerow([case, f"P{k // PER_PATIENT:05d}", f"frames/{case}.jpg",
                             f"masks/{case}.png"])
    (folder / "protocol.toml").write_text(PROTOCOL)
    (folder / "overlaps.toml").write_text(OVERLAPS)
    print(f"data: {frames} frames written to {folder} in {time.perf_counter() - started:.1f} s")


def bare_decode(folder: Path, frames: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """Per image, (wall, CPU) seconds: frame + reference mask, reference + predicted mask."""
    from PIL import Image

    cases = [f"F{k:06d}" for k in range(frames)]
    started, cpu = time.perf_counter(), time.process_time()
    for case in cases:
        with Image.open(folder / "frames" / f"{case}.jpg") as image:
            image.load()
        with Image.open(folder / "masks" / f"{case}.png") as image:
            image.load()
    frame_mask = ((time.perf_counter() - started) / frames,
                  (time.process_time() - cpu) / frames)
    started, cpu = time.perf_counter(), time.process_time()
    for case in cases:
        with Image.open(folder / "masks" / f"{case}.png") as image:
            image.load()
        prediction = folder / "predictions" / f"{case}.png"
        if prediction.is_file():
            with Image.open(prediction) as image:
                image.load()
    masks = ((time.perf_counter() - started) / frames, (time.process_time() - cpu) / frames)
    return frame_mask, masks


def evaluate(folder: Path, protocol: str, workers: int, out: str) -> tuple[float, float]:
    """Wall and CPU (user + system, every process of the run) seconds of one evaluation.

    CPU time is what the run costs however busy the machine is; wall time on a machine
    shared with other work is longer."""
    import resource

    env = dict(os.environ, MEDEVAL_CACHE_DIR=str(folder / "cache"))
    command = [sys.executable, "-m", "medeval", "evaluate", protocol, "--predictions",
               "predictions/", "--out", out, "--workers", str(workers)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 3):
        raise SystemExit(f"medeval evaluate failed ({done.returncode}):\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def profile(folder: Path, protocol: str) -> None:
    """One worker's per-case work on 200 cases, under cProfile."""
    import cProfile
    import pstats

    from medeval.manifest import Manifest
    from medeval.protocol import load_protocol
    from medeval.tasks.registry import make_task

    task = make_task(load_protocol(folder / protocol))
    manifest = Manifest.from_csv(folder / "manifest.csv", reference_kind="image")
    cases = [c for c in manifest.cases[:220]
             if (folder / "predictions" / f"{c.case_id}.png").is_file()][:200]
    predictions = folder / "predictions"

    def run() -> None:
        for case in cases:
            task.score_loaded(case, task.load_case(case, manifest.root, predictions))

    run()  # warm
    started = time.perf_counter()
    run()
    per_case = (time.perf_counter() - started) / len(cases)
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    print(f"\nprofile, {protocol}: read + check + score {per_case * 1e3:.2f} ms per case "
          "(no profiler), top functions by own time:")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(14)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=21_500)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    folder = args.data_dir or Path(tempfile.mkdtemp(prefix="medeval-frames-"))
    folder.mkdir(parents=True, exist_ok=True)
    build(folder, args.frames, os.cpu_count() or 1)
    n = args.frames
    frame_mask, masks = bare_decode(folder, n)
    print(f"bare decode (Pillow open + load), per image, wall / CPU: frame + reference mask "
          f"{frame_mask[0] * 1e3:.2f} / {frame_mask[1] * 1e3:.2f} ms; reference + predicted "
          f"mask {masks[0] * 1e3:.2f} / {masks[1] * 1e3:.2f} ms; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    (folder / "overlaps.toml").write_text(OVERLAPS)  # also into a set built before
    for protocol, title in (("protocol.toml", "Dice, IoU and every distance in px"),
                            ("overlaps.toml", "Dice, IoU, RVD only (distances = false)")):
        print(f"\n{protocol}: {title}")
        runs = {}
        for label, workers, out in (("1 worker, cold digest cache", 1, "result-cold"),
                                    ("1 worker", 1, "result-1"), ("2 workers", 2, "result-2")):
            if label.endswith("cache") and protocol != "protocol.toml":
                continue  # the digest cache is warm after the first protocol
            wall, cpu = evaluate(folder, protocol, workers, f"{out}-{protocol[:-5]}")
            runs[label] = wall
            print(f"  medeval evaluate, {label}: {wall:.1f} s = {wall / n * 1e3:.2f} ms per "
                  f"image, {(wall / n - frame_mask[0]) * 1e3:.2f} ms above the decode of "
                  f"frame + mask, {(wall / n - masks[0]) * 1e3:.2f} above that of the two "
                  f"masks; CPU {cpu / n * 1e3:.2f} ms per image, "
                  f"{(cpu / n - masks[1]) * 1e3:.2f} above the two masks' decode")
        print(f"  speed-up of 2 workers over 1: {runs['1 worker'] / runs['2 workers']:.2f}x "
              f"({os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f})")
    if args.profile:
        profile(folder, "protocol.toml")
        profile(folder, "overlaps.toml")


if __name__ == "__main__":
    main()
