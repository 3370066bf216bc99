"""The segmentation task end to end: NIfTI masks on disk, evaluate(), and the numbers
checked against the metric functions called directly."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import SimpleITK as sitk

import medeval
from medeval.metrics import dice, hd95, nsd

SPACING_ZYX = (2.5, 0.8, 0.8)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "segmentation"
PROTOCOL = (EXAMPLE / "protocol.toml").read_text(encoding="utf-8")


def ball(shape, centre, radius_mm):
    grid = np.indices(shape, dtype=float)
    dist = sum(((g - c) * s) ** 2 for g, c, s in zip(grid, centre, SPACING_ZYX))
    return (dist <= radius_mm**2).astype(np.uint8)


def save(array, path):
    image = sitk.GetImageFromArray(array)
    image.SetSpacing(tuple(reversed(SPACING_ZYX)))  # SimpleITK: (x, y, z)
    sitk.WriteImage(image, str(path))


@pytest.fixture
def study(tmp_path):
    shape = (12, 40, 40)
    rng = np.random.default_rng(0)
    (tmp_path / "images").mkdir()
    (tmp_path / "masks").mkdir()
    (tmp_path / "pred").mkdir()
    rows, pairs = [], {}
    for i in range(6):
        cid = f"c{i}"
        ref = ball(shape, (6, 20, 20), 8.0 + i)
        pred = ball(shape, (6, 20 + rng.integers(-2, 3), 20 + rng.integers(-2, 3)), 8.5 + i)
        if i == 4:
            pred[:] = 0  # the algorithm found nothing: one mask empty
        save(ref, tmp_path / "masks" / f"{cid}.nii.gz")
        save(np.zeros(shape, np.int16), tmp_path / "images" / f"{cid}.nii.gz")
        if i != 5:  # c5's prediction is missing: a failed case
            save(pred, tmp_path / "pred" / f"{cid}.nii.gz")
        pairs[cid] = (ref, pred)
        rows.append({"case_id": cid, "patient_id": f"p{i}", "input": f"images/{cid}.nii.gz",
                     "reference": f"masks/{cid}.nii.gz"})
    pd.DataFrame(rows).to_csv(tmp_path / "manifest.csv", index=False)
    (tmp_path / "protocol.toml").write_text(PROTOCOL)
    return tmp_path, pairs


@pytest.mark.parametrize("workers", [1, 2])
def test_means_match_the_metric_functions(study, workers):
    folder, pairs = study
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred", workers=workers)
    expected_dice, expected_hd95, expected_nsd = [], [], []
    for cid, (ref, pred) in sorted(pairs.items()):
        if cid == "c5":  # failed: Dice 0, NSD 0, the declared worst distance
            expected_dice.append(0.0); expected_hd95.append(50.0); expected_nsd.append(0.0)
            continue
        expected_dice.append(dice(ref, pred))
        d = hd95(ref, pred, spacing_mm=SPACING_ZYX)
        expected_hd95.append(50.0 if math.isinf(d) else d)  # c4: empty prediction
        expected_nsd.append(nsd(ref, pred, spacing_mm=SPACING_ZYX, tolerance_mm=1.0))
    assert result.metric("dice").estimate.value == pytest.approx(np.mean(expected_dice))
    assert result.metric("hd95@max-directed").estimate.value == pytest.approx(
        np.mean(expected_hd95))
    assert result.metric("nsd@surfel").estimate.value == pytest.approx(np.mean(expected_nsd))
    data = json.loads(result.to_json())
    assert data["failures"]["cases"][0]["case_id"] == "c5"
    assert data["failures"]["cases"][0]["reason"] == "missing-output"
    assert data["tables"]["empty_masks"]["prediction_only_empty"] == 1
    # c4 (empty prediction): its five infinite distances are replaced; c5 failed and
    # was given the declared worst distance directly.
    assert data["tables"]["empty_masks"]["distances_replaced_by_worst"] == 5
    assert {v["metric"] for v in data["verdicts"]} == {"dice", "hd95@max-directed"}


def test_parallel_and_serial_give_the_same_bytes(study):
    folder, _ = study
    one = medeval.evaluate(folder / "protocol.toml", folder / "pred", workers=1)
    two = medeval.evaluate(folder / "protocol.toml", folder / "pred", workers=2)
    assert one.fingerprint == two.fingerprint


def test_incompatible_prediction_is_a_failed_case(study):
    folder, _ = study
    save(np.zeros((12, 40, 41), np.uint8), folder / "pred" / "c0.nii.gz")
    data = json.loads(medeval.evaluate(folder / "protocol.toml", folder / "pred",
                                       workers=1).to_json())
    reasons = {f["case_id"]: f["reason"] for f in data["failures"]["cases"]}
    assert reasons["c0"] == "incompatible"
    assert "shape" in data["failures"]["cases"][0]["detail"]


@pytest.mark.parametrize(("scale", "dtype", "shown"), [
    (255, np.uint8, "255"), (2, np.uint8, "2"), (-1, np.int16, "-1")])
def test_a_prediction_coded_otherwise_than_its_reference_is_incompatible(
        study, scale, dtype, shown):
    # A correct mask saved as 0/255 (or with its lesion as 2, or as -1) was measured as
    # an empty mask: Dice 0 without a word. The reference is coded 0/1 here.
    folder, pairs = study
    save((pairs["c0"][1].astype(np.int16) * scale).astype(dtype), folder / "pred" / "c0.nii.gz")
    data = json.loads(medeval.evaluate(folder / "protocol.toml", folder / "pred",
                                       workers=1).to_json())
    failed = {f["case_id"]: f for f in data["failures"]["cases"]}
    assert failed["c0"]["reason"] == "incompatible"
    assert f"holds the value(s) {shown}, which its reference (coded 0, 1" in \
        failed["c0"]["detail"]


def test_a_label_map_reference_sets_no_bound(study):
    # Scoring label 2 of references that also hold 1 (an organ around the lesion): a
    # prediction holding 1 and 3 is measured, each label as the metric functions do.
    folder, pairs = study
    ref, pred = pairs["c0"]
    organ = ref + np.roll(ref, 3, axis=2)  # 0, 1 or 2
    guess = np.where(pred > 0, 2, 0) + (np.roll(pred, -3, axis=1) > 0) * 1  # 0..3
    save(organ.astype(np.uint8), folder / "masks" / "c0.nii.gz")
    save(guess.astype(np.uint8), folder / "pred" / "c0.nii.gz")
    protocol = (folder / "protocol.toml").read_text()
    (folder / "labels.toml").write_text(
        protocol.replace('type = "segmentation"\n', 'type = "segmentation"\nlabels = [2]\n'))
    result = medeval.evaluate(folder / "labels.toml", folder / "pred", workers=1)
    c0 = next(c for c in result.cases if c["case_id"] == "c0")
    assert c0["status"] == "ok"
    assert c0["dice"] == pytest.approx(dice(organ == 2, guess == 2), abs=1e-15)


def test_an_undefined_interval_says_why_in_the_warnings(study):
    """A subgroup of one case has nothing to resample; without a declared worst distance,
    a mask empty on one side makes a distance's mean infinite. Each says why, naming the
    scope and the figure."""
    folder, _ = study
    manifest = pd.read_csv(folder / "manifest.csv")
    manifest["site"] = ["A"] + ["B"] * (len(manifest) - 1)
    manifest.to_csv(folder / "manifest.csv", index=False)
    text = PROTOCOL.replace("[failures]\nworst_distance_mm = 50.0\n", "")
    (folder / "protocol.toml").write_text(text + '[subgroups]\ncolumns = ["site"]\n')
    with warnings.catch_warnings():
        warnings.simplefilter("error", medeval.UndefinedMetricWarning)
        result = medeval.evaluate(folder / "protocol.toml", folder / "pred", workers=1)
    site_a = [g for g in result.subgroups if g.value == "A"][0]
    dice_a = [m for m in site_a.metrics if m.name == "dice"][0].estimate
    assert math.isnan(dice_a.low) and dice_a.note.startswith(
        "bootstrap_ci: 1 resampling unit(s) and none to vary")
    # site A's one case: every figure's interval says so, in one line naming them all
    (line,) = [w for w in result.warnings if w.startswith("site=A: ") and dice_a.note in w]
    assert line.startswith("site=A: dice, jaccard, ") and line.endswith(
        f" ({len(site_a.metrics)} figures): {dice_a.note}")
    # c4's empty prediction and c5's failure (worst case: infinite distances)
    hd = result.metric("hd95@max-directed").estimate
    assert math.isinf(hd.value) and math.isnan(hd.low)
    # the same for each distance's mean: one line naming the five distances
    assert ("all cases: hausdorff, hd95@max-directed, hd95@pooled, assd, masd (5 figures): "
            "2 of 6 case(s) have an infinite value (a mask "
            "empty on one side, or a failed case counted at the worst distance, which is "
            "infinite where none is declared), so the mean is infinite and its interval "
            "undefined (NaN); no failures.worst_distance_mm is declared to replace them"
            ) in result.warnings
    assert result.metric("dice").estimate.note is None
    assert not any(w.startswith("all cases: dice:") for w in result.warnings)


def test_a_3d_protocol_keeps_its_distances_in_mm(study):
    """The 2-D keys left out, a 3-D protocol reads and scores as before: every distance
    in mm from the volumes' spacing, and the result's distances table says so."""
    folder, _ = study
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred", workers=1)
    units = {m.name: m.unit for m in result.metrics}
    assert units["hausdorff"] == units["hd95@max-directed"] == units["assd"] == "mm"
    assert units["dice"] == units["nsd@surfel"] == "1"
    assert result.tables["distances"]["unit"] == "mm"
    assert result.tables["distances"]["pixel_spacing_mm"] is None
    assert result.parameters.task["distance_unit"] == "mm"


def test_a_volume_of_one_slice_is_measured_in_the_plane(tmp_path):
    """A one-slice volume's masks are 2-D: their border is the contour in the plane, as
    MedPy measures the 2-D arrays (as a slab one voxel thick every voxel would be on the
    border: ASSD 0.47 instead of 2.56 mm on these discs)."""
    from medpy.metric.binary import assd, hd

    yy, xx = np.mgrid[:64, :64]
    ref = (yy - 30) ** 2 + (xx - 30) ** 2 <= 15 ** 2
    pred = (yy - 33) ** 2 + (xx - 28) ** 2 <= 13 ** 2
    for name in ("images", "masks", "pred"):
        (tmp_path / name).mkdir()
    for array, path in ((ref, "masks/c0.nii.gz"), (pred, "pred/c0.nii.gz"),
                        (ref, "masks/c1.nii.gz"), (pred, "pred/c1.nii.gz"),
                        (np.zeros((64, 64)), "images/c0.nii.gz"),
                        (np.ones((64, 64)), "images/c1.nii.gz")):
        image = sitk.GetImageFromArray(array.astype(np.uint8)[None])  # (1, 64, 64)
        image.SetSpacing((0.5, 0.5, 3.0))
        sitk.WriteImage(image, str(tmp_path / path))
    pd.DataFrame([{"case_id": c, "patient_id": c, "input": f"images/{c}.nii.gz",
                   "reference": f"masks/{c}.nii.gz"} for c in ("c0", "c1")]).to_csv(
        tmp_path / "manifest.csv", index=False)
    (tmp_path / "protocol.toml").write_text(PROTOCOL)
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    case = result.cases[0]
    assert case["assd"] == pytest.approx(assd(pred, ref, voxelspacing=0.5))
    assert case["hausdorff"] == pytest.approx(hd(pred, ref, voxelspacing=0.5))
    assert case["assd"] == pytest.approx(0.5 * 2.5608842970642476)


def test_a_nifti_without_transform_or_unit_is_not_measured_in_mm(tmp_path):
    """A reference saved with nibabel's Nifti1Image(mask, None): no qform, no sform, no
    spatial unit (nibabel's header says so), pixdim 1. Every reader takes 1 mm; before,
    its distances were reported in mm without a word. Under mm it is now a reference
    problem naming the case; under px it is scored, HD against MedPy at spacing 1."""
    nib = pytest.importorskip("nibabel")
    medpy_binary = pytest.importorskip("medpy.metric.binary")
    ref = np.zeros((8, 20, 20), np.uint8)
    ref[2:6, 5:12, 5:12] = 1
    pred = np.zeros_like(ref)
    pred[2:6, 7:14, 5:12] = 1  # two rows further
    for folder in ("masks", "pred"):
        (tmp_path / folder).mkdir()
    for array, path in ((ref, "masks/c1.nii.gz"), (pred, "pred/c1.nii.gz")):
        nib.save(nib.Nifti1Image(array.transpose(2, 1, 0), None), tmp_path / path)
    header = nib.load(tmp_path / "masks/c1.nii.gz").header
    assert (int(header["qform_code"]), int(header["sform_code"])) == (0, 0)
    assert header.get_xyzt_units()[0] == "unknown"
    pd.DataFrame([{"case_id": "c1", "patient_id": "p1", "input": "masks/c1.nii.gz",
                   "reference": "masks/c1.nii.gz"}]).to_csv(tmp_path / "manifest.csv",
                                                          index=False)
    (tmp_path / "protocol.toml").write_text(PROTOCOL)
    with pytest.raises(medeval.MedevalError) as info:
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    message = str(info.value)
    assert "case c1" in message and "neither a qform nor an sform" in message
    assert 'distance_unit = "px"' in message
    (tmp_path / "protocol.toml").write_text(
        PROTOCOL.replace("nsd_tolerance_mm = 1.0",
                         'distance_unit = "px"\nnsd_tolerance_px = 1.0')
        .replace("worst_distance_mm = 50.0", "worst_distance_px = 50.0")
        .replace('metric = "hd95@max-directed"\ngoal = 10.0', 'metric = "dice"\ngoal = 0.5'))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    row = result.cases[0]
    assert row["status"] == "ok", row
    assert row["hausdorff"] == pytest.approx(medpy_binary.hd(pred, ref))  # 2 pixels
    assert row["dice"] == pytest.approx(medpy_binary.dc(pred, ref))


def test_references_holding_none_of_the_scored_labels_are_named_in_a_warning(study):
    """Two references saved 0/255 under the protocol's labels [1] (a PNG habit): each is
    an empty reference for label 1 (Dice 0 against the 0/1 prediction, as MedPy's dc
    gives for a reference with no voxel), and the result's warnings now name both cases
    and the value 255; before, nothing said why. The other references hold label 1 and
    are not named."""
    medpy_binary = pytest.importorskip("medpy.metric.binary")
    folder, pairs = study
    coded = {cid: pairs[cid][0] * np.uint8(255) for cid in ("c1", "c3")}
    for cid, mask in coded.items():
        save(mask, folder / "masks" / f"{cid}.nii.gz")
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred", workers=1)
    rows = {row["case_id"]: row for row in result.cases}
    for cid, mask in coded.items():
        assert rows[cid]["reference_empty"] is True
        assert rows[cid]["dice"] == medpy_binary.dc(pairs[cid][1], mask == 1) == 0
    named = [w for w in result.warnings if w.startswith("all cases:") and "none of the" in w]
    assert len(named) == 1, result.warnings
    assert "2 of 6 case(s)" in named[0] and "label(s) 1" in named[0]
    assert "(255): c1, c3;" in named[0]
    assert "_reference_unscored_values" not in result.case_columns


def test_an_infinite_volume_difference_is_not_said_to_be_a_failed_case():
    # Found in the volumes-pass: a tumour predicted (3 voxels) where the reference has
    # none gives RVD (3 - 0) / 0 = inf, and the mean's note named "a failed case counted
    # at the worst distance" as a possible cause, which a failed case's RVD (-1) never is.
    from types import SimpleNamespace

    from medeval.metrics import relative_volume_difference
    from medeval.tasks.segmentation import _mean_ci

    reference, prediction = np.zeros((3, 4, 4), bool), np.zeros((3, 4, 4), bool)
    prediction[1, 1, :3] = True
    assert math.isinf(relative_volume_difference(reference, prediction))
    values = np.array([0.05, -1.0, math.inf])
    st = SimpleNamespace(bootstrap_method="percentile", confidence=0.95)
    rvd = _mean_ci(values, None, st, distance=False)
    assert math.isinf(rvd.value) and math.isnan(rvd.low) and rvd.note == (
        "1 of 3 case(s) have an infinite value (a mask empty on one side), so the mean is "
        "infinite and its interval undefined (NaN)")
    assert "a failed case counted at the worst distance" in _mean_ci(values, None, st).note
