"""Segmentation metrics: medeval against its peers, side by side, on the same masks.

The full set — Dice, Hausdorff, HD95, ASSD and NSD — on one case, for each volume size
(128³, 256³ and 200×512×512 voxels; spacing 2.5 × 0.7 × 0.7 mm in (z, y, x), i.e. 0.7,
0.7, 2.5 mm in (x, y, z)) and three shapes: a large organ-like ellipsoid, the same with a
far false-positive island (a 2×4×4-voxel blob ~40 mm beyond the organ's box, which
grows the box holding both masks by about a third) and a small ~20 mm lesion in the full
volume. The prediction is the reference shifted and resized a little, with a four-voxel
false-positive island just outside the object.

Peers, each in its own process (so that peak memory is its own), timed on the metric
computation only (masks built and libraries imported beforehand):

- medeval ``segmentation_scores`` (one crop, one set of distances; NSD surfel at 1 mm);
- DeepMind ``surface-distance`` (distances once, then HD, HD95, ASSD, surface Dice);
- MONAI on the CPU (``compute_dice``, ``compute_hausdorff_distance`` with and without
  percentile, ``compute_average_surface_distance``, ``compute_surface_dice``);
- MedPy (``dc``, ``hd``, ``hd95``, ``assd``: no NSD);
- SimpleITK filters (label overlap Dice and Hausdorff only: no HD95, ASSD or NSD);
- the floor: what any implementation of the full set must do before measuring a single
  distance — find the box holding both masks and, in it, the two surfaces (each mask's
  border voxels and its surfel neighbourhood codes), with medeval's own functions.

Peers not installed are skipped and said so. Each is timed ``--repeats`` times in its
process (short computations for a second in all) and the best kept (other work on a
shared machine only adds time); the load
average is printed with the numbers. Prints seconds, peak memory above the process's size
before the computation, the ratio of each peer's time to medeval's, medeval's time over
the floor's, and checks that medeval's HD95 (max-directed) equals MONAI's within 1e-6.

    pip install '.[bench]'
    python benchmarks/bench_segmentation.py [--sizes small medium large] [--peers ...]
        [--shapes organ organ-far-island lesion] [--repeats 3]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

SIZES = {"small": (128, 128, 128), "medium": (256, 256, 256), "large": (200, 512, 512)}
SPACING = (2.5, 0.7, 0.7)
TOLERANCE_MM = 1.0
SHAPES = ("organ", "organ-far-island", "lesion")
PEERS = ("medeval", "floor", "surface-distance", "monai", "medpy", "simpleitk")
MODULES = {"medeval": "medeval", "floor": "medeval", "surface-distance": "surface_distance",
           "monai": "monai", "medpy": "medpy", "simpleitk": "SimpleITK"}


def ellipsoid(shape, centre, radii):  # type: ignore[no-untyped-def]
    """A boolean ellipsoid, built inside its bounding box only."""
    lo = [max(0, int(np.floor(c - r)) - 1) for c, r in zip(centre, radii)]
    hi = [min(n, int(np.ceil(c + r)) + 2) for n, c, r in zip(shape, centre, radii)]
    box = tuple(slice(a, b) for a, b in zip(lo, hi))
    grid = np.ogrid[box]
    inside = sum(((g - c) / r) ** 2 for g, c, r in zip(grid, centre, radii)) <= 1.0
    mask = np.zeros(shape, bool)
    mask[box] = inside
    return mask


def masks(size: str, shape_name: str):  # type: ignore[no-untyped-def]
    shape = SIZES[size]
    centre = [n / 2 for n in shape]
    if shape_name.startswith("organ"):
        radii = [0.3 * n for n in shape]
        ref = ellipsoid(shape, centre, radii)
        pred = ellipsoid(shape, [centre[0] + 1, centre[1] + 3, centre[2] - 2],
                         [radii[0] * 0.97, radii[1] * 1.03, radii[2] * 0.98])
    else:  # a lesion of ~20 mm diameter
        radii = [10.0 / s for s in SPACING]
        ref = ellipsoid(shape, centre, radii)
        pred = ellipsoid(shape, [centre[0], centre[1] + 1, centre[2] - 1],
                         [radii[0], radii[1] * 0.9, radii[2] * 1.1])
    # A small false-positive island a little outside the object (a few mm), so that the
    # box holding both masks stays the object's own, as in a typical case.
    top = np.flatnonzero(ref.any(axis=(1, 2)))[-1]
    z = min(top + 3, shape[0] - 1)
    y, x = int(centre[1]), int(centre[2])
    pred[z, y : y + 2, x : x + 2] = True
    if shape_name == "organ-far-island":  # ~40 mm beyond the box's lower corner
        lo = [int(np.flatnonzero(ref.any(axis=tuple(a for a in range(3) if a != axis)))[0])
              for axis in range(3)]
        z, y, x = max(lo[0] - 8, 0), max(lo[1] - 40, 0), max(lo[2] - 40, 0)
        pred[z : z + 2, y : y + 4, x : x + 4] = True
    return ref, pred


def run_peer(peer: str, ref, pred):  # type: ignore[no-untyped-def]
    """The full set with one peer; returns the values it gives."""
    sp = SPACING
    if peer == "floor":
        from medeval.metrics._grid_distances import framed_border, framed_codes
        from medeval.metrics._masks import bounding_box, neighbour_offsets, union_box

        box = union_box(bounding_box(ref), bounding_box(pred))
        offsets = neighbour_offsets(3, 1, func="floor")
        found = 0
        if box is not None:  # medeval's own, fastest ways (the least frames they take)
            for mask in (ref[box], pred[box]):
                found += int(framed_border(mask, offsets, (1, 1, 1)).any())
                found += int(framed_codes(mask, (0, 0, 0)).any())
        return {"surfaces found": float(found)}
    if peer == "medeval":
        from medeval.metrics import segmentation_scores

        v = segmentation_scores(ref, pred, spacing_mm=sp, tolerance_mm=TOLERANCE_MM).values
        return {"dice": v["dice"], "hd": v["hausdorff"], "hd95": v["hd95@max-directed"],
                "assd": v["assd"], "nsd": v["nsd@surfel"]}
    if peer == "surface-distance":
        import surface_distance as sd

        d = sd.compute_surface_distances(ref, pred, sp)
        gt_to_pred, pred_to_gt = sd.compute_average_surface_distance(d)
        return {"dice": float(sd.compute_dice_coefficient(ref, pred)),
                "hd": float(sd.compute_robust_hausdorff(d, 100)),
                "hd95": float(sd.compute_robust_hausdorff(d, 95)),
                "assd(directed mean)": float((gt_to_pred + pred_to_gt) / 2),
                "nsd": float(sd.compute_surface_dice_at_tolerance(d, TOLERANCE_MM))}
    if peer == "monai":
        import torch
        from monai.metrics import (
            compute_average_surface_distance,
            compute_dice,
            compute_hausdorff_distance,
            compute_surface_dice,
        )

        y = torch.from_numpy(ref)[None, None]
        yp = torch.from_numpy(pred)[None, None]
        kw = {"include_background": True, "spacing": sp}
        return {
            "dice": float(compute_dice(yp, y, include_background=True)),
            "hd": float(compute_hausdorff_distance(yp, y, **kw)),
            "hd95": float(compute_hausdorff_distance(yp, y, percentile=95, **kw)),
            "assd": float(compute_average_surface_distance(yp, y, symmetric=True, **kw)),
            "nsd(count)": float(compute_surface_dice(yp, y, [TOLERANCE_MM], **kw)),
        }
    if peer == "medpy":
        from medpy.metric import binary

        return {"dice": float(binary.dc(pred, ref)),
                "hd": float(binary.hd(pred, ref, voxelspacing=sp)),
                "hd95(pooled)": float(binary.hd95(pred, ref, voxelspacing=sp)),
                "assd": float(binary.assd(pred, ref, voxelspacing=sp))}
    if peer == "simpleitk":
        import SimpleITK as sitk

        images = []
        for mask in (ref, pred):
            image = sitk.GetImageFromArray(mask.astype(np.uint8))
            image.SetSpacing(tuple(reversed(sp)))  # SimpleITK spacing is (x, y, z)
            images.append(image)
        overlap = sitk.LabelOverlapMeasuresImageFilter()
        overlap.Execute(images[0], images[1])
        hausdorff = sitk.HausdorffDistanceImageFilter()
        hausdorff.Execute(images[0], images[1])
        return {"dice": overlap.GetDiceCoefficient(), "hd": hausdorff.GetHausdorffDistance()}
    raise ValueError(peer)


def _memory_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def worker(peer: str, size: str, shape_name: str, repeats: int) -> None:
    if peer == "surface-distance":  # its PyPI release predates numpy 2
        np.Inf, np.NaN = np.inf, np.nan  # type: ignore[attr-defined]
    ref, pred = masks(size, shape_name)
    small_ref, small_pred = masks("small", "lesion")
    run_peer(peer, small_ref, small_pred)  # imports and first-call set-up, untimed
    try:  # reset the peak-RSS mark so the peak is the computation's own
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
    before = _memory_kb("VmRSS")
    seconds: list[float] = []
    # At least ``repeats`` timings; short ones are repeated for a second in all.
    while len(seconds) < repeats or (sum(seconds) < 1.0 and len(seconds) < 50):
        start = time.perf_counter()
        values = run_peer(peer, ref, pred)
        seconds.append(time.perf_counter() - start)
    peak = max(_memory_kb("VmHWM") - before, 0)
    print(json.dumps({"seconds": min(seconds), "peak_mb": peak / 1024, "values": values}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", choices=list(SIZES), default=list(SIZES))
    parser.add_argument("--shapes", nargs="+", choices=SHAPES, default=list(SHAPES))
    parser.add_argument("--peers", nargs="+", choices=PEERS, default=list(PEERS))
    parser.add_argument("--repeats", type=int, default=3,
                        help="timings per peer and case, the best kept (default 3)")
    parser.add_argument("--worker", nargs=3, metavar=("PEER", "SIZE", "SHAPE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker, repeats=args.repeats)
        return
    available = [p for p in args.peers if importlib.util.find_spec(MODULES[p]) is not None]
    missing = sorted(set(args.peers) - set(available))
    print(f"{os.cpu_count()} cores; spacing (z, y, x) {SPACING} mm; NSD tolerance "
          f"{TOLERANCE_MM} mm; best of {args.repeats}"
          + (f"; not installed: {', '.join(missing)}" if missing else ""))
    failures = []
    for size in args.sizes:
        for shape_name in args.shapes:
            load = " ".join(f"{v:.2f}" for v in os.getloadavg())
            print(f"\n{size} {SIZES[size]} {shape_name} (load average {load})")
            print(f"  {'peer':<17}{'seconds':>9}{'peak MB':>9}{'x medeval':>11}  values")
            rows = {}
            for peer in available:
                done = subprocess.run(
                    [sys.executable, __file__, "--worker", peer, size, shape_name,
                     "--repeats", str(args.repeats)],
                    capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"},
                )
                if done.returncode != 0:
                    print(f"  {peer:<17} failed: {done.stderr.strip().splitlines()[-1:]}")
                    continue
                rows[peer] = json.loads(done.stdout.strip().splitlines()[-1])
            base = rows.get("medeval", {}).get("seconds")
            for peer, row in rows.items():
                ratio = f"{row['seconds'] / base:>10.1f}x" if base else ""
                values = ", ".join(f"{k} {v:.4f}" for k, v in row["values"].items())
                print(f"  {peer:<17}{row['seconds']:>9.3f}{row['peak_mb']:>9.0f}{ratio:>11}  "
                      f"{values}")
            if base and "floor" in rows:
                print(f"  medeval takes {base / rows['floor']['seconds']:.1f}x the floor "
                      "(finding the two surfaces alone)")
            peers = {p: r for p, r in rows.items() if p not in ("medeval", "floor")}
            full = {p: r for p, r in peers.items() if p != "simpleitk"}  # the full set only
            if base and full:
                fastest = min(full, key=lambda p: full[p]["seconds"])
                print(f"  fastest peer with the full set: {fastest}; medeval is "
                      f"{full[fastest]['seconds'] / base:.1f}x faster, peak memory "
                      f"{rows['medeval']['peak_mb']:.0f} MB vs {full[fastest]['peak_mb']:.0f} MB")
            if "monai" in rows and "medeval" in rows:
                ours, theirs = rows["medeval"]["values"]["hd95"], rows["monai"]["values"]["hd95"]
                same = abs(ours - theirs) <= 1e-6
                print(f"  HD95 max-directed: medeval {ours:.9f}, MONAI {theirs:.9f}: "
                      f"{'equal' if same else 'DIFFERENT'} within 1e-6")
                if not same:
                    failures.append((size, shape_name))
    if failures:
        sys.exit(f"HD95 differs from MONAI on {failures}")


if __name__ == "__main__":
    main()
