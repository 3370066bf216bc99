"""A damaged DICOM file is refused, never read as made-up, cut or reshaped pixels.

Real files of ../shared/data, copied to tmp_path and then cut or altered by bytes (the
encapsulated ones re-itemized with pydicom's own ``pydicom.encaps``). Before the checks
of ``medeval.loaders._dicom_pixels``, pydicom 3.0.2 and the pylibjpeg decoders read most
of these without an error; the others raised something other than a LoaderError, or a
LoaderError that did not say what was wrong. Sizes worked by hand:

    CT_small.dcm     128 x 128, 1 sample, 16 bits, 1 frame:  128*128*1*2    = 32768 bytes
    emri_small.dcm   64 x 64, 1 sample, 16 bits, 10 frames:  64*64*1*2      =  8192 a frame
                                                             8192 * 10      = 81920 bytes
    JPEG-LL.dcm      1024 rows x 256 columns; its JPEG SOF says the same (1024 x 256);
                     header 512 x 512 has the same pixel count, 512*512 = 1024*256 = 262144
    MR_small_*.dcm   64 x 64, 16 bits; the JPEG 2000 SIZ says 64 x 64, 16-bit;
                     header 32 x 128 has the same pixel count, 32*128 = 64*64 = 4096

Not detectable, and not tested as if it were: a byte changed inside entropy-coded JPEG
data, JPEG 2000 code-blocks, an RLE run or a deflated dataset decodes to other pixels
with no error (no checksum covers them); RLE Rows and Columns swapped decode silently.
"""

from __future__ import annotations

import shutil
import warnings

import numpy as np
import pydicom
import pytest
from pydicom.encaps import encapsulate, encapsulate_extended, generate_frames, itemize_fragment
from pydicom.uid import DeflatedExplicitVRLittleEndian

from medeval.loaders import read_image

from .conftest import refused

CT = "dicom/ct/CT_small.dcm"
EMRI = "dicom/multiframe/emri_small.dcm"
EMRI_J2K = "dicom/multiframe/emri_small_jpeg_2k_lossless.dcm"
JPEG_LL = "dicom/compressed/JPEG-LL.dcm"
JPEG_EXT = "dicom/compressed/JPGExtended.dcm"
J2K = "dicom/compressed/MR_small_jp2klossless.dcm"
RLE = "dicom/compressed/MR_small_RLE.dcm"


def _copy(shared_data, tmp_path, name):
    path = tmp_path / name.rsplit("/", 1)[-1]
    shutil.copyfile(shared_data / name, path)
    return path


def _dataset(path):
    return pydicom.dcmread(path)


def _save(ds, path):
    ds.save_as(path)
    return path


def _fragments(ds):
    """The fragments of a single-frame encapsulated file, its Basic Offset Table dropped."""
    from pydicom.encaps import generate_fragments

    return list(generate_fragments(ds.PixelData))[1:]


def _encapsulated(ds, fragments):
    """Pixel data of ``fragments`` (one frame), an empty Basic Offset Table first."""
    return b"\xfe\xff\x00\xe0\x00\x00\x00\x00" + b"".join(
        itemize_fragment(f) for f in fragments)


def _frames(ds):
    return list(generate_frames(ds.PixelData, number_of_frames=int(ds.NumberOfFrames)))


def _same_as_pydicom(path):
    """read_image gives pydicom's pixel_array (rescaled), frames in file order."""
    image = read_image(path)
    ds = pydicom.dcmread(path)
    if ds.file_meta.TransferSyntaxUID.is_compressed:
        ds.pixel_array_options(decoding_plugin="pylibjpeg")
    expected = ds.pixel_array.reshape(-1, ds.Rows, ds.Columns)
    expected = expected * float(ds.get("RescaleSlope", 1)) + float(ds.get("RescaleIntercept", 0))
    np.testing.assert_array_equal(image.array, expected)
    return image


# --- good files still read, the same as pydicom reads them -------------------------------


@pytest.mark.parametrize("name", [CT, EMRI, EMRI_J2K, JPEG_LL, JPEG_EXT, J2K, RLE])
def test_intact_files_read_as_pydicom_reads_them(shared_data, name):
    _same_as_pydicom(shared_data / name)


@pytest.mark.parametrize("table", ["basic", "extended"])
def test_offset_tables_that_point_at_the_frames_are_fine(shared_data, tmp_path, table):
    path = _copy(shared_data, tmp_path, EMRI_J2K)
    ds = _dataset(path)
    frames = _frames(ds)
    if table == "basic":
        ds.PixelData = encapsulate(frames, has_bot=True)
    else:
        ds.PixelData, ds.ExtendedOffsetTable, ds.ExtendedOffsetTableLengths = (
            encapsulate_extended(frames))
    _same_as_pydicom(_save(ds, path))


def test_frames_split_over_several_fragments_are_fine(shared_data, tmp_path):
    # JPEG-LL's one frame in 3 fragments instead of 2; a J2K frame in 2 fragments (no
    # offset table: pydicom finds the frame ends by their EOC markers).
    path = _copy(shared_data, tmp_path, JPEG_LL)
    ds = _dataset(path)
    whole = b"".join(_fragments(ds))
    ds.PixelData = _encapsulated(ds, [whole[:1000], whole[1000:50000], whole[50000:]])
    _same_as_pydicom(_save(ds, path))

    path = _copy(shared_data, tmp_path, EMRI_J2K)
    ds = _dataset(path)
    frames = _frames(ds)
    pieces = [*frames[:3], frames[3][:1000], frames[3][1000:], *frames[4:]]
    ds.PixelData = _encapsulated(ds, pieces)
    _same_as_pydicom(_save(ds, path))


def test_a_deflated_file_reads(shared_data, tmp_path):
    ds = _dataset(shared_data / CT)
    ds.file_meta.TransferSyntaxUID = DeflatedExplicitVRLittleEndian
    _same_as_pydicom(_save(ds, tmp_path / "deflated.dcm"))


# --- cut files ---------------------------------------------------------------------------


def test_a_file_cut_inside_its_header_says_truncated(shared_data, tmp_path):
    # pydicom stops at the end of the file without a word; the dataset just has no Pixel
    # Data, and the loader said "has no pixel data ... it is not an image".
    raw = (shared_data / CT).read_bytes()
    orientation = _dataset(shared_data / CT)["ImageOrientationPatient"]
    # inside its 54-byte value (starts at byte 2398 of the file) ...
    value_tell = 2398
    assert orientation.file_tell == value_tell and len(raw) == 39206
    path = tmp_path / "cut.dcm"
    path.write_bytes(raw[: value_tell + 20])
    refused(path, "truncated", "(0020,0037) ImageOrientationPatient", "20 of its 54 bytes")
    # ... and inside its 8-byte tag + VR + length, 4 of them kept (explicit VR "DS")
    path.write_bytes(raw[: value_tell - 4])
    refused(path, "truncated", "4 byte(s) after element")


@pytest.mark.parametrize("keep", [141, 152])
def test_a_file_cut_in_its_file_meta_is_a_loader_error(shared_data, tmp_path, keep):
    # pydicom raised BytesLengthException (141) and struct.error (152), not LoaderErrors.
    path = tmp_path / "cut.dcm"
    path.write_bytes((shared_data / CT).read_bytes()[:keep])
    refused(path, "cannot be parsed")


def test_a_cut_deflated_file_is_a_loader_error(shared_data, tmp_path):
    # zlib.error ("incomplete or truncated stream") passed through the loader.
    ds = _dataset(shared_data / CT)
    ds.file_meta.TransferSyntaxUID = DeflatedExplicitVRLittleEndian
    path = _save(ds, tmp_path / "deflated.dcm")
    path.write_bytes(path.read_bytes()[:-100])
    refused(path, "cannot be parsed", "truncated stream")


def test_a_series_with_a_file_cut_in_its_header_names_that_file(shared_data, tmp_path):
    # 2693.dcm cut at byte 600, before its SeriesInstanceUID (value at 1780): the loader
    # said the folder "holds 2 series", one of them without a SeriesInstanceUID.
    for source in (shared_data / "dicom/series/ct5n").iterdir():
        shutil.copyfile(source, tmp_path / source.name)
    cut = tmp_path / "2693.dcm"
    cut.write_bytes(cut.read_bytes()[:600])
    refused(tmp_path, str(cut), "truncated")


# --- native pixel data longer than the header says ---------------------------------------


def test_native_pixel_data_longer_than_its_header_isrefused(shared_data, tmp_path):
    # 32768 bytes called for, 32768 + 256 = 33024 held: pydicom warned "excess padding"
    # and dropped the 256; with Columns one too small, the same happens to a sheared image.
    path = _copy(shared_data, tmp_path, CT)
    ds = _dataset(path)
    ds.PixelData = ds.PixelData + bytes(256)
    refused(_save(ds, path), "33024 bytes", "256 more", "= 32768 bytes")


def test_a_single_frame_file_holding_two_frames_isrefused(shared_data, tmp_path):
    # 2 * 32768 = 65536 bytes, no NumberOfFrames: pydicom returned both frames and the
    # loader an array of shape (1, 2, 128, 128).
    path = _copy(shared_data, tmp_path, CT)
    ds = _dataset(path)
    ds.PixelData = ds.PixelData * 2
    refused(_save(ds, path), "65536 bytes", "2 whole frames where NumberOfFrames says 1")


def test_native_multiframe_declaring_fewer_frames_than_it_holds_isrefused(
    shared_data, tmp_path
):
    # NumberOfFrames 9: 9 * 8192 = 73728 called for, 81920 held; pydicom returned 10.
    path = _copy(shared_data, tmp_path, EMRI)
    ds = _dataset(path)
    ds.NumberOfFrames = 9
    refused(_save(ds, path), "81920 bytes", "= 73728 bytes",
             "10 whole frames where NumberOfFrames says 9")


def test_native_multiframe_declaring_more_frames_names_the_first_missing(
    shared_data, tmp_path
):
    # NumberOfFrames 11: 11 * 8192 = 90112 called for, 81920 held = 10 whole frames.
    # pydicom raised "less than expected (81920 vs 90112 bytes)" without naming a frame.
    path = _copy(shared_data, tmp_path, EMRI)
    ds = _dataset(path)
    ds.NumberOfFrames = 11
    refused(_save(ds, path), "81920 bytes", "= 90112 bytes", "frame 11 of 11")


# --- encapsulated pixel data cut, or missing a fragment ----------------------------------


@pytest.mark.parametrize("name", [JPEG_LL, JPEG_EXT])
@pytest.mark.parametrize("cut", ["eoi", "half"])
def test_a_jpeg_frame_cut_short_isrefused(shared_data, tmp_path, name, cut):
    # The codestreams end "... FF D9 FF" (EOI, one 0xFF pad byte). libjpeg decodes a
    # stream cut by those 2 bytes or by half its last fragment without an error, making up
    # the rest (half: different pixels; EOI only: the same pixels, but a cut stream).
    path = _copy(shared_data, tmp_path, name)
    ds = _dataset(path)
    fragments = _fragments(ds)
    assert fragments[-1].endswith(b"\xff\xd9\xff")
    last = fragments[-1][:-2] if cut == "eoi" else fragments[-1][: len(fragments[-1]) // 2]
    ds.PixelData = _encapsulated(ds, [*fragments[:-1], last])
    refused(_save(ds, path), "cut short", "EOI")


def test_a_jpeg_frame_missing_its_last_fragment_isrefused(shared_data, tmp_path):
    # JPEG-LL's frame is 2 fragments (65536 + 50516 bytes); with the second one gone
    # libjpeg decoded the first alone and made up the lower part of the image.
    path = _copy(shared_data, tmp_path, JPEG_LL)
    ds = _dataset(path)
    fragments = _fragments(ds)
    assert [len(f) for f in fragments] == [65536, 50516]
    ds.PixelData = _encapsulated(ds, fragments[:1])
    refused(_save(ds, path), "cut short", "EOI")


def test_a_jpeg2000_frame_cut_short_says_so(shared_data, tmp_path):
    # OpenJPEG refuses it too, but the loader then advised to "install the pylibjpeg
    # plugins" (its hint looked for "decod" in the decoder's message).
    path = _copy(shared_data, tmp_path, J2K)
    ds = _dataset(path)
    (fragment,) = _fragments(ds)
    ds.PixelData = _encapsulated(ds, [fragment[: len(fragment) // 2]])
    message = refused(_save(ds, path), "cut short", "EOC")
    assert "install" not in message


def test_an_rle_frame_cut_short_does_not_advise_installing_plugins(shared_data, tmp_path):
    # pylibjpeg-rle raises "The end of the data was reached before the segment was
    # completely decoded": the hint said to install the plugins (they are installed).
    path = _copy(shared_data, tmp_path, RLE)
    ds = _dataset(path)
    (fragment,) = _fragments(ds)
    ds.PixelData = _encapsulated(ds, [fragment[:-100]])
    message = refused(_save(ds, path), "cannot be decoded", "truncated or corrupt")
    assert "install" not in message


# --- multi-frame: NumberOfFrames against the frames held ---------------------------------


def _emri_j2k(shared_data, tmp_path, table, frames=None):
    path = _copy(shared_data, tmp_path, EMRI_J2K)
    ds = _dataset(path)
    held = _frames(ds)[:frames]
    if table == "none":
        ds.PixelData = encapsulate(held, has_bot=False)
    elif table == "basic":
        ds.PixelData = encapsulate(held, has_bot=True)
    else:
        ds.PixelData, ds.ExtendedOffsetTable, ds.ExtendedOffsetTableLengths = (
            encapsulate_extended(held))
    return path, ds


@pytest.mark.parametrize("table", ["none", "basic", "extended"])
def test_encapsulated_multiframe_declaring_fewer_frames_than_it_holds_isrefused(
    shared_data, tmp_path, table
):
    # 10 frames held, NumberOfFrames 9: pydicom warned and returned all 10.
    path, ds = _emri_j2k(shared_data, tmp_path, table)
    ds.NumberOfFrames = 9
    refused(_save(ds, path), "hold 10 frame(s) but its header declares 9")


@pytest.mark.parametrize("table", ["none", "basic", "extended"])
def test_encapsulated_multiframe_declaring_more_frames_than_it_holds_isrefused(
    shared_data, tmp_path, table
):
    # 10 frames held, NumberOfFrames 11: pydicom raised ValueError (no table) or a bare
    # StopIteration, read as "pixel data cannot be decoded (...): ;".
    path, ds = _emri_j2k(shared_data, tmp_path, table)
    ds.NumberOfFrames = 11
    refused(_save(ds, path), "NumberOfFrames", "frames are missing")


@pytest.mark.parametrize("table", ["basic", "extended"])
def test_an_offset_table_pointing_past_a_missing_frame_isrefused(shared_data, tmp_path, table):
    # The table of all 10 frames over the fragments of the first 9: frame 10 starts at
    # 9 items of 8 bytes + the 9 frames' bytes, where nothing is left. pydicom raised a
    # bare StopIteration (basic) or OpenJPEG "No matching JPEG 2000 format" (extended).
    path, ds = _emri_j2k(shared_data, tmp_path, table)
    frames = _frames(ds)
    tenth = 9 * 8 + sum(len(f) for f in frames[:9])
    nine = encapsulate(frames[:9], has_bot=False)[8:]
    if table == "basic":
        ds.PixelData = ds.PixelData[: 8 + 4 * 10] + nine  # BOT item: 8 + 10 offsets of 4
        refused(_save(ds, path), f"Basic Offset Table puts frame 10 at byte {tenth}")
    else:
        ds.PixelData = b"\xfe\xff\x00\xe0\x00\x00\x00\x00" + nine
        refused(_save(ds, path), f"Extended Offset Table puts frame 10 at byte {tenth}")


# --- the codestream's own size against the header ----------------------------------------


@pytest.mark.parametrize(("name", "rows", "columns", "words"), [
    (JPEG_LL, 512, 512, ("JPEG SOF", "1024 rows where the header says Rows 512")),
    (JPEG_EXT, 256, 1024, ("JPEG SOF", "256 columns where the header says Columns 1024")),
    (J2K, 32, 128, ("JPEG 2000 SIZ", "64 rows where the header says Rows 32")),
    (EMRI_J2K, 128, 32, ("frame 1 of 10", "64 columns where the header says Columns 32")),
])
def test_a_codestream_of_another_size_than_its_header_isrefused(
    shared_data, tmp_path, name, rows, columns, words
):
    # Same pixel count as the stream's own size: pydicom reshaped the decoded pixels to
    # the header's rows x columns without an error.
    path = _copy(shared_data, tmp_path, name)
    ds = _dataset(path)
    ds.Rows, ds.Columns = rows, columns
    refused(_save(ds, path), "disagrees with the DICOM header", *words)


def test_a_16_bit_jpeg2000_stream_in_an_8_bit_header_isrefused(shared_data, tmp_path):
    # OpenJPEG decoded 16-bit samples and pydicom cut them to the header's 8 bits.
    path = _copy(shared_data, tmp_path, J2K)
    ds = _dataset(path)
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 8, 8, 7
    refused(_save(ds, path), "16-bit samples where the header says BitsAllocated 8")


def test_an_rle_frame_larger_than_its_header_is_a_loader_error(shared_data, tmp_path):
    # Header 32 x 64 = 2048 pixels, each RLE segment decodes to 64 * 64 = 4096 bytes:
    # pylibjpeg-rle (Rust) panics, and pyo3's PanicException is a BaseException that
    # passed the loader's `except Exception`. (Its panic text still goes to stderr.)
    path = _copy(shared_data, tmp_path, RLE)
    ds = _dataset(path)
    ds.Rows = 32
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        refused(_save(ds, path), "cannot be decoded", "index out of bounds")


# --- mammography and ultrasound: the same checks on their SOP classes --------------------


def test_a_mammogram_with_more_bits_stored_than_allocated_is_refused(tmp_path):
    # pydicom refuses it too, but its ValueError reached the user as "pixel data cannot
    # be decoded ... the file is truncated or corrupt": the header is what is wrong.
    from .dicom_2d_files import mammogram, save

    ds = mammogram(np.zeros((64, 48), dtype=np.uint16), bits_stored=12)
    ds.BitsStored, ds.HighBit = 18, 17
    path = save(ds, tmp_path / "mg_bits.dcm")
    with pytest.raises(ValueError, match="Bits Stored"):
        _ = pydicom.dcmread(path).pixel_array
    message = refused(path, "BitsStored 18 with BitsAllocated 16", "PS3.5 8.1.1")
    assert "truncated" not in message


@pytest.mark.parametrize("declared", [29, 31])
def test_an_ultrasound_cine_whose_number_of_frames_disagrees_is_refused(tmp_path, declared):
    # pydicom's examples_ybr_color.dcm: a real SonoSite cine, 30 JPEG baseline frames.
    # Told 29, pydicom returns all 30 with a warning; told 31, it raises with no message.
    from pydicom.data import get_testdata_file

    ds = pydicom.dcmread(get_testdata_file("examples_ybr_color.dcm"))
    ds.NumberOfFrames = declared
    path = _save(ds, tmp_path / "cine.dcm")
    refused(path, "30 frame(s)", f"declares {declared} (NumberOfFrames)")


def test_a_native_ultrasound_cine_whose_number_of_frames_disagrees_is_refused(tmp_path):
    from .dicom_2d_files import cine, save, ultrasound

    ds = ultrasound(cine(4, 8, 10))  # 4 frames of 8 x 10 x 3 bytes = 240 bytes each
    ds.NumberOfFrames = 5
    refused(save(ds, tmp_path / "cine.dcm"), "960 bytes", "NumberOfFrames 5 = 1200 bytes",
            "frame 5 of 5")


def test_uncompressed_ybr_full_422_with_an_odd_column_count_is_refused(tmp_path):
    # pydicom's SC_ybr_full_422_uncompressed.dcm (100 x 100) as an ultrasound image of 99
    # columns, its data cut to 99 x 100 x 2 bytes: pydicom reads it without a word, each
    # row's last pixel paired with the next row's first.
    from pydicom.data import get_testdata_file

    from .dicom_2d_files import US_IMAGE

    ds = pydicom.dcmread(get_testdata_file("SC_ybr_full_422_uncompressed.dcm"))
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = US_IMAGE
    ds.Modality, ds.Columns = "US", 99
    ds.PixelData = ds.PixelData[: 100 * 99 * 2]
    path = _save(ds, tmp_path / "odd.dcm")
    assert pydicom.dcmread(path).pixel_array.shape == (100, 99, 3)
    refused(path, "YBR_FULL_422", "odd Columns (99)")


def test_an_ultrasound_cine_with_a_jpeg_frame_cut_short_names_the_frame(tmp_path):
    from pydicom.data import get_testdata_file

    ds = pydicom.dcmread(get_testdata_file("examples_ybr_color.dcm"))
    frames = _frames(ds)
    frames[16] = frames[16][: len(frames[16]) // 2]
    ds.PixelData = encapsulate(frames, has_bot=True)
    path = _save(ds, tmp_path / "cine.dcm")
    refused(path, "frame 17 of 30", "cut short", "EOI")


def test_a_mammogram_with_an_unreadable_number_names_the_file(tmp_path):
    # EstimatedRadiographicMagnificationFactor (DS) "1.08" made "x.08" in the bytes:
    # pydicom reads the file and raises a bare ValueError when the value is first used.
    from .dicom_2d_files import mammogram, save

    ds = mammogram(np.zeros((8, 6), dtype=np.uint16))
    ds.EstimatedRadiographicMagnificationFactor = "1.08"
    path = save(ds, tmp_path / "mg.dcm")
    raw = path.read_bytes()
    assert raw.count(b"1.08") == 1
    path.write_bytes(raw.replace(b"1.08", b"x.08"))
    with pytest.raises(ValueError, match="x.08"):
        float(pydicom.dcmread(path).EstimatedRadiographicMagnificationFactor)
    refused(path, "a header value cannot be read", "'x.08'")


def test_an_ultrasound_cine_stored_as_video_says_there_is_no_decoder(tmp_path):
    # Some US machines export a cine as H.264 (PS3.5 8.2.7): one stream for all frames.
    # pydicom has no decoder for it; the frame count check used to speak first and call
    # the one stream "1 frame(s) ... frames are missing".
    from pydicom.uid import MPEG4HP41

    from .dicom_2d_files import cine, save, ultrasound

    ds = ultrasound(cine(2, 6, 8), jpeg=True)
    ds.file_meta.TransferSyntaxUID = MPEG4HP41
    ds.PixelData = encapsulate([b"\x00\x00\x00\x01\x67" + bytes(64)])  # an H.264 NAL start
    message = refused(save(ds, tmp_path / "cine.dcm"), "no decoder", "H.264 High Profile",
                      "video stream")
    assert "frames are missing" not in message and "corrupt" not in message
