"""Certificates of results made by medeval 0.9.0 render as issued, byte for byte, after
the Korean overlay (report_templates/strings.ko.after-0.9.0.toml, notes_ko.REVISED) of the
korean-pass. Found in the review-korean pass: the overlay's own tests compared words
(pdftotext), not bytes.

The two results (tests/data/results-0.9.0, README there) hold the phrases the overlay
revises: the segmentation example's pixel-size sources, the polyp-segmentation example's px
note and its bootstrap warning ('재표집'). The SHA-256 below are of the Korean PDF and the
ko+en HTML report as medeval at 608f12d (0.9.0, before the overlay) rendered them, the PDF
under the /Creator "medeval 0.9.0" it wrote (the renderer names itself there; verify renders
under the name a certificate carries); the same results made by a later medeval print the
revised Korean (so the pin is of pages the overlay would change).
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

#: name -> (SHA-256 of the ko PDF, of the ko+en HTML), rendered at 608f12d as 0.9.0
ISSUED = {
    "segmentation": ("63275c90c885056b6e931792d993bfaa6dd6686cc9bd44130a7f72e4b3a25080",
                     "defc8141dfc26dd054297415dda7a0285865ba38808f9049959b40d6fce2e336"),
    "polyp-segmentation": (
        "d4ff29b75ca03a89d11a2d5f2fb0474f710c4390ba68420ed3004fffa00a53a5",
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
    assert _sha(certificate_pdf(result, ReportInfo(), lang="ko",
                                creator="medeval 0.9.0")) == pdf
    page = html_text(build_certificate(result, ReportInfo()), lang="ko+en")
    assert _sha(page.encode("utf-8")) == html
    # the same result made later prints the overlay's Korean instead
    old, new = WORDS[name]
    assert old in page and new not in page
    later = dataclasses.replace(
        result, parameters=dataclasses.replace(result.parameters, medeval="0.10.0"))
    page = html_text(build_certificate(later, ReportInfo()), lang="ko+en")
    assert new in page and old not in page
