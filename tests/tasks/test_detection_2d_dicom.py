"""The detection task's distance criterion on 2-D DICOM frames: points without
"spacing_mm" are millimetres only where the frame states a pixel size. An endoscopy or
uncalibrated ultrasound image (no PixelSpacing, ImagerPixelSpacing or calibrated region)
states none, as a PNG frame does not: its points, in pixels, are refused rather than
taken as mm. Frames built with pydicom."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pydicom
import pytest

import medeval

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_segmentation_2d_dicom import write_ultrasound  # noqa: E402

PROTOCOL = """
[test]
id = "T-DET-US"
title = "points on ultrasound frames"
mode = "pre-check"
[laboratory]
name = "Lab"
[customer]
name = "Customer"
[algorithm]
name = "Detector"
version = "1"
[dataset]
manifest = "manifest.csv"
selection = "synthetic frames"
[task]
type = "detection"
criterion = "distance"
max_distance_mm = 1.0
[statistics]
seed = 1
n_resamples = 200
[failures]
policy = "worst-case"
[[criteria]]
metric = "froc_cpm"
goal = 0.5
source = "test"
"""


def make_set(root: Path, *, calibrated: bool) -> None:
    for sub in ("frames", "ref", "pred"):
        (root / sub).mkdir(parents=True)
    rows = ["case_id,patient_id,input,reference"]
    for cid in ("a", "b"):
        frame = root / "frames" / f"{cid}.dcm"
        write_ultrasound(frame)
        if not calibrated:  # an export without its region: no pixel size
            ds = pydicom.dcmread(frame)
            del ds.SequenceOfUltrasoundRegions
            ds.save_as(frame)
        (root / "ref" / f"{cid}.json").write_text(json.dumps({"points": [[20, 30]]}))
        # 3 columns away: 3 px, or 0.6 mm at the region's 0.2 mm
        (root / "pred" / f"{cid}.json").write_text(
            json.dumps({"detections": [{"point": [20, 33], "score": 0.9}]}))
        rows.append(f"{cid},p{cid},frames/{cid}.dcm,ref/{cid}.json")
    (root / "manifest.csv").write_text("\n".join(rows) + "\n")
    (root / "protocol.toml").write_text(PROTOCOL)


def test_points_on_a_dicom_frame_without_a_pixel_size_are_refused(tmp_path):
    # before: the 3 px offset was read as 3 mm, a miss at 1 mm, without a word (and a
    # hit under a 5 mm tolerance); now every case is a reference problem
    make_set(tmp_path, calibrated=False)
    with pytest.raises(medeval.ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    problems = caught.value.problems
    assert len(problems) == 2 and "case a:" in problems[0]
    assert "frames/a.dcm" in problems[0] and "states no pixel size" in problems[0]


def test_points_on_a_calibrated_dicom_frame_are_millimetres(tmp_path):
    # the frame states 0.2 mm (its region): points without spacing_mm are taken as mm,
    # as docs say; 3 mm apart is a miss at 1 mm
    make_set(tmp_path, calibrated=True)
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    assert [row["true_positives"] for row in result.cases] == [0, 0]
    # with spacing_mm beside them they are pixels: 3 x 0.2 = 0.6 mm, a hit
    for cid in ("a", "b"):
        (tmp_path / "ref" / f"{cid}.json").write_text(
            json.dumps({"points": [[20, 30]], "spacing_mm": [0.2, 0.2]}))
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    assert [row["true_positives"] for row in result.cases] == [1, 1]


COCO_PROTOCOL = PROTOCOL.replace(
    'criterion = "distance"\nmax_distance_mm = 1.0',
    'iou_type = "bbox"\ncategories = ["lesion"]').replace(
    'type = "detection"', 'type = "coco-detection"').replace("froc_cpm", "coco_ap50")


def test_coco_annotations_of_a_transposed_dicom_frame_are_a_reference_problem(tmp_path):
    # The COCO file gives image b as 64 x 48 (height x width), its DICOM frame is 48 x 64:
    # before, only PNG/JPEG frames were compared, and the case was scored (AP 1 here).
    (tmp_path / "frames").mkdir()
    (tmp_path / "pred").mkdir()
    images, annotations = [], []
    for k, (cid, (height, width)) in enumerate({"a": (48, 64), "b": (64, 48)}.items()):
        write_ultrasound(tmp_path / "frames" / f"{cid}.dcm")
        images.append({"id": k + 1, "file_name": f"frames/{cid}.dcm", "height": height,
                       "width": width})
        annotations.append({"id": k + 1, "image_id": k + 1, "category_id": 1,
                            "bbox": [5, 5, 10, 10], "area": 100, "iscrowd": 0})
        (tmp_path / "pred" / f"{cid}.json").write_text(json.dumps(
            [{"category_id": 1, "bbox": [5, 5, 10, 10], "score": 0.9}]))
    (tmp_path / "set.json").write_text(json.dumps({
        "images": images, "annotations": annotations,
        "categories": [{"id": 1, "name": "lesion"}]}))
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input,reference\n"
        "a,pa,frames/a.dcm,set.json#frames/a.dcm\nb,pb,frames/b.dcm,set.json#frames/b.dcm\n")
    (tmp_path / "protocol.toml").write_text(COCO_PROTOCOL)
    with pytest.raises(medeval.ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    (problem,) = caught.value.problems
    # width 48 and height 64 in the file, the frame 64 wide and 48 high: named a swap
    assert problem.startswith("case b: set.json states image 'frames/b.dcm' (id 2) as 48 x "
                              "64 pixels (width x height), but the frame frames/b.dcm is "
                              "64 x 48: width and height swapped")


def test_a_spacing_mm_other_than_the_frames_is_refused(tmp_path):
    # the points are pixels at 0.5 mm, says the reference; the frame's region says 0.2
    # mm: 3 px would be 1.5 mm (a miss at 1 mm) where the frame makes them 0.6 mm (a hit)
    make_set(tmp_path, calibrated=True)
    for cid in ("a", "b"):
        (tmp_path / "ref" / f"{cid}.json").write_text(
            json.dumps({"points": [[20, 30]], "spacing_mm": [0.5, 0.5]}))
    with pytest.raises(medeval.ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    problems = caught.value.problems
    assert len(problems) == 2 and "case a:" in problems[0]
    assert "[0.5, 0.5]" in problems[0] and "0.2 x 0.2 mm" in problems[0]
    assert "SequenceOfUltrasoundRegions" in problems[0]


@pytest.mark.parametrize("spacing", [None, [0.5, 0.5], [0.2, 0.2]])
def test_points_on_a_frame_whose_pixel_spacing_disagrees_with_its_region(tmp_path, spacing):
    # PixelSpacing 0.5 mm beside the region's 0.02 cm = 0.2 mm: 3 px are 1.5 mm (a miss
    # at 1 mm) by one, 0.6 mm (a hit) by the other. Before, points without spacing_mm
    # were read as mm and spacing_mm [0.5, 0.5] passed as PixelSpacing's, without a word;
    # now each is a reference problem naming both sizes, whichever size it gives
    make_set(tmp_path, calibrated=True)
    for cid in ("a", "b"):
        ds = pydicom.dcmread(tmp_path / "frames" / f"{cid}.dcm")
        ds.PixelSpacing = [0.5, 0.5]
        ds.save_as(tmp_path / "frames" / f"{cid}.dcm")
        if spacing is not None:
            (tmp_path / "ref" / f"{cid}.json").write_text(
                json.dumps({"points": [[20, 30]], "spacing_mm": spacing}))
    with pytest.raises(medeval.ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    problems = caught.value.problems
    assert len(problems) == 2 and problems[0].startswith("case a:")
    assert "frames/a.dcm" in problems[0] and "has no one pixel size" in problems[0]
    assert "PixelSpacing 0.5 x 0.5 mm disagrees" in problems[0]
    assert "0.2 x 0.2 mm in (0, 0, 63, 47)" in problems[0]
