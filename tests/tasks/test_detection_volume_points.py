"""Detection points in voxels on 3-D volumes: the reference's spacing and points against
the volume (NIfTI written by SimpleITK, a DICOM CT series), as a tester writes them
wrongly: the spacing in SimpleITK's GetSpacing() order (x, y, z), points (x, y, z)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import SimpleITK as sitk

import medeval

SERIES = Path("/tmp/shared/data/dicom/series/ct5n")  # 5 slices of 16 x 16, 0.488281 mm

PROTOCOL = """[test]
id = "T-DET-3D"
title = "nodules"
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
selection = "synthetic"
[task]
type = "detection"
criterion = "distance"
max_distance_mm = 2.0
[statistics]
seed = 1
n_resamples = 100
[[criteria]]
metric = "froc_cpm"
goal = 0.5
source = "test"
"""


def _set(root: Path, cases: dict) -> Path:
    """cases: id -> (input, reference dict, detections [(point, score)])."""
    for folder in ("ref", "pred"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    rows = []
    for cid, (image, reference, detections) in cases.items():
        (root / "ref" / f"{cid}.json").write_text(json.dumps(reference))
        (root / "pred" / f"{cid}.json").write_text(json.dumps(
            {"detections": [{"point": p, "score": s} for p, s in detections]}))
        rows.append({"case_id": cid, "patient_id": f"p{cid}", "input": image,
                     "reference": f"ref/{cid}.json"})
    pd.DataFrame(rows).to_csv(root / "manifest.csv", index=False)
    (root / "protocol.toml").write_text(PROTOCOL)
    return root / "pred"


def _volume(root: Path, name: str) -> str:
    """A 20 x 64 x 64 (z, y, x) NIfTI volume; SimpleITK's spacing (x, y, z) 0.7, 0.7,
    2.5, so (z, y, x) 2.5, 0.7, 0.7."""
    image = sitk.GetImageFromArray(np.full((20, 64, 64), sum(map(ord, name)), np.int16))
    image.SetSpacing((0.7, 0.7, 2.5))
    (root / "images").mkdir(parents=True, exist_ok=True)
    sitk.WriteImage(image, str(root / "images" / f"{name}.nii.gz"))
    return f"images/{name}.nii.gz"


def test_spacing_in_the_points_axis_order_is_used(tmp_path):
    # one voxel off along x: 0.7 mm (a hit within 2 mm); one slice off: 2.5 mm (a miss)
    image = _volume(tmp_path, "a")
    spacing = list(sitk.ReadImage(str(tmp_path / image)).GetSpacing())[::-1]
    assert spacing == pytest.approx([2.5, 0.7, 0.7])
    pred = _set(tmp_path, {
        "a": (image, {"points": [[4, 28, 42]], "spacing_mm": spacing},
              [([4, 28, 43], 0.9)]),
        "b": (_volume(tmp_path, "b"), {"points": [[4, 28, 42]], "spacing_mm": spacing},
              [([5, 28, 42], 0.9)]),
    })
    result = medeval.evaluate(tmp_path / "protocol.toml", pred)
    assert [row["true_positives"] for row in result.cases] == [1, 0]


def test_spacing_in_x_y_z_order_is_refused_naming_it(tmp_path):
    # read as (z, y, x) the reversed spacing made the one-voxel x offset 2.5 mm (a miss)
    # and the slice offset 0.7 mm (a hit), without a word
    image = _volume(tmp_path, "v")
    shutil.copytree(SERIES, tmp_path / "series")
    shutil.copytree(SERIES, tmp_path / "series2")
    xyz = list(sitk.ReadImage(str(tmp_path / image)).GetSpacing())  # (0.7, 0.7, 2.5)
    pred = _set(tmp_path, {
        "a": (image, {"points": [[4, 28, 42]], "spacing_mm": xyz}, [([5, 28, 42], 0.9)]),
        "d": ("series", {"points": [[2, 8, 8]], "spacing_mm": [0.488281, 0.488281, 2.5]},
              [([2, 8, 9], 0.9)]),
        "ok": ("series2", {"points": [[2, 8, 8]], "spacing_mm": [2.5, 0.488281, 0.488281]},
               [([2, 8, 9], 0.9)]),
    })
    with pytest.raises(medeval.ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", pred)
    problems = caught.value.problems
    assert len(problems) == 2
    assert "case a:" in problems[0] and "[2.5, 0.7, 0.7]" in problems[0]
    assert "(x, y, z) order" in problems[0]
    # the series: its slices' positions (2.5 mm apart) and PixelSpacing
    assert "case d:" in problems[1] and "[2.5, 0.488281, 0.488281]" in problems[1]
    assert "positions and PixelSpacing" in problems[1] and "(x, y, z) order" in problems[1]


def test_another_spacing_is_refused_without_the_order_hint(tmp_path):
    image = _volume(tmp_path, "v")
    pred = _set(tmp_path, {"a": (image, {"points": [[4, 28, 42]], "spacing_mm": 1.0},
                                 [([4, 28, 43], 0.9)])})
    with pytest.raises(medeval.ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", pred)
    (problem,) = caught.value.problems
    assert "[1.0, 1.0, 1.0]" in problem and "[2.5, 0.7, 0.7]" in problem
    assert "(x, y, z)" not in problem


def test_points_written_x_y_z_are_refused_naming_it(tmp_path):
    # the volume has 20 slices: a point (x=42, y=28, z=4) read as (z, y, x) is at slice
    # 42, outside; reversed it lies inside. A point beyond the volume either way is
    # named without the hint.
    spacing = [2.5, 0.7, 0.7]
    pred = _set(tmp_path, {
        "a": (_volume(tmp_path, "a"), {"points": [[42, 28, 4]], "spacing_mm": spacing}, []),
        "b": (_volume(tmp_path, "b"), {"points": [[4, 28, 42], [4, 80, 90]],
                                       "spacing_mm": spacing}, []),
        # -0.5 and n - 0.5 are the volume's edges: inside
        "c": (_volume(tmp_path, "c"), {"points": [[-0.5, 63.5, 0]], "spacing_mm": spacing}, []),
    })
    with pytest.raises(medeval.ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", pred)
    problems = caught.value.problems
    assert len(problems) == 2
    assert "case a:" in problems[0] and "[20, 64, 64]" in problems[0]
    assert "[42, 28, 4]" in problems[0] and "written (x, y, z)" in problems[0]
    assert "case b:" in problems[1] and "point 1 [4, 80, 90]" in problems[1]
    assert "millimetres" in problems[1] and "written (x, y, z)" not in problems[1]


def test_points_in_millimetres_are_not_compared(tmp_path):
    # no spacing_mm: the points are millimetres, whose origin the set chooses (only
    # differences count); 30 mm along z lies within 20 slices of 2.5 mm
    image = _volume(tmp_path, "v")
    pred = _set(tmp_path, {"a": (image, {"points": [[30.0, 100.0, 10.0]]},
                                 [([30.0, 100.0, 11.5], 0.9)])})
    result = medeval.evaluate(tmp_path / "protocol.toml", pred)
    assert [row["true_positives"] for row in result.cases] == [1]


def _series(root: Path, name: str, *, slices: int = 6, gap: float = 1.25,
            pixel: float = 0.8, thickness: float = 2.5) -> str:
    """A CT series of ``slices`` 32 x 32 slices written by SimpleITK (GDCM), one file a
    slice: positions ``gap`` mm apart along z, PixelSpacing ``pixel``, a SliceThickness
    (``thickness``) other than the gap, as a reconstruction with overlapping slices has."""
    folder = root / name
    folder.mkdir(parents=True)
    volume = sitk.GetImageFromArray(np.zeros((slices, 32, 32), np.int16))
    volume.SetSpacing((pixel, pixel, gap))
    writer = sitk.ImageFileWriter()
    writer.KeepOriginalImageUIDOn()
    series_uid = "1.2.826.0.1.3680043.2.1125.7." + str(sum(map(ord, name)))
    for k in range(slices):
        plane = volume[:, :, k]
        for tag, value in (("0008|0060", "CT"), ("0020|000e", series_uid),
                           ("0020|000d", series_uid + ".1"), ("0020|0013", str(k + 1)),
                           ("0020|0037", "1\\0\\0\\0\\1\\0"), ("0018|0050", f"{thickness:g}"),
                           ("0020|0032", f"0\\0\\{k * gap:g}"),
                           ("0008|0018", f"{series_uid}.{k + 2}")):
            plane.SetMetaData(tag, value)
        writer.SetFileName(str(folder / f"{k:03d}.dcm"))
        writer.Execute(plane)
    return name


def test_a_dicom_series_slice_spacing_is_compared(tmp_path):
    # a series whose slices are 1.25 mm apart though each is 2.5 mm thick: a reference
    # giving the thickness as the slice spacing made a point one slice off 2.5 mm away
    # (a miss at 2 mm) where it is 1.25 mm (a hit), without a word
    pred = _set(tmp_path, {
        "thick": (_series(tmp_path, "s1"), {"points": [[2, 16, 16]],
                                             "spacing_mm": [2.5, 0.8, 0.8]},
                  [([3, 16, 16], 0.9)]),
        "beyond": (_series(tmp_path, "s2"), {"points": [[7, 16, 16]],
                                              "spacing_mm": [1.25, 0.8, 0.8]}, []),
    })
    # SimpleITK's own reading of the series: (x, y, z) spacing and size
    reader = sitk.ImageSeriesReader()
    reader.SetFileNames(reader.GetGDCMSeriesFileNames(str(tmp_path / "s1")))
    read = reader.Execute()
    assert read.GetSpacing()[::-1] == pytest.approx((1.25, 0.8, 0.8))
    assert read.GetSize()[::-1] == (6, 32, 32)
    with pytest.raises(medeval.ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", pred)
    beyond, thick = caught.value.problems  # by case id
    assert "case thick:" in thick and "[1.25, 0.8, 0.8]" in thick
    assert "its slices' positions and PixelSpacing" in thick
    # slice 7 of 6 slices: outside, where only the plane was read before
    assert "case beyond:" in beyond and "[6, 32, 32]" in beyond
    # the series' own spacing: one slice off is 1.25 mm, a hit
    (tmp_path / "ref" / "thick.json").write_text(json.dumps(
        {"points": [[2, 16, 16]], "spacing_mm": [1.25, 0.8, 0.8]}))
    (tmp_path / "ref" / "beyond.json").write_text(json.dumps(
        {"points": [[5, 16, 16]], "spacing_mm": [1.25, 0.8, 0.8]}))
    result = medeval.evaluate(tmp_path / "protocol.toml", pred)
    assert [row["true_positives"] for row in result.cases] == [0, 1]  # 'beyond' first


def test_points_in_millimetres_on_a_volume_are_warned_of(tmp_path):
    # points without spacing_mm on 2.5 x 0.7 x 0.7 mm voxels: read as mm, unchecked;
    # the result says so, naming a case; "unit": "mm" in a reference says they are mm
    pred = _set(tmp_path, {
        "a": (_volume(tmp_path, "a"), {"points": [[30.0, 10.0, 10.0]]},
              [([30.0, 10.0, 11.5], 0.9)]),
        "b": (_volume(tmp_path, "b"), {"points": [[30.0, 10.0, 10.0]], "unit": "mm"},
              [([30.0, 10.0, 11.5], 0.9)]),
        "c": (_volume(tmp_path, "c"), {"points": []}, []),  # no point: no unit
    })
    result = medeval.evaluate(tmp_path / "protocol.toml", pred)
    (text,) = [w for w in result.warnings if "spacing_mm" in w]
    assert text.startswith("all cases: 1 case(s) give their reference points without")
    assert "case a: images/a.nii.gz, [2.5, 0.7, 0.7] mm in (z, y, x) order" in text
    assert [row["true_positives"] for row in result.cases] == [1, 1, 0]  # 1.5 mm: hits
    # every reference saying "unit": "mm": no warning
    for case in ("a", "c"):
        (tmp_path / "ref" / f"{case}.json").write_text(json.dumps(
            {"points": [[30.0, 10.0, 10.0]] if case == "a" else [], "unit": "mm"}))
    result = medeval.evaluate(tmp_path / "protocol.toml", pred)
    assert not [w for w in result.warnings if "spacing_mm" in w]


def test_points_in_millimetres_on_a_thick_sliced_series_of_1_mm_pixels_are_warned_of(
        tmp_path):
    # the warning read a DICOM series' plane alone (the slices' positions are costly):
    # 1 mm pixels looked like 1 mm voxels, and a series of slices 2.5 mm apart went
    # unnamed. The positions are now read where the plane is 1 mm. SimpleITK's reading
    # of the series below gives its (z, y, x) spacing; a 1 mm cube series gets none.
    pred = _set(tmp_path, {
        "thick": (_series(tmp_path, "s1", gap=2.5, pixel=1.0),
                  {"points": [[5.0, 16.0, 16.0]]}, [([5.0, 16.0, 17.0], 0.9)]),
        "cube": (_series(tmp_path, "s2", gap=1.0, pixel=1.0, thickness=1.0),
                 {"points": [[2.0, 16.0, 16.0]]}, [([2.0, 16.0, 17.0], 0.9)]),
    })
    reader = sitk.ImageSeriesReader()
    reader.SetFileNames(reader.GetGDCMSeriesFileNames(str(tmp_path / "s1")))
    assert reader.Execute().GetSpacing()[::-1] == pytest.approx((2.5, 1.0, 1.0))
    result = medeval.evaluate(tmp_path / "protocol.toml", pred)
    (text,) = [w for w in result.warnings if "spacing_mm" in w]
    assert text.startswith("all cases: 1 case(s) give their reference points without")
    assert "case thick: s1, [2.5, 1, 1] mm in (z, y, x) order" in text
    assert [row["true_positives"] for row in result.cases] == [1, 1]  # 1 mm: hits


def test_a_unit_other_than_mm_is_refused(tmp_path):
    pred = _set(tmp_path, {
        "a": (_volume(tmp_path, "a"), {"points": [[4, 28, 42]], "unit": "voxel"}, []),
        "b": (_volume(tmp_path, "b"), {"points": [[4, 28, 42]], "unit": "mm",
                                       "spacing_mm": [2.5, 0.7, 0.7]}, []),
        "c": (_volume(tmp_path, "c"), {"points": [[4, 28, 42]], "unit": "px",
                                       "spacing_mm": [2.5, 0.7, 0.7]}, []),
    })
    with pytest.raises(medeval.ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", pred)
    first, second, third = caught.value.problems
    assert first.startswith("case a: reference ref/a.json gives \"unit\": \"voxel\" "
                            "without \"spacing_mm\"")
    assert second.startswith("case b: reference ref/b.json gives both \"unit\": \"mm\" and")
    assert third.startswith("case c: reference ref/c.json gives \"unit\" \"px\"")
    assert "voxel indices with \"spacing_mm\" beside them" in third


def test_voxel_points_may_say_their_unit(tmp_path):
    # "unit": "voxel" beside "spacing_mm" says what spacing_mm says already (found in the
    # review: it was refused, the message asking for what was given); the same figures
    # as without it
    rows = {"a": (_volume(tmp_path, "a"), {"points": [[4, 28, 42]],
                                           "spacing_mm": [2.5, 0.7, 0.7]},
                  [([4, 28, 43], 0.9)]),
            "b": (_volume(tmp_path, "b"), {"points": [[4, 28, 42]],
                                           "spacing_mm": [2.5, 0.7, 0.7]},
                  [([5, 28, 42], 0.9)])}
    pred = _set(tmp_path, rows)
    plain = medeval.evaluate(tmp_path / "protocol.toml", pred)
    (tmp_path / "ref" / "a.json").write_text(json.dumps(
        {"points": [[4, 28, 42]], "spacing_mm": [2.5, 0.7, 0.7], "unit": "voxel"}))
    said = medeval.evaluate(tmp_path / "protocol.toml", pred)
    assert [m.estimate.value for m in said.metrics] == [m.estimate.value
                                                         for m in plain.metrics]
    assert [row["true_positives"] for row in said.cases] == [
        row["true_positives"] for row in plain.cases] == [1, 0]  # 0.7 mm a hit, 2.5 not
    assert said.warnings == plain.warnings


def test_a_reference_changed_after_the_check_is_checked_again(tmp_path):
    # the pre-check reads each input volume once; scoring reads the reference JSON again
    # and, the file unchanged, not the volume: a file changed since is checked again
    from medeval.evaluation import reference_problems
    from medeval.protocol import load_protocol
    from medeval.tasks.registry import make_task

    image = _volume(tmp_path, "a")
    pred = _set(tmp_path, {"a": (image, {"points": [[4, 28, 42]],
                                         "spacing_mm": [2.5, 0.7, 0.7]},
                                 [([4, 28, 43], 0.9)])})
    task = make_task(load_protocol(tmp_path / "protocol.toml"))
    manifest = medeval.Manifest.from_csv(tmp_path / "manifest.csv")
    assert reference_problems(task, manifest) == []
    (case,) = manifest.cases
    assert task.score_case(case, tmp_path, pred)["true_positives"] == 1
    (tmp_path / "ref" / "a.json").write_text(json.dumps(
        {"points": [[4, 28, 42]], "spacing_mm": [0.7, 0.7, 2.5]}))
    with pytest.raises(medeval.MedevalError, match=r"states \[2.5, 0.7, 0.7\] mm"):
        task.score_case(case, tmp_path, pred)
