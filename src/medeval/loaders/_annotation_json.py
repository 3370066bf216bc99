"""Parsing and checking of COCO and LabelMe JSON files into annotation records.

Private: :mod:`~medeval.loaders.annotations_2d` is the public face. A file is checked
whole and every problem collected (entry by entry: image index, COCO annotation id,
LabelMe shape index) before one :class:`~medeval.errors.LoaderError` lists them all, so
nothing of a faulty file is ever used. Masks, areas and boxes computed here come from
``pycocotools.mask``.
"""

from __future__ import annotations

import dataclasses
import json
import math
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._text_offsets import where_utf8_stops
from ..errors import LoaderError
from ._annotated import AnnotatedImage, AnnotatedObject, ObjectShape, mask_api
from ._coco_box_fit import box_fit_problem

__all__ = ["listing", "load_json", "parse_annotation_json"]

_MAX_LISTED = 50  # problems listed in one message; the count of the rest follows
_LABELME_TYPES = ("polygon", "rectangle")
#: A checked segmentation: its polygons, or the counts of its RLE.
_Shape = tuple[tuple[tuple[float, ...], ...], str | tuple[int, ...] | None]


def listing(head: str, problems: Sequence[str]) -> str:
    """``head:`` then one problem a line, the first ``_MAX_LISTED`` of them."""
    shown = "\n".join(f"  - {p}" for p in problems[:_MAX_LISTED])
    rest = len(problems) - _MAX_LISTED
    more = f"\n  ... and {rest} more" if rest > 0 else ""
    return f"{head}:\n{shown}{more}"


class _Problems:
    """The problems found in one file, raised together."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.items: list[str] = []

    def add(self, entry: str, text: str) -> None:
        self.items.append(f"{entry}: {text}")

    def raise_if_any(self, kind: str) -> None:
        if self.items:
            # a tool that rounds or overshoots the edge: the way to accept it, said once
            edge = ("; a vertex or box corner a little outside its image (a tool's rounding "
                    "or overshoot) is accepted up to tolerance_px: [task] tolerance_px of a "
                    "coco-detection protocol, or tolerance_px= in Python" if any(
                        f"lies {_OUTSIDE}" in item for item in self.items) else "")
            raise LoaderError(listing(
                f"{self.file}: {len(self.items)} problem(s) in this {kind} file; fix them in "
                f"the file (nothing of it was used){edge}", self.items))


def load_json(file: Path) -> Any:
    """The file's JSON; a LoaderError with line and column when it is not JSON."""
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise LoaderError(f"{file}: cannot be read ({exc.strerror})") from None
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise LoaderError(f"{file}: not UTF-8 text ({where_utf8_stops(raw, exc)}); save "
                          "it as UTF-8 JSON") from None
    except json.JSONDecodeError as exc:
        raise LoaderError(f"{file}: not valid JSON: {exc.msg} at line {exc.lineno}, column "
                          f"{exc.colno}; fix the file there") from None
    except RecursionError:
        raise LoaderError(f"{file}: JSON nested too deeply to be an annotation file") from None


def parse_annotation_json(file: Path, categories: Mapping[str, int] | None,
                          tolerance_px: float) -> tuple[AnnotatedImage, ...]:
    """Read and check a COCO or LabelMe file; every problem raises at once."""
    data = load_json(file)
    # names compared in NFC, as case ids and class labels are: '용종' typed on Windows
    # (NFC) and written on macOS (NFD) print alike and are one category
    categories = None if categories is None else {
        _nfc(name): number for name, number in categories.items()}
    if isinstance(data, dict) and "shapes" in data:
        return (_labelme(file, data, categories, tolerance_px),)
    if isinstance(data, dict) and ("images" in data or "annotations" in data):
        return _coco(file, data, categories, tolerance_px)
    if isinstance(data, list):
        got = "a JSON list (a COCO results file of detections?)"
    elif isinstance(data, dict):
        got = f"an object with keys {sorted(data)[:12]}"
    else:
        got = f"a JSON {type(data).__name__}"
    raise LoaderError(
        f"{file}: neither a COCO dataset (keys 'images', 'annotations', 'categories') nor a "
        f"LabelMe file (keys 'shapes', 'imageHeight', 'imageWidth', 'imagePath'); it is "
        f"{got}; give the annotation file in one of these formats")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _decimal(value: Any) -> bool:
    """A whole number written as a decimal (``1.0``): a converter's float, not an id."""
    return isinstance(value, float) and value.is_integer()


def _is_number(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def _outside(xs: Sequence[float], ys: Sequence[float], height: int, width: int,
             tolerance_px: float) -> int | None:
    """Index of the first point outside ``[0, width] × [0, height]`` (± tolerance)."""
    for index, (x, y) in enumerate(zip(xs, ys)):
        if not (-tolerance_px <= x <= width + tolerance_px
                and -tolerance_px <= y <= height + tolerance_px):
            return index
    return None


_OUTSIDE = "outside the image ("


def _where(height: int, width: int, tolerance_px: float) -> str:
    return (f"{_OUTSIDE}0 <= x <= {width}, 0 <= y <= {height}, tolerance "
            f"{tolerance_px:g} px)")


def _rectangle(x: float, y: float, w: float, h: float) -> tuple[float, ...]:
    """A box's 4 corners, clockwise from the top left, as one polygon."""
    return (x, y, x + w, y, x + w, y + h, x, y + h)


# ---- COCO ------------------------------------------------------------------------------


def _coco(file: Path, data: dict[str, Any], categories: Mapping[str, int] | None,
          tolerance_px: float) -> tuple[AnnotatedImage, ...]:
    problems = _Problems(file)
    for key in ("images", "annotations", "categories"):
        if not isinstance(data.get(key), list):
            problems.add("file", f"'{key}' is missing or not a list")
    problems.raise_if_any("COCO")
    unread: set[int] = set()  # ids of image entries refused above
    images = _coco_images(data["images"], problems, unread)
    refused: dict[int, str] = {}  # a category the file has, refused above: its entry
    names = _coco_categories(data["categories"], categories, problems, refused)
    objects: dict[int, list[AnnotatedObject]] = {image_id: [] for image_id in images}
    seen: dict[int, int] = {}
    naming: dict[int, int] = {}  # refused category id -> annotations naming it
    # an annotation of a refused category is checked as any other (its other problems
    # listed now, not in the next round), but not told 'names unknown category id 1;
    # 'categories' has []' each time: the file has it, the line above says why it is not
    # read; nor is it read
    known = {**dict.fromkeys(refused, ""), **names}
    decimals: list[str] = []  # 'annotations[i]: image_id 101.0', named once below
    for index, annotation in enumerate(data["annotations"]):
        found = _coco_object(index, annotation, (images, unread, decimals), known, seen,
                             tolerance_px, problems)
        category = annotation.get("category_id") if isinstance(annotation, dict) else None
        if _is_int(category) and category in refused:
            naming[category] = naming.get(category, 0) + 1
        elif found is not None:
            objects[found[0]].append(found[1])
    for category, count in naming.items():
        problems.add(refused[category], f"{count} annotation(s) name category id "
                     f"{category}: none of them was read")
    if decimals:
        problems.add("annotations", f"{len(decimals)} annotation(s) write an id, image_id "
                     f"or category_id as a decimal ({'; '.join(decimals[:3])}"
                     f"{'; ...' if len(decimals) > 3 else ''}); an id is an integer: write "
                     "them as integers (1, not 1.0)")
    problems.raise_if_any("COCO")
    table = tuple(sorted(names.items()))
    return tuple(AnnotatedImage(name, height, width, tuple(objects[image_id]), image_id,
                                str(file), "coco", table)
                 for image_id, (name, height, width) in images.items())


def _coco_images(entries: list[Any], problems: _Problems,
                 unread: set[int]) -> dict[int, tuple[str, int, int]]:
    """The file's images by id; the id of each entry refused goes in ``unread`` (its
    annotations are not told again that no image has it)."""
    images: dict[int, tuple[str, int, int]] = {}
    index_of_id: dict[int, int] = {}
    index_of_name: dict[str, int] = {}
    for index, image in enumerate(entries):
        entry = f"images[{index}]"
        if not isinstance(image, dict):
            problems.add(entry, "is not an object")
            continue
        image_id: Any = image.get("id")
        name: Any = image.get("file_name")
        height: Any = image.get("height")
        width: Any = image.get("width")
        bad = [key for key, ok in (("id", _is_int(image_id)),
                                   ("file_name", isinstance(name, str) and name != ""),
                                   ("height", _is_int(height) and height > 0),
                                   ("width", _is_int(width) and width > 0)) if not ok]
        if bad:
            decimals = ", ".join(f"{key} {image[key]!r}" for key in bad
                                 if _decimal(image.get(key)))
            problems.add(entry, f"{', '.join(bad)} missing or invalid ({image!r:.120}); an "
                         "image needs an integer id, a file_name and positive height, width"
                         + (f" (written as decimals: {decimals}; write them as integers)"
                            if decimals else ""))
            if _is_int(image_id) or _decimal(image_id):
                unread.add(int(image_id))
            continue
        if image_id in index_of_id:
            problems.add(entry, f"duplicate image id {image_id} (also images"
                         f"[{index_of_id[image_id]}])")
        elif name in index_of_name:
            problems.add(entry, f"duplicate file_name {name!r} (also images"
                         f"[{index_of_name[name]}])")
        else:
            images[image_id] = (name, height, width)
        index_of_id.setdefault(image_id, index)
        index_of_name.setdefault(name, index)
    return images


def _coco_categories(entries: list[Any], given: Mapping[str, int] | None,
                     problems: _Problems, refused: dict[int, str]) -> dict[int, str]:
    """The file's categories by id; each refused for the set's categories (``given``)
    goes in ``refused`` with its entry's name."""
    names: dict[int, str] = {}
    for index, category in enumerate(entries):
        entry = f"categories[{index}]"
        number: Any = category.get("id") if isinstance(category, dict) else None
        name: Any = category.get("name") if isinstance(category, dict) else None
        if not _is_int(number) or not isinstance(name, str) or not name:
            problems.add(entry, f"needs an integer id and a name, got {category!r:.120}")
        elif number in names:
            problems.add(entry, f"duplicate category id {number}")
        elif _nfc(name) in names.values():  # in NFC: one name in either form is one
            problems.add(entry, f"duplicate category name {name!r}")
        elif given is not None and given.get(_nfc(name)) != number:
            wanted = (f"the set's categories give {name!r} id {given[_nfc(name)]}"
                      if _nfc(name) in given
                      else f"{name!r} is not among the set's categories {sorted(given)}")
            problems.add(entry, f"category id {number} {name!r}: {wanted}")
            refused.setdefault(number, entry)
        else:
            names[number] = _nfc(name)
    return names


def _coco_object(index: int, annotation: Any,
                 read: tuple[Mapping[int, tuple[str, int, int]], set[int], list[str]],
                 names: Mapping[int, str], seen: dict[int, int], tolerance_px: float,
                 problems: _Problems) -> tuple[int, AnnotatedObject] | None:
    """One annotation checked and made an object (with its image id), or None. ``read``:
    the images by id, the ids of the image entries refused (named there, not here), and
    the list its ids written as decimals go to (a converter's floats, named once for the
    file, not as unknown ids for each annotation; checked further as the integers)."""
    images, unread, decimals = read
    if not isinstance(annotation, dict):
        problems.add(f"annotations[{index}]", "is not an object")
        return None
    written = [key for key in ("id", "image_id", "category_id")
               if _decimal(annotation.get(key))]
    if written:
        decimals.append(f"annotations[{index}]: " + ", ".join(
            f"{key} {annotation[key]!r}" for key in written))
        annotation = {**annotation, **{key: int(annotation[key]) for key in written}}
    ann_id: Any = annotation.get("id")
    entry = f"annotation id {ann_id} (annotations[{index}])"
    if not _is_int(ann_id):
        problems.add(f"annotations[{index}]", f"id {ann_id!r} is missing or not an integer")
        return None
    if ann_id in seen:
        problems.add(entry, f"duplicate annotation id (also annotations[{seen[ann_id]}])")
        return None
    seen[ann_id] = index
    image_id: Any = annotation.get("image_id")
    category_id: Any = annotation.get("category_id")
    known = True
    if _is_int(image_id) and image_id in unread:
        known = False  # its image's entry is refused, and named, above
    elif not _is_int(image_id) or image_id not in images:
        problems.add(entry, f"names unknown image id {image_id!r}; no entry of 'images' has "
                     "it")
        known = False
    if not _is_int(category_id) or category_id not in names:
        problems.add(entry, f"names unknown category id {category_id!r}; 'categories' has "
                     f"{sorted(names)}")
        known = False
    iscrowd = annotation.get("iscrowd", 0)
    if iscrowd not in (0, 1):
        problems.add(entry, f"iscrowd must be 0 or 1, got {iscrowd!r}")
        known = False
    if not known or written:
        return None
    _, height, width = images[image_id]
    before = len(problems.items)
    shape = _coco_shape(entry, annotation, height, width, tolerance_px, problems)
    box = _coco_box(entry, annotation.get("bbox"), height, width, tolerance_px, problems)
    area = annotation.get("area")
    if area is not None and not (_is_number(area) and area >= 0):
        problems.add(entry, f"area must be a number >= 0, got {area!r}")
    if annotation.get("segmentation") in (None, []) and "bbox" not in annotation:
        problems.add(entry, "has neither a bbox nor a segmentation")
    if len(problems.items) > before:
        return None
    made = _coco_made(annotation, shape, box, names[category_id], (height, width))
    if box is None and not (made.box[2] > 0 and made.box[3] > 0):
        problems.add(entry, _NO_PIXEL)
        return None
    if box is not None and (unfit := box_fit_problem(made, tolerance_px)) is not None:
        problems.add(entry, unfit)
        return None
    return image_id, made


def _coco_made(annotation: dict[str, Any], shape: _Shape | None,
               box: tuple[float, float, float, float] | None, name: str,
               size: tuple[int, int]) -> AnnotatedObject:
    """The object of a checked annotation; a missing box or area from its mask."""
    kind: ObjectShape
    polygons: tuple[tuple[float, ...], ...]
    if shape is None:  # box only: checked to be there
        assert box is not None
        polygons, counts, kind = (_rectangle(*box),), None, "box"
    else:
        polygons, counts = shape
        kind = "rle" if counts is not None else "polygon"
    area = annotation.get("area")
    if area is None and kind == "box" and box is not None:
        area = box[2] * box[3]
    obj = AnnotatedObject(
        category_id=annotation["category_id"], category=name,
        box=box or (0.0, 0.0, 0.0, 0.0), iscrowd=bool(annotation.get("iscrowd", 0)),
        area=float(area or 0.0), shape=kind, image_size=size, polygons=polygons,
        rle_counts=counts, annotation_id=annotation["id"])
    if box is not None and area is not None:
        return obj
    rle, api = obj.coco_rle(), mask_api()
    return dataclasses.replace(obj, box=box or _box4(api.toBbox(rle)),
                               area=float(area) if area is not None else float(api.area(rle)))


def _box4(values: Any) -> tuple[float, float, float, float]:
    x, y, w, h = (float(v) for v in values)
    return (x, y, w, h)


def _coco_shape(entry: str, annotation: dict[str, Any], height: int, width: int,
                tolerance_px: float, problems: _Problems) -> _Shape | None:
    """The checked segmentation as (polygons, RLE counts), or None when there is none."""
    segmentation = annotation.get("segmentation")
    if segmentation is None or segmentation == []:
        return None
    if isinstance(segmentation, dict):
        counts = _rle_counts(entry, segmentation, height, width, problems)
        return ((), counts) if counts is not None else None
    if not isinstance(segmentation, list) or not all(isinstance(p, list) for p in segmentation):
        problems.add(entry, "segmentation must be a list of polygons [[x0, y0, x1, y1, ...], "
                     f"...] or an RLE {{'size', 'counts'}}, got {segmentation!r:.80}")
        return None
    polygons = [_polygon(f"{entry}: polygon {i}", p, height, width, tolerance_px, problems)
                for i, p in enumerate(segmentation)]
    if any(p is None for p in polygons):
        return None
    return tuple(p for p in polygons if p is not None), None


def _polygon(entry: str, values: list[Any], height: int, width: int, tolerance_px: float,
             problems: _Problems) -> tuple[float, ...] | None:
    if not all(_is_number(v) for v in values) or len(values) % 2:
        problems.add(entry, "must be an even number of finite coordinates x0, y0, x1, y1, ...")
        return None
    if len(values) < 6:
        problems.add(entry, f"has {len(values) // 2} point(s); a polygon needs at least 3")
        return None
    outside = _outside(values[0::2], values[1::2], height, width, tolerance_px)
    if outside is not None:
        problems.add(entry, f"vertex {outside} (x={values[2 * outside]}, y="
                     f"{values[2 * outside + 1]}) lies {_where(height, width, tolerance_px)}")
        return None
    return tuple(float(v) for v in values)


def _rle_counts(entry: str, rle: dict[str, Any], height: int, width: int,
                problems: _Problems) -> str | tuple[int, ...] | None:
    size, counts = rle.get("size"), rle.get("counts")
    if size != [height, width]:
        problems.add(entry, f"RLE size {size!r} is not its image's [height, width] = "
                     f"[{height}, {width}]")
        return None
    if isinstance(counts, str) and counts:
        runs = compressed_runs(counts)
        if runs is None:
            problems.add(entry, f"RLE counts {counts!r:.40} is not a COCO compressed RLE "
                         "string (characters '0' to 'o', 6 bits each, every run ended)")
        elif runs.min() < 0:
            problems.add(entry, f"compressed RLE decodes to a negative run ({runs.min()})")
        elif int(runs.sum()) != height * width:
            problems.add(entry, f"compressed RLE runs sum to {runs.sum()}, not the image's "
                         f"{height} x {width} = {height * width} pixels")
        else:
            return counts
        return None
    if isinstance(counts, list) and all(_is_int(c) and c >= 0 for c in counts):
        if sum(counts) != height * width:
            problems.add(entry, f"uncompressed RLE counts sum to {sum(counts)}, not the "
                         f"image's {height} x {width} = {height * width} pixels")
            return None
        return tuple(counts)
    found = "missing" if "counts" not in rle else f"{counts!r:.60}"
    problems.add(entry, "RLE counts must be a compressed string or a list of run lengths "
                 f"(integers >= 0), got {found}")
    return None


def compressed_runs(text: str) -> NDArray[np.int64] | None:
    """The run lengths of a COCO compressed RLE string, or None if it is not one.

    The format of ``rleFrString`` in the COCO API's ``maskApi.c``: each run is written in
    groups of 5 bits plus a continuation bit, as characters ``chr(48 + group)``, the
    last group's fifth bit the sign; from the fourth run on, a run is stored as its
    difference from the run two before. pycocotools decodes damaged strings without a
    word (reading past the string, or leaving pixels unset), so the string is checked
    here (vectorised: a set-wide file holds thousands of them).
    """
    try:
        raw = text.encode("ascii")
    except UnicodeEncodeError:
        return None
    groups = np.frombuffer(raw, dtype=np.uint8).astype(np.int64) - 48
    if groups.size == 0 or groups.min() < 0 or groups.max() > 63 or groups[-1] & 0x20:
        return None  # a character outside '0'..'o', or the last run not ended
    ends = np.flatnonzero((groups & 0x20) == 0)
    starts = np.concatenate(([0], ends[:-1] + 1))
    lengths = ends - starts + 1
    if lengths.max() > 7:  # over 35 bits: no run of a 32-bit count
        return None
    shift = 5 * (np.arange(groups.size) - np.repeat(starts, lengths))
    values = np.add.reduceat((groups & 0x1F) << shift, starts)
    values -= np.where(groups[ends] & 0x10, np.int64(1) << (5 * lengths), 0)
    runs: NDArray[np.int64] = values.copy()
    runs[1::2] = np.cumsum(values[1::2])  # run i (i >= 3) is stored minus run i - 2
    runs[2::2] = np.cumsum(values[2::2])
    return runs


def _coco_box(entry: str, bbox: Any, height: int, width: int, tolerance_px: float,
              problems: _Problems) -> tuple[float, float, float, float] | None:
    if bbox is None:
        return None
    if not (isinstance(bbox, list) and len(bbox) == 4 and all(_is_number(v) for v in bbox)):
        problems.add(entry, f"bbox must be [x, y, width, height] (4 numbers), got {bbox!r:.80}")
        return None
    return _checked_box(entry, *(float(v) for v in bbox), height=height, width=width,
                        tolerance_px=tolerance_px, problems=problems)


def _checked_box(entry: str, x: float, y: float, w: float, h: float, *, height: int,
                 width: int, tolerance_px: float,
                 problems: _Problems) -> tuple[float, float, float, float] | None:
    if w <= 0 or h <= 0:
        sign = "negative" if min(w, h) < 0 else "zero"
        problems.add(entry, f"box [x={x:g}, y={y:g}, w={w:g}, h={h:g}] has {sign} size; a box "
                     "needs a positive width and height")
        return None
    if _outside((x, x + w), (y, y + h), height, width, tolerance_px) is not None:
        problems.add(entry, f"box [x={x:g}, y={y:g}, w={w:g}, h={h:g}] lies "
                     f"{_where(height, width, tolerance_px)}")
        return None
    return (x, y, w, h)


# ---- LabelMe ---------------------------------------------------------------------------


def _labelme(file: Path, data: dict[str, Any], categories: Mapping[str, int] | None,
             tolerance_px: float) -> AnnotatedImage:
    problems = _Problems(file)
    height: Any = data.get("imageHeight")
    width: Any = data.get("imageWidth")
    for key, value in (("imageHeight", height), ("imageWidth", width)):
        if value is None:
            problems.add("file", f"'{key}' is missing; LabelMe writes the image size there "
                         "(open and save the file in LabelMe, or add it)")
        elif not (_is_int(value) and value > 0):
            problems.add("file", f"'{key}' must be a positive integer, got {value!r}")
    path: Any = data.get("imagePath")
    shapes: Any = data.get("shapes")
    if not isinstance(path, str) or not path:
        problems.add("file", f"'imagePath' must name the image, got {path!r}")
    if not isinstance(shapes, list):
        problems.add("file", "'shapes' must be a list")
    sized = all(_is_int(value) and value > 0 for value in (height, width))
    if not (sized and isinstance(shapes, list)):  # the shapes cannot be checked without
        problems.raise_if_any("LabelMe")
    groups: dict[tuple[str, Any], list[tuple[int, tuple[float, ...], bool]]] = {}
    for index, shape in enumerate(shapes):
        checked = _labelme_shape(index, shape, height, width, categories, tolerance_px,
                                 problems)
        if checked is not None:
            label, group, polygon, is_box = checked
            group_key = (label, group if group is not None else f"shape {index}")
            groups.setdefault(group_key, []).append((index, polygon, is_box))
    problems.raise_if_any("LabelMe")
    table = tuple(sorted((n, name) for name, n in categories.items())) if categories else ()
    objects = tuple(_labelme_object(label, members, (height, width), categories)
                    for (label, _), members in groups.items())
    for obj in objects:
        if not (obj.box[2] > 0 and obj.box[3] > 0):
            problems.add(", ".join(f"shape {i}" for i in obj.shape_indices) +
                         f" ({obj.category!r}, polygon)", _NO_PIXEL)
    problems.raise_if_any("LabelMe")
    return AnnotatedImage(path, height, width, objects, None, str(file), "labelme", table)


#: A polygon (or RLE) whose mask is empty: its box, from the mask, would have no size.
_NO_PIXEL = ("covers no pixel (its mask, as pycocotools makes it, is empty: a polygon holds "
             "no pixel centre), so it has no box and could never be matched; redraw it or "
             "remove it")


def _labelme_shape(index: int, shape: Any, height: int, width: int,
                   categories: Mapping[str, int] | None, tolerance_px: float,
                   problems: _Problems) -> tuple[str, Any, tuple[float, ...], bool] | None:
    """A checked shape as (label, group_id, polygon, is a rectangle), or None."""
    entry = f"shape {index}"
    if not isinstance(shape, dict):
        problems.add(entry, "is not an object")
        return None
    label: Any = shape.get("label")
    kind: Any = shape.get("shape_type") or "polygon"
    group: Any = shape.get("group_id")
    points: Any = shape.get("points")
    entry = f"shape {index} ({label!r}, {kind})"
    before = len(problems.items)
    if not isinstance(label, str) or not label:
        problems.add(entry, "has no label")
    elif categories is not None and _nfc(label) not in categories:
        problems.add(entry, f"label {label!r} is not among the set's categories "
                     f"{sorted(categories)}")
    if kind not in _LABELME_TYPES:
        problems.add(entry, f"shape_type {kind!r} is not supported; draw objects as "
                     f"{' or '.join(_LABELME_TYPES)}")
    if group is not None and not _is_int(group):
        problems.add(entry, f"group_id must be an integer or null, got {group!r}")
    if not (isinstance(points, list) and all(
            isinstance(p, list) and len(p) == 2 and all(_is_number(v) for v in p)
            for p in points)):
        problems.add(entry, "points must be a list of [x, y] pairs of finite numbers")
        return None
    if len(problems.items) > before:
        return None
    label = _nfc(label)  # one category, one object with its group, in either form
    xs, ys = [float(p[0]) for p in points], [float(p[1]) for p in points]
    if kind == "rectangle":
        if len(points) != 2:
            problems.add(entry, f"a rectangle needs its 2 corners, got {len(points)} point(s)")
            return None
        box = _checked_box(entry, min(xs), min(ys), abs(xs[1] - xs[0]), abs(ys[1] - ys[0]),
                           height=height, width=width, tolerance_px=tolerance_px,
                           problems=problems)
        return None if box is None else (label, group, _rectangle(*box), True)
    polygon = _polygon(entry, [v for point in points for v in point], height, width,
                       tolerance_px, problems)
    return None if polygon is None else (label, group, polygon, False)


def _labelme_object(label: str, members: list[tuple[int, tuple[float, ...], bool]],
                    size: tuple[int, int], categories: Mapping[str, int] | None
                    ) -> AnnotatedObject:
    """One object from the shapes of a (label, group_id); box and area from pycocotools."""
    polygons = tuple(polygon for _, polygon, _ in members)
    indices = tuple(index for index, _, _ in members)
    number = categories[label] if categories is not None else None
    if len(members) == 1 and members[0][2]:
        x, y = polygons[0][0], polygons[0][1]
        w, h = polygons[0][2] - x, polygons[0][5] - y
        return AnnotatedObject(number, label, (x, y, w, h), False, w * h, "box", size,
                               polygons, None, None, indices)
    obj = AnnotatedObject(number, label, (0.0, 0.0, 0.0, 0.0), False, 0.0, "polygon", size,
                          polygons, None, None, indices)
    rle, api = obj.coco_rle(), mask_api()
    return dataclasses.replace(obj, box=_box4(api.toBbox(rle)), area=float(api.area(rle)))
