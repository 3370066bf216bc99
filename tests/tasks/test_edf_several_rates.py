"""A WFDB annotation file stating no time resolution beside an EDF record whose signals
are at several rates: no rate is assumed (the file is refused, as before), and the
refusal says why, not only 'put the record's header next to it' (an EDF record has no
WFDB header)."""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import medeval
from medeval.errors import MedevalError

ROOT = Path(__file__).resolve().parents[2] / "examples"
START = datetime.datetime(2020, 1, 1, 10, 0, 0)


def _edf(path: Path, signals: list[np.ndarray], rates: list[int]) -> None:
    """An EDF+ file (pyedflib) of ``signals`` at ``rates`` Hz, data records of 1 s."""
    import pyedflib

    writer = pyedflib.EdfWriter(str(path), len(rates), file_type=pyedflib.FILETYPE_EDFPLUS)
    try:
        writer.setStartdatetime(START)
        writer.setSignalHeaders([{"label": f"s{k}", "dimension": "mV", "sample_frequency": fs,
                                  "physical_max": 10, "physical_min": -10,
                                  "digital_max": 32767, "digital_min": -32768}
                                 for k, fs in enumerate(rates)])
        writer.writeSamples([np.ascontiguousarray(x) for x in signals])
    finally:
        writer.close()


def _rates(path: Path) -> list[float]:
    import pyedflib

    with pyedflib.EdfReader(str(path)) as reader:
        return sorted({reader.getSampleFrequency(k) for k in range(reader.signals_in_file)})


@pytest.mark.parametrize("prediction", ["beats.edf", "100.atr"])
def test_ecg_annotations_without_rate_beside_an_edf_of_two_rates(shared_data, tmp_path,
                                                                 prediction):
    # record 100's first 10 min: MLII at 360 Hz and V5 kept every 4th sample (90 Hz).
    # 100.atr and 100.qrs state no time resolution (wfdb.rdann's fs is None without
    # 100.hea): either rate would be a guess. Before, the refusal said only 'states no
    # sampling frequency and no header 100.hea is beside it; put the record's header next
    # to it'.
    import pyedflib
    import wfdb

    record = wfdb.rdrecord(str(shared_data / "ecg" / "mitdb" / "100"), sampto=600 * 360)
    _edf(tmp_path / "100.edf", [record.p_signal[:, 0], record.p_signal[::4, 1]], [360, 90])
    assert _rates(tmp_path / "100.edf") == [90, 360]
    (tmp_path / "pred").mkdir()
    shutil.copy(shared_data / "ecg" / "mitdb" / "100.qrs", tmp_path / "pred" / "c.qrs")
    if prediction == "beats.edf":  # the reference: onsets in seconds, no rate
        atr = wfdb.rdann(str(shared_data / "ecg" / "mitdb" / "100"), "atr", sampto=600 * 360)
        writer = pyedflib.EdfWriter(str(tmp_path / "beats.edf"), 0,
                                    file_type=pyedflib.FILETYPE_EDFPLUS)
        try:
            writer.setStartdatetime(START)
            for sample, symbol in zip(atr.sample[:50], atr.symbol[:50]):
                writer.writeAnnotation(sample / 360, -1, symbol)
        finally:
            writer.close()
        reference = "beats.edf"
    else:
        shutil.copy(shared_data / "ecg" / "mitdb" / "100.atr", tmp_path / "100.atr")
        assert wfdb.rdann(str(tmp_path / "100"), "atr").fs is None
        reference = "100.atr"
    (tmp_path / "manifest.csv").write_text(
        f"case_id,patient_id,input,reference\nc,p,100.edf,{reference}\n")
    (tmp_path / "protocol.toml").write_text(
        (ROOT / "ecg-beats" / "protocol.toml").read_text().replace(
            'type = "ecg-beats"', 'type = "ecg-beats"\nprediction_annotator = "qrs"'))
    said = ("the case's record 100.edf is EDF, not WFDB, and its signals are at several "
            "rates (90, 360 Hz): which of them the annotations count is not assumed; write "
            "their time resolution in the file (wfdb.wrann's fs)")
    if reference == "100.atr":  # the set's fault
        with pytest.raises(MedevalError) as refused:
            medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
        assert "100.atr: states no sampling frequency" in str(refused.value)
        assert said in str(refused.value)
        # and the check of the set before a run says the same
        done = subprocess.run(
            [sys.executable, "-m", "medeval", "manifest", "check",
             str(tmp_path / "manifest.csv"), "--protocol", str(tmp_path / "protocol.toml"),
             "--read-files"], capture_output=True, text=True, check=False)
        assert done.returncode != 0 and said in " ".join(done.stderr.split())
    else:  # the detector's file: its case fails
        result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
        (failed,) = result.failures.cases
        failure = f"{failed.reason} {failed.detail}"
        assert "c.qrs: states no sampling frequency" in failure
        assert said in failure


def test_seizure_marks_without_rate_beside_an_edf_of_two_rates(shared_data, tmp_path):
    # chb06_04's marks (256 Hz as wfdb.rdann reads them) written again without fs, beside
    # an EDF of 6300 s holding EEG at 256 Hz and a 1-Hz channel (SpO2, say): refused,
    # and why.
    import wfdb

    marks = wfdb.rdann(str(shared_data / "eeg" / "chb06_04.edf"), "seizures")
    for sub in ("in", "ref", "pred"):
        (tmp_path / sub).mkdir()
    wfdb.wrann("r0", "seizures", marks.sample, symbol=marks.symbol,
               write_dir=str(tmp_path / "ref"))
    assert wfdb.rdann(str(tmp_path / "ref" / "r0"), "seizures").fs is None
    _edf(tmp_path / "in" / "r0.edf", [np.zeros(6300 * 256), np.zeros(6300)], [256, 1])
    assert _rates(tmp_path / "in" / "r0.edf") == [1, 256]
    (tmp_path / "pred" / "r0.json").write_text(json.dumps({"events": [[330, 350]]}))
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input,reference\nr0,p,in/r0.edf,ref/r0.seizures\n")
    protocol = (ROOT / "eeg-events" / "protocol.toml").read_text()
    (tmp_path / "protocol.toml").write_text(protocol.replace(
        'manifest = "manifest.csv"', f'manifest = "{tmp_path / "manifest.csv"}"'))
    with pytest.raises(MedevalError) as refused:
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    assert "r0.seizures: states no sampling frequency" in str(refused.value)
    assert ("the case's record in/r0.edf is EDF, not WFDB, and its signals are at several "
            "rates (1, 256 Hz)") in str(refused.value)


def test_two_edf_inputs_at_different_rates_give_no_rate(shared_data, tmp_path):
    # record 100 as two EDF files, MLII at 360 Hz and V5 at 90 Hz (each of one rate):
    # 100.atr (no rate stated) counts the samples of one of them, which is not assumed.
    # Before, the first input's rate was taken (the manifest's column order deciding).
    import wfdb

    record = wfdb.rdrecord(str(shared_data / "ecg" / "mitdb" / "100"), sampto=600 * 360)
    _edf(tmp_path / "v5.edf", [record.p_signal[::4, 1]], [90])
    _edf(tmp_path / "mlii.edf", [record.p_signal[:, 0]], [360])
    assert (_rates(tmp_path / "v5.edf"), _rates(tmp_path / "mlii.edf")) == ([90], [360])
    shutil.copy(shared_data / "ecg" / "mitdb" / "100.atr", tmp_path / "100.atr")
    (tmp_path / "pred").mkdir()
    (tmp_path / "pred" / "c.json").write_text(json.dumps({"fs": 360, "samples": [],
                                                          "symbols": []}))
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input_a,input_b,reference\nc,p,mlii.edf,v5.edf,100.atr\n")
    (tmp_path / "protocol.toml").write_text((ROOT / "ecg-beats" / "protocol.toml").read_text())
    with pytest.raises(MedevalError) as refused:
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    assert ("the case's records mlii.edf, v5.edf are EDF, not WFDB, and their signals are "
            "at several rates (90, 360 Hz)") in str(refused.value)
