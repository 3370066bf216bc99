"""A segmentation certificate says its figures are means over cases of the per-case
formulas the definitions table gives: a result made after 0.11.0 prints the note in both
languages, one made before renders as issued. The figure is checked to be that mean: the
example's Dice against the mean of MedPy's per-case Dice (SimpleITK reading the masks)."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pytest
import SimpleITK as sitk
from medpy.metric import binary

import medeval
from medeval.report import build_certificate, render_certificate
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
    assert "(시험 계획서가 여러 레이블을 두면 레이블별로)" in ko  # the certificate's word
    old = dataclasses.replace(result, parameters=dataclasses.replace(
        result.parameters, medeval="0.11.0"))
    assert "text.segmentation_mean" not in _keys(old)


def test_the_korean_strings_say_label_as_the_certificate_does():
    # the Korean-certificate pass (and 2042aa52 for the notes) says '레이블', but the note
    # above (1f0fa4a9) said '여러 라벨을 두면 라벨별로': two words for one thing
    from importlib.resources import files

    import tomllib

    strings = tomllib.loads(files("medeval").joinpath(
        "report_templates", "strings.ko.toml").read_text(encoding="utf-8"))

    def values(table: object) -> list[str]:
        if isinstance(table, dict):
            return [v for item in table.values() for v in values(item)]
        return [table] if isinstance(table, str) else []

    said = values(strings)
    assert sum("레이블" in v for v in said) >= 10
    assert [v for v in said if "라벨" in v] == []


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")
@pytest.mark.parametrize(("lang", "formula", "note"), [
    ("en", "nsd@surfel", "of the per-case value its formula above defines"),
    ("ko", "nsd@surfel", "위 표의 각 분할 수치는 위 수식이 정의하는 증례별 값을"),
])
def test_the_note_points_up_to_the_formulas_it_follows(example, tmp_path, lang, formula,
                                                       note):
    # it is printed under the definitions table (after its last row, nsd@surfel, as
    # pdftotext reads the page), and said 'its formula below' ('아래 수식이')
    result, _ = example
    pdf = render_certificate(result, tmp_path / "c.pdf", lang=lang)
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert 0 < text.rindex(formula) < text.index(note)
    assert "formula below" not in text and "아래 수식" not in text
