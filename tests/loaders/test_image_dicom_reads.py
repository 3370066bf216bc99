"""``read_image`` reads a DICOM file once: it told a SEG from an image by a header read of
its own (``is_dicom_segmentation``) before reading the file again to decode it, some
23 % of ``manifest check --read-files`` on 2,000 small ultrasound frames (which reads
every DICOM input since e85548c). Counted by wrapping pydicom.dcmread; the values are
pydicom's own pixel_array (with its modality LUT), and a SEG is still a label map."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.data import get_testdata_file
from pydicom.pixels import apply_modality_lut

from medeval.loaders import read_image
from medeval.loaders.seg import read_label_map

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tasks"))
from test_segmentation_2d_dicom import write_ultrasound  # noqa: E402


@pytest.fixture
def reads(monkeypatch):
    counted: Counter[str] = Counter()
    real = pydicom.dcmread

    def dcmread(fp, *args, **kwargs):  # type: ignore[no-untyped-def]
        counted[Path(fp).name] += 1
        return real(fp, *args, **kwargs)

    monkeypatch.setattr(pydicom, "dcmread", dcmread)
    return counted


def test_an_image_is_read_once(tmp_path, reads):
    path = tmp_path / "u.dcm"
    write_ultrasound(path)
    image = read_image(path)
    assert reads == {"u.dcm": 1}  # before: 2
    expected = pydicom.pixels.pixel_array(str(path))
    assert np.array_equal(image.array[0], expected)
    ct = get_testdata_file("CT_small.dcm")
    ds = pydicom.dcmread(ct)
    assert np.array_equal(read_image(ct).array[0], apply_modality_lut(ds.pixel_array, ds))


def test_a_seg_is_still_a_label_map(shared_data):
    seg = shared_data / "dicom" / "seg" / "liver.dcm"  # dcmqi's, as in pydicom-data
    image = read_image(seg)
    assert np.array_equal(image.array, read_label_map(seg).array)
    assert image.metadata["segment_labels"] == read_label_map(seg).metadata["segment_labels"]
