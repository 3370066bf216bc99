"""Rebuild this example's held-out set (not needed to run the example: its output is
committed). Synthetic data made here from a fixed seed; no third-party data.

8 non-contrast CT patches of 6 patients, each holding one urinary stone, written with
SimpleITK as NIfTI: ``images/<case>.nii.gz`` (int16 HU, 16 x 24 x 24 voxels of
2.0 x 0.8 x 0.8 mm, z, y, x: soft tissue with noise, the stone blurred by the scanner's
point spread) and ``masks/<case>.nii.gz`` (uint8, the stone drawn as the ellipsoid it
is). ``predictions/<case>.nii.gz`` is a simple algorithm's mask: voxels above 300 HU.
It misses the blurred rim of each stone, keeps a vessel calcification in S-04, finds
nothing in S-06 (a faint 250 HU stone); S-05 has no prediction and S-08's prediction was
saved on another grid (1 mm slices), which the evaluation refuses as incompatible.

    python3 make_data.py
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEED = 20261205
SHAPE = (16, 24, 24)  # z, y, x
SPACING = (2.0, 0.8, 0.8)  # mm, z, y, x
PATIENTS = ["K01", "K02", "K02", "K03", "K04", "K05", "K05", "K06"]
CALCIFICATION, FAINT, MISSING, OTHER_GRID = 3, 5, 4, 7
THRESHOLD_HU = 300.0


def _write(array: np.ndarray, path: Path, spacing: tuple[float, ...] = SPACING) -> None:
    import SimpleITK as sitk

    image = sitk.GetImageFromArray(array)
    image.SetSpacing(tuple(float(s) for s in spacing[::-1]))  # SimpleITK: (x, y, z)
    sitk.WriteImage(image, str(path), useCompression=True)


def main() -> None:
    from scipy import ndimage

    rng = np.random.default_rng(SEED)
    for folder in ("images", "masks", "predictions"):
        (HERE / folder).mkdir(exist_ok=True)
    z, y, x = (np.arange(n) * s for n, s in zip(SHAPE, SPACING))
    zz, yy, xx = np.meshgrid(z, y, x, indexing="ij")
    rows = []
    for k, patient in enumerate(PATIENTS):
        case = f"S-{k + 1:02d}"
        centre = [rng.uniform(0.4, 0.6) * (n - 1) * s for n, s in zip(SHAPE, SPACING)]
        axes = rng.uniform(2.5, 5.0, size=3)  # semi-axes, mm
        mask = ((zz - centre[0]) / axes[0]) ** 2 + ((yy - centre[1]) / axes[1]) ** 2 + \
            ((xx - centre[2]) / axes[2]) ** 2 <= 1.0
        stone_hu = 250.0 if k == FAINT else rng.uniform(600, 1200)
        image = 40.0 + (stone_hu - 40.0) * ndimage.gaussian_filter(mask.astype(float), 0.8)
        if k == CALCIFICATION:  # a 2 mm vessel calcification near the edge of the patch
            image[2:4, 2:4, 2:5] = 700.0
        image = np.round(image + rng.normal(0.0, 12.0, SHAPE)).astype(np.int16)
        _write(image, HERE / "images" / f"{case}.nii.gz")
        _write(mask.astype(np.uint8), HERE / "masks" / f"{case}.nii.gz")
        predicted = (image > THRESHOLD_HU).astype(np.uint8)
        if k == OTHER_GRID:
            _write(predicted, HERE / "predictions" / f"{case}.nii.gz", (1.0, 0.8, 0.8))
        elif k != MISSING:
            _write(predicted, HERE / "predictions" / f"{case}.nii.gz")
        rows.append([case, patient, f"images/{case}.nii.gz", f"masks/{case}.nii.gz",
                     "A" if k % 3 else "B"])
    with (HERE / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["case_id", "patient_id", "input", "reference", "scanner"])
        writer.writerows(rows)


if __name__ == "__main__":
    main()
