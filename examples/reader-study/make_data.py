"""Rebuild this example's reader study from a fixed seed (not needed to run the example:
its files are committed).

A simulated mammography reader study: 6 radiologists each read the same 80 screening
mammograms (32 with cancer) twice, once without and once with a computer-aided diagnosis
(CADx) tool, and rate each case 0-100 for suspicion of cancer. The ratings follow a
binormal model with reader and case effects (in the spirit of Roe & Metz 1997):

    x[t, j, k] = d_k * (mu + delta_t + r_j) + c_k + (c*t)_k + e[t, j, k]

with d_k the case's truth, mu = 1.4 the unaided separation, delta_t = 0.35 for the
aided reading (0 unaided), r_j ~ N(0, 0.25^2) a reader's skill, c_k ~ N(0, 0.7^2) how
hard a case is for everyone, (c*t)_k ~ N(0, 0.3^2) how much the tool changes that, and
e ~ N(0, 1) the noise of one reading; then 50 + 14 x, rounded and clipped to 0-100.
Dense breasts (a third of the cases) lower the separation by 0.4 in both readings.
``images/<case>.png`` are stand-ins for the mammograms (16 x 16 grey noise, a brighter
blob in the cancers): the readers' images, which medeval hashes but never reads.

    python3 make_data.py
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
SEED = 20260419
READERS = 6
CASES = 80
CANCERS = 32
TREATMENTS = (("without CADx", 0.0), ("with CADx", 0.35))


def main() -> None:
    rng = np.random.default_rng(SEED)
    truth = np.zeros(CASES, dtype=int)
    truth[rng.permutation(CASES)[:CANCERS]] = 1
    dense = rng.permutation(CASES) < CASES // 3
    case_effect = rng.normal(0.0, 0.7, CASES)
    reader_effect = rng.normal(0.0, 0.25, READERS)
    ids = [f"MG-{k + 1:03d}" for k in range(CASES)]
    readings = []
    for treatment, shift in TREATMENTS:
        case_by_treatment = rng.normal(0.0, 0.3, CASES)
        for j in range(READERS):
            separation = 1.4 + shift + reader_effect[j] - 0.4 * dense
            x = truth * separation + case_effect + case_by_treatment + rng.normal(
                0.0, 1.0, CASES)
            rating = np.clip(np.round(50 + 14 * x), 0, 100).astype(int)
            readings += [(f"R{j + 1}", treatment, ids[k], int(rating[k]))
                         for k in range(CASES)]
    images = HERE / "images"
    images.mkdir(exist_ok=True)
    yy, xx = np.mgrid[:16, :16]
    with (HERE / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["case_id", "patient_id", "input", "reference", "density", "site"])
        for k, case in enumerate(ids):
            pixels = rng.normal(90, 20, (16, 16))
            if truth[k]:
                cy, cx = rng.integers(4, 12, 2)
                pixels += 60 * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / 6.0)
            Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(
                images / f"{case}.png", optimize=True)
            writer.writerow([case, f"W{k + 1:03d}", f"images/{case}.png",
                             "cancer" if truth[k] else "no cancer",
                             "dense" if dense[k] else "non-dense", "AB"[k % 2]])
    with (HERE / "readings.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["reader", "treatment", "case", "rating"])
        writer.writerows(readings)


if __name__ == "__main__":
    main()
