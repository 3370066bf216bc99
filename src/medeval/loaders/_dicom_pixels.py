"""A DICOM file's pixels: checked against its own header, then decoded by pydicom.

Private to :mod:`.dicom` (and :mod:`.seg`). ``decode`` runs pydicom's decoder for the
transfer syntax (the pylibjpeg plugins, pinned, for every compressed one) and says which
photometric interpretation the array came back in (YBR as RGB).

pydicom 3.0 and its pylibjpeg decoders, given a damaged file, often hand back pixels
without an error (found on the files of ``../shared/data``; the cases are the tests in
``tests/loaders/test_dicom_damage.py``):

* a file cut inside an element header, or inside a value other than Pixel Data, reads as
  a dataset that just ends there (``check_complete`` refuses it);
* native Pixel Data longer than Rows x Columns x SamplesPerPixel x BitsAllocated/8 x
  NumberOfFrames is trimmed with a warning ("excess padding"), or, when the excess holds
  whole frames, returned with the extra frames (a single-frame CT came back as two
  frames);
* a JPEG or JPEG 2000 frame cut short, or missing a fragment, decodes to an image whose
  missing part is made up by the decoder, with no error;
* a multi-frame object holding more frames than NumberOfFrames says returns them all;
* a codestream whose own size (JPEG SOF, JPEG 2000 SIZ) is, say, 512 x 512 in a DICOM
  header saying 256 x 1024 decodes and is reshaped to the header's size; a 16-bit JPEG
  2000 stream in an 8-bit header is cut to 8 bits;
* uncompressed YBR_FULL_422 with an odd Columns (an ultrasound export) reads with each
  row's last pixel paired with the next row's first;
* BitsStored above BitsAllocated (a mammogram's header) is refused by pydicom with a
  message that reads like a decoder failure.

``check_pixel_data`` refuses each of these, naming the file and the frame. It reads only
the headers of the data (pydicom's own fragment and frame iterators, the SOF/SIZ marker
segments and the last bytes of each frame), never decodes.

What no check here can see: a byte changed inside entropy-coded JPEG data, JPEG 2000
code-blocks, an RLE literal run, or a deflated dataset. None of these formats carries a
checksum over the pixels, and the decoders return different pixels without an error.
Only the SHA-256 the manifest records for every file can catch such a change. Likewise
RLE has no dimensions of its own: Rows and Columns swapped (same product) decode
silently to a wrong image.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from struct import unpack
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import LoaderError, MedevalError

DECODER = "pylibjpeg"
"""pydicom's decoding plugin for every compressed transfer syntax (pylibjpeg-libjpeg,
-openjpeg and -rle). Pinned so that the same bytes decode to the same values on every
machine: lossy JPEG decoders may differ by one unit (ISO/IEC 10918-2)."""

ADVICE = "copy it again from its source, or have it exported again"

_EOI = b"\xff\xd9"  # JPEG EOI (ISO/IEC 10918-1 B.1.1.3); JPEG 2000 EOC is the same two bytes
# SOFn markers of ISO/IEC 10918-1 (C0-CF but DHT C4, JPG C8, DAC CC) and JPEG-LS SOF55 (F7)
_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE,
                  0xCF, 0xF7})
_JP2_SIGNATURE = b"\x00\x00\x00\x0c\x6a\x50\x20\x20"


def check_complete(ds: Any, file: Path, size: int) -> None:
    """Refuse a file that ends inside its last data element.

    pydicom stops reading at the end of the file without a word when the file ends
    inside a defined-length value (the value is just shorter) or inside the 8 or 12
    bytes of an element's tag, VR and length. ``size`` is the file's size in bytes.
    """
    from pydicom.dataelem import RawDataElement
    from pydicom.uid import DeflatedExplicitVRLittleEndian

    if not len(ds):  # pydicom reads a file cut inside or after its meta as empty
        _check_meta_complete(ds, file, size)
        return
    last = ds.get_item(next(reversed(ds.keys())))
    if not isinstance(last, RawDataElement) or last.value is None:
        return
    name = f"{last.tag} {_keyword(last.tag)}".rstrip()
    undefined = last.length == 0xFFFFFFFF
    if not undefined and len(last.value) < last.length:
        raise LoaderError(
            f"DICOM file {file}: truncated: the file ends inside element {name}, after "
            f"{len(last.value)} of its {last.length} bytes; {ADVICE}"
        )
    syntax = ds.file_meta.get("TransferSyntaxUID") if hasattr(ds, "file_meta") else None
    if syntax == DeflatedExplicitVRLittleEndian:
        return  # positions are in the inflated stream; zlib reports a cut stream
    # an undefined length (encapsulated Pixel Data) ends with an 8-byte delimiter item
    end = last.value_tell + len(last.value) + (8 if undefined else 0)
    if size > end:
        raise LoaderError(
            f"DICOM file {file}: truncated: {size - end} byte(s) after element {name} are "
            "not a whole data element (the file ends inside an element's tag and length); "
            f"{ADVICE}"
        )


def _check_meta_complete(ds: Any, file: Path, size: int) -> None:
    """Refuse a file that holds no data element: one cut inside its File Meta
    Information (its group length, PS3.10 7.1, counts bytes the file does not hold) or
    just after it. pydicom reads either as an empty dataset without a word, which was
    then refused as 'has no pixel data (SOP class ...); it is not an image': a
    mammogram cut short named as no image."""
    meta = getattr(ds, "file_meta", None)
    length = meta.get("FileMetaInformationGroupLength") if meta is not None else None
    start = 132 if getattr(ds, "preamble", None) is not None else 0
    if not isinstance(length, int):
        where = "inside its File Meta Information (group 0002), in its group length"
    elif size < start + 12 + length:
        where = (f"inside its File Meta Information (group 0002), after {size} of its "
                 f"{start + 12 + length} bytes")
    else:
        where = ("after its File Meta Information, before its first whole data element: "
                 "it holds no data set (no pixel data)")
    raise LoaderError(f"DICOM file {file}: truncated: the file ({size} bytes) ends {where}; "
                      f"{ADVICE}")


def decode(ds: Any, file: Path) -> tuple[NDArray[Any], str]:
    """The decoded pixels and the photometric interpretation they are in.

    The values of ``ds.pixel_array`` with its default options: YBR_FULL and YBR_FULL_422
    come back as RGB by pydicom's ``convert_color_space`` (here frame by frame, in place),
    YBR_ICT and YBR_RCT as RGB (the JPEG 2000 decoder's own transform), anything else as
    stored. The interpretation returned is the one the array is in.
    """
    if not any(k in ds for k in ("PixelData", "FloatPixelData", "DoubleFloatPixelData")):
        raise LoaderError(f"DICOM file {file}: has no pixel data{_not_an_image(ds)}")
    from pydicom.pixels.decoders.base import get_decoder
    from pydicom.pixels.utils import as_pixel_options
    from pydicom.uid import MPEGTransferSyntaxes

    syntax = ds.file_meta.get("TransferSyntaxUID") if hasattr(ds, "file_meta") else None
    if syntax is None:
        raise LoaderError(f"DICOM file {file}: states no TransferSyntaxUID (0002,0010), so "
                          "the encoding of its pixel data (compressed, encapsulated) is "
                          "unknown; have it exported again with its File Meta Information")
    try:
        decoder = get_decoder(syntax)
    except NotImplementedError as exc:  # an ultrasound cine stored as H.264, say
        video = (" (a video stream: MPEG-2, H.264 or HEVC)" if syntax in MPEGTransferSyntaxes
                 else "")
        raise LoaderError(
            f"DICOM file {file}: pydicom has no decoder for its transfer syntax "
            f"{getattr(syntax, 'name', syntax)}{video}; have it exported with uncompressed, "
            "JPEG or JPEG 2000 frames"
        ) from exc
    # Sizes, frames and codestream headers against the header first: pydicom and the
    # decoders return made-up or reshaped pixels for several kinds of damage (see
    # _dicom_pixels). A byte changed inside compressed data is not detectable there.
    check_pixel_data(ds, file)
    try:
        # One decoder for every compressed syntax, whatever else is installed (Pillow
        # comes first in pydicom's order): lossy data decode to the same values.
        plugin = DECODER if syntax.is_compressed else ""
        options: dict[str, Any] = {**as_pixel_options(ds), "as_rgb": False}
        pixels, changes = decoder.as_array(ds, decoding_plugin=plugin, **options)
    except MedevalError:
        raise
    except BaseException as exc:  # decoders raise anything from ValueError to RuntimeError
        # pylibjpeg-rle (Rust) panics on an RLE frame larger than Rows x Columns; pyo3's
        # PanicException derives from BaseException, so it would pass `except Exception`
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise
        text = str(exc)
        missing = "missing dependencies" in text or "No plugin named" in text
        hint = ("install the pylibjpeg plugins (pylibjpeg-libjpeg, pylibjpeg-openjpeg, "
                "pylibjpeg-rle)" if missing
                else "the file is truncated or corrupt; obtain a fresh copy")
        raise LoaderError(
            f"DICOM file {file}: pixel data cannot be decoded "
            f"(transfer syntax {getattr(syntax, 'name', syntax)}): {text}; {hint}"
        ) from exc
    photometric = str(changes.get("photometric_interpretation",
                                  ds.get("PhotometricInterpretation", "")))
    if photometric in ("YBR_FULL", "YBR_FULL_422") and pixels.dtype == "uint8":
        from pydicom.pixels.processing import convert_color_space

        # pydicom's own conversion (as_rgb would make it), one frame at a time in place:
        # the whole cine at once takes a float32 copy, 4 bytes a sample (830 MB at peak
        # for a 100-frame 640 x 480 cine of 92 MB; 100 MB so)
        pixels = convert_color_space(pixels, "YBR_FULL", "RGB", per_frame=True)
        photometric = "RGB"
    if not pixels.dtype.isnative:  # Explicit VR Big Endian: pydicom gives '>i2' values,
        # which SimpleITK's GetImageFromArray refuses ("dtype: >i2 is not supported")
        pixels = pixels.astype(pixels.dtype.newbyteorder("="))
    return pixels, photometric


def _not_an_image(ds: Any) -> str:
    """What a dataset without pixel data is: its SOP class (the file meta's where the
    dataset names none: a DICOMDIR), and for a DICOMDIR what to name instead."""
    meta = getattr(ds, "file_meta", None)
    sop = ds.get("SOPClassUID") or (meta.get("MediaStorageSOPClassUID") if meta else None)
    if "DirectoryRecordSequence" in ds or sop == "1.2.840.10008.1.3.10":
        return (" (a DICOMDIR: the index of an export's files, Media Storage Directory "
                "Storage); name the image file(s) it lists, in the folders beside it")
    return f" (SOP class {getattr(sop, 'name', sop or '?')}); it is not an image"


def decoded_stack(ordered: Sequence[tuple[Path, Any]], scales: Sequence[tuple[float, float]],
                  *, where: str) -> NDArray[Any]:
    """A series' slices (``(file, dataset)`` in slice order) decoded into one array,
    each slice's RescaleSlope and RescaleIntercept (``scales``) applied, of the type
    :func:`rescaled_dtype` gives; each slice's stored bytes dropped once decoded.

    The peak is the stored bytes plus the volume: before, every decoded plane, their
    stack and the rescaled copy were held at once (a 300-slice 512 x 512 CT: 872 MB at
    peak for a volume of 300 MB in int32; so, 540 MB)."""
    out: NDArray[Any] | None = None
    for k, (file, ds) in enumerate(ordered):
        plane = decode(ds, file)[0]
        del ds.PixelData  # decoded: its bytes are not needed again
        dtype = rescaled_dtype(plane.dtype, scales)
        if out is None:
            out = np.empty((len(ordered), *plane.shape), dtype)
        elif plane.shape != out.shape[1:]:
            raise LoaderError(
                f"{where}: slices differ in shape: {out.shape[1:]} ({ordered[0][0].name}) "
                f"and {plane.shape} ({file.name})")
        elif np.result_type(out.dtype, dtype) != out.dtype:  # a slice of a wider type
            out = out.astype(np.result_type(out.dtype, dtype))
        out[k] = plane
        slope, intercept = scales[k]
        if slope != 1.0:
            out[k] *= out.dtype.type(slope)
        if intercept != 0.0:
            out[k] += out.dtype.type(intercept)
    assert out is not None  # a series has at least one slice
    return out


def rescaled_dtype(stored: np.dtype[Any], scales: Sequence[tuple[float, float]]) -> np.dtype[Any]:
    """The type of values stored as ``stored`` after slope and intercept: ``stored``
    itself when none changes a value, int32 (int64 for wider values) when all are
    integers, else float64."""
    if all(s == 1.0 and i == 0.0 for s, i in scales):
        return stored
    if all(float(s).is_integer() and float(i).is_integer() for s, i in scales):
        return np.dtype(np.int32) if stored.itemsize <= 2 else np.dtype(np.int64)
    return np.dtype(np.float64)


def check_pixel_data(ds: Any, file: Path) -> None:
    """Refuse pixel data whose size or frames disagree with the file's own header.

    Native data: the byte count must be Rows x Columns x SamplesPerPixel x
    BitsAllocated/8 x NumberOfFrames (1-bit data packed 8 to a byte), plus at most the
    one padding byte that makes an odd length even (PS3.5 8.1.1). Encapsulated data: the
    offset tables must point at fragments, there must be as many frames as
    NumberOfFrames, and each JPEG / JPEG-LS / JPEG 2000 frame must end with its EOI/EOC
    marker and declare the header's rows, columns and samples per pixel.
    Missing header elements are left to pydicom, which names them.
    """
    from pydicom.pixels.utils import get_expected_length, get_nr_frames

    syntax = ds.file_meta.get("TransferSyntaxUID") if hasattr(ds, "file_meta") else None
    _check_sample_layout(ds, f"DICOM file {file}", syntax)
    _check_frame_count(ds, f"DICOM file {file}")
    try:
        rows, columns = int(ds.Rows), int(ds.Columns)
        samples, bits = int(ds.get("SamplesPerPixel", 1)), int(ds.BitsAllocated)
        frames = get_nr_frames(ds, warn=False)
        expected = get_expected_length(ds, "bytes")
    except (AttributeError, KeyError, TypeError, ValueError):
        return
    where = f"DICOM file {file}"
    if syntax is not None and syntax.is_encapsulated and "PixelData" in ds:
        _check_encapsulated(ds, where, frames, (rows, columns, samples, bits), syntax)
        return
    keyword = next(k for k in ("PixelData", "FloatPixelData", "DoubleFloatPixelData")
                   if k in ds)
    actual = len(ds[keyword].value or b"")
    if actual in (expected, expected + expected % 2):
        return
    frame_bytes = expected // frames if frames else expected
    size = (f"Rows {rows} x Columns {columns} x SamplesPerPixel {samples} x "
            f"BitsAllocated {bits}{' (packed 8 to a byte)' if bits == 1 else '/8'} x "
            f"NumberOfFrames {frames} = {expected} bytes")
    if actual < expected:
        first = actual // frame_bytes + 1 if frame_bytes else 1
        cut = f"; frame {first} of {frames} is the first incomplete one" if frames > 1 else ""
        raise LoaderError(
            f"{where}: holds {actual} bytes of pixel data, fewer than its header calls for "
            f"({size}){cut}. The pixel data was cut short or the header is wrong; {ADVICE}"
        )
    whole = actual // frame_bytes if frame_bytes else 0
    more = (f"; they hold {whole} whole frames where NumberOfFrames says {frames}"
            if whole > frames else "")
    raise LoaderError(
        f"{where}: holds {actual} bytes of pixel data, {actual - expected} more than its "
        f"header calls for ({size}){more}. pydicom would drop or append the surplus, but "
        "the header then may not describe these pixels (Rows, Columns, BitsAllocated or "
        f"NumberOfFrames wrong); {ADVICE}"
    )


def _check_frame_count(ds: Any, where: str) -> None:
    """Refuse a NumberOfFrames that is not a whole number (``1A``, ``1.5``, ``-1``): the
    sizes computed from it were text, fractions or negative (a TypeError from the size
    check, or 'NumberOfFrames 1.5 = 4608.0 bytes'). 0, which pydicom reads as 1, and an
    empty value are left to pydicom."""
    value = ds.get("NumberOfFrames")
    if value is None or str(value).strip() == "":
        return
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not (number >= 0 and number.is_integer()):
        raise LoaderError(
            f"{where}: NumberOfFrames is {str(value).strip()!r}, not a whole number of "
            f"frames (PS3.3 C.7.6.6), so the header cannot describe its pixel data; {ADVICE}"
        )


def _check_sample_layout(ds: Any, where: str, syntax: Any) -> None:
    """Refuse a header whose samples cannot be laid out as it says.

    BitsStored above BitsAllocated (PS3.5 8.1.1: the stored bits sit inside the allocated
    ones); pydicom refuses it too, with a message that reads like a decoder failure.
    Native YBR_FULL_422 with an odd Columns: 4:2:2 stores one CB and one CR value for
    each two Y values of a row (PS3.3 C.7.6.3.1.2), so a row of odd length has a last
    pixel without its pair; pydicom pairs it with the first pixel of the next row and
    returns shifted colours without a word. (JPEG pads its own rows: an odd width is
    fine there.)
    """
    stored, allocated = ds.get("BitsStored"), ds.get("BitsAllocated")
    if isinstance(stored, int) and isinstance(allocated, int) and not 0 < stored <= allocated:
        raise LoaderError(
            f"{where}: BitsStored {stored} with BitsAllocated {allocated}: the stored bits "
            "of a sample must be at least 1 and no more than the bits allocated to it "
            f"(PS3.5 8.1.1), so the header cannot describe its pixel data; {ADVICE}"
        )
    columns = ds.get("Columns")
    encapsulated = syntax is not None and syntax.is_encapsulated
    if (str(ds.get("PhotometricInterpretation", "")) == "YBR_FULL_422" and not encapsulated
            and isinstance(columns, int) and columns % 2):
        raise LoaderError(
            f"{where}: uncompressed YBR_FULL_422 pixel data with an odd Columns ({columns}): "
            "4:2:2 stores one CB and one CR value for each pair of pixels in a row "
            "(PS3.3 C.7.6.3.1.2), so the last pixel of every row has no pair and the "
            "colours of the next row would be shifted. The header is wrong (Columns, or "
            f"PhotometricInterpretation RGB or YBR_FULL); {ADVICE}"
        )


def _check_encapsulated(
    ds: Any, where: str, frames: int, shape: tuple[int, int, int, int], syntax: Any
) -> None:
    from pydicom import uid
    from pydicom.encaps import generate_fragmented_frames, generate_fragments, parse_basic_offsets

    buffer = ds.PixelData
    stream = BytesIO(buffer)
    try:
        basic = parse_basic_offsets(stream)
        starts, lengths, position = [], [], 0
        for fragment in generate_fragments(stream):
            starts.append(position)
            lengths.append(len(fragment))
            position += 8 + len(fragment)  # item tag and length, then the fragment
    except ValueError as exc:
        raise LoaderError(f"{where}: its encapsulated pixel data are corrupt ({exc}); "
                          f"{ADVICE}") from exc
    at = {start: i for i, start in enumerate(starts)}
    for k, offset in enumerate(basic):
        if offset not in at:
            raise LoaderError(
                f"{where}: the Basic Offset Table puts frame {k + 1} at byte {offset} of the "
                "fragments, where no fragment starts: a fragment is missing or was added; "
                f"{ADVICE}"
            )
    extended = None
    if "ExtendedOffsetTable" in ds and "ExtendedOffsetTableLengths" in ds:
        table, sizes = ds.ExtendedOffsetTable, ds.ExtendedOffsetTableLengths
        offsets = list(unpack(f"<{len(table) // 8}Q", table))
        counts = list(unpack(f"<{len(sizes) // 8}Q", sizes))
        for k, (offset, count) in enumerate(zip(offsets, counts)):
            if offset not in at or lengths[at[offset]] != count:
                raise LoaderError(
                    f"{where}: the Extended Offset Table puts frame {k + 1} at byte {offset} "
                    f"({count} bytes), where no fragment of that length starts: a fragment "
                    f"is missing or was changed; {ADVICE}"
                )
        extended = (offsets, counts)
    try:
        with warnings.catch_warnings():
            # pydicom warns of a frame without EOI/EOC; the check below says it plainly
            warnings.simplefilter("ignore")
            split = list(generate_fragmented_frames(
                buffer, number_of_frames=frames, extended_offsets=extended))
    except ValueError as exc:  # fewer fragments than frames
        raise LoaderError(
            f"{where}: its pixel data hold {len(starts)} fragment(s) for the {frames} frames "
            f"its header declares (NumberOfFrames): frames are missing; {ADVICE}"
        ) from exc
    found = len(split)
    if found != frames:
        raise LoaderError(
            f"{where}: its pixel data hold {found} frame(s) but its header declares "
            f"{frames} (NumberOfFrames): "
            f"{'frames are missing' if found < frames else 'it or the data are wrong'}; "
            f"{ADVICE}"
        )
    jpeg = syntax in uid.JPEGTransferSyntaxes or syntax in uid.JPEGLSTransferSyntaxes
    j2k = syntax in uid.JPEG2000TransferSyntaxes
    if not (jpeg or j2k):
        return
    for k, fragments in enumerate(split):
        frame = fragments[0] if len(fragments) == 1 else b"".join(fragments)
        label = f"frame {k + 1} of {frames}" if frames > 1 else "its frame"
        start, end = (0, len(frame)) if jpeg else _j2k_codestream(frame)
        if not frame[start:end].rstrip(b"\x00\xff").endswith(_EOI):
            raise LoaderError(
                f"{where}: {label} is cut short: its {'JPEG' if jpeg else 'JPEG 2000'} "
                f"codestream does not end with the {'EOI' if jpeg else 'EOC'} marker "
                "(FF D9), so the decoder would make up the missing pixels; "
                f"{ADVICE}"
            )
        own = _jpeg_size(frame) if jpeg else _j2k_size(frame, start)
        if own is not None:
            _compare(own, shape, where, label, "JPEG SOF" if jpeg else "JPEG 2000 SIZ")


def _compare(
    own: tuple[int, int, int, int], shape: tuple[int, int, int, int], where: str, label: str,
    segment: str,
) -> None:
    rows, columns, samples, bits = shape
    height, width, components, precision = own
    problems = []
    if height and height != rows:  # a JPEG height of 0 is given later, by a DNL segment
        problems.append(f"{height} rows where the header says Rows {rows}")
    if width != columns:
        problems.append(f"{width} columns where the header says Columns {columns}")
    if components != samples:
        problems.append(f"{components} component(s) where the header says "
                        f"SamplesPerPixel {samples}")
    if precision > bits:
        problems.append(f"{precision}-bit samples where the header says BitsAllocated {bits}")
    if problems:
        raise LoaderError(
            f"{where}: {label} disagrees with the DICOM header: its {segment} marker "
            f"segment declares {'; '.join(problems)}. The decoded pixels would be reshaped "
            f"or cut to the header's size; {ADVICE}"
        )


def _jpeg_size(data: bytes) -> tuple[int, int, int, int] | None:
    """(height, width, components, precision) from the SOFn segment (ISO/IEC 10918-1
    B.2.2; JPEG-LS SOF55 has the same layout), or None where the stream cannot be
    walked (the decoder then says what is wrong)."""
    if not data.startswith(b"\xff\xd8"):
        return None
    offset = 2
    while offset + 4 <= len(data):
        if data[offset] != 0xFF:
            return None
        marker = data[offset + 1]
        if marker == 0xFF:  # fill byte
            offset += 1
            continue
        if marker in _SOF:
            if offset + 10 > len(data):
                return None
            precision = data[offset + 4]
            height, width = unpack(">HH", data[offset + 5: offset + 9])
            return height, width, data[offset + 9], precision
        if marker == 0xDA:  # start of scan before any SOF
            return None
        (length,) = unpack(">H", data[offset + 2: offset + 4])
        offset += 2 + length
    return None


def _j2k_codestream(data: bytes) -> tuple[int, int]:
    """Where the JPEG 2000 codestream starts and ends: the whole frame, or the
    contents of the ``jp2c`` box of a JP2 file (ISO/IEC 15444-1 I.5.4). A box length of
    0 runs to the end of the data."""
    if not data.startswith(_JP2_SIGNATURE):
        return 0, len(data)
    offset = 12
    while offset + 8 <= len(data):
        (length,) = unpack(">I", data[offset: offset + 4])
        end = len(data) if length == 0 else offset + length
        if data[offset + 4: offset + 8] == b"jp2c":
            return offset + 8, end
        if length < 8:  # 0 before jp2c, or a 64-bit length (1): not walked here
            break
        offset = end
    return 0, len(data)


def _j2k_size(data: bytes, start: int) -> tuple[int, int, int, int] | None:
    """(height, width, components, precision of the first component) from the SIZ
    segment (ISO/IEC 15444-1 A.5.1) of the codestream at ``start``; None where there
    is no SOC + SIZ (the decoder then says what is wrong)."""
    if data[start: start + 4] != b"\xff\x4f\xff\x51" or start + 43 > len(data):
        return None
    xsiz, ysiz, xosiz, yosiz = unpack(">IIII", data[start + 8: start + 24])
    (components,) = unpack(">H", data[start + 40: start + 42])
    precision = (data[start + 42] & 0x7F) + 1
    return ysiz - yosiz, xsiz - xosiz, components, precision


def _keyword(tag: Any) -> str:
    from pydicom.datadict import keyword_for_tag

    return str(keyword_for_tag(tag) or "")
