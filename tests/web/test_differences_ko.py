"""The verification page shown in Korean words the differences of an altered upload in
Korean (web/differences_ko.py); the API keeps the English.

The differences are not copied here: each comes from verifying a real certificate
altered as a forger would (a byte flipped, an attachment removed, replaced or given the
wrong checksum, the end cut off) or from the verdicts (another number typed, a QR code's
fingerprint changed, a registry that never issued it). Korean expected strings are
written out by hand.
"""

from __future__ import annotations

import hashlib
import io
import re

import pikepdf
import pytest
from starlette.testclient import TestClient

from medeval.registry import Registry
from medeval.report import verify_certificate
from medeval.web import Verifier, create_app
from medeval.web.differences_ko import DIFFERENCES, difference_ko, difference_lines
from medeval.web.verdicts import look_up

from .conftest import Issued


def _edited(payload: bytes, edit) -> bytes:  # type: ignore[no-untyped-def]
    with pikepdf.open(io.BytesIO(payload)) as pdf:
        edit(pdf)
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def _remove(name: str):  # type: ignore[no-untyped-def]
    def edit(pdf):  # type: ignore[no-untyped-def]
        del pdf.attachments[name]
    return edit


def _rewrite(name: str, data: bytes, *, mend: bool):  # type: ignore[no-untyped-def]
    """Attachment ``name`` given ``data``; ``mend``: its recorded size and MD5 too."""
    def edit(pdf):  # type: ignore[no-untyped-def]
        stream = pdf.attachments[name].obj.EF.F
        stream.write(data)
        if mend:
            stream.Params.Size = len(data)
            stream.Params.CheckSum = pikepdf.String(hashlib.md5(data).digest())
    return edit


def _noted(payload: bytes) -> bytes:
    """A FreeText note appended as an editor's incremental save (pypdf)."""
    from pypdf import PdfWriter
    from pypdf.annotations import FreeText

    writer = PdfWriter(io.BytesIO(payload), incremental=True)
    writer.add_annotation(0, FreeText(text="checked", rect=(50, 50, 200, 80)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _encrypted(payload: bytes) -> bytes:
    """The PDF encrypted by pypdf with an empty password to open it (RC4-128), as a PDF
    program's 'restrict editing' writes it: every reader opens it."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(payload)))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    assert PdfReader(io.BytesIO(out.getvalue())).is_encrypted
    return out.getvalue()


def _linearised(payload: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(payload)) as pdf:
        out = io.BytesIO()
        pdf.save(out, linearize=True)
    return out.getvalue()


@pytest.fixture(scope="module")
def produced(issued: Issued, client: TestClient, tmp_path_factory: pytest.TempPathFactory
             ) -> list[str]:
    """Every difference the alterations below make medeval name."""
    standing = issued.pdfs["standing"]
    with pikepdf.open(io.BytesIO(standing)) as pdf:
        csv = pdf.attachments["result.cases.csv"].get_file().read_bytes()
        result = pdf.attachments["result.json"].get_file().read_bytes()
    # another result: the laboratory's name changed in the result the PDF carries
    other_result = result.replace(b"Medical AI Testing Team", b"Medical AI Testing Dept.")
    assert other_result != result
    lines = csv.splitlines(keepends=True)
    altered_csv = b"".join(lines[:3] + [lines[3].replace(b",ok,", b",failed,")] + lines[4:])
    uploads = [
        issued.pdfs["altered"],  # one byte flipped in the middle
        standing[:-5],  # the end cut off
        standing[:600] + bytes([standing[600] ^ 1]) + standing[601:],  # on the first page
        _edited(standing, _remove("result.cases.csv")),
        _edited(standing, _rewrite("report-info.json", b'{"report_number": "X-1"}',
                                   mend=True)),
        _edited(standing, _rewrite("result.cases.csv", altered_csv, mend=False)),
        _edited(standing, _rewrite("result.cases.csv", altered_csv, mend=True)),
        _edited(standing, _rewrite("result.json", other_result, mend=True)),
        # attachments that cannot be read at all
        _edited(standing, _rewrite("result.json", b"{not json", mend=True)),
        _edited(standing, _rewrite("report-info.json", b"{not json", mend=True)),
        _linearised(standing),  # every word the same (the trust-pass)
        _noted(standing),  # an annotation appended (the trust-pass)
        _encrypted(standing),  # encrypted with no password to open it
    ]
    out = [d for payload in uploads for d in verify_certificate(payload).differences]
    # the verdicts: another number typed; a QR code's fingerprint changed; an unknown report
    answer = client.post("/api/verify", files={"file": ("c.pdf", issued.pdfs["withdrawn"],
                                                        "application/pdf")},
                         data={"number": issued.standing}).json()
    out += answer["differences"]
    with Registry.open(issued.registry) as registry:
        out += look_up(registry, issued.standing, fingerprint="0" * 64).differences
    folder = tmp_path_factory.mktemp("other-registry")
    with Registry.create(folder / "other.sqlite") as empty, TestClient(
            create_app(empty, verifier=Verifier(workers=1))) as other:
        out += other.post("/api/verify", files={"file": ("c.pdf", standing,
                                                         "application/pdf")}
                          ).json()["differences"]
    return out


#: English words that must not be left in a Korean difference outside the quoted lines
#: of the certificate (file names, hashes and version numbers are kept).
_ENGLISH = re.compile(r"(?<![\w-])(the|is|are|of|and|or|not|was|were|in|to|at|by|"
                      r"certificate|result|file|bytes?)(?![\w.-])")


def test_every_difference_has_a_korean_wording(produced: list[str]) -> None:
    assert len(produced) >= 12
    missing = [d for d in produced if difference_ko(d) is None]
    assert missing == []
    # a reader's own reason is carried as the original, marked (영문 원문: ...)
    unquoted = {d: re.sub(r"'[^']*'|\"[^\"]*\"|\(영문 원문: .*\)$", "", str(difference_ko(d)))
                for d in produced}
    left = {d: k for d, k in unquoted.items() if _ENGLISH.search(k)}
    assert left == {}


def test_korean_wordings_by_hand(issued: Issued) -> None:
    fingerprint = issued.fingerprint
    # not '...matplotlib로' (matplotlib reads 맷플롯립: 으로); '버전으로' whatever the list
    # ends with (the korean-pass)
    assert difference_ko(
        "the uploaded file: its bytes differ from the certificate rendered from the result "
        "at byte 5120 (in PDF object 12 0, content stream) (sizes 90000 and 90000): the PDF "
        "was altered, or rendered by another version of medeval/reportlab/pypdf/matplotlib") == (
        "올린 파일: 결과로 다시 만든 성적서와 5120번째 바이트 (PDF 객체 12 0, 내용 스트림)부터 "
        "다릅니다 (크기 90000바이트, 90000바이트): PDF가 변조되었거나 "
        "medeval/reportlab/pypdf/matplotlib의 다른 버전으로 만들어졌습니다")
    assert difference_ko(
        "the uploaded file: its bytes differ from the certificate rendered from the result "
        "at byte 10 (sizes 243200 and 264021): the PDF was altered, or rendered by another "
        "version of medeval/reportlab/pypdf/matplotlib; its printed text is the rendering's, "
        "word for word: what differs is not in its words (as when other software, such as "
        "qpdf or a PDF editor, saved it again, or changed an attachment, image, drawing or "
        "font)") == (
        "올린 파일: 결과로 다시 만든 성적서와 10번째 바이트부터 다릅니다 (크기 243200바이트, "
        "264021바이트): PDF가 변조되었거나 medeval/reportlab/pypdf/matplotlib의 다른 버전으로 "
        "만들어졌습니다. 인쇄된 내용은 다시 만든 성적서와 한 단어도 다르지 않습니다: 다른 것은 "
        "글자가 아닌 파일 자체입니다 (qpdf나 PDF 편집기 같은 다른 소프트웨어로 다시 저장했거나 "
        "첨부 파일, 그림, 도형 또는 글꼴을 바꾼 경우처럼)")
    assert difference_ko(
        "the uploaded file: the update appended adds to page 1 an annotation (/FreeText), "
        "drawn over the page and not in its printed text") == (
        "올린 파일: 덧붙은 증분 갱신이 1쪽에 주석(/FreeText)을 더했습니다. 쪽 위에 그려지며 "
        "인쇄된 내용에는 없습니다")
    assert difference_ko(
        "the certificate carries report number LAB-AI-2026-0001, not the "
        "LAB-AI-2026-0003 typed") == (
        "성적서에 적힌 번호(LAB-AI-2026-0001)가 입력한 번호(LAB-AI-2026-0003)와 다릅니다")
    assert difference_ko(
        f"report LAB-AI-2026-0003 was issued for result sha256:{fingerprint}; this "
        f"certificate carries result sha256:{'1' * 64}") == (
        f"성적서 LAB-AI-2026-0003의 발행 대상 결과는 sha256:{fingerprint}이나, 이 성적서에 "
        f"담긴 결과는 sha256:{'1' * 64}입니다")
    # 'page(s)' as pages, not '1개 쪽' ('the 1st page' reads '1쪽')
    assert difference_ko(
        f"the uploaded file: 1 page(s) do not print the fingerprint sha256:{'c' * 64} of "
        "the metadata") == (
        f"올린 파일: 메타데이터의 지문(sha256:{'c' * 64})이 인쇄되지 않은 페이지가 1개 "
        "있습니다")
    assert difference_ko(
        "the uploaded file: its attached result.json is not a readable medeval result: not "
        "valid JSON: Expecting property name enclosed in double quotes: line 1 column 2 "
        "(char 1)") == (
        "올린 파일: 첨부된 result.json은 읽을 수 있는 medeval 결과가 아닙니다 (영문 원문: not "
        "valid JSON: Expecting property name enclosed in double quotes: line 1 column 2 "
        "(char 1))")
    # a digest ending in 0 (영), 3 (삼) or 6 (육) takes 으로: '...30로' was wrong; in
    # brackets after 정보 the particle follows 정보 (found in the review of the
    # lifecycle-pass, which bracketed the report number so)
    info = "a" * 62 + "30"
    assert difference_ko(
        f"the uploaded file was rendered with report info sha256:{info} and carries none "
        "attached (an older medeval): pass the report info it was rendered with, --info "
        "INFO.toml, to compare its bytes") == (
        f"올린 파일: 성적서 정보(sha256:{info})로 만들었으나 첨부된 성적서 정보가 없습니다 "
        "(이전 medeval): 바이트를 비교하려면 만들 때의 성적서 정보를 --info INFO.toml로 "
        "주십시오")
    # the particle after 성적서, not after the number: '...0003로' is wrong (삼으로).
    # Found in the lifecycle-pass
    assert difference_ko(
        "the certificate is the PDF report KTL-AI-2026-0003 was issued as, with 2590 bytes "
        "appended after it (an incremental update: a signature, or a change to its pages or "
        "attachments) that the registry does not record") == (
        "성적서(KTL-AI-2026-0003)로 발행된 PDF 뒤에 등록부에 기록되지 않은 2590바이트가 "
        "덧붙었습니다 (증분 갱신: 서명, 또는 페이지나 첨부 파일의 변경)")
    assert difference_ko("the uploaded file prints 'Site | Busan' (after 'Subgroups') "
                         "where the result gives 'Site | Seoul'") == (
        "올린 파일의 인쇄 내용: 'Site | Busan' ('Subgroups' 다음 줄), 결과로 만든 내용: "
        "'Site | Seoul'")


def test_a_difference_no_pattern_knows_is_marked() -> None:
    text = "the uploaded file: something a later medeval says"
    assert difference_ko(text) is None
    assert difference_lines(text, "ko", untranslated="(영문 원문)") == (
        "(영문 원문) the uploaded file: something a later medeval says",)
    assert difference_lines(text, "en", untranslated="(영문 원문)") == (text,)
    assert len(DIFFERENCES) == len({d.pattern for d in DIFFERENCES})


@pytest.mark.parametrize("lang", ["ko", "en", "ko+en"])
def test_the_page_words_the_differences_in_its_language(client: TestClient, issued: Issued,
                                                        lang: str) -> None:
    page = client.post("/check", files={"file": ("c.pdf", issued.pdfs["altered"],
                                                 "application/pdf")},
                       data={"lang": lang}).text
    offset = len(issued.pdfs["standing"]) // 2
    korean = f"올린 파일: 결과로 다시 만든 성적서와 {offset}번째 바이트"
    english = (f"the uploaded file: its bytes differ from the certificate rendered from the "
               f"result at byte {offset}")
    assert 'data-status="altered"' in page
    assert (korean in page, english in page) == {
        "ko": (True, False), "en": (False, True), "ko+en": (True, True)}[lang]
    # the API keeps the English
    body = client.post("/api/verify", files={"file": ("c.pdf", issued.pdfs["altered"],
                                                      "application/pdf")}).json()
    assert any(d.startswith(english) for d in body["differences"])



