"""Points (frame, row, column) on an ultrasound cine under the distance criterion: the
cine's frames are instants with no distance between them, so a detection on frame 2 of
a lesion on frame 1 was a hit, the frame counted 1 mm away (here at the region's 0.2
mm, and with spacing_mm [1, 0.2, 0.2] alike). Refused as the segmentation task refuses
distances across a cine (c1fa3a8); points [row, column] on one frame per case are
scored. Cines built with pydicom."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import medeval

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_detection_2d_dicom import make_set  # noqa: E402
from test_segmentation_2d_dicom import write_cine  # noqa: E402


@pytest.mark.parametrize("spacing", [None, [1.0, 0.2, 0.2]])
def test_points_across_a_cines_frames_are_refused(tmp_path, spacing):
    make_set(tmp_path, calibrated=True)
    for cid in ("a", "b"):
        write_cine(tmp_path / "frames" / f"{cid}.dcm", 3)
        ref = {"points": [[0, 20, 30]], **({"spacing_mm": spacing} if spacing else {})}
        (tmp_path / "ref" / f"{cid}.json").write_text(json.dumps(ref))
        (tmp_path / "pred" / f"{cid}.json").write_text(  # the next frame, same place
            json.dumps({"detections": [{"point": [1, 20, 30], "score": 0.9}]}))
    with pytest.raises(medeval.ManifestError) as caught:  # before: 2 hits
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    problems = caught.value.problems
    assert [p.split(":")[0] for p in problems] == ["case a", "case b"]
    assert "frames/a.dcm, 3 frames without positions" in problems[0]


def test_points_on_a_single_frame_are_scored(tmp_path):
    # the earlier test's frames: 3 columns apart at 0.2 mm is 0.6 mm, a hit at 1 mm
    make_set(tmp_path, calibrated=True)
    for cid in ("a", "b"):
        (tmp_path / "ref" / f"{cid}.json").write_text(
            json.dumps({"points": [[20, 30]], "spacing_mm": [0.2, 0.2]}))
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    assert [row["true_positives"] for row in result.cases] == [1, 1]
