"""manifest check --read-files reads each reference volume whole, and now checks its
values as scoring does: a float mask holding 0.5 (resampled with linear interpolation)
or NaN passed the check with OK and was refused only by evaluate, after a run."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import SimpleITK as sitk

import medeval
from medeval.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "segmentation"


def _volume(path: Path, array: np.ndarray) -> None:
    image = sitk.GetImageFromArray(array)
    image.SetSpacing((0.8, 0.8, 2.0))
    sitk.WriteImage(image, str(path))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The segmentation example with S-01's mask a float NIfTI holding 0.5 in 5 voxels
    and S-02's a float MetaImage holding one NaN, both written by SimpleITK."""
    root = tmp_path / "set"
    shutil.copytree(EXAMPLE, root)
    shape = sitk.ReadImage(str(root / "masks" / "S-01.nii.gz")).GetSize()[::-1]
    soft = np.zeros(shape, np.float32)
    soft[4:8, 4:8, 4:8] = 1.0
    soft[4, 4, 4:9] = 0.5  # by hand: 5 voxels of 0.5
    _volume(root / "masks" / "S-01.nii.gz", soft)
    nan = np.zeros(shape, np.float32)
    nan[4:8, 4:8, 4:8] = 1.0
    nan[0, 0, 0] = np.nan
    _volume(root / "masks" / "S-02.mha", nan)
    assert np.isnan(sitk.GetArrayFromImage(sitk.ReadImage(str(root / "masks" / "S-02.mha")))
                    ).sum() == 1  # SimpleITK's own reading keeps the NaN of a MetaImage
    manifest = root / "manifest.csv"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "masks/S-02.nii.gz", "masks/S-02.mha"), encoding="utf-8")
    return root


def test_manifest_check_finds_values_that_are_not_labels(folder, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    voxels = int(np.prod(sitk.ReadImage("masks/S-02.mha").GetSize()))
    code = main(["manifest", "check", "manifest.csv", "--protocol", "protocol.toml",
                 "--read-files"])
    err = capsys.readouterr().err
    assert code == 2
    assert ("case S-01: reference 'masks/S-01.nii.gz': holds values that are not labels "
            f"(float32): 0.5, in 5 voxel(s) of {voxels}; ") in err
    assert ("case S-02: reference 'masks/S-02.mha': holds values that are not labels "
            f"(float32): nan, in 1 voxel(s) of {voxels}; ") in err
    # the words scoring refuses the same reference with
    with pytest.raises(medeval.MedevalError, match=r"case S-01: reference masks/S-01.nii.gz "
                       r"holds values that are not labels \(float32\): 0\.5, in 5 voxel"):
        medeval.evaluate(folder / "protocol.toml", folder / "predictions")


def test_whole_numbers_in_a_float_volume_are_labels(folder, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    for name in ("S-01.nii.gz", "S-02.mha"):
        array = sitk.GetArrayFromImage(sitk.ReadImage(f"masks/{name}"))
        _volume(folder / "masks" / name, np.nan_to_num(np.floor(array)))
    assert main(["manifest", "check", "manifest.csv", "--protocol", "protocol.toml",
                 "--read-files"]) == 0
    assert capsys.readouterr().out.startswith("OK  manifest.csv  8 cases")
