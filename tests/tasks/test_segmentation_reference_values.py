"""A floating-point reference volume whose values are not labels (a mask resampled with
linear interpolation: 0.5 along the organ's edge, or a soft mask) was scored without a
word: the voxels holding 0.5 matched no label, so a reference of nothing but 0 and 0.5
was an empty reference (Dice 0, the algorithm blamed), and one with 0.5 at its edge was
a smaller organ. Found in the hvol volume pass. Now such a reference is a reference
problem naming the case, the values and how many voxels hold them; a float reference
holding whole numbers only is scored as before, each figure MedPy's."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import SimpleITK as sitk

import medeval
from medeval.errors import MedevalError

sys.path.insert(0, str(Path(__file__).resolve().parent))
import test_segmentation_task as volumes  # noqa: E402
from test_segmentation_task import save  # noqa: E402

study = volumes.study  # the fixture: six ball masks on 2.5 x 0.8 x 0.8 mm


def _smoothed(mask):
    """The mask resampled with linear interpolation half a voxel along x: each voxel the
    mean of itself and its neighbour, so 0.5 where one of the two is in the organ."""
    return ((mask.astype(np.float32) + np.roll(mask, 1, axis=2)) / 2).astype(np.float32)


def test_a_reference_resampled_with_linear_interpolation_is_refused(study):
    folder, pairs = study
    soft = _smoothed(pairs["c2"][0])
    halves = int(np.count_nonzero(soft == 0.5))  # numpy's count, not medeval's
    assert halves > 0 and set(np.unique(soft).tolist()) == {0.0, 0.5, 1.0}
    save(soft, folder / "masks" / "c2.nii.gz")
    save(np.where(pairs["c3"][0] > 0, 0.5, 0).astype(np.float32),
         folder / "masks" / "c3.nii.gz")  # nothing but 0 and 0.5: an empty reference
    with pytest.raises(MedevalError) as caught:
        medeval.evaluate(folder / "protocol.toml", folder / "pred", workers=1)
    text = str(caught.value)
    assert (f"case c2: reference masks/c2.nii.gz holds values that are not labels "
            f"(float32): 0.5, in {halves} voxel(s) of {soft.size}") in text
    assert f"case c3: reference masks/c3.nii.gz holds values that are not labels " \
           f"(float32): 0.5, in {int(pairs['c3'][0].sum())} voxel(s)" in text
    assert "nearest neighbour" in text


def test_a_float_reference_of_whole_numbers_is_scored_as_medpy_scores_it(study):
    medpy_binary = pytest.importorskip("medpy.metric.binary")
    folder, pairs = study
    ref, pred = pairs["c2"]
    save(ref.astype(np.float32), folder / "masks" / "c2.nii.gz")
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred", workers=1)
    row = {r["case_id"]: r for r in result.cases}["c2"]
    assert row["status"] == "ok"
    assert row["dice"] == pytest.approx(medpy_binary.dc(pred, ref), abs=1e-12)
    stored = sitk.ReadImage(str(folder / "masks" / "c2.nii.gz")).GetSpacing()[::-1]
    assert row["hd95@pooled"] == pytest.approx(  # the file's float32 spacing
        medpy_binary.hd95(pred, ref, voxelspacing=stored), abs=1e-9)
