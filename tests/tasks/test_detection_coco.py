"""The coco-detection task end to end, against pycocotools' COCOeval run directly.

Each test writes a small set — frames, a set-wide COCO file or per-case LabelMe files, a
manifest, a protocol and per-case COCO results — runs it through ``medeval.evaluate``,
and runs pycocotools' ``COCOeval`` (``evaluate``, ``accumulate``, ``summarize``) itself on
the same ground truth and detections, the failed case as the policy says: under
``worst-case`` its image stays with no detection, under ``exclude`` it is taken out of the
ground truth too.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

import medeval
from medeval.manifest import Manifest
from medeval.metrics import coco_ap_ci, coco_detection, froc, match_detections
from medeval.protocol import ProtocolError

NAMES = ("ap", "ap50", "ap75", "ap_small", "ap_medium", "ap_large",
         "ar1", "ar10", "ar100", "ar_small", "ar_medium", "ar_large")

#: case -> (patient, image id in the set's COCO file, objects [(category, x, y, w, h)])
CASES = {
    "c1": ("p1", 11, [(1, 10, 10, 20, 20), (2, 60, 40, 40, 30)]),
    "c2": ("p1", 12, [(1, 5, 5, 50, 50)]),
    "c3": ("p2", 13, []),  # a lesion-free frame
    "c4": ("p2", 14, [(1, 30, 30, 10, 12)]),
    "c5": ("p3", 15, [(1, 0, 0, 100, 90), (1, 40, 10, 8, 8)]),
    "c6": ("p3", 16, [(2, 20, 20, 30, 30)]),
}
#: case -> its results (None: no prediction file, a failed case)
RESULTS = {
    "c1": [(1, [11, 9, 20, 21], 0.91), (2, [58, 42, 40, 30], 0.62), (1, [70, 5, 10, 10], 0.33)],
    "c2": [(1, [8, 2, 50, 52], 0.87), (2, [5, 5, 50, 50], 0.41)],
    "c3": [(1, [10, 10, 15, 15], 0.58)],
    "c4": None,
    "c5": [(1, [2, 1, 95, 90], 0.95), (1, [41, 12, 8, 7], 0.29), (1, [40, 10, 30, 30], 0.18)],
    "c6": [(2, [25, 22, 30, 26], 0.77), (1, [20, 20, 30, 30], 0.12)],
}
CATEGORIES = [{"id": 1, "name": "adenoma"}, {"id": 2, "name": "hyperplastic"}]
HEIGHT, WIDTH = 100, 120

PROTOCOL = """
[test]
id = "T-COCO"
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
fp_rates = [0.5, 1.0, 2.0]
{task}
[statistics]
seed = 3
n_resamples = 200
resampling_unit = "patient"
[failures]
policy = "{policy}"
[[criteria]]
metric = "coco_ap"
goal = 0.3
source = "test"
"""


def coco_set() -> dict:
    images, annotations = [], []
    for case, (_, image_id, objects) in CASES.items():
        images.append({"id": image_id, "file_name": f"frames/{case}.jpg", "height": HEIGHT,
                       "width": WIDTH})
        for category, x, y, w, h in objects:
            annotations.append({"id": 100 + len(annotations), "image_id": image_id,
                                "category_id": category, "bbox": [x, y, w, h],
                                "area": w * h, "iscrowd": 0,
                                "segmentation": [[x, y, x + w, y, x + w, y + h, x, y + h]]})
    return {"images": images, "annotations": annotations, "categories": CATEGORIES}


def write_set(root: Path, *, task: str = "", policy: str = "worst-case",
              labelme: bool = False, results: dict | None = None) -> Path:
    """The set in ``root``; returns the predictions folder."""
    results = RESULTS if results is None else results
    for folder in ("frames", "labels", "pred"):
        (root / folder).mkdir(exist_ok=True)
    rows = []
    for case, (patient, _, objects) in CASES.items():
        (root / "frames" / f"{case}.jpg").write_bytes(b"\xff\xd8\xff frame " + case.encode())
        if labelme:
            shapes = [{"label": CATEGORIES[c - 1]["name"], "points": [[x, y], [x + w, y + h]],
                       "group_id": None, "shape_type": "rectangle", "flags": {}}
                      for c, x, y, w, h in objects]
            (root / "labels" / f"{case}.json").write_text(json.dumps({
                "version": "5.4.1", "flags": {}, "shapes": shapes, "imagePath": f"{case}.jpg",
                "imageData": None, "imageHeight": HEIGHT, "imageWidth": WIDTH}))
            reference = f"labels/{case}.json"
        else:
            reference = f"labels/set.json#frames/{case}.jpg"
        rows.append({"case_id": case, "patient_id": patient, "input": f"frames/{case}.jpg",
                     "reference": reference})
        if results[case] is not None:
            (root / "pred" / f"{case}.json").write_text(json.dumps(
                [{"image_id": 999, "category_id": c, "bbox": b, "score": s}
                 for c, b, s in results[case]]))
    if not labelme:
        (root / "labels" / "set.json").write_text(json.dumps(coco_set()))
    pd.DataFrame(rows).to_csv(root / "manifest.csv", index=False)
    (root / "protocol.toml").write_text(PROTOCOL.format(task=task, policy=policy))
    return root / "pred"


def pycocotools_stats(gt: dict, detections: list, iou_type: str = "bbox") -> np.ndarray:
    """COCOeval's twelve figures, -1 as NaN; no detection at all: loadRes cannot load an
    empty list, so COCOeval runs on an empty result set."""
    with contextlib.redirect_stdout(io.StringIO()):
        coco_gt = COCO()
        coco_gt.dataset = copy.deepcopy(gt)
        coco_gt.createIndex()
        coco_dt = coco_gt.loadRes(copy.deepcopy(detections)) if detections else COCO()
        if not detections:
            coco_dt.dataset = {"images": gt["images"], "annotations": [],
                               "categories": gt["categories"]}
            coco_dt.createIndex()
        evaluator = COCOeval(coco_gt, coco_dt, iou_type)
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    return np.where(evaluator.stats == -1, np.nan, evaluator.stats)


def expected(gt: dict, failed: set[str], policy: str, results: dict | None = None,
             agnostic: bool = False) -> np.ndarray:
    results = RESULTS if results is None else results
    gt = copy.deepcopy(gt)
    ids = {case: image_id for case, (_, image_id, _) in CASES.items()}
    if policy == "exclude":
        gone = {ids[c] for c in failed}
        gt["images"] = [i for i in gt["images"] if i["id"] not in gone]
        gt["annotations"] = [a for a in gt["annotations"] if a["image_id"] not in gone]
    detections = [{"image_id": ids[case], "category_id": 1 if agnostic else c, "bbox": b,
                   "score": s}
                  for case, items in results.items() if case not in failed
                  for c, b, s in (items or [])]
    if agnostic:
        gt["categories"] = [{"id": 1, "name": "object"}]
        for a in gt["annotations"]:
            a["category_id"] = 1
    return pycocotools_stats(gt, detections)


def figures(result) -> np.ndarray:
    return np.array([result.metric(f"coco_{n}").estimate.value for n in NAMES])


@pytest.mark.parametrize("policy", ["worst-case", "exclude"])
def test_equals_pycocotools_with_a_failed_case(tmp_path, policy):
    predictions = write_set(tmp_path, policy=policy)
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions)
    np.testing.assert_allclose(figures(result), expected(coco_set(), {"c4"}, policy),
                               rtol=0, atol=1e-12)
    data = json.loads(result.to_json())
    assert data["failures"]["cases"][0]["case_id"] == "c4"
    assert data["failures"]["cases"][0]["reason"] == "missing-output"
    assert result.metric("coco_ap").definition == "coco_ap"
    # the other policy, as the result's alternative
    other = "exclude" if policy == "worst-case" else "worst-case"
    alternative = {m.name: m.estimate.value for m in result.failures.alternative.metrics}
    np.testing.assert_allclose([alternative[f"coco_{n}"] for n in NAMES],
                               expected(coco_set(), {"c4"}, other), rtol=0, atol=1e-12)
    assert data["tables"]["coco"]["n_images"] == (6 if policy == "worst-case" else 5)


def test_intervals_resample_patients_with_the_statistics_section(tmp_path):
    predictions = write_set(tmp_path)
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions)
    # The same ground truth numbered as the task numbers it (file_name order; here the
    # set's own order), the failed case's image without detections, patients as clusters
    gt = coco_set()
    renumber = {image["id"]: k for k, image in enumerate(gt["images"], start=1)}
    for image in gt["images"]:
        image["id"] = renumber[image["id"]]
    for number, annotation in enumerate(gt["annotations"], start=1):
        annotation["id"], annotation["image_id"] = number, renumber[annotation["image_id"]]
    dets = [{"image_id": k, "category_id": c, "bbox": b, "score": s}
            for k, case in enumerate(CASES, start=1) for c, b, s in (RESULTS[case] or [])]
    with pytest.warns(medeval.UndefinedMetricWarning, match="ap_large"):
        direct = coco_detection(gt, dets)  # no large polyp: AP large undefined
    patients = {k: CASES[case][0] for k, case in enumerate(CASES, start=1)}
    for name in ("ap", "ap50", "ar100"):
        estimate = result.metric(f"coco_{name}").estimate
        assert estimate == coco_ap_ci(direct, seed=3, summary=name, clusters=patients,
                                      n_resamples=200)
        assert estimate.method == "bootstrap-percentile" and estimate.n == 6
        assert estimate.low <= estimate.value <= estimate.high


def test_froc_figures_match_boxes_by_iou_within_a_category(tmp_path):
    predictions = write_set(tmp_path, task="iou_threshold = 0.5")
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions)
    matches = []
    for case, (_, _, objects) in CASES.items():
        items = RESULTS[case] or []  # c4 failed: no detection
        scores, hits = [], []
        for category in (1, 2):
            ref = [[x, y, x + w, y + h] for c, x, y, w, h in objects if c == category]
            mine = [(b, s) for c, b, s in items if c == category]
            m = match_detections(np.asarray(ref, float).reshape(-1, 4),
                                 np.asarray([[b[0], b[1], b[0] + b[2], b[1] + b[3]]
                                             for b, _ in mine], float).reshape(-1, 4),
                                 [s for _, s in mine], criterion="iou", iou_threshold=0.5)
            scores += m.scores.tolist()
            hits += m.true_positive.tolist()
        order = np.argsort(-np.asarray(scores), kind="stable")
        matches.append(type(m)(np.asarray(scores)[order], np.asarray(hits, bool)[order],
                               len(objects), np.zeros((0, 2), np.intp), "iou"))
    # c4 failed: its polyp missed, but no frame of the false positives per frame
    curve = froc(matches, fp_rates=[0.5, 1.0, 2.0], scored=[c != "c4" for c in CASES])
    assert result.metric("froc_cpm").estimate.value == pytest.approx(curve.cpm)
    for rate in (0.5, 1.0, 2.0):
        assert result.metric(f"froc_sensitivity@{rate:g}").estimate.value == pytest.approx(
            curve.sensitivity_at[rate])
    # 6 of the 7 polyps found (c4's is in a failed frame); c6's category-1 box on its
    # category-2 polyp, and c2's category-2 box on its adenoma, hit nothing
    assert curve.sensitivity[-1] == 6 / 7
    cases = {row["case_id"]: row for row in result.cases}
    assert cases["c6"]["true_positives"] == 1 and cases["c3"]["n_reference"] == 0
    assert result.tables["froc"]["n_lesion_free_cases"] == 1
    assert (result.tables["froc"]["n_cases"], result.tables["froc"]["n_cases_scored"]) == (
        len(CASES), len(CASES) - 1)


def test_class_agnostic(tmp_path):
    predictions = write_set(tmp_path, task="class_agnostic = true")
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions)
    np.testing.assert_allclose(figures(result),
                               expected(coco_set(), {"c4"}, "worst-case", agnostic=True),
                               rtol=0, atol=1e-12)
    assert result.tables["coco"]["categories"] == [{"id": 1, "name": "object"}]


@pytest.mark.parametrize("categories", ['["adenoma", "hyperplastic"]',
                                        "{ hyperplastic = 2, adenoma = 1 }"])
def test_labelme_references(tmp_path, categories):
    predictions = write_set(tmp_path, labelme=True, task=f"categories = {categories}")
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions)
    np.testing.assert_allclose(figures(result), expected(coco_set(), {"c4"}, "worst-case"),
                               rtol=0, atol=1e-12)


def test_labelme_references_need_categories(tmp_path):
    predictions = write_set(tmp_path, labelme=True)
    with pytest.raises(medeval.ManifestError, match="task.categories") as caught:
        medeval.evaluate(tmp_path / "protocol.toml", predictions)
    assert len(caught.value.problems) == 6  # every case, at once


def rle_results(items) -> list[dict]:
    """A case's results with each box as a mask, as a compressed RLE."""
    rles = []
    for c, (x, y, w, h), s in items:
        mask = np.zeros((HEIGHT, WIDTH), np.uint8, order="F")
        mask[round(y):round(y + h), round(x):round(x + w)] = 1
        counts = mask_utils.encode(mask)["counts"].decode("ascii")
        rles.append({"category_id": c, "score": s,
                     "segmentation": {"size": [HEIGHT, WIDTH], "counts": counts}})
    return rles


def test_segm_equals_pycocotools(tmp_path):
    predictions = write_set(tmp_path, task='iou_type = "segm"')
    for case, items in RESULTS.items():
        if items is not None:
            (predictions / f"{case}.json").write_text(json.dumps(rle_results(items)))
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions)
    ids = {case: image_id for case, (_, image_id, _) in CASES.items()}
    detections = [dict(item, image_id=ids[case]) for case in CASES if RESULTS[case]
                  for item in json.loads((predictions / f"{case}.json").read_text())]
    np.testing.assert_allclose(figures(result), pycocotools_stats(coco_set(), detections,
                                                                  "segm"), rtol=0, atol=1e-12)


def test_segm_with_more_than_255_detections_equals_pycocotools(tmp_path):
    # pycocotools' mask.area on a list of 256 RLEs or more raises OverflowError under
    # NumPy 2 (it makes its output array as uint8 of the list's length); a segm set of
    # 60 results per frame (360 in all) is scored, and equals COCOeval, which loadRes
    # feeds one RLE at a time
    predictions = write_set(tmp_path, task='iou_type = "segm"')
    rng = np.random.default_rng(5)
    many = {}
    for case, items in RESULTS.items():
        if items is not None:
            many[case] = [(c, [x + rng.uniform(-3, 3), y + rng.uniform(-3, 3), w, h],
                           float(rng.uniform(0, 1)))
                          for c, (x, y, w, h), _ in items for _ in range(60 // len(items))]
            (predictions / f"{case}.json").write_text(json.dumps(rle_results(many[case])))
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions)
    ids = {case: image_id for case, (_, image_id, _) in CASES.items()}
    detections = [dict(item, image_id=ids[case]) for case in many
                  for item in json.loads((predictions / f"{case}.json").read_text())]
    assert len(detections) > 255
    np.testing.assert_allclose(figures(result), pycocotools_stats(coco_set(), detections,
                                                                  "segm"), rtol=0, atol=1e-12)


def test_damaged_rle_results_fail_their_case(tmp_path):
    """pycocotools reads these without a word: "0" as a mask of 0 and then uninitialised
    bytes, a short run list as a mask of unset pixels. Each fails its case; the others
    are scored as COCOeval scores them."""
    predictions = write_set(tmp_path, task='iou_type = "segm"')
    ids = {case: image_id for case, (_, image_id, _) in CASES.items()}
    detections = []
    for case, items in RESULTS.items():
        if items is None:
            continue
        rles = rle_results(items)
        if case == "c2":
            rles[0]["segmentation"]["counts"] = "0"
        elif case == "c6":
            rles[1]["segmentation"]["counts"] = [5, 10]
        else:
            detections += [dict(r, image_id=ids[case]) for r in rles]
        (predictions / f"{case}.json").write_text(json.dumps(rles))
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions)
    failed = {f.case_id: f for f in result.failures.cases}
    assert {c: f.reason for c, f in failed.items()} == {
        "c2": "invalid-output", "c4": "missing-output", "c6": "invalid-output"}
    assert "result 0: segmentation cannot be read (RLE runs sum to 0, not the image's " \
        "100 x 120 = 12000 pixels)" in failed["c2"].detail
    assert "result 1: segmentation cannot be read (RLE runs sum to 15" in failed["c6"].detail
    np.testing.assert_allclose(figures(result), pycocotools_stats(coco_set(), detections,
                                                                  "segm"), rtol=0, atol=1e-12)


def test_result_polygons_far_outside_their_image_fail_their_case(tmp_path):
    """pycocotools rasterises a polygon along its edges at a memory cost growing with
    their length: a vertex at x = 1e9 (a detector's overflow) asks for tens of GB and
    kills the evaluation (a vertex at 1e7 took 790 MB). Such a result fails its case;
    a polygon a little outside its image is pycocotools' to clip, and is scored."""
    predictions = write_set(tmp_path, task='iou_type = "segm"')
    ids = {case: image_id for case, (_, image_id, _) in CASES.items()}
    detections = []
    for case, items in RESULTS.items():
        if items is None:
            continue
        results = [{"category_id": c, "score": s, "segmentation": [
            [x, y, x + w, y, x + w, y + h, x, y + h]]} for c, (x, y, w, h), s in items]
        if case == "c2":
            results[1]["segmentation"][0][2] = 1e9
        else:
            if case == "c6":  # 3 px beyond the left edge: clipped, as COCOeval does
                results[0]["segmentation"][0][0] = -3.0
            for r in results:  # COCOeval's loadRes takes a mask result as an RLE
                rle = mask_utils.merge(mask_utils.frPyObjects(r["segmentation"], HEIGHT,
                                                              WIDTH))
                rle["counts"] = rle["counts"].decode("ascii")
                detections.append(dict(r, image_id=ids[case], segmentation=rle))
        (predictions / f"{case}.json").write_text(json.dumps(results))
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions)
    failed = {f.case_id: f for f in result.failures.cases}
    assert {c: f.reason for c, f in failed.items()} == {
        "c2": "invalid-output", "c4": "missing-output"}
    assert "result 1: segmentation cannot be read (polygon 0, vertex 1 (x=1e+09, y=5)" \
        in failed["c2"].detail
    np.testing.assert_allclose(figures(result), pycocotools_stats(coco_set(), detections,
                                                                  "segm"), rtol=0, atol=1e-12)


def test_result_boxes_wholly_outside_their_frame_are_warned_of(tmp_path):
    # a detector run on frames twice the size: c1's second box lands beyond the 120 px
    # wide frame, c5's first below its 100 px height; scored as COCOeval scores them
    # (false positives), and the result says so, with the count and an example
    results = copy.deepcopy(RESULTS)
    results["c1"][1] = (2, [120, 40, 40, 30], 0.62)
    results["c5"][0] = (1, [2, 101, 95, 90], 0.95)
    predictions = write_set(tmp_path, results=results)
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions)
    np.testing.assert_allclose(figures(result), expected(coco_set(), {"c4"}, "worst-case",
                                                         results), rtol=0, atol=1e-12)
    texts = [w for w in result.warnings if "wholly outside" in w]
    # a fact about particular cases, said once for the whole set: not again for
    # 'failures excluded' (c4 failed), whose cases hold both boxes too
    assert len(texts) == 1 and texts[0].startswith("all cases: "), texts
    assert "2 result box(es) of 2 case(s) lie wholly outside their frame" in texts[0]
    assert "case c1: [120, 40, 40, 30] on a frame 120 px wide, 100 px high" in texts[0]
    # none outside: no such warning
    (tmp_path / "clean").mkdir()
    clean = write_set(tmp_path / "clean")
    assert not [w for w in medeval.evaluate(tmp_path / "clean" / "protocol.toml",
                                            clean).warnings if "wholly outside" in w]


def test_result_boxes_of_no_area_are_warned_of_not_as_outside(tmp_path):
    # a detector rounding thin boxes to whole pixels: c1's second box has width 0 on the
    # frame's left edge, c5's first height 0 inside the frame. COCOeval gives such a box
    # IoU 0 with every object (false positives); the figures are COCOeval's, and the
    # result says what the boxes are, not that they lie outside the frame
    results = copy.deepcopy(RESULTS)
    results["c1"][1] = (2, [0, 40, 0, 30], 0.62)
    results["c5"][0] = (1, [2, 50, 95, 0], 0.95)
    predictions = write_set(tmp_path, results=results)
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions)
    np.testing.assert_allclose(figures(result), expected(coco_set(), {"c4"}, "worst-case",
                                                         results), rtol=0, atol=1e-12)
    assert not [w for w in result.warnings if "wholly outside" in w]
    texts = [w for w in result.warnings if "have no area" in w]
    assert texts == ["all cases: 2 result box(es) of 2 case(s) have no area, a width or "
                     "height of 0 (e.g. case c1: [0, 40, 0, 30] on a frame 120 px wide, "
                     "100 px high): such a box overlaps no object, and is scored as a "
                     "false positive, as COCOeval scores it"], texts


def test_malformed_results_fail_their_case_with_every_problem(tmp_path):
    predictions = write_set(tmp_path)
    (predictions / "c2.json").write_text(json.dumps([
        {"category_id": 7, "bbox": [1, 2, 3, 4], "score": 0.5},
        {"category_id": 1, "bbox": [1, 2, 3], "score": 0.5},
        {"category_id": 1, "bbox": [1, 2, 3, 4], "score": "high"}]))
    (predictions / "c6.json").write_text(json.dumps({"boxes": []}))
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions)
    failed = {f.case_id: f for f in result.failures.cases}
    assert {c: f.reason for c, f in failed.items()} == {
        "c2": "invalid-output", "c4": "missing-output", "c6": "invalid-output"}
    detail = failed["c2"].detail
    assert "result 0: category_id 7 is not one of the set's categories [1, 2]" in detail
    assert "result 1: bbox [1, 2, 3] is not [x, y, width, height]" in detail
    assert "result 2: score 'high' is not a finite number" in detail
    assert "COCO results list" in failed["c6"].detail
    np.testing.assert_allclose(figures(result),
                               expected(coco_set(), {"c2", "c4", "c6"}, "worst-case"),
                               rtol=0, atol=1e-12)


def test_no_object_of_a_size_is_undefined_with_its_reason(tmp_path):
    predictions = write_set(tmp_path)
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions)
    # no polyp is of area >= 96² (the largest is 100 x 90): COCOeval prints -1 for both
    # large figures
    stats = expected(coco_set(), {"c4"}, "worst-case")
    empty = [n for n, value in zip(NAMES, stats) if math.isnan(value)]
    assert empty == ["ap_large", "ar_large"]
    for name in empty:
        estimate = result.metric(f"coco_{name}").estimate
        assert math.isnan(estimate.value) and "pycocotools prints -1" in estimate.note


def test_no_detection_anywhere(tmp_path):
    predictions = write_set(tmp_path, results={c: [] for c in CASES})
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions)
    np.testing.assert_allclose(figures(result),
                               expected(coco_set(), set(), "worst-case",
                                        results={c: [] for c in CASES}), rtol=0, atol=1e-12)
    assert result.metric("coco_ap").estimate.value == 0.0


def test_coco_ap_is_an_acceptance_criterion(tmp_path):
    predictions = write_set(tmp_path)
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions)
    (verdict,) = result.verdicts
    assert verdict.metric == "coco_ap"
    text = (tmp_path / "protocol.toml").read_text().replace('"coco_ap"', '"coco_ap90"')
    (tmp_path / "protocol.toml").write_text(text)
    with pytest.raises(ProtocolError, match="coco_ap90.*not reported"):
        medeval.evaluate(tmp_path / "protocol.toml", predictions)


def test_manifest_kind(tmp_path):
    write_set(tmp_path)
    manifest = Manifest.from_csv(tmp_path / "manifest.csv", reference_kind="annotations-2d")
    assert manifest.files() == sorted(
        [f"frames/{c}.jpg" for c in CASES] + ["labels/set.json"])
    manifest.validate()


def test_a_broken_set_wide_file_is_described_once(tmp_path):
    predictions = write_set(tmp_path)
    gt = coco_set()
    gt["annotations"][0]["bbox"] = [110, 10, 20, 20]  # beyond the frame's 120 px
    (tmp_path / "labels" / "set.json").write_text(json.dumps(gt))
    with pytest.raises(medeval.ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", predictions)
    first, *others = caught.value.problems
    assert first.startswith("case c1: ") and "lies outside the image" in first
    assert others == [f"case {c}: 'labels/set.json' cannot be used (see case c1)"
                      for c in ("c2", "c3", "c4", "c5", "c6")]
    # the protocol's tolerance decides
    text = (tmp_path / "protocol.toml").read_text()
    (tmp_path / "protocol.toml").write_text(text.replace(
        "fp_rates = [", "tolerance_px = 10\nfp_rates = ["))
    assert medeval.evaluate(tmp_path / "protocol.toml", predictions).flow.scored == 5


@pytest.mark.parametrize(("task", "problem"), [
    ('categories = ["polyp", "polyp"]', "each name once"),
    ("categories = { a = 1, b = 1 }", "each id once"),
    ('iou_type = "keypoints"', "task.iou_type"),
    ("iou_threshold = 0", "task.iou_threshold"),
])
def test_protocol_options_are_checked(tmp_path, task, problem):
    write_set(tmp_path, task=task)
    with pytest.raises(ProtocolError, match=problem):
        medeval.load_protocol(tmp_path / "protocol.toml")


def test_annotations_of_another_size_than_their_frame_are_refused(tmp_path):
    """COCO's height/width (LabelMe's imageHeight/imageWidth) must be the frame's: boxes
    drawn on a resized or turned copy are not where the frame shows them. Frames written
    with Pillow; the sizes in the messages are those we wrote."""
    from PIL import Image as PILImage

    predictions = write_set(tmp_path)
    sizes = {case: (HEIGHT, WIDTH) for case in CASES}
    sizes["c2"] = (WIDTH, HEIGHT)  # turned (an EXIF rotation applied by a viewer)
    sizes["c5"] = (HEIGHT // 2, WIDTH // 2)  # a thumbnail
    for case, (rows, columns) in sizes.items():
        PILImage.new("RGB", (columns, rows), (120, 60, 50)).save(
            tmp_path / "frames" / f"{case}.jpg", format="JPEG")
    with pytest.raises(medeval.ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", predictions)
    problems = caught.value.problems
    assert [p.split(":")[0] for p in problems] == ["case c2", "case c5"]
    # the file's 120 wide x 100 high, the frame 100 wide x 120 high: a swap, said so
    assert ("labels/set.json states image 'frames/c2.jpg' (id 12) as 120 x 100 pixels "
            "(width x height), but the frame frames/c2.jpg is 100 x 120: width and height "
            "swapped") in problems[0]
    assert "frame frames/c5.jpg is 50 x 60" in problems[1]
    # frames of the annotated size: scored, as pycocotools scores them
    for case in ("c2", "c5"):
        PILImage.new("RGB", (WIDTH, HEIGHT)).save(tmp_path / "frames" / f"{case}.jpg",
                                                  format="JPEG")
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions)
    np.testing.assert_allclose(figures(result), expected(coco_set(), {"c4"}, "worst-case"),
                               rtol=0, atol=1e-12)


def _frames_of_the_set_size(root: Path) -> None:
    from PIL import Image as PILImage

    for case in CASES:  # 120 wide, 100 high, as the set's file states them
        PILImage.new("RGB", (WIDTH, HEIGHT)).save(root / "frames" / f"{case}.jpg",
                                                  format="JPEG")


def test_a_coco_file_with_width_and_height_swapped_is_named_so(tmp_path):
    """An exploratory tester's find: COCO's width and height transposed for one image
    (a rotated export) made its objects, drawn on the 120 x 100 frame, reach past the
    100 px width the file stated, and the message listed vertices 'outside the image'
    only. Now the case whose image it is is named with the swap; the frames written with
    Pillow, the sizes in the messages are those we wrote."""
    predictions = write_set(tmp_path)
    _frames_of_the_set_size(tmp_path)
    gt = coco_set()
    for image in gt["images"]:
        if image["id"] in (12, 14):  # c2 and c4: width 100, height 120
            image["width"], image["height"] = HEIGHT, WIDTH
    # on c2's frame (120 wide) an object from x 101 to 115: past the stated width 100
    gt["annotations"].append({"id": 900, "image_id": 12, "category_id": 1,
                              "bbox": [101, 10, 14, 10], "area": 140, "iscrowd": 0})
    (tmp_path / "labels" / "set.json").write_text(json.dumps(gt))
    with pytest.raises(medeval.ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", predictions)
    problems = dict(p.split(": ", 1) for p in caught.value.problems)
    assert sorted(problems) == [f"case {c}" for c in CASES]
    # c1 is first into the file: its listing (the vertex x 115 > 100), then the swaps
    assert "box [x=101, y=10, w=14, h=10] lies outside the image (0 <= x <= 100" in (
        problems["case c1"])
    assert problems["case c1"].endswith(
        "(the file states the images of case(s) c2, c4 with width and height swapped "
        "against their frames: see those cases)")
    for case, image_id in (("c2", 12), ("c4", 14)):
        assert problems[f"case {case}"].startswith(
            f"labels/set.json states image 'frames/{case}.jpg' (id {image_id}) as 100 x 120 "
            f"pixels (width x height), but the frame frames/{case}.jpg is 120 x 100: width "
            "and height swapped (a rotated export, or a frame saved turned?); if the "
            "annotations were drawn on the frame as it is stored, write width 120 and "
            "height 100 for it in the file")
        assert problems[f"case {case}"].endswith(
            "with it 'labels/set.json' cannot be used (see case c1)")
    assert problems["case c3"] == "'labels/set.json' cannot be used (see case c1)"
    # the first case's own image swapped: its message starts with the swap, then lists
    gt["images"][1]["width"], gt["images"][1]["height"] = WIDTH, HEIGHT  # c2 right
    gt["images"][0]["width"], gt["images"][0]["height"] = HEIGHT, WIDTH  # c1 swapped
    gt["annotations"][-1]["image_id"] = 11
    (tmp_path / "labels" / "set.json").write_text(json.dumps(gt))
    with pytest.raises(medeval.ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", predictions)
    first = caught.value.problems[0]
    assert first.startswith("case c1: labels/set.json states image 'frames/c1.jpg' (id 11) "
                            "as 100 x 120 pixels (width x height)")
    assert "; with it the file cannot be used: " in first
    assert "box [x=101, y=10, w=14, h=10] lies outside the image" in first


def test_a_labelme_file_with_width_and_height_swapped_is_named_so(tmp_path):
    """The same for LabelMe's imageWidth and imageHeight, a file per case."""
    predictions = write_set(tmp_path, task='categories = ["adenoma", "hyperplastic"]',
                            labelme=True)
    _frames_of_the_set_size(tmp_path)
    label = tmp_path / "labels" / "c1.json"
    data = json.loads(label.read_text())
    data["imageWidth"], data["imageHeight"] = HEIGHT, WIDTH
    data["shapes"].append({"label": "adenoma", "points": [[101, 10], [115, 20]],
                           "group_id": None, "shape_type": "rectangle", "flags": {}})
    label.write_text(json.dumps(data))
    with pytest.raises(medeval.ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", predictions)
    (problem,) = caught.value.problems
    assert problem.startswith(
        "case c1: labels/c1.json states its image 'c1.jpg' as 100 x 120 pixels (width x "
        "height), but the frame frames/c1.jpg is 120 x 100: width and height swapped")
    assert "lies outside the image (0 <= x <= 100" in problem


def test_tied_scores_across_images_are_reported(tmp_path):
    """Every detection scored 1.0 (a detector without confidences): COCOeval's AP then
    depends on how the images are numbered. The set's file numbers c1..c6 as 11..16; the
    same set numbered in reverse gives pycocotools another AP, and medeval says so."""
    tied = {c: None if r is None else [(k, b, 1.0) for k, b, _ in r]
            for c, r in RESULTS.items()}
    predictions = write_set(tmp_path, results=tied)
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions)
    gt = coco_set()
    forward = expected(gt, {"c4"}, "worst-case", results=tied)
    np.testing.assert_allclose(figures(result), forward, rtol=0, atol=1e-12)
    flipped = copy.deepcopy(gt)  # image ids in reverse: 11 <-> 16, ...
    for item in flipped["images"] + flipped["annotations"]:
        key = "id" if "file_name" in item else "image_id"
        item[key] = 27 - item[key]
    ids = {case: 27 - image_id for case, (_, image_id, _) in CASES.items()}
    backward = pycocotools_stats(flipped, [
        {"image_id": ids[c], "category_id": k, "bbox": b, "score": s}
        for c, r in tied.items() if r for k, b, s in r])
    assert abs(forward[0] - backward[0]) > 1e-3  # the order matters here
    notes = [w for w in result.warnings if "tied detections keep the order" in w]
    assert notes and "1 (category 1)" in notes[0]
    # scores without ties: no note
    untied = medeval.evaluate(tmp_path / "protocol.toml", write_set(tmp_path))
    assert not [w for w in untied.warnings if "tied detections" in w]


@pytest.mark.parametrize("policy", ["worst-case", "exclude"])
def test_an_algorithm_that_fails_every_case_gets_a_result(tmp_path, policy):
    """No prediction file at all: worst-case scores every frame with no detection (as
    COCOeval does: AP 0), exclude leaves no case (NaN, 'no cases'); before, both stopped
    with 'froc: needs at least one case'."""
    predictions = write_set(tmp_path, policy=policy, results={c: None for c in CASES})
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions)
    assert result.failures.n_failed == len(CASES)
    if policy == "worst-case":
        np.testing.assert_allclose(
            figures(result), expected(coco_set(), set(CASES), policy,
                                      results={c: [] for c in CASES}), rtol=0, atol=1e-12)
        # no frame scored and no detection: every object missed at every rate
        assert result.metric("froc_cpm").estimate.value == 0.0
    else:
        assert all(math.isnan(v) for v in figures(result))
        assert result.metric("froc_cpm").estimate.note == "no cases"


def test_a_prediction_with_a_byte_order_mark_is_read(tmp_path):
    """UTF-8 with a BOM, as Windows PowerShell 5 writes it (RFC 8259: a parser may ignore
    it): the same figures as pycocotools on the same results."""
    predictions = write_set(tmp_path)
    for case in ("c1", "c5"):
        path = predictions / f"{case}.json"
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions)
    assert [f.case_id for f in result.failures.cases] == ["c4"]
    np.testing.assert_allclose(figures(result), expected(coco_set(), {"c4"}, "worst-case"),
                               rtol=0, atol=1e-12)


def test_a_results_file_of_the_whole_set_is_not_a_predictions_folder(tmp_path):
    """detectron2 and mmdetection write one COCO results list for the set; the message
    says what the evaluation takes instead of 'no such directory'."""
    write_set(tmp_path)
    whole = tmp_path / "bbox.json"
    whole.write_text(json.dumps([{"image_id": 11, "category_id": 1, "bbox": [1, 2, 3, 4],
                                  "score": 0.5}]))
    with pytest.raises(ProtocolError, match=r"bbox.json: is a file; .* <case_id>.json"):
        medeval.evaluate(tmp_path / "protocol.toml", whole)


def crossed_refusal(root: Path, predictions: Path) -> tuple[pd.DataFrame, tuple]:
    """The first two rows' references swapped: the manifest, and evaluate's problems."""
    manifest = pd.read_csv(root / "manifest.csv")
    manifest.loc[[0, 1], "reference"] = manifest.loc[[1, 0], "reference"].to_numpy()
    manifest.to_csv(root / "manifest.csv", index=False)
    with pytest.raises(medeval.ManifestError) as caught:
        medeval.evaluate(root / "protocol.toml", predictions)
    return manifest, caught.value.problems


def test_crossed_manifest_rows_are_refused(tmp_path):
    """c1's row selects c2's image and c2's c1's (a slip in the spreadsheet): each frame
    is named in the set's COCO file as the other image, so the detections made on one
    frame would be scored against the other's polyps."""
    predictions = write_set(tmp_path)
    manifest, problems = crossed_refusal(tmp_path, predictions)
    assert problems == (
        "case c1: its frame 'frames/c1.jpg' has the file name of image 'frames/c1.jpg' of "
        "labels/set.json, but the reference selects image 'frames/c2.jpg': the manifest's "
        "rows are crossed, or a frame is misnamed; correct the set",
        "case c2: its frame 'frames/c2.jpg' has the file name of image 'frames/c2.jpg' of "
        "labels/set.json, but the reference selects image 'frames/c1.jpg': the manifest's "
        "rows are crossed, or a frame is misnamed; correct the set")
    # frames named otherwise than the file's images (a renamed export): no conclusion
    manifest["input"] = [f"frames/x{i}.jpg" for i in range(len(manifest))]
    for i in range(len(manifest)):
        (tmp_path / "frames" / f"x{i}.jpg").write_bytes(b"\xff\xd8\xff frame")
    manifest.to_csv(tmp_path / "manifest.csv", index=False)
    assert medeval.evaluate(tmp_path / "protocol.toml", predictions).flow.scored == 5


def test_manifest_check_without_read_files_says_it_did_not_open_them(tmp_path, capsys):
    """Found by an exploratory tester: crossed rows passed 'manifest check --protocol'
    with a bare OK, which evaluate then refused. Without --read-files the check does not
    open the files, and now says so; with it, it lists what evaluate lists."""
    from PIL import Image as PILImage

    from medeval.cli import main

    predictions = write_set(tmp_path)
    for case in CASES:  # frames --read-files decodes (write_set's are JPEG markers only)
        PILImage.new("RGB", (WIDTH, HEIGHT)).save(tmp_path / "frames" / f"{case}.jpg")
    _, refused = crossed_refusal(tmp_path, predictions)
    argv = ["manifest", "check", str(tmp_path / "manifest.csv"), "--protocol",
            str(tmp_path / "protocol.toml")]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("OK  ")
    assert captured.err == (
        "medeval: note: the set's files were found, not opened: --read-files reads every "
        "reference and input as evaluate will, and checks each reference as the protocol's "
        "task does\n")
    assert main([*argv, "--read-files"]) == 2
    err = capsys.readouterr().err
    assert all(problem in err for problem in refused) and "note: the set's files" not in err
    # without the protocol the references are read as files only: the crossed rows pass,
    # and the note says what the OK does not cover (the reviewer found it claimed more)
    alone = argv[:3]
    assert main(alone) == 0
    assert capsys.readouterr().err == (
        "medeval: note: the set's files were found, not opened: --read-files with "
        "--protocol PROTOCOL.toml reads every reference and input as evaluate will\n")
    assert main([*alone, "--read-files"]) == 0
    assert capsys.readouterr().err.splitlines()[-1] + "\n" == (  # after a warning of the
        "medeval: note: the references were read as files, not as a task reads them "
        "(labels, image sizes, crossed rows): give --protocol PROTOCOL.toml to check them "
        "as evaluate will\n")


def test_a_frame_with_an_exif_orientation_is_refused(tmp_path):
    """A frame stored upside down with EXIF orientation 3 has its annotated size either
    way; whether the boxes were drawn on the stored or the turned picture nothing says
    (docs/images.md, EXIF orientation), so the case is refused, not scored."""
    from PIL import Image as PILImage

    predictions = write_set(tmp_path)
    for case in CASES:
        frame = PILImage.new("RGB", (WIDTH, HEIGHT), (120, 60, 50))
        exif = frame.getexif()
        if case == "c2":
            exif[0x0112] = 3
        frame.save(tmp_path / "frames" / f"{case}.jpg", exif=exif)
    with PILImage.open(tmp_path / "frames" / "c2.jpg") as image:
        assert image.getexif()[0x0112] == 3 and image.size == (WIDTH, HEIGHT)
    with pytest.raises(medeval.ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", predictions)
    (problem,) = caught.value.problems
    assert problem.startswith("case c2: frame ") and "EXIF orientation is 3" in problem


def test_a_detector_run_by_the_runner_equals_pycocotools(tmp_path):
    """`medeval run` of a COCO detector: the plugin returns each frame's COCO results list
    (c4: nothing returned, a failed case). The runner used to refuse every list ("expected
    a score (number) or a dict"), so no case of this task could be scored from a run
    (found in the docs pass); now the run's predictions give COCOeval's figures."""
    write_set(tmp_path)
    results = {case: [{"category_id": c, "bbox": b, "score": s} for c, b, s in items]
               for case, items in RESULTS.items() if items is not None}
    plugin = tmp_path / "plugin"
    plugin.mkdir()
    (plugin / "detector.py").write_text(
        "from pathlib import Path\n"
        f"RESULTS = {results!r}\n"
        "class Detector:\n"
        "    def predict(self, case):\n"
        "        return RESULTS.get(Path(case.input_path).stem)\n")
    protocol = tmp_path / "protocol.toml"
    protocol.write_text(protocol.read_text().replace(
        'version = "1"', f'version = "1"\nplugin = "{plugin / "detector.py"}:Detector"', 1))
    result = medeval.evaluate(protocol, run_dir=tmp_path / "run")
    assert [(f.case_id, f.reason) for f in result.failures.cases] == [("c4", "invalid-output")]
    np.testing.assert_allclose(figures(result), expected(coco_set(), {"c4"}, "worst-case"),
                               rtol=0, atol=1e-12)


def drawn_on(root: Path, case: str, image_path: str) -> None:
    """Set the imagePath of the case's LabelMe file (relative to the file)."""
    path = root / "labels" / f"{case}.json"
    labelme = json.loads(path.read_text())
    labelme["imagePath"] = image_path
    path.write_text(json.dumps(labelme))


def test_crossed_labelme_references_are_refused(tmp_path):
    """Per-frame LabelMe files: c1's row names c2's file and c2's c1's. Each file's
    imagePath (relative to the file, as LabelMe writes it) is the other frame of the set,
    and both frames have one size, so the swap was scored without a word, c1's
    detections against c2's polyps. Found in the detection-pass."""
    predictions = write_set(tmp_path, labelme=True, task='categories = ["adenoma", '
                            '"hyperplastic"]')
    for case in CASES:  # the frame each file was drawn on, as LabelMe writes it
        drawn_on(tmp_path, case, f"../frames/{case}.jpg")
    assert medeval.evaluate(tmp_path / "protocol.toml", predictions).flow.scored == 5
    _, problems = crossed_refusal(tmp_path, predictions)
    assert problems == (
        "case c1: its LabelMe file labels/c2.json was drawn on 'frames/c2.jpg' (its "
        "imagePath '../frames/c2.jpg'), a frame of the set, not on the case's frame "
        "'frames/c1.jpg': the manifest's rows are crossed, or a frame is misnamed; "
        "correct the set",
        "case c2: its LabelMe file labels/c1.json was drawn on 'frames/c1.jpg' (its "
        "imagePath '../frames/c1.jpg'), a frame of the set, not on the case's frame "
        "'frames/c2.jpg': the manifest's rows are crossed, or a frame is misnamed; "
        "correct the set")


def test_a_labelme_image_path_to_a_file_that_is_no_frame_of_the_set_is_not_crossed(tmp_path):
    """The frames were renamed (or converted) from the originals the annotators drew on,
    and the originals lie in the data root too (orig/IMG_c1.jpg): each LabelMe file's
    imagePath names a file, but no frame of the set, so no rows are crossed. Every case
    was refused as 'drawn on ... a frame of the set'. Found in the review of the
    detection-pass: the set scores as pycocotools scores it."""
    predictions = write_set(tmp_path, labelme=True, task='categories = ["adenoma", '
                            '"hyperplastic"]')
    (tmp_path / "orig").mkdir()
    for case in CASES:
        (tmp_path / "orig" / f"IMG_{case}.jpg").write_bytes(b"\xff\xd8\xff original")
        drawn_on(tmp_path, case, f"../orig/IMG_{case}.jpg")
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions)
    np.testing.assert_allclose(figures(result), expected(coco_set(), {"c4"}, "worst-case"),
                               rtol=0, atol=1e-12)


def test_a_fingerprint_of_labelme_references_read_as_files_is_said_so(tmp_path, capsys):
    """A set of per-frame LabelMe files (no '#'): `medeval manifest fingerprint` without
    --protocol tells its references 'file', and the fingerprint it prints, written into
    the protocol, was refused by the evaluation as 'this is not the registered set',
    though it is that set with its references read as another kind than the task reads.
    Now the refusal says so, and which command prints the task's fingerprint. Found in
    the review of the detection-pass."""
    from medeval.cli import main

    write_set(tmp_path, labelme=True, task='categories = ["adenoma", "hyperplastic"]')
    assert main(["manifest", "fingerprint", str(tmp_path / "manifest.csv")]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed.startswith('fingerprint = "sha256:')
    protocol = tmp_path / "protocol.toml"
    protocol.write_text(protocol.read_text().replace(
        'selection = "all"\n', f'selection = "all"\n{printed}\n'))  # as printed
    with pytest.raises(ProtocolError) as caught:
        medeval.evaluate(protocol, tmp_path / "pred")
    assert ("it is this set's with its references read as 'file', but task "
            "'coco-detection' reads them as 'annotations-2d'") in str(caught.value)
    assert "not the registered set" not in str(caught.value)
    assert main(["manifest", "fingerprint", str(tmp_path / "manifest.csv"), "--protocol",
                 str(protocol)]) == 0
    protocol.write_text(protocol.read_text().replace(
        printed, capsys.readouterr().out.strip()))
    assert medeval.evaluate(protocol, tmp_path / "pred").flow.scored == 5


def test_crossed_labelme_references_of_frames_of_one_name_are_refused(tmp_path):
    """Frames numbered per folder (frames/c1/0001.jpg, frames/c2/0001.jpg) share their
    file name, and crossed rows of their LabelMe files were scored without a word (each
    imagePath's file name is the case's frame's): the imagePath is now compared as the
    path it names. Found in the review of the detection-pass."""
    predictions = write_set(tmp_path, labelme=True, task='categories = ["adenoma", '
                            '"hyperplastic"]')
    manifest = pd.read_csv(tmp_path / "manifest.csv")
    for case in CASES:
        (tmp_path / "frames" / case).mkdir()
        (tmp_path / "frames" / f"{case}.jpg").rename(tmp_path / "frames" / case / "0001.jpg")
        drawn_on(tmp_path, case, f"../frames/{case}/0001.jpg")
    manifest["input"] = [f"frames/{case}/0001.jpg" for case in manifest["case_id"]]
    manifest.to_csv(tmp_path / "manifest.csv", index=False)
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions)
    np.testing.assert_allclose(figures(result), expected(coco_set(), {"c4"}, "worst-case"),
                               rtol=0, atol=1e-12)
    _, problems = crossed_refusal(tmp_path, predictions)
    assert problems == (
        "case c1: its LabelMe file labels/c2.json was drawn on 'frames/c2/0001.jpg' (its "
        "imagePath '../frames/c2/0001.jpg'), a frame of the set, not on the case's frame "
        "'frames/c1/0001.jpg': the manifest's rows are crossed, or a frame is misnamed; "
        "correct the set",
        "case c2: its LabelMe file labels/c1.json was drawn on 'frames/c1/0001.jpg' (its "
        "imagePath '../frames/c1/0001.jpg'), a frame of the set, not on the case's frame "
        "'frames/c2/0001.jpg': the manifest's rows are crossed, or a frame is misnamed; "
        "correct the set")


def test_a_class_index_or_a_name_given_for_a_category_id_is_said_so(tmp_path):
    """A detector writing YOLO's class index 0 for a set numbering its categories from 1
    (as COCO files do), or the category's name, failed each frame with "category_id 0 is
    not one of the set's categories [1, 2]" or "'polyp' is not an integer": the ids
    without their names, nor what went wrong. The detail now names the set's categories
    (the COCO file's own table, CATEGORIES above) and the likely cause."""
    predictions = write_set(tmp_path)
    (predictions / "c2.json").write_text(json.dumps([
        {"category_id": 0, "bbox": [1, 2, 3, 4], "score": 0.5},
        {"category_id": CATEGORIES[1]["name"], "bbox": [1, 2, 3, 4], "score": 0.4}]))
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions)
    detail = {f.case_id: f for f in result.failures.cases}["c2"].detail
    named = f"1 {CATEGORIES[0]['name']!r}, 2 {CATEGORIES[1]['name']!r}"
    assert detail == (
        f"case c2: result 0: category_id 0 is not one of the set's categories [1, 2] "
        f"({named}); a COCO result gives the reference's category id, not a class index "
        f"counted from 0; result 1: category_id {CATEGORIES[1]['name']!r} is not an "
        "integer: it is the name of category 2; give the id")
