"""Is an NRRD (``.nrrd``, ``.nhdr`` + data file) whole? Checked before SimpleITK reads it.

Private. What SimpleITK 2.5 (ITK 5.4, teem's NrrdIO) does with a damaged NRRD:

- raw voxels cut short: refused ("fread got only 167 2-sized things, not 168").
- a gzip stream cut inside its deflate data: refused ("expected 336 bytes but received
  257"); cut inside its 8-byte trailer (CRC-32 and length), or just before it: read, with
  the right voxels but unchecked (no CRC).
- ``encoding: gzip`` over data that is not gzip at all: zlib's ``gzread`` passes
  non-gzip bytes through unchanged ("transparent" reading), so raw voxels under a gzip
  header are read as if raw, without a word: a file that is not what it says.
- ``byte skip: -1`` (the voxels are the file's last bytes) over too few bytes: **read
  without an error, with wrong voxels** (part of the header read as voxels).

:func:`check_nrrd` reads the header itself: the magic ``NRRD000X``, then ``field: value``
lines up to the first blank line (``#`` comments and ``key:=value`` pairs skipped; field
names compared without case and spaces, so ``data file`` = ``datafile``). From
``type``, ``dimension`` and ``sizes`` it works out the bytes of voxels, and from
``encoding``, ``data file``, ``line skip`` and ``byte skip`` where they are. Then:

- the data file exists (a missing one is named);
- raw: at least that many bytes follow the skipped lines and bytes (teem ignores bytes
  after them; with ``byte skip: -1``, the file holds at least that many after the
  header);
- gzip: the data starts with the gzip magic ``1f 8b``; its members end with their
  end-of-stream marker and CRC-32; they inflate to exactly ``byte skip`` (teem skips
  those in the inflated data) plus the voxel bytes. Inflated in 64 KiB pieces, never
  held whole.

Passed to SimpleITK unchecked (it decides, as before), because medeval does not
re-implement them: encodings other than raw and gzip (ascii / text, hex, bzip2 -- which
this SimpleITK cannot read --, zrl), ``type: block`` or a type outside the table below,
``data file: LIST`` and file-name patterns (several data files), ``dimension`` and
``sizes`` that disagree, ``byte skip`` below -1 or -1 with gzip, and a header longer
than ``_MAX_HEADER``.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import BinaryIO

from ..errors import LoaderError
from ._payload import ADVICE, check_payload, open_data
from ._payload import integer as _integer

__all__ = ["check_nrrd"]

_MAX_HEADER = 1 << 20  # bytes of header read before giving up (passing it on)
_MAGIC = re.compile(rb"^NRRD000[1-9]\r?\n$")

# Bytes per element for each of teem's type names (nrrdEnums: airEnum of nrrdType).
_TYPES = {
    1: ("signed char", "int8", "int8_t", "uchar", "unsigned char", "uint8", "uint8_t"),
    2: ("short", "short int", "signed short", "signed short int", "int16", "int16_t",
        "ushort", "unsigned short", "unsigned short int", "uint16", "uint16_t"),
    4: ("int", "signed int", "int32", "int32_t", "uint", "unsigned int", "uint32",
        "uint32_t", "float"),
    8: ("longlong", "long long", "long long int", "signed long long",
        "signed long long int", "int64", "int64_t", "ulonglong", "unsigned long long",
        "unsigned long long int", "uint64", "uint64_t", "double"),
}  # fmt: skip
TYPE_BYTES = {name: width for width, names in _TYPES.items() for name in names}
_ENCODINGS = {"raw": "raw", "gzip": "gzip", "gz": "gzip"}


def read_header(path: Path) -> tuple[dict[str, str], int, bool] | None:
    """The header's fields, the offset just past it, and whether a blank line ended it.

    None when it is not an NRRD header medeval parses (see the module docstring).
    """
    fields: dict[str, str] = {}
    with open(path, "rb") as handle:
        first = handle.readline(64)
        if not _MAGIC.match(first):
            return None
        offset = len(first)
        while offset < _MAX_HEADER:
            line = handle.readline(_MAX_HEADER - offset)
            if not line:
                return fields, offset, False
            offset += len(line)
            text = line.rstrip(b"\r\n")
            if not text:
                return fields, offset, True
            if text.startswith(b"#") or b":=" in text:
                continue
            name, sep, value = text.decode("utf-8", "replace").partition(": ")
            if not sep:
                return None
            fields[name.replace(" ", "").lower()] = value.strip()
    return None


def check_nrrd(path: Path) -> None:
    """Raise LoaderError if the NRRD ``path`` (or its data file) is not whole.

    See the module's docstring for what is checked and what is left to SimpleITK.
    """
    parsed = read_header(path)
    if parsed is None:
        return
    fields, data_start, ended = parsed
    named = fields.get("datafile")
    if named is None and not ended:
        raise LoaderError(
            f"image {path}: truncated: its NRRD header ends with the file ({data_start} "
            "bytes), without the blank line that ends a header and without a 'data file' "
            f"line: the voxels are missing; {ADVICE}"
        )
    layout = _layout(fields)
    encoding = _ENCODINGS.get(fields.get("encoding", "").lower())
    byte_skip = _integer(fields.get("byteskip", "0"))
    line_skip = _integer(fields.get("lineskip", "0"))
    if (
        layout is None
        or encoding is None
        or byte_skip is None
        or byte_skip < -1
        or (byte_skip == -1 and encoding != "raw")
        or line_skip is None
        or line_skip < 0
    ):
        return
    if named is not None and (named.startswith("LIST") or len(named.split()) != 1):
        return  # several data files: left to SimpleITK
    needed, describe = layout
    data_file = path if named is None else path.parent / named
    with open_data(path, data_file, named or "") as handle:
        start = 0 if named is not None else data_start
        start = _skip_lines(path, data_file, handle, start, line_skip)
        if byte_skip == -1:  # the voxels are the file's last bytes
            start = max(start, handle.seek(0, 2) - needed)
        elif encoding == "raw":
            start += byte_skip
        check_payload(
            path,
            data_file=data_file,
            handle=handle,
            start=start,
            needed=needed,
            describe=describe + (f"; after a byte skip of {byte_skip}" if byte_skip > 0
                                 and encoding == "gzip" else ""),
            encoding=encoding,
            skip=byte_skip if encoding == "gzip" else 0,
        )


def _layout(fields: dict[str, str]) -> tuple[int, str] | None:
    """Bytes of voxels the header calls for, and how they were counted; None if unsure."""
    kind = fields.get("type", "").lower()
    dimension = _integer(fields.get("dimension", ""))
    sizes = [_integer(word) for word in fields.get("sizes", "").split()]
    if (
        kind not in TYPE_BYTES
        or dimension is None
        or dimension < 1
        or len(sizes) != dimension
        or any(size is None or size < 1 for size in sizes)
    ):
        return None
    dims = [size for size in sizes if size is not None]
    voxels = math.prod(dims)
    width = TYPE_BYTES[kind]
    describe = (
        f"NRRD header: sizes {' x '.join(map(str, dims))} = {voxels} voxels x {width} "
        f"bytes ({kind})"
    )
    return voxels * width, describe


def _skip_lines(path: Path, data_file: Path, handle: BinaryIO, start: int, lines: int) -> int:
    """The offset after ``lines`` more line ends from ``start`` (teem's ``line skip``)."""
    handle.seek(start)
    for count in range(lines):
        if not handle.readline().endswith(b"\n"):
            where = "" if data_file == path else f"in {data_file}, "
            raise LoaderError(
                f"image {path}: truncated: {where}the header says to skip {lines} lines "
                f"before the voxels, the file ends after {count}; {ADVICE}"
            )
    return handle.tell()
