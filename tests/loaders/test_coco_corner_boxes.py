"""A COCO reference whose ``bbox`` is its own segmentation's extent written as corners
``[x1, y1, x2, y2]`` (Pascal VOC's form, as converters write it) is refused.

pycocotools reads such a file without a word, and COCO AP with ``iou_type = "bbox"``
then scores a box larger than the lesion. The extents here are pycocotools'
``toBbox`` of the object's mask, or worked by hand from the polygon's vertices.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from pycocotools import mask as mask_utils

from medeval.errors import LoaderError
from medeval.loaders import read_annotation_file

HEIGHT, WIDTH = 60, 80


def write(tmp_path, annotations):
    path = tmp_path / "set.json"
    path.write_text(json.dumps({
        "images": [{"id": 1, "file_name": "f.png", "height": HEIGHT, "width": WIDTH}],
        "categories": [{"id": 1, "name": "polyp"}],
        "annotations": [{"id": k + 1, "image_id": 1, "category_id": 1, "iscrowd": 0, **a}
                        for k, a in enumerate(annotations)]}))
    return path


def ring():
    """A polyp with a hole, as a compressed RLE (the only COCO form of a hole)."""
    mask = np.zeros((HEIGHT, WIDTH), np.uint8)
    mask[12:40, 20:50] = 1
    mask[20:30, 30:40] = 0
    rle = mask_utils.encode(np.asfortranarray(mask))
    return {"size": [HEIGHT, WIDTH], "counts": rle["counts"].decode()}, rle


def test_corner_boxes_are_refused_naming_the_annotation(tmp_path):
    segmentation, rle = ring()
    x, y, w, h = (float(v) for v in mask_utils.toBbox(rle))
    assert (x, y, w, h) == (20.0, 12.0, 30.0, 28.0)
    path = write(tmp_path, [
        # the square (10, 10)-(30, 30): its extent by hand x 10..30, y 10..30
        {"bbox": [10, 10, 30, 30], "segmentation": [[10, 10, 30, 10, 30, 30, 10, 30]]},
        {"bbox": [x, y, x + w, y + h], "segmentation": segmentation},
    ])
    with pytest.raises(LoaderError) as caught:
        read_annotation_file(path)
    text = str(caught.value)
    assert "2 problem(s)" in text
    assert ("annotation id 1 (annotations[0]): bbox [x=10, y=10, w=30, h=30] is not its "
            "polygons' extent, [x=10, y=10, w=20, h=20], but its corners [x1, y1, x2, y2]: "
            "COCO's bbox is [x, y, width, height]") in text
    assert ("annotation id 2 (annotations[1]): bbox [x=20, y=12, w=50, h=40] is not its "
            "RLE mask's extent, [x=20, y=12, w=30, h=28], but its corners") in text


def test_boxes_of_their_shapes_and_other_boxes_are_read_as_written(tmp_path):
    segmentation, rle = ring()
    box = [float(v) for v in mask_utils.toBbox(rle)]
    path = write(tmp_path, [
        {"bbox": [10.2, 10.4, 19.6, 20.1],  # a polygon's float extent, as COCO writes it
         "segmentation": [[10.2, 10.4, 29.8, 10.4, 29.8, 30.5, 10.2, 30.5]]},
        {"bbox": box, "segmentation": segmentation},
        # at the origin corners and size are one box: nothing to refuse
        {"bbox": [0, 0, 8, 6], "segmentation": [[0, 0, 8, 0, 8, 6, 0, 6]]},
        # a box of one part of a two-part object: not corners, left as written
        {"bbox": [0, 40, 6, 3], "segmentation": [[0, 40, 6, 40, 0, 43],
                                                 [60, 40, 70, 40, 70, 50, 60, 50]]},
    ])
    (image,) = read_annotation_file(path)
    assert [o.box for o in image.objects] == [
        (10.2, 10.4, 19.6, 20.1), tuple(box), (0.0, 0.0, 8.0, 6.0), (0.0, 40.0, 6.0, 3.0)]


@pytest.mark.parametrize(("counts", "shown"), [
    ([50, -10, 80], "got [50, -10, 80]"),      # a negative run: sums to 120, still refused
    ("", "got ''"),                            # an empty compressed string
    ([60.0, 60.0], "got [60.0, 60.0]"),        # runs as floats, as some writers give them
    (None, "got missing"),
])
def test_rle_counts_that_are_no_runs_are_shown(tmp_path, counts, shown):
    # a 10 x 12 image: 120 pixels; each counts is refused, and the message shows it
    rle = {"size": [10, 12]} if counts is None else {"size": [10, 12], "counts": counts}
    path = tmp_path / "set.json"
    path.write_text(json.dumps({
        "images": [{"id": 1, "file_name": "f.png", "height": 10, "width": 12}],
        "categories": [{"id": 1, "name": "polyp"}],
        "annotations": [{"id": 7, "image_id": 1, "category_id": 1, "iscrowd": 1,
                         "segmentation": rle}]}))
    with pytest.raises(LoaderError) as caught:
        read_annotation_file(path)
    assert ("annotation id 7 (annotations[0]): RLE counts must be a compressed string or a "
            f"list of run lengths (integers >= 0), {shown}") in str(caught.value)
