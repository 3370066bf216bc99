"""A detector's set-wide COCO results file split into per-case files
(``medeval.loaders.coco_results``, ``medeval predictions split-coco``).

The independent check: the files written from one set-wide results file, evaluated by
``medeval evaluate``, give the COCO figures pycocotools' ``COCOeval`` gives on that
set-wide file and the example's COCO ground truth (``examples/polyp-detection``)."""

from __future__ import annotations

import contextlib
import copy
import csv
import io
import json
import math
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from medeval.cli import main
from medeval.errors import LoaderError, MedevalError
from medeval.loaders.coco_results import read_coco_results, split_coco_results
from medeval.manifest import Case

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "polyp-detection"
NAMES = ["ap", "ap50", "ap75", "ap_small", "ap_medium", "ap_large",
         "ar1", "ar10", "ar100", "ar_small", "ar_medium", "ar_large"]


def cocoeval(ground_truth: dict, results: list[dict]) -> list[float]:
    """pycocotools' twelve figures (-1, no object of the size, as NaN)."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    with contextlib.redirect_stdout(io.StringIO()):
        coco_gt = COCO()
        coco_gt.dataset = copy.deepcopy(ground_truth)
        coco_gt.createIndex()
        evaluator = COCOeval(coco_gt, coco_gt.loadRes(copy.deepcopy(results)), "bbox")
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    return [math.nan if v == -1 else float(v) for v in evaluator.stats]


def example(tmp_path: Path) -> tuple[Path, dict, list[dict]]:
    """A copy of the example without its predictions; its ground truth; a set-wide results
    file made from its per-case files as a detector writes it (COCO image ids, one list,
    shuffled), D-13's 3-number box left out and D-06 (no file) with no result."""
    folder = shutil.copytree(EXAMPLE, tmp_path / "polyp-detection",
                             ignore=shutil.ignore_patterns("result", "predictions"))
    gt = json.loads((folder / "annotations" / "instances.json").read_text(encoding="utf-8"))
    image_id = {image["file_name"]: image["id"] for image in gt["images"]}
    with (folder / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    results = []
    for row in rows:
        file = EXAMPLE / "predictions" / f"{row['case_id']}.json"
        if file.is_file():
            results += [{"image_id": image_id[row["input"]], **d}
                        for d in json.loads(file.read_text(encoding="utf-8"))
                        if len(d["bbox"]) == 4]
    random.Random(3).shuffle(results)
    return folder, gt, results


def evaluated(folder: Path, predictions: Path, tmp_path: Path, monkeypatch) -> dict:
    monkeypatch.setenv("MEDEVAL_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "result"
    assert main(["evaluate", str(folder / "protocol.toml"), "--predictions",
                 str(predictions), "--out", str(out)]) == 0
    return json.loads((out / "result.json").read_text(encoding="utf-8"))


def figures(result: dict) -> list[float]:
    values = [result["metrics"][f"coco_{name}"]["value"] for name in NAMES]
    return [math.nan if value is None else value for value in values]


def _split_renumbered(tmp_path: Path, folder: Path, images: list, results: list,
                      renumber: dict) -> Path:
    """``images`` as the detector's images file and ``results`` in its numbering
    (``renumber``: instances.json's id -> the detector's), split through the CLI with
    ``--images``; the split's folder."""
    (tmp_path / "images.json").write_text(json.dumps({"images": images}), encoding="utf-8")
    theirs = [dict(r, image_id=renumber[r["image_id"]]) for r in results]
    (tmp_path / "results.json").write_text(json.dumps(theirs), encoding="utf-8")
    out = tmp_path / "split"
    assert main(["predictions", "split-coco", str(tmp_path / "results.json"), "--manifest",
                 str(folder / "manifest.csv"), "--out", str(out), "--images",
                 str(tmp_path / "images.json")]) == 0
    return out


def test_split_files_evaluate_to_cocoeval_of_the_set_wide_file(tmp_path, monkeypatch,
                                                               capsys):
    folder, gt, results = example(tmp_path)
    (tmp_path / "results.json").write_text(json.dumps(results), encoding="utf-8")
    out = tmp_path / "split"
    assert main(["predictions", "split-coco", str(tmp_path / "results.json"), "--manifest",
                 str(folder / "manifest.csv"), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    # D-03, D-09, D-14 show no polyp and the detector boxed nothing on D-09 and D-14;
    # D-06 had no file and D-13's only box was left out: 4 cases with no result
    assert f"{len(results)} results of" in printed
    assert "4 case(s) got none, an empty list (nothing detected): D-06, D-09, D-13, D-14" \
        in printed
    assert sorted(p.name for p in out.iterdir()) == [f"D-{i:02d}.json" for i in range(1, 19)]
    assert json.loads((out / "D-06.json").read_text(encoding="utf-8")) == []
    result = evaluated(folder, out, tmp_path, monkeypatch)
    assert result["flow"]["failed"] == 0 and result["flow"]["registered"] == 18
    expected = cocoeval(gt, results)
    assert len([v for v in expected if not math.isnan(v)]) == 12
    assert figures(result) == pytest.approx(expected, abs=1e-12, nan_ok=True)


def test_the_examples_detections_file_as_its_readme_says(tmp_path, monkeypatch, capsys):
    """examples/polyp-detection/detections.json, split as the README runs it, evaluates to
    COCOeval's figures on that file as pycocotools loads it; the lines the README quotes."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    folder = shutil.copytree(EXAMPLE, tmp_path / "polyp-detection",
                             ignore=shutil.ignore_patterns("result", "predictions"))
    monkeypatch.chdir(folder)
    assert main(["predictions", "split-coco", "detections.json", "--manifest",
                 "manifest.csv", "--out", "split/"]) == 0
    printed = capsys.readouterr().out
    readme = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    for line in printed.splitlines():
        assert line.split(" (image ids from")[0] in readme, line
    result = evaluated(folder, folder / "split", tmp_path, monkeypatch)
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(str(folder / "annotations" / "instances.json"))
        evaluator = COCOeval(gt, gt.loadRes(str(folder / "detections.json")), "bbox")
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    assert figures(result) == pytest.approx([float(v) for v in evaluator.stats], abs=1e-12)
    for name, word in (("coco_ap", "AP"), ("coco_ap50", "AP50")):
        assert f"{word} {result['metrics'][name]['value']:.4f}" in readme, name


def test_images_of_another_numbering_by_frame_name(tmp_path, monkeypatch, capsys):
    """The detector ran on its own images file: other ids (reversed), the frames without
    their folder. Cases are matched by frame name; COCOeval on the detector's numbering of
    the same ground truth gives the same figures (no score is shared by two images, so the
    image order cannot move AP)."""
    folder, gt, results = example(tmp_path)
    scores = [r["score"] for r in results]
    assert len(set(scores)) == len(scores)
    renumber = {image["id"]: 1000 - image["id"] for image in gt["images"]}
    images = [{"id": renumber[i["id"]], "file_name": i["file_name"].split("/")[-1],
               "height": i["height"], "width": i["width"]} for i in gt["images"]]
    out = _split_renumbered(tmp_path, folder, images, results, renumber)
    assert "images.json" in capsys.readouterr().out
    their_gt = dict(gt, images=[dict(i, id=renumber[i["id"]]) for i in gt["images"]],
                    annotations=[dict(a, image_id=renumber[a["image_id"]])
                                 for a in gt["annotations"]])
    result = evaluated(folder, out, tmp_path, monkeypatch)
    theirs = [dict(r, image_id=renumber[r["image_id"]]) for r in results]
    assert figures(result) == pytest.approx(cocoeval(their_gt, theirs), abs=1e-12,
                                            nan_ok=True)


def test_a_case_file_holding_another_cases_image_id_fails_that_case(tmp_path, monkeypatch,
                                                                    capsys):
    """An exploratory tester's find: D-05's results copied into D-01.json (image_id 105,
    D-05's image in instances.json) were scored as D-01's. Now D-01 fails as invalid
    output, naming both images; results without an image_id stay fine (the example's
    own per-case files have none, and evaluate as its README says elsewhere)."""
    folder, gt, results = example(tmp_path)
    (tmp_path / "results.json").write_text(json.dumps(results), encoding="utf-8")
    split = tmp_path / "split"
    assert main(["predictions", "split-coco", str(tmp_path / "results.json"), "--manifest",
                 str(folder / "manifest.csv"), "--out", str(split)]) == 0
    shutil.copyfile(split / "D-05.json", split / "D-01.json")
    assert {r["image_id"] for r in json.loads((split / "D-01.json").read_text())} == {105}
    result = evaluated(folder, split, tmp_path, monkeypatch)
    (failed,) = result["failures"]["cases"]
    assert failed["case_id"] == "D-01" and failed["reason"] == "invalid-output"
    assert ("image_id 105 is image 'frames/D-05.jpg' of annotations/instances.json, not "
            "this case's image 101 ('frames/D-01.jpg')") in failed["detail"]


def test_ids_of_another_numbering_are_not_written_where_they_name_another_image(
        tmp_path, monkeypatch, capsys):
    """The detector's images file numbers the same 18 frames 118..101 (219 - id): its ids
    are ids of instances.json, each another frame's. Split by file name, each case's file
    leaves such an image_id out, so the evaluation does not take it for that frame's;
    the figures are COCOeval's on the results in instances.json's numbering."""
    folder, gt, results = example(tmp_path)
    renumber = {image["id"]: 219 - image["id"] for image in gt["images"]}
    images = [{"id": renumber[i["id"]], "file_name": i["file_name"]} for i in gt["images"]]
    out = _split_renumbered(tmp_path, folder, images, results, renumber)
    d01 = json.loads((out / "D-01.json").read_text(encoding="utf-8"))
    assert d01 and all("image_id" not in r for r in d01)
    result = evaluated(folder, out, tmp_path, monkeypatch)
    assert result["flow"]["failed"] == 0
    assert figures(result) == pytest.approx(cocoeval(gt, results), abs=1e-12, nan_ok=True)


def test_yolo_file_stems_as_image_ids(tmp_path, monkeypatch, capsys):
    """YOLO's export: image_id "D-01" (the stem), no COCO id. Split by stem, the files
    evaluate to COCOeval of the same results given the ground truth's ids."""
    folder, gt, results = example(tmp_path)
    name_of = {image["id"]: image["file_name"] for image in gt["images"]}
    yolo = [dict(r, image_id=Path(name_of[r["image_id"]]).stem) for r in results]
    (tmp_path / "results.json").write_text(json.dumps(yolo), encoding="utf-8")
    out = tmp_path / "split"
    command = ["predictions", "split-coco", str(tmp_path / "results.json"), "--manifest",
               str(folder / "manifest.csv"), "--out", str(out)]
    assert main(command) == 2
    assert "--image-ids stem" in capsys.readouterr().err
    assert main([*command, "--image-ids", "stem"]) == 0
    assert "image ids from the frames' file stems" in capsys.readouterr().out
    assert json.loads((out / "D-01.json").read_text(encoding="utf-8")) == [
        r for r in yolo if r["image_id"] == "D-01"]
    result = evaluated(folder, out, tmp_path, monkeypatch)
    assert figures(result) == pytest.approx(cocoeval(gt, results), abs=1e-12, nan_ok=True)


def test_numeric_stems_read_as_coco_ids_are_warned_of(tmp_path, capsys):
    """Frames 0001.png and 0002.png are COCO images 2 and 1. YOLO writes 0001.png's box
    with image_id 1 (its stem): read as a COCO id it lands on 0002.png, and the split
    says so; --image-ids stem places it on 0001.png's case."""
    (tmp_path / "set.json").write_text(json.dumps({
        "images": [{"id": 2, "file_name": "0001.png", "height": 9, "width": 9},
                   {"id": 1, "file_name": "0002.png", "height": 9, "width": 9}],
        "annotations": [], "categories": [{"id": 1, "name": "polyp"}]}), encoding="utf-8")
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input,reference\n"
        "a,p1,0001.png,set.json#0001.png\nb,p1,0002.png,set.json#0002.png\n",
        encoding="utf-8")
    file = results_file(tmp_path, json.dumps(
        [{"image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2], "score": 0.9}]))
    command = ["predictions", "split-coco", str(file), "--manifest",
               str(tmp_path / "manifest.csv"), "--out", str(tmp_path / "out")]
    assert main(command) == 0
    err = capsys.readouterr().err
    assert "warning: 1 image id(s) (1) placed on one case are the file stem of another" in err
    assert json.loads((tmp_path / "out" / "b.json").read_text(encoding="utf-8")) != []
    assert main([*command, "--image-ids", "stem", "--force"]) == 0
    assert "warning" not in capsys.readouterr().err
    assert json.loads((tmp_path / "out" / "b.json").read_text(encoding="utf-8")) == []
    assert len(json.loads((tmp_path / "out" / "a.json").read_text(encoding="utf-8"))) == 1


def test_existing_files_are_kept_without_force(tmp_path, capsys):
    folder, _, results = example(tmp_path)
    (tmp_path / "results.json").write_text(json.dumps(results), encoding="utf-8")
    out = tmp_path / "split"
    out.mkdir()
    (out / "D-05.json").write_text("mine", encoding="utf-8")
    command = ["predictions", "split-coco", str(tmp_path / "results.json"), "--manifest",
               str(folder / "manifest.csv"), "--out", str(out)]
    assert main(command) == 2
    assert "already holds 1 of the prediction files (D-05.json)" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["D-05.json"]  # nothing else written
    assert (out / "D-05.json").read_text(encoding="utf-8") == "mine"
    assert main([*command, "--force"]) == 0
    assert len(list(out.iterdir())) == 18
    mine = [r for r in results if r["image_id"] == 105]
    assert json.loads((out / "D-05.json").read_text(encoding="utf-8")) == mine


# --- refusals, on a small set built here ---------------------------------------------------

def small_set(root: Path) -> list[Case]:
    root.mkdir(parents=True, exist_ok=True)
    (root / "set.json").write_text(json.dumps({
        "images": [{"id": 7, "file_name": "f/a.png", "height": 9, "width": 9},
                   {"id": 8, "file_name": "f/b.png", "height": 9, "width": 9},
                   {"id": 9, "file_name": "f/c.png", "height": 9, "width": 9}],
        "annotations": [], "categories": [{"id": 1, "name": "polyp"}]}), encoding="utf-8")
    return [Case("c1", "p1", ("f/a.png",), "set.json#f/a.png"),
            Case("c2", "p1", ("f/b.png",), "set.json#8")]


def results_file(root: Path, text: str) -> Path:
    (root / "results.json").write_text(text, encoding="utf-8")
    return root / "results.json"


def refusal(results: Path, cases, root: Path, **options) -> str:
    with pytest.raises(LoaderError) as info:
        split_coco_results(results, cases, root=root, **options)
    return str(info.value)


def test_results_missing_keys_and_non_finite_numbers_are_all_named(tmp_path):
    file = results_file(tmp_path, '[{"image_id": 7, "category_id": 1, "bbox": [1, 2, 3, 4],'
                        ' "score": 0.5}, {"image_id": 7, "bbox": [1, 2, 3, 4]},'
                        ' {"image_id": 8, "category_id": 1, "score": NaN, "bbox": [1, 2, 3, 4]},'
                        ' {"image_id": 8, "category_id": 1, "score": 0.2,'
                        ' "bbox": [1, 2, Infinity, 4]}, {"image_id": "a", "category_id": 1,'
                        ' "score": 0.1, "segmentation": [[1, 1, 5, 1, NaN, 5]]}, 3]')
    with pytest.raises(LoaderError) as info:
        read_coco_results(file)
    message = str(info.value)
    assert message.startswith(f"{file}: 5 result(s) cannot be used:")
    for line in ("results[1] (image_id 7): no 'category_id'; no 'score'",
                 "results[2] (image_id 8): score nan is not a finite number",
                 "results[3] (image_id 8): bbox [1, 2, inf, 4] holds a number that is not "
                 "finite",
                 "results[4] (image_id 'a'): image_id 'a' is not an integer (a file stem, as "
                 "YOLO's COCO export writes it? give image ids as stems: --image-ids stem); "
                 "segmentation holds a number that is not finite",
                 "results[5]: not an object (a int)"):
        assert line in message, message
    assert "results[0]" not in message
    nothing = results_file(tmp_path, '[{"image_id": 7, "category_id": 1, "score": 0.5}]')
    assert "neither a 'bbox' nor a 'segmentation'" in refusal(nothing, [], tmp_path,
                                                              images=tmp_path / "x")


def test_an_integer_past_any_float_is_named_not_a_crash(tmp_path):
    # JSON integers have no bound: a 400-digit one parses to a Python int that float()
    # cannot hold (OverflowError), which escaped the checks as a bare OverflowError.
    huge = "1" + "0" * 400
    with pytest.raises(OverflowError):
        float(int(huge))
    file = results_file(tmp_path, f'[{{"image_id": 7, "category_id": 1, "score": 0.5, '
                        f'"bbox": [{huge}, 2, 3, 4.5]}}, {{"image_id": 8, "category_id": 1, '
                        f'"score": {huge}, "bbox": [1, 2, 3, 4]}}]')
    with pytest.raises(LoaderError) as info:
        read_coco_results(file)
    message = str(info.value)
    assert "results[0] (image_id 7): bbox [1000" in message
    assert "holds a number that is not finite" in message
    assert f"results[1] (image_id 8): score {huge} is not a finite number" in message


def test_a_dataset_in_place_of_results_says_so(tmp_path):
    small_set(tmp_path)
    with pytest.raises(LoaderError, match="that is the ground truth, not a detector's"):
        read_coco_results(tmp_path / "set.json")


def test_image_ids_that_cannot_be_placed(tmp_path):
    cases = small_set(tmp_path)
    file = results_file(tmp_path, json.dumps([
        {"image_id": 9, "category_id": 1, "bbox": [1, 1, 2, 2], "score": 0.9},
        {"image_id": 99, "category_id": 1, "bbox": [1, 1, 2, 2], "score": 0.8},
        {"image_id": 99, "category_id": 1, "bbox": [1, 1, 2, 2], "score": 0.7}]))
    message = refusal(file, cases, tmp_path)
    assert "(2 problem(s))" in message
    assert ("image_id 9 (results[0], 1 result(s)): its image 'f/c.png' is no case's" in
            message)
    assert (f"image_id 99 (results[1], 2 result(s)): no image of {tmp_path / 'set.json'} "
            "has this id") in message


def test_a_case_with_two_images_or_none_or_another_cases(tmp_path):
    cases = small_set(tmp_path)
    (tmp_path / "images.json").write_text(json.dumps({"images": [
        {"id": 1, "file_name": "a.png"}, {"id": 2, "file_name": "b.png"},
        {"id": 3, "file_name": "x/c.png"}, {"id": 4, "file_name": "y/c.png"}]}))
    file = results_file(tmp_path, "[]")
    two = Case("c3", "p2", ("f/a.png", "f/b.png"), "labels/c3.json")
    none = Case("c4", "p2", ("f/d.png",), "labels/c4.json")
    twin = Case("c5", "p3", ("g/a.png",), "labels/c5.json")
    folders = Case("c6", "p3", ("f/c.png",), "labels/c6.json")
    message = refusal(file, [cases[0], two, none, twin, folders], tmp_path,
                      images=tmp_path / "images.json")
    assert ("case c3 has 2 images of " in message and "'f/a.png' is image 1 ('a.png'), "
            "'f/b.png' is image 2 ('b.png'); a coco-detection case is one image" in message)
    assert "case c4: no image of " in message and "('f/d.png')" in message
    assert "case c5: its image 1 ('a.png') is also case c1's" in message
    assert ("case c6: its frame 'f/c.png' has the file name of 2 images" in message
            and "('x/c.png', 'y/c.png')" in message)
    # a whole path tells the two apart
    ok = split_coco_results(file, [Case("c6", "p3", ("y/c.png",), "labels/c6.json")],
                            root=tmp_path, images=tmp_path / "images.json")
    assert ok.image_ids == {"c6": 4} and ok.empty_cases == ("c6",)


def test_frames_numbered_per_patient_are_told_apart_by_their_folders(tmp_path):
    # the usual endoscopy export: each patient's frames numbered from 0000 in a folder
    # of its own; the COCO file names them from its images folder (pat1/0000.jpg), the
    # manifest from the data root (frames/pat1/0000.jpg), so every file name is shared
    # by two images, and the patient's folder tells them apart
    images, cases, expected = [], [], {}
    for number, (patient, frame) in enumerate(
            [(p, f) for p in ("pat1", "pat2") for f in range(3)], start=1):
        images.append({"id": number, "file_name": f"{patient}/{frame:04d}.jpg"})
        case_id = f"{patient}_{frame}"
        cases.append(Case(case_id, patient, (f"frames/{patient}/{frame:04d}.jpg",),
                          f"labels/{case_id}.json"))
        expected[case_id] = number
    (tmp_path / "images.json").write_text(json.dumps({"images": images}))
    file = results_file(tmp_path, json.dumps(
        [{"image_id": i, "category_id": 1, "bbox": [1, 2, 3, 4], "score": i / 200}
         for i in expected.values()]))  # ids 1 and 2 are also frames' numeric stems
    split = split_coco_results(file, cases, root=tmp_path, images=tmp_path / "images.json")
    assert split.image_ids == expected
    # stems 0 to 2 are each two cases' (pat1/0001.jpg, pat2/0001.jpg): no stem can name
    # an image, so no id placed here is "another case's file stem" (--image-ids stem
    # would refuse such a set: two cases, one image)
    assert split.stem_clashes == ()
    assert {c: [r["image_id"] for r in items] for c, items in split.results.items()} == {
        c: [i] for c, i in expected.items()}
    # two images as near to the frame (x/pat1/0000.jpg and y/pat1/0000.jpg): refused
    (tmp_path / "twins.json").write_text(json.dumps({"images": [
        {"id": 1, "file_name": "x/pat1/0000.jpg"}, {"id": 2, "file_name": "y/pat1/0000.jpg"}]}))
    message = refusal(results_file(tmp_path, "[]"), cases[:1], tmp_path,
                      images=tmp_path / "twins.json")
    assert "its frame 'frames/pat1/0000.jpg' has the file name of 2 images" in message


def test_bare_file_names_repeated_per_patient_get_advice_that_can_be_followed(
        tmp_path, capsys):
    """An exploratory tester's find: the example's frames numbered per patient folder
    (frames/D01/0000.jpg, frames/D02/0000.jpg, ...), the detector's images file naming
    them bare ('0000.jpg' five times). The refusal said to write the input as one of the
    file_names, whole: '0000.jpg', which tells nothing apart. Now it names the ids and
    two ways out, and each, followed, places every result on its case (checked against
    the image ids written here)."""
    folder, gt, results = example(tmp_path)
    with (folder / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    image_of = {image["file_name"]: image for image in gt["images"]}
    numbered: dict[str, int] = {}
    bare = []
    for row in rows:  # D01: 0000..0003, D02: 0000..0002, ...
        number = numbered[row["patient_id"]] = numbered.get(row["patient_id"], -1) + 1
        frame = f"frames/{row['patient_id']}/{number:04d}.jpg"
        (folder / frame).parent.mkdir(exist_ok=True)
        (folder / row["input"]).rename(folder / frame)
        image = image_of[row["input"]]
        image["file_name"] = row["input"] = frame
        row["reference"] = f"annotations/instances.json#{frame}"
        bare.append({"id": image["id"], "file_name": f"{number:04d}.jpg"})
    (folder / "annotations" / "instances.json").write_text(json.dumps(gt), encoding="utf-8")
    write_manifest(folder, [(r["case_id"], r["patient_id"], r["input"], r["reference"])
                            for r in rows])
    (tmp_path / "images.json").write_text(json.dumps({"images": bare}), encoding="utf-8")
    (tmp_path / "results.json").write_text(json.dumps(results), encoding="utf-8")
    command = ["predictions", "split-coco", str(tmp_path / "results.json"), "--manifest",
               str(folder / "manifest.csv")]
    with_images = ["--images", str(tmp_path / "images.json")]
    assert main([*command, *with_images, "--out", str(tmp_path / "refused")]) == 2
    err = capsys.readouterr().err
    # D-01 is frames/D01/0000.jpg; '0000.jpg' is the name of the first frame of each of
    # the 5 patients, images 101, 105, 108, 112, 116 (4, 3, 4, 4, 3 frames)
    assert ("case D-01: its frame 'frames/D01/0000.jpg' has the file name of 5 images of "
            f"{tmp_path / 'images.json'}, all with file_name '0000.jpg' (ids 101, 105, 108, "
            "112, 116): file names cannot tell them apart; if the results' image_id are "
            "the ids of annotations/instances.json, the file the references select the "
            "cases' images in, leave out --images; else write each image's file_name in "
            f"{tmp_path / 'images.json'} as its frame's path in the manifest "
            "('frames/D01/0000.jpg' for this case's image), keeping its id") in err
    assert "write the input as one of these file_names" not in err
    # the images no case could be told to be are not called frames outside the set
    assert "is one of those above that file names cannot tell apart" in err
    assert "outside the held-out set" not in err
    assert not (tmp_path / "refused").exists()
    ids = {image["file_name"]: image["id"] for image in gt["images"]}
    wanted = {row["case_id"]: [r for r in results if r["image_id"] == ids[row["input"]]]
              for row in rows}
    # followed: without --images (the ids are instances.json's), or the names whole
    whole = [dict(image, file_name=next(f for f, i in ids.items() if i == image["id"]))
             for image in bare]
    (tmp_path / "whole.json").write_text(json.dumps({"images": whole}), encoding="utf-8")
    for out, options in (("a", []), ("b", ["--images", str(tmp_path / "whole.json")])):
        assert main([*command, *options, "--out", str(tmp_path / out)]) == 0
        for case, mine in wanted.items():
            assert json.loads((tmp_path / out / f"{case}.json").read_text(
                encoding="utf-8")) == mine, (out, case)


def test_stems_and_file_names_in_other_letter_case_are_named_not_placed(tmp_path, capsys):
    """An exploratory tester's find: YOLO stems 'd-01' for the example's frame
    'frames/D-01.jpg' (the detector read the frames on Windows under lower-case names),
    or an images file writing 'FRAMES/D-01.JPG', were refused as frames outside the set.
    Still refused, nothing written (names are compared as written); the message names
    the frame that differs only in letter case."""
    folder, gt, results = example(tmp_path)
    name_of = {image["id"]: image["file_name"] for image in gt["images"]}
    lower = [dict(r, image_id=Path(name_of[r["image_id"]]).stem.lower()) for r in results]
    (tmp_path / "yolo.json").write_text(json.dumps(lower), encoding="utf-8")
    upper = [{"id": i, "file_name": name.upper()} for i, name in name_of.items()]
    (tmp_path / "images.json").write_text(json.dumps({"images": upper}), encoding="utf-8")
    (tmp_path / "results.json").write_text(json.dumps(results), encoding="utf-8")
    manifest = ["--manifest", str(folder / "manifest.csv"), "--out", str(tmp_path / "out")]
    assert main(["predictions", "split-coco", str(tmp_path / "yolo.json"), *manifest,
                 "--image-ids", "stem"]) == 2
    err = capsys.readouterr().err
    first = next(r for r in lower if r["image_id"] == "d-01")
    # no 'frames outside the held-out set' beside the letter case (found by the reviewer)
    assert (f"image_id 'd-01' (results[{lower.index(first)}], 1 result(s)): no case's "
            "frame has this file stem (case D-01's frame 'frames/D-01.jpg' has the stem "
            "'D-01', which differs from it only in letter case: stems are compared as "
            "written, letter case too; have the detector read the frames as the manifest "
            "names them)") in err
    assert "outside the held-out set" not in err
    assert main(["predictions", "split-coco", str(tmp_path / "results.json"), *manifest,
                 "--images", str(tmp_path / "images.json")]) == 2
    err = capsys.readouterr().err
    assert ("case D-01: no image of " f"{tmp_path / 'images.json'} has the file name of its "
            "frame(s) ('frames/D-01.jpg'), so its results cannot be told; check the "
            "manifest's input against the images' file_name (image 101 'FRAMES/D-01.JPG' "
            "differs from it only in letter case: names are compared as written, letter "
            "case too; write them alike)") in err
    # the results' lines (shuffled ids; the first 20 problems shown): each its case's
    said = re.findall(r"its image 'FRAMES/(D-\d\d).JPG' is no case's: its file_name "
                      r"differs from case (D-\d\d)'s frame 'frames/(D-\d\d).jpg' in "
                      r"letter case \(above\)", err)
    assert said and all(a == b == c for a, b, c in said)
    assert "outside the held-out set" not in err
    assert not (tmp_path / "out").exists()


def test_without_images_the_references_must_name_one_file(tmp_path):
    file = results_file(tmp_path, "[]")
    with pytest.raises(LoaderError, match=r"no reference points into a set-wide COCO file.*"
                       r"--images COCO.json"):
        split_coco_results(file, [Case("c1", "p1", ("a.png",), "c1.json")], root=tmp_path)


def test_cli_refusal_exits_2_and_writes_nothing(tmp_path, capsys):
    cases = small_set(tmp_path)
    with (tmp_path / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case_id", "patient_id", "input", "reference"])
        writer.writerows([c.case_id, c.patient_id, c.inputs[0], c.reference] for c in cases)
    file = results_file(tmp_path, '[{"image_id": 7, "category_id": 1, "score": Infinity, '
                        '"bbox": [0, 0, 1, 1]}]')
    code = main(["predictions", "split-coco", str(file), "--manifest",
                 str(tmp_path / "manifest.csv"), "--out", str(tmp_path / "out")])
    assert code == 2
    assert "score inf is not a finite number" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    assert issubclass(LoaderError, MedevalError)


def test_an_images_file_that_cannot_say_which_image_an_id_is(tmp_path):
    cases = small_set(tmp_path)
    file = results_file(tmp_path, "[]")
    (tmp_path / "results-only.json").write_text("[]", encoding="utf-8")
    message = refusal(file, cases, tmp_path, images=tmp_path / "results-only.json")
    assert "not a COCO file with an 'images' list" in message
    (tmp_path / "twice.json").write_text(json.dumps({"images": [
        {"id": 4, "file_name": "a.png"}, {"id": 4, "file_name": "b.png"},
        {"id": "5", "file_name": "c.png"}]}), encoding="utf-8")
    message = refusal(file, cases, tmp_path, images=tmp_path / "twice.json")
    assert "images[1]: duplicate image id 4" in message
    assert "images[2]: needs an integer 'id' and a 'file_name'" in message


def test_a_broken_reference_file_is_named_for_its_cases(tmp_path):
    cases = small_set(tmp_path)
    data = json.loads((tmp_path / "set.json").read_text(encoding="utf-8"))
    data["annotations"] = [{"id": 1, "image_id": 7, "category_id": 9, "bbox": [0, 0, 1, 1]}]
    (tmp_path / "set.json").write_text(json.dumps(data), encoding="utf-8")
    message = refusal(results_file(tmp_path, "[]"), cases, tmp_path)
    assert "case c1: " in message and "case c2: " in message
    assert "names unknown category id 9" in message


def test_force_never_writes_over_a_file_of_the_set(tmp_path, capsys):
    """Per-case annotation files named <case_id>.json, and --out their folder: --force
    does not let the split write over the references."""
    (tmp_path / "labels").mkdir()
    for case, name in (("c1", "a.png"), ("c2", "b.png")):
        (tmp_path / "labels" / f"{case}.json").write_text(json.dumps({
            "images": [{"id": 1, "file_name": name, "height": 9, "width": 9}],
            "annotations": [], "categories": [{"id": 1, "name": "polyp"}]}),
            encoding="utf-8")
    (tmp_path / "images.json").write_text(json.dumps({"images": [
        {"id": 7, "file_name": "a.png"}, {"id": 8, "file_name": "b.png"}]}), encoding="utf-8")
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input,reference\nc1,p1,a.png,labels/c1.json\n"
        "c2,p1,b.png,labels/c2.json\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in (tmp_path / "labels").iterdir()}
    file = results_file(tmp_path, "[]")
    assert main(["predictions", "split-coco", str(file), "--manifest",
                 str(tmp_path / "manifest.csv"), "--images", str(tmp_path / "images.json"),
                 "--out", str(tmp_path / "labels"), "--force"]) == 2
    assert "c1.json, c2.json would be written over, and the set" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in (tmp_path / "labels").iterdir()} == before


def test_a_non_finite_number_beside_a_good_box_is_named(tmp_path):
    """A result whose box and score are fine but whose polygon, RLE or other key holds
    NaN/Infinity: named, as the box's would be. Before, the quick check passed it on the
    box alone and `medeval predictions split-coco` wrote some files, then ended in a
    ValueError traceback ('Out of range float values are not JSON compliant')."""
    file = results_file(tmp_path, '['
                        '{"image_id": 7, "category_id": 1, "bbox": [1.0, 2.0, 3.0, 4.0], '
                        '"score": 0.5, "segmentation": [[1, 1, 5, 1, NaN, 5]]}, '
                        '{"image_id": 7, "category_id": 1, "bbox": [1.0, 2.0, 3.0, 4.0], '
                        '"score": 0.4, "segmentation": {"size": [9, 9], "counts": [3, NaN]}}, '
                        '{"image_id": 8, "category_id": 1, "bbox": [1.0, 2.0, 3.0, 4.0], '
                        '"score": 0.3, "area": Infinity}, '
                        '{"image_id": 8, "category_id": 1, "bbox": [1.0, 2.0, 3.0, 4.0], '
                        '"score": 0.2, "segmentation": {"size": [9, 9], "counts": "3b1"}}]')
    with pytest.raises(LoaderError) as info:
        read_coco_results(file)
    message = str(info.value)
    assert message.startswith(f"{file}: 3 result(s) cannot be used:")
    for line in ("results[0] (image_id 7): segmentation holds a number that is not finite",
                 "results[1] (image_id 7): segmentation holds a number that is not finite",
                 "results[2] (image_id 8): area holds a number that is not finite"):
        assert line in message, message
    assert "results[3]" not in message  # an RLE with text counts is fine


def test_split_coco_writes_nothing_for_a_non_finite_polygon(tmp_path):
    small_set(tmp_path)
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input,reference\nc1,p1,f/a.png,set.json#f/a.png\n"
        "c2,p1,f/b.png,set.json#8\n", encoding="utf-8")
    for name in ("a", "b"):
        (tmp_path / "f").mkdir(exist_ok=True)
        (tmp_path / "f" / f"{name}.png").write_bytes(b"")
    file = results_file(tmp_path, '[{"image_id": 8, "category_id": 1, "bbox": [1.0, 2.0, '
                        '3.0, 4.0], "score": 0.5, "segmentation": [[1, 1, 5, 1, NaN, 5]]}]')
    done = subprocess.run([sys.executable, "-m", "medeval", "predictions", "split-coco",
                           str(file), "--manifest", str(tmp_path / "manifest.csv"), "--out",
                           str(tmp_path / "split")], capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    assert "segmentation holds a number that is not finite" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "split").exists()


def write_manifest(root: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    with (root / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case_id", "patient_id", "input", "reference"])
        writer.writerows(rows)
    return root / "manifest.csv"


def test_case_ids_one_file_on_macos_and_windows_are_refused_before_writing(tmp_path,
                                                                          capsys):
    # 'c1' and 'C1' (case), and 'é' composed (U+00E9) and decomposed (e + U+0301), name
    # one file on APFS and NTFS: the second file written replaced the first, silently.
    small_set(tmp_path)
    composed, decomposed = "caf\u00e9", "cafe\u0301"
    assert composed != decomposed
    manifest = write_manifest(tmp_path, [
        ("c1", "p1", "f/a.png", "set.json#f/a.png"), ("C1", "p1", "f/b.png", "set.json#8"),
        (composed, "p2", "f/c.png", "set.json#9")])
    file = results_file(tmp_path, '[{"image_id": 7, "category_id": 1, "score": 0.5, '
                        '"bbox": [0, 0, 1, 1]}]')
    code = main(["predictions", "split-coco", str(file), "--manifest", str(manifest),
                 "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert "case ids 'c1' and 'C1' differ only in letter case or Unicode form" in err
    assert not (tmp_path / "out").exists()
    write_manifest(tmp_path, [("c1", "p1", "f/a.png", "set.json#f/a.png"),
                              (composed, "p1", "f/b.png", "set.json#8"),
                              (decomposed, "p2", "f/c.png", "set.json#9")])
    assert main(["predictions", "split-coco", str(file), "--manifest", str(manifest),
                 "--out", str(tmp_path / "out")]) == 2
    assert f"case ids {composed!r} and {decomposed!r} differ" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def cocoeval_file(gt_file: Path, results_file: Path, iou_type: str) -> list[float]:
    """pycocotools' twelve figures on the set-wide files as it loads them."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(str(gt_file))
        evaluator = COCOeval(gt, gt.loadRes(str(results_file)), iou_type)
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    return [math.nan if v == -1 else float(v) for v in evaluator.stats]


def test_segmentation_only_results_and_the_protocols_iou_type(tmp_path, monkeypatch,
                                                              capsys):
    """Masks without boxes (RLEs, as a segm results file holds them): against a bbox
    protocol, --protocol refuses before writing (without it, a warning: every case with a
    result then fails as invalid output, 16 of the example's 18); against a segm protocol
    the files evaluate to COCOeval's segm figures on the set-wide file."""
    folder = shutil.copytree(EXAMPLE, tmp_path / "polyp-detection",
                             ignore=shutil.ignore_patterns("result", "predictions"))
    from pycocotools import mask as mask_utils

    gt = json.loads((folder / "annotations" / "instances.json").read_text(encoding="utf-8"))
    size = {image["id"]: (image["height"], image["width"]) for image in gt["images"]}
    masks = []
    for r in json.loads((folder / "detections.json").read_text(encoding="utf-8")):
        x, y, w, h = r.pop("bbox")
        # the box as a compressed RLE, its counts text: as detectron2 and mmdetection
        # write a mask (pycocotools' loadRes reads no polygon result)
        rle = mask_utils.merge(mask_utils.frPyObjects(
            [[x, y, x + w, y, x + w, y + h, x, y + h]], *size[r["image_id"]]))
        masks.append(dict(r, segmentation={"size": rle["size"],
                                           "counts": rle["counts"].decode("ascii")}))
    file = tmp_path / "masks.segm.json"
    file.write_text(json.dumps(masks), encoding="utf-8")
    bbox_protocol = folder / "protocol.toml"
    code = main(["predictions", "split-coco", str(file), "--protocol", str(bbox_protocol),
                 "--out", str(tmp_path / "refused")])
    err = capsys.readouterr().err
    assert code == 2 and not (tmp_path / "refused").exists()
    assert (f"{len(masks)} of {len(masks)} result(s) have no 'bbox'" in err
            and 'iou_type = "bbox"' in err), err
    out = tmp_path / "warned"
    assert main(["predictions", "split-coco", str(file), "--manifest",
                 str(folder / "manifest.csv"), "--out", str(out)]) == 0
    assert f"warning: {len(masks)} of {len(masks)} results have no 'bbox'" in \
        capsys.readouterr().err
    monkeypatch.setenv("MEDEVAL_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["evaluate", str(bbox_protocol), "--predictions", str(out), "--out",
                 str(tmp_path / "r-bbox")]) == 0
    failed = json.loads((tmp_path / "r-bbox" / "result.json").read_text(encoding="utf-8"))
    assert failed["flow"]["failed"] == 16  # the README's 16 cases with a result
    segm_protocol = folder / "protocol-segm.toml"
    segm_protocol.write_text(bbox_protocol.read_text(encoding="utf-8").replace(
        'iou_type = "bbox"', 'iou_type = "segm"'), encoding="utf-8")
    out = tmp_path / "segm"
    assert main(["predictions", "split-coco", str(file), "--protocol", str(segm_protocol),
                 "--out", str(out)]) == 0
    assert "warning" not in capsys.readouterr().err
    assert main(["evaluate", str(segm_protocol), "--predictions", str(out), "--out",
                 str(tmp_path / "r-segm")]) == 0
    result = json.loads((tmp_path / "r-segm" / "result.json").read_text(encoding="utf-8"))
    assert result["flow"]["failed"] == 0
    expected = cocoeval_file(folder / "annotations" / "instances.json", file, "segm")
    assert figures(result) == pytest.approx(expected, abs=1e-12, nan_ok=True)
    # boxes only against the segm protocol: refused too
    assert main(["predictions", "split-coco", str(folder / "detections.json"), "--protocol",
                 str(segm_protocol), "--out", str(tmp_path / "refused")]) == 2
    assert "have no 'segmentation'" in capsys.readouterr().err


def test_category_ids_the_coco_file_does_not_list_are_warned_of(tmp_path, capsys):
    # small_set's file lists category 1 only; results of categories 0 and 3 (a detector
    # numbering from 0, or of another label map): 2 and 1 of them, counted by hand.
    small_set(tmp_path)
    manifest = write_manifest(tmp_path, [("c1", "p1", "f/a.png", "set.json#f/a.png"),
                                         ("c2", "p1", "f/b.png", "set.json#8")])
    file = results_file(tmp_path, json.dumps([
        {"image_id": 7, "category_id": 0, "bbox": [0, 0, 1, 1], "score": 0.5},
        {"image_id": 8, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 0.4},
        {"image_id": 8, "category_id": 0, "bbox": [0, 0, 1, 1], "score": 0.3},
        {"image_id": 8, "category_id": 3, "bbox": [0, 0, 1, 1], "score": 0.2}]))
    assert main(["predictions", "split-coco", str(file), "--manifest", str(manifest),
                 "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "category ids not among the categories of" in err
    assert "0 (2 results), 3 (1 results)" in err


def test_mmdetections_two_files_at_once_are_refused(tmp_path, capsys):
    # mmdetection's results2json writes each detection to .bbox.json and again (box and
    # mask) to .segm.json: given both, every detection would be counted twice
    small_set(tmp_path)
    manifest = write_manifest(tmp_path, [("c1", "p1", "f/a.png", "set.json#f/a.png")])
    one = {"image_id": 7, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 0.5}
    (tmp_path / "r.bbox.json").write_text(json.dumps([one]), encoding="utf-8")
    (tmp_path / "r.segm.json").write_text(json.dumps([dict(one, segmentation={
        "size": [9, 9], "counts": "01"})]), encoding="utf-8")
    assert main(["predictions", "split-coco", str(tmp_path / "r.bbox.json"),
                 str(tmp_path / "r.segm.json"), "--manifest", str(manifest), "--out",
                 str(tmp_path / "out")]) == 2
    assert "give one results file, not 2" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_other_files_in_out_or_the_sets_own_folder_are_named(tmp_path, capsys):
    # the set's folder holds set.json, results.json, manifest.csv and f/: 4 entries, by hand
    small_set(tmp_path)
    manifest = write_manifest(tmp_path, [("c1", "p1", "f/a.png", "set.json#f/a.png")])
    (tmp_path / "f").mkdir()
    file = results_file(tmp_path, "[]")
    assert main(["predictions", "split-coco", str(file), "--manifest", str(manifest),
                 "--out", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "is the held-out set's folder: it holds 4 other file(s) or folder(s) " \
        "(f, manifest.csv, results.json, set.json)" in err, err
    out = tmp_path / "out"
    out.mkdir()
    (out / "X-99.json").write_text("[]", encoding="utf-8")
    assert main(["predictions", "split-coco", str(file), "--manifest", str(manifest),
                 "--out", str(out)]) == 0
    assert "already held 1 other file(s) or folder(s) (X-99.json)" in \
        capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["X-99.json", "c1.json"]


def test_scores_outside_0_1_and_extra_keys_evaluate_to_cocoeval(tmp_path, monkeypatch):
    """Scores are only ranked (logits, or scores shifted below 0 and past 1, as some
    detectors write them) and keys such as "area" and "iscrowd" are kept and not read:
    the split files still give COCOeval's figures on the set-wide file."""
    folder, gt, results = example(tmp_path)
    odd = [dict(r, score=r["score"] * 4 - 2, area=r["bbox"][2] * r["bbox"][3], iscrowd=0)
           for r in results]
    assert min(r["score"] for r in odd) < 0 < 1 < max(r["score"] for r in odd)
    (tmp_path / "results.json").write_text(json.dumps(odd), encoding="utf-8")
    out = tmp_path / "split"
    assert main(["predictions", "split-coco", str(tmp_path / "results.json"), "--manifest",
                 str(folder / "manifest.csv"), "--out", str(out)]) == 0
    kept = json.loads((out / "D-01.json").read_text(encoding="utf-8"))
    assert kept and all({"area", "iscrowd"} <= set(r) for r in kept)
    result = evaluated(folder, out, tmp_path, monkeypatch)
    assert result["flow"]["failed"] == 0
    assert figures(result) == pytest.approx(cocoeval(gt, odd), abs=1e-12, nan_ok=True)


def test_yolo_stems_with_0_based_categories_are_warned_of(tmp_path, capsys):
    # ultralytics numbers a custom set's classes from 0 when its class_map is range(n)
    # (and writes "file_name" beside the stem in later versions): the example's one
    # category is 1 in instances.json, so all the results, counted here, are of category 0
    folder, gt, results = example(tmp_path)
    name_of = {image["id"]: image["file_name"] for image in gt["images"]}
    yolo = [dict(r, image_id=Path(name_of[r["image_id"]]).stem, category_id=0,
                 file_name=Path(name_of[r["image_id"]]).name) for r in results]
    (tmp_path / "results.json").write_text(json.dumps(yolo), encoding="utf-8")
    assert main(["predictions", "split-coco", str(tmp_path / "results.json"), "--manifest",
                 str(folder / "manifest.csv"), "--out", str(tmp_path / "split"),
                 "--image-ids", "stem"]) == 0
    err = capsys.readouterr().err
    instances = folder / "annotations" / "instances.json"
    assert f"category ids not among the categories of {instances}: 0 ({len(yolo)} " \
        "results)" in err, err


def test_a_protocol_of_another_task_or_no_manifest_is_refused(tmp_path, capsys):
    examples = EXAMPLE.parent
    file = results_file(tmp_path, "[]")
    assert main(["predictions", "split-coco", str(file), "--protocol",
                 str(examples / "detection" / "protocol.toml"), "--out",
                 str(tmp_path / "out")]) == 2
    assert "its task is 'detection'; split-coco writes coco-detection" in \
        capsys.readouterr().err
    assert main(["predictions", "split-coco", str(file), "--out",
                 str(tmp_path / "out")]) == 2
    assert "split-coco needs --manifest MANIFEST.csv (or --protocol" in \
        capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_yolo_stems_shared_by_frames_of_two_patients_are_named_as_such(tmp_path):
    # Frames numbered per patient (p1/0001.jpg, p2/0001.jpg) have one file stem, so YOLO's
    # stem ids cannot tell them apart. The refusal said "its image 1 ('p1/0001.jpg') is
    # also case a's; give each case its own image", naming the other case's frame as this
    # one's and no stem. It now names both frames and their shared stem. Found in the
    # detection-pass.
    (tmp_path / "set.json").write_text(json.dumps({
        "images": [{"id": 7, "file_name": "p1/0001.jpg", "height": 9, "width": 9},
                   {"id": 8, "file_name": "p2/0001.jpg", "height": 9, "width": 9}],
        "annotations": [], "categories": [{"id": 1, "name": "polyp"}]}))
    (tmp_path / "results.json").write_text(json.dumps([
        {"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.9}]))
    cases = [Case("a", "p1", ("p1/0001.jpg",), "set.json#p1/0001.jpg"),
             Case("b", "p2", ("p2/0001.jpg",), "set.json#p2/0001.jpg")]
    with pytest.raises(LoaderError) as caught:
        split_coco_results(tmp_path / "results.json", cases, root=tmp_path,
                           image_ids="stem")
    message = str(caught.value)
    assert ("case b: its frame 'p2/0001.jpg' has the file stem 1, as case a's frame "
            "'p1/0001.jpg' has: file stems as image ids cannot tell the two apart") in message
    assert "give each case its own image" not in message


def test_string_image_ids_get_the_hint_that_fits_them(tmp_path):
    # A COCO id written as a string ("1002") and a frame's file name as image_id were both
    # told "a file stem, as YOLO's COCO export writes it? --image-ids stem", which places
    # neither right (YOLO writes an all-digit stem as a number; a path is no stem). Found
    # in the detection-pass.
    file = results_file(tmp_path, json.dumps([
        {"image_id": "1002", "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.5},
        {"image_id": "프레임/P01/0001.jpg", "category_id": 1, "bbox": [1, 2, 3, 4],
         "score": 0.5},
        {"image_id": "D-01", "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.5}]))
    with pytest.raises(LoaderError) as info:
        read_coco_results(file)
    message = str(info.value)
    assert ("results[0] (image_id '1002'): image_id '1002' is not an integer (a number "
            "written as a string? COCO image ids are JSON numbers; if it is the frame's "
            "file stem, give image ids as stems: --image-ids stem)") in message, message
    assert ("results[1] (image_id '프레임/P01/0001.jpg'): image_id '프레임/P01/0001.jpg' is "
            "not an integer (a file name? COCO results name an image by the integer id of "
            "the COCO file's images; YOLO's COCO export writes the frame's file stem, "
            "without folder or suffix, read with --image-ids stem)") in message, message
    assert ("results[2] (image_id 'D-01'): image_id 'D-01' is not an integer (a file "
            "stem, as YOLO's COCO export writes it? give image ids as stems: --image-ids "
            "stem)") in message, message
