"""A volume one voxel thick along x or y is measured in the plane of its other two axes,
as one along z always was. Found in the hvol volume pass: a 2-D mask that nibabel wrote
from a (1, H, W) array is a NIfTI of x length 1, (H, W, 1) in (z, y, x); measured as a
slab one voxel thick, every voxel was a border voxel, and ASSD, HD95 and NSD were not the
contour's (ASSD 0.46 mm where the contour's is 2.26 on a sagittal slice of a CT label
map). The reference figures are MedPy's and DeepMind surface-distance's on the 2-D
arrays, with the in-plane spacing the file states."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import medeval

nib = pytest.importorskip("nibabel")
medpy_binary = pytest.importorskip("medpy.metric.binary")

PROTOCOL = Path(__file__).resolve().parents[2] / "examples" / "segmentation" / "protocol.toml"
SPACING = (0.6, 0.9)  # mm, along the two axes of the (H, W) array


def _discs():
    yy, xx = np.mgrid[:40, :48]
    ref = ((yy - 20) / 1.0) ** 2 + ((xx - 22) / 1.3) ** 2 <= 12 ** 2
    pred = ((yy - 23) / 1.0) ** 2 + ((xx - 20) / 1.3) ** 2 <= 10 ** 2
    pred[2:5, 40:44] = True  # a false-positive island: HD95 variants differ
    return ref, pred


def _write(array, path):
    # nibabel's axes are (x, y, z): a (1, H, W) array is x 1 voxel, y H, z W
    affine = np.diag([2.0, *SPACING, 1.0])
    nib.save(nib.Nifti1Image(array.astype(np.uint8)[None], affine), str(path))


def test_a_mask_one_voxel_thick_along_x_is_measured_in_its_plane(tmp_path, monkeypatch):
    ref, pred = _discs()
    for name in ("images", "masks", "pred"):
        (tmp_path / name).mkdir()
    _write(ref, tmp_path / "masks" / "c0.nii.gz")
    _write(pred, tmp_path / "pred" / "c0.nii.gz")
    _write(np.zeros_like(ref), tmp_path / "images" / "c0.nii.gz")
    pd.DataFrame([{"case_id": "c0", "patient_id": "p0", "input": "images/c0.nii.gz",
                   "reference": "masks/c0.nii.gz"}]).to_csv(tmp_path / "manifest.csv",
                                                            index=False)
    (tmp_path / "protocol.toml").write_text(PROTOCOL.read_text(encoding="utf-8"))
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    (case,) = result.cases
    # the in-plane grid of the file is (y, z) in nibabel's order: SimpleITK's (z, y) is
    # the (H, W) array transposed; distances do not depend on which axis comes first
    spacing = SPACING
    assert case["hausdorff"] == pytest.approx(medpy_binary.hd(pred, ref, spacing), abs=1e-6)
    assert case["hd95@pooled"] == pytest.approx(medpy_binary.hd95(pred, ref, spacing),
                                                abs=1e-6)
    assert case["assd"] == pytest.approx(medpy_binary.assd(pred, ref, spacing), abs=1e-6)
    assert case["dice"] == pytest.approx(medpy_binary.dc(pred, ref), abs=1e-12)
    # surface-distance 0.1 still names np.Inf (removed in numpy 2): for this test only
    monkeypatch.setattr(np, "Inf", np.inf, raising=False)
    surface_distance = pytest.importorskip("surface_distance")
    distances = surface_distance.compute_surface_distances(ref, pred, spacing)
    assert case["nsd@surfel"] == pytest.approx(
        surface_distance.compute_surface_dice_at_tolerance(distances, 1.0), abs=1e-9)
