"""A 2-D DICOM frame with pixels that are not square (an ultrasound region of 0.02 cm
between rows, 0.03 cm between columns). A DICOM SEG takes the frame's spacing in its
axis order (PixelSpacing and PhysicalDeltaY/X are rows first; the array is rows x
columns): checked against MedPy. A mask image cannot be measured in mm there, since
pixel_spacing_mm gives both axes one size: the refusal says so (before, it told the
tester to 'declare the frames' pixel size', which no protocol can)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pydicom
import pytest

import medeval
from medeval.errors import ManifestError

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_segmentation_2d_dicom import (  # noqa: E402
    MM,
    PROTOCOL,
    masks,
    write_png,
    write_seg_2d,
    write_ultrasound,
)

medpy_binary = pytest.importorskip("medpy.metric.binary")


def anisotropic_set(root: Path) -> tuple[np.ndarray, np.ndarray]:
    for sub in ("frames", "refs", "pred"):
        (root / sub).mkdir()
    frame = root / "frames" / "u1.dcm"
    write_ultrasound(frame)
    ds = pydicom.dcmread(frame)
    region = ds.SequenceOfUltrasoundRegions[0]
    region.PhysicalDeltaY, region.PhysicalDeltaX = 0.02, 0.03  # rows 0.2 mm, columns 0.3
    ds.save_as(frame)
    ref, _ = masks()
    pred = np.zeros_like(ref)
    pred[10:20, 13:33] = True  # three columns right of the reference (rows 10-19)
    return ref, pred


def test_a_seg_on_rectangular_pixels_is_measured_rows_then_columns(tmp_path):
    ref, pred = anisotropic_set(tmp_path)
    frame = tmp_path / "frames" / "u1.dcm"
    write_seg_2d(tmp_path / "refs" / "u1.dcm", ref, frame)
    write_seg_2d(tmp_path / "pred" / "u1.dcm", pred, frame)
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input,reference\nu1,P1,frames/u1.dcm,refs/u1.dcm\n")
    (tmp_path / "protocol.toml").write_text(PROTOCOL.format(task=MM))
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    # 3 columns x 0.3 mm = 0.9 mm (taken as rows, 3 x 0.2 = 0.6)
    assert result.metric("hausdorff").estimate.value == pytest.approx(
        medpy_binary.hd(pred, ref, voxelspacing=(0.2, 0.3))) == pytest.approx(0.9)


def test_a_mask_image_on_rectangular_pixels_is_refused_saying_why(tmp_path):
    ref, pred = anisotropic_set(tmp_path)
    (tmp_path / "masks").mkdir()
    write_png(ref, tmp_path / "masks" / "u1.png")
    write_png(pred, tmp_path / "pred" / "u1.png")
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input,reference\nu1,P1,frames/u1.dcm,masks/u1.png\n")
    (tmp_path / "protocol.toml").write_text(
        PROTOCOL.format(task=MM + "\npixel_spacing_mm = 0.2"))
    with pytest.raises(ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    (problem,) = caught.value.problems
    assert "states 0.2 x 0.3 mm (rows x columns" in problem
    assert "not square" in problem and "DICOM SEG references" in problem
    assert "declare the frames' pixel size" not in problem
