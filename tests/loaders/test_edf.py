"""EDF+ files on the real files: signals, annotations, the annotation-only hypnogram."""

from __future__ import annotations

import numpy as np
import pyedflib
import pytest

from medeval.errors import LoaderError
from medeval.loaders import read_annotations, read_record
from medeval.loaders._files import sniff


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


@pytest.mark.parametrize("name", ["test_edf_overlapping_annotations.edf", "chtypes_edf.edf",
                                  "SC4001EC-Hypnogram.edf"])
def test_duration_from_the_header_equals_pyedflibs(shared_data, name):
    from medeval.loaders.edf import edf_duration_s

    path = shared_data / "eeg" / name
    reader = pyedflib.EdfReader(str(path))
    expected = (reader.getFileDuration(), reader.datarecords_in_file,
                reader.datarecord_duration)
    reader.close()
    assert edf_duration_s(path) == expected  # (124, 124, 1), (5, 5, 1), (0, 1, 0)


def test_duration_of_what_is_not_edf_or_is_damaged(shared_data, tmp_path):
    from medeval.loaders.edf import edf_duration_s

    assert edf_duration_s(shared_data / "ecg" / "mitdb" / "100.hea") is None
    head = bytearray((shared_data / "eeg" / "chtypes_edf.edf").read_bytes()[:256])
    head[236:244] = b"-1      "  # still being recorded: no length yet
    (tmp_path / "open.edf").write_bytes(bytes(head))
    assert edf_duration_s(tmp_path / "open.edf") is None
    head[236:244] = b"five    "
    (tmp_path / "bad.edf").write_bytes(bytes(head))
    with pytest.raises(LoaderError, match="bad.edf: number of data records"):
        edf_duration_s(tmp_path / "bad.edf")
    (tmp_path / "short.edf").write_bytes(bytes(head[:100]))
    with pytest.raises(LoaderError, match="shorter than the 256-byte EDF header"):
        edf_duration_s(tmp_path / "short.edf")


def test_a_truncated_edf_states_no_length(shared_data, tmp_path):
    # The real EDF+ (124 data records of 66 signals x 128 samples, 16-bit, after a
    # 256 x 67-byte header: 16896 + 124 x 16512 = 2064384 bytes) cut to half: pyedflib
    # refuses it ("Filesize"); edf_duration_s gave the header's 124 s, so the EEG task
    # counted false alarms per 24 h over twice the recording the detector saw.
    from medeval.loaders.edf import edf_duration_s

    data = (shared_data / "eeg" / "test_edf_overlapping_annotations.edf").read_bytes()
    assert len(data) == 16896 + 124 * 16512
    path = tmp_path / "cut.edf"
    path.write_bytes(data[:len(data) // 2])
    with pytest.raises(OSError, match="Filesize"):
        pyedflib.EdfReader(str(path))
    with pytest.raises(LoaderError, match=r"cut\.edf: 1032192 bytes, but its header's 124 "
                       r"data records of 8256 samples need 2064384; truncated"):
        edf_duration_s(path)


def _discontinuous(shared_data, tmp_path):
    """The real EDF+C file made EDF+D: its third data record's time-keeping annotation
    "+2" made "+9" (a 7-s gap), and the reserved field says EDF+D."""
    data = bytearray((shared_data / "eeg" / "test_edf_overlapping_annotations.edf").read_bytes())
    assert data[192:197] == b"EDF+C"
    data[192:197] = b"EDF+D"
    third = data.index(b"+2\x14\x14\x00")
    data[third:third + 2] = b"+9"
    path = tmp_path / "gaps.edf"
    path.write_bytes(bytes(data))
    return path


def test_a_discontinuous_edf_is_refused_saying_so(shared_data, tmp_path):
    # pyedflib (EDFlib) refuses EDF+D itself ("The file is discontinuous and cannot be
    # read"); medeval said so inside "check it is a valid EDF/EDF+/BDF file and not
    # truncated". Now it names EDF+D and what to do; the duration check skips such a file.
    from medeval.loaders.edf import edf_duration_s

    path = _discontinuous(shared_data, tmp_path)
    with pytest.raises(OSError, match="discontinuous"):
        pyedflib.EdfReader(str(path))
    for read in (read_record, read_annotations):
        with pytest.raises(LoaderError, match=r"gaps\.edf: EDF\+D \(discontinuous") as raised:
            read(path)
        assert "truncated" not in str(raised.value)
    assert edf_duration_s(path) is None


def test_a_bdf_file_is_read_as_its_docstring_says(tmp_path):
    # 24-bit BDF+ (pyedflib's writer): read_record refused it ("neither an EDF file nor a
    # WFDB header"), since the dispatcher knew only EDF's version field. Values against
    # pyedflib's own reading of the same file.
    from medeval.loaders.edf import edf_duration_s

    path = tmp_path / "run.bdf"
    writer = pyedflib.EdfWriter(str(path), 2, file_type=pyedflib.FILETYPE_BDFPLUS)
    writer.setSignalHeaders([{"label": f"C{k}", "dimension": "uV", "sample_frequency": 512,
                              "physical_max": 1000, "physical_min": -1000,
                              "digital_max": 8388607, "digital_min": -8388608}
                             for k in range(2)])
    t = np.arange(512 * 20)
    writer.writeAnnotation(3.0, 2.0, "Anfall ü")
    writer.writeSamples([np.sin(t / 50) * 500, np.cos(t / 30) * 200])
    writer.close()
    reader = pyedflib.EdfReader(str(path))
    expected = np.column_stack([reader.readSignal(0), reader.readSignal(1)])
    reader.close()
    record = read_record(path)
    assert record.fs == 512 and record.metadata["file_type"] == "BDF+"
    np.testing.assert_array_equal(record.samples, expected)
    annotations = read_annotations(path)
    assert annotations.symbols == ("Anfall ü",) and annotations.durations_s.tolist() == [2.0]
    assert edf_duration_s(path) == (20.0, 20, 1.0)
    # and the manifest's format check knows it as the EDF family (its first 8 bytes are
    # 0xFF "BIOSEMI", BioSemi's version field, where EDF has "0" and 7 spaces)
    assert path.read_bytes()[:8] == b"\xffBIOSEMI" and sniff(path) == "edf"


@pytest.mark.parametrize("name", ["chtypes_edf.edf", "test_edf_overlapping_annotations.edf",
                                  "SC4001EC-Hypnogram.edf"])
def test_edf_signal_rate_is_pyedflibs_one_rate(shared_data, name):
    # From the header alone, the rate pyedflib gives every signal (the annotations
    # channel aside): 200 Hz (42 channels), 128 Hz (64), none for the hypnogram (no signal)
    from medeval.loaders.edf import edf_signal_rate

    path = shared_data / "eeg" / name
    with pyedflib.EdfReader(str(path)) as reader:
        rates = {reader.getSampleFrequency(i) for i in range(reader.signals_in_file)}
    assert edf_signal_rate(path) == (rates.pop() if len(rates) == 1 else None)
    assert edf_signal_rate(path) == {"chtypes_edf.edf": 200, "SC4001EC-Hypnogram.edf": None,
                                     "test_edf_overlapping_annotations.edf": 128}[name]
