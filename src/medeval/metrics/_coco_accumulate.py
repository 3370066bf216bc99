"""COCO accumulation under image weights: 101-point interpolated precision, recall.

Private to :mod:`medeval.metrics.coco`. ``COCOeval.accumulate`` pools, per category, area
range and detection limit, the detections of every image in decreasing score (a stable
sort of the images' lists taken in increasing image id), and at each IoU threshold

.. math::
    p_j = \\frac{TP_j}{TP_j + FP_j + \\varepsilon},\\quad r_j = \\frac{TP_j}{N},\\quad
    q(\\rho) = \\max\\{\\, p_j : r_j \\ge \\rho \\,\\}\\ (0\\ \\text{if none}),

:math:`\\varepsilon` = ``np.spacing(1)``, :math:`N` the counted reference objects, at
:math:`\\rho = 0, 0.01, \\ldots, 1`; recall is :math:`r` at the last detection (0
without any), and both are undefined when :math:`N = 0`.

Here the same is computed for ``b`` weightings of the images at once: an image of
integer weight ``w`` stands for ``w`` copies of itself placed together at its place in
the image order (weight 1 everywhere is the data itself). Copies of one detection that
follow each other form a run whose inner points never change :math:`q` (along a run of
true positives the precision grows, along false positives the recall stays), so a
detection is one column carrying its image's weight in the cumulative sums. Only
detections of one image sharing one score break that (their copies interleave: the
image's tied detections, then the same again), so such a block is laid out copy by copy
with 0/1 weights.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from ._coco_match import IOU_THRESHOLDS, RECALL_THRESHOLDS

_EPS = float(np.spacing(1))
#: Largest number of (resample, series, column) cells held at once.
_MAX_CELLS = 4_000_000


def curves(
    det_category: NDArray[np.intp],
    det_image: NDArray[np.intp],
    det_score: NDArray[np.float64],
    det_rank: NDArray[np.intp],
    true_positive: NDArray[np.bool_],
    false_positive: NDArray[np.bool_],
    counted: NDArray[np.float64],
    weights: NDArray[np.float64],
    *,
    thresholds: Sequence[int],
    areas: Sequence[int],
    max_dets: Sequence[int],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Precision (b, T', R, K, A', M') and recall (b, T', K, A', M'), NaN where undefined.

    Detections sorted by (category, -score, image, rank); ``true_positive`` and
    ``false_positive`` (T, A, n); ``counted`` (n_images, K, A) the counted reference
    objects; ``weights`` (b, n_images); the selections index the IoU thresholds, area
    ranges and detection limits.
    """
    b = weights.shape[0]
    n_cat = counted.shape[1]
    t_sel, a_sel = np.asarray(thresholds), np.asarray(areas)
    n_t, n_a, n_m = t_sel.size, a_sel.size, len(max_dets)
    n_r = RECALL_THRESHOLDS.size
    precision = np.full((b, n_t, n_r, n_cat, n_a, n_m), np.nan)
    recall = np.full((b, n_t, n_cat, n_a, n_m), np.nan)
    bounds = np.searchsorted(det_category, np.arange(n_cat + 1))
    for k in range(n_cat):
        npig = weights @ counted[:, k, a_sel]  # (b, A')
        if not (npig > 0).any():
            continue
        seg = slice(int(bounds[k]), int(bounds[k + 1]))
        for m, limit in enumerate(max_dets):
            cols = np.flatnonzero(det_rank[seg] < limit) + int(bounds[k])
            tp = true_positive[np.ix_(t_sel, a_sel, cols)].reshape(n_t * n_a, cols.size)
            fp = false_positive[np.ix_(t_sel, a_sel, cols)].reshape(n_t * n_a, cols.size)
            series_npig = np.broadcast_to(npig[:, None, :], (b, n_t, n_a)).reshape(b, -1)
            q, rec = _series(tp, fp, det_image[cols], det_score[cols], weights, series_npig)
            precision[:, :, :, k, :, m] = q.reshape(b, n_t, n_a, n_r).transpose(0, 1, 3, 2)
            recall[:, :, k, :, m] = rec.reshape(b, n_t, n_a)
    return precision, recall


def _series(
    tp: NDArray[np.bool_],
    fp: NDArray[np.bool_],
    image: NDArray[np.intp],
    score: NDArray[np.float64],
    weights: NDArray[np.float64],
    npig: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Interpolated precision (b, S, R) and recall (b, S) of S series of one category."""
    b, n_s = npig.shape
    q = np.full((b, n_s, RECALL_THRESHOLDS.size), np.nan)
    rec = np.full((b, n_s), np.nan)
    per_chunk = max(1, _MAX_CELLS // (4 * max(1, image.size)))
    for lo in range(0, b, per_chunk):
        hi = min(b, lo + per_chunk)
        det, col_w = _columns(image, score, weights[lo:hi])
        q[lo:hi], rec[lo:hi] = _chunk(tp[:, det], fp[:, det], col_w, npig[lo:hi])
    return q, rec


def _columns(
    image: NDArray[np.intp], score: NDArray[np.float64], weights: NDArray[np.float64]
) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """The columns (detection, weight per resample): one per detection, except that a
    block of one image's detections sharing a score is laid out copy by copy."""
    n = image.size
    top = int(weights.max()) if weights.size else 0
    if n == 0:
        return np.zeros(0, dtype=np.intp), np.zeros((weights.shape[0], 0))
    new = np.ones(n, dtype=bool)
    new[1:] = (score[1:] != score[:-1]) | (image[1:] != image[:-1])
    starts = np.flatnonzero(new)
    lengths = np.diff(np.append(starts, n))
    if top <= 1 or (lengths == 1).all():
        return np.arange(n, dtype=np.intp), weights[:, image]
    copies = np.where(lengths > 1, top, 1)
    width = lengths * copies
    block = np.repeat(np.arange(starts.size), width)
    pos = np.arange(int(width.sum())) - np.repeat(np.cumsum(width) - width, width)
    length = lengths[block]
    det = (starts[block] + pos % length).astype(np.intp)
    copy = pos // length
    w = weights[:, image[det]]
    col_w = np.where(length > 1, (w > copy).astype(np.float64), w)
    return det, col_w


def _chunk(
    tp: NDArray[np.bool_],
    fp: NDArray[np.bool_],
    col_w: NDArray[np.float64],
    npig: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Interpolated precision and recall of S series on b weightings of the columns.

    Only the points right after a true positive are needed: any other point has the
    true-positive count of the last such point before it (or 0) and no fewer false
    positives, so its precision is no higher at the same recall. So per series the
    cumulative sums run over its true positives only, and the false positives before
    each come from the running total of all weights minus the ignored and the true.
    """
    b, n_s = npig.shape
    n_r = RECALL_THRESHOLDS.size
    defined = npig > 0
    q = np.zeros((b, n_s, n_r))
    rec = np.zeros((b, n_s))
    if tp.shape[1]:
        total = np.cumsum(col_w, axis=1)
        level = _levels(np.where(defined, npig, 1.0))
        for s in range(n_s):
            hits = np.flatnonzero(tp[s])
            if hits.size == 0:
                continue
            tp_sum = np.cumsum(col_w[:, hits], axis=1)
            fp_sum = total[:, hits] - tp_sum
            ignored = np.flatnonzero(~tp[s] & ~fp[s])
            if ignored.size:
                before = np.searchsorted(ignored, hits, side="right") - 1
                ig_sum = np.cumsum(col_w[:, ignored], axis=1)
                fp_sum -= np.where(before >= 0, ig_sum[:, np.maximum(before, 0)], 0.0)
            q[:, s], rec[:, s] = _interpolate(tp_sum, fp_sum, level[:, s], npig[:, s])
    q = np.where(defined[:, :, None], q, np.nan)
    rec = np.where(defined, rec, np.nan)
    return q, rec


def _interpolate(
    tp_sum: NDArray[np.float64], fp_sum: NDArray[np.float64], level: NDArray[np.float64],
    npig: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """q at each recall threshold, and the final recall, of b rows of points."""
    b, n = tp_sum.shape
    pr = tp_sum / (fp_sum + tp_sum + _EPS)
    envelope = np.maximum.accumulate(pr[:, ::-1], axis=1)[:, ::-1]
    big = float(tp_sum[:, -1].max()) + 1.0
    offset = np.arange(b, dtype=np.float64)[:, None] * big
    found = np.searchsorted((tp_sum + offset).ravel(), (level + offset).ravel(), side="left")
    pos = found.reshape(level.shape) - np.arange(b)[:, None] * n
    q = np.where(pos < n, np.take_along_axis(envelope, np.minimum(pos, n - 1), axis=1), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        rec = tp_sum[:, -1] / npig
    return q, rec


def _levels(npig: NDArray[np.float64]) -> NDArray[np.float64]:
    """Per recall threshold, the least count ``k`` with ``k / npig >= threshold`` as
    doubles compare (pycocotools' ``searchsorted(tp / npig, recThrs, "left")``)."""
    n = npig[..., None]
    r = RECALL_THRESHOLDS
    k = np.clip(np.ceil(r * n), 0, n)
    for _ in range(2):
        lower = np.maximum(k - 1, 0)
        k = np.where((k > 0) & (lower / n >= r), lower, k)
    for _ in range(2):
        k = np.where(k / n < r, k + 1, k)
    return k


def mean_defined(
    precision: NDArray[np.float64], recall: NDArray[np.float64], *, use_precision: bool,
    threshold: int | None,
) -> NDArray[np.float64]:
    """``COCOeval.summarize``'s mean over the defined entries, per resample (NaN if none).

    ``precision`` (b, T', R, K) or ``recall`` (b, T', K) of one area range and detection
    limit; ``threshold`` picks one IoU threshold's index.
    """
    values = precision if use_precision else recall
    if threshold is not None:
        values = values[:, threshold:threshold + 1]
    flat = np.ascontiguousarray(values).reshape(values.shape[0], -1)
    defined = ~np.isnan(flat)
    total = np.where(defined, flat, 0.0).sum(axis=1)
    count = defined.sum(axis=1)
    out = np.full(flat.shape[0], np.nan)
    np.divide(total, count, out=out, where=count > 0)
    return out


def threshold_index(value: float) -> int:
    """The index of an IoU threshold, found as ``summarize`` finds it (``==``)."""
    return int(np.where(value == IOU_THRESHOLDS)[0][0])
