"""NIfTI-2 is recognised; what ITK prints while failing to read stays off the terminal.

The NIfTI-2 file is written here by hand, byte by byte, from nifti2.h (540-byte header):

    sizeof_hdr int32 = 540 @0          magic char[8] = "n+2\\0\\r\\n\\x1a\\n" @4
    datatype int16 = 4 (int16) @12     bitpix int16 = 16 @14
    dim int64[8] = 3, 4, 3, 2, 1... @16 (x = 4 columns, y = 3 rows, z = 2 slices)
    pixdim float64[8] = 1, 0.5, 0.75, 2.5, 1... @104 (dx, dy, dz in mm)
    vox_offset int64 = 544 @168        scl_slope float64 = 1 @176
    qform_code int32 = 1 @344          srow_x/y/z float64[4] @400/@432/@464 (diagonal)
    xyzt_units int32 = 2 (mm) @500     then a 4-byte extension flag (0) and the voxels.

The voxels are 0..23 as int16 in x-fastest order, so in medeval's (z, y, x) order the
array is ``arange(24).reshape(2, 3, 4)`` and ``spacing_mm == (2.5, 0.75, 0.5)``. (The same
bytes were loaded with nibabel 5.4 while writing this test: Nifti2Image, shape (4, 3, 2),
zooms (0.5, 0.75, 2.5), in both byte orders.)
"""

from __future__ import annotations

import gzip
import struct
import subprocess
import sys
import threading

import numpy as np
import pytest
import SimpleITK as sitk

from medeval.errors import LoaderError
from medeval.loaders import read_image
from medeval.loaders._files import sniff

VOXELS_ZYX = np.arange(24, dtype=np.int16).reshape(2, 3, 4)
SPACING_XYZ = (0.5, 0.75, 2.5)


def _nifti2(order, *, magic=b"n+2\x00\r\n\x1a\n", size=540):
    head = bytearray(540)
    struct.pack_into(order + "i", head, 0, size)
    head[4:12] = magic
    struct.pack_into(order + "hh", head, 12, 4, 16)
    struct.pack_into(order + "8q", head, 16, 3, 4, 3, 2, 1, 1, 1, 1)
    struct.pack_into(order + "8d", head, 104, 1.0, *SPACING_XYZ, 1.0, 1.0, 1.0, 1.0)
    struct.pack_into(order + "q", head, 168, 544)
    struct.pack_into(order + "d", head, 176, 1.0)
    struct.pack_into(order + "ii", head, 344, 1, 0)
    struct.pack_into(order + "4d", head, 400, SPACING_XYZ[0], 0, 0, 0)
    struct.pack_into(order + "4d", head, 432, 0, SPACING_XYZ[1], 0, 0)
    struct.pack_into(order + "4d", head, 464, 0, 0, SPACING_XYZ[2], 0)
    struct.pack_into(order + "i", head, 500, 2)
    voxels = VOXELS_ZYX.astype(np.dtype(np.int16).newbyteorder(order)).tobytes()
    return bytes(head) + b"\0\0\0\0" + voxels


@pytest.mark.parametrize("order", ["<", ">"])
def test_sniff_recognises_nifti2_in_either_byte_order(tmp_path, order):
    one = tmp_path / "one.nii"
    one.write_bytes(_nifti2(order))
    pair = tmp_path / "pair.hdr"
    pair.write_bytes(_nifti2(order, magic=b"ni2\x00\r\n\x1a\n")[:544])
    assert sniff(one) == "nifti"
    assert sniff(pair) == "nifti"


def test_sniff_wants_both_the_nifti2_magic_and_its_header_size(tmp_path):
    wrong_size = tmp_path / "a.nii"
    wrong_size.write_bytes(_nifti2("<", size=348))
    wrong_magic = tmp_path / "b.nii"
    wrong_magic.write_bytes(_nifti2("<", magic=b"n+2\x00\0\0\0\0"))
    assert sniff(wrong_size) == "unknown"
    assert sniff(wrong_magic) == "unknown"


def _sitk_reads(path):
    try:
        sitk.ReadImage(str(path))
    except RuntimeError:
        return False
    return True


@pytest.mark.parametrize(
    ("name", "order"), [("le.nii", "<"), ("be.nii", ">"), ("le.nii.gz", "<")]
)
def test_nifti2_is_read_or_refused_clearly(tmp_path, name, order):
    path = tmp_path / name
    data = _nifti2(order)
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    if _sitk_reads(path):  # a SimpleITK that reads NIfTI-2: the hand-written values
        image = read_image(path)
        np.testing.assert_array_equal(image.array, VOXELS_ZYX)
        assert image.spacing_mm == SPACING_XYZ[::-1]
        return
    # SimpleITK 2.5 (ITK 5.4): "Unable to determine ImageIO reader"; medeval names why.
    with pytest.raises(LoaderError) as caught:
        read_image(path)
    message = str(caught.value)
    assert str(path) in message
    assert "a NIfTI-2 file, which this SimpleITK" in message
    assert "convert it to NIfTI-1" in message
    assert "not a DICOM, NIfTI" not in message


def _sheared_nifti1(path):
    """A NIfTI-1 file ITK refuses after printing a warning to its output window.

    SimpleITK writes a valid .nii; then (nifti1.h offsets) qform_code int16 @252 = 0,
    sform_code int16 @254 = 1, and srow_x float32[4] @280 = (1, 0.5, 0, 0): a sheared
    sform. ITK 5.4 warns "<file> has unexpected scales in sform" and raises "ITK only
    supports orthonormal direction cosines".
    """
    sitk.WriteImage(sitk.GetImageFromArray(VOXELS_ZYX), str(path))
    head = bytearray(path.read_bytes())
    struct.pack_into("<hh", head, 252, 0, 1)
    struct.pack_into("<4f", head, 280, 1.0, 0.5, 0.0, 0.0)
    path.write_bytes(bytes(head))
    return path


_READ_IN_SUBPROCESS = """
import sys
import SimpleITK as sitk
from medeval.errors import LoaderError
from medeval.loaders import read_image

try:
    read_image(sys.argv[1])
except LoaderError as exc:
    print("LoaderError:", exc)
sys.stdout.flush()
if len(sys.argv) > 2:  # the user's own read afterwards still shows ITK's warning
    try:
        sitk.ReadImage(sys.argv[1])
    except RuntimeError:
        pass
"""


def _run(*args):
    return subprocess.run(
        [sys.executable, "-c", _READ_IN_SUBPROCESS, *args],
        capture_output=True, text=True, timeout=120, check=True,
    )


def test_itk_warning_goes_into_the_error_not_to_stderr(tmp_path):
    path = _sheared_nifti1(tmp_path / "sheared.nii")
    done = _run(str(path))
    assert done.stderr == ""
    assert f"LoaderError: image {path}: SimpleITK cannot read it" in done.stdout
    assert "sheared.nii has unexpected scales in sform" in done.stdout
    assert "orthonormal direction cosines" in done.stdout
    assert "0x" not in done.stdout.split("LoaderError:")[1]  # no object address


def test_the_users_own_itk_output_is_left_as_it_was(tmp_path):
    # After medeval's read, a plain SimpleITK read of the same file prints ITK's warning
    # to stderr as it would have without medeval.
    path = _sheared_nifti1(tmp_path / "sheared.nii")
    done = _run(str(path), "then-read-it-with-sitk")
    assert "LoaderError: image" in done.stdout
    assert done.stderr.count("has unexpected scales in sform") == 1


def test_a_users_logger_in_another_thread_keeps_its_messages(tmp_path):
    path = _sheared_nifti1(tmp_path / "sheared.nii")
    seen = []

    class UserLogger(sitk.LoggerBase):
        def DisplayWarningText(self, text):  # noqa: N802
            seen.append((threading.get_ident(), text))

    user = UserLogger()
    previous = user.SetAsGlobalITKLogger()
    try:
        errors = []

        def medeval_reads():
            for _ in range(20):
                try:
                    read_image(path)
                except LoaderError as exc:
                    errors.append(str(exc))

        readers = [threading.Thread(target=medeval_reads) for _ in range(4)]
        for thread in readers:
            thread.start()
        own = []
        for _ in range(20):  # the user's own reads, meanwhile, in this thread
            own.append(_sitk_reads(path))
        for thread in readers:
            thread.join()
        assert len(errors) == 80
        assert all("unexpected scales in sform" in message for message in errors)
        assert own == [False] * 20
        me = threading.get_ident()
        assert len(seen) == 20 and all(ident == me for ident, _ in seen)
        assert not _sitk_reads(path)  # the user's logger is in place again afterwards
        assert len(seen) == 21
    finally:
        previous.SetAsGlobalITKLogger()
