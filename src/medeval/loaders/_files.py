"""Checks every loader makes before a library opens a path; format sniffing by magic bytes.

Private. A path is refused before any third-party reader sees it when it does not exist,
is not a regular file (a FIFO or a device would block a reader forever), or leaves the
data root it must stay in.
"""

from __future__ import annotations

import functools
import os
import re
import stat
from pathlib import Path
from typing import Literal

from ..errors import LoaderError

Format = Literal["dicom", "nifti", "metaimage", "nrrd", "gzip", "edf", "wfdb-header", "png",
                 "jpeg", "bmp", "tiff", "unknown"]

#: The 2-D raster formats, read with Pillow by :mod:`medeval.loaders.raster`.
RASTER_FORMATS: frozenset[str] = frozenset({"png", "jpeg", "bmp", "tiff"})

_SNIFF_BYTES = 512
#: A MetaImage header line that only an image header has (MetaIO's key = value).
_METAIMAGE_KEY = re.compile(rb"^[ \t]*(NDims|DimSize|ElementType|ElementDataFile)[ \t]*[=:]",
                            re.MULTILINE)
# NIfTI-2 (nifti2.h): magic char[8] at byte 4 (one file n+2, a .hdr/.img pair ni2), and
# sizeof_hdr int32 = 540 at byte 0, in the file's byte order (little or big endian).
_NIFTI2_MAGIC = (b"n+2\x00\r\n\x1a\n", b"ni2\x00\r\n\x1a\n")
_NIFTI2_SIZE = ((540).to_bytes(4, "little"), (540).to_bytes(4, "big"))
# TIFF (classic and BigTIFF) in either byte order; a BMP's DIB header sizes (BITMAPCOREHEADER,
# INFOHEADER, the V2/V3 variants, OS/2 2.x, V4 and V5), read at byte 14.
#: The version field that opens an EDF/EDF+ header ("0" and 7 spaces) and a 24-bit
#: BDF/BDF+ header (0xFF "BIOSEMI"): the EDF family, as ``sniff`` names it.
EDF_VERSIONS = (b"0       ", b"\xffBIOSEMI")
_TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")
_BMP_HEADER_SIZES = frozenset({12, 40, 52, 56, 64, 108, 124})


def regular_file(path: str | os.PathLike[str], *, what: str) -> Path:
    """Return ``path`` as a Path if it names an existing regular file, else raise."""
    file = Path(path)
    try:
        mode = os.stat(file).st_mode
    except (FileNotFoundError, NotADirectoryError):
        raise LoaderError(f"{what} {file}: no such file; check the path") from None
    except OSError as exc:  # a symlink loop, a folder that cannot be searched ...
        raise LoaderError(f"{what} {file}: cannot be opened ({exc.strerror})") from None
    if not stat.S_ISREG(mode):
        kind = "a directory" if stat.S_ISDIR(mode) else "not a regular file (FIFO, device?)"
        raise LoaderError(f"{what} {file}: is {kind}; give the path of a file")
    return file


def within_root(root: str | os.PathLike[str], path: str | os.PathLike[str]) -> Path:
    """Resolve ``path`` (relative to ``root`` unless absolute) and check it stays inside.

    Both ``..`` components and symbolic links are resolved first, so a link inside the
    root pointing outside it is refused like ``../../etc/passwd``.

    Raises
    ------
    LoaderError
        The resolved path is not inside the resolved root.

    Examples
    --------
    >>> import tempfile
    >>> root = tempfile.mkdtemp()
    >>> within_root(root, "a/b.dcm") == Path(root).resolve() / "a" / "b.dcm"
    True
    >>> within_root(root, "../secret.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    medeval.errors.LoaderError: ../secret.csv: resolves to ... outside the data root ...
    """
    return Path(located_within_root(root, path)[0])


def located_within_root(
    root: str | os.PathLike[str], path: str | os.PathLike[str]
) -> tuple[str, os.stat_result | None]:
    """:func:`within_root`'s path as text, and the file's status where resolving it read
    it: the ``lstat`` of a path that is no symbolic link, which is its ``stat`` (None
    where it is a link, a folder's name or not found), so that a caller checking the file
    need not look it up again.

    Raises
    ------
    LoaderError
        As :func:`within_root`.
    """
    base = _resolved_dir(os.fspath(root))
    joined = os.path.join(base, os.fspath(path))  # an absolute path replaces the base
    folder, name = os.path.split(joined)
    status = None
    if name not in ("", ".", ".."):
        try:  # os.path.islink's lstat, kept
            status = os.lstat(joined)
        except (OSError, ValueError):
            status = None
    if name in ("", ".", "..") or (status is not None and stat.S_ISLNK(status.st_mode)):
        target, status = os.path.realpath(joined), None
    else:  # the folder resolved once (cached), then the file itself, which is no link
        target = os.path.join(_resolved_dir(folder), name)
    if target != base and not target.startswith(base.rstrip(os.sep) + os.sep):
        raise LoaderError(
            f"{path}: resolves to {target}, outside the data root {base} (through '..' or "
            "a symbolic link); keep every file of the set inside its root"
        )
    return target, status


@functools.lru_cache(maxsize=4096)
def _resolved_dir(path: str) -> str:
    """A folder's real path (cached: a held-out set has many files in few folders)."""
    return os.path.realpath(path)


def forget_resolved_folders() -> None:
    """Drop the cached real paths of folders (at the start of each validation)."""
    _resolved_dir.cache_clear()


def sniff(path: str | os.PathLike[str]) -> Format:
    """Name the format of a regular file from its first bytes (or its suffix for WFDB).

    NIfTI is recognised by its magic: NIfTI-1 at byte 344, NIfTI-2 at byte 4 together with
    its header size (540) at byte 0 in either byte order. A gzipped file is ``"gzip"``.
    The raster formats by their signatures: PNG's eight bytes, JPEG's SOI marker followed
    by a marker (``FF D8 FF``), TIFF's byte-order mark with 42 (43 for BigTIFF), and
    BMP's ``BM`` with a known DIB header size at byte 14. A DICOM file with a TIFF
    preamble (a dual DICOM-TIFF file) is ``"dicom"``: its ``DICM`` is looked at first.
    EDF, EDF+, BDF and BDF+ are all ``"edf"`` (version ``0`` or BioSemi's ``\xffBIOSEMI``).
    """
    with open(path, "rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if len(head) >= 132 and head[128:132] == b"DICM":
        return "dicom"
    if len(head) >= 348 and head[344:348] in (b"n+1\x00", b"ni1\x00"):
        return "nifti"
    if head[4:12] in _NIFTI2_MAGIC and head[:4] in _NIFTI2_SIZE:
        return "nifti"
    if head[:2] == b"\x1f\x8b":
        return "gzip"
    if head[:4] == b"NRRD":
        return "nrrd"
    raster = _raster(head)
    if raster is not None:
        return raster
    suffix = _suffix(path).lower()
    if head.lstrip().startswith((b"ObjectType", b"NDims")) or (
            suffix in (".mha", ".mhd") and _METAIMAGE_KEY.search(head)):
        return "metaimage"  # MetaIO goes by the name; keys may follow a Comment line
    if head[:8] in EDF_VERSIONS and len(head) >= 256:
        return "edf"  # EDF/EDF+, or 24-bit BDF/BDF+ (the same layout; BioSemi's version)
    if suffix == ".hea":
        return "wfdb-header"
    if _implicit_dicom(head):
        return "dicom"
    return "unknown"


def _suffix(path: str | os.PathLike[str]) -> str:
    """``Path(path).suffix`` of a file's path, without building the Path."""
    name = os.path.basename(os.fspath(path))
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _raster(head: bytes) -> Format | None:
    """PNG, JPEG, TIFF or BMP from the file's first bytes, or None."""
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if head[:4] in _TIFF_MAGIC:
        return "tiff"
    if head[:2] == b"BM" and len(head) >= 18 and \
            int.from_bytes(head[14:18], "little") in _BMP_HEADER_SIZES:
        return "bmp"
    return None


def _implicit_dicom(head: bytes) -> bool:
    """A DICOM file written without the 128-byte preamble (old implicit VR files).

    Recognised by a first element in group 0x0008 (or 0x0002) with a small tag number,
    whose value length leads, within the bytes read, to a second element of the same
    group with a higher tag number (implicit VR: tag, 4-byte length; explicit VR: tag,
    two letters, then the length). The first four bytes alone are no evidence: a WFDB
    signal file (format 16) whose first two samples are 2 (or 8) and 0 to 255 begins
    with them too.
    """
    if len(head) < 8:
        return False
    group = int.from_bytes(head[0:2], "little")
    element = int.from_bytes(head[2:4], "little")
    if group not in (0x0002, 0x0008) or element >= 0x0100:
        return False
    if head[4:6].isalpha() and head[4:6].isupper():  # explicit VR: VR, length
        vr = head[4:6]
        long_form = vr in (b"OB", b"OD", b"OF", b"OL", b"OV", b"OW", b"SQ", b"SV", b"UC",
                           b"UN", b"UR", b"UT", b"UV")
        start, length = ((12, int.from_bytes(head[8:12], "little")) if long_form
                         else (8, int.from_bytes(head[6:8], "little")))
    else:
        start, length = 8, int.from_bytes(head[4:8], "little")
    following = start + length
    if following + 4 > len(head):
        return False
    return (int.from_bytes(head[following:following + 2], "little") == group
            and int.from_bytes(head[following + 2:following + 4], "little") > element)
