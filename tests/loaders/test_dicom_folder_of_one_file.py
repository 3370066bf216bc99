"""A folder holding one DICOM file without ImagePositionPatient (an enhanced multi-frame
object, an ultrasound cine, a mammogram exported beside its DICOMDIR) was refused as a
series whose 'slices cannot be ordered by geometry', though there was nothing to order.
It is read as the file: the values are pydicom's pixel_array (SimpleITK's for the
enhanced MR), the spacing the one its header states, worked out by hand."""

from __future__ import annotations

import shutil

import numpy as np
import pydicom
import SimpleITK as sitk
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.fileset import FileSet
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from medeval.loaders import read_image
from medeval.loaders.dicom import read_dicom_grid


def _cine(path, frames: np.ndarray) -> None:
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.3.1"
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.PatientID, ds.PatientName, ds.Modality = "p1", "x", "US"
    ds.StudyDate, ds.StudyTime, ds.StudyID, ds.SeriesNumber, ds.InstanceNumber = (
        "20260101", "1200", "1", 1, 1)
    ds.NumberOfFrames, ds.Rows, ds.Columns = frames.shape
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    region = Dataset()
    region.RegionSpatialFormat, region.RegionDataType, region.RegionFlags = 1, 1, 0
    region.RegionLocationMinX0, region.RegionLocationMinY0 = 0, 0
    region.RegionLocationMaxX1, region.RegionLocationMaxY1 = 63, 47
    region.PhysicalUnitsXDirection = region.PhysicalUnitsYDirection = 3  # cm
    region.PhysicalDeltaX, region.PhysicalDeltaY = 0.02, 0.025
    ds.SequenceOfUltrasoundRegions = Sequence([region])
    ds.PixelData = frames.tobytes()
    ds.save_as(path, enforce_file_format=True)


def test_an_ultrasound_cine_alone_in_its_folder_beside_a_dicomdir(tmp_path):
    frames = np.random.default_rng(4).integers(0, 256, (5, 48, 64), dtype=np.uint8)
    _cine(tmp_path / "cine.dcm", frames)
    media = FileSet()
    media.add(pydicom.dcmread(tmp_path / "cine.dcm"))
    media.write(tmp_path / "export")  # DICOMDIR + PT000000/ST000000/SE000000/IM000000
    series = next((tmp_path / "export").rglob("IM000000")).parent
    shutil.copy(tmp_path / "export" / "DICOMDIR", series / "DICOMDIR")

    image = read_image(series)

    np.testing.assert_array_equal(image.array, pydicom.dcmread(tmp_path / "cine.dcm").pixel_array)
    # 0.025 cm between rows, 0.02 cm between columns
    assert image.spacing_mm[1:] == (0.25, 0.2)
    assert image.metadata["spacing_source"] == "SequenceOfUltrasoundRegions"
    grid = read_dicom_grid(series)  # as a SEG of it is placed: headers only
    assert grid.shape == (5, 48, 64) and grid.spacing_mm == image.spacing_mm


def test_an_enhanced_mr_alone_in_its_folder(tmp_path, shared_data):
    shutil.copy(shared_data / "dicom/multiframe/emri_small.dcm", tmp_path / "emri_small.dcm")

    image = read_image(tmp_path)

    expected = sitk.GetArrayFromImage(sitk.ReadImage(str(tmp_path / "emri_small.dcm")))
    np.testing.assert_array_equal(image.array, expected)
    assert image.shape == (10, 64, 64)
