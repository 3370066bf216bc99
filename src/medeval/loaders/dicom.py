"""DICOM images: single files, series assembled by geometry, enhanced multi-frame objects.

Pixel data are decoded by pydicom. Compressed transfer syntaxes (RLE, JPEG lossless,
JPEG baseline/extended, JPEG-LS, JPEG 2000) go through pydicom's pylibjpeg plugins
(``pylibjpeg-libjpeg``, ``pylibjpeg-openjpeg``, ``pylibjpeg-rle``), maintained by the
pydicom project itself; pydicom picks them up without configuration.

Series are assembled by geometry, never by file name or InstanceNumber: each slice's
ImagePositionPatient is projected on the normal of its ImageOrientationPatient and the
slices are sorted along it. Duplicate positions, missing slices (non-uniform gaps), mixed
orientations, differing in-plane geometry and several series in one directory are errors
that name the files involved.

**Values.** The array is the stored values through the modality LUT only: Rescale
Slope/Intercept, or a Modality LUT Sequence as pydicom's ``apply_modality_lut`` applies
it (CT in HU; a mammogram, For Presentation or For Processing, in its 12- to 16-bit
stored values, uint16, not copied). The VOI LUT and window are display transforms and
are not applied (``metadata["voi_applied"]`` is False; ``"window"`` holds the
(center, width) pairs, ``"voi_lut_function"`` the function, ``"voi_lut_count"`` the
items of a VOI LUT Sequence). MONOCHROME1 (lowest value
white, as many mammograms are stored) is not inverted either: a model may need the
stored values, and an inversion needs a range the file does not fix.
``metadata["photometric_interpretation"]`` is the file's, and
``"array_photometric_interpretation"`` what the array holds: MONOCHROME1 stays
MONOCHROME1, so a caller wanting MONOCHROME2 computes ``top - array`` with the top of
its choice (``2**bits_stored - 1``, or the window's). SimpleITK (GDCM) does invert, to
``2**BitsStored - 1 - stored``, and measures at the detector plane (spacing rule 3 below,
even with a magnification factor): the same mammogram read by it gives other numbers.

**Colour.** YBR_FULL and YBR_FULL_422 (ultrasound machines write JPEG baseline 4:2:2)
come back RGB, channels last, ``(frames, rows, columns, 3)``, converted by pydicom's
``convert_color_space`` (PS3.3 C.7.6.3.1.2; ITU-T T.871, rounded to nearest); YBR_ICT and
YBR_RCT (JPEG 2000) RGB from the decoder; planar configuration 1 is interleaved.
PALETTE COLOR arrays hold the indices (the palette is not applied).

**Spacing of an image without patient positions** (mammography and other projection
radiographs, ultrasound, secondary capture), ``metadata["spacing_source"]`` naming the
rule used:

1. ``PixelSpacing``: the file's spacing in the patient (PS3.3 10.7.1.1), e.g. calibrated;
   an enhanced object's in its Pixel Measures functional group, shared or the same in
   every frame. Not where it disagrees with an ultrasound region calibrated in cm inside
   the image (PixelSpacing is no attribute of the US Image IOD; its calibration is the
   regions', C.8.5.5): the file then states no size one can trust, ``"absent"`` with
   ``"spacing_conflict"`` naming both. Not where it merely copies ImagerPixelSpacing
   (no PixelSpacingCalibrationType) beside a magnification factor above 1: that is the
   detector plane, and rule 2 applies, ``"spacing_correction"`` saying so.
2. ``ImagerPixelSpacing/EstimatedRadiographicMagnificationFactor``: ImagerPixelSpacing is
   measured at the detector's front plane (DX Detector Module, PS3.3 C.8.11.4), where
   the breast is magnified by SID/SOD (about 1.08 in contact mammography, 1.5-2 in a
   magnification view); divided by the factor (DX Positioning C.8.11.5) it is the
   spacing in the breast, the calibration IHE Mammography Image displays measure with.
3. ``ImagerPixelSpacing`` alone: the detector plane (lengths some 8 % too long).
4. ``SequenceOfUltrasoundRegions``: the regions whose X and Y are both in cm (Physical
   Units 3: B-mode, colour flow; not M-mode or Doppler strips); mm = |PhysicalDeltaY|,
   |PhysicalDeltaX| x 10, when they all agree. Regions of different spacing (two depths
   side by side, a zoom box), or one reaching past the image (a file resized after
   acquisition: its regions describe other pixels), give no spacing: ``"absent"`` with
   a ``"spacing_note"``; every region's box and spacing stay in
   ``metadata["ultrasound_regions"]`` for a task that measures inside one region.
5. ``"absent"``: (1, 1), as for any DICOM file without spacing.

The raw ``pixel_spacing_mm``, ``imager_pixel_spacing_mm`` and
``estimated_radiographic_magnification_factor`` are kept in the metadata, so a protocol
that measures at the detector plane can.

**Cine and subgroups.** The frames of a multi-frame object without positions stay in file
order; where FrameIncrementPointer names FrameTime or FrameTimeVector, ``"frame_axis"``
is ``"time"`` and ``"frame_time_ms"`` (``"frame_time_vector_ms"``) the time between frames
(the first spacing, 1.0, then means nothing). For mammography subgroups: ``"laterality"``
(ImageLaterality, else Laterality), ``"view"`` (CC, MLO, ML, LM, XCCL ...: from
ViewCodeSequence, CID 4014, by SNOMED CT code or the older codes' meaning; else
ViewPosition) and ``"presentation_intent_type"``.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import LoaderError, MedevalError
from . import _dicom_pixels, _slices
from ._dicom_metadata import _first, _metadata
from ._files import regular_file, sniff
from ._records import Image

__all__ = ["read_dicom_file", "read_dicom_file_grid", "read_dicom_grid", "read_dicom_series"]

_SKIPPED_NAMES = ("DICOMDIR",)


def read_dicom_file(path: str | os.PathLike[str]) -> Image:
    """Read one DICOM file: a single slice, or every frame of a multi-frame object.

    Frame geometry of an enhanced (multi-frame) object comes from its functional groups
    (Plane Position, Plane Orientation, Pixel Measures, Pixel Value Transformation); an
    RT Dose grid from GridFrameOffsetVector. Frames are sorted along the slice normal
    like the slices of a series. Without any position (a mammogram, an ultrasound cine)
    the frames are kept in file order, ``metadata["geometry"]`` is ``"absent"``, and the
    in-plane spacing follows the rules of the module docstring (``spacing_source``).

    Raises
    ------
    LoaderError
        Not DICOM, truncated, no pixel data, a transfer syntax no installed decoder
        handles, a header its pixel data contradict, inconsistent frame geometry.

    Examples
    --------
    A SonoSite cine from pydicom's test files (YBR_FULL_422, JPEG baseline), as RGB:

    >>> from pydicom.data import get_testdata_file
    >>> cine = read_dicom_file(get_testdata_file("examples_ybr_color.dcm"))
    >>> cine.shape, cine.array.dtype.name
    ((30, 240, 320, 3), 'uint8')
    >>> [cine.metadata[k] for k in ("photometric_interpretation",
    ...                             "array_photometric_interpretation", "frame_time_ms")]
    ['YBR_FULL_422', 'RGB', 33.333]
    """
    file = regular_file(path, what="DICOM file")
    return dataset_image(_dataset(file), file)


def dataset_image(dataset: Any, file: Path) -> Image:
    """:func:`read_dicom_file` of a dataset already read with its pixel data (by
    ``_dataset``): :func:`medeval.loaders.read_image` reads a file once to tell a SEG
    from an image and to decode it."""
    frames, photometric = _dicom_pixels.decode(dataset, file)
    with _header_values(f"DICOM file {file}"):
        metadata = _metadata(dataset, file)
        metadata["array_photometric_interpretation"] = photometric
        if ("PerFrameFunctionalGroupsSequence" in dataset
                or int(dataset.get("NumberOfFrames", 1)) > 1):
            return _multiframe(dataset, frames, file, metadata)
        return _single(dataset, frames, file, metadata)


@contextmanager
def _header_values(where: str) -> Iterator[None]:
    """A header value pydicom cannot convert (a DS of 'x.08', an IS of '') raises a
    plain ValueError when it is first read, an element whose VR bytes are damaged
    (``UX``) NotImplementedError: say which file, as a LoaderError."""
    try:
        yield
    except MedevalError:
        raise
    except (ValueError, TypeError, NotImplementedError) as exc:
        raise LoaderError(
            f"{where}: a header value cannot be read ({type(exc).__name__}: {exc}); the "
            "file breaks the DICOM value rules: have it exported again"
        ) from exc


def read_dicom_series(
    directory: str | os.PathLike[str], *, series_uid: str | None = None
) -> Image:
    """Read the DICOM series in ``directory`` (its files, not sub-directories).

    Parameters
    ----------
    directory : path
        A directory of single-frame DICOM files. Hidden files and ``DICOMDIR`` are
        skipped; any other file that is not DICOM is an error.
    series_uid : str, optional
        Which SeriesInstanceUID to read when the directory holds several.

    Returns
    -------
    Image
        Slices sorted along the normal of ImageOrientationPatient (increasing position),
        so ``origin_mm`` is the first slice's ImagePositionPatient, as SimpleITK does.
        ``spacing_mm[0]`` is the distance between slice positions, not SliceThickness.

    Raises
    ------
    LoaderError
        Naming the directory and the files: no DICOM file, files that are not DICOM,
        several series and no ``series_uid`` (all listed), duplicate positions, missing
        slices, mixed orientations, differing rows/columns/pixel spacing.
    """
    return _series(directory, series_uid, pixels=True)


def read_dicom_grid(
    directory: str | os.PathLike[str], *, series_uid: str | None = None
) -> Image:
    """:func:`read_dicom_series` without the pixels: the series' grid (shape, spacing,
    origin, direction) and metadata as it gives them, its array zeros of that shape that
    take no memory (read-only, ``np.broadcast_to``). For placing a DICOM SEG on the image
    it was drawn on, where only the grid matters: the headers alone are read
    (``stop_before_pixels``), not decoded, about half the time of a 120-slice CT.

    Raises
    ------
    LoaderError
        As :func:`read_dicom_series`, except for what only the pixel data show (their
        decoding, a truncated last element).
    """
    return _series(directory, series_uid, pixels=False)


def read_dicom_file_grid(path: str | os.PathLike[str]) -> Image:
    """:func:`read_dicom_file` without the pixels, for an image without positions (a
    mammogram, an ultrasound frame or cine): its frames, rows and columns, in-plane
    spacing (``spacing_source``) and metadata, its array zeros of that shape that take no
    memory. For placing a DICOM SEG of a 2-D image by the source image its frames name:
    a 4096 x 3328 JPEG 2000 mammogram or a cine of hundreds of frames is not decoded
    for its shape. A file with positions (a CT slice, an enhanced object) is read in full
    by :func:`read_dicom_file`.

    Raises
    ------
    LoaderError
        As :func:`read_dicom_file`, except for what only the pixel data show.
    """
    file = regular_file(path, what="DICOM file")
    ds = _dataset(file, pixels=False)
    if "ImagePositionPatient" in ds or "PerFrameFunctionalGroupsSequence" in ds:
        return read_dicom_file(file)
    with _header_values(f"DICOM file {file}"):
        metadata = _metadata(ds, file)
        metadata["sop_instance_uids"] = (str(ds.get("SOPInstanceUID", "")),)
        shape = (int(ds.get("NumberOfFrames") or 1), int(ds.Rows), int(ds.Columns))
        return _without_geometry(np.broadcast_to(np.zeros((), np.uint8), shape), ds, metadata)


def _series(directory: str | os.PathLike[str], series_uid: str | None, *,
            pixels: bool) -> Image:
    from pydicom.errors import InvalidDicomError

    folder = Path(directory)
    if not folder.is_dir():
        raise LoaderError(f"DICOM series {folder}: not a directory")
    files = sorted(
        p for p in folder.iterdir()
        if not p.name.startswith(".") and p.name not in _SKIPPED_NAMES and p.is_file()
    )
    if not files:
        raise LoaderError(f"DICOM series {folder}: holds no file{_subfolders(folder)}")
    datasets, rejected = [], []
    for file in files:
        try:
            datasets.append((file, _dataset(file, pixels=pixels)))
        except LoaderError as exc:
            if isinstance(exc.__cause__, InvalidDicomError):
                rejected.append(file.name)
            else:
                raise
    if rejected:
        raise LoaderError(
            f"DICOM series {folder}: file(s) that are not DICOM: {_names(rejected)}; "
            "move them out of the series directory"
        )
    series: dict[str, list[tuple[Path, Any]]] = {}
    for file, dataset in datasets:
        series.setdefault(str(dataset.get("SeriesInstanceUID", "")), []).append((file, dataset))
    if series_uid is not None:
        if series_uid not in series:
            raise LoaderError(
                f"DICOM series {folder}: no series {series_uid}; it holds {_listing(series)}"
            )
        chosen = series[series_uid]
    elif len(series) > 1:
        raise LoaderError(
            f"DICOM series {folder}: holds {len(series)} series, {_listing(series)}; "
            "choose one with series_uid= (read_image), or give each series a folder of "
            "its own (a manifest names a folder)"
        )
    else:
        chosen = next(iter(series.values()))
    with _header_values(f"DICOM series {folder}"):
        return _assemble(chosen, folder, pixels=pixels)


def _subfolders(folder: Path) -> str:
    """Why a folder without files is no series: the folders inside it that hold files (a
    study or patient folder, e.g. a DICOMDIR export's ``SE000``), or nothing at all."""
    held = sorted(
        p.name for p in folder.iterdir()
        if not p.name.startswith(".") and p.is_dir()
        and any(f.is_file() and not f.name.startswith(".") for f in p.rglob("*"))
    )
    if not held:
        return "; check the path"
    shown = ", ".join(repr(name) for name in held[:5]) + (
        f", ... ({len(held)} folders)" if len(held) > 5 else "")
    return (f", only folder(s) holding files: {shown}; name the folder of one series "
            "(its slice files side by side), not the study or patient folder above it")


def _assemble(members: list[tuple[Path, Any]], folder: Path, *, pixels: bool = True) -> Image:
    where = f"DICOM series {folder}"
    frames = [file.name for file, ds in members if _frame_count(ds) > 1]
    placed = all(key in members[0][1] for key in ("ImagePositionPatient",
                                                  "ImageOrientationPatient"))
    if len(members) == 1 and (frames or not placed):
        # One file alone in its folder (an enhanced multi-frame object, an ultrasound
        # cine, a mammogram beside its DICOMDIR, an RT dose): nothing to order, read as
        # the file. It was refused as 'without ImagePositionPatient/
        # ImageOrientationPatient ... cannot be ordered'; an RT dose (ImagePositionPatient
        # and 15 frames) was stacked as one slice of 15 frames, a 4-D array
        file, ds = members[0]
        return dataset_image(ds, file) if pixels else read_dicom_file_grid(file)
    if frames:  # each file one slice: frames of several files have no order
        raise LoaderError(
            f"{where}: file(s) of several frames: {_names(frames)}; a series folder holds "
            "slices of one frame each: name each multi-frame file in the manifest")
    names = [file.name for file, _ in members]
    layouts: dict[tuple[int, int, tuple[float, ...]], str] = {}
    for file, ds in members:
        key = (int(ds.get("Rows", 0)), int(ds.get("Columns", 0)),
               tuple(round(float(v), 6) for v in ds.get("PixelSpacing", (1.0, 1.0))))
        layouts.setdefault(key, file.name)
    if len(layouts) > 1:
        shown = "; ".join(f"{r}x{c} at {s} mm ({n})" for (r, c, s), n in layouts.items())
        raise LoaderError(f"{where}: slices differ in rows x columns or PixelSpacing: {shown}")
    missing = [n for n, (_, ds) in zip(names, members)
               if "ImagePositionPatient" not in ds or "ImageOrientationPatient" not in ds]
    if missing:
        raise LoaderError(
            f"{where}: file(s) without ImagePositionPatient/ImageOrientationPatient: "
            f"{_names(missing)}; the slices cannot be ordered by geometry"
        )
    first = members[0][1]
    thickness = first.get("SliceThickness")
    stacked = _slices.stack(
        [ds.ImagePositionPatient for _, ds in members],
        [ds.ImageOrientationPatient for _, ds in members],
        names,
        where=where,
        default_spacing_mm=float(first.get("SpacingBetweenSlices") or thickness or 1.0),
    )
    ordered = [members[i] for i in stacked.order]
    if pixels:
        array = _dicom_pixels.decoded_stack(
            ordered, [_rescale_of(ds) for _, ds in ordered], where=where)
    else:  # the grid alone: zeros of the planes' shape, in no memory
        samples = int(first.get("SamplesPerPixel", 1) or 1)
        shape = (len(ordered), *next(iter(layouts))[:2], *((samples,) if samples > 1 else ()))
        array = np.broadcast_to(np.zeros((), np.uint8), shape)
    metadata = _metadata(first, folder)
    metadata["sop_instance_uids"] = tuple(str(ds.get("SOPInstanceUID", "")) for _, ds in ordered)
    metadata["files"] = tuple(file.name for file, _ in ordered)
    return _image(array, stacked, _slices.plane_spacing(first, metadata), metadata)


def _frame_count(ds: Any) -> int:
    """The NumberOfFrames a header states (1 where it states none or cannot be read)."""
    try:
        return int(ds.get("NumberOfFrames", 1) or 1)
    except (TypeError, ValueError):
        return 1


def _single(ds: Any, pixels: NDArray[Any], file: Path, metadata: dict[str, Any]) -> Image:
    metadata["sop_instance_uids"] = (str(ds.get("SOPInstanceUID", "")),)
    array = _dose_scaled(_modality_values(ds, pixels[np.newaxis], [_rescale_of(ds)],
                                          metadata), ds, metadata)
    if "ImagePositionPatient" in ds and "ImageOrientationPatient" in ds:
        thickness = ds.get("SpacingBetweenSlices") or ds.get("SliceThickness") or 1.0
        stacked = _slices.stack([ds.ImagePositionPatient], [ds.ImageOrientationPatient],
                                [file.name], where=f"DICOM file {file}",
                                default_spacing_mm=float(thickness))
        return _image(array, stacked, _slices.plane_spacing(ds, metadata), metadata)
    return _without_geometry(array, ds, metadata)


def _multiframe(ds: Any, frames: NDArray[Any], file: Path, metadata: dict[str, Any]) -> Image:
    count = int(ds.get("NumberOfFrames", 1))
    if count == 1:
        frames = frames[np.newaxis]
    metadata["sop_instance_uids"] = (str(ds.get("SOPInstanceUID", "")),)
    planes = frame_planes(ds)
    scales = frame_rescales(ds, count)
    if planes is None:  # frames in file order: a cine (see frame_time_ms) or unplaced
        array = _modality_values(ds, frames, scales, metadata)
        return _without_geometry(array, ds, metadata)
    positions, orientations, spacing = planes
    stacked = _slices.stack(positions, orientations, [f"frame {i + 1}" for i in range(count)],
                            where=f"DICOM file {file}",
                            default_spacing_mm=float(ds.get("SpacingBetweenSlices") or 1.0))
    in_order = bool(np.all(stacked.order == np.arange(count)))
    ordered = frames if in_order else frames[stacked.order]
    array = _dose_scaled(_apply_rescale(ordered, [scales[i] for i in stacked.order]), ds,
                         metadata)
    metadata["frame_order"] = tuple(int(i) + 1 for i in stacked.order)
    metadata["spacing_source"] = "PixelSpacing"
    return _image(array, stacked, spacing, metadata)


def frame_planes(
    ds: Any,
) -> tuple[list[list[float]], list[list[float]], tuple[float, float]] | None:
    """Per-frame positions, orientations and the pixel spacing of a multi-frame object.

    Read from the functional groups (per-frame first, then shared), or for RT Dose from
    ImagePositionPatient plus GridFrameOffsetVector. None when the file has no frame
    positions.
    """
    count = int(ds.get("NumberOfFrames", 1))
    shared = _first(ds.get("SharedFunctionalGroupsSequence"))
    per_frame = _per_frame_items(ds, count)
    if per_frame is not None:
        positions, orientations, spacings = [], [], set()
        for item in per_frame:
            position = _group(item, shared, "PlanePositionSequence", "ImagePositionPatient")
            orientation = _group(item, shared, "PlaneOrientationSequence",
                                 "ImageOrientationPatient")
            spacing = _group(item, shared, "PixelMeasuresSequence", "PixelSpacing")
            if position is None or orientation is None:
                return None
            positions.append([float(v) for v in position])
            orientations.append([float(v) for v in orientation])
            spacings.add(tuple(float(v) for v in spacing) if spacing is not None else (1.0, 1.0))
        if len(spacings) > 1:
            raise LoaderError(f"DICOM {ds.filename}: frames differ in PixelSpacing {spacings}")
        row, col = spacings.pop()
        return positions, orientations, (row, col)
    offsets = ds.get("GridFrameOffsetVector")
    if offsets is not None and "ImagePositionPatient" in ds and len(offsets) == count:
        origin = np.asarray(ds.ImagePositionPatient, dtype=np.float64)
        normal = _slices.axes(ds.ImageOrientationPatient)[:, 2]
        relative = float(offsets[0]) == 0.0
        base = origin if relative else origin - float(np.dot(origin, normal)) * normal
        positions = [(base + float(o) * normal).tolist() for o in offsets]
        orientations = [[float(v) for v in ds.ImageOrientationPatient]] * count
        return positions, orientations, _pixel_spacing(ds)
    return None


def frame_rescales(ds: Any, count: int) -> list[tuple[float, float]]:
    """(slope, intercept) of each frame, from the functional groups or the top level."""
    shared = _first(ds.get("SharedFunctionalGroupsSequence"))
    per_frame = _per_frame_items(ds, count)
    result = []
    for i in range(count):
        item = per_frame[i] if per_frame is not None else None
        slope = _group(item, shared, "PixelValueTransformationSequence", "RescaleSlope")
        intercept = _group(item, shared, "PixelValueTransformationSequence", "RescaleIntercept")
        if slope is None and intercept is None:
            result.append(_rescale_of(ds))
        else:
            result.append((float(slope if slope is not None else 1.0),
                           float(intercept if intercept is not None else 0.0)))
    return result


def _per_frame_items(ds: Any, count: int) -> list[Any] | None:
    """The per-frame functional group items, one per frame, or None.

    A file without NumberOfFrames holds one frame (the DICOM default); if it carries
    more per-frame items than that (as pydicom's ``liver_1frame.dcm`` does), the first
    item describes the frame stored.
    """
    items = ds.get("PerFrameFunctionalGroupsSequence")
    if items is None:
        return None
    if "NumberOfFrames" not in ds and len(items) > count:
        return list(items)[:count]
    return list(items) if len(items) == count else None


def _group(item: Any, shared: Any, sequence: str, keyword: str) -> Any:
    for source in (item, shared):
        if source is not None and sequence in source:
            inner = _first(source[sequence].value)
            if inner is not None and keyword in inner:
                return inner[keyword].value
    return None


def _dataset(file: Path, *, pixels: bool = True) -> Any:
    """Read a DICOM file's dataset, turning every reader failure into a LoaderError
    (``pixels=False``: its elements before the pixel data only)."""
    import pydicom
    from pydicom.errors import InvalidDicomError

    force = sniff(file) == "dicom" and _has_no_preamble(file)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            dataset = pydicom.dcmread(file, force=force, stop_before_pixels=not pixels)
    except InvalidDicomError as exc:
        raise LoaderError(
            f"DICOM file {file}: not a DICOM file (no 'DICM' marker); check the path"
        ) from exc
    except Exception as exc:  # a cut or corrupt file raises anything from EOFError to
        # struct.error, zlib.error (a deflated dataset) or pydicom's BytesLengthException
        raise LoaderError(
            f"DICOM file {file}: cannot be parsed, truncated or corrupt "
            f"({type(exc).__name__}: {exc}); obtain a fresh copy"
        ) from exc
    for warning in caught:
        if "End of file" in str(warning.message):  # pydicom reads on past a truncation
            raise LoaderError(
                f"DICOM file {file}: truncated ({warning.message}); obtain a fresh copy"
            )
        warnings.warn_explicit(warning.message, warning.category, warning.filename,
                               warning.lineno)
    if pixels:  # a file read up to its pixels ends before its last element
        _dicom_pixels.check_complete(dataset, file, file.stat().st_size)
    _name_read_syntax(dataset)
    return dataset


def _name_read_syntax(dataset: Any) -> None:
    """Name the transfer syntax of a file without File Meta Information (no group 0002:
    an old implicit VR file, often without the preamble too) as the one pydicom read it
    in, when its Pixel Data are native (a defined length). The DICOM default is Implicit
    VR Little Endian (PS3.5 10.1); uncompressed values decode the same whatever the file
    meta would have said, as SimpleITK (GDCM) reads them. Such a file was refused as
    stating no TransferSyntaxUID. Encapsulated (compressed) data name no codec without
    it, and stay refused by ``_dicom_pixels.decode``."""
    from pydicom.uid import ExplicitVRBigEndian, ExplicitVRLittleEndian, ImplicitVRLittleEndian

    meta = getattr(dataset, "file_meta", None)
    if meta is None or "TransferSyntaxUID" in meta:
        return
    pixel_data = dataset.get_item(0x7FE00010) if 0x7FE00010 in dataset else None
    if pixel_data is not None and pixel_data.length == 0xFFFFFFFF:
        return  # encapsulated: the compression is not stated anywhere else
    implicit, little = dataset.original_encoding
    if implicit is None or little is None:
        return
    meta.TransferSyntaxUID = (ImplicitVRLittleEndian if implicit and little else
                              ExplicitVRLittleEndian if little else ExplicitVRBigEndian)


def _has_no_preamble(file: Path) -> bool:
    with open(file, "rb") as handle:
        head = handle.read(132)
    return head[128:132] != b"DICM"


def _pixels(ds: Any, file: Path) -> NDArray[Any]:
    """Decode the pixel data, naming the file and the transfer syntax on failure."""
    return _dicom_pixels.decode(ds, file)[0]


def _rescale_of(ds: Any) -> tuple[float, float]:
    return (float(ds.get("RescaleSlope", 1.0) or 1.0),
            float(ds.get("RescaleIntercept", 0.0) or 0.0))


def _apply_rescale(stack: NDArray[Any], scales: Sequence[tuple[float, float]]) -> NDArray[Any]:
    """Apply each plane's slope/intercept: stored dtype, int32, or float64 as needed.

    ``stack`` is ``(planes, rows, columns[, samples])`` and is handed back as it is when
    every slope is 1 and every intercept 0 (a 3328 x 4096 mammogram is not copied);
    otherwise it is converted once to the wider type and rescaled in place.
    """
    if all(s == 1.0 and i == 0.0 for s, i in scales):
        return stack
    dtype = _dicom_pixels.rescaled_dtype(stack.dtype, scales)
    out = stack.astype(dtype, copy=False)
    if not out.flags.writeable:
        out = out.copy()
    for k, (slope, intercept) in enumerate(scales):
        if slope != 1.0:
            out[k] *= dtype.type(slope)
        if intercept != 0.0:
            out[k] += dtype.type(intercept)
    return out


def _dose_scaled(array: NDArray[Any], ds: Any, metadata: dict[str, Any]) -> NDArray[Any]:
    """An RT Dose grid in Gy: its stored values times DoseGridScaling (PS3.3 C.8.8.3.4.1),
    one plane or many alike."""
    if "DoseGridScaling" not in ds:
        return array
    metadata["dose_grid_scaling"] = float(ds.DoseGridScaling)
    scaled: NDArray[Any] = array * float(ds.DoseGridScaling)
    return scaled


def _modality_values(
    ds: Any, stack: NDArray[Any], scales: Sequence[tuple[float, float]],
    metadata: dict[str, Any],
) -> NDArray[Any]:
    """The modality LUT: a Modality LUT Sequence (as pydicom's ``apply_modality_lut``
    applies it; projection radiographs may carry one) or else slope/intercept."""
    if ds.get("ModalityLUTSequence"):  # pydicom's order: the LUT before slope/intercept
        from pydicom.pixels.processing import apply_modality_lut

        metadata["modality_lut"] = "ModalityLUTSequence"
        values: NDArray[Any] = apply_modality_lut(stack, ds)
        return values
    metadata["modality_lut"] = "rescale"
    return _apply_rescale(stack, scales)


def _pixel_spacing(ds: Any) -> tuple[float, float]:
    spacing = ds.get("PixelSpacing")
    if spacing is None:
        return (1.0, 1.0)
    return (float(spacing[0]), float(spacing[1]))


def _image(
    array: NDArray[Any],
    stacked: _slices.Stack,
    pixel_spacing: tuple[float, float],
    metadata: dict[str, Any],
) -> Image:
    # DICOM PixelSpacing is (between rows = y, between columns = x); axes_xyz columns
    # are the row direction (x), the column direction (y) and the normal (z).
    metadata["geometry"] = "dicom"
    return Image(
        array=array,
        spacing_mm=(stacked.spacing_mm, pixel_spacing[0], pixel_spacing[1]),
        origin_mm=tuple(stacked.origin_xyz[::-1].tolist()),
        direction=stacked.axes_xyz[::-1, ::-1],
        metadata=metadata,
    )


def _without_geometry(array: NDArray[Any], ds: Any, metadata: dict[str, Any]) -> Image:
    metadata["geometry"] = "absent"
    row, col = _slices.plane_spacing(ds, metadata)
    depth = float(ds.get("SpacingBetweenSlices") or 1.0)
    return Image(array=array, spacing_mm=(depth, row, col), metadata=metadata)


def _names(names: Sequence[str]) -> str:
    """The first ten file names, then how many there are (a folder of 1,000 JPEG files
    named .dcm is not listed whole)."""
    return ", ".join(names[:10]) + (f", ... ({len(names)} files)" if len(names) > 10 else "")


def _listing(series: dict[str, list[tuple[Path, Any]]]) -> str:
    """Each series: its UID, file count, modality and description (what tells a scout
    from the axial series), one file."""
    def described(ds: Any) -> str:
        words = [str(ds.get(k) or "").strip() for k in ("Modality", "SeriesDescription")]
        return " ".join(repr(w) if i else w for i, w in enumerate(words) if w)

    shown = ", ".join(
        f"{uid or '(no SeriesInstanceUID)'} ({len(members)} file{'s' * (len(members) > 1)}"
        f"{', ' + described(members[0][1]) if described(members[0][1]) else ''}, "
        f"e.g. {members[0][0].name})"
        for uid, members in sorted(series.items())[:10]
    )
    return shown + (f", ... ({len(series)} series)" if len(series) > 10 else "")
