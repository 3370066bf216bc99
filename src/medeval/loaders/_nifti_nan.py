"""Where a float NIfTI-1 file holds NaN: SimpleITK (ITK 5.4) reads those voxels as 0.

Private. ITK's NIfTI reader turns each NaN voxel of a float32 or float64 image into 0,
even in a file SimpleITK wrote itself, so a float mask's NaN voxels were scored, unsaid,
as background, and the refusal of NaN (scoring, ``manifest check --read-files``) never
saw them. :func:`nan_voxels` reads the voxels as the file stores them (x fastest, the
order of SimpleITK's (z, y, x) array) and gives the positions of the NaN, for
:func:`medeval.loaders.itk.read_itk_image` to put them back. The voxels are read
:data:`CHUNK_BYTES` at a time, so this second reading adds a few megabytes to the peak
memory of a read, not a second copy of the volume (it held the whole payload and a mask
of it: 200 x 512 x 512 float32, 210 MB, read at a peak of 839 MB resident, 634 MB after).

Header fields read (NIfTI-1, 348 bytes; byte order as ``sizeof_hdr`` reads 348):
``datatype`` int16 @70 (16 float32, 64 float64), and what :func:`._nifti.parse_header`
reads. One file (``.nii``, ``.nii.gz``), or a pair (``.hdr`` with its ``.img`` or
``.img.gz``, found as niftilib finds it; an Analyze 7.5 ``.hdr`` too): SimpleITK reads
a pair's NaN voxels as 0 as well.
"""

from __future__ import annotations

import gzip
import struct
import zlib
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import LoaderError
from ._nifti import _companion, header_size, parse_header
from ._payload import GZIP_MAGIC

__all__ = ["CHUNK_BYTES", "nan_voxels"]

CHUNK_BYTES = 1 << 24
"""How many bytes of voxels are read and looked at at a time (16 MiB)."""

_FLOATS = {16: "f4", 64: "f8"}  # NIfTI datatype codes: FLOAT32, FLOAT64


def nan_voxels(file: Path, size: int) -> NDArray[np.int64] | None:
    """The positions of the NaN voxels of the float NIfTI-1 ``file`` (one file, or a
    pair's ``.hdr``), flat in the order it stores them, or None where it holds none (or is
    no such file, or holds other than ``size`` voxels: what SimpleITK read is then left as
    it is).

    >>> import tempfile
    >>> head = bytearray(352)
    >>> struct.pack_into("<i", head, 0, 348)
    >>> struct.pack_into("<8h", head, 40, 3, 2, 1, 1, 1, 1, 1, 1)
    >>> struct.pack_into("<hh", head, 70, 16, 32)
    >>> struct.pack_into("<f", head, 108, 352.0)
    >>> head[344:348] = b"n+1\\0"
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "two.nii"
    ...     _ = path.write_bytes(bytes(head) + np.array([0.0, np.nan], "<f4").tobytes())
    ...     nan_voxels(path, 2)
    array([1])
    """
    try:
        with _opened(file) as stream:
            head = stream.read(348)
        dtype = _float_type(head)
        layout = parse_header(head, pair_without_magic=file.name.lower().endswith(
            (".hdr", ".hdr.gz")))
        if dtype is None or layout is None or layout.voxels != size:
            return None
        voxel_file = file if layout.one_file else _companion(file, (".img", ".img.gz"))
        if voxel_file is None:
            return None
        with _opened(voxel_file) as stream:
            stream.seek(layout.vox_offset)
            found = _nan_positions(stream, np.dtype(dtype), size)
    except (OSError, EOFError, zlib.error) as exc:
        raise LoaderError(f"image {file}: cannot be read again for its NaN voxels "
                          f"({exc})") from None
    if found is None or not found.size:
        return None
    return found


def _nan_positions(stream: Any, dtype: np.dtype[Any], size: int) -> NDArray[np.int64] | None:
    """The flat positions of the NaN among the next ``size`` voxels of ``dtype`` in
    ``stream``, read :data:`CHUNK_BYTES` at a time; None where the stream ends before
    them."""
    step = max(CHUNK_BYTES // dtype.itemsize, 1)
    parts: list[NDArray[np.int64]] = []
    done = 0
    while done < size:
        want = min(step, size - done) * dtype.itemsize
        raw = stream.read(want)
        if len(raw) != want:
            return None
        nan = np.flatnonzero(np.isnan(np.frombuffer(raw, dtype=dtype)))
        if nan.size:
            parts.append(nan + done)
        done += want // dtype.itemsize
    return np.concatenate(parts) if parts else np.zeros(0, np.int64)


def _opened(file: Path) -> Any:
    """``file`` opened for reading its bytes, inflated if it is gzip."""
    with open(file, "rb") as handle:
        packed = handle.read(2) == GZIP_MAGIC
    return gzip.open(file, "rb") if packed else open(file, "rb")


def _float_type(head: bytes) -> str | None:
    """numpy's type of a NIfTI-1 header's float32/float64 voxels (with the header's byte
    order), or None for any other header or type."""
    sized = header_size(head)
    if sized is None or sized[0] != 348 or len(head) < 348:
        return None
    (datatype,) = struct.unpack_from(sized[1] + "h", head, 70)
    kind = _FLOATS.get(datatype)
    return None if kind is None else sized[1] + kind
