"""WFDB annotation files that state no time resolution, for a record stored as EDF (no
WFDB header to give one): a detector's, and a reference's, count at the EDF record's one
signal rate, as they would at a WFDB record's frame rate."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import numpy as np
import pytest

import medeval

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ecg-beats"
BEATS = set("NLRBAaJSVrFejnE/fQ?")  # WFDB's beat codes (isqrs)
START = datetime.datetime(2020, 1, 1, 10, 0, 0)


def _signal_edf(path: Path, shared_data: Path, seconds: int) -> None:
    """Record 100's two leads (wfdb.rdrecord) as EDF+ at 360 Hz, ``seconds`` long."""
    import pyedflib
    import wfdb

    record = wfdb.rdrecord(str(shared_data / "ecg" / "mitdb" / "100"),
                           sampto=seconds * 360)
    writer = pyedflib.EdfWriter(str(path), 2, file_type=pyedflib.FILETYPE_EDFPLUS)
    try:
        writer.setStartdatetime(START)
        writer.setSignalHeaders([{"label": name, "dimension": "mV", "sample_frequency": 360,
                                  "physical_max": 10, "physical_min": -10,
                                  "digital_max": 32767, "digital_min": -32768}
                                 for name in record.sig_name])
        writer.writeSamples([np.ascontiguousarray(record.p_signal[:, k]) for k in range(2)])
    finally:
        writer.close()


def _edf(path: Path, signals, fs: int) -> None:
    """An EDF+ file (pyedflib) of ``signals`` at ``fs`` Hz."""
    import pyedflib

    writer = pyedflib.EdfWriter(str(path), len(signals), file_type=pyedflib.FILETYPE_EDFPLUS)
    try:
        writer.setStartdatetime(START)
        writer.setSignalHeaders([{"label": f"s{k}", "dimension": "mV", "sample_frequency": fs,
                                  "physical_max": 10, "physical_min": -10,
                                  "digital_max": 32767, "digital_min": -32768}
                                 for k in range(len(signals))])
        writer.writeSamples([np.ascontiguousarray(x) for x in signals])
    finally:
        writer.close()


def _annotation_edf(path: Path, samples, symbols) -> None:
    """An annotation-only EDF+ file (no signal) of the beats at ``sample / 360`` s;
    four annotation channels, as pyedflib keeps one annotation per channel and data
    record and leaves out the rest."""
    import pyedflib

    writer = pyedflib.EdfWriter(str(path), 0, file_type=pyedflib.FILETYPE_EDFPLUS)
    try:
        writer.setStartdatetime(START)
        writer.set_number_of_annotation_signals(4)
        for sample, symbol in zip(samples, symbols):
            writer.writeAnnotation(sample / 360, -1, symbol)
    finally:
        writer.close()


@pytest.mark.parametrize("reference", ["beats.edf", "100.atr"])
def test_a_qrs_file_without_rate_counts_at_the_edf_records_rate(shared_data, tmp_path,
                                                                 reference):
    # Before, with the annotation-only EDF+ reference, the case failed as the algorithm's
    # fault ("states no sampling frequency and no header c.hea is beside it; put the
    # record's header next to it"): there is no WFDB header for an EDF record, and the
    # reference's onsets gave no rate; with 100.atr (no rate stated either) as the
    # reference, the set was refused so.
    import pyedflib
    import wfdb
    from wfdb import processing

    source = shared_data / "ecg" / "mitdb" / "100"
    atr = wfdb.rdann(str(source), "atr")
    qrs = wfdb.rdann(str(source), "qrs")
    _signal_edf(tmp_path / "100.edf", shared_data, 1805)
    if reference == "beats.edf":
        _annotation_edf(tmp_path / "beats.edf", atr.sample, atr.symbol)
        with pyedflib.EdfReader(str(tmp_path / "beats.edf")) as reader:
            assert (reader.signals_in_file, len(reader.readAnnotations()[0])) == (0, 2274)
    else:
        shutil.copy(shared_data / "ecg" / "mitdb" / "100.atr", tmp_path / "100.atr")
        assert wfdb.rdann(str(tmp_path / "100"), "atr").fs is None  # no 100.hea beside
    (tmp_path / "pred").mkdir()
    shutil.copy(shared_data / "ecg" / "mitdb" / "100.qrs", tmp_path / "pred" / "c.qrs")
    # 100.qrs states no time resolution: wfdb reads it at 100.hea's rate, none here
    assert wfdb.rdann(str(tmp_path / "pred" / "c"), "qrs").fs is None
    (tmp_path / "manifest.csv").write_text(
        f"case_id,patient_id,input,reference\nc,p,100.edf,{reference}\n")
    (tmp_path / "protocol.toml").write_text((EXAMPLE / "protocol.toml").read_text().replace(
        'type = "ecg-beats"', 'type = "ecg-beats"\nprediction_annotator = "qrs"'))
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    assert not result.failures.cases
    # bxb's counts: beats from 5 min (sample 108000) to the record's end (1805 s, sample
    # 649800), paired by compare_annotations (its strict 55 samples is bxb's inclusive 54
    # at 360 Hz; these beats lie further apart)
    ref = np.array([t for t, c in zip(atr.sample, atr.symbol) if c in BEATS])
    ref = ref[(ref >= 108000) & (ref <= 649800)]
    test = qrs.sample[(qrs.sample >= 108000) & (qrs.sample <= 649800)]
    found = processing.compare_annotations(ref, test, 55)
    se = result.metric("qrs_sensitivity").estimate
    ppv = result.metric("qrs_ppv").estimate
    assert (se.numerator, se.n, ppv.numerator, ppv.n) == (
        found.tp, found.tp + found.fn, found.tp, found.tp + found.fp) == (1901, 1901, 1901, 1901)


def test_a_qrs_file_without_rate_counts_at_a_resampled_edf_records_rate(shared_data,
                                                                         tmp_path):
    # record 100's first 10 min resampled to 250 Hz (scipy) and stored as EDF+; its
    # reference, 100.atr, written again by wfdb.wrann with fs=360 (its own samples); the
    # detector, run on the 250-Hz record, writes 100.qrs's beats in the record's samples
    # (round(sample * 250 / 360)) without fs. Before, the detections were read at the
    # reference's 360 Hz (every time x 250/360: QRS Se 78/389, +P 78/218), not at the
    # record's 250 Hz.
    import wfdb
    from scipy.signal import resample_poly
    from wfdb import processing

    source = shared_data / "ecg" / "mitdb" / "100"
    record = wfdb.rdrecord(str(source), sampto=600 * 360)
    _edf(tmp_path / "100.edf", [resample_poly(record.p_signal[:, 0], 25, 36)], 250)
    atr = wfdb.rdann(str(source), "atr", sampto=600 * 360)
    wfdb.wrann("100", "atr", atr.sample, symbol=atr.symbol, aux_note=atr.aux_note, fs=360,
               write_dir=str(tmp_path))
    assert wfdb.rdann(str(tmp_path / "100"), "atr").fs == 360
    qrs = wfdb.rdann(str(source), "qrs", sampto=600 * 360)
    (tmp_path / "pred").mkdir()
    wfdb.wrann("c", "qrs", np.round(qrs.sample * 250 / 360).astype(np.int64),
               symbol=qrs.symbol, write_dir=str(tmp_path / "pred"))
    assert wfdb.rdann(str(tmp_path / "pred" / "c"), "qrs").fs is None
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input,reference\nc,p,100.edf,100.atr\n")
    (tmp_path / "protocol.toml").write_text((EXAMPLE / "protocol.toml").read_text().replace(
        'type = "ecg-beats"', 'type = "ecg-beats"\nprediction_annotator = "qrs"'))
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    # bxb's counts from 5 min to the record's end (600 s), at 360 Hz as wfdb reads both
    ref = np.array([t for t, c in zip(atr.sample, atr.symbol) if c in BEATS])
    ref = ref[(ref >= 108000) & (ref <= 216000)]
    test = qrs.sample[(qrs.sample >= 108000) & (qrs.sample <= 216000)]
    found = processing.compare_annotations(ref, test, 55)
    se = result.metric("qrs_sensitivity").estimate
    ppv = result.metric("qrs_ppv").estimate
    assert (se.numerator, se.n, ppv.numerator, ppv.n) == (
        found.tp, found.tp + found.fn, found.tp, found.tp + found.fp) == (389, 389, 389, 389)


def test_manifest_check_reads_the_reference_at_the_edf_records_rate(shared_data, tmp_path):
    # 8d6f6d7f scores 100.atr (no rate stated, no 100.hea beside it) at the EDF record's
    # 360 Hz; the check of the set before a run refused the same set: 'unreadable: WFDB
    # annotations .../100.atr: states no sampling frequency and no header 100.hea is
    # beside it; put the record's header next to it'.
    import subprocess
    import sys

    import wfdb

    _signal_edf(tmp_path / "100.edf", shared_data, 1805)
    shutil.copy(shared_data / "ecg" / "mitdb" / "100.atr", tmp_path / "100.atr")
    assert wfdb.rdann(str(tmp_path / "100"), "atr").fs is None  # no 100.hea beside
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input,reference\nc,p,100.edf,100.atr\n")
    (tmp_path / "protocol.toml").write_text((EXAMPLE / "protocol.toml").read_text())
    done = subprocess.run(
        [sys.executable, "-m", "medeval", "manifest", "check", str(tmp_path / "manifest.csv"),
         "--protocol", str(tmp_path / "protocol.toml"), "--read-files"],
        capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "states no sampling frequency" not in done.stderr
    assert done.stdout.startswith("OK")
