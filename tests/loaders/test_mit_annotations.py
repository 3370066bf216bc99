"""The direct MIT-format annotation reader equals wfdb.rdann on every shared file."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from medeval.loaders import read_annotations
from medeval.loaders._mit_annotations import CODE_SYMBOLS, read_mit_annotations

FILES = ["ecg/mitdb/100.atr", "ecg/mitdb/100.qrs", "ecg/mimicdb/03700181.gqrsh",
         "ecg/mimicdb/03700181.gqrsl", "ecg/mimicdb/03700181.sqrs",
         "eeg/chb06_04.edf.seizures"]


def rdann(path):
    import wfdb

    record, _, annotator = path.name.rpartition(".")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return wfdb.rdann(str(path.parent / record), annotator)


def test_code_table_is_wfdbs():
    import wfdb.io.annotation as annotation

    table = annotation.ann_label_table
    assert dict(zip(table.label_store, table.symbol)) == CODE_SYMBOLS


@pytest.mark.parametrize("name", FILES)
def test_equal_to_wfdb(shared_data, name):
    path = shared_data / name
    ref = rdann(path)
    read = read_mit_annotations(path)
    assert read is not None, "the direct reader should handle every shared file"
    samples, symbols, aux, fs = read
    np.testing.assert_array_equal(samples, ref.sample)
    assert list(symbols) == list(ref.symbol)
    assert list(aux) == [(a or "").rstrip("\x00") for a in (ref.aux_note or [""] * len(symbols))]
    if fs is not None:  # else the record's header states it (wfdb reads it from there)
        assert fs == ref.fs
    # and through the loader, which adds the header's rate where the file states none
    loaded = read_annotations(path)
    assert loaded.fs == ref.fs and list(loaded.symbols) == list(ref.symbol)
    assert loaded.symbol_array.tolist() == list(ref.symbol)
    beats = loaded.beats()  # rhythm labels and notes dropped: the array follows
    assert beats.symbol_array.tolist() == list(beats.symbols)


def test_unknown_code_falls_back(tmp_path):
    # Code 50 is not in WFDB's standard table: the direct reader declines.
    (tmp_path / "x.atr").write_bytes(np.array([(50 << 10) | 5, 0], dtype="<u2").tobytes())
    assert read_mit_annotations(tmp_path / "x.atr") is None


def test_custom_definitions_fall_back(tmp_path):
    # A note at time 0 with "## " but not a time resolution (custom labels): wfdb reads it.
    text = b"## annotation type definitions"
    words = [(22 << 10), (63 << 10) | len(text)]
    payload = np.frombuffer(text + b"\0" * (len(text) % 2), dtype="<u2").tolist()
    data = np.array(words + payload + [(1 << 10) | 7, 0], dtype="<u2").tobytes()
    (tmp_path / "x.atr").write_bytes(data)
    assert read_mit_annotations(tmp_path / "x.atr") is None


def test_skip_and_aux_by_hand(tmp_path):
    # N at 10; SKIP +70000; V at 70000 + 10 + 3 with aux "(VT"; end.
    skip = 70000
    text = b"(VT"
    words = [(1 << 10) | 10, 59 << 10, skip >> 16, skip & 0xFFFF, (5 << 10) | 3,
             (63 << 10) | len(text)]
    payload = np.frombuffer(text + b"\0", dtype="<u2").tolist()
    (tmp_path / "x.atr").write_bytes(np.array(words + payload + [0], dtype="<u2").tobytes())
    samples, symbols, aux, fs = read_mit_annotations(tmp_path / "x.atr")
    assert samples.tolist() == [10, 70013] and symbols == ("N", "V")
    assert aux == ("", "(VT") and fs is None


@pytest.mark.parametrize("header", ["ecg/mitdb/100.hea", "ecg/mimicdb/03700181.hea"])
def test_header_rate_equals_wfdbs(shared_data, header):
    import wfdb

    from medeval.loaders._mit_annotations import header_sampling_frequency

    path = shared_data / header
    assert header_sampling_frequency(path) == wfdb.rdheader(str(path.with_suffix(""))).fs


@pytest.mark.parametrize("header", ["ecg/mitdb/100.hea", "ecg/mimicdb/03700181.hea"])
def test_header_rate_and_length_equal_wfdbs(shared_data, header):
    # The record's length bxb ends at: frames / frame rate (100: 650000 at 360 Hz;
    # 03700181: 75000 frames at 125 Hz, its ECG 4 samples a frame).
    import wfdb

    from medeval.loaders._mit_annotations import header_timing

    path = shared_data / header
    head = wfdb.rdheader(str(path.with_suffix("")))
    assert header_timing(path) == (head.fs, head.sig_len)


def test_header_without_length_or_rate(tmp_path):
    from medeval.loaders._mit_annotations import header_timing

    (tmp_path / "a.hea").write_text("# comment\na 1 360\n")
    (tmp_path / "b.hea").write_text("b 1\n")
    assert header_timing(tmp_path / "a.hea") == (360.0, None)
    assert header_timing(tmp_path / "b.hea") == (None, None)  # wfdb's default 250: ask it
    assert header_timing(tmp_path / "missing.hea") == (None, None)


def test_plain_beat_file_decoded_at_once_equals_wfdb(tmp_path):
    # Beats only (N, V, A), no pseudo-code: the vectorised path; wfdb reads the same.
    rng = np.random.default_rng(3)
    steps = rng.integers(1, 1023, 500)
    codes = rng.choice([1, 5, 8], 500)
    words = np.concatenate([(codes << 10) | steps, [0]]).astype("<u2")
    (tmp_path / "rec.atr").write_bytes(words.tobytes())
    samples, symbols, aux, fs = read_mit_annotations(tmp_path / "rec.atr")
    ref = rdann(tmp_path / "rec.atr")
    np.testing.assert_array_equal(samples, ref.sample)
    assert list(symbols) == list(ref.symbol) and fs is None and set(aux) == {""}


@pytest.mark.parametrize("cut", [1, 2, 1000])
def test_a_file_cut_short_is_refused(shared_data, tmp_path, cut):
    # 100.atr ends with the zero word (00 00). Cut by 1 byte (odd length), by 2 (its
    # last word is then an annotation) or by 1000 (beats lost): wfdb.rdann reads the
    # shorter file without a word of warning; medeval refuses it, naming the file.
    from medeval.errors import LoaderError

    whole = (shared_data / "ecg/mitdb/100.atr").read_bytes()
    assert whole[-2:] == b"\0\0"
    (tmp_path / "100.hea").write_bytes((shared_data / "ecg/mitdb/100.hea").read_bytes())
    (tmp_path / "100.atr").write_bytes(whole[:-cut])
    if cut % 2 == 0:
        assert len(rdann(tmp_path / "100.atr").sample) <= len(rdann(shared_data /
                                                                   "ecg/mitdb/100.atr").sample)
    with pytest.raises(LoaderError, match=r"100\.atr.*truncated"):
        read_annotations(tmp_path / "100.atr")


def test_symbols_given_as_an_array_are_kept_as_the_array():
    from medeval.loaders import Annotations

    symbols = np.array(["N", "V", "+"])
    a = Annotations(samples=np.array([1, 2, 3]), symbols=symbols, onsets_s=np.zeros(3),
                    durations_s=np.full(3, np.nan), fs=360.0)
    assert a.symbols == ("N", "V", "+") and isinstance(a.symbols[0], str)
    assert a.symbol_array.tolist() == ["N", "V", "+"]
    b = Annotations(samples=None, symbols=("x", "yy"), onsets_s=np.zeros(2),
                    durations_s=np.zeros(2), fs=None)
    assert b.symbol_array.tolist() == ["x", "yy"] and b.symbol_array.dtype.kind == "U"
