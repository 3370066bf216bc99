"""A DICOM file cut inside its File Meta Information, or just after it, is read by
pydicom as an empty dataset without a word; ``read_image`` then said 'has no pixel data
(SOP class Digital Mammography X-Ray Image Storage - For Presentation); it is not an
image' of a mammogram cut short. It now says the file is truncated and where. The byte
counts are worked from the file: 128 bytes of preamble and 'DICM', then the 12-byte
(0002,0000) element whose value pydicom reads as the group's length."""

from __future__ import annotations

import numpy as np
import pydicom
import pytest
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from medeval.errors import LoaderError
from medeval.loaders import read_image

ADVICE = "copy it again from its source, or have it exported again"


@pytest.fixture
def mammogram(tmp_path):
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.1.2"
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.Modality, ds.Rows, ds.Columns = "MG", 8, 6
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME1"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.PixelData = np.arange(48, dtype=np.uint16).tobytes()
    path = tmp_path / "mg.dcm"
    ds.save_as(path, enforce_file_format=True)
    return path


def _cut(path, size: int):
    cut = path.with_name(f"cut{size}.dcm")
    cut.write_bytes(path.read_bytes()[:size])
    return cut


def test_a_file_cut_inside_or_after_its_file_meta_is_truncated(mammogram):
    meta_end = 132 + 12 + pydicom.dcmread(mammogram).file_meta.FileMetaInformationGroupLength
    cases = {
        140: "inside its File Meta Information (group 0002), in its group length",
        200: f"inside its File Meta Information (group 0002), after 200 of its {meta_end} "
             "bytes",
        meta_end: "after its File Meta Information, before its first whole data element: "
                  "it holds no data set (no pixel data)",
    }
    for size, where in cases.items():
        cut = _cut(mammogram, size)
        assert len(pydicom.dcmread(cut)) == 0  # pydicom: an empty dataset, no error
        with pytest.raises(LoaderError) as caught:
            read_image(cut)
        assert str(caught.value) == (
            f"DICOM file {cut}: truncated: the file ({size} bytes) ends {where}; {ADVICE}")


def test_the_whole_file_still_reads(mammogram):
    np.testing.assert_array_equal(read_image(mammogram).array[0],
                                  pydicom.dcmread(mammogram).pixel_array)
