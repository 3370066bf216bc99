"""A file named in another Unicode form than the manifest's (macOS writes Hangul
decomposed, NFD; a manifest typed on Windows holds it composed, NFC): the two names print
the same, so the check says which name the folder holds."""

from __future__ import annotations

import unicodedata

import pytest

from medeval.errors import ManifestError
from medeval.manifest import Case, Manifest


def test_a_missing_file_names_its_other_unicode_form(tmp_path):
    composed = "대장내시경 01.png"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed  # other code points, the same text to a reader
    (tmp_path / decomposed).write_bytes(b"\x89PNG\r\n\x1a\n frame")
    (tmp_path / "other.png").write_bytes(b"\x89PNG\r\n\x1a\n frame")
    manifest = Manifest([Case("c1", "p1", (composed,), "benign"),
                         Case("c2", "p1", ("missing.png",), "benign")],
                        root=tmp_path, reference_kind="label")
    with pytest.raises(ManifestError) as caught:
        manifest.validate()
    first, second = caught.value.problems
    assert first.startswith(f"case c1: input {composed!r}: no such file")
    assert f"the folder holds {decomposed!r} (in NFD) (see 'names in NFD' below)" in first
    assert "macOS writes Hangul in NFD" in str(caught.value)
    assert second.endswith("no such file (" + str(tmp_path / "missing.png") + ")")
    # written as on disk, the name is found
    Manifest([Case("c1", "p1", (decomposed,), "benign")], root=tmp_path,
             reference_kind="label").validate()


def test_a_cp949_manifest_says_where_and_how_to_save_it(tmp_path):
    """Excel's plain 'CSV' on Korean Windows: CP949. The header is ASCII, 35 bytes with
    its newline; line 2 starts at byte 35 with 'c1,', so Hangul starts at byte 38: '환' is
    C8 AF in CP949, which happens to be valid UTF-8 too; '자', C0 DA at byte 40, is not
    (C0 never starts a UTF-8 sequence): line 2's 6th byte."""
    text = "case_id,patient_id,input,reference\nc1,환자1,f.png,benign\n"
    path = tmp_path / "manifest.csv"
    path.write_bytes(text.encode("cp949"))
    assert len("case_id,patient_id,input,reference\n") == 35
    assert "환자".encode("cp949") == bytes.fromhex("C8AF C0DA")
    with pytest.raises(ManifestError) as caught:
        Manifest.from_csv(path)
    message = str(caught.value)
    assert "not UTF-8 text (line 2, byte 6 of the line, file offset 40)" in message
    assert "save it as 'CSV UTF-8'" in message
    # the same rows as UTF-8 with Excel's byte order mark: read
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert Manifest.from_csv(path).cases[0].patient_id == "환자1"


def test_a_case_id_in_two_unicode_forms_is_a_duplicate(tmp_path):
    # "환자01" typed on Windows (NFC, 2 Hangul syllables) and on macOS (NFD, 5 jamo): the
    # two print the same and name one prediction file, so they are one case id twice.
    composed = "환자01"
    decomposed = unicodedata.normalize("NFD", composed)
    assert (len(composed), len(decomposed)) == (4, 7)
    for name in ("a.png", "b.png"):
        (tmp_path / name).write_bytes(b"\x89PNG\r\n\x1a\n frame")
    manifest = Manifest([Case(composed, "p1", ("a.png",), "benign", line=2),
                         Case(decomposed, "p2", ("b.png",), "benign", line=3)],
                        root=tmp_path, reference_kind="label")
    with pytest.raises(ManifestError) as caught:
        manifest.validate()
    assert caught.value.problems == (
        f"case {composed}: duplicate case_id on lines 2, 3 (written in two Unicode forms, "
        "NFC and NFD, which print the same and name one prediction file)",)


def test_a_patient_in_two_splits_is_found_in_either_unicode_form(tmp_path):
    composed = "김환자"
    for name in ("a.png", "b.png"):
        (tmp_path / name).write_bytes(b"\x89PNG\r\n\x1a\n frame")
    manifest = Manifest(
        [Case("c1", composed, ("a.png",), "benign", {"split": "train"}, line=2),
         Case("c2", unicodedata.normalize("NFD", composed), ("b.png",), "benign",
              {"split": "test"}, line=3)],
        root=tmp_path, reference_kind="label")
    with pytest.raises(ManifestError) as caught:
        manifest.validate()
    assert caught.value.problems == (
        f"case(s) c1, c2: patient {composed} is in more than one split (test, train); a "
        "patient belongs to one",)


def test_a_patients_split_written_in_both_unicode_forms_is_one_split(tmp_path):
    # '시험' typed on Windows (NFC) for one case of the patient and exported from macOS
    # (NFD, by unicodedata) for the other: one split, as the patient ids are one patient;
    # before, 'patient p1 is in more than one split (시험, 시험)'
    composed = "시험"
    for name in ("a.png", "b.png"):
        (tmp_path / name).write_bytes(b"\x89PNG\r\n\x1a\n frame")
    manifest = Manifest(
        [Case("c1", "p1", ("a.png",), "benign", {"split": composed}, line=2),
         Case("c2", "p1", ("b.png",), "benign",
              {"split": unicodedata.normalize("NFD", composed)}, line=3)],
        root=tmp_path, reference_kind="label")
    manifest.validate()


def test_a_folder_in_nfd_is_named_with_the_files_under_it(tmp_path):
    # a ZIP made on macOS, extracted on Linux: the folder and the file are in NFD, the
    # manifest (typed on Windows) in NFC; the folder's name was not looked for, so the
    # check said only "no such file" of a path that prints as the one on disk
    folder, name = "환자 폴더", "내시경 01.JPG"
    nfd = unicodedata.normalize("NFD", folder), unicodedata.normalize("NFD", name)
    (tmp_path / nfd[0]).mkdir()
    (tmp_path / nfd[0] / nfd[1]).write_bytes(b"\xff\xd8\xff frame")
    assert not (tmp_path / folder / name).exists()
    manifest = Manifest([Case("c1", "p1", (f"{folder}/{name}",), "benign")],
                        root=tmp_path, reference_kind="label")
    with pytest.raises(ManifestError) as caught:
        manifest.validate()
    (problem,) = caught.value.problems
    assert problem.endswith(f"; the folder holds {nfd[0]!r} (in NFD); the folder holds "
                            f"{nfd[1]!r} (in NFD) (see 'names in NFD' below)")
    assert "convmv -r --nfc" in str(caught.value)
    # written as on disk, it is found
    Manifest([Case("c1", "p1", (f"{nfd[0]}/{nfd[1]}",), "benign")], root=tmp_path,
             reference_kind="label").validate()


def test_a_name_in_other_letter_case_is_named(tmp_path):
    # a manifest made on Windows, where 'frames/P-01.JPG' opens 'Frames/P-01.jpg'; on Linux
    # it was 'no such file' with no word on why
    (tmp_path / "Frames").mkdir()
    (tmp_path / "Frames" / "P-01.jpg").write_bytes(b"\xff\xd8\xff frame")
    assert not (tmp_path / "frames" / "P-01.JPG").exists()
    manifest = Manifest([Case("c1", "p1", ("frames/P-01.JPG",), "benign")], root=tmp_path,
                        reference_kind="label")
    with pytest.raises(ManifestError) as caught:
        manifest.validate()
    (problem,) = caught.value.problems
    assert problem.endswith(
        "; the folder holds 'Frames'; the folder holds 'P-01.jpg' (see 'other letter case' "
        "below)")
    assert str(caught.value).endswith(
        "'other letter case', 1 of the problems above (case c1: input 'frames/P-01.JPG'): "
        "Windows and macOS take two names differing only in letter case for one name, "
        "Linux for two: write the name in the manifest as it is on disk, or rename the file")
    Manifest([Case("c1", "p1", ("Frames/P-01.jpg",), "benign")], root=tmp_path,
             reference_kind="label").validate()


def test_a_manifest_in_nfd_for_files_in_nfc_is_told_so(tmp_path):
    # a manifest made on macOS from its file names (NFD) for a set extracted in NFC: the
    # hint called the disk's name 'another' form and advised renaming it to NFC, as it is
    name = "대장내시경 01.png"
    (tmp_path / name).write_bytes(b"\x89PNG\r\n\x1a\n frame")
    written = unicodedata.normalize("NFD", name)
    manifest = Manifest([Case("c1", "p1", (written,), "benign")], root=tmp_path,
                        reference_kind="label")
    with pytest.raises(ManifestError) as caught:
        manifest.validate()
    (problem,) = caught.value.problems
    assert problem.endswith(f"the folder holds {name!r} (in NFC) (see 'names in NFC' below)")
    assert str(caught.value).endswith(
        "write the name in the manifest as it is on disk (a manifest made on macOS from its "
        "file names holds them in NFD)")
