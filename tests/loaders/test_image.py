"""NIfTI, MetaImage and NRRD through SimpleITK; the Image record's (z, y, x) convention."""

from __future__ import annotations

import numpy as np
import pytest
import SimpleITK as sitk

from medeval.errors import LoaderError
from medeval.loaders import Image, read_image


@pytest.mark.parametrize("suffix", [".nii.gz", ".nii", ".mha", ".nrrd"])
def test_itk_formats_round_trip_geometry(tmp_path, suffix):
    # An image made here with SimpleITK: size (x, y, z) = (4, 3, 2), spacing (0.5, 0.7, 2.5).
    array = np.arange(24, dtype=np.int16).reshape(2, 3, 4)  # (z, y, x)
    itk = sitk.GetImageFromArray(array)
    itk.SetSpacing((0.5, 0.7, 2.5))
    itk.SetOrigin((10.0, 20.0, 30.0))
    path = tmp_path / f"mask{suffix}"
    sitk.WriteImage(itk, str(path))
    image = read_image(path)
    np.testing.assert_array_equal(image.array, array)
    assert image.spacing_mm == pytest.approx((2.5, 0.7, 0.5))
    assert image.origin_mm == pytest.approx((30.0, 20.0, 10.0))
    # physical_point agrees with SimpleITK's TransformIndexToPhysicalPoint, reversed.
    expected = itk.TransformIndexToPhysicalPoint((3, 2, 1))[::-1]
    assert image.physical_point((1, 2, 3)) == pytest.approx(expected)


def test_nifti_with_an_oblique_direction(tmp_path):
    itk = sitk.GetImageFromArray(np.zeros((3, 4, 5), dtype=np.uint8))
    c, s = np.cos(0.3), np.sin(0.3)
    itk.SetDirection((c, -s, 0.0, s, c, 0.0, 0.0, 0.0, 1.0))
    itk.SetSpacing((1.0, 2.0, 3.0))
    sitk.WriteImage(itk, str(tmp_path / "o.nii.gz"))
    image = read_image(tmp_path / "o.nii.gz")
    for index_xyz in [(1, 0, 0), (0, 1, 0), (4, 3, 2)]:
        expected = itk.TransformIndexToPhysicalPoint(index_xyz)[::-1]
        assert image.physical_point(index_xyz[::-1]) == pytest.approx(expected, abs=1e-5)


def test_two_dimensional_image_becomes_one_slice(tmp_path):
    itk = sitk.GetImageFromArray(np.ones((3, 4), dtype=np.uint8))
    itk.SetSpacing((0.2, 0.3))
    sitk.WriteImage(itk, str(tmp_path / "flat.nrrd"))
    image = read_image(tmp_path / "flat.nrrd")
    assert image.shape == (1, 3, 4) and image.spacing_mm == pytest.approx((1.0, 0.3, 0.2))


def test_metaimage_without_its_raw_file(tmp_path):
    sitk.WriteImage(sitk.GetImageFromArray(np.zeros((2, 2, 2), np.uint8)),
                    str(tmp_path / "m.mhd"))
    (tmp_path / "m.raw").unlink()
    with pytest.raises(LoaderError, match=r"m\.mhd: SimpleITK cannot read it"):
        read_image(tmp_path / "m.mhd")


def test_image_record_checks_its_shape():
    with pytest.raises(LoaderError, match="add a leading axis"):
        Image(np.zeros((3, 4)))
    image = Image(np.zeros((1, 2, 2)), spacing_mm=[1, 2, 3])
    assert image.spacing_mm == (1.0, 2.0, 3.0) and "Image(shape=(1, 2, 2)" in repr(image)
