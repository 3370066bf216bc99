"""Rebuild this example's held-out set (not needed to run the example: its output is
committed). Synthetic data made here from a fixed seed; no third-party data.

12 urinary stones of 9 patients. Each input (``inputs/<case>.mha``, MetaImage written with
SimpleITK) is a small non-contrast CT patch, 10 x 20 x 20 voxels of 1.0 x 0.6 x 0.6 mm
(z, y, x), in HU: soft tissue with noise and one ellipsoidal stone of 500-1100 HU. The
reference (the manifest's ``reference`` column, mm) is the radiologist's caliper
measurement of the stone's long axis: the true length with a reading error of 0.3 mm
(SD), to 0.1 mm. ``predictions/<case>.json`` holds a sizing algorithm's measurement
(``{"value": mm}``): 0.4 mm too long on average with 0.6 mm (SD) of scatter; one case has
no prediction file and one a value that is not a number.

    python3 make_data.py
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEED = 20261204
SHAPE = (10, 20, 20)  # z, y, x
SPACING = (1.0, 0.6, 0.6)  # mm, z, y, x
PATIENTS = ["U01", "U02", "U02", "U03", "U04", "U05", "U05", "U06", "U07", "U07", "U08",
            "U09"]
SITES = ["A", "A", "A", "B", "A", "B", "B", "A", "B", "B", "A", "B"]
MISSING, INVALID = 4, 9


def stone_patch(rng: np.random.Generator, length_mm: float) -> np.ndarray:
    """A CT patch (int16 HU) holding an ellipsoid of the given long axis along x."""
    z, y, x = (np.arange(n) * s for n, s in zip(SHAPE, SPACING))
    zz, yy, xx = np.meshgrid(z - z.mean(), y - y.mean(), x - x.mean(), indexing="ij")
    a = length_mm / 2
    b = c = a * rng.uniform(0.5, 0.8)
    inside = (xx / a) ** 2 + (yy / b) ** 2 + (zz / c) ** 2 <= 1.0
    image = rng.normal(40.0, 12.0, SHAPE)
    image[inside] = rng.uniform(500, 1100) + rng.normal(0.0, 30.0, int(inside.sum()))
    return np.round(image).astype(np.int16)


def main() -> None:
    import SimpleITK as sitk

    rng = np.random.default_rng(SEED)
    errors = np.random.default_rng(SEED + 1)  # the readers' and the algorithm's errors
    (HERE / "inputs").mkdir(exist_ok=True)
    (HERE / "predictions").mkdir(exist_ok=True)
    rows = []
    for k, patient in enumerate(PATIENTS):
        case = f"ST-{k + 1:02d}"
        length = float(rng.uniform(3.0, 10.0))
        image = sitk.GetImageFromArray(stone_patch(rng, length))
        image.SetSpacing(SPACING[::-1])  # SimpleITK takes (x, y, z)
        sitk.WriteImage(image, str(HERE / "inputs" / f"{case}.mha"), useCompression=True)
        caliper = round(length + errors.normal(0.0, 0.3), 1)
        measured = round(length + 0.4 + errors.normal(0.0, 0.6), 1)
        prediction = HERE / "predictions" / f"{case}.json"
        if k == INVALID:
            prediction.write_text('{"value": "not measurable"}\n')
        elif k != MISSING:
            prediction.write_text(json.dumps({"value": measured}) + "\n")
        rows.append([case, patient, f"inputs/{case}.mha", f"{caliper:.1f}", SITES[k]])
    with (HERE / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["case_id", "patient_id", "input", "reference", "site"])
        writer.writerows(rows)


if __name__ == "__main__":
    main()
