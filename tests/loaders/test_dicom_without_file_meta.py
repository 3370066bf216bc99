"""A DICOM file without File Meta Information (no group 0002, often no preamble either:
old implicit VR exports) was recognised as DICOM (``sniff``) and then refused as stating
no TransferSyntaxUID, though its native pixel data decode the same under any syntax the
dataset could have been read in. SimpleITK (GDCM) reads such a file; the values here are
compared with its array and with the array written."""

from __future__ import annotations

import numpy as np
import pydicom
import pytest
import SimpleITK as sitk
from pydicom.dataset import Dataset
from pydicom.uid import RLELossless

from medeval.errors import LoaderError
from medeval.loaders import read_image


def _mammogram(values: np.ndarray) -> Dataset:
    ds = Dataset()
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.1.2"
    ds.SOPInstanceUID = pydicom.uid.generate_uid()
    ds.Modality = "MG"
    ds.Rows, ds.Columns = values.shape
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.PixelSpacing = [0.07, 0.07]
    ds.PixelData = values.tobytes()
    return ds


@pytest.mark.parametrize("implicit", [True, False])
def test_native_pixels_of_a_file_without_file_meta_read_as_simpleitk_does(tmp_path, implicit):
    values = np.random.default_rng(3).integers(0, 4096, (20, 14), dtype=np.uint16)
    path = tmp_path / "old.dcm"
    pydicom.dcmwrite(path, _mammogram(values), enforce_file_format=False,
                     implicit_vr=implicit, little_endian=True)
    assert path.read_bytes()[:2] == b"\x08\x00"  # no preamble, no group 0002

    image = read_image(path)

    np.testing.assert_array_equal(image.array[0], values)
    if implicit:  # GDCM does not tell an explicit VR dataset without its meta
        np.testing.assert_array_equal(image.array,
                                      sitk.GetArrayFromImage(sitk.ReadImage(str(path))))
    assert image.spacing_mm[1:] == (0.07, 0.07)
    assert image.metadata["transfer_syntax"] == ("1.2.840.10008.1.2" if implicit
                                                 else "1.2.840.10008.1.2.1")


def test_compressed_pixels_of_a_file_without_file_meta_are_refused(tmp_path):
    ds = _mammogram(np.zeros((8, 8), dtype=np.uint16))
    ds.file_meta = pydicom.dataset.FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = pydicom.uid.ExplicitVRLittleEndian
    ds.compress(RLELossless)
    del ds.file_meta
    path = tmp_path / "old_rle.dcm"
    pydicom.dcmwrite(path, ds, enforce_file_format=False, implicit_vr=True,
                     little_endian=True)

    with pytest.raises(LoaderError) as caught:
        read_image(path)
    assert str(caught.value) == (
        f"DICOM file {path}: states no TransferSyntaxUID (0002,0010), so the encoding of "
        "its pixel data (compressed, encapsulated) is unknown; have it exported again "
        "with its File Meta Information")
