"""Is a NIfTI file whole? SimpleITK reads a truncated one without a word.

Private. ITK's NIfTI reader (niftilib) reads a file cut short, or a gzip stream cut
short, as an image of the full shape whose missing voxels are made up, and reports
success. A reference mask cut by an interrupted copy would then be scored as if it were
complete. :func:`check_complete` reads the header itself, before SimpleITK does, and
compares the number of bytes it calls for with the number the file holds:

- one file (magic ``n+1`` / ``n+2``, a ``.nii``): the file must hold at least
  ``offset + ceil(voxels * bitpix / 8)`` bytes, ``offset`` being ``vox_offset`` but at
  least the header's size, as niftilib reads it. More is fine (padding).
- a pair (magic ``ni1`` / ``ni2``, or an Analyze 7.5 ``.hdr`` without magic): the
  ``.img`` (or ``.img.gz``) niftilib would open must hold ``vox_offset + ceil(voxels *
  bitpix / 8)`` bytes.
- gzip (``.nii.gz``, ``.hdr.gz`` / ``.img.gz``, and any other gzip file given to
  SimpleITK): the whole stream is inflated in chunks (:func:`._payload.inflate`), never
  held whole. Each member must end with its end-of-stream marker and its trailer
  (zlib then also checks the CRC-32 and the length stored there), and the inflated
  length is the number of bytes compared. Bytes after the last member are ignored, as
  zlib's ``gzread`` (which ITK uses) ignores them.

Header fields read, offsets in bytes; the byte order is the one in which ``sizeof_hdr``
reads 348 or 540::

    NIfTI-1 (348 bytes): sizeof_hdr int32 @0, dim int16[8] @40, bitpix int16 @72,
                         vox_offset float32 @108, magic char[4] @344
    NIfTI-2 (540 bytes): sizeof_hdr int32 @0, magic char[8] @4, bitpix int16 @14,
                         dim int64[8] @16, vox_offset int64 @168

``voxels`` is ``dim[1] * ... * dim[dim[0]]``. A header that is not NIfTI, or whose fields
niftilib itself would refuse (``dim[0]`` outside 1..7, a dimension below 1, ``bitpix``
below 1), is left for SimpleITK to refuse.
"""

from __future__ import annotations

import math
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import LoaderError
from ._payload import GZIP_MAGIC, inflate

__all__ = ["Layout", "check_complete", "parse_header"]

_HEAD = 540  # the larger of the two header sizes: all that is parsed


@dataclass(frozen=True)
class Layout:
    """What a NIfTI-1 / NIfTI-2 (or Analyze 7.5) header says about its voxel data."""

    version: int  # 1 (also Analyze 7.5) or 2
    header_bytes: int  # sizeof_hdr: 348 or 540
    one_file: bool  # header and voxels in one file (magic n+1 / n+2)
    vox_offset: int  # where the voxels start in the file holding them
    voxels: int
    bitpix: int

    @property
    def data_bytes(self) -> int:
        """Bytes of voxel data: ``ceil(voxels * bitpix / 8)``."""
        return -(-self.voxels * self.bitpix // 8)

    @property
    def expected_bytes(self) -> int:
        """Least size of the file holding the voxels: offset plus voxel data."""
        return self.vox_offset + self.data_bytes


def header_size(head: bytes) -> tuple[int, str] | None:
    """``(348 or 540, byte order)`` when the first 4 bytes are a NIfTI ``sizeof_hdr``."""
    if len(head) < 4:
        return None
    for order in ("<", ">"):
        (size,) = struct.unpack_from(order + "i", head, 0)
        if size in (348, 540):
            return size, order
    return None


def parse_header(head: bytes, *, pair_without_magic: bool = False) -> Layout | None:
    """The layout of a complete NIfTI-1 or NIfTI-2 header, or None if it is not one.

    A 348-byte header without NIfTI magic is an Analyze 7.5 header; it is read as the
    header of a pair only when ``pair_without_magic`` (the file is named ``.hdr``).
    """
    sized = header_size(head)
    if sized is None or len(head) < sized[0]:
        return None
    size, order = sized
    if size == 348:
        dim = struct.unpack_from(order + "8h", head, 40)
        (bitpix,) = struct.unpack_from(order + "h", head, 72)
        (offset_float,) = struct.unpack_from(order + "f", head, 108)
        magic = head[344:348]
        if not math.isfinite(offset_float):
            return None
        offset = int(offset_float)  # a C cast, as niftilib does
        one_file = magic == b"n+1\x00"
        known = one_file or magic == b"ni1\x00" or pair_without_magic
    else:
        (bitpix,) = struct.unpack_from(order + "h", head, 14)
        dim = struct.unpack_from(order + "8q", head, 16)
        (offset,) = struct.unpack_from(order + "q", head, 168)
        magic = head[4:8]
        one_file = magic == b"n+2\x00"
        known = one_file or magic == b"ni2\x00"
    ndim = dim[0]
    if not known or not 1 <= ndim <= 7 or bitpix < 1 or min(dim[1 : ndim + 1]) < 1:
        return None
    voxels = math.prod(dim[1 : ndim + 1])
    offset = max(offset, size) if one_file else max(offset, 0)
    return Layout(
        version=1 if size == 348 else 2,
        header_bytes=size,
        one_file=one_file,
        vox_offset=offset,
        voxels=voxels,
        bitpix=bitpix,
    )


@dataclass(frozen=True)
class _Contents:
    """A file's first bytes and length, both after inflating if it is gzip."""

    head: bytes
    size: int
    gzip: bool = False
    complete: bool = True  # for gzip: every member ended with its marker and trailer
    compressed: int = 0  # for gzip: the file's size (all of it was read)


def check_complete(path: Path) -> int | None:
    """Raise LoaderError if a NIfTI file (or pair), or any gzip file, is cut short.

    Returns the NIfTI version its header's size and magic name (1 or 2, also when other
    fields are invalid), or None when it is not a NIfTI header (nor Analyze 7.5 named
    ``.hdr``, counted as 1). Files of other formats (MetaImage, NRRD) pass after one read
    of 540 bytes.
    """
    header_file, voxel_file = path, None
    if path.name.lower().endswith((".img", ".img.gz")):  # a pair's voxels: find its header
        companion = _companion(path, (".hdr", ".hdr.gz"))
        if companion is not None:
            header_file, voxel_file = companion, path
    contents = _contents(header_file)
    sized = header_size(contents.head)
    name = header_file.name.lower()
    is_hdr = name.endswith((".hdr", ".hdr.gz"))
    needed: int | None = None
    if sized is not None:
        needed = sized[0]
    elif len(contents.head) < 4 and (is_hdr or name.endswith((".nii", ".nii.gz"))):
        needed = 348  # too short to tell NIfTI-1 (348 bytes) from NIfTI-2 (540): the least
    if needed is not None and len(contents.head) < needed:
        raise LoaderError(
            f"image {path}: truncated: {_in(header_file, path)}a NIfTI header of "
            f"{'' if sized else 'at least '}{needed} bytes is expected, {_found(contents)}"
            f"{_stream_note(contents)}; {_ADVICE}"
        )
    layout = parse_header(contents.head, pair_without_magic=is_hdr)
    if not contents.complete and (layout is None or not layout.one_file):
        raise LoaderError(  # no voxel count to compare with: the cut stream says enough
            f"image {path}: truncated: {_in(header_file, path)}{_found(contents)}"
            f"{_stream_note(contents)}; {_ADVICE}"
        )
    version = _version(contents.head, is_hdr)
    if layout is None:  # not NIfTI, or fields niftilib refuses: SimpleITK decides
        return version
    if layout.one_file:
        voxel_file, voxels = header_file, contents
    else:
        voxel_file = voxel_file or _companion(header_file, (".img", ".img.gz"))
        if voxel_file is None:
            return version  # no data file: SimpleITK says so
        voxels = _contents(voxel_file, head=False)
    if voxels.complete and voxels.size >= layout.expected_bytes:
        return version
    raise LoaderError(
        f"image {path}: truncated: {_in(voxel_file, path)}{layout.expected_bytes} bytes "
        f"are expected (NIfTI-{layout.version} header: {layout.vox_offset} bytes before "
        f"the voxels + {layout.voxels} voxels x {layout.bitpix} bits), {_found(voxels)}"
        f"{_stream_note(voxels)}; {_ADVICE}"
    )


def _version(head: bytes, is_hdr: bool) -> int | None:
    """1 or 2 if ``head`` starts a NIfTI-1 / NIfTI-2 header (by size and magic)."""
    sized = header_size(head)
    if sized is None:
        return None
    if sized[0] == 540:
        return 2 if head[4:8] in (b"n+2\x00", b"ni2\x00") else None
    return 1 if head[344:348] in (b"n+1\x00", b"ni1\x00") or is_hdr else None


_ADVICE = "the file is incomplete (an interrupted copy?); copy it again from its source"


def _in(file: Path, path: Path) -> str:
    return "" if file == path else f"in {file}, "


def _found(contents: _Contents) -> str:
    return f"{contents.size} bytes found" + (" once decompressed" if contents.gzip else "")


def _stream_note(contents: _Contents) -> str:
    if not contents.gzip or contents.complete:
        return ""
    return (
        f", and its gzip stream ends after {contents.compressed} compressed bytes "
        "without its end-of-stream marker"
    )


def _companion(path: Path, suffixes: tuple[str, str]) -> Path | None:
    """The other file of a pair, as niftilib looks for it: plain first, then gzip.

    The suffix keeps the case of the one given (``A.HDR`` -> ``A.IMG``).
    """
    name = path.name
    stem = name[:-3] if name.lower().endswith(".gz") else name
    base, ext = stem[:-4], stem[-4:]
    plain, packed = suffixes
    if ext.isupper():
        plain, packed = plain.upper(), plain.upper() + ".gz"
    for suffix in (plain, packed):
        candidate = path.with_name(base + suffix)
        if candidate.is_file():
            return candidate
    return None


def _contents(file: Path, *, head: bool = True) -> _Contents:
    """The first ``_HEAD`` bytes (if ``head``) and the length of ``file``, inflated."""
    try:
        with open(file, "rb") as handle:
            first = handle.read(_HEAD)
            size = os.fstat(handle.fileno()).st_size
            if first[:2] == GZIP_MAGIC:
                stream = inflate(handle, start=0, limit=None, members=True, most=None,
                                 keep=_HEAD if head else 0)
                return _Contents(stream.head, stream.size, True, stream.complete, size)
            return _Contents(head=first, size=size)
    except OSError as exc:
        raise LoaderError(f"image {file}: cannot be read ({exc.strerror})") from None
    except zlib.error as exc:
        raise LoaderError(
            f"image {file}: its gzip stream is corrupt ({exc}); copy it again from its "
            "source"
        ) from None
