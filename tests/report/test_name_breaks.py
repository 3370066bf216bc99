"""A long algorithm identification breaks between its parts in the cover's fields.

Found in the last certificate pass: the ECG demo's algorithm, identified as
'medeval.demo.algorithms.ecg.qrs_detector:QrsDetector', printed over two lines as
'medeval.demo.algorithms.ecg.qrs_detec' / 'tor:QrsDetector' (reportlab breaks a word
wider than its column at whatever character fills the line). A result made after
0.11.0 breaks it after a '.' or ':' (report/name_breaks.py); one made by 0.11.0 prints as
issued. Read line by line from the PDF by pypdf."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

import medeval
from medeval.report import render_certificate

from ..conftest import binary_study
from ..test_evaluation import protocol_file

DEMO_ECG = "medeval.demo.algorithms.ecg.qrs_detector:QrsDetector"


def _cover_lines(pdf: Path) -> list[str]:
    return [line.strip() for line in PdfReader(pdf).pages[0].extract_text().splitlines()]


@pytest.mark.parametrize("lang", ["ko", "ko+en", "en"])
def test_the_identification_breaks_after_a_dot(tmp_path: Path, lang: str) -> None:
    binary_study(tmp_path)
    result = medeval.evaluate(protocol_file(tmp_path), tmp_path / "predictions")
    result = replace(result, algorithm=replace(result.algorithm, plugin=DEMO_ECG,
                                               command=None))
    lines = _cover_lines(render_certificate(result, tmp_path / "new.pdf", lang=lang))
    # the name over two lines, broken after the last '.' or ':' that keeps the first line
    # in the value column, 142.9 pt (493.2 x 1.55 / 5.1, less 7 of padding): in
    # NanumGothic 7.5 pt 'medeval.demo.algorithms.ecg.' is 107.2 pt, with
    # 'qrs_detector:' 153.1 (reportlab's stringWidth): each line a whole part
    at = lines.index("qrs_detector:QrsDetector")
    assert lines[at - 1].endswith("medeval.demo.algorithms.ecg."), lines
    assert not any(line.startswith("tor:") for line in lines)
    issued = replace(result, parameters=replace(result.parameters, medeval="0.11.0"))
    old = _cover_lines(render_certificate(issued, tmp_path / "old.pdf", lang=lang))
    assert any(line.startswith("tor:QrsDetector") for line in old), old
