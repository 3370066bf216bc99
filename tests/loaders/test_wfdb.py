"""WFDB records and annotations on the real files (MIT-BIH 100, MIMIC 03700181, CHB-MIT)."""

from __future__ import annotations

import shutil
import warnings

import numpy as np
import pytest

from medeval.errors import LoaderError
from medeval.loaders import BEAT_SYMBOLS, read_annotations, read_record


def direct_wfdb():  # type: ignore[no-untyped-def]
    """The wfdb package itself, imported without its pandas deprecation noise."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import wfdb
    return wfdb


def test_mitdb_100_signal(shared_data):
    signal = read_record(shared_data / "ecg/mitdb/100")
    # README: 2 signals (MLII, V5), 360 Hz, 650000 samples, format 212.
    assert signal.samples.shape == (650000, 2)
    assert signal.fs == 360.0 and signal.channels == ("MLII", "V5")
    assert signal.units == ("mV", "mV")
    assert signal.duration_s == pytest.approx(650000 / 360)
    direct = direct_wfdb().rdrecord(str(shared_data / "ecg/mitdb/100"))
    np.testing.assert_array_equal(signal.samples, direct.p_signal)
    assert read_record(shared_data / "ecg/mitdb/100.hea").n_samples == 650000


def test_mitdb_100_beats(shared_data):
    annotations = read_annotations(shared_data / "ecg/mitdb/100.atr")
    # README: 2274 annotations = 2273 beats (N 2239, A 33, V 1) + one rhythm "+" at 18.
    assert len(annotations) == 2274 and annotations.fs == 360.0
    assert annotations.symbols[0] == "+" and annotations.samples[0] == 18
    assert annotations.aux[0] == "(N"
    beats = annotations.beats()
    assert len(beats) == 2273 and "+" not in beats.symbols
    counts = {s: beats.symbols.count(s) for s in set(beats.symbols)}
    assert counts == {"N": 2239, "A": 33, "V": 1}
    np.testing.assert_allclose(beats.onsets_s, beats.samples / 360.0)
    assert np.isnan(beats.durations_s).all()


def test_mitdb_100_machine_detections_trail_the_reference(shared_data):
    qrs = read_annotations(shared_data / "ecg/mitdb/100", "qrs")
    atr = read_annotations(shared_data / "ecg/mitdb/100", "atr").beats()
    # README: 2273 detections, all "N". It also says they sit "a constant +13 samples
    # after" the .atr beats; wfdb read directly shows 12 or 13 samples *before* them.
    assert len(qrs) == 2273 and set(qrs.symbols) == {"N"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        direct = direct_wfdb().rdann(str(shared_data / "ecg/mitdb/100"), "qrs")
    np.testing.assert_array_equal(qrs.samples, direct.sample)
    assert set((qrs.samples - atr.samples).tolist()) == {-13, -12}


@pytest.mark.parametrize("annotator, fs, count", [
    ("gqrsh", 500.0, 1150), ("gqrsl", 125.0, 1117), ("sqrs", 250.0, 1195)])
def test_mimic_detector_files_keep_their_own_resolution(shared_data, annotator, fs, count):
    # README: each file has its own time resolution, and these beat counts.
    annotations = read_annotations(shared_data / f"ecg/mimicdb/03700181.{annotator}")
    assert annotations.fs == fs and len(annotations) == count
    assert len(annotations.beats()) == count


def test_multirate_record_needs_a_choice_of_channels(shared_data):
    record = shared_data / "ecg/mimicdb/03700181"
    with pytest.raises(LoaderError, match=r"MCL1 500 Hz, ABP 125 Hz, RESP 125 Hz"):
        read_record(record)
    # README: frame rate 125 Hz, 75000 frames; the ECG has 4 samples per frame = 500 Hz.
    ecg = read_record(record, channels=["MCL1"])
    assert ecg.fs == 500.0 and ecg.samples.shape == (300000, 1)
    others = read_record(record, channels=["ABP", "RESP"])
    assert others.fs == 125.0 and others.samples.shape == (75000, 2)
    assert others.units == ("mmHg", "mV")
    with pytest.raises(LoaderError, match=r"no channel\(s\) \['II'\]"):
        read_record(record, channels=["II"])


def test_chbmit_seizure_annotations(shared_data):
    seizures = read_annotations(shared_data / "eeg/chb06_04.edf.seizures")
    # README: "[" / "]" pairs at samples 83712-88832 and 1590016-1595136, 256 Hz.
    assert seizures.symbols == ("[", "]", "[", "]") and seizures.fs == 256.0
    assert seizures.samples.tolist() == [83712, 88832, 1590016, 1595136]
    assert seizures.onsets_s.tolist() == [327.0, 347.0, 6211.0, 6231.0]
    assert len(seizures.beats()) == 0


def test_header_pointing_at_a_missing_signal_file(shared_data, tmp_path):
    shutil.copy(shared_data / "ecg/mitdb/100.hea", tmp_path / "100.hea")
    with pytest.raises(LoaderError, match=r"100\.hea: names signal file 100\.dat, which is "
                                          r"missing"):
        read_record(tmp_path / "100")


def test_truncated_signal_file(shared_data, tmp_path):
    # The header's 650000 is frames (wfdb's sig_len: samples of each signal), not samples:
    # 2 signals in format 212 (1.5 bytes a sample) need 650000 x 2 x 1.5 = 1950000 bytes.
    # It read '650000 samples' (found in the messages-pass)
    head = direct_wfdb().rdheader(str(shared_data / "ecg/mitdb/100"))
    assert (head.sig_len, head.n_sig, list(head.fmt)) == (650000, 2, ["212", "212"])
    shutil.copy(shared_data / "ecg/mitdb/100.hea", tmp_path / "100.hea")
    (tmp_path / "100.dat").write_bytes((shared_data / "ecg/mitdb/100.dat").read_bytes()[:1000])
    with pytest.raises(LoaderError, match=r"100\.dat: 1000 bytes, but header 100\.hea states "
                                          r"650000 frames of the signals in it, which need "
                                          r"1950000 bytes; .* truncated"):
        read_record(tmp_path / "100")


def test_a_format_310_file_one_byte_short_is_truncated(tmp_path):
    # WFDB format 310 (signal(5)): three 10-bit samples in two little-endian 16-bit words,
    # the first in bits 1-10 of word 1, the second in bits 1-10 of word 2, the third in
    # bits 11-15 of both. Two samples, 5 and -3, packed so by hand: 4 bytes, which wfdb
    # reads back; 3 of them (ceil(2 x 4/3), the size checked before) lack the second
    # sample's high bits, and wfdb does not give the samples.
    words = [5 << 1, (-3 & 0x3FF) << 1]
    data = b"".join(w.to_bytes(2, "little") for w in words)
    (tmp_path / "r.hea").write_text("r 1 100 2\nr.dat 310 200 10 0 0 0 0 s0\n")
    (tmp_path / "r.dat").write_bytes(data)
    wfdb = direct_wfdb()
    assert wfdb.rdrecord(str(tmp_path / "r"), physical=False).d_signal[:, 0].tolist() == [5, -3]
    assert read_record(tmp_path / "r").samples.shape == (2, 1)
    (tmp_path / "r.dat").write_bytes(data[:3])
    try:
        short = wfdb.rdrecord(str(tmp_path / "r"), physical=False).d_signal[:, 0].tolist()
    except Exception:  # noqa: BLE001 - wfdb's own failure on the short file
        short = None
    assert short != [5, -3]
    with pytest.raises(LoaderError, match=r"r\.dat: 3 bytes, but header r\.hea states 2 "
                                          r"frames of the signals in it, which need 4 "
                                          r"bytes; .* truncated"):
        read_record(tmp_path / "r")


def test_garbage_header_and_annotations(tmp_path):
    (tmp_path / "x.hea").write_bytes(b"\x00\xff garbage \x01\x02")
    with pytest.raises(LoaderError, match=r"x\.hea"):
        read_record(tmp_path / "x")
    (tmp_path / "x.atr").write_bytes(bytes(range(256)) * 3)
    with pytest.raises(LoaderError, match=r"x\.atr"):
        read_annotations(tmp_path / "x.atr")


def test_truncated_annotation_file(shared_data, tmp_path):
    shutil.copy(shared_data / "ecg/mitdb/100.hea", tmp_path / "100.hea")
    data = (shared_data / "ecg/mitdb/100.atr").read_bytes()
    (tmp_path / "100.atr").write_bytes(data[: len(data) // 2 + 1])
    try:
        short = read_annotations(tmp_path / "100.atr")
    except LoaderError as exc:
        assert "100.atr" in str(exc)
    else:  # wfdb stops at the cut: fewer annotations, never a crash
        assert len(short) < 2274


def test_beat_symbols_are_physionets():
    # wfdb's own table of beat codes (annotation classes marked as beats).
    assert {"N", "V", "A", "/", "f", "Q", "?"} <= BEAT_SYMBOLS
    assert not {"+", "~", "|", '"', "[", "]"} & BEAT_SYMBOLS


def test_a_record_whose_file_names_are_not_ascii_says_so(tmp_path):
    # wfdb.wrsamp writes the record '심전도_01' (header and '심전도_01.dat', UTF-8), but
    # wfdb.rdheader reads a header as ASCII with errors ignored: the signal file becomes
    # '_01.dat'. The message said the header 'names signal file _01.dat, which is
    # missing', which it does not; it names the file as written and why it is not read.
    import wfdb

    name = "심전도_01"
    wfdb.wrsamp(name, fs=250, units=["mV"], sig_name=["MLII"],
                p_signal=np.zeros((500, 1)), fmt=["212"], write_dir=str(tmp_path))
    assert (tmp_path / f"{name}.dat").is_file()
    assert wfdb.rdheader(str(tmp_path / name)).file_name == ["_01.dat"]
    with pytest.raises(LoaderError) as info:
        read_record(tmp_path / f"{name}.hea")
    message = str(info.value)
    assert f"{name}.hea: names signal file(s) '{name}.dat', whose names are not ASCII" in message
    assert "give the record's files ASCII names" in message


def test_a_null_signal_of_format_0_is_named_not_called_corrupt(tmp_path):
    # Found in the messages-pass: a header declaring a signal in format 0 (signal(5): a
    # null signal, no samples stored) was read as "its signals cannot be read ('0'); the
    # signal file may be corrupt". wfdb itself cannot read the record (KeyError '0'), and
    # reads the other signal when it alone is chosen. r.dat: 4 samples of format 16,
    # 1, 2, 3, 4 (gain 200, baseline 0: 0.005 ... 0.02 mV); "~": the null signal has no file
    (tmp_path / "r.hea").write_text("r 2 250 4\nr.dat 16 200 12 0 0 0 0 I\n"
                                    "~ 0 200 12 0 0 0 0 N\n")
    np.array([1, 2, 3, 4], dtype="<i2").tofile(tmp_path / "r.dat")
    wfdb = direct_wfdb()
    with pytest.raises(KeyError, match="0"):
        wfdb.rdrecord(str(tmp_path / "r"))
    with pytest.raises(LoaderError, match=r"r\.hea: signal\(s\) \['N'\] are stored in format "
                                          r"0, a null signal .* choose the others with "
                                          r"channels=\['I'\]") as raised:
        read_record(tmp_path / "r")
    assert "corrupt" not in str(raised.value)
    alone = wfdb.rdrecord(str(tmp_path / "r"), channels=[0]).p_signal[:, 0]
    assert alone.tolist() == [0.005, 0.01, 0.015, 0.02]
    assert read_record(tmp_path / "r", channels=["I"]).samples[:, 0].tolist() == alone.tolist()
