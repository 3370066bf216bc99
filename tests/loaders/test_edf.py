"""EDF+ files on the real files: signals, annotations, the annotation-only hypnogram."""

from __future__ import annotations

import numpy as np
import pyedflib
import pytest

from medeval.errors import LoaderError
from medeval.loaders import read_annotations, read_record


def test_overlapping_annotations_file(shared_data):
    path = shared_data / "eeg/test_edf_overlapping_annotations.edf"
    signal = read_record(path)
    # README: 64 channels, 128 Hz, 124 s, start 2009-08-12.
    assert signal.samples.shape == (124 * 128, 64) and signal.fs == 128.0
    assert signal.channels[0] == "Fc5." and signal.units[0] == "uV"
    assert signal.start_time.date().isoformat() == "2009-08-12"
    with pyedflib.EdfReader(str(path)) as reader:
        np.testing.assert_array_equal(signal.samples[:, 5], reader.readSignal(5))
    annotations = read_annotations(path)
    # README: 38 annotations with durations: T0 x19, T1 x10, T2 x9.
    assert len(annotations) == 38
    assert {s: annotations.symbols.count(s) for s in set(annotations.symbols)} == {
        "T0": 19, "T1": 10, "T2": 9}
    assert np.all(annotations.durations_s > 0)
    assert annotations.fs == 128.0
    np.testing.assert_array_equal(annotations.samples, np.round(annotations.onsets_s * 128))


def test_clinical_edf_with_text_annotations(shared_data):
    path = shared_data / "eeg/chtypes_edf.edf"
    signal = read_record(path)
    # README: EDF+C, 42 channels, 200 Hz, 5 s.
    assert signal.samples.shape == (1000, 42) and signal.fs == 200.0
    assert signal.metadata["file_type"] == "EDF+"
    annotations = read_annotations(path)
    with pyedflib.EdfReader(str(path)) as reader:
        onsets, durations, texts = reader.readAnnotations()
    assert annotations.symbols == tuple(texts)
    assert "starts turning head" in annotations.symbols
    # README: duration -1 means none given -> NaN.
    assert np.isnan(annotations.durations_s[durations < 0]).all()


def test_annotation_only_hypnogram(shared_data):
    path = shared_data / "eeg/SC4001EC-Hypnogram.edf"
    stages = read_annotations(path)
    # README: 0 signals, 154 stage annotations with durations.
    assert len(stages) == 154 and stages.fs is None and stages.samples is None
    assert stages.symbols[0] == "Sleep stage W" and stages.durations_s[0] == 30630.0
    assert set(stages.symbols) <= {f"Sleep stage {s}" for s in "W1234R?"}
    with pytest.raises(LoaderError, match="Hypnogram.edf: has no signals"):
        read_record(path)


def test_wrong_header_length(shared_data, tmp_path):
    data = bytearray((shared_data / "eeg/chtypes_edf.edf").read_bytes())
    data[184:192] = b"1234    "
    (tmp_path / "bad.edf").write_bytes(bytes(data))
    with pytest.raises(LoaderError, match=r"bad\.edf: header length field says 1234 bytes"):
        read_record(tmp_path / "bad.edf")


def test_truncated_edf(shared_data, tmp_path):
    data = (shared_data / "eeg/chtypes_edf.edf").read_bytes()
    (tmp_path / "cut.edf").write_bytes(data[:5000])
    with pytest.raises(LoaderError, match=r"cut\.edf"):
        read_record(tmp_path / "cut.edf")
    (tmp_path / "tiny.edf").write_bytes(data[:100])
    with pytest.raises(LoaderError, match=r"tiny\.edf: neither an EDF file nor a WFDB"):
        read_record(tmp_path / "tiny.edf")
