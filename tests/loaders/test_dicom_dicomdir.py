"""A DICOMDIR named as an image (a manifest's input, ``read_image``) was refused as
having 'no pixel data (SOP class ?)': its dataset has no SOPClassUID, only its file meta
names Media Storage Directory Storage. The message now says what it is and what to name
instead. The DICOMDIR is pydicom's own (FileSet.write)."""

from __future__ import annotations

import numpy as np
import pydicom
import pytest
from pydicom.data import get_testdata_file
from pydicom.fileset import FileSet
from pydicom.uid import MediaStorageDirectoryStorage

from medeval.errors import LoaderError
from medeval.loaders import read_image


def test_a_dicomdir_is_named_as_such(tmp_path):
    media = FileSet()
    media.add(pydicom.dcmread(get_testdata_file("CT_small.dcm")))
    media.write(tmp_path / "export")
    dicomdir = tmp_path / "export" / "DICOMDIR"
    assert pydicom.dcmread(dicomdir).file_meta.MediaStorageSOPClassUID == \
        MediaStorageDirectoryStorage

    with pytest.raises(LoaderError) as caught:
        read_image(dicomdir)
    assert str(caught.value) == (
        f"DICOM file {dicomdir}: has no pixel data (a DICOMDIR: the index of an export's "
        "files, Media Storage Directory Storage); name the image file(s) it lists, in the "
        "folders beside it")
    listed = next((tmp_path / "export").rglob("IM000000"))  # the file it lists reads
    np.testing.assert_array_equal(read_image(listed).array[0],
                                  pydicom.dcmread(listed).pixel_array - 1024)  # slope 1


def test_another_object_without_pixels_is_named_by_its_sop_class(shared_data):
    path = shared_data / "dicom/waveform/waveform_ecg.dcm"
    assert pydicom.dcmread(path).SOPClassUID.name == "12-lead ECG Waveform Storage"
    with pytest.raises(LoaderError, match=r"has no pixel data \(SOP class 12-lead ECG "
                                          r"Waveform Storage\); it is not an image$"):
        read_image(path)
