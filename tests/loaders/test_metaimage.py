"""A MetaImage (.mha, .mhd + .raw / .zraw) that is cut, corrupt or missing its data file.

What SimpleITK 2.5 (ITK 5.4, MetaIO) does on its own, found while writing these tests:
raw voxels cut short are refused, but with "Reason: No such file or directory" (a stale
errno) while the real reason goes to stderr; a missing data file is not named; and
compressed voxels that are corrupt (one byte changed), that inflate to too few bytes, or
whose CompressedDataSize is smaller than the stream, are read **as wrong voxels without
an error** (MetaIO prints "Uncompress failed" to stderr, or nothing); so is an intact
compressed .mha without a CompressedDataSize line. ``read_image`` checks the file
against its own header first. Expected sizes are worked out by hand:

    uint8 (16, 64, 64):  DimSize 64 64 16 -> 16 * 64 * 64 = 65536 voxels * 1 byte = 65536
    int16 (4, 6, 7):     DimSize 7 6 4    ->  4 * 6 * 7   =   168 voxels * 2 bytes =  336
    uint8 RGB (3, 4, 5): DimSize 5 4 3, ElementNumberOfChannels 3 -> 60 * 3 * 1    =  180

A .mha holds its header and then the voxels (ElementDataFile = LOCAL is the header's last
line), so its size is the header's length + those bytes.
"""

from __future__ import annotations

import re
import zlib

import numpy as np
import pytest
import SimpleITK as sitk

from .conftest import refused, same_as_simpleitk

MASK_BYTES = 65536  # uint8 (16, 64, 64), see above


def _array(dtype=np.uint8, shape=(16, 64, 64)):
    # Random values, so that the compressed stream is long enough to cut and to alter.
    return np.random.default_rng(0).integers(0, 100, shape).astype(dtype)


def _write(path, array, *, compress=False, spacing=(0.5, 0.7, 2.0), vector=False):
    image = sitk.GetImageFromArray(array, isVector=vector)
    image.SetSpacing(spacing)
    sitk.WriteImage(image, str(path), useCompression=compress)
    return path


def _split(path):
    """(header up to and with the ElementDataFile line, the bytes after it)."""
    data = path.read_bytes()
    end = data.index(b"\n", data.index(b"ElementDataFile")) + 1
    return data[:end], data[end:]


# --- good files read as SimpleITK reads them -----------------------------------------


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "compressed"])
@pytest.mark.parametrize("suffix", [".mha", ".mhd"])
def test_intact_metaimages_read_as_simpleitk_reads_them(tmp_path, suffix, compress):
    array = _array()
    path = _write(tmp_path / f"mask{suffix}", array, compress=compress)
    image = same_as_simpleitk(path, array)
    assert image.spacing_mm == pytest.approx((2.0, 0.7, 0.5))
    if suffix == ".mha" and not compress:
        assert len(_split(path)[1]) == MASK_BYTES  # the hand-worked size


def test_a_colour_metaimage_counts_its_channels(tmp_path):
    # 60 voxels x 3 channels x 1 byte = 180 bytes after the header.
    array = _array(np.uint8, (3, 4, 5, 3))
    path = _write(tmp_path / "rgb.mha", array, spacing=(1.0, 1.0, 1.0), vector=True)
    assert len(_split(path)[1]) == 180
    same_as_simpleitk(path, array)
    path.write_bytes(path.read_bytes()[:-1])  # 179 < 180
    refused(path, "truncated", "180 bytes of voxels are expected", "179 bytes found",
             "x 3 channels")


def test_trailing_bytes_after_raw_voxels_are_fine(tmp_path):
    # MetaIO reads the 65536 bytes it needs and ignores the rest.
    array = _array()
    path = _write(tmp_path / "mask.mha", array)
    path.write_bytes(path.read_bytes() + b"\0" * 10)
    same_as_simpleitk(path, array)


def test_a_data_file_with_its_own_header_bytes(tmp_path):
    # HeaderSize = 8 skips 8 bytes of the .raw; HeaderSize = -1 takes its last 336 bytes
    # (so only a file of fewer than 336 bytes can be seen to be cut).
    array = _array(np.int16, (4, 6, 7))
    header = _write(tmp_path / "m.mhd", array)
    raw = (tmp_path / "m.raw").read_bytes()
    assert len(raw) == 336
    text = header.read_bytes()
    for size, data, cut in ((b"8", b"JUNKJUNK" + raw, 343), (b"-1", b"ANY" + raw, 335)):
        header.write_bytes(text.replace(b"ElementDataFile", b"HeaderSize = " + size +
                                        b"\nElementDataFile"))
        (tmp_path / "m.raw").write_bytes(data)
        same_as_simpleitk(header, array)
        (tmp_path / "m.raw").write_bytes(data[:cut])  # 8 + 336 = 344 needed; 336 needed
        refused(header, "truncated", str(tmp_path / "m.raw"), "336 bytes of voxels")


# --- raw voxels cut short ------------------------------------------------------------


@pytest.mark.parametrize("cut", [1, 200, MASK_BYTES])
def test_a_cut_mha_is_refused_saying_so(tmp_path, cut):
    # SimpleITK refuses it too, but says "Reason: No such file or directory".
    path = _write(tmp_path / "mask.mha", _array())
    header, voxels = _split(path)
    path.write_bytes(header + voxels[:-cut])
    message = refused(path, "truncated", f"{MASK_BYTES} bytes of voxels are expected "
                       f"from byte {len(header)}", f"{MASK_BYTES - cut} bytes found")
    assert "No such file" not in message


def test_a_cut_raw_file_is_named(tmp_path):
    path = _write(tmp_path / "mask.mhd", _array())
    raw = tmp_path / "mask.raw"
    raw.write_bytes(raw.read_bytes()[:-100])
    refused(path, "truncated", f"in {raw}", "65536 bytes of voxels", "65436 bytes found")


def test_a_missing_data_file_is_named(tmp_path):
    path = _write(tmp_path / "mask.mhd", _array())
    (tmp_path / "mask.raw").unlink()
    message = refused(path, f"its data file {tmp_path / 'mask.raw'}", "does not exist")
    assert "No such file or directory" not in message


@pytest.mark.parametrize("keep", [40, 200])
def test_a_mha_cut_inside_its_header_isrefused(tmp_path, keep):
    path = _write(tmp_path / "mask.mha", _array())
    path.write_bytes(path.read_bytes()[:keep])  # ITK's header is longer than 200 bytes
    refused(path, "truncated", "header ends with the file", "ElementDataFile")


# --- compressed voxels ---------------------------------------------------------------


def _compressed(tmp_path, name="mask.mha"):
    path = _write(tmp_path / name, _array(), compress=True)
    header, stream = _split(path)
    stated = int(re.search(rb"CompressedDataSize = (\d+)", header).group(1))
    assert stated == len(stream)  # ITK states the stream's length
    return path, header, stream


def _with_size(header, size):
    return re.sub(rb"CompressedDataSize = \d+", b"CompressedDataSize = %d" % size, header)


def test_a_corrupt_compressed_mha_isrefused(tmp_path):
    # One byte changed in the middle: SimpleITK returns an image with wrong voxels.
    path, header, stream = _compressed(tmp_path)
    altered = bytearray(stream)
    altered[len(stream) // 2] ^= 0x55
    path.write_bytes(header + bytes(altered))
    refused(path, "compressed voxels", "are corrupt", "zlib")


@pytest.mark.parametrize("cut", [1, 4, 100])
def test_a_cut_compressed_mha_isrefused(tmp_path, cut):
    path, header, stream = _compressed(tmp_path)
    path.write_bytes(header + stream[:-cut])
    refused(path, "truncated", f"{len(stream)} bytes of compressed voxels are expected",
             f"{len(stream) - cut} bytes found")


def test_a_compressed_data_size_shorter_than_the_stream_isrefused(tmp_path):
    # SimpleITK inflates only the bytes CompressedDataSize names: wrong voxels, no error.
    path, header, stream = _compressed(tmp_path)
    path.write_bytes(_with_size(header, len(stream) - 10) + stream)
    refused(path, "truncated", "without their end-of-stream marker",
             f"{MASK_BYTES} bytes are expected")


@pytest.mark.parametrize(("extra", "words"), [
    (-200, ("truncated", "inflate to 65336 bytes, 65536 bytes are expected")),  # 65536-200
    (4, ("inflate to more than the 65536 bytes",)),
])
def test_a_stream_of_the_wrong_length_isrefused(tmp_path, extra, words):
    path, header, _ = _compressed(tmp_path)
    raw = _array().tobytes()
    data = raw[:extra] if extra < 0 else raw + b"\0" * extra
    stream = zlib.compress(data)
    path.write_bytes(_with_size(header, len(stream)) + stream)
    refused(path, *words)


def test_compressed_data_that_is_not_compressed_isrefused(tmp_path):
    # CompressedData = True over the raw voxels: SimpleITK reads made-up voxels.
    path, header, _ = _compressed(tmp_path)
    raw = _array().tobytes()
    path.write_bytes(_with_size(header, len(raw)) + raw)
    refused(path, "is not a zlib or gzip stream")


def test_a_compressed_mha_without_its_compressed_size_isrefused(tmp_path):
    # Even the intact stream is read as wrong voxels by SimpleITK without this line.
    path, header, stream = _compressed(tmp_path)
    header = re.sub(rb"CompressedDataSize = \d+\n", b"", header)
    path.write_bytes(header + stream)
    refused(path, "no CompressedDataSize")


def test_a_gzip_stream_or_bytes_after_the_stream_are_fine(tmp_path):
    # MetaIO inflates zlib or gzip (auto-detected); bytes after the stream's end within
    # CompressedDataSize are ignored.
    import gzip

    array = _array()
    path, header, stream = _compressed(tmp_path)
    packed = gzip.compress(array.tobytes())
    path.write_bytes(_with_size(header, len(packed)) + packed)
    same_as_simpleitk(path, array)
    path.write_bytes(_with_size(header, len(stream) + 4) + stream + b"JUNK")
    same_as_simpleitk(path, array)


def test_a_cut_zraw_is_named(tmp_path):
    path = _write(tmp_path / "mask.mhd", _array(), compress=True)
    zraw = tmp_path / "mask.zraw"
    zraw.write_bytes(zraw.read_bytes()[:-30])
    refused(path, "truncated", f"in {zraw}", "compressed voxels are expected")


def test_a_zraw_without_compressed_size_is_checked_whole(tmp_path):
    # A separate data file: SimpleITK reads it right without CompressedDataSize, and so
    # the whole file is taken as the stream.
    array = _array()
    path = _write(tmp_path / "mask.mhd", array, compress=True)
    path.write_bytes(re.sub(rb"CompressedDataSize = \d+\n", b"", path.read_bytes()))
    same_as_simpleitk(path, array)
    zraw = tmp_path / "mask.zraw"
    zraw.write_bytes(zraw.read_bytes()[:-30])
    refused(path, "truncated", f"in {zraw}", "end-of-stream marker")


# --- what is left to SimpleITK -------------------------------------------------------


def test_a_header_simpleitk_refuses_gives_no_stale_reason(tmp_path):
    # "dimsize" is not MetaIO's key (keys are case-sensitive): MetaIO refuses the header
    # and ITK adds "Reason: No such file or directory", which is not the reason.
    path = _write(tmp_path / "mask.mha", _array())
    path.write_bytes(path.read_bytes().replace(b"DimSize", b"dimsize"))
    message = refused(path, "SimpleITK cannot read it",
                       "MetaIO prints the reason on standard error")
    assert "No such file or directory" not in message


def test_a_header_that_opens_with_a_comment_is_a_metaimage(tmp_path):
    """MetaIO goes by the name and reads keys in any order: a .mha whose header opens
    with ``Comment =`` is an image, for the manifest's check as for the reader."""
    from medeval.manifest import Manifest

    array = _array(shape=(2, 3, 4))
    plain = _write(tmp_path / "plain.mha", array)
    path = tmp_path / "commented.mha"
    path.write_bytes(b"Comment = written by hand\n" + plain.read_bytes())
    same_as_simpleitk(path, array)
    (tmp_path / "input.txt").write_text("x")
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input,reference\nc1,p1,input.txt,commented.mha\n")
    Manifest.from_csv(tmp_path / "manifest.csv", reference_kind="segmentation").validate()


def test_a_metaimage_without_spacing_says_its_spacing_is_absent(tmp_path):
    # No ElementSpacing and no ElementSize: SimpleITK reads 1 mm on every axis. So does
    # medeval, but it says the file stated none (a task measuring in mm then refuses it).
    from medeval.loaders import read_image

    array = np.arange(24, dtype=np.int16)
    head = b"ObjectType = Image\nNDims = 3\nDimSize = 4 3 2\nElementType = MET_SHORT\n"
    (tmp_path / "bare.mha").write_bytes(head + b"ElementDataFile = LOCAL\n" + array.tobytes())
    (tmp_path / "spaced.mha").write_bytes(
        head + b"ElementSpacing = 0.5 0.5 2\nElementDataFile = LOCAL\n" + array.tobytes())
    assert sitk.ReadImage(str(tmp_path / "bare.mha")).GetSpacing() == (1.0, 1.0, 1.0)
    bare = same_as_simpleitk(tmp_path / "bare.mha", array.reshape(2, 3, 4))
    assert bare.metadata["spacing_source"] == "absent"
    assert "without ElementSpacing or ElementSize" in bare.metadata["spacing_note"]
    spaced = read_image(tmp_path / "spaced.mha")
    assert spaced.spacing_mm == (2.0, 0.5, 0.5) and "spacing_source" not in spaced.metadata
