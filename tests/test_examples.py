"""Every example runs as its README and its protocol say, from a copy of its folder.

For each ``examples/<task>/``, the folder is copied to a temporary directory (nothing is
written into the repository), the command of the protocol's ``# Run:`` line is run there
by the shell, exactly as written, and it must end with exit status 0 and a
``result/result.json``. A few numbers of each result are then checked against values the
test computes itself from the example's files, with other tools: scikit-learn and
statsmodels for classification, numpy for agreement, SimpleITK, numpy and MedPy for the
masks, IoU and a FROC worked out here for detection, ``timescoring`` (SzCORE's reference
library) for the EEG events, and wfdb's ``compare_annotations`` for the ECG beats. The
runner example's README commands are run the same way (they need bubblewrap).
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from statsmodels.stats.proportion import proportion_confint

from medeval.result import Result, read_result, verify_result

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
TASKS = ("binary-classification", "multiclass-classification", "segmentation", "detection",
         "ecg-beats", "eeg-events", "measurement", "multilabel-classification")
#: "A few seconds" per example, with room for a slow machine.
SECONDS = 30.0


def shell(command: str, cwd: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run a command with the shell, as a user would type it; the digest cache in tmp."""
    env = dict(os.environ, MEDEVAL_CACHE_DIR=str(tmp_path / "cache"))
    # `medeval` and `python3` are this interpreter's (the one with medeval installed).
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(command, shell=True, cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def run_command(command: str, cwd: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run a documented command: it must succeed, in a few seconds."""
    started = time.perf_counter()
    done = shell(command, cwd, tmp_path)
    elapsed = time.perf_counter() - started
    assert done.returncode == 0, f"{command!r} in {cwd}: exit {done.returncode}\n" \
                                 f"{done.stdout}\n{done.stderr}"
    assert elapsed < SECONDS, f"{command!r} took {elapsed:.1f} s"
    return done


def run_example(name: str, tmp_path: Path) -> tuple[dict, Path, str]:
    """Copy the example, run its protocol's ``# Run:`` command; the result JSON, the copy
    and what the command printed."""
    folder = shutil.copytree(EXAMPLES / name, tmp_path / name,
                             ignore=shutil.ignore_patterns("result", "__pycache__"))
    protocol = (folder / "protocol.toml").read_text(encoding="utf-8")
    (command,) = re.findall(r"^# Run: (.+)$", protocol, flags=re.MULTILINE)
    assert command == "medeval evaluate protocol.toml --predictions predictions/ --out result/"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert command in readme, f"{name}/README.md does not show the command"
    done = run_command(command, folder, tmp_path)
    result = folder / "result" / "result.json"
    assert result.is_file()
    # The typed result reads the file back to the same bytes, and it verifies.
    payload = result.read_bytes()
    assert read_result(result).to_json() == payload
    assert Result.from_json(payload).to_json() == payload
    verify_result(result)
    return json.loads(payload), folder, done.stdout


def manifest_rows(folder: Path) -> list[dict[str, str]]:
    with (folder / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def json_prediction(folder: Path, case_id: str) -> object:
    """The case's prediction file parsed, or None when there is none."""
    path = folder / "predictions" / f"{case_id}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def metric(result: dict, name: str) -> dict:
    return result["metrics"][name]


def failures(result: dict) -> dict[str, str]:
    return {item["case_id"]: item["reason"] for item in result["failures"]["cases"]}


def verdicts(result: dict) -> dict[str, str]:
    return {item["metric"]: item["outcome"] for item in result["verdicts"]}


def guarded(low: float, high: float, goal: float, higher_is_better: bool = True) -> str:
    """ILAC-G8 guarded acceptance, worked here: PASS when the unfavourable bound meets the
    goal, FAIL when the favourable bound misses it."""
    if not higher_is_better:
        low, high, goal = -high, -low, -goal
    return "PASS" if low >= goal else "FAIL" if high < goal else "INCONCLUSIVE"


def korn_graubard_wilson(hits: np.ndarray, patients: np.ndarray) -> tuple[float, float]:
    """Wilson's interval on the effective sample size of clustered 0/1 outcomes:
    v = K/(K-1) sum_i (y_i - p m_i)^2 / n^2, d = v / (p(1-p)/(n-1)), n* = n / max(d, 1)
    (Rao & Scott 1992; Korn & Graubard 1998), statsmodels' Wilson on (p n*, n*)."""
    p, n = hits.mean(), hits.size
    ids = sorted(set(patients.tolist()))
    y_i = np.array([hits[patients == k].sum() for k in ids])
    m_i = np.array([(patients == k).sum() for k in ids])
    if 0 < p < 1:
        v = len(ids) / (len(ids) - 1) * ((y_i - p * m_i) ** 2).sum() / n**2
        n = n / max(v / (p * (1 - p) / (n - 1)), 1.0)
    low, high = proportion_confint(p * n, n, alpha=0.05, method="wilson")
    return float(low), float(high)


def check_flow(result: dict, n_cases: int, failed: dict[str, str]) -> None:
    assert failures(result) == failed
    assert result["flow"]["registered"] == n_cases
    assert result["flow"]["failed"] == len(failed)
    assert result["failures"]["policy"] == "worst-case"


def test_every_task_has_a_runnable_example():
    for name in TASKS:
        folder = EXAMPLES / name
        for needed in ("protocol.toml", "manifest.csv", "README.md", "predictions"):
            assert (folder / needed).exists(), f"examples/{name}/{needed}"
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        assert size < 500_000, f"examples/{name} holds {size} bytes"
        patients = {row["patient_id"] for row in manifest_rows(folder)}
        assert len(patients) >= 2, name


def test_binary_classification(tmp_path):
    from sklearn.metrics import confusion_matrix, roc_auc_score

    result, folder, printed = run_example("binary-classification", tmp_path)
    rows = manifest_rows(folder)
    truth = np.array([int(row["reference"]) for row in rows])
    scores, failed = [], {}
    for row in rows:
        data = json_prediction(folder, row["case_id"])
        value = data.get("score") if isinstance(data, dict) else None
        if data is None:
            failed[row["case_id"]] = "missing-output"
        elif not isinstance(value, (int, float)):
            failed[row["case_id"]] = "invalid-output"
        scores.append(float(value) if isinstance(value, (int, float)) else math.nan)
    scores = np.array(scores)
    check_flow(result, len(rows), failed)
    assert failed == {"WDBC-0002": "missing-output", "WDBC-0053": "invalid-output"}
    # worst-case: a failed case is a wrong answer (a positive called negative, and so on)
    bad = np.isnan(scores)
    decided = np.where(bad, 1 - truth, (scores >= 0.5).astype(int))
    tn, fp, fn, tp = confusion_matrix(truth, decided, labels=[0, 1]).ravel()
    assert result["tables"]["confusion_matrix"] == {"tp": tp, "fp": fp, "fn": fn, "tn": tn}
    for name, num, den in (("sensitivity", tp, tp + fn), ("specificity", tn, tn + fp)):
        m = metric(result, name)
        assert (m["numerator"], m["n"]) == (num, den)
        low, high = proportion_confint(num, den, alpha=0.05, method="wilson")
        assert (m["value"], m["low"], m["high"]) == pytest.approx((num / den, low, high))
    goals = {c["metric"]: c["goal"] for c in result["protocol"]["criteria"]}
    assert verdicts(result) == {
        name: guarded(metric(result, name)["low"], metric(result, name)["high"], goal)
        for name, goal in goals.items()}
    # and for the AUC a failed case ranks below every positive, above every negative
    ranked = np.where(bad, np.where(truth == 1, scores[~bad].min() - 1,
                                    scores[~bad].max() + 1), scores)
    assert metric(result, "roc_auc")["value"] == pytest.approx(roc_auc_score(truth, ranked))
    # the site subgroup, as the protocol asks
    sites = np.array([row["site"] for row in rows])
    for site in ("A", "B"):
        pick = sites == site
        expected = np.mean(decided[pick & (truth == 1)] == 1)
        got = result["subgroups"]["site"][site]["metrics"]["sensitivity"]["value"]
        assert got == pytest.approx(expected)
    assert "overall: FAIL" in printed


def test_multiclass_classification(tmp_path):
    from sklearn.metrics import accuracy_score, cohen_kappa_score, precision_score, recall_score

    result, folder, printed = run_example("multiclass-classification", tmp_path)
    rows = manifest_rows(folder)
    labels = ["G1", "G2", "G3"]
    truth, answers, failed = [], [], {}
    for row in rows:
        data = json_prediction(folder, row["case_id"])
        label = data.get("label") if isinstance(data, dict) else None
        if data is None:
            failed[row["case_id"]] = "missing-output"
        elif label not in labels:
            failed[row["case_id"]] = "invalid-output"
        truth.append(row["reference"])
        answers.append(label if label in labels else "none")  # worst-case: no answer
    check_flow(result, len(rows), failed)
    assert sorted(failed.values()) == ["invalid-output", "missing-output"]
    correct = sum(t == a for t, a in zip(truth, answers))
    assert (metric(result, "accuracy")["numerator"], metric(result, "accuracy")["n"]) == \
        (correct, len(rows))
    assert metric(result, "accuracy")["value"] == pytest.approx(accuracy_score(truth, answers))
    assert metric(result, "sensitivity@macro")["value"] == pytest.approx(
        recall_score(truth, answers, labels=labels, average="macro"))
    assert metric(result, "ppv@macro")["value"] == pytest.approx(
        precision_score(truth, answers, labels=labels, average="macro"))
    assert metric(result, "cohen_kappa")["value"] == pytest.approx(
        cohen_kappa_score(truth, answers))
    m = metric(result, "sensitivity@macro")
    assert verdicts(result) == {"sensitivity@macro": guarded(m["low"], m["high"], 0.5)}
    assert "overall:" in printed


def test_multiclass_probabilities(tmp_path):
    # the AUCs of the class probabilities, by scikit-learn from the example's files; a
    # failed case (no file, probabilities not summing to 1) ranks wrongly (worst-case)
    from sklearn.metrics import roc_auc_score

    result, folder, printed = run_example("multiclass-probabilities", tmp_path)
    rows = manifest_rows(folder)
    truth = np.array([int(row["reference"]) for row in rows])
    scores, failed = np.zeros((len(rows), 5)), {}
    for i, row in enumerate(rows):
        data = json_prediction(folder, row["case_id"])
        p = None if data is None else [data["probabilities"][str(k)] for k in range(5)]
        if p is None or abs(sum(p) - 1) > 0.001:
            failed[row["case_id"]] = "missing-output" if p is None else "invalid-output"
            p = [2.0] * 5
            p[truth[i]] = -1.0
        scores[i] = p
    check_flow(result, len(rows), failed)
    for k in range(5):
        assert metric(result, f"auc@{k}")["value"] == pytest.approx(
            roc_auc_score(truth == k, scores[:, k]))
    assert metric(result, "auc@macro")["value"] == pytest.approx(
        np.mean([roc_auc_score(truth == k, scores[:, k]) for k in range(5)]))
    referable = scores[:, 2:].sum(axis=1)
    for i, row in enumerate(rows):
        if row["case_id"] in failed:
            referable[i] = -1.0 if truth[i] >= 2 else 2.0
    assert metric(result, "referable_auc@2")["value"] == pytest.approx(
        roc_auc_score(truth >= 2, referable))
    expected = {}
    for name, goal in (("referable_auc@2", 0.8), ("auc@macro", 0.7)):
        m = metric(result, name)
        expected[name] = guarded(m["low"], m["high"], goal)
    assert verdicts(result) == expected
    assert "overall:" in printed


def test_multilabel_classification(tmp_path):
    # each label's figures, the macro AUC, Hamming loss and subset accuracy by scikit-learn
    # from the example's files; a failed record (no file, a label without score) gets
    # every label wrong and ranks wrongly for every AUC (worst-case); the README's
    # printed lines are the run's, and the table gives the same figures
    from sklearn.metrics import accuracy_score, hamming_loss, recall_score, roc_auc_score

    result, folder, printed = run_example("multilabel-classification", tmp_path)
    labels = ["NORM", "MI", "STTC", "CD", "HYP"]
    cuts = {"NORM": 0.5, "MI": 0.35, "STTC": 0.4, "CD": 0.4, "HYP": 0.3}
    rows = manifest_rows(folder)
    truth = np.array([[label in row["reference"].split(";") for label in labels]
                      for row in rows])
    scores, failed = np.zeros(truth.shape), {}
    for i, row in enumerate(rows):
        data = json_prediction(folder, row["case_id"])
        given = data["scores"] if isinstance(data, dict) else {}
        if set(given) != set(labels):
            failed[row["case_id"]] = "missing-output" if data is None else "invalid-output"
            scores[i] = np.where(truth[i], -1.0, 2.0)
        else:
            scores[i] = [given[label] for label in labels]
    check_flow(result, len(rows), failed)
    assert sorted(failed.values()) == ["invalid-output", "missing-output"]
    decided = scores >= np.array([cuts[label] for label in labels])
    for k, label in enumerate(labels):
        assert metric(result, f"sensitivity@{label}")["value"] == pytest.approx(
            recall_score(truth[:, k], decided[:, k]))
        assert metric(result, f"auc@{label}")["value"] == pytest.approx(
            roc_auc_score(truth[:, k], scores[:, k]))
    assert metric(result, "auc@macro")["value"] == pytest.approx(
        roc_auc_score(truth, scores, average="macro"))
    assert metric(result, "hamming_loss")["value"] == pytest.approx(
        hamming_loss(truth, decided))
    assert metric(result, "subset_accuracy")["value"] == pytest.approx(
        accuracy_score(truth, decided))
    expected = {}
    for name, goal in (("auc@macro", 0.8), ("sensitivity@MI", 0.6)):
        m = metric(result, name)
        expected[name] = guarded(m["low"], m["high"], goal)
    assert verdicts(result) == expected
    readme = (folder / "README.md").read_text(encoding="utf-8")
    shown = [line.strip() for line in readme.splitlines() if line.startswith("    ")
             and line.strip().startswith(
                 ("cases:", "failed cases by reason:", "thresholds", "sensitivity@",
                  "specificity@", "ppv@", "auc@", "hamming_loss", "subset_accuracy",
                  "INCONCLUSIVE", "PASS", "FAIL", "overall:", "label ",
                  *(f"{label} " for label in labels)))]
    assert len(shown) == 26
    assert [line for line in shown if line not in printed] == []
    table = shell("medeval evaluate protocol.toml --predictions predictions.csv --out "
                  "table/", folder, tmp_path)
    assert table.returncode == 0, table.stderr
    again = json.loads((folder / "table" / "result.json").read_text(encoding="utf-8"))
    assert {name: m["value"] for name, m in again["metrics"].items()} == \
        {name: m["value"] for name, m in result["metrics"].items()}
    assert failures(again) == failed


def test_measurement(tmp_path):
    result, folder, _ = run_example("measurement", tmp_path)
    rows = manifest_rows(folder)
    reference, measured, failed = [], [], {}
    for row in rows:
        data = json_prediction(folder, row["case_id"])
        value = data.get("value") if isinstance(data, dict) else None
        if data is None:
            failed[row["case_id"]] = "missing-output"
        elif not isinstance(value, (int, float)):
            failed[row["case_id"]] = "invalid-output"
        else:
            reference.append(float(row["reference"]))
            measured.append(float(value))
    check_flow(result, len(rows), failed)
    x, y = np.array(reference), np.array(measured)
    d = y - x
    # Lin (1989): 2 s_xy / (s_x^2 + s_y^2 + (mean_x - mean_y)^2), moments over n
    ccc = 2 * np.mean((x - x.mean()) * (y - y.mean())) / (
        x.var() + y.var() + (x.mean() - y.mean()) ** 2)
    expected = {"bias": d.mean(), "mae": np.abs(d).mean(), "rmse": np.sqrt(np.mean(d ** 2)),
                "lins_ccc": ccc, "completion_rate": len(d) / len(rows)}
    for name, value in expected.items():
        assert metric(result, name)["value"] == pytest.approx(value), name
    low, high = proportion_confint(len(d), len(rows), method="wilson")
    rate = metric(result, "completion_rate")
    assert (rate["low"], rate["high"]) == pytest.approx((low, high))
    assert metric(result, "lins_ccc")["n"] == len(d) == len(rows) - 2


def test_segmentation(tmp_path):
    import SimpleITK as sitk
    from medpy.metric.binary import hd95

    result, folder, _ = run_example("segmentation", tmp_path)
    rows = manifest_rows(folder)
    dice, failed, pooled_hd95 = [], {}, {}
    for row in rows:
        case = row["case_id"]
        reference = sitk.ReadImage(str(folder / row["reference"]))
        path = folder / "predictions" / f"{case}.nii.gz"
        if not path.is_file():
            failed[case] = "missing-output"
            dice.append(0.0)
            continue
        prediction = sitk.ReadImage(str(path))
        if prediction.GetSize() != reference.GetSize() or not np.allclose(
                prediction.GetSpacing(), reference.GetSpacing()):
            failed[case] = "incompatible"
            dice.append(0.0)
            continue
        ref = sitk.GetArrayFromImage(reference) > 0
        pred = sitk.GetArrayFromImage(prediction) > 0
        dice.append(2 * (ref & pred).sum() / (ref.sum() + pred.sum()))
        if pred.any():  # MedPy's hd95 pools both directed distances
            pooled_hd95[case] = hd95(pred, ref, voxelspacing=reference.GetSpacing()[::-1])
    check_flow(result, len(rows), failed)
    assert failed == {"S-05": "missing-output", "S-08": "incompatible"}
    # worst-case: a failed case scores Dice 0; the mean over all cases
    assert metric(result, "dice")["value"] == pytest.approx(np.mean(dice))
    assert metric(result, "dice")["n"] == len(rows)
    columns = result["case_columns"]
    cases = {row[0]: dict(zip(columns, row)) for row in result["cases"]}
    for case, value in pooled_hd95.items():
        assert cases[case]["hd95@pooled"] == pytest.approx(value, rel=1e-6), case
    # S-06's prediction is empty: Dice 0 and no finite distance, not a failure
    assert cases["S-06"]["status"] == "ok" and cases["S-06"]["dice"] == 0.0
    assert cases["S-06"]["prediction_empty"] is True
    assert len(pooled_hd95) == len(rows) - 3



def test_polyp_segmentation(tmp_path):
    """2-D frames: PNG masks read with Pillow here, Dice counted with numpy, distances
    in pixels checked with MedPy on the 2-D arrays, unit px in the result."""
    from medpy.metric.binary import hd95
    from PIL import Image

    result, folder, printed = run_example("polyp-segmentation", tmp_path)
    rows = manifest_rows(folder)
    assert sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()
               and "result" not in p.parts) < 500_000
    assert len({row["patient_id"] for row in rows}) >= 3
    dice, failed, pooled_hd95 = [], {}, {}
    for row in rows:
        case = row["case_id"]
        frame = Image.open(folder / row["input"])
        assert (frame.format, frame.mode) == ("JPEG", "RGB")
        reference = np.asarray(Image.open(folder / row["reference"]))
        assert set(np.unique(reference)) <= {0, 255}
        assert reference.shape == (frame.height, frame.width)
        path = folder / "predictions" / f"{case}.png"
        if not path.is_file():
            failed[case] = "missing-output"
            dice.append(0.0)
            continue
        prediction = np.asarray(Image.open(path))
        if prediction.shape != reference.shape:
            failed[case] = "incompatible"
            dice.append(0.0)
            continue
        ref, pred = reference == 255, prediction == 255
        total = ref.sum() + pred.sum()
        dice.append(2 * (ref & pred).sum() / total if total else 1.0)  # both empty: 1
        if ref.any() and pred.any():  # MedPy's hd95 pools both directions; in pixels
            pooled_hd95[case] = hd95(pred, ref)
    check_flow(result, len(rows), failed)
    assert failed == {"P-05": "missing-output", "P-11": "incompatible"}
    # worst-case: a failed frame scores Dice 0; the mean over all frames
    assert metric(result, "dice")["value"] == pytest.approx(np.mean(dice))
    assert metric(result, "dice")["n"] == len(rows)
    columns = result["case_columns"]
    cases = {row[0]: dict(zip(columns, row)) for row in result["cases"]}
    for case, value in pooled_hd95.items():
        assert cases[case]["hd95@pooled"] == pytest.approx(value, rel=1e-9), case
    assert len(pooled_hd95) == len(rows) - 4  # two failed, two frames without a polyp
    assert cases["P-04"]["dice"] == 1.0 and cases["P-04"]["reference_empty"] is True
    assert cases["P-05"]["hausdorff"] == 205.0  # worst_distance_px
    for name in ("hausdorff", "hd95@max-directed", "hd95@pooled", "assd", "masd"):
        assert metric(result, name)["unit"] == "px", name
    assert result["tables"]["distances"]["unit"] == "px"
    assert "overall: INCONCLUSIVE" in printed

def iou(a: list[float], b: list[float]) -> float:
    """Boxes (row0, col0, row1, col1), continuous coordinates."""
    rows = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    cols = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = rows * cols
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / area


def test_detection(tmp_path):
    result, folder, _ = run_example("detection", tmp_path)
    rows = manifest_rows(folder)
    failed, hits, pooled, n_lesions = {}, {}, [], 0
    for row in rows:
        case = row["case_id"]
        boxes = json.loads((folder / row["reference"]).read_text())["boxes"]
        n_lesions += len(boxes)
        data = json_prediction(folder, case)
        if data is None:
            failed[case] = "missing-output"
            continue
        detections = data["detections"]
        if any(len(d["box"]) != 4 for d in detections):
            failed[case] = "invalid-output"
            continue
        # one to one, in decreasing score, IoU >= 0.3 (the protocol's criterion)
        free = list(range(len(boxes)))
        hits[case] = 0
        for d in sorted(detections, key=lambda d: -d["score"]):
            match = next((j for j in free if iou(boxes[j], d["box"]) >= 0.3), None)
            if match is not None:
                free.remove(match)
            hits[case] += match is not None
            pooled.append((d["score"], match is not None))
    check_flow(result, len(rows), failed)
    assert sorted(failed.values()) == ["invalid-output", "missing-output"]
    columns = result["case_columns"]
    cases = {row[0]: dict(zip(columns, row)) for row in result["cases"]}
    for case, count in hits.items():
        assert cases[case]["true_positives"] == count, case
    # FROC, worked here: lowering the threshold score by score, the sensitivity at the
    # operating point with the most false positives per case not above each rate
    pooled.sort(key=lambda item: -item[0])
    scores = np.array([s for s, _ in pooled])
    tp = np.cumsum([h for _, h in pooled])
    fp = np.cumsum([not h for _, h in pooled])
    last = np.r_[scores[1:] != scores[:-1], True]  # one point per distinct score
    sensitivity = np.r_[0.0, tp[last] / n_lesions]
    fp_per_case = np.r_[0.0, fp[last] / len(rows)]
    at = [sensitivity[np.flatnonzero(fp_per_case <= rate)[-1]] for rate in (0.5, 1.0, 2.0)]
    for rate, value in zip(("0.5", "1", "2"), at):
        assert metric(result, f"froc_sensitivity@{rate}")["value"] == pytest.approx(value)
    assert metric(result, "froc_cpm")["value"] == pytest.approx(np.mean(at))
    assert result["tables"]["froc"]["n_lesions"] == n_lesions == 9


def test_polyp_detection(tmp_path):
    """COCO AP of the example against pycocotools' COCOeval run here on the example's COCO
    file and prediction files: the failed frames stay with no detection (worst-case), or
    are taken out of the ground truth (the result's alternative, exclude)."""
    import contextlib
    import copy
    import io

    from PIL import Image
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    result, folder, printed = run_example("polyp-detection", tmp_path)
    rows = manifest_rows(folder)
    assert len({row["patient_id"] for row in rows}) >= 3
    gt = json.loads((folder / "annotations" / "instances.json").read_text())
    image_id = {image["file_name"]: image["id"] for image in gt["images"]}
    detections, failed = [], {}
    for row in rows:
        case = row["case_id"]
        frame = Image.open(folder / row["input"])
        assert (frame.format, frame.mode) == ("JPEG", "RGB")
        path, _, name = row["reference"].partition("#")
        assert path == "annotations/instances.json" and name == row["input"]
        data = json_prediction(folder, case)
        if data is None:
            failed[case] = "missing-output"
        elif any(len(d["bbox"]) != 4 for d in data):
            failed[case] = "invalid-output"
        else:
            detections += [dict(d, image_id=image_id[name]) for d in data]
    check_flow(result, len(rows), failed)
    assert failed == {"D-06": "missing-output", "D-13": "invalid-output"}

    def cocoeval(ground_truth: dict) -> list[float]:
        with contextlib.redirect_stdout(io.StringIO()):
            coco_gt = COCO()
            coco_gt.dataset = copy.deepcopy(ground_truth)
            coco_gt.createIndex()
            evaluator = COCOeval(coco_gt, coco_gt.loadRes(copy.deepcopy(detections)), "bbox")
            evaluator.evaluate()
            evaluator.accumulate()
            evaluator.summarize()
        return [math.nan if v == -1 else float(v) for v in evaluator.stats]

    names = ["ap", "ap50", "ap75", "ap_small", "ap_medium", "ap_large",
             "ar1", "ar10", "ar100", "ar_small", "ar_medium", "ar_large"]
    stats = cocoeval(gt)
    for name, value in zip(names, stats):
        assert metric(result, f"coco_{name}")["value"] == pytest.approx(value, abs=1e-12), name
    # failures excluded: the failed frames out of the ground truth too
    gone = {image_id[row["input"]] for row in rows if row["case_id"] in failed}
    kept = dict(gt, images=[i for i in gt["images"] if i["id"] not in gone],
                annotations=[a for a in gt["annotations"] if a["image_id"] not in gone])
    alternative = result["failures"]["alternative"]
    assert alternative["policy"] == "exclude" and alternative["n_cases"] == len(rows) - 2
    for name, value in zip(names, cocoeval(kept)):
        assert alternative["metrics"][f"coco_{name}"]["value"] == pytest.approx(
            value, abs=1e-12), name
    for criterion in result["protocol"]["criteria"]:
        found = metric(result, criterion["metric"])
        assert verdicts(result)[criterion["metric"]] == guarded(
            found["low"], found["high"], criterion["goal"])
    assert {c["metric"] for c in result["protocol"]["criteria"]} == {"coco_ap", "coco_ap50"}
    assert metric(result, "coco_ap")["method"] == "bootstrap-percentile"
    assert result["tables"]["coco"]["n_reference"] == len(gt["annotations"]) == 18
    assert result["tables"]["froc"]["n_lesion_free_cases"] == 3
    assert "overall: PASS" in printed


def test_eeg_events(tmp_path):
    from timescoring import scoring
    from timescoring.annotations import Annotation

    result, folder, _ = run_example("eeg-events", tmp_path)
    rows = manifest_rows(folder)
    failed = {}
    tp = fp = n_reference = 0
    seconds = 0.0
    for row in rows:
        case = row["case_id"]
        reference = json.loads((folder / row["reference"]).read_text())
        duration = reference["duration_s"]
        data = json_prediction(folder, case)
        events = data.get("events") if isinstance(data, dict) else None
        if data is None:
            failed[case] = "missing-output"
        elif not isinstance(events, list):
            failed[case] = "invalid-output"
        n = round(duration * 10)  # timescoring works on a 10 Hz grid here
        scored = scoring.EventScoring(
            Annotation([tuple(e) for e in reference["events"]], 10, n),
            Annotation([tuple(e) for e in events] if case not in failed else [], 10, n),
            scoring.EventScoring.Parameters())
        tp, fp, n_reference = tp + scored.tp, fp + scored.fp, n_reference + scored.refTrue
        seconds += duration if case not in failed else 0.0  # no failed recording's time
    check_flow(result, len(rows), failed)
    assert sorted(failed.values()) == ["invalid-output", "missing-output"]
    assert result["tables"]["events"]["tp"] == tp
    assert result["tables"]["events"]["fp"] == fp
    assert metric(result, "sensitivity")["value"] == pytest.approx(tp / n_reference)
    assert metric(result, "precision")["value"] == pytest.approx(tp / (tp + fp))
    assert metric(result, "fp_per_24h")["value"] == pytest.approx(fp / seconds * 86400)
    assert (tp, fp, n_reference) == (2, 1, 4)


def test_ecg_beats_shows_the_wfdb_columns(tmp_path):
    import wfdb
    from wfdb import processing

    result, folder, _ = run_example("ecg-beats", tmp_path)
    rows = manifest_rows(folder)
    assert list(rows[0])[:5] == ["case_id", "patient_id", "input_header", "input_signal",
                                 "reference"]
    beat_symbols = set("NLRBAaJSVrFejnE/fQ?")
    failed, matched, total, v_found, v_total = {}, 0, 0, 0, 0
    for row in rows:
        case = row["case_id"]
        header = wfdb.rdheader(str(folder / row["input_header"]).removesuffix(".hea"))
        assert header.file_name == [Path(row["input_signal"]).name]
        fs = header.fs
        atr = wfdb.rdann(str(folder / row["reference"]).removesuffix(".atr"), "atr")
        keep = np.isin(atr.symbol, list(beat_symbols)) & (atr.sample >= 300 * fs)
        ref_samples, ref_symbols = atr.sample[keep], np.array(atr.symbol)[keep]
        total += ref_samples.size
        v_total += int((ref_symbols == "V").sum())
        data = json_prediction(folder, case)
        if data is None:
            failed[case] = "missing-output"
            continue  # worst-case: no beat detected
        assert data["fs"] == fs
        test = np.asarray(data["samples"])
        test_symbols = np.asarray(data["symbols"])
        after = test >= 300 * fs  # EC57's 5-minute learning period
        comparison = processing.compare_annotations(ref_samples, test[after],
                                                    int(0.15 * fs))
        matched += comparison.tp
        v_found += int(((ref_symbols[comparison.matched_ref_inds] == "V")
                        & (test_symbols[after][comparison.matched_test_inds] == "V")).sum())
    check_flow(result, len(rows), failed)
    assert failed == {"syn03": "missing-output"}
    qrs = metric(result, "qrs_sensitivity")
    assert (qrs["numerator"], qrs["n"]) == (matched, total)
    veb = metric(result, "veb_sensitivity")
    assert (veb["numerator"], veb["n"]) == (v_found, v_total)
    low, high = proportion_confint(matched, total, method="wilson")  # interval = "beats"
    assert (qrs["low"], qrs["high"]) == pytest.approx((low, high))
    assert result["tables"]["ec57"]["standard"] is True


def test_the_runner_readme_commands(tmp_path):
    if shutil.which("bwrap") is None:
        pytest.skip("the runner's sandbox needs bubblewrap (Debian package bubblewrap)")
    root = tmp_path / "clone"
    shutil.copytree(EXAMPLES / "runner", root / "examples" / "runner",
                    ignore=shutil.ignore_patterns("__pycache__"))
    readme = (root / "examples" / "runner" / "README.md").read_text(encoding="utf-8")
    commands = [c.replace("\\\n", " ") for c in
                re.findall(r"^ {4}(medeval (?:.*\\\n)*.*)$", readme, flags=re.MULTILINE)]
    assert len(commands) == 2
    for command in commands:  # "from the repository root"
        run_command(command, root, tmp_path)
    cases = root / "examples" / "runner" / "data" / "cases"
    for run in ("mass-plugin", "mass-command"):
        summary = json.loads((root / "runs" / run / "summary.json").read_text())
        assert (summary["cases"], summary["done"]) == (8, 8)
        for case in sorted(cases.glob("*.json")):
            features = json.loads(case.read_text())
            # the plugin's logistic model, worked here
            z = -9.0 + 0.45 * features["radius_mm"] + 0.12 * features["texture"]
            written = json.loads((root / "runs" / run / "predictions" / case.name).read_text())
            assert written["score"] == pytest.approx(1 / (1 + math.exp(-z)), rel=1e-12)


def test_the_ecg_example_without_its_signal_column_is_refused(tmp_path):
    # The same command on the example's set, its input_signal column dropped: every
    # record would be a header without samples. The manifest check refuses the set before
    # anything is scored, naming each case, the file and the column; nothing is written.
    folder = shutil.copytree(EXAMPLES / "ecg-beats", tmp_path / "ecg-beats",
                             ignore=shutil.ignore_patterns("result", "__pycache__"))
    rows = manifest_rows(folder)
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["case_id", "patient_id", "input", "reference"])
        writer.writerows([r["case_id"], r["patient_id"], r["input_header"], r["reference"]]
                         for r in rows)
    done = shell("medeval evaluate protocol.toml --predictions predictions/ --out result/",
                 folder, tmp_path)
    assert done.returncode != 0
    for row in rows:
        assert f"case {row['case_id']}: input '{row['input_header']}' is a WFDB header" \
            in done.stderr
        assert f"no input column lists '{row['input_signal']}'" in done.stderr
    assert "input_signal" in done.stderr and "Traceback" not in done.stderr
    assert not (folder / "result").exists()


def test_breast_ultrasound_certified_run(tmp_path):
    # The one example that runs its algorithm: `medeval run` in certificate mode, the
    # plugin in the bubblewrap sandbox reading each frame with medeval.loaders.read_image.
    if shutil.which("bwrap") is None:
        pytest.skip("the runner's sandbox needs bubblewrap (Debian package bubblewrap)")
    from sklearn.metrics import confusion_matrix, roc_auc_score

    folder = shutil.copytree(EXAMPLES / "breast-ultrasound", tmp_path / "breast-ultrasound",
                             ignore=shutil.ignore_patterns("out", "__pycache__"))
    protocol = (folder / "protocol.toml").read_text(encoding="utf-8")
    (command,) = re.findall(r"^# Run: (.+)$", protocol, flags=re.MULTILINE)
    assert command == "medeval run protocol.toml --out out/"
    assert command in (folder / "README.md").read_text(encoding="utf-8")
    done = run_command(command, folder, tmp_path)
    path = folder / "out" / "result.json"
    payload = path.read_bytes()
    assert read_result(path).to_json() == payload
    verify_result(path)
    result = json.loads(payload)
    # certified, on the registered set (the protocol's fingerprint), run in the sandbox
    assert result["mode"] == "certificate"
    (fingerprint,) = re.findall(r'^fingerprint = "sha256:([0-9a-f]{64})"$', protocol,
                                flags=re.MULTILINE)
    assert result["dataset"]["fingerprint"] == fingerprint
    assert result["algorithm"]["predictions"] == "runner"
    assert result["algorithm"]["run"]["isolation"] == "bubblewrap"
    assert set(result["algorithm"]["run"]["algorithm"]["files"]) == {"classifier.py"}
    # the scores the run wrote, against the manifest's labels
    rows = manifest_rows(folder)
    assert len({row["patient_id"] for row in rows}) >= 3
    assert {row["reference"] for row in rows} == {"benign", "malignant"}
    written = sorted((folder / "out" / "run" / "predictions").glob("*.json"))
    assert [p.stem for p in written] == sorted(row["case_id"] for row in rows)
    scores = {p.stem: json.loads(p.read_text(encoding="utf-8"))["score"] for p in written}
    truth = np.array([int(row["reference"] == "malignant") for row in rows])
    score = np.array([scores[row["case_id"]] for row in rows])
    check_flow(result, len(rows), {})
    decided = (score >= 0.5).astype(int)
    tn, fp, fn, tp = confusion_matrix(truth, decided, labels=[0, 1]).ravel()
    assert result["tables"]["confusion_matrix"] == {"tp": tp, "fp": fp, "fn": fn, "tn": tn}
    # three frames per patient and the patient as the unit: Wilson on the effective
    # sample size (Korn & Graubard 1998), the design effect worked out here by hand
    patients = np.array([row["patient_id"] for row in rows])
    for name, among, hit in (("sensitivity", truth == 1, decided == 1),
                             ("specificity", truth == 0, decided == 0)):
        m = metric(result, name)
        hits, who = hit[among], patients[among]
        assert (m["numerator"], m["n"]) == (hits.sum(), hits.size)
        assert m["method"] == "wilson-clustered"
        low, high = korn_graubard_wilson(hits, who)
        assert (m["value"], m["low"], m["high"]) == pytest.approx((hits.mean(), low, high))
    assert metric(result, "roc_auc")["value"] == pytest.approx(roc_auc_score(truth, score))
    assert metric(result, "roc_auc")["method"] == "obuchowski"
    goals = {c["metric"]: c["goal"] for c in result["protocol"]["criteria"]}
    assert set(goals) == {"sensitivity", "specificity"}
    assert verdicts(result) == {
        name: guarded(metric(result, name)["low"], metric(result, name)["high"], goal)
        for name, goal in goals.items()}
    assert verdicts(result)["sensitivity"] == "INCONCLUSIVE"
    assert "overall: INCONCLUSIVE" in done.stdout
    # the vendor subgroup (A: greyscale PNG, B: RGB JPEG)
    vendors = np.array([row["vendor"] for row in rows])
    for vendor in ("A", "B"):
        pick = vendors == vendor
        got = result["subgroups"]["vendor"][vendor]["metrics"]["specificity"]["value"]
        assert got == pytest.approx(np.mean(decided[pick & (truth == 0)] == 0))
    # the sandboxed plugin gave what the same code gives here, on the same frames
    sys.path.insert(0, str(folder / "algorithm"))
    try:
        import classifier
    finally:
        sys.path.remove(str(folder / "algorithm"))
        sys.modules.pop("classifier", None)
    plugin = classifier.Classifier()
    plugin.setup()
    for row in rows:
        case = type("Case", (), {"input_path": folder / row["input"]})()
        assert plugin.predict(case)["score"] == scores[row["case_id"]]


def test_reader_study(tmp_path):
    # The readings are named by the protocol: the command has no --predictions. Checked
    # against scikit-learn (each reader's AUC), the guarded rule worked here, and the
    # certificate's text as pypdf extracts it from the PDF.
    import pandas as pd
    from pypdf import PdfReader
    from sklearn.metrics import roc_auc_score

    from medeval.stats import mrmc

    folder = shutil.copytree(EXAMPLES / "reader-study", tmp_path / "reader-study",
                             ignore=shutil.ignore_patterns("result", "__pycache__"))
    protocol = (folder / "protocol.toml").read_text(encoding="utf-8")
    (command,) = re.findall(r"^# Run: (.+)$", protocol, flags=re.MULTILINE)
    assert command == "medeval evaluate protocol.toml --out result/"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    report = ("medeval report result/result.json --out result/report.pdf "
              "--html result/report.html")
    assert command in readme and report in readme
    done = run_command(command, folder, tmp_path)
    run_command(report, folder, tmp_path)
    path = folder / "result" / "result.json"
    payload = path.read_bytes()
    assert read_result(path).to_json() == payload
    verify_result(path)
    result = json.loads(payload)
    rows = manifest_rows(folder)
    truth = {row["case_id"]: int(row["reference"] == "cancer") for row in rows}
    with (folder / "readings.csv").open(encoding="utf-8", newline="") as handle:
        readings = list(csv.DictReader(handle))
    assert len(readings) == 6 * 2 * len(rows) and len(rows) == 80
    aucs: dict[tuple[str, str], float] = {}
    for reader in sorted({r["reader"] for r in readings}):
        for treatment in ("with CADx", "without CADx"):
            mine = [r for r in readings if r["reader"] == reader and r["treatment"] == treatment]
            aucs[(reader, treatment)] = roc_auc_score([truth[r["case"]] for r in mine],
                                                      [float(r["rating"]) for r in mine])
    table = result["tables"]["reader_study"]
    for row in table["reader_auc"]:
        assert row["test"] == pytest.approx(aucs[(row["reader"], "with CADx")], abs=1e-15)
        assert row["reference"] == pytest.approx(aucs[(row["reader"], "without CADx")],
                                                 abs=1e-15)
    mean = {t: np.mean([v for (r, tt), v in aucs.items() if tt == t])
            for t in ("with CADx", "without CADx")}
    difference = metric(result, "auc_difference")
    assert difference["value"] == pytest.approx(mean["with CADx"] - mean["without CADx"])
    assert difference["method"] == "or-rrrc-jackknife"
    assert verdicts(result) == {"auc_difference": guarded(difference["low"],
                                                          difference["high"], 0.0)}
    assert verdicts(result)["auc_difference"] == "PASS" and "overall: PASS" in done.stdout
    # the same figures as medeval.stats.mrmc on the same table
    direct = mrmc(pd.DataFrame([{**r, "truth": truth[r["case"]]} for r in readings]))
    rrrc = direct.tests["RRRC"]
    assert (difference["low"], difference["high"]) == pytest.approx(
        (rrrc.difference.low, rrrc.difference.high))
    # each density subgroup has its own analysis, on its own cases
    for value in ("dense", "non-dense"):
        cases = {row["case_id"] for row in rows if row["density"] == value}
        sub = mrmc(pd.DataFrame([{**r, "truth": truth[r["case"]]} for r in readings
                                 if r["case"] in cases]))
        got = result["subgroups"]["density"][value]["metrics"]["auc_difference"]
        assert (got["value"], got["low"], got["high"]) == pytest.approx(
            (sub.tests["RRRC"].difference.value, sub.tests["RRRC"].difference.low,
             sub.tests["RRRC"].difference.high))
    # the certificate (PDF) shows the reader x treatment AUC table and the test rows
    text = "\n".join(page.extract_text() for page in
                     PdfReader(folder / "result" / "report.pdf").pages)
    flat = " ".join(text.split())
    assert "AUC of each reader in each treatment" in flat
    for (reader, treatment), value in aucs.items():
        assert f"{value:.4f}" in flat, (reader, treatment)
    for reader in ("R1", "R6"):
        assert re.search(rf"{reader} {aucs[(reader, 'with CADx')]:.4f} "
                         rf"{aucs[(reader, 'without CADx')]:.4f}", flat), reader
    assert "Obuchowski–Rockette (1995)" in flat and "Hillis" in flat
    for name in ("Var(R)", "Var(T*R)", "Cov1", "Cov2", "Cov3", "Var(Error)"):
        assert name in flat
    for scope in ("RRRC", "FRRC", "RRFC"):
        test = direct.tests[scope]
        statistic = ("χ²" if test.distribution == "chi-square" else "F")
        row = (rf"\({scope}\).*?{statistic} {test.statistic:.4f} .*?{test.p_value:.4f} "
               rf"{test.difference.value:.4f} {test.difference.low:.4f} – "
               rf"{test.difference.high:.4f}")
        assert re.search(row, flat), scope
