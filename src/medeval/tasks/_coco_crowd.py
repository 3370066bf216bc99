"""The note of a ``coco-detection`` reference holding crowd regions (``iscrowd = 1``).

COCO marks with ``iscrowd = 1`` a region of many objects not told apart: COCO AP
ignores it (a detection on it is neither a hit nor a false positive) and the FROC does
not count it as a lesion. Annotation tools also write it for a single object drawn as a
mask: CVAT's COCO export gives every brush mask an RLE with ``iscrowd = 1``
(ultralytics/JSON2YOLO issue 38), and the COCO format has no other way to write a
lesion with a hole. Such lesions are then silently not scored; the result says how many.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["crowd_texts"]


def crowd_texts(reference: Mapping[str, Any]) -> list[str]:
    """One note naming how many reference objects are crowd regions, in how many images,
    and one case holding one (the first in image order); none without crowd regions."""
    crowd = [a for a in reference["annotations"] if a.get("iscrowd")]
    if not crowd:
        return []
    case_of = {image["id"]: image.get("case_id", image["id"]) for image in reference["images"]}
    images = {a["image_id"] for a in crowd}
    first = min(images)
    return [f"{len(crowd)} of {len(reference['annotations'])} reference object(s), in "
            f"{len(images)} image(s) (e.g. case {case_of[first]}), are crowd regions "
            "(iscrowd = 1): COCO AP ignores them and the FROC does not count them as "
            "lesions (a detection on one is a false positive there); annotation tools "
            "write iscrowd = 1 for objects drawn as masks (CVAT's COCO RLE): if they are "
            "lesions, set iscrowd to 0 in the reference"]
