"""The manifest: reading, validating everything at once, fingerprinting with a cache."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time

import pytest

from medeval.errors import ManifestError, MedevalError
from medeval.manifest import Case, Manifest


def write_manifest(root, rows, header="case_id,patient_id,input,reference,site,split"):
    path = root / "manifest.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def held_out(shared_data, tmp_path):
    """A small held-out set built from the real files: two CT cases with SEG references."""
    root = tmp_path / "set"
    (root / "ct").mkdir(parents=True)
    shutil.copytree(shared_data / "dicom/series/ct5n", root / "ct" / "c1")
    shutil.copy(shared_data / "dicom/ct/CT_small.dcm", root / "ct" / "c2.dcm")
    (root / "seg").mkdir()
    shutil.copy(shared_data / "dicom/seg/liver.dcm", root / "seg" / "c1.dcm")
    shutil.copy(shared_data / "dicom/seg/liver_1frame.dcm", root / "seg" / "c2.dcm")
    return root


def test_a_clean_manifest_validates_and_fingerprints(held_out, tmp_path):
    path = write_manifest(held_out, ["c1,p1,ct/c1,seg/c1.dcm,A,test",
                                     "c2,p2,ct/c2.dcm,seg/c2.dcm,B,test"])
    manifest = Manifest.from_csv(path, reference_kind="segmentation")
    manifest.validate(read_files=True)
    assert [c.case_id for c in manifest.cases] == ["c1", "c2"]
    assert manifest.cases[0].metadata == {"site": "A", "split": "test"}
    digests = manifest.file_digests(progress=False, cache=False)
    expected = hashlib.sha256((held_out / "seg/c1.dcm").read_bytes()).hexdigest()
    assert digests["seg/c1.dcm"] == expected
    # A directory's digest covers each of its files (5 slices here).
    assert len(digests) == 4 and len(digests["ct/c1"]) == 64
    first = manifest.fingerprint(progress=False, cache=tmp_path / "cache")
    assert first == manifest.fingerprint(progress=False, cache=False)
    # The same set under another root gives the same fingerprint.
    moved = shutil.copytree(held_out, tmp_path / "elsewhere")
    again = Manifest.from_csv(moved / "manifest.csv", reference_kind="segmentation")
    assert again.fingerprint(progress=False, cache=False) == first


def test_fingerprint_changes_with_one_byte_and_with_the_manifest(held_out):
    path = write_manifest(held_out, ["c1,p1,ct/c1,seg/c1.dcm,A,test"])
    before = Manifest.from_csv(path).fingerprint(progress=False, cache=False)
    slice_file = held_out / "ct/c1/2062.dcm"
    data = bytearray(slice_file.read_bytes())
    data[-1] ^= 1
    slice_file.write_bytes(bytes(data))
    after = Manifest.from_csv(path).fingerprint(progress=False, cache=False)
    assert before != after
    path = write_manifest(held_out, ["c1,p1,ct/c1,seg/c1.dcm,B,test"])  # metadata edited
    assert Manifest.from_csv(path).fingerprint(progress=False, cache=False) != after


def test_fingerprint_is_canonical_json_of_manifest_and_digests(held_out):
    from medeval.result import canonical_json

    path = write_manifest(held_out, ["c2,p2,ct/c2.dcm,seg/c2.dcm,B,test"])
    manifest = Manifest.from_csv(path)
    files = {name: hashlib.sha256((held_out / name).read_bytes()).hexdigest()
             for name in ("ct/c2.dcm", "seg/c2.dcm")}
    payload = canonical_json({"manifest": manifest.to_dict(), "files": files})
    assert manifest.fingerprint(progress=False, cache=False) == hashlib.sha256(
        payload).hexdigest()
    assert json.loads(payload)["manifest"]["cases"][0]["metadata"] == {"site": "B",
                                                                      "split": "test"}


def test_five_different_problems_in_one_error(held_out, tmp_path):
    (tmp_path / "outside.dcm").write_bytes(b"x")
    (held_out / "notes.txt").write_text("not an image")
    for name in ("c5.dcm", "c6.dcm"):
        shutil.copy(held_out / "ct/c2.dcm", held_out / "ct" / name)
    path = write_manifest(held_out, [
        "c1,p1,ct/c1,seg/c1.dcm,A,test",
        "c1,p9,ct/c2.dcm,seg/c2.dcm,A,test",          # 1 duplicate case id
        "c3,p3,ct/missing.dcm,seg/c1.dcm,A,test",     # 2 missing input file
        "c4,p4,../outside.dcm,seg/c2.dcm,A,test",     # 3 path escaping the root
        "c5,p5,ct/c5.dcm,notes.txt,A,test",           # 4 reference of the wrong kind
        "c6,p1,ct/c6.dcm,seg/c2.dcm,B,train",         # 5 patient p1 in test and train
    ])
    manifest = Manifest.from_csv(path, reference_kind="segmentation")
    with pytest.raises(ManifestError) as info:
        manifest.validate()
    problems = info.value.problems
    message = str(info.value)
    assert len(problems) == 5 and str(path) in message and "5 problem(s)" in message
    expected = [
        "case c1: duplicate case_id on lines 2, 3",
        "case c3: input 'ct/missing.dcm': no such file",
        "case c4: input '../outside.dcm': leaves the data root",
        "case c5: reference 'notes.txt': is not a reference of kind 'segmentation' as "
        "this task needs (format found: unknown)",
        "patient p1 is in more than one split (test, train)",
    ]
    for item in expected:
        assert sum(item in p for p in problems) == 1, item
    assert all(p in message for p in problems)
    assert isinstance(info.value, MedevalError) and isinstance(info.value, ValueError)


def test_unreadable_reference_found_when_reading(held_out):
    cut = held_out / "seg" / "cut.dcm"
    cut.write_bytes((held_out / "seg/c1.dcm").read_bytes()[:3000])
    path = write_manifest(held_out, ["c1,p1,ct/c1,seg/cut.dcm,A,test"])
    manifest = Manifest.from_csv(path, reference_kind="segmentation")
    manifest.validate()  # the first bytes are DICOM: the cheap check passes
    with pytest.raises(ManifestError, match=r"case c1: reference 'seg/cut.dcm': unreadable"):
        manifest.validate(read_files=True)


@pytest.mark.parametrize("kind", ["image", "segmentation"])
def test_a_series_folder_reference_is_read_not_a_traceback(held_out, shared_data, kind):
    # A user's reference a DICOM series folder (mask slices): --read-files stopped on
    # IsADirectoryError with a traceback (the reference reader sniffed the folder as a
    # file). ct5n reads; ct2_gap is refused, naming its gap: slices at z -99.48 and
    # 103.02 mm (pydicom's ImagePositionPatient) are 103.02 + 99.48 = 202.5 mm apart.
    shutil.copytree(shared_data / "dicom/series/ct5n", held_out / "seg" / "m1")
    shutil.copytree(shared_data / "dicom/series/ct2_gap", held_out / "seg" / "m2")
    path = write_manifest(held_out, ["c1,p1,ct/c1,seg/m1,A,test"])
    Manifest.from_csv(path, reference_kind=kind).validate(read_files=True)
    path = write_manifest(held_out, ["c1,p1,ct/c1,seg/m2,A,test"])
    with pytest.raises(ManifestError, match=r"case c1: reference 'seg/m2': unreadable: DICOM "
                       r"series .*the gap is 202\.5 mm"):
        Manifest.from_csv(path, reference_kind=kind).validate(read_files=True)


def test_symlink_leaving_the_root(held_out, tmp_path):
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "answers.dcm").write_bytes(b"secret")
    (held_out / "seg" / "sneaky").symlink_to(outside)
    path = write_manifest(held_out, ["c1,p1,ct/c1,seg/sneaky/answers.dcm,A,test"])
    with pytest.raises(ManifestError, match=r"reference 'seg/sneaky/answers.dcm': leaves"
                       ) as caught:
        Manifest.from_csv(path).validate()
    # where the link leads is named (a NAS folder linked into the set), with the fix
    target = os.path.realpath(held_out / "seg" / "sneaky" / "answers.dcm")
    assert target == str(outside.resolve() / "answers.dcm")
    assert (f"it resolves to {target}) (see 'outside the data root' below)"
            in caught.value.problems[0])
    assert "copy the files under the root" in str(caught.value)  # once, below


def test_labels_for_a_classification_task(held_out):
    path = write_manifest(held_out, ["c1,p1,ct/c1,1,A,test", "c2,p2,ct/c2.dcm,0,A,test",
                                     "c3,p3,ct/c2.dcm,seg/c1.dcm,A,test"])
    with pytest.raises(ManifestError) as info:
        Manifest.from_csv(path, reference_kind="label").validate()
    assert "case c3: reference 'seg/c1.dcm': names a file, but this task's reference is a " \
           "label" in str(info.value)


def test_missing_columns_and_files(tmp_path):
    with pytest.raises(ManifestError, match="no such file"):
        Manifest.from_csv(tmp_path / "none.csv")
    path = write_manifest(tmp_path, ["a,b"], header="case_id,label")
    with pytest.raises(ManifestError, match=r"missing column\(s\) patient_id, reference, "
                                            r"input \(or input_\*\)"):
        Manifest.from_csv(path)
    with pytest.raises(ManifestError, match="reference_kind must be one of"):
        Manifest([], root=tmp_path, reference_kind="mask")  # type: ignore[arg-type]


def test_a_semicolon_separated_manifest_is_named_so(tmp_path):
    path = write_manifest(tmp_path, ["a;p;x.png;1"], header="case_id;patient_id;input;reference")
    with pytest.raises(ManifestError, match="separated by semicolons: a manifest is a CSV "
                                            "with commas"):
        Manifest.from_csv(path)


def test_a_semicolon_manifest_with_decimal_commas_is_named_so(tmp_path):
    # Excel's ';' export where the decimal mark is a comma (a measurement's 52,2 mm), with
    # its byte-order mark and CRLF: the comma splits each data row in two while the header
    # is one field, so the message was "line 2 has 2 fields, the header 1 ...: a value
    # holding a comma must be in double quotes", which is not the fix.
    path = tmp_path / "manifest.csv"
    path.write_bytes("case_id;patient_id;input;reference\r\na;p;x.json;52,2\r\n"
                     .encode("utf-8-sig"))
    with pytest.raises(ManifestError, match="separated by semicolons \\(Excel's export where "
                                            "the decimal mark is a comma\\?\\)") as caught:
        Manifest.from_csv(path)
    assert "double quotes" not in str(caught.value)


def test_a_workbook_saved_in_place_of_the_manifest_says_so(tmp_path):
    # An .xlsx is a ZIP archive ('PK\x03\x04', as stdlib zipfile writes it). Before:
    # 'not UTF-8 text (line 1, byte 11); Excel's plain 'CSV' on Korean Windows writes
    # CP949', which it is not.
    import zipfile

    path = tmp_path / "manifest.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "case_id,patient_id,input,reference")
    with pytest.raises(ManifestError, match=re.escape(
            f"manifest {path}: is a ZIP archive (an Excel .xlsx workbook?), not CSV text; "
            "save it as 'CSV UTF-8'")):
        Manifest.from_csv(path)


def test_rows_wider_than_the_header(tmp_path):
    # Every row ending in a comma (one field more than the header): pandas took case_id
    # for an unnamed index and shifted every value left: case 'p1', patient 'a.png',
    # input '1', reference empty ('case p1: input '1': no such file'). An empty extra
    # field loses nothing:
    # read as written. A row whose extra field holds a value (an unquoted comma) is named
    # by its line (the header is line 1).
    for name in ("a.png", "b.png"):
        (tmp_path / name).write_bytes(b"\x89PNG")
    path = write_manifest(tmp_path, ["a,p1,a.png,1,", "b,p2,b.png,0,"],
                          header="case_id,patient_id,input,reference")
    manifest = Manifest.from_csv(path)
    assert [(c.case_id, c.patient_id, c.reference) for c in manifest.cases] == [
        ("a", "p1", "1"), ("b", "p2", "0")]
    path = write_manifest(tmp_path, ["a,p1,a.png,1", "b,p2,b.png,0,left"],
                          header="case_id,patient_id,input,reference")
    with pytest.raises(ManifestError, match=re.escape(
            "cannot be read as CSV: line 3 has 5 fields, the header 4 ('b', 'p2', 'b.png', "
            "'0', 'left'): a value holding a comma must be in double quotes")):
        Manifest.from_csv(path)


@pytest.mark.parametrize("case_id", ["a/b", "..", ".", "a\\b", "a\tb"])
def test_a_case_id_must_be_able_to_name_its_prediction_file(tmp_path, case_id):
    # "a/b" looked for <predictions>/a/b.json, ".." for "...json": a case that could
    # never be found, reported as missing-output; now a problem of the manifest.
    (tmp_path / "x.png").write_bytes(b"\x89PNG")
    path = write_manifest(tmp_path, [f'"{case_id}",p,x.png,1'],
                          header="case_id,patient_id,input,reference")
    with pytest.raises(ManifestError) as info:
        Manifest.from_csv(path, reference_kind="label").validate()
    assert info.value.problems == (
        f"line 2: case_id {case_id!r} cannot name a file (the prediction <case_id>.json "
        "...): no '/', '\\' or control characters, not '.' or '..'",)


def test_a_case_id_in_korean_is_a_file_name(tmp_path):
    (tmp_path / "x.png").write_bytes(b"\x89PNG")
    path = write_manifest(tmp_path, ["환자-0001,p,x.png,1"],
                          header="case_id,patient_id,input,reference")
    Manifest.from_csv(path, reference_kind="label").validate()


def test_ids_stay_text_and_several_inputs(tmp_path):
    (tmp_path / "a.png").write_bytes(b"\x89PNG")
    (tmp_path / "b.png").write_bytes(b"\x89PNG2")
    path = write_manifest(tmp_path, ["007,0042,a.png,b.png,1"],
                          header="case_id,patient_id,input_left,input_right,reference")
    manifest = Manifest.from_csv(path, reference_kind="label")
    manifest.validate()
    case = manifest.cases[0]
    assert (case.case_id, case.patient_id, case.inputs) == ("007", "0042", ("a.png", "b.png"))


def test_cache_makes_a_second_run_read_nothing(tmp_path, monkeypatch):
    import medeval._hashing as module

    for i in range(3):
        (tmp_path / f"x{i}.bin").write_bytes(os.urandom(10000))
    cases = [Case(f"c{i}", f"p{i}", (f"x{i}.bin",), "0") for i in range(3)]
    manifest = Manifest(cases, root=tmp_path, reference_kind="label")
    cache = tmp_path / "cache"
    first = manifest.fingerprint(progress=False, cache=cache)
    hashed = []
    original = module._sha256
    monkeypatch.setattr(module, "_sha256",
                        lambda p, *rest: hashed.append(p) or original(p, *rest))
    assert manifest.fingerprint(progress=False, cache=cache) == first
    assert hashed == []
    # Rewriting a file (even with the same size and mtime restored) is noticed: the
    # cache key includes ctime, which no user can set back.
    target = tmp_path / "x1.bin"
    stat = target.stat()
    time.sleep(0.01)
    target.write_bytes(os.urandom(10000))
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert manifest.fingerprint(progress=False, cache=cache) != first
    assert [os.fspath(p) for p in hashed] == [os.fspath(target)]  # hashed again


def test_cache_forgets_its_oldest_digests_past_its_bound(tmp_path, monkeypatch):
    import sqlite3

    import medeval._hashing as module

    # Bound 5, keep 3, files f0..f7 hashed one call each: their rows get rowids 1..8.
    # Row 6 makes the span 6 - 1 = 5: rows up to 6 - 3 = 3 (f0, f1, f2) are forgotten,
    # leaving 4..8 (span 4). Hashing all eight again reads f0, f1, f2 only (rows 9..11,
    # span 11 - 4 = 7: rows up to 8 forgotten), leaving the three just written.
    monkeypatch.setattr(module, "MAX_ROWS", 5)
    monkeypatch.setattr(module, "KEPT_ROWS", 3)
    files = []
    for i in range(8):
        (tmp_path / f"f{i}.bin").write_bytes(os.urandom(100))
        files.append(str(tmp_path / f"f{i}.bin"))
    cache = tmp_path / "cache"
    for name in files:
        module.hash_files([name], workers=1, progress=False, cache=cache)

    def stored():
        with sqlite3.connect(cache / "sha256.sqlite") as connection:
            return sorted(p for (p,) in connection.execute("SELECT path FROM digests"))

    assert stored() == files[3:]
    hashed = []
    original = module._sha256
    monkeypatch.setattr(module, "_sha256",
                        lambda p, *rest: hashed.append(p) or original(p, *rest))
    digests = module.hash_files(files, workers=1, progress=False, cache=cache)
    assert sorted(hashed) == files[:3]
    assert stored() == files[:3]
    assert digests == {str(tmp_path / f"f{i}.bin"): hashlib.sha256(
        (tmp_path / f"f{i}.bin").read_bytes()).hexdigest() for i in range(8)}


def test_progress_goes_to_stderr_and_can_be_disabled(tmp_path, capsys):
    (tmp_path / "x.bin").write_bytes(os.urandom(3 << 20))
    manifest = Manifest([Case("c", "p", ("x.bin",), "0")], root=tmp_path,
                        reference_kind="label")
    manifest.fingerprint(progress=True, cache=False, workers=2)
    captured = capsys.readouterr()
    assert captured.out == "" and "hashing" in captured.err
    manifest.fingerprint(progress=False, cache=False)
    assert capsys.readouterr().err == ""


def test_reading_the_files_shows_a_bar_where_asked(tmp_path, capsys):
    # Found in the scale pass: `manifest check --read-files` of 37,500 frames decoded
    # every frame and mask for about two minutes before its first bar ('checking
    # references'), silent. The same problems with the bar and without; the bar only
    # where asked, and only where files are read.
    from PIL import Image

    Image.new("L", (8, 6)).save(tmp_path / "a.png")
    (tmp_path / "b.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)  # no image
    manifest = Manifest([Case("a", "p", ("a.png",), "0"), Case("b", "p", ("b.png",), "1")],
                        root=tmp_path, reference_kind="label")
    with pytest.raises(ManifestError) as quiet:
        manifest.validate(read_files=True)
    assert capsys.readouterr().err == ""
    with pytest.raises(ManifestError) as shown:
        manifest.validate(read_files=True, progress=True)
    err = capsys.readouterr().err
    assert "reading the set's files" in err and "100%" in err
    assert shown.value.problems == quiet.value.problems
    assert len(shown.value.problems) == 1 and "case b: input 'b.png'" in shown.value.problems[0]
    manifest.validate(progress=True)  # the files found, none decoded: no bar, no problem
    assert "reading" not in capsys.readouterr().err


def test_parallel_and_serial_hashing_agree(tmp_path):
    for i in range(6):
        (tmp_path / f"f{i}.bin").write_bytes(os.urandom(200000 + i))
    cases = [Case(f"c{i}", f"p{i}", (f"f{i}.bin",), "0") for i in range(6)]
    manifest = Manifest(cases, root=tmp_path, reference_kind="label")
    assert manifest.file_digests(workers=1, progress=False, cache=False) == \
        manifest.file_digests(workers=4, progress=False, cache=False)


def test_hashing_threads_are_handed_a_bounded_number_of_files():
    # Found in the scale-pass: the digests of a set's files were computed with
    # ThreadPoolExecutor.map, which submits every file at once, each pending one holding
    # a future, its lock and its work item: 200 MB traced for 80,000 files, 1.5 GB for the
    # 600,000 slices of 2,000 CT series. Now at most `window` are submitted ahead. By
    # hand: with a window of 4, items 0-3 are in flight and item 4 is drawn when the
    # first result is taken; the results come in the items' order.
    from concurrent.futures import ThreadPoolExecutor

    import medeval._hashing as module

    drawn = 0

    def items():
        nonlocal drawn
        for i in range(50):
            drawn += 1
            yield i

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = module._in_order(pool, lambda i: str(i * i), items(), window=4)
        first = next(results)
        assert (first, drawn) == ("0", 5)
        assert [first, *results] == [str(i * i) for i in range(50)]


def test_files_in_flight_after_one_fails_are_cancelled_not_hashed():
    # Found in the review of the scale-pass: _in_order left the files submitted ahead of
    # a failing one (a file removed since its stat) to be hashed before the error came
    # out, where pool.map cancels them. By hand: one thread, a window of 4; item 0 fails,
    # item 1 may have started (it waits until the error is out), items 2 and 3 are queued
    # behind it and so are cancelled, never run.
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import medeval._hashing as module

    ran, release = [], threading.Event()

    def work(i):
        ran.append(i)
        if i == 0:
            raise FileNotFoundError("f0.bin")
        release.wait(5)
        return str(i)

    with ThreadPoolExecutor(max_workers=1) as pool:
        with pytest.raises(FileNotFoundError, match="f0.bin"):
            list(module._in_order(pool, work, range(10), window=4))
        release.set()
    assert set(ran) <= {0, 1} and 0 in ran


def test_many_files_hashed_on_threads_have_hashlibs_digests(tmp_path):
    # more files than the threads are handed at once (2 threads x 64), against hashlib
    import medeval._hashing as module

    files = []
    for i in range(300):
        files.append(tmp_path / f"f{i}.bin")
        files[-1].write_bytes(os.urandom(100 + i))
    digests = module.hash_files(files, workers=2, progress=False, cache=False)
    assert digests == {f: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def test_an_input_shared_by_two_cases_is_flagged(held_out):
    path = write_manifest(held_out, ["c1,p1,ct/c2.dcm,seg/c1.dcm,A,test",
                                     "c2,p2,ct/c2.dcm,seg/c2.dcm,A,test"])
    with pytest.raises(ManifestError, match=r"case\(s\) c1, c2: input 'ct/c2.dcm' is shared"):
        Manifest.from_csv(path).validate()


def test_one_file_named_by_two_input_columns_of_a_case_is_flagged(tmp_path):
    # Found in the mammo-pass: an exam's row naming its LCC view also as its RCC view
    # (a copy-and-paste slip: four columns, three files) passed the check, and the
    # algorithm was handed three views under four names. Now a problem of the set.
    # Expected message written by hand: 'exams/e1/LCC.dcm' twice among e1's inputs.
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input_lcc,input_lmlo,input_rcc,input_rmlo,reference\n"
        "e1,p1,exams/e1/LCC.dcm,exams/e1/LMLO.dcm,exams/e1/LCC.dcm,exams/e1/RMLO.dcm,1\n"
        "e2,p2,exams/e2/LCC.dcm,exams/e2/LMLO.dcm,exams/e2/RCC.dcm,exams/e2/RMLO.dcm,0\n")
    for exam in ("e1", "e2"):
        (tmp_path / "exams" / exam).mkdir(parents=True)
        for view in ("LCC", "LMLO", "RCC", "RMLO"):
            (tmp_path / "exams" / exam / f"{view}.dcm").write_bytes(b"x")
    with pytest.raises(ManifestError) as caught:
        Manifest.from_csv(tmp_path / "manifest.csv", reference_kind="label").validate()
    assert caught.value.problems == (
        "case e1: input 'exams/e1/LCC.dcm' is named by 2 of its input columns; each names a "
        "file of its own (an exam's four views are four files)",)


def test_one_file_written_two_ways_is_one_file(tmp_path):
    # Found in the review-mammo pass: the checks of 70b35f1 (one file in two columns of
    # a case) and of a file shared by two cases compared the paths as written, so
    # 'exams/e1/LCC.dcm' and './exams/e1/LCC.dcm' (one file, as os.path.samefile says)
    # passed both. Messages by hand: e1 names its LCC view twice, the second time with
    # './'; e2's RMLO cell names e3's file as 'exams//e3/RMLO.dcm'.
    import os

    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input_lcc,input_rmlo,reference\n"
        "e1,p1,exams/e1/LCC.dcm,./exams/e1/LCC.dcm,1\n"
        "e2,p2,exams/e2/LCC.dcm,exams//e3/RMLO.dcm,0\n"
        "e3,p3,exams/e3/LCC.dcm,exams/e3/RMLO.dcm,0\n")
    for exam in ("e1", "e2", "e3"):
        (tmp_path / "exams" / exam).mkdir(parents=True)
        for view in ("LCC", "RMLO"):
            (tmp_path / "exams" / exam / f"{view}.dcm").write_bytes(b"x")
    assert os.path.samefile(tmp_path / "exams/e1/LCC.dcm", tmp_path / "./exams/e1/LCC.dcm")
    assert os.path.samefile(tmp_path / "exams//e3/RMLO.dcm", tmp_path / "exams/e3/RMLO.dcm")
    with pytest.raises(ManifestError) as caught:
        Manifest.from_csv(tmp_path / "manifest.csv", reference_kind="label").validate()
    assert caught.value.problems == (
        "case e1: input 'exams/e1/LCC.dcm' (also written './exams/e1/LCC.dcm') is named by "
        "2 of its input columns; each names a file of its own (an exam's four views are "
        "four files)",
        "case(s) e2, e3: input 'exams//e3/RMLO.dcm' is shared by 2 cases")


def test_an_input_shared_by_many_cases_names_ten(tmp_path):
    # 1,800 frames' cases naming one video file: the problem names the first ten cases
    # and the count, not 1,800 ids on one line
    (tmp_path / "video.mp4").write_bytes(b"x")
    cases = [Case(f"f{i:04d}", "p1", ("video.mp4",), "0") for i in range(1800)]
    with pytest.raises(ManifestError) as caught:
        Manifest(cases, root=tmp_path, reference_kind="label").validate()
    expected = ("case(s) " + ", ".join(f"f{i:04d}" for i in range(10))
                + ", ...: input 'video.mp4' is shared by 1800 cases")
    assert caught.value.problems == (expected,)


# A WFDB record is two files: the header names the signal file the samples are in. The
# runner copies only the files the input columns list, so a header listed without its
# signal is a record the algorithm cannot read.

@pytest.fixture
def wfdb_set(tmp_path):
    """MIT-BIH record 100 (the demo's 10-minute excerpt: a real header naming 100.dat)
    under records/, its reference beats under references/."""
    from importlib import resources

    demo = resources.files("medeval") / "demo" / "ecg"
    root = tmp_path / "set"
    (root / "records").mkdir(parents=True)
    (root / "references").mkdir()
    for name in ("100.hea", "100.dat"):
        (root / "records" / name).write_bytes((demo / name).read_bytes())
    (root / "references" / "100.atr").write_bytes((demo / "100.atr").read_bytes())
    return root


def test_a_wfdb_header_without_its_signal_column_is_refused(wfdb_set):
    header = (wfdb_set / "records" / "100.hea").read_text(encoding="latin-1")
    assert header.splitlines()[1].split()[0] == "100.dat"  # what the header names
    path = write_manifest(wfdb_set, ["r100,p100,records/100.hea,references/100.atr"],
                          header="case_id,patient_id,input,reference")
    manifest = Manifest.from_csv(path, reference_kind="annotations")
    with pytest.raises(ManifestError) as info:
        manifest.validate()
    (problem,) = info.value.problems
    assert problem.startswith("case r100: input 'records/100.hea' is a WFDB header")
    assert "'100.dat'" in problem and "no input column lists 'records/100.dat'" in problem
    assert "it is beside the header" in problem
    assert problem.endswith(" (see 'unlisted signal file' below)")
    assert str(info.value).count("add a column input_signal") == 1  # said once, below
    # The fingerprint validates first: nothing is hashed for such a set.
    with pytest.raises(ManifestError, match="input_signal"):
        manifest.fingerprint(progress=False, cache=False)


def test_the_missing_signal_is_reported_with_the_other_problems(wfdb_set):
    (wfdb_set / "records" / "100.dat").rename(wfdb_set / "records" / "elsewhere.dat")
    path = write_manifest(wfdb_set, ["r100,p100,records/100.hea,references/100.atr",
                                     "r100,p101,records/elsewhere.dat,references/100.atr"],
                          header="case_id,patient_id,input,reference")
    with pytest.raises(ManifestError) as info:
        Manifest.from_csv(path, reference_kind="annotations").validate()
    problems = info.value.problems
    assert len(problems) == 2
    assert "case r100: duplicate case_id on lines 2, 3" in problems
    assert any("'records/100.hea' is a WFDB header" in p and "there is no such file" in p
               for p in problems)


def test_a_wfdb_record_with_its_signal_column_or_folder_is_accepted(wfdb_set):
    path = write_manifest(
        wfdb_set, ["r100,p100,records/100.hea,records/100.dat,references/100.atr"],
        header="case_id,patient_id,input_header,input_signal,reference")
    manifest = Manifest.from_csv(path, reference_kind="annotations")
    manifest.validate(read_files=True)
    assert manifest.cases[0].inputs == ("records/100.hea", "records/100.dat")
    # The record's folder as the input holds both files.
    path = write_manifest(wfdb_set, ["r100,p100,records,references/100.atr"],
                          header="case_id,patient_id,input,reference")
    Manifest.from_csv(path, reference_kind="annotations").validate()
    # A header in a subfolder names its signal relative to itself.
    (wfdb_set / "records" / "a").mkdir()
    for name in ("100.hea", "100.dat"):
        (wfdb_set / "records" / name).rename(wfdb_set / "records" / "a" / name)
    path = write_manifest(
        wfdb_set, ["r100,p100,records/a/100.hea,records/./a/100.dat,references/100.atr"],
        header="case_id,patient_id,input_header,input_signal,reference")
    Manifest.from_csv(path, reference_kind="annotations").validate()


def test_a_multi_signal_file_header_needs_each_file(shared_data, tmp_path):
    # MIMIC DB 03700181 keeps its three signals in one file; a header naming two files
    # (written here from it) needs both listed.
    source = shared_data / "ecg" / "mimicdb" / "03700181.hea"
    lines = source.read_text(encoding="latin-1").splitlines()
    assert [line.split()[0] for line in lines[1:4]] == ["03700181.dat"] * 3
    (tmp_path / "r.hea").write_text(source.read_text(encoding="latin-1"), encoding="latin-1")
    (tmp_path / "03700181.dat").write_bytes(b"\0" * 10)
    path = write_manifest(tmp_path, ["c,p,r.hea,03700181.dat,0"],
                          header="case_id,patient_id,input_header,input_signal,reference")
    Manifest.from_csv(path, reference_kind="label").validate()
    lines[3] = lines[3].replace("03700181.dat", "resp.dat", 1)
    (tmp_path / "r.hea").write_text("\n".join(lines) + "\n", encoding="latin-1")
    with pytest.raises(ManifestError) as info:
        Manifest.from_csv(path, reference_kind="label").validate()
    (problem,) = info.value.problems
    assert "signals are in 'resp.dat'" in problem and "no such file" in problem


def test_evaluate_refuses_a_header_without_its_signal_before_running(wfdb_set, tmp_path):
    import medeval

    write_manifest(wfdb_set, ["r100,p100,records/100.hea,references/100.atr"],
                   header="case_id,patient_id,input,reference")
    protocol = wfdb_set / "protocol.toml"
    protocol.write_text(
        '[test]\nid = "T-1"\ntitle = "ECG"\nmode = "pre-check"\n'
        '[laboratory]\nname = "Lab"\n[customer]\nname = "Customer"\n'
        '[algorithm]\nname = "XQRS"\nversion = "1"\n'
        'plugin = "medeval.demo.algorithms.ecg.qrs_detector:QrsDetector"\n'
        '[dataset]\nmanifest = "manifest.csv"\nselection = "record 100"\n'
        '[task]\ntype = "ecg-beats"\n[statistics]\nseed = 1\n'
        '[[criteria]]\nmetric = "qrs_sensitivity"\ngoal = 0.9\nsource = "test"\n',
        encoding="utf-8")
    run_dir = tmp_path / "run"
    with pytest.raises(ManifestError, match=r"case r100: input 'records/100.hea' is a WFDB"):
        medeval.evaluate(protocol, run_dir=run_dir)
    assert not run_dir.exists()  # refused before the algorithm ran


# --- 2-D annotation files (reference kind "annotations-2d") ---------------------------


@pytest.fixture
def annotated_set(tmp_path):
    """Frames of 4 cases: three in one set-wide COCO file (by file_name and by id), one in
    a LabelMe file of its own."""
    root = tmp_path / "set"
    (root / "frames").mkdir(parents=True)
    (root / "labels").mkdir()
    for case in ("c1", "c2", "c3", "c4"):
        (root / "frames" / f"{case}.jpg").write_bytes(b"\xff\xd8\xff" + case.encode())
    images = [{"id": 7 + k, "file_name": f"frames/c{k}.jpg", "height": 10, "width": 12}
              for k in (1, 2, 3)]
    (root / "labels" / "set.json").write_text(json.dumps({
        "images": images, "categories": [{"id": 1, "name": "polyp"}],
        "annotations": [{"id": 1, "image_id": 8, "category_id": 1, "bbox": [1, 1, 4, 4],
                         "area": 16, "iscrowd": 0}]}))
    (root / "labels" / "c4.json").write_text(json.dumps({
        "version": "5.4.1", "flags": {}, "imagePath": "c4.jpg", "imageData": None,
        "imageHeight": 10, "imageWidth": 12, "shapes": [
            {"label": "polyp", "points": [[2, 2], [6, 5]], "group_id": None,
             "shape_type": "rectangle", "flags": {}}]}))
    rows = ["c1,p1,frames/c1.jpg,labels/set.json#frames/c1.jpg",
            "c2,p1,frames/c2.jpg,labels/set.json#frames/c2.jpg",
            "c3,p2,frames/c3.jpg,labels/set.json#10",
            "c4,p2,frames/c4.jpg,labels/c4.json"]
    write_manifest(root, rows, header="case_id,patient_id,input,reference")
    return root


def test_a_set_wide_annotation_file_is_one_file_checked_and_hashed_once(
        annotated_set, monkeypatch):
    import medeval.loaders.annotations_2d as annotations_2d

    manifest = Manifest.from_csv(annotated_set / "manifest.csv",
                                 reference_kind="annotations-2d")
    calls = []
    real = annotations_2d.annotation_problems
    monkeypatch.setattr(annotations_2d, "annotation_problems",
                        lambda refs, **kw: calls.append(dict(refs)) or real(refs, **kw))
    manifest.validate()
    assert calls == [{c.case_id: c.reference for c in manifest.cases}]  # once, every case
    assert manifest.files() == ["frames/c1.jpg", "frames/c2.jpg", "frames/c3.jpg",
                                "frames/c4.jpg", "labels/c4.json", "labels/set.json"]
    digests = manifest.file_digests(progress=False, cache=False)
    assert digests["labels/set.json"] == hashlib.sha256(
        (annotated_set / "labels" / "set.json").read_bytes()).hexdigest()
    # the canonical manifest keeps each case's selector
    assert [c["reference"] for c in manifest.to_dict()["cases"]][:3] == [
        "labels/set.json#frames/c1.jpg", "labels/set.json#frames/c2.jpg",
        "labels/set.json#10"]


def test_the_fingerprint_covers_the_annotation_file_and_the_selectors(annotated_set):
    path = annotated_set / "manifest.csv"

    def fingerprint():
        return Manifest.from_csv(path, reference_kind="annotations-2d").fingerprint(
            progress=False, cache=False)

    before = fingerprint()
    assert fingerprint() == before
    labels = annotated_set / "labels" / "set.json"
    data = json.loads(labels.read_text())
    data["annotations"][0]["bbox"] = [1, 1, 5, 4]
    labels.write_text(json.dumps(data))
    edited = fingerprint()
    assert edited != before
    # the same image selected by id instead of file_name: another manifest
    path.write_text(path.read_text().replace("labels/set.json#10", "labels/set.json#frames/c3.jpg"))
    assert fingerprint() != edited


def test_every_missing_annotation_entry_is_listed_at_once(annotated_set):
    path = annotated_set / "manifest.csv"
    text = path.read_text()
    text = text.replace("#frames/c1.jpg", "#frames/zz.jpg").replace("#10", "#99")
    text = text.replace("labels/c4.json", "labels/none.json")
    text += "c5,p3,frames/c5.jpg,labels/set.json#frames/c2.jpg\n"
    text += "c6,p3,frames/c6.jpg,labels/set.json#\n"
    for case in ("c5", "c6"):
        (annotated_set / "frames" / f"{case}.jpg").write_bytes(b"x")
    path.write_text(text)
    with pytest.raises(ManifestError) as info:
        Manifest.from_csv(path, reference_kind="annotations-2d").validate()
    problems = sorted(info.value.problems)
    assert len(problems) == 5
    assert problems[0].startswith("case c1: reference 'labels/set.json#frames/zz.jpg': ")
    assert "no image has file_name 'frames/zz.jpg'" in problems[0]
    assert "no image has file_name or id '99'" in problems[1]
    assert problems[2].startswith("case c4: reference 'labels/none.json': no such file")
    assert "is also case c2's" in problems[3]
    assert "nothing after '#'" in problems[4]


def test_where_objects_may_lie_is_the_protocols_to_check(annotated_set):
    # a box 0.5 px beyond its frame: the manifest takes it (the protocol's tolerance_px
    # decides; the task checks it), a file that is not COCO or LabelMe it refuses
    labels = annotated_set / "labels" / "set.json"
    data = json.loads(labels.read_text())
    data["annotations"][0]["bbox"] = [8, 1, 4.5, 4]
    labels.write_text(json.dumps(data))
    Manifest.from_csv(annotated_set / "manifest.csv", reference_kind="annotations-2d").validate()
    labels.write_text(json.dumps({"boxes": []}))
    with pytest.raises(ManifestError) as info:
        Manifest.from_csv(annotated_set / "manifest.csv",
                          reference_kind="annotations-2d").validate()
    (problem,) = info.value.problems  # the file's problem once, naming its cases
    assert problem.startswith("cases c1, c2, c3: references into 'labels/set.json': ")
    assert "neither a COCO dataset" in problem


def test_an_input_that_is_the_set_wide_annotation_file_is_refused(annotated_set):
    # the runner's check compares inputs with references as written; 'path#selector' is
    # no file, so the manifest refuses an input naming the annotation file itself
    path = annotated_set / "manifest.csv"
    path.write_text(path.read_text().replace("c2,p1,frames/c2.jpg,", "c2,p1,labels/set.json,"))
    with pytest.raises(ManifestError) as info:
        Manifest.from_csv(path, reference_kind="annotations-2d").validate()
    (problem,) = info.value.problems
    assert problem == ("case c2: input 'labels/set.json' is the annotation file "
                       "'labels/set.json' that references point into; the algorithm would "
                       "be given the answers")


@pytest.mark.parametrize(("padding", "found"), [(0, True), ((1 << 20) - 40, True),
                                                ((1 << 20) + 10, False)])
def test_a_wfdb_header_is_read_up_to_its_first_mebibyte(tmp_path, padding, found):
    # The record line, comments, then the signal line: it counts only when it ends
    # within the first 1 MiB the check reads (a header is a few lines; nothing reads on).
    record = b"r 1 360 100\n"
    comment = b"#" + b"x" * (padding - 2) + b"\n" if padding else b""
    (tmp_path / "r.hea").write_bytes(record + comment + b"s.dat 16 200\n")
    (tmp_path / "s.dat").write_bytes(b"\0" * 200)
    (tmp_path / "r.atr").write_bytes(b"\0" * 4)
    path = write_manifest(tmp_path, ["c,p,r.hea,r.atr"],
                          header="case_id,patient_id,input,reference")
    manifest = Manifest.from_csv(path, reference_kind="annotations")
    if found:
        with pytest.raises(ManifestError, match="signals are in 's.dat'"):
            manifest.validate()
    else:
        manifest.validate()


def test_an_absolute_path_outside_the_root_and_a_folder_as_manifest_are_named(tmp_path):
    # an absolute path was said to leave the root "through '..' or a symlink"; a folder
    # given as the manifest was "no such file"
    outside = tmp_path / "elsewhere" / "scan.dcm"
    outside.parent.mkdir()
    outside.write_bytes(b"x")
    root = tmp_path / "set"
    root.mkdir()
    (root / "r.txt").write_text("1")
    (root / "manifest.csv").write_text(
        f"case_id,patient_id,input,reference\nc1,p1,{outside},r.txt\n")
    with pytest.raises(ManifestError) as caught:
        Manifest.from_csv(root / "manifest.csv").validate()
    assert caught.value.problems == (
        f"case c1: input '{outside}': leaves the data root {root.resolve()} (an absolute "
        "path outside it) (see 'absolute path' below)",)
    assert str(caught.value).endswith(
        f"'absolute path', 1 of the problems above (case c1: input '{outside}'): write "
        "paths relative to the data root, the manifest CSV's folder")
    with pytest.raises(ManifestError, match=r"manifest .*set: is a folder; give the "
                       r"manifest's CSV file"):
        Manifest.from_csv(root)


def test_a_protocol_given_as_the_manifest_says_to_give_its_csv(tmp_path, capsys):
    # `medeval manifest check protocol.toml`: read as a CSV, the protocol's first line was
    # reported as the header it has ('missing column(s) ...; it has id = "x"') or the
    # parser's 'Expected 1 fields in line 25, saw 3'
    from medeval.cli import main

    protocol = tmp_path / "protocol.toml"
    protocol.write_text('id = "x"\n\n[dataset]\nmanifest = "m.csv"\n', encoding="utf-8")
    with pytest.raises(ManifestError) as caught:
        Manifest.from_csv(protocol)
    assert str(caught.value) == (
        f"manifest {protocol}: a TOML file (a protocol?), not a manifest CSV; give the CSV "
        "file its [dataset] manifest names (from the command line, with the protocol: "
        f"medeval manifest check --protocol {protocol} MANIFEST.csv)")
    assert main(["manifest", "check", str(protocol)]) == 2
    assert "a TOML file (a protocol?), not a manifest CSV" in capsys.readouterr().err


def test_a_korean_named_wfdb_header_without_its_signal_column_is_refused(tmp_path):
    # The header of a record named '심전도_01' (wfdb.wrsamp, UTF-8) names its signal file
    # '심전도_01.dat' (as wfdb's own writer put it; bytes EC A0 84 hold a latin-1 blank). Its
    # lines were split as latin-1 text, so the name came apart and nothing was checked:
    # the manifest listing the header alone passed, and every case would fail in the
    # sandbox.
    import numpy as np
    import wfdb

    name = "심전도_01"
    wfdb.wrsamp(name, fs=250, units=["mV"], sig_name=["MLII"],
                p_signal=np.zeros((1000, 1)), fmt=["212"], write_dir=str(tmp_path))
    signal_line = (tmp_path / f"{name}.hea").read_bytes().splitlines()[1]
    assert signal_line.split(b" ")[0] == f"{name}.dat".encode()
    (tmp_path / "r.atr").write_bytes(b"\x00\x00")
    path = write_manifest(tmp_path, [f"r1,p1,{name}.hea,r.atr"],
                          header="case_id,patient_id,input,reference")
    with pytest.raises(ManifestError) as info:
        Manifest.from_csv(path, reference_kind="annotations").validate()
    (problem,) = info.value.problems
    assert f"is a WFDB header whose signals are in '{name}.dat'" in problem


def test_annotations_stating_no_rate_are_read_at_the_records_rate(shared_data, tmp_path):
    # MIT-BIH 100.atr states no time resolution (wfdb.rdann gives fs None with no header
    # beside it); the ecg-beats task reads it at the rate of the manifest's header input
    # (360 Hz) and evaluates it. manifest check --read-files read the file alone and
    # refused the set: "states no sampling frequency and no header 100.hea is beside
    # it". With no header among the inputs, it is still refused.
    import wfdb

    (tmp_path / "records").mkdir()
    (tmp_path / "refs").mkdir()
    for ext in ("hea", "dat"):
        shutil.copy(shared_data / "ecg" / "mitdb" / f"100.{ext}", tmp_path / "records")
    shutil.copy(shared_data / "ecg" / "mitdb" / "100.atr", tmp_path / "refs")
    assert wfdb.rdann(str(tmp_path / "refs" / "100"), "atr").fs is None
    path = write_manifest(tmp_path, ["r100,p100,records/100.hea,records/100.dat,refs/100.atr"],
                          header="case_id,patient_id,input_header,input_signal,reference")
    Manifest.from_csv(path, reference_kind="annotations").validate(read_files=True)
    path = write_manifest(tmp_path, ["r100,p100,records/100.dat,refs/100.atr"],
                          header="case_id,patient_id,input,reference")
    with pytest.raises(ManifestError, match="states no sampling frequency"):
        Manifest.from_csv(path, reference_kind="annotations").validate(read_files=True)


def test_an_edf_input_the_edf_reader_refuses_is_a_problem_of_the_set(tmp_path):
    # An EEG recording exported with the patient's name in UTF-8 in its header (EDF
    # allows ASCII only there): pyedflib, which medeval and algorithms read EDF with,
    # refuses it, so every algorithm would fail on the case and be counted for it.
    # manifest check --read-files read no EDF input and passed the set; it names it now.
    import numpy as np
    import pyedflib

    for name in ("ok.edf", "utf8.edf"):
        writer = pyedflib.EdfWriter(str(tmp_path / name), 1,
                                    file_type=pyedflib.FILETYPE_EDFPLUS)
        writer.setSignalHeaders([{"label": "C3", "dimension": "uV", "sample_frequency": 128,
                                  "physical_max": 100, "physical_min": -100,
                                  "digital_max": 32767, "digital_min": -32768}])
        writer.writeSamples([np.zeros(10 * 128)])
        writer.close()
    data = bytearray((tmp_path / "utf8.edf").read_bytes())
    patient = "홍길동 M 01-JAN-1980".encode()
    data[8:88] = patient + b" " * (80 - len(patient))
    (tmp_path / "utf8.edf").write_bytes(bytes(data))
    with pytest.raises(OSError):
        pyedflib.EdfReader(str(tmp_path / "utf8.edf"))
    (tmp_path / "r.json").write_text('{"events": []}')
    path = write_manifest(tmp_path, ["c1,p1,ok.edf,r.json", "c2,p2,utf8.edf,r.json"],
                          header="case_id,patient_id,input,reference")
    Manifest.from_csv(path, reference_kind="file").validate()  # not read: no problem
    with pytest.raises(ManifestError) as info:
        Manifest.from_csv(path, reference_kind="file").validate(read_files=True)
    (problem,) = info.value.problems
    assert problem.startswith("case c2: input 'utf8.edf': unreadable: EDF file ")
    assert "rejected by the EDF reader" in problem


_READS: list[str] | None = None  # the files opened for reading while a test collects them


def _count_reads(event: str, args: tuple) -> None:  # type: ignore[type-arg]
    # sys.audit's "open" event: (path, mode, flags); mode is None for os.open, which
    # read_ahead uses only to hint the kernel (nothing is read into Python)
    if _READS is not None and event == "open" and args[1] is not None:
        _READS.append(os.fspath(args[0]))


def test_the_check_of_an_evaluation_reads_a_wfdb_header_once(shared_data, tmp_path):
    # b136933 read each case's WFDB header input for its frame rate on every check, the
    # one each evaluation makes too (read_files=False), where no reference is read at
    # that rate: the header of each of 100,000 ECG records read twice (10 us a record),
    # once for the signal files it names and once more for nothing. Counted with
    # Python's audit events (every open of a file for reading into Python).
    import sys

    global _READS
    (tmp_path / "records").mkdir()
    (tmp_path / "refs").mkdir()
    for ext in ("hea", "dat"):
        shutil.copy(shared_data / "ecg" / "mitdb" / f"100.{ext}", tmp_path / "records")
    shutil.copy(shared_data / "ecg" / "mitdb" / "100.atr", tmp_path / "refs")
    path = write_manifest(tmp_path, ["r100,p100,records/100.hea,records/100.dat,refs/100.atr"],
                          header="case_id,patient_id,input_header,input_signal,reference")
    manifest = Manifest.from_csv(path, reference_kind="annotations")
    sys.addaudithook(_count_reads)
    header = str(tmp_path / "records" / "100.hea")
    _READS = []
    try:
        manifest.validate()
        plain = _READS.count(header)
        _READS = []
        manifest.validate(read_files=True)  # the reference read at the header's rate
        read = _READS.count(header)
    finally:
        _READS = None
    assert plain == 1 and read > plain


def test_a_discontinuous_edf_input_is_named_with_its_remedy(tmp_path):
    # 7e7e392's docstring said pyedflib reads a discontinuous EDF+D recording; it refuses
    # it ('The file is discontinuous and cannot be read', pyedflib below), and the check
    # then advised 'check it is a valid EDF/EDF+/BDF file and not truncated', which an
    # EDF+D file is. It now says what to do: export one continuous recording.
    import numpy as np
    import pyedflib

    writer = pyedflib.EdfWriter(str(tmp_path / "d.edf"), 1, file_type=pyedflib.FILETYPE_EDFPLUS)
    writer.setSignalHeaders([{"label": "C3", "dimension": "uV", "sample_frequency": 128,
                              "physical_max": 100, "physical_min": -100,
                              "digital_max": 32767, "digital_min": -32768}])
    writer.writeSamples([np.zeros(10 * 128)])
    writer.close()
    data = bytearray((tmp_path / "d.edf").read_bytes())
    assert data[192:197] == b"EDF+C"  # the header's reserved field (EDF+ spec)
    data[192:197] = b"EDF+D"
    (tmp_path / "d.edf").write_bytes(bytes(data))
    with pytest.raises(OSError, match="discontinuous"):
        pyedflib.EdfReader(str(tmp_path / "d.edf"))
    (tmp_path / "r.json").write_text('{"events": []}')
    path = write_manifest(tmp_path, ["c1,p1,d.edf,r.json"],
                          header="case_id,patient_id,input,reference")
    with pytest.raises(ManifestError) as info:
        Manifest.from_csv(path, reference_kind="file").validate(read_files=True)
    (problem,) = info.value.problems
    assert problem.startswith("case c1: input 'd.edf': unreadable: EDF file ")
    assert "discontinuous" in problem
    assert problem.endswith("export the recording as one continuous file (EDF+C, BDF+C)")


def test_a_blank_row_excel_left_is_one_problem(tmp_path):
    # ',,,,,' at the end of a sheet (cells cleared, not deleted) was four problems: an
    # empty case_id, then 'case ?' with no patient, no input and no reference
    (tmp_path / "a.txt").write_text("x")
    path = write_manifest(tmp_path, ["c1,p1,a.txt,1,s,test", ",,,,,", ",,,,, "])
    with pytest.raises(ManifestError) as caught:
        Manifest.from_csv(path, reference_kind="label").validate()
    assert list(caught.value.problems) == [
        f"line {n}: every field is blank (a row Excel writes where cells were cleared, not "
        "deleted: delete the row)" for n in (3, 4)]


def test_read_files_finds_a_wfdb_signal_file_cut_short(shared_data, tmp_path):
    # a .dat cut short by a copy passed the check (a WFDB input was not looked at), and
    # the algorithm run on the record then failed on the set's fault. MIT-BIH 100: 650000
    # frames of 2 signals in format 212 (3 bytes per 2 samples): 650000 * 2 * 1.5 =
    # 1950000 bytes needed; the copy keeps 1000000.
    (tmp_path / "records").mkdir()
    (tmp_path / "refs").mkdir()
    shutil.copy(shared_data / "ecg" / "mitdb" / "100.hea", tmp_path / "records")
    data = (shared_data / "ecg" / "mitdb" / "100.dat").read_bytes()
    (tmp_path / "records" / "100.dat").write_bytes(data[:1_000_000])
    shutil.copy(shared_data / "ecg" / "mitdb" / "100.atr", tmp_path / "refs")
    path = write_manifest(tmp_path, ["r100,p100,records/100.hea,records/100.dat,refs/100.atr"],
                          header="case_id,patient_id,input_header,input_signal,reference")
    manifest = Manifest.from_csv(path, reference_kind="annotations")
    manifest.validate()  # without reading files, nothing is found
    with pytest.raises(ManifestError) as caught:
        manifest.validate(read_files=True)
    (problem,) = caught.value.problems
    assert problem.startswith("case r100: input 'records/100.hea': unreadable: WFDB signal "
                              "file")
    assert ("1000000 bytes, but header 100.hea states 650000 frames of the signals in it, "
            "which need 1950000 bytes") in problem
    (tmp_path / "records" / "100.dat").write_bytes(data)
    manifest.validate(read_files=True)


def test_column_names_written_with_spaces_or_capitals_are_named(tmp_path):
    # a CSV typed with ', ' between its fields, or headed Case_ID: every required column
    # was 'missing' beside a list that shows it, with nothing to say why
    (tmp_path / "a.txt").write_text("x")
    path = tmp_path / "manifest.csv"
    path.write_text("Case_ID, patient_id,input_Header,reference\nc1,p1,a.txt,1\n")
    # (input_* is any name after 'input_': input_Header is an input, not named)
    with pytest.raises(ManifestError) as caught:
        Manifest.from_csv(path, reference_kind="label")
    assert str(caught.value).endswith(
        "(written otherwise: 'Case_ID' for 'case_id', ' patient_id' for 'patient_id'; column "
        "names are read exactly, in lower case without spaces: rename them)")


def test_a_zip_archive_given_as_the_manifest_says_to_extract_it(tmp_path):
    # the set as delivered: pandas read a ZIP of one CSV as that CSV and refused one of
    # several files with 'Multiple files found in ZIP file. Only one file per ZIP'
    import zipfile

    for names in (["manifest.csv"], ["manifest.csv", "frames/c1.png"]):
        path = tmp_path / "set.zip"
        with zipfile.ZipFile(path, "w") as archive:
            for name in names:
                archive.writestr(name, "case_id,patient_id,input,reference\nc1,p1,a.txt,1\n")
        with pytest.raises(ManifestError, match=re.escape(
                f"manifest {path}: is a ZIP archive, not CSV text: extract it and give the "
                "manifest CSV inside (a ZIP made on Korean Windows keeps its Hangul names "
                "with 'python3 -m zipfile --metadata-encoding cp949 -e ZIP FOLDER'")):
            Manifest.from_csv(path, reference_kind="label")


def test_read_files_checks_a_multi_segment_record_through_its_segments(tmp_path):
    # a multi-segment header names segments, not signal files: 72857a5 read its
    # samps_per_frame and stopped the check with an AttributeError. Two 300-s segments
    # (wfdb.wrsamp, format 16: 76800 samples x 2 bytes = 153600 bytes each).
    import numpy as np
    import wfdb

    for k in (1, 2):
        wfdb.wrsamp(f"w1_{k}", fs=256, units=["uV"], sig_name=["C3"],
                    p_signal=np.full((300 * 256, 1), float(k)), fmt=["16"],
                    write_dir=str(tmp_path))
    (tmp_path / "w1.hea").write_text("w1/2 1 256 153600\nw1_1 76800\nw1_2 76800\n")
    (tmp_path / "w1.json").write_text('{"events": []}')
    path = write_manifest(tmp_path, ["w1,p1,w1_1.hea,w1_1.dat,w1_2.hea,w1_2.dat,w1.hea,w1.json"],
                          header="case_id,patient_id,input_seg1,input_dat1,input_seg2,"
                          "input_dat2,input_header,reference")
    manifest = Manifest.from_csv(path)
    manifest.validate(read_files=True)
    assert (tmp_path / "w1_2.dat").stat().st_size == 153600
    (tmp_path / "w1_2.dat").write_bytes((tmp_path / "w1_2.dat").read_bytes()[:1000])
    with pytest.raises(ManifestError) as caught:
        manifest.validate(read_files=True)
    (problem,) = caught.value.problems
    assert problem.startswith("case w1: input 'w1_2.hea': unreadable: WFDB signal file")
    assert ("1000 bytes, but header w1_2.hea states 76800 frames of the signals in it, "
            "which need 153600 bytes") in problem


def test_ids_written_as_excels_text_formula_are_problems(tmp_path):
    # ="00123" (an export keeping the zeros for Excel) was taken as the case id itself:
    # its prediction '="00123".json' never found, every case missing-output
    (tmp_path / "a.txt").write_text("x")
    path = write_manifest(tmp_path, ['"=""00123""",="00007",a.txt,1,s,test'])
    with pytest.raises(ManifestError) as caught:
        Manifest.from_csv(path, reference_kind="label").validate()
    assert list(caught.value.problems) == [
        f"line 2: {name} '=\"{value}\"' is Excel's text formula (an export's way to keep "
        f"leading zeros), not an id: write the id itself, '{value}'"
        for name, value in (("case_id", "00123"), ("patient_id", "00007"))]


def test_a_folder_as_an_annotation_reference_is_not_called_a_dicom_series(shared_data,
                                                                          tmp_path):
    # A user named the folder holding MIT-BIH 100.atr (wfdb.rdann reads it there) as the
    # ECG reference: refused as it should be, but 'format found: dicom-series' of a
    # folder holding no DICOM file. It now says a folder, and to name the file in it.
    import wfdb

    (tmp_path / "records").mkdir()
    (tmp_path / "refs").mkdir()
    for ext in ("hea", "dat"):
        shutil.copy(shared_data / "ecg" / "mitdb" / f"100.{ext}", tmp_path / "records")
    shutil.copy(shared_data / "ecg" / "mitdb" / "100.atr", tmp_path / "refs")
    assert len(wfdb.rdann(str(tmp_path / "refs" / "100"), "atr").sample) == 2274
    path = write_manifest(tmp_path, ["r100,p100,records/100.hea,records/100.dat,refs"],
                          header="case_id,patient_id,input_header,input_signal,reference")
    with pytest.raises(ManifestError) as info:
        Manifest.from_csv(path, reference_kind="annotations").validate()
    (problem,) = info.value.problems
    assert problem.endswith("reference 'refs': is not a reference of kind 'annotations' as "
                            "this task needs (format found: a folder; give the path of the "
                            "file in it)"), problem


def test_lines_are_counted_across_blank_lines(tmp_path):
    # Two sheets pasted into one manifest leave a blank line between them (and a line of
    # spaces), which pandas skips: the blank row below was named on line 4, the line
    # above it. The file: 1 header, 2 'c1', 3 empty, 4 spaces, 5 'c2', 6 ',,,,,'
    # (counted by hand).
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "b.txt").write_text("y")
    path = write_manifest(tmp_path, ["c1,p1,a.txt,1,s,test", "", "   ",
                                     "c2,p2,b.txt,1,s,test", ",,,,,"])
    manifest = Manifest.from_csv(path, reference_kind="label")
    assert [case.line for case in manifest.cases] == [2, 5, 6]
    with pytest.raises(ManifestError) as caught:
        manifest.validate()
    assert list(caught.value.problems) == [
        "line 6: every field is blank (a row Excel writes where cells were cleared, not "
        "deleted: delete the row)"]


@pytest.mark.parametrize("kind", ["long_field", "gzip"])
def test_a_manifest_pandas_reads_is_read_whatever_its_lines(tmp_path, kind):
    # data_lines (the line of each row, for messages) split the file again with the csv
    # module, which refuses a field past 131072 characters and cannot read a .csv.gz
    # that pandas decompresses: both manifests were read before and raised a bare
    # csv.Error / UnicodeDecodeError after. The lines are then the rows' index + 2.
    import gzip

    text = ("case_id,patient_id,input,reference,note\n"
            f'c1,p1,a.txt,1,"{"x" * 140_000}"\nc2,p2,a.txt,0,short\n\n')  # a blank line last
    if kind == "gzip":
        path = tmp_path / "manifest.csv.gz"
        path.write_bytes(gzip.compress(text.encode("utf-8")))
    else:
        path = tmp_path / "manifest.csv"
        path.write_text(text, encoding="utf-8")
    manifest = Manifest.from_csv(path, reference_kind="label")
    assert [case.case_id for case in manifest.cases] == ["c1", "c2"]
    assert [case.line for case in manifest.cases] == [2, 3]  # header 1, then one a line
    assert len(manifest.cases[0].metadata["note"]) == 140_000


def test_frames_without_their_patient_are_named_with_what_to_write(tmp_path):
    # two frames of a set left without a patient id: the problem said "empty patient_id"
    # and nothing of what to write there; it now points to one explanation, given once
    # for both, naming them
    for c in ("f1", "f2", "f3"):
        (tmp_path / f"{c}.png").write_text(c)
    path = write_manifest(tmp_path, ["f1,p1,f1.png,1,s,test", "f2,,f2.png,0,s,test",
                                     "f3, ,f3.png,0,s,test"])
    with pytest.raises(ManifestError) as caught:
        Manifest.from_csv(path, reference_kind="label").validate()
    assert list(caught.value.problems) == [
        f"case {c}: empty patient_id (see 'empty patient_id' below)" for c in ("f2", "f3")]
    explanation = str(caught.value).split("\n")[-1]
    assert explanation.startswith("'empty patient_id', 2 of the problems above")
    assert "the same for every frame" in explanation and "an id of its own" in explanation


@pytest.mark.parametrize("mode, name", [("w", "set.tar"), ("w:gz", "set.tar.gz")])
def test_a_tar_archive_is_refused_as_a_zip_is(tmp_path, mode, name):
    # A manifest packed by the standard library's tarfile: pandas reads the one CSV
    # inside (shown here), so the manifest was read under the archive's name (its lines
    # and hash not the CSV's) while a .zip was refused. Now refused as the .zip is.
    import tarfile

    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    inside = tmp_path / "manifest.csv"
    inside.write_text("case_id,patient_id,input,reference\nc1,p1,a.txt,1\n", encoding="utf-8")
    path = tmp_path / name
    with tarfile.open(path, mode) as packed:
        packed.add(inside, "manifest.csv")
    import pandas as pd

    assert list(pd.read_csv(path)["case_id"]) == ["c1"]
    with pytest.raises(ManifestError, match=re.escape(
            f"manifest {path}: is a TAR archive, not CSV text: extract it and give the "
            "manifest CSV inside")):
        Manifest.from_csv(path, reference_kind="label")
