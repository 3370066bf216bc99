"""An unsigned certificate saved again by a PDF program as an incremental update (the
rendered bytes, then an update appended): named as such, with any printed line the
update changed.

Found as a recipient: such a file was reported as "its bytes differ from the
certificate rendered from the result at byte 226162 (in the cross-reference table or
trailer) (sizes 228600 and 226162): the PDF was altered, or rendered by another version
of medeval/reportlab/pypdf" — which hid that the file begins with the very certificate
rendered. The updates are written with pypdf's incremental writer; the figure's expected
value comes from scikit-learn's recall on the per-case CSV.
"""

from __future__ import annotations

import csv
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject
from sklearn.metrics import recall_score

from medeval.report import verify_certificate


def _sensitivity(result: Path) -> str:
    with result.with_name("result.cases.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return format(recall_score([int(r["reference"]) for r in rows],
                               [int(r["prediction"]) for r in rows]), ".4f")


def test_an_update_appended_is_named(certificate: Path, tmp_path: Path) -> None:
    writer = PdfWriter(certificate, incremental=True)
    writer.add_metadata({"/ModDate": "D:20261205000000Z"})
    saved = tmp_path / "saved.pdf"
    with saved.open("wb") as handle:
        writer.write(handle)
    size = len(certificate.read_bytes())
    appended = len(saved.read_bytes()) - size
    assert saved.read_bytes()[:size] == certificate.read_bytes() and appended > 0
    verdict = verify_certificate(saved)
    assert verdict.status == "altered"
    assert verdict.differences == (
        f"certificate {saved}: it is the certificate rendered from the result with "
        f"{appended} bytes appended after its end (byte {size}): an incremental update, by "
        "a PDF program that saved it again or by a change to its pages, attachments or "
        "metadata; the certificate as rendered is the file's first revision",)


def test_an_update_renaming_the_creator_is_named_as_an_update(certificate: Path,
                                                               tmp_path: Path) -> None:
    # Found in the review-lead pass: since 8a54c6e the certificate was rendered again
    # under the /Creator of the file's last revision, so an update that only renamed it
    # ('medeval 0.7.0') hid the appended bytes behind "rendered by medeval 0.7.0 ...
    # lays a certificate out otherwise". The name is now the first revision's.
    from pypdf import PdfReader

    writer = PdfWriter(certificate, incremental=True)
    writer.add_metadata({"/Creator": "medeval 0.7.0"})
    saved = tmp_path / "saved.pdf"
    with saved.open("wb") as handle:
        writer.write(handle)
    assert PdfReader(saved).metadata["/Creator"] == "medeval 0.7.0"
    verdict = verify_certificate(saved)
    assert verdict.status == "altered"
    assert "bytes appended after its end" in verdict.differences[0]
    assert not any("rendered by medeval 0.7.0" in d for d in verdict.differences)
    assert any("/Creator" in d for d in verdict.differences), verdict.differences


def test_a_figure_changed_by_an_update_is_named(certified: Path, certificate: Path,
                                                tmp_path: Path) -> None:
    figure = _sensitivity(certified)
    forged = "0.9999" if figure != "0.9999" else "0.1111"
    writer = PdfWriter(certificate, incremental=True)
    changed = 0
    for page in writer.pages:
        data = page.get_contents().get_data()
        if figure.encode() in data:
            stream = DecodedStreamObject()
            stream.set_data(data.replace(figure.encode(), forged.encode()))
            page[NameObject("/Contents")] = writer._add_object(stream)
            changed += 1
    assert changed
    saved = tmp_path / "saved.pdf"
    with saved.open("wb") as handle:
        writer.write(handle)
    verdict = verify_certificate(saved)
    assert "bytes appended after its end" in verdict.differences[0]
    named = [d for d in verdict.differences if f"prints '{forged}'" in d]
    # the figure is printed on two pages, each time after '민감도 / Sensitivity': one
    # difference, said once (it was listed twice, word for word: the messages-pass)
    assert len(named) == 1 and named[0].endswith(f"gives '{figure}'"), named


def test_the_verification_page_words_it_in_korean() -> None:
    from medeval.web.differences_ko import difference_ko

    english = ("the uploaded file: it is the certificate rendered from the result with 2438 "
               "bytes appended after its end (byte 226162): an incremental update, by a PDF "
               "program that saved it again or by a change to its pages, attachments or "
               "metadata; the certificate as rendered is the file's first revision")
    assert difference_ko(english) == (
        "올린 파일: 결과로 만든 성적서 뒤(226162번째 바이트부터)에 2438바이트가 "
        "덧붙었습니다: PDF 프로그램이 다시 저장했거나 페이지, 첨부 파일 또는 메타데이터를 "
        "바꾼 증분 갱신입니다. 결과로 만든 성적서는 이 파일의 첫 판입니다")


def test_document_information_changed_by_an_update_is_named(certificate: Path,
                                                            tmp_path: Path) -> None:
    # Found reviewing 93af697: an update rewriting /Title and the report number in
    # /Keywords was named only as 'N bytes appended ... by a change to its pages,
    # attachments or metadata', the entries it changed unsaid (as f44b082 names them
    # after signing)
    import io

    from pypdf import PdfReader

    keywords = str(PdfReader(certificate).metadata["/Keywords"])
    writer = PdfWriter(certificate, incremental=True)
    writer.add_metadata({"/Title": "Test Report - PASS", "/Keywords": keywords.replace(
        "report-number=KTL-2026-0001", "report-number=KTL-2026-9999")})
    saved = tmp_path / "saved.pdf"
    with saved.open("wb") as handle:
        writer.write(handle)
    size = len(certificate.read_bytes())
    first = PdfReader(io.BytesIO(saved.read_bytes()[:size])).metadata  # pypdf, revision 1
    last = PdfReader(saved).metadata
    changed = sorted(k for k in set(first) | set(last)
                     if first.get(k) != last.get(k) and k != "/ModDate")
    assert changed == ["/Keywords", "/Title"]
    verdict = verify_certificate(saved)
    assert verdict.status == "altered"
    assert verdict.differences[1:] == (
        f"certificate {saved}: its document information (/Keywords, /Title) was changed by "
        "the update appended: the certificate as rendered does not say what it now says",)
    from medeval.web.differences_ko import difference_ko

    assert difference_ko(verdict.differences[1].replace(f"certificate {saved}",
                                                        "the uploaded file")) == (
        "올린 파일: 문서 정보(/Keywords, /Title)가 덧붙은 증분 갱신으로 바뀌었습니다: 결과로 "
        "만든 성적서에는 지금 적힌 내용이 없습니다")


def test_an_annotation_added_by_an_update_is_named(certificate: Path, tmp_path: Path) -> None:
    # Found in the trust-pass: a FreeText note "0.9999" drawn over page 1 by an editor's
    # save was "an incremental update ..." and no more: what it added was not said,
    # and the printed text (which an annotation is not part of) showed no change.
    from pypdf import PdfReader
    from pypdf.annotations import FreeText

    writer = PdfWriter(certificate, incremental=True)
    writer.add_annotation(0, FreeText(text="0.9999", rect=(50, 50, 200, 80)))
    saved = tmp_path / "noted.pdf"
    with saved.open("wb") as handle:
        writer.write(handle)
    # the reference: pypdf reads the annotation on page 1 of the saved file, none before
    assert [a.get_object()["/Subtype"] for a in PdfReader(saved).pages[0]["/Annots"]] == [
        "/FreeText"]
    assert "/Annots" not in PdfReader(certificate).pages[0]
    verdict = verify_certificate(saved)
    assert verdict.status == "altered"
    assert verdict.differences[1:] == (
        f"certificate {saved}: the update appended adds to page 1 an annotation (/FreeText), "
        "drawn over the page and not in its printed text",), verdict.differences
