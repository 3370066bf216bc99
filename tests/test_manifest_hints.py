"""A set whose files are all named in another letter case (a manifest made on Windows)
or another Unicode form (NFD, macOS) gave the same long explanation on every problem
line: 29 MB of stderr for 100,000 cases. Each explanation is now given once, below the
problems, with how many it explains and the first five; every problem keeps its line
and names its file. Found in the listing-pass."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from medeval.cli import main
from medeval.errors import ManifestError
from medeval.manifest import Manifest

LETTER_CASE = ("Windows and macOS take two names differing only in letter case for one "
               "name, Linux for two")
NFD = "convmv -r --nfc"


def make_set(root: Path) -> Path:
    """7 frames named in the manifest in capitals (on disk: p-0.jpg .. p-6.jpg), 3 whose
    Hangul names are on disk in NFD, 2 not there in any form, 2 there as written:
    7 + 3 + 2 = 12 problems."""
    (root / "frames").mkdir()
    rows = []
    for i in range(7):
        (root / "frames" / f"p-{i}.jpg").write_bytes(b"\xff\xd8\xff frame")
        rows.append(f"c{i},p{i},frames/P-{i}.JPG,1")
    for i in range(3):
        name = f"환자 {i}.jpg"
        (root / "frames" / unicodedata.normalize("NFD", name)).write_bytes(b"\xff\xd8\xff")
        rows.append(f"h{i},q{i},frames/{name},0")
    rows += ["m0,r0,frames/gone-0.jpg,1", "m1,r1,frames/gone-1.jpg,0"]
    for i in range(2):
        (root / "frames" / f"ok-{i}.jpg").write_bytes(b"\xff\xd8\xff frame")
        rows.append(f"k{i},s{i},frames/ok-{i}.jpg,1")
    path = root / "manifest.csv"
    path.write_text("case_id,patient_id,input,reference\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    return path


def check_message(message: str) -> None:
    assert "12 problem(s):" in message
    # every file still named, on its own line
    for i in range(7):
        assert f"  case c{i}: input 'frames/P-{i}.JPG': no such file" in message
        assert f"the folder holds 'p-{i}.jpg' (see 'other letter case' below)" in message
    for i in range(3):
        assert f"  case h{i}: input 'frames/환자 {i}.jpg': no such file" in message
    assert message.count(" (see 'names in NFD' below)") == 3
    for i in range(2):
        assert f"  case m{i}: input 'frames/gone-{i}.jpg': no such file" in message
    # each explanation once, with its count and its first five cases (7 - 5 = 2 more)
    assert message.count(LETTER_CASE) == 1 and message.count(NFD) == 1
    assert ("'other letter case', 7 of the problems above (case c0: input 'frames/P-0.JPG'; "
            "case c1: input 'frames/P-1.JPG'; case c2: input 'frames/P-2.JPG'; case c3: "
            "input 'frames/P-3.JPG'; case c4: input 'frames/P-4.JPG'; and 2 more): "
            + LETTER_CASE) in message
    assert ("'names in NFD', 3 of the problems above (case h0: input 'frames/환자 0.jpg'; "
            "case h1: input 'frames/환자 1.jpg'; case h2: input 'frames/환자 2.jpg'): "
            "the folder holds the name in NFD") in message


def test_validate_gives_each_explanation_once(tmp_path):
    manifest = Manifest.from_csv(make_set(tmp_path), reference_kind="label")
    with pytest.raises(ManifestError) as caught:
        manifest.validate()
    assert len(caught.value.problems) == 12
    check_message(str(caught.value))


def test_manifest_check_gives_each_explanation_once(tmp_path, capsys):
    assert main(["manifest", "check", "--reference-kind", "label",
                 str(make_set(tmp_path))]) == 2
    err = capsys.readouterr().err
    check_message(err)
    # 12 problem lines, then the 2 explanations
    assert len([line for line in err.splitlines() if line.startswith("  case ")]) == 12
    assert err.rstrip("\n").splitlines()[-2].startswith("'other letter case', 7 of")


def test_paths_with_backslashes_are_explained_once(tmp_path):
    # 3 paths written as Windows writes them, each there with '/': 3 problems, each
    # naming its path with '/', and why once
    (tmp_path / "frames").mkdir()
    for i in range(3):
        (tmp_path / "frames" / f"c{i}.png").write_bytes(b"\x89PNG\r\n\x1a\n frame")
    path = tmp_path / "manifest.csv"
    path.write_text("case_id,patient_id,input,reference\n"
                    + "".join(f"c{i},p{i},frames\\c{i}.png,1\n" for i in range(3)),
                    encoding="utf-8")
    with pytest.raises(ManifestError) as caught:
        Manifest.from_csv(path, reference_kind="label").validate()
    message = str(caught.value)
    assert len(caught.value.problems) == 3
    for i in range(3):
        assert f"; 'frames/c{i}.png' is there (see 'backslashes' below)" in message
    assert message.count("write the paths with '/'") == 1
    assert ("'backslashes', 3 of the problems above (case c0: input 'frames\\\\c0.png'; "
            "case c1: input 'frames\\\\c1.png'; case c2: input 'frames\\\\c2.png'): ") in message


def test_files_under_a_misspelt_folder_point_to_the_folder(tmp_path):
    # 6 frames in frames/, the manifest's paths under frame/ (as a tester typed them):
    # each row is a problem (6, as the csv module counts the rows), each naming the
    # folder that is not there and the one most alike, and one explanation below them
    # (at 37,500 frames, 37,500 lines said only "no such file")
    import csv

    from PIL import Image

    (tmp_path / "frames").mkdir()
    (tmp_path / "other").mkdir()
    rows = []
    for i in range(6):
        Image.new("L", (8, 8)).save(tmp_path / "frames" / f"F{i}.png")
        rows.append([f"F{i}", f"P{i // 3}", f"frame/F{i}.png", str(i % 2)])
    with open(tmp_path / "manifest.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case_id", "patient_id", "input", "reference"])
        writer.writerows(rows)
    with open(tmp_path / "manifest.csv", newline="") as handle:
        expected = len(list(csv.reader(handle))) - 1
    with pytest.raises(ManifestError) as caught:
        Manifest.from_csv(tmp_path / "manifest.csv", reference_kind="label").validate()
    problems = caught.value.problems
    assert len(problems) == expected == 6
    assert all(f"there is no folder 'frame' in {tmp_path}, but 'frames' is (see 'missing "
               "folder' below)" in p for p in problems)
    assert "'missing folder', 6 of the problems above" in str(caught.value)
    # a file missing from a folder that is there says nothing of folders
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input,reference\nF9,P9,frames/F9.png,1\n")
    with pytest.raises(ManifestError) as caught:
        Manifest.from_csv(tmp_path / "manifest.csv", reference_kind="label").validate()
    assert "folder" not in caught.value.problems[0]
