"""Rebuild this example's held-out set (not needed to run the example: its files are
committed). Synthetic data made here from a fixed seed with numpy, scipy and Pillow; no
third-party data.

15 colonoscopy frames of 4 patients (3 to 5 frames per patient, as endoscopy gives): RGB
JPEG frames of 160 x 128 pixels (columns x rows) — reddish mucosa with folds, a dark
lumen, the round vignette of an endoscope — holding one polyp each (a raised, paler
ellipse with a specular highlight) except two frames without one. The reference mask
``masks/<frame>.png`` is the polyp drawn as an ellipse, 8-bit greyscale 0/255.

``predictions/<frame>.png`` is a simple segmenter's mask (0/255): the frame's saturation
smoothed and thresholded, its largest component kept. It follows the polyps' outline
roughly, in ``P-07`` it also takes a bright fold; ``P-05`` has no file (missing-output)
and ``P-11``'s mask was saved at 128 x 128 instead of the frame's 160 x 128 (a resized
export: incompatible).

    python3 make_data.py
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEED = 20261203
ROWS, COLS = 128, 160
PATIENTS = ["E01"] * 4 + ["E02"] * 3 + ["E03"] * 5 + ["E04"] * 3
NO_POLYP = (3, 9)  # frame indices without a polyp
FOLD = 6  # the segmenter also takes a bright fold in this frame
MISSING, RESIZED = 4, 10


def frame_and_mask(rng: np.random.Generator, k: int) -> tuple[np.ndarray, np.ndarray]:
    from scipy import ndimage

    rows, cols = np.mgrid[:ROWS, :COLS].astype(float)
    texture = ndimage.gaussian_filter(rng.normal(size=(ROWS, COLS)), 2.0) * 6.0
    folds = 14.0 * np.sin((rows * 0.6 + cols * 0.25) / 9.0 + rng.uniform(0, 6)) ** 8
    lumen_r, lumen_c = rng.uniform(30, 98), rng.uniform(40, 120)
    lumen = np.exp(-(((rows - lumen_r) / 20) ** 2 + ((cols - lumen_c) / 26) ** 2))
    red = 150 + texture + folds - 110 * lumen
    green = 62 + 0.6 * texture + 0.5 * folds - 50 * lumen
    blue = 58 + 0.5 * texture + 0.4 * folds - 45 * lumen
    mask = np.zeros((ROWS, COLS), bool)
    if k not in NO_POLYP:
        r0, c0 = rng.uniform(34, 94), rng.uniform(40, 120)
        a, b = rng.uniform(13, 24), rng.uniform(13, 26)
        angle = rng.uniform(0, np.pi)
        y, x = rows - r0, cols - c0
        u = (x * np.cos(angle) + y * np.sin(angle)) / b
        v = (-x * np.sin(angle) + y * np.cos(angle)) / a
        inside = u ** 2 + v ** 2
        mask = inside <= 1.0
        dome = np.clip(1.0 - inside, 0, 1) ** 0.5
        edge = ndimage.gaussian_filter(mask.astype(float), 1.2)
        red = red + 35 * edge + 20 * dome
        green = green + 45 * edge + 22 * dome
        blue = blue + 40 * edge + 20 * dome
        highlight = np.exp(-(((y + 0.35 * a) / 2.5) ** 2 + ((x - 0.2 * b) / 3.5) ** 2))
        red, green, blue = (c + 90 * highlight for c in (red, green, blue))
    if k == FOLD:
        arc = np.abs(np.hypot(rows + 60, cols - 70) - 110) < 3.5  # a bright curved fold
        band = ndimage.gaussian_filter(arc.astype(float), 1.0)
        red, green, blue = red + 30 * band, green + 48 * band, blue + 42 * band
    vignette = np.clip(1.25 - np.hypot((rows - ROWS / 2) / ROWS, (cols - COLS / 2) / COLS)
                       * 1.3, 0, 1)
    rgb = np.stack([red, green, blue], axis=-1) * vignette[..., None]
    rgb += rng.normal(scale=3.0, size=rgb.shape)
    return np.clip(np.round(rgb), 0, 255).astype(np.uint8), mask


def segment(frame: np.ndarray) -> np.ndarray:
    """The 'algorithm': paler-than-mucosa pixels (green over red), smoothed, thresholded,
    the largest connected component kept."""
    from scipy import ndimage

    rgb = frame.astype(float)
    paleness = ndimage.gaussian_filter(rgb[..., 1] / (rgb[..., 0] + 1.0), 2.0)
    found = paleness > 0.56
    labels, n = ndimage.label(found)
    if n == 0:
        return found
    sizes = ndimage.sum(found, labels, index=range(1, n + 1))
    keep = int(np.argmax(sizes)) + 1
    return bool(sizes[keep - 1] >= 30) & (labels == keep)


def main() -> None:
    from PIL import Image

    rng = np.random.default_rng(SEED)
    for folder in ("frames", "masks", "predictions"):
        (HERE / folder).mkdir(exist_ok=True)
        for old in (HERE / folder).iterdir():
            old.unlink()
    manifest = []
    for k, patient in enumerate(PATIENTS):
        case = f"P-{k + 1:02d}"
        frame, mask = frame_and_mask(rng, k)
        Image.fromarray(frame).save(HERE / "frames" / f"{case}.jpg", quality=85)
        Image.fromarray(np.where(mask, 255, 0).astype(np.uint8)).save(
            HERE / "masks" / f"{case}.png", optimize=True)
        # the segmenter reads the frame as the algorithm would: the decoded JPEG
        predicted = segment(np.asarray(Image.open(HERE / "frames" / f"{case}.jpg")))
        out = Image.fromarray(np.where(predicted, 255, 0).astype(np.uint8))
        if k == RESIZED:
            out = out.resize((ROWS, ROWS), Image.NEAREST)
        if k != MISSING:
            out.save(HERE / "predictions" / f"{case}.png", optimize=True)
        manifest.append([case, patient, f"frames/{case}.jpg", f"masks/{case}.png",
                         "A" if patient in ("E01", "E03") else "B"])
    with (HERE / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["case_id", "patient_id", "input", "reference", "site"])
        writer.writerows(manifest)


if __name__ == "__main__":
    main()
