"""One COCO result (``{"image_id", "category_id", "score", "bbox" | "segmentation"}``)
checked: the common one told fine quickly, any other said what is wrong with it, for
:func:`medeval.loaders.coco_results.read_coco_results`'s refusal.

A leaf module, private.
"""

from __future__ import annotations

import math
import re
from typing import Any

#: A result's keys checked one by one; any other key's value is checked for a number
#: that is not finite (the per-case files are strict JSON).
_CHECKED = frozenset({"image_id", "category_id", "score", "bbox"})


def _plainly_fine(item: Any) -> bool:
    """The common result, told fine quickly (integer ids, a float score, a box of 4
    numbers whose sum is finite; any other key text, an integer or an RLE whose counts
    are text, as detectron2 and mmdetection write masks); anything else is looked at by
    :func:`_result_problems`, which alone says what is wrong."""
    try:
        box, score = item["bbox"], item["score"]
        return (type(item["image_id"]) is int and type(item["category_id"]) is int
                and type(score) is float and math.isfinite(score)
                and type(box) is list and len(box) == 4
                and all(type(v) is float or type(v) is int for v in box)
                and math.isfinite(sum(box))
                and all(type(v) is str or type(v) is int or _text_rle(v)
                        for k, v in item.items() if k not in _CHECKED))
    except (TypeError, KeyError, OverflowError):  # an int past any float: told below
        return False


def _text_rle(value: Any) -> bool:
    """A compressed RLE (``{"size": [h, w], "counts": "..."}``), told fine quickly."""
    return (type(value) is dict and type(value.get("counts")) is str
            and type(value.get("size")) is list
            and all(type(v) is int for v in value["size"]))


def _not_finite(value: Any) -> bool:
    """Whether ``value`` holds, at any depth, a number that is not finite."""
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(map(_not_finite, value.values()))
    if isinstance(value, list):
        return any(map(_not_finite, value))
    return False


def _result_problems(item: Any, *, stems: bool) -> list[str]:
    if not isinstance(item, dict):
        return [f"not an object (a {type(item).__name__})"]
    problems = [f"no {key!r}" for key in ("image_id", "category_id", "score")
                if key not in item]
    if "bbox" not in item and "segmentation" not in item:
        problems.append("neither a 'bbox' nor a 'segmentation'")
    image_id = item.get("image_id")
    if stems and "image_id" in item and not (
            _is_int(image_id) or (isinstance(image_id, str) and image_id)):
        problems.append(f"image_id {image_id!r} is not a file stem (a string or an integer)")
    elif not stems and "image_id" in item and not _is_int(image_id):
        problems.append(f"image_id {image_id!r} is not an integer"
                        + (_string_id_hint(image_id) if isinstance(image_id, str) else ""))
    if "category_id" in item and not _is_int(item["category_id"]):
        problems.append(f"category_id {item['category_id']!r} is not an integer")
    if "score" in item and not (_is_number(item["score"]) and _finite(item["score"])):
        problems.append(f"score {item['score']!r} is not a finite number")
    if "bbox" in item:
        box = item["bbox"]
        if not (isinstance(box, list) and len(box) == 4 and all(map(_is_number, box))):
            problems.append(f"bbox {box!r:.80} is not [x, y, width, height] (4 numbers)")
        elif not all(map(_finite, box)):
            problems.append(f"bbox {box!r} holds a number that is not finite")
    problems += [f"{key} holds a number that is not finite" for key, value in item.items()
                 if key not in _CHECKED and _not_finite(value)]
    return problems


def _string_id_hint(image_id: str) -> str:
    """What a string image id looks like, and what to do."""
    if image_id.isascii() and image_id.isdigit():
        return (" (a number written as a string? COCO image ids are JSON numbers; if it is "
                "the frame's file stem, give image ids as stems: --image-ids stem)")
    if "/" in image_id or "\\" in image_id or _IMAGE_SUFFIX.search(image_id):
        return (" (a file name? COCO results name an image by the integer id of the COCO "
                "file's images; YOLO's COCO export writes the frame's file stem, without "
                "folder or suffix, read with --image-ids stem)")
    return (" (a file stem, as YOLO's COCO export writes it? give image ids as stems: "
            "--image-ids stem)")


_IMAGE_SUFFIX = re.compile(r"\.(jpe?g|png|bmp|tiff?|dcm)$", re.IGNORECASE)


def _of(item: Any) -> str:
    if isinstance(item, dict) and (_is_int(item.get("image_id"))
                                   or isinstance(item.get("image_id"), str)):
        return f" (image_id {item['image_id']!r})"
    return ""


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _finite(value: float) -> bool:
    """A number that is finite as a float: not NaN or infinite, nor a JSON integer too
    large for any float (``float()`` overflows)."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False
