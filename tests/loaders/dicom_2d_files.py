"""Mammograms and ultrasound objects written with pydicom, for the 2-D DICOM tests.

The shared data hold no MG and no US file. pydicom's own test files hold a real
ultrasound cine (``examples_ybr_color.dcm``: SonoSite, 30 frames, YBR_FULL_422, JPEG
baseline) and a real single-frame RGB ultrasound (``examples_rgb_color.dcm``), used as
they are; the rest is built here: a dataset with the attributes of the IOD that matter
to reading it (PS3.3 A.27 Digital Mammography X-Ray Image, A.6 / A.7 Ultrasound (Multi-
frame) Image), pixels from numpy, JPEG baseline frames from Pillow, JPEG 2000 from
pylibjpeg-openjpeg through ``Dataset.compress``.

Sizes are those of real detectors: a Hologic Selenia Dimensions 24 x 29 cm detector at
70 um writes Rows 4096 and Columns 3328 (portrait: the long side runs top to bottom).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pydicom
from PIL import Image as PILImage
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.pixels import convert_color_space
from pydicom.uid import ExplicitVRLittleEndian, JPEGBaseline8Bit, generate_uid

MG_FOR_PRESENTATION = "1.2.840.10008.5.1.4.1.1.1.2"
MG_FOR_PROCESSING = "1.2.840.10008.5.1.4.1.1.1.2.1"
US_MULTIFRAME = "1.2.840.10008.5.1.4.1.1.3.1"
US_IMAGE = "1.2.840.10008.5.1.4.1.1.6.1"

HOLOGIC_ROWS, HOLOGIC_COLUMNS = 4096, 3328


def dataset(sop_class: str, syntax: str = ExplicitVRLittleEndian) -> Dataset:
    """An empty dataset of ``sop_class`` with its file meta, ready for ``save_as``."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = syntax
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID, ds.SOPInstanceUID = sop_class, meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.PatientID = "KTL-0001"
    return ds


def mammogram(
    stored: np.ndarray,
    *,
    bits_stored: int = 12,
    photometric: str = "MONOCHROME2",
    for_processing: bool = False,
    laterality: str = "L",
    view: str | None = "CC",
    imager_spacing: tuple[float, float] | None = (0.07, 0.07),
) -> Dataset:
    """A Digital Mammography X-Ray Image of the uint16 array ``stored`` (rows, columns).

    ``stored`` is written as its bytes: bits above ``bits_stored`` go into the file as
    they are (PS3.5 8.1.1 says a reader ignores them).
    """
    ds = dataset(MG_FOR_PROCESSING if for_processing else MG_FOR_PRESENTATION)
    ds.Modality = "MG"
    ds.Manufacturer = "HOLOGIC, Inc."
    ds.PresentationIntentType = "FOR PROCESSING" if for_processing else "FOR PRESENTATION"
    ds.ImageType = ["ORIGINAL", "PRIMARY", ""]
    ds.ImageLaterality = laterality
    if view is not None:
        ds.ViewPosition = view
    ds.PatientOrientation = ["A", "R"] if laterality == "L" else ["P", "L"]
    ds.Rows, ds.Columns = stored.shape
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = photometric
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, bits_stored, bits_stored - 1
    ds.PixelRepresentation = 0
    ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = 0, 1, "US"
    if imager_spacing is not None:
        ds.ImagerPixelSpacing = list(imager_spacing)
    ds.PixelData = np.ascontiguousarray(stored, dtype="<u2").tobytes()
    return ds


def regions(*items: tuple[tuple[int, int, int, int], float, float, int, int]) -> list[Dataset]:
    """SequenceOfUltrasoundRegions items: ((x0, y0, x1, y1), delta_x, delta_y, units_x,
    units_y); units 3 is cm (PS3.3 C.8.5.5.1.15), the deltas are per pixel in those
    units. Spatial format 1 (2D) and data type 1 (tissue) for cm x cm, else 3 (spectral)."""
    out = []
    for (x0, y0, x1, y1), dx, dy, ux, uy in items:
        item = Dataset()
        tissue = (ux, uy) == (3, 3)
        item.RegionSpatialFormat, item.RegionDataType = (1, 1) if tissue else (3, 3)
        item.RegionFlags = 0
        item.RegionLocationMinX0, item.RegionLocationMinY0 = x0, y0
        item.RegionLocationMaxX1, item.RegionLocationMaxY1 = x1, y1
        item.PhysicalUnitsXDirection, item.PhysicalUnitsYDirection = ux, uy
        item.PhysicalDeltaX, item.PhysicalDeltaY = dx, dy
        out.append(item)
    return out


def ultrasound(
    rgb: np.ndarray,
    *,
    photometric: str = "RGB",
    planar: int = 0,
    jpeg: bool = False,
    frame_time_ms: float | None = 33.3,
    us_regions: list[Dataset] | None = None,
) -> Dataset:
    """An Ultrasound (Multi-frame) Image of ``rgb``, uint8 (frames, rows, columns, 3).

    ``jpeg``: each frame a JPEG baseline stream from Pillow, 4:2:2 chroma (what US
    machines write), photometric YBR_FULL_422. Otherwise native: RGB as given, YBR_FULL
    by pydicom's ``convert_color_space``, YBR_FULL_422 from that with each pair of
    pixels keeping its first pixel's CB and CR; PlanarConfiguration ``planar``.
    One frame makes an Ultrasound Image Storage object, more a multi-frame one.
    """
    frames, rows, columns, _ = rgb.shape
    multi = frames > 1
    ds = dataset(US_MULTIFRAME if multi else US_IMAGE,
                 JPEGBaseline8Bit if jpeg else ExplicitVRLittleEndian)
    ds.Modality = "US"
    ds.Manufacturer = "SAMSUNG MEDISON"
    ds.Rows, ds.Columns = rows, columns
    ds.SamplesPerPixel = 3
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    ds.PlanarConfiguration = 0 if jpeg or photometric == "YBR_FULL_422" else planar
    if multi:
        ds.NumberOfFrames = frames
        if frame_time_ms is not None:
            ds.FrameTime = frame_time_ms
            ds.FrameIncrementPointer = 0x00181063
    if us_regions is not None:
        ds.SequenceOfUltrasoundRegions = us_regions
    if jpeg:
        ds.PhotometricInterpretation = "YBR_FULL_422"
        ds.LossyImageCompression = "01"
        ds.PixelData = encapsulate([jpeg_frame(f) for f in rgb], has_bot=True)
        return ds
    ds.PhotometricInterpretation = photometric
    values = rgb if photometric == "RGB" else convert_color_space(rgb, "RGB", "YBR_FULL")
    if photometric == "YBR_FULL_422":
        pairs = values.reshape(frames, rows, columns // 2, 2, 3)
        packed = np.concatenate([pairs[..., 0, 0:1], pairs[..., 1, 0:1],
                                 pairs[..., 0, 1:3]], axis=-1)  # Y1 Y2 CB CR
        ds.PixelData = packed.tobytes()
    elif planar == 1:
        ds.PixelData = np.ascontiguousarray(values.transpose(0, 3, 1, 2)).tobytes()
    else:
        ds.PixelData = values.tobytes()
    return ds


def jpeg_frame(rgb: np.ndarray) -> bytes:
    """One JPEG baseline stream (JFIF, YCbCr 4:2:2) of an RGB frame, by Pillow."""
    buffer = io.BytesIO()
    PILImage.fromarray(rgb, "RGB").save(buffer, "JPEG", quality=95, subsampling=1)
    return buffer.getvalue()


def ybr_422_expanded(rgb: np.ndarray) -> np.ndarray:
    """The YBR_FULL values a reader must see in ``ultrasound(rgb, photometric=
    "YBR_FULL_422")``: each pixel of a pair carries the first pixel's CB and CR."""
    ybr = convert_color_space(rgb, "RGB", "YBR_FULL").copy()
    ybr[..., 1::2, 1:] = ybr[..., 0::2, 1:]
    return ybr


def cine(frames: int, rows: int, columns: int, seed: int = 0) -> np.ndarray:
    """RGB frames whose brightness grows with the frame number (a check of frame order),
    smooth enough for JPEG to keep it."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:rows, 0:columns]
    base = np.stack([x * 255 // max(columns - 1, 1), y * 255 // max(rows - 1, 1),
                     (x + y) * 127 // max(rows + columns - 2, 1)], axis=-1)
    out = np.empty((frames, rows, columns, 3), dtype=np.uint8)
    for k in range(frames):
        noise = rng.integers(0, 8, (rows, columns, 3))
        out[k] = np.clip(base // 3 + 20 * k + noise, 0, 255)
    return out


def save(ds: Dataset, path: Path) -> Path:
    ds.save_as(path, enforce_file_format=True)
    return path


def read_back(path: Path) -> Dataset:
    return pydicom.dcmread(path)
