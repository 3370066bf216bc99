"""The record of surface distances between two cropped masks (:class:`SurfaceDistances`)
and its surfels (:class:`Surfels`): the border-voxel distances computed at once, the
surfel distances on first use. Built by :func:`medeval.metrics.surface.surface_distances`,
which documents the definitions; every distance metric there reads it."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._grid_distances import (
    Shells,
    framed_border,
    framed_codes,
    nearest,
    scan_radius,
    shells,
)
from ._masks import bounding_box, neighbour_offsets, union_box
from ._surfel_table import contour_length_table, surface_area_table

__all__ = ["SurfaceDistances", "Surfels"]


@dataclass(frozen=True)
class Surfels:
    """Surfel distances and areas (the surface of Nikolov et al. 2021).

    Attributes
    ----------
    reference_to_prediction, prediction_to_reference : ndarray
        Distance in mm from each surfel of one mask to the other mask's surface.
    reference_areas, prediction_areas : ndarray
        The area in mm² (length in mm in 2D) of each surfel, aligned with the distances.
    """

    reference_to_prediction: NDArray[np.float64]
    prediction_to_reference: NDArray[np.float64]
    reference_areas: NDArray[np.float64]
    prediction_areas: NDArray[np.float64]


class SurfaceDistances:
    """Distances between the borders of two masks: computed once, read by every metric.

    Build it with :func:`surface_distances`. Border-voxel distances are computed at once;
    the surfel distances (for ``nsd(variant="surfel")``) on first use, then kept.

    Attributes
    ----------
    reference_to_prediction : ndarray
        For each border voxel of the reference, the distance in mm to the nearest border
        voxel of the prediction (``inf`` when the prediction is empty).
    prediction_to_reference : ndarray
        The same from the prediction to the reference.
    spacing_mm : tuple of float
        The voxel spacing used, in the array's axis order.
    connectivity : int
        The erosion structure's connectivity that defined the border voxels.
    reference_empty, prediction_empty : bool
        Whether each mask is empty; the empty-mask table in the module documentation
        says what every metric then returns.
    """

    def __init__(
        self,
        reference: NDArray[np.bool_],
        prediction: NDArray[np.bool_],
        spacing_mm: tuple[float, ...],
        connectivity: int,
    ) -> None:
        self.spacing_mm = spacing_mm
        self.connectivity = connectivity
        offsets = neighbour_offsets(reference.ndim, connectivity, func="surface_distances")
        ref_box, pred_box = bounding_box(reference), bounding_box(prediction)
        self.reference_empty = ref_box is None
        self.prediction_empty = pred_box is None
        box = union_box(ref_box, pred_box)
        if box is None:
            self._ref = self._pred = np.zeros((1,) * reference.ndim, dtype=bool)
        else:
            self._ref, self._pred = reference[box], prediction[box]
        table = shells(spacing_mm, scan_radius(spacing_mm))
        margin = tuple(max(m, 1) for m in table.margin)
        ref_border = framed_border(self._ref, offsets, margin)
        pred_border = framed_border(self._pred, offsets, margin)
        self.reference_to_prediction = _directed(np.flatnonzero(ref_border), pred_border,
                                                 table, spacing_mm, margin, bounded=False)
        self.prediction_to_reference = _directed(np.flatnonzero(pred_border), ref_border,
                                                 table, spacing_mm, margin, bounded=False)
        self._surfels: Surfels | None = None
        self._bounded: dict[float, Surfels] = {}

    @property
    def surfels(self) -> Surfels:
        """Surfel distances and areas, computed on first use."""
        if self._surfels is None:
            self._surfels = self._surfel_distances(None)
        return self._surfels

    def surfels_within(self, tolerance_mm: float) -> Surfels:
        """Surfels whose distances are exact up to ``tolerance_mm`` and ``inf`` beyond.

        All that the surfel NSD at that tolerance needs, found by a bounded (faster)
        search; the full :attr:`surfels` are used instead when already computed.
        """
        if self._surfels is not None:
            return self._surfels
        if tolerance_mm not in self._bounded:
            self._bounded[tolerance_mm] = self._surfel_distances(tolerance_mm)
        return self._bounded[tolerance_mm]

    def _surfel_distances(self, bound: float | None) -> Surfels:
        if self._ref.ndim == 3:
            area = surface_area_table(self.spacing_mm)
        else:
            area = contour_length_table(self.spacing_mm)
        if bound is None:
            table = shells(self.spacing_mm, scan_radius(self.spacing_mm))
        else:
            # A margin keeps every point at exactly ``bound`` inside the search, whatever
            # the rounding of the comparison; the metric compares exactly afterwards.
            table = shells(self.spacing_mm, bound * (1 + 1e-9) + 1e-9)
        margin = tuple(max(m, 1) for m in table.margin)
        on_ref, where_ref, areas_ref = _surfels_of(self._ref, margin, area)
        on_pred, where_pred, areas_pred = _surfels_of(self._pred, margin, area)
        d_rp = _directed(where_ref, on_pred, table, self.spacing_mm, margin,
                         bounded=bound is not None)
        d_pr = _directed(where_pred, on_ref, table, self.spacing_mm, margin,
                         bounded=bound is not None)
        return Surfels(d_rp, d_pr, areas_ref, areas_pred)

    def __repr__(self) -> str:
        return (
            f"SurfaceDistances({self.reference_to_prediction.size} reference and "
            f"{self.prediction_to_reference.size} prediction border voxels, spacing_mm="
            f"{self.spacing_mm}, reference_empty={self.reference_empty}, "
            f"prediction_empty={self.prediction_empty})"
        )


def _directed(
    where: NDArray[np.intp],
    target: NDArray[np.bool_],
    table: Shells,
    spacing: tuple[float, ...],
    origin: tuple[int, ...],
    *,
    bounded: bool,
) -> NDArray[np.float64]:
    """Distance from each voxel at the flat indices ``where`` (C order) to the nearest True
    voxel of ``target``.

    Both are framed by at least ``table.margin`` False voxels (``origin`` on each side).
    With ``bounded``, only distances up to ``table.complete_mm`` are exact; larger ones
    are ``inf`` (a faster search).
    """
    if where.size == 0:
        return np.zeros(0)
    if not target.any():
        return np.full(where.size, math.inf)
    return nearest(where, target, table, spacing=spacing, bounded=bounded, origin=origin)


def _surfels_of(
    mask: NDArray[np.bool_], margin: tuple[int, ...], area: NDArray[np.float64]
) -> tuple[NDArray[np.bool_], NDArray[np.intp], NDArray[np.float64]]:
    """The surfels of a mask: which cubes of the frame hold one, their flat indices (C
    order) and their areas. A cube holds a surfel when its voxels are both in and out
    (code neither 0 nor full); the codes are dropped once read."""
    codes = framed_codes(mask, margin)
    codes -= np.uint8(1)  # in place: 0 and full become the two largest values
    on: NDArray[np.bool_] = codes < np.uint8(area.size - 2)
    where = np.flatnonzero(on)
    areas: NDArray[np.float64] = area[codes.reshape(-1)[where] + np.uint8(1)]
    return on, where, areas
