"""A detector's COCO result read for scoring: its bounding box and its segmentation (a
polygon list or an RLE of the image's size, checked whole), and the boxes' corners for the
FROC match. Each reader returns the value or the problem in words, for the case's
``invalid-output`` detail.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from ..metrics._coco_input import far_vertex

__all__ = ["corners", "detection_box", "plain_number", "result_box", "result_rle"]


def plain_number(value: Any) -> bool:
    """A JSON number (not a boolean)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def result_box(value: Any) -> tuple[list[float] | None, str | None]:
    """A result's ``bbox`` as ``[x, y, width, height]`` floats, or the problem."""
    if not (isinstance(value, list) and len(value) == 4 and all(map(plain_number, value))):
        return None, f"bbox {value!r} is not [x, y, width, height] (4 numbers)"
    box = [float(v) for v in value]
    if not all(map(math.isfinite, box)) or box[2] < 0 or box[3] < 0:
        return None, f"bbox {value!r} is not finite or has a negative width or height"
    return box, None


def result_rle(value: Any, height: int, width: int) -> tuple[dict[str, Any] | None, str | None]:
    """A result's segmentation as one compressed RLE of the image's size."""
    from ..loaders._annotated import mask_api
    from ..loaders._annotation_json import compressed_runs

    api = mask_api()
    try:
        if isinstance(value, list) and value and all(isinstance(p, list) for p in value):
            if any(len(p) < 6 or len(p) % 2 or not all(map(plain_number, p)) for p in value):
                raise ValueError("a polygon is a flat list of at least 3 x, y pairs")
            far = far_vertex(value, height, width)
            if far is not None:
                raise ValueError(f"{far}: was the detector run on a resized frame?")
            rle = api.merge(api.frPyObjects(value, height, width))
        elif isinstance(value, dict) and "counts" in value and "size" in value:
            if list(value["size"]) != [height, width]:
                raise ValueError(f"RLE size {value['size']!r} is not the image's [height, "
                                 f"width] = [{height}, {width}]")
            counts = value["counts"]
            # pycocotools reads damaged counts without a word (past the string's end, or
            # leaving pixels unset): the runs must be whole and cover the image
            if isinstance(counts, list) and counts and all(
                    isinstance(c, int) and not isinstance(c, bool) and c >= 0 for c in counts):
                runs: Any = counts
            elif isinstance(counts, str):
                runs = compressed_runs(counts)
                if runs is None or runs.min() < 0:
                    raise ValueError(f"counts {counts!r:.40} is not a COCO compressed RLE "
                                     "string")
            else:
                raise ValueError("RLE counts must be a compressed string or a list of run "
                                 "lengths")
            if int(sum(runs)) != height * width:
                raise ValueError(f"RLE runs sum to {int(sum(runs))}, not the image's "
                                 f"{height} x {width} = {height * width} pixels")
            rle = (api.frPyObjects(value, height, width) if isinstance(counts, list)
                   else {"size": [height, width], "counts": counts.encode("ascii")})
        else:
            raise ValueError("not polygons or an RLE {\"size\": [h, w], \"counts\": ...}")
        rle = dict(rle)
    except Exception as exc:  # pycocotools raises several kinds on a bad shape
        return None, f"segmentation cannot be read ({exc})"
    return rle, None


def detection_box(detection: Mapping[str, Any]) -> list[float]:
    """A read result's box: its ``bbox``, or its segmentation's bounding box."""
    if "bbox" in detection:
        return list(detection["bbox"])
    from ..loaders._annotated import mask_api

    return [float(v) for v in mask_api().toBbox(detection["segmentation"])]


def corners(box: Sequence[float]) -> list[float]:
    """``[x, y, width, height]`` as ``[x0, y0, x1, y1]``."""
    x, y, w, h = (float(v) for v in box)
    return [x, y, x + w, y + h]
