"""``Manifest.validate(read_files=True)`` (``medeval manifest check --read-files``) reads a
DICOM input file as it reads a PNG frame: an ultrasound image cut short, or a cine stored
as H.264, is a fault of the set found before the algorithm runs, not the algorithm's
failure. DICOM files built with pydicom."""

from __future__ import annotations

import sys
from pathlib import Path

import pydicom
import pytest
from pydicom.encaps import encapsulate
from pydicom.uid import MPEG4HP41

from medeval.errors import ManifestError
from medeval.manifest import Manifest

sys.path.insert(0, str(Path(__file__).resolve().parent / "tasks"))
from test_segmentation_2d_dicom import write_ultrasound  # noqa: E402


def make_set(root: Path) -> Path:
    (root / "frames").mkdir()
    (root / "masks").mkdir()
    for cid in ("a", "b", "c"):
        write_ultrasound(root / "frames" / f"{cid}.dcm")
        (root / "masks" / f"{cid}.json").write_text("{}")
    manifest = root / "manifest.csv"
    manifest.write_text("case_id,patient_id,input,reference\n" + "".join(
        f"{c},p{c},frames/{c}.dcm,1\n" for c in ("a", "b", "c")))
    return manifest


def test_a_damaged_dicom_frame_is_a_problem_of_the_set(tmp_path):
    manifest = make_set(tmp_path)
    frame = tmp_path / "frames" / "b.dcm"
    frame.write_bytes(frame.read_bytes()[:-1000])  # 2,072 of its 3,072 pixel bytes left
    ds = pydicom.dcmread(tmp_path / "frames" / "c.dcm")
    ds.file_meta.TransferSyntaxUID = MPEG4HP41  # a cine exported as video
    ds.PixelData = encapsulate([ds.PixelData])
    ds.save_as(tmp_path / "frames" / "c.dcm")
    checked = Manifest.from_csv(manifest, reference_kind="label")
    checked.validate()  # the files exist and are not empty: fine without reading them
    with pytest.raises(ManifestError) as caught:
        checked.validate(read_files=True)
    problems = caught.value.problems
    assert len(problems) == 2
    assert problems[0].startswith("case b: input 'frames/b.dcm': unreadable:")
    assert "truncated" in problems[0]
    assert problems[1].startswith("case c: input 'frames/c.dcm': unreadable:")
    assert "H.264" in problems[1]


def test_readable_dicom_frames_pass(tmp_path):
    Manifest.from_csv(make_set(tmp_path), reference_kind="label").validate(read_files=True)


def test_check_says_which_folder_inputs_it_did_not_read(tmp_path, capsys):
    # Found in the mammo-pass: a screening set laid out as one folder of four views per
    # exam passed `manifest check --read-files` with a bare OK while a view in it was cut
    # short; the run then failed the exam as the algorithm's exception. A folder is still
    # not read there (docs/dicom-2d.md), but the check now says how many it left unread
    # and how to have the files read: listed as inputs of their own.
    from medeval.cli import main

    make_set(tmp_path)
    exam = tmp_path / "exam-b"
    exam.mkdir()
    frame = tmp_path / "frames" / "b.dcm"
    (exam / "b.dcm").write_bytes(frame.read_bytes()[:-1000])
    with pytest.raises(ValueError, match="less than expected"):  # pydicom's own view
        _ = pydicom.dcmread(exam / "b.dcm").pixel_array
    folders = tmp_path / "folders.csv"
    folders.write_text("case_id,patient_id,input,reference\nb,pb,exam-b,1\n"
                       "a,pa,frames/a.dcm,1\n")
    assert main(["manifest", "check", "--read-files", str(folders)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("OK  ")
    assert "1 folder input(s) were not read (case b: 'exam-b')" in err
    assert "list the files as inputs" in err
    # the advice to list the files is for a folder of a few images; a CT series' hundreds
    # of slices stay a folder, read by the algorithm (found in the review-mammo pass)
    assert "a series folder (CT, MR slices) is read by the algorithm alone" in err
    # without --read-files nothing is read, and nothing is said about folders
    assert main(["manifest", "check", str(folders)]) == 0
    assert "folder input" not in capsys.readouterr().err
    # the file listed as an input of its own is read, and refused
    files = tmp_path / "files.csv"
    files.write_text("case_id,patient_id,input,reference\nb,pb,exam-b/b.dcm,1\n")
    assert main(["manifest", "check", "--read-files", str(files)]) == 2
    err = capsys.readouterr().err
    assert "case b: input 'exam-b/b.dcm': unreadable:" in err and "folder input" not in err


def test_the_unread_folders_are_named_beside_the_problems_too(tmp_path, capsys):
    # the note on folder inputs --read-files left unread came only with an OK: a check
    # that found a cut-short file elsewhere did not say that the folder's views were not
    # read, so the tester could take the listed problem for all there was
    from medeval.cli import main

    make_set(tmp_path)
    (tmp_path / "exam-b").mkdir()
    (tmp_path / "exam-b" / "b.dcm").write_bytes((tmp_path / "frames" / "b.dcm").read_bytes())
    cut = tmp_path / "frames" / "a.dcm"
    cut.write_bytes(cut.read_bytes()[:-1000])
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("case_id,patient_id,input,reference\nb,pb,exam-b,1\n"
                     "a,pa,frames/a.dcm,1\n")
    assert main(["manifest", "check", "--read-files", str(mixed)]) == 2
    err = capsys.readouterr().err
    assert "case a: input 'frames/a.dcm': unreadable:" in err, err
    assert "1 folder input(s) were not read (case b: 'exam-b')" in err


def test_check_says_which_frames_state_their_pixel_size_twice(tmp_path, capsys):
    # a: PixelSpacing 0.5 mm beside its region's 0.02 cm (0.2 mm); b: a mammogram's
    # PixelSpacing copying ImagerPixelSpacing 0.1 mm beside a magnification of 1.25,
    # measured with 0.1 / 1.25 = 0.08 mm; c as written (its region alone). Before, the
    # check said nothing of either, and a measurement took PixelSpacing as it stood.
    from medeval.cli import main

    manifest = make_set(tmp_path)
    a = pydicom.dcmread(tmp_path / "frames" / "a.dcm")
    a.PixelSpacing = [0.5, 0.5]
    a.save_as(tmp_path / "frames" / "a.dcm")
    b = pydicom.dcmread(tmp_path / "frames" / "b.dcm")
    del b.SequenceOfUltrasoundRegions
    b.Modality, b.EstimatedRadiographicMagnificationFactor = "MG", 1.25
    b.ImagerPixelSpacing = b.PixelSpacing = [0.1, 0.1]
    b.save_as(tmp_path / "frames" / "b.dcm")
    assert main(["manifest", "check", "--read-files", str(manifest)]) == 0
    err = capsys.readouterr().err
    assert ("1 DICOM input(s) state a PixelSpacing that disagrees with their ultrasound "
            "regions: a 'frames/a.dcm' (PixelSpacing 0.5 x 0.5 mm disagrees with the "
            "ultrasound region(s) calibrated in cm (0.2 x 0.2 mm in (0, 0, 63, 47)") in err
    assert ("1 DICOM input(s) copy ImagerPixelSpacing into PixelSpacing (no "
            "PixelSpacingCalibrationType) beside an EstimatedRadiographicMagnificationFactor "
            "above 1: measured in mm with ImagerPixelSpacing / the factor, the size in the "
            "breast: b 'frames/b.dcm' (0.1 x 0.1 mm / 1.25 = 0.08 x 0.08 mm)") in err
    assert "'frames/c.dcm'" not in err
