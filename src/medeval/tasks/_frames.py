"""The 2-D frames of a case against the size its reference states (private).

A 2-D reference (a mask image, a COCO or LabelMe annotation) holds coordinates of one
picture; a frame of another size, or one stored turned (an EXIF orientation), is not the
picture it was drawn on. The tasks of 2-D frames check each raster or DICOM input's
header here (a DICOM file's Rows and Columns: an ultrasound, mammogram or endoscopy
image; its NumberOfFrames and the pixel size it states), nothing decoded; a DICOM header
is read once for all the checks of a case (:func:`dicom_header`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from ..errors import LoaderError

__all__ = ["RASTER", "dicom_header", "dicom_size", "mismatched_frame", "raster_size"]

#: Formats read as raster frames (what :func:`medeval.loaders._files.sniff` names them).
RASTER = frozenset({"png", "jpeg", "bmp", "tiff"})


def raster_size(path: Path) -> tuple[int, int]:
    """Rows and columns of a raster file from its header (nothing decoded).

    Raises
    ------
    OSError
        The header cannot be read.
    LoaderError
        The file states an EXIF (or TIFF) orientation other than 1: its rows and columns
        are not the ones a viewer, an annotation tool or the algorithm may use.
    """
    from PIL import Image as PILImage

    from ..loaders.raster import check_orientation

    try:
        with PILImage.open(path) as image:
            width, height = image.size
            check_orientation(image, path, "tiff" if image.format == "TIFF" else "",
                              "frame", 0)
    except (OSError, LoaderError):
        raise
    except Exception as exc:  # Pillow's parsers raise many kinds on a damaged header
        raise OSError(f"Pillow cannot read its header: {exc}") from None
    return int(height), int(width)


#: The header elements the checks of this module read (nothing else is parsed).
_TAGS = ("Rows", "Columns", "NumberOfFrames", "PixelSpacing", "ImagerPixelSpacing",
         "EstimatedRadiographicMagnificationFactor", "SequenceOfUltrasoundRegions",
         "ImagePositionPatient", "PerFrameFunctionalGroupsSequence",
         "SharedFunctionalGroupsSequence", "PixelSpacingCalibrationType")


class _Header(NamedTuple):
    """What the checks need of a DICOM file's header; None where it cannot be read."""

    size: tuple[int, int] | None  # Rows, Columns
    frames: int | None  # NumberOfFrames, 1 when absent
    spacing: tuple[float, float] | None  # between rows, between columns (mm)
    source: str | None  # the rule that gave it (``metadata["spacing_source"]``)
    positioned: bool  # ImagePositionPatient or per-frame groups: its own geometry
    problem: str  # why the header (or its Rows and Columns) cannot be read
    differing: str | None = None  # its ultrasound regions' spacings, when they differ
    conflict: str | None = None  # its PixelSpacing against its ultrasound regions
    correction: str | None = None  # a copied PixelSpacing set aside for the magnification


def dicom_header(path: Path) -> _Header:
    """The header facts of a DICOM file, read once for all the checks of a case (its
    size, frame count and pixel size): a 37,500-frame set is read once per pass, not
    once per check. Cached by the file's identity and modification time."""
    status = path.stat()
    return _read_header(str(path), status.st_ino, status.st_size, status.st_mtime_ns,
                        status.st_ctime_ns)


@functools.lru_cache(maxsize=64)
def _read_header(path: str, *identity: int) -> _Header:
    import pydicom

    from ..loaders._slices import plane_spacing

    try:
        head = pydicom.dcmread(path, stop_before_pixels=True, force=True,
                               specific_tags=list(_TAGS))
    except Exception as exc:  # pydicom raises many kinds on a damaged header
        return _Header(None, None, None, None, False, f"pydicom cannot read it: {exc}")
    problem = ""
    try:
        size: tuple[int, int] | None = (int(head.Rows), int(head.Columns))
    except Exception as exc:
        size, problem = None, f"pydicom cannot read its Rows and Columns: {exc}"
    try:
        frames: int | None = int(head.get("NumberOfFrames") or 1)
    except Exception:
        frames = None
    stated: dict[str, object] = {}
    try:
        spacing: tuple[float, float] | None = plane_spacing(head, stated)
        source = str(stated["spacing_source"])
    except Exception:
        spacing, source = None, None
    positioned = "ImagePositionPatient" in head or "PerFrameFunctionalGroupsSequence" in head
    differing = _differing_regions(stated, size) if source == "absent" else None
    conflict, correction = stated.get("spacing_conflict"), stated.get("spacing_correction")
    return _Header(size, frames, spacing, source, positioned, problem, differing,
                   None if conflict is None else str(conflict),
                   None if correction is None else str(correction))


def _differing_regions(stated: dict[str, object], size: tuple[int, int] | None) -> str | None:
    """The ultrasound regions measured in cm, all inside the image, when they state
    different spacings (a zoom box beside the B-mode image, two depths side by side):
    the image has no one pixel size. None when they agree, or when one reaches past the
    image (a resized export, whose regions describe none of its pixels)."""
    regions = [r for r in stated.get("ultrasound_regions") or ()  # type: ignore[attr-defined]
               if r["spacing_mm"] is not None]
    if size is None or len({r["spacing_mm"] for r in regions}) < 2:
        return None
    rows, columns = size
    boxes = [r["box_x0_y0_x1_y1"] for r in regions]
    if not all(0 <= x0 <= x1 <= columns and 0 <= y0 <= y1 <= rows
               for x0, y0, x1, y1 in boxes):
        return None
    return "; ".join(f"{r['spacing_mm'][0]:g} x {r['spacing_mm'][1]:g} mm in "
                     f"{r['box_x0_y0_x1_y1']}" for r in regions)


def dicom_size(path: Path) -> tuple[int, int]:
    """Rows and Columns of a DICOM file from its header (the pixel data not read).

    Raises
    ------
    OSError
        The header cannot be read, or states no Rows and Columns.
    """
    head = dicom_header(path)
    if head.size is None:
        raise OSError(head.problem)
    return head.size


def mismatched_frame(
    root: Path, inputs: tuple[str, ...], size: tuple[int, int]
) -> tuple[str, tuple[int, int]] | None:
    """The first raster or DICOM input (its name and rows x columns) whose size is not
    ``size``.

    Inputs that are neither (a series folder, a NIfTI volume), or whose header cannot be
    read, are skipped: the manifest's own checks name an unreadable input. A mask drawn on
    a DICOM frame and saved transposed (columns x rows) is found here: scored against a
    prediction saved the same way it would give figures of another picture.

    Raises
    ------
    LoaderError
        A frame stored turned (EXIF orientation): which way was the reference drawn?
    """
    from ..loaders._files import sniff

    for name in inputs:
        frame = root / name
        try:
            kind = str(sniff(frame)) if frame.is_file() else ""
            if kind not in RASTER and kind != "dicom":
                continue
            found = raster_size(frame) if kind in RASTER else dicom_size(frame)
        except OSError:
            continue
        if found != size:
            return name, found
    return None


def stated_spacing(
    root: Path, inputs: tuple[str, ...]
) -> tuple[str, tuple[float, float], str] | None:
    """The first DICOM input whose header states a pixel size: its name, the spacing
    (between rows, between columns) in mm and the rule that gave it, as
    :func:`medeval.loaders.read_image` reads it (``metadata["spacing_source"]``:
    PixelSpacing, ImagerPixelSpacing over the magnification factor, ImagerPixelSpacing,
    or the ultrasound regions in cm; where a mammogram's PixelSpacing that copies
    ImagerPixelSpacing was set aside, that said after it). None when no input states
    one; nothing decoded."""
    for name, head in _dicom_headers(root, inputs):
        if head.spacing is not None and head.source not in (None, "absent"):
            said = "" if head.correction is None else (
                f"; its PixelSpacing copies ImagerPixelSpacing: {head.correction}")
            return name, head.spacing, str(head.source) + said
    return None


def differing_regions(root: Path, inputs: tuple[str, ...]) -> tuple[str, str] | None:
    """The first DICOM input whose ultrasound regions (in cm, inside the image) state
    different pixel sizes, and those sizes (rows x columns, in each region's box x0, y0,
    x1, y1): :func:`medeval.loaders.read_image` gives it none (``spacing_source``
    ``"absent"``), and one size declared for it contradicts at least one region. None
    when no input is such; headers only, unreadable inputs skipped."""
    for name, head in _dicom_headers(root, inputs):
        if head.differing is not None:
            return name, head.differing
    return None


def conflicting_spacing(root: Path, inputs: tuple[str, ...]) -> tuple[str, str] | None:
    """The first DICOM input whose PixelSpacing disagrees with its ultrasound regions
    calibrated in cm, and why (both sizes): :func:`medeval.loaders.read_image` gives it
    no pixel size (``spacing_source`` ``"absent"``, ``metadata["spacing_conflict"]``).
    None when no input is such; headers only, unreadable inputs skipped."""
    for name, head in _dicom_headers(root, inputs):
        if head.conflict is not None:
            return name, head.conflict
    return None


def unplaced_stack(root: Path, inputs: tuple[str, ...]) -> tuple[str, int] | None:
    """The first DICOM input holding several frames without positions (an ultrasound
    cine: frames are instants, with no distance between them) and its NumberOfFrames, or
    None. Headers only; unreadable inputs skipped."""
    for name, head in _dicom_headers(root, inputs):
        if not head.positioned and head.frames is not None and head.frames > 1:
            return name, head.frames
    return None


def unsized_frame(root: Path, inputs: tuple[str, ...]) -> str | None:
    """The first input frame that states no pixel size, or None: a raster file (PNG,
    JPEG, BMP, TIFF) or a DICOM file without PixelSpacing, ImagerPixelSpacing or a
    calibrated ultrasound region (an endoscopy image, an uncalibrated ultrasound export),
    which :func:`medeval.loaders.read_image` reads as 1 x 1 with ``spacing_source``
    ``"absent"``. Headers only; an input that cannot be read is skipped."""
    from ..loaders._files import sniff

    for name in inputs:
        frame = root / name
        try:
            kind = str(sniff(frame)) if frame.is_file() else ""
        except OSError:
            continue
        if kind in RASTER or (kind == "dicom" and _dicom_without_spacing(frame)):
            return name
    return None


def _dicom_without_spacing(frame: Path) -> bool:
    """A DICOM file without positions whose header states no pixel size."""
    try:
        head = dicom_header(frame)
    except OSError:  # an unreadable file: the manifest's checks name it
        return False
    # a CT or MR slice, an enhanced object: its own geometry
    return not head.positioned and head.source == "absent"


def mismatched_frame_count(
    root: Path, inputs: tuple[str, ...], count: int
) -> tuple[str, int] | None:
    """The first DICOM input (its name and NumberOfFrames, 1 when absent) that does not
    hold ``count`` frames: a stack of masks (a multi-page TIFF) drawn on a cine must give
    each of its frames one page, in order. Headers only; unreadable inputs skipped."""
    for name, head in _dicom_headers(root, inputs):
        if head.frames is not None and head.frames != count:
            return name, head.frames
    return None


def _dicom_headers(root: Path, inputs: tuple[str, ...]) -> Iterator[tuple[str, _Header]]:
    """Each DICOM input's name and header facts (:func:`dicom_header`), in order; inputs
    of other formats, and files that cannot be read (the manifest's checks name them),
    skipped."""
    from ..loaders._files import sniff

    for name in inputs:
        frame = root / name
        try:
            if not frame.is_file() or str(sniff(frame)) != "dicom":
                continue
            head = dicom_header(frame)
        except OSError:
            continue
        yield name, head
