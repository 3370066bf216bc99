"""The raster frames of a case against the size its reference states (private).

A 2-D reference (a mask image, a COCO or LabelMe annotation) holds coordinates of one
picture; a frame of another size, or one stored turned (an EXIF orientation), is not the
picture it was drawn on. Both tasks of 2-D frames check each raster input's header here,
nothing decoded.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import LoaderError

__all__ = ["RASTER", "mismatched_frame", "raster_size"]

#: Formats read as raster frames (what :func:`medeval.loaders._files.sniff` names them).
RASTER = frozenset({"png", "jpeg", "bmp", "tiff"})


def raster_size(path: Path) -> tuple[int, int]:
    """Rows and columns of a raster file from its header (nothing decoded).

    Raises
    ------
    OSError
        The header cannot be read.
    LoaderError
        The file states an EXIF (or TIFF) orientation other than 1: its rows and columns
        are not the ones a viewer, an annotation tool or the algorithm may use.
    """
    from PIL import Image as PILImage

    from ..loaders.raster import check_orientation

    try:
        with PILImage.open(path) as image:
            width, height = image.size
            check_orientation(image, path, "tiff" if image.format == "TIFF" else "",
                              "frame", 0)
    except (OSError, LoaderError):
        raise
    except Exception as exc:  # Pillow's parsers raise many kinds on a damaged header
        raise OSError(f"Pillow cannot read its header: {exc}") from None
    return int(height), int(width)


def mismatched_frame(
    root: Path, inputs: tuple[str, ...], size: tuple[int, int]
) -> tuple[str, tuple[int, int]] | None:
    """The first raster input (its name and rows x columns) whose size is not ``size``.

    Inputs that are not raster files, or whose header cannot be read, are skipped: the
    manifest's own checks name an unreadable input.

    Raises
    ------
    LoaderError
        A frame stored turned (EXIF orientation): which way was the reference drawn?
    """
    from ..loaders._files import sniff

    for name in inputs:
        frame = root / name
        try:
            if not frame.is_file() or str(sniff(frame)) not in RASTER:
                continue
            found = raster_size(frame)
        except OSError:
            continue
        if found != size:
            return name, found
    return None
