"""Which (reference lesion, detection) pairs are eligible to match, under the criteria of
:func:`medeval.metrics.detection.match_detections` (boxes' IoU, points' distance in
millimetres, a point inside a labelled lesion), with the checks of the boxes, points and
labelled masks they are given.

A leaf module, private: :mod:`medeval.metrics.detection` matches with it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import ndimage

from .._validation import as_array
from ..errors import InvalidInputError
from ._masks import spacing_of


def _eligibility(
    reference: ArrayLike,
    detections: ArrayLike,
    n_det: int,
    criterion: str,
    iou_threshold: float | None,
    max_distance_mm: float | None,
    spacing_mm: float | tuple[float, ...] | None,
    func: str,
) -> NDArray[np.bool_]:
    """The (lesion, detection) matrix of eligible pairs."""
    det = as_array(detections, name="detections", func=func, dtype=np.float64)
    if det.size == 0:
        det = det.reshape(0, det.shape[-1] if det.ndim == 2 else 0)
    if det.ndim != 2 or det.shape[0] != n_det:
        raise InvalidInputError(
            f"{func}: detections must be one row per score ({n_det}), got shape {det.shape}"
        )
    if not np.all(np.isfinite(det)):
        raise InvalidInputError(f"{func}: detection coordinates must be finite")
    if criterion == "inside":
        mask = as_array(reference, name="reference", func=func)
        if mask.dtype.kind not in "biu" or (mask.size and mask.min() < 0):
            raise InvalidInputError(
                f"{func}: with criterion 'inside' the reference is a labelled mask of "
                "non-negative integers"
            )
        n_ref = _lesion_count(mask, func)
        index = _voxels(det, _points(det, mask.ndim, func), mask.ndim)
        outside = np.any((index < 0) | (index >= np.array(mask.shape)), axis=1)
        if outside.any():
            raise InvalidInputError(
                f"{func}: detection(s) {np.flatnonzero(outside).tolist()} lie outside the "
                f"mask of shape {mask.shape} (the first, {det[outside][0].tolist()}, falls "
                f"in voxel {index[outside][0].tolist()})"
            )
        labels = mask[tuple(index.T)] if n_det else np.zeros(0, dtype=np.intp)
        inside: NDArray[np.bool_] = np.arange(1, n_ref + 1)[:, None] == labels[None, :]
        return inside
    # the criterion's parameter is checked first, so that a lesion-free case refuses a
    # missing one as a case with lesions does
    if criterion == "iou" and not 0.0 < _number(iou_threshold) <= 1.0:
        raise InvalidInputError(
            f"{func}: criterion 'iou' needs iou_threshold in (0, 1], got {iou_threshold!r}"
        )
    if criterion == "distance" and not _number(max_distance_mm) >= 0:
        raise InvalidInputError(
            f"{func}: criterion 'distance' needs max_distance_mm >= 0, got {max_distance_mm!r}"
        )
    ref = as_array(reference, name="reference", func=func, dtype=np.float64)
    if ref.size == 0:
        # a lesion-free case: its detections are false positives, checked as on a case
        # with lesions (a box with hi <= lo, a row of 5 numbers is refused on either)
        if n_det:
            _check_lesion_free(det, ref, criterion, func)
        return np.zeros((0, n_det), dtype=bool)
    if ref.ndim != 2 or not np.all(np.isfinite(ref)):
        raise InvalidInputError(f"{func}: reference must be finite rows, got shape {ref.shape}")
    if criterion == "iou":
        if n_det and det.shape[1] != ref.shape[1]:
            raise InvalidInputError(
                f"{func}: reference boxes have {ref.shape[1]} columns, detections "
                f"{det.shape[1]}"
            )
        _check_boxes(ref, "reference", func)
        if not n_det:  # no detection: [] arrives as shape (0, 0), which has no box width
            return np.zeros((ref.shape[0], 0), dtype=bool)
        _check_boxes(det, "detections", func)
        return _box_iou(ref, det) >= _number(iou_threshold)
    ref_points = _points(ref, None, func)
    dim = ref_points.shape[1]
    spacing = np.asarray(spacing_of(spacing_mm, dim, func=func)) if dim in (2, 3) else None
    if spacing is None:
        raise InvalidInputError(f"{func}: points must be 2D or 3D, got {dim} coordinates")
    det_points = _points(det, dim, func) if n_det else np.zeros((0, dim))
    squared = np.zeros((ref_points.shape[0], n_det))
    for axis in range(dim):
        squared += ((ref_points[:, None, axis] - det_points[None, :, axis]) * spacing[axis]) ** 2
    result: NDArray[np.bool_] = np.sqrt(squared) <= _number(max_distance_mm)
    return result


def _check_lesion_free(det: NDArray[np.float64], ref: NDArray[np.float64], criterion: str,
                       func: str) -> None:
    """Refuse on a lesion-free case the detections a case with lesions refuses: a box
    with hi <= lo, a row that is neither a 2D/3D point nor a box, and, where the empty
    reference has its columns (``np.zeros((0, 4))``), a row of other dimensions."""
    columns = ref.shape[1] if ref.ndim == 2 and ref.shape[1] else None
    if criterion == "iou":
        if columns is not None and det.shape[1] != columns:
            raise InvalidInputError(
                f"{func}: reference boxes have {columns} columns, detections {det.shape[1]}")
        _check_boxes(det, "detections", func)
        return
    dim = None if columns is None else _points(ref, None, func).shape[1]
    if _points(det, dim, func).shape[1] not in (2, 3):
        raise InvalidInputError(f"{func}: points must be 2D or 3D, got {det.shape[1]} "
                                "coordinates per row")


def _number(value: Any) -> float:
    """``value`` as a float, NaN for what is not a number (None, text): the caller's
    range check then refuses it with its own message."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, float, np.integer, np.floating)):
        return math.nan
    return float(value)


def _lesion_count(mask: NDArray[Any], func: str) -> int:
    """The number of lesions K of a labelled mask whose labels are exactly 1 to K.

    Lesion ``k`` is the voxels of label ``k``, and K is the highest label, so a label
    with no voxel would be a lesion no detection can hit: a mask read from an image
    stored as 0/255 would hold 255 lesions, labels 1 and 3 three. Such masks are refused,
    as is a boolean mask of several separate regions (one label, so one lesion, where
    several were most likely meant); ``scipy.ndimage.label`` numbers regions 1 to K.
    """
    if not mask.size:
        return 0
    n_ref = int(mask.max())
    if n_ref > mask.size:  # more labels than voxels: some label has none
        present = np.unique(mask)
        present = present[present > 0]
    else:  # one pass, no sort
        present = np.flatnonzero(np.bincount(mask.ravel(), minlength=n_ref + 1)[1:]) + 1
    if present.size != n_ref:
        missing = np.setdiff1d(np.arange(1, min(n_ref, 10 + present.size) + 1), present)
        shown = ", ".join(map(str, missing[:10].tolist())) + (
            " ..." if n_ref - present.size > 10 else "")
        raise InvalidInputError(
            f"{func}: with criterion 'inside' the reference's labels must be 1 to K, one per "
            f"lesion; it holds {present.size} label(s) up to {n_ref}, without {shown}, so "
            f"{n_ref - present.size} lesion(s) would have no voxel; number the lesions 1 "
            "to K (e.g. scipy.ndimage.label(mask > 0)[0])"
        )
    if mask.dtype == np.bool_ and n_ref:
        regions = int(ndimage.label(mask, structure=np.ones((3,) * mask.ndim))[1])
        if regions > 1:
            raise InvalidInputError(
                f"{func}: with criterion 'inside' a boolean reference is one lesion (label "
                f"True), but it holds {regions} separate regions; pass "
                "scipy.ndimage.label(mask)[0] for one lesion per region, or an integer "
                "mask if they are one lesion"
            )
    return n_ref


def _voxels(rows: NDArray[np.float64], points: NDArray[np.float64], dim: int
            ) -> NDArray[np.intp]:
    """The voxel each detection falls in. A point is in voxel coordinates (voxel ``i``
    centred at ``i``): the voxel whose cell ``[i - 1/2, i + 1/2)`` holds it, halfway
    between two going to the higher one whatever their parity (``np.rint``'s half to
    even gave even voxels both edges and odd ones none). A half-open box ``[lo, hi)``
    holds voxels ``lo .. hi - 1`` (voxel ``i`` the cell ``[i, i + 1)``): the voxel
    holding its centre ``(lo + hi) / 2``, its middle voxel (rounding the centre as a
    point took an edge voxel of a box of odd width)."""
    if rows.shape[1] == 2 * dim:
        return np.floor(points).astype(np.intp)
    return np.floor(points + 0.5).astype(np.intp)


def _points(rows: NDArray[np.float64], dim: int | None, func: str) -> NDArray[np.float64]:
    """Rows as points: ``dim`` columns as they are, ``2 dim`` columns as box centres."""
    if rows.shape[0] == 0 and dim is not None:
        return np.zeros((0, dim))
    width = rows.shape[1]
    if dim is None:
        dim = width if width in (2, 3) else width // 2
    if width == dim:
        return rows
    if width == 2 * dim:
        return (rows[:, :dim] + rows[:, dim:]) / 2
    raise InvalidInputError(
        f"{func}: expected {dim} coordinates (a point) or {2 * dim} (a box) per row, got {width}"
    )


def _check_boxes(boxes: NDArray[np.float64], name: str, func: str) -> None:
    if boxes.shape[1] not in (4, 6):
        raise InvalidInputError(
            f"{func}: {name} boxes need 4 (2D) or 6 (3D) columns (lo..., hi...), got "
            f"{boxes.shape[1]}"
        )
    dim = boxes.shape[1] // 2
    bad = np.flatnonzero(np.any(boxes[:, dim:] <= boxes[:, :dim], axis=1))
    if bad.size:
        shown = "; ".join(f"box {i}: [{', '.join(f'{v:g}' for v in boxes[i])}]"
                          for i in bad[:3].tolist())
        order = "[row0, col0, row1, col1]" if dim == 2 else "[z0, y0, x0, z1, y1, x1]"
        raise InvalidInputError(
            f"{func}: {name} box(es) {bad.tolist()} have hi <= lo ({shown}"
            f"{'; ...' if bad.size > 3 else ''}): a box is two opposite corners, {order}, "
            "each end past its start; a corner and a size ([x, y, width, height], COCO's) "
            "is not read as one")


def _box_iou(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    dim = a.shape[1] // 2
    lo = np.maximum(a[:, None, :dim], b[None, :, :dim])
    hi = np.minimum(a[:, None, dim:], b[None, :, dim:])
    inter = np.prod(np.clip(hi - lo, 0, None), axis=2)
    vol_a = np.prod(a[:, dim:] - a[:, :dim], axis=1)
    vol_b = np.prod(b[:, dim:] - b[:, :dim], axis=1)
    result: NDArray[np.float64] = inter / (vol_a[:, None] + vol_b[None, :] - inter)
    return result
