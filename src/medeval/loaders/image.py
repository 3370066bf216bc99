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

import contextlib
import os
import re
import sys
import threading
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import LoaderError
from ._files import regular_file, sniff
from ._metaimage import check_metaimage
from ._nifti import check_complete
from ._nrrd import check_nrrd

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
    :mod:`medeval.loaders._nifti`). A truncated file raises LoaderError. MetaImage and
    NRRD files are checked the same way against their own headers (SimpleITK reads a
    corrupt compressed MetaImage as wrong voxels without an error), and a missing data
    file of a ``.mhd`` / ``.nhdr`` is named (see :mod:`medeval.loaders._metaimage`,
    :mod:`medeval.loaders._nrrd`).

    What ITK sends to its output window during the read (its warnings, such as "unexpected
    scales in sform" before it refuses a sheared NIfTI) is kept off the terminal: on a
    failure it is part of the LoaderError's message, on success it is issued as a Python
    ``UserWarning`` naming the file. See :func:`_itk_messages` for how the user's own
    ITK logger is left as it was. MetaIO and niftilib write some failures straight to the
    process's standard error, past ITK's output window; those cannot be caught here.
    """
    import SimpleITK as sitk

    file = regular_file(path, what="image")
    version = check_complete(file)
    _check_data(file)
    failure: RuntimeError | None = None
    with _itk_messages() as messages:
        try:
            itk: Any = sitk.ReadImage(str(file))
        except RuntimeError as exc:
            failure = exc
    if failure is not None:
        if version == 2:
            version_of: Any = sitk.Version
            raise LoaderError(
                f"image {file}: a NIfTI-2 file, which this SimpleITK "
                f"({version_of.VersionString()}, ITK {version_of.ITKVersionString()}) "
                "cannot read; convert it to NIfTI-1 (e.g. with nibabel: "
                "Nifti1Image.from_image), MetaImage or NRRD"
            ) from None
        reasons = [*(_itk_text(text) for text in messages), _first_line(failure)]
        raise LoaderError(
            f"image {file}: SimpleITK cannot read it ({'; '.join(filter(None, reasons))}); "
            "the file may be truncated, corrupt or its data file missing"
        ) from None
    for text in messages:
        warnings.warn(f"image {file}: SimpleITK: {_itk_text(text)}", UserWarning, stacklevel=2)
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


def _check_data(file: Path) -> None:
    """Check a MetaImage or NRRD file (and its data file) against its header.

    NRRD is recognised by its magic, as ITK's NrrdImageIO does; MetaImage by its first
    key or by the name ``.mha`` / ``.mhd`` (MetaImageIO goes by the name).
    """
    with open(file, "rb") as handle:
        head = handle.read(16)
    if head.startswith(b"NRRD"):
        check_nrrd(file)
    elif file.suffix.lower() in (".mha", ".mhd") or head.lstrip().startswith(
        (b"ObjectType", b"NDims")
    ):
        check_metaimage(file)


def _triple(values: Any, name: str) -> tuple[float, float, float]:
    items = tuple(float(v) for v in values)
    if len(items) != 3:
        raise LoaderError(f"Image: {name} must have 3 values (z, y, x), got {values!r}")
    return (items[0], items[1], items[2])


def _first_line(exc: BaseException) -> str:
    """The line of a SimpleITK exception that says what failed (its last), made readable.

    ITK's location and object address are dropped (``"ITK ERROR: NiftiImageIO(0x55d0): "``).
    A last line ``"Reason: ..."`` (the C library's last error) is kept after the line it
    qualifies, except after MetaImageIO's "File cannot be read": there it is a stale
    ``errno`` ("No such file or directory" for a file that exists and is merely cut or
    unparsable) while MetaIO prints the real reason on standard error, so it is dropped.
    """
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    last = lines[-1:]
    if len(lines) > 1 and lines[-1].startswith("Reason:"):
        stale = "MetaImageIO" in lines[-2]
        last = [lines[-2], "(MetaIO prints the reason on standard error)" if stale else lines[-1]]
    return " ".join(_ITK_OBJECT.sub("", line.removeprefix("ITK ERROR: ")) for line in last)


def _itk_text(text: str) -> str:
    """An ITK output-window text without its source location and object address.

    ``"WARNING: In /build/itkNiftiImageIO.cxx, line 2008\\nNiftiImageIO (0x55d0): a.nii has
    unexpected scales in sform\\n\\n"`` becomes ``"a.nii has unexpected scales in sform"``.
    """
    lines = [line.strip() for line in text.splitlines()]
    kept = [_ITK_OBJECT.sub("", line) for line in lines if line and not _ITK_WHERE.match(line)]
    return " ".join(kept)


_ITK_WHERE = re.compile(r"^(WARNING|ERROR|Debug): In .*, line \d+$")
_ITK_OBJECT = re.compile(r"^\w+ ?\(0x[0-9a-fA-F]+\): ")


class _ItkRoute:
    """Where ITK's output window goes while medeval reads (shared by all threads).

    ``readers`` maps the id of each thread inside :func:`_itk_messages` to the list its
    texts are collected in; ``previous`` is the logger that was installed before (the
    user's, or SimpleITK's default that prints to standard error), to which the texts of
    every other thread are passed on unchanged.
    """

    lock = threading.Lock()
    readers: dict[int, list[str]] = {}
    depth = 0
    previous: Any = None
    logger: Any = None  # the one capturing logger (a SimpleITK LoggerBase), made once


def _route(method: str, text: str) -> None:
    collected = _ItkRoute.readers.get(threading.get_ident())
    if collected is not None:
        collected.append(text)
        return
    previous = _ItkRoute.previous
    if previous is not None:
        getattr(previous, method)(text)
    else:  # restored by another thread meanwhile: print as ITK's default would
        sys.stderr.write(text)


def _capturing_logger() -> Any:
    import SimpleITK as sitk

    base: Any = sitk.LoggerBase

    class _Capture(base):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()

        def DisplayText(self, text: str) -> None:  # noqa: N802 (SimpleITK's names)
            _route("DisplayText", text)

        def DisplayErrorText(self, text: str) -> None:  # noqa: N802
            _route("DisplayErrorText", text)

        def DisplayWarningText(self, text: str) -> None:  # noqa: N802
            _route("DisplayWarningText", text)

        def DisplayGenericOutputText(self, text: str) -> None:  # noqa: N802
            _route("DisplayGenericOutputText", text)

        def DisplayDebugText(self, text: str) -> None:  # noqa: N802
            _route("DisplayDebugText", text)

    return _Capture()


@contextlib.contextmanager
def _itk_messages() -> Iterator[list[str]]:
    """Collect what ITK sends to its output window from this thread, for the block's time.

    SimpleITK's documented hook is used: a ``LoggerBase`` set with
    ``SetAsGlobalITKLogger``, which returns the logger it replaces. The first thread to
    enter installs it and the last to leave puts the previous one back, so concurrent
    reads in several threads neither lose nor leak the setting; texts from threads that
    are not reading through medeval meanwhile go on to the previous logger as before.
    (A logger the user installs from another thread during a read is replaced when the
    last read ends.)
    """
    collected: list[str] = []
    ident = threading.get_ident()
    with _ItkRoute.lock:
        outer = _ItkRoute.readers.get(ident)
        if _ItkRoute.depth == 0:
            if _ItkRoute.logger is None:
                _ItkRoute.logger = _capturing_logger()
            _ItkRoute.previous = _ItkRoute.logger.SetAsGlobalITKLogger()
        _ItkRoute.depth += 1
        _ItkRoute.readers[ident] = collected
    try:
        yield collected
    finally:
        with _ItkRoute.lock:
            if outer is None:
                del _ItkRoute.readers[ident]
            else:
                _ItkRoute.readers[ident] = outer
            _ItkRoute.depth -= 1
            if _ItkRoute.depth == 0:
                previous, _ItkRoute.previous = _ItkRoute.previous, None
                previous.SetAsGlobalITKLogger()
