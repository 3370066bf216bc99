"""A volume reference that states no spacing (a NIfTI without transform or unit, one
whose pixdim is NaN on an axis) is refused under distances in mm before the algorithm
runs, from its header, as a mask image without pixel_spacing_mm is. Found in the hvol
volume pass: `manifest check --read-files --protocol` said nothing of it (it warned
instead that the reference was off its input's grid, showing SimpleITK's stand-in
spacing of 1), and `medeval run` would have run the algorithm on every case before the
scoring pass refused the set."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import medeval
from medeval.cli import main
from medeval.evaluation import check_references
from medeval.manifest import Manifest
from medeval.protocol import load_protocol
from medeval.tasks.registry import make_task

nib = pytest.importorskip("nibabel")
sitk = pytest.importorskip("SimpleITK")

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "segmentation"


def _set(tmp_path: Path) -> None:
    mask = np.zeros((12, 10, 8), np.uint8)  # nibabel's (x, y, z)
    mask[3:8, 2:7, 2:6] = 1
    for folder in ("images", "masks"):
        (tmp_path / folder).mkdir()
    affine = np.diag([0.7, 0.7, 2.5, 1.0])
    for cid in ("c0", "c1", "c2"):
        nib.save(nib.Nifti1Image(np.zeros_like(mask, np.int16), affine),
                 tmp_path / "images" / f"{cid}.nii")
    nib.save(nib.Nifti1Image(mask, affine), tmp_path / "masks" / "c0.nii")  # states it
    nib.save(nib.Nifti1Image(mask, None), tmp_path / "masks" / "c1.nii")  # states none
    nib.save(nib.Nifti1Image(mask, affine), tmp_path / "masks" / "c2.nii")
    data = bytearray((tmp_path / "masks" / "c2.nii").read_bytes())
    struct.pack_into("<h", data, 254, 0)                 # sform_code 0: qform and pixdim
    struct.pack_into("<h", data, 252, 1)                 # qform_code 1
    struct.pack_into("<f", data, 80, float("nan"))       # pixdim[1]: the x voxel size
    (tmp_path / "masks" / "c2.nii").write_bytes(bytes(data))
    pd.DataFrame([{"case_id": c, "patient_id": c, "input": f"images/{c}.nii",
                   "reference": f"masks/{c}.nii"} for c in ("c0", "c1", "c2")]).to_csv(
        tmp_path / "manifest.csv", index=False)
    (tmp_path / "protocol.toml").write_text((EXAMPLE / "protocol.toml").read_text())


def test_a_volume_reference_without_spacing_is_refused_before_the_run(tmp_path, capsys):
    _set(tmp_path)
    assert np.isnan(nib.load(tmp_path / "masks" / "c2.nii").header["pixdim"][1])
    assert sitk.ReadImage(str(tmp_path / "masks" / "c2.nii")).GetSpacing()[0] == 1.0
    task = make_task(load_protocol(tmp_path / "protocol.toml"))
    manifest = Manifest.from_csv(tmp_path / "manifest.csv", reference_kind="image")
    with pytest.raises(medeval.MedevalError) as caught:
        check_references(task, manifest)  # what medeval run does before running
    text = str(caught.value)
    assert "case c0" not in text
    assert "case c1: reference masks/c1.nii is a NIfTI file with neither a qform nor an " \
           "sform" in text
    assert "case c2: reference masks/c2.nii is a NIfTI file whose pixdim [nan, 0.7, 2.5] " \
           "is not a voxel size" in text
    assert text.count('use distance_unit = "px"') == 2
    assert main(["manifest", "check", str(tmp_path / "manifest.csv"), "--protocol",
                 str(tmp_path / "protocol.toml"), "--read-files"]) == 2
    assert "case c2: reference masks/c2.nii is a NIfTI file whose pixdim" in \
        capsys.readouterr().err
