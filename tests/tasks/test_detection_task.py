"""The detection task end to end, against froc() on the same matches."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import medeval
from medeval.metrics import froc, match_detections

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "detection"
PROTOCOL = (EXAMPLE / "protocol.toml").read_text(encoding="utf-8")

REFERENCE = {
    "c0": [[0, 0, 10, 10], [20, 20, 30, 30]],
    "c1": [[5, 5, 15, 15]],
    "c2": [],  # lesion-free
    "c3": [[40, 40, 60, 60]],
    "c4": [],  # lesion-free
}
DETECTIONS = {
    "c0": [([0, 0, 10, 10], 0.9), ([50, 50, 60, 60], 0.7), ([21, 19, 31, 29], 0.4)],
    "c1": [([80, 80, 90, 90], 0.8)],
    "c2": [([5, 5, 9, 9], 0.5)],
    "c3": None,  # failed: no prediction file
    "c4": [],
}


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "ref").mkdir()
    (tmp_path / "pred").mkdir()
    rows = []
    for i, cid in enumerate(REFERENCE):
        (tmp_path / "in" / f"{cid}.txt").write_text("x")
        (tmp_path / "ref" / f"{cid}.json").write_text(json.dumps({"boxes": REFERENCE[cid]}))
        rows.append({"case_id": cid, "patient_id": f"p{i // 2}", "input": f"in/{cid}.txt",
                     "reference": f"ref/{cid}.json"})
        if DETECTIONS[cid] is not None:
            items = [{"box": b, "score": s} for b, s in DETECTIONS[cid]]
            (tmp_path / "pred" / f"{cid}.json").write_text(json.dumps({"detections": items}))
    pd.DataFrame(rows).to_csv(tmp_path / "manifest.csv", index=False)
    (tmp_path / "protocol.toml").write_text(PROTOCOL)
    return tmp_path


def test_matches_froc_on_the_same_cases(folder):
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    matches = []
    for cid, ref in REFERENCE.items():
        dets = DETECTIONS[cid] or []  # c3 failed: no detection
        matches.append(match_detections(
            np.asarray(ref, float).reshape(-1, 4), np.asarray([b for b, _ in dets],
                                                               float).reshape(-1, 4),
            [s for _, s in dets], criterion="iou", iou_threshold=0.3))
    expected = froc(matches, fp_rates=[0.5, 1.0, 2.0])
    assert result.metric("froc_cpm").estimate.value == pytest.approx(expected.cpm)
    for rate in (0.5, 1.0, 2.0):
        assert result.metric(f"froc_sensitivity@{rate:g}").estimate.value == pytest.approx(
            expected.sensitivity_at[rate])
    assert result.metric("detection_average_precision").estimate.value == pytest.approx(
        expected.average_precision)
    data = json.loads(result.to_json())
    assert data["tables"]["froc"]["n_lesion_free_cases"] == 2
    assert data["failures"]["cases"][0]["case_id"] == "c3"
    # By hand: 4 lesions, 5 cases; hits at 0.9 and 0.4; FP at 0.8, 0.7, 0.5.
    assert expected.sensitivity.tolist() == [0.25, 0.25, 0.25, 0.25, 0.5]
    assert expected.fp_per_case.tolist() == [0.0, 0.2, 0.4, 0.6, 0.6]


def test_bad_prediction_is_a_failed_case(folder):
    (folder / "pred" / "c1.json").write_text('{"detections": [{"box": [1, 2, 3], "score": 1}]}')
    data = json.loads(medeval.evaluate(folder / "protocol.toml", folder / "pred").to_json())
    reasons = {f["case_id"]: f["reason"] for f in data["failures"]["cases"]}
    assert reasons == {"c1": "invalid-output", "c3": "missing-output"}


def test_a_box_with_its_ends_first_fails_a_lesion_free_case_too(folder):
    # c2 is lesion-free: its box [9, 9, 5, 5] (rows 9 to 5) was scored as a false
    # positive, while the same box on c1 (a lesion) failed the case as invalid output
    for cid in ("c1", "c2"):
        (folder / "pred" / f"{cid}.json").write_text(
            json.dumps({"detections": [{"box": [9, 9, 5, 5], "score": 0.5}]}))
    data = json.loads(medeval.evaluate(folder / "protocol.toml", folder / "pred").to_json())
    failed = {f["case_id"]: f for f in data["failures"]["cases"]}
    assert {c: f["reason"] for c, f in failed.items()} == {
        "c1": "invalid-output", "c2": "invalid-output", "c3": "missing-output"}
    assert "box(es) [0] have hi <= lo (box 0: [9, 9, 5, 5])" in failed["c2"]["detail"]


def test_a_set_without_lesions_says_why_each_figure_is_undefined(folder):
    for cid in REFERENCE:
        (folder / "ref" / f"{cid}.json").write_text(json.dumps({"boxes": []}))
    with warnings.catch_warnings():
        warnings.simplefilter("error", medeval.UndefinedMetricWarning)
        result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    note = "no reference lesion in any of the 5 case(s), so the lesion sensitivity is " \
        "undefined (NaN)"
    names = ["froc_cpm", "detection_average_precision",
             *(f"froc_sensitivity@{r:g}" for r in (0.5, 1.0, 2.0))]
    for name in names:
        estimate = result.metric(name).estimate
        assert math.isnan(estimate.value) and estimate.note == note
    # failures as worst case (c3: no detection) and excluded (4 cases): each scope
    for scope, n in (("all cases", 5), ("failures excluded", 4)):
        assert [w for w in result.warnings if w.startswith(f"{scope}: ")] == [
            f"{scope}: {', '.join(names)} (5 figures): {note.replace('5 case', f'{n} case')}"]
    assert "case_auc" not in {m.name for m in result.metrics}  # one class: not reported


@pytest.mark.parametrize(("detections", "why"), [
    ([{"box": "abc", "score": 0.5}], 'box 0 is "abc", not a list of coordinates'),
    ([{"box": [0, 0, 10, 10], "score": "0.9"}], "detection 0's score is \"0.9\", not a number"),
    ([{"box": [0, 0, 10, 10], "score": True}], "detection 0's score is true, not a number"),
    ([{"box": [0, 0, 10, 10], "score": 0.9}, {"box": [0, 0, 10], "score": 0.5}],
     "box 1 is [0, 0, 10], not a list of coordinates (4 numbers)"),
    ([{"box": [[0, 0], [10, 10]], "score": 0.9}], "box 0 is [[0, 0], [10, 10]]"),
    ([[0, 0, 10, 10]], "detection 0 is [0, 0, 10, 10], not an object"),
    ({"box": [0, 0, 10, 10]}, 'there is no list "detections"'),
])
def test_each_detection_is_a_box_of_numbers_and_a_score(folder, detections, why):
    # Before: a box "abc" crashed the whole evaluation (ValueError); a score "0.9" or true
    # was read as a number; a nested box was flattened.
    (folder / "pred" / "c1.json").write_text(json.dumps({"detections": detections}))
    data = json.loads(medeval.evaluate(folder / "protocol.toml", folder / "pred").to_json())
    failed = {f["case_id"]: f for f in data["failures"]["cases"]}
    assert failed["c1"]["reason"] == "invalid-output"
    assert why in failed["c1"]["detail"]
    c1 = dict(zip(data["case_columns"], next(c for c in data["cases"] if c[0] == "c1")))
    # worst case: c1's one lesion missed, nothing detected
    assert (c1["n_reference"], c1["n_detections"], c1["true_positives"]) == (1, 0, 0)


@pytest.mark.parametrize(("reference", "why"), [
    ({"boxes": [[5, 5, 15]]}, "reference boxes need 4 (2D) or 6 (3D) columns"),
    ({"boxes": [[5, 5, 15, 15], [5, 5]]}, "box 1 is [5, 5], not a list of coordinates"),
    ({"boxes": [["5", 5, 15, 15]]}, 'box 0 is ["5", 5, 15, 15]'),
    ({"boxes": [[5, 5, 15, 15]], "spacing_mm": "1"}, 'spacing_mm is "1", not a number'),
    ({"boxes": [[15, 15, 5, 5]]}, "reference ref/c1.json"),  # upper corner below lower
])
def test_a_reference_fault_is_the_sets_not_the_algorithms(folder, reference, why):
    (folder / "ref" / "c1.json").write_text(json.dumps(reference))
    with pytest.raises(medeval.MedevalError) as raised:
        medeval.evaluate(folder / "protocol.toml", folder / "pred")
    assert "c1" in str(raised.value) and why in str(raised.value)


def test_an_algorithm_that_fails_every_case_gets_a_result(folder):
    """No prediction at all: under worst-case every lesion is missed (4 lesions, no hit:
    AP 0, sensitivity 0 at every rate: no case scored, and no detection at all), and the
    failures-excluded analysis has no case (NaN, 'no cases') instead of stopping the
    evaluation."""
    for path in (folder / "pred").iterdir():
        path.unlink()
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    assert result.flow.scored == 0 and result.failures.n_failed == len(REFERENCE)
    assert result.metric("froc_sensitivity@1").estimate.value == 0.0
    assert result.metric("detection_average_precision").estimate.value == 0.0
    assert result.tables["froc"]["n_cases_scored"] == 0
    (excluded,) = [m for m in result.failures.alternative.metrics if m.name == "froc_cpm"]
    assert math.isnan(excluded.estimate.value) and excluded.estimate.note == "no cases"


# --- criterion "inside" on 2-D frames: lesion masks as PNG images ---------------------

INSIDE_PROTOCOL = """
[test]
id = "T-IN"
title = "inside"
mode = "pre-check"
[laboratory]
name = "Lab"
[customer]
name = "C"
[algorithm]
name = "A"
version = "1"
[dataset]
manifest = "manifest.csv"
selection = "all"
[task]
type = "detection"
criterion = "inside"
fp_rates = [0.5, 1.0]
[statistics]
seed = 1
n_resamples = 200
[failures]
policy = "worst-case"
[[criteria]]
metric = "froc_cpm"
goal = 0.3
source = "test"
"""


def _inside_set(root: Path, masks: dict, points: dict) -> Path:
    """Frames of 40 x 50 pixels, each with its lesion mask image (saved by the callable
    given) and its detections at (row, column) points."""
    from PIL import Image as PILImage

    for folder in ("frames", "masks", "pred"):
        (root / folder).mkdir()
    rows = []
    for cid, save in masks.items():
        PILImage.fromarray(np.zeros((40, 50, 3), np.uint8)).save(root / "frames" / f"{cid}.jpg")
        name = save(root / "masks" / cid)
        rows.append({"case_id": cid, "patient_id": f"p{cid}", "input": f"frames/{cid}.jpg",
                     "reference": f"masks/{name}"})
        items = [{"point": p, "score": s} for p, s in points[cid]]
        (root / "pred" / f"{cid}.json").write_text(json.dumps({"detections": items}))
    pd.DataFrame(rows).to_csv(root / "manifest.csv", index=False)
    (root / "protocol.toml").write_text(INSIDE_PROTOCOL)
    return root / "pred"


def _lesions() -> np.ndarray:
    mask = np.zeros((40, 50), np.uint8)
    mask[5:10, 5:10] = 1  # lesion 1: rows 5-9, columns 5-9
    mask[20:30, 30:40] = 2  # lesion 2: rows 20-29, columns 30-39
    return mask


def test_inside_on_frames_reads_lesion_masks_as_mask_images_with_row_column_points(tmp_path):
    from PIL import Image as PILImage

    def grey(path):  # labels 1 and 2 as grey levels
        PILImage.fromarray(_lesions()).save(path.with_suffix(".png"))
        return path.name + ".png"

    def palette(path):  # the same labels as palette indices, drawn red and green
        image = PILImage.fromarray(_lesions(), "P")
        image.putpalette([0, 0, 0, 255, 0, 0, 0, 255, 0] + [0] * 759)
        image.save(path.with_suffix(".png"))
        return path.name + ".png"

    def binary(path):  # one lesion, saved 0/255 as mask tools do
        PILImage.fromarray((_lesions() == 2).astype(np.uint8) * 255).save(
            path.with_suffix(".png"))
        return path.name + ".png"

    points = {  # (row, column), the frame's axis order, as the boxes of the example
        "a": [([7, 7], 0.9), ([25, 35], 0.8), ([0, 0], 0.3)],
        "b": [([7, 7], 0.6), ([39, 49], 0.5)],
        "c": [([25, 35], 0.7), ([7, 7], 0.4)],
    }
    predictions = _inside_set(tmp_path, {"a": grey, "b": palette, "c": binary}, points)
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions)
    cases = {row["case_id"]: row for row in result.cases}
    # by hand: a finds both its lesions (1 FP); b finds lesion 1 of 2 (1 FP); c's one
    # lesion (the 0/255 mask is one lesion, not 255) is found (its point at (7, 7) is
    # background there: 1 FP)
    assert [(cases[c]["status"], cases[c]["n_reference"], cases[c]["true_positives"])
            for c in "abc"] == [("ok", 2, 2), ("ok", 2, 1), ("ok", 1, 1)]
    # the FROC of those matches, built from the numpy masks themselves
    refs = {"a": _lesions(), "b": _lesions(), "c": (_lesions() == 2).astype(np.uint8)}
    matches = [match_detections(refs[c], np.asarray([p for p, _ in points[c]], float),
                                [s for _, s in points[c]], criterion="inside")
               for c in "abc"]
    expected = froc(matches, fp_rates=[0.5, 1.0])
    assert result.metric("froc_cpm").estimate.value == pytest.approx(expected.cpm)
    assert expected.sensitivity[-1] == 4 / 5


def test_inside_refuses_lesion_masks_it_cannot_count(tmp_path):
    from PIL import Image as PILImage

    def gap(path):  # labels 1 and 3: lesion 2 has no pixel
        mask = _lesions()
        mask[mask == 2] = 3
        PILImage.fromarray(mask).save(path.with_suffix(".png"))
        return path.name + ".png"

    def jpeg(path):
        PILImage.fromarray(_lesions() * 100).save(path.with_suffix(".jpg"))
        return path.name + ".jpg"

    def small(path):  # drawn on a 20 x 25 copy of the 40 x 50 frame
        PILImage.fromarray(_lesions()[::2, ::2]).save(path.with_suffix(".png"))
        return path.name + ".png"

    points = {c: [([7, 7], 0.9)] for c in ("g", "j", "s")}
    predictions = _inside_set(tmp_path, {"g": gap, "j": jpeg, "s": small}, points)
    with pytest.raises(medeval.ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", predictions)
    problems = "\n".join(caught.value.problems)
    assert "case g:" in problems and "g.png" in problems and "[1, 3]" in problems
    assert "case j:" in problems and "JPEG" in problems
    assert "case s:" in problems and "20 x 25" in problems and "40 x 50" in problems


def _distance_set(root: Path, spacing: list | None) -> Path:
    """Two PNG frames, each with 2 reference points (row, column) in pixels and a
    detection 2.24 px from the first: sqrt(2**2 + 1**2)."""
    from PIL import Image as PILImage

    for folder in ("frames", "ref", "pred"):
        (root / folder).mkdir(parents=True)
    for cid in ("a", "b"):
        PILImage.fromarray(np.zeros((40, 50), np.uint8)).save(root / "frames" / f"{cid}.png")
        reference: dict = {"points": [[10, 10], [30, 40]]}
        if spacing is not None:
            reference["spacing_mm"] = spacing
        (root / "ref" / f"{cid}.json").write_text(json.dumps(reference))
        (root / "pred" / f"{cid}.json").write_text(json.dumps({"detections": [
            {"point": [12, 11], "score": 0.9}, {"point": [0, 0], "score": 0.2}]}))
    pd.DataFrame([{"case_id": c, "patient_id": f"p{c}", "input": f"frames/{c}.png",
                   "reference": f"ref/{c}.json"} for c in ("a", "b")]).to_csv(
        root / "manifest.csv", index=False)
    (root / "protocol.toml").write_text(INSIDE_PROTOCOL.replace(
        'criterion = "inside"', 'criterion = "distance"\nmax_distance_mm = 5.0'))
    return root / "pred"


def test_distance_on_frames_needs_the_pixel_size_nothing_is_taken_as_1_mm(tmp_path):
    # points on a PNG frame, which states no pixel size, and no spacing_mm beside them:
    # refused for every case before anything is scored, as docs/images.md says of every
    # distance on such frames
    predictions = _distance_set(tmp_path / "none", None)
    with pytest.raises(medeval.ManifestError) as caught:
        medeval.evaluate(tmp_path / "none" / "protocol.toml", predictions)
    problems = caught.value.problems
    assert len(problems) == 2 and "case a:" in problems[0] and "spacing_mm" in problems[0]
    assert "frames/a.png" in problems[0]
    # the pixel size given: 2.24 px is 1.12 mm at 0.5 mm (a hit within 5 mm) and 6.7 mm
    # at 3 mm (a miss)
    for spacing, hits in (([0.5, 0.5], 1), ([3.0, 3.0], 0)):
        folder = tmp_path / f"s{spacing[0]}"
        result = medeval.evaluate(folder / "protocol.toml", _distance_set(folder, spacing))
        assert [row["true_positives"] for row in result.cases] == [hits, hits]


def test_a_lesion_free_frame_needs_no_pixel_size_for_distance_matching(tmp_path):
    # a frame without a lesion, {"points": []} with no spacing_mm beside it (as an empty
    # reference is naturally written), was refused as "its points (in pixels) would be
    # taken as millimetres": it has no point, and its detections are false positives in
    # any unit. By hand: frames a and b each hit 1 of their 2 lesions (2.24 px = 1.12 mm
    # at 0.5 mm) at score 0.9, and have a false positive at 0.2; the lesion-free frame c
    # has one at 0.5. Operating points over 3 frames (FP per frame, sensitivity of 4
    # lesions): (0, 2/4) at 0.9, (1/3, 2/4) at 0.5, (1, 2/4) at 0.2.
    predictions = _distance_set(tmp_path, [0.5, 0.5])
    from PIL import Image as PILImage

    PILImage.fromarray(np.zeros((40, 50), np.uint8)).save(tmp_path / "frames" / "c.png")
    (tmp_path / "ref" / "c.json").write_text(json.dumps({"points": []}))
    (predictions / "c.json").write_text(json.dumps({"detections": [
        {"point": [5, 5], "score": 0.5}]}))
    manifest = pd.read_csv(tmp_path / "manifest.csv")
    manifest.loc[len(manifest)] = ["c", "pc", "frames/c.png", "ref/c.json"]
    manifest.to_csv(tmp_path / "manifest.csv", index=False)
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions)
    assert [row["true_positives"] for row in result.cases] == [1, 1, 0]
    assert result.metric("froc_sensitivity@0.5").estimate.value == pytest.approx(2 / 4)
    # a frame with points and no spacing_mm is still refused, naming it
    (tmp_path / "ref" / "c.json").write_text(json.dumps({"points": [[20, 20]]}))
    with pytest.raises(medeval.ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", predictions)
    assert ["case c:" in p and "spacing_mm" in p for p in caught.value.problems] == [True]


def test_logit_scores_with_an_undetected_case_give_the_case_auc(folder):
    # A detector scoring in logits (negative for unlikely boxes) and a case with no
    # detection (c4): the evaluation stopped with case_scores' refusal of the default
    # no-detection score 0, which would rank c4 above c0..c2. A case without detection
    # ranks below every detected case: scikit-learn's AUC with -1e9 for it.
    from sklearn.metrics import roc_auc_score

    logits = {"c0": [([0, 0, 10, 10], 2.2), ([50, 50, 60, 60], -0.8)],
              "c1": [([80, 80, 90, 90], -1.5)], "c2": [([5, 5, 9, 9], -0.2)],
              "c3": [([40, 40, 60, 60], -2.7)], "c4": []}
    for cid, dets in logits.items():
        items = [{"box": b, "score": s} for b, s in dets]
        (folder / "pred" / f"{cid}.json").write_text(json.dumps({"detections": items}))
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    y = [1 if REFERENCE[c] else 0 for c in logits]
    s = [max((sc for _, sc in d), default=-1e9) for d in logits.values()]
    # by hand: lesion cases c0 2.2, c1 -1.5, c3 -2.7 against c2 -0.2 and c4 (none):
    # c0 above both, c1 and c3 above c4 only: 4 of 6 pairs
    assert result.metric("case_auc").estimate.value == pytest.approx(
        roc_auc_score(y, s), abs=1e-12) == pytest.approx(4 / 6)


def test_detections_normalised_to_the_image_are_scored_as_given_and_warned_of(folder):
    # a detector's boxes divided by a 100 px image's size: every one misses (CPM 0, as
    # froc() gives on the same boxes), and the result's warnings say what they look like
    in_pixels = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    assert not [w for w in in_pixels.warnings if "within [-1, 1]" in w]
    for cid, dets in DETECTIONS.items():
        if dets is not None:
            items = [{"box": [v / 100 for v in b], "score": s} for b, s in dets]
            (folder / "pred" / f"{cid}.json").write_text(json.dumps({"detections": items}))
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    matches = [match_detections(
        np.asarray(REFERENCE[cid], float).reshape(-1, 4),
        np.asarray([[v / 100 for v in b] for b, _ in DETECTIONS[cid] or []],
                   float).reshape(-1, 4),
        [s for _, s in DETECTIONS[cid] or []], criterion="iou", iou_threshold=0.3)
        for cid in REFERENCE]
    assert result.metric("froc_cpm").estimate.value == froc(
        matches, fp_rates=[0.5, 1.0, 2.0]).cpm == 0.0
    # the largest: c1's 90 / 100; the reference's: c3's 60 (c3 failed: not counted), so
    # c0's 30 and c1's 15: 30
    assert ("all cases: every coordinate of the detections lies within [-1, 1] (the largest "
            "0.9), while the reference's coordinates reach 30: are they normalised to the "
            "image's size?") in "\n".join(result.warnings)


def test_a_reference_saved_with_a_byte_order_mark_is_read(folder):
    # Windows Notepad saves UTF-8 with a BOM and CRLF: the detection task refused such a
    # reference ("Unexpected UTF-8 BOM"), where EEG references, 2-D annotation files and
    # predictions read it; the figures are those of match_detections + froc by hand above
    for cid in REFERENCE:
        path = folder / "ref" / f"{cid}.json"
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n") + b"\r\n")
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    # 4 lesions: the hits at 0.9 and 0.4 (test_matches_froc_on_the_same_cases)
    assert result.metric("froc_sensitivity@2").estimate.value == pytest.approx(0.5)
    assert [c["case_id"] for c in json.loads(result.to_json())["failures"]["cases"]] == ["c3"]


def test_an_empty_or_cp949_prediction_fails_its_case_saying_so(folder):
    # the message was json's 'Expecting value: line 1 column 1 (char 0)' for a 0-byte
    # file, and "'utf-8' codec can't decode byte 0xbe" for one written in CP949
    (folder / "pred" / "c0.json").write_bytes(b"")
    (folder / "pred" / "c1.json").write_bytes('{"detections": [], "비고": "없음"}'.encode("cp949"))
    data = json.loads(medeval.evaluate(folder / "protocol.toml", folder / "pred").to_json())
    failed = {c["case_id"]: c for c in data["failures"]["cases"]}
    assert sorted(failed) == ["c0", "c1", "c3"]
    assert failed["c0"]["reason"] == failed["c1"]["reason"] == "invalid-output"
    assert "c0.json is empty: no JSON in it" in failed["c0"]["detail"]
    # '{"detections": [], "' is 20 bytes; '비' in CP949 is BA F1, not UTF-8 (BA never
    # starts a UTF-8 sequence): line 1's 21st byte
    assert "비".encode("cp949") == bytes.fromhex("baf1")
    assert ("c1.json is not UTF-8 text (line 1, byte 21 of the line, file offset 20: byte "
            "ba;") in failed["c1"]["detail"]


def evaluate_on_frames(root: Path, reference: list[int], box: list[int], out: str):
    """Two PNG frames 40 px wide and 20 px high, each with the one reference box and the
    one detection box (score 0.9) given, evaluated with the example's protocol."""
    from PIL import Image

    for folder in ("in", "ref", out):
        (root / folder).mkdir(exist_ok=True)
    rows = []
    for i, cid in enumerate(("c0", "c1")):
        Image.new("L", (40, 20)).save(root / "in" / f"{cid}.png")
        (root / "ref" / f"{cid}.json").write_text(json.dumps({"boxes": [reference]}))
        (root / out / f"{cid}.json").write_text(json.dumps(
            {"detections": [{"box": box, "score": 0.9}]}))
        rows.append({"case_id": cid, "patient_id": f"p{i}", "input": f"in/{cid}.png",
                     "reference": f"ref/{cid}.json"})
    pd.DataFrame(rows).to_csv(root / "manifest.csv", index=False)
    (root / "protocol.toml").write_text(PROTOCOL)
    return medeval.evaluate(root / "protocol.toml", root / out)


def test_boxes_given_column_first_are_warned_of(tmp_path):
    # The detection task reads a box in the image's axis order, [row0, col0, row1, col1];
    # a YOLO team hands [x1, y1, x2, y2]. On frames 40 px wide and 20 px high the polyp
    # at rows 2-8, columns 25-35 is [2, 25, 8, 35]; given as [25, 2, 35, 8] it reaches
    # row 35, past the 20 rows, and overlaps nothing (IoU 0): sensitivity 0, and nothing
    # said. Now the result warns. Found in the detection-pass.
    result = evaluate_on_frames(tmp_path, [2, 25, 8, 35], [25, 2, 35, 8], "xy")
    assert result.metric("froc_sensitivity@0.5").estimate.value == 0.0
    assert ("all cases: the detection boxes of 2 case(s) reach past their frame's bottom or "
            "right edge read as [row0, col0, row1, col1] (e.g. case c0: [25, 2, 35, 8] on a "
            "frame 40 px wide, 20 px high), while every box lies inside its frame read as "
            "[x1, y1, x2, y2]: were (x, y) corners given?") in " ".join(result.warnings)
    result = evaluate_on_frames(tmp_path, [2, 25, 8, 35], [2, 25, 8, 35], "rc")
    assert result.metric("froc_sensitivity@0.5").estimate.value == 1.0
    assert not any("row0" in w for w in result.warnings)


def test_boxes_and_reference_both_given_column_first_are_not_warned_of(tmp_path):
    # The reference, too, is written [x1, y1, x2, y2]: on frames 40 px wide and 20 px
    # high the polyp at columns 25-35, rows 2-8 is [25, 2, 35, 8] in both files. Read
    # row first, both reach row 35, past the 20 rows, but they are the same box: IoU 1
    # (swapping both boxes' axes changes no overlap), sensitivity 1. The result warned
    # "were (x, y) corners given? ... scored as given", which casts doubt on figures that
    # are right. Found in the review of the detection-pass.
    result = evaluate_on_frames(tmp_path, [25, 2, 35, 8], [25, 2, 35, 8], "pred")
    assert result.metric("froc_sensitivity@0.5").estimate.value == 1.0
    assert not any("row0" in w for w in result.warnings), result.warnings



def test_a_score_that_is_not_finite_is_named(folder):
    # Python's json.dumps writes float("nan") as NaN and float("-inf") as -Infinity, and
    # json.loads reads them back: the case fails naming the detection and its score
    # (before: "match_detections: scores must be finite", no detection named)
    for cid, score in (("c1", math.nan), ("c2", -math.inf)):
        (folder / "pred" / f"{cid}.json").write_text(json.dumps({"detections": [
            {"box": [5, 5, 15, 15], "score": 0.5}, {"box": [1, 1, 4, 4], "score": score}]}))
    assert "NaN" in (folder / "pred" / "c1.json").read_text()
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    failed = {f.case_id: f.detail for f in result.failures.cases}
    assert set(failed) == {"c1", "c2", "c3"}
    assert "detection 1's score is NaN, not a finite number" in failed["c1"]
    assert "detection 1's score is -Infinity, not a finite number" in failed["c2"]


def test_a_failed_case_ranks_wrongly_in_the_case_auc(folder):
    # worst case: c3 (lesion, no prediction file) already scored as a case without
    # detection; c4 (lesion-free) now fails too. A failed lesion-free case scored as a
    # case without detection ranked as a right negative, so failing c4 left the AUC of
    # the five cases where a perfect answer for c4 put it. Ranked wrongly, c4 is above
    # every case: scikit-learn's AUC with +1e9 for c4 and -1e9 for c3.
    from sklearn.metrics import roc_auc_score

    (folder / "pred" / "c4.json").unlink()
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    assert result.flow.failed == 2
    y = [1, 1, 0, 1, 0]  # c0..c4 hold a lesion
    s = [0.9, 0.8, 0.5, -1e9, 1e9]
    # by hand: lesion cases c0 0.9, c1 0.8, c3 (failed) against c2 0.5 and c4 (failed):
    # c0 and c1 above c2 only, c3 above neither: 2 of 6 pairs
    auc = result.metric("case_auc")
    assert auc.definition == "case_roc_auc"
    assert auc.estimate.value == pytest.approx(roc_auc_score(y, s), abs=1e-12) \
        == pytest.approx(2 / 6)
