"""COCO detection AP: medeval ``coco_detection`` against pycocotools' ``COCOeval``.

One synthetic set, the same for both: 20,000 images (default) with 0 to 4 objects each
in 3 categories (a few crowd regions, sizes from small to large), and 10 detections per
image (boxes near an object, or anywhere; scores uniform), ``"bbox"``. Timed in one
process, one after the other, each from the same Python dicts to its twelve figures:

- pycocotools: ``COCO`` index + ``loadRes`` + ``evaluate()`` + ``accumulate()`` +
  ``summarize()``, its printing sent to a null stream;
- medeval: ``coco_detection(reference, detections)``.

Checks that the twelve figures agree to 1e-12 (pycocotools' -1 read as NaN), then prints
both times and the ratio. With ``--bootstrap B``, also times ``coco_ap_ci`` (B resamples
of patients of 4 images each; pycocotools has no resampling to compare with: B of its
runs would take about B times its time above).

    python benchmarks/bench_coco.py [--images 20000] [--detections 10] [--seed 0]
                                    [--bootstrap 0]
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import io
import math
import time
import warnings
from typing import Any

import numpy as np
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from medeval.metrics import coco_ap_ci, coco_detection  # imported before any clock starts


def make_set(n_images: int, n_detections: int, seed: int) -> tuple[dict[str, Any], list[Any]]:
    """A COCO ground truth and results list (plain Python numbers, as from JSON)."""
    rng = np.random.default_rng(seed)
    categories = [{"id": c} for c in (1, 2, 3)]
    images = [{"id": i, "height": 512, "width": 512} for i in range(1, n_images + 1)]
    annotations: list[dict[str, Any]] = []
    detections: list[dict[str, Any]] = []
    for image in images:
        objects = []
        for _ in range(int(rng.integers(0, 5))):
            w, h = (float(v) for v in rng.uniform(4, 200, 2))
            x, y = (float(v) for v in rng.uniform(0, 300, 2))
            box = [x, y, w, h]
            objects.append((box, int(rng.integers(1, 4))))
            annotations.append({
                "id": len(annotations) + 1, "image_id": image["id"],
                "category_id": objects[-1][1], "bbox": box, "area": w * h,
                "iscrowd": int(rng.random() < 0.02),
            })
        for _ in range(n_detections):
            if objects and rng.random() < 0.5:
                box, category = objects[int(rng.integers(len(objects)))]
                jitter = rng.normal(0, 0.08, 4) * np.array([box[2], box[3], box[2], box[3]])
                det = [float(box[0] + jitter[0]), float(box[1] + jitter[1]),
                       float(abs(box[2] + jitter[2]) + 1), float(abs(box[3] + jitter[3]) + 1)]
            else:
                w, h = (float(v) for v in rng.uniform(4, 200, 2))
                x, y = (float(v) for v in rng.uniform(0, 300, 2))
                det, category = [x, y, w, h], int(rng.integers(1, 4))
            detections.append({"image_id": image["id"], "category_id": category,
                               "bbox": det, "score": float(rng.random())})
    return ({"images": images, "annotations": annotations, "categories": categories},
            detections)


def run_pycocotools(reference: dict[str, Any], detections: list[Any]) -> np.ndarray:
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO()
        gt.dataset = reference
        gt.createIndex()
        dt = gt.loadRes(detections)
        evaluator = COCOeval(gt, dt, "bbox")
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    return np.where(evaluator.stats == -1, np.nan, evaluator.stats)


def run_medeval(reference: dict[str, Any], detections: list[Any]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return coco_detection(reference, detections)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=20_000)
    parser.add_argument("--detections", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--bootstrap", type=int, default=0, metavar="B")
    args = parser.parse_args()
    reference, detections = make_set(args.images, args.detections, args.seed)
    print(f"{args.images} images, {len(reference['annotations'])} objects, "
          f"{len(detections)} detections (bbox)")
    # pycocotools writes into the dicts it is given (ids, areas, masks): give it copies,
    # made before the clock starts
    peer_reference, peer_detections = copy.deepcopy(reference), copy.deepcopy(detections)
    start = time.perf_counter()
    peer = run_pycocotools(peer_reference, peer_detections)
    peer_s = time.perf_counter() - start
    start = time.perf_counter()
    result = run_medeval(reference, detections)
    ours_s = time.perf_counter() - start
    ours = np.array(result.stats)
    same = all((math.isnan(a) and math.isnan(b)) or abs(a - b) <= 1e-12
               for a, b in zip(peer, ours))
    names = ("ap", "ap50", "ap75", "ap_small", "ap_medium", "ap_large", "ar1", "ar10",
             "ar100", "ar_small", "ar_medium", "ar_large")
    for name, a, b in zip(names, peer, ours):
        print(f"  {name:<10} pycocotools {a:.15f}  medeval {b:.15f}")
    print(f"figures equal to 1e-12: {same}")
    print(f"pycocotools COCOeval: {peer_s:8.2f} s")
    print(f"medeval coco_detection: {ours_s:6.2f} s")
    print(f"ratio (pycocotools / medeval): {peer_s / ours_s:.1f}x")
    if not same:
        raise SystemExit("the figures differ")
    if args.bootstrap:
        start = time.perf_counter()
        estimate = coco_ap_ci(result, seed=args.seed, n_resamples=args.bootstrap,
                              clusters=np.arange(args.images) // 4)
        print(f"medeval coco_ap_ci, {args.bootstrap} resamples of {args.images // 4} "
              f"patients: {time.perf_counter() - start:.2f} s; AP {estimate.value:.4f} "
              f"[{estimate.low:.4f}, {estimate.high:.4f}]")


if __name__ == "__main__":
    main()
