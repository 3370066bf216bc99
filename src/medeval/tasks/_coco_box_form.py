"""Notes on result boxes that look written in another form than COCO's (private).

A COCO result box is ``[x, y, width, height]`` in pixels of the frame. Two other forms
are common in detectors' own outputs, and both score without an error, near AP 0:

- corners ``[x1, y1, x2, y2]`` (torchvision, mmdetection's raw outputs, Pascal VOC);
- coordinates normalised to the frame, ``0 <= v <= 1`` (YOLO's label files).

Nothing in a box says which form it is in, so medeval scores the boxes as given, as
``COCOeval`` would, and the result's warnings say what the set's boxes look like: every
box within ``[0, 1]`` on frames larger than that, or every box a valid corner box inside
its frame while some reach past the frame's edge read as COCO's width and height.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .base import CaseRow

__all__ = ["box_form_texts"]

#: How far (px) a box may reach past its frame before it counts as reaching past it.
_SLACK_PX = 1.0


def box_form_texts(rows: Sequence[CaseRow]) -> list[str]:
    """The result's warnings about the form of the set's result boxes (see the module)."""
    boxes = [(row.case_id, d["bbox"], row.values["_image"]["height"],
              row.values["_image"]["width"])
             for row in rows for d in row.values["_detections"] if "bbox" in d]
    if not boxes:
        return []
    return _normalised(boxes) or _corners(boxes)


def _shown(item: tuple[str, list[float], int, int]) -> str:
    case, box, height, width = item
    return (f"case {case}: [{', '.join(f'{v:g}' for v in box)}] on a frame {width} px "
            f"wide, {height} px high")


def _normalised(boxes: list[tuple[str, Any, int, int]]) -> list[str]:
    if not all(0.0 <= v <= 1.0 for _, box, _, _ in boxes for v in box):
        return []
    if all(height <= 1 or width <= 1 for _, _, height, width in boxes):
        return []
    return [f"every one of the {len(boxes)} result box(es) lies within [0, 1] (e.g. "
            f"{_shown(boxes[0])}): are they normalised to the frame's size? COCO results "
            "give [x, y, width, height] in pixels; they were scored as given"]


def _corners(boxes: list[tuple[str, Any, int, int]]) -> list[str]:
    def as_corners(box: Any, height: int, width: int) -> bool:
        x1, y1, x2, y2 = box
        return bool(x1 < x2 <= width + _SLACK_PX and y1 < y2 <= height + _SLACK_PX)

    def past(box: Any, height: int, width: int) -> bool:
        x, y, w, h = box
        return bool(x + w > width + _SLACK_PX or y + h > height + _SLACK_PX)

    if not all(as_corners(box, height, width) for _, box, height, width in boxes):
        return []
    reaching = [item for item in boxes if past(item[1], item[2], item[3])]
    if not reaching:
        return []
    return [f"{len(reaching)} of the {len(boxes)} result box(es) reach past their frame's "
            f"right or bottom edge read as COCO's [x, y, width, height] (e.g. "
            f"{_shown(reaching[0])}), while every box lies inside its frame read as corners "
            "[x1, y1, x2, y2]: were corners given? COCO results give the width and height; "
            "they were scored as given"]
