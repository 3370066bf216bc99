"""Failed frames of ``detection`` and ``coco-detection`` under ``worst-case``: their lesions
count, missed, but they add no frame to the false positives per frame of the FROC.

Counted there with no false positive of their own, the failed frames lowered the FP per
frame, so the worst-case sensitivity at a fixed rate came out higher than with the
failures excluded (an endoscopy set: froc_sensitivity@0.1 0.6188 worst case against 0.6011
excluded). The expected figures are counted here, not by medeval: the ``detection``
example's boxes by a small greedy IoU matching written below, the ``polyp-detection``
example's by pycocotools' ``COCOeval`` matching at IoU 0.5.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

import medeval

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _copy(tmp_path: Path, example: str, remove: list[str], extra: str = "") -> Path:
    folder = shutil.copytree(EXAMPLES / example, tmp_path / example,
                             ignore=shutil.ignore_patterns("result*"))
    for case in remove:
        (folder / "predictions" / f"{case}.json").unlink()
    if extra:
        protocol = folder / "protocol.toml"
        protocol.write_text(protocol.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return folder


def _manifest(folder: Path) -> list[dict[str, str]]:
    with open(folder / "manifest.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _step(points: list[tuple[float, bool, str]], lesions: int, cases: int,
          rate: float) -> float:
    """The sensitivity at ``rate`` FP per case: pooled detections (score, hit, case) in
    decreasing score, the operating point (all detections of a score at once) with the
    most FP per case not above the rate; 0 before the first."""
    points = sorted(points, key=lambda p: -p[0])
    tp = fp = 0
    best = 0.0
    for k, (score, hit, _) in enumerate(points):
        tp, fp = tp + hit, fp + (not hit)
        if k + 1 < len(points) and points[k + 1][0] == score:
            continue  # a tie: one operating point
        if fp / cases <= rate:
            best = tp / lesions
    return best


def _iou(a: list[float], b: list[float]) -> float:
    """Boxes as corners [r0, c0, r1, c1]."""
    rows = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    cols = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = rows * cols
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / area


def _greedy(reference: list[list[float]], detections: list[dict[str, object]],
            threshold: float) -> list[tuple[float, bool]]:
    """Each detection, highest score first, takes the free reference box of highest IoU
    >= threshold (no two lesions compete in this set, so one to one is greedy)."""
    free = list(range(len(reference)))
    out = []
    for d in sorted(detections, key=lambda d: -float(d["score"])):  # type: ignore[arg-type]
        ious = [(_iou(reference[i], d["box"]), i) for i in free]  # type: ignore[arg-type]
        best = max(ious, default=(0.0, -1))
        hit = best[0] >= threshold
        if hit:
            free.remove(best[1])
        out.append((float(d["score"]), hit))  # type: ignore[arg-type]
    return out


# the detection example: F-06 (no file) and F-10 (a box of 3 numbers) fail already; the
# predictions of F-09, F-11 and F-12 removed make 5 failed of 12, 7 frames scored
DETECTION_REMOVED = ["F-09", "F-11", "F-12"]
DETECTION_FAILED = {"F-06", "F-10", *DETECTION_REMOVED}


def _detection_points(folder: Path, rows: list[dict[str, str]]
                      ) -> tuple[list[tuple[float, bool, str]], dict[str, int]]:
    points, lesions = [], {}
    for row in rows:
        case = row["case_id"]
        reference = json.loads((folder / row["reference"]).read_text())["boxes"]
        lesions[case] = len(reference)
        if case in DETECTION_FAILED:
            continue
        detections = json.loads((folder / "predictions" / f"{case}.json").read_text())
        points += [(s, h, case) for s, h in _greedy(reference, detections["detections"], 0.3)]
    return points, lesions


def test_a_failed_frame_adds_no_frame_to_the_false_positives_per_frame(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "detection", DETECTION_REMOVED,
                   '[subgroups]\ncolumns = ["site"]\n')
    rows = _manifest(folder)
    result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    assert {f.case_id for f in result.failures.cases} == DETECTION_FAILED
    points, lesions = _detection_points(folder, rows)
    scored = [r["case_id"] for r in rows if r["case_id"] not in DETECTION_FAILED]
    all_lesions = sum(lesions.values())
    scored_lesions = sum(lesions[c] for c in scored)
    assert (len(scored), all_lesions, scored_lesions) == (7, 9, 5)
    # by hand: the hits 0.91, 0.86, 0.77, 0.68, 0.52 among false positives 0.80, 0.75,
    # 0.62, 0.55, 0.41 ...; at 0.5 FP per frame over the 7 frames scored (3.5 FP) the
    # operating point 0.62 (3 FP, 4 hits): 4/9; over all 12 frames (6 FP) it was 5/9
    assert _step(points, all_lesions, len(scored), 0.5) == pytest.approx(4 / 9)
    assert _step(points, all_lesions, len(rows), 0.5) == pytest.approx(5 / 9)
    alternative = {m.name: m for m in result.failures.alternative.metrics}
    for rate in (0.5, 1.0, 2.0):
        worst = result.metric(f"froc_sensitivity@{rate:g}").estimate.value
        excluded = alternative[f"froc_sensitivity@{rate:g}"].estimate.value
        assert worst == pytest.approx(_step(points, all_lesions, len(scored), rate))
        assert excluded == pytest.approx(_step(points, scored_lesions, len(scored), rate))
        assert worst <= excluded
    froc = result.tables["froc"]
    assert (froc["n_cases"], froc["n_cases_scored"]) == (12, 7)
    # the FP per frame of the table's curve: false positives over the 7 frames scored
    fp = np.cumsum([not h for _, h, _ in sorted(points, key=lambda p: -p[0])])
    np.testing.assert_allclose(froc["fp_per_case"][-1], fp[-1] / 7)
    # subgroups: site A (F-01..F-04, F-08..F-10; F-09 and F-10 failed) and site B (F-05..
    # F-07, F-11, F-12; all failed but F-05 and F-07), each over its own frames scored
    sites = {r["case_id"]: r["site"] for r in rows}
    for group in result.subgroups:
        members = [c for c, s in sites.items() if s == group.value]
        mine = [p for p in points if sites[p[2]] == group.value]
        n_scored = sum(c not in DETECTION_FAILED for c in members)
        n_lesions = sum(lesions[c] for c in members)
        metric = {m.name: m for m in group.metrics}["froc_sensitivity@0.5"]
        assert metric.estimate.value == pytest.approx(_step(mine, n_lesions, n_scored, 0.5))


def test_every_frame_failed_detects_nothing_and_fails(tmp_path: Path) -> None:
    # No frame scored: the false positives per frame have no frame to be over, but no
    # detection exists either (a failed frame has none), so the curve is its origin and
    # the sensitivity is 0 at every rate (every lesion missed), not undefined (0/0). The
    # criterion (froc_cpm >= 0.5) is not met; its interval [0, 0] has zero width, which
    # the guarded rule calls INCONCLUSIVE, never a PASS
    folder = _copy(tmp_path, "detection", [])
    for path in (folder / "predictions").iterdir():
        path.unlink()
    result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    for name in ("froc_cpm", "froc_sensitivity@0.5"):
        estimate = result.metric(name).estimate
        assert (estimate.value, estimate.low, estimate.high) == (0.0, 0.0, 0.0)
        assert estimate.note is None
    assert result.tables["froc"]["n_cases_scored"] == 0
    [verdict] = result.verdicts
    assert verdict.outcome == "INCONCLUSIVE" and "zero width" in verdict.reason


# the polyp-detection example: D-06 (no file) and D-13 (a box of 3 numbers) fail already;
# seven more removed make 9 failed of 18, 9 frames scored
COCO_REMOVED = ["D-01", "D-02", "D-04", "D-05", "D-07", "D-09", "D-10"]
COCO_FAILED = {"D-06", "D-13", *COCO_REMOVED}


def test_a_failed_coco_frame_adds_no_frame_to_the_false_positives_per_frame(
        tmp_path: Path) -> None:
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    folder = _copy(tmp_path, "polyp-detection", COCO_REMOVED)
    result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    assert {f.case_id for f in result.failures.cases} == COCO_FAILED
    rows = _manifest(folder)
    gt = json.loads((folder / "annotations" / "instances.json").read_text())
    ids = {image["file_name"]: image["id"] for image in gt["images"]}
    image_of = {r["case_id"]: ids[r["reference"].split("#", 1)[1]] for r in rows}
    scored = [c for c in image_of if c not in COCO_FAILED]
    detections = [{**d, "image_id": image_of[c]} for c in scored for d in json.loads(
        (folder / "predictions" / f"{c}.json").read_text())]
    reference = COCO()
    reference.dataset = gt
    reference.createIndex()
    evaluation = COCOeval(reference, reference.loadRes(detections), "bbox")
    evaluation.params.iouThrs = np.array([0.5])
    evaluation.params.maxDets = [100]
    evaluation.params.areaRng, evaluation.params.areaRngLbl = [[0, 1e10]], ["all"]
    evaluation.evaluate()
    points = [(score, bool(match > 0), str(e["image_id"])) for e in evaluation.evalImgs
              if e is not None for score, match in zip(e["dtScores"], e["dtMatches"][0])]
    lesions = {image_of[c]: 0 for c in image_of}
    for a in gt["annotations"]:
        lesions[a["image_id"]] += 1
    all_lesions = sum(lesions.values())
    scored_lesions = sum(lesions[image_of[c]] for c in scored)
    assert (len(scored), all_lesions, scored_lesions) == (9, 18, 9)
    # at 0.1 FP per frame over the 9 frames scored (0.9 FP) no false positive is allowed:
    # the polyps hit above D-08's fold (0.689): D-12's 0.845 and D-15's 0.755, 2 of 18;
    # over all 18 frames one false positive was allowed and 8 of 18 read
    assert _step(points, all_lesions, 9, 0.1) == pytest.approx(2 / 18)
    assert _step(points, all_lesions, 18, 0.1) == pytest.approx(8 / 18)
    alternative = {m.name: m for m in result.failures.alternative.metrics}
    for rate in (0.1, 0.25, 0.5, 1.0):
        worst = result.metric(f"froc_sensitivity@{rate:g}").estimate.value
        excluded = alternative[f"froc_sensitivity@{rate:g}"].estimate.value
        assert worst == pytest.approx(_step(points, all_lesions, len(scored), rate))
        assert excluded == pytest.approx(_step(points, scored_lesions, len(scored), rate))
        assert worst <= excluded
    assert (result.tables["froc"]["n_cases"], result.tables["froc"]["n_cases_scored"]) == (
        18, 9)
