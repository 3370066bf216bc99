"""The names of a segmentation result's figures where the protocol scores several labels
(``label1:dice``, ``label2:hd95@max-directed``). The certificate printed the ids, and a
narrow column broke ``label1:hd95@max-directed`` across lines ("label1:hd95@max-direct" /
"ed"); a result made after 0.11.0 names each as the figure of one label: "Dice similarity
coefficient of label 1", "레이블 1의 Dice 유사계수". One made by 0.11.0 prints as issued.
The text is read from the PDF by pypdf."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from pypdf import PdfReader

import medeval
from medeval.report import render_certificate

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "segmentation"


def _text(pdf: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())


def test_the_figures_of_each_label_are_named_in_words(tmp_path: Path) -> None:
    folder = shutil.copytree(EXAMPLE, tmp_path / "seg", ignore=shutil.ignore_patterns("result"))
    protocol = folder / "protocol.toml"
    protocol.write_text(protocol.read_text(encoding="utf-8").replace(
        'type = "segmentation"', 'type = "segmentation"\nlabels = [1, 2]').replace(
        'metric = "dice"', 'metric = "label1:dice"').replace(
        'metric = "hd95@max-directed"', 'metric = "label2:hd95@max-directed"'),
        encoding="utf-8")
    result = medeval.evaluate(protocol, folder / "predictions")
    assert {"label1:dice", "label2:dice", "label2:hd95@max-directed"} <= {
        m.name for m in result.metrics}
    english = _text(render_certificate(result, tmp_path / "en.pdf", lang="en"))
    assert "Dice similarity coefficient of label 1" in english
    assert "Jaccard index of label 2" in english
    assert "95th percentile Hausdorff distance of label 2" in english
    assert "label1:" not in english and "label2:" not in english
    korean = _text(render_certificate(result, tmp_path / "ko.pdf", lang="ko"))
    assert "레이블 1의 Dice 유사계수" in korean and "레이블 2의 Jaccard 지수" in korean
    assert "label1:" not in korean
    issued = replace(result, parameters=replace(result.parameters, medeval="0.11.0"))
    old = _text(render_certificate(issued, tmp_path / "old.pdf", lang="en"))
    assert "label1:dice" in old and "of label 1" not in old  # as 0.11.0 printed it
