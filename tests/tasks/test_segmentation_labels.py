"""The labels a segmentation protocol scores are structures, each listed once. Found in
the hvol volume pass: `labels = [0, 1, -3]` was accepted and scored 'label0:dice' 0.71
(the background's overlap, its 'surface' the array's faces) and 'label-3' (a label no
mask can hold in a uint8 file), and a reference holding labels 2 to 5 set no bound on
the prediction's coding, since 0 counted as a scored label; `labels = [1, 1]` printed
every metric of label 1 twice. medeval.metrics.segmentation_scores' per_label already
refused label 0 as the background; the protocol now does too, before anything runs."""

from __future__ import annotations

import pytest

from medeval.protocol import ProtocolError, validate_protocol

BASE = {
    "test": {"id": "T", "title": "t", "mode": "pre-check"}, "laboratory": {"name": "L"},
    "customer": {"name": "C"}, "algorithm": {"name": "a", "version": "1"},
    "dataset": {"manifest": "m.csv", "selection": "all"}, "statistics": {"seed": 1},
    "criteria": [{"metric": "label1:dice", "goal": 0.5, "source": "s"}],
    "failures": {"worst_distance_mm": 50.0},
}


@pytest.mark.parametrize(("labels", "expected"), [
    ([0, 1], "labels: [0] are not structures: 0 is the background"),
    ([1, -3], "labels: [-3] are not structures"),
    ([1, 1], "labels: [1] listed more than once"),
    ([3, 1, 3, 2, 1], "labels: [1, 3] listed more than once"),
])
def test_background_negative_and_repeated_labels_are_refused(labels, expected):
    data = dict(BASE, task={"type": "segmentation", "nsd_tolerance_mm": 1.0,
                            "labels": labels})
    with pytest.raises(ProtocolError) as caught:
        validate_protocol(data)
    assert any(expected in p for p in caught.value.problems), caught.value.problems


def test_structures_in_any_order_are_scored():
    data = dict(BASE, task={"type": "segmentation", "nsd_tolerance_mm": 1.0,
                            "labels": [5, 1, 2]})
    assert validate_protocol(data).task.labels == [5, 1, 2]
