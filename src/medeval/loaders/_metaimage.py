"""Is a MetaImage (``.mha``, ``.mhd`` + data file) whole? Checked before SimpleITK reads it.

Private. What SimpleITK 2.5 (ITK 5.4, MetaIO) does with a damaged MetaImage:

- raw voxels cut short (in the ``.mha`` or in the ``.raw``): refused, but the exception
  ends "Reason: No such file or directory" (a stale ``errno``) while MetaIO prints the
  real reason ("data not read completely, ideal = 336 : actual = 335") on standard
  error; a missing data file gives the same misleading exception.
- compressed voxels (``CompressedData = True``) that are corrupt (one byte changed),
  that inflate to fewer bytes than ``DimSize`` calls for, or of which
  ``CompressedDataSize`` names fewer bytes than the stream has: **read without an
  error, as an image with wrong voxels**; MetaIO only prints "Uncompress failed" (or
  nothing at all) on standard error.
- a ``.mha`` with ``CompressedData = True`` and no ``CompressedDataSize`` line: even an
  intact stream is read as wrong voxels.

:func:`check_metaimage` reads the header itself: ``Key = Value`` lines (``:`` is
accepted too, as MetaIO does; keys are case-sensitive, as in MetaIO) up to
``ElementDataFile``, which is the last. From ``NDims``, ``DimSize``, ``ElementType``,
``ElementNumberOfChannels`` it works out the bytes of voxels; from ``ElementDataFile``
(``LOCAL``: the voxels follow that line; a file name: that file, relative to the
header's folder), ``HeaderSize`` (bytes to skip in a data file; -1: the voxels are the
file's last bytes), ``CompressedData`` and ``CompressedDataSize`` where they are. Then:

- the data file exists (a missing one is named);
- raw: at least that many bytes are there (MetaIO ignores bytes after them);
- compressed: the data starts with a zlib or gzip header, the stream (within
  ``CompressedDataSize`` bytes, or the whole data file) ends with its end-of-stream
  marker and checksum, and inflates to exactly the bytes ``DimSize`` calls for. The
  stream is inflated in 64 KiB pieces, never held whole.

Passed to SimpleITK unchecked (it decides, as before), because medeval does not
re-implement them: a header it cannot parse (a line without a separator, no
``ElementDataFile`` within the first 64 KiB, ``NDims`` / ``DimSize`` missing or not
agreeing), ``ObjectType`` other than ``Image``, ``BinaryData = False`` (ASCII voxels),
an ``ElementType`` outside the table below, ``ElementDataFile = LIST`` or a file-name
pattern (several data files), ``HeaderSize`` with ``LOCAL`` data, and ``HeaderSize``
with compressed data.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from ..errors import LoaderError
from ._payload import ADVICE, check_payload, open_data
from ._payload import integer as _integer

__all__ = ["check_metaimage"]

_MAX_HEADER = 1 << 16  # bytes of header read before giving up (passing it on)
_LINE = re.compile(rb"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*[=:]\s*(.*?)\s*$")

# Bytes per element, MetaIO's metaTypes.h (MET_LONG / MET_ULONG are 4 bytes there: the
# SimpleITK 2.5 read of a MET_LONG .mha gives a 32-bit signed integer image).
ELEMENT_BYTES = {
    "MET_CHAR": 1, "MET_UCHAR": 1, "MET_SHORT": 2, "MET_USHORT": 2, "MET_INT": 4,
    "MET_UINT": 4, "MET_LONG": 4, "MET_ULONG": 4, "MET_LONG_LONG": 8,
    "MET_ULONG_LONG": 8, "MET_FLOAT": 4, "MET_DOUBLE": 8,
}  # fmt: skip


def read_header(path: Path) -> tuple[dict[str, str], int] | None:
    """The header's fields up to ``ElementDataFile`` and the offset just past that line.

    None when it cannot be parsed (a line without a separator, no ``ElementDataFile``
    within ``_MAX_HEADER`` bytes). A file that ends, after at least one field, before its
    ``ElementDataFile`` line (which MetaIO requires) is cut inside its header: refused.
    """
    fields: dict[str, str] = {}
    offset = 0
    with open(path, "rb") as handle:
        while offset < _MAX_HEADER:
            line = handle.readline(_MAX_HEADER - offset)
            offset += len(line)
            match = _LINE.match(line)
            if fields and offset < _MAX_HEADER and not line.endswith(b"\n") and (
                match is None or match.group(1) != b"ElementDataFile"
            ):  # the file ends inside its header
                raise LoaderError(
                    f"image {path}: truncated: its MetaImage header ends with the file "
                    f"({offset} bytes) before the ElementDataFile line that ends a header: "
                    f"the voxels are missing; {ADVICE}"
                )
            if not line.strip():
                if not line:
                    return None
                continue
            if match is None:
                return None
            key, value = match.group(1).decode(), match.group(2).decode("utf-8", "replace")
            fields[key] = value
            if key == "ElementDataFile":
                return fields, offset
    return None


def check_metaimage(path: Path) -> None:
    """Raise LoaderError if the MetaImage ``path`` (or its data file) is not whole.

    See the module's docstring for what is checked and what is left to SimpleITK.
    """
    parsed = read_header(path)
    if parsed is None:
        return
    fields, data_start = parsed
    _check_spacing(path, fields)
    _check_origin(path, fields)
    layout = _layout(fields)
    if layout is None:
        return
    needed, describe = layout
    named = fields["ElementDataFile"]
    compressed = _flag(fields.get("CompressedData", "False"))
    header_size = _integer(fields.get("HeaderSize", "0"))
    if compressed is None or header_size is None:
        return
    if named.startswith("LIST") or "%" in named:
        return  # several data files: left to SimpleITK
    local = named in ("LOCAL", "Local", "local")
    if header_size != 0 and (local or compressed):
        return  # HeaderSize with LOCAL voxels or with compression: left to SimpleITK
    size_field = fields.get("CompressedDataSize")
    limit = _integer(size_field) if size_field is not None else None
    if compressed and size_field is not None and (limit is None or limit <= 0):
        return  # an unreadable CompressedDataSize: left to SimpleITK
    if compressed and local and limit is None:
        raise LoaderError(
            f"image {path}: its voxels are compressed (CompressedData = True) in the same "
            "file, and the header has no CompressedDataSize; SimpleITK (MetaIO) reads "
            "such a file as wrong voxels without an error, so it is refused; write it "
            "again with CompressedDataSize (SimpleITK's WriteImage does), or as a .mhd "
            "with a separate data file"
        )
    data_file = path if local else path.parent / named
    with open_data(path, data_file, named) as handle:
        if header_size == -1:  # the voxels are the data file's last bytes
            start = max(0, handle.seek(0, 2) - needed)
        else:
            start = data_start if local else header_size
        check_payload(
            path,
            data_file=data_file,
            handle=handle,
            start=start,
            needed=needed,
            describe=describe,
            encoding="zlib" if compressed else "raw",
            limit=limit,
        )


def _check_spacing(path: Path, fields: dict[str, str]) -> None:
    """Refuse an ``ElementSpacing`` (or, without it, ``ElementSize``) holding NaN, an
    infinity or 0: ITK refuses it in words of its own that show NaN and infinity as 0
    ("Refusing to change spacing from [1, 1, 1] to [0, 0, 0]"), and medeval said the
    file "may be truncated, corrupt or its data file missing". A negative spacing is
    ITK's flipped axis, read as such.

    >>> _check_spacing(Path("a.mha"), {"ElementSpacing": "0.8 0.8 2"})
    >>> try:
    ...     _check_spacing(Path("a.mha"), {"ElementSpacing": "nan 0.8 2"})
    ... except LoaderError as exc:
    ...     print(str(exc)[:78])
    image a.mha: its MetaImage header's ElementSpacing = nan 0.8 2 holds nan (axis
    """
    key = "ElementSpacing" if "ElementSpacing" in fields else "ElementSize"
    written = fields.get(key)
    if written is None:
        return
    bad = []
    for axis, text in zip("xyzt", _read_by_itk(fields, written)):
        try:
            value = float(text)
        except ValueError:
            return  # not numbers: left to SimpleITK
        if not math.isfinite(value) or value == 0:
            bad.append(f"{text} (axis {axis})")
    if bad:
        raise LoaderError(
            f"image {path}: its MetaImage header's {key} = {written.strip()} holds "
            f"{', '.join(bad)}: a voxel's spacing is a positive number of millimetres "
            f"along each axis, which no distance can be measured without; write the "
            f"spacing the image was acquired with (SimpleITK refuses it, showing NaN and "
            f"infinity as 0)")


def _check_origin(path: Path, fields: dict[str, str]) -> None:
    """Refuse an ``Offset`` (``Position``, ``Origin``) holding NaN or an infinity, which
    SimpleITK reads, without a word, as 0: the image placed where it is not, and a
    prediction compared with its reference at that place.

    >>> try:
    ...     _check_origin(Path("a.mha"), {"Offset": "nan 0 0"})
    ... except LoaderError as exc:
    ...     print(str(exc)[:68])
    image a.mha: its MetaImage header's Offset = nan 0 0 holds nan (axis
    """
    for key in ("Offset", "Position", "Origin"):
        written = fields.get(key)
        if written is None:
            continue
        words = _read_by_itk(fields, written)
        try:
            values = [float(text) for text in words]
        except ValueError:
            continue  # not numbers: left to SimpleITK
        bad = [f"{text} (axis {axis})" for axis, text, value in
               zip("xyzt", words, values) if not math.isfinite(value)]
        if bad:
            raise LoaderError(
                f"image {path}: its MetaImage header's {key} = {written.strip()} holds "
                f"{', '.join(bad)}: SimpleITK reads it as 0, placing the image where it "
                "is not; write the position of the first voxel in millimetres")


def _read_by_itk(fields: dict[str, str], written: str) -> list[str]:
    """The values of a per-axis field that ITK reads: the first ``NDims`` (a 2-D image's
    ``ElementSpacing = 0.5 0.5 0`` is read as 0.5 0.5), or all where NDims is unclear.

    >>> _read_by_itk({"NDims": "2"}, "0.5 0.5 0"), _read_by_itk({}, "1 2 3")
    (['0.5', '0.5'], ['1', '2', '3'])
    """
    ndims = _integer(fields.get("NDims", ""))
    words = written.split()
    return words[:ndims] if ndims is not None and ndims >= 1 else words


def _layout(fields: dict[str, str]) -> tuple[int, str] | None:
    """Bytes of voxels the header calls for, and how they were counted; None if unsure."""
    if fields.get("ObjectType", "Image") != "Image":
        return None
    if _flag(fields.get("BinaryData", "True")) is not True:
        return None  # ASCII voxels (or an unreadable flag)
    ndims = _integer(fields.get("NDims", ""))
    sizes = [_integer(word) for word in fields.get("DimSize", "").split()]
    element = fields.get("ElementType", "")
    channels = _integer(fields.get("ElementNumberOfChannels", "1"))
    if (
        ndims is None
        or ndims < 1
        or len(sizes) != ndims
        or any(size is None or size < 1 for size in sizes)
        or element not in ELEMENT_BYTES
        or channels is None
        or channels < 1
    ):
        return None
    dims = [size for size in sizes if size is not None]
    voxels = math.prod(dims)
    width = ELEMENT_BYTES[element]
    describe = (
        f"MetaImage header: DimSize {' x '.join(map(str, dims))} = {voxels} voxels x "
        f"{channels} channel{'s' if channels != 1 else ''} x {width} bytes ({element})"
    )
    return voxels * channels * width, describe


def _flag(text: str) -> bool | None:
    """``True`` / ``False`` (any case); None for anything else (left to MetaIO)."""
    lowered = text.strip().lower()
    return True if lowered == "true" else False if lowered == "false" else None
