"""The backslash and the superscript digits are set in DejaVu Sans, not NanumGothic.

NanumGothic draws U+005C with the outline of its won sign U+20A9 (a Korean fonts'
convention: the confusion matrix's corner read "Reference ₩ output"), and "²" at a
third of a digit's height ("mm²" read "mm"). Both facts are read from the font files
by fontTools, and the certificate by pypdf (peers): in a certificate of a result made
after medeval 0.11.0, every "\\" and "²" is drawn in DejaVu Sans; in one of a result
made by 0.11.0, in NanumGothic, as it was issued.
"""

from __future__ import annotations

import shutil
import warnings
from dataclasses import replace
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

import medeval
from medeval.report import render_certificate
from medeval.report.fonts import _fallback_path, font_path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "measurement"


def test_nanumgothic_draws_them_amiss() -> None:
    nanum = TTFont(str(font_path()))
    glyphs, cmap, em = nanum["glyf"], nanum.getBestCmap(), nanum["head"].unitsPerEm
    backslash, won = glyphs[cmap[0x5C]], glyphs[cmap[0x20A9]]
    assert list(backslash.coordinates) == list(won.coordinates)  # the same outline
    two, square = glyphs[cmap[ord("2")]], glyphs[cmap[ord("²")]]
    assert (square.yMax - square.yMin) / em < 0.25 < 0.7 < (two.yMax - two.yMin) / em
    dejavu = TTFont(str(_fallback_path()))
    glyphs, cmap, em = dejavu["glyf"], dejavu.getBestCmap(), dejavu["head"].unitsPerEm
    assert glyphs[cmap[0x5C]].numberOfContours == 1  # a stroke
    assert (glyphs[cmap[ord("²")]].yMax - glyphs[cmap[ord("²")]].yMin) / em > 0.4


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> medeval.Result:
    folder = tmp_path_factory.mktemp("glyphs") / "study"
    shutil.copytree(EXAMPLE, folder)
    text = (folder / "protocol.toml").read_text(encoding="utf-8")
    text = text.replace('unit = "mm"', 'unit = "mm²"').replace(
        'title = "Stone size agreement"', 'title = "Stone area agreement (CT \\\\ US)"')
    (folder / "protocol.toml").write_text(text, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return medeval.evaluate(folder / "protocol.toml", folder / "predictions")


def _faces(pdf: Path) -> dict[str, set[str]]:
    """Each of "\\" and "²" -> the base fonts (subset tag cut) of the text runs drawing it."""
    faces: dict[str, set[str]] = {"\\": set(), "²": set()}

    def visit(text: str, cm: object, tm: object, font: object, size: object) -> None:
        name = str(font.get("/BaseFont", "")) if isinstance(font, dict) else ""
        for char in faces:
            if char in text:
                faces[char].add(name.split("+")[-1])

    for page in PdfReader(pdf).pages:
        page.extract_text(visitor_text=visit)
    return faces


def test_they_are_drawn_in_dejavu_sans(result: medeval.Result, tmp_path: Path) -> None:
    assert result.parameters.task["unit"] == "mm²"
    faces = _faces(render_certificate(result, tmp_path / "c.pdf", lang="ko+en"))
    assert faces == {"\\": {"DejaVuSans"}, "²": {"DejaVuSans"}}


def test_a_result_of_0_11_0_keeps_nanumgothic(result: medeval.Result, tmp_path: Path) -> None:
    old = replace(result, parameters=replace(result.parameters, medeval="0.11.0"))
    faces = _faces(render_certificate(old, tmp_path / "old.pdf", lang="ko+en"))
    assert faces == {"\\": {"NanumGothic"}, "²": {"NanumGothic"}}
