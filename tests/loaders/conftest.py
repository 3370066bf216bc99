"""Helpers shared by the image-format tests (MetaImage, NRRD): a refusal that must name the
file, and a good file that must read exactly as SimpleITK reads it."""

from __future__ import annotations

import numpy as np
import pytest
import SimpleITK as sitk

from medeval.errors import LoaderError
from medeval.loaders import read_image


def refused(path, *words):
    """read_image raises a LoaderError naming ``path`` and saying each of ``words``."""
    with pytest.raises(LoaderError) as info:
        read_image(path)
    message = str(info.value)
    assert str(path) in message, message
    for word in words:
        assert word in message, message
    return message


def same_as_simpleitk(path, array):
    """read_image gives SimpleITK's voxels and spacing, and those are ``array``."""
    itk = sitk.ReadImage(str(path))
    expected = sitk.GetArrayFromImage(itk)
    image = read_image(path)
    assert np.array_equal(image.array, expected) and np.array_equal(expected, array)
    assert image.spacing_mm == pytest.approx(itk.GetSpacing()[::-1])
    return image
