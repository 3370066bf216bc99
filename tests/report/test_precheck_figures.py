"""A pre-check never says its figures are certified. Above the table of the other
failure policy, every report said the failed cases were counted "in the certified
figures" (인증 수치에서), a pre-check's too (found in the hcert3 pass: a company's
pre-check, marked 'NOT A CERTIFICATE' on every page, spoke of certified figures). A
pre-check made after 0.11.0 says "in the main results" (주 결과에서); a certificate keeps
its words, and a pre-check made by 0.11.0 prints as issued. Read from the PDF by pypdf."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pypdf import PdfReader

import medeval
from medeval.report import render_certificate

from ..conftest import binary_study
from ..test_evaluation import protocol_file


def _text(pdf: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())


def test_a_precheck_speaks_of_its_main_results(tmp_path: Path) -> None:
    binary_study(tmp_path)  # three broken predictions: the other policy's table is printed
    result = medeval.evaluate(protocol_file(tmp_path), tmp_path / "predictions")
    assert result.precheck and result.failures.alternative is not None
    text = _text(render_certificate(result, tmp_path / "now.pdf"))
    assert "인증 수치" not in text and "certified" not in text
    assert "실패 증례는 주 결과에서 최악의 결과" in text
    assert "the declared worst distance) in the main results;" in text
    issued = replace(result, parameters=replace(result.parameters, medeval="0.11.0"))
    old = _text(render_certificate(issued, tmp_path / "old.pdf"))
    assert "실패 증례는 인증 수치에서" in old and "in the certified figures;" in old
    # a certificate (the laboratory's runner made the outputs) certifies its figures
    runner = replace(result, mode="certificate",
                     algorithm=replace(result.algorithm, predictions="runner"))
    assert not runner.precheck
    certified = _text(render_certificate(runner, tmp_path / "certified.pdf"))
    assert "실패 증례는 인증 수치에서" in certified and "in the certified figures;" in certified
