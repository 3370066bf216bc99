"""The example algorithm under test: a breast-ultrasound mass malignancy score.

A medeval Python plugin (``classifier.py:Classifier``). The laboratory's runner loads it
in its sandbox, where it sees this folder, the Python environment and one case's frame
(``case.input_path``), nothing else. Hand-written features, no learned weights:

1. read the frame with ``medeval.loaders.read_image`` (greyscale PNG ``(1, ny, nx)`` or
   RGB JPEG ``(1, ny, nx, 3)``; an RGB frame becomes grey as the mean of its channels);
2. smooth the speckle (Gaussian, sigma 2 pixels) and take as the mass the largest dark
   connected region (below 45 % of the frame's median level) away from the frame's edges;
3. margin irregularity: ``1 - solidity``, the share of the mass's convex hull it does
   not fill (0 for an oval, larger for an angular or spiculated margin);
   orientation: depth over width of the mass (over 1: taller than wide);
4. ``score = 1 / (1 + exp(-z))``, ``z = 40 (irregularity - 0.08) + 4 (depth/width - 0.9)``.

BI-RADS calls an irregular, not circumscribed margin and a taller-than-wide orientation
suspicious; the weights were set by hand, not fitted. A frame in which no mass is found
scores 0.5.
"""

from __future__ import annotations

import math

import numpy as np

WEIGHTS = {"irregularity": 40.0, "depth_over_width": 4.0}
CENTRES = {"irregularity": 0.08, "depth_over_width": 0.9}


class Classifier:
    """Malignancy score of the one mass of a breast-ultrasound frame."""

    def setup(self) -> None:
        from scipy import ndimage, spatial  # loaded once per worker

        self.ndimage, self.spatial = ndimage, spatial

    def features(self, path) -> dict[str, float] | None:
        from medeval.loaders import read_image

        pixels = np.asarray(read_image(path).array, dtype=float)[0]
        if pixels.ndim == 3:  # RGB, channels last
            pixels = pixels.mean(axis=2)
        smooth = self.ndimage.gaussian_filter(pixels, 2.0)
        dark = smooth < 0.45 * np.median(smooth)
        labels, count = self.ndimage.label(dark)
        ny, nx = dark.shape
        best, best_area = 0, 0
        for index, region in enumerate(self.ndimage.find_objects(labels), start=1):
            rows, cols = region
            if rows.start < 8 or cols.start == 0 or rows.stop >= ny or cols.stop >= nx:
                continue  # the fat layer under the skin, or a region cut by the frame
            area = int(np.sum(labels[region] == index))
            if area > best_area:
                best, best_area = index, area
        if best_area < 30:
            return None
        mass = self.ndimage.binary_fill_holes(labels == best)
        y, x = np.nonzero(mass)
        # the hull of the pixels' corners, so that a filled square has solidity 1
        corners = np.concatenate([np.stack([y + dy, x + dx], axis=1)
                                  for dy in (0, 1) for dx in (0, 1)])
        hull = self.spatial.ConvexHull(corners)
        return {"irregularity": 1.0 - mass.sum() / hull.volume,
                "depth_over_width": (np.ptp(y) + 1) / (np.ptp(x) + 1)}

    def predict(self, case) -> dict[str, float]:
        found = self.features(case.input_path)
        if found is None:
            return {"score": 0.5}
        z = sum(w * (found[k] - CENTRES[k]) for k, w in WEIGHTS.items())
        return {"score": 1.0 / (1.0 + math.exp(-z))}
