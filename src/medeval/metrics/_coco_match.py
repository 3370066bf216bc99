"""COCO matching, vectorised: IoU of boxes or masks, then COCOeval's greedy assignment.

Private to :mod:`medeval.metrics.coco`. The rules are those of pycocotools'
``COCOeval.computeIoU`` and ``evaluateImg``, for every image and category at once:

- per image and category, detections in decreasing score (a stable sort: ties keep the
  results' order), the first 100 only;
- box IoU as pycocotools' C ``bbIou`` (same operations in the same order, so the same
  doubles): ``w = min(x_d + w_d, x_g + w_g) - max(x_d, x_g)``, likewise ``h``; 0 unless
  both are positive; ``i / (a_d + a_g - i)``, or ``i / a_d`` for a crowd region;
  mask IoU from ``pycocotools.mask.iou`` on RLEs;
- at each IoU threshold ``t`` and area range, each detection in turn takes, among the
  reference objects it reaches with IoU >= t that are still free (a crowd region is
  always free), a counted object before an ignored one (crowd, or outside the area
  range), then the highest IoU, then the later object in the reference's order;
- a detection matched to an ignored object, or unmatched with its area outside the
  range, is ignored; else it is a true positive when matched, a false positive when not.

The greedy pass runs detection rank by rank (at most 100 steps), each step over every
image, category, threshold and area range at once.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._coco_input import CocoInput

#: COCOeval's IoU thresholds 0.50:0.05:0.95 (``np.linspace``, as pycocotools builds them).
IOU_THRESHOLDS = np.linspace(0.5, 0.95, int(np.round((0.95 - 0.5) / 0.05)) + 1, endpoint=True)
#: COCOeval's 101 recall thresholds 0:0.01:1.
RECALL_THRESHOLDS = np.linspace(0.0, 1.00, int(np.round((1.00 - 0.0) / 0.01)) + 1,
                                endpoint=True)
#: Area ranges all, small, medium, large, in pixels (both ends inclusive).
AREA_RANGES = ((0.0, 1e5**2), (0.0, 32.0**2), (32.0**2, 96.0**2), (96.0**2, 1e5**2))
AREA_LABELS = ("all", "small", "medium", "large")
#: Detections per image (and category) kept: 1, 10, 100.
MAX_DETECTIONS = (1, 10, 100)


def rank_detections(data: CocoInput) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """The detections kept (the 100 best of each image and category) and their ranks.

    Returns the kept rows of ``data.dt_*`` sorted by (image, category, -score, input
    order), and each one's rank within its image and category.
    """
    n_cat = data.category_ids.size
    group = data.dt_image.astype(np.int64) * n_cat + data.dt_category
    order = np.lexsort((np.arange(group.size), -data.dt_score, group))
    sorted_group = group[order]
    first = np.ones(order.size, dtype=bool)
    first[1:] = sorted_group[1:] != sorted_group[:-1]
    starts = np.flatnonzero(first)
    rank = np.arange(order.size) - np.repeat(starts, np.diff(np.append(starts, order.size)))
    keep = rank < MAX_DETECTIONS[-1]
    return order[keep].astype(np.intp), rank[keep].astype(np.intp)


def candidate_pairs(
    data: CocoInput, dets: NDArray[np.intp], iou_type: str
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float64]]:
    """(position in ``dets``, reference row, IoU) of the pairs of one image and category
    whose IoU reaches the lowest threshold; pairs in (detection, reference) order."""
    n_cat = data.category_ids.size
    d_group = data.dt_image[dets].astype(np.int64) * n_cat + data.dt_category[dets]
    g_group = data.gt_image.astype(np.int64) * n_cat + data.gt_category
    g_order = np.argsort(g_group, kind="stable")
    g_sorted = g_group[g_order]
    lo = np.searchsorted(g_sorted, d_group, side="left")
    hi = np.searchsorted(g_sorted, d_group, side="right")
    counts = hi - lo
    total = int(counts.sum())
    pair_det = np.repeat(np.arange(dets.size), counts)
    offsets = np.repeat(np.cumsum(counts) - counts, counts)
    pair_gt = g_order[np.repeat(lo, counts) + np.arange(total) - offsets]
    if iou_type == "bbox":
        iou = _box_iou(data.dt_box[dets[pair_det]], data.gt_box[pair_gt],
                       data.gt_crowd[pair_gt])
    else:
        iou = _mask_iou(data, dets, d_group, counts, lo, g_order)
    keep = iou >= min(IOU_THRESHOLDS[0], 1 - 1e-10)
    return pair_det[keep].astype(np.intp), pair_gt[keep].astype(np.intp), iou[keep]


def _box_iou(d: NDArray[np.float64], g: NDArray[np.float64], crowd: NDArray[np.bool_]
             ) -> NDArray[np.float64]:
    """pycocotools' ``bbIou`` on pairs of rows ``[x, y, w, h]``."""
    w = np.fmin(d[:, 2] + d[:, 0], g[:, 2] + g[:, 0]) - np.fmax(d[:, 0], g[:, 0])
    h = np.fmin(d[:, 3] + d[:, 1], g[:, 3] + g[:, 1]) - np.fmax(d[:, 1], g[:, 1])
    inter = w * h
    d_area = d[:, 2] * d[:, 3]
    union = np.where(crowd, d_area, d_area + g[:, 2] * g[:, 3] - inter)
    overlap = (w > 0) & (h > 0)
    iou = np.zeros(w.size)
    np.divide(inter, union, out=iou, where=overlap)
    return iou


def _mask_iou(data: CocoInput, dets: NDArray[np.intp], d_group: NDArray[np.int64],
              counts: NDArray[np.intp], lo: NDArray[np.intp], g_order: NDArray[np.intp]
              ) -> NDArray[np.float64]:
    """``pycocotools.mask.iou`` per image and category, in the pairs' order.

    The detections of one image and category are consecutive in ``dets`` and each is
    paired with the same reference rows, so their pairs form one (D, G) block, row-major.
    """
    from pycocotools import mask as mask_utils

    assert data.dt_rle is not None and data.gt_rle is not None
    iou = np.zeros(int(counts.sum()))
    offsets = np.cumsum(counts) - counts
    with_gt = np.flatnonzero(counts > 0)
    if with_gt.size == 0:
        return iou
    groups = d_group[with_gt]
    bounds = np.append(np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]]), with_gt.size)
    for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        members = with_gt[a:b]
        first = int(members[0])
        gts = g_order[lo[first]:lo[first] + counts[first]]
        d_rles: list[Any] = [data.dt_rle[int(r)] for r in dets[members]]
        g_rles: list[Any] = [data.gt_rle[int(r)] for r in gts]
        crowd = [int(c) for c in data.gt_crowd[gts]]
        block = np.asarray(mask_utils.iou(d_rles, g_rles, crowd), dtype=np.float64)
        iou[offsets[first]:offsets[first] + block.size] = block.reshape(-1)
    return iou


def greedy_match(
    data: CocoInput,
    dets: NDArray[np.intp],
    rank: NDArray[np.intp],
    pairs: tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float64]],
) -> tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.bool_]]:
    """True positives, false positives (both (T, A, n_dets)) and the reference objects
    each area range counts ((A, n_gt)), by COCOeval's greedy rule."""
    pair_det, pair_gt, pair_iou = pairs
    n_t, n_a = IOU_THRESHOLDS.size, len(AREA_RANGES)
    lo = np.array([r[0] for r in AREA_RANGES])[:, None]
    hi = np.array([r[1] for r in AREA_RANGES])[:, None]
    gt_ignored = data.gt_crowd[None, :] | (data.gt_area[None, :] < lo) | (data.gt_area > hi)
    dt_area = data.dt_area[dets]
    dt_outside = (dt_area[None, :] < lo) | (dt_area[None, :] > hi)
    chosen = _assign(data.gt_crowd, gt_ignored, rank, pair_det, pair_gt, pair_iou,
                     dets.size)
    matched = chosen >= 0
    ignored_match = matched & np.take_along_axis(
        np.broadcast_to(gt_ignored[None], (n_t, n_a, gt_ignored.shape[1])),
        np.maximum(chosen, 0), axis=2,
    ) if gt_ignored.shape[1] else np.zeros_like(matched)
    tp = matched & ~ignored_match
    fp = ~matched & ~dt_outside[None, :, :]
    return tp, fp, ~gt_ignored


def _assign(
    crowd: NDArray[np.bool_],
    gt_ignored: NDArray[np.bool_],
    rank: NDArray[np.intp],
    pair_det: NDArray[np.intp],
    pair_gt: NDArray[np.intp],
    pair_iou: NDArray[np.float64],
    n_det: int,
) -> NDArray[np.intp]:
    """The reference row each detection takes, per (threshold, area range); -1 for none."""
    n_t, n_a = IOU_THRESHOLDS.size, len(AREA_RANGES)
    chosen = np.full((n_t, n_a, n_det), -1, dtype=np.intp)
    if pair_det.size == 0:
        return chosen
    thresholds = np.minimum(IOU_THRESHOLDS, 1 - 1e-10)
    # priority of a pair among its detection's pairs, per area range: a counted object
    # first, then the higher IoU, then the later object (pycocotools' ">=" keeps the last)
    priority = np.empty((n_a, pair_det.size), dtype=np.int64)
    pair_of = np.empty((n_a, pair_det.size), dtype=np.intp)
    for a in range(n_a):
        order = np.lexsort((pair_gt, pair_iou, ~gt_ignored[a, pair_gt]))
        priority[a, order] = np.arange(order.size)
        pair_of[a] = order
    step_order = np.lexsort((pair_det, rank[pair_det]))
    step_rank = rank[pair_det[step_order]]
    cuts = np.flatnonzero(np.diff(step_rank)) + 1
    taken = np.zeros((n_t, n_a, gt_ignored.shape[1]), dtype=bool)
    for members in np.split(step_order, cuts):
        det, gt = pair_det[members], pair_gt[members]
        free = crowd[gt][None, None, :] | ~taken[:, :, gt]
        able = (pair_iou[members][None, :] >= thresholds[:, None])[:, None, :] & free
        score = np.where(able, priority[:, members][None], -1)
        starts = np.flatnonzero(np.r_[True, det[1:] != det[:-1]])
        best = np.maximum.reduceat(score, starts, axis=2)
        t_i, a_i, s_i = np.nonzero(best >= 0)
        pick = pair_of[a_i, best[t_i, a_i, s_i]]
        chosen[t_i, a_i, det[starts[s_i]]] = pair_gt[pick]
        taken[t_i, a_i, pair_gt[pick]] = True
    return chosen
