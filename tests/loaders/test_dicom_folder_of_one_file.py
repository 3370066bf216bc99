"""A folder holding one DICOM file without ImagePositionPatient (an enhanced multi-frame
object, an ultrasound cine, a mammogram exported beside its DICOMDIR) was refused as a
series whose 'slices cannot be ordered by geometry', though there was nothing to order.
It is read as the file: the values are pydicom's pixel_array (SimpleITK's for the
enhanced MR), the spacing the one its header states, worked out by hand."""

from __future__ import annotations

import shutil

import numpy as np
import pydicom
import pytest
import SimpleITK as sitk
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.fileset import FileSet
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from medeval.errors import LoaderError
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


def test_an_rt_dose_alone_in_its_folder_is_read_as_its_frames(tmp_path, shared_data):
    # rtdose.dcm states ImagePositionPatient and 15 frames (GridFrameOffsetVector): it
    # was stacked as one slice holding 15 frames, a (1, 15, 10, 10) array
    shutil.copy(shared_data / "dicom/multiframe/rtdose.dcm", tmp_path / "rtdose.dcm")
    sitk_image = sitk.ReadImage(str(tmp_path / "rtdose.dcm"))

    image = read_image(tmp_path)

    assert image.shape == (15, 10, 10)
    # SimpleITK's voxels are the stored values; DoseGridScaling is applied on top of them
    scaling = float(pydicom.dcmread(tmp_path / "rtdose.dcm").DoseGridScaling)
    np.testing.assert_allclose(image.array, sitk.GetArrayFromImage(sitk_image) * scaling)
    np.testing.assert_allclose(image.spacing_mm, sitk_image.GetSpacing()[::-1])
    assert read_dicom_grid(tmp_path).shape == (15, 10, 10)


def test_a_series_folder_of_multi_frame_files_is_refused(tmp_path, shared_data):
    # two RT doses of one series side by side, the second 100 mm above: they were
    # stacked as two slices of 15 frames each, a (2, 15, 10, 10) array
    dose = pydicom.dcmread(shared_data / "dicom/multiframe/rtdose.dcm")
    dose.save_as(tmp_path / "a.dcm")
    dose.SOPInstanceUID = dose.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    dose.ImagePositionPatient[2] += 100
    dose.save_as(tmp_path / "b.dcm")

    with pytest.raises(LoaderError) as raised:
        read_image(tmp_path)

    assert str(raised.value) == (
        f"DICOM series {tmp_path}: file(s) of several frames: a.dcm, b.dcm; a series folder "
        "holds slices of one frame each: name each multi-frame file in the manifest")


def test_a_slice_without_orientation_alone_in_its_folder(tmp_path, shared_data):
    # CT_small without ImageOrientationPatient: the file reads (geometry absent), its
    # folder was refused as a series whose slices cannot be ordered by geometry
    ds = pydicom.dcmread(shared_data / "dicom/ct/CT_small.dcm")
    del ds.ImageOrientationPatient
    ds.save_as(tmp_path / "ct.dcm")

    image = read_image(tmp_path)

    expected = sitk.GetArrayFromImage(sitk.ReadImage(str(tmp_path / "ct.dcm")))
    np.testing.assert_array_equal(image.array, expected)  # HU: SimpleITK rescales too
    assert image.metadata["geometry"] == "absent"
