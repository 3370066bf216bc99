"""manifest check --protocol --read-files lists every problem of a set in one run: the
task's own checks of the references (labels outside the protocol's categories, crossed
files, an annotation's image size against its frame) of every case whose files were
read, beside the problems of the files themselves. Found by an exploratory tester: one
bad shape in one LabelMe file hid six problems of other files, which came only once it
was fixed; one undecodable frame hid every crossed COCO reference."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from medeval.cli import main
from medeval.errors import ManifestError
from medeval.manifest import Manifest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HEIGHT, WIDTH = 60, 80


def _protocol(root: Path) -> Path:
    """The polyp-detection example's protocol with two categories."""
    text = (EXAMPLES / "polyp-detection" / "protocol.toml").read_text(encoding="utf-8")
    path = root / "protocol.toml"
    path.write_text(text.replace('categories = ["polyp"]',
                                 'categories = ["adenoma", "hyperplastic"]'))
    return path


def _frame(path: Path, shade: int, *, cut: bool = False) -> None:
    """A PNG frame by PIL; ``cut``: its second half dropped (Pillow cannot decode it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (WIDTH, HEIGHT), (shade, 40, 90)).save(path)
    if cut:
        data = path.read_bytes()
        path.write_bytes(data[:len(data) // 2])


def _problem_cases(err: str) -> list[str]:
    """The case each problem line of the check's message names, in the order listed."""
    return [line.split(":")[0].removeprefix("  case ") for line in err.splitlines()
            if line.startswith("  case ")]


def test_one_bad_shape_hides_no_problem_of_other_labelme_files(tmp_path, capsys):
    # case: (label, points, shape_type, the frame its imagePath names, imageHeight)
    cases = {
        "c1": ("adenoma", [[10, 10], [30, 30]], "polygon", "c1", HEIGHT),  # 2-point polygon
        "c2": ("polip", [[5, 5], [20, 20]], "rectangle", "c2", HEIGHT),  # not a category
        "c3": ("adenomaa", [[5, 5], [20, 20]], "rectangle", "c3", HEIGHT),  # not a category
        "c4": ("adenoma", [[5, 5], [20, 20]], "rectangle", "c5", HEIGHT),  # drawn on c5's
        "c5": ("adenoma", [[5, 5], [20, 20]], "rectangle", "c4", HEIGHT),  # drawn on c4's
        "c6": ("hyperplastic", [[5, 5], [20, 20]], "rectangle", "c6", 50),  # 50, frame 60
        "c7": ("polip", [[5, 5], [20, 20]], "rectangle", "c7", HEIGHT),  # frame cut short
        "c8": ("adenoma", [[5, 5], [20, 20]], "rectangle", "c8", HEIGHT),  # nothing wrong
    }
    rows = ["case_id,patient_id,input,reference"]
    for k, (case, (label, points, kind, drawn_on, height)) in enumerate(cases.items()):
        _frame(tmp_path / "frames" / f"{case}.png", 20 * k, cut=case == "c7")
        (tmp_path / "labels").mkdir(exist_ok=True)
        (tmp_path / "labels" / f"{case}.json").write_text(json.dumps({  # as LabelMe writes
            "version": "5.4.1", "flags": {}, "shapes": [
                {"label": label, "points": points, "group_id": None, "description": "",
                 "shape_type": kind, "flags": {}, "mask": None}],
            "imagePath": f"../frames/{drawn_on}.png", "imageData": None,
            "imageHeight": height, "imageWidth": WIDTH}, indent=2))
        rows.append(f"{case},p{k // 2},frames/{case}.png,labels/{case}.json")
    (tmp_path / "manifest.csv").write_text("\n".join(rows) + "\n")
    protocol = _protocol(tmp_path)

    assert main(["manifest", "check", str(tmp_path / "manifest.csv"), "--protocol",
                 str(protocol), "--read-files"]) == 2
    err = capsys.readouterr().err
    # 7 problems, worked out above: the files' own first (c7's frame in the case loop,
    # then c1's file, as the annotation files are looked up after it), then the task's
    # by case: c2, c3 (labels), c4, c5 (crossed), c6 (50 x 80 on a 60 x 80 frame). c7's
    # label 'polip' is not listed: its frame could not be read, so its case is left out
    assert "7 problem(s)" in err
    assert _problem_cases(err) == ["c7", "c1", "c2", "c3", "c4", "c5", "c6"]
    for case in ("c2", "c3"):
        label = json.loads((tmp_path / "labels" / f"{case}.json").read_text())["shapes"][0]
        assert f"label {label['label']!r} is not among the set's categories" in err
    assert "labels/c4.json was drawn on 'frames/c5.png'" in err
    assert "labels/c5.json was drawn on 'frames/c4.png'" in err
    assert "gives its image 50 x 80 pixels (height x width) but the frame frames/c6.png " \
        "is 60 x 80" in err
    # the cases the task's checks leave out: those whose own files the check refused
    manifest = Manifest.from_csv(tmp_path / "manifest.csv", reference_kind="annotations-2d")
    with pytest.raises(ManifestError) as info:
        manifest.validate(read_files=True)
    assert info.value.cases == {"c1", "c7"}


def _coco_set(root: Path, inputs: list[str] | None = None) -> Path:
    """Frames f0 (cut short) to f3 by PIL, a COCO file of their 4 images, and a manifest
    whose rows of f1 and f2 are crossed (each selects the other's image); ``inputs``: the
    input cells as written (default the frames' paths). Returns the protocol."""
    names = [f"frames/f{k}.png" for k in range(4)]
    for k, name in enumerate(names):
        _frame(root / name, 50 * k, cut=k == 0)
    (root / "labels").mkdir()
    (root / "labels" / "set.json").write_text(json.dumps({
        "images": [{"id": k + 1, "file_name": name, "height": HEIGHT, "width": WIDTH}
                   for k, name in enumerate(names)],
        "annotations": [{"id": k + 1, "image_id": k + 1, "category_id": 1,
                         "bbox": [5, 5, 10, 10], "area": 100, "iscrowd": 0}
                        for k in range(4)],
        "categories": [{"id": 1, "name": "adenoma"}, {"id": 2, "name": "hyperplastic"}]}))
    selected = [names[0], names[2], names[1], names[3]]
    (root / "manifest.csv").write_text("case_id,patient_id,input,reference\n" + "".join(
        f"c{k},p{k},{cell},labels/set.json#{chosen}\n"
        for k, (cell, chosen) in enumerate(zip(inputs or names, selected))))
    return _protocol(root)


def test_one_undecodable_frame_hides_no_crossed_coco_reference(tmp_path, capsys):
    protocol = _coco_set(tmp_path)
    assert main(["manifest", "check", str(tmp_path / "manifest.csv"), "--protocol",
                 str(protocol), "--read-files"]) == 2
    err = capsys.readouterr().err
    # 3 problems: c0's frame, then c1 and c2 crossed (was c0's alone)
    assert "3 problem(s)" in err
    assert _problem_cases(err) == ["c0", "c1", "c2"]
    assert "case c1: its frame 'frames/f1.png' has the file name of image 'frames/f1.png'" \
        in err


def test_an_input_outside_the_data_root_does_not_end_the_list(tmp_path, capsys):
    """--read-files notes the folder inputs it left unread; looking for them, an input
    leaving the data root raised its own error in place of the list of problems."""
    root = tmp_path / "set"
    root.mkdir()
    _frame(tmp_path / "f3.png", 150)  # beside the root, not in it
    protocol = _coco_set(root, ["frames/f0.png", "frames/f1.png", "frames/f2.png",
                                "../f3.png"])
    assert main(["manifest", "check", str(root / "manifest.csv"), "--protocol",
                 str(protocol), "--read-files"]) == 2
    err = capsys.readouterr().err
    # 4 problems: c0's frame and c3's input in the case loop, then c1 and c2 crossed
    assert "4 problem(s)" in err
    assert _problem_cases(err) == ["c0", "c3", "c1", "c2"]
    assert f"case c3: input '../f3.png': leaves the data root {root}" in err


def test_the_warnings_are_given_with_the_problems(tmp_path, capsys):
    """The warnings (ids differing in letter case, one image copied into another case)
    were dropped while the set had a problem: the tester met them only once it was fixed.
    """
    frames = {"c0": "f0", "c1": "f1", "c2": "f2", "c3": "f3", "c4": "f3copy", "c5": "f5",
              "c6": "f5"}
    patients = {"c0": "p0", "c1": "p1", "c2": "P1", "c3": "p3", "c4": "p4", "c5": "p5",
                "c6": "p6"}
    (tmp_path / "labels").mkdir()
    rows = ["case_id,patient_id,input,reference"]
    for k, (case, frame) in enumerate(frames.items()):
        if not (tmp_path / "frames" / f"{frame}.png").exists():
            _frame(tmp_path / "frames" / f"{frame}.png", 30 * k, cut=case == "c0")
        (tmp_path / "labels" / f"{case}.json").write_text(json.dumps({
            "version": "5.4.1", "flags": {}, "shapes": [
                {"label": "adenoma", "points": [[5, 5], [20, 20]], "group_id": None,
                 "description": "", "shape_type": "rectangle", "flags": {}, "mask": None}],
            "imagePath": f"../frames/{frame}.png", "imageData": None,
            "imageHeight": HEIGHT, "imageWidth": WIDTH}))
        rows.append(f"{case},{patients[case]},frames/{frame}.png,labels/{case}.json")
    copy = tmp_path / "frames" / "f3copy.png"
    copy.write_bytes((tmp_path / "frames" / "f3.png").read_bytes())
    (tmp_path / "manifest.csv").write_text("\n".join(rows) + "\n")
    protocol = _protocol(tmp_path)

    assert main(["manifest", "check", str(tmp_path / "manifest.csv"), "--protocol",
                 str(protocol), "--read-files"]) == 2
    err = capsys.readouterr().err
    # 2 problems: c0's frame cut short; f5.png named by c5 and c6
    assert "2 problem(s)" in err
    assert "case(s) c5, c6: input 'frames/f5.png' is shared by 2 cases" in err
    warnings = [line for line in err.splitlines() if line.startswith("medeval: warning: ")]
    # 2 warnings: p1 and P1; f3copy.png holds f3.png's bytes (written so above). The file
    # c5 and c6 share is a problem, not also a copy
    assert len(warnings) == 2
    assert "patient ids that differ only in letter case: 'P1' and 'p1'" in warnings[0]
    assert warnings[1].startswith("medeval: warning: inputs of different cases hold the "
                                  "same bytes: 'frames/f3.png' (c3), 'frames/f3copy.png' "
                                  "(c4); ")
    assert "f5.png" not in warnings[1]


def test_a_label_outside_the_categories_hides_no_other_frame_size(tmp_path, capsys):
    """One LabelMe file with a label outside the protocol's categories and drawn on a
    frame of another size: the size was told only once the label was fixed."""
    _frame(tmp_path / "frames" / "c1.png", 10)
    (tmp_path / "labels").mkdir()
    (tmp_path / "labels" / "c1.json").write_text(json.dumps({
        "version": "5.4.1", "flags": {}, "shapes": [
            {"label": "polip", "points": [[5, 5], [20, 20]], "group_id": None,
             "description": "", "shape_type": "rectangle", "flags": {}, "mask": None}],
        "imagePath": "../frames/c1.png", "imageData": None, "imageHeight": 50,
        "imageWidth": WIDTH}))
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input,reference\nc1,p1,frames/c1.png,labels/c1.json\n")
    protocol = _protocol(tmp_path)
    assert main(["manifest", "check", str(tmp_path / "manifest.csv"), "--protocol",
                 str(protocol), "--read-files"]) == 2
    err = capsys.readouterr().err
    assert "shape 0 ('polip', rectangle): label 'polip' is not among the set's " \
        "categories ['adenoma', 'hyperplastic']" in err
    # the frame written by PIL is 60 x 80, the file says 50 x 80
    assert "also case c1: reference labels/c1.json gives its image 50 x 80 pixels " \
        "(height x width) but the frame frames/c1.png is 60 x 80" in err
