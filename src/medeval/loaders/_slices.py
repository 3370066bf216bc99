"""Ordering planes (slices or frames) by geometry: along the normal, uniform, unsheared.

Private; used by the DICOM series reader, the enhanced multi-frame reader and DICOM SEG.
A plane is a position (ImagePositionPatient, LPS x, y, z) and an orientation
(ImageOrientationPatient: row cosine then column cosine), plus a label for messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..errors import LoaderError

ORIENTATION_TOLERANCE = 1e-4
"""Largest difference between direction cosines still taken as the same orientation."""


@dataclass(frozen=True)
class Stack:
    """The planes in slice order, with the geometry of the stack (LPS, x-y-z order)."""

    order: NDArray[np.intp]
    spacing_mm: float
    origin_xyz: NDArray[np.float64]
    axes_xyz: NDArray[np.float64]  # columns: row direction, column direction, normal


def axes(orientation: Sequence[float]) -> NDArray[np.float64]:
    """The 3 × 3 matrix whose columns are the row, column and normal directions."""
    cosines = np.asarray(orientation, dtype=np.float64)
    row, col = cosines[:3], cosines[3:]
    normal = np.cross(row, col)
    return np.column_stack([row, col, normal])


def stack(
    positions: Sequence[Sequence[float]],
    orientations: Sequence[Sequence[float]],
    labels: Sequence[str],
    *,
    where: str,
    tolerance_mm: float = 0.01,
    default_spacing_mm: float = 1.0,
) -> Stack:
    """Order planes along their common normal and check they form a regular grid.

    Raises
    ------
    LoaderError
        Orientations differ (naming one plane of each); two planes share a position
        (naming both); the distances between neighbours are not all equal (naming the
        gap, i.e. the two planes around a missing slice); the positions drift sideways
        (a tilted or sheared stack).
    """
    points = np.asarray(positions, dtype=np.float64).reshape(-1, 3)
    cosines = np.asarray(orientations, dtype=np.float64).reshape(-1, 6)
    distinct = _distinct_rows(cosines)
    if len(distinct) > 1:
        shown = "; ".join(
            f"{_fmt(cosines[i])} ({labels[i]})" for i in distinct
        )
        raise LoaderError(
            f"{where}: mixed orientations (ImageOrientationPatient): {shown}; the planes do "
            "not form one volume, read each orientation as its own series"
        )
    frame = axes(cosines[0])
    normal = frame[:, 2]
    depth = points @ normal
    order = np.argsort(depth, kind="stable")
    depth_sorted, points_sorted = depth[order], points[order]
    if len(order) == 1:
        return Stack(order, default_spacing_mm, points_sorted[0], frame)
    steps = np.diff(depth_sorted)
    same = np.flatnonzero(steps < tolerance_mm)
    if same.size:
        pairs = "; ".join(
            f"{labels[order[i]]} and {labels[order[i + 1]]} at {depth_sorted[i]:.6g} mm"
            for i in same
        )
        raise LoaderError(
            f"{where}: duplicate slice positions: {pairs}; remove the duplicates or choose "
            "one series (series_uid=)"
        )
    spacing = float(np.median(steps))
    allowed = max(tolerance_mm, 0.01 * spacing)
    off = np.flatnonzero(np.abs(steps - spacing) > allowed)
    if off.size:
        gaps = "; ".join(
            f"between {depth_sorted[i]:.6g} mm ({labels[order[i]]}) and "
            f"{depth_sorted[i + 1]:.6g} mm ({labels[order[i + 1]]}) the gap is "
            f"{steps[i]:.4g} mm"
            for i in off
        )
        raise LoaderError(
            f"{where}: missing slices or non-uniform spacing along the slice normal: {gaps}, "
            f"where the other slices are {spacing:.4g} mm apart; supply the missing slices "
            "or resample before evaluation"
        )
    lateral = points_sorted - points_sorted[0]
    drift = lateral - np.outer(lateral @ normal, normal)
    worst = float(np.max(np.linalg.norm(drift, axis=1)))
    if worst > max(tolerance_mm, 0.01 * spacing):
        raise LoaderError(
            f"{where}: slice positions drift {worst:.4g} mm sideways from the slice normal "
            "(gantry tilt or sheared stack); resample to a rectilinear grid first"
        )
    return Stack(order, spacing, points_sorted[0], frame)


def _distinct_rows(rows: NDArray[np.float64]) -> list[int]:
    keep: list[int] = []
    for i, row in enumerate(rows):
        if all(np.max(np.abs(row - rows[j])) > ORIENTATION_TOLERANCE for j in keep):
            keep.append(i)
    return keep


def _fmt(values: NDArray[np.float64]) -> str:
    return "[" + ", ".join(f"{v:.4g}" for v in values) + "]"
