"""The ``Image`` record and ``read_image``: DICOM (file or series), NIfTI, MetaImage, NRRD.

Everything is in the array's axis order. An image of ``nz`` slices of ``ny`` rows and
``nx`` columns has ``array.shape == (nz, ny, nx)`` (a colour image adds a last axis of 3),
``spacing_mm == (dz, dy, dx)``, ``origin_mm`` the centre of voxel ``[0, 0, 0]`` as
``(z, y, x)`` patient coordinates (DICOM LPS, reversed), and ``direction`` the 3 × 3
matrix whose column ``j`` is the unit vector of array axis ``j`` in those same reversed
coordinates. So, for an index ``i = (k, j, i)``::

    point_zyx = origin_mm + direction @ (spacing_mm * index)

which is SimpleITK's ``TransformIndexToPhysicalPoint`` with every vector reversed
(SimpleITK orders vectors (x, y, z)).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import LoaderError
from ._files import regular_file, sniff
from ._nifti import check_complete

__all__ = ["Image", "read_image"]


@dataclass(frozen=True, eq=False)
class Image:
    """A 3-D image (or a stack of 2-D frames) with its geometry, all in (z, y, x) order.

    Attributes
    ----------
    array : numpy.ndarray
        Shape ``(nz, ny, nx)``, or ``(nz, ny, nx, 3)`` for colour. A single 2-D slice
        has ``nz == 1``. DICOM values have the modality rescale applied (CT in HU).
    spacing_mm : tuple of float
        ``(dz, dy, dx)``: distance between slice centres, between rows, between columns.
    origin_mm : tuple of float
        Centre of voxel ``[0, 0, 0]`` in patient coordinates, ``(z, y, x)``.
    direction : numpy.ndarray
        3 × 3; column ``j`` is the unit vector of array axis ``j`` in ``(z, y, x)``
        patient coordinates. The identity for an axial image in standard orientation.
    metadata : Mapping
        What matters for an evaluation, as available: ``format``, ``source``,
        ``modality``, ``manufacturer``, ``patient_id``, ``study_uid``, ``series_uid``,
        ``sop_instance_uids`` (in slice order), ``slice_thickness_mm``,
        ``frame_of_reference_uid``, ``transfer_syntax``, ``geometry`` (``"dicom"`` when
        positions came from the file, ``"absent"`` when the file had none and unit
        spacing was assumed).

    Examples
    --------
    >>> import numpy as np
    >>> image = Image(np.zeros((2, 3, 4)), spacing_mm=(2.5, 0.5, 0.5))
    >>> image.shape, image.spacing_mm, image.origin_mm
    ((2, 3, 4), (2.5, 0.5, 0.5), (0.0, 0.0, 0.0))
    >>> image.physical_point((1, 2, 3)).tolist()   # 1*2.5, 2*0.5, 3*0.5
    [2.5, 1.0, 1.5]
    """

    array: NDArray[Any]
    spacing_mm: tuple[float, float, float] = (1.0, 1.0, 1.0)
    origin_mm: tuple[float, float, float] = (0.0, 0.0, 0.0)
    direction: NDArray[np.float64] = field(default_factory=lambda: np.eye(3))
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        array = np.asarray(self.array)
        if array.ndim not in (3, 4):
            raise LoaderError(
                f"Image: array must be (z, y, x) or (z, y, x, channels), got shape "
                f"{array.shape}; add a leading axis of 1 for a single slice"
            )
        direction = np.array(self.direction, dtype=np.float64).reshape(3, 3)
        direction.setflags(write=False)
        object.__setattr__(self, "array", array)
        object.__setattr__(self, "spacing_mm", _triple(self.spacing_mm, "spacing_mm"))
        object.__setattr__(self, "origin_mm", _triple(self.origin_mm, "origin_mm"))
        object.__setattr__(self, "direction", direction)
        object.__setattr__(self, "metadata", dict(self.metadata))

    @property
    def shape(self) -> tuple[int, ...]:
        """The array's shape, ``(nz, ny, nx)`` (plus channels for colour)."""
        return tuple(self.array.shape)

    def physical_point(self, index: ArrayLike) -> NDArray[np.float64]:
        """Patient coordinates ``(z, y, x)`` in mm of the voxel centre at ``index``."""
        offset = np.asarray(self.spacing_mm) * np.asarray(index, dtype=np.float64)
        point: NDArray[np.float64] = np.asarray(self.origin_mm) + self.direction @ offset
        return point

    def __repr__(self) -> str:
        return (
            f"Image(shape={self.shape}, dtype={self.array.dtype}, spacing_mm="
            f"{self.spacing_mm}, origin_mm={self.origin_mm}, source="
            f"{self.metadata.get('source')!r})"
        )


def read_image(path: str | os.PathLike[str], *, series_uid: str | None = None) -> Image:
    """Read a DICOM file, a DICOM series directory, or a NIfTI / MetaImage / NRRD file.

    The format is recognised from the file's first bytes, not its name. A directory is
    read as one DICOM series, assembled by geometry (see
    :func:`medeval.loaders.dicom.read_dicom_series`).

    Parameters
    ----------
    path : path
        A file or a directory.
    series_uid : str, optional
        For a directory holding several series, the SeriesInstanceUID to read; for a
        file, the SeriesInstanceUID it must have.

    Returns
    -------
    Image
        Array, spacing, origin and direction in (z, y, x) order.

    Raises
    ------
    LoaderError
        The path is missing, not a regular file or directory, of no known image format,
        truncated or otherwise unreadable; a series is inconsistent (see
        ``read_dicom_series``). The message names the file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> bad = pathlib.Path(tempfile.mkdtemp()) / "notes.txt"
    >>> _ = bad.write_text("not an image")
    >>> read_image(bad)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    medeval.errors.LoaderError: image .../notes.txt: not a DICOM, NIfTI, MetaImage or NRRD file ...
    """
    from . import dicom

    where = Path(path)
    if where.is_dir():
        return dicom.read_dicom_series(where, series_uid=series_uid)
    file = regular_file(where, what="image")
    kind = sniff(file)
    if kind == "dicom":
        image = dicom.read_dicom_file(file)
        found = image.metadata.get("series_uid")
        if series_uid is not None and found != series_uid:
            raise LoaderError(
                f"image {file}: SeriesInstanceUID is {found}, not the requested {series_uid}"
            )
        return image
    if kind in ("nifti", "gzip", "nrrd", "metaimage"):
        return read_itk_image(file)
    check_complete(file)  # a NIfTI header cut short is not recognised: say it is truncated
    with open(file, "rb") as handle:
        first = handle.read(16)
    raise LoaderError(
        f"image {file}: not a DICOM, NIfTI, MetaImage or NRRD file (first bytes "
        f"{first!r}); check that the path names an image"
    )


def read_itk_image(path: str | os.PathLike[str]) -> Image:
    """Read a NIfTI, MetaImage or NRRD file with SimpleITK, reordered to (z, y, x).

    A 2-D image becomes one slice (``nz == 1``, z spacing 1 mm); vector pixels (RGB)
    become a last axis.

    SimpleITK reads a NIfTI file cut short, or a gzip stream cut short, as a full image
    with made-up voxels; so the file is first checked to hold every byte its header calls
    for, and a gzip stream to end with its end-of-stream marker (see
    :mod:`medeval.loaders._nifti`). A truncated file raises LoaderError.
    """
    import SimpleITK as sitk

    file = regular_file(path, what="image")
    check_complete(file)
    try:
        itk: Any = sitk.ReadImage(str(file))
    except RuntimeError as exc:
        raise LoaderError(
            f"image {file}: SimpleITK cannot read it ({_first_line(exc)}); the file may "
            "be truncated or its data file missing"
        ) from None
    dim = itk.GetDimension()
    if dim not in (2, 3):
        raise LoaderError(
            f"image {file}: has {dim} dimensions; medeval reads 2-D and 3-D images only "
            "(split a 4-D series into 3-D volumes)"
        )
    array = sitk.GetArrayFromImage(itk)
    spacing = list(itk.GetSpacing())[::-1]
    origin = list(itk.GetOrigin())[::-1]
    matrix = np.asarray(itk.GetDirection(), dtype=np.float64).reshape(dim, dim)[::-1, ::-1]
    if dim == 2:
        array = array[np.newaxis]
        spacing, origin = [1.0, *spacing], [0.0, *origin]
        full = np.eye(3)
        full[1:, 1:] = matrix
        matrix = full
    return Image(
        array=array,
        spacing_mm=(spacing[0], spacing[1], spacing[2]),
        origin_mm=(origin[0], origin[1], origin[2]),
        direction=matrix,
        metadata={"format": "itk", "source": str(file), "geometry": "file"},
    )


def _triple(values: Any, name: str) -> tuple[float, float, float]:
    items = tuple(float(v) for v in values)
    if len(items) != 3:
        raise LoaderError(f"Image: {name} must have 3 values (z, y, x), got {values!r}")
    return (items[0], items[1], items[2])


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[-1] if lines else type(exc).__name__
