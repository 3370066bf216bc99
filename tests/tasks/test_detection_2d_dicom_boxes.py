"""Boxes given column first, [x1, y1, x2, y2], on 2-D DICOM frames: the warning
"were (x, y) corners given?" was given on PNG frames only; on an ultrasound, endoscopy
or mammography DICOM frame the frame's size was not looked at, and boxes reaching past
its bottom edge, row first, were scored (IoU 0) without a word. The frames are
pydicom's (Rows 48, Columns 64, read back by pydicom); the boxes worked by hand."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pydicom

import medeval

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_detection_2d_dicom import PROTOCOL  # noqa: E402
from test_segmentation_2d_dicom import write_ultrasound  # noqa: E402

IOU = PROTOCOL.replace('criterion = "distance"\nmax_distance_mm = 1.0',
                       'criterion = "iou"\niou_threshold = 0.3')


def _evaluate(root: Path, box: list[int]) -> medeval.Result:
    for sub in ("frames", "ref", "pred"):
        (root / sub).mkdir(parents=True)
    rows = ["case_id,patient_id,input,reference"]
    for cid in ("a", "b"):
        frame = root / "frames" / f"{cid}.dcm"
        write_ultrasound(frame)
        # the lesion at rows 5-15, columns 50-60 of the 48 x 64 frame, row first
        (root / "ref" / f"{cid}.json").write_text(json.dumps({"boxes": [[5, 50, 15, 60]]}))
        (root / "pred" / f"{cid}.json").write_text(json.dumps(
            {"detections": [{"box": box, "score": 0.9}]}))
        rows.append(f"{cid},p{cid},frames/{cid}.dcm,ref/{cid}.json")
    (root / "manifest.csv").write_text("\n".join(rows) + "\n")
    (root / "protocol.toml").write_text(IOU)
    return medeval.evaluate(root / "protocol.toml", root / "pred")


def test_boxes_given_column_first_on_dicom_frames_are_warned_of(tmp_path):
    write_ultrasound(tmp_path / "one.dcm")
    head = pydicom.dcmread(tmp_path / "one.dcm")
    assert (head.Rows, head.Columns) == (48, 64)
    # [50, 5, 60, 15] read row first reaches row 60, past the 48 rows; read (x, y) first
    # it is the lesion's box: overlaps nothing as scored, sensitivity 0
    result = _evaluate(tmp_path / "xy", [50, 5, 60, 15])
    assert result.metric("froc_sensitivity@0.5").estimate.value == 0.0
    assert ("all cases: the detection boxes of 2 case(s) reach past their frame's bottom or "
            "right edge read as [row0, col0, row1, col1] (e.g. case a: [50, 5, 60, 15] on a "
            "frame 64 px wide, 48 px high), while every box lies inside its frame read as "
            "[x1, y1, x2, y2]: were (x, y) corners given?") in " ".join(result.warnings)
    result = _evaluate(tmp_path / "rc", [5, 50, 15, 60])
    assert result.metric("froc_sensitivity@0.5").estimate.value == 1.0
    assert not any("row0" in w for w in result.warnings)

