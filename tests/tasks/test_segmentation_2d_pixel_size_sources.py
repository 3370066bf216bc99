"""Which pixel size a 2-D DICOM frame is measured with when the file states two, and
that the result (or the refusal) says so:

- an ultrasound frame whose PixelSpacing (0.5 mm) disagrees with its region calibrated
  in cm (0.02 cm = 0.2 mm): before, 0.5 mm was used without a word, every distance
  2.5 x the regions'; now the case is a reference problem naming both, under mm;
- a mammogram whose PixelSpacing merely copies ImagerPixelSpacing (0.1 mm, no
  PixelSpacingCalibrationType) beside EstimatedRadiographicMagnificationFactor 1.25:
  before, 0.1 mm was used, lengths 25 % too long; now 0.1 / 1.25 = 0.08 mm, and the
  result names the case and both sizes.

Frames built with pydicom; distances checked against MedPy."""

from __future__ import annotations

import sys
from pathlib import Path

import pydicom
import pytest

import medeval
from medeval.errors import ManifestError

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_segmentation_2d_dicom import (  # noqa: E402
    MM,
    PROTOCOL,
    make_set,
    masks,
    write_seg_2d,
    write_ultrasound,
)

medpy_binary = pytest.importorskip("medpy.metric.binary")


def seg_set(folder: Path, edit) -> None:
    """One case: a 48 x 64 frame changed by ``edit`` (a pydicom dataset), a SEG of it as
    the reference and another as the prediction (the lower border two rows down)."""
    for sub in ("frames", "refs", "pred"):
        (folder / sub).mkdir(parents=True)
    frame = folder / "frames" / "c1.dcm"
    write_ultrasound(frame)
    ds = pydicom.dcmread(frame)
    edit(ds)
    ds.save_as(frame)
    ref, pred = masks()
    write_seg_2d(folder / "refs" / "c1.dcm", ref, frame)
    write_seg_2d(folder / "pred" / "c1.dcm", pred, frame)
    (folder / "manifest.csv").write_text(
        "case_id,patient_id,input,reference\nc1,P1,frames/c1.dcm,refs/c1.dcm\n")
    (folder / "protocol.toml").write_text(PROTOCOL.format(task=MM))


def pixel_spacing_beside_the_region(ds) -> None:
    ds.PixelSpacing = [0.5, 0.5]  # the region says 0.02 cm = 0.2 mm


def copied_imager_spacing(ds) -> None:
    del ds.SequenceOfUltrasoundRegions
    ds.Modality = "MG"
    ds.ImagerPixelSpacing = ds.PixelSpacing = [0.1, 0.1]
    ds.EstimatedRadiographicMagnificationFactor = 1.25


def test_a_seg_on_an_ultrasound_frame_of_two_pixel_sizes_is_refused_naming_both(tmp_path):
    seg_set(tmp_path, pixel_spacing_beside_the_region)
    frame = pydicom.dcmread(tmp_path / "frames" / "c1.dcm")
    assert float(frame.SequenceOfUltrasoundRegions[0].PhysicalDeltaY) * 10 == pytest.approx(0.2)
    with pytest.raises(ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    (problem,) = caught.value.problems
    assert problem.startswith("case c1:")
    assert "PixelSpacing 0.5 x 0.5 mm disagrees" in problem and "0.2 x 0.2 mm" in problem
    assert 'distance_unit = "px"' in problem
    # in pixels it is measured: the lower border two rows down, 2 px
    (tmp_path / "protocol.toml").write_text(
        PROTOCOL.format(task='distance_unit = "px"\nnsd_tolerance_px = 1.0'))
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    assert result.metric("hausdorff").estimate.value == pytest.approx(2.0)


def test_a_mask_image_on_such_a_frame_is_refused_whatever_size_is_declared(tmp_path):
    # pixel_spacing_mm = 0.5 agrees with PixelSpacing, 0.2 with the region: neither is
    # taken, since the file does not say which is right (before, 0.5 passed silently)
    for declared in (0.5, 0.2):
        folder = tmp_path / str(declared)
        make_set(folder, MM + f"\npixel_spacing_mm = {declared}")
        for cid in ("u1", "u2"):
            ds = pydicom.dcmread(folder / "frames" / f"{cid}.dcm")
            pixel_spacing_beside_the_region(ds)
            ds.save_as(folder / "frames" / f"{cid}.dcm")
        with pytest.raises(ManifestError) as caught:
            medeval.evaluate(folder / "protocol.toml", folder / "pred", workers=1)
        assert len(caught.value.problems) == 2
        for cid, problem in zip(("u1", "u2"), caught.value.problems):
            assert problem.startswith(f"case {cid}:")
            assert f"pixel_spacing_mm = {declared:g}" in problem
            assert f"frames/{cid}.dcm has no one pixel size" in problem
            assert "PixelSpacing 0.5 x 0.5 mm" in problem and "0.2 x 0.2 mm" in problem


def test_a_mammograms_copied_pixel_spacing_is_set_aside_and_said(tmp_path):
    seg_set(tmp_path, copied_imager_spacing)
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    ref, pred = masks()
    # two rows at 0.1 mm / 1.25 = 0.08 mm: 0.16 mm (before: 0.2 mm, with PixelSpacing)
    assert result.metric("hausdorff").estimate.value == pytest.approx(
        medpy_binary.hd(pred, ref, voxelspacing=0.08)) == pytest.approx(0.16)
    (warning,) = [w for w in result.warnings if "ImagerPixelSpacing" in w]
    assert warning == (
        "all cases: 1 of 1 case(s) were measured in mm with ImagerPixelSpacing / "
        "EstimatedRadiographicMagnificationFactor (the size in the breast), not with their "
        "PixelSpacing, which copies ImagerPixelSpacing (the detector plane; no "
        "PixelSpacingCalibrationType): c1 (0.1 x 0.1 mm / 1.25 = 0.08 x 0.08 mm)")

    # a PixelSpacing the file says it calibrated (GEOMETRY) is the file's word
    def calibrated(ds) -> None:
        copied_imager_spacing(ds)
        ds.PixelSpacingCalibrationType = "GEOMETRY"

    seg_set(tmp_path / "calibrated", calibrated)
    result = medeval.evaluate(tmp_path / "calibrated" / "protocol.toml",
                              tmp_path / "calibrated" / "pred", workers=1)
    # two rows at 0.1 mm, as PixelSpacing says
    assert result.metric("hausdorff").estimate.value == pytest.approx(0.2)
    assert not [w for w in result.warnings if "ImagerPixelSpacing" in w]


def test_a_mask_image_on_a_copied_mammogram_takes_the_size_in_the_breast(tmp_path):
    # pixel_spacing_mm = 0.1 (the file's PixelSpacing) is refused, naming how 0.08 came
    # about; 0.08 (0.1 / 1.25) measures two rows as 0.16 mm
    for declared in (0.1, 0.08):
        folder = tmp_path / str(declared)
        make_set(folder, MM + f"\npixel_spacing_mm = {declared}")
        for cid in ("u1", "u2"):
            ds = pydicom.dcmread(folder / "frames" / f"{cid}.dcm")
            copied_imager_spacing(ds)
            ds.save_as(folder / "frames" / f"{cid}.dcm")
    with pytest.raises(ManifestError) as caught:
        medeval.evaluate(tmp_path / "0.1" / "protocol.toml", tmp_path / "0.1" / "pred",
                         workers=1)
    assert len(caught.value.problems) == 2
    assert ("states 0.08 x 0.08 mm (rows x columns, from ImagerPixelSpacing/"
            "EstimatedRadiographicMagnificationFactor; its PixelSpacing copies "
            "ImagerPixelSpacing: 0.1 x 0.1 mm / 1.25 = 0.08 x 0.08 mm)"
            ) in caught.value.problems[0]
    result = medeval.evaluate(tmp_path / "0.08" / "protocol.toml", tmp_path / "0.08" / "pred",
                              workers=1)
    ref, pred = masks()
    assert result.metric("hausdorff").estimate.value == pytest.approx(
        medpy_binary.hd(pred, ref, voxelspacing=0.08)) == pytest.approx(0.16)
