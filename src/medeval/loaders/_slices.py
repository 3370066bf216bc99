"""The geometry of planes: their order along the normal, and their in-plane spacing.

Private; used by the DICOM series reader, the enhanced multi-frame reader and DICOM SEG.
A plane is a position (ImagePositionPatient, LPS x, y, z) and an orientation
(ImageOrientationPatient: row cosine then column cosine), plus a label for messages.
:func:`plane_spacing` reads a DICOM dataset's spacing between rows and columns, from
PixelSpacing, ImagerPixelSpacing (with the magnification factor) or the ultrasound
regions; the order of those rules and why is in :mod:`medeval.loaders.dicom`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

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
        pairs = _first_of(
            [f"{labels[order[i]]} and {labels[order[i + 1]]} at {depth_sorted[i]:.6g} mm"
             for i in same[:_SHOWN]], int(same.size))
        positions_held = len(order) - int(same.size)
        phases = (f"; {len(order)} planes at {positions_held} positions: several phases, "
                  "echoes or time points in one series (a 4-D series) are not one volume, "
                  "give each its own folder" if same.size >= positions_held else "")
        raise LoaderError(
            f"{where}: duplicate slice positions: {pairs}{phases}; remove the duplicates "
            "or choose one series (series_uid=)"
        )
    spacing = float(np.median(steps))
    allowed = max(tolerance_mm, 0.01 * spacing)
    off = np.flatnonzero(np.abs(steps - spacing) > allowed)
    if off.size:
        gaps = _first_of(
            [f"between {depth_sorted[i]:.6g} mm ({labels[order[i]]}) and "
             f"{depth_sorted[i + 1]:.6g} mm ({labels[order[i + 1]]}) the gap is "
             f"{steps[i]:.4g} mm" for i in off[:_SHOWN]], int(off.size))
        usual = int(steps.size - off.size)
        if usual:
            others = (f"where the other slices are {spacing:.4g} mm apart ({usual} of "
                      f"{steps.size} gaps)")
        else:  # an even count split between two spacings: their median is neither
            values, counts = np.unique(np.round(steps, 3), return_counts=True)
            others = "where no two spacings agree on most gaps: " + ", ".join(
                f"{v:.4g} mm ({c} gaps)" for v, c in list(zip(values, counts))[:_SHOWN])
        raise LoaderError(
            f"{where}: missing slices or non-uniform spacing along the slice normal: {gaps}, "
            f"{others}; supply the missing slices or resample before evaluation"
        )
    lateral = points_sorted - points_sorted[0]
    drift = lateral - np.outer(lateral @ normal, normal)
    worst = float(np.max(np.linalg.norm(drift, axis=1)))
    if worst > max(tolerance_mm, 0.01 * spacing):
        raise LoaderError(
            f"{where}: slice positions drift {worst:.4g} mm sideways from the slice normal "
            "(gantry tilt or sheared stack); resample to a rectilinear grid first"
        )
    # The uniform spacing is the mean gap, first to last (as ITK's series reader takes
    # it): the median of gaps rounded in the files (positions written to 4 decimals,
    # an oblique series) was off by 3e-5 mm a slice, 1.7e-3 mm at the 60th.
    mean_gap = float((depth_sorted[-1] - depth_sorted[0]) / (len(order) - 1))
    return Stack(order, mean_gap, points_sorted[0], frame)


_SHOWN = 10
"""How many duplicate pairs or uneven gaps a message names (then their count)."""


def _first_of(shown: list[str], count: int) -> str:
    """The first items, then how many there are in all: a 10-phase series of 300
    slices has 2,700 duplicate pairs, which no message should list."""
    return "; ".join(shown) + (f"; ... ({count} in all)" if count > len(shown) else "")


def _distinct_rows(rows: NDArray[np.float64]) -> list[int]:
    keep: list[int] = []
    for i, row in enumerate(rows):
        if all(np.max(np.abs(row - rows[j])) > ORIENTATION_TOLERANCE for j in keep):
            keep.append(i)
    return keep


def _fmt(values: NDArray[np.float64]) -> str:
    return "[" + ", ".join(f"{v:.4g}" for v in values) + "]"


def plane_spacing(ds: Any, metadata: dict[str, Any]) -> tuple[float, float]:
    """(between rows, between columns) in mm, its source written to ``metadata``.

    PixelSpacing, else ImagerPixelSpacing divided by EstimatedRadiographicMagnificationFactor
    (or undivided without one), else the ultrasound regions, else (1, 1) ("absent").
    """
    from pydicom.multival import MultiValue

    ignored: list[str] = []

    def pair(keyword: str) -> tuple[float, float] | None:
        # one value is a bare DSfloat (no len(): it was a TypeError, 'a header value
        # cannot be read'); one, three or non-positive values are ignored alike, and said
        value = ds.get(keyword)
        if value is None or str(value) == "":
            return None
        values = list(value) if isinstance(value, (list, tuple, MultiValue)) else [value]
        if len(values) == 2 and all(float(v) > 0 for v in values):
            return (float(values[0]), float(values[1]))
        ignored.append(f"{keyword} {chr(92).join(str(v) for v in values)} is not two "
                       "positive numbers (row, column spacing) and was ignored")
        return None

    pixel, imager = pair("PixelSpacing"), pair("ImagerPixelSpacing")
    if pixel is None and "PixelSpacing" not in ds:
        pixel = _pixel_measures(ds)  # an enhanced object's, in its functional groups
    factor = ds.get("EstimatedRadiographicMagnificationFactor")
    factor = float(factor) if factor not in (None, "") and float(factor) > 0 else None
    metadata.update(pixel_spacing_mm=pixel, imager_pixel_spacing_mm=imager,
                    estimated_radiographic_magnification_factor=factor)
    if ignored:
        metadata["spacing_note"] = "; ".join(ignored)
    regions = ultrasound_regions(ds)
    if regions:
        metadata["ultrasound_regions"] = regions
    rows, columns = int(ds.get("Rows", 0)), int(ds.get("Columns", 0))
    conflict = _regions_against(pixel, regions, rows, columns)
    if conflict is not None:  # which one describes the pixels, the file does not say
        metadata.update(spacing_source="absent", spacing_conflict=conflict,
                        spacing_note="; ".join([*ignored, conflict]))
        return (1.0, 1.0)
    copied = _copied_imager(ds, pixel, imager, factor)
    if copied is not None:
        metadata.update(spacing_correction=copied, spacing_note="; ".join(
            [*ignored, f"PixelSpacing copies ImagerPixelSpacing in a magnified projection "
             f"(no PixelSpacingCalibrationType): {copied}"]))
    elif pixel is not None:
        metadata["spacing_source"] = "PixelSpacing"
        return pixel
    if imager is not None and factor is not None:
        metadata["spacing_source"] = "ImagerPixelSpacing/EstimatedRadiographicMagnificationFactor"
        return (imager[0] / factor, imager[1] / factor)
    if imager is not None:
        metadata["spacing_source"] = "ImagerPixelSpacing"
        return imager
    spacing, note = _region_spacing(regions, rows, columns)
    metadata["spacing_source"] = "SequenceOfUltrasoundRegions" if spacing else "absent"
    if note:
        metadata["spacing_note"] = "; ".join([*ignored, note])
    return spacing or (1.0, 1.0)


def _regions_against(pixel: tuple[float, float] | None, regions: Sequence[dict[str, Any]],
                     rows: int, columns: int) -> str | None:
    """Why a PixelSpacing cannot be trusted beside the ultrasound regions calibrated in cm
    (inside the image) that state another size, or None. PixelSpacing is no attribute of
    the US Image IOD (PS3.3 A.6): its spatial calibration is the US Region Calibration
    module's PhysicalDeltaX/Y (C.8.5.5); a PixelSpacing beside them is a writer's or a
    converter's, and where the two disagree nothing tells which describes the pixels (a
    resized export may have kept stale regions, or written a display scale). Regions
    reaching past the image describe no pixels of it and are not compared."""
    if pixel is None:
        return None
    inside = [r for r in regions if r["spacing_mm"] is not None and _inside(r, rows, columns)]
    other = [r for r in inside if not np.allclose(r["spacing_mm"], pixel, rtol=1e-3, atol=0.0)]
    if not other:
        return None
    shown = "; ".join(f"{r['spacing_mm'][0]:g} x {r['spacing_mm'][1]:g} mm in "
                      f"{r['box_x0_y0_x1_y1']}" for r in other)
    return (f"PixelSpacing {pixel[0]:g} x {pixel[1]:g} mm disagrees with the ultrasound "
            f"region(s) calibrated in cm ({shown}; rows x columns, box x0, y0, x1, y1): "
            "the file does not say which describes its pixels, so it states no pixel size")


def _inside(region: dict[str, Any], rows: int, columns: int) -> bool:
    x0, y0, x1, y1 = region["box_x0_y0_x1_y1"]
    return bool(0 <= x0 <= x1 <= columns and 0 <= y0 <= y1 <= rows)


def _copied_imager(ds: Any, pixel: tuple[float, float] | None,
                   imager: tuple[float, float] | None, factor: float | None) -> str | None:
    """A PixelSpacing that merely copies ImagerPixelSpacing (equal, no
    PixelSpacingCalibrationType) beside an EstimatedRadiographicMagnificationFactor above 1,
    as '0.1 x 0.1 mm / 1.08 = 0.09259 x 0.09259 mm'; else None. PixelSpacing is the
    spacing in the patient (PS3.3 10.7.1.1, in the DX and Mammography images beside the
    DX Detector module's ImagerPixelSpacing, C.8.11.4); equal to ImagerPixelSpacing and
    uncalibrated it is the detector plane, and IHE Mammography Image displays measure with
    ImagerPixelSpacing corrected by the factor instead."""
    if pixel is None or imager is None or factor is None or factor <= 1.0:
        return None
    if str(ds.get("PixelSpacingCalibrationType") or "").strip():
        return None
    if not np.allclose(pixel, imager, rtol=1e-6, atol=0.0):
        return None
    return (f"{pixel[0]:g} x {pixel[1]:g} mm / {factor:g} = {pixel[0] / factor:.4g} x "
            f"{pixel[1] / factor:.4g} mm")


def _pixel_measures(ds: Any) -> tuple[float, float] | None:
    """The PixelSpacing of an enhanced (multi-frame) object's Pixel Measures functional
    group (PS3.3 C.7.6.16.2.1), shared or the same in every frame, where the top level has
    none; None if absent, not two positive numbers, or differing between frames."""
    from pydicom.multival import MultiValue

    found = set()
    shared = ds.get("SharedFunctionalGroupsSequence") or ()
    per_frame = ds.get("PerFrameFunctionalGroupsSequence") or ()
    for item in (shared[0],) if shared and "PixelMeasuresSequence" in shared[0] else per_frame:
        measures = item.get("PixelMeasuresSequence") or ()
        value = measures[0].get("PixelSpacing") if measures else None
        values = (list(value) if isinstance(value, (list, tuple, MultiValue))
                  else [] if value is None else [value])
        if len(values) != 2 or not all(float(v) > 0 for v in values):
            return None
        found.add((float(values[0]), float(values[1])))
    return found.pop() if len(found) == 1 else None


def ultrasound_regions(ds: Any) -> tuple[dict[str, Any], ...]:
    """Each item of SequenceOfUltrasoundRegions: its pixel box, data type and, where
    both its axes are in cm (PhysicalUnits 3), its spacing in mm (rows, columns)."""
    regions = []
    for item in ds.get("SequenceOfUltrasoundRegions") or ():
        box = tuple(int(item.get(k, -1)) for k in (
            "RegionLocationMinX0", "RegionLocationMinY0", "RegionLocationMaxX1",
            "RegionLocationMaxY1"))
        units = (item.get("PhysicalUnitsXDirection"), item.get("PhysicalUnitsYDirection"))
        deltas = (item.get("PhysicalDeltaY"), item.get("PhysicalDeltaX"))
        spatial = units == (3, 3) and all(d not in (None, 0) for d in deltas)
        regions.append({
            "box_x0_y0_x1_y1": box,
            "spatial_format": item.get("RegionSpatialFormat"),
            "data_type": item.get("RegionDataType"),
            "spacing_mm": (abs(float(deltas[0])) * 10.0, abs(float(deltas[1])) * 10.0)
            if spatial else None,
        })
    return tuple(regions)


def _region_spacing(
    regions: Sequence[dict[str, Any]], rows: int, columns: int
) -> tuple[tuple[float, float] | None, str | None]:
    """One spacing for the whole image from its ultrasound regions, or None and why."""
    spatial = [r for r in regions if r["spacing_mm"] is not None]
    if not spatial:
        return None, ("no ultrasound region measured in cm on both axes" if regions
                      else None)
    # A region reaching past the image means the pixels are not those the regions were
    # written for (an export resized them): none of its deltas is trusted then. One pixel
    # of slack for writers that give the box's end as exclusive.
    outside = [r["box_x0_y0_x1_y1"] for r in spatial if not (
        0 <= r["box_x0_y0_x1_y1"][0] <= r["box_x0_y0_x1_y1"][2] <= columns
        and 0 <= r["box_x0_y0_x1_y1"][1] <= r["box_x0_y0_x1_y1"][3] <= rows)]
    if outside:
        return None, (f"ultrasound region(s) {outside} (x0, y0, x1, y1) lie outside the "
                      f"{columns} x {rows} image (resized after acquisition?): the regions' "
                      "deltas do not describe its pixels")
    inside = spatial
    distinct = {r["spacing_mm"] for r in inside}
    first = next(iter(distinct))
    if all(np.allclose(d, first, rtol=1e-6, atol=0.0) for d in distinct):
        return first, None
    shown = "; ".join(f"{r['spacing_mm']} mm in {r['box_x0_y0_x1_y1']}" for r in inside)
    return None, (f"the ultrasound regions differ in spacing ({shown}): no one spacing "
                  "holds for the image; use metadata['ultrasound_regions']")
