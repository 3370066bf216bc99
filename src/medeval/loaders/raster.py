"""PNG, JPEG, BMP and TIFF frames, read with Pillow: 2-D images without physical spacing.

Endoscopy and ultrasound frames (and their masks) arrive as raster files. A raster file is
recognised by its first bytes (:func:`medeval.loaders._files.sniff`), never by its name;
a name whose suffix says another raster format than the bytes (``frame.png`` holding a
JPEG) is refused, since a lossy file passed off as a lossless one is exactly what a mask
must not be.

Pixels, as :class:`~medeval.loaders.Image` ``(nz, ny, nx)`` or ``(nz, ny, nx, 3)``:

- greyscale: 8-bit -> uint8, 16-bit -> uint16, 32-bit integer -> int32, 32-bit float
  (TIFF) -> float32, 1-bit -> bool; shape ``(1, ny, nx)``.
- RGB stays RGB: uint8 ``(1, ny, nx, 3)``, channels last in R, G, B order. A TIFF in
  YCbCr is converted to RGB as JPEG defines it (Pillow's conversion).
- palette: expanded through its palette to RGB, or to grey uint8 when every colour used
  is grey. (A palette *mask* is read by index: :func:`medeval.loaders.read_mask`.)
- RGBA, LA, a palette with transparency: the alpha must be 255 (opaque) everywhere, and
  is then dropped. A transparent pixel has no colour of its own: compositing it on some
  background would make up values that an algorithm reading the file another way never
  sees, so any transparency is refused.
- refused, with the reason: 16 bits per colour channel (Pillow reduces them to 8 bits
  without a word), CMYK, LAB, HSV, and any other pixel type.
- a multi-page TIFF is a stack of frames ``(n_pages, ny, nx[, 3])``; every page must have
  the same size and pixel type. An animated PNG or a multi-picture JPEG is refused.

No spacing. ``spacing_mm`` is None: PNG's pHYs, JPEG's JFIF density and TIFF's resolution
tags are print resolutions (dots per inch) chosen by the writing software, not the size of
the anatomy, so they are not read as spacing. A protocol measuring distances on these
images declares ``pixel_spacing_mm`` or ``distance_unit = "px"`` (docs/images.md).

EXIF orientation. An image whose EXIF (or TIFF) Orientation is 2 to 8 is refused (a
value outside the standard's 1 to 8, such as 0 for "unknown", turns nothing in any
reader, and is read as 1).
Viewers and some libraries (OpenCV's ``imread``) show such a file turned, Pillow and
others give the stored pixels unturned; its mask, usually a PNG without EXIF, may have
been drawn on either. Applying the tag would misalign the image with a mask drawn on the
stored pixels, ignoring it would misalign it with a mask drawn on the displayed one, and
nothing in the files says which: both silently. Refusing makes the laboratory re-save the
image with the orientation applied (``PIL.ImageOps.exif_transpose``) and check its mask.

Nothing half-read. Pillow opens lazily; here every frame is decoded in full before
returning, a PNG is first verified (the checksum of every chunk, and its end chunk), and
whatever Pillow raises (a truncated file, a broken data stream, a decompression bomb) or
warns (an image above ``PIL.Image.MAX_IMAGE_PIXELS``, corrupt EXIF data) during the read
is a :class:`~medeval.errors.LoaderError` naming the file. While
``PIL.ImageFile.LOAD_TRUNCATED_IMAGES`` is set, Pillow fills a truncated file with grey
without a word, so every read is refused then. Warnings are caught with
:func:`warnings.catch_warnings`, which is process-wide: a Pillow warning that another
thread causes during a read is taken as this read's.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import LoaderError
from ._files import RASTER_FORMATS, regular_file, sniff
from ._records import Image

__all__ = ["read_raster"]

#: What Pillow calls each format (``Image.open(..., formats=[...])``).
PILLOW_NAMES = {"png": "PNG", "jpeg": "JPEG", "bmp": "BMP", "tiff": "TIFF"}
#: The suffixes that name a raster format.
SUFFIXES = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".jpe": "jpeg", ".jfif": "jpeg",
            ".bmp": "bmp", ".dib": "bmp", ".tif": "tiff", ".tiff": "tiff"}
_ORIENTATION = 0x0112
_TURNS = {2: "mirrored left-right", 3: "rotated 180°", 4: "mirrored top-bottom",
          5: "mirrored and rotated 90°", 6: "rotated 90° clockwise",
          7: "mirrored and rotated 270°", 8: "rotated 90° counter-clockwise"}
_GREY = {"1": np.bool_, "L": np.uint8, "I;16": np.uint16, "I;16L": np.uint16,
         "I;16B": np.uint16, "I;16N": np.uint16, "I": np.int32, "F": np.float32}

#: Turns one decoded Pillow frame into its array (or raises naming the file).
Convert = Callable[[Any, Path, str], NDArray[Any]]


def read_raster(path: str | os.PathLike[str], *, what: str = "image") -> Image:
    """Read a PNG, JPEG, BMP or TIFF file as an :class:`~medeval.loaders.Image`.

    Parameters
    ----------
    path : path
        The file; its format is told by its first bytes.
    what : str
        How messages name the file (``"image"``, ``"mask"``).

    Returns
    -------
    Image
        ``(nz, ny, nx)`` or ``(nz, ny, nx, 3)`` (RGB), ``nz`` 1 except for a multi-page
        TIFF; ``spacing_mm`` None; ``metadata``: ``format`` (``"png"``, ``"jpeg"``,
        ``"bmp"``, ``"tiff"``), ``source``, ``pillow_mode`` (of the file, before
        conversion), ``frames`` and ``geometry`` ``"absent"``.

    Raises
    ------
    LoaderError
        Missing, empty, not a raster file, named with another format's suffix, truncated
        or corrupt, of a refused pixel type or transparency, with an EXIF orientation
        other than 1 (see the module docstring). The message names the file.

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np
    >>> from PIL import Image as PILImage
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "frame.png"
    >>> PILImage.fromarray(np.zeros((2, 3, 3), dtype=np.uint8)).save(path)
    >>> image = read_raster(path)
    >>> image.shape, image.spacing_mm, image.metadata["format"]
    ((1, 2, 3, 3), None, 'png')
    """
    file = regular_file(path, what=what)
    fmt = raster_format(file, what=what)
    frames, mode = decode_frames(file, fmt, what=what, convert=_pixels)
    return Image(frames, spacing_mm=None, metadata={
        "format": fmt, "source": str(file), "pillow_mode": mode,
        "frames": int(frames.shape[0]), "geometry": "absent",
    })


def raster_format(file: Path, *, what: str) -> str:
    """The raster format of ``file`` by its bytes; raise if it has none, is empty, or its
    suffix names another raster format."""
    if file.stat().st_size == 0:
        raise LoaderError(f"{what} {file}: is empty (0 bytes): truncated, or never "
                          "written; copy it again")
    found = sniff(file)
    named = SUFFIXES.get(file.suffix.lower())
    if found in RASTER_FORMATS and named in (None, found):
        return found
    with open(file, "rb") as handle:
        first = handle.read(16)
    bytes_are = (f"a {PILLOW_NAMES[found]} file" if found in RASTER_FORMATS else
                 f"not a PNG, JPEG, BMP or TIFF file (format found: {found}, first bytes "
                 f"{first!r})")
    said = f"its name says {PILLOW_NAMES[named]} but its bytes are " if named else ""
    raise LoaderError(f"{what} {file}: {said}{bytes_are}; check that the path names the "
                      "file meant, and convert or rename it so that name and content agree")


def decode_frames(file: Path, fmt: str, *, what: str,
                  convert: Convert) -> tuple[NDArray[Any], str]:
    """Decode every frame of ``file`` in full with Pillow, each through ``convert``.

    Returns the frames stacked ``(n, ny, nx[, c])`` and the Pillow mode of the first.
    Everything Pillow raises or warns is a LoaderError naming the file (the module
    docstring says why).
    """
    from PIL import Image as PILImage
    from PIL import ImageFile

    if ImageFile.LOAD_TRUNCATED_IMAGES:
        raise LoaderError(
            f"{what} {file}: not read while PIL.ImageFile.LOAD_TRUNCATED_IMAGES is True (set "
            "in this process), under which Pillow reads a truncated file as complete; set "
            "it back to False"
        )
    names = [PILLOW_NAMES[fmt]]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if fmt == "png":
                with PILImage.open(file, formats=names) as image:
                    image.verify()
            with PILImage.open(file, formats=names) as image:
                frames, mode = _frames(image, file, fmt, what, convert)
        except LoaderError:
            raise
        except Exception as exc:  # Pillow's parsers raise many kinds on a damaged file
            raise LoaderError(
                f"{what} {file}: Pillow cannot decode it as {names[0]} ({type(exc).__name__}:"
                f" {exc}); the file is truncated, corrupt or too large to read safely"
            ) from None
    _pillow_warnings(caught, file, what)
    return frames, mode


def _frames(image: Any, file: Path, fmt: str, what: str,
            convert: Convert) -> tuple[NDArray[Any], str]:
    count = int(getattr(image, "n_frames", 1))
    if count > 1 and fmt != "tiff":
        raise LoaderError(
            f"{what} {file}: holds {count} frames (an animated PNG or a multi-picture "
            "JPEG); medeval reads one frame per file of these formats: save each frame "
            "as a file of its own"
        )
    mode = str(image.mode)
    arrays = []
    for index in range(count):
        image.seek(index)
        check_orientation(image, file, fmt, what, index)
        _check_bit_depth(image, file, fmt, what)
        image.load()
        arrays.append(convert(image, file, what))
    first = arrays[0]
    odd = [f"page {i + 1}: {a.shape} {a.dtype}" for i, a in enumerate(arrays)
           if a.shape != first.shape or a.dtype != first.dtype]
    if odd:
        raise LoaderError(
            f"{what} {file}: its pages differ from page 1 ({first.shape} {first.dtype}): "
            f"{'; '.join(odd[:5])}; a multi-page TIFF is read as a stack of equal frames "
            "(a pyramid or a thumbnail page is not one)"
        )
    return np.stack(arrays), mode


def check_orientation(image: Any, file: Path, fmt: str, what: str, index: int) -> None:
    if fmt == "tiff":
        value = image.tag_v2.get(_ORIENTATION, 1)
    else:
        value = image.getexif().get(_ORIENTATION, 1)
    if value not in _TURNS:  # 1, or a value outside the standard's 1 to 8 (0 "unknown"),
        return               # which no reader turns (Pillow's exif_transpose, OpenCV)
    page = f" (page {index + 1})" if index else ""
    raise LoaderError(
        f"{what} {file}: its EXIF orientation{page} is {value} "
        f"({_TURNS[value]}): viewers show it turned, while its "
        "stored pixels and a mask drawn on either may not be, and nothing says which; "
        "medeval does not guess. Re-save the image with the orientation applied "
        "(PIL.ImageOps.exif_transpose) and check that its mask fits the turned image"
    )


def _check_bit_depth(image: Any, file: Path, fmt: str, what: str) -> None:
    """Refuse 16 bits per colour channel, which Pillow reads as 8 bits without a word."""
    deep = False
    if fmt == "png":
        with open(file, "rb") as handle:
            head = handle.read(26)  # IHDR: bit depth at byte 24, colour type at byte 25
        deep = head[24] == 16 and head[25] in (2, 4, 6)
    elif fmt == "tiff":
        bits = image.tag_v2.get(258, (1,))
        samples = int(image.tag_v2.get(277, 1))
        bits = bits if isinstance(bits, tuple) else (bits,)
        deep = samples > 1 and max(int(b) for b in bits) > 8
    if deep:
        raise LoaderError(
            f"{what} {file}: has more than 8 bits per colour channel, which Pillow reduces "
            "to 8 bits; convert it to 8-bit colour, or to 16-bit greyscale if the "
            "precision is needed"
        )


def _pixels(image: Any, file: Path, what: str) -> NDArray[Any]:
    """One decoded frame as the module docstring says: grey, RGB, or refused."""
    mode = image.mode
    if mode in _GREY:
        levels: NDArray[Any] = np.asarray(image).astype(_GREY[mode], copy=False)
        _colour_key(levels, image.info.get("transparency"), file, what, channels=False)
        return levels
    if mode in ("RGB", "YCbCr"):
        colour: NDArray[Any] = np.asarray(image.convert("RGB") if mode == "YCbCr" else image)
        _colour_key(colour, image.info.get("transparency"), file, what, channels=True)
        return colour
    if mode in ("RGBA", "RGBX", "LA", "PA", "P"):
        if mode == "P" and "transparency" not in image.info:
            rgb = np.asarray(image.convert("RGB"))
        else:
            rgba = np.asarray(image if mode in ("RGBA", "RGBX", "LA") else
                              image.convert("RGBA"))
            opaque(rgba[..., -1], file, what, skip=mode == "RGBX")
            rgb = rgba[..., :-1]
        if mode == "LA":
            return rgb[..., 0]
        grey = mode in ("P", "PA") and bool(np.all(rgb == rgb[..., :1]))
        return rgb[..., 0].copy() if grey else rgb
    raise LoaderError(
        f"{what} {file}: its pixels are {mode} (Pillow's mode), which medeval does not "
        "convert; save it as greyscale or RGB (CMYK and other colour spaces need a "
        "colour-managed conversion)"
    )


def _colour_key(array: NDArray[Any], key: Any, file: Path, what: str, *,
                channels: bool) -> None:
    """Refuse pixels a transparent colour key (PNG's tRNS on a grey or RGB image) makes
    transparent: transparency as an alpha channel is (see :func:`opaque`)."""
    if key is None or isinstance(key, bytes):  # bytes: a palette's table, not a key
        return
    hit = (np.all(array == np.asarray(key), axis=-1) if channels
           else array == key)
    count = int(np.count_nonzero(hit))
    if count:
        raise LoaderError(
            f"{what} {file}: declares the colour {key!r} transparent (a PNG tRNS key), "
            f"which {count} pixel(s) hold; a transparent pixel has no value of its own, so "
            "medeval does not composite it: save the image without transparency"
        )


def opaque(alpha: NDArray[Any], file: Path, what: str, *, skip: bool = False) -> None:
    """Raise unless every alpha value is 255 (the image is fully opaque)."""
    if skip or bool(np.all(alpha == 255)):
        return
    count = int(np.count_nonzero(alpha != 255))
    raise LoaderError(
        f"{what} {file}: has an alpha channel with {count} pixel(s) not fully opaque; a "
        "transparent pixel has no value of its own, so medeval does not composite it: "
        "save the image without transparency (RGB or greyscale)"
    )


def _pillow_warnings(caught: list[warnings.WarningMessage], file: Path, what: str) -> None:
    """Pillow's warnings during a read are refusals; anything else is passed on as it was."""
    mine = [w for w in caught if f"{os.sep}PIL{os.sep}" in w.filename]
    for w in caught:
        if w not in mine:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if mine:
        texts = "; ".join(f"{w.category.__name__}: {w.message}" for w in mine)
        raise LoaderError(
            f"{what} {file}: Pillow warned while reading it ({texts}); medeval does not "
            "use an image read with warnings: repair or re-export the file (for an image "
            "above PIL.Image.MAX_IMAGE_PIXELS, raise that limit if the size is expected)"
        )
