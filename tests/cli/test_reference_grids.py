"""manifest check --read-files --protocol of a segmentation set: a reference stored on
another grid than its input's (found in the volumes-pass: a reference reoriented to RAS
from its CT, whose every correct prediction then failed as incompatible, counted as the
algorithm's failure, with manifest check saying OK), and an input series missing a slice."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import SimpleITK as sitk

from medeval.cli import main
from medeval.cli._reference_grids import off_grid_references
from medeval.manifest import Manifest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "segmentation"
CT5N = Path(__file__).resolve().parents[3] / "shared" / "data" / "dicom" / "series" / "ct5n"


def _volume(path: Path, direction=(-1, 0, 0, 0, -1, 0, 0, 0, 1)) -> sitk.Image:
    image = sitk.GetImageFromArray(np.zeros((4, 6, 8), np.uint8))
    image.SetSpacing((0.7, 0.7, 5.0))
    image.SetOrigin((20.0, 15.0, -30.0))
    image.SetDirection(direction)
    sitk.WriteImage(image, str(path))
    return image


def _set(tmp_path: Path, rows: list[tuple[str, str]]) -> Path:
    pd.DataFrame([{"case_id": f"c{k}", "patient_id": f"p{k}", "input": i, "reference": r}
                  for k, (i, r) in enumerate(rows)]).to_csv(tmp_path / "manifest.csv",
                                                           index=False)
    shutil.copy(EXAMPLE / "protocol.toml", tmp_path / "protocol.toml")
    return tmp_path / "manifest.csv"


def test_a_reference_reoriented_from_its_input_is_warned_of(tmp_path: Path, capsys) -> None:
    ct = _volume(tmp_path / "ct.nii.gz")
    sitk.WriteImage(ct, str(tmp_path / "ct1.nii.gz"))  # an input per case
    sitk.WriteImage(ct, str(tmp_path / "same.nii.gz"))
    ras = sitk.DICOMOrient(ct, "LPS")  # the same voxels, another grid (SimpleITK says so)
    assert ras.GetOrigin() != ct.GetOrigin() and ras.GetDirection() != ct.GetDirection()
    sitk.WriteImage(ras, str(tmp_path / "ras.nii.gz"))
    path = _set(tmp_path, [("ct.nii.gz", "same.nii.gz"), ("ct1.nii.gz", "ras.nii.gz")])
    found = off_grid_references(Manifest.from_csv(path, reference_kind="image"))
    assert len(found) == 1 and found[0].startswith(
        "case c1: reference 'ras.nii.gz' is not on the grid of its input 'ct1.nii.gz' "
        "(origin_mm (z, y, x) ")
    assert main(["manifest", "check", str(path), "--protocol", str(tmp_path / "protocol.toml"),
                 "--read-files"]) == 0  # a warning: the set may still be meant so
    assert "1 case(s) whose prediction cannot match its reference: case c1" \
        in capsys.readouterr().err


@pytest.mark.skipif(not CT5N.is_dir(), reason=f"shared test data not found at {CT5N}")
def test_an_input_series_missing_a_slice_is_warned_of(tmp_path: Path, capsys) -> None:
    # ct5n's slices are 2.5 mm apart (pydicom's ImagePositionPatient); without the middle
    # one a gap is 5 mm
    import pydicom

    files = sorted(CT5N.glob("*.dcm"),
                   key=lambda f: float(pydicom.dcmread(f).ImagePositionPatient[2]))
    (tmp_path / "ct").mkdir()
    for f in files[:2] + files[3:]:
        shutil.copy(f, tmp_path / "ct" / f.name)
    _volume(tmp_path / "ref.nii.gz", direction=(1, 0, 0, 0, 1, 0, 0, 0, 1))
    path = _set(tmp_path, [("ct", "ref.nii.gz")])
    [found] = off_grid_references(Manifest.from_csv(path, reference_kind="image"))
    assert found.startswith("case c0: input 'ct' cannot be read as a volume")
    assert "the gap is 5 mm" in found
    assert main(["manifest", "check", str(path), "--protocol", str(tmp_path / "protocol.toml"),
                 "--read-files"]) == 0
    err = capsys.readouterr().err
    assert "1 case(s) whose prediction cannot match its reference: case c0: input 'ct'" in err
    # the note of folders not read says their headers were (74415f7)
    assert "1 folder input(s) were not read" in err and "its headers are read here" in err


def test_the_grids_are_read_with_a_bar_where_asked(tmp_path: Path, capsys) -> None:
    # a thousand series take minutes: nothing long is silent
    _volume(tmp_path / "ct.nii.gz")
    sitk.WriteImage(sitk.DICOMOrient(sitk.ReadImage(str(tmp_path / "ct.nii.gz")), "LPS"),
                    str(tmp_path / "ras.nii.gz"))
    manifest = Manifest.from_csv(_set(tmp_path, [("ct.nii.gz", "ras.nii.gz")]),
                                 reference_kind="image")
    quiet = off_grid_references(manifest)
    assert capsys.readouterr().err == ""
    assert off_grid_references(manifest, progress=True) == quiet and len(quiet) == 1
    assert "reading grids" in capsys.readouterr().err


def test_a_single_slice_reference_of_another_slice_thickness_is_on_its_grid(tmp_path):
    # found in the review-volumes pass: one slice has no slice spacing, and the conformance
    # gate compares none along an axis one voxel long; the check warned that a mask
    # written on the input (SimpleITK's CopyInformation) could not match, where it is scored
    def one_slice(path: Path, z_mm: float, dtype) -> sitk.Image:
        image = sitk.GetImageFromArray(np.zeros((1, 6, 8), dtype))
        image.SetSpacing((0.7, 0.7, z_mm))
        sitk.WriteImage(image, str(path))
        return image

    ct = one_slice(tmp_path / "ct.nii.gz", 1.0, np.int16)  # pixdim 1: none stated
    one_slice(tmp_path / "ref.nii.gz", 5.0, np.uint8)  # the CT's SliceThickness
    mask = sitk.GetImageFromArray(np.zeros((1, 6, 8), np.uint8))
    mask.CopyInformation(ct)
    sitk.WriteImage(mask, str(tmp_path / "pred.nii.gz"))
    from medeval.compat import check_compatible
    from medeval.loaders import read_image

    assert check_compatible(read_image(tmp_path / "ref.nii.gz"),
                            read_image(tmp_path / "pred.nii.gz")) is None  # scored
    path = _set(tmp_path, [("ct.nii.gz", "ref.nii.gz")])
    assert off_grid_references(Manifest.from_csv(path, reference_kind="image")) == []
    # two slices 5 mm apart against 1 mm are another grid still
    for name, z_mm in (("ct2.nii.gz", 1.0), ("ref2.nii.gz", 5.0)):
        image = sitk.GetImageFromArray(np.zeros((2, 6, 8), np.uint8))
        image.SetSpacing((0.7, 0.7, z_mm))
        sitk.WriteImage(image, str(tmp_path / name))
    path = _set(tmp_path, [("ct2.nii.gz", "ref2.nii.gz")])
    [found] = off_grid_references(Manifest.from_csv(path, reference_kind="image"))
    assert "spacing_mm (z, y, x) (5, 0.7, 0.7) against (1, 0.7, 0.7)" in found


def test_a_gzipped_input_that_is_no_image_is_not_called_unreadable(tmp_path) -> None:
    # found in the review-volumes pass: a second input of clinical data gzipped (a
    # .json.gz) was warned of as 'cannot be read as a volume ... its mask may then not lie
    # on the reference's grid' (SimpleITK: 'Unable to determine ImageIO reader'), and its
    # case's reference was then not compared with the CT's grid at all
    import gzip
    import json

    ct = _volume(tmp_path / "ct.nii.gz")
    sitk.WriteImage(sitk.DICOMOrient(ct, "LPS"), str(tmp_path / "ras.nii.gz"))
    with gzip.open(tmp_path / "clinical.json.gz", "wt") as f:
        json.dump({"age": 61}, f)
    pd.DataFrame([{"case_id": "c0", "patient_id": "p0", "input": "ct.nii.gz",
                   "input_clinical": "clinical.json.gz", "reference": "ras.nii.gz"}]).to_csv(
        tmp_path / "manifest.csv", index=False)
    manifest = Manifest.from_csv(tmp_path / "manifest.csv", reference_kind="image")
    assert len(manifest.cases[0].inputs) == 2
    [found] = off_grid_references(manifest)
    assert found.startswith("case c0: reference 'ras.nii.gz' is not on the grid of its input "
                            "'ct.nii.gz'")


ECT = CT5N.parents[1] / "enhanced" / "eCT_Supplemental.dcm"


@pytest.mark.skipif(not ECT.is_file(), reason=f"shared test data not found at {ECT}")
def test_a_reference_converted_by_simpleitk_from_an_enhanced_ct_input_is_warned_of(
        tmp_path: Path, capsys) -> None:
    """A user pass on the shared eCT_Supplemental.dcm: its reference converted by SimpleITK
    (file order: origin z -159, first frame's ImagePositionPatient, pydicom) is not the
    grid read_image gives the algorithm (frames sorted along the normal row x column =
    (-1, 0, 0) x (0, 1, 0) = (0, 0, -1): z -149 first). Every prediction written on the
    input as read failed as incompatible while manifest check said OK: DICOM file inputs
    were not compared. A reference on read_image's grid is not warned of."""
    import pydicom

    from medeval.loaders import read_image

    frames = pydicom.dcmread(ECT, stop_before_pixels=True).PerFrameFunctionalGroupsSequence
    assert [float(f.PlanePositionSequence[0].ImagePositionPatient[2]) for f in frames] \
        == [-159.0, -149.0]
    shutil.copy(ECT, tmp_path / "e1.dcm")
    shutil.copy(ECT, tmp_path / "e2.dcm")
    ct = sitk.ReadImage(str(ECT))
    assert ct.GetOrigin()[2] == pytest.approx(-159.0)
    mask = sitk.GetImageFromArray(np.zeros(ct.GetSize()[::-1], np.uint8))
    mask.CopyInformation(ct)
    sitk.WriteImage(mask, str(tmp_path / "sitk.nii.gz"))
    image = read_image(ECT)
    ours = sitk.GetImageFromArray(np.zeros(image.shape[:3], np.uint8))
    ours.SetSpacing([float(v) for v in image.spacing_mm[::-1]])
    ours.SetOrigin([float(v) for v in image.origin_mm[::-1]])
    ours.SetDirection([float(v) for v in np.asarray(image.direction)[::-1, ::-1].ravel()])
    sitk.WriteImage(ours, str(tmp_path / "ours.nii.gz"))
    path = _set(tmp_path, [("e1.dcm", "sitk.nii.gz"), ("e2.dcm", "ours.nii.gz")])
    [found] = off_grid_references(Manifest.from_csv(path, reference_kind="image"))
    assert found.startswith("case c0: reference 'sitk.nii.gz' is not on the grid of its "
                            "input 'e1.dcm' (origin_mm (z, y, x) (-159, -301.5, 99.5) "
                            "against (-149, -301.5, 99.5)")
    assert "read_image sorts its frames along the slice normal, SimpleITK keeps the " \
        "file's frame order" in found
    assert main(["manifest", "check", str(path), "--protocol", str(tmp_path / "protocol.toml"),
                 "--read-files"]) == 0
    assert "1 case(s) whose prediction cannot match its reference: case c0" \
        in capsys.readouterr().err


EMRI = CT5N.parents[1] / "multiframe" / "emri_small.dcm"


@pytest.mark.skipif(not EMRI.is_file(), reason=f"shared test data not found at {EMRI}")
def test_a_reference_of_a_multiframe_input_without_geometry_is_warned_of(
        tmp_path: Path, capsys) -> None:
    """The shared emri_small.dcm: 10 frames, no PixelSpacing, no positions, no functional
    groups, SpacingBetweenSlices 1.2 (pydicom). Its reference converted by SimpleITK
    (spacing 1 x 1 x 1 mm, origin 0) is not the grid read_image gives (slices 1.2 mm
    apart): in a user's run the prediction written on read_image's grid failed as
    incompatible while manifest check said OK. The warning says the input states no
    geometry of its own."""
    import pydicom

    header = pydicom.dcmread(EMRI, stop_before_pixels=True)
    assert "PixelSpacing" not in header and "PerFrameFunctionalGroupsSequence" not in header
    assert float(header.SpacingBetweenSlices) == 1.2
    shutil.copy(EMRI, tmp_path / "e1.dcm")
    converted = sitk.ReadImage(str(EMRI))
    assert converted.GetSpacing() == (1.0, 1.0, 1.0)
    mask = sitk.GetImageFromArray(np.zeros(converted.GetSize()[::-1], np.uint8))
    mask.CopyInformation(converted)
    sitk.WriteImage(mask, str(tmp_path / "sitk.nii.gz"))
    path = _set(tmp_path, [("e1.dcm", "sitk.nii.gz")])
    [found] = off_grid_references(Manifest.from_csv(path, reference_kind="image"))
    assert found.startswith("case c0: reference 'sitk.nii.gz' is not on the grid of its "
                            "input 'e1.dcm' (spacing_mm (z, y, x) (1, 1, 1) against "
                            "(1.2, 1, 1))")
    assert "the input states no position and no pixel size" in found
    assert main(["manifest", "check", str(path), "--protocol", str(tmp_path / "protocol.toml"),
                 "--read-files"]) == 0
    assert "1 case(s) whose prediction cannot match its reference: case c0" \
        in capsys.readouterr().err
