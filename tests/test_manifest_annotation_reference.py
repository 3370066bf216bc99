"""A LabelMe or COCO annotation file named as a segmentation reference: the task reads
masks (images or volumes), not polygons. The manifest check refused it as 'is not a
reference of kind 'image' as this task needs (format found: unknown)', which does not say
that the file is an annotation nor what to do; it now says to rasterise the polygons into
a mask image, and the advice, followed, gives a mask that pycocotools (the COCO project's
own rasteriser, used here directly) draws from the same polygon. Found in the onnx-pass."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pycocotools import mask as coco_mask

from medeval.errors import ManifestError
from medeval.loaders import read_case_annotations
from medeval.manifest import Manifest

POLYGON = [[4.0, 3.0], [20.0, 5.0], [17.0, 14.0], [6.0, 12.0]]  # x, y in pixels


def make_set(root: Path, reference: str) -> Path:
    (root / "frames").mkdir()
    (root / "labels").mkdir()
    Image.fromarray(np.full((16, 24), 90, np.uint8)).save(root / "frames" / "c1.png")
    (root / "labels" / "c1.json").write_text(json.dumps({
        "version": "5.4.1", "flags": {}, "imagePath": "../frames/c1.png", "imageData": None,
        "imageHeight": 16, "imageWidth": 24,
        "shapes": [{"label": "nodule", "points": POLYGON, "group_id": None,
                    "shape_type": "polygon", "flags": {}}]}))
    (root / "notes.txt").write_text("not an image")
    path = root / "manifest.csv"
    path.write_text(f"case_id,patient_id,input,reference\nc1,p1,frames/c1.png,{reference}\n")
    return path


@pytest.mark.parametrize("kind", ["image", "segmentation"])
def test_an_annotation_file_as_a_mask_reference_says_to_rasterise_it(tmp_path, kind):
    manifest = Manifest.from_csv(make_set(tmp_path, "labels/c1.json"), reference_kind=kind)
    with pytest.raises(ManifestError) as info:
        manifest.validate()
    (problem,) = info.value.problems
    assert problem.startswith(f"case c1: reference 'labels/c1.json': is not a reference of "
                              f"kind {kind!r} as this task needs (format found: unknown); "
                              "a JSON file (a LabelMe or COCO annotation?)")
    assert problem.endswith(" (see 'JSON annotation as a mask' below)")
    message = str(info.value)  # what to do is said once, below the problems
    assert message.count("rasterise") == 1
    # the call as printed names every argument the function requires (root is
    # keyword-only and required: 'read_case_annotations(path)' raised a TypeError)
    call = message[message.index("read_case_annotations("):].partition(").masks()")[0]
    required = [name for name, p in inspect.signature(read_case_annotations).parameters.items()
                if p.default is p.empty and p.kind is p.KEYWORD_ONLY]
    assert required == ["root"] and all(f"{name}=" in call for name in required)


def test_the_advice_followed_gives_the_polygon_as_pycocotools_draws_it(tmp_path):
    make_set(tmp_path, "labels/c1.json")
    mask = read_case_annotations("labels/c1.json", root=tmp_path).masks()
    mask = mask.any(axis=0).astype(np.uint8)
    flat = [v for point in POLYGON for v in point]
    expected = coco_mask.decode(coco_mask.merge(coco_mask.frPyObjects([flat], 16, 24)))
    assert mask.sum() > 50 and np.array_equal(mask, expected)
    Image.fromarray(mask).save(tmp_path / "labels" / "c1.png")
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input,reference\nc1,p1,frames/c1.png,labels/c1.png\n")
    Manifest.from_csv(tmp_path / "manifest.csv", reference_kind="image").validate(
        read_files=True)


def test_another_file_of_the_wrong_kind_gets_no_annotation_hint(tmp_path):
    manifest = Manifest.from_csv(make_set(tmp_path, "notes.txt"), reference_kind="image")
    with pytest.raises(ManifestError) as info:
        manifest.validate()
    assert info.value.problems[0].endswith("(format found: unknown)")
