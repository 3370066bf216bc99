"""The certificate PDF: every checklist item in both languages, fonts embedded, no
missing glyph, the same bytes for the same result, pre-check marking, pages that render."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from medeval.report import render_certificate
from medeval.report.fonts import font_path
from medeval.result import Result, read_result

from .conftest import ADDRESS, ALGORITHM, CUSTOMER, LABORATORY

DOCS = Path(__file__).resolve().parents[2] / "docs"

#: ISO/IEC 17025:2017 7.8 and the regulators' checklist: (Korean, English) as printed.
# Korean of a certificate made after 0.10.0: no space before '(' (the korean2-pass)
CHECKLIST = [
    ("시험성적서", "Test Report"),                                # 7.8.2.1 a title
    ("시험기관", "Laboratory"),                                   # b laboratory
    ("주소", "Address"),
    ("시험 장소", "Place of testing"),                            # c place
    ("성적서 번호", "Report No."),                                # d identification
    ("— 이하 여백 —", "End of report"),                           # d end marker
    ("의뢰자", "Customer"),                                       # e customer
    ("시험 계획서", "Test protocol"),                             # f method
    ("평가 소프트웨어", "Evaluation software"),
    ("평가 지표의 정의", "Metric definitions"),
    ("소프트웨어", "Software"),                                   # g item
    ("버전", "Version"),
    ("제조사", "Manufacturer"),
    ("식별 정보", "Identification"),
    ("시료 접수일", "Date of receipt of the item"),               # h received
    ("시험 기간", "Date(s) of testing"),                          # i dates of testing
    ("발행일", "Date of issue"),                                  # j issue
    ("표본 추출 계획", "Sampling plan"),                          # k sampling
    ("표본 크기(산출 근거)", "Sample size (how it was determined)"),  # STARD 18
    ("유효합니다", "relate only to the item tested"),             # l statement
    ("전체 복제만 허용", "shall not be reproduced except in full"),
    ("시험 결과", "Results"),                                     # m results
    ("단위", "Unit"),
    ("시험 방법의 이탈, 추가 및 제외", "Deviations, additions and exclusions"),  # n
    ("기술책임자(승인자)", "Technical manager (approved by)"),  # o authorisation
    ("시험자", "Tested by"),
    ("외부 제공자의 결과", "Results from external providers"),    # p
    ("의뢰자가 제공한 정보", "information supplied by the customer"),  # 7.8.2.2
    ("시험 환경", "Test environment"),                            # 7.8.3.1 a
    ("운영체제", "Operating system"),
    ("판정 규칙", "Decision rule"),                               # 7.8.3.1 b, 7.8.6
    ("실패 증례의 처리", "Failed cases counted as"),
    ("보호 합격 규칙(ILAC-G8:09/2019)", "Guarded acceptance (ILAC-G8:09/2019)"),
    ("목표값", "Goal"),
    ("목표값 근거", "Source of the goal"),
    ("판정", "Verdict"),
    ("합격", "PASS"),
    ("종합 판정", "Overall verdict"),
    ("95% 신뢰구간", "95% CI"),                                  # 7.8.3.1 c uncertainty
    ("신뢰구간 방법", "CI method"),
    ("n(분자/분모)", "n (num./den.)"),
    ("참조 양성", "Reference positive"),                          # 2x2 table
    ("출력 양성", "Output positive"),
    ("증례 흐름", "Flow of cases"),                               # STARD 19
    ("매니페스트 등록", "Registered in the manifest"),
    ("실패(사용 가능한 출력 없음)", "Failed (no usable output)"),
    ("실패 증례를 달리 처리한 분석", "Failed cases, analysed the other way"),  # FDA 2007
    ("하위군별 결과", "Results by subgroup"),
    ("참조 분류별 구성", "Composition by reference class"),
    ("진위 확인", "Authenticity and verification"),
    ("결과 지문(SHA-256)", "Result fingerprint (SHA-256)"),
    ("QR 코드(번호와 지문)", "QR code (report number and fingerprint)"),
]


def text_of(pdf: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf).pages]


def flat(pages: list[str]) -> str:
    return re.sub(r"\s+", " ", " ".join(pages))


def test_every_checklist_item_in_both_languages(certificate: Path, certified: Path) -> None:
    pages = text_of(certificate)
    text = flat(pages)
    missing = [pair for pair in CHECKLIST for phrase in pair if phrase not in text]
    assert not missing, f"not printed: {missing}"
    result = read_result(certified)
    values = [
        LABORATORY, ADDRESS, CUSTOMER, ALGORITHM, "1.0.3", "wdbc_model:Classifier",
        "KTL-2026-0001", "2026-11-02", "2026-11-27", "KOLAS KT-000", "KTL Seoul, AI test room 3",
        "홍길동 (Hong Gildong)", "김철수 (Kim Cheolsu)", "re-submitted after a transfer error",
        result.dataset.fingerprint, result.protocol.sha256,
        f"medeval {result.software['medeval']}", "Wilson", "Obuchowski",
        "Hanley JA, McNeil BJ", "TP / (TP + FN)", "invalid-output", "missing-output",
        "Seoul", "Busan", "MEDEVAL-CERT | KTL-2026-0001 | sha256:",
        "fixed by the demo set, all 369 cases (not planned)",
    ]
    assert [v for v in values if v not in text] == []
    matrix = result.tables["confusion_matrix"]
    sens = json.loads(certified.read_bytes())["metrics"]["sensitivity"]  # as the file says
    assert f"{sens['numerator']}/{sens['n']}" in text
    assert f"{sens['value']:.4f}" in text and f"{sens['low']:.4f}" in text
    assert str(matrix["tp"]) in text and str(matrix["tn"]) in text
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        one = flat([page])
        assert "KTL-2026-0001" in one
        # a result made after 0.10.0: '3쪽 중 1쪽' (before: '쪽 1 / 3'; korean2-pass)
        assert f"{total}쪽 중 {number}쪽" in one and f"Page {number} of {total}" in one
        assert content_fingerprint(certified) in one
    assert "— 이하 여백 —" in flat(pages[-1:]) and "End of report" in flat(pages[-1:])


def content_fingerprint(result: Path) -> str:
    from medeval.result import content_fingerprint as fingerprint

    data = json.loads(result.read_bytes())
    assert fingerprint(data) == read_result(result).fingerprint
    return fingerprint(data)


def pdf_fonts(pdf: Path) -> dict[str, bool]:
    """Every font the PDF uses (pages and their form XObjects) -> embedded?"""
    fonts: dict[str, bool] = {}

    def visit(resources: object) -> None:
        if not resources:
            return
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            fonts[str(font.get("/BaseFont"))] = any(
                k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                visit(xobject.get("/Resources"))

    for page in PdfReader(pdf).pages:
        visit(page.get("/Resources"))
    return fonts


def test_every_font_is_embedded(certificate: Path, precheck: Path, tmp_path: Path) -> None:
    pre = render_certificate(precheck, tmp_path / "pre.pdf", lang="en")
    for pdf in (certificate, pre):
        fonts = pdf_fonts(pdf)
        assert fonts and all("NanumGothic" in name for name in fonts), fonts
        assert all(fonts.values()), f"unembedded: {[n for n, e in fonts.items() if not e]}"
        assert b"Helvetica" not in pdf.read_bytes()


def test_pdffonts_agrees(certificate: Path) -> None:
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (poppler-utils) not installed")
    listing = subprocess.run(["pdffonts", str(certificate)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    assert listing and all(line.split()[-5] == "yes" for line in listing), listing


def test_no_tofu_every_character_is_in_the_font(certificate: Path, precheck: Path,
                                                tmp_path: Path) -> None:
    from fontTools.ttLib import TTFont

    regular = TTFont(font_path()).getBestCmap()
    bold = TTFont(font_path(bold=True)).getBestCmap()
    pre = render_certificate(precheck, tmp_path / "pre.pdf", lang="ko")
    for pdf in (certificate, pre):
        text = "".join(text_of(pdf))
        missing = {c for c in text if not c.isspace() and (ord(c) not in regular
                                                           or ord(c) not in bold)}
        assert not missing, f"glyphs missing from NanumGothic: {sorted(missing)}"
        assert re.search("[가-힣]", text)


def test_same_result_same_bytes(certified: Path, info_file: Path, certificate: Path,
                                tmp_path: Path) -> None:
    again = render_certificate(certified, tmp_path / "again.pdf", report_info=info_file)
    assert again.read_bytes() == certificate.read_bytes()
    data = Result.from_json(certified.read_bytes())
    from_dict = render_certificate(data, tmp_path / "dict.pdf", report_info=info_file)
    assert from_dict.read_bytes() == certificate.read_bytes()


def test_precheck_is_marked_on_every_page_without_approval(precheck: Path,
                                                            tmp_path: Path) -> None:
    pages = text_of(render_certificate(precheck, tmp_path / "pre.pdf"))
    for page in pages:
        one = flat([page])
        assert "PRE-CHECK — NOT A CERTIFICATE" in one and "사전점검 — 시험성적서 아님" in one
    text = flat(pages)
    assert "사전점검 보고서" in text and "Pre-check Report" in text
    assert "Tested by" not in text and "시험자" not in text
    assert "Technical manager" not in text and "Test Report" not in text
    # its number is a report's (보고서 번호), on every page's header, not a certificate's
    # (성적서 번호: a pre-check printed it, though it is no 시험성적서); pypdf's text
    assert "성적서 번호" not in text
    for page in pages:
        assert "보고서 번호" in flat([page])



def test_a_precheck_calls_itself_a_report_in_every_sentence(precheck: Path, certified: Path,
                                                            tmp_path: Path) -> None:
    # 1f7a1e8 relabelled the pre-check's number (보고서 번호), but its statements and its
    # verification line still called the document 이 성적서 (a certificate) and told to
    # run 'medeval verify CERTIFICATE.pdf ... renders the certificate again', under the
    # mark '사전점검 — 시험성적서 아님' on the same page (found reviewing 1f7a1e8). pypdf's
    # text: 성적서 only in 시험성적서 of the mark and the pre-check statement, which say what
    # it is not; 'certificate' only in 'NOT A CERTIFICATE' and 'not a test certificate'.
    text = flat(text_of(render_certificate(precheck, tmp_path / "pre.pdf")))
    rest = text
    for what_it_is_not in ("시험성적서", "NOT A CERTIFICATE", "not a test certificate"):
        assert what_it_is_not in rest
        rest = rest.replace(what_it_is_not, "")
    assert "성적서" not in rest and "certificate" not in rest.lower()
    assert "이 보고서에 기술된 시험 데이터셋" in text and "이 보고서는 시험기관의" in text
    assert "medeval verify REPORT.pdf" in text and "보고서를 다시 만들어" in text
    # a certificate's sentences are unchanged
    certificate = flat(text_of(render_certificate(certified, tmp_path / "cert.pdf")))
    assert "이 성적서에 기술된 시험 데이터셋" in certificate
    assert "medeval verify CERTIFICATE.pdf" in certificate


def test_single_languages(certified: Path, tmp_path: Path) -> None:
    english = flat(text_of(render_certificate(certified, tmp_path / "en.pdf", lang="en")))
    korean = flat(text_of(render_certificate(certified, tmp_path / "ko.pdf", lang="ko")))
    assert "Page 1 of" in english and "쪽 중 1쪽" not in english
    assert "End of report" in english and "이하 여백" not in english
    assert "쪽 중 1쪽" in korean and "Page 1 of" not in korean and "— 이하 여백 —" in korean


def test_unknown_language_is_refused(certified: Path, tmp_path: Path) -> None:
    from medeval.report import ReportError

    with pytest.raises(ReportError, match="ko\\+en"):
        render_certificate(certified, tmp_path / "x.pdf", lang="fr")


def test_segmentation_certificate(segmentation: Path, tmp_path: Path) -> None:
    pdf = render_certificate(segmentation, tmp_path / "seg.pdf")
    text = flat(text_of(pdf))
    assert "Dice 유사계수 / Dice similarity coefficient" in text
    assert "빈 마스크" in text and "Empty masks" in text
    assert "mm" in text and "per-case Dice" not in text
    assert "증례별 Dice 유사계수" in text and "Per-case Dice similarity coefficient" in text
    assert all(pdf_fonts(pdf).values())


def test_pages_render_with_pdftoppm(certificate: Path, tmp_path: Path) -> None:
    """pdftoppm (poppler) renders every page; with MEDEVAL_WRITE_DOCS=1 the first two
    pages are saved as docs/certificate-page-1.png and -2.png."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) not installed")
    subprocess.run(["pdftoppm", "-r", "110", "-png", str(certificate), str(tmp_path / "p")],
                   check=True, capture_output=True)
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == len(PdfReader(certificate).pages)
    from PIL import Image

    for png in pngs:
        with Image.open(png) as image:
            assert image.size[0] > 800 and image.getextrema() != ((255, 255),) * 3
    if os.environ.get("MEDEVAL_WRITE_DOCS") == "1":
        DOCS.mkdir(exist_ok=True)
        for number, png in enumerate(pngs[:2], start=1):
            shutil.copyfile(png, DOCS / f"certificate-page-{number}.png")


def test_metadata_carries_the_fingerprint(certificate: Path, certified: Path) -> None:
    metadata = PdfReader(io.BytesIO(certificate.read_bytes())).metadata
    assert f"fingerprint=sha256:{content_fingerprint(certified)}" in metadata["/Keywords"]
    assert metadata["/CreationDate"].startswith("D:20261127")


def test_a_certificate_rendered_again_and_cut_short_leaves_the_earlier_whole(
        certified: Path, info_file: Path, tmp_path: Path) -> None:
    # The certificate written over an earlier one by a process limited to 64 kB per file
    # (RLIMIT_FSIZE, SIGXFSZ ignored: the write fails with EFBIG part-way, as on a full
    # disk): the earlier certificate must be whole and no partial file left. Before, the
    # PDF was written in place and the earlier one was cut to 64 kB.
    import subprocess
    import sys

    target = tmp_path / "certificate.pdf"
    earlier = b"%PDF-1.7 issued certificate, signed"
    target.write_bytes(earlier)
    script = (
        "import resource, signal, sys\n"
        "from medeval.report import render_certificate\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 10, 64 << 10))\n"
        "try:\n"
        "    render_certificate(sys.argv[1], sys.argv[2], report_info=sys.argv[3])\n"
        "except Exception as exc:\n"
        "    print(type(exc).__name__, exc)\n")
    done = subprocess.run([sys.executable, "-c", script, str(certified), str(target),
                           str(info_file)], capture_output=True, text=True, check=True)
    # EFBIG ('File too large'): the PDF is over 64 kB; medeval's error, naming the file
    assert done.stdout.strip() == (f"ReportError certificate {target}: cannot be written "
                                   "(File too large)"), done.stderr
    assert target.read_bytes() == earlier
    assert sorted(p.name for p in tmp_path.iterdir()) == ["certificate.pdf"]
