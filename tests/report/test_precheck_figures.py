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
    # a binary study's own words after 0.11.0 (tests/report/test_binary_failed_note.py)
    assert "실패 증례는 주 결과에서 오답으로" in text
    assert "counted as wrong answers in the main results:" in text
    issued = replace(result, parameters=replace(result.parameters, medeval="0.11.0"))
    old = _text(render_certificate(issued, tmp_path / "old.pdf"))
    assert "실패 증례는 인증 수치에서" in old and "in the certified figures;" in old
    # a certificate (the laboratory's runner made the outputs) certifies its figures
    runner = replace(result, mode="certificate",
                     algorithm=replace(result.algorithm, predictions="runner"))
    assert not runner.precheck
    certified = _text(render_certificate(runner, tmp_path / "certified.pdf"))
    assert "실패 증례는 인증 수치에서" in certified and "in the certified figures:" in certified


def _descriptions(pdf: Path) -> dict[str, str]:
    """Each attached file's /Desc, read from the name tree by pypdf."""
    names = PdfReader(pdf).trailer["/Root"]["/Names"]["/EmbeddedFiles"]["/Names"]
    return {str(names[i]): str(names[i + 1].get_object()["/Desc"])
            for i in range(0, len(names), 2)}


def test_a_precheck_s_attachments_are_a_report_s(tmp_path: Path) -> None:
    """The attached files of a pre-check were described as 'The result JSON this
    certificate was rendered from' (and the report info likewise): a pre-check made after
    0.11.0 says 'this report'; a certificate, and a pre-check made by 0.11.0, as before."""
    binary_study(tmp_path)
    result = medeval.evaluate(protocol_file(tmp_path), tmp_path / "predictions")
    now = _descriptions(render_certificate(result, tmp_path / "now.pdf"))
    assert now["result.json"] == "The result JSON this report was rendered from"
    assert now["report-info.json"] == \
        "The report info (canonical JSON) this report was rendered with"
    assert not any("certificate" in d for d in now.values())
    issued = replace(result, parameters=replace(result.parameters, medeval="0.11.0"))
    old = _descriptions(render_certificate(issued, tmp_path / "old.pdf"))
    assert old["result.json"] == "The result JSON this certificate was rendered from"
    runner = replace(result, mode="certificate",
                     algorithm=replace(result.algorithm, predictions="runner"))
    certified = _descriptions(render_certificate(runner, tmp_path / "certified.pdf"))
    assert certified["result.json"] == "The result JSON this certificate was rendered from"
