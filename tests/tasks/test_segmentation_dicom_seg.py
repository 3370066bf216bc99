"""A DICOM SEG reference scored against NIfTI predictions on its CT series' grid: the SEG
is placed on the case's input series, so a SEG that omits empty frames (as dcmqi writes
them) is not a grid of its own that a correct prediction fails to match. Numbers checked
against MedPy on arrays placed by hand."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import SimpleITK as sitk

import medeval

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "loaders"))
from seg_files import CT5N, write_seg  # noqa: E402

pytestmark = pytest.mark.skipif(not CT5N.is_dir(), reason=f"shared test data not found at {CT5N}")

medpy_binary = pytest.importorskip("medpy.metric.binary")

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "segmentation"


def _masks_and_ct() -> tuple[np.ndarray, np.ndarray, sitk.Image]:
    """The reference (slices 1-3 of ct5n, file order: z descending), the prediction one
    row further (126 of 147 voxels shared) and SimpleITK's grid of the series (z
    ascending)."""
    ref = np.zeros((5, 16, 16), bool)
    ref[1:4, 4:11, 5:12] = True
    pred = np.zeros((5, 16, 16), np.uint8)
    pred[1:4, 5:12, 5:12] = 1
    reader = sitk.ImageSeriesReader()
    reader.SetFileNames(reader.GetGDCMSeriesFileNames(str(CT5N)))
    return ref, pred, reader.Execute()


def test_sparse_seg_reference_with_nifti_prediction(tmp_path: Path) -> None:
    ref, pred, ct = _masks_and_ct()
    (tmp_path / "pred").mkdir()
    rows = []
    for case, slices in (("full", None), ("sparse", [1, 2, 3])):
        shutil.copytree(CT5N, tmp_path / "img" / case)
        (tmp_path / "refs").mkdir(exist_ok=True)
        write_seg(tmp_path / "refs" / f"{case}.dcm", {1: ref}, slices=slices)
        image = sitk.GetImageFromArray(pred[::-1].copy())
        image.CopyInformation(ct)
        sitk.WriteImage(image, str(tmp_path / "pred" / f"{case}.nii.gz"))
        rows.append({"case_id": case, "patient_id": case, "input": f"img/{case}",
                     "reference": f"refs/{case}.dcm"})
    pd.DataFrame(rows).to_csv(tmp_path / "manifest.csv", index=False)
    shutil.copy(EXAMPLE / "protocol.toml", tmp_path / "protocol.toml")
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions=tmp_path / "pred")
    spacing = (2.5, 0.488281, 0.488281)
    expected_dice = medpy_binary.dc(pred, ref)  # 2 * 126 / 294 = 0.857142...
    expected_hd95 = medpy_binary.hd95(pred, ref, voxelspacing=spacing)  # one row: 0.488 mm
    assert expected_dice == pytest.approx(2 * 126 / 294)
    assert [row["case_id"] for row in result.cases] == ["full", "sparse"]
    for row in result.cases:
        assert row["status"] == "ok", row
        assert row["dice"] == pytest.approx(expected_dice, abs=1e-12)
        assert row["hd95@max-directed"] == pytest.approx(expected_hd95, abs=1e-9)


def test_dicom_series_folder_reference_with_nifti_prediction(tmp_path: Path) -> None:
    """The reference a DICOM series folder of mask slices (ct5n with its pixels replaced
    by a 0/1 mask), the prediction a NIfTI on SimpleITK's grid of that series."""
    import pydicom

    ref = np.zeros((5, 16, 16), np.int16)  # file order (z descending)
    ref[1:4, 4:11, 5:12] = 1
    pred = np.zeros((5, 16, 16), np.uint8)
    pred[1:4, 5:12, 5:12] = 1
    shutil.copytree(CT5N, tmp_path / "img" / "m1")
    (tmp_path / "refs" / "m1").mkdir(parents=True)
    for k, file in enumerate(sorted(CT5N.glob("*.dcm"))):
        ds = pydicom.dcmread(file)
        ds.PixelData = ref[k].tobytes()
        ds.RescaleSlope, ds.RescaleIntercept = 1, 0
        ds.save_as(tmp_path / "refs" / "m1" / file.name)
    reader = sitk.ImageSeriesReader()
    reader.SetFileNames(reader.GetGDCMSeriesFileNames(str(tmp_path / "refs" / "m1")))
    grid = reader.Execute()
    image = sitk.GetImageFromArray(pred[::-1].copy())
    image.CopyInformation(grid)
    (tmp_path / "pred").mkdir()
    sitk.WriteImage(image, str(tmp_path / "pred" / "m1.nii.gz"))
    pd.DataFrame([{"case_id": "m1", "patient_id": "p1", "input": "img/m1",
                   "reference": "refs/m1"}]).to_csv(tmp_path / "manifest.csv", index=False)
    shutil.copy(EXAMPLE / "protocol.toml", tmp_path / "protocol.toml")
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions=tmp_path / "pred")
    (row,) = result.cases
    assert row["status"] == "ok", row
    assert row["dice"] == pytest.approx(medpy_binary.dc(pred, ref), abs=1e-12)
    assert row["hd95@max-directed"] == pytest.approx(
        medpy_binary.hd95(pred, ref, voxelspacing=(2.5, 0.488281, 0.488281)), abs=1e-9)


def test_dicom_reference_without_pixel_spacing_is_not_measured_in_mm(tmp_path: Path) -> None:
    """ct5n without PixelSpacing: the loader reads the plane as 1 x 1 mm
    (spacing_source "absent"); distances in mm on it would be in pixels, so the case is
    a reference problem naming the file, and under distance_unit = "px" it is scored."""
    import pydicom

    from medeval.errors import MedevalError

    ref = np.zeros((5, 16, 16), np.int16)
    ref[1:4, 4:11, 5:12] = 1
    shutil.copytree(CT5N, tmp_path / "img" / "m1")
    (tmp_path / "refs" / "m1").mkdir(parents=True)
    for k, file in enumerate(sorted(CT5N.glob("*.dcm"))):
        ds = pydicom.dcmread(file)
        del ds.PixelSpacing
        ds.PixelData = ref[k].tobytes()
        ds.RescaleSlope, ds.RescaleIntercept = 1, 0
        ds.save_as(tmp_path / "refs" / "m1" / file.name)
    image = sitk.GetImageFromArray(ref[::-1].astype(np.uint8).copy())
    image.SetSpacing((1.0, 1.0, 2.5))
    image.SetOrigin((-72.199997, -143.0, -1.2375))
    (tmp_path / "pred").mkdir()
    sitk.WriteImage(image, str(tmp_path / "pred" / "m1.nii.gz"))
    pd.DataFrame([{"case_id": "m1", "patient_id": "p1", "input": "img/m1",
                   "reference": "refs/m1"}]).to_csv(tmp_path / "manifest.csv", index=False)
    protocol = (EXAMPLE / "protocol.toml").read_text(encoding="utf-8")
    (tmp_path / "protocol.toml").write_text(protocol)
    with pytest.raises(MedevalError, match=r"refs/m1 is DICOM without a pixel spacing"):
        medeval.evaluate(tmp_path / "protocol.toml", predictions=tmp_path / "pred")
    in_px = protocol.replace('[task]\n', '[task]\ndistance_unit = "px"\n')
    in_px = in_px.replace("nsd_tolerance_mm = 1.0", "nsd_tolerance_px = 1.0")
    in_px = in_px.replace("worst_distance_mm = 50.0", "worst_distance_px = 50.0")
    (tmp_path / "protocol.toml").write_text(in_px)
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions=tmp_path / "pred")
    (row,) = result.cases
    assert row["status"] == "ok" and row["dice"] == 1.0


def test_nifti_reference_with_dicom_seg_prediction(tmp_path: Path) -> None:
    """The reverse: the reference a NIfTI on SimpleITK's grid of ct5n, the prediction a
    DICOM SEG of that series holding only its non-empty frames; the SEG is placed on the
    reference's grid. Numbers against MedPy."""
    ref = np.zeros((5, 16, 16), np.uint8)  # file order (z descending)
    ref[1:4, 4:11, 5:12] = 1
    pred = np.zeros((5, 16, 16), bool)
    pred[1:4, 5:12, 5:12] = True
    reader = sitk.ImageSeriesReader()
    reader.SetFileNames(reader.GetGDCMSeriesFileNames(str(CT5N)))
    ct = reader.Execute()
    shutil.copytree(CT5N, tmp_path / "img" / "r1")
    (tmp_path / "refs").mkdir()
    image = sitk.GetImageFromArray(ref[::-1].copy())
    image.CopyInformation(ct)
    sitk.WriteImage(image, str(tmp_path / "refs" / "r1.nii.gz"))
    (tmp_path / "pred").mkdir()
    write_seg(tmp_path / "pred" / "r1.dcm", {1: pred}, slices=[1, 2, 3])
    pd.DataFrame([{"case_id": "r1", "patient_id": "p1", "input": "img/r1",
                   "reference": "refs/r1.nii.gz"}]).to_csv(tmp_path / "manifest.csv",
                                                          index=False)
    shutil.copy(EXAMPLE / "protocol.toml", tmp_path / "protocol.toml")
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions=tmp_path / "pred")
    (row,) = result.cases
    assert row["status"] == "ok", row
    assert row["dice"] == pytest.approx(medpy_binary.dc(pred, ref), abs=1e-12)
    spacing = sitk.ReadImage(str(tmp_path / "refs" / "r1.nii.gz")).GetSpacing()[::-1]
    assert row["hd95@max-directed"] == pytest.approx(  # the NIfTI's float32 0.48828101
        medpy_binary.hd95(pred, ref, voxelspacing=spacing), abs=1e-9)


def test_seg_reference_is_placed_on_the_input_series_it_names(tmp_path: Path) -> None:
    """A case with two DICOM inputs, its CT series and a prior (another series on the
    same slices), and a SEG drawn on the CT that holds only its non-empty frames. The
    SEG is placed on the series its ReferencedSeriesSequence names, whichever column
    holds it; before, with more than one input, it was read on the grid of its own 3
    frames and the correct prediction on the CT's 5 slices failed as incompatible."""
    import pydicom
    from pydicom.uid import generate_uid

    ref, pred, ct = _masks_and_ct()
    (tmp_path / "pred").mkdir()
    rows = []
    for case in ("ct-first", "prior-first"):
        shutil.copytree(CT5N, tmp_path / case / "ct")
        (tmp_path / case / "prior").mkdir()
        prior_uid = generate_uid()
        for file in sorted(CT5N.glob("*.dcm")):
            ds = pydicom.dcmread(file)
            ds.SeriesInstanceUID, ds.SOPInstanceUID = prior_uid, generate_uid()
            ds.save_as(tmp_path / case / "prior" / file.name)
        write_seg(tmp_path / case / "seg.dcm", {1: ref}, slices=[1, 2, 3])
        image = sitk.GetImageFromArray(pred[::-1].copy())
        image.CopyInformation(ct)
        sitk.WriteImage(image, str(tmp_path / "pred" / f"{case}.nii.gz"))
        first, second = ("ct", "prior") if case == "ct-first" else ("prior", "ct")
        rows.append({"case_id": case, "patient_id": case, "input": f"{case}/{first}",
                     "input_prior": f"{case}/{second}", "reference": f"{case}/seg.dcm"})
    pd.DataFrame(rows).to_csv(tmp_path / "manifest.csv", index=False)
    shutil.copy(EXAMPLE / "protocol.toml", tmp_path / "protocol.toml")
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions=tmp_path / "pred")
    expected_dice = medpy_binary.dc(pred, ref)  # 2 * 126 / 294 = 0.857142...
    for row in result.cases:
        assert row["status"] == "ok", row
        assert row["dice"] == pytest.approx(expected_dice, abs=1e-12)


def test_seg_reference_naming_none_of_the_inputs_is_a_reference_problem(
        tmp_path: Path) -> None:
    """Two DICOM inputs, neither of them the series the SEG names: which grid would
    hold it? A reference problem naming the series and the inputs, not a guess."""
    import pydicom
    from pydicom.uid import generate_uid

    ref = np.zeros((5, 16, 16), bool)
    ref[1:4, 4:11, 5:12] = True
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        uid = generate_uid()
        for file in sorted(CT5N.glob("*.dcm")):
            ds = pydicom.dcmread(file)
            ds.SeriesInstanceUID, ds.SOPInstanceUID = uid, generate_uid()
            ds.save_as(tmp_path / name / file.name)
    write_seg(tmp_path / "seg.dcm", {1: ref}, series_uid="1.2.3.4")
    (tmp_path / "pred").mkdir()
    sitk.WriteImage(sitk.GetImageFromArray(ref.astype(np.uint8)),
                    str(tmp_path / "pred" / "c1.nii.gz"))
    pd.DataFrame([{"case_id": "c1", "patient_id": "p1", "input": "a", "input_b": "b",
                   "reference": "seg.dcm"}]).to_csv(tmp_path / "manifest.csv", index=False)
    shutil.copy(EXAMPLE / "protocol.toml", tmp_path / "protocol.toml")
    with pytest.raises(medeval.MedevalError) as info:
        medeval.evaluate(tmp_path / "protocol.toml", predictions=tmp_path / "pred")
    message = str(info.value)
    assert "case c1" in message and "names series 1.2.3.4" in message
    assert "(a, b) none of them holds it" in message


def _same_series_and_other(tmp_path: Path, ref: Any, pred: Any,
                           place_input: Any) -> dict[str, Any]:
    """Cases ``same`` and ``other``, each with its input placed by ``place_input(case)``
    (which returns the manifest's cell) and a reference SEG of ``ref`` drawn on ct5n's
    frames 1-3; the prediction SEG of ``pred`` names ct5n in ``same`` and another
    series in ``other``. The evaluation's case rows by case id."""
    (tmp_path / "pred").mkdir()
    rows = []
    for case in ("same", "other"):
        cell = place_input(case)
        write_seg(tmp_path / case / "ref.dcm", {1: ref}, slices=[1, 2, 3])
        write_seg(tmp_path / "pred" / f"{case}.dcm", {1: pred}, slices=[1, 2, 3],
                  series_uid=None if case == "same" else "1.2.3.4")
        rows.append({"case_id": case, "patient_id": case, "input": cell,
                     "reference": f"{case}/ref.dcm"})
    pd.DataFrame(rows).to_csv(tmp_path / "manifest.csv", index=False)
    shutil.copy(EXAMPLE / "protocol.toml", tmp_path / "protocol.toml")
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions=tmp_path / "pred")
    return {row["case_id"]: row for row in result.cases}


def test_seg_reference_with_seg_prediction_on_the_same_series(tmp_path: Path) -> None:
    """Both the reference and the prediction DICOM SEGs drawn on ct5n, each holding its
    non-empty frames only (in cases with and without the input). Before, the placed
    reference carried its own SeriesInstanceUID (the SEG's), so the prediction, whose
    ReferencedSeriesSequence names ct5n, was refused as drawn on another series
    (invalid-output). Numbers against MedPy; a prediction SEG drawn on another series
    is still refused."""
    ref = np.zeros((5, 16, 16), bool)  # file order (z descending)
    ref[1:4, 4:11, 5:12] = True
    pred = np.zeros((5, 16, 16), bool)
    pred[1:4, 5:12, 5:12] = True
    def series(case: str) -> str:
        shutil.copytree(CT5N, tmp_path / case / "ct")
        return f"{case}/ct"

    rows_by_id = _same_series_and_other(tmp_path, ref, pred, series)
    same = rows_by_id["same"]
    assert same["status"] == "ok", same
    assert same["dice"] == pytest.approx(medpy_binary.dc(pred, ref), abs=1e-12)
    assert same["hd95@max-directed"] == pytest.approx(
        medpy_binary.hd95(pred, ref, voxelspacing=(2.5, 0.488281, 0.488281)), abs=1e-9)
    assert rows_by_id["other"]["reason"] == "invalid-output"


def test_seg_reference_is_placed_on_the_cases_nifti_input(tmp_path: Path) -> None:
    """The input is ct5n converted to NIfTI by SimpleITK (the grid the algorithm sees),
    the reference a SEG of ct5n holding only its 3 non-empty frames. The SEG goes on
    the NIfTI's grid, and the prediction on that grid is scored (Dice against MedPy);
    before, the SEG was read on the grid of its own 3 frames and the prediction failed
    as incompatible. A NIfTI whose rows were flipped (another grid than the SEG's
    frames) is a reference problem naming the frames, not the algorithm's failure."""
    ref, pred, ct = _masks_and_ct()
    (tmp_path / "img").mkdir()
    sitk.WriteImage(ct, str(tmp_path / "img" / "n1.nii.gz"))
    write_seg(tmp_path / "n1.dcm", {1: ref}, slices=[1, 2, 3])
    (tmp_path / "pred").mkdir()
    image = sitk.GetImageFromArray(pred[::-1].copy())
    image.CopyInformation(ct)
    sitk.WriteImage(image, str(tmp_path / "pred" / "n1.nii.gz"))
    pd.DataFrame([{"case_id": "n1", "patient_id": "p1", "input": "img/n1.nii.gz",
                   "reference": "n1.dcm"}]).to_csv(tmp_path / "manifest.csv", index=False)
    shutil.copy(EXAMPLE / "protocol.toml", tmp_path / "protocol.toml")
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions=tmp_path / "pred")
    (row,) = result.cases
    assert row["status"] == "ok", row
    assert row["dice"] == pytest.approx(medpy_binary.dc(pred, ref), abs=1e-12)
    sitk.WriteImage(sitk.Flip(ct, [False, True, False]), str(tmp_path / "img" / "n1.nii.gz"))
    with pytest.raises(medeval.MedevalError) as info:
        medeval.evaluate(tmp_path / "protocol.toml", predictions=tmp_path / "pred")
    assert "case n1" in str(info.value) and "differs from the reference's" in str(info.value)


def test_seg_reference_on_a_nifti_input_with_seg_prediction_on_the_same_series(
        tmp_path: Path) -> None:
    """The input ct5n converted to NIfTI by SimpleITK, the reference and the prediction
    DICOM SEGs drawn on ct5n (as a lab user did with the shared liver SEG and a NIfTI of
    its grid). Before, the reference placed on the NIfTI's grid carried the SEG's own
    SeriesInstanceUID, so the prediction, whose ReferencedSeriesSequence names ct5n, was
    refused as drawn on another series (invalid-output). Dice against MedPy
    (2 * 126 / 294); a prediction SEG drawn on another series is still refused."""
    ref, pred, ct = _masks_and_ct()

    def nifti(case: str) -> str:
        (tmp_path / case).mkdir()
        sitk.WriteImage(ct, str(tmp_path / case / "ct.nii.gz"))
        return f"{case}/ct.nii.gz"

    rows_by_id = _same_series_and_other(tmp_path, ref, pred.astype(bool), nifti)
    same = rows_by_id["same"]
    assert same["status"] == "ok", same
    assert same["dice"] == pytest.approx(medpy_binary.dc(pred, ref), abs=1e-12)
    assert same["dice"] == pytest.approx(2 * 126 / 294, abs=1e-12)
    assert rows_by_id["other"]["reason"] == "invalid-output"


def test_a_seg_on_the_cases_nifti_input_takes_its_pixel_size_from_the_nifti_header(
        tmp_path: Path) -> None:
    """A SEG placed on the case's NIfTI input is measured with the NIfTI header's spacing
    (SimpleITK's GetSpacing of the file), so the result names 'image file header' as its
    source; it said 'DICOM geometry', as for a SEG measured on its own grid. A SEG
    placed on the DICOM series is measured with the series' PixelSpacing."""
    ref, pred, ct = _masks_and_ct()
    (tmp_path / "img").mkdir()
    sitk.WriteImage(ct, str(tmp_path / "img" / "n1.nii.gz"))
    shutil.copytree(CT5N, tmp_path / "img" / "s1")
    (tmp_path / "pred").mkdir()
    for case in ("n1", "s1"):
        write_seg(tmp_path / f"{case}.dcm", {1: ref}, slices=[1, 2, 3])
        image = sitk.GetImageFromArray(pred[::-1].copy())
        image.CopyInformation(ct)
        sitk.WriteImage(image, str(tmp_path / "pred" / f"{case}.nii.gz"))
    pd.DataFrame([{"case_id": "n1", "patient_id": "p1", "input": "img/n1.nii.gz",
                   "reference": "n1.dcm"},
                  {"case_id": "s1", "patient_id": "p2", "input": "img/s1",
                   "reference": "s1.dcm"}]).to_csv(tmp_path / "manifest.csv", index=False)
    shutil.copy(EXAMPLE / "protocol.toml", tmp_path / "protocol.toml")
    result = medeval.evaluate(tmp_path / "protocol.toml", predictions=tmp_path / "pred")
    assert [row["status"] for row in result.cases] == ["ok", "ok"]
    assert result.tables["distances"]["pixel_size_sources"] == {
        "PixelSpacing": 1, "image file header": 1}
    spacing = sitk.ReadImage(str(tmp_path / "img" / "n1.nii.gz")).GetSpacing()[::-1]
    assert spacing == pytest.approx((2.5, 0.488281, 0.488281))
    hd95 = {row["case_id"]: row["hd95@max-directed"] for row in result.cases}
    assert hd95["n1"] == pytest.approx(
        medpy_binary.hd95(pred, ref, voxelspacing=spacing), abs=1e-9)


def _seg_on_a_series_missing_a_slice(tmp_path: Path):
    """The task and manifest of one case: a SEG written on ct5n, its series without its
    middle slice (pydicom's positions are 2.5 mm apart, so one gap is 5 mm)."""
    import pydicom

    from medeval.manifest import Manifest
    from medeval.protocol import load_protocol
    from medeval.tasks.registry import make_task

    files = sorted(CT5N.glob("*.dcm"),
                   key=lambda f: float(pydicom.dcmread(f).ImagePositionPatient[2]))
    z = [float(pydicom.dcmread(f).ImagePositionPatient[2]) for f in files]
    assert np.allclose(np.diff(z), 2.5)
    (tmp_path / "img" / "c1").mkdir(parents=True)
    for f in files[:2] + files[3:]:
        shutil.copy(f, tmp_path / "img" / "c1" / f.name)
    ref, _, _ = _masks_and_ct()
    (tmp_path / "refs").mkdir()
    write_seg(tmp_path / "refs" / "c1.dcm", {1: ref})
    pd.DataFrame([{"case_id": "c1", "patient_id": "p1", "input": "img/c1",
                   "reference": "refs/c1.dcm"}]).to_csv(tmp_path / "manifest.csv", index=False)
    shutil.copy(EXAMPLE / "protocol.toml", tmp_path / "protocol.toml")
    return (make_task(load_protocol(tmp_path / "protocol.toml")),
            Manifest.from_csv(tmp_path / "manifest.csv", reference_kind="image"))


def test_a_seg_on_a_series_missing_a_slice_is_refused_before_the_algorithm_runs(
        tmp_path: Path, capsys) -> None:
    # Found in the volumes-pass: `manifest check --read-files --protocol` said OK and
    # `medeval run` ran the algorithm on every case, then refused the set while scoring,
    # because the SEG is placed on its series only then.
    from medeval.cli import main
    from medeval.evaluation import check_references

    task, manifest = _seg_on_a_series_missing_a_slice(tmp_path)
    with pytest.raises(medeval.MedevalError, match=r"case c1: DICOM series .*the gap is 5 mm"):
        check_references(task, manifest)  # what medeval run does before running
    assert main(["manifest", "check", str(tmp_path / "manifest.csv"), "--protocol",
                 str(tmp_path / "protocol.toml"), "--read-files"]) == 2
    assert "the gap is 5 mm" in capsys.readouterr().err


def test_the_references_are_checked_with_a_bar_where_asked(tmp_path: Path, capsys) -> None:
    # Found in the review-volumes pass: since 95e4e11 checking a SEG set's references
    # places each SEG on its series (about 0.2 s a 200-slice series: minutes for a set of
    # a thousand, before medeval run starts its first case), silent. The same problems
    # with and without the bar, its words on stderr only when asked.
    from medeval.evaluation import reference_problems

    task, manifest = _seg_on_a_series_missing_a_slice(tmp_path)
    quiet = reference_problems(task, manifest)
    assert capsys.readouterr().err == "" and len(quiet) == 1 and "the gap is 5 mm" in quiet[0]
    assert reference_problems(task, manifest, progress=True) == quiet
    assert "checking references" in capsys.readouterr().err
