"""A COCO annotation whose segmentation is unusable is refused for that reason alone:
it does have a segmentation (pycocotools' ``COCO`` index keeps it, under the key
``segmentation``), so "has neither a bbox nor a segmentation" is not said of it."""

from __future__ import annotations

import json

import pytest

from medeval.errors import LoaderError
from medeval.loaders import read_annotation_file

IMAGES = [{"id": 1, "file_name": "a.png", "height": 10, "width": 12}]
CATEGORIES = [{"id": 1, "name": "polyp"}]


def problems_of(tmp_path, annotation):
    file = tmp_path / "set.json"
    file.write_text(json.dumps({"images": IMAGES, "annotations": [annotation],
                                "categories": CATEGORIES}), encoding="utf-8")
    with pytest.raises(LoaderError) as info:
        read_annotation_file(file)
    return [line.strip()[2:] for line in str(info.value).splitlines()[1:]]


@pytest.mark.parametrize(("segmentation", "said"), [
    ({"size": [12, 10], "counts": [120]},  # size swapped: [height, width] is [10, 12]
     "RLE size [12, 10] is not its image's [height, width] = [10, 12]"),
    ({"size": [10, 12], "counts": [112]},  # 112 of the 10 x 12 = 120 pixels
     "uncompressed RLE counts sum to 112, not the image's 10 x 12 = 120 pixels"),
    ([[0, 0, 12.5, 0, 5, 5]],  # x = 12.5 beyond the width of 12
     "polygon 0: vertex 1 (x=12.5, y=0) lies outside the image"),
])
def test_an_unusable_segmentation_is_one_problem(tmp_path, segmentation, said):
    from pycocotools.coco import COCO

    annotation = {"id": 11, "image_id": 1, "category_id": 1, "segmentation": segmentation}
    coco = COCO()
    coco.dataset = {"images": IMAGES, "annotations": [annotation], "categories": CATEGORIES}
    coco.createIndex()
    assert "segmentation" in coco.anns[11]  # the file has one, whatever its worth
    (problem,) = problems_of(tmp_path, annotation)
    assert problem.startswith("annotation id 11 (annotations[0]): ") and said in problem


def test_no_shape_at_all_is_said_so(tmp_path):
    for annotation in ({"id": 11, "image_id": 1, "category_id": 1},
                       {"id": 11, "image_id": 1, "category_id": 1, "segmentation": []}):
        assert problems_of(tmp_path, annotation) == [
            "annotation id 11 (annotations[0]): has neither a bbox nor a segmentation"]
