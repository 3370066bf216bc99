"""Rebuild this example's held-out set (not needed to run the example: its output is
committed). Synthetic data made here from a fixed seed; no third-party data.

12 colonoscopy frames of 4 patients (several frames per patient, as endoscopy gives),
written with SimpleITK as 8-bit PNG (48 x 64 pixels): mucosa texture with 0-2 polyps,
bright rounded blobs. ``references/<frame>.json`` holds the polyps' boxes
``{"boxes": [[row0, col0, row1, col1], ...]}`` in pixels (an endoscopy frame has no
physical spacing); 4 frames have no polyp (``"boxes": []``). ``predictions/<frame>.json``
is a detector's output ``{"detections": [{"box": [...], "score": s}, ...]}``: it finds
most polyps with a jittered box, misses one, adds false positives with lower scores;
frame F-06 has no prediction file and F-10's prediction is malformed (a box of 3
numbers).

    python3 make_data.py
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEED = 20261206
SHAPE = (48, 64)
PATIENTS = ["C01"] * 4 + ["C02"] * 3 + ["C03"] * 3 + ["C04"] * 2
#: Polyps per frame (0, 1 or 2).
POLYPS = [1, 0, 2, 1, 0, 1, 1, 0, 1, 1, 0, 1]
MISSED = (8, 0)  # frame index, polyp index: the detector does not see this one
#: False positives (frame index -> scores).
FALSE_POSITIVES = {0: [0.2], 1: [0.75, 0.35], 2: [0.33], 3: [0.62, 0.3], 4: [0.22, 0.41, 0.15],
                   7: [0.55, 0.8], 8: [0.45], 11: [0.28, 0.5]}
MISSING, MALFORMED = 5, 9


def main() -> None:
    import SimpleITK as sitk
    from scipy import ndimage

    rng = np.random.default_rng(SEED)
    for folder in ("frames", "references", "predictions"):
        (HERE / folder).mkdir(exist_ok=True)
    rows_ = np.arange(SHAPE[0])[:, None]
    cols_ = np.arange(SHAPE[1])[None, :]
    manifest = []
    for k, patient in enumerate(PATIENTS):
        frame = f"F-{k + 1:02d}"
        image = 90.0 + 25.0 * ndimage.gaussian_filter(rng.normal(size=SHAPE), 3.0) * 4
        boxes, detections = [], []
        for j in range(POLYPS[k]):
            # polyps in the left or right half, so that two never overlap
            r0 = int(rng.integers(4, 28))
            c0 = int(rng.integers(4, 20)) + 32 * j
            h, w = int(rng.integers(8, 16)), int(rng.integers(8, 12))
            box = [r0, c0, r0 + h, c0 + w]
            boxes.append(box)
            centre_r, centre_c = r0 + h / 2, c0 + w / 2
            blob = ((rows_ - centre_r) / (h / 2)) ** 2 + ((cols_ - centre_c) / (w / 2)) ** 2
            image += 80.0 * np.exp(-2.0 * blob)
            if (k, j) != MISSED:
                jitter = rng.integers(-1, 2, size=4)
                detections.append({"box": [int(v) for v in np.array(box) + jitter],
                                   "score": round(float(rng.uniform(0.3, 0.95)), 2)})
        for score in FALSE_POSITIVES.get(k, []):
            r0, c0 = int(rng.integers(0, 36)), int(rng.integers(0, 52))
            box = [r0, c0, r0 + 10, c0 + 10]
            if any(b[0] < box[2] and box[0] < b[2] and b[1] < box[3] and box[1] < b[3]
                   for b in boxes):  # keep false positives clear of every polyp
                box = [0, 0, 6, 6] if boxes[0][0] > 8 or boxes[0][1] > 8 else [40, 56, 47, 63]
            detections.append({"box": box, "score": score})
        pixels = np.clip(np.round(image), 0, 255).astype(np.uint8)
        sitk.WriteImage(sitk.GetImageFromArray(pixels), str(HERE / "frames" / f"{frame}.png"))
        (HERE / "references" / f"{frame}.json").write_text(json.dumps({"boxes": boxes}) + "\n")
        prediction = HERE / "predictions" / f"{frame}.json"
        if k == MALFORMED:
            prediction.write_text('{"detections": [{"box": [12, 30, 20], "score": 0.9}]}\n')
        elif k != MISSING:
            detections.sort(key=lambda d: -d["score"])
            prediction.write_text(json.dumps({"detections": detections}) + "\n")
        manifest.append([frame, patient, f"frames/{frame}.png", f"references/{frame}.json",
                         "A" if patient in ("C01", "C03") else "B"])
    with (HERE / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["case_id", "patient_id", "input", "reference", "site"])
        writer.writerows(manifest)


if __name__ == "__main__":
    main()
