"""Prediction checks, storage and the message framing: no sandbox needed."""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
from pathlib import Path

import pytest

from medeval.runner import _protocol as channel
from medeval.runner.predictions import InvalidPrediction, normalize_prediction, store_outputs


@pytest.mark.parametrize("value, expected", [
    (0.25, {"score": 0.25}),
    (1, {"score": 1}),
    ({"label": "polyp"}, {"label": "polyp"}),
    ({"score": [0.1, 0.9], "label": 1}, {"score": [0.1, 0.9], "label": 1}),
    ({"score": {"a": 0.2, "b": 0.8}}, {"score": {"a": 0.2, "b": 0.8}}),
    (None, None),
])
def test_valid_predictions(value, expected):
    assert normalize_prediction(value) == expected


def test_task_shaped_predictions_pass_through():
    # The task, not the runner, knows the shape: beats, events, detections ...
    beats = {"fs": 360, "samples": [10, 400], "symbols": ["N", "V"]}
    assert normalize_prediction(beats) == beats


def test_a_coco_results_list_is_stored_as_it_is(tmp_path: Path):
    # The coco-detection task reads a COCO results list ([] when nothing is detected);
    # before, the runner refused every list, so no plugin or command could be scored
    # under that task by `medeval run` (found in the docs pass). A list has no key for
    # the case id: it is stored without one.
    results = [{"category_id": 1, "bbox": [10.0, 12.0, 20.0, 18.0], "score": 0.9}]
    assert normalize_prediction(results) == results
    assert normalize_prediction([]) == []
    store_outputs("c1", results, {}, tmp_path, limit_bytes=1000, value_from_file=False)
    assert json.loads((tmp_path / "c1.json").read_bytes()) == results
    store_outputs("c2", None, {"prediction.json": b"[]"}, tmp_path, limit_bytes=1000,
                  value_from_file=True)
    assert (tmp_path / "c2.json").read_bytes().strip() == b"[]"


@pytest.mark.parametrize("value, message", [
    (math.nan, "NaN"),
    ({"score": math.inf}, "NaN or infinite"),
    ({"score": True}, "must be a number"),
    ({"score": "0.5"}, "must be a number"),
    ({"score": []}, "must be a number"),
    ({}, "empty object"),
    ({"samples": [1, 2], "fs": math.inf}, "NaN or infinity"),
    ({"label": 1, "extra": [1.0, math.nan]}, "NaN or infinity"),
    ([{"bbox": [1, 2, 3, 4], "score": math.nan}], "NaN or infinity"),
    ("0.5", "expected a score"),
])
def test_invalid_predictions(value, message):
    with pytest.raises(InvalidPrediction, match=message) as info:
        normalize_prediction(value)
    assert info.value.reason == "invalid-output"


def test_store_outputs_writes_canonical_json_and_files_with_hashes(tmp_path: Path):
    stored = store_outputs("c1", {"score": 0.5}, {}, tmp_path, limit_bytes=1000,
                           value_from_file=False)
    files = {"prediction.nii.gz": b"\x1f\x8bmask"}
    stored |= store_outputs("c2", None, files, tmp_path, limit_bytes=1000,
                            value_from_file=False)
    assert (tmp_path / "c1.json").read_bytes() == b'{\n  "case_id": "c1",\n  "score": 0.5\n}\n'
    assert (tmp_path / "c2.nii.gz").read_bytes() == b"\x1f\x8bmask"
    assert stored == {name: hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
                      for name in ("c1.json", "c2.nii.gz")}
    assert sorted(os.listdir(tmp_path)) == ["c1.json", "c2.nii.gz"]  # no temporary left


@pytest.mark.parametrize("files, value, reason, message", [
    ({"notes.txt": b"x"}, 0.5, "invalid-output", "unexpected file"),
    ({"prediction.json": b"{not json"}, None, "invalid-output", "not valid JSON"),
    ({"prediction.json": b'{"score": NaN}'}, None, "invalid-output", "NaN"),
    ({}, None, "invalid-output", "no prediction"),
    ({"prediction.mha": b"x" * 2000}, None, "output-too-large", "limit 1000"),
])
def test_store_outputs_refuses(tmp_path: Path, files, value, reason, message):
    with pytest.raises(InvalidPrediction, match=message) as info:
        store_outputs("c1", value, files, tmp_path, limit_bytes=1000, value_from_file=True)
    assert info.value.reason == reason
    assert os.listdir(tmp_path) == []


def test_a_stray_file_in_the_output_folder_is_told_where_logs_go(tmp_path: Path):
    # Found pre-checking a command that wrote debug.log beside its prediction.json: the
    # case failed saying only "write prediction.<ext>", which it had done
    with pytest.raises(InvalidPrediction) as info:
        store_outputs("c1", None, {"prediction.json": b'{"score": 0.5}', "debug.log": b"x"},
                      tmp_path, limit_bytes=1000, value_from_file=True)
    assert info.value.reason == "invalid-output" and info.value.detail == (
        "unexpected file 'debug.log' in the output directory, which holds the prediction "
        "only (prediction.json or prediction.<ext>): write logs and scratch files to /tmp")
    assert os.listdir(tmp_path) == []


def test_framing_limits_and_deadlines():
    read, write = os.pipe()
    try:
        channel.send(write, {"op": "case", "x": [1, 2.5]})
        assert channel.receive(read) == {"op": "case", "x": [1, 2.5]}
        channel.send_bytes(write, b"abc" * 100)
        with pytest.raises(channel.MessageTooLarge):
            channel.receive_bytes(read, limit=10)
        start = time.monotonic()
        with pytest.raises(channel.ChannelTimeout):
            channel.receive(read, deadline=time.monotonic() + 0.05)
        assert time.monotonic() - start < 1
    finally:
        os.close(read)
        os.close(write)
    read, write = os.pipe()
    os.close(write)
    with pytest.raises(channel.ChannelClosed):
        channel.receive(read)
    os.close(read)
