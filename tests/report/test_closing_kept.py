"""A certificate's signatures stay with their section, and its end mark with the last one.

The breast-ultrasound example run in the sandbox, rendered with two signatories, printed
section 3's heading and statements at the foot of page 1 and its signature table alone on
page 2 (Korean and English), and in Korean "— 이하 여백 —" alone on the last page. The
binary example with three criteria, evaluated and marked as a run (a certificate, not a
pre-check), lays out alike for the signatures (in Korean and English; its end mark happens
to share a page already, so that check here only guards against a regression). Read back
with pypdf (a peer), the page of the signatures prints section 3's heading, and the end
mark's page prints the last section's QR code. A result made by medeval 0.11.0 keeps the
layout it was issued with.
"""

from __future__ import annotations

import shutil
import warnings
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

import medeval
from medeval.report import render_certificate

from .conftest import dated_26_november

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "binary-classification"
SOURCE = ("illustrative goal of this synthetic example (a real protocol cites the "
          "customer's claim or a published reference)")  # the ultrasound example's
CRITERIA = "".join(f'\n[[criteria]]\nmetric = "{m}"\ngoal = 0.5\nsource = "{SOURCE}"\n'
                   for m in ("sensitivity", "specificity", "ppv"))
INFO = """report_number = "KTL-2026-AI-000123"
issue_date = "2026-12-06"
[tested_by]
name = "김시험"
title = "선임연구원"
[approved_by]
name = "박승인"
title = "기술책임자"
"""


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> medeval.Result:
    folder = tmp_path_factory.mktemp("closing") / "study"
    shutil.copytree(EXAMPLE, folder)
    text = (folder / "protocol.toml").read_text(encoding="utf-8")
    text = text.split("[[criteria]]")[0].replace("n_resamples = 500", "n_resamples = 100")
    (folder / "protocol.toml").write_text(text + CRITERIA, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the small set's undefined resamples
        done = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    # dated as run on 26 November: the report info's issue date (6 December) must not
    # come before the testing ended, whatever day the tests run (f03dc96d)
    return dated_26_november(replace(done, mode="certificate",
                                     algorithm=replace(done.algorithm, predictions="runner")))


def _pages(result: medeval.Result, folder: Path, lang: str) -> list[str]:
    (folder / "info.toml").write_text(INFO, encoding="utf-8")
    pdf = render_certificate(result, folder / "c.pdf", lang=lang,
                             report_info=folder / "info.toml")
    return [" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages]


@pytest.mark.parametrize("lang", ["ko", "en", "ko+en"])
def test_the_signatures_and_the_end_mark_are_not_alone(result: medeval.Result, lang: str,
                                                       tmp_path: Path) -> None:
    assert not result.precheck
    pages = _pages(result, tmp_path, lang)
    signed = next(page for page in pages if "김시험 (선임연구원)" in page)
    assert "3. 승인" in signed or "3. Authorisation" in signed
    end = next(page for page in pages if "— 이하 여백 —" in page or "End of report" in page)
    assert "MEDEVAL-CERT |" in end  # the last section's QR code on the end mark's page


def test_a_result_of_0_11_0_keeps_the_layout_it_was_issued_with(result: medeval.Result,
                                                                tmp_path: Path) -> None:
    old = replace(result, parameters=replace(result.parameters, medeval="0.11.0"))
    pages = _pages(old, tmp_path, "ko+en")
    signed = next(i for i, page in enumerate(pages) if "김시험 (선임연구원)" in page)
    assert "3. 승인" not in pages[signed] and "3. 승인" in pages[signed - 1]


def test_the_end_mark_never_fills_the_last_page_alone(tmp_path: Path) -> None:
    # The test above meets no page where the end mark would stand alone (its check there
    # guards only). Here the binary example's pre-check in Korean, with 12 to 19
    # deviations written in the report info, section 12 growing a line each: before
    # 32145174, with 15 and 16 of them "— 이하 여백 —" was the only text of page 6
    # (pypdf), the QR code's section ending page 5. Every count is tried, so that a change
    # of a line elsewhere moves the page break but not what this checks.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = dated_26_november(
            medeval.evaluate(EXAMPLE / "protocol.toml", EXAMPLE / "predictions"))
    alone = []
    for n in range(12, 20):
        deviations = ", ".join(f'"시험 방법의 이탈 {i}번: 시료 보관 온도 기록 누락"'
                               for i in range(n))
        (tmp_path / "info.toml").write_text(
            f'report_number = "KTL-2026-AI-000123"\nissue_date = "2026-12-06"\n'
            f"deviations = [{deviations}]\n", encoding="utf-8")
        pdf = render_certificate(result, tmp_path / "c.pdf", lang="ko",
                                 report_info=tmp_path / "info.toml")
        pages = [" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages]
        end = next(page for page in pages if "— 이하 여백 —" in page)
        if "MEDEVAL-CERT |" not in end:
            alone.append(n)
    assert alone == []
