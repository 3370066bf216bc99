"""A coco-detection reference with crowd regions (``iscrowd = 1``) says how many.

CVAT's COCO export writes every object drawn with the brush as an RLE with
``iscrowd = 1`` (ultralytics/JSON2YOLO issue 38), and COCO has no other way to write a
lesion with a hole: COCO AP then ignores the lesion and the FROC does not count it,
which nothing in the result said. The figures are checked against pycocotools'
``COCOeval`` on the same file, the FROC and the counts by hand.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

import medeval

HEIGHT, WIDTH = 48, 64
PROTOCOL = """
[test]
id = "T-CROWD"
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
iou_threshold = 0.5
fp_rates = [0.25, 0.5, 1.0]
[statistics]
seed = 1
n_resamples = 100
[[criteria]]
metric = "coco_ap50"
goal = 0.5
source = "test"
"""


def write(root: Path, crowd: int) -> Path:
    """f0: a polyp drawn as a polygon; f1: a polyp with a hole, a compressed RLE as
    CVAT's brush gives it, ``iscrowd = crowd``; f2: no polyp. One detection on each
    polyp (0.9, 0.8) and a false positive on f2 (0.7)."""
    (root / "frames").mkdir()
    (root / "pred").mkdir()
    ring = np.zeros((HEIGHT, WIDTH), np.uint8)
    ring[10:30, 20:44] = 1
    ring[16:24, 28:36] = 0  # the hole
    rle = mask_utils.encode(np.asfortranarray(ring))
    annotations = [
        {"id": 1, "image_id": 1, "category_id": 1, "iscrowd": 0, "area": 100.0,
         "bbox": [5.0, 5.0, 10.0, 10.0], "segmentation": [[5, 5, 15, 5, 15, 15, 5, 15]]},
        {"id": 2, "image_id": 2, "category_id": 1, "iscrowd": crowd,
         "area": float(ring.sum()), "bbox": [20.0, 10.0, 24.0, 20.0],
         "segmentation": {"size": [HEIGHT, WIDTH], "counts": rle["counts"].decode()}}]
    results = {1: [([5.0, 5.0, 10.0, 10.0], 0.9)], 2: [([20.0, 10.0, 24.0, 20.0], 0.8)],
               3: [([40.0, 30.0, 10.0, 10.0], 0.7)]}
    images, rows, flat = [], [], []
    for k in (1, 2, 3):
        case = f"f{k - 1}"
        Image.new("RGB", (WIDTH, HEIGHT)).save(root / "frames" / f"{case}.png")
        images.append({"id": k, "file_name": f"{case}.png", "height": HEIGHT, "width": WIDTH})
        rows.append({"case_id": case, "patient_id": f"p{k}", "input": f"frames/{case}.png",
                     "reference": f"set.json#{case}.png"})
        mine = [{"category_id": 1, "bbox": b, "score": s} for b, s in results[k]]
        (root / "pred" / f"{case}.json").write_text(json.dumps(mine))
        flat += [{"image_id": k, **r} for r in mine]
    (root / "set.json").write_text(json.dumps({
        "images": images, "annotations": annotations,
        "categories": [{"id": 1, "name": "polyp"}]}))
    (root / "results.json").write_text(json.dumps(flat))
    pd.DataFrame(rows).to_csv(root / "manifest.csv", index=False)
    (root / "protocol.toml").write_text(PROTOCOL)
    return root / "pred"


def cocoeval_stats(root: Path) -> np.ndarray:
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(str(root / "set.json"))
        evaluation = COCOeval(gt, gt.loadRes(str(root / "results.json")), "bbox")
        evaluation.evaluate()
        evaluation.accumulate()
        evaluation.summarize()
    return np.asarray(evaluation.stats)


def test_crowd_regions_are_counted_in_a_warning(tmp_path):
    result = medeval.evaluate(tmp_path / "protocol.toml", write(tmp_path, crowd=1))
    stats = cocoeval_stats(tmp_path)
    assert result.metric("coco_ap").estimate.value == pytest.approx(stats[0], abs=1e-12)
    assert result.metric("coco_ap50").estimate.value == pytest.approx(stats[1], abs=1e-12)
    # by hand: one lesion (f0's), hit at 0.9; the detections on f1's crowd (0.8) and on
    # f2 (0.7) are false positives of the FROC: 1/3 and 2/3 per frame
    assert result.tables["froc"]["n_lesions"] == 1
    np.testing.assert_allclose(result.tables["froc"]["fp_per_case"], [0.0, 1 / 3, 2 / 3])
    notes = [w for w in result.warnings if "crowd regions" in w]
    assert notes == [
        "all cases: 1 of 2 reference object(s), in 1 image(s) (e.g. case f1), are crowd "
        "regions (iscrowd = 1): COCO AP ignores them and the FROC does not count them as "
        "lesions (a detection on one is a false positive there); annotation tools write "
        "iscrowd = 1 for objects drawn as masks (CVAT's COCO RLE): if they are lesions, "
        "set iscrowd to 0 in the reference"]


def test_no_crowd_region_no_warning(tmp_path):
    # the holed polyp as an ordinary object: COCO AP counts it (COCOeval: every
    # detection a hit before the false positive, AP 1 at IoU 0.5)
    result = medeval.evaluate(tmp_path / "protocol.toml", write(tmp_path, crowd=0))
    stats = cocoeval_stats(tmp_path)
    assert stats[1] == pytest.approx(1.0)
    assert result.metric("coco_ap50").estimate.value == pytest.approx(stats[1], abs=1e-12)
    assert result.tables["froc"]["n_lesions"] == 2
    assert not [w for w in result.warnings if "crowd regions" in w]
