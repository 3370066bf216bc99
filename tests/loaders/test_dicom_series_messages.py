"""A series refused for many duplicate positions or uneven gaps names the first ten and
the count, not every one (a 10-phase series of 300 slices has 2,700 duplicate pairs)."""

from __future__ import annotations

import re

import numpy as np
import pydicom
import pytest
from pydicom.data import get_testdata_file
from pydicom.uid import generate_uid

from medeval.errors import LoaderError
from medeval.loaders import read_image


def _write(folder, positions_z):
    """One CT_small slice per position (one series), files named by their index."""
    base = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    series = generate_uid()
    for i, z in enumerate(positions_z):
        ds = base.copy()
        ds.SeriesInstanceUID, ds.SOPInstanceUID = series, generate_uid()
        ds.ImagePositionPatient = [0.0, 0.0, float(z)]
        ds.save_as(folder / f"{i:03d}.dcm")


def test_two_phases_in_one_series_name_ten_pairs_and_the_count(tmp_path):
    # Two phases of 30 slices each, 2.5 mm apart, in one series: 30 positions held by
    # two files each, so 30 duplicate pairs (files i and 30 + i).
    _write(tmp_path, [2.5 * (i % 30) for i in range(60)])
    with pytest.raises(LoaderError) as info:
        read_image(tmp_path)
    message = str(info.value)
    assert str(tmp_path) in message
    assert len(re.findall(r"\d{3}\.dcm and \d{3}\.dcm at", message)) == 10
    assert "... (30 in all)" in message
    assert "60 planes at 30 positions" in message and "4-D" in message
    # the first pair shown is files 000 and 030 at 0 mm
    assert re.search(r"(000\.dcm and 030|030\.dcm and 000)\.dcm at 0 mm", message)


def test_many_uneven_gaps_name_ten_and_the_count(tmp_path):
    # 101 slices, steps 2.5, 2.5, 2.5, 3.0 repeated 25 times: the median step is 2.5 mm
    # and 25 of the 100 steps are 3 mm.
    steps = np.tile([2.5, 2.5, 2.5, 3.0], 25)
    _write(tmp_path, np.concatenate([[0.0], np.cumsum(steps)]))
    with pytest.raises(LoaderError) as info:
        read_image(tmp_path)
    message = str(info.value)
    assert len(re.findall(r"the gap is 3 mm", message)) == 10
    assert "... (25 in all)" in message and "2.5 mm apart" in message


def test_two_series_in_one_folder_are_told_apart_and_the_way_out_named(tmp_path):
    # An axial series of 3 slices and a scout of 1 ("LOCALIZER") in one folder, as an
    # export puts a study together: the message names both with their modality and
    # description, and says what a manifest user can do (one folder per series).
    _write(tmp_path, [0.0, 2.5, 5.0])
    scout = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    scout.SeriesInstanceUID, scout.SOPInstanceUID = generate_uid(), generate_uid()
    scout.SeriesDescription = "LOCALIZER"
    scout.save_as(tmp_path / "scout.dcm")
    with pytest.raises(LoaderError) as info:
        read_image(tmp_path)
    message = str(info.value)
    assert "holds 2 series" in message
    assert "(3 files, CT, e.g. 000.dcm)" in message
    assert "(1 file, CT 'LOCALIZER', e.g. scout.dcm)" in message
    assert "a folder of its own" in message



def test_many_files_that_are_not_dicom_are_named_ten_and_counted(tmp_path):
    # 3 slices and 25 text files in the series folder: ten named, 25 counted.
    _write(tmp_path, [0.0, 2.5, 5.0])
    for i in range(25):
        (tmp_path / f"note{i:02d}.txt").write_text("not DICOM")
    with pytest.raises(LoaderError) as info:
        read_image(tmp_path)
    message = str(info.value)
    assert "note00.txt, note01.txt" in message and "note10.txt" not in message
    assert "... (25 files)" in message


def test_spacing_split_between_two_values_is_not_called_their_median(tmp_path):
    # 7 slices: gaps 2.5, 2.5, 2.5, 3, 3, 3 (z = 0, 2.5, 5, 7.5, 10.5, 13.5, 16.5). The
    # median of the six gaps is 2.75 mm, which no gap is; before, the message said "the
    # other slices are 2.75 mm apart" after listing all six. Now it gives both spacings
    # with their counts.
    _write(tmp_path, [0.0, 2.5, 5.0, 7.5, 10.5, 13.5, 16.5])
    with pytest.raises(LoaderError) as info:
        read_image(tmp_path)
    message = str(info.value)
    assert "2.75" not in message
    assert "2.5 mm (3 gaps), 3 mm (3 gaps)" in message
