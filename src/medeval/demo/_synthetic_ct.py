"""Synthetic CT for the demo's segmentation set: DICOM series and NIfTI reference masks.

Each case is a small axial CT volume (32 slices of 96 × 96 pixels, 0.75 mm pixels,
2.5 mm slices) of an elliptic body of soft tissue (40 HU) in air (−1000 HU), with a
vertebra-like column of bone (1000 HU) at the back, a few calcified specks (350 HU) and
one ellipsoidal "stone" (280–650 HU, from uric acid to calcium oxalate), blurred by a
point-spread function (Gaussian, σ = 1 mm in-plane, 1.5 mm along z) and overlaid with
Gaussian noise (σ = 30 HU). The reference mask is the stone's ellipsoid, voxel centres
inside it. Everything is drawn from a generator seeded with :data:`SEED` and the case
number, and every DICOM UID is derived from the case id, so the files are the same
bytes on every run (for a given pydicom and SimpleITK).

The image is written as a DICOM series (CT Image Storage, one file per slice, explicit
VR little endian, stored value = HU + 1024 with RescaleIntercept −1024), the mask as
``.nii.gz`` on the same grid, through SimpleITK.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["SEED", "SHAPE", "SPACING_MM", "CtCase", "synthetic_case", "write_case"]

#: Seed of every random draw of the synthetic CT.
SEED = 20261127
#: (slices, rows, columns).
SHAPE = (32, 96, 96)
#: (slice distance, row spacing, column spacing) in mm, in array order (z, y, x).
SPACING_MM = (2.5, 0.75, 0.75)
_ORIGIN_XY_MM = (-35.625, -35.625)  # centre of pixel [0, 0]: the FOV is centred on 0
_UID_ROOT = "medeval-demo-ct"
_CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2"
_EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1"


@dataclass(frozen=True)
class CtCase:
    """One synthetic case: the image in HU and the reference mask, (z, y, x)."""

    case_id: str
    hu: NDArray[np.int16]
    mask: NDArray[np.uint8]
    origin_mm: tuple[float, float, float]


def synthetic_case(index: int) -> CtCase:
    """Draw case number ``index`` (0-based); the same index gives the same arrays.

    Parameters
    ----------
    index : int
        The case number; its id is ``CT-00{index + 1}``.

    Returns
    -------
    CtCase
    """
    from scipy import ndimage

    rng = np.random.default_rng([SEED, index])
    nz, ny, nx = SHAPE
    dz, dy, dx = SPACING_MM
    z0 = -40.0 + 5.0 * index  # a different table position per case
    z, y, x = np.meshgrid(
        z0 + dz * np.arange(nz), _ORIGIN_XY_MM[0] + dy * np.arange(ny),
        _ORIGIN_XY_MM[1] + dx * np.arange(nx), indexing="ij",
    )
    image = np.full(SHAPE, -1000.0)
    body = (y / 33.0) ** 2 + (x / 34.5) ** 2 <= 1.0
    image[body] = 40.0
    spine = ((y - 22.0) / 5.5) ** 2 + (x / 6.5) ** 2 <= 1.0
    image[spine] = 1000.0
    # The stone: centre and semi-axes (mm) drawn per case, kept inside the body and
    # clear of the spine. Case 4 has a small stone, the hardest to delineate.
    semi = rng.uniform(5.0, 10.0, size=3) * (0.55 if index == 3 else 1.0)
    semi[0] = max(semi[0], 4.0)  # at least a few slices through it
    centre = (z0 + dz * (nz - 1) / 2 + rng.uniform(-8.0, 8.0),
              rng.uniform(-18.0, 4.0), rng.uniform(-18.0, 18.0))
    stone = (((z - centre[0]) / semi[0]) ** 2 + ((y - centre[1]) / semi[1]) ** 2
             + ((x - centre[2]) / semi[2]) ** 2) <= 1.0
    image[stone] = rng.uniform(280.0, 650.0)  # uric acid ... calcium oxalate
    for _ in range(4):  # calcified specks, a voxel or two each
        k, j, i = (int(rng.integers(4, nz - 4)), int(rng.integers(30, 66)),
                   int(rng.integers(20, 76)))
        if not stone[k, max(j - 3, 0):j + 4, max(i - 3, 0):i + 4].any():
            image[k, j, i:i + 2] = 350.0
    image = ndimage.gaussian_filter(image, sigma=(0.6, 1.3, 1.3))
    image += rng.normal(0.0, 30.0, size=SHAPE)
    hu = np.clip(np.rint(image), -1024, 3071).astype(np.int16)
    return CtCase(case_id=f"CT-{index + 1:03d}", hu=hu, mask=stone.astype(np.uint8),
                  origin_mm=(z0, _ORIGIN_XY_MM[0], _ORIGIN_XY_MM[1]))


def _uid(case_id: str, what: str) -> str:
    """A DICOM UID under 2.25 derived from the case id: the same on every run."""
    digest = hashlib.sha256(f"{_UID_ROOT}/{case_id}/{what}".encode()).digest()
    return "2.25." + str(int.from_bytes(digest[:16], "big"))


def write_case(case: CtCase, series_dir: Path, mask_path: Path) -> None:
    """Write a case's image as a DICOM series into ``series_dir`` and its mask as NIfTI.

    Parameters
    ----------
    case : CtCase
    series_dir : Path
        Created; receives ``slice-000.dcm`` ... one file per slice, bottom to top.
    mask_path : Path
        The reference mask (``.nii.gz``), same grid as the series.
    """
    import SimpleITK as sitk

    series_dir.mkdir(parents=True, exist_ok=True)
    for k in range(case.hu.shape[0]):
        _slice(case, k).save_as(series_dir / f"slice-{k:03d}.dcm", enforce_file_format=True)
    mask: Any = sitk.GetImageFromArray(case.mask)
    mask.SetSpacing(tuple(float(s) for s in reversed(SPACING_MM)))
    mask.SetOrigin(tuple(float(o) for o in reversed(case.origin_mm)))
    mask_path.parent.mkdir(parents=True, exist_ok=True)
    sitk.WriteImage(mask, str(mask_path), useCompression=True)


def _slice(case: CtCase, k: int) -> Any:
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import UID

    dz, dy, dx = SPACING_MM
    z = case.origin_mm[0] + dz * k
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = UID(_CT_IMAGE_STORAGE)
    meta.MediaStorageSOPInstanceUID = UID(_uid(case.case_id, f"sop/{k}"))
    meta.TransferSyntaxUID = UID(_EXPLICIT_VR_LITTLE_ENDIAN)
    meta.ImplementationClassUID = UID(_uid("medeval", "implementation"))
    meta.ImplementationVersionName = "MEDEVAL_DEMO"
    ds = Dataset()
    ds.file_meta = meta
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.ImageType = ["DERIVED", "SECONDARY", "AXIAL"]
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyDate = ds.SeriesDate = ds.ContentDate = "20260101"
    ds.StudyTime = ds.SeriesTime = ds.ContentTime = "090000"
    ds.AccessionNumber = ""
    ds.Modality = "CT"
    ds.Manufacturer = "medeval synthetic phantom"
    ds.ReferringPhysicianName = ""
    ds.StudyDescription = "medeval demo: synthetic abdominal CT"
    ds.SeriesDescription = "synthetic axial CT with one stone"
    ds.PatientName = f"DEMO^{case.case_id}"
    ds.PatientID = case.case_id
    ds.PatientBirthDate = ""
    ds.PatientSex = "O"
    ds.SliceThickness = f"{dz:g}"
    ds.SpacingBetweenSlices = f"{dz:g}"
    ds.KVP = "120"
    ds.PatientPosition = "HFS"
    ds.StudyInstanceUID = _uid(case.case_id, "study")
    ds.SeriesInstanceUID = _uid(case.case_id, "series")
    ds.StudyID = "1"
    ds.SeriesNumber = 1
    ds.InstanceNumber = k + 1
    ds.ImagePositionPatient = [f"{case.origin_mm[2]:g}", f"{case.origin_mm[1]:g}", f"{z:g}"]
    ds.ImageOrientationPatient = ["1", "0", "0", "0", "1", "0"]
    ds.FrameOfReferenceUID = _uid(case.case_id, "frame-of-reference")
    ds.PositionReferenceIndicator = ""
    ds.SliceLocation = f"{z:g}"
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows, ds.Columns = case.hu.shape[1], case.hu.shape[2]
    ds.PixelSpacing = [f"{dy:g}", f"{dx:g}"]
    ds.BitsAllocated = 16
    ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 0
    ds.WindowCenter = "40"
    ds.WindowWidth = "400"
    ds.RescaleIntercept = "-1024"
    ds.RescaleSlope = "1"
    ds.RescaleType = "HU"
    ds.PixelData = (case.hu[k].astype(np.int32) + 1024).astype("<u2").tobytes()
    return ds
