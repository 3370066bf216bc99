"""The segmentation task on 2-D frames: mask images written with Pillow, distances in
pixels or through a declared pixel size, checked against MedPy, counts worked here, and
the same masks saved as NIfTI and evaluated as volumes with their spacing."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest
import SimpleITK as sitk
from PIL import Image as PILImage

import medeval
from medeval.errors import ManifestError
from medeval.protocol import ProtocolError, validate_protocol
from medeval.report.content import build_certificate

PROTOCOL = """
[test]
id = "T-2D"
title = "2-D frames"
mode = "pre-check"
[laboratory]
name = "Lab"
[customer]
name = "Customer"
[algorithm]
name = "Segmenter"
version = "1"
[dataset]
manifest = "manifest.csv"
selection = "synthetic frames"
[task]
type = "segmentation"
{task}
[statistics]
seed = 1
n_resamples = 200
resampling_unit = "case"
[failures]
{failures}
[[criteria]]
metric = "dice"
goal = 0.5
source = "test"
"""
PX = 'distance_unit = "px"\nnsd_tolerance_px = 2.0'
SHAPE = (48, 64)  # rows, columns


def disc(centre, radius, shape=SHAPE):
    yy, xx = np.mgrid[:shape[0], :shape[1]]
    return (yy - centre[0]) ** 2 + (xx - centre[1]) ** 2 <= radius ** 2


def pairs():
    """Reference and predicted masks: discs shifted and resized, one prediction empty."""
    out = {}
    for i in range(5):
        ref = disc((22 + i, 30), 9 + i)
        pred = disc((24 + i, 28 + i), 8 + i) if i != 3 else np.zeros(SHAPE, bool)
        if i == 4:
            pred = pred | disc((6, 56), 3)  # a false positive far away: a large HD
        out[f"c{i}"] = (ref, pred)
    return out


def write_png(mask, path, value=255):
    PILImage.fromarray((np.asarray(mask) * value).astype(np.uint8)).save(path)


def write_nifti(mask, path, spacing):
    image = sitk.GetImageFromArray(np.asarray(mask).astype(np.uint8))
    image.SetSpacing((spacing, spacing))
    sitk.WriteImage(image, str(path))


def make_set(folder: Path, *, task: str = PX, failures: str = "", kind: str = "png",
             spacing: float = 1.0) -> dict:
    for sub in ("frames", "masks", "pred"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    rows = []
    data = pairs()
    suffix = {"png": ".png", "nifti": ".nii.gz"}[kind]
    for k, (cid, (ref, pred)) in enumerate(data.items()):
        frame = np.full((*SHAPE, 3), 40, np.uint8)
        frame[ref] = (200, 90, 80)
        PILImage.fromarray(frame).save(folder / "frames" / f"{cid}.jpg", quality=90)
        if kind == "png":
            write_png(ref, folder / "masks" / f"{cid}.png")
            write_png(pred, folder / "pred" / f"{cid}.png")
        else:
            write_nifti(ref, folder / "masks" / f"{cid}.nii.gz", spacing)
            write_nifti(pred, folder / "pred" / f"{cid}.nii.gz", spacing)
        rows.append([cid, f"p{k // 2}", f"frames/{cid}.jpg", f"masks/{cid}{suffix}"])
    with (folder / "manifest.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case_id", "patient_id", "input", "reference"])
        writer.writerows(rows)
    (folder / "protocol.toml").write_text(PROTOCOL.format(task=task, failures=failures))
    return data


def per_case(result) -> dict[str, dict]:
    columns = result.case_columns
    return {row["case_id"]: row for row in result.cases} if isinstance(
        result.cases[0], dict) else {r[0]: dict(zip(columns, r)) for r in result.cases}


def test_distances_in_pixels_match_medpy_and_counts(tmp_path):
    from medpy.metric.binary import assd, hd, hd95

    data = make_set(tmp_path, failures="worst_distance_px = 100.0")
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    cases = per_case(result)
    dice_values, hd_values = [], []
    for cid, (ref, pred) in data.items():
        row = cases[cid]
        # Dice and IoU counted here: 2|R&P| / (|R|+|P|), |R&P| / |R|P|
        both, union = (ref & pred).sum(), (ref | pred).sum()
        assert row["dice"] == pytest.approx(2 * both / (ref.sum() + pred.sum()))
        assert row["jaccard"] == pytest.approx(both / union)
        dice_values.append(row["dice"])
        if not pred.any():  # c3: one mask empty, distances infinite, then replaced
            assert math.isinf(row["hausdorff"]) and row["prediction_empty"] is True
            hd_values.append(100.0)
            continue
        # MedPy on the 2-D arrays: border pixels of a 2-D erosion, distances in pixels
        assert row["hausdorff"] == pytest.approx(hd(pred, ref))
        assert row["hd95@pooled"] == pytest.approx(hd95(pred, ref))
        assert row["assd"] == pytest.approx(assd(pred, ref))
        hd_values.append(row["hausdorff"])
    assert result.metric("dice").estimate.value == pytest.approx(np.mean(dice_values))
    assert result.metric("hausdorff").estimate.value == pytest.approx(np.mean(hd_values))
    # every distance record says px; ratios stay 1
    units = {m.name: m.unit for m in result.metrics}
    for name in ("hausdorff", "hd95@max-directed", "hd95@pooled", "assd", "masd"):
        assert units[name] == "px", name
    assert units["dice"] == units["jaccard"] == units["nsd@surfel"] == "1"
    table = result.tables["distances"]
    assert table["unit"] == "px" and table["nsd_tolerance"] == 2.0
    assert "hausdorff" in table["case_columns"] and "dice" not in table["case_columns"]
    assert result.tables["empty_masks"]["distances_replaced_by_worst"] == 5
    # the unit survives the JSON round trip, and the certificate prints px, never mm
    again = medeval.Result.from_json(result.to_json())
    assert {m.name: m.unit for m in again.metrics} == units
    certificate = build_certificate(again)
    rows = [row for section in certificate.sections for block in section.blocks
            for row in getattr(block, "rows", ()) if len(row) == 6]
    printed = {row[5] for row in rows}
    assert "px" in printed and "mm" not in printed
    notes = [getattr(b, "text", None) for s in certificate.sections for b in s.blocks]
    # the note's key as the base catalogue names it (a result made after 0.9.0 takes the
    # revised phrase of the overlay, keyed 'text.unit_px_note@after-0.9.0')
    assert any(str(getattr(n, "key", "")).partition("@after-")[0] == "text.unit_px_note"
               for n in notes)


def test_the_same_masks_as_nifti_give_the_same_numbers(tmp_path):
    """PNG with distance_unit px equals NIfTI of spacing 1 evaluated in mm; PNG with
    pixel_spacing_mm s equals NIfTI of spacing s (each grid of one slice in 2-D)."""
    s = 0.35
    make_set(tmp_path / "px")
    make_set(tmp_path / "mm", task=f"nsd_tolerance_mm = {2.0 * s}\npixel_spacing_mm = {s}")
    make_set(tmp_path / "n1", task="nsd_tolerance_mm = 2.0", kind="nifti", spacing=1.0)
    make_set(tmp_path / "ns", task=f"nsd_tolerance_mm = {2.0 * s}", kind="nifti", spacing=s)
    run = {name: per_case(medeval.evaluate(tmp_path / name / "protocol.toml",
                                           tmp_path / name / "pred", workers=1))
           for name in ("px", "mm", "n1", "ns")}
    names = ("dice", "jaccard", "hausdorff", "hd95@max-directed", "hd95@pooled", "assd",
             "masd", "nsd@surfel", "relative_volume_difference")
    for cid in run["px"]:
        for name in names:
            assert run["px"][cid][name] == pytest.approx(run["n1"][cid][name]), (cid, name)
            assert run["mm"][cid][name] == pytest.approx(run["ns"][cid][name]), (cid, name)
        # a pixel of s mm: distances scale by s, overlaps and NSD do not change
        assert run["mm"][cid]["hausdorff"] == pytest.approx(s * run["px"][cid]["hausdorff"])
        assert run["mm"][cid]["dice"] == run["px"][cid]["dice"]
        assert run["mm"][cid]["nsd@surfel"] == pytest.approx(run["px"][cid]["nsd@surfel"])


def test_pixel_spacing_matches_medpy_in_mm(tmp_path):
    from medpy.metric.binary import hd95

    data = make_set(tmp_path, task="nsd_tolerance_mm = 1.0\npixel_spacing_mm = 0.5")
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    cases = per_case(result)
    ref, pred = data["c1"]
    assert cases["c1"]["hd95@pooled"] == pytest.approx(hd95(pred, ref, voxelspacing=0.5))
    assert result.metric("hausdorff").unit == "mm"
    assert result.tables["distances"] == {
        "unit": "mm", "pixel_spacing_mm": 0.5, "nsd_tolerance": 1.0,
        "case_columns": ["hausdorff", "hd95@max-directed", "hd95@pooled", "assd", "masd"],
        # the five PNG frames' pixel size: the protocol's, for each of them
        "pixel_size_sources": {"protocol pixel_spacing_mm": 5}}


def test_frames_without_spacing_under_mm_are_refused_listing_every_case(tmp_path):
    make_set(tmp_path, task="nsd_tolerance_mm = 1.0")
    with pytest.raises(ManifestError) as caught:  # supplied predictions: while scoring
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    assert len(caught.value.problems) == 5
    assert all("states no pixel size" in p and "pixel_spacing_mm" in p
               for p in caught.value.problems)
    # before the algorithm runs: every reference checked from its first bytes
    from medeval.evaluation import check_references
    from medeval.manifest import Manifest
    from medeval.protocol import load_protocol
    from medeval.tasks.registry import make_task

    task = make_task(load_protocol(tmp_path / "protocol.toml"))
    manifest = Manifest.from_csv(tmp_path / "manifest.csv", reference_kind="image")
    with pytest.raises(ManifestError, match="5 reference problem"):
        check_references(task, manifest)


def test_a_volume_under_pixel_spacing_is_refused(tmp_path):
    make_set(tmp_path, task="nsd_tolerance_mm = 1.0\npixel_spacing_mm = 0.5", kind="nifti",
             spacing=0.5)
    with pytest.raises(ManifestError, match="spacing of its own"):
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)


def test_failed_cases_missing_wrong_size_and_two_files(tmp_path):
    make_set(tmp_path, failures="worst_distance_px = 100.0")
    (tmp_path / "pred" / "c0.png").unlink()
    write_png(np.ones((SHAPE[0], SHAPE[1] + 2), bool), tmp_path / "pred" / "c1.png")
    write_nifti(np.zeros(SHAPE), tmp_path / "pred" / "c2.nii.gz", 1.0)  # beside c2.png
    # an RGB prediction whose channels are equal is a grey mask: fine
    rgb = np.repeat((pairs()["c4"][1] * 255).astype(np.uint8)[..., None], 3, axis=2)
    PILImage.fromarray(rgb).save(tmp_path / "pred" / "c4.png")
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    reasons = {c.case_id: c.reason for c in result.failures.cases}
    assert reasons == {"c0": "missing-output", "c1": "incompatible", "c2": "invalid-output"}
    detail = {c.case_id: c.detail for c in result.failures.cases}
    assert "shape" in detail["c1"] and "2 prediction files" in detail["c2"]
    cases = per_case(result)
    assert cases["c1"]["dice"] == 0.0 and cases["c1"]["hausdorff"] == 100.0
    assert cases["c4"]["status"] == "ok"


def test_a_worst_distance_below_a_measured_one_is_warned_of(tmp_path):
    from medpy.metric.binary import hd

    # a worst distance of 12 px: c4's false positive far from its disc measures more
    data = make_set(tmp_path, failures="worst_distance_px = 12.0")
    measured = {cid: hd(pred, ref) for cid, (ref, pred) in data.items() if pred.any()}
    above = {cid: v for cid, v in measured.items() if v > 12.0}
    assert len(above) == 1 and 20 < above["c4"] < 25  # MedPy, here: 22.80
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    (warning,) = [w for w in result.warnings if "worst_distance_px" in w]
    assert (f"1 of 5 case(s) have a distance above it (the largest, hausdorff "
            f"{above['c4']:.4g} px, in case c4)") in warning
    # the advice holds for a CT volume too, whose largest distance is its own diagonal
    assert warning.endswith("(the diagonal of a frame or volume)")
    # declared at the frame's diagonal (80 px for 48 x 64), nothing is said
    (tmp_path / "protocol.toml").write_text(PROTOCOL.format(
        task=PX, failures="worst_distance_px = 80.0"))
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    assert not [w for w in result.warnings if "worst_distance_px" in w]


def test_a_hausdorff_at_another_percentile_is_a_distance(tmp_path):
    # hd_percentile = 90 names the figures hd90@...: they were not taken for distances,
    # so c3's empty prediction (an infinite distance) was not counted at the declared worst
    # distance (mean inf, interval NaN), their unit was the definition's mm under a px
    # protocol, and the distance table left them out
    make_set(tmp_path, task=PX + "\nhd_percentile = 90", failures="worst_distance_px = 12.0")
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    cases = per_case(result)
    figures = {m.name: m for m in result.metrics}
    for name in ("hd90@max-directed", "hd90@pooled"):
        assert math.isinf(cases["c3"][name])  # the empty prediction, as scored
        # the worst distance in its place: the mean worked from the case values
        expected = np.mean([12.0 if math.isinf(cases[c][name]) else cases[c][name]
                            for c in cases])
        figure = figures[name]
        assert figure.unit == "px" and figure.estimate.value == pytest.approx(expected)
        assert math.isfinite(figure.estimate.low) and math.isfinite(figure.estimate.high)
        assert name in result.tables["distances"]["case_columns"]


def test_a_mask_not_the_size_of_its_frame_is_a_reference_problem(tmp_path):
    make_set(tmp_path)
    write_png(np.zeros((SHAPE[0] - 1, SHAPE[1]), bool), tmp_path / "masks" / "c2.png")
    with pytest.raises(ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    (problem,) = caught.value.problems
    assert "case c2" in problem and "47 x 64" in problem and "48 x 64" in problem
    assert "resized" in problem and "swapped" not in problem


def test_a_frame_turned_against_its_mask_is_said_to_be_turned(tmp_path):
    # a phone capture saved portrait with its orientation applied (PIL's exif_transpose
    # of an EXIF 6 frame: 64 rows x 48 columns) while the mask was drawn on the stored
    # landscape pixels (48 x 64): the sizes are each other's swapped
    make_set(tmp_path)
    stored = PILImage.new("RGB", (SHAPE[1], SHAPE[0]))
    exif = PILImage.Exif()
    exif[0x0112] = 6
    stored.save(tmp_path / "turned.jpg", exif=exif.tobytes())
    from PIL import ImageOps

    ImageOps.exif_transpose(PILImage.open(tmp_path / "turned.jpg")).save(
        tmp_path / "frames" / "c2.jpg")
    assert PILImage.open(tmp_path / "frames" / "c2.jpg").size == (SHAPE[0], SHAPE[1])
    with pytest.raises(ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    (problem,) = caught.value.problems
    assert "case c2" in problem and "is 48 x 64 pixels" in problem
    assert "frame frames/c2.jpg is 64 x 48" in problem
    assert "rows and columns swapped" in problem and "resized" not in problem


def test_jpeg_masks_need_the_threshold(tmp_path):
    data = make_set(tmp_path)
    for cid, (ref, _) in data.items():
        (tmp_path / "masks" / f"{cid}.png").unlink()
        PILImage.fromarray((ref * 255).astype(np.uint8)).save(
            tmp_path / "masks" / f"{cid}.jpg", quality=75)
    rows = (tmp_path / "manifest.csv").read_text().replace(".png", ".jpg")
    (tmp_path / "manifest.csv").write_text(rows)
    with pytest.raises(ManifestError, match="jpeg_threshold"):
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    (tmp_path / "protocol.toml").write_text(PROTOCOL.format(
        task=PX + "\njpeg_threshold = 128", failures=""))
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    cases = per_case(result)
    for cid, (_, pred) in data.items():
        grey = np.asarray(PILImage.open(tmp_path / "masks" / f"{cid}.jpg").convert("L"))
        ref = grey >= 128  # the threshold, applied here
        expected = 2 * (ref & pred).sum() / (ref.sum() + pred.sum())
        assert cases[cid]["dice"] == pytest.approx(expected)


def test_masks_scoring_would_refuse_are_found_before_the_algorithm_runs(tmp_path):
    # what medeval run checks before it runs the algorithm on every case: a JPEG mask
    # without jpeg_threshold, a 16-bit mask of 0/65535 and a polyp/instrument map of
    # 0/1/2 without label_map, a colour mask; found before only once scored, after the run
    from medeval.evaluation import check_references
    from medeval.manifest import Manifest
    from medeval.protocol import load_protocol
    from medeval.tasks.registry import make_task

    data = make_set(tmp_path)
    masks = tmp_path / "masks"
    PILImage.fromarray((data["c0"][0] * 255).astype(np.uint8)).save(masks / "c0.jpg")
    PILImage.fromarray(data["c1"][0].astype(np.uint16) * 65535).save(masks / "c1.png")
    instrument = 2 * disc((5, 5), 3).astype(np.uint8)  # 1 the polyp, 2 an instrument
    PILImage.fromarray(data["c2"][0].astype(np.uint8) + instrument).save(masks / "c2.png")
    red = np.zeros((*SHAPE, 3), np.uint8)
    red[data["c3"][0], 0] = 255
    PILImage.fromarray(red).save(masks / "c3.png")
    rows = (tmp_path / "manifest.csv").read_text().replace("masks/c0.png", "masks/c0.jpg")
    (tmp_path / "manifest.csv").write_text(rows)
    task = make_task(load_protocol(tmp_path / "protocol.toml"))
    manifest = Manifest.from_csv(tmp_path / "manifest.csv", reference_kind="image")
    with pytest.raises(ManifestError) as caught:
        check_references(task, manifest)
    problems = caught.value.problems
    assert [p.split(":")[0] for p in problems] == ["case c0", "case c1", "case c2", "case c3"]
    assert "jpeg_threshold" in problems[0] and "[0, 65535]" in problems[1]
    assert "[0, 1, 2]" in problems[2] and "colour" in problems[3]


def test_a_stack_of_mask_pages_measured_in_distances_is_found_before_the_run(tmp_path):
    # a two-page TIFF mask (one frame's mask saved twice) under distances: scoring refuses
    # it (no distance between the pages); the check before the run let it pass, so the
    # evaluation stopped only after the algorithm had run on every case
    from medeval.evaluation import check_references
    from medeval.manifest import Manifest
    from medeval.protocol import load_protocol
    from medeval.tasks.registry import make_task

    data = make_set(tmp_path)
    page = PILImage.fromarray((data["c1"][0] * 255).astype(np.uint8))
    page.save(tmp_path / "masks" / "c1.tif", save_all=True, append_images=[page])
    with PILImage.open(tmp_path / "masks" / "c1.tif") as written:
        assert written.n_frames == 2  # Pillow, reading it back
    rows = (tmp_path / "manifest.csv").read_text().replace("masks/c1.png", "masks/c1.tif")
    (tmp_path / "manifest.csv").write_text(rows)
    task = make_task(load_protocol(tmp_path / "protocol.toml"))
    manifest = Manifest.from_csv(tmp_path / "manifest.csv", reference_kind="image")
    with pytest.raises(ManifestError) as caught:
        check_references(task, manifest)
    (problem,) = caught.value.problems
    assert problem.startswith("case c1: reference masks/c1.tif is a stack of 2 2-D frames")


def test_a_grey_label_map_scores_each_label(tmp_path):
    make_set(tmp_path)
    data = pairs()
    for cid, (ref, pred) in data.items():
        # label 1 (grey 128): the disc; label 2 (grey 255): its left half
        for mask, where in ((ref, "masks"), (pred, "pred")):
            grey = np.where(mask, 128, 0).astype(np.uint8)
            grey[mask & (np.arange(SHAPE[1]) < 30)] = 255
            PILImage.fromarray(grey).save(tmp_path / where / f"{cid}.png")
    task = PX + '\nlabels = [1, 2]\n[task.label_map]\n"0" = 0\n"128" = 1\n"255" = 2'
    text = PROTOCOL.format(task=task, failures="")
    # the figures are each label's: a criterion on "dice" would name no figure (and so
    # could never be met); it is refused, naming the labels' figures
    (tmp_path / "protocol.toml").write_text(text)
    with pytest.raises(ProtocolError, match="'dice' is not reported .* label1:dice, "):
        medeval.load_protocol(tmp_path / "protocol.toml")
    (tmp_path / "protocol.toml").write_text(text.replace('metric = "dice"',
                                                         'metric = "label2:dice"'))
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    (verdict,) = result.verdicts
    assert verdict.metric == "label2:dice" and "has no metric" not in verdict.reason
    cases = per_case(result)
    for cid, (ref, pred) in data.items():
        left = np.arange(SHAPE[1]) < 30
        for label, r, p in ((1, ref & ~left, pred & ~left), (2, ref & left, pred & left)):
            expected = 2 * (r & p).sum() / (r.sum() + p.sum()) if (r.sum() + p.sum()) else 1.0
            assert cases[cid][f"label{label}:dice"] == pytest.approx(expected), (cid, label)
    assert json.loads(result.to_json())["parameters"]["task"]["label_map"] == {
        "0": 0, "128": 1, "255": 2}


def test_parallel_and_serial_give_the_same_bytes(tmp_path):
    make_set(tmp_path, failures="worst_distance_px = 100.0")
    one = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    two = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=2)
    assert one.fingerprint == two.fingerprint


BASE = {
    "test": {"id": "T", "title": "t", "mode": "pre-check"}, "laboratory": {"name": "L"},
    "customer": {"name": "C"}, "algorithm": {"name": "a", "version": "1"},
    "dataset": {"manifest": "m.csv", "selection": "all"}, "statistics": {"seed": 1},
    "criteria": [{"metric": "dice", "goal": 0.5, "source": "s"}],
}


@pytest.mark.parametrize(("task", "failures", "expected"), [
    ({"distance_unit": "px"}, {}, "nsd_tolerance_px is required"),
    ({"distance_unit": "px", "nsd_tolerance_px": 2, "pixel_spacing_mm": 0.3}, {},
     "pixel_spacing_mm contradicts"),
    ({"distance_unit": "px", "nsd_tolerance_px": 2, "nsd_tolerance_mm": 1}, {},
     "nsd_tolerance_mm contradicts"),
    ({"nsd_tolerance_mm": 1, "nsd_tolerance_px": 2}, {}, "nsd_tolerance_px needs"),
    ({}, {}, "nsd_tolerance_mm is required"),
    ({"distance_unit": "px", "nsd_tolerance_px": 2}, {"worst_distance_mm": 50},
     "failures.worst_distance_mm: the task's distances are in px"),
    ({"nsd_tolerance_mm": 1}, {"worst_distance_px": 50},
     "failures.worst_distance_px: the task's distances are in mm"),
    ({"nsd_tolerance_mm": 1, "label_map": {"0": 0, "255": 2}}, {}, "label(s) [1]"),
    ({"nsd_tolerance_mm": 1, "pixel_spacing_mm": 0}, {}, "pixel_spacing_mm"),
    ({"nsd_tolerance_mm": 1, "jpeg_threshold": 300}, {}, "jpeg_threshold"),
])
def test_protocol_rules_of_the_distance_unit(task, failures, expected):
    data = dict(BASE, task={"type": "segmentation", **task}, failures=failures)
    with pytest.raises(ProtocolError) as caught:
        validate_protocol(data)
    assert any(expected in p for p in caught.value.problems), caught.value.problems


def test_a_3d_protocol_reads_as_before():
    data = dict(BASE, task={"type": "segmentation", "nsd_tolerance_mm": 1.0},
                failures={"worst_distance_mm": 50.0})
    protocol = validate_protocol(data)
    assert protocol.task.distance_unit == "mm" and protocol.task.pixel_spacing_mm is None
    px = validate_protocol(dict(BASE, task={"type": "segmentation", "distance_unit": "px",
                                            "nsd_tolerance_px": 2},
                                failures={"worst_distance_px": 40}))
    assert px.failures.worst_distance_px == 40


def test_a_palette_mask_is_read_by_index_through_the_label_map(tmp_path):
    """Colour-coded labels saved as a palette PNG: the label map goes from the palette
    index (not its colour) to the label id, for references and predictions alike."""
    make_set(tmp_path)
    palette = [0, 0, 0, 255, 0, 0, 0, 255, 0] + [0] * (256 * 3 - 9)  # black, red, green
    data = pairs()
    for cid, (ref, pred) in data.items():
        for mask, where in ((ref, "masks"), (pred, "pred")):
            index = np.where(mask, 2, 0).astype(np.uint8)  # index 2: green, the polyp
            image = PILImage.fromarray(index)  # L; a palette makes it P
            image.putpalette(palette)
            assert image.mode == "P"
            image.save(tmp_path / where / f"{cid}.png")
    task = PX + '\n[task.label_map]\n"0" = 0\n"2" = 1'
    (tmp_path / "protocol.toml").write_text(PROTOCOL.format(task=task, failures=""))
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    cases = per_case(result)
    for cid, (ref, pred) in data.items():
        total = ref.sum() + pred.sum()
        assert cases[cid]["dice"] == pytest.approx(2 * (ref & pred).sum() / total)


def test_without_distances_only_the_overlaps_are_computed(tmp_path):
    """distances = false: Dice, IoU and RVD equal to the full computation's, no distance
    column, and no unit, pixel size or tolerance needed (frames without spacing pass)."""
    data = make_set(tmp_path / "full")
    make_set(tmp_path / "fast", task="distances = false")
    full = medeval.evaluate(tmp_path / "full" / "protocol.toml", tmp_path / "full" / "pred",
                            workers=1)
    fast = medeval.evaluate(tmp_path / "fast" / "protocol.toml", tmp_path / "fast" / "pred",
                            workers=1)
    assert [m.name for m in fast.metrics] == ["dice", "jaccard", "relative_volume_difference"]
    assert "distances" not in fast.tables
    assert fast.case_columns[4:] == ("dice", "jaccard", "relative_volume_difference",
                                     "reference_empty", "prediction_empty")
    slow, quick = per_case(full), per_case(fast)
    for cid in data:
        for name in fast.case_columns[4:]:
            assert quick[cid][name] == slow[cid][name], (cid, name)
    for name in ("dice", "jaccard"):
        assert fast.metric(name).estimate == full.metric(name).estimate


def test_without_distances_a_distance_criterion_is_refused():
    data = dict(BASE, task={"type": "segmentation", "distances": False},
                criteria=[{"metric": "hd95@max-directed", "goal": 5, "source": "s"}])
    with pytest.raises(ProtocolError, match="task.distances = false"):
        validate_protocol(data)
    assert validate_protocol(dict(BASE, task={"type": "segmentation", "distances": False}))


def test_a_prediction_with_its_suffix_in_capitals_is_found(tmp_path):
    """c1.PNG (as Windows tools write it) is the case's mask, not a missing output; Dice
    counted here from the mask written."""
    data = make_set(tmp_path)
    (tmp_path / "pred" / "c1.png").rename(tmp_path / "pred" / "c1.PNG")
    PILImage.open(tmp_path / "pred" / "c2.png").save(tmp_path / "pred" / "c2.BMP", "BMP")
    (tmp_path / "pred" / "c2.png").unlink()
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    assert not result.failures.cases
    ref, pred = data["c1"]
    assert per_case(result)["c1"]["dice"] == pytest.approx(
        2 * (ref & pred).sum() / (ref.sum() + pred.sum()))


def test_a_frame_with_an_exif_orientation_is_refused(tmp_path):
    """A frame with EXIF orientation 3 (180°) has its mask's size either way, and the
    mask may have been drawn on the stored or the turned picture: refused, not scored."""
    make_set(tmp_path)
    path = tmp_path / "frames" / "c2.jpg"
    with PILImage.open(path) as image:
        frame = image.copy()
    exif = frame.getexif()
    exif[0x0112] = 3
    frame.save(path, exif=exif)
    with PILImage.open(path) as image:
        assert image.getexif()[0x0112] == 3
    with pytest.raises(ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    (problem,) = caught.value.problems
    assert problem.startswith("case c2: frame ") and "EXIF orientation is 3" in problem
