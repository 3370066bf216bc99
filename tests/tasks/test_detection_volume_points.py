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
    # the series: its slices' PixelSpacing in the plane; the slice spacing not read
    assert "case d:" in problems[1] and "[?, 0.488281, 0.488281]" in problems[1]
    assert "PixelSpacing" in problems[1] and "(x, y, z) order" in problems[1]


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
