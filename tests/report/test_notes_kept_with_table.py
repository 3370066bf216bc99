"""A heading and the notes leading into a table are on the page of the table's start.

A section's heading kept with the paragraph after it only: where a table followed its
notes, the heading and the notes could end a page and the table begin the next. Three
examples' certificates did so: the detection example in Korean (section 7's heading and
its note at the foot of page 2, its table on page 3), the binary-classification example
in Korean and English (section 12's heading and "없음 / None" at the foot of page 6), the
reader study in Korean (the caption of the analysis of variance at the foot of page 2).
Read back with poppler's pdftotext (a peer), page by page: no page's last line of text
above the footer is a numbered heading, nor a note whose table is on the next page. A
result made by medeval 0.11.0 keeps the pages it was issued with.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
from dataclasses import replace
from pathlib import Path

import pytest

import medeval
from medeval.report import render_certificate

from .conftest import dated_26_november

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# (example, language, a line that ended a page, the line that must share its page)
CASES = [
    ("detection", "ko", "7. 실패 증례를 달리 처리한 분석", "실패 증례 제외"),
    ("binary-classification", "ko+en", "12. 시험 방법의 이탈", "외부 제공자의 결과"),
    ("reader-study", "ko", "판독자 AUC의 분산분석(조건 × 판독자)", "Var(Error)"),
]


def _result(example: str) -> medeval.Result:
    folder = EXAMPLES / example
    predictions = folder / "predictions"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return medeval.evaluate(folder / "protocol.toml",
                                predictions if predictions.is_dir() else None)


def _pages(pdf: Path) -> list[list[str]]:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed (apt-get install poppler-utils)")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    # the text lines of each page, without the diagonal PRE-CHECK mark's letters
    return [[line.strip() for line in page.splitlines() if len(line.strip()) > 6]
            for page in text.split("\f") if page.strip()]


def _page_of(pages: list[list[str]], start: str) -> int:
    return next(i for i, lines in enumerate(pages) for line in lines
                if line.startswith(start))


@pytest.mark.parametrize(("example", "lang", "lead", "table"), CASES)
def test_the_notes_are_on_the_page_of_their_table(example: str, lang: str, lead: str,
                                                  table: str, tmp_path: Path) -> None:
    pages = _pages(render_certificate(_result(example), tmp_path / "c.pdf", lang=lang))
    assert _page_of(pages, lead) == _page_of(pages, table)
    for lines in pages[:-1]:  # above the footer: no heading ends a page
        assert not re.match(r"\d+\. \S", lines[-2]), lines[-2]


@pytest.mark.parametrize(("example", "lang", "lead", "table"), CASES)
def test_a_result_of_0_11_0_keeps_its_pages(example: str, lang: str, lead: str, table: str,
                                            tmp_path: Path) -> None:
    result = _result(example)
    old = replace(result, parameters=replace(result.parameters, medeval="0.11.0"))
    pages = _pages(render_certificate(old, tmp_path / "old.pdf", lang=lang))
    # as issued: the heading or caption at the foot of one page, its table on the next
    assert _page_of(pages, lead) + 1 == _page_of(pages, table)


def test_notes_taller_than_a_page_break_no_page_before_them(tmp_path: Path) -> None:
    # Seventy deviations in the report info lead into section 12's fields: no page holds
    # them and the fields' first rows, so no page break can keep them together. The
    # break was made all the same: section 12 began on the page after section 11's last
    # row ("라이브러리 버전"), which was left with a fifth of its text (pdftotext), and
    # with a hundred deviations the certificate had a page more than as laid out by a
    # 0.11.0 result. Section 12 now follows section 11 on its page.
    deviations = ", ".join(f'"시험 방법의 이탈 {i}번: 시료 보관 온도 기록 누락"'
                           for i in range(70))
    info = tmp_path / "info.toml"
    info.write_text(f'report_number = "KTL-2026-AI-000123"\nissue_date = "2026-12-06"\n'
                    f"deviations = [{deviations}]\n", encoding="utf-8")
    # dated as run on 26 November: the issue date above must not come before the
    # testing ended, whatever day the test runs (f03dc96d)
    pdf = render_certificate(dated_26_november(_result("binary-classification")),
                             tmp_path / "c.pdf", lang="ko", report_info=info)
    pages = _pages(pdf)
    last = _page_of(pages, "라이브러리 버전")  # section 11's last row
    # section 12 follows on its page, unless that row is the page's last line (a result
    # made after 0.11.0 prints its definitions with their edge cases, which can leave
    # section 11 ending at the foot of a page: no room, no break made)
    assert _page_of(pages, "12. 시험 방법의 이탈") == last or (
        _page_of(pages, "12. 시험 방법의 이탈") == last + 1
        and pages[last][-2].startswith("라이브러리 버전")), pages[last][-3:]
    printed = [int(m[1]) for lines in pages for line in lines
               if (m := re.match(r"• 시험 방법의 이탈 (\d+)번", line))]
    assert printed == list(range(70))  # each once, in order, over the pages
