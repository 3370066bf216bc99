"""A NIfTI-1 file whose qform and sform disagree is refused, not read on one of them.

The files are written by SimpleITK (qform and sform equal), then one header field is
patched. The reference for the qform as medeval builds it is SimpleITK's own reading
of the file when only the qform is set (the sform code cleared).
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from medeval.errors import LoaderError
from medeval.loaders import read_image
from medeval.loaders._nifti_forms import check_forms, qform_affine

sitk = pytest.importorskip("SimpleITK")


def _oblique(path: Path) -> None:
    """A 4 x 5 x 6 volume rotated 30 degrees about x, spacing (0.7, 0.8, 2.5) mm."""
    image = sitk.GetImageFromArray(np.arange(120, dtype=np.uint8).reshape(6, 5, 4))
    c, s = np.cos(np.radians(30)), np.sin(np.radians(30))
    image.SetDirection((1, 0, 0, 0, c, -s, 0, s, c))
    image.SetSpacing((0.7, 0.8, 2.5))
    image.SetOrigin((-72.2, -143.0, 8.76))
    sitk.WriteImage(image, str(path))


def _patch(path: Path, at: int, fmt: str, *values: float) -> None:
    data = bytearray(path.read_bytes())
    struct.pack_into("<" + fmt, data, at, *values)
    path.write_bytes(bytes(data))


def test_qform_agrees_with_simpleitk(tmp_path: Path) -> None:
    path = tmp_path / "oblique.nii"
    _oblique(path)
    _patch(path, 254, "h", 0)  # sform_code 0: SimpleITK reads the qform
    image = sitk.ReadImage(str(path))
    lps_to_ras = np.diag([-1.0, -1.0, 1.0])
    direction = np.asarray(image.GetDirection()).reshape(3, 3)
    expected = np.column_stack([lps_to_ras @ direction @ np.diag(image.GetSpacing()),
                                lps_to_ras @ np.asarray(image.GetOrigin())])
    np.testing.assert_allclose(qform_affine(path.read_bytes()[:348], "<"), expected,
                               atol=1e-5)
    check_forms(path)  # one transform set: nothing to disagree


def test_written_by_simpleitk_passes(tmp_path: Path) -> None:
    path = tmp_path / "oblique.nii"
    _oblique(path)
    check_forms(path)
    assert read_image(path).array.shape == (6, 5, 4)


def test_sform_shifted_10_mm_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "shifted.nii"
    _oblique(path)
    (z_offset,) = struct.unpack_from("<f", path.read_bytes(), 312 + 12)  # srow_z[3]
    _patch(path, 312 + 12, "f", z_offset + 10.0)
    with pytest.raises(LoaderError) as caught:
        read_image(path)
    message = str(caught.value)
    assert "shifted.nii" in message and "qform" in message and "sform" in message
    assert "up to 10 mm apart" in message  # a shift: every corner 10 mm off


def test_mirrored_sform_is_refused(tmp_path: Path) -> None:
    """An sform whose first column is negated (a left-right flip, as an LPS direction
    written as RAS gives) while the qform is unchanged: the far x corner moves by twice
    the image's x extent, 2 * 3 voxels * 0.7 mm = 4.2 mm."""
    path = tmp_path / "mirrored.nii.gz"
    plain = tmp_path / "mirrored.nii"
    _oblique(plain)
    row_x = struct.unpack_from("<4f", plain.read_bytes(), 280)
    _patch(plain, 280, "f", -row_x[0])
    import gzip

    path.write_bytes(gzip.compress(plain.read_bytes()))
    with pytest.raises(LoaderError, match=r"mirrored\.nii\.gz.*up to 4\.2 mm apart"):
        read_image(path)
