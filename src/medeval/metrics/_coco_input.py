"""COCO ground truth and results read into arrays (private to :mod:`medeval.metrics.coco`).

The reference is a COCO dataset dict (``images``, ``annotations``, ``categories``) or the
path of its JSON file; the detections a COCO results list or the path of its JSON file.
What pycocotools' ``COCO`` / ``loadRes`` / ``COCOeval._prepare`` do with each field is
done here the same way, and where pycocotools would silently mis-evaluate an input, or
crash on it, the input is refused with a message that says what to change:

- ids must be integers; image, annotation and category ids unique in the reference;
- annotation id 0 is refused: ``COCOeval`` stores the matched annotation id in
  ``dtMatches`` and reads 0 as "unmatched", so a detection matching annotation 0 would
  count as a false positive;
- a reference annotation needs ``image_id`` and ``category_id`` listed in the reference,
  an ``area`` and (``"bbox"``) a ``bbox``, (``"segm"``) a ``segmentation``;
  ``iscrowd`` is 0 when absent (pycocotools would raise a KeyError);
- a detection on an image not in the reference is refused (``loadRes`` asserts
  "Results do not correspond to current coco set"); a detection whose category is not
  listed is left out, as ``COCOeval`` does, and counted;
- boxes and scores must be finite, box widths and heights not negative;
- a polygon vertex must be finite and at most the image's own size outside it
  (:func:`far_vertex`): pycocotools would rasterise a vertex at 1e9 px at a cost of tens
  of GB.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InvalidInputError

_MISSING = object()


@dataclass(frozen=True, eq=False)
class CocoInput:
    """Reference and detections as arrays; image and category indices into the sorted ids.

    ``gt_*`` rows follow the reference's annotation order; ``dt_*`` rows the results'
    order (detections of unlisted categories left out). ``*_rle`` hold pycocotools RLEs
    (``"segm"`` only, else None).
    """

    image_ids: NDArray[np.int64]
    category_ids: NDArray[np.int64]
    gt_image: NDArray[np.intp]
    gt_category: NDArray[np.intp]
    gt_area: NDArray[np.float64]
    gt_crowd: NDArray[np.bool_]
    gt_box: NDArray[np.float64]
    gt_rle: list[Any] | None
    dt_image: NDArray[np.intp]
    dt_category: NDArray[np.intp]
    dt_score: NDArray[np.float64]
    dt_area: NDArray[np.float64]
    dt_box: NDArray[np.float64]
    dt_rle: list[Any] | None
    n_unlisted: int


def read_coco(reference: Any, detections: Any, iou_type: str, func: str) -> CocoInput:
    """Read and check both sides; raise :class:`InvalidInputError` naming every problem."""
    gt = _load(reference, "reference", dict, func)
    dts = _load(detections, "detections", list, func)
    images = _records(gt, "images", func)
    annotations = _records(gt, "annotations", func, required=False)
    categories = _records(gt, "categories", func)
    image_ids = _unique_ids([_field(images, "id", "reference image", func)], "image", func)
    category_ids = _unique_ids(
        [_field(categories, "id", "reference category", func)], "category", func
    )
    ann_ids = _ints(_field(annotations, "id", "reference annotation", func),
                    "reference annotation ids", func)
    if np.unique(ann_ids).size != ann_ids.size:
        raise InvalidInputError(f"{func}: reference annotation ids are not unique")
    if (ann_ids == 0).any():
        raise InvalidInputError(
            f"{func}: reference annotation id 0 at position(s) "
            f"{_first(np.flatnonzero(ann_ids == 0))}: pycocotools' COCOeval reads a match "
            "to annotation 0 as no match (a false positive); number the annotations from 1"
        )
    gt_image = _index(_field(annotations, "image_id", "reference annotation", func),
                      image_ids, "reference annotation", "image", func, strict=True)
    gt_category = _index(_field(annotations, "category_id", "reference annotation", func),
                         category_ids, "reference annotation", "category", func, strict=True)
    gt_area = _floats(_field(annotations, "area", "reference annotation", func),
                      "reference annotation areas", func)
    crowd = _field(annotations, "iscrowd", "reference annotation", func, default=0)
    gt_crowd = np.array([bool(c) for c in crowd], dtype=bool)
    dt_image_all = _index(_field(dts, "image_id", "detection", func), image_ids,
                          "detection", "image", func, strict=True)
    dt_category_all = _index(_field(dts, "category_id", "detection", func), category_ids,
                             "detection", "category", func, strict=False)
    listed = dt_category_all >= 0
    keep = np.flatnonzero(listed)
    dts_kept = [dts[i] for i in keep.tolist()] if not listed.all() else dts
    score = _floats(_field(dts_kept, "score", "detection", func), "detection scores", func)
    if iou_type == "bbox":
        gt_box = _boxes(_field(annotations, "bbox", "reference annotation", func),
                        "reference annotation", func)
        dt_box = _boxes(_field(dts_kept, "bbox", "detection", func), "detection", func)
        dt_area = dt_box[:, 2] * dt_box[:, 3]
        gt_rle = dt_rle = None
    else:
        heights, widths = _image_sizes(images, image_ids, func)
        gt_rle = _rles(annotations, gt_image, heights, widths, "reference annotation", func)
        dt_rle = _rles(dts_kept, dt_image_all[keep], heights, widths, "detection", func)
        gt_box = np.zeros((len(annotations), 4))
        dt_box, dt_area = _segm_detection_area(dts_kept, dt_rle, func)
    return CocoInput(
        image_ids=image_ids, category_ids=category_ids, gt_image=gt_image,
        gt_category=gt_category, gt_area=gt_area, gt_crowd=gt_crowd, gt_box=gt_box,
        gt_rle=gt_rle, dt_image=dt_image_all[keep], dt_category=dt_category_all[keep],
        dt_score=score, dt_area=dt_area, dt_box=dt_box, dt_rle=dt_rle,
        n_unlisted=int((~listed).sum()),
    )


def _load(source: Any, what: str, kind: type, func: str) -> Any:
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))  # a BOM: Windows
        except (OSError, ValueError) as exc:
            raise InvalidInputError(
                f"{func}: cannot read the {what} JSON file {path}: {exc}"
            ) from None
    else:
        data = source
    if kind is dict and not isinstance(data, Mapping):
        raise InvalidInputError(
            f"{func}: the {what} must be a COCO dataset dict (images, annotations, "
            f"categories) or the path of its JSON file, got {type(data).__name__}"
        )
    if kind is list and (isinstance(data, (str, bytes, Mapping))
                         or not isinstance(data, Sequence)):
        raise InvalidInputError(
            f"{func}: the {what} must be a COCO results list (image_id, category_id, "
            f"bbox or segmentation, score) or the path of its JSON file, got "
            f"{type(data).__name__}"
        )
    return data


def _records(data: Mapping[str, Any], key: str, func: str, *, required: bool = True
             ) -> list[Any]:
    if key not in data:
        if required:
            raise InvalidInputError(f"{func}: the reference has no {key!r} list")
        return []
    value = data[key]
    if not isinstance(value, list):
        raise InvalidInputError(f"{func}: the reference's {key!r} must be a list")
    return value


def _field(records: Sequence[Any], key: str, what: str, func: str,
           default: Any = _MISSING) -> list[Any]:
    """``record[key]`` of every record; every record lacking it named at once."""
    try:
        if default is _MISSING:
            return [r[key] for r in records]
        return [r.get(key, default) for r in records]
    except (KeyError, TypeError, AttributeError):
        bad = [i for i, r in enumerate(records) if not isinstance(r, Mapping) or key not in r]
        raise InvalidInputError(
            f"{func}: {what}(s) at position(s) {_first(bad)} have no {key!r}"
        ) from None


def _ints(values: list[Any], what: str, func: str) -> NDArray[np.int64]:
    array = np.asarray(values) if values else np.zeros(0, dtype=np.int64)
    if array.ndim != 1 or array.dtype.kind not in "iu":
        raise InvalidInputError(f"{func}: {what} must be integers (COCO ids)")
    return array.astype(np.int64)


def _floats(values: list[Any], what: str, func: str) -> NDArray[np.float64]:
    try:
        array = np.asarray(values, dtype=np.float64).reshape(len(values))
    except (TypeError, ValueError):
        raise InvalidInputError(f"{func}: {what} must be numbers") from None
    bad = ~np.isfinite(array)
    if bad.any():
        raise InvalidInputError(
            f"{func}: {what} must be finite; not at position(s) {_first(np.flatnonzero(bad))}"
        )
    return array


def _unique_ids(columns: list[list[Any]], what: str, func: str) -> NDArray[np.int64]:
    ids = _ints(columns[0], f"{what} ids", func)
    unique = np.unique(ids)
    if unique.size != ids.size:
        raise InvalidInputError(f"{func}: the reference's {what} ids are not unique")
    return unique


def _index(values: list[Any], ids: NDArray[np.int64], what: str, kind: str, func: str,
           *, strict: bool) -> NDArray[np.intp]:
    """Positions of ``values`` in the sorted ``ids``; -1 for an unknown id unless strict."""
    array = _ints(values, f"{what} {kind}_id values", func)
    pos = np.searchsorted(ids, array)
    pos_c = np.minimum(pos, max(ids.size - 1, 0))
    known = (ids[pos_c] == array) if ids.size else np.zeros(array.size, dtype=bool)
    if strict and not known.all():
        unknown = np.unique(array[~known])
        raise InvalidInputError(
            f"{func}: {what}(s) refer to {kind} id(s) {_first(unknown)} that the "
            f"reference does not list"
            + (" (pycocotools' loadRes refuses results on images not in the set)"
               if what == "detection" else "")
        )
    return np.where(known, pos_c, -1).astype(np.intp)


def _boxes(values: list[Any], what: str, func: str) -> NDArray[np.float64]:
    try:
        boxes = np.asarray(values, dtype=np.float64).reshape(len(values), 4)
    except (TypeError, ValueError):
        bad = [i for i, b in enumerate(values)
               if not isinstance(b, (list, tuple)) or len(b) != 4]
        raise InvalidInputError(
            f"{func}: {what} bbox(es) at position(s) {_first(bad)} are not "
            "[x, y, width, height]"
        ) from None
    bad_rows = ~np.isfinite(boxes).all(axis=1) | (boxes[:, 2] < 0) | (boxes[:, 3] < 0)
    if bad_rows.any():
        raise InvalidInputError(
            f"{func}: {what} bbox(es) at position(s) {_first(np.flatnonzero(bad_rows))} "
            "are not finite or have a negative width or height"
        )
    return boxes


def _image_sizes(images: list[Any], image_ids: NDArray[np.int64], func: str
                 ) -> tuple[list[Any], list[Any]]:
    order = np.argsort(_ints(_field(images, "id", "reference image", func), "image ids", func))
    heights = [images[i].get("height") for i in order.tolist()]
    widths = [images[i].get("width") for i in order.tolist()]
    return heights, widths


def _rles(records: Sequence[Any], image: NDArray[np.intp], heights: list[Any],
          widths: list[Any], what: str, func: str) -> list[Any]:
    """Each record's segmentation as one RLE, as pycocotools' ``COCO.annToRLE``."""
    from pycocotools import mask as mask_utils

    segmentations = _field(records, "segmentation", what, func)
    out: list[Any] = []
    for i, (segm, img) in enumerate(zip(segmentations, image.tolist())):
        try:
            if isinstance(segm, list) or (isinstance(segm, Mapping)
                                          and isinstance(segm.get("counts"), list)):
                h, w = heights[img], widths[img]
                if h is None or w is None:
                    raise ValueError("its image has no height or width")
                far = far_vertex(segm, h, w) if isinstance(segm, list) else None
                if far is not None:
                    raise InvalidInputError(f"{func}: {_named(what, i, records[i])}: {far}")
                rle = mask_utils.frPyObjects(segm, h, w)
                out.append(mask_utils.merge(rle) if isinstance(segm, list) else rle)
            elif isinstance(segm, Mapping) and "counts" in segm and "size" in segm:
                out.append(segm)
            else:
                raise ValueError("not a polygon list or an RLE")
        except InvalidInputError:
            raise
        except Exception as exc:  # pycocotools raises several kinds on a bad shape
            raise InvalidInputError(
                f"{func}: {what} at position {i}: its segmentation cannot be read "
                f"({exc})"
            ) from None
    return out


def far_vertex(polygons: Sequence[Any], height: Any, width: Any) -> str | None:
    """The first polygon vertex not finite or more than the image's own size outside it
    (``-width <= x <= 2 width``, ``-height <= y <= 2 height``), named, or None.

    pycocotools rasterises a polygon along its edges (``frPyObjects``), at a memory cost
    that grows with their length: a vertex at x = 1e9 asks for tens of GB and kills the
    process (NaN and infinity likewise). A polygon a little outside its image is
    clipped, as pycocotools clips it; one a whole image away is no outline of this
    image. Shared by :func:`medeval.metrics.coco_detection` (both sides) and the
    ``coco-detection`` task (results). Entries that are not numbers are left to the
    caller's own checks (pycocotools refuses them)."""
    for index, polygon in enumerate(polygons):
        if not isinstance(polygon, (list, tuple)):
            continue
        for k in range(0, len(polygon) - 1, 2):
            try:
                x, y = float(polygon[k]), float(polygon[k + 1])
            except (TypeError, ValueError):
                continue
            if not (math.isfinite(x) and math.isfinite(y) and -width <= x <= 2 * width
                    and -height <= y <= 2 * height):
                return (f"polygon {index}, vertex {k // 2} (x={x:g}, y={y:g}) is not finite "
                        f"or lies more than the image's size outside it (width {width}, "
                        f"height {height} px)")
    return None


def _named(what: str, position: int, record: Any) -> str:
    """A record as a message names it: its position, annotation id and image id."""
    ids = [f"{key} {record[key]!r}" for key in ("id", "image_id")
           if isinstance(record, Mapping) and key in record]
    return f"{what} at position {position}" + (f" ({', '.join(ids)})" if ids else "")


def _segm_detection_area(dts: Sequence[Any], rles: list[Any], func: str
                         ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Areas as ``loadRes``: w x h of the boxes when results carry boxes, else the mask's."""
    from pycocotools import mask as mask_utils

    has_box = np.array([isinstance(d, Mapping) and "bbox" in d for d in dts], dtype=bool)
    if has_box.all() and has_box.size:
        boxes = _boxes([d["bbox"] for d in dts], "detection", func)
        return boxes, boxes[:, 2] * boxes[:, 3]
    if has_box.any():
        raise InvalidInputError(
            f"{func}: some segmentation results carry a bbox and some do not (e.g. "
            f"position {int(np.flatnonzero(~has_box)[0])}); pycocotools' loadRes takes the "
            "area from the boxes or from the masks depending on the first result only: "
            "give every result a bbox, or none"
        )
    # mask_utils.area on a list of 256 RLEs or more raises OverflowError under NumPy 2
    # (pycocotools sizes its output as uint8): at most 255 at a time
    areas = np.concatenate([np.asarray(mask_utils.area(rles[start:start + 255]),
                                       dtype=np.float64).reshape(-1)
                            for start in range(0, len(rles), 255)] or [np.zeros(0)])
    return np.zeros((len(rles), 4)), areas


def _first(items: Any, limit: int = 5) -> str:
    values = [int(v) if isinstance(v, (np.integer, int)) else v for v in list(items)]
    shown = ", ".join(map(str, values[:limit]))
    return shown + (f", ... ({len(values)} in all)" if len(values) > limit else "")

