"""A prediction cropped from (or padded around) its reference's grid is told so, with the
box it covers. Found in the hvol volume pass: a mask cropped to the organ's surroundings
(same spacing and direction, its first voxel on one of the reference's) failed with its
shape and origin only; where it lies on the reference's grid had to be worked out by
hand. The box is checked against SimpleITK's TransformPhysicalPointToIndex of the
prediction's first and last voxels (SimpleITK's (x, y, z), reversed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from medeval.compat import check_compatible
from medeval.errors import CompatibilityError
from medeval.loaders import read_image

sitk = pytest.importorskip("SimpleITK")


def _reference(path: Path) -> sitk.Image:
    """An oblique 40 x 30 x 20 volume, 0.7 x 0.7 x 2.5 mm, origin far from 0."""
    image = sitk.GetImageFromArray(np.zeros((20, 30, 40), np.uint8))
    c, s = np.cos(0.4), np.sin(0.4)
    image.SetDirection((c, -s, 0, s, c, 0, 0, 0, 1))
    image.SetSpacing((0.7, 0.7, 2.5))
    image.SetOrigin((-250.1, 180.9, -1234.5))
    sitk.WriteImage(image, str(path))
    return image


def _box(reference: sitk.Image, box: sitk.Image) -> tuple[tuple[int, ...], tuple[int, ...]]:
    first = reference.TransformPhysicalPointToIndex(box.GetOrigin())
    last = reference.TransformPhysicalPointToIndex(
        box.TransformIndexToPhysicalPoint([n - 1 for n in box.GetSize()]))
    return tuple(first[::-1]), tuple(last[::-1])


@pytest.mark.parametrize(("name", "make", "word"), [
    ("cropped", lambda im: im[3:35, 4:28, 2:18], "cropped"),
    ("cut short", lambda im: im[0:35, 0:28, 0:18], "cropped"),
    ("padded", lambda im: sitk.ConstantPad(im, (2, 2, 1), (1, 0, 0)), "padded"),
    ("both", lambda im: sitk.ConstantPad(im[0:30, :, :], (2, 0, 0), (0, 0, 0)),
     "cropped and padded"),
])
def test_another_box_of_the_grid_is_named_with_the_box(tmp_path, name, make, word):
    reference = _reference(tmp_path / "ref.nii.gz")
    box = make(reference)
    sitk.WriteImage(box, str(tmp_path / "pred.nii.gz"))
    first, last = _box(reference, box)
    with pytest.raises(CompatibilityError) as caught:
        check_compatible(read_image(tmp_path / "ref.nii.gz"),
                         read_image(tmp_path / "pred.nii.gz"))
    assert (f"(the reference's grid {word}: the prediction's voxels span the reference's "
            f"(z, y, x) {first} to {last}, of (0, 0, 0) to (19, 29, 39);") in str(caught.value)


def test_a_box_off_the_voxel_centres_is_not_said_to_be_on_the_grid(tmp_path):
    reference = _reference(tmp_path / "ref.nii.gz")
    box = reference[3:35, 4:28, 2:18]
    x, y, z = box.GetOrigin()
    box.SetOrigin((x + 0.35, y, z))  # half a voxel along x: not a box of the grid
    sitk.WriteImage(box, str(tmp_path / "pred.nii.gz"))
    with pytest.raises(CompatibilityError) as caught:
        check_compatible(read_image(tmp_path / "ref.nii.gz"),
                         read_image(tmp_path / "pred.nii.gz"))
    assert "shape: reference (20, 30, 40), prediction (16, 24, 32)" in str(caught.value)
    assert "grid cropped" not in str(caught.value)
