"""Whether a COCO annotation's ``bbox`` is the box of its own ``segmentation``.

COCO writes an object's box beside its shape, ``[x, y, width, height]``, the extent of
its polygons (or of its mask, for an RLE). A converter that writes corners ``[x1, y1,
x2, y2]`` there (Pascal VOC's form) gives a file that contradicts itself: pycocotools
reads it without a word, scoring ``iou_type = "bbox"`` by the box and ``"segm"`` by the
mask, so one lesion has two sizes. A box that is the
corners of its shape's extent is refused as a problem of the file (1 px, plus the
tolerance, of slack for the rasterised extent of an RLE and for tools that round);
other disagreements are left as written (a box drawn apart from the shape on purpose
cannot be told from a stale one).
"""

from __future__ import annotations

from ._annotated import AnnotatedObject, mask_api

__all__ = ["box_fit_problem"]


def box_fit_problem(obj: AnnotatedObject, tolerance_px: float) -> str | None:
    """The problem of an object whose written box is its shape's extent as corners, or None."""
    if obj.shape == "box":
        return None
    if obj.rle_counts is None:
        xs = [v for polygon in obj.polygons for v in polygon[0::2]]
        ys = [v for polygon in obj.polygons for v in polygon[1::2]]
        extent = (min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
        what = "its polygons' extent"
    else:
        x, y, w, h = (float(v) for v in mask_api().toBbox(obj.coco_rle()))
        extent, what = (x, y, w, h), "its RLE mask's extent"
    x, y, w, h = obj.box
    ex, ey, ew, eh = extent
    slack = 1.0 + tolerance_px
    if max(abs(x - ex), abs(y - ey), abs(x + w - ex - ew), abs(y + h - ey - eh)) <= slack:
        return None
    corners = abs(x - ex) <= slack and abs(y - ey) <= slack and \
        abs(w - ex - ew) <= slack and abs(h - ey - eh) <= slack
    if not corners:  # another disagreement: not told apart from a box drawn on purpose
        return None
    return (f"bbox [x={x:g}, y={y:g}, w={w:g}, h={h:g}] is not {what}, [x={ex:g}, "
            f"y={ey:g}, w={ew:g}, h={eh:g}], but its corners [x1, y1, x2, y2]: COCO's bbox "
            "is [x, y, width, height] (as written, iou_type 'bbox' would score a box "
            "larger than the lesion); write width and height")
