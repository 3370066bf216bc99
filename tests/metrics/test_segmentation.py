"""Mask overlap and volume: against MedPy and hand-worked counts; the empty-mask table."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from medeval.errors import InvalidInputError, UndefinedMetricWarning
from medeval.metrics import (
    MaskOverlap,
    dice,
    jaccard,
    mask_overlap,
    mask_precision,
    mask_sensitivity,
    relative_volume_difference,
    volume_ml,
)


def test_against_medpy(anisotropic_case, medpy_binary):
    ref, pred, _ = anisotropic_case
    assert dice(ref, pred) == pytest.approx(medpy_binary.dc(pred, ref), abs=1e-12)
    assert jaccard(ref, pred) == pytest.approx(medpy_binary.jc(pred, ref), abs=1e-12)
    assert mask_sensitivity(ref, pred) == pytest.approx(
        medpy_binary.sensitivity(pred, ref), abs=1e-12)
    assert mask_precision(ref, pred) == pytest.approx(
        medpy_binary.precision(pred, ref), abs=1e-12)
    assert relative_volume_difference(ref, pred) == pytest.approx(
        medpy_binary.ravd(pred, ref), abs=1e-12)


def test_by_hand():
    # ref: 6 voxels, pred: 4, both: 3 -> Dice 6/10, Jaccard 3/7, Se 3/6, precision 3/4,
    # RVD (4 - 6) / 6 = -1/3.
    ref = np.zeros((3, 4), bool); ref[0, :] = True; ref[1, :2] = True
    pred = np.zeros((3, 4), bool); pred[0, 1:] = True; pred[2, 0] = True
    assert mask_overlap(ref, pred) == MaskOverlap(tp=3, fp=1, fn=3)
    assert dice(ref, pred) == pytest.approx(0.6)
    assert jaccard(ref, pred) == pytest.approx(3 / 7)
    assert (mask_sensitivity(ref, pred), mask_precision(ref, pred)) == (0.5, 0.75)
    assert relative_volume_difference(ref, pred) == pytest.approx(-1 / 3)


def test_volume_by_hand():
    # 27 voxels of 0.7 x 0.7 x 2.5 mm = 27 * 1.225 mm^3 = 33.075 mm^3 = 0.033075 mL.
    mask = np.zeros((5, 5, 5), np.uint8); mask[1:4, 1:4, 1:4] = 1
    assert volume_ml(mask, spacing_mm=(0.7, 0.7, 2.5)) == pytest.approx(0.033075, abs=1e-15)


class TestEmptyMasks:
    def test_both_empty(self):
        empty = np.zeros((4, 4, 4), bool)
        counts = mask_overlap(empty, empty)
        assert counts.reference_empty and counts.prediction_empty
        assert dice(empty, empty) == 1.0 and jaccard(empty, empty) == 1.0
        assert relative_volume_difference(empty, empty) == 0.0
        with pytest.warns(UndefinedMetricWarning, match="empty reference"):
            assert math.isnan(mask_sensitivity(empty, empty))
        with pytest.warns(UndefinedMetricWarning, match="empty prediction"):
            assert math.isnan(mask_precision(empty, empty))

    def test_reference_empty(self):
        empty, full = np.zeros((4, 4), bool), np.ones((4, 4), bool)
        counts = mask_overlap(empty, full)
        assert counts.reference_empty and not counts.prediction_empty
        assert (dice(empty, full), jaccard(empty, full), mask_precision(empty, full)) == (0, 0, 0)
        assert relative_volume_difference(empty, full) == math.inf

    def test_prediction_empty(self):
        empty, full = np.zeros((4, 4), bool), np.ones((4, 4), bool)
        assert mask_overlap(full, empty).prediction_empty
        assert (dice(full, empty), mask_sensitivity(full, empty)) == (0.0, 0.0)
        assert relative_volume_difference(full, empty) == -1.0


@settings(max_examples=60, deadline=None)
@given(pair=st.integers(2, 3).flatmap(
    lambda nd: st.tuples(*(arrays(bool, (4,) * nd) for _ in range(2)))))
def test_properties(pair):
    ref, pred = pair
    d, j = dice(ref, pred), jaccard(ref, pred)
    assert 0.0 <= d <= 1.0 and 0.0 <= j <= 1.0
    assert d == pytest.approx(dice(pred, ref))  # symmetric
    assert j == pytest.approx(d / (2 - d))  # J = D / (2 - D)


def test_bad_input():
    with pytest.raises(InvalidInputError, match="differ in shape"):
        dice(np.ones((2, 2)), np.ones((2, 3)))
    with pytest.raises(InvalidInputError, match="per_label"):
        dice(np.array([[0, 2]]), np.array([[0, 1]]))
    with pytest.raises(InvalidInputError, match="3D"):
        volume_ml(np.ones((2, 2)), spacing_mm=1)
    with pytest.raises(InvalidInputError, match="spacing_mm"):
        volume_ml(np.ones((2, 2, 2)), spacing_mm=None)
    with pytest.raises(InvalidInputError, match="numeric or boolean"):
        dice(np.array([["a"]]), np.array([["b"]]))


@pytest.mark.parametrize("func", [dice, jaccard, mask_sensitivity, mask_precision,
                                  relative_volume_difference, mask_overlap])
def test_a_refusal_names_the_function_called(func):
    # found in the api pass: dice(...) on a 0/255 mask said "mask_overlap: ...", a
    # function the user never called
    name = func.__name__
    with pytest.raises(InvalidInputError, match=rf"^{name}: reference must be binary"):
        func(np.array([[0, 255]]), np.array([[0, 1]]))
    with pytest.raises(InvalidInputError, match=rf"^{name}: reference and prediction differ"):
        func(np.ones((2, 2)), np.ones((2, 3)))
