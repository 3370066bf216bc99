"""DICOM SEG (or a mask image): one binary mask per segment, on the reference's grid if given.

Each frame of a SEG object belongs to one segment (Segment Identification) and sits at a
position (Plane Position). Frames are placed by geometry: without a reference image on
a grid spanning the SEG's own frames (slice spacing from SpacingBetweenSlices, so empty
frames a writer omitted come back as empty slices); with a reference image on that
image's grid, each frame on the slice whose position it has.

A mask image (PNG, BMP, TIFF, or a thresholded JPEG) is read by
:func:`medeval.loaders.read_mask` and split into one segment per label id; with a
reference image (the frame it was drawn on) its grid must be the frame's.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import CompatibilityError, LoaderError
from . import _slices
from ._dicom_metadata import _metadata
from ._files import RASTER_FORMATS, regular_file, sniff
from ._records import Image
from .dicom import _dataset, _per_frame_items, _pixels, frame_planes

__all__ = ["Segment", "Segmentation", "is_dicom_segmentation", "read_label_map",
           "read_segmentation"]

SEGMENTATION_STORAGE = "1.2.840.10008.5.1.4.1.1.66.4"


@dataclass(frozen=True, eq=False)
class Segment:
    """One segment of a DICOM SEG: its number, label and binary mask.

    Attributes
    ----------
    number : int
        SegmentNumber (1-based), as referenced by the frames.
    label : str
        SegmentLabel, e.g. ``"Liver"``.
    mask : Image
        Boolean mask, (z, y, x), with the grid's spacing, origin and direction.
    description : str or None
        SegmentDescription.
    category : str or None
        Code meaning of the segmented property category (e.g. ``"Tissue"``).
    property_type : str or None
        Code meaning of the segmented property type (e.g. ``"Liver"``).
    """

    number: int
    label: str
    mask: Image
    description: str | None = None
    category: str | None = None
    property_type: str | None = None


@dataclass(frozen=True, eq=False)
class Segmentation:
    """The segments of a DICOM SEG, in SegmentNumber order, and the file's metadata."""

    segments: tuple[Segment, ...]
    metadata: Mapping[str, Any] = field(default_factory=dict)

    @property
    def labels(self) -> dict[int, str]:
        """SegmentNumber -> SegmentLabel."""
        return {s.number: s.label for s in self.segments}

    def label_map(self) -> Image:
        """The segments as one label map on their grid: each voxel holds the
        SegmentNumber of the segment that covers it, 0 where none does.

        This is how a DICOM SEG is read as an image (:func:`medeval.loaders.read_image`)
        and scored as a segmentation reference: label ``n`` of a protocol is segment
        number ``n``.

        Raises
        ------
        LoaderError
            No segment, or two segments that share voxels (a label map holds one label
            per voxel; score such segments one by one with :func:`read_segmentation`).
        """
        source = self.metadata.get("source")
        if not self.segments:
            raise LoaderError(f"SEG file {source}: has no segment")
        grid = self.segments[0].mask
        labels = np.zeros(grid.array.shape, dtype=np.uint16)
        for item in self.segments:
            shared = labels[item.mask.array] != 0
            if shared.any():
                others = sorted(set(labels[item.mask.array][shared].tolist()))
                raise LoaderError(
                    f"SEG file {source}: segment {item.number} ({item.label!r}) overlaps "
                    f"segment(s) {others} in {int(shared.sum())} voxel(s); a label map holds "
                    "one segment per voxel: give non-overlapping segments, or score them "
                    "one by one (read_segmentation)"
                )
            labels[item.mask.array] = item.number
        metadata = {k: v for k, v in self.metadata.items()}
        metadata["segment_labels"] = self.labels
        return Image(labels, grid.spacing_mm, grid.origin_mm, grid.direction, metadata)

    def segment(self, label: str) -> Segment:
        """The segment called ``label``; raises naming the labels there are."""
        for item in self.segments:
            if item.label == label:
                return item
        raise LoaderError(
            f"SEG {self.metadata.get('source')}: no segment {label!r}; it has "
            f"{', '.join(repr(s.label) for s in self.segments)}"
        )


def read_segmentation(
    path: str | os.PathLike[str],
    *,
    reference: Image | None = None,
    tolerance_mm: float = 0.01,
    label_map: Mapping[int, int] | None = None,
    jpeg_threshold: float | None = None,
) -> Segmentation:
    """Read a DICOM SEG file, or a mask image, into one boolean mask per segment.

    Parameters
    ----------
    path : path
        A DICOM Segmentation Storage file (BINARY or FRACTIONAL), or a mask image (PNG,
        BMP, TIFF; JPEG with ``jpeg_threshold``), told apart by their first bytes.
    reference : Image, optional
        The image the SEG or mask was drawn on (e.g. from :func:`read_image`). Masks are
        then placed on its grid: same shape, spacing, origin and direction. A mask image
        must have the reference's rows and columns (its colour axis is not compared) and,
        like it, no physical spacing.
    tolerance_mm : float
        How far a frame position may lie from a grid position and still be placed on it.
    label_map, jpeg_threshold
        For a mask image only, as :func:`medeval.loaders.read_mask` takes them (pixel
        value -> label id; the binarisation threshold of a JPEG mask).

    Returns
    -------
    Segmentation
        ``segments`` in SegmentNumber order, each with a mask of the grid's shape.
        FRACTIONAL segments are thresholded at half the MaximumFractionalValue. A mask
        image gives one segment per label id other than 0 (the background): those of
        the label map, or 1 for a binary mask; each ``label`` is the id as text.

    Raises
    ------
    LoaderError
        Not a SEG or mask image; frames without positions; a frame whose position,
        orientation, pixel spacing or size does not fit the reference grid (each listed);
        a reference of a different FrameOfReferenceUID, or of a series the SEG's
        ReferencedSeriesSequence does not name; a mask image refused by
        ``read_mask``; ``label_map`` or ``jpeg_threshold`` given for a DICOM SEG.
    CompatibilityError
        A mask image whose grid differs from the reference's.
    """
    file = regular_file(path, what="SEG file")
    if sniff(file) in RASTER_FORMATS:
        return _mask_segmentation(file, reference, label_map, jpeg_threshold)
    if label_map is not None or jpeg_threshold is not None:
        raise LoaderError(
            f"SEG file {file}: label_map and jpeg_threshold are for mask images; a DICOM "
            "SEG names its own segments"
        )
    parsed = _parse(file, reference, tolerance_mm)
    segments = []
    for item in parsed.ds.get("SegmentSequence", []):
        number = int(item.SegmentNumber)
        mask = np.zeros(parsed.grid.array.shape[:3], dtype=bool)
        for frame, slot in enumerate(parsed.slots):
            if parsed.numbers[frame] == number:
                mask[slot] |= parsed.covered(frame)
        segments.append(Segment(
            number=number,
            label=str(item.get("SegmentLabel", "")),
            mask=Image(mask, parsed.grid.spacing_mm, parsed.grid.origin_mm,
                       parsed.grid.direction, {**parsed.metadata, "segment_number": number}),
            description=_text(item.get("SegmentDescription")),
            category=_meaning(item.get("SegmentedPropertyCategoryCodeSequence")),
            property_type=_meaning(item.get("SegmentedPropertyTypeCodeSequence")),
        ))
    return Segmentation(tuple(sorted(segments, key=lambda s: s.number)), parsed.metadata)


def read_label_map(
    path: str | os.PathLike[str], *, reference: Image | None = None,
    tolerance_mm: float = 0.01,
) -> Image:
    """A DICOM SEG as one label map: ``read_segmentation(path, ...).label_map()``, built
    from the frames straight into the label map, without a mask the size of the grid
    for every segment (a SEG of 20 segments on 60 slices of 512 x 512: 1,047 MB at peak
    that way, for a 31 MB label map).

    Raises
    ------
    LoaderError
        As :func:`read_segmentation` and :meth:`Segmentation.label_map` (two segments
        sharing voxels, naming the later segment, the earlier ones and the count).
    """
    file = regular_file(path, what="SEG file")
    parsed = _parse(file, reference, tolerance_mm)
    names = {int(item.SegmentNumber): str(item.get("SegmentLabel", ""))
             for item in parsed.ds.get("SegmentSequence", [])}
    if not names:
        raise LoaderError(f"SEG file {file}: has no segment")
    labels = np.zeros(parsed.grid.array.shape[:3], dtype=np.uint16)
    order = sorted(range(len(parsed.slots)), key=lambda f: (parsed.numbers[f], f))
    for number, group in itertools.groupby(order, key=lambda f: parsed.numbers[f]):
        others: set[int] = set()
        count = 0
        for frame in group:  # segment by segment, as label_map() places them
            plane, covered = labels[parsed.slots[frame]], parsed.covered(frame)
            under = plane[covered]
            clash = (under != 0) & (under != number)
            if clash.any():
                others |= set(under[clash].tolist())
                count += int(clash.sum())
            plane[covered] = number
        if count:
            raise LoaderError(
                f"SEG file {file}: segment {number} ({names.get(number, '')!r}) overlaps "
                f"segment(s) {sorted(others)} in {count} voxel(s); a label map holds "
                "one segment per voxel: give non-overlapping segments, or score them "
                "one by one (read_segmentation)"
            )
    metadata = dict(parsed.metadata)
    metadata["segment_labels"] = dict(sorted(names.items()))
    grid = parsed.grid
    return Image(labels, grid.spacing_mm, grid.origin_mm, grid.direction, metadata)


@dataclass(frozen=True, eq=False)
class _Parsed:
    """A SEG's frames placed on a grid: each frame's segment number and slice."""

    ds: Any
    frames: Any
    numbers: list[int]
    slots: list[int]
    grid: Image
    metadata: dict[str, Any]
    threshold: float | None  # FRACTIONAL: at least this; BINARY: None (above 0)

    def covered(self, frame: int) -> Any:
        """Frame ``frame``'s pixels as booleans."""
        pixels = self.frames[frame]
        return pixels > 0 if self.threshold is None else pixels >= self.threshold


def _parse(file: Path, reference: Image | None, tolerance_mm: float) -> _Parsed:
    ds = _dataset(file)
    if str(ds.get("SOPClassUID", "")) != SEGMENTATION_STORAGE and ds.get("Modality") != "SEG":
        raise LoaderError(
            f"SEG file {file}: is not a DICOM Segmentation (SOP class "
            f"{ds.get('SOPClassUID')}, modality {ds.get('Modality')}); read it with read_image"
        )
    frames = _pixels(ds, file)
    count = int(ds.get("NumberOfFrames", 1))
    if frames.ndim == 2:
        frames = frames[np.newaxis]
    threshold = None
    if str(ds.get("SegmentationType", "BINARY")) == "FRACTIONAL":
        threshold = float(ds.get("MaximumFractionalValue", 255)) / 2.0
    planes = frame_planes(ds)
    numbers = _segment_numbers(ds, count, file)
    metadata = _metadata(ds, file)
    if planes is None:
        return _parse_on_source(ds, frames, numbers, reference, metadata, threshold, file)
    positions, orientations, pixel_spacing = planes
    if reference is not None:
        _same_frame_of_reference(metadata, reference, file)
        _same_series(ds, reference, file)
        grid = reference
        named = _referenced_series(ds)
        # a NIfTI/MHA/NRRD grid (the series converted) names no series: the label map
        # then lies on the series the SEG names, not on the SEG's own series
        metadata["grid_series_uid"] = _grid_series(reference.metadata) or (
            named[0] if len(named) == 1 else None)
    else:
        grid = _own_grid(ds, frames.shape[1:], positions, orientations, pixel_spacing, file)
        named = _referenced_series(ds)
        metadata["grid_series_uid"] = named[0] if len(named) == 1 else None
    slots = _place(positions, orientations, pixel_spacing, frames.shape[1:], grid,
                   tolerance_mm=tolerance_mm, where=f"SEG file {file}")
    metadata["segmentation_type"] = str(ds.get("SegmentationType", "BINARY"))
    if reference is not None and "spacing_source" in reference.metadata:
        metadata["spacing_source"] = reference.metadata["spacing_source"]
    return _Parsed(ds, frames, numbers, slots, grid, metadata, threshold)


def _parse_on_source(ds: Any, frames: Any, numbers: list[int], reference: Image | None,
                     metadata: dict[str, Any], threshold: float | None,
                     file: Path) -> _Parsed:
    """A SEG of a 2-D image without positions (a mammogram, an ultrasound or endoscopy
    image: no Plane Position in its frames, as highdicom writes it for an image without
    a frame of reference) placed by the image each frame was derived from: its
    DerivationImageSequence > SourceImageSequence names the reference image's
    SOPInstanceUID and, for a multi-frame image, the ReferencedFrameNumber (required
    there: see :func:`_source_frame`). The reference's rows and columns must be the SEG's;
    its spacing is the image's (``metadata["spacing_source"]`` carried over)."""
    where = f"SEG file {file}"
    if reference is None or reference.metadata.get("geometry") != "absent":
        raise LoaderError(
            f"{where}: its frames carry no Plane Position; they cannot be placed on an "
            "image grid" + ("" if reference is not None else
                            ": give the 2-D image it was drawn on as the reference (its "
                            "frames are placed by the source image they name)"))
    shape = tuple(reference.array.shape[1:3])
    problems = [] if tuple(frames.shape[1:3]) == shape else [
        f"frames are {frames.shape[1]}x{frames.shape[2]}, the image {shape[0]}x{shape[1]}"]
    uids = (reference.metadata.get("grid_sop_instance_uids")  # a SEG's label map
            or reference.metadata.get("sop_instance_uids") or ())
    items = _per_frame_items(ds, len(numbers)) or [None] * len(numbers)
    shared = _source_image(_first_item(ds.get("SharedFunctionalGroupsSequence")))
    slots = []
    for i, item in enumerate(items):
        source = _source_image(item)
        source = shared if source is None else source  # one source for every frame
        uid = None if source is None else str(source.get("ReferencedSOPInstanceUID", ""))
        number, unplaced = _source_frame(source, reference.array.shape[0])
        if unplaced:
            problems.append(f"frame {i + 1} names source image {uid} {unplaced}")
        elif uid not in uids or not 1 <= number <= reference.array.shape[0]:
            problems.append(f"frame {i + 1} names source image {uid} frame {number}, not a "
                            f"frame of the image ({', '.join(uids)}, "
                            f"{reference.array.shape[0]} frame(s))")
        slots.append(number - 1)
    if problems:
        shown = "; ".join(problems[:10]) + (
            f"; ... ({len(problems)} problems in all)" if len(problems) > 10 else "")
        raise LoaderError(f"{where}: does not fit the reference image: {shown}")
    _same_series(ds, reference, file)
    metadata.update(grid_series_uid=_grid_series(reference.metadata),
                    grid_sop_instance_uids=tuple(uids), geometry="absent",
                    segmentation_type=str(ds.get("SegmentationType", "BINARY")),
                    spacing_source=reference.metadata.get("spacing_source"),
                    spacing_note=reference.metadata.get("spacing_note"),
                    spacing_conflict=reference.metadata.get("spacing_conflict"),
                    spacing_correction=reference.metadata.get("spacing_correction"))
    return _Parsed(ds, frames, numbers, slots, reference, metadata, threshold)


def _source_frame(source: Any, frames: int) -> tuple[int, str | None]:
    """The image frame (from 1) a SEG frame was derived from, or why it names none.

    ReferencedFrameNumber is required where the source is a multi-frame image and the
    reference is not to all its frames (PS3.3 Table 10-3): absent there, or naming
    several frames, it does not say which frame of a cine the SEG frame lies on (placed
    on frame 1, a mask of frame 3 would be scored against frame 1's prediction). A
    single-frame image needs none."""
    value = None if source is None else source.get("ReferencedFrameNumber")
    if value in (None, ""):
        return 1, (None if frames == 1 else
                   f"without a ReferencedFrameNumber, in an image of {frames} frames: "
                   "which frame was it drawn on?")
    values = [value] if isinstance(value, (int, float, str)) else list(value)
    try:
        numbers = [int(v) for v in values]
    except (TypeError, ValueError):
        numbers = []
    if len(numbers) != 1:
        return 1, (f"frames {[str(v) for v in values]} (ReferencedFrameNumber): a SEG "
                   "frame lies on one frame of the image")
    return numbers[0], None


def _source_image(item: Any) -> Any:
    """A functional group item's first DerivationImageSequence > SourceImageSequence item
    (per frame, or shared by all frames: PS3.3 C.7.6.16.2.6)."""
    derivation = None if item is None else _first_item(item.get("DerivationImageSequence"))
    return None if derivation is None else _first_item(
        derivation.get("SourceImageSequence"))


def _first_item(sequence: Any) -> Any:
    return sequence[0] if sequence else None


def is_dicom_segmentation(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a DICOM Segmentation Storage object (by SOP class or modality,
    as :func:`read_segmentation` tells one), from its header alone; False for a file
    pydicom cannot parse (its reader then says why)."""
    import pydicom

    try:
        head = pydicom.dcmread(path, stop_before_pixels=True,
                               specific_tags=["SOPClassUID", "Modality"], force=True)
    except Exception:  # pydicom raises many kinds on a damaged header
        return False
    return is_segmentation_dataset(head)


def is_segmentation_dataset(ds: Any) -> bool:
    """Whether a dataset already read is a DICOM Segmentation (its SOP class, or
    modality SEG)."""
    return (str(ds.get("SOPClassUID", "")) == SEGMENTATION_STORAGE
            or ds.get("Modality") == "SEG")


def unplaced_segmentation(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a SEG of a 2-D image without positions whose header, pixel data
    and segments read: such a SEG is placed only by the source image its frames name
    (:func:`_parse_on_source`), so read alone (``manifest check --read-files`` has no
    case to place it by) it can be checked no further; its placement is checked when its
    case is scored. False for any other file.

    Raises
    ------
    LoaderError
        A fault the file alone shows (pixel data cut short, a frame without a segment).
    """
    file = Path(path)
    if not is_dicom_segmentation(file):
        return False
    ds = _dataset(file)
    if frame_planes(ds) is not None:
        return False
    _pixels(ds, file)
    _segment_numbers(ds, int(ds.get("NumberOfFrames", 1)), file)
    return True


def _mask_segmentation(file: os.PathLike[str], reference: Image | None,
                       label_map: Mapping[int, int] | None,
                       jpeg_threshold: float | None) -> Segmentation:
    from ..compat import check_compatible
    from .masks import read_mask

    labels = read_mask(file, label_map=label_map, jpeg_threshold=jpeg_threshold)
    if reference is not None:
        mask, image = labels.array.shape[1:3], reference.array.shape[1:3]
        if mask != image:  # check_compatible's words are a prediction's, not a mask's
            frame = reference.metadata.get("source") or "<in memory>"
            turned = ", rows and columns swapped (one of them turned by 90 degrees)" \
                if mask == image[::-1] else ""
            raise CompatibilityError(
                f"mask {file}: is {mask[0]} x {mask[1]} pixels (rows x columns) but its "
                f"frame {frame} is {image[0]} x {image[1]}{turned}: the mask was not drawn "
                "on this frame, or one of them was resized or turned")
        check_compatible(reference, labels, compare_channels=False)
    ids = sorted(set(labels.metadata["label_map"].values()) - {0}) if label_map else [1]
    segments = tuple(
        Segment(number=k, label=str(k), mask=Image(
            labels.array == k, spacing_mm=None,
            metadata={**labels.metadata, "segment_number": k}))
        for k in ids
    )
    return Segmentation(segments, dict(labels.metadata))


def _segment_numbers(ds: Any, count: int, file: os.PathLike[str]) -> list[int]:
    items = _per_frame_items(ds, count)
    declared = [int(s.SegmentNumber) for s in ds.get("SegmentSequence", [])]
    if not declared:
        raise LoaderError(f"SEG file {file}: has no SegmentSequence; it names no segment")
    numbers = []
    for i in range(count):
        ident = None
        if items is not None and "SegmentIdentificationSequence" in items[i]:
            ident = int(items[i].SegmentIdentificationSequence[0].ReferencedSegmentNumber)
        elif len(declared) == 1:
            ident = declared[0]
        if ident not in declared:
            raise LoaderError(
                f"SEG file {file}: frame {i + 1} references segment {ident}, not one of "
                f"{declared}"
            )
        numbers.append(ident)
    return numbers


def _own_grid(
    ds: Any,
    plane_shape: tuple[int, ...],
    positions: list[list[float]],
    orientations: list[list[float]],
    pixel_spacing: tuple[float, float],
    file: os.PathLike[str],
) -> Image:
    frame_axes = _slices.axes(orientations[0])
    normal = frame_axes[:, 2]
    points = np.asarray(positions, dtype=np.float64)
    depth = points @ normal
    shared = ds.get("SharedFunctionalGroupsSequence")
    between = None
    if shared and "PixelMeasuresSequence" in shared[0]:
        between = shared[0].PixelMeasuresSequence[0].get("SpacingBetweenSlices")
    unique = np.unique(np.round(depth, 3))
    if between is not None and float(between) > 0:
        spacing = float(between)
    elif unique.size > 1:
        spacing = float(np.min(np.diff(unique)))
    else:
        spacing = float(ds.get("SliceThickness") or 1.0)
    first = points[int(np.argmin(depth))]
    count = int(round((unique[-1] - unique[0]) / spacing)) + 1
    return Image(
        np.zeros((count, *plane_shape[:2]), dtype=bool),
        spacing_mm=(spacing, pixel_spacing[0], pixel_spacing[1]),
        origin_mm=tuple(first[::-1].tolist()),
        direction=frame_axes[::-1, ::-1],
        metadata={"source": str(file)},
    )


def _place(
    positions: list[list[float]],
    orientations: list[list[float]],
    pixel_spacing: tuple[float, float],
    plane_shape: tuple[int, ...],
    grid: Image,
    *,
    tolerance_mm: float,
    where: str,
) -> list[int]:
    """The grid slice index of every frame; every misfit is collected, then raised."""
    if grid.spacing_mm is None:
        raise LoaderError(f"{where}: the reference image has no physical spacing (a 2-D "
                          "raster frame); a DICOM SEG is placed only on an image with "
                          "geometry (DICOM, NIfTI)")
    problems = []
    if tuple(plane_shape[:2]) != tuple(grid.array.shape[1:3]):
        problems.append(f"frames are {plane_shape[0]}x{plane_shape[1]}, the reference "
                        f"{grid.array.shape[1]}x{grid.array.shape[2]}")
    if not np.allclose(pixel_spacing, grid.spacing_mm[1:], atol=1e-4):
        problems.append(f"PixelSpacing {pixel_spacing} differs from the reference "
                        f"{grid.spacing_mm[1:]}")
    scaled = grid.direction * np.asarray(grid.spacing_mm)
    inverse = np.linalg.inv(scaled)
    slots = []
    for i, (position, orientation) in enumerate(zip(positions, orientations)):
        frame_dir = _slices.axes(orientation)[::-1, ::-1]
        if not np.allclose(frame_dir[:, 1:], grid.direction[:, 1:], atol=1e-4):
            problems.append(f"frame {i + 1} orientation {orientation} differs from the "
                            "reference's")
            slots.append(0)
            continue
        index = inverse @ (np.asarray(position, dtype=np.float64)[::-1]
                           - np.asarray(grid.origin_mm))
        k = int(round(index[0]))
        off_mm = np.abs(index - [k, 0, 0]) * np.asarray(grid.spacing_mm)
        if np.any(off_mm > tolerance_mm) or not 0 <= k < grid.array.shape[0]:
            problems.append(f"frame {i + 1} at {list(position)} mm is not on a slice of the "
                            f"reference grid (index {np.round(index, 3).tolist()})")
        slots.append(k)
    if problems:  # the first ten and the count: a SEG of 1,200 frames gave 1,000 lines
        shown = "; ".join(problems[:10]) + (
            f"; ... ({len(problems)} problems in all)" if len(problems) > 10 else "")
        raise LoaderError(f"{where}: does not fit the reference image: {shown}")
    return slots


def _same_series(ds: Any, reference: Image, file: Any) -> None:
    """The SEG's ReferencedSeriesSequence must name the reference image's series, when
    both state one: a SEG drawn on another series of the same frame of reference (a
    second reconstruction, another phase) would otherwise be placed on a grid it was not
    drawn on."""
    theirs = _grid_series(reference.metadata)
    named = _referenced_series(ds)
    if theirs and named and theirs not in named:
        raise LoaderError(
            f"SEG file {file}: was drawn on series {', '.join(named)} "
            f"(ReferencedSeriesSequence), not on the series {theirs} of the image "
            f"({reference.metadata.get('source')}); give the image it was drawn on"
        )


def _referenced_series(ds: Any) -> list[str]:
    """The SeriesInstanceUIDs a SEG's ReferencedSeriesSequence names."""
    named = [str(item.get("SeriesInstanceUID", ""))
             for item in ds.get("ReferencedSeriesSequence", None) or []]
    return [uid for uid in named if uid]


def _grid_series(metadata: Mapping[str, Any]) -> Any:
    """The series whose grid an image lies on: a SEG's label map lies on the image it
    was drawn on (``grid_series_uid``), not on its own series; any other image on its
    own series."""
    return metadata.get("grid_series_uid") or metadata.get("series_uid")


def _same_frame_of_reference(metadata: dict[str, Any], reference: Image, file: Any) -> None:
    mine = metadata.get("frame_of_reference_uid")
    theirs = reference.metadata.get("frame_of_reference_uid")
    if mine and theirs and mine != theirs:
        raise LoaderError(
            f"SEG file {file}: FrameOfReferenceUID {mine} differs from the reference image's "
            f"{theirs} ({reference.metadata.get('source')}); give the image it was drawn on"
        )


def _meaning(sequence: Any) -> str | None:
    if not sequence:
        return None
    return _text(sequence[0].get("CodeMeaning"))


def _text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)
