"""``medeval manifest check --read-files`` on a classification set of 12-lead ECG records
(one label per record): WFDB records (header and signal file), EDF files and DICOM ECG
waveforms as inputs. Each is read as the algorithm reads it (``read_record``); none is
refused for not being an image. Found in the ecg12-pass: a DICOM 12-lead ECG was refused
as 'has no pixel data ... it is not an image', and a WFDB signal file whose first two
samples were 2 and 22 was taken for a DICOM file without preamble."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pydicom
import pytest
import wfdb
from pydicom.data import get_testdata_file

from medeval.errors import ManifestError
from medeval.manifest import Manifest

LEADS = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"]


def make_set(root: Path) -> Path:
    """Two records: a 12-lead WFDB record (format 16, 500 Hz, 10 s) whose first frame is
    2, 22, ... adu, so its signal file opens with the bytes 02 00 16 00, and pydicom's
    real 12-lead DICOM ECG (two multiplex groups, rhythm and median beat)."""
    (root / "records").mkdir()
    digital = np.random.default_rng(5).integers(-300, 300, (5000, 12)).astype(np.int16)
    digital[0, :2] = (2, 22)
    wfdb.wrsamp("r1", fs=500, units=["mV"] * 12, sig_name=LEADS, d_signal=digital,
                fmt=["16"] * 12, adc_gain=[1000.0] * 12, baseline=[0] * 12,
                write_dir=str(root / "records"))
    shutil.copy(get_testdata_file("waveform_ecg.dcm"), root / "records" / "r2.dcm")
    manifest = root / "manifest.csv"
    manifest.write_text("case_id,patient_id,input_header,input_signal,reference\n"
                        "r1,p1,records/r1.hea,records/r1.dat,AF\n"
                        "r2,p2,records/r2.dcm,,Normal\n")
    return manifest


def test_ecg_records_of_each_kind_pass_the_read_check(tmp_path):
    manifest = make_set(tmp_path)
    # the inputs are sound, as wfdb and pydicom read them
    assert (tmp_path / "records" / "r1.dat").read_bytes()[:4] == b"\x02\x00\x16\x00"
    record = wfdb.rdrecord(str(tmp_path / "records" / "r1"), physical=False)
    assert record.d_signal.shape == (5000, 12)
    ecg = pydicom.dcmread(tmp_path / "records" / "r2.dcm")
    assert [ecg.waveform_array(g).shape for g in (0, 1)] == [(10000, 12), (1200, 12)]
    # before: 'records/r2.dcm': unreadable: ... has no pixel data ... it is not an image;
    # 'records/r1.dat': unreadable: DICOM file ... r1.dat
    Manifest.from_csv(manifest, reference_kind="label").validate(read_files=True)


def test_a_dicom_ecg_cut_short_is_named_as_a_waveform(tmp_path):
    manifest = make_set(tmp_path)
    path = tmp_path / "records" / "r2.dcm"
    ecg = pydicom.dcmread(path)
    beat = ecg.WaveformSequence[1]
    beat.WaveformData = beat.WaveformData[:-96]  # the median beat: 4 of its 1200 frames short
    ecg.save_as(path)
    with pytest.raises(ManifestError) as caught:
        Manifest.from_csv(manifest, reference_kind="label").validate(read_files=True)
    assert "case r2: input 'records/r2.dcm': unreadable: DICOM waveform" in str(caught.value)
    assert "cannot be decoded" in str(caught.value)
    assert "r1" not in str(caught.value)


def test_a_record_named_without_its_files_is_told_to_list_them(tmp_path):
    """A WFDB record given by its name, as wfdb.rdrecord takes it ('records/r1'), is no
    file: the check says which files to list (the header and the signal file it names),
    not only 'no such file'. Found in the ecg12-pass."""
    make_set(tmp_path)
    assert wfdb.rdheader(str(tmp_path / "records" / "r1")).file_name == ["r1.dat"] * 12
    manifest = tmp_path / "by-name.csv"
    manifest.write_text("case_id,patient_id,input,reference\n"
                        "r1,p1,records/r1,AF\n"
                        "r9,p9,records/r9,AF\n")  # no such record: no hint
    with pytest.raises(ManifestError) as caught:
        Manifest.from_csv(manifest, reference_kind="label").validate()
    problems = caught.value.problems
    assert problems[0].endswith(
        "; it names the WFDB record 'r1', whose header is beside it: list the record's "
        "files, 'records/r1.hea', 'records/r1.dat', each in its own input column "
        "(input_header, input_signal)")
    assert problems[1].endswith("records/r9)")
