"""The ECG beats task end to end on MIT-BIH record 100, against ec57() called directly."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import pytest

import medeval
from medeval.metrics import ec57

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ecg-beats"


@pytest.fixture
def study(shared_data, tmp_path):
    import wfdb

    for ext in ("hea", "dat", "atr"):
        shutil.copy(shared_data / "ecg" / "mitdb" / f"100.{ext}", tmp_path / f"100.{ext}")
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input_header,input_signal,reference\n"
        "100,p100,100.hea,100.dat,100.atr\n")
    (tmp_path / "protocol.toml").write_text((EXAMPLE / "protocol.toml").read_text())
    detections = wfdb.rdann(str(shared_data / "ecg" / "mitdb" / "100"), "qrs")
    (tmp_path / "pred").mkdir()
    (tmp_path / "pred" / "100.json").write_text(json.dumps(
        {"fs": 360, "samples": detections.sample.tolist(), "symbols": detections.symbol}))
    return tmp_path, detections


def test_matches_ec57_on_record_100(study, shared_data):
    import wfdb

    folder, detections = study
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    atr = wfdb.rdann(str(shared_data / "ecg" / "mitdb" / "100"), "atr")
    beats = [(s, c) for s, c in zip(atr.sample, atr.symbol) if c != "+"]
    with warnings.catch_warnings():  # .qrs labels every beat N: VEB +P is undefined
        warnings.simplefilter("ignore", medeval.UndefinedMetricWarning)
        direct = ec57([s for s, _ in beats], [c for _, c in beats], detections.sample,
                      detections.symbol, fs=360)
    for name in ("qrs_sensitivity", "qrs_ppv"):
        estimate = result.metric(name).estimate
        ratio = getattr(direct, name)
        assert (estimate.numerator, estimate.n) == (ratio.numerator, ratio.denominator)
        assert estimate.value == pytest.approx(ratio.value)
    data = json.loads(result.to_json())
    assert any("veb_ppv" in w or "0 of 0" in w or "n = 0" in w or "veb" in w.lower()
               for w in data["warnings"]), data["warnings"]
    assert data["tables"]["ec57"]["standard"] is True
    assert data["tables"]["ec57"]["n_records"] == 1


def test_a_failed_record_misses_every_beat(study):
    folder, _ = study
    (folder / "pred" / "100.json").unlink()
    pass_through = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    assert pass_through.metric("qrs_sensitivity").estimate.numerator == 0
    assert json.loads(pass_through.to_json())["failures"]["cases"][0]["reason"] == \
        "missing-output"
