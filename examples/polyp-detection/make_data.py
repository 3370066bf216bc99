"""Rebuild this example's held-out set (not needed to run the example: its files are
committed). Synthetic data made here from a fixed seed with numpy, scipy, Pillow and
pycocotools; no third-party data.

18 colonoscopy frames of 5 patients (3 or 4 frames per patient): RGB JPEG frames of
160 x 128 pixels (columns x rows) — reddish mucosa with folds, a dark lumen, the round
vignette of an endoscope — holding 0, 1 or 2 polyps (raised, paler ellipses with a
specular highlight; small and medium in COCO's sizes, one close-up large), three with a
bright fold across the frame. The reference is one COCO file for the whole set,
``annotations/instances.json``: each polyp a 32-vertex polygon of its outline, with its
``bbox`` (the polygon's extent) and ``area`` (the polygon's pixels, by pycocotools, as COCO
datasets give it).

``predictions/<frame>.json`` is a simple detector's COCO results for the frame: the
frame's paleness (green over red) smoothed and thresholded, each connected component of
at least 30 pixels a box, scored by how pale it is. It finds most polyps with a box a
little off and also takes the bright folds (false positives). ``D-06`` has no file
(missing-output) and ``D-13``'s last box has 3 numbers (invalid-output).

``detections.json`` is the same detector's output as detectors write it for a whole set
(mmdetection, detectron2): one COCO results file, every frame's boxes with its
``image_id``, D-06 and D-13 whole; ``medeval predictions split-coco`` turns it into
per-case files.

    python3 make_data.py
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEED = 20261204
ROWS, COLS = 128, 160
PATIENTS = ["D01"] * 4 + ["D02"] * 3 + ["D03"] * 4 + ["D04"] * 4 + ["D05"] * 3
POLYPS = [1, 1, 0, 2, 1, 1, 1, 2, 0, 1, 1, 1, 1, 0, 2, 1, 1, 1]  # per frame
MISSING, MALFORMED = 5, 12  # D-06, D-13
CLOSE_UP = 10  # D-11: one polyp seen from close, filling much of the frame
FOLDS = (2, 7, 15)  # a bright fold across the frame, which the detector also takes


def frame_and_polyps(rng: np.random.Generator, k: int, n: int
                     ) -> tuple[np.ndarray, list[list[float]]]:
    """An RGB frame and its polyps' outlines (flat x, y lists, COCO polygons)."""
    from scipy import ndimage

    rows, cols = np.mgrid[:ROWS, :COLS].astype(float)
    texture = ndimage.gaussian_filter(rng.normal(size=(ROWS, COLS)), 2.0) * 6.0
    folds = 14.0 * np.sin((rows * 0.6 + cols * 0.25) / 9.0 + rng.uniform(0, 6)) ** 8
    lumen_r, lumen_c = rng.uniform(30, 98), rng.uniform(40, 120)
    lumen = np.exp(-(((rows - lumen_r) / 20) ** 2 + ((cols - lumen_c) / 26) ** 2))
    red = 150 + texture + folds - 110 * lumen
    green = 62 + 0.6 * texture + 0.5 * folds - 50 * lumen
    blue = 58 + 0.5 * texture + 0.4 * folds - 45 * lumen
    outlines = []
    centres = [(rng.uniform(30, 60), rng.uniform(30, 70)), (rng.uniform(70, 98),
                                                           rng.uniform(95, 130))]
    rng.shuffle(centres)
    if k == CLOSE_UP:
        centres = [(64.0, 80.0)]
    for r0, c0 in centres[:n]:
        a, b = (50.0, 62.0) if k == CLOSE_UP else (rng.uniform(7, 26), rng.uniform(7, 28))
        angle = rng.uniform(0, np.pi)
        y, x = rows - r0, cols - c0
        u = (x * np.cos(angle) + y * np.sin(angle)) / b
        v = (-x * np.sin(angle) + y * np.cos(angle)) / a
        inside = u ** 2 + v ** 2
        dome = np.clip(1.0 - inside, 0, 1) ** 0.5
        edge = ndimage.gaussian_filter((inside <= 1.0).astype(float), 1.2)
        red = red + 35 * edge + 20 * dome
        green = green + 45 * edge + 22 * dome
        blue = blue + 40 * edge + 20 * dome
        highlight = np.exp(-(((y + 0.35 * a) / 2.5) ** 2 + ((x - 0.2 * b) / 3.5) ** 2))
        red, green, blue = (c + 90 * highlight for c in (red, green, blue))
        t = np.linspace(0, 2 * np.pi, 32, endpoint=False)
        px = c0 + b * np.cos(t) * np.cos(angle) - a * np.sin(t) * np.sin(angle)
        py = r0 + b * np.cos(t) * np.sin(angle) + a * np.sin(t) * np.cos(angle)
        px, py = np.clip(px, 0, COLS), np.clip(py, 0, ROWS)
        outlines.append([round(float(v), 1) for xy in zip(px, py) for v in xy])
    if k in FOLDS:
        arc = np.abs(np.hypot(rows + 60, cols - rng.uniform(40, 120)) - 110) < 3.5
        band = ndimage.gaussian_filter(arc.astype(float), 1.0)
        red, green, blue = red + 30 * band, green + 48 * band, blue + 42 * band
    vignette = np.clip(1.25 - np.hypot((rows - ROWS / 2) / ROWS, (cols - COLS / 2) / COLS)
                       * 1.3, 0, 1)
    rgb = np.stack([red, green, blue], axis=-1) * vignette[..., None]
    rgb += rng.normal(scale=3.0, size=rgb.shape)
    return np.clip(np.round(rgb), 0, 255).astype(np.uint8), outlines


def detect(frame: np.ndarray) -> list[dict[str, object]]:
    """The 'algorithm': paler-than-mucosa components, each a box scored by paleness."""
    from scipy import ndimage

    rgb = frame.astype(float)
    paleness = ndimage.gaussian_filter(rgb[..., 1] / (rgb[..., 0] + 1.0), 2.0)
    labels, n = ndimage.label(paleness > 0.56)
    found = []
    for k, where in enumerate(ndimage.find_objects(labels), start=1):
        component = labels[where] == k
        if component.sum() < 30:
            continue
        rows, cols = where
        mean = float(paleness[where][component].mean())
        found.append({"category_id": 1,
                      "bbox": [cols.start, rows.start, cols.stop - cols.start,
                               rows.stop - rows.start],
                      "score": round(float(np.clip(0.5 + 4.0 * (mean - 0.6), 0.05, 0.99)), 3)})
    return sorted(found, key=lambda d: -float(d["score"]))  # type: ignore[arg-type]


def main() -> None:
    from PIL import Image
    from pycocotools import mask as mask_utils

    rng = np.random.default_rng(SEED)
    for folder in ("frames", "annotations", "predictions"):
        (HERE / folder).mkdir(exist_ok=True)
        for old in (HERE / folder).iterdir():
            old.unlink()
    images, annotations, manifest, set_wide = [], [], [], []
    for k, (patient, n) in enumerate(zip(PATIENTS, POLYPS)):
        case = f"D-{k + 1:02d}"
        name = f"frames/{case}.jpg"
        frame, outlines = frame_and_polyps(rng, k, n)
        Image.fromarray(frame).save(HERE / name, quality=85)
        images.append({"id": 101 + k, "file_name": name, "height": ROWS, "width": COLS})
        for outline in outlines:
            rle = mask_utils.merge(mask_utils.frPyObjects([outline], ROWS, COLS))
            xs, ys = outline[0::2], outline[1::2]
            annotations.append({
                "id": len(annotations) + 1, "image_id": 101 + k, "category_id": 1,
                "segmentation": [outline], "area": float(mask_utils.area(rle)),
                "bbox": [min(xs), min(ys), round(max(xs) - min(xs), 1),
                         round(max(ys) - min(ys), 1)], "iscrowd": 0})
        # the detector reads the frame as the algorithm would: the decoded JPEG
        results = detect(np.asarray(Image.open(HERE / name)))
        set_wide += [{"image_id": 101 + k, **result} for result in results]
        if k == MALFORMED:
            results = [dict(r) for r in results]
            results[-1]["bbox"] = results[-1]["bbox"][:3]  # a box of 3 numbers
        if k != MISSING:
            (HERE / "predictions" / f"{case}.json").write_text(
                json.dumps(results) + "\n", encoding="utf-8")
        manifest.append([case, patient, name, f"annotations/instances.json#{name}",
                         "A" if patient in ("D01", "D03", "D05") else "B"])
    coco = {"info": {"description": "medeval example: synthetic colonoscopy frames"},
            "images": images, "annotations": annotations,
            "categories": [{"id": 1, "name": "polyp", "supercategory": "lesion"}]}
    (HERE / "annotations" / "instances.json").write_text(json.dumps(coco, indent=1) + "\n",
                                                         encoding="utf-8")
    (HERE / "detections.json").write_text(json.dumps(set_wide) + "\n", encoding="utf-8")
    with (HERE / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["case_id", "patient_id", "input", "reference", "site"])
        writer.writerows(manifest)


if __name__ == "__main__":
    main()
