"""COCO AP/AR (medeval.metrics.coco) against pycocotools' COCOeval, the conformance peer.

Every figure of ``COCOeval.stats``, the whole ``eval["precision"]`` and ``eval["recall"]``
arrays and the per-category AP are compared to 1e-12 (pycocotools' -1 read as NaN), on
seeded random sets and on each edge case; resampled AP against pycocotools run on the
resampled (expanded) data set; hand-worked cases carry their arithmetic.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import math
import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from medeval.definitions import DEFINITIONS
from medeval.errors import InvalidInputError, UndefinedMetricWarning
from medeval.metrics import (
    COCO_SUMMARIES,
    CocoDetection,
    coco_ap_ci,
    coco_ap_resampled,
    coco_detection,
)

TOL = 1e-12


# --- the peer ---------------------------------------------------------------------------

def peer(reference, detections, iou_type="bbox"):
    """pycocotools' COCOeval on deep copies (it writes into its inputs); an empty result
    list is given as an empty results COCO object (``loadRes`` cannot load one)."""
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO()
        gt.dataset = copy.deepcopy(reference)
        gt.createIndex()
        if detections:
            dt = gt.loadRes(copy.deepcopy(detections))
        else:
            dt = COCO()
            dt.dataset = {"images": copy.deepcopy(reference["images"]),
                          "categories": copy.deepcopy(reference["categories"]),
                          "annotations": []}
            dt.createIndex()
        evaluator = COCOeval(gt, dt, iou_type)
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    return evaluator


def ours(reference, detections, iou_type="bbox"):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        return coco_detection(reference, detections, iou_type=iou_type)


def nan_for_minus_one(values):
    values = np.asarray(values, dtype=float)
    return np.where(values == -1, np.nan, values)


def assert_close(actual, expected, what):
    actual, expected = np.asarray(actual, float), np.asarray(expected, float)
    assert actual.shape == expected.shape, what
    assert np.array_equal(np.isnan(actual), np.isnan(expected)), what
    both = ~np.isnan(expected)
    assert np.all(np.abs(actual[both] - expected[both]) <= TOL), (
        what, float(np.max(np.abs(actual[both] - expected[both]), initial=0)))


def assert_same_as_peer(reference, detections, iou_type="bbox"):
    """Stats, precision, recall and per-category AP equal pycocotools' to 1e-12."""
    evaluator = peer(reference, detections, iou_type)
    result = ours(reference, detections, iou_type)
    assert_close(result.stats, nan_for_minus_one(evaluator.stats), "stats")
    assert_close(result.precision, nan_for_minus_one(evaluator.eval["precision"]),
                 "precision")
    assert_close(result.recall, nan_for_minus_one(evaluator.eval["recall"]), "recall")
    per_category = []
    for k in range(len(evaluator.params.catIds)):
        block = evaluator.eval["precision"][:, :, k, 0, -1]
        per_category.append(np.mean(block[block > -1]) if (block > -1).any() else np.nan)
    assert list(result.ap_per_category) == [int(c) for c in evaluator.params.catIds]
    assert_close(list(result.ap_per_category.values()), per_category, "per category")
    return result, evaluator


# --- data -------------------------------------------------------------------------------

def random_set(rng, *, n_images=40, n_categories=3, max_objects=5, max_detections=8,
               crowd=0.1, rounded_scores=False, grid=False):
    """A ground truth and results: images in shuffled id order, objects of all sizes,
    detections near objects (sometimes on another image or category) or anywhere."""
    ids = rng.permutation(np.arange(1, n_images + 1)) * 7
    images = [{"id": int(i), "height": 300, "width": 300} for i in ids]
    categories = [{"id": int(c)} for c in np.arange(n_categories) * 3 + 2]

    def box():
        if grid:
            x, y = (int(v) for v in rng.integers(0, 150, 2))
            w, h = (int(v) for v in rng.integers(1, 130, 2))
            return [x, y, w, h]
        x, y = rng.uniform(0, 150, 2)
        w, h = rng.uniform(2, 130, 2)
        return [float(x), float(y), float(w), float(h)]

    annotations, detections = [], []
    for image in images:
        for _ in range(int(rng.integers(0, max_objects + 1))):
            b = box()
            annotations.append({
                "id": len(annotations) + 1, "image_id": image["id"],
                "category_id": categories[int(rng.integers(n_categories))]["id"],
                "bbox": b, "area": float(b[2] * b[3] * rng.choice([1.0, 0.8])),
                "iscrowd": int(rng.random() < crowd),
            })
        for _ in range(int(rng.integers(0, max_detections + 1))):
            if annotations and rng.random() < 0.6:
                source = annotations[int(rng.integers(len(annotations)))]
                b = [float(v) for v in np.array(source["bbox"]) + rng.normal(0, 3, 4)]
                if grid:
                    b = [int(round(v)) for v in b]
                b[2], b[3] = abs(b[2]) + 1, abs(b[3]) + 1
                category = source["category_id"] if rng.random() < 0.9 else \
                    categories[int(rng.integers(n_categories))]["id"]
                image_id = source["image_id"] if rng.random() < 0.8 else image["id"]
            else:
                b = box()
                category = categories[int(rng.integers(n_categories))]["id"]
                image_id = image["id"]
            score = float(np.round(rng.random(), 1)) if rounded_scores else float(rng.random())
            detections.append({"image_id": image_id, "category_id": category, "bbox": b,
                               "score": score})
    order = rng.permutation(len(detections))
    return ({"images": images, "annotations": annotations, "categories": categories},
            [detections[i] for i in order])


def expanded(reference, detections, image_ids, weights):
    """The data set in which image ``image_ids[i]`` appears ``weights[i]`` times, its
    copies together at its place in the image order (new ids keep that order)."""
    objects, found = {}, {}
    for a in reference["annotations"]:
        objects.setdefault(a["image_id"], []).append(a)
    for d in detections:
        found.setdefault(d["image_id"], []).append(d)
    info = {im["id"]: im for im in reference["images"]}
    images, annotations, results = [], [], []
    for image_id, w in zip(image_ids, weights):
        for _ in range(int(w)):
            new = len(images) + 1
            images.append({**info[image_id], "id": new})
            for a in objects.get(image_id, []):
                annotations.append({**a, "id": len(annotations) + 1, "image_id": new})
            for d in found.get(image_id, []):
                results.append({**d, "image_id": new})
    return ({"images": images, "annotations": annotations,
             "categories": reference["categories"]}, results)


def one_image(objects, detections, *, crowd=()):
    """One image, one category 1: objects and detections as boxes; detections (box,
    score)."""
    annotations = [{"id": i + 1, "image_id": 1, "category_id": 1, "bbox": b,
                    "area": b[2] * b[3], "iscrowd": int(i in crowd)}
                   for i, b in enumerate(objects)]
    reference = {"images": [{"id": 1, "height": 300, "width": 300}],
                 "categories": [{"id": 1}], "annotations": annotations}
    results = [{"image_id": 1, "category_id": 1, "bbox": b, "score": s}
               for b, s in detections]
    return reference, results


# --- conformance: random sets -----------------------------------------------------------

@pytest.mark.parametrize("seed", range(12))
def test_random_sets_match_pycocotools(seed):
    rng = np.random.default_rng(seed)
    reference, detections = random_set(rng, rounded_scores=seed % 3 == 0,
                                       grid=seed % 4 == 1)
    assert_same_as_peer(reference, detections)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_images=st.integers(1, 8),
       rounded=st.booleans(), grid=st.booleans(), n_categories=st.integers(1, 3))
def test_hypothesis_sets_match_pycocotools(seed, n_images, rounded, grid, n_categories):
    # integer grids give IoUs exactly at thresholds and areas exactly at 32^2 and 96^2;
    # rounded scores give ties within and across images
    rng = np.random.default_rng(seed)
    reference, detections = random_set(rng, n_images=n_images, n_categories=n_categories,
                                       rounded_scores=rounded, grid=grid, max_objects=4,
                                       max_detections=6, crowd=0.2)
    assert_same_as_peer(reference, detections)


# --- conformance: edge cases ------------------------------------------------------------

def test_the_repr_shows_the_figures_not_the_arrays():
    # found in the api pass: print(coco_detection(...)) in a notebook gave pages of the
    # (10, 101, K, 4, 3) precision array and every detection's matches
    reference, detections = random_set(np.random.default_rng(3), n_images=8)
    result, _ = assert_same_as_peer(reference, detections)
    shown = repr(result)
    assert shown.startswith(f"CocoDetection(ap={result.ap!r}, ap50={result.ap50!r}")
    assert "precision=" not in shown and "matches=" not in shown and len(shown) < 1000
    assert result.precision.shape[:2] == (10, 101) and result.matches.det_score.size


def test_no_detections_at_all():
    reference, _ = random_set(np.random.default_rng(1), n_images=6)
    gt = COCO()
    gt.dataset = copy.deepcopy(reference)
    with contextlib.redirect_stdout(io.StringIO()), pytest.raises(IndexError):
        gt.loadRes([])  # pycocotools' loadRes cannot load an empty list (anns[0])
    result, _ = assert_same_as_peer(reference, [])
    assert result.ap == 0.0 and result.ar100 == 0.0 and result.n_detections == 0


def test_images_without_objects_count_their_false_positives():
    rng = np.random.default_rng(2)
    reference, detections = random_set(rng, n_images=20)
    reference["images"] += [{"id": 10_000 + i, "height": 300, "width": 300} for i in range(3)]
    detections += [{"image_id": 10_000 + i, "category_id": 2, "bbox": [5, 5, 50, 50],
                    "score": 0.99} for i in range(3)]
    result, _ = assert_same_as_peer(reference, detections)
    assert result.n_images == 23


@pytest.mark.parametrize("score", [0.5, 1.0])
def test_tied_scores_everywhere(score):
    rng = np.random.default_rng(3)
    reference, detections = random_set(rng, n_images=15)
    for d in detections:
        d["score"] = score  # one tie: order is the results' within an image, image ids across
    assert_same_as_peer(reference, detections)


def test_tied_scores_order_decides_and_is_replicated():
    # a hit and a false positive tied on one image: listed hit first, AP 1; listed miss
    # first: points (0,1) then (1,1): precision 1/2 at recall 1, AP 1/2
    hit, miss = ([0, 0, 40, 40], 0.5), ([200, 200, 40, 40], 0.5)
    first, _ = assert_same_as_peer(*one_image([[0, 0, 40, 40]], [hit, miss]))
    second, _ = assert_same_as_peer(*one_image([[0, 0, 40, 40]], [miss, hit]))
    assert abs(first.ap - 1.0) < TOL and abs(second.ap - 0.5) < TOL


def test_crowd_regions():
    rng = np.random.default_rng(4)
    reference, detections = random_set(rng, n_images=25, crowd=0.5)
    assert_same_as_peer(reference, detections)


def test_crowd_by_hand():
    # a crowd region [0,0,100,100] and an object [200,200,40,40]; a detection of 20x20
    # inside the crowd (IoU = 400/400 = 1 with the crowd: matched, ignored) scores 0.9,
    # the object's exact box 0.8: only the hit counts, AP = 1 (precision 1/(1+eps)).
    # Without the crowd flag the region is an object (2 in all) and the first detection
    # (IoU 400/10000) a false positive: points (P, R) = (0, 0), (1/2, 1/2): AP50 =
    # 51/101 x 1/2.
    objects = [[0, 0, 100, 100], [200, 200, 40, 40]]
    dets = [([10, 10, 20, 20], 0.9), ([200, 200, 40, 40], 0.8)]
    crowd, _ = assert_same_as_peer(*one_image(objects, dets, crowd=(0,)))
    assert abs(crowd.ap50 - 1.0) < TOL
    # many detections on one crowd region: each is matched to it and ignored
    many = dets + [([5 * i, 5 * i, 10, 10], 0.95 - i / 100) for i in range(8)]
    crowd_many, _ = assert_same_as_peer(*one_image(objects, many, crowd=(0,)))
    assert abs(crowd_many.ap50 - 1.0) < TOL
    assert_same_as_peer(*one_image(objects, many))
    plain, _ = assert_same_as_peer(*one_image(objects, dets))
    assert abs(plain.ap50 - 51 / 101 / 2) < TOL


def test_more_than_100_detections_per_image():
    rng = np.random.default_rng(5)
    objects = [[float(x), float(y), 30.0, 30.0] for x, y in rng.uniform(0, 250, (20, 2))]
    dets = [([float(v) for v in np.array(objects[i % 20]) + rng.normal(0, 3, 4)],
             float(rng.random())) for i in range(160)]
    result, _ = assert_same_as_peer(*one_image(objects, dets))
    assert result.n_detections == 100


def test_a_category_without_objects():
    rng = np.random.default_rng(6)
    reference, detections = random_set(rng, n_images=10, n_categories=2)
    reference["categories"].append({"id": 99})
    detections += [{"image_id": reference["images"][0]["id"], "category_id": 99,
                    "bbox": [1, 1, 20, 20], "score": 0.7}]
    with pytest.warns(UndefinedMetricWarning, match=r"categories \[99\]"):
        result = coco_detection(reference, detections)
    assert math.isnan(result.ap_per_category[99])
    assert_same_as_peer(reference, detections)


def test_unlisted_category_is_left_out_as_pycocotools():
    rng = np.random.default_rng(7)
    reference, detections = random_set(rng, n_images=10)
    detections.append({"image_id": reference["images"][0]["id"], "category_id": 12345,
                       "bbox": [1, 1, 20, 20], "score": 0.99})
    result, _ = assert_same_as_peer(reference, detections)
    assert result.n_unlisted_detections == 1


def test_detections_on_images_not_in_the_reference_are_refused_as_pycocotools():
    reference, detections = random_set(np.random.default_rng(8), n_images=5)
    detections.append({"image_id": 424242, "category_id": 2, "bbox": [0, 0, 9, 9],
                       "score": 0.3})
    with pytest.raises(AssertionError, match="do not correspond"):
        peer(reference, detections)
    with pytest.raises(InvalidInputError, match="424242"):
        coco_detection(reference, detections)


def test_area_and_iou_exactly_at_the_limits():
    # areas 32^2 and 96^2 belong to two ranges each (both ends included); a detection
    # [0,0,20,40] on the object [0,0,40,40]: IoU 800/1600 = 0.5 exactly (a hit at 0.50
    # only); [0,0,40,30]: IoU 1200/1600 = 0.75 (a hit up to 0.75)
    objects = [[0, 0, 32, 32], [100, 0, 96, 96], [0, 100, 40, 40], [100, 150, 40, 40]]
    dets = [([0, 0, 32, 32], 0.9), ([100, 0, 96, 96], 0.8), ([0, 100, 20, 40], 0.7),
            ([100, 150, 40, 30], 0.6)]
    result, _ = assert_same_as_peer(*one_image(objects, dets))
    assert result.ap_small > 0 and result.ap_medium > 0 and result.ap_large > 0


def test_equal_iou_with_two_objects_goes_to_the_later_one():
    # two identical objects, one detection on them: the later object is taken (">=")
    # so the second detection, equally placed, takes the first: both hit either way —
    # and pycocotools' choice is replicated in the matched-object bookkeeping
    objects = [[0, 0, 40, 40], [0, 0, 40, 40], [0, 0, 41, 40]]
    dets = [([0, 0, 40, 40], 0.9), ([0, 0, 40, 40], 0.8), ([0, 0, 40, 40], 0.7)]
    assert_same_as_peer(*one_image(objects, dets))


# --- segm -------------------------------------------------------------------------------

def _mask(rng, h, w):
    m = np.zeros((h, w), dtype=np.uint8, order="F")
    y, x = (int(v) for v in rng.integers(0, h - 20, 2))
    hh, ww = (int(v) for v in rng.integers(4, 60, 2))
    m[y:y + hh, x:x + ww] = 1
    m[y:y + hh // 2, x:x + ww // 3] = 0
    return m


def _compressed(m):
    rle = mask_utils.encode(np.asfortranarray(m))
    return {"size": rle["size"], "counts": rle["counts"].decode("ascii")}


def _uncompressed(m):
    flat = m.flatten(order="F")
    changes = np.flatnonzero(np.diff(np.r_[0, flat, 1 - flat[-1]]))  # run boundaries
    runs = np.diff(np.r_[0, changes])
    counts = runs.tolist() if flat[0] == 0 else [0] + runs.tolist()
    counts = [c for c in counts]
    assert sum(counts) >= flat.size
    counts[-1] -= sum(counts) - flat.size
    return {"size": list(m.shape), "counts": counts}


def segm_set(rng, *, with_boxes):
    h, w = 120, 150
    images = [{"id": i, "height": h, "width": w} for i in (3, 1, 2, 5)]
    categories = [{"id": 1}, {"id": 4}]
    annotations, results = [], []
    for image in images:
        for j in range(int(rng.integers(1, 4))):
            m = _mask(rng, h, w)
            kind = (len(annotations) + j) % 3
            if kind == 0:
                ys, xs = np.nonzero(m)
                x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
                segmentation = [[float(x0), float(y0), float(x1), float(y0), float(x1),
                                 float(y1), float(x0), float(y1)]]
                crowd = 0
            elif kind == 1:
                segmentation, crowd = _compressed(m), 0
            else:
                segmentation, crowd = _uncompressed(m), int(rng.random() < 0.5)
            annotations.append({
                "id": len(annotations) + 1, "image_id": image["id"],
                "category_id": categories[int(rng.integers(2))]["id"],
                "segmentation": segmentation, "area": float(m.sum()), "iscrowd": crowd,
                "bbox": [0, 0, 1, 1],
            })
            for _ in range(int(rng.integers(1, 3))):
                moved = np.roll(m, tuple(int(v) for v in rng.integers(-4, 5, 2)), axis=(0, 1))
                result = {"image_id": image["id"],
                          "category_id": annotations[-1]["category_id"],
                          "segmentation": _compressed(moved),
                          "score": float(np.round(rng.random(), 1))}
                if with_boxes:
                    ys, xs = np.nonzero(moved)
                    x0, y0 = float(xs.min()), float(ys.min())
                    result["bbox"] = [x0, y0, float(xs.max() + 1 - x0),
                                      float(ys.max() + 1 - y0)]
                    if rng.random() < 0.5:  # polygons are accepted with a box
                        b = result["bbox"]
                        result["segmentation"] = [[b[0], b[1], b[0] + b[2], b[1],
                                                   b[0] + b[2], b[1] + b[3], b[0], b[1] + b[3]]]
                results.append(result)
    return ({"images": images, "annotations": annotations, "categories": categories},
            results)


@pytest.mark.parametrize("with_boxes", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_segm_polygons_and_rle_match_pycocotools(seed, with_boxes):
    reference, results = segm_set(np.random.default_rng(seed), with_boxes=with_boxes)
    result, _ = assert_same_as_peer(reference, results, "segm")
    assert result.iou_type == "segm"


def test_segm_results_with_and_without_boxes_are_refused():
    reference, results = segm_set(np.random.default_rng(9), with_boxes=True)
    del results[1]["bbox"]
    with pytest.raises(InvalidInputError, match="carry a bbox and some do not"):
        coco_detection(reference, results, iou_type="segm")


#: A child run under an address-space limit: pycocotools rasterising a polygon vertex at
#: 1e9 px asks for tens of GB, which under the limit fails (a segmentation fault, seen
#: before the check) instead of exhausting the shared machine. One child for every case
#: of the test below (one import of medeval.metrics and pycocotools, not one a case):
#: each case prints one JSON line, its index and what coco_detection raised.
_FAR_CHILD = """
import json, resource, sys
limit = 1536 * 2**20
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from medeval.errors import MedevalError
from medeval.metrics import coco_detection
square = [2.0, 2.0, 12.0, 2.0, 12.0, 12.0, 2.0, 12.0]
for index, (side, coordinate, value) in enumerate({cases}):
    far = list(square)
    far[coordinate] = value
    reference = {{"images": [{{"id": 7, "height": 20, "width": 30}}],
                 "categories": [{{"id": 1}}],
                 "annotations": [{{"id": 3, "image_id": 7, "category_id": 1, "iscrowd": 0,
                                  "area": 100.0,
                                  "segmentation": [far if side == "reference" else square]}}]}}
    results = [{{"image_id": 7, "category_id": 1, "score": 0.9, "segmentation": [square]}},
               {{"image_id": 7, "category_id": 1, "score": 0.8,
                "segmentation": [far if side == "result" else square]}}]
    try:
        coco_detection(reference, results, iou_type="segm")
    except MedevalError as exc:
        print(json.dumps([index, f"{{type(exc).__name__}} {{exc}}"]), flush=True)
"""

_FAR_CASES = [
    ("result", 2, "1e9", "detection at position 1 (image_id 7): polygon 0, vertex 1 "
                         "(x=1e+09, y=2)"),
    ("reference", 5, "-1e9", "reference annotation at position 0 (id 3, image_id 7): "
                             "polygon 0, vertex 2 (x=12, y=-1e+09)"),
    ("result", 0, "float('nan')", "detection at position 1 (image_id 7): polygon 0, "
                                  "vertex 0 (x=nan, y=2)"),
]


@pytest.fixture(scope="module")
def far_child() -> tuple[dict[int, str], subprocess.CompletedProcess[str]]:
    """What the child said of each case of _FAR_CASES (by index), and the child."""
    cases = "[" + ", ".join(f"({side!r}, {coordinate}, {value})"
                            for side, coordinate, value, _ in _FAR_CASES) + "]"
    done = subprocess.run([sys.executable, "-c", _FAR_CHILD.format(cases=cases)],
                          capture_output=True, text=True, timeout=300)
    said = dict(json.loads(line) for line in done.stdout.splitlines())
    return said, done


@pytest.mark.parametrize(("index", "named"), [
    (index, named) for index, (*_, named) in enumerate(_FAR_CASES)],
    ids=[f"{side}-{coordinate}-{value}" for side, coordinate, value, _ in _FAR_CASES])
def test_a_polygon_far_outside_its_image_is_refused_before_pycocotools(far_child, index,
                                                                        named):
    """The direct call checks polygons as the coco-detection task does (the same
    function, metrics._coco_input.far_vertex): before, a vertex at 1e9 px reached
    pycocotools' frPyObjects, which crashed the child under a 1.5 GB address-space limit
    (and asks for tens of GB without one)."""
    said, done = far_child
    assert done.returncode == 0, done.stderr[-2000:]
    assert said.get(index, "").startswith(
        f"InvalidInputError coco_detection: {named} is not finite or lies more than the "
        "image's size outside it (width 30, height 20 px)"), (said, done.stderr[-2000:])


def test_a_polygon_a_little_outside_its_image_is_clipped_as_pycocotools():
    # a vertex 3 px beyond the left edge and one 5 px below: clipped by pycocotools'
    # rasteriser, scored as COCOeval scores it; the limit is the image's own size out
    square = [2.0, 2.0, 12.0, 2.0, 12.0, 12.0, 2.0, 12.0]
    reference = {"images": [{"id": 7, "height": 20, "width": 30}], "categories": [{"id": 1}],
                 "annotations": [{"id": 3, "image_id": 7, "category_id": 1, "iscrowd": 0,
                                  "area": 100.0, "segmentation": [square]}]}
    # (with boxes: pycocotools' loadRes takes polygon results only so)
    results = [{"image_id": 7, "category_id": 1, "score": 0.9, "bbox": [0, 2, 12, 18],
                "segmentation": [[-3.0, 2.0, 12.0, 2.0, 12.0, 25.0, -3.0, 12.0]]},
               {"image_id": 7, "category_id": 1, "score": 0.8, "bbox": [0, 0, 30, 20],
                "segmentation": [[-30.0, 0.0, 60.0, 0.0, 60.0, 40.0, -30.0, 40.0]]}]
    assert_same_as_peer(reference, results, "segm")


# --- the -1 / NaN mapping ---------------------------------------------------------------

def test_minus_one_becomes_nan_with_a_warning():
    # only small objects: pycocotools prints -1 for AP/AR medium and large
    reference, results = one_image([[0, 0, 10, 10], [50, 50, 20, 20]],
                                   [([0, 0, 10, 10], 0.9), ([50, 50, 20, 21], 0.4)])
    evaluator = peer(reference, results)
    assert list(evaluator.stats[[4, 5, 10, 11]]) == [-1, -1, -1, -1]
    with pytest.warns(UndefinedMetricWarning, match="ap_medium.*pycocotools prints -1"):
        result = coco_detection(reference, results)
    assert all(math.isnan(v) for v in (result.ap_medium, result.ap_large,
                                       result.ar_medium, result.ar_large))
    assert_close(result.stats, nan_for_minus_one(evaluator.stats), "stats")


def test_no_category_with_objects_gives_nan_everywhere():
    reference = {"images": [{"id": 1}], "categories": [{"id": 1}], "annotations": []}
    results = [{"image_id": 1, "category_id": 1, "bbox": [0, 0, 5, 5], "score": 0.5}]
    with pytest.warns(UndefinedMetricWarning):
        result = coco_detection(reference, results)
    assert all(math.isnan(v) for v in result.stats)
    assert np.all(peer(reference, results).stats == -1)


# --- hand-worked ------------------------------------------------------------------------

def test_hand_worked_two_images():
    # image 1: two 40x40 objects (medium), detected exactly at 0.9 and 0.7, a false
    # positive at 0.8; image 2: no object, a false positive at 0.85. Pooled: 0.9 TP
    # (P 1, R 1/2), 0.85 FP, 0.8 FP, 0.7 TP (P 2/4, R 1). Interpolated precision: 1 for
    # recall 0 ... 0.50 (51 points), 1/2 for 0.51 ... 1 (50 points): AP = (51 + 25)/101
    # at every IoU threshold (exact boxes). AR100 = 1; AR1 = 1/2 (image 1's best only).
    reference = {
        "images": [{"id": 1}, {"id": 2}], "categories": [{"id": 1}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 40, 40], "area": 1600,
             "iscrowd": 0},
            {"id": 2, "image_id": 1, "category_id": 1, "bbox": [100, 100, 40, 40],
             "area": 1600, "iscrowd": 0},
        ],
    }
    results = [
        {"image_id": 1, "category_id": 1, "bbox": [0, 0, 40, 40], "score": 0.9},
        {"image_id": 2, "category_id": 1, "bbox": [0, 0, 40, 40], "score": 0.85},
        {"image_id": 1, "category_id": 1, "bbox": [200, 200, 40, 40], "score": 0.8},
        {"image_id": 1, "category_id": 1, "bbox": [100, 100, 40, 40], "score": 0.7},
    ]
    result, _ = assert_same_as_peer(reference, results)
    assert abs(result.ap - 76 / 101) < TOL and abs(result.ap_medium - 76 / 101) < TOL
    assert abs(result.ar100 - 1.0) < TOL and abs(result.ar1 - 0.5) < TOL
    assert math.isnan(result.ap_small) and math.isnan(result.ap_large)
    for annotation in reference["annotations"]:
        del annotation["iscrowd"]  # pycocotools needs it (KeyError); medeval reads 0
    assert ours(reference, results).stats == pytest.approx(result.stats, nan_ok=True, abs=0)


# --- inputs -----------------------------------------------------------------------------

def test_paths_and_dicts_give_the_same(tmp_path):
    reference, detections = random_set(np.random.default_rng(10), n_images=8)
    (tmp_path / "gt.json").write_text(json.dumps(reference))
    (tmp_path / "dt.json").write_text(json.dumps(detections))
    from_files = ours(tmp_path / "gt.json", str(tmp_path / "dt.json"))
    from_dicts = ours(reference, detections)
    assert from_files.stats == pytest.approx(from_dicts.stats, nan_ok=True, abs=0)
    # saved by a Windows tool, with a byte order mark: read (it was 'Unexpected UTF-8 BOM')
    (tmp_path / "gt.json").write_bytes(b"\xef\xbb\xbf" + json.dumps(reference).encode())
    from_bom = ours(tmp_path / "gt.json", str(tmp_path / "dt.json"))
    assert from_bom.stats == pytest.approx(from_dicts.stats, nan_ok=True, abs=0)


def test_inputs_are_not_modified():
    reference, detections = random_set(np.random.default_rng(11), n_images=5)
    before = copy.deepcopy((reference, detections))
    ours(reference, detections)
    assert (reference, detections) == before


@pytest.mark.parametrize(("change", "match"), [
    (lambda g, d: g["annotations"][0].update(id=0), "annotation id 0"),
    (lambda g, d: g["annotations"][1].update(id=g["annotations"][0]["id"]), "not unique"),
    (lambda g, d: g["images"].append(dict(g["images"][0])), "image ids are not unique"),
    (lambda g, d: g["annotations"][0].pop("area"), "'area'"),
    (lambda g, d: g["annotations"][0].update(category_id=777), "category id"),
    (lambda g, d: d[0].update(score=float("nan")), "finite"),
    (lambda g, d: d[0].update(bbox=[0, 0, -1, 3]), "negative"),
    (lambda g, d: d[0].update(bbox=[0, 0, 3]), r"\[x, y, width, height\]"),
    (lambda g, d: d[0].update(image_id="a"), "integers"),
])
def test_bad_inputs_are_refused(change, match):
    reference, detections = random_set(np.random.default_rng(12), n_images=5)
    change(reference, detections)
    with pytest.raises(InvalidInputError, match=match):
        coco_detection(reference, detections)


def test_annotation_id_zero_is_what_pycocotools_gets_wrong():
    # the same data with the object numbered 0 instead of 1: pycocotools scores the exact
    # hit as a false positive (dtMatches 0 = no match); medeval refuses the numbering
    reference, results = one_image([[0, 0, 40, 40]], [([0, 0, 40, 40], 0.9)])
    assert peer(reference, results).stats[0] == pytest.approx(1.0)
    reference["annotations"][0]["id"] = 0
    assert peer(reference, results).stats[0] == 0.0
    with pytest.raises(InvalidInputError, match="number the annotations from 1"):
        coco_detection(reference, results)


def test_unknown_iou_type():
    with pytest.raises(InvalidInputError, match="iou_type"):
        coco_detection({"images": [], "categories": [], "annotations": []}, [],
                       iou_type="keypoints")


def test_record_is_frozen_and_named():
    result = ours(*random_set(np.random.default_rng(13), n_images=5))
    assert isinstance(result, CocoDetection)
    with pytest.raises(AttributeError):
        result.ap = 0.0  # type: ignore[misc]
    assert list(result.definitions) == list(COCO_SUMMARIES)
    assert set(result.definitions.values()) <= set(DEFINITIONS)
    assert result.stats == tuple(getattr(result, n) for n in COCO_SUMMARIES)


# --- resampling and the bootstrap -------------------------------------------------------

@pytest.mark.parametrize("seed", range(4))
def test_resampled_figures_match_pycocotools_on_the_expanded_set(seed):
    rng = np.random.default_rng(100 + seed)
    reference, detections = random_set(rng, n_images=8, rounded_scores=True,
                                       max_detections=6)
    for d in detections[::3]:
        d["score"] = 0.5  # ties inside images too: their copies interleave
    result = ours(reference, detections)
    ids = result.matches.image_ids.tolist()
    weights = rng.integers(0, 4, (5, len(ids)))
    weights[0] = 1
    for name in COCO_SUMMARIES:
        values = coco_ap_resampled(result, weights, summary=name)
        assert values[0] == getattr(result, name) or (
            math.isnan(values[0]) and math.isnan(getattr(result, name)))
        for b in range(1, weights.shape[0]):
            big_reference, big_detections = expanded(reference, detections, ids, weights[b])
            expected = peer(big_reference, big_detections).stats[
                list(COCO_SUMMARIES).index(name)]
            assert_close([values[b]], nan_for_minus_one([expected]), f"{name} resample {b}")


def test_resampled_rejects_bad_weights():
    result = ours(*random_set(np.random.default_rng(14), n_images=4))
    with pytest.raises(InvalidInputError, match="one column per image"):
        coco_ap_resampled(result, np.ones((2, 3)))
    with pytest.raises(InvalidInputError, match="non-negative integers"):
        coco_ap_resampled(result, np.full((1, 4), 0.5))
    with pytest.raises(InvalidInputError, match="summary"):
        coco_ap_resampled(result, np.ones(4), summary="map")


def test_bootstrap_by_patient_is_pycocotools_on_the_same_resamples():
    # the interval of coco_ap_ci is the percentile interval of pycocotools' AP on the
    # resampled data sets that bootstrap_ci draws: patients drawn with replacement,
    # rng.integers(0, n_patients, (B, n_patients)) with the same generator
    rng = np.random.default_rng(15)
    reference, detections = random_set(rng, n_images=10, n_categories=2, max_objects=3,
                                       max_detections=4, rounded_scores=True)
    for image in reference["images"]:  # every image holds an object: no empty resample
        reference["annotations"].append({
            "id": len(reference["annotations"]) + 1, "image_id": image["id"],
            "category_id": 2, "bbox": [200, 200, 30, 30], "area": 900.0, "iscrowd": 0})
    result = ours(reference, detections)
    ids = result.matches.image_ids.tolist()
    patient = {image_id: f"p{(i * 7) % 4}" for i, image_id in enumerate(ids)}
    n_resamples, seed = 100, 2024
    estimate = coco_ap_ci(result, seed=seed, clusters=patient, n_resamples=n_resamples)
    assert estimate.value == result.ap  # exactly: the same arithmetic
    assert estimate.n == len(ids) and estimate.method == "bootstrap-percentile"

    patients, unit_of = np.unique([patient[i] for i in ids], return_inverse=True)
    draws = np.random.default_rng(seed).integers(0, patients.size,
                                                 (n_resamples, patients.size))
    values = []
    for row in draws:
        weights = np.bincount(row, minlength=patients.size)[unit_of]
        big_reference, big_detections = expanded(reference, detections, ids, weights)
        values.append(peer(big_reference, big_detections).stats[0])
    low, high = np.quantile(values, [0.025, 0.975], method="linear")
    assert abs(estimate.low - low) <= TOL and abs(estimate.high - high) <= TOL


def test_bootstrap_clusters_as_an_array_and_errors():
    result = ours(*random_set(np.random.default_rng(16), n_images=6))
    by_array = coco_ap_ci(result, seed=3, clusters=np.arange(6) // 2, n_resamples=200,
                          summary="ap50")
    assert by_array.low <= by_array.value <= by_array.high
    assert by_array.value == result.ap50
    with pytest.raises(InvalidInputError, match="no patient"):
        coco_ap_ci(result, seed=3, clusters={result.matches.image_ids[0]: "a"})
    bca = coco_ap_ci(result, seed=3, method="bca", n_resamples=200)
    assert bca.method == "bootstrap-bca" and bca.value == result.ap
    assert bca.low <= bca.high
    # the reference dataset in place of the result (found in the api pass: a bare
    # AttributeError, "'dict' object has no attribute 'matches'")
    reference, _ = random_set(np.random.default_rng(16), n_images=6)
    with pytest.raises(InvalidInputError, match="result must be the CocoDetection .* got dict"):
        coco_ap_ci(reference, seed=3)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="coco_ap_resampled: result must be"):
        coco_ap_resampled(reference, np.ones(6))  # type: ignore[arg-type]


@pytest.mark.parametrize("first", ["medeval.stats", "medeval.metrics", "medeval.stats.bootstrap"])
def test_imports_in_any_order(first):
    # stats.bootstrap imports metrics modules: metrics.coco must not import it at load
    code = f"import {first}; import medeval.metrics.coco, medeval.stats; print('ok')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr
