"""Points in pixels with "spacing_mm" on an ultrasound frame whose calibrated regions
state different pixel sizes (a 0.1 mm zoom box beside the 0.2 mm B-mode region): the
frame has no one pixel size, so the reference's spacing_mm contradicts at least one
region; it is refused as the segmentation task refuses pixel_spacing_mm there. Before,
any spacing_mm was taken without a word (0.5 mm here, which neither region states).
Frames built with pydicom."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import medeval

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_detection_2d_dicom import make_set  # noqa: E402
from test_segmentation_2d_regions import add_zoom_box  # noqa: E402


def test_spacing_mm_on_a_frame_of_differing_regions_is_refused(tmp_path):
    make_set(tmp_path, calibrated=True)
    add_zoom_box(tmp_path / "frames" / "b.dcm")
    for cid in ("a", "b"):
        (tmp_path / "ref" / f"{cid}.json").write_text(
            json.dumps({"points": [[20, 30]], "spacing_mm": [0.2, 0.2]}))
    with pytest.raises(medeval.ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    (problem,) = caught.value.problems  # a: one region at 0.2 mm, as given
    assert problem.startswith("case b:") and "[0.2, 0.2]" in problem
    assert "ultrasound regions of different pixel sizes" in problem
    assert "0.1 x 0.1 mm in (40, 0, 63, 23)" in problem
