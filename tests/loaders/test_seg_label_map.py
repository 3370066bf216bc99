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

from .peak_memory import read_peak
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


def _series_256(folder: Path, slices: int = 10) -> Path:
    """``slices`` CT slices of 256 x 256, 2.5 mm apart (write_seg's spacing), one series."""
    from pydicom.uid import generate_uid

    base = pydicom.dcmread(sorted(CT5N.glob("*.dcm"))[0])
    series, frame = generate_uid(), np.zeros((256, 256), np.int16)
    folder.mkdir()
    for k in range(slices):
        ds = copy.deepcopy(base)
        ds.Rows = ds.Columns = 256
        ds.SeriesInstanceUID, ds.SOPInstanceUID = series, generate_uid()
        ds.ImagePositionPatient = [0.0, 0.0, 2.5 * k]
        ds.PixelData = frame.tobytes()
        ds.save_as(folder / f"{k:02d}.dcm")
    return folder


def test_many_segments_are_read_without_a_mask_per_segment(tmp_path: Path) -> None:
    """20 segments (disjoint 40 x 40 squares) on 10 slices of 256 x 256: 200 frames. The
    label map is the squares placed by hand; reading it holds the decoded frames (200 x
    256 x 256 bytes = 12.5 MiB) and the label map (1.25 MiB), not also a boolean copy
    of the frames and 20 grid-sized masks (12.5 MiB in all), which took the peak to
    at least 3 x 12.5 MiB (measured 42.8 MiB before; 19.0 MiB now, with pydicom's
    unpacking of the bits)."""
    folder = _series_256(tmp_path / "ct")
    expected = np.zeros((10, 256, 256), np.uint16)
    masks = {}
    for number in range(1, 21):
        row, col = divmod(number - 1, 5)
        mask = np.zeros((10, 256, 256), bool)
        mask[:, 10 + 60 * row:50 + 60 * row, 10 + 50 * col:50 + 50 * col] = True
        masks[number] = mask
        expected[mask] = number
    path = write_seg(tmp_path / "many.dcm", masks, folder=folder)
    image = read_image(path)
    assert np.array_equal(image.array, expected)  # files in z order: no reversal
    peak = read_peak(path)  # in a process of its own (peak_memory.py)
    frames = 200 * 256 * 256
    assert peak < 2 * frames, peak  # 3 x frames at least before


def test_a_seg_off_its_series_names_ten_frames_and_the_count(tmp_path: Path) -> None:
    """A SEG of 30 frames, each moved 1 mm along the normal off its slice (2.5 mm
    apart): 30 frames off the grid; the message names ten and the count."""
    folder = _series_256(tmp_path / "ct", slices=30)
    mask = np.zeros((30, 256, 256), bool)
    mask[:, 5:9, 5:9] = True
    path = write_seg(tmp_path / "off.dcm", {1: mask}, folder=folder)
    seg = pydicom.dcmread(path)
    for item in seg.PerFrameFunctionalGroupsSequence:
        position = item.PlanePositionSequence[0].ImagePositionPatient
        item.PlanePositionSequence[0].ImagePositionPatient = [
            0.0, 0.0, float(position[2]) + 1.0]
    seg.save_as(path)
    with pytest.raises(LoaderError) as info:
        read_segmentation(path, reference=read_image(folder))
    message = str(info.value)
    assert str(path) in message
    assert message.count("is not on a slice of the reference grid") == 10
    assert message.endswith("... (30 problems in all)")
