"""A NIfTI file cut short is refused, not read with made-up voxels.

SimpleITK (ITK 5.4) reads a ``.nii`` missing its last bytes, or a ``.nii.gz`` whose gzip
stream is cut, as an image of the full shape and reports no error. ``read_image`` checks
the file against its own header first. Every expected size below is worked out by hand
from the array written, never by medeval:

    ITK writes a NIfTI-1 ``.nii`` as a 348-byte header + a 4-byte extension flag, so the
    voxels start at vox_offset = 352; in a ``.hdr``/``.img`` pair the ``.hdr`` is those
    352 bytes and the ``.img`` holds the voxels from offset 0.

    uint8   (16, 64, 64): 16 * 64 * 64 = 65536 voxels * 1 byte  = 65536 + 352 = 65888
    int16   (5, 12, 10):  5 * 12 * 10  =   600 voxels * 2 bytes =  1200 + 352 =  1552
    float32 (4, 6, 7):    4 * 6 * 7    =   168 voxels * 4 bytes =   672 + 352 =  1024
"""

from __future__ import annotations

import gzip
import re
import struct

import numpy as np
import pytest
import SimpleITK as sitk

from medeval.errors import LoaderError
from medeval.loaders import read_image
from medeval.loaders._nifti import Layout, parse_header

# (dtype, shape (z, y, x), expected .nii size worked out in the module docstring)
CASES = [
    (np.uint8, (16, 64, 64), 65888),
    (np.int16, (5, 12, 10), 1552),
    (np.float32, (4, 6, 7), 1024),
]
IDS = ["uint8", "int16", "float32"]


def _array(dtype, shape):
    # Random values, so that a cut gzip stream still holds the header (a constant image
    # compresses to so few bytes that a cut of 200 reaches into the header).
    values = np.random.default_rng(0).integers(0, 100, shape)
    return values.astype(dtype)


def _write(path, array, *, compress=False):
    sitk.WriteImage(sitk.GetImageFromArray(array), str(path), useCompression=compress)
    return path


def _cut(path, keep):
    """Keep the first ``keep`` bytes of ``path`` (a negative ``keep`` cuts that many)."""
    data = path.read_bytes()
    path.write_bytes(data[:keep])
    return len(data[:keep])


def _refused(path):
    """The LoaderError read_image raises; it must name the file and say it is truncated."""
    with pytest.raises(LoaderError) as info:
        read_image(path)
    message = str(info.value)
    assert str(path) in message and "truncated" in message, message
    return message


def _same_as_simpleitk(path):
    expected = sitk.GetArrayFromImage(sitk.ReadImage(str(path)))
    image = read_image(path)
    assert np.array_equal(image.array, expected)
    return image


# --- intact files read as before -----------------------------------------------------


@pytest.mark.parametrize("suffix", [".nii", ".nii.gz"])
@pytest.mark.parametrize(("dtype", "shape", "size"), CASES, ids=IDS)
def test_intact_files_read_as_simpleitk_reads_them(tmp_path, suffix, dtype, shape, size):
    path = _write(tmp_path / f"mask{suffix}", _array(dtype, shape), compress=".gz" in suffix)
    image = _same_as_simpleitk(path)
    assert image.shape == shape and image.array.dtype == dtype
    if suffix == ".nii":  # the hand-worked size is the size ITK writes
        assert path.stat().st_size == size
    else:
        assert len(gzip.decompress(path.read_bytes())) == size


def test_a_longer_file_than_its_header_needs_is_fine(tmp_path):
    # Bytes after the voxels (padding) are allowed: 65888 needed, 65988 present.
    path = _write(tmp_path / "padded.nii", _array(np.uint8, (16, 64, 64)))
    path.write_bytes(path.read_bytes() + b"\0" * 100)
    _same_as_simpleitk(path)


def test_gzip_in_several_members_or_with_trailing_zeros_is_fine(tmp_path):
    # zlib's gzread (ITK's) reads concatenated members and ignores zeros after the last.
    raw = _write(tmp_path / "raw.nii", _array(np.uint8, (16, 64, 64))).read_bytes()
    members = tmp_path / "members.nii.gz"
    members.write_bytes(gzip.compress(raw[:30000]) + gzip.compress(raw[30000:]))
    _same_as_simpleitk(members)
    padded = tmp_path / "padded.nii.gz"
    padded.write_bytes(gzip.compress(raw) + b"\0" * 100)
    _same_as_simpleitk(padded)
    # ... but a cut second member is a cut stream.
    cut = tmp_path / "cut-member.nii.gz"
    cut.write_bytes(gzip.compress(raw[:30000]) + gzip.compress(raw[30000:])[:-100])
    assert "end-of-stream marker" in _refused(cut)


# --- uncompressed .nii ---------------------------------------------------------------


@pytest.mark.parametrize("cut", [1, 200])
@pytest.mark.parametrize(("dtype", "shape", "size"), CASES, ids=IDS)
def test_a_nii_missing_its_last_bytes_is_refused(tmp_path, cut, dtype, shape, size):
    path = _write(tmp_path / "mask.nii", _array(dtype, shape))
    found = _cut(path, -cut)
    message = _refused(path)
    assert f"{size} bytes are expected" in message
    assert f"{size - cut} bytes found" in message and found == size - cut


def test_a_nii_with_its_header_only_is_refused(tmp_path):
    # uint8 (16, 64, 64): 65888 expected; keeping 352 bytes keeps the header, no voxel.
    path = _write(tmp_path / "mask.nii", _array(np.uint8, (16, 64, 64)))
    _cut(path, 352)
    message = _refused(path)
    assert "65888 bytes are expected" in message and "352 bytes found" in message
    assert "352 bytes before the voxels + 65536 voxels x 8 bits" in message


@pytest.mark.parametrize("keep", [0, 3, 100, 347])
def test_a_nii_cut_inside_its_header_is_refused(tmp_path, keep):
    # A NIfTI-1 header is 348 bytes; under 4 bytes even sizeof_hdr is missing, and a
    # file named .nii is then expected to hold at least the 348 of NIfTI-1.
    path = _write(tmp_path / "mask.nii", _array(np.uint8, (16, 64, 64)))
    _cut(path, keep)
    message = _refused(path)
    assert "348 bytes is expected" in message and f"{keep} bytes found" in message


def test_a_nii_cut_between_header_and_voxels_is_refused(tmp_path):
    # 350 bytes: the 348-byte header whole, the 4-byte extension flag cut.
    path = _write(tmp_path / "mask.nii", _array(np.int16, (5, 12, 10)))
    _cut(path, 350)
    message = _refused(path)
    assert "1552 bytes are expected" in message and "350 bytes found" in message


# --- gzip ----------------------------------------------------------------------------


@pytest.mark.parametrize("cut", [1, 8, 9, 200])
@pytest.mark.parametrize(("dtype", "shape", "size"), CASES, ids=IDS)
def test_a_cut_gzip_stream_is_refused(tmp_path, cut, dtype, shape, size):
    # A gzip member ends with an 8-byte trailer (CRC-32, length): cutting 1 or 8 bytes
    # leaves every voxel inflatable, yet the stream has no end: still refused.
    path = _write(tmp_path / "mask.nii.gz", _array(dtype, shape), compress=True)
    compressed = _cut(path, -cut)
    message = _refused(path)
    assert f"{size} bytes are expected" in message
    assert f"ends after {compressed} compressed bytes without its end-of-stream marker" in (
        message
    )
    found = int(re.search(r"(\d+) bytes found once decompressed", message).group(1))
    assert found <= size


def test_a_gzip_stream_cut_inside_the_header_is_refused(tmp_path):
    path = _write(tmp_path / "mask.nii.gz", _array(np.uint8, (16, 64, 64)), compress=True)
    _cut(path, 40)  # 10 bytes of gzip header + 30 of deflate: under 348 bytes inflated
    message = _refused(path)
    assert "348 bytes is expected" in message and "end-of-stream marker" in message


def test_a_gzip_stream_with_a_wrong_checksum_is_refused(tmp_path):
    raw = _write(tmp_path / "raw.nii", _array(np.uint8, (16, 64, 64))).read_bytes()
    packed = bytearray(gzip.compress(raw))
    packed[-8] ^= 0xFF  # the first byte of the CRC-32
    path = tmp_path / "crc.nii.gz"
    path.write_bytes(bytes(packed))
    with pytest.raises(LoaderError, match=r"crc\.nii\.gz: its gzip stream is corrupt"):
        read_image(path)


def test_a_complete_gzip_of_a_cut_nii_is_refused(tmp_path):
    # The stream ends properly, but what it holds is 200 bytes short of 65888.
    raw = _write(tmp_path / "raw.nii", _array(np.uint8, (16, 64, 64))).read_bytes()
    path = tmp_path / "short.nii.gz"
    path.write_bytes(gzip.compress(raw[:-200]))
    message = _refused(path)
    assert "65888 bytes are expected" in message
    assert "65688 bytes found once decompressed" in message
    assert "end-of-stream" not in message


# --- .hdr / .img pairs (read_image reads them: the .hdr carries NIfTI magic "ni1") ---


def test_a_pair_with_a_cut_img_is_refused(tmp_path):
    # uint8 (16, 64, 64) in a pair: the .img holds 65536 bytes from offset 0.
    header = _write(tmp_path / "mask.hdr", _array(np.uint8, (16, 64, 64)))
    _same_as_simpleitk(header)
    _cut(tmp_path / "mask.img", -200)
    message = _refused(header)
    assert str(tmp_path / "mask.img") in message
    assert "65536 bytes are expected" in message and "65336 bytes found" in message


def test_a_gzipped_pair_with_a_cut_img_is_refused_from_either_file(tmp_path):
    # ITK writes mask.hdr.gz + mask.img.gz; read_image accepts either name.
    array = _array(np.int16, (5, 12, 10))  # 600 voxels * 2 bytes = 1200 in the .img
    header = _write(tmp_path / "mask.hdr.gz", array, compress=True)
    voxels = tmp_path / "mask.img.gz"
    assert voxels.is_file()
    _same_as_simpleitk(header)
    _same_as_simpleitk(voxels)
    _cut(voxels, -20)
    for path in (header, voxels):
        message = _refused(path)
        assert "1200 bytes are expected" in message and "end-of-stream marker" in message


# --- the header parsed by hand -------------------------------------------------------


def _nifti1_header(order, *, dim, bitpix, vox_offset, magic=b"n+1\x00"):
    """A NIfTI-1 header, 348 bytes: sizeof_hdr int32 @0, dim int16[8] @40, datatype
    int16 @70, bitpix int16 @72, vox_offset float32 @108, magic char[4] @344."""
    head = bytearray(348)
    struct.pack_into(order + "i", head, 0, 348)
    struct.pack_into(order + "8h", head, 40, *dim)
    struct.pack_into(order + "hh", head, 70, 4, bitpix)  # datatype 4 = int16
    struct.pack_into(order + "f", head, 108, vox_offset)
    head[344:348] = magic
    return bytes(head)


def _nifti2_header(order, *, dim, bitpix, vox_offset, magic=b"n+2\x00\r\n\x1a\n"):
    """A NIfTI-2 header, 540 bytes (nifti2.h): sizeof_hdr int32 @0, magic char[8] @4,
    datatype int16 @12, bitpix int16 @14, dim int64[8] @16, intent_p1..3 float64 @80,
    pixdim float64[8] @104, vox_offset int64 @168, scl_slope float64 @176, ... up to
    unused_str char[15] @525, 540 bytes in all. SimpleITK 2.5 (ITK 5.4) neither writes
    nor reads NIfTI-2, so the header is built here by hand."""
    head = bytearray(540)
    struct.pack_into(order + "i", head, 0, 540)
    head[4:12] = magic
    struct.pack_into(order + "hh", head, 12, 4, bitpix)  # datatype 4 = int16
    struct.pack_into(order + "8q", head, 16, *dim)
    struct.pack_into(order + "8d", head, 104, *([1.0] * 8))
    struct.pack_into(order + "q", head, 168, vox_offset)
    struct.pack_into(order + "d", head, 176, 1.0)
    return bytes(head)


@pytest.mark.parametrize("order", ["<", ">"])
def test_nifti1_header_parsed_in_either_byte_order(order):
    # dim = [3, 10, 12, 5]: 10 * 12 * 5 = 600 voxels * 16 bits = 1200 bytes + 352 = 1552.
    head = _nifti1_header(order, dim=(3, 10, 12, 5, 1, 1, 1, 1), bitpix=16, vox_offset=352)
    assert parse_header(head) == Layout(
        version=1, header_bytes=348, one_file=True, vox_offset=352, voxels=600, bitpix=16
    )
    assert parse_header(head).expected_bytes == 1552


def test_nifti1_header_offset_and_pair_rules():
    dim = (3, 10, 12, 5, 1, 1, 1, 1)  # 600 voxels * 2 bytes = 1200 bytes of voxels
    # One file with vox_offset 0: niftilib starts the voxels at 348 -> 348 + 1200 = 1548.
    assert parse_header(_nifti1_header("<", dim=dim, bitpix=16, vox_offset=0)).expected_bytes == (
        1548
    )
    # A pair (magic ni1): the .img holds the voxels from vox_offset 0 -> 1200.
    pair = parse_header(_nifti1_header("<", dim=dim, bitpix=16, vox_offset=0, magic=b"ni1\x00"))
    assert pair is not None and not pair.one_file and pair.expected_bytes == 1200
    # No magic: an Analyze 7.5 header, read only when the file is named .hdr.
    analyze = _nifti1_header("<", dim=dim, bitpix=16, vox_offset=0, magic=b"\0\0\0\0")
    assert parse_header(analyze) is None
    assert parse_header(analyze, pair_without_magic=True).expected_bytes == 1200
    # Fields niftilib refuses are left to SimpleITK: a zero dimension, dim[0] = 0.
    assert parse_header(_nifti1_header("<", dim=(3, 10, 0, 5, 1, 1, 1, 1), bitpix=16,
                                       vox_offset=352)) is None
    assert parse_header(_nifti1_header("<", dim=(0,) * 8, bitpix=16, vox_offset=352)) is None
    # One bit per voxel (DT_BINARY): 7 voxels * 1 bit = 1 byte (rounded up) + 352 = 353.
    bits = parse_header(_nifti1_header("<", dim=(1, 7, 1, 1, 1, 1, 1, 1), bitpix=1,
                                       vox_offset=352))
    assert bits is not None and bits.expected_bytes == 353


@pytest.mark.parametrize("order", ["<", ">"])
def test_nifti2_header_parsed_in_either_byte_order(order):
    # dim = [3, 4, 5, 3]: 4 * 5 * 3 = 60 voxels * 16 bits = 120 bytes; the voxels start
    # at 544 (540-byte header + 4-byte extension flag) -> 544 + 120 = 664.
    head = _nifti2_header(order, dim=(3, 4, 5, 3, 1, 1, 1, 1), bitpix=16, vox_offset=544)
    assert parse_header(head) == Layout(
        version=2, header_bytes=540, one_file=True, vox_offset=544, voxels=60, bitpix=16
    )
    assert parse_header(head).expected_bytes == 664
    # A NIfTI-2 dimension beyond NIfTI-1's int16: 40000 * 2 * 1 voxels * 8 bits = 80000
    # bytes + 544 = 80544.
    wide = _nifti2_header(order, dim=(3, 40000, 2, 1, 1, 1, 1, 1), bitpix=8, vox_offset=544)
    assert parse_header(wide).expected_bytes == 80544
    pair = _nifti2_header(order, dim=(3, 4, 5, 3, 1, 1, 1, 1), bitpix=16, vox_offset=0,
                          magic=b"ni2\x00\r\n\x1a\n")
    assert parse_header(pair).expected_bytes == 120


def test_a_cut_nifti2_file_is_refused(tmp_path):
    # The hand-built NIfTI-2 header of 664 bytes expected (see above), gzipped as a
    # .nii.gz, with its last 20 voxel bytes missing: 644 bytes inside a complete stream.
    head = _nifti2_header("<", dim=(3, 4, 5, 3, 1, 1, 1, 1), bitpix=16, vox_offset=544)
    body = head + b"\0\0\0\0" + np.arange(60, dtype="<i2").tobytes()
    assert len(body) == 664
    path = tmp_path / "wide.nii.gz"
    path.write_bytes(gzip.compress(body[:-20]))
    message = _refused(path)
    assert "664 bytes are expected (NIfTI-2 header" in message
    assert "644 bytes found once decompressed" in message
