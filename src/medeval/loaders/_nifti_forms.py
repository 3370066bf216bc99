"""Do a NIfTI-1 file's qform and sform place its voxels at the same points?

Private. A NIfTI-1 header may carry two voxel-to-world transforms: the qform (a rotation
as a quaternion, ``pixdim`` and ``qoffset``; ``qform_code > 0``) and the sform (a general
3 x 4 matrix ``srow_x/y/z``; ``sform_code > 0``). Readers do not agree on which one
wins when both are set: nibabel takes the sform, ITK (so SimpleITK and medeval) takes
the qform unless it judges the sform better. A file whose two transforms disagree is
read by medeval on one grid and by the tool that wrote it (or the laboratory's viewer) on
another: a mask 10 mm off, or mirrored, measured as if aligned. :func:`check_forms`
refuses such a file, naming both transforms, before SimpleITK reads it.

Header fields (NIfTI-1, 348 bytes, byte order from ``sizeof_hdr``)::

    dim int16[8] @40, pixdim float32[8] @76, qform_code int16 @252,
    sform_code int16 @254, quatern_b/c/d float32 @256, qoffset_x/y/z float32 @268,
    srow_x/y/z float32[4] @280 / @296 / @312

The qform is built as the NIfTI-1 standard (nifti1.h) says: ``a = sqrt(1 - b² - c² -
d²)`` (when ``1 - b² - c² - d²`` is below 1e-7, float32 rounding of a 180-degree
rotation, ``a = 0`` and ``(b, c, d)`` normalised, as niftilib's
``nifti_quatern_to_mat44`` does; nibabel's ``get_qform`` gives the same), the rotation
matrix of the quaternion ``(a, b, c, d)``, its columns scaled by
``pixdim[1]``, ``pixdim[2]`` and ``qfac * pixdim[3]`` (``qfac = pixdim[0]``, taken as 1
when it is 0). The two transforms are compared where it matters: the world position of
each corner voxel of the image, within :data:`TOLERANCE_MM` plus :data:`TOLERANCE_RAD`
times the corner's distance from voxel 0 (a qform cannot state every rotation exactly).
NIfTI-2 files are not checked (SimpleITK cannot read them).
"""

from __future__ import annotations

import gzip
import itertools
import math
import struct
import zlib
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..errors import LoaderError
from ._payload import GZIP_MAGIC

__all__ = ["TOLERANCE_MM", "check_forms", "qform_affine", "unplaced"]

TOLERANCE_MM = 0.01
"""How far apart the two transforms may place voxel 0 (float32 rounding of the offsets
is far below it)."""

TOLERANCE_RAD = 1e-3
"""Added per mm of a corner's distance from voxel 0: a qform cannot state a rotation
within 6.3e-4 rad of 180 degrees (niftilib sets ``a = 0`` when ``a² < 1e-7``), so a
file whose writer set both transforms from one affine disagrees with itself by up to
6.3e-4 rad. (nibabel, one affine for both, 512 x 512 x 300 voxels of 0.7 x 0.7 x 1.25
mm turned 179.99 degrees: 0.09 mm at the far corner.)"""

_CODES = {1: "scanner", 2: "aligned", 3: "Talairach", 4: "MNI", 5: "template"}


def qform_affine(header: bytes, order: str) -> NDArray[np.float64]:
    """The 3 x 4 qform transform (voxel index -> RAS mm) of a NIfTI-1 header."""
    pixdim = struct.unpack_from(order + "8f", header, 76)
    b, c, d = struct.unpack_from(order + "3f", header, 256)
    offset = struct.unpack_from(order + "3f", header, 268)
    norm = b * b + c * c + d * d
    if 1.0 - norm < 1e-7:  # a rotation of 180 degrees: niftilib's rule (nifti1_io.c)
        b, c, d = (v / math.sqrt(norm) for v in (b, c, d))
        a = 0.0
    else:
        a = math.sqrt(1.0 - norm)
    rotation = np.array([
        [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
        [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
        [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
    ])
    qfac = -1.0 if pixdim[0] < 0 else 1.0
    scaled = rotation * np.array([pixdim[1], pixdim[2], qfac * pixdim[3]])
    return np.column_stack([scaled, np.asarray(offset, dtype=np.float64)])


def _sform_affine(header: bytes, order: str) -> NDArray[np.float64]:
    rows = [struct.unpack_from(order + "4f", header, at) for at in (280, 296, 312)]
    return np.asarray(rows, dtype=np.float64)


def _head(file: Path) -> bytes:
    try:
        with open(file, "rb") as handle:
            first = handle.read(348)
        if first[:2] != GZIP_MAGIC:
            return first
        with gzip.open(file, "rb") as stream:
            return stream.read(348)
    except (OSError, EOFError, zlib.error):
        return b""  # unreadable: check_complete or SimpleITK says why


def check_forms(file: Path) -> None:
    """Raise LoaderError if a NIfTI-1 file's qform and sform disagree.

    Both must be set (codes > 0) for a disagreement; files of other formats, and NIfTI
    files with one transform or none, pass.
    """
    head = _head(file)
    if len(head) < 348 or head[344:348] not in (b"n+1\x00", b"ni1\x00"):
        return
    order = next((o for o in ("<", ">") if struct.unpack_from(o + "i", head, 0)[0] == 348),
                 None)
    if order is None:
        return
    qcode, scode = struct.unpack_from(order + "2h", head, 252)
    if qcode <= 0 or scode <= 0:
        return
    dim = struct.unpack_from(order + "8h", head, 40)
    ndim = min(max(int(dim[0]), 1), 3)
    extent = [max(int(dim[i + 1]), 1) - 1 if i < ndim else 0 for i in range(3)]
    qform, sform = qform_affine(head, order), _sform_affine(head, order)
    if not (np.all(np.isfinite(qform)) and np.all(np.isfinite(sform))):
        return  # SimpleITK refuses a non-finite transform itself
    corners = np.array([[*corner, 1.0] for corner in itertools.product(
        *[(0, n) for n in extent])])
    gaps = np.linalg.norm(corners @ qform.T - corners @ sform.T, axis=1)
    reach = np.linalg.norm((corners - corners[0]) @ sform.T, axis=1)  # mm from voxel 0
    if np.all(gaps <= TOLERANCE_MM + TOLERANCE_RAD * reach):
        return
    apart = float(np.max(gaps))
    raise LoaderError(
        f"image {file}: its qform (code {qcode}, {_CODES.get(qcode, 'unknown')}) and sform "
        f"(code {scode}, {_CODES.get(scode, 'unknown')}) place the voxels differently, "
        f"up to {apart:.4g} mm apart at the image's corners (qform {_shown(qform)}, "
        f"sform {_shown(sform)}); readers differ in which one they use (nibabel the "
        "sform, SimpleITK the qform), so the grid is ambiguous: write the file again "
        "with one transform, e.g. in nibabel img.set_qform(img.get_sform()) if the sform "
        "is the right one"
    )


def unplaced(file: Path) -> str | None:
    """Why a NIfTI-1 file states no physical spacing, or None when it states one.

    A file with neither transform (qform_code and sform_code 0) and no spatial unit
    (``xyzt_units & 7`` 0, "unknown"), or with a ``pixdim`` that is not a positive number on
    an axis (0, negative, NaN: SimpleITK puts 1 in the place of a NaN), gives
    its voxel size in no unit: nibabel's ``Nifti1Image(array, None)`` writes pixdim 1 so,
    and every reader (nibabel, SimpleITK) then takes 1 mm.
    """
    head = _head(file)
    if len(head) < 348 or head[344:348] not in (b"n+1\x00", b"ni1\x00"):
        return None
    order = next((o for o in ("<", ">") if struct.unpack_from(o + "i", head, 0)[0] == 348),
                 None)
    if order is None:
        return None
    dim = struct.unpack_from(order + "8h", head, 40)
    pixdim = struct.unpack_from(order + "8f", head, 76)
    axes = min(max(int(dim[0]), 1), 3)
    sizes = [round(float(v), 6) for v in pixdim[1:axes + 1]]
    if any(not v > 0 for v in sizes):
        return (f"a NIfTI file whose pixdim {sizes} is not a voxel size (not a positive "
                "number on an axis)")
    qcode, scode = struct.unpack_from(order + "2h", head, 252)
    units = head[123] & 7
    if qcode <= 0 and scode <= 0 and units == 0:
        return ("a NIfTI file with neither a qform nor an sform (codes 0) and no spatial "
                f"unit (xyzt_units 0), so its pixdim {sizes} is in no unit (nibabel's "
                "Nifti1Image(array, None) writes 1)")
    return None


def _shown(affine: NDArray[np.float64]) -> str:
    return "[" + "; ".join(" ".join(f"{v:.4g}" for v in row) for row in affine) + "]"
