"""The verification page shown in Korean words its refusals in Korean (web/refusals_ko.py):
Korean alone on ``?lang=ko``, Korean then the English on ``ko+en``, the English as before
on ``en``; the JSON API keeps the English.

Each refusal is asked of a real uvicorn on the loopback, the way a visitor meets it: a
page that does not exist, a malformed number or fingerprint, a file that is no PDF, an
empty, truncated, damaged or foreign PDF, an upload over the limit, too many requests,
a registry that can no longer be read, a verification that takes too long, a bug. The
Korean expected strings are written out by hand; the English ones are the messages as
medeval wrote them before this (the ``en`` page must not change).
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urljoin

import httpx2
import pytest

from medeval.registry import Registry
from medeval.web import Verifier, create_app
from medeval.web.differences_ko import said_lines
from medeval.web.refusals_ko import REFUSALS, refusal_ko

from .conftest import Issued, Served, serving

LANGS = ("ko", "ko+en", "en")


def _said(page: str) -> tuple[str, ...]:
    """The lines of the page's error message: one, or the Korean and the English."""
    found = re.search(r'<p id="error-message">(.*?)</p>', page, flags=re.DOTALL)
    assert found is not None, page[:2000]
    lines = found.group(1).split('<br><span lang="en">')
    return tuple(html.unescape(line.removesuffix("</span>")) for line in lines)


def _expected(lang: str, korean: str, english: str) -> tuple[str, ...]:
    return {"ko": (korean,), "ko+en": (korean, english), "en": (english,)}[lang]


def _q(lang: str) -> str:
    return "lang=" + lang.replace("+", "%2B")


def _form(served: Served, lang: str, payload: bytes | None, **more: object) -> httpx2.Response:
    """The page's form sent: the file (if any) and the language, as a browser does."""
    files = {"file": ("certificate.pdf", payload, "application/pdf")} if payload is not None \
        else None
    return httpx2.post(f"{served.url}/check?{_q(lang)}", files=files,
                       data={"lang": lang, "number": "", **more}, timeout=120)


def _encrypted(payload: bytes) -> bytes:
    """The PDF encrypted by pypdf with a password to open it (AES-256)."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(payload)))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


Ask = Callable[[Served, Issued, str], httpx2.Response]

#: (what the visitor did, status, the English message, the Korean by hand)
CASES: list[tuple[str, Ask, int, str, str]] = [
    ("a page that does not exist",
     lambda s, i, lang: httpx2.get(f"{s.url}/nowhere?{_q(lang)}"), 404,
     "no such page", "없는 페이지입니다"),
    ("PUT to the form's address",
     lambda s, i, lang: httpx2.put(f"{s.url}/check?{_q(lang)}"), 405,
     "method not allowed", "이 주소는 이 방식의 요청을 받지 않습니다"),
    ("the form sent empty",
     lambda s, i, lang: _form(s, lang, None), 400,
     "Enter a report number or upload a PDF.",
     "성적서 번호를 입력하거나 PDF를 올려 주십시오."),
    ("a number with a space and a semicolon",
     lambda s, i, lang: httpx2.get(f"{s.url}/reports/LAB%20X;?{_q(lang)}"), 400,
     "report number 'LAB X;': only letters, digits and '. _ / -' are allowed, a letter or "
     "digit first",
     "성적서 번호 'LAB X;': 영문자, 숫자와 '. _ / -'만 쓸 수 있으며 첫 글자는 영문자나 "
     "숫자여야 합니다"),
    ("a number 70 characters long",
     lambda s, i, lang: httpx2.get(f"{s.url}/reports/{'A' * 70}?{_q(lang)}"), 400,
     f"report number '{'A' * 40}'... (70 characters): longer than 64 characters",
     f"성적서 번호 '{'A' * 40}'... (70자): 64자보다 깁니다"),
    ("no number after /reports/",
     lambda s, i, lang: httpx2.get(f"{s.url}/reports/?{_q(lang)}"), 400,
     "report number: empty", "성적서 번호가 비어 있습니다"),
    ("a QR code's fingerprint that is no fingerprint",
     lambda s, i, lang: httpx2.get(f"{s.url}/reports/{i.standing}?fingerprint=xyz&{_q(lang)}"),
     400, "fingerprint 'xyz': not 64 hexadecimal digits (sha256:...)",
     "지문 'xyz': 16진수 64자리(sha256:...)가 아닙니다"),
    ("a GIF uploaded",
     lambda s, i, lang: _form(s, lang, b"GIF89a not a certificate"), 415,
     "the uploaded file is not a PDF (it begins with b'GIF89a not a cer', not %PDF-); "
     "upload the certificate's PDF file",
     "올린 파일은 PDF가 아닙니다 (b'GIF89a not a cer'(으)로 시작하며 %PDF-로 시작하지 "
     "않음). 성적서 PDF 파일을 올려 주십시오"),
    ("an empty file uploaded",
     lambda s, i, lang: _form(s, lang, b""), 400,
     "the uploaded file is empty; choose the certificate PDF",
     "올린 파일이 비어 있습니다. 성적서 PDF를 골라 주십시오"),
    ("half a certificate uploaded",
     lambda s, i, lang: _form(s, lang, i.pdfs["truncated"]), 422,
     # pypdf's own reason is carried as it is, in both languages
     "the uploaded file: a truncated PDF (it does not end with %%EOF) that cannot be read "
     "(Stream has ended unexpectedly)",
     "올린 파일: 읽을 수 없는 잘린 PDF(%%EOF로 끝나지 않음)입니다 (Stream has ended "
     "unexpectedly)"),
    ("half a certificate given a %%EOF line",
     lambda s, i, lang: _form(s, lang, i.pdfs["truncated"] + b"\n%%EOF\n"), 422,
     "the uploaded file: a damaged PDF that cannot be read (startxref not found)",
     "올린 파일: 읽을 수 없는 손상된 PDF입니다 (startxref not found)"),
    ("a certificate locked with a password by other software",
     lambda s, i, lang: _form(s, lang, _encrypted(i.pdfs["standing"])), 422,
     # pypdf's 'File has not been decrypted' was shown as "a damaged PDF"
     "the uploaded file: it is encrypted with a password, which medeval never sets on a "
     "certificate (other software encrypted it); give the PDF as the laboratory issued it",
     "올린 파일: 암호가 걸려 있어 읽을 수 없습니다. medeval은 성적서에 암호를 걸지 "
     "않습니다 (다른 소프트웨어가 암호화함). 시험기관이 발행한 그대로의 PDF를 주십시오"),
    ("a PDF that is not a medeval certificate",
     lambda s, i, lang: _form(s, lang, i.pdfs["blank"]), 422,
     "the uploaded file: not a medeval certificate (it carries no medeval fingerprint and "
     "no attached result)",
     "올린 파일: medeval 성적서가 아닙니다 (medeval 지문도 첨부된 결과도 없습니다)"),
    ("two files in the form",
     lambda s, i, lang: httpx2.post(
         f"{s.url}/check?{_q(lang)}", data={"lang": lang},
         files=[("file", ("a.pdf", i.pdfs["blank"], "application/pdf")),
                ("file", ("b.pdf", i.pdfs["blank"], "application/pdf"))]), 400,
     "the form cannot be read: Too many files. Maximum number of files is 1.",
     "양식을 읽을 수 없습니다: 파일이 너무 많습니다 (최대 1개)"),
    ("a multipart body that breaks off (the form parser's own reason)",
     lambda s, i, lang: httpx2.post(
         f"{s.url}/check?{_q(lang)}", content=b"--XYZ\r\n\x00\x01 not a part",
         headers={"content-type": "multipart/form-data; boundary=XYZ"}), 400,
     "the form cannot be read: Invalid multipart data.",
     "양식을 읽을 수 없습니다: multipart 데이터가 올바르지 않습니다"),
    ("JSON sent to the form's address",
     lambda s, i, lang: httpx2.post(f"{s.url}/check?{_q(lang)}", content=b"{}",
                                    headers={"content-type": "application/json"}), 415,
     "send the certificate as multipart/form-data (field 'file') or as an application/pdf "
     "body",
     "성적서를 multipart/form-data('file' 항목)나 application/pdf 본문으로 보내 주십시오"),
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_each_refusal_in_the_pages_language(served: Served, issued: Issued, lang: str,
                                            case: tuple[str, Ask, int, str, str]) -> None:
    _, ask, status, english, korean = case
    answer = ask(served, issued, lang)
    assert answer.status_code == status, answer.text[:500]
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert _said(answer.text) == _expected(lang, korean, english)


@pytest.mark.parametrize("payload, status, english", [
    (b"GIF89a not a certificate", 415,
     "the uploaded file is not a PDF (it begins with b'GIF89a not a cer', not %PDF-); "
     "upload the certificate's PDF file"),
    (b"", 400, "the uploaded file is empty; choose the certificate PDF"),
])
def test_the_api_keeps_the_english(served: Served, payload: bytes, status: int,
                                   english: str) -> None:
    answer = httpx2.post(f"{served.url}/api/verify?lang=ko",
                         files={"file": ("c.pdf", payload, "application/pdf")})
    assert (answer.status_code, answer.json()) == (status, {"error": english})
    number = httpx2.get(f"{served.url}/api/reports/LAB%20X;?lang=ko")
    assert number.json() == {"error": "report number 'LAB X;': only letters, digits and "
                                      "'. _ / -' are allowed, a letter or digit first"}


@pytest.fixture(scope="module")
def registry(issued: Issued) -> Iterator[Registry]:
    with Registry.open(issued.registry) as opened:
        yield opened


def test_an_upload_over_the_limit_from_the_korean_pages_form(registry: Registry) -> None:
    # the page's form posts to an address that carries its language: the size is
    # refused before the form (and its lang field) is read
    with serving(create_app(registry, verifier=Verifier(workers=1),
                            max_upload_bytes=1024 * 1024)) as small:
        page = httpx2.get(f"{small.url}/?lang=ko").text
        action = html.unescape(re.search(r'<form id="check-form"[^>]* action="([^"]+)"',
                                         page).group(1))  # type: ignore[union-attr]
        assert action == "/check?lang=ko"
        big = b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024)
        answers = {lang: httpx2.post(f"{small.url}/check?{_q(lang)}", data={"lang": lang},
                                     files={"file": ("c.pdf", big, "application/pdf")})
                   for lang in LANGS}
    english = ("the upload is larger than 1 MB; a certificate PDF is far smaller: upload "
               "the certificate itself")
    korean = ("올린 파일이 1 MB보다 큽니다. 성적서 PDF는 이보다 훨씬 작습니다: 성적서 파일을 "
              "올려 주십시오")
    for lang, answer in answers.items():
        assert answer.status_code == 413
        assert _said(answer.text) == _expected(lang, korean, english)


def test_too_many_requests(registry: Registry) -> None:
    # one request a minute, a burst of one: the second waits ceil(60 - a few ms) = 60 s
    english = "too many requests from 127.0.0.1; try again in 60 s"
    korean = "127.0.0.1에서 온 요청이 너무 많습니다. 60초 후에 다시 시도해 주십시오"
    for lang in LANGS:
        with serving(create_app(registry, verifier=Verifier(workers=1),
                                requests_per_minute=1, burst=1)) as limited:
            assert httpx2.get(f"{limited.url}/?{_q(lang)}").status_code == 200
            refused = httpx2.get(f"{limited.url}/?{_q(lang)}")
        assert (refused.status_code, refused.headers["retry-after"]) == (429, "60")
        assert _said(refused.text) == _expected(lang, korean, english)


def test_a_registry_that_cannot_be_read(issued: Issued, tmp_path: Path) -> None:
    copy = tmp_path / "registry.sqlite"
    shutil.copy(issued.registry, copy)
    english = "the registry of issued reports cannot be read just now; try again later"
    korean = "발행된 성적서의 등록부를 지금 읽을 수 없습니다. 잠시 후 다시 시도해 주십시오"
    with Registry.open(copy) as broken, serving(create_app(broken)) as down:
        copy.write_bytes(b"this is no longer a database " * 100)
        answers = {lang: httpx2.get(f"{down.url}/reports/{issued.standing}?{_q(lang)}")
                   for lang in LANGS}
    for lang, answer in answers.items():
        assert answer.status_code == 503
        assert _said(answer.text) == _expected(lang, korean, english)
        assert answer.headers["x-request-id"] in answer.text


def test_a_verification_that_takes_too_long(registry: Registry, issued: Issued) -> None:
    # 10 ms: a worker process cannot even start in that time
    english = "the verification took too long; try again later"
    korean = "확인에 시간이 너무 오래 걸렸습니다. 잠시 후 다시 시도해 주십시오"
    with serving(create_app(registry, verifier=Verifier(workers=1, timeout_s=0.01))) as slow:
        answers = {lang: _form(slow, lang, issued.pdfs["altered"]) for lang in LANGS}
    for lang, answer in answers.items():
        assert answer.status_code == 503 and answer.headers["retry-after"] == "30"
        assert _said(answer.text) == _expected(lang, korean, english)


class _FailingRegistry(Registry):
    """A registry whose look-up hits a bug (what an unforeseen failure looks like)."""

    def get(self, number: str) -> None:  # type: ignore[override]
        raise ZeroDivisionError("a bug deep inside")


def test_an_unforeseen_failure(issued: Issued) -> None:
    english = "internal error; quote the request id to the laboratory"
    korean = "내부 오류입니다. 시험기관에 요청 번호를 알려 주십시오"
    with _FailingRegistry.open(issued.registry) as failing, serving(
            create_app(failing)) as buggy:
        answers = {lang: httpx2.get(f"{buggy.url}/reports/{issued.standing}?{_q(lang)}")
                   for lang in LANGS}
    for lang, answer in answers.items():
        assert answer.status_code == 500
        assert _said(answer.text) == _expected(lang, korean, english)


#: Refusals a visitor cannot bring about through uvicorn (it answers a Content-Length
#: that is no number itself) or only with a PDF made to crash a parser, or a
#: certificate of a medeval before attachments: the catalogue's wording by hand.
UNSEEN = [
    ("the request's Content-Length is not a number",
     "요청의 Content-Length가 숫자가 아닙니다"),
    ("the uploaded file could not be verified: the verifier failed on it (a damaged or "
     "hostile PDF)",
     "올린 파일을 확인할 수 없습니다: 검증 작업이 이 파일에서 실패했습니다 (손상되었거나 "
     "악의적으로 만든 PDF)"),
    ("the uploaded file: a truncated or damaged PDF (it does not end with %%EOF), and what "
     "can be read of it is not a medeval certificate",
     "올린 파일: 잘렸거나 손상된 PDF(%%EOF로 끝나지 않음)이며, 읽을 수 있는 부분은 "
     "medeval 성적서가 아닙니다"),
    ("the uploaded file: rendered by a medeval that did not attach the result to the "
     "certificate, so it cannot be verified alone; verify it against its result: medeval "
     "verify RESULT.json CERT.pdf [--info INFO.toml]",
     "올린 파일: 결과를 첨부하지 않던 medeval로 만든 성적서라 성적서만으로는 확인할 수 "
     "없습니다. 결과 파일과 함께 확인하십시오: medeval verify RESULT.json CERT.pdf "
     "[--info INFO.toml]"),
    ("the uploaded file: cannot be verified: RecursionError: maximum recursion depth "
     "exceeded",
     "올린 파일: 확인할 수 없습니다: RecursionError: maximum recursion depth exceeded"),
    ("the form cannot be read: Part exceeded maximum size of 16KB.",
     "양식을 읽을 수 없습니다: 항목 하나가 16KB를 넘습니다"),
]


@pytest.mark.parametrize("english, korean", UNSEEN)
def test_refusals_not_met_through_the_server(english: str, korean: str) -> None:
    assert refusal_ko(english) == korean


def test_a_refusal_no_pattern_knows_is_marked_not_dropped() -> None:
    text = "the form cannot be read: a reason a later Starlette gives"
    assert refusal_ko(text) is None
    assert said_lines(text, refusal_ko, "ko", untranslated="(영문 원문)") == (
        "(영문 원문) the form cannot be read: a reason a later Starlette gives",)
    assert said_lines(text, refusal_ko, "ko+en", untranslated="(영문 원문)") == (text,)
    assert said_lines(text, refusal_ko, "en", untranslated="(영문 원문)") == (text,)
    assert len(REFUSALS) == len({r.pattern for r in REFUSALS})


def test_a_verdict_pages_language_links(served: Served, issued: Issued) -> None:
    # a verdict (or refusal) of an upload is the answer to POST /check?lang=...; its
    # links to the other languages are relative (?lang=en), so they lead to GET /check,
    # which answered 405 "method not allowed" in English: now the form in that language
    answer = _form(served, "ko", issued.pdfs["blank"])
    assert answer.status_code == 422
    links = dict((html.unescape(text), html.unescape(href)) for href, text in re.findall(
        r'<a href="(\?lang=[^"]+)">([^<]+)</a>', answer.text))
    assert set(links) == {"한국어", "English", "한국어 + English"}
    for name, lang, title in (("English", "en", "Report authenticity check"),
                              ("한국어", "ko", "성적서 진위확인")):
        followed = httpx2.get(urljoin(str(answer.url), links[name]), follow_redirects=True)
        assert followed.status_code == 200
        assert str(followed.url) == f"{served.url}/?lang={lang}"
        assert f"<h1>{title}</h1>" in followed.text


@pytest.mark.parametrize("lang", LANGS)
def test_medeval_s_html_report_uploaded_is_named_so(served: Served, issued: Issued,
                                                      lang: str, tmp_path: Path) -> None:
    # The laboratory may hand out the HTML report beside the certificate. Before, the
    # page answered its upload "not a PDF (it begins with b'<!DOCTYPE html>\n', not
    # %PDF-)", a Python bytes literal; `medeval verify` names it as the HTML report.
    from medeval.report import render_html

    page = render_html(issued.result, tmp_path / "report.html").read_bytes()
    answer = _form(served, lang, page)
    assert answer.status_code == 415, answer.text[:500]
    english = (f"the uploaded file is medeval's HTML report of result "
               f"sha256:{issued.fingerprint}, not the certificate PDF: the HTML report "
               "carries no result and cannot be verified; upload the certificate's PDF file")
    korean = (f"올린 파일은 결과 sha256:{issued.fingerprint}의 medeval HTML 보고서이며 성적서 "
              "PDF가 아닙니다. HTML 보고서에는 결과가 들어 있지 않아 확인할 수 없습니다. "
              "성적서 PDF 파일을 올려 주십시오")
    assert _said(answer.text) == _expected(lang, korean, english)
    api = httpx2.post(f"{served.url}/api/verify",
                      files={"file": ("r.html", page, "application/pdf")})
    assert (api.status_code, api.json()) == (415, {"error": english})
