"""NIfTI, MetaImage and NRRD files, read with SimpleITK and reordered to (z, y, x).

Before SimpleITK opens a file, the file is checked against its own header (see
:mod:`~medeval.loaders._nifti`, :mod:`~medeval.loaders._metaimage`,
:mod:`~medeval.loaders._nrrd`): SimpleITK reads a file cut short, or a corrupt compressed
one, as an image of made-up voxels without an error. What ITK writes to its output window
during a read is caught (see :func:`_itk_messages`). SimpleITK itself is imported on first
use.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import LoaderError
from ._files import regular_file
from ._metaimage import check_metaimage
from ._nifti import check_complete
from ._nifti_forms import check_forms, unplaced
from ._nifti_nan import nan_voxels
from ._nrrd import check_nrrd
from ._payload import GZIP_MAGIC
from ._records import Image

__all__ = ["DIRECTION_TOLERANCE", "read_itk_grid", "read_itk_image"]


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

    A NIfTI-1 file whose qform and sform both are set but place the voxels at different
    points (nibabel reads the sform, SimpleITK the qform) raises LoaderError naming both
    (see :mod:`medeval.loaders._nifti_forms`). One with neither transform and no spatial
    unit, or a pixdim of 0 (an NRRD without space directions or spacings, a MetaImage
    without ElementSpacing or ElementSize), is read with SimpleITK's spacing (1) but
    ``metadata["spacing_source"]`` is ``"absent"`` and ``"spacing_note"`` says why, as
    for a DICOM file without a pixel spacing: a task measuring in mm refuses it.
    """
    import SimpleITK as sitk

    file = regular_file(path, what="image")
    version = check_complete(file)
    if version == 1:
        check_forms(file)
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
        said = "; ".join(filter(None, reasons))
        raise LoaderError(
            f"image {file}: SimpleITK cannot read it ({said}); " + (
                _SHEARED if "orthonormal" in said else _GZIP_NAMED if _gzip_named(file)
                else "the file may be truncated, corrupt or its data file missing")
        ) from None
    for text in messages:
        warnings.warn(f"image {file}: SimpleITK: {_itk_text(text)}", UserWarning, stacklevel=2)
    dim = itk.GetDimension()
    if dim not in (2, 3):
        raise LoaderError(_not_2d_or_3d(file, itk.GetSize()))
    _check_orthonormal(file, itk.GetDirection(), dim)
    spacing = list(itk.GetSpacing())[::-1]
    origin = list(itk.GetOrigin())[::-1]
    matrix = np.asarray(itk.GetDirection(), dtype=np.float64).reshape(dim, dim)[::-1, ::-1]
    array = sitk.GetArrayFromImage(itk)
    del itk  # its voxels, a second copy of the volume, freed before NaN are looked for
    if version == 1 and array.dtype.kind == "f" and array.ndim == dim:
        _keep_nan(file, array)
    if dim == 2:
        array = array[np.newaxis]
        spacing, origin = [1.0, *spacing], [0.0, *origin]
        full = np.eye(3)
        full[1:, 1:] = matrix
        matrix = full
    metadata: dict[str, Any] = {"format": "itk", "source": str(file), "geometry": "file"}
    note = unplaced(file) if version == 1 else _no_spacing(file)
    if note is not None:  # SimpleITK says 1 mm (or pixdim) all the same
        metadata.update(spacing_source="absent", spacing_note=note)
    return Image(
        array=array,
        spacing_mm=(spacing[0], spacing[1], spacing[2]),
        origin_mm=(origin[0], origin[1], origin[2]),
        direction=matrix,
        metadata=metadata,
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


def read_itk_grid(path: str | os.PathLike[str]) -> Image:
    """The grid of a NIfTI, MetaImage or NRRD file as :func:`read_itk_image` gives it
    (shape, spacing, origin, direction; a NIfTI's qform and sform checked), from its
    header alone: the array is zeros of the grid's shape that take no memory
    (``np.broadcast_to``). For placing a DICOM SEG on the volume it was drawn on.

    Raises
    ------
    LoaderError
        SimpleITK cannot read the header; the qform and sform disagree; not 2-D or 3-D.
    """
    import SimpleITK as sitk

    file = regular_file(path, what="image")
    check_forms(file)
    make_reader: Any = sitk.ImageFileReader  # SimpleITK has no type hints
    reader: Any = make_reader()
    reader.SetFileName(str(file))
    failure: RuntimeError | None = None
    with _itk_messages() as messages:
        try:
            reader.ReadImageInformation()
        except RuntimeError as exc:
            failure = exc
    if failure is not None:
        reasons = [*(_itk_text(text) for text in messages), _first_line(failure)]
        raise LoaderError(f"image {file}: SimpleITK cannot read its header "
                          f"({'; '.join(filter(None, reasons))})") from None
    dim = reader.GetDimension()
    if dim not in (2, 3):
        raise LoaderError(_not_2d_or_3d(file, reader.GetSize()))
    _check_orthonormal(file, reader.GetDirection(), dim)
    size = list(reader.GetSize())[::-1]
    spacing = list(reader.GetSpacing())[::-1]
    origin = list(reader.GetOrigin())[::-1]
    matrix = np.asarray(reader.GetDirection(), dtype=np.float64).reshape(dim, dim)[::-1, ::-1]
    if dim == 2:
        size, spacing, origin = [1, *size], [1.0, *spacing], [0.0, *origin]
        full = np.eye(3)
        full[1:, 1:] = matrix
        matrix = full
    array = np.broadcast_to(np.zeros((), np.uint8), tuple(int(n) for n in size))
    return Image(array=array, spacing_mm=(spacing[0], spacing[1], spacing[2]),
                 origin_mm=(origin[0], origin[1], origin[2]), direction=matrix,
                 metadata={"format": "itk", "source": str(file), "geometry": "file"})


_SHEARED = ("its axes are not at right angles (a sheared transform: a CT series with a "
            "gantry tilt converted without resampling, or an affine edited by hand), which "
            "no grid of medeval or SimpleITK can hold; resample it onto an orthogonal grid "
            "first (nibabel reads it: nibabel.processing.resample_from_to)")


_GZIP_NAMED = ("it is gzip-compressed but its name does not end in .gz, and readers go "
               "by the name: name it .nii.gz, or write it uncompressed")


def _keep_nan(file: Path, array: NDArray[Any]) -> None:
    """Put back, in ``array`` (SimpleITK's, (z, y, x)), the NaN voxels of a float NIfTI-1
    file, which SimpleITK (ITK 5.4) reads as 0: a float mask's NaN voxels were scored,
    unsaid, as background, where the task refuses a NaN it sees
    (:mod:`medeval.loaders._nifti_nan`: a second reading, of float files only)."""
    nan = nan_voxels(file, array.size)
    if nan is not None:
        np.put(array, nan, np.nan)  # flat positions, in place


DIRECTION_TOLERANCE = 2e-3
"""How far a direction matrix ``M`` may be from a rotation: each entry of ``M Mᵀ`` within
this of the identity's. A rotation ``R`` written to 3 decimals, ``M = R + E`` with
``|E_ij| ≤ 5e-4``, gives ``M Mᵀ − I = R Eᵀ + E Rᵀ + E Eᵀ``, each entry at most
``2 · 5e-4 · √3 + 3 · (5e-4)² ≈ 1.733e-3`` (a row of ``R`` has unit length, so its
entries sum to at most √3 in absolute value); over 20,000 random rotations (scipy) the
largest was 1.68e-3, and 22 % of them were above 1e-3, the tolerance before. 2 decimals
(up to 1.7e-2) are refused. A matrix within 2e-3 (in 3-D: ``M Mᵀ``, so ``Mᵀ M``, within
3 · 2e-3 of ``I`` in norm) stretches a length by at most 0.3 % and turns the angle between
two axes by at most about 6e-3 rad (0.35 degrees); a gantry tilt of 1 degree (1.7e-2) or
a voxel size written into the direction is far above it. ITK reads a MetaImage's or an NRRD's matrix
as it stands (only a singular one is refused), and takes a NIfTI's sform only within
about 1.3e-4 of orthogonal (3 decimals can fail it: "No orthonormal definition found"),
its qform being a rotation by construction; nibabel keeps any sform and makes a qform
orthogonal without a word."""


def _check_orthonormal(file: Path, direction: tuple[float, ...], dim: int) -> None:
    """Refuse a direction whose axes are not unit vectors at right angles. ITK refuses
    such a NIfTI (:data:`_SHEARED`), but reads a MetaImage's ``TransformMatrix = 1 0.3 0
    ...`` (or ``2 0 0 ...``) as it stands, and the distances measured on that grid were
    wrong without a word.

    >>> _check_orthonormal(Path("a.mha"), (1.0, 0.0, 0.0, 1.0), 2)
    >>> try:
    ...     _check_orthonormal(Path("a.mha"), (1.0, 0.3, 0.0, 1.0), 2)
    ... except LoaderError as exc:
    ...     print(str(exc)[:73])
    image a.mha: its direction [[1, 0.3], [0, 1]] (SimpleITK's matrix, row by
    """
    matrix = np.asarray(direction, dtype=np.float64).reshape(dim, dim)
    if np.allclose(matrix @ matrix.T, np.eye(dim), rtol=0.0, atol=DIRECTION_TOLERANCE):
        return
    shown = "[" + ", ".join("[" + ", ".join(f"{v:g}" for v in row) + "]"
                            for row in matrix.tolist()) + "]"
    raise LoaderError(
        f"image {file}: its direction {shown} (SimpleITK's matrix, row by row) is not "
        "orthonormal: its axes are not at right angles or not of unit length (a sheared "
        "transform, or a voxel size written into the direction, where it belongs in the "
        "spacing), and medeval's distances take each axis at right angles to the others, "
        "a voxel its spacing long; write the direction as a rotation (to 3 decimals or "
        f"more: M M^T may differ from the identity by {DIRECTION_TOLERANCE:g}) and the "
        "voxel size as the spacing, or resample it onto an orthogonal grid first")


def _gzip_named(file: Path) -> bool:
    """Whether a file holds gzip data under a name without .gz (readers go by the name)."""
    with open(file, "rb") as handle:
        return handle.read(2) == GZIP_MAGIC and not file.name.lower().endswith(".gz")


def spacing_not_stated(path: str | os.PathLike[str]) -> str | None:
    """Why a NIfTI-1, MetaImage or NRRD file states no spacing, from its header alone
    (the ``spacing_note`` :func:`read_itk_image` gives it), or None when it states one."""
    file = Path(path)
    return unplaced(file) or _no_spacing(file)


def _no_spacing(file: Path) -> str | None:
    """Why a MetaImage or NRRD file states no spacing (ITK then takes 1 mm), or None."""
    from ._metaimage import read_header as metaimage_header
    from ._nrrd import read_header as nrrd_header

    with open(file, "rb") as handle:
        head = handle.read(16)
    if head.startswith(b"NRRD"):
        found = nrrd_header(file)
        if found is not None and not {"spacedirections", "spacings"} & set(found[0]):
            return "an NRRD file without space directions or spacings"
    elif file.suffix.lower() in (".mha", ".mhd") or head.lstrip().startswith(
        (b"ObjectType", b"NDims")
    ):
        meta = metaimage_header(file)
        if meta is not None and not {"ElementSpacing", "ElementSize"} & set(meta[0]):
            return "a MetaImage file without ElementSpacing or ElementSize"
    return None


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
    every other thread are passed on unchanged; it is kept after it is put back.
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
    else:  # pragma: no cover - the capturing logger is only ever installed after it is set
        sys.stderr.write(text)


def _global_logger() -> Any:
    import SimpleITK as sitk

    return sitk.LoggerBase.GetGlobalITKLogger()  # type: ignore[no-untyped-call]


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
            # known before the swap, so that another thread's text sent through the
            # capturing logger while the swap returns already finds where to go
            _ItkRoute.previous = _global_logger()
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
                # put it back, and keep it as where other threads' texts go: a text that
                # ITK handed to the capturing logger just before the swap may reach
                # _route after it (forgetting it here sent such a text to stderr, about
                # 1 run in 30 of the threaded-logger test under load)
                _ItkRoute.previous.SetAsGlobalITKLogger()


def _not_2d_or_3d(file: object, size: tuple[int, ...]) -> str:
    """Why an image of other than 2 or 3 dimensions is refused. A one-hot mask or one
    probability per class written by nibabel, (x, y, z, classes), is a 4-D NIfTI: said
    so, not only as a series to split."""
    extra = (f"; a segmentation mask holds one label per voxel: {size[3]} values along "
             "the 4th axis may be one-hot labels or a probability per class, write the "
             "class of each voxel (argmax)" if len(size) == 4 else "")
    return (f"image {file}: has {len(size)} dimensions; medeval reads 2-D and 3-D images "
            f"only (split a 4-D series into 3-D volumes{extra})")
