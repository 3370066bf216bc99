"""``read_image``: a DICOM file or series, NIfTI, MetaImage, NRRD, PNG, JPEG, BMP or TIFF.

A dispatcher: it recognises the format and hands the path to its reader,
:mod:`~medeval.loaders.dicom` (pydicom), :mod:`~medeval.loaders.itk` (SimpleITK) or
:mod:`~medeval.loaders.raster` (Pillow, 2-D frames without physical spacing). The
:class:`~medeval.loaders.Image` record, with its (z, y, x) axis conventions, is defined in
:mod:`medeval.loaders._records` and importable from here as before
(``from medeval.loaders.image import Image``).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import LoaderError
from ._files import RASTER_FORMATS, regular_file, sniff
from ._nifti import check_complete
from ._records import Image
from .dicom import _dataset, dataset_image, read_dicom_series
from .itk import read_itk_image
from .raster import SUFFIXES, read_raster
from .seg import is_segmentation_dataset, read_label_map

__all__ = ["Image", "read_image"]


def read_image(path: str | os.PathLike[str], *, series_uid: str | None = None) -> Image:
    """Read a DICOM file or series directory, a NIfTI / MetaImage / NRRD file, or a PNG /
    JPEG / BMP / TIFF frame.

    The format is recognised from the file's first bytes, not its name; a file whose
    name has a raster suffix (``.png``, ``.jpg``, ``.bmp``, ``.tif`` ...) must hold that
    format. A directory is read as one DICOM series, assembled by geometry (see
    :func:`medeval.loaders.dicom.read_dicom_series`). A raster file is read by
    :func:`medeval.loaders.raster.read_raster`: RGB stays RGB, channels last
    (``(1, ny, nx, 3)``), and ``spacing_mm`` is None, since such a file states no
    physical spacing. A DICOM SEG file is read as a label map on the grid of its own
    frames (:meth:`medeval.loaders.seg.Segmentation.label_map`: each voxel holds its
    segment's SegmentNumber; FRACTIONAL segments thresholded at half their maximum),
    not as a stack of its frames, whose segments would share slice positions.

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
        Array, spacing (None for a raster file), origin and direction in (z, y, x) order.

    Raises
    ------
    LoaderError
        The path is missing, not a regular file or directory, empty, of no known image
        format, named with a raster suffix its bytes contradict, truncated or otherwise
        unreadable; a series is inconsistent (see ``read_dicom_series``); a raster file
        refused for its pixel type, transparency or EXIF orientation (see
        :mod:`medeval.loaders.raster`). The message names the file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> bad = pathlib.Path(tempfile.mkdtemp()) / "notes.txt"
    >>> _ = bad.write_text("not an image")
    >>> read_image(bad)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    medeval.errors.LoaderError: image .../notes.txt: not a DICOM, NIfTI, MetaImage or NRRD file, ...
    """
    where = Path(path)
    if where.is_dir():
        return read_dicom_series(where, series_uid=series_uid)
    file = regular_file(where, what="image")
    kind = sniff(file)
    if kind in RASTER_FORMATS or file.suffix.lower() in SUFFIXES:
        return read_raster(file)  # refused there: empty, or name and bytes disagree
    if kind == "dicom":
        from pydicom.errors import BytesLengthException

        dataset = _dataset(file)  # once: its SOP class, then its pixels
        try:
            image = (read_label_map(file) if is_segmentation_dataset(dataset)
                     else dataset_image(dataset, file))
        except (NotImplementedError, BytesLengthException) as exc:  # read late by pydicom
            raise LoaderError(  # an unknown VR, a value of a length its VR cannot have
                f"DICOM file {file}: an element cannot be read ({type(exc).__name__}: "
                f"{str(exc)[:160]}): the file is damaged; copy it again from its source, "
                "or have it exported again"
            ) from exc
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
        f"image {file}: not a DICOM, NIfTI, MetaImage or NRRD file, nor a PNG, JPEG, BMP or "
        f"TIFF (first bytes {first!r}); check that the path names an image"
    )


