"""An NRRD (.nrrd, .nhdr + data file) that is cut, mislabelled or missing its data file.

What SimpleITK 2.5 (ITK 5.4, teem's NrrdIO) does on its own, found while writing these
tests: raw voxels cut short are refused; a gzip stream cut in its 8-byte trailer is read
(right voxels, but the CRC-32 never checked); ``encoding: gzip`` over raw bytes is read
as raw without a word (zlib's transparent gzread); a gzip stream inflating to more
bytes than ``sizes`` calls for is read, the rest ignored; and ``byte skip: -1`` over too
few bytes is read **as wrong voxels** (header bytes taken as voxels). ``read_image``
checks the file against its own header first. Expected sizes are worked out by hand:

    uint8 (16, 64, 64): sizes 64 64 16 -> 16 * 64 * 64 = 65536 voxels * 1 byte  = 65536
    int16 (4, 6, 7):    sizes 7 6 4    ->  4 * 6 * 7   =   168 voxels * 2 bytes =   336

An attached .nrrd is its header, a blank line, then the voxels (raw or a gzip stream).
"""

from __future__ import annotations

import gzip

import numpy as np
import pytest
import SimpleITK as sitk

from .conftest import refused, same_as_simpleitk

MASK_BYTES = 65536  # uint8 (16, 64, 64), see above


def _array(dtype=np.uint8, shape=(16, 64, 64)):
    return np.random.default_rng(0).integers(0, 100, shape).astype(dtype)


def _write(path, array, *, compress=False):
    image = sitk.GetImageFromArray(array)
    image.SetSpacing((0.5, 0.7, 2.0))
    sitk.WriteImage(image, str(path), useCompression=compress)
    return path


def _split(path):
    """(header with its blank line, the bytes after it) of an attached NRRD."""
    header, _, data = path.read_bytes().partition(b"\n\n")
    return header + b"\n\n", data


# --- good files read as SimpleITK reads them -----------------------------------------


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gzip"])
@pytest.mark.parametrize("suffix", [".nrrd", ".nhdr"])
def test_intact_nrrds_read_as_simpleitk_reads_them(tmp_path, suffix, compress):
    array = _array()
    path = _write(tmp_path / f"mask{suffix}", array, compress=compress)
    image = same_as_simpleitk(path, array)
    assert image.spacing_mm == pytest.approx((2.0, 0.7, 0.5))
    if suffix == ".nrrd" and not compress:
        assert len(_split(path)[1]) == MASK_BYTES  # the hand-worked size


def test_skips_multiple_members_and_trailing_bytes_are_read(tmp_path):
    # teem skips "line skip" lines before the data, and "byte skip" bytes of the
    # inflated data (gzip) or of the file (raw); "byte skip: -1" takes the last bytes.
    array = _array(np.int16, (4, 6, 7))
    raw = array.tobytes()
    assert len(raw) == 336
    header, _ = _split(_write(tmp_path / "m.nrrd", array))
    path = tmp_path / "skips.nrrd"
    gz = header.replace(b"encoding: raw", b"encoding: gzip")[:-1]
    variants = [
        header[:-1] + b"byte skip: 3\n\nABC" + raw,
        header[:-1] + b"byte skip: -1\n\nANY LENGTH" + raw,
        header + raw + b"trailing bytes",
        gz + b"line skip: 2\n\nline 1\nline 2\n" + gzip.compress(raw),
        gz + b"byte skip: 5\n\n" + gzip.compress(b"ABCDE" + raw),
        gz + b"\n" + gzip.compress(raw[:100]) + gzip.compress(raw[100:]),  # two members
        gz + b"\n" + gzip.compress(raw) + b"trailing bytes",
    ]
    for data in variants:
        path.write_bytes(data)
        same_as_simpleitk(path, array)


def test_an_encoding_left_to_simpleitk_still_reads(tmp_path):
    # ascii voxels are not checked here: SimpleITK reads them as before.
    array = _array(np.int16, (4, 6, 7))
    header, _ = _split(_write(tmp_path / "m.nrrd", array))
    path = tmp_path / "ascii.nrrd"
    text = " ".join(str(value) for value in array.ravel()).encode()
    path.write_bytes(header.replace(b"encoding: raw", b"encoding: ascii") + text + b"\n")
    same_as_simpleitk(path, array)


# --- raw voxels cut short ------------------------------------------------------------


@pytest.mark.parametrize("cut", [1, 200])
def test_a_cut_raw_nrrd_is_refused_saying_so(tmp_path, cut):
    path = _write(tmp_path / "mask.nrrd", _array())
    header, voxels = _split(path)
    path.write_bytes(header + voxels[:-cut])
    refused(path, "truncated", f"{MASK_BYTES} bytes of voxels are expected from byte "
             f"{len(header)}", f"{MASK_BYTES - cut} bytes found")


def test_a_cut_data_file_is_named(tmp_path):
    path = _write(tmp_path / "mask.nhdr", _array())
    raw = tmp_path / "mask.raw"
    raw.write_bytes(raw.read_bytes()[:-100])
    refused(path, "truncated", f"in {raw}", "65536 bytes of voxels", "65436 bytes found")


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gzip"])
def test_a_missing_data_file_is_named(tmp_path, compress):
    path = _write(tmp_path / "mask.nhdr", _array(), compress=compress)
    data = tmp_path / ("mask.raw.gz" if compress else "mask.raw")
    data.unlink()
    refused(path, f"its data file {data}", "does not exist")


def test_too_few_bytes_under_byte_skip_minus_one_arerefused(tmp_path):
    # 334 bytes after the header, 336 needed: SimpleITK reads 2 header bytes as voxels.
    array = _array(np.int16, (4, 6, 7))
    header, raw = _split(_write(tmp_path / "m.nrrd", array))
    path = tmp_path / "tail.nrrd"
    path.write_bytes(header[:-1] + b"byte skip: -1\n\n" + raw[:-2])
    refused(path, "truncated", "336 bytes of voxels are expected", "334 bytes found")


def test_a_nrrd_cut_inside_its_header_isrefused(tmp_path):
    path = _write(tmp_path / "mask.nrrd", _array())
    header, _ = _split(path)
    path.write_bytes(header[:-2])  # no blank line, no data file
    refused(path, "truncated", "without the blank line")


# --- gzip ----------------------------------------------------------------------------


@pytest.mark.parametrize("cut", [1, 4, 9, 5000])
def test_a_cut_gzip_stream_isrefused(tmp_path, cut):
    # Cut by 1 to 4 bytes (inside the trailer) or 9 (the trailer and one byte of deflate
    # data), SimpleITK still reads every voxel but never checks the CRC-32.
    path = _write(tmp_path / "mask.nrrd", _array(), compress=True)
    header, stream = _split(path)
    path.write_bytes(header + stream[:-cut])
    message = refused(path, "truncated")
    assert "end-of-stream marker" in message or "inflate to" in message, message


def test_a_gzip_stream_with_a_wrong_checksum_isrefused(tmp_path):
    path = _write(tmp_path / "mask.nrrd", _array(), compress=True)
    header, stream = _split(path)
    altered = bytearray(stream)
    altered[-8] ^= 0xFF  # the first byte of the CRC-32
    path.write_bytes(header + bytes(altered))
    refused(path, "are corrupt", "incorrect data check")


def test_raw_bytes_under_a_gzip_header_arerefused(tmp_path):
    # "encoding: gzip" over the raw voxels: SimpleITK reads them as raw without a word.
    array = _array()
    header, raw = _split(_write(tmp_path / "m.nrrd", array))
    path = tmp_path / "mislabelled.nrrd"
    path.write_bytes(header.replace(b"encoding: raw", b"encoding: gzip") + raw)
    refused(path, "is not a gzip stream", f"it starts {array.flat[0]:02x} "
             f"{array.flat[1]:02x}, not 1f 8b")


@pytest.mark.parametrize(("data", "words"), [
    (lambda raw: raw[:-200], ("truncated", "inflate to 65336 bytes, 65536 bytes are")),
    (lambda raw: raw + b"\0" * 4, ("inflate to more than the 65536 bytes",)),
])
def test_a_complete_stream_of_the_wrong_length_isrefused(tmp_path, data, words):
    array = _array()
    header, _ = _split(_write(tmp_path / "m.nrrd", array, compress=True))
    path = tmp_path / "wrong.nrrd"
    path.write_bytes(header + gzip.compress(data(array.tobytes())))
    refused(path, *words)


def test_a_cut_detached_gzip_file_is_named(tmp_path):
    path = _write(tmp_path / "mask.nhdr", _array(), compress=True)
    data = tmp_path / "mask.raw.gz"
    data.write_bytes(data.read_bytes()[:-1])
    refused(path, "truncated", f"in {data}", "end-of-stream marker")


def test_an_nrrd_without_spacing_says_its_spacing_is_absent(tmp_path):
    # No "space directions" and no "spacings": SimpleITK reads 1 mm on every axis. So does
    # medeval, but it says the file stated none (a task measuring in mm then refuses it);
    # with "spacings" the file states its spacing and nothing is said.
    from medeval.loaders import read_image

    array = np.arange(24, dtype=np.int16)
    head = b"NRRD0004\ntype: int16\ndimension: 3\nsizes: 4 3 2\nendian: little\nencoding: raw\n"
    (tmp_path / "bare.nrrd").write_bytes(head + b"\n" + array.tobytes())
    (tmp_path / "spaced.nrrd").write_bytes(head + b"spacings: 0.5 0.5 2\n\n" + array.tobytes())
    assert sitk.ReadImage(str(tmp_path / "bare.nrrd")).GetSpacing() == (1.0, 1.0, 1.0)
    bare = same_as_simpleitk(tmp_path / "bare.nrrd", array.reshape(2, 3, 4))
    assert bare.metadata["spacing_source"] == "absent"
    assert "without space directions or spacings" in bare.metadata["spacing_note"]
    spaced = read_image(tmp_path / "spaced.nrrd")
    assert spaced.spacing_mm == (2.0, 0.5, 0.5) and "spacing_source" not in spaced.metadata
