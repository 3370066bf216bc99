"""The records (``loaders/_records.py``): one class behind every import path; pickling.

The records cross process boundaries (the evaluation's process pool), so a pickle made
in one interpreter must load in a fresh one, which finds the class by
``__module__``/``__qualname__`` alone. Pickles that name the records' former module
(``medeval.loaders.image``, ``medeval.loaders.signal``) must still load.
"""

from __future__ import annotations

import importlib
import pickle
import subprocess
import sys

import numpy as np
import pytest

import medeval.loaders
from medeval.loaders import _records

# Every path the records were importable from before they moved to _records.
PATHS = [
    ("medeval.loaders", "Image"),
    ("medeval.loaders.image", "Image"),
    ("medeval.loaders", "Signal"),
    ("medeval.loaders", "Annotations"),
    ("medeval.loaders", "BEAT_SYMBOLS"),
    ("medeval.loaders.signal", "Signal"),
    ("medeval.loaders.signal", "Annotations"),
    ("medeval.loaders.signal", "BEAT_SYMBOLS"),
]


@pytest.mark.parametrize(("module", "name"), PATHS)
def test_every_old_path_gives_the_one_record(module, name):
    assert getattr(importlib.import_module(module), name) is getattr(_records, name)


@pytest.mark.parametrize("name", ["Image", "Signal", "Annotations"])
def test_a_record_is_found_where_it_says_it_is(name):
    cls = getattr(_records, name)
    assert cls.__module__ == "medeval.loaders._records"
    assert getattr(importlib.import_module(cls.__module__), cls.__qualname__) is cls


def _records_to_ship():
    image = medeval.loaders.Image(
        np.arange(24, dtype=np.int16).reshape(2, 3, 4),
        spacing_mm=(2.5, 0.7, 0.5),
        origin_mm=(30.0, 20.0, 10.0),
        metadata={"source": "a.nii.gz"},
    )
    signal = medeval.loaders.Signal(
        np.arange(6.0).reshape(3, 2), fs=360.0, channels=("MLII", "V5"), units=("mV", "mV")
    )
    annotations = medeval.loaders.Annotations(
        samples=np.array([18, 77, 370]),
        symbols=np.array(["+", "N", "V"]),  # kept as symbol_array, set in __dict__
        onsets_s=np.array([18, 77, 370]) / 360,
        durations_s=np.full(3, np.nan),
        fs=360.0,
        aux=("(N", "", ""),
    )
    return image, signal, annotations


def _check(image, signal, annotations):
    assert type(image) is medeval.loaders.Image
    np.testing.assert_array_equal(image.array, np.arange(24, dtype=np.int16).reshape(2, 3, 4))
    assert image.array.dtype == np.int16
    assert image.spacing_mm == (2.5, 0.7, 0.5) and image.origin_mm == (30.0, 20.0, 10.0)
    np.testing.assert_array_equal(image.direction, np.eye(3))
    assert image.metadata == {"source": "a.nii.gz"}
    assert type(signal) is medeval.loaders.Signal
    np.testing.assert_array_equal(signal.samples, np.arange(6.0).reshape(3, 2))
    assert (signal.fs, signal.channels, signal.units) == (360.0, ("MLII", "V5"), ("mV", "mV"))
    assert type(annotations) is medeval.loaders.Annotations
    assert annotations.symbols == ("+", "N", "V") and annotations.aux == ("(N", "", "")
    assert annotations.symbol_array.tolist() == ["+", "N", "V"]
    assert annotations.beats().symbols == ("N", "V")
    np.testing.assert_array_equal(annotations.samples, [18, 77, 370])


def test_pickle_round_trip_in_this_process():
    _check(*pickle.loads(pickle.dumps(_records_to_ship())))


def test_pickle_loads_in_a_fresh_process():
    # The child imports nothing of medeval itself: unpickling must find the classes.
    code = (
        "import pickle, sys\n"
        "image, signal, annotations = pickle.loads(sys.stdin.buffer.read())\n"
        "sys.stdout.buffer.write(pickle.dumps((image, signal, annotations)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], input=pickle.dumps(_records_to_ship()),
        capture_output=True, check=True,
    )
    _check(*pickle.loads(done.stdout))


@pytest.mark.parametrize(
    ("old", "names"),
    [("medeval.loaders.image", ("Image",)), ("medeval.loaders.signal", ("Signal", "Annotations"))],
)
def test_a_pickle_naming_the_former_module_loads(old, names):
    # Protocol 0 names each class as "c<module>\n<name>\n": write the former module there.
    for name in names:
        record = dict(zip(("Image", "Signal", "Annotations"), _records_to_ship()))[name]
        data = pickle.dumps(record, protocol=0)
        assert b"cmedeval.loaders._records\n" + name.encode() in data
        data = data.replace(b"medeval.loaders._records\n", f"{old}\n".encode())
        loaded = pickle.loads(data)
        assert type(loaded) is getattr(_records, name)


def test_the_records_do_not_load_the_readers():
    # The package's lazy names for the records load _records only; the dispatchers load
    # the readers but none of the heavy libraries (pydicom, SimpleITK, wfdb, pyedflib).
    code = (
        "import sys\n"
        "from medeval.loaders import Image, Signal, Annotations, BEAT_SYMBOLS\n"
        "print(sorted(m for m in sys.modules if m.startswith('medeval.loaders.')))\n"
        "from medeval.loaders import read_image, read_record, read_annotations\n"
        "print(sorted(m for m in ('pydicom', 'SimpleITK', 'wfdb', 'pyedflib')"
        " if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    loaded, heavy = done.stdout.splitlines()
    assert loaded == str(["medeval.loaders._records", "medeval.loaders.tables"])
    assert heavy == "[]"
