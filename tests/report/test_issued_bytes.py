"""Certificates of results made by medeval 0.9.0 render as issued, byte for byte, after
the Korean overlay (report_templates/strings.ko.after-0.9.0.toml, notes_ko.REVISED) of the
korean-pass. Found in the review-korean pass: the overlay's own tests compared words
(pdftotext), not bytes.

The two results (tests/data/results-0.9.0, README there) hold the phrases the overlay
revises: the segmentation example's pixel-size sources, the polyp-segmentation example's px
note and its bootstrap warning ('재표집'). The SHA-256 below are of the Korean PDF and the
ko+en HTML report as medeval at 608f12d (before the overlay) rendered them; the same
results made by a later medeval print the revised Korean (so the pin is of pages the
overlay would change).
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest

from medeval.report.content import build_certificate
from medeval.report.html import html_text
from medeval.report.info import ReportInfo
from medeval.report.pdf import certificate_pdf
from medeval.result import read_result

DATA = Path(__file__).resolve().parents[1] / "data" / "results-0.9.0"

#: name -> (SHA-256 of the ko PDF, of the ko+en HTML), rendered at 608f12d
ISSUED = {
    "segmentation": ("5f224e197eaf32be3e93e75e515f94f75ac16f664ef716d5fcf2ff903938860b",
                     "defc8141dfc26dd054297415dda7a0285865ba38808f9049959b40d6fce2e336"),
    "polyp-segmentation": (
        "3f921cca6b79975cdad7ac4d50c958e6324d701a054fb5f363232c28f308f156",
        "cb7eb17aecf375ae2199eaa02fecf58bca18ef0cfbb917a5f857cbbdc27361c0"),
}

#: Korean the overlay revises, as 0.9.0 printed it and as a later result prints it
WORDS = {
    "segmentation": ("가져온 곳(증례 수) 영상 파일 헤더",
                     "가져온 곳(괄호 안은 증례 수): 영상 파일 헤더"),
    "polyp-segmentation": ("프로토콜도 이를 정하지", "시험 계획서도 이를 정하지"),
}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("name", sorted(ISSUED))
def test_a_0_9_0_result_renders_the_bytes_issued(name: str) -> None:
    result = read_result(DATA / f"{name}.json")
    assert result.parameters.medeval == "0.9.0"
    pdf, html = ISSUED[name]
    assert _sha(certificate_pdf(result, ReportInfo(), lang="ko")) == pdf
    page = html_text(build_certificate(result, ReportInfo()), lang="ko+en")
    assert _sha(page.encode("utf-8")) == html
    # the same result made later prints the overlay's Korean instead
    old, new = WORDS[name]
    assert old in page and new not in page
    later = dataclasses.replace(
        result, parameters=dataclasses.replace(result.parameters, medeval="0.10.0"))
    page = html_text(build_certificate(later, ReportInfo()), lang="ko+en")
    assert new in page and old not in page
