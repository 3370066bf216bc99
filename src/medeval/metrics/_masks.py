"""Binary masks: validation, the bounding box, borders and surfel codes.

Private: the segmentation, surface and lesion metrics share these so that every metric
checks its input the same way and crops to the objects before any heavy work.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import ndimage

from .._validation import as_array
from ..errors import InvalidInputError

Box = tuple[slice, ...]


def as_mask(values: ArrayLike, *, name: str, func: str) -> NDArray[np.bool_]:
    """Return a 2D or 3D boolean mask, refusing NaN and values other than 0 and 1."""
    array = as_array(values, name=name, func=func)
    if array.ndim not in (2, 3):
        raise InvalidInputError(
            f"{func}: {name} must be a 2D or 3D mask, got {array.ndim} dimension(s) "
            f"(shape {array.shape})"
        )
    if array.dtype == np.bool_:
        return np.asarray(array, dtype=np.bool_)
    if array.dtype.kind not in "biuf":
        raise InvalidInputError(f"{func}: {name} must be numeric or boolean, got {array.dtype}")
    if array.dtype.kind == "f" and np.isnan(array).any():
        raise InvalidInputError(f"{func}: {name} contains NaN")
    if ((array != 0) & (array != 1)).any():
        found = np.unique(array[(array != 0) & (array != 1)])[:5].tolist()
        raise InvalidInputError(
            f"{func}: {name} must be binary (0/1 or bool), but holds other values such as "
            f"{found}; for a label map use per_label(...), or threshold it first"
        )
    result: NDArray[np.bool_] = array != 0
    return result


def mask_pair(
    reference: ArrayLike, prediction: ArrayLike, *, func: str
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Both masks as booleans of the same shape, or an error showing both shapes."""
    ref = as_mask(reference, name="reference", func=func)
    pred = as_mask(prediction, name="prediction", func=func)
    if ref.shape != pred.shape:
        raise InvalidInputError(
            f"{func}: reference and prediction differ in shape: {ref.shape} vs "
            f"{pred.shape}; resample the prediction onto the reference grid first"
        )
    return ref, pred


def spacing_of(spacing_mm: Any, ndim: int, *, func: str) -> tuple[float, ...]:
    """The voxel spacing as ``ndim`` positive floats (a scalar applies to every axis)."""
    if spacing_mm is None:
        raise InvalidInputError(
            f"{func}: spacing_mm is required for distances: pass the voxel spacing in mm in "
            "the array's axis order (e.g. (z, y, x) for a SimpleITK array), or "
            "spacing_mm=1 explicitly for distances in voxels"
        )
    values: Sequence[Any]
    given = as_array(spacing_mm, name="spacing_mm", func=func)
    if given.ndim == 0:
        values = [spacing_mm] * ndim
    else:
        values = list(given.ravel())
    if len(values) != ndim:
        raise InvalidInputError(
            f"{func}: spacing_mm has {len(values)} value(s) for a {ndim}D mask; give one "
            "per axis, in the array's axis order"
        )
    try:
        if any(isinstance(v, (bool, np.bool_, str, bytes)) for v in values):
            raise TypeError  # float(True) is 1 mm, float("0.7") text
        spacing = tuple(float(v) for v in values)
    except (TypeError, ValueError):
        raise InvalidInputError(f"{func}: spacing_mm must be numbers, got {spacing_mm!r}") from None
    if not all(math.isfinite(v) and v > 0 for v in spacing):
        raise InvalidInputError(f"{func}: spacing_mm must be positive and finite, got {spacing}")
    return spacing


def bounding_box(mask: NDArray[np.bool_]) -> Box | None:
    """The smallest box holding every True voxel, or None for an empty mask.

    A volume: one read of the mask for the slices (along the first axis) that hold a
    voxel, then the projection of those slices alone; for a small lesion in a large
    volume this costs about one read. Otherwise (a plane, or a volume not in C order):
    the projection along the first axis, then a pass over the cropped columns.
    """
    if mask.ndim == 2:
        rows = np.flatnonzero(mask.any(axis=1))
        if rows.size == 0:
            return None
        cols = np.flatnonzero(mask[rows[0] : rows[-1] + 1].any(axis=0))
        return (slice(int(rows[0]), int(rows[-1]) + 1), slice(int(cols[0]), int(cols[-1]) + 1))
    if mask.flags.c_contiguous and mask.dtype == np.bool_ and mask.size:
        # the slices that hold a voxel first, each read as bytes (numpy's max of uint8
        # rows is a vector loop, its any of bools along two axes is not), then the
        # projection of those slices alone: a lesion's dozen, not the volume's 200
        zs = np.flatnonzero(mask.reshape(mask.shape[0], -1).view(np.uint8).max(axis=1))
        if zs.size == 0:
            return None
        plane: NDArray[np.bool_] = np.any(mask[zs[0] : zs[-1] + 1], axis=0)
        ys = np.flatnonzero(plane.any(axis=1))
        xs = np.flatnonzero(plane[ys[0] : ys[-1] + 1].any(axis=0))
        return tuple(slice(int(v[0]), int(v[-1]) + 1) for v in (zs, ys, xs))
    plane = np.any(mask, axis=0)
    ys = np.flatnonzero(plane.any(axis=1))
    if ys.size == 0:
        return None
    xs = np.flatnonzero(plane[ys[0] : ys[-1] + 1].any(axis=0))
    column = mask[:, ys[0] : ys[-1] + 1, xs[0] : xs[-1] + 1]
    zs = np.flatnonzero(column.any(axis=(1, 2)))
    return tuple(slice(int(v[0]), int(v[-1]) + 1) for v in (zs, ys, xs))


def union_box(a: Box | None, b: Box | None) -> Box | None:
    """The smallest box holding both boxes."""
    if a is None:
        return b
    if b is None:
        return a
    return tuple(slice(min(p.start, q.start), max(p.stop, q.stop)) for p, q in zip(a, b))


def neighbour_offsets(ndim: int, connectivity: int, *, func: str) -> list[tuple[int, ...]]:
    """Offsets of the neighbours in ``scipy.ndimage.generate_binary_structure``."""
    if connectivity not in range(1, ndim + 1):
        raise InvalidInputError(
            f"{func}: connectivity must be 1 (faces) to {ndim} (corners) for a {ndim}D "
            f"mask, got {connectivity!r}"
        )
    structure = ndimage.generate_binary_structure(ndim, connectivity)
    centre = (1,) * ndim
    return [tuple(int(i) - 1 for i in idx) for idx in zip(*np.nonzero(structure))
            if tuple(int(i) for i in idx) != centre]
