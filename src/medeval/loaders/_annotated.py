"""The records of 2-D annotation files: ``AnnotatedObject`` and ``AnnotatedImage``.

A leaf module: the JSON parser (``_annotation_json``) and the public readers
(:mod:`~medeval.loaders.annotations_2d`, where these records are documented and exported)
import it. Masks are made by ``pycocotools.mask``, imported on first use.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from importlib import import_module
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

__all__ = ["AnnotatedImage", "AnnotatedObject", "ObjectShape", "mask_api"]

ObjectShape = Literal["polygon", "rle", "box"]
_NUMPY2_COPY_WARNING = "__array__ implementation doesn't accept a copy keyword"


def mask_api() -> Any:
    """``pycocotools.mask``, imported on first use (it has no type stubs)."""
    return import_module("pycocotools.mask")


@dataclass(frozen=True)
class AnnotatedObject:
    """One annotated object of an image: its category, box, area and shape.

    Attributes
    ----------
    category_id : int or None
        The COCO category id; for a LabelMe label, the id ``categories`` gave it, or
        ``None`` when none was given.
    category : str
        The category's name (COCO ``categories[].name``, LabelMe ``label``).
    box : tuple of float
        ``(x, y, w, h)`` in pixels: the top-left corner and the size, COCO's ``bbox``.
        A LabelMe rectangle's two corners, in either order, give it; a LabelMe polygon's
        box is ``pycocotools.mask.toBbox`` of its mask (as LabelMe's ``labelme2coco``).
    iscrowd : bool
        COCO's ``iscrowd`` (a crowd region, ignored by COCO AP); LabelMe: ``False``.
    area : float
        COCO's ``area`` when the file gives it; otherwise the mask's pixel count
        (``pycocotools.mask.area``), or ``w * h`` for a box.
    shape : {"polygon", "rle", "box"}
        What the file drew: polygons, a run-length encoded mask, or only a box.
    image_size : tuple of int
        ``(height, width)`` of the image, the shape of :meth:`mask`.
    polygons : tuple of tuple of float
        Each polygon as ``(x0, y0, x1, y1, ...)``; a box as its 4 corners clockwise from
        the top left. Empty for an RLE.
    rle_counts : str or tuple of int or None
        An RLE's ``counts``: compressed (a string) or not (run lengths, column-major).
    annotation_id : int or None
        The COCO annotation ``id``; ``None`` for LabelMe.
    shape_indices : tuple of int
        The LabelMe ``shapes`` indices the object was drawn with; empty for COCO.

    Examples
    --------
    >>> obj = AnnotatedObject(category_id=1, category="polyp", box=(1.0, 1.0, 2.0, 3.0),
    ...                       iscrowd=False, area=6.0, shape="box", image_size=(5, 4),
    ...                       polygons=((1.0, 1.0, 3.0, 1.0, 3.0, 4.0, 1.0, 4.0),))
    >>> obj.mask().astype(int)
    array([[0, 0, 0, 0],
           [0, 1, 1, 0],
           [0, 1, 1, 0],
           [0, 1, 1, 0],
           [0, 0, 0, 0]])
    """

    category_id: int | None
    category: str
    box: tuple[float, float, float, float]
    iscrowd: bool
    area: float
    shape: ObjectShape
    image_size: tuple[int, int]
    polygons: tuple[tuple[float, ...], ...] = ()
    rle_counts: str | tuple[int, ...] | None = None
    annotation_id: int | None = None
    shape_indices: tuple[int, ...] = ()

    def coco_rle(self) -> dict[str, Any]:
        """The object as one compressed COCO RLE (``pycocotools.COCO.annToRLE``'s way)."""
        api = mask_api()
        height, width = self.image_size
        if self.rle_counts is None:
            return dict(api.merge(api.frPyObjects(
                [list(p) for p in self.polygons], height, width)))
        if isinstance(self.rle_counts, str):
            return {"size": [height, width], "counts": self.rle_counts.encode("ascii")}
        return dict(api.frPyObjects(
            {"size": [height, width], "counts": list(self.rle_counts)}, height, width))

    def mask(self) -> NDArray[np.bool_]:
        """The object's pixels: a boolean array of shape ``image_size``.

        Polygons (several are one object, merged) and boxes are rasterised by
        ``pycocotools.mask.frPyObjects`` and RLEs decoded by ``pycocotools.mask.decode``,
        as ``pycocotools.coco.COCO.annToMask`` does.
        """
        with warnings.catch_warnings():  # pycocotools' Cython decoder, under numpy 2
            warnings.filterwarnings("ignore", _NUMPY2_COPY_WARNING, DeprecationWarning)
            decoded = mask_api().decode(self.coco_rle())
        return np.asarray(decoded, dtype=bool)

    def coco_segmentation(self) -> list[list[float]] | dict[str, Any]:
        """The object's ``segmentation`` as COCO writes it: polygons or an RLE dict."""
        height, width = self.image_size
        if self.rle_counts is None:
            return [list(p) for p in self.polygons]
        counts = self.rle_counts if isinstance(self.rle_counts, str) else list(self.rle_counts)
        return {"size": [height, width], "counts": counts}


@dataclass(frozen=True)
class AnnotatedImage:
    """One image of a set and the objects annotated on it.

    Attributes
    ----------
    file_name : str
        COCO ``file_name`` or LabelMe ``imagePath``, as written in the file.
    height, width : int
        The image's size in pixels.
    objects : tuple of AnnotatedObject
        In the file's order (COCO annotations; LabelMe shapes, a group where its first
        shape is).
    image_id : int or None
        The COCO image ``id``; ``None`` for LabelMe.
    source : str
        The annotation file the record was read from.
    format : {"coco", "labelme"}
    categories : tuple of (int, str)
        The category table the ids come from: the COCO file's ``categories`` (also the
        unused ones), or for LabelMe the ``categories`` given to the reader (else empty).

    Examples
    --------
    >>> image = AnnotatedImage("f.png", height=2, width=3, objects=(), image_id=None,
    ...                        source="f.json", format="labelme")
    >>> image.masks().shape
    (0, 2, 3)
    """

    file_name: str
    height: int
    width: int
    objects: tuple[AnnotatedObject, ...]
    image_id: int | None
    source: str
    format: Literal["coco", "labelme"]
    categories: tuple[tuple[int, str], ...] = ()

    def masks(self) -> NDArray[np.bool_]:
        """Every object's mask, stacked: shape ``(len(objects), height, width)``."""
        out = np.zeros((len(self.objects), self.height, self.width), dtype=bool)
        for index, obj in enumerate(self.objects):
            out[index] = obj.mask()
        return out
