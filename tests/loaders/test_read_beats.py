"""read_beats (the ECG task's reader of reference beats) equals wfdb.rdann's annotations
filtered to WFDB's beat codes, and read_annotations(...).beats(), on every shared file."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from medeval.errors import LoaderError
from medeval.loaders import BEAT_SYMBOLS, read_annotations
from medeval.loaders.signal import read_beats
from medeval.loaders.wfdb import read_wfdb_beats

FILES = ["ecg/mitdb/100.atr", "ecg/mitdb/100.qrs", "ecg/mimicdb/03700181.gqrsh",
         "ecg/mimicdb/03700181.gqrsl", "ecg/mimicdb/03700181.sqrs",
         "eeg/chb06_04.edf.seizures"]


def rdann(path):
    import wfdb

    record, _, annotator = path.name.rpartition(".")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return wfdb.rdann(str(path.parent / record), annotator)


def same(found, expected):
    np.testing.assert_array_equal(found.samples, expected.samples)
    assert found.samples.dtype == np.int64
    assert found.symbol_array.dtype == expected.symbol_array.dtype
    assert found.symbol_array.tolist() == expected.symbol_array.tolist()
    assert found.fs == expected.fs


@pytest.mark.parametrize("name", FILES)
def test_equal_to_wfdb_and_to_read_annotations(shared_data, name):
    path = shared_data / name
    found = read_beats(path)
    ref = rdann(path)
    beat = np.array([s in BEAT_SYMBOLS for s in ref.symbol], dtype=bool)
    np.testing.assert_array_equal(found.samples, np.asarray(ref.sample)[beat])
    assert found.symbol_array.tolist() == [s for s, b in zip(ref.symbol, beat) if b]
    assert found.fs == ref.fs
    same(found, read_annotations(path).beats())


def test_plain_file_with_rhythm_labels_and_noise(tmp_path):
    # The vectorised path (no pseudo-code): N, "+" (28), V, "~" (14), "|" (16), A;
    # "+", "~" and "|" are not beats. wfdb.rdann reads the same file.
    codes = [1, 28, 5, 14, 16, 8, 1]
    steps = [10, 5, 300, 20, 7, 290, 301]
    words = np.array([(c << 10) | s for c, s in zip(codes, steps)] + [0], dtype="<u2")
    (tmp_path / "rec.atr").write_bytes(words.tobytes())
    found = read_wfdb_beats(tmp_path / "rec.atr", default_fs=360.0)
    assert found.samples.tolist() == [10, 315, 632, 933]  # cumulative times of N V A N
    assert found.symbol_array.tolist() == ["N", "V", "A", "N"] and found.fs == 360.0
    ref = rdann(tmp_path / "rec.atr")
    keep = [i for i, s in enumerate(ref.symbol) if s in BEAT_SYMBOLS]
    assert found.samples.tolist() == np.asarray(ref.sample)[keep].tolist()
    import medeval.loaders.wfdb as wfdb_loader

    same(found, wfdb_loader.read_wfdb_annotations(tmp_path / "rec.atr",
                                                  default_fs=360.0).beats())


def test_edf_plus_goes_through_read_annotations(shared_data):
    path = shared_data / "eeg/test_edf_overlapping_annotations.edf"
    found = read_beats(path)
    expected = read_annotations(path).beats()
    assert found.symbol_array.tolist() == expected.symbol_array.tolist()
    assert found.fs == expected.fs


def test_missing_file_is_named(tmp_path):
    with pytest.raises(LoaderError, match=r"nothere\.atr: no such file"):
        read_beats(tmp_path / "nothere.atr")


@pytest.mark.parametrize("name", FILES)
def test_arrays_equal_read_wfdb_annotations(shared_data, name):
    # Every annotation (rhythm labels and VF markers kept: ec57 needs them), as
    # read_wfdb_annotations gives them and as wfdb.rdann reads them.
    from medeval.loaders.wfdb import read_wfdb_annotations, read_wfdb_arrays

    path = shared_data / name
    found = read_wfdb_arrays(path)
    same(found, read_wfdb_annotations(path))
    ref = rdann(path)
    np.testing.assert_array_equal(found.samples, ref.sample)
    assert found.symbol_array.tolist() == list(ref.symbol)
