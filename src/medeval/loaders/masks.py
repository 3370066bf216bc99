"""Mask images: a PNG, BMP, TIFF (or, thresholded, JPEG) file read as integer labels.

The laboratory's 2-D references are masks saved as images. :func:`read_mask` turns one
into an :class:`~medeval.loaders.Image` of integer labels on the file's grid (no physical
spacing, as every raster file; see :mod:`medeval.loaders.raster`, whose integrity checks
and EXIF refusal apply here too). The conventions:

- a binary mask holds 0 and 1, or 0 and 255 (255 becomes 1); a 1-bit file is 0 and 1;
- any other mask needs a ``label_map``: pixel value -> label id (for a palette image the
  pixel value is the palette *index*, not its colour; for a 16-bit mask the 16-bit value).
  A value in the file that the map does not list is a LoaderError naming the file and
  the values: nothing is guessed or dropped;
- a JPEG mask is refused unless a ``jpeg_threshold`` is given: JPEG compression smears
  a mask's edges into intermediate grey values (public polyp sets ship such masks), so the
  caller must say where foreground starts. The mask is then binary: 1 where the grey level
  (the mean of R, G and B for a colour JPEG) is at least the threshold, else 0;
- a colour (RGB) mask of a lossless format is read as grey when its three channels are
  equal, and refused otherwise (save colour-coded labels as a palette image with a label
  map); floating-point masks are refused.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import LoaderError
from ._files import regular_file
from ._records import Image
from .raster import Convert, decode_frames, opaque, raster_format

__all__ = ["decode_mask", "decoded_once", "read_lesion_mask", "read_mask"]

_SHOWN = 20  # values named in a message

#: Inside :func:`decoded_once`, the last mask decoded, by its file's identity (device,
#: inode, size, modification time) and decoding; None outside.
_kept: dict[tuple[object, ...], tuple[NDArray[Any], str]] | None = None


@contextmanager
def decoded_once() -> Iterator[None]:
    """Within it, a mask file decoded and then read again at once (unchanged: same
    device, inode, size and modification time) is decoded once: ``manifest check
    --read-files --protocol`` of a segmentation set checks each mask with
    :func:`decode_mask` and, straight after, as the task reads it with
    :func:`read_mask`, which took a quarter of its time decoding every mask twice. Only
    the last mask is kept, and handed out once; a file that fails is not kept."""
    global _kept
    outer, _kept = _kept, {}
    try:
        yield
    finally:
        _kept = outer


def _decoded(file: Path, fmt: str, convert: Convert) -> tuple[NDArray[Any], str]:
    """:func:`~medeval.loaders.raster.decode_frames` of a mask, or the one kept by
    :func:`decoded_once` of the same unchanged file."""
    if _kept is None:
        return decode_frames(file, fmt, what="mask", convert=convert)
    status = file.stat()
    key = (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, fmt, convert)
    found = _kept.pop(key, None)
    if found is not None:
        return found
    decoded = decode_frames(file, fmt, what="mask", convert=convert)
    _kept.clear()
    _kept[key] = decoded
    return decoded


def read_mask(
    path: str | os.PathLike[str],
    *,
    label_map: Mapping[int, int] | None = None,
    jpeg_threshold: float | None = None,
) -> Image:
    """Read a mask image (PNG, BMP, TIFF; JPEG with a threshold) as integer labels.

    Parameters
    ----------
    path : path
        The mask file; its format is told by its first bytes.
    label_map : mapping of int to int, optional
        Pixel value (grey level, palette index or 16-bit value) -> label id (0 is the
        background). Without it only a binary mask (0/1 or 0/255) is read. Not for a
        JPEG mask, which the threshold makes binary.
    jpeg_threshold : float, optional
        Required for a JPEG mask, ignored for any other: grey levels at or above it are
        foreground (1), below it background (0). In ``(0, 255]``.

    Returns
    -------
    Image
        uint8 labels (uint16 or int64 when a label id needs it), ``(nz, ny, nx)`` with
        ``nz`` 1 except for a multi-page TIFF; ``spacing_mm`` None; ``metadata`` as
        :func:`~medeval.loaders.raster.read_raster` gives, plus ``pixel_values`` (the
        distinct values in the file, at most 256 listed), ``label_map`` and
        ``jpeg_threshold`` as used.

    Raises
    ------
    LoaderError
        Every refusal of :func:`~medeval.loaders.raster.read_raster`; a JPEG without a
        threshold (or with a label map); a JPEG holding grey levels above 0 of which none
        reaches the threshold (the mask would be read as empty); values that are not a
        binary mask when no label map is given; values the label map does not list
        (named, with the file); a colour mask whose channels differ; floating-point
        values.

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np
    >>> from PIL import Image as PILImage
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "mask.png"
    >>> PILImage.fromarray(np.array([[0, 255], [255, 0]], dtype=np.uint8)).save(path)
    >>> read_mask(path).array[0].tolist()        # 255 is the foreground, label 1
    [[0, 1], [1, 0]]
    >>> read_mask(path, label_map={0: 0, 255: 3}).array[0].tolist()
    [[0, 3], [3, 0]]
    """
    file = regular_file(path, what="mask")
    fmt = raster_format(file, what="mask")
    table = _checked_map(label_map, file)
    lossy = "a JPEG" if fmt == "jpeg" else _jpeg_in_tiff(file) if fmt == "tiff" else None
    if lossy is not None:
        threshold = _checked_threshold(jpeg_threshold, table, file, lossy)
        grey, mode = _decoded(file, fmt, _grey_levels)
        values = distinct_values(grey)
        labels = (grey >= threshold).astype(np.uint8)
        _check_not_erased(labels, grey, threshold, mode, file)
    else:
        threshold = None
        raw, mode = _decoded(file, fmt, _raw_values)
        values = distinct_values(raw)
        labels = _labels(raw, values, table, file)
    return Image(labels, spacing_mm=None, metadata={
        "format": fmt, "source": str(file), "pillow_mode": mode,
        "frames": int(labels.shape[0]), "geometry": "absent",
        "pixel_values": values[:256].tolist(), "label_map": table,
        "jpeg_threshold": threshold,
    })


def decode_mask(path: str | os.PathLike[str]) -> None:
    """Decode a mask image in full as :func:`read_mask` does, before any label map or
    threshold: what the manifest's ``read_files`` check reads a mask reference with.

    Its stored values (grey levels, palette indices; a JPEG's grey levels) are decoded,
    never its colours, so a palette mask with a transparent background index passes as
    :func:`read_mask` reads it, while a damaged, turned, floating-point or colour-coded
    mask is refused as :func:`read_mask` refuses it whatever the protocol says.

    Raises
    ------
    LoaderError
        As :func:`read_mask`, except the refusals that depend on the label map or the
        JPEG threshold (which the task applies).
    """
    file = regular_file(path, what="mask")
    fmt = raster_format(file, what="mask")
    lossy = fmt == "jpeg" or (fmt == "tiff" and _jpeg_in_tiff(file) is not None)
    _decoded(file, fmt, _grey_levels if lossy else _raw_values)


def read_lesion_mask(path: str | os.PathLike[str]) -> Image:
    """Read a lesion mask image (PNG, BMP, TIFF) whose value ``k`` is lesion ``k``.

    The labelled mask of the ``detection`` task's ``inside`` criterion: the stored values
    (grey levels, palette indices, 16-bit values) are the lesions' numbers, 0 the
    background; a mask of 0 and 255 alone is one lesion (255 read as 1), as
    :func:`read_mask` reads it. A JPEG is refused: its compression turns one lesion's
    edge into many grey levels, each of which would be counted as a lesion.

    Returns
    -------
    Image
        The labels (uint8, uint16 or int32), ``(nz, ny, nx)``; ``metadata`` as
        :func:`read_mask` gives (without ``label_map`` and ``jpeg_threshold``).

    Raises
    ------
    LoaderError
        Every refusal of :func:`~medeval.loaders.raster.read_raster`, a JPEG, a colour
        image whose channels differ, floating-point values; the message names the file.

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np
    >>> from PIL import Image as PILImage
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "lesions.png"
    >>> PILImage.fromarray(np.array([[0, 1], [2, 2]], dtype=np.uint8)).save(path)
    >>> read_lesion_mask(path).array[0].tolist()
    [[0, 1], [2, 2]]
    """
    file = regular_file(path, what="mask")
    fmt = raster_format(file, what="mask")
    lossy = "a JPEG" if fmt == "jpeg" else _jpeg_in_tiff(file) if fmt == "tiff" else None
    if lossy is not None:
        raise LoaderError(
            f"mask {file}: is {lossy}, whose compression smears a lesion's edge into grey "
            "values that would each count as a lesion; save lesion masks as PNG (lesion k "
            "drawn with value k)"
        )
    raw, mode = decode_frames(file, fmt, what="mask", convert=_raw_values)
    values = distinct_values(raw)
    binary = set(values.tolist()) <= {0, 255}
    labels = np.asarray(raw == 255, dtype=np.uint8) if binary else raw
    return Image(labels, spacing_mm=None, metadata={
        "format": fmt, "source": str(file), "pillow_mode": mode,
        "frames": int(labels.shape[0]), "geometry": "absent",
        "pixel_values": values[:256].tolist(),
    })


def distinct_values(array: NDArray[Any]) -> NDArray[Any]:
    """The distinct values of a mask, sorted: ``numpy.unique(array)``, without its sort.

    A mask holds one or two values (0/1, 0/255) almost always: its minimum and maximum and
    one count of each settle it in a few passes over the pixels, where ``np.unique``
    sorts them all (about 0.7 ms for a 512 × 512 frame against 0.04 ms). Other 8- and
    16-bit masks are counted (``np.bincount``); anything else goes to ``np.unique``.

    Examples
    --------
    >>> distinct_values(np.array([[0, 255], [255, 0]], dtype=np.uint8)).tolist()
    [0, 255]
    >>> distinct_values(np.array([3, 1, 3, 7], dtype=np.uint16)).tolist()
    [1, 3, 7]
    """
    if array.size == 0:
        return np.unique(array)
    low, high = array.min(), array.max()
    if low == high:
        return np.array([low], dtype=array.dtype)
    if np.count_nonzero(array == low) + np.count_nonzero(array == high) == array.size:
        return np.array([low, high], dtype=array.dtype)
    if array.dtype.kind == "u" and array.dtype.itemsize <= 2:
        counts = np.bincount(array.ravel(), minlength=int(high) + 1)
        return np.flatnonzero(counts).astype(array.dtype)
    return np.unique(array)


def _checked_map(label_map: Mapping[int, int] | None, file: Path) -> dict[int, int] | None:
    if label_map is None:
        return None
    table: dict[int, int] = {}
    for key, value in dict(label_map).items():
        if not (_whole(key) and _whole(value)) or int(key) < 0 or int(value) < 0:
            raise LoaderError(
                f"mask {file}: label_map must map pixel values to label ids, both whole "
                f"numbers >= 0; got {key!r}: {value!r}"
            )
        table[int(key)] = int(value)
    return table


def _whole(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _jpeg_in_tiff(file: Path) -> str | None:
    """``"a TIFF with JPEG compression"`` when a page of the TIFF ``file`` is stored
    JPEG-compressed (as lossy as a .jpg), else None (also when Pillow cannot tell:
    the full read that follows names that problem)."""
    from PIL import Image as PILImage

    try:
        with PILImage.open(file, formats=["TIFF"]) as image:
            for index in range(int(getattr(image, "n_frames", 1))):
                image.seek(index)
                if image.info.get("compression") in ("jpeg", "tiff_jpeg"):
                    return "a TIFF with JPEG compression"
    except Exception:  # Pillow's parsers raise many kinds on a damaged file
        return None
    return None


def _checked_threshold(threshold: float | None, table: dict[int, int] | None,
                       file: Path, lossy: str = "a JPEG") -> float:
    if threshold is None:
        raise LoaderError(
            f"mask {file}: is {lossy}, whose compression smears a mask's edges into grey "
            "values; medeval reads a JPEG mask only with a binarisation threshold: pass "
            "jpeg_threshold= (e.g. 128), declared in the protocol, or save masks as PNG"
        )
    if table is not None:
        raise LoaderError(
            f"mask {file}: is {lossy}, which jpeg_threshold makes binary (0 and 1); a "
            "label_map cannot apply to it: pass label_map only for lossless masks"
        )
    value = float(threshold)
    if not 0 < value <= 255:
        raise LoaderError(f"mask {file}: jpeg_threshold must be in (0, 255], got {threshold!r}")
    return value


def _check_not_erased(labels: NDArray[Any], grey: NDArray[Any], threshold: float,
                      mode: str, file: Path) -> None:
    """Refuse a JPEG mask (or a page of a JPEG-compressed TIFF) holding grey levels
    above 0 of which none reaches the threshold: read with it, the mask would be empty
    and its object lost without a word (a mask stored as 0 and 1, or drawn in one
    colour: pure red's channel mean is 85). A JPEG of an empty mask decodes to 0
    everywhere, and is read as empty."""
    pages = labels.shape[0]
    highest = grey.reshape(pages, -1).max(axis=1) if grey.size else np.zeros(pages)
    erased = np.flatnonzero(~labels.reshape(pages, -1).any(axis=1) & (highest > 0))
    if not erased.size:
        return
    page = int(erased[0])
    where = f" page {page + 1} of {pages}:" if pages > 1 else ""
    level = "grey level" if mode == "L" else "grey level (the mean of R, G and B)"
    raise LoaderError(
        f"mask {file}:{where} no pixel reaches jpeg_threshold {threshold:g}, though not all "
        f"are 0 (the highest {level} is {float(highest[page]):g}): read with it the mask "
        "would be empty and its object lost. A mask stored as 0 and 1, or drawn in one "
        "colour (pure red averages 85), needs a threshold below its object's level, "
        "declared in the protocol; a mask that is really empty holds 0 only"
    )


def _grey_levels(image: Any, file: Path, what: str) -> NDArray[Any]:
    """A JPEG frame's grey levels: L as is, RGB (or CMYK refused) as the channel mean."""
    array: NDArray[Any] = np.asarray(image)
    if image.mode == "L":
        return array
    if image.mode == "RGB":
        mean: NDArray[Any] = array.mean(axis=-1)
        return mean
    raise LoaderError(f"{what} {file}: a JPEG in {image.mode} (Pillow's mode); a JPEG mask "
                      "must be greyscale or RGB")


def _raw_values(image: Any, file: Path, what: str) -> NDArray[Any]:
    """A lossless frame's stored values: grey levels or palette indices, never colours."""
    mode = image.mode
    if mode == "1":
        return np.asarray(image).astype(np.uint8)
    if mode in ("L", "P", "I;16", "I;16L", "I;16B", "I;16N", "I"):
        array = np.asarray(image)
        return array.astype(array.dtype.newbyteorder("="), copy=False)
    if mode in ("LA", "PA"):
        array = np.asarray(image)
        opaque(array[..., 1], file, what)
        return array[..., 0]
    if mode in ("RGB", "RGBA", "RGBX"):
        array = np.asarray(image)
        if mode == "RGBA":
            opaque(array[..., 3], file, what)
        rgb = array[..., :3]
        if not np.all(rgb == rgb[..., :1]):
            raise LoaderError(
                f"{what} {file}: is a colour image whose channels differ; medeval reads "
                "label masks from grey or palette images: save colour-coded labels as a "
                "palette PNG and give a label_map of palette index -> label id"
            )
        return rgb[..., 0]
    raise LoaderError(
        f"{what} {file}: its pixels are {mode} (Pillow's mode), not integer labels; a "
        "mask must be a 1-bit, 8- or 16-bit greyscale, or palette image"
    )


def _labels(raw: NDArray[Any], values: NDArray[Any], table: dict[int, int] | None,
            file: Path) -> NDArray[Any]:
    present = [int(v) for v in values]
    if table is None:
        if set(present) <= {0, 1}:
            binary: NDArray[Any] = raw.astype(np.uint8)
            return binary
        if set(present) <= {0, 255}:
            return np.asarray(raw == 255, dtype=np.uint8)
        raise LoaderError(
            f"mask {file}: holds the values {_listed(present)}, not a binary mask (0/1 or "
            "0/255); pass label_map={pixel value: label id, ...} as the protocol declares "
            "it (every value in the file must be listed)"
        )
    missing = [v for v in present if v not in table]
    if missing:
        raise LoaderError(
            f"mask {file}: holds the values {_listed(missing)}, which the label map "
            f"(pixel values {_listed(sorted(table))}) does not list; correct the mask or "
            "declare those values in the label map"
        )
    lookup = np.array([table[v] for v in present], dtype=np.int64)
    top = int(lookup.max(initial=0))
    dtype = np.uint8 if top <= 0xFF else np.uint16 if top <= 0xFFFF else np.int64
    labels: NDArray[Any] = lookup[np.searchsorted(values, raw)].astype(dtype)
    return labels


def _listed(values: list[int]) -> str:
    shown = ", ".join(str(v) for v in values[:_SHOWN])
    more = f" and {len(values) - _SHOWN} more" if len(values) > _SHOWN else ""
    return f"[{shown}{more}]"
