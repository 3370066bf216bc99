"""A JSON prediction that is a list, under every task but coco-detection (the only one
that reads a list, a COCO detector's results for its frame).

The runner stores a plugin's or command's list as it is since 36064d3 (before, it
refused every list as invalid-output); each other task must then fail the case in the
evaluation with a reason that names the form it expected, count it as failed under the
protocol's policy and never score it. Found untested in the review-docs pass; ecg-beats
said only Python's "list indices must be integers or slices, not str"."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import medeval

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

#: example -> (reason, words of the failure's detail), the details as each task words them
EXPECTED = {
    "binary-classification": ("invalid-output", 'must hold a number or {"score": number}, '
                              "got [0.73]"),
    "multiclass-classification": ("invalid-output", "the prediction is a list of 1 value(s), "
                                  "not a label"),
    "measurement": ("invalid-output", 'must be a finite number or {"value": number}, '
                    "got [0.73]"),
    "detection": ("invalid-output", 'there is no list "detections"'),
    "ecg-beats": ("invalid-output", 'the prediction must be {"fs": Hz, "samples": [...], '
                  '"symbols": [...]}, an object; got a list of 1 value(s)'),
    "eeg-events": ("invalid-output", 'the prediction needs "events": [...]'),
    # a mask task reads no JSON: the list is no mask file
    "segmentation": ("missing-output", "no prediction file"),
}


@pytest.mark.parametrize("example", sorted(EXPECTED))
def test_a_list_fails_its_case_and_is_counted(example: str, tmp_path: Path) -> None:
    folder = EXAMPLES / example
    protocol = folder / "protocol.toml"
    clean = medeval.evaluate(protocol, folder / "predictions")
    failed_before = {f.case_id for f in clean.failures.cases}
    predictions = shutil.copytree(folder / "predictions", tmp_path / "predictions")
    case = next(p.name.split(".")[0] for p in sorted(predictions.iterdir())
                if p.name.split(".")[0] not in failed_before)
    for path in predictions.glob(f"{case}.*"):
        path.unlink()
    (predictions / f"{case}.json").write_text(json.dumps([0.73]))
    result = medeval.evaluate(protocol, predictions)
    failed = {f.case_id: f for f in result.failures.cases}
    reason, words = EXPECTED[example]
    assert set(failed) == failed_before | {case}
    assert failed[case].reason == reason and words in failed[case].detail
    assert failed[case].detail.startswith(f"case {case}: ")
    # counted as the protocol says (worst case: still analysed), one case fewer scored
    assert result.failures.policy == clean.failures.policy == "worst-case"
    assert (result.flow.registered, result.flow.scored, result.flow.failed,
            result.flow.analysed) == (clean.flow.registered, clean.flow.scored - 1,
                                      clean.flow.failed + 1, clean.flow.analysed)
