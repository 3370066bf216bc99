"""A segmentation certificate says its figures are means over cases of the per-case
formulas the definitions table gives: a result made after 0.11.0 prints the note in both
languages, one made before renders as issued. The figure is checked to be that mean: the
example's Dice against the mean of MedPy's per-case Dice (SimpleITK reading the masks)."""

from __future__ import annotations

import dataclasses
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest
import SimpleITK as sitk
from medpy.metric import binary

import medeval
from medeval.report import build_certificate
from medeval.report.blocks import Para
from medeval.report.catalogue import Msg, texts

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "segmentation"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[medeval.Result, Path]:
    folder = shutil.copytree(EXAMPLE, tmp_path_factory.mktemp("seg") / "example")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return medeval.evaluate(folder / "protocol.toml", folder / "predictions"), folder


def _keys(result: medeval.Result) -> list[str]:
    return [b.text.key for s in build_certificate(result).sections for b in s.blocks
            if isinstance(b, Para) and isinstance(b.text, Msg)]


def _mask(path: Path) -> np.ndarray:
    return sitk.GetArrayFromImage(sitk.ReadImage(str(path))) > 0


def test_dice_is_the_mean_of_the_per_case_dice(example):
    result, folder = example
    # the example's two failed cases count at the worst outcome, Dice 0 (worst-case
    # policy); every other case at MedPy's Dice of its masks
    assert result.flow.failed == 2
    dice = [0.0 if row["status"] != "ok" else
            binary.dc(_mask(folder / "predictions" / f"{row['case_id']}.nii.gz"),
                      _mask(folder / "masks" / f"{row['case_id']}.nii.gz"))
            for row in result.cases]
    assert len(dice) == 8
    assert result.metric("dice").estimate.value == pytest.approx(np.mean(dice), abs=1e-12)


def test_the_note_says_the_figures_are_means_over_cases(example):
    result, _ = example
    assert "text.segmentation_mean" in _keys(result)
    en, = texts(Msg("text.segmentation_mean"), "en")
    ko, = texts(Msg("text.segmentation_mean"), "ko")
    assert "is the mean, over the cases analysed, of the per-case value" in en
    assert "증례별 값을 분석한 증례에 대해 평균한 값" in ko
    old = dataclasses.replace(result, parameters=dataclasses.replace(
        result.parameters, medeval="0.11.0"))
    assert "text.segmentation_mean" not in _keys(old)
