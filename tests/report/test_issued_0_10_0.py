"""Certificates of results made by medeval 0.10.0 render as 0.10.0 rendered them, byte
for byte, whatever this release changed for later results.

0.11.0 revised the certificate for results made after 0.10.0 (each definition once, the
threshold in the ROC and confusion-matrix captions, a multi-class composition in the
protocol's order, Korean names of the interval methods and the page footer, the HTML
page's language marks), each change gated on ``made_after(result, "0.10.0")``. A gate
left out changes a certificate already issued, and verify then calls it altered. The
results (tests/data/results-0.10.0, README there) are every example's as medeval 0.10.0
itself evaluated them; the SHA-256 below are of the ko+en PDF (under the /Creator
"medeval 0.10.0" it wrote) and the ko+en HTML report as medeval 0.10.0 (d34cdc2, installed
in a virtual environment of its own) rendered them. The same results marked as made by
a later medeval render otherwise (checked below), so each pin covers a page the gated
changes would change.
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

DATA = Path(__file__).resolve().parents[1] / "data" / "results-0.10.0"

#: example -> (SHA-256 of the ko+en PDF, of the ko+en HTML), rendered by medeval 0.10.0
ISSUED = {
    "binary-classification": (
        "42fc9620ce53fe212eff60ae10400d80bc13037a44e92791f828a4a56b44b5e8",
        "933aaff08910f70fd5ff15c1206efd5d0feb509cfe8127f757604977f4d80854"),
    "detection": (
        "8488ef2e594e55524a6a56a380c5b444fbe269b165b06c2e4e817983e532d0c6",
        "5613df29cd9a9a27f728c737d1d0fd1ae9d7a7bb79de0994009824f2261c47a9"),
    "ecg-beats": (
        "75a629dea8b27824fc4dd1251e02ca5610f273e7ddb5c22b99557d2278e72bce",
        "c95fbd3306885b3be236694c2e8522a53da58826343b773a588dc40e09b6905c"),
    "eeg-events": (
        "7327edb657bbdc056de44cdfd3064b386758ab5bbcee56ef90632fa54e308027",
        "4693847f60749f889fb5a129ff6a90b6a3a156f3e386b448a3c7a8d0d383bcdf"),
    "measurement": (
        "bf8157e87e9827165748d069b9744cd63d3fb6fb7ba80b97978d86d22bb6e5b6",
        "e053e42777150f89964762feef1cb2feb6e61bff0fb89fdb5a854487db18e21e"),
    "multiclass-classification": (
        "996e894456f3ad2348e0744ee46058451862eeb51d6c4f0649ab381d2a0794b4",
        "bb9f9e806781adef02b81b512219a318a583986dd949739f0b3707bf78b605e1"),
    "polyp-detection": (
        "7429fe619067b83a3255cd63744d6d8db8ae5a40678e1aa149cf41f049f1def1",
        "08da9d05e94855aca3fca8f7ac67048dec4de6fe21014686daa5640165072c7f"),
    "polyp-segmentation": (
        "9e04aaeb473a2303a30279200b2209d7dc78fd5adceded32702fa0c58b4965f7",
        "f34dfae107256d213e5ecd807abe8cd361738d8d766430678e5b714889cec1f7"),
    "reader-study": (
        "71de87ba0b77b429bd6fce5668a6a9c5464478fd5235f2a9bbef3424e68c9dfb",
        "22c0e1295e04c969f8fe63f0dad4fa62bcf07c4e51d055918102529eb55370e0"),
    "segmentation": (
        "fbe837e733d606539805b868781d5bbab6790d8e0837ccce1c94b7226bfb3d6b",
        "33b2f16cd3ec59b4a16be0927de0c42d823b5cdcad4dd33a2380836a47a12cbf"),
}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("name", sorted(ISSUED))
def test_a_0_10_0_result_renders_the_bytes_issued(name: str) -> None:
    result = read_result(DATA / f"{name}.json")
    assert result.parameters.medeval == "0.10.0"
    pdf, html = ISSUED[name]
    assert _sha(certificate_pdf(result, ReportInfo(), lang="ko+en",
                                creator="medeval 0.10.0")) == pdf
    page = html_text(build_certificate(result, ReportInfo()), lang="ko+en")
    assert _sha(page.encode("utf-8")) == html
    later = dataclasses.replace(
        result, parameters=dataclasses.replace(result.parameters, medeval="0.11.0"))
    assert html_text(build_certificate(later, ReportInfo()), lang="ko+en") != page
