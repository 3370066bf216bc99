"""A 4-D image is refused, and a 4-D mask of one channel per class is said to be one.

Found in the review-volumes pass: nibabel writes a one-hot or per-class probability
output, an (x, y, z, classes) array, as a 4-D NIfTI; medeval refused it only as 'split a
4-D series into 3-D volumes', so the one-hot hint of compat (8fb512a) never showed for
the usual way a one-hot NIfTI is written. SimpleITK's JoinSeries makes the same 4-D
image (its size's 4th entry the number of classes)."""

from __future__ import annotations

import numpy as np
import pytest
import SimpleITK as sitk

from medeval.errors import LoaderError
from medeval.loaders import read_image
from medeval.loaders.itk import read_itk_grid


def test_a_one_hot_nifti_is_said_to_need_one_label_per_voxel(tmp_path) -> None:
    labels = np.zeros((4, 6, 8), np.uint8)
    labels[1:3, 2:4, 2:6] = 1
    labels[2, 3, 3] = 2
    one_hot = sitk.JoinSeries([sitk.GetImageFromArray((labels == k).astype(np.uint8))
                               for k in range(3)])
    assert one_hot.GetDimension() == 4 and one_hot.GetSize() == (8, 6, 4, 3)
    sitk.WriteImage(one_hot, str(tmp_path / "pred.nii.gz"))
    for read in (read_image, read_itk_grid):
        with pytest.raises(LoaderError, match=r"has 4 dimensions; .*split a 4-D series into "
                           r"3-D volumes; a segmentation mask holds one label per voxel: 3 "
                           r"values along the 4th axis may be one-hot labels"):
            read(tmp_path / "pred.nii.gz")

