"""COCO and LabelMe annotation files (medeval.loaders.annotations_2d).

Expected values come from outside medeval: pycocotools' own ``COCO`` API (``getAnnIds``,
``loadAnns``, ``annToMask``) reading the same files, masks drawn by hand with the pixel
counts worked out in comments, and LabelMe files written by hand in LabelMe's schema (as in
wkentaro/labelme's ``examples/bbox_detection/data_annotated/*.json``: version, flags,
shapes of label / points / group_id / shape_type / flags, imagePath, imageData,
imageHeight, imageWidth).
"""

from __future__ import annotations

import json
import os

import numpy as np
import pycocotools.mask as mask_utils
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pycocotools.coco import COCO

from medeval.errors import LoaderError
from medeval.loaders import (
    AnnotatedImage,
    AnnotatedObject,
    annotation_problems,
    annotations_2d,
    coco_ground_truth,
    read_annotation_file,
    read_case_annotations,
    split_reference,
    to_coco_dataset,
)

pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")


def write(folder, name, data):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


def hand_mask(height, width, rows, cols):
    out = np.zeros((height, width), dtype=bool)
    out[rows, cols] = True
    return out


# A 10 x 12 frame (height 10, width 12) with one of each kind of COCO segmentation.
# The compressed RLE is pycocotools.mask.encode of a hand-drawn block (rows 6-8, cols 1-3).
BLOCK = hand_mask(10, 12, slice(6, 9), slice(1, 4))
BLOCK_RLE = mask_utils.encode(np.asfortranarray(BLOCK.astype(np.uint8)))
# Uncompressed RLE, column-major runs: column 0 is empty (10 zeros), column 1 has rows
# 0-1 set (2 ones), then zeros to the end: 10 + 2 + (120 - 12) = 120 pixels.
UNCOMPRESSED = {"size": [10, 12], "counts": [10, 2, 108]}


def coco_set():
    """A fresh copy each time (tests change it)."""
    return json.loads(json.dumps({
        "info": {"description": "hand-made"},
        "images": [
            {"id": 4, "file_name": "frames/a.png", "height": 10, "width": 12},
            {"id": 9, "file_name": "frames/b.png", "height": 10, "width": 12},
            {"id": 2, "file_name": "frames/empty.png", "height": 10, "width": 12},
        ],
        "categories": [{"id": 1, "name": "polyp", "supercategory": "lesion"},
                       {"id": 5, "name": "ulcer", "supercategory": "lesion"}],
        "annotations": [
            # triangle (0,0), (6,0), (0,3): see test_triangle_pixels_by_hand; and a square
            # part of the same object (2 polygons, one object)
            {"id": 11, "image_id": 4, "category_id": 1, "iscrowd": 0, "area": 9.0,
             "bbox": [0, 0, 6, 3], "segmentation": [[0, 0, 6, 0, 0, 3],
                                                    [8, 6, 12, 6, 12, 10, 8, 10]]},
            {"id": 12, "image_id": 4, "category_id": 5, "iscrowd": 1, "area": 9,
             "bbox": [1, 6, 3, 3],
             "segmentation": {"size": [10, 12],
                              "counts": BLOCK_RLE["counts"].decode("ascii")}},
            {"id": 13, "image_id": 9, "category_id": 5, "iscrowd": 0,
             "bbox": [1, 0, 1, 2], "segmentation": UNCOMPRESSED},
            {"id": 14, "image_id": 9, "category_id": 1, "bbox": [2.5, 3.5, 4, 2]},
        ],
    }))


def test_triangle_pixels_by_hand(tmp_path):
    # Pixel (row i, column j) is the square [j, j+1) x [i, i+1), centre (j + .5, i + .5);
    # pycocotools keeps the pixels whose centre is inside. The hypotenuse of (0,0), (6,0),
    # (0,3) is x + 2y = 6: centre inside when (j + .5) + 2 (i + .5) < 6, i.e. j + 2i <= 4
    # (no centre lies on it: j + 2i = 4.5 has no integer solution).
    # Row 0: j <= 4 -> 5 pixels; row 1: j <= 2 -> 3; row 2: j <= 0 -> 1; total 9.
    expected = np.zeros((10, 12), dtype=bool)
    expected[0, 0:5] = expected[1, 0:3] = expected[2, 0:1] = True
    assert expected.sum() == 9
    data = coco_set()
    data["annotations"] = [{"id": 1, "image_id": 4, "category_id": 1, "bbox": [0, 0, 6, 3],
                            "segmentation": [[0, 0, 6, 0, 0, 3]]}]
    (image, *_) = read_annotation_file(write(tmp_path, "t.json", data))
    (obj,) = image.objects
    assert obj.shape == "polygon"
    assert np.array_equal(obj.mask(), expected)
    assert obj.area == 9.0  # no area in the file: pycocotools.mask.area of the mask


def test_coco_objects_match_pycocotools(tmp_path):
    path = write(tmp_path, "set.json", coco_set())
    images = read_annotation_file(path)
    coco = COCO(str(path))
    assert [i.image_id for i in images] == [4, 9, 2]  # the file's order
    for image in images:
        info = coco.loadImgs(image.image_id)[0]
        assert (image.file_name, image.height, image.width) == (
            info["file_name"], info["height"], info["width"])
        anns = coco.loadAnns(coco.getAnnIds(imgIds=image.image_id))
        assert [o.annotation_id for o in image.objects] == [a["id"] for a in anns]
        for obj, ann in zip(image.objects, anns):
            assert obj.category_id == ann["category_id"]
            assert obj.category == coco.loadCats(ann["category_id"])[0]["name"]
            assert obj.box == tuple(ann["bbox"])
            assert obj.iscrowd == bool(ann.get("iscrowd", 0))
            if "segmentation" in ann:
                truth = coco.annToMask(ann).astype(bool)
                assert np.array_equal(obj.mask(), truth), ann["id"]
        assert image.masks().shape == (len(image.objects), 10, 12)
    assert images[2].objects == ()
    a, b = images[0].objects, images[1].objects
    assert [o.shape for o in (*a, *b)] == ["polygon", "rle", "rle", "box"]
    assert a[0].area == 9.0 and a[1].area == 9.0  # as the file says
    assert np.array_equal(a[1].mask(), BLOCK)  # the hand-drawn block back
    assert a[1].iscrowd and not a[0].iscrowd
    # 2 polygons, one object: the triangle's 9 pixels and the 4 x 4 square's 16
    assert a[0].mask().sum() == 9 + 16
    # the uncompressed RLE: column 1, rows 0 and 1; its area from pycocotools: 2
    assert np.array_equal(b[0].mask(), hand_mask(10, 12, slice(0, 2), 1)) and b[0].area == 2
    # box only: area w * h; its mask the box (rows 3.5-5.5, cols 2.5-6.5 -> centres in
    # rows 4, 5 and columns 3, 4, 5, 6: 8 pixels)
    assert b[1].area == 8.0 and b[1].polygons == ((2.5, 3.5, 6.5, 3.5, 6.5, 5.5, 2.5, 5.5),)
    assert np.array_equal(b[1].mask(), hand_mask(10, 12, slice(4, 6), slice(3, 7)))
    assert images[0].categories == ((1, "polyp"), (5, "ulcer"))


def labelme(shapes, *, path="frame.png", height=10, width=12, **extra):
    """A LabelMe file as LabelMe 5 writes it (imageData null: the image is beside it)."""
    data = {"version": "5.4.1", "flags": {}, "shapes": shapes, "imagePath": path,
            "imageData": None, "imageHeight": height, "imageWidth": width}
    data.update(extra)
    return data


def shape(label, points, shape_type="polygon", group_id=None):
    return {"label": label, "points": points, "group_id": group_id, "description": "",
            "shape_type": shape_type, "flags": {}, "mask": None}


def test_labelme_polygon_rectangle_and_group(tmp_path):
    path = write(tmp_path, "frame.json", labelme([
        shape("polyp", [[0, 0], [6, 0], [0, 3]]),                 # the 9-pixel triangle
        shape("polyp", [[7, 5], [4, 2]], "rectangle"),             # corners in any order
        shape("ulcer", [[8, 6], [12, 6], [12, 10], [8, 10]], group_id=3),
        shape("ulcer", [[0, 8], [2, 8], [2, 10]], group_id=3),     # same group: one object
        shape("ulcer", [[0, 5], [2, 5], [2, 7]], group_id=4),
    ]))
    (image,) = read_annotation_file(path, categories={"polyp": 1, "ulcer": 2})
    assert (image.file_name, image.height, image.width, image.format) == (
        "frame.png", 10, 12, "labelme")
    assert image.image_id is None and image.categories == ((1, "polyp"), (2, "ulcer"))
    tri, rect, grouped, single = image.objects
    assert [o.shape_indices for o in image.objects] == [(0,), (1,), (2, 3), (4,)]
    assert [o.category_id for o in image.objects] == [1, 1, 2, 2]
    assert tri.mask().sum() == 9 and tri.box == (0.0, 0.0, 5.0, 3.0)  # toBbox: pixels
    # the rectangle x 4-7, y 2-5: rows 2, 3, 4 and columns 4, 5, 6
    assert rect.shape == "box" and rect.box == (4.0, 2.0, 3.0, 3.0) and rect.area == 9.0
    assert np.array_equal(rect.mask(), hand_mask(10, 12, slice(2, 5), slice(4, 7)))
    assert len(grouped.polygons) == 2 and grouped.area == grouped.mask().sum()
    assert not any(o.iscrowd for o in image.objects)
    # LabelMe polygons rasterise as the same polygons in a COCO file do in pycocotools
    coco_file = write(tmp_path, "same.json", {
        "images": [{"id": 1, "file_name": "frame.png", "height": 10, "width": 12}],
        "categories": [{"id": 1, "name": "ulcer"}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "iscrowd": 0,
                         "bbox": list(grouped.box), "area": grouped.area,
                         "segmentation": [[8, 6, 12, 6, 12, 10, 8, 10], [0, 8, 2, 8, 2, 10]]},
                        {"id": 2, "image_id": 1, "category_id": 1, "iscrowd": 0,
                         "bbox": [0, 5, 2, 2], "segmentation": [[0, 5, 2, 5, 2, 7]]}]})
    coco = COCO(str(coco_file))
    for obj, ann in zip((grouped, single), coco.loadAnns(coco.getAnnIds(imgIds=1))):
        assert np.array_equal(obj.mask(), coco.annToMask(ann).astype(bool))
        assert obj.box == tuple(mask_utils.toBbox(coco.annToRLE(ann)))


def test_labelme_without_categories_and_old_files(tmp_path):
    # LabelMe 3 files have no shape_type: their shapes are polygons
    old = {"flags": {}, "shapes": [{"label": "polyp", "points": [[1, 1], [4, 1], [1, 4]],
                                    "line_color": None, "fill_color": None}],
           "imagePath": "old.jpg", "imageData": None, "imageHeight": 5, "imageWidth": 5}
    (image,) = read_annotation_file(write(tmp_path, "old.json", old))
    assert image.objects[0].category_id is None and image.objects[0].shape == "polygon"
    assert image.categories == ()


# ---- the manifest convention ----------------------------------------------------------


@pytest.fixture
def root(tmp_path):
    write(tmp_path, "labels/set.json", coco_set())
    write(tmp_path, "labels/c9.json", labelme([shape("polyp", [[1, 1], [3, 3]], "rectangle")],
                                              path="c9.png"))
    one = coco_set()
    one["images"] = one["images"][2:]
    one["annotations"] = []
    write(tmp_path, "labels/one.json", one)
    return tmp_path


def test_read_case_by_file_name_id_or_own_file(root):
    assert read_case_annotations("labels/set.json#frames/b.png", root=root).image_id == 9
    assert read_case_annotations("labels/set.json#4", root=root).file_name == "frames/a.png"
    assert read_case_annotations("labels/one.json", root=root).file_name == "frames/empty.png"
    case = read_case_annotations("labels/c9.json", root=root, categories=["polyp"])
    assert case.objects[0].box == (1.0, 1.0, 2.0, 2.0) and case.objects[0].category_id == 1


@pytest.mark.parametrize("reference, words", [
    ("labels/set.json", ["holds 3 images", "name the case's image after '#'"]),
    ("labels/set.json#frames/zzz.png", ["no image has file_name 'frames/zzz.png'"]),
    ("labels/set.json#77", ["no image has file_name or id '77'"]),
    ("labels/set.json#", ["nothing after '#'"]),
    ("labels/c9.json#c9.png", ["a LabelMe file holds one image", "drop '#c9.png'"]),
    ("labels/none.json#1", ["no such file"]),
    ("../outside.json", ["outside the data root"]),
])
def test_read_case_refusals(root, reference, words):
    with pytest.raises(LoaderError) as info:
        read_case_annotations(reference, root=root)
    for word in words:
        assert word in str(info.value), str(info.value)


def test_split_reference():
    assert split_reference("a/set.json#frames/x#1.png") == ("a/set.json", "frames/x#1.png")
    assert split_reference("a/c1.json") == ("a/c1.json", None)
    with pytest.raises(LoaderError, match="no file path before '#'"):
        split_reference("#frames/x.png")


def test_selector_that_is_a_name_and_another_id_is_ambiguous(tmp_path):
    data = coco_set()
    data["images"][1]["file_name"] = "4"  # image 9 is named "4"; image 4 has id 4
    write(tmp_path, "set.json", data)
    with pytest.raises(LoaderError, match="one image's file_name and another's id"):
        read_case_annotations("set.json#4", root=tmp_path)


def test_set_wide_file_is_parsed_once(root):
    annotations_2d._parse_cached.cache_clear()
    for _ in range(2000):
        read_case_annotations("labels/set.json#frames/a.png", root=root)
    info = annotations_2d._parse_cached.cache_info()
    assert (info.misses, info.hits) == (1, 1999)
    # an edited file is parsed anew
    data = coco_set()
    data["annotations"] = []
    path = write(root, "labels/set.json", data)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert read_case_annotations("labels/set.json#frames/a.png", root=root).objects == ()


def test_annotation_problems_lists_every_case(root):
    write(root, "labels/broken.json", {"images": []})
    problems = annotation_problems({
        "c1": "labels/set.json#frames/a.png",
        "c2": "labels/set.json#frames/missing.png",
        "c3": "labels/absent.json",
        "c4": "labels/set.json#frames/a.png",      # the same image as c1
        "c5": "labels/broken.json#x", "c6": "labels/broken.json#y",
        "c7": "labels/c9.json", "c8": "labels/set.json",
        "c0": "../../etc/passwd",
    }, root=root)
    assert list(problems) == ["c0", "c2", "c3", "c4", "c5", "c6", "c8"]
    assert "no image has file_name 'frames/missing.png'" in problems["c2"]
    assert "no such file" in problems["c3"]
    assert "also case c1's" in problems["c4"]
    assert problems["c5"] == problems["c6"] and "'annotations' is missing" in problems["c5"]
    assert "outside the data root" in problems["c0"]
    assert annotation_problems({"c1": "labels/set.json#4"}, root=root) == {}


# ---- COCO ground truth for COCO AP -------------------------------------------------------


def as_coco(dataset):
    """The dict loaded by pycocotools itself, as COCO(annotation_file) would."""
    coco = COCO()
    coco.dataset = json.loads(json.dumps(dataset))  # through JSON, as from a file
    coco.createIndex()
    return coco


def test_coco_ground_truth_from_a_set_wide_file(root):
    cases = {"k2": "labels/set.json#frames/b.png", "k1": "labels/set.json#4",
             "k3": "labels/set.json#frames/empty.png"}
    dataset = coco_ground_truth(cases, root=root)
    coco = as_coco(dataset)
    # images numbered in file_name order: a (k1), b (k2), empty (k3)
    assert [(i["id"], i["case_id"], i["file_name"]) for i in dataset["images"]] == [
        (1, "k1", "frames/a.png"), (2, "k2", "frames/b.png"), (3, "k3", "frames/empty.png")]
    assert coco.getCatIds() == [1, 5]
    source = COCO(str(root / "labels/set.json"))
    for new_id, old_id in ((1, 4), (2, 9), (3, 2)):
        new = coco.loadAnns(coco.getAnnIds(imgIds=new_id))
        old = source.loadAnns(source.getAnnIds(imgIds=old_id))
        assert len(new) == len(old)
        for a, b in zip(new, old):
            assert a["bbox"] == b["bbox"] and a["category_id"] == b["category_id"]
            assert a["iscrowd"] == b.get("iscrowd", 0)
            assert np.array_equal(coco.annToMask(a), source.annToMask(b) if "segmentation"
                                  in b else coco.annToMask(a))
    # the box-only annotation became its box as a polygon; its mask is the box's pixels
    box_only = coco.loadAnns(coco.getAnnIds(imgIds=2))[1]
    assert box_only["segmentation"] == [[2.5, 3.5, 6.5, 3.5, 6.5, 5.5, 2.5, 5.5]]
    assert coco.annToMask(box_only).sum() == 8


def test_labelme_set_to_coco_scored_by_cocoeval(tmp_path):
    from pycocotools.cocoeval import COCOeval

    write(tmp_path, "b.json", labelme([shape("polyp", [[1, 1], [5, 4]], "rectangle")],
                                      path="b.png"))
    write(tmp_path, "a.json", labelme([shape("ulcer", [[0, 0], [6, 0], [0, 3]]),
                                       shape("polyp", [[6, 6], [9, 9]], "rectangle")],
                                      path="a.png"))
    dataset = coco_ground_truth({"cb": "b.json", "ca": "a.json"}, root=tmp_path)
    # ids by file name (a.png first), categories numbered in sorted label order
    assert [(i["id"], i["case_id"]) for i in dataset["images"]] == [(1, "ca"), (2, "cb")]
    assert dataset["categories"] == [{"id": 1, "name": "polyp", "supercategory": ""},
                                     {"id": 2, "name": "ulcer", "supercategory": ""}]
    assert [(a["id"], a["image_id"], a["category_id"]) for a in dataset["annotations"]] == [
        (1, 1, 2), (2, 1, 1), (3, 2, 1)]
    gt = as_coco(dataset)
    # the ground truth's own boxes as detections: COCO AP 1 (pycocotools computes it)
    detections = [{"image_id": a["image_id"], "category_id": a["category_id"],
                   "bbox": a["bbox"], "score": 0.9} for a in dataset["annotations"]]
    evaluation = COCOeval(gt, gt.loadRes(detections), "bbox")
    evaluation.evaluate(); evaluation.accumulate(); evaluation.summarize()
    assert evaluation.stats[0] == pytest.approx(1.0)  # AP @ IoU .50:.95, all areas
    assert evaluation.stats[8] == pytest.approx(1.0)  # AR, 100 detections


def test_to_coco_dataset_is_independent_of_order():
    def image(name, label):
        obj = AnnotatedObject(None, label, (0.0, 0.0, 1.0, 1.0), False, 1.0, "box", (2, 2),
                              ((0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0),))
        return AnnotatedImage(name, 2, 2, (obj,), None, f"{name}.json", "labelme")

    first = to_coco_dataset([image("x.png", "b"), image("w.png", "a")])
    second = to_coco_dataset([image("w.png", "a"), image("x.png", "b")])
    assert first == second and first["images"][0]["file_name"] == "w.png"
    with pytest.raises(LoaderError, match="1 images but 2 case ids"):
        to_coco_dataset([image("w.png", "a")], case_ids=["c1", "c2"])


def test_to_coco_dataset_refuses_conflicting_category_tables(tmp_path):
    one = coco_set()
    two = coco_set()
    two["categories"][0]["name"] = "adenoma"  # id 1 is polyp in one, adenoma in two
    write(tmp_path, "one.json", one)
    write(tmp_path, "two.json", two)
    with pytest.raises(LoaderError, match="conflict"):
        coco_ground_truth({"a": "one.json#4", "b": "two.json#9"}, root=tmp_path)
    write(tmp_path, "lm.json", labelme([shape("polyp", [[1, 1], [3, 3]], "rectangle")]))
    with pytest.raises(LoaderError, match="no category id"):
        coco_ground_truth({"a": "one.json#4", "b": "lm.json"}, root=tmp_path)
    mixed = coco_ground_truth({"a": "one.json#4", "b": "lm.json"}, root=tmp_path,
                              categories={"polyp": 1, "ulcer": 5})
    # frame.png (the LabelMe image) sorts before frames/a.png
    assert [a["category_id"] for a in mixed["annotations"]] == [1, 1, 5]


def test_coco_ground_truth_lists_every_unreadable_case(root):
    with pytest.raises(LoaderError) as info:
        coco_ground_truth({"a": "labels/set.json#nope", "b": "gone.json",
                           "c": "labels/set.json#4"}, root=root)
    message = str(info.value)
    assert "2 of 3 case(s) cannot be read" in message
    assert "case a:" in message and "case b:" in message and "case c:" not in message


# ---- refusals: each names the file, the entry and the problem ----------------------------


def refused(path, *words, **options):
    with pytest.raises(LoaderError) as info:
        read_annotation_file(path, **options)
    message = str(info.value)
    assert str(path) in message, message
    for word in words:
        assert word in message, message
    return message


def coco_with(tmp_path, change):
    data = coco_set()
    change(data)
    return write(tmp_path, "bad.json", data)


def test_invalid_json_gives_line_and_column(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{\n  "images": [],\n  "annotations": [,]\n}', encoding="utf-8")
    refused(path, "not valid JSON", "line 3, column 19")


def test_neither_coco_nor_labelme(tmp_path):
    refused(write(tmp_path, "x.json", {"boxes": [[1, 2, 3, 4]]}),
            "neither a COCO dataset", "nor a LabelMe file", "keys ['boxes']")
    refused(write(tmp_path, "r.json", [{"image_id": 1, "bbox": [0, 0, 1, 1], "score": 1}]),
            "COCO results file")


@pytest.mark.parametrize("change, words", [
    (lambda d: d["annotations"][0].update(image_id=99),
     ["annotation id 11 (annotations[0])", "unknown image id 99"]),
    (lambda d: d["annotations"][2].update(category_id=3),
     ["annotation id 13 (annotations[2])", "unknown category id 3", "[1, 5]"]),
    (lambda d: d["annotations"][0].update(segmentation=[[0, 0, 12.5, 0, 0, 3]]),
     ["annotation id 11", "polygon 0", "vertex 1 (x=12.5, y=0)", "outside the image",
      "0 <= x <= 12", "tolerance 0 px"]),
    (lambda d: d["annotations"][0].update(segmentation=[[0, 0, 6, 0, 0, 3], [1, 1, 2, 2]]),
     ["annotation id 11", "polygon 1: has 2 point(s); a polygon needs at least 3"]),
    (lambda d: d["annotations"][3].update(bbox=[2, 3, -4, 2]),
     ["annotation id 14", "box [x=2, y=3, w=-4, h=2] has negative size"]),
    (lambda d: d["annotations"][1]["segmentation"].update(size=[12, 10]),
     ["annotation id 12", "RLE size [12, 10] is not its image's [height, width] = [10, 12]"]),
    (lambda d: d["annotations"][2]["segmentation"].update(counts=[10, 2, 100]),
     ["annotation id 13", "counts sum to 112, not the image's 10 x 12 = 120"]),
    (lambda d: d["images"].append({"id": 9, "file_name": "c.png", "height": 1, "width": 1}),
     ["images[3]", "duplicate image id 9 (also images[1])"]),
    (lambda d: d["images"].append({"id": 5, "file_name": "frames/a.png", "height": 1,
                                   "width": 1}),
     ["images[3]", "duplicate file_name 'frames/a.png' (also images[0])"]),
    (lambda d: d["annotations"].append(dict(d["annotations"][3])),
     ["annotation id 14 (annotations[4])", "duplicate annotation id (also annotations[3])"]),
    (lambda d: d["categories"].append({"id": 1, "name": "other"}),
     ["categories[2]", "duplicate category id 1"]),
    (lambda d: d.pop("categories"), ["'categories' is missing or not a list"]),
    (lambda d: d["annotations"][3].pop("bbox"), ["annotation id 14", "neither a bbox nor"]),
    (lambda d: d["images"][0].pop("height"), ["images[0]", "height missing or invalid"]),
])
def test_coco_refusals(tmp_path, change, words):
    refused(coco_with(tmp_path, change), *words)


def _counts(data, text):
    data["annotations"][1]["segmentation"]["counts"] = text


@pytest.mark.parametrize("text, words", [
    # pycocotools decodes "0" to a 10 x 12 mask of 0 then uninitialised bytes; "garbage!!"
    # and a cut string raise only when decoded (after the file has been accepted)
    ("0", ["annotation id 12", "runs sum to 0, not the image's 10 x 12 = 120"]),
    ("garbage!!", ["annotation id 12", "is not a COCO compressed RLE string"]),
    (BLOCK_RLE["counts"].decode("ascii")[:-1] + "k",  # a last run left unended
     ["annotation id 12", "is not a COCO compressed RLE string"]),
    # one run more: "2" is 2 plus the run two before it (3, the block's height): 5 pixels
    (BLOCK_RLE["counts"].decode("ascii") + "2",
     ["annotation id 12", "runs sum to 125, not the image's 10 x 12 = 120"]),
])
def test_damaged_compressed_rle_is_refused(tmp_path, text, words):
    refused(coco_with(tmp_path, lambda d: _counts(d, text)), *words)


def test_a_polygon_covering_no_pixel_is_refused(tmp_path):
    """Three points on one spot (a double click in LabelMe), and a sliver holding no pixel
    centre: pycocotools gives both an empty mask, so no box, and the object could never
    be matched; a box-only object of zero size is refused the same way."""
    dot, sliver = [[5, 5], [5, 5], [5, 5]], [[2.1, 2.1], [2.4, 2.1], [2.4, 2.4]]
    for points in (dot, sliver):
        flat = [v for p in points for v in p]
        assert mask_utils.area(mask_utils.merge(mask_utils.frPyObjects([flat], 10, 12))) == 0
    path = write(tmp_path, "lm.json", labelme([shape("polyp", [[1, 1], [6, 1], [1, 6]]),
                                               shape("polyp", dot), shape("polyp", sliver)]))
    refused(path, "shape 1 ('polyp', polygon): covers no pixel",
            "shape 2 ('polyp', polygon): covers no pixel")
    refused(coco_with(tmp_path, lambda d: d["annotations"][0].update(
        segmentation=[[v for p in sliver for v in p]], bbox=None)),
        "annotation id 11 (annotations[0]): covers no pixel")


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.integers(1, 40), st.integers(0, 2**31 - 1))
def test_every_pycocotools_rle_string_is_accepted(tmp_path_factory, height, width, seed):
    """Strings pycocotools encodes (any mask, any size) read back to the same pixels."""
    mask = np.random.default_rng(seed).random((height, width)) < 0.4
    mask[height // 2, width // 2] = True  # an object covers a pixel (else it is refused)
    rle = mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))
    data = {"images": [{"id": 1, "file_name": "a.png", "height": height, "width": width}],
            "categories": [{"id": 1, "name": "polyp"}],
            "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "segmentation": {
                "size": [height, width], "counts": rle["counts"].decode("ascii")}}]}
    path = write(tmp_path_factory.mktemp("rle"), "rle.json", data)
    (image,) = read_annotation_file(path)
    np.testing.assert_array_equal(image.objects[0].mask(), mask)


def test_vertex_on_the_edge_is_inside_and_tolerance_is_a_parameter(tmp_path):
    def edge(d):  # the whole image: vertices at x == width and y == height
        d["annotations"][0]["segmentation"] = [[0, 0, 12, 0, 12, 10, 0, 10]]

    (image, *_) = read_annotation_file(coco_with(tmp_path, edge))
    assert image.objects[0].mask().all()

    def beyond(d):
        d["annotations"][0]["segmentation"] = [[-0.4, 0, 12.4, 0, 12, 10.4]]

    path = coco_with(tmp_path, beyond)
    refused(path, "vertex 0 (x=-0.4, y=0)")
    (image, *_) = read_annotation_file(path, tolerance_px=0.5)
    assert image.objects[0].mask().shape == (10, 12)  # pycocotools cut it at the edge
    with pytest.raises(LoaderError, match="tolerance_px must be"):
        read_annotation_file(path, tolerance_px=-1)


def test_every_problem_of_a_file_is_listed_at_once(tmp_path):
    def many(d):
        d["annotations"][0]["image_id"] = 99
        d["annotations"][1]["category_id"] = 42
        d["annotations"][3]["bbox"] = [0, 0, 0, 1]

    message = refused(coco_with(tmp_path, many), "3 problem(s) in this COCO file",
                      "unknown image id 99", "unknown category id 42", "has zero size")
    assert message.count("\n  - ") == 3


def test_categories_given_must_agree_with_a_coco_file(tmp_path):
    path = write(tmp_path, "set.json", coco_set())
    assert read_annotation_file(path, categories={"polyp": 1, "ulcer": 5})
    refused(path, "categories[1]", "category id 5 'ulcer'", "'ulcer' id 2",
            categories=["polyp", "ulcer"])


@pytest.mark.parametrize("data, words", [
    (labelme([], height=None), ["'imageHeight' is missing"]),
    ({k: v for k, v in labelme([]).items() if k != "imageWidth"}, ["'imageWidth' is missing"]),
    (labelme([shape("polyp", [[0, 0], [13, 0], [0, 3]])]),
     ["shape 0 ('polyp', polygon)", "vertex 1 (x=13, y=0)", "outside the image"]),
    (labelme([shape("polyp", [[0, 0], [1, 1]]), shape("polyp", [[0, 0], [1, 1]])]),
     ["shape 0 ('polyp', polygon)", "shape 1", "has 2 point(s)"]),
    (labelme([shape("polyp", [[5, 5], [5, 8]], "rectangle")]),
     ["shape 0 ('polyp', rectangle)", "box [x=5, y=5, w=0, h=3] has zero size"]),
    (labelme([shape("polyp", [[5, 5], [13, 8]], "rectangle")]),
     ["shape 0 ('polyp', rectangle)", "lies outside the image"]),
    (labelme([shape("polyp", [[5, 5], [6, 6]], "circle")]),
     ["shape 0 ('polyp', circle)", "shape_type 'circle' is not supported",
      "polygon or rectangle"]),
    (labelme([shape("adenoma", [[1, 1], [2, 2]], "rectangle")]),
     ["shape 0 ('adenoma', rectangle)", "label 'adenoma' is not among", "['polyp', 'ulcer']"]),
])
def test_labelme_refusals(tmp_path, data, words):
    if data.get("imageHeight", 0) is None:
        data.pop("imageHeight")
    refused(write(tmp_path, "lm.json", data), *words, categories=["polyp", "ulcer"])


def test_not_utf8_and_not_a_file(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"shapes": [], "imagePath": "é"}'.encode("latin-1"))
    refused(path, "not UTF-8")
    with pytest.raises(LoaderError, match="is a directory"):
        read_annotation_file(tmp_path)


# ---- property: both formats give pycocotools' pixels --------------------------------------

coordinate = st.floats(min_value=0, max_value=20, allow_nan=False).map(lambda v: round(v, 2))


@settings(max_examples=40, deadline=None)
@given(points=st.lists(st.tuples(coordinate, coordinate), min_size=3, max_size=8),
       corners=st.tuples(coordinate, coordinate, coordinate, coordinate).filter(
           lambda c: c[0] != c[2] and c[1] != c[3]))
def test_labelme_and_coco_give_pycocotools_pixels(tmp_path_factory, points, corners):
    folder = tmp_path_factory.mktemp("same")
    x0, y0, x1, y1 = corners
    flat = [v for p in points for v in p]
    # a polygon covering no pixel is refused (test_a_polygon_covering_no_pixel_is_refused)
    assume(mask_utils.area(mask_utils.merge(mask_utils.frPyObjects([flat], 20, 20))) > 0)
    write(folder, "lm.json", labelme([shape("p", [list(p) for p in points]),
                                      shape("p", [[x0, y0], [x1, y1]], "rectangle")],
                                     height=20, width=20))
    box = [min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0)]
    coco_file = write(folder, "coco.json", {
        "images": [{"id": 1, "file_name": "frame.png", "height": 20, "width": 20}],
        "categories": [{"id": 1, "name": "p"}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "iscrowd": 0, "area": 1,
                         "bbox": [0, 0, 1, 1], "segmentation": [flat]},
                        {"id": 2, "image_id": 1, "category_id": 1, "iscrowd": 0, "area": 1,
                         "bbox": box, "segmentation": [[box[0], box[1], box[0] + box[2], box[1],
                                                        box[0] + box[2], box[1] + box[3],
                                                        box[0], box[1] + box[3]]]}]})
    (image,) = read_annotation_file(folder / "lm.json")
    (from_coco,) = read_annotation_file(coco_file)
    coco = COCO(str(coco_file))
    for ours, theirs, ann in zip(image.objects, from_coco.objects, coco.loadAnns([1, 2])):
        truth = coco.annToMask(ann).astype(bool)
        assert np.array_equal(ours.mask(), truth) and np.array_equal(theirs.mask(), truth)
        rle = coco.annToRLE(ann)
        assert ours.area == (float(mask_utils.area(rle)) if ours.shape == "polygon"
                             else box[2] * box[3])
    assert image.objects[1].box == pytest.approx(tuple(box))



def test_a_selector_in_another_unicode_form_finds_its_image(tmp_path):
    """A COCO file written on macOS (Hangul file names decomposed, NFD) and a manifest
    typed on Windows (composed, NFC): the same name to a reader, other code points."""
    import unicodedata

    composed = "frames/대장 01.png"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed and len(decomposed) > len(composed)
    data = coco_set()
    data["images"][1]["file_name"] = decomposed
    write(tmp_path, "set.json", data)
    for selector in (composed, decomposed):
        image = read_case_annotations(f"set.json#{selector}", root=tmp_path)
        assert image.image_id == 9 and image.file_name == decomposed  # as in the file
    # both forms in one file: an exact selector is its image; no other form is guessed
    data["images"][0]["file_name"] = composed
    write(tmp_path, "both.json", data)
    assert read_case_annotations(f"both.json#{composed}", root=tmp_path).image_id == 4
    assert read_case_annotations(f"both.json#{decomposed}", root=tmp_path).image_id == 9
    half = decomposed[:9] + composed[8:]  # 대 decomposed (2 jamo), 장 not
    assert half not in (composed, decomposed) and unicodedata.normalize("NFC", half) == composed
    with pytest.raises(LoaderError, match="file_name of 2 images written in different"):
        read_case_annotations(f"both.json#{half}", root=tmp_path)


def test_a_selector_without_the_files_folder_names_the_image_it_may_mean(root):
    """The COCO file writes 'frames/b.png'; a manifest typed 'b.png' (or in another
    folder) is refused, pointing at the image of that file name."""
    for selector in ("b.png", "other/b.png", "other\\b.png"):
        with pytest.raises(LoaderError) as caught:
            read_case_annotations(f"labels/set.json#{selector}", root=root)
        assert f"no image has file_name {selector!r}" in str(caught.value)
        assert "the same file name in another folder: 'frames/b.png'" in str(caught.value)
    with pytest.raises(LoaderError) as caught:
        read_case_annotations("labels/set.json#zzz.png", root=root)
    assert "another folder" not in str(caught.value)


def test_a_selector_with_other_separators_names_the_file_name_as_written(root, tmp_path):
    """'frames\\b.png' for the file's 'frames/b.png' was told 'the same file name in
    another folder', the folder being the same; and a file written by a Windows tool
    ('frames\\b.png' in the JSON) was shown as repr() doubles it, 'frames\\\\b.png', which
    typed into the manifest selects nothing. Both now name the path as written (by
    hand), still refused: a selector is the file_name exactly as the file writes it."""
    for selector in ("frames\\b.png", "frames//b.png"):
        with pytest.raises(LoaderError) as caught:
            read_case_annotations(f"labels/set.json#{selector}", root=root)
        assert str(caught.value).endswith(
            "(the file_name 'frames/b.png' is this path with other separators, '\\' and "
            "'/'; the selector is the file_name exactly as the file writes it: "
            "#frames/b.png)")
    data = coco_set()
    data["images"][1]["file_name"] = "frames\\d.png"  # one backslash in the name
    write(tmp_path, "win.json", data)
    for selector in ("frames/d.png", "frames\\\\d.png"):  # as typed, and as repr() shows
        with pytest.raises(LoaderError) as caught:
            read_case_annotations(f"win.json#{selector}", root=tmp_path)
        assert "(the file_name 'frames\\d.png' is this path with other separators" in str(
            caught.value) and str(caught.value).endswith("writes it: #frames\\d.png)")
    assert read_case_annotations("win.json#frames\\d.png", root=tmp_path).image_id == 9


def test_a_selector_in_other_letter_case_says_so_and_selects_nothing(root):
    """An exploratory tester's find: 'FRAMES/B.PNG' for the file's 'frames/b.png' (one
    file to Windows and macOS) was refused without a word of letter case. Still refused,
    on every system (a selector is the file_name as written); the message now names the
    image it differs from only in letter case (the file's name as written in the
    fixture)."""
    for selector, said in (
            ("FRAMES/B.PNG", "(the file_name 'frames/b.png' differs from it only in letter "
                             "case; the selector is the file_name exactly as the file "
                             "writes it, letter case too)"),
            ("B.png", "(the same file name, in other letter case, in another folder: "
                      "'frames/b.png'; the selector is the file_name exactly as the file "
                      "writes it, letter case too)")):
        with pytest.raises(LoaderError) as caught:
            read_case_annotations(f"labels/set.json#{selector}", root=root)
        assert str(caught.value).endswith(f"no image has file_name {selector!r}; check the "
                                          f"reference against the file's images {said}")


def test_labels_and_category_names_in_nfd_are_the_sets_categories(tmp_path):
    # the set's categories typed on Windows (NFC); a LabelMe file's labels and a COCO
    # file's category names written on macOS (NFD, by unicodedata): one name each, as
    # case ids and class labels are. Before, both files were refused: "label '용종' is
    # not among the set's categories ['용종']".
    import unicodedata

    nfd = unicodedata.normalize("NFD", "용종")
    assert nfd != "용종"
    path = write(tmp_path, "frame.json", labelme([
        shape(nfd, [[0, 0], [6, 0], [0, 3]]), shape("용종", [[7, 5], [4, 2]], "rectangle")]))
    (image,) = read_annotation_file(path, categories={"용종": 1})
    assert [o.category_id for o in image.objects] == [1, 1]
    assert image.categories == ((1, "용종"),)
    coco_file = write(tmp_path, "set.json", {
        "images": [{"id": 1, "file_name": "frame.png", "height": 10, "width": 12}],
        "categories": [{"id": 1, "name": nfd}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "iscrowd": 0,
                         "bbox": [0, 5, 2, 2]}]})
    (image,) = read_annotation_file(coco_file, categories={"용종": 1})
    assert [o.category_id for o in image.objects] == [1]


def test_a_path_reference_reads_as_its_text(tmp_path):
    # read_case_annotations(Path(...)) raised AttributeError ('PosixPath' object has no
    # attribute 'partition'); a Path is now read as its text, with or without '#'. The
    # mask is pycocotools' own rasterisation of the polygon. Found in the onnx-pass.
    from pathlib import Path

    polygon = [2.0, 1.0, 9.0, 2.0, 8.0, 7.0, 3.0, 6.0]
    (tmp_path / "set.json").write_text(json.dumps({
        "images": [{"id": 1, "file_name": "a.png", "height": 8, "width": 12},
                   {"id": 2, "file_name": "b.png", "height": 8, "width": 12}],
        "annotations": [{"id": 5, "image_id": 2, "category_id": 1,
                         "segmentation": [polygon], "iscrowd": 0}],
        "categories": [{"id": 1, "name": "nodule"}]}))
    by_text = read_case_annotations("set.json#b.png", root=tmp_path)
    by_path = read_case_annotations(Path("set.json#b.png"), root=tmp_path)
    assert by_path == by_text and by_path.file_name == "b.png"
    expected = mask_utils.decode(mask_utils.merge(mask_utils.frPyObjects([polygon], 8, 12)))
    assert np.array_equal(by_path.objects[0].mask(), expected.astype(bool))
    assert split_reference(Path("set.json")) == ("set.json", None)


def test_a_labelme_file_without_its_image_path_has_its_shapes_checked_too(tmp_path):
    """A file whose imagePath is null and whose one polygon has 2 points: both are listed
    (the shapes were checked only once imagePath was given)."""
    path = write(tmp_path, "frame.json",
                 labelme([shape("polyp", [[1, 1], [4, 4]])], path=None))
    with pytest.raises(LoaderError) as info:
        read_annotation_file(path)
    message = str(info.value)
    assert "2 problem(s) in this LabelMe file" in message  # the two written above
    assert "file: 'imagePath' must name the image, got None" in message
    assert "shape 0 ('polyp', polygon): has 2 point(s); a polygon needs at least 3" in message


def test_an_annotation_file_in_cp949_says_where_utf8_stops(tmp_path):
    # A LabelMe file saved on Korean Windows with a Hangul label: '{"shapes": [{"label": "'
    # is 23 bytes, so the first byte of '용종' (BF EB in CP949, not UTF-8) is at file
    # offset 23, line 1's 24th byte; after a byte-order mark, at offset 26, still the
    # line's 24th byte (the reviewer found the bare 'byte 23' here)
    head = '{"shapes": [{"label": "'
    assert len(head.encode()) == 23 and "용".encode("cp949")[:1] == b"\xbf"
    text = head + '용종"}]}'
    path = tmp_path / "a.json"
    for mark, offset in ((b"", 23), (b"\xef\xbb\xbf", 26)):
        path.write_bytes(mark + text.encode("cp949"))
        with pytest.raises(LoaderError, match=rf"not UTF-8 text \(line 1, byte 24 of the "
                           rf"line, file offset {offset}\); save it as UTF-8 JSON"):
            read_annotation_file(path)


def test_annotations_of_a_refused_category_are_counted_not_called_unknown(tmp_path):
    # Found by the reviewer: with the protocol's categories ['polip'], each polyp of the
    # file was listed as "names unknown category id 1; 'categories' has []", though the
    # file has category 1 ('polyp', refused above). Now one line counts them; their other
    # problems (an image id no image has) are still listed in the same run.
    data = {
        "images": [{"id": 1, "file_name": "frame.png", "height": 10, "width": 12}],
        "categories": [{"id": 1, "name": "polyp"}, {"id": 2, "name": "ulcer"}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 2, "iscrowd": 0, "bbox": [0, 0, 2, 2]},
            {"id": 2, "image_id": 9, "category_id": 2, "iscrowd": 0, "bbox": [1, 1, 2, 2]},
            {"id": 3, "image_id": 1, "category_id": 1, "iscrowd": 0, "bbox": [3, 3, 2, 2]}]}
    path = write(tmp_path, "set.json", data)
    naming_ulcer = sum(a["category_id"] == 2 for a in json.loads(path.read_text())[
        "annotations"])
    with pytest.raises(LoaderError) as caught:
        read_annotation_file(path, categories={"polyp": 1})
    message = str(caught.value)
    assert "'categories' has" not in message
    assert ("categories[1]: category id 2 'ulcer': 'ulcer' is not among the set's "
            "categories ['polyp']") in message
    assert (f"categories[1]: {naming_ulcer} annotation(s) name category id 2: none of "
            "them was read") in message
    assert ("annotation id 2 (annotations[1]): names unknown image id 9; no entry of "
            "'images' has it") in message
    assert "3 problem(s) in this COCO file" in message


def test_ids_and_sizes_written_as_decimals_are_named_once(tmp_path):
    # a converter writing every number as a float (128.0): the image entries were refused
    # as 'missing or invalid' without saying why, every annotation of them was told again
    # that 'no entry of 'images' has' its image, and a category id 1.0 was 'unknown' beside
    # 'categories' has [1]. Now each entry is named once, with the decimals (by hand)
    data = coco_set()
    data["images"][0].update(height=10.0, width=12.0)  # image 4: annotations 11, 12
    data["images"][1]["id"] = 9.0
    data["annotations"][2]["category_id"] = 5.0
    path = write(tmp_path, "set.json", data)
    with pytest.raises(LoaderError) as caught:
        read_annotation_file(path)
    lines = [line.strip()[2:] for line in str(caught.value).splitlines()[1:]]
    # annotations 11, 12 on image 4 and 13, 14 on image 9: none told of its image again
    assert len(lines) == 3 and not [line for line in lines if "image id" in line], lines
    assert lines[0].startswith("images[0]: height, width missing or invalid (")
    assert lines[0].endswith("(written as decimals: height 10.0, width 12.0; write them as "
                             "integers)")
    assert lines[1].endswith("(written as decimals: id 9.0; write them as integers)")
    assert lines[2] == ("annotations: 1 annotation(s) write an id, image_id or category_id "
                        "as a decimal (annotations[2]: category_id 5.0); an id is an "
                        "integer: write them as integers (1, not 1.0)")


def test_a_converter_writing_every_id_as_a_decimal_is_told_once_not_per_annotation(tmp_path):
    # every number a float, as a converter writes them: each annotation was told 'names
    # unknown image id 9.0; no entry of 'images' has it' (images[1] has it) and 'unknown
    # category id 1.0; 'categories' has [1, 5]', one line per annotation; now the image
    # entries once each and the annotations' decimals in one line (texts by hand)
    data = coco_set()
    for image in data["images"]:
        image.update(id=float(image["id"]), height=10.0, width=12.0)
    for annotation in data["annotations"]:
        for key in ("id", "image_id", "category_id"):
            annotation[key] = float(annotation[key])
    path = write(tmp_path, "set.json", data)
    with pytest.raises(LoaderError) as caught:
        read_annotation_file(path)
    lines = [line.strip()[2:] for line in str(caught.value).splitlines()[1:]]
    assert len(lines) == 4, lines
    assert lines[1].startswith("images[1]: id, height, width missing or invalid (")
    assert lines[1].endswith("(written as decimals: id 9.0, height 10.0, width 12.0; write "
                             "them as integers)")
    assert lines[3] == (
        "annotations: 4 annotation(s) write an id, image_id or category_id as a decimal "
        "(annotations[0]: id 11.0, image_id 4.0, category_id 1.0; annotations[1]: id 12.0, "
        "image_id 4.0, category_id 5.0; annotations[2]: id 13.0, image_id 9.0, category_id "
        "5.0; ...); an id is an integer: write them as integers (1, not 1.0)")


def test_a_polygon_past_the_edge_is_refused_saying_how_to_accept_it(tmp_path):
    # an annotation tool overshooting the frame's right edge by 0.3 px: the refusal said
    # "fix them in the file" and "tolerance 0 px", not where a tolerance is given. It now
    # names tolerance_px (the protocol's [task] key, the Python argument) once, above the
    # listing; with it the mask is pycocotools' own (COCO.annToMask), cut at the edge
    from pycocotools.coco import COCO

    def overshoot(d):
        d["annotations"][0]["segmentation"] = [[2, 1, 12.3, 1, 12.3, 8, 2, 8]]
        d["annotations"][0].pop("bbox", None)

    path = coco_with(tmp_path, overshoot)
    message = refused(path, "vertex 1 (x=12.3, y=1)")
    head = message.split("\n")[0]
    assert "accepted up to tolerance_px: [task] tolerance_px of a coco-detection" in head
    assert "tolerance_px" not in message.split("\n", 1)[1]  # not on every problem line
    (image, *_) = read_annotation_file(path, tolerance_px=0.5)
    coco = COCO()
    coco.dataset = json.loads(path.read_text())
    coco.createIndex()
    np.testing.assert_array_equal(image.objects[0].mask(), coco.annToMask(
        coco.dataset["annotations"][0]).astype(bool))

    def negative(d):  # a problem of another kind: no word of the tolerance
        d["annotations"][3]["bbox"] = [2, 3, -4, 2]

    assert "tolerance_px" not in refused(coco_with(tmp_path, negative), "negative size")
