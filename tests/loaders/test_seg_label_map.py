"""A DICOM SEG read as an image is a label map of its segments (SegmentNumber per voxel),
checked against the frames as pydicom decodes them and placed by hand."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pydicom
import pytest

from medeval.errors import LoaderError
from medeval.loaders import read_image, read_segmentation

from .seg_files import CT5N, LIVER, write_seg

pytestmark = pytest.mark.skipif(not CT5N.is_dir(), reason=f"shared test data not found at {CT5N}")

# ct5n sorted along its normal (z ascending) is file order reversed: array index k is
# file 4 - k. Masks below are given in file order.
LIVER_BOX = np.zeros((5, 16, 16), bool)
LIVER_BOX[1:4, 4:11, 5:12] = True  # 3 x 7 x 7 = 147 voxels
TUMOUR_BOX = np.zeros((5, 16, 16), bool)
TUMOUR_BOX[0:2, 12:15, 1:4] = True  # 2 x 3 x 3 = 18 voxels, apart from the liver box


def test_two_segments_are_a_label_map(tmp_path: Path) -> None:
    path = write_seg(tmp_path / "two.dcm", {1: LIVER_BOX, 2: TUMOUR_BOX})
    image = read_image(path)
    expected = (LIVER_BOX * 1 + TUMOUR_BOX * 2)[::-1]  # z ascending
    assert np.array_equal(image.array, expected)
    ct = read_image(CT5N)
    assert image.spacing_mm == pytest.approx(ct.spacing_mm)
    assert image.origin_mm == pytest.approx(ct.origin_mm)
    assert image.metadata["segment_labels"] == {1: "segment 1", 2: "segment 2"}


def test_liver_seg_reads_as_its_frames(tmp_path: Path) -> None:
    """One segment, number 1: the label map is pydicom's frames, z ascending (the
    frames' positions are -128.69, -127.69, -126.69 mm: already ascending)."""
    frames = pydicom.dcmread(LIVER).pixel_array
    assert np.array_equal(read_image(LIVER).array, frames)


def test_overlapping_segments_are_refused(tmp_path: Path) -> None:
    overlap = LIVER_BOX.copy()
    overlap[2, 0, 0] = True  # segment 2 holds all 147 liver voxels and one more
    path = write_seg(tmp_path / "overlap.dcm", {1: LIVER_BOX, 2: overlap})
    with pytest.raises(LoaderError, match=r"overlap\.dcm: segment 2 .* overlaps segment\(s\) "
                                          r"\[1\] in 147 voxel"):
        read_image(path)


def test_fractional_seg_is_thresholded_at_half(tmp_path: Path) -> None:
    """FRACTIONAL, maximum 255: a frame value of 100 is below 127.5, 200 above."""
    ds = pydicom.dcmread(LIVER)
    binary = ds.pixel_array.astype(np.uint8)
    values = binary * 200
    values[:, :10, :10] = 100
    fractional = copy.deepcopy(ds)
    fractional.SegmentationType = "FRACTIONAL"
    fractional.SegmentationFractionalType = "PROBABILITY"
    fractional.MaximumFractionalValue = 255
    fractional.BitsAllocated, fractional.BitsStored, fractional.HighBit = 8, 8, 7
    fractional.PixelData = values.tobytes()
    fractional.save_as(tmp_path / "fractional.dcm")
    image = read_image(tmp_path / "fractional.dcm")
    assert np.array_equal(image.array, binary)


def test_seg_of_another_series_is_refused(tmp_path: Path) -> None:
    path = write_seg(tmp_path / "other.dcm", {1: LIVER_BOX}, series_uid="1.2.3.4.5")
    with pytest.raises(LoaderError, match=r"other\.dcm: was drawn on series 1\.2\.3\.4\.5"):
        read_segmentation(path, reference=read_image(CT5N))


def test_sparse_seg_placed_on_its_series(tmp_path: Path) -> None:
    """Frames only on files 1..3: on the series' grid the other slices are empty."""
    path = write_seg(tmp_path / "sparse.dcm", {1: LIVER_BOX}, slices=[1, 2, 3])
    own = read_image(path)
    assert own.array.shape == (3, 16, 16)
    placed = read_segmentation(path, reference=read_image(CT5N)).label_map()
    assert np.array_equal(placed.array, LIVER_BOX[::-1].astype(np.uint16))
