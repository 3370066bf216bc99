"""One call per case: the values equal the individual metrics and MedPy; label maps."""

from __future__ import annotations

import math

import numpy as np
import pytest

from medeval.definitions import DEFINITIONS
from medeval.errors import InvalidInputError
from medeval.metrics import (
    assd,
    dice,
    hausdorff,
    hd95,
    masd,
    nsd,
    per_label,
    segmentation_scores,
)


def test_values_match_the_metrics_and_medpy(anisotropic_case, medpy_binary):
    ref, pred, spacing = anisotropic_case
    s = segmentation_scores(ref, pred, spacing_mm=spacing, tolerance_mm=1.5)
    v = s.values
    assert v["dice"] == pytest.approx(medpy_binary.dc(pred, ref), abs=1e-12)
    assert v["hd95@pooled"] == pytest.approx(
        medpy_binary.hd95(pred, ref, voxelspacing=spacing), abs=1e-9)
    assert v["hausdorff"] == hausdorff(ref, pred, spacing_mm=spacing)
    assert v["hd95@max-directed"] == hd95(ref, pred, spacing_mm=spacing)
    assert v["assd"] == assd(ref, pred, spacing_mm=spacing)
    assert v["masd"] == masd(ref, pred, spacing_mm=spacing)
    assert v["nsd@surfel"] == nsd(ref, pred, spacing_mm=spacing, tolerance_mm=1.5)
    assert v["volume_ml@reference"] == pytest.approx(ref.sum() * math.prod(spacing) / 1000)
    assert not s.reference_empty and s.parameters["nsd_variant"] == "surfel"


def test_every_value_has_a_definition(anisotropic_case):
    ref, pred, spacing = anisotropic_case
    s = segmentation_scores(ref, pred, spacing_mm=spacing, tolerance_mm=1, nsd_variant="count")
    for key in s.values:
        assert key.split("@")[0] in DEFINITIONS or key in DEFINITIONS, key


def test_other_percentile_is_named_by_it():
    mask = np.ones((3, 3), bool)
    s = segmentation_scores(mask, mask, spacing_mm=1, tolerance_mm=1, percentile=99)
    assert "hd99@max-directed" in s.values and "hd95@max-directed" not in s.values


def test_per_label():
    ref = np.zeros((10, 10), int); ref[1:4, 1:4] = 1; ref[6:9, 6:9] = 2
    pred = np.zeros((10, 10), int); pred[1:4, 2:5] = 1; pred[0, 9] = 3
    scores = per_label(ref, pred, spacing_mm=1, tolerance_mm=1)
    assert list(scores) == [1, 2, 3]  # present in either map; background excluded
    assert scores[1].values["dice"] == pytest.approx(dice(ref == 1, pred == 1))
    assert scores[2].prediction_empty and scores[2].values["hausdorff"] == math.inf
    assert scores[3].reference_empty and scores[3].values["dice"] == 0.0
    absent = per_label(ref, pred, spacing_mm=1, tolerance_mm=1, labels=[4])[4]
    assert absent.reference_empty and absent.prediction_empty


def test_per_label_bad_input():
    with pytest.raises(InvalidInputError, match="background"):
        per_label(np.ones((2, 2), int), np.ones((2, 2), int), spacing_mm=1, tolerance_mm=1,
                  labels=[0, 1])
    with pytest.raises(InvalidInputError, match="integer labels"):
        per_label(np.full((2, 2), 0.5), np.ones((2, 2)), spacing_mm=1, tolerance_mm=1)
    with pytest.raises(InvalidInputError, match="negative"):
        per_label(-np.ones((2, 2), int), np.ones((2, 2), int), spacing_mm=1, tolerance_mm=1)
    with pytest.raises(InvalidInputError, match="shape"):
        per_label(np.ones((2, 2), int), np.ones((2, 3), int), spacing_mm=1, tolerance_mm=1)
    with pytest.raises(InvalidInputError, match="tolerance_mm"):
        segmentation_scores(np.ones((2, 2)), np.ones((2, 2)), spacing_mm=1, tolerance_mm=None)
