"""ECG inputs that state a diagnosis the algorithm can read: ``manifest check
--read-files`` warns of them. The runner hands each input file whole and never the
manifest's label, but a DICOM ECG exported by its cart carries the cart's interpretation,
and a PhysioNet/CinC challenge header its ``#Dx:``. Found in the ecg12-pass."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import wfdb
from pydicom.data import get_testdata_file

from medeval._record_statements import record_statements
from medeval.cli import main


def write_record(folder: Path, name: str, comments: list[str]) -> Path:
    """A 2-lead WFDB record (500 Hz, 2 s) with header comments, written by wfdb."""
    rng = np.random.default_rng(sum(name.encode()))  # each record its own samples
    digital = rng.integers(-200, 200, (1000, 2)).astype(np.int16)
    wfdb.wrsamp(name, fs=500, units=["mV"] * 2, sig_name=["I", "II"], d_signal=digital,
                fmt=["16"] * 2, adc_gain=[1000.0] * 2, baseline=[0] * 2,
                comments=comments, write_dir=str(folder))
    return folder / f"{name}.hea"


def test_the_statements_of_a_cart_and_of_a_challenge_header(tmp_path):
    # pydicom's 12-lead ECG: its WaveformAnnotationSequence opens with two text statements
    # (Italian: sinus rhythm, normal ECG), then measurements (RR interval 982 ms, ...) and
    # fiducial points, which are no diagnosis
    assert record_statements(Path(get_testdata_file("waveform_ecg.dcm"))) == [
        "RITMO SINUSALE", "ECG NORMALE"]
    header = write_record(tmp_path, "A0001", ["Age: 61", "Sex: Male", "Dx: 164889003"])
    assert wfdb.rdheader(str(tmp_path / "A0001")).comments[2] == "Dx: 164889003"
    assert record_statements(header) == ["# Dx: 164889003"]
    plain = write_record(tmp_path, "B0001", ["Age: 61", "sinus rhythm with AF episodes"])
    assert record_statements(plain) == []  # no Dx, and no label to look for
    assert record_statements(plain, reference="AF") == ["# sinus rhythm with AF episodes"]
    assert record_statements(plain, reference="A") == []  # a word, not a letter of one
    assert record_statements(tmp_path / "A0001.dat") == []


def test_manifest_check_names_each_input_stating_a_diagnosis(tmp_path, capsys):
    (tmp_path / "records").mkdir()
    write_record(tmp_path / "records", "r1", ["Age: 61"])
    write_record(tmp_path / "records", "r2", ["Dx: 164889003"])
    shutil.copy(get_testdata_file("waveform_ecg.dcm"), tmp_path / "records" / "r3.dcm")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("case_id,patient_id,input_header,input_signal,reference\n"
                        "r1,p1,records/r1.hea,records/r1.dat,Normal\n"
                        "r2,p2,records/r2.hea,records/r2.dat,AF\n"
                        "r3,p3,records/r3.dcm,,Normal\n")
    assert main(["manifest", "check", str(manifest), "--read-files"]) == 0
    err = capsys.readouterr().err
    assert ("ECG inputs that state a diagnosis: r2 'records/r2.hea' ('# Dx: 164889003'); "
            "r3 'records/r3.dcm' ('RITMO SINUSALE', 'ECG NORMALE'); ") in err
    assert "r1 " not in err
    # without --read-files no input is read, and nothing is said
    assert main(["manifest", "check", str(manifest)]) == 0
    assert "diagnosis" not in capsys.readouterr().err


def test_a_label_without_a_letter_is_not_looked_for_as_a_word(tmp_path):
    """A binary set's label 1 (a grade, a measured value) is found as a word in an age, a
    date or a count, which state no diagnosis: such header comments were named as
    diagnoses (a 0/1 set warned of every PTB header with an ECG date). A label with a
    letter is still looked for, and a Dx comment is named whatever the label. Found in
    the review of the ecg12-pass."""
    header = write_record(tmp_path, "s0001", [
        "ECG date: 10/1/1990", "Age: 1", "Number of coronary vessels involved: 1"])
    assert wfdb.rdheader(str(tmp_path / "s0001")).comments[0] == "ECG date: 10/1/1990"
    assert record_statements(header, reference="1") == []
    assert record_statements(header, reference="1990") == []
    coded = write_record(tmp_path, "s0002", ["Age: 1", "Dx: 164889003", "AF in 1990"])
    assert record_statements(coded, reference="1") == ["# Dx: 164889003"]
    assert record_statements(coded, reference="AF") == ["# Dx: 164889003", "# AF in 1990"]


def test_a_korean_label_is_found_in_a_header_written_in_utf_8(tmp_path):
    """wfdb.wrsamp writes a header's comments in UTF-8; read as Latin-1, a Korean label
    ('심방세동', atrial fibrillation) was never found in them. A header that is not UTF-8
    is read as Latin-1, as before. Found in the review of the ecg12-pass."""
    header = write_record(tmp_path, "k0001", ["나이: 61", "심방세동 의심"])
    assert "# 심방세동 의심".encode() in header.read_bytes()
    assert record_statements(header, reference="심방세동") == ["# 심방세동 의심"]
    assert record_statements(header, reference="정상") == []
    latin = tmp_path / "l0001.hea"
    latin.write_bytes(header.read_bytes().split(b"\n# ")[0] + b"\n# Befund: Vorhofflimmern "
                      b"(\xe4rztlich)\n")  # 'ärztlich' in Latin-1, no UTF-8
    assert record_statements(latin, reference="Vorhofflimmern") == [
        "# Befund: Vorhofflimmern (ärztlich)"]
