"""A PixelSpacing or ImagerPixelSpacing that is not two positive numbers: one value
(a bare DS, which has no len()) was a LoaderError 'a header value cannot be read
(TypeError: object of type 'DSfloat' has no len())', while three values were ignored
without a word. Both are now ignored alike, as SimpleITK (GDCM) ignores them, and
``spacing_note`` says which element was ignored and why."""

from __future__ import annotations

import numpy as np
import pydicom
import pytest
import SimpleITK as sitk
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from medeval.loaders import read_image


def _mammogram(path, **spacing) -> None:
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.1.2"
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.Modality, ds.Rows, ds.Columns = "MG", 6, 4
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    for keyword, value in spacing.items():
        setattr(ds, keyword, value)
    ds.PixelData = np.arange(24, dtype=np.uint16).tobytes()
    ds.save_as(path, enforce_file_format=True)


@pytest.mark.parametrize("value, shown", [([0.1], "0.1"), ([0.1, 0.1, 0.3], r"0.1\0.1\0.3"),
                                          ([0, 0], r"0.0\0.0")])
def test_a_pixel_spacing_not_of_two_positive_values_is_ignored_and_said(tmp_path, value,
                                                                         shown):
    path = tmp_path / "mg.dcm"
    _mammogram(path, PixelSpacing=value)
    assert pydicom.dcmread(path).get("PixelSpacing") is not None
    assert sitk.ReadImage(str(path)).GetSpacing() == (1.0, 1.0, 1.0)  # GDCM ignores it

    image = read_image(path)

    assert image.spacing_mm == (1.0, 1.0, 1.0)
    assert image.metadata["spacing_source"] == "absent"
    assert image.metadata["spacing_note"] == (
        f"PixelSpacing {shown} is not two positive numbers (row, column spacing) and was "
        "ignored")


def test_a_one_valued_pixel_spacing_falls_to_the_imager_pixel_spacing(tmp_path):
    path = tmp_path / "mg.dcm"
    _mammogram(path, PixelSpacing=[0.1], ImagerPixelSpacing=[0.085, 0.085],
               EstimatedRadiographicMagnificationFactor=1.0625)

    image = read_image(path)

    assert image.spacing_mm[1:] == pytest.approx((0.08, 0.08), abs=1e-15)  # 0.085 / 1.0625
    assert image.metadata["spacing_source"] == (
        "ImagerPixelSpacing/EstimatedRadiographicMagnificationFactor")
    assert image.metadata["spacing_note"].startswith("PixelSpacing 0.1 is not two")
