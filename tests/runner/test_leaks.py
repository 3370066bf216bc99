"""No answer reaches the algorithm: inputs that hold references are refused before
anything runs (every case named), and a reference beside an input stays invisible.

Real manifests and files in temporary folders, the real sandbox, real subprocesses.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import pytest

from medeval.cli import main
from medeval.errors import ManifestError, RunnerError
from medeval.manifest import Case, Manifest
from medeval.runner import run_algorithm
from medeval.runner._preflight import input_leaks, sandbox_exposure
from medeval.runner.run import read_manifest
from medeval.runner.sandbox import python_binds

from .conftest import SECRET, needs_bwrap, write_algorithm

CONSTANT = "class A:\n    def predict(self, case):\n        return 1.0\n"


def _wfdb_set(root: Path) -> Path:
    """The issue's set: record 100 given as its folder, whose ``100.atr`` is the answer;
    a case given the manifest's own folder; two sound cases."""
    data = root / "data"
    data.mkdir(parents=True)
    for name, body in (("100.hea", "100 1 360 650000\n100.dat 212 200 11 1024 995 0 MLII\n"),
                       ("100.dat", "signal"), ("100.atr", SECRET)):
        (data / name).write_text(body)
    (root / "ok").mkdir()
    for n in (1, 2):
        (root / "ok" / f"s{n}.txt").write_text(f"{n}\n")
        (root / "ok" / f"s{n}.ref").write_text(f"{SECRET} {n}\n")
    manifest = root / "manifest.csv"
    manifest.write_text(
        "case_id,patient_id,input,reference\n"
        "r100,p1,data,data/100.atr\n"
        "s1,p2,ok/s1.txt,ok/s1.ref\n"
        "whole,p3,.,ok/s2.ref\n"
        "s2,p4,ok/s2.txt,ok/s2.ref\n")
    return manifest


@pytest.mark.parametrize("mode", ["pre-check", "certificate"])
def test_input_folder_holding_a_reference_is_refused_naming_every_case(tmp_path: Path,
                                                                       mode: str):
    manifest = _wfdb_set(tmp_path)
    folder = tmp_path.parent / f"{tmp_path.name}-algo"
    folder.mkdir()
    plugin = write_algorithm(folder, CONSTANT)
    with pytest.raises(ManifestError) as info, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # IsolationWarning: no sandbox asked for (pre-check)
        run_algorithm(manifest, f"{plugin}:A", tmp_path / "run", mode=mode, progress=False,
                      isolation="auto" if mode == "certificate" else "none")
    message = str(info.value)
    assert "case r100: input 'data'" in message and "'data/100.atr' of case r100" in message
    assert "case whole: input '.'" in message and "the manifest" in message
    assert "contains the reference 'data/100.atr' of case r100" in message
    assert "case s1:" not in message and "case s2:" not in message
    assert {p.split(":")[0] for p in info.value.problems} == {"case r100", "case whole"}
    assert not (tmp_path / "run").exists()  # refused before anything ran or was written


def test_predict_cli_refuses_the_leaking_set_with_exit_2(tmp_path: Path, capsys):
    manifest = _wfdb_set(tmp_path)
    code = main(["predict", "--command", "/bin/true", "--manifest", str(manifest), "--out",
                 str(tmp_path / "run"), "--isolation", "none", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2 and "case r100" in err and "case whole" in err
    assert not (tmp_path / "run").exists()


def test_links_dot_dot_and_run_dir_are_resolved_before_comparing(tmp_path: Path):
    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "a.ref").write_text(SECRET)
    (tmp_path / "refs" / "series").mkdir()
    (tmp_path / "refs" / "series" / "1.dcm").write_text(SECRET)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "x.txt").write_text("1")
    os.symlink(tmp_path / "refs" / "a.ref", tmp_path / "in" / "link.txt")  # a link to it
    os.link(tmp_path / "refs" / "a.ref", tmp_path / "in" / "hard.txt")  # the same file
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "scan.txt").write_text("2")
    os.symlink(tmp_path / "refs", tmp_path / "folder" / "peek")  # a link inside a folder
    (tmp_path / "runfolder").mkdir()
    (tmp_path / "runfolder" / "scan.txt").write_text("3")
    cases = [
        Case("c-link", "p1", ("in/link.txt",), "refs/a.ref"),
        Case("c-hard", "p2", ("in/hard.txt",), "refs/series"),
        Case("c-dots", "p3", ("in/../refs/a.ref",), "refs/a.ref"),
        Case("c-inside", "p4", ("refs/series/1.dcm",), "refs/series"),
        Case("c-folder", "p5", ("folder",), "refs/a.ref"),
        Case("c-run", "p6", ("runfolder",), "refs/a.ref"),
        Case("c-fine", "p7", ("in/x.txt",), "refs/a.ref"),
    ]
    manifest = Manifest(cases, root=tmp_path)
    problems = input_leaks(manifest, run_dir=tmp_path / "runfolder" / "run")
    by_case: dict[str, list[str]] = {}
    for line in problems:
        by_case.setdefault(line.split(":")[0].removeprefix("case "), []).append(line)
    assert sorted(by_case) == ["c-dots", "c-folder", "c-hard", "c-inside", "c-link", "c-run"]
    assert any("is the reference 'refs/a.ref' of case" in p for p in by_case["c-link"])
    assert any("hard link" in p and "refs/a.ref" in p for p in by_case["c-hard"])
    assert any("is the reference 'refs/a.ref'" in p for p in by_case["c-dots"])
    assert any("lies inside the reference 'refs/series'" in p for p in by_case["c-inside"])
    assert any("link" in p and "peek" in p and "contains the reference" in p
               for p in by_case["c-folder"])
    assert any("contains the run directory" in p for p in by_case["c-run"])


def test_a_reference_in_a_folder_the_sandbox_shows_is_refused_wherever_it_lies():
    # /usr is shown to every algorithm: a "reference" there would be readable.
    licence = next(p for p in Path("/usr/share/common-licenses").iterdir() if p.is_file())
    manifest = Manifest([Case("c-usr", "p1", ("x",), licence.name)],
                        root=licence.parent)
    problems = sandbox_exposure(manifest, python_binds())
    assert any(p.startswith("case c-usr: the sandbox would expose the reference") and
               "a system folder" in p for p in problems)
    # medeval's own demo answers lie in the Python environment but are covered: not listed
    demo = Path(__file__).resolve().parents[2] / "src" / "medeval" / "demo"
    shipped = Manifest([Case("c-demo", "p1", ("x",), "references.csv")], root=demo)
    assert not [p for p in sandbox_exposure(shipped, python_binds()) if "c-demo" in p]


@needs_bwrap
def test_plugin_beside_the_references_is_refused_naming_the_cases(tmp_path: Path):
    manifest = _wfdb_set(tmp_path)
    manifest.write_text("case_id,patient_id,input,reference\ns1,p2,ok/s1.txt,ok/s1.ref\n"
                        "s2,p4,ok/s2.txt,ok/s2.ref\n")
    plugin = tmp_path / "ok" / "algo.py"
    plugin.write_text(CONSTANT)
    with pytest.raises(RunnerError, match="would expose") as info:
        run_algorithm(manifest, f"{plugin}:A", tmp_path / "run", progress=False)
    assert "case s1:" in str(info.value) and "case s2:" in str(info.value)
    assert "the algorithm's own folder" in str(info.value)


PEEK = '''
import os


class Peek:
    def predict(self, case):
        found = []
        guesses = [{reference!r}, "/input/100.atr", "100.atr", "../100.atr",
                   "/input/../100.atr", os.path.join(os.path.dirname(case.input_path),
                                                     "100.atr"),
                   os.path.join(os.path.dirname(os.path.realpath(case.input_path)),
                                "100.atr")]
        with open("/proc/self/mountinfo") as handle:
            for line in handle:
                mounted = line.split()[3]
                guesses.append(os.path.join(mounted, "100.atr"))
                guesses.append(os.path.join(os.path.dirname(mounted), "rec", "100.atr"))
        for guess in guesses:
            try:
                with open(guess) as handle:
                    found.append([guess, handle.read(200)])
            except OSError:
                pass
        walked = []  # any 100.atr at all (medeval's demo ships one, covered by /dev/null)
        for folder, dirs, files in os.walk("/"):
            dirs[:] = [d for d in dirs if os.path.join(folder, d) not in ("/proc", "/sys")]
            for name in files:
                if name == "100.atr":
                    try:
                        with open(os.path.join(folder, name), errors="replace") as handle:
                            walked.append(handle.read(200))
                    except OSError:
                        pass
        return {{"score": float(len(found)), "found": found, "walked": walked,
                "listing": sorted(os.listdir("/input"))}}
'''


@needs_bwrap
def test_a_reference_beside_an_input_is_not_visible_in_the_sandbox(tmp_path: Path):
    rec = tmp_path / "set" / "rec"
    rec.mkdir(parents=True)
    (rec / "100.hea").write_text("100 1 360 650000\n100.dat 212 200 11 1024 995 0 MLII\n")
    (rec / "100.dat").write_text("signal")
    (rec / "100.atr").write_text(SECRET)  # beside the inputs, not inside an input folder
    manifest = tmp_path / "set" / "manifest.csv"
    manifest.write_text("case_id,patient_id,input_header,input_signal,reference\n"
                        "r100,p1,rec/100.hea,rec/100.dat,rec/100.atr\n")
    plugin = write_algorithm(tmp_path, PEEK.format(reference=str(rec / "100.atr")))
    summary = run_algorithm(manifest, f"{plugin}:Peek", tmp_path / "run", progress=False,
                            mode="certificate", timeout_s=30)
    assert summary.done == 1, summary.failures
    text = (tmp_path / "run" / "predictions" / "r100.json").read_text()
    found = json.loads(text)
    assert found["found"] == [] and found["score"] == 0.0
    assert not any(SECRET in text for text in found["walked"])
    assert found["listing"] == ["100.dat", "100.hea"]
    assert SECRET not in text


def test_a_set_wide_annotation_file_is_protected_behind_its_selector(tmp_path: Path):
    # A 2-D set names its references "coco.json#frame.jpg": the file before the '#' is
    # the answer of every case, and an input folder holding it is refused.
    (tmp_path / "frames").mkdir()
    (tmp_path / "frames" / "a.jpg").write_bytes(b"x")
    (tmp_path / "frames" / "coco.json").write_text("{}")
    (tmp_path / "c.jpg").write_bytes(b"y")
    cases = [Case("a", "p1", ("frames",), "frames/coco.json#a.jpg"),
             Case("b", "p2", ("frames/coco.json",), "frames/coco.json#b.jpg"),
             Case("c", "p3", ("c.jpg",), "frames/coco.json#c.jpg")]
    manifest = Manifest(cases, root=tmp_path, reference_kind="annotations-2d")
    problems = input_leaks(manifest)
    # a: its folder holds the file; b: its input is the file itself; c is sound
    assert {p.split(":")[0] for p in problems} == {"case a", "case b"}, problems
    assert all("coco.json" in p for p in problems)


def _coco(images: list[str]) -> str:
    """A minimal COCO file with one box on each image (the answer an input must not see)."""
    return json.dumps({
        "images": [{"id": n, "file_name": name, "width": 8, "height": 8}
                   for n, name in enumerate(images, 1)],
        "annotations": [{"id": n, "image_id": n, "category_id": 1, "bbox": [1, 1, 3, 3],
                         "area": 9, "iscrowd": 0} for n in range(1, len(images) + 1)],
        "categories": [{"id": 1, "name": "polyp"}]})


def test_predict_cli_protects_a_2d_sets_annotation_file_behind_its_selector(
        tmp_path: Path, capsys):
    # `medeval predict MANIFEST.csv` tells the kind from the references: "file.json#image"
    # names no file of its own, and was read as a label, so an input folder holding the
    # annotation file was let through. Case a's input folder holds it; case b is sound.
    (tmp_path / "frames").mkdir()
    (tmp_path / "frames" / "a.jpg").write_bytes(b"x")
    (tmp_path / "b.jpg").write_bytes(b"y")
    (tmp_path / "frames" / "coco.json").write_text(_coco(["frames/a.jpg", "b.jpg"]))
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("case_id,patient_id,input,reference\n"
                        "a,p1,frames,frames/coco.json#frames/a.jpg\n"
                        "b,p2,b.jpg,frames/coco.json#b.jpg\n")
    code = main(["predict", "--command", "/bin/true", "--manifest", str(manifest), "--out",
                 str(tmp_path / "run"), "--isolation", "none", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2 and "case a: input 'frames'" in err and "coco.json" in err, err
    assert "case b:" not in err
    assert not (tmp_path / "run").exists()


def test_predict_cli_protects_folder_references(tmp_path: Path, capsys):
    # A reference may be a folder (a DICOM series, a folder of masks): it is a file
    # reference, not a label, and an input holding it is refused.
    for case in ("c1", "c2"):
        (tmp_path / "scans" / case).mkdir(parents=True)
        (tmp_path / "scans" / case / "image.txt").write_text("scan")
        (tmp_path / "scans" / case / "truth").mkdir()
        (tmp_path / "scans" / case / "truth" / "mask.txt").write_text(SECRET)
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("case_id,patient_id,input,reference\n"
                        "c1,p1,scans/c1,scans/c1/truth\n"
                        "c2,p2,scans/c2/image.txt,scans/c2/truth\n")
    code = main(["predict", "--command", "/bin/true", "--manifest", str(manifest), "--out",
                 str(tmp_path / "run"), "--isolation", "none", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2 and "case c1: input 'scans/c1'" in err and "scans/c1/truth" in err, err
    assert "case c2:" not in err


def test_a_2d_sets_run_records_the_fingerprint_the_manifest_command_prints(
        tmp_path: Path, capsys):
    # The run-start record of a 2-D set (references "coco.json#image") hashed
    # "coco.json#image" as a file and failed: `medeval run` on a coco-detection
    # protocol could not start. It now records what `medeval manifest fingerprint`
    # prints for the set, and `medeval predict` finds the same kind by itself.
    data = tmp_path / "set"
    (data / "frames").mkdir(parents=True)
    for name in ("a.jpg", "b.jpg"):
        (data / "frames" / name).write_bytes(name.encode())
    (data / "coco.json").write_text(_coco(["frames/a.jpg", "frames/b.jpg"]))
    manifest = data / "manifest.csv"
    manifest.write_text("case_id,patient_id,input,reference\n"
                        "a,p1,frames/a.jpg,coco.json#frames/a.jpg\n"
                        "b,p2,frames/b.jpg,coco.json#frames/b.jpg\n")
    folder = tmp_path / "algo"
    folder.mkdir()
    plugin = write_algorithm(folder, CONSTANT)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # IsolationWarning: no sandbox asked for (pre-check)
        run_algorithm(Manifest.from_csv(manifest, reference_kind="annotations-2d"),
                      f"{plugin}:A", tmp_path / "run", isolation="none", progress=False)
        assert main(["manifest", "fingerprint", str(manifest), "--no-progress"]) == 0
    printed = capsys.readouterr()
    start = json.loads((tmp_path / "run" / "run.jsonl").read_text().splitlines()[0])
    assert start["manifest"]["reference_kind"] == "annotations-2d"
    assert "'annotations-2d'" in printed.err
    assert printed.out == f'fingerprint = "{start["manifest"]["fingerprint"]}"\n'



def test_class_folders_named_as_labels_run_with_reference_kind_label(tmp_path: Path,
                                                                     capsys):
    # An image set laid out by class ("0/", "1/") whose labels are the folder names: told
    # from the references, "0" and "1" name folders and are taken as folder references,
    # so every input inside them is refused (safe: nothing leaks). --reference-kind label
    # says they are labels, and the run goes ahead.
    for label, case in (("0", "a"), ("1", "b")):
        (tmp_path / label).mkdir()
        (tmp_path / label / f"{case}.txt").write_text(case)
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("case_id,patient_id,input,reference\na,p1,0/a.txt,0\nb,p2,1/b.txt,1\n")
    folder = tmp_path.parent / f"{tmp_path.name}-algo"
    folder.mkdir()
    plugin = write_algorithm(folder, CONSTANT)
    argv = ["predict", "--algorithm", f"{plugin}:A", "--manifest", str(manifest),
            "--isolation", "none", "--no-progress"]
    code = main([*argv, "--out", str(tmp_path.parent / f"{tmp_path.name}-run1")])
    err = capsys.readouterr().err
    assert code == 2 and "case a: input '0/a.txt'" in err and "reference '0'" in err, err
    code = main([*argv, "--out", str(tmp_path.parent / f"{tmp_path.name}-run2"),
                 "--reference-kind", "label"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "done 2, failed 0" in captured.out


def test_a_2d_set_mixing_labelme_files_and_a_coco_selector_is_told_annotations_2d(
        tmp_path: Path, capsys):
    # docs/images.md's manifest convention mixes per-frame files ("labels/a.json") with
    # selectors into a set-wide COCO file ("coco.json#frames/b.jpg"). Told from the
    # references, the first file reference made the set "file", and every selector was
    # then "no such file": `manifest check` refused a sound set. Found in the
    # detection-pass.
    (tmp_path / "frames").mkdir()
    (tmp_path / "labels").mkdir()
    for name in ("a.jpg", "b.jpg"):
        (tmp_path / "frames" / name).write_bytes(name.encode())
    (tmp_path / "labels" / "a.json").write_text(json.dumps({
        "imagePath": "../frames/a.jpg", "imageHeight": 10, "imageWidth": 12,
        "shapes": [{"label": "polyp", "points": [[1, 1], [5, 5]],
                    "shape_type": "rectangle"}]}))
    (tmp_path / "coco.json").write_text(_coco(["frames/b.jpg", "frames/c.jpg"]))
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("case_id,patient_id,input,reference\n"
                        "a,p1,frames/a.jpg,labels/a.json\n"
                        "b,p2,frames/b.jpg,coco.json#frames/b.jpg\n")
    assert read_manifest(manifest).reference_kind == "annotations-2d"
    assert main(["manifest", "check", str(manifest)]) == 0, capsys.readouterr().err
