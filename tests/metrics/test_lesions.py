"""Lesion matching: hand-built scenes with known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from medeval.errors import InvalidInputError, UndefinedMetricWarning
from medeval.metrics import lesion_matching


def scene():
    # Three reference lesions; the prediction finds the first well, the second poorly
    # (IoU 4/16 = 0.25), misses the third, and adds one false positive.
    ref = np.zeros((20, 20), bool)
    ref[1:5, 1:5] = True       # lesion 1: 16 voxels
    ref[8:12, 8:12] = True     # lesion 2: 16 voxels
    ref[15:18, 1:4] = True     # lesion 3: 9 voxels
    pred = np.zeros((20, 20), bool)
    pred[1:5, 2:6] = True      # overlaps lesion 1 on 12 voxels: IoU 12 / 20 = 0.6
    pred[10:14, 10:14] = True  # overlaps lesion 2 on 4 voxels: IoU 4 / 28
    pred[16:19, 14:17] = True  # false positive
    return ref, pred


def test_iou_criterion():
    ref, pred = scene()
    m = lesion_matching(ref, pred, spacing_mm=(0.5, 0.5), iou_threshold=0.5)
    assert [lesion.match for lesion in m.reference_lesions] == [1, None, None]
    assert (m.true_positives, m.false_negatives, m.false_positives) == (1, 2, 2)
    first = m.reference_lesions[0]
    assert first.iou == pytest.approx(0.6) and first.dice == pytest.approx(24 / 32)
    assert first.volume_ml == pytest.approx(16 * 0.25 / 1000)
    assert m.sensitivity() == pytest.approx(1 / 3)


def test_overlap_criterion_counts_any_voxel():
    ref, pred = scene()
    m = lesion_matching(ref, pred, spacing_mm=1.0, criterion="overlap")
    assert [lesion.match for lesion in m.reference_lesions] == [1, 2, None]
    assert m.reference_lesions[1].iou == pytest.approx(4 / 28)
    assert m.false_positive_lesions == (3,)


def test_one_to_one_assignment():
    # One predicted blob covers two reference lesions: it can match only one of them,
    # the one giving the larger IoU.
    ref = np.zeros((10, 12), bool); ref[2:6, 1:4] = True; ref[2:6, 6:8] = True
    pred = np.zeros((10, 12), bool); pred[2:6, 1:8] = True
    m = lesion_matching(ref, pred, spacing_mm=1.0, criterion="overlap")
    assert [lesion.match for lesion in m.reference_lesions] == [1, None]
    assert m.false_positives == 0


def test_connectivity_changes_components():
    # Two voxels touching at a corner: one lesion 8-connected, two 4-connected.
    ref = np.zeros((4, 4), bool); ref[1, 1] = ref[2, 2] = True
    assert len(lesion_matching(ref, ref, spacing_mm=1).reference_lesions) == 1
    assert len(lesion_matching(ref, ref, spacing_mm=1, connectivity=1).reference_lesions) == 2


def test_no_reference_lesion():
    ref = np.zeros((5, 5, 5), bool)
    pred = ref.copy(); pred[2, 2, 2] = True
    m = lesion_matching(ref, pred, spacing_mm=1)
    assert m.false_positives == 1
    with pytest.warns(UndefinedMetricWarning, match="no reference lesion"):
        assert math.isnan(m.sensitivity())


def test_empty_both():
    empty = np.zeros((4, 4), bool)
    m = lesion_matching(empty, empty, spacing_mm=1)
    assert m.reference_lesions == () and m.false_positives == 0


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"criterion": "centre"}, "criterion"),
    ({"iou_threshold": 0.0}, "iou_threshold"),
    ({"connectivity": 3}, "connectivity"),
    ({"spacing_mm": None}, "spacing_mm"),
])
def test_bad_options(kwargs, match):
    mask = np.ones((3, 3), bool)
    options = {"spacing_mm": 1.0, **kwargs}
    with pytest.raises(InvalidInputError, match=match):
        lesion_matching(mask, mask, **options)
