"""Shared by the NIfTI, MetaImage and NRRD checks: the size of a voxel payload, raw or
compressed.

Private. :mod:`._metaimage` and :mod:`._nrrd` parse their header and then ask here how
many bytes of voxels a file holds from a given offset: for raw data its size, for
compressed data the length the stream inflates to; :mod:`._nifti` inflates a ``.nii.gz``
here too, keeping the header's bytes. A compressed stream is inflated in
chunks of at most ``_OUT_CHUNK`` bytes and never held whole; inflating stops as soon as
more bytes come out than the header calls for (a stream that long is refused whatever it
holds after), so a decompression bomb costs no more than an honest file.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import LoaderError

GZIP_MAGIC = b"\x1f\x8b"
ADVICE = "the file is incomplete (an interrupted copy?); copy it again from its source"
_IN_CHUNK = 1 << 16  # compressed bytes read at a time
_OUT_CHUNK = 1 << 16  # most inflated bytes held at a time


@dataclass(frozen=True)
class Stream:
    """What a compressed stream inflated to."""

    size: int  # bytes inflated (up to one chunk past ``most``, where inflating stopped)
    complete: bool  # every member ended with its end-of-stream marker and checksum
    compressed: int  # compressed bytes read
    head: bytes = b""  # the first ``keep`` bytes inflated


def is_zlib_header(first: bytes) -> bool:
    """A zlib (RFC 1950) stream header: deflate method, check bits a multiple of 31."""
    return len(first) >= 2 and first[0] & 0x0F == 8 and (first[0] << 8 | first[1]) % 31 == 0


def inflate(
    handle: BinaryIO, *, start: int, limit: int | None, members: bool, most: int | None,
    keep: int = 0,
) -> Stream:
    """Inflate the stream(s) starting at byte ``start`` of ``handle``.

    ``limit`` is how many compressed bytes may be read (None: up to the end of the
    file). A zlib or a gzip header is accepted (zlib's ``wbits`` 47, as MetaIO
    inflates). With ``members``, a gzip member followed by another (``1f 8b``) goes on
    into it, as zlib's ``gzread`` does; anything else after the end is ignored. Stops
    once more than ``most`` bytes have come out (None: never). The first ``keep`` bytes
    inflated are returned as ``head``. Raises ``zlib.error`` on corrupt data.
    """
    handle.seek(start)
    left = limit
    read = 0

    def chunk() -> bytes:
        nonlocal left, read
        size = _IN_CHUNK if left is None else min(_IN_CHUNK, left)
        data = handle.read(size) if size else b""
        read += len(data)
        if left is not None:
            left -= len(data)
        return data

    inflater = zlib.decompressobj(47)
    pending = b""
    size = 0
    head = bytearray()
    while True:
        data = pending or chunk()  # b"" at the end: drain what the inflater holds
        out = inflater.decompress(data, _OUT_CHUNK)
        pending = inflater.unconsumed_tail
        size += len(out)
        if len(head) < keep:
            head += out[: keep - len(head)]
        if most is not None and size > most:
            return Stream(size, False, read, bytes(head))
        if not inflater.eof:
            if not data and not out:  # the input ended inside a stream
                return Stream(size, False, read, bytes(head))
            continue
        rest = inflater.unused_data
        if not members:
            return Stream(size, True, read - len(rest), bytes(head))
        while len(rest) < 2:  # enough to tell another member from trailing bytes
            more = chunk()
            if not more:
                break
            rest += more
        if rest[:2] != GZIP_MAGIC:  # the end, or bytes after it that gzread ignores
            return Stream(size, True, read - len(rest), bytes(head))
        inflater = zlib.decompressobj(31)
        pending = rest


def integer(text: str) -> int | None:
    """A header's integer field, or None when it is not one (then the file is left to
    SimpleITK to judge)."""
    try:
        return int(text)
    except ValueError:
        return None


def file_size(handle: BinaryIO) -> int:
    """The size of the open file, in bytes."""
    return handle.seek(0, 2)


def open_data(path: Path, data_file: Path, named: str) -> BinaryIO:
    """Open the file holding the voxels; a missing one is a LoaderError naming both."""
    try:
        return open(data_file, "rb")
    except FileNotFoundError:
        raise LoaderError(
            f"image {path}: SimpleITK cannot read it: its data file {data_file} (named "
            f"{named!r} in the header) does not exist; put the data file beside the "
            "header, or correct the header's data file name"
        ) from None
    except OSError as exc:
        raise LoaderError(
            f"image {path}: its data file {data_file} cannot be read ({exc.strerror})"
        ) from None


def hex_bytes(data: bytes) -> str:
    """``b"\\x55\\x3f"`` as ``"55 3f"`` (the first bytes, for a message)."""
    return " ".join(f"{byte:02x}" for byte in data[:2]) or "nothing"


def check_payload(
    path: Path,
    *,
    data_file: Path,
    handle: BinaryIO,
    start: int,
    needed: int,
    describe: str,
    encoding: str,
    skip: int = 0,
    limit: int | None = None,
) -> None:
    """Raise LoaderError unless the voxels from byte ``start`` of ``handle`` are whole.

    ``encoding`` is ``"raw"`` (at least ``needed`` bytes from ``start``; more is allowed,
    as both readers ignore them), ``"gzip"`` (gzip members from ``start`` that end
    properly and inflate to exactly ``skip + needed`` bytes, NRRD) or ``"zlib"`` (one zlib
    or gzip stream in the ``limit`` bytes from ``start``, inflating to exactly
    ``needed``, MetaImage). ``describe`` says where ``needed`` comes from, for the
    message.
    """
    where = "" if data_file == path else f"in {data_file}, "
    available = file_size(handle) - start
    if encoding == "raw":
        if available < needed:
            raise LoaderError(
                f"image {path}: truncated: {where}{needed} bytes of voxels are expected "
                f"from byte {start} ({describe}), {max(available, 0)} bytes found; {ADVICE}"
            )
        return
    if limit is not None and available < limit:
        raise LoaderError(
            f"image {path}: truncated: {where}{limit} bytes of compressed voxels are "
            f"expected from byte {start} (CompressedDataSize), {max(available, 0)} bytes "
            f"found; {ADVICE}"
        )
    handle.seek(start)
    first = handle.read(2)
    label = "gzip" if encoding == "gzip" else "zlib or gzip"
    if first[:2] != GZIP_MAGIC and (encoding == "gzip" or not is_zlib_header(first)):
        magic = "1f 8b" if encoding == "gzip" else "1f 8b, or 78 and a check byte"
        raise LoaderError(
            f"image {path}: its header says the voxels are compressed ({label}), but "
            f"{where}the data from byte {start} is not a {label} stream (it starts "
            f"{hex_bytes(first)}, not {magic}); the file is corrupt or its header is "
            "wrong: it cannot be read reliably"
        )
    total = skip + needed
    try:
        stream = inflate(handle, start=start, limit=limit, members=encoding == "gzip",
                         most=total)
    except zlib.error as exc:
        raise LoaderError(
            f"image {path}: {where}its compressed voxels (from byte {start}) are corrupt "
            f"(zlib: {exc}); copy it again from its source"
        ) from None
    expected = f"{total} bytes are expected ({describe})"
    if stream.size > total:
        raise LoaderError(
            f"image {path}: {where}its compressed voxels (from byte {start}) inflate to "
            f"more than the {total} bytes its header calls for ({describe}); the header "
            "does not describe the data: it cannot be read reliably"
        )
    if not stream.complete:
        raise LoaderError(
            f"image {path}: truncated: {where}its compressed voxels (from byte {start}) "
            f"end after {stream.compressed} bytes without their end-of-stream marker; "
            f"{stream.size} bytes inflated, {expected}; {ADVICE}"
        )
    if stream.size < total:
        raise LoaderError(
            f"image {path}: truncated: {where}its compressed voxels (from byte {start}) "
            f"inflate to {stream.size} bytes, {expected}; {ADVICE}"
        )
