"""DICOM SEG on the real files: segments, labels, masks placed by frame position."""

from __future__ import annotations

import numpy as np
import pydicom
import pytest

from medeval.errors import LoaderError
from medeval.loaders import Image, read_image, read_segmentation


def test_liver_seg_reads_its_segment(shared_data):
    path = shared_data / "dicom/seg/liver.dcm"
    seg = read_segmentation(path)
    ds = pydicom.dcmread(path)
    assert seg.labels == {1: "Liver"}  # README / SegmentSequence: one segment, "Liver"
    liver = seg.segment("Liver")
    assert liver.category == "Tissue" and liver.property_type == "Liver"
    assert liver.mask.array.dtype == bool and liver.mask.shape == (3, 512, 512)
    # Frames sit at z = -128.69, -127.69, -126.69 (Plane Position), 1 mm apart.
    assert liver.mask.spacing_mm == pytest.approx((1.0, 0.810547, 0.810547))
    assert liver.mask.origin_mm == pytest.approx((-128.69, -226.8, -235.2))
    np.testing.assert_array_equal(liver.mask.array, ds.pixel_array.astype(bool))
    assert seg.metadata["segmentation_type"] == "BINARY"


def test_liver_1frame_reads_its_one_frame(shared_data):
    seg = read_segmentation(shared_data / "dicom/seg/liver_1frame.dcm")
    full = read_segmentation(shared_data / "dicom/seg/liver.dcm")
    mask = seg.segments[0].mask
    assert mask.shape == (1, 512, 512)
    np.testing.assert_array_equal(mask.array[0], full.segments[0].mask.array[0])


def test_masks_placed_on_a_reference_grid(shared_data):
    # The referenced CT is not shipped; a grid of 5 slices starting one slice below the
    # SEG's first frame stands for it, so frames 1..3 must land on slices 1..3.
    seg = read_segmentation(shared_data / "dicom/seg/liver.dcm")
    own = seg.segments[0].mask
    z0, y0, x0 = own.origin_mm
    reference = Image(np.zeros((5, 512, 512), dtype=np.int16), spacing_mm=own.spacing_mm,
                      origin_mm=(z0 - 1.0, y0, x0))
    placed = read_segmentation(shared_data / "dicom/seg/liver.dcm", reference=reference)
    mask = placed.segments[0].mask
    assert mask.shape == (5, 512, 512)
    assert not mask.array[0].any() and not mask.array[4].any()
    np.testing.assert_array_equal(mask.array[1:4], own.array)


def test_a_reference_that_does_not_fit_is_refused(shared_data):
    seg_path = shared_data / "dicom/seg/liver.dcm"
    wrong = Image(np.zeros((3, 256, 256)), spacing_mm=(1.0, 0.5, 0.5),
                  origin_mm=(-128.69, -226.8, -235.2))
    with pytest.raises(LoaderError) as info:
        read_segmentation(seg_path, reference=wrong)
    message = str(info.value)
    assert "liver.dcm" in message and "512x512" in message and "PixelSpacing" in message


def test_an_image_is_not_a_seg(shared_data):
    with pytest.raises(LoaderError, match="CT_small.dcm: is not a DICOM Segmentation"):
        read_segmentation(shared_data / "dicom/ct/CT_small.dcm")
    assert read_image(shared_data / "dicom/seg/liver.dcm").shape == (3, 512, 512)


def test_a_series_grid_from_its_headers_alone(tmp_path):
    # read_dicom_grid reads the headers only: the grid must be SimpleITK's (GDCM's) for the
    # same series, and what read_dicom_series gives, with an array that holds no pixels;
    # a SEG placed on it must give the label map placed on the fully read series.
    import sys
    from pathlib import Path

    import SimpleITK as sitk

    from medeval.loaders.dicom import read_dicom_grid, read_dicom_series

    sys.path.insert(0, str(Path(__file__).parent))
    from seg_files import CT5N, write_seg

    if not CT5N.is_dir():
        pytest.skip(f"shared test data not found at {CT5N}")
    grid, full = read_dicom_grid(CT5N), read_dicom_series(CT5N)
    reader = sitk.ImageSeriesReader()
    reader.SetFileNames(reader.GetGDCMSeriesFileNames(str(CT5N)))
    itk = reader.Execute()
    assert grid.shape == full.shape == itk.GetSize()[::-1]  # (5, rows, columns)
    assert grid.spacing_mm == pytest.approx(itk.GetSpacing()[::-1], abs=1e-6)
    assert grid.origin_mm == pytest.approx(itk.GetOrigin()[::-1], abs=1e-6)
    np.testing.assert_allclose(np.asarray(grid.direction)[::-1, ::-1],
                               np.reshape(itk.GetDirection(), (3, 3)), atol=1e-9)
    assert (grid.spacing_mm, grid.origin_mm) == (full.spacing_mm, full.origin_mm)
    np.testing.assert_array_equal(grid.direction, full.direction)
    assert grid.metadata == full.metadata
    assert grid.array.strides == (0, 0, 0) and not grid.array.flags.writeable
    masks = np.zeros(full.shape, bool)
    masks[1:4, 100:140, 200:260] = True
    seg = write_seg(tmp_path / "seg.dcm", {1: masks}, slices=[1, 2, 3])
    np.testing.assert_array_equal(
        read_segmentation(seg, reference=grid).label_map().array,
        read_segmentation(seg, reference=full).label_map().array)
