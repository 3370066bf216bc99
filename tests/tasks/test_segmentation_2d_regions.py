"""An ultrasound frame with two calibrated regions of different pixel sizes (a B-mode
image at 0.2 mm and a zoom box at 0.1 mm, both inside the image) has no one pixel size:
the loader gives it none (spacing_source "absent"), and a DICOM SEG of it is refused
under mm. A mask image of it under a protocol's pixel_spacing_mm was measured with that
size without a word, whatever it was (0.5 mm here, which neither region states); it is
refused too. Frames built with pydicom."""

from __future__ import annotations

import sys
from pathlib import Path

import pydicom
import pytest

import medeval
from medeval.errors import ManifestError
from medeval.loaders import read_image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_segmentation_2d_dicom import MM, make_set  # noqa: E402


def add_zoom_box(frame: Path) -> None:
    """A second region in cm, columns 40-63 x rows 0-23, at 0.01 cm (0.1 mm)."""
    ds = pydicom.dcmread(frame)
    first = ds.SequenceOfUltrasoundRegions[0]
    first.RegionLocationMaxX1 = 39
    zoom = pydicom.Dataset()
    for keyword in first.dir():
        setattr(zoom, keyword, first.get(keyword))
    zoom.RegionLocationMinX0, zoom.RegionLocationMaxX1 = 40, 63
    zoom.RegionLocationMinY0, zoom.RegionLocationMaxY1 = 0, 23
    zoom.PhysicalDeltaX = zoom.PhysicalDeltaY = 0.01
    ds.SequenceOfUltrasoundRegions.append(zoom)
    ds.save_as(frame)


def test_a_mask_on_a_frame_of_differing_regions_is_refused_under_mm(tmp_path):
    make_set(tmp_path, MM + "\npixel_spacing_mm = 0.5")
    add_zoom_box(tmp_path / "frames" / "u2.dcm")
    assert read_image(tmp_path / "frames" / "u2.dcm").metadata["spacing_source"] == "absent"
    with pytest.raises(ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    # u1 (one region, 0.2 mm) is refused as before for 0.5; u2 for its two regions
    u1, u2 = caught.value.problems
    assert u1.startswith("case u1:") and "0.2 x 0.2 mm" in u1
    assert u2.startswith("case u2:") and "pixel_spacing_mm = 0.5" in u2
    assert "ultrasound regions of different pixel sizes" in u2
    assert "0.2 x 0.2 mm in (0, 0, 39, 47)" in u2 and "0.1 x 0.1 mm in (40, 0, 63, 23)" in u2


def test_in_pixels_such_a_frame_is_measured(tmp_path):
    make_set(tmp_path, 'distance_unit = "px"\nnsd_tolerance_px = 1.0')
    add_zoom_box(tmp_path / "frames" / "u2.dcm")
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    assert result.metric("hausdorff").estimate.value == pytest.approx(2.0)  # two rows
