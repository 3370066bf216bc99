"""The coco-detection task's FROC figures against a count written here, not medeval's.

The task's docstring defines the FROC: per image and category, detections matched one to
one to the objects (crowd regions are not lesions) by box IoU >= ``iou_threshold``,
a box of no area hitting nothing; at each threshold t the hits are the largest
one-to-one matching of the detections scoring >= t (Chakraborty's FROC, an augmenting
path in medeval); sensitivity = hits / objects, false positives per image over the
images whose output was scored (a failed frame keeps its objects, missed, and adds no
frame); the sensitivity at a rate is that of the operating point with the most false
positives per image not above it ("step"), or ``numpy.interp`` ("linear").

Here the IoU is computed by hand and the largest matching at each threshold by
scipy's ``linear_sum_assignment`` (a maximum-weight assignment on the 0/1 eligibility
matrix), on random sets with several categories, crowds, ties, empty frames, boxes of
no area, boxes on the border and a failed frame.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from scipy.optimize import linear_sum_assignment

import medeval

HEIGHT, WIDTH = 64, 80
RATES = (0.125, 0.25, 0.5, 1.0, 2.0, 4.0)
PROTOCOL = """
[test]
id = "T-FROC"
title = "polyps"
mode = "pre-check"
[laboratory]
name = "Lab"
[customer]
name = "C"
[algorithm]
name = "det"
version = "1"
[dataset]
manifest = "manifest.csv"
selection = "all"
[task]
type = "coco-detection"
iou_threshold = {iou}
fp_rates = [0.125, 0.25, 0.5, 1.0, 2.0, 4.0]
interpolation = "{interpolation}"
[statistics]
seed = 1
n_resamples = 100
[failures]
policy = "worst-case"
[[criteria]]
metric = "froc_cpm"
goal = 0.5
source = "test"
"""


def iou(a: list[float], b: list[float]) -> float:
    """Box IoU of two [x, y, w, h] boxes, areas as real numbers (no +1)."""
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def largest_matching(eligible: np.ndarray) -> int:
    """The size of the largest one-to-one matching of a 0/1 matrix."""
    if eligible.size == 0:
        return 0
    rows, cols = linear_sum_assignment(eligible, maximize=True)
    return int(eligible[rows, cols].sum())


def random_set(seed: int) -> tuple[dict, dict]:
    """Objects and results of 14 frames: case -> [(category, box, crowd)], case ->
    [(category, box, score)] (None: the frame's output is missing, a failed case)."""
    rng = np.random.default_rng(seed)
    objects, results = {}, {}
    for k in range(14):
        case = f"f{k:02d}"
        found = []
        for _ in range(int(rng.integers(0, 4))):  # 0 to 3 objects: empty frames too
            w, h = float(rng.integers(4, 30)), float(rng.integers(4, 30))
            x = float(rng.choice([0.0, WIDTH - w, rng.integers(0, WIDTH - w)]))  # the border
            y = float(rng.integers(0, HEIGHT - h + 1))
            found.append((int(rng.integers(1, 4)), [x, y, w, h], bool(rng.random() < 0.1)))
        objects[case] = found
        items = []
        for category, (x, y, w, h), _ in found:
            for _ in range(int(rng.integers(0, 3))):  # duplicates on one object
                box = [x + float(rng.normal(0, 1.5)), y + float(rng.normal(0, 1.5)), w, h]
                # now and then the wrong class
                c = category if rng.random() < 0.8 else int(rng.integers(1, 4))
                items.append((c, box, float(rng.choice([0.9, 0.5, rng.random()]))))
        for _ in range(int(rng.integers(0, 3))):  # false positives
            items.append((int(rng.integers(1, 4)),
                          [float(rng.uniform(0, WIDTH - 5)), float(rng.uniform(0, HEIGHT - 5)),
                           float(rng.integers(0, 20)), float(rng.integers(3, 20))],
                          float(rng.choice([0.9, 0.5, rng.random()]))))  # ties; w 0 too
        results[case] = items
    results["f03"] = None
    return objects, results


def write(root: Path, objects: dict, results: dict, iou_threshold: float,
          interpolation: str) -> Path:
    (root / "frames").mkdir()
    (root / "pred").mkdir()
    images, annotations, rows = [], [], []
    for k, case in enumerate(objects, start=1):
        Image.new("RGB", (WIDTH, HEIGHT)).save(root / "frames" / f"{case}.png")
        images.append({"id": k, "file_name": f"{case}.png", "height": HEIGHT, "width": WIDTH})
        for category, (x, y, w, h), crowd in objects[case]:
            annotations.append({"id": len(annotations) + 1, "image_id": k,
                                "category_id": category, "bbox": [x, y, w, h],
                                "area": w * h, "iscrowd": int(crowd),
                                "segmentation": [[x, y, x + w, y, x + w, y + h, x, y + h]]})
        rows.append({"case_id": case, "patient_id": f"p{k}", "input": f"frames/{case}.png",
                     "reference": f"set.json#{case}.png"})
        if results[case] is not None:
            (root / "pred" / f"{case}.json").write_text(json.dumps(
                [{"category_id": c, "bbox": b, "score": s} for c, b, s in results[case]]))
    (root / "set.json").write_text(json.dumps({
        "images": images, "annotations": annotations,
        "categories": [{"id": c, "name": f"class{c}"} for c in (1, 2, 3)]}))
    pd.DataFrame(rows).to_csv(root / "manifest.csv", index=False)
    (root / "protocol.toml").write_text(PROTOCOL.format(iou=iou_threshold,
                                                        interpolation=interpolation))
    return root / "pred"


def by_hand(objects: dict, results: dict, iou_threshold: float, interpolation: str
            ) -> tuple[dict[float, float], np.ndarray, np.ndarray]:
    """Sensitivity at each rate, and the curve (sensitivity, false positives per frame)
    at each distinct score, counted as the module's docstring says."""
    lesions = sum(1 for found in objects.values() for _, _, crowd in found if not crowd)
    frames = sum(1 for items in results.values() if items is not None)
    detections = [s for items in results.values() for _, _, s in (items or [])]
    thresholds = sorted(set(detections), reverse=True)
    se, fpc = [], []
    for t in thresholds:
        hits = above = 0
        for case, found in objects.items():
            for category in (1, 2, 3):
                mine = [b for c, b, s in (results[case] or []) if c == category and s >= t]
                theirs = [b for c, b, crowd in found if c == category and not crowd]
                above += len(mine)
                eligible = np.array([[float(d[2] > 0 and d[3] > 0
                                            and iou(r, d) >= iou_threshold)
                                      for d in mine] for r in theirs]).reshape(
                    len(theirs), len(mine))
                hits += largest_matching(eligible)
        se.append(hits / lesions)
        fpc.append((above - hits) / frames)
    curve_fp, curve_se = np.array([0.0, *fpc]), np.array([0.0, *se])
    at = {}
    for rate in RATES:
        if interpolation == "linear":
            at[rate] = float(np.interp(rate, curve_fp, curve_se))
        else:  # the last operating point with no more false positives per frame
            at[rate] = float(curve_se[np.flatnonzero(curve_fp <= rate)[-1]])
    return at, np.array(se), np.array(fpc)


@pytest.mark.parametrize(("seed", "iou_threshold", "interpolation"),
                         [(0, 0.5, "step"), (1, 0.3, "linear"), (2, 0.5, "linear"),
                          (3, 0.7, "step"), (4, 0.5, "step")])
def test_froc_figures_equal_a_count_by_hand(tmp_path, seed, iou_threshold, interpolation):
    objects, results = random_set(seed)
    predictions = write(tmp_path, objects, results, iou_threshold, interpolation)
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions)
    at, se, fpc = by_hand(objects, results, iou_threshold, interpolation)
    table = result.tables["froc"]
    np.testing.assert_allclose(table["sensitivity"], se, rtol=0, atol=1e-12)
    np.testing.assert_allclose(table["fp_per_case"], fpc, rtol=0, atol=1e-12)
    for rate in RATES:
        assert result.metric(f"froc_sensitivity@{rate:g}").estimate.value == \
            pytest.approx(at[rate], abs=1e-12), rate
    assert result.metric("froc_cpm").estimate.value == pytest.approx(
        np.mean(list(at.values())), abs=1e-12)
    assert table["n_cases_scored"] == 13 and table["n_cases"] == 14
    assert table["n_lesions"] == sum(1 for f in objects.values() for *_, crowd in f
                                     if not crowd)


def test_a_detection_on_a_crowd_region_is_a_false_positive_of_the_froc(tmp_path):
    # frame f00: a polyp and a crowd region, a detection on each (0.9 on the crowd, 0.8
    # on the polyp); f01: nothing. COCO AP ignores the detection on the crowd (COCOeval
    # ignores a detection matched to a crowd: AP50 1.0); the FROC has no crowd: by hand,
    # at 0.9 one false positive over 2 frames (0.5 per frame) and no hit, at 0.8 the
    # polyp hit: sensitivity 1 at 0.5 FP per frame, 0 below it
    objects = {"f00": [(1, [0.0, 0.0, 20.0, 20.0], False), (1, [40.0, 30.0, 30.0, 30.0], True)],
               "f01": []}
    results = {"f00": [(1, [41.0, 30.0, 30.0, 30.0], 0.9), (1, [1.0, 0.0, 20.0, 20.0], 0.8)],
               "f01": []}
    predictions = write(tmp_path, objects, results, 0.5, "step")
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions)
    assert result.metric("coco_ap50").estimate.value == pytest.approx(1.0)
    assert result.tables["froc"]["fp_per_case"] == [0.5, 0.5]
    assert result.tables["froc"]["sensitivity"] == [0.0, 1.0]
    assert [result.metric(f"froc_sensitivity@{r:g}").estimate.value for r in RATES] == [
        0.0, 0.0, 1.0, 1.0, 1.0, 1.0]
