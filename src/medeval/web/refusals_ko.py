"""The verification page's refusals in Korean: a catalogue of every message the page can
show instead of a verdict, each with its Korean wording.

The refusals are written in English (the API answers ``{"error": ...}`` with them, and
the server's log quotes them); the page, shown in Korean, prints each in Korean when a
pattern of :data:`REFUSALS` matches all of it (numbers, sizes, the report number or
fingerprint as typed, a parser's own reason carried unchanged), else the English, marked
as the original (:func:`medeval.web.differences_ko.said_lines`), as it does the
differences of an altered upload.

Where they come from: :mod:`medeval.web.app` (no such page, a registry that fails, an
unforeseen failure), :mod:`medeval.web.limits` (the upload's size, the request rate),
:mod:`medeval.web.checking` and :mod:`medeval.web.pages` (the form, the upload, the
number typed: :func:`medeval.registry.check_report_number`), and the
:class:`~medeval.report.ReportError` of :func:`medeval.report.verify_certificate` on an
upload that cannot be verified (``the uploaded file: ...``).

Examples
--------
>>> refusal_ko("the verification took too long; try again later")
'확인에 시간이 너무 오래 걸렸습니다. 잠시 후 다시 시도해 주십시오'
"""

from __future__ import annotations

import re

from ..report.notes_ko import Note
from .differences_ko import first_korean

__all__ = ["NO_INPUT", "REFUSALS", "refusal_ko"]

#: The page's form sent with neither a number nor a file.
NO_INPUT = "Enter a report number or upload a PDF."

_SHOWN = r"(?P<shown>'.*'|\".*\")(?:\.\.\. \((?P<length>\d+) characters\))?"


def _length(text: str) -> str:
    """A number or fingerprint typed too long is shown cut: ``'...'... (70 characters)``."""
    return f"... ({text}자)" if text else ""


#: The form parser's own reasons (Starlette's ``MultiPartException``).
_FORM = (
    (r"Too many files\. Maximum number of files is (\d+)\.", "파일이 너무 많습니다 (최대 {}개)"),
    (r"Too many fields\. Maximum number of fields is (\d+)\.", "항목이 너무 많습니다 (최대 {}개)"),
    (r"(?:Part|Field) exceeded maximum size of (\d+)KB\.", "항목 하나가 {}KB를 넘습니다"),
    (r"Missing boundary in multipart\.", "multipart 경계(boundary)가 없습니다"),
    (r"Invalid multipart data\.", "multipart 데이터가 올바르지 않습니다"),
    (r"The Content-Disposition header field \"name\" must be provided\.",
     "Content-Disposition 머리글에 \"name\"이 없습니다"),
)


def _form_reason(text: str) -> str | None:
    for pattern, korean in _FORM:
        match = re.fullmatch(pattern, text)
        if match is not None:
            return korean.format(*match.groups())
    return None


#: Who :func:`medeval.report.verify_certificate` names: bytes given alone are "the
#: uploaded file".
_WHO = r"(?P<who>the uploaded file|the certificate)"
_W = {"who": {"the uploaded file": "올린 파일", "the certificate": "성적서"}.get}
_CUT = {"a truncated PDF (it does not end with %%EOF)": "잘린 PDF(%%EOF로 끝나지 않음)",
        "a damaged PDF": "손상된 PDF"}
_LEN = {"length": _length}

#: Every message the page shows instead of a verdict.
REFUSALS: tuple[Note, ...] = (
    # -- medeval.web.pages, .app ---------------------------------------------------------
    Note(re.escape(NO_INPUT), "성적서 번호를 입력하거나 PDF를 올려 주십시오."),
    Note(r"no such page", "없는 페이지입니다"),
    Note(r"method not allowed", "이 주소는 이 방식의 요청을 받지 않습니다"),
    Note(r"the registry of issued reports cannot be read just now; try again later",
         "발행된 성적서의 등록부를 지금 읽을 수 없습니다. 잠시 후 다시 시도해 주십시오"),
    Note(r"internal error; quote the request id to the laboratory",
         "내부 오류입니다. 시험기관에 요청 번호를 알려 주십시오"),
    # -- medeval.web.limits --------------------------------------------------------------
    Note(r"the request's Content-Length is not a number",
         "요청의 Content-Length가 숫자가 아닙니다"),
    Note(r"the upload is larger than (?P<mb>\d+) MB; a certificate PDF is far smaller: "
         r"upload the certificate itself",
         "올린 파일이 {mb} MB보다 큽니다. 성적서 PDF는 이보다 훨씬 작습니다: 성적서 파일을 "
         "올려 주십시오"),
    Note(r"too many requests from (?P<client>\S+); try again in (?P<s>\d+) s",
         "{client}에서 온 요청이 너무 많습니다. {s}초 후에 다시 시도해 주십시오"),
    # -- medeval.web.checking: the form and the upload -----------------------------------
    Note(r"send the certificate as multipart/form-data \(field 'file'\) or as an "
         r"application/pdf body",
         "성적서를 multipart/form-data('file' 항목)나 application/pdf 본문으로 보내 주십시오"),
    Note(r"the form cannot be read: (?P<reason>.+)", "양식을 읽을 수 없습니다: {reason}",
         {"reason": _form_reason}),
    Note(r"the uploaded file is empty; choose the certificate PDF",
         "올린 파일이 비어 있습니다. 성적서 PDF를 골라 주십시오"),
    Note(r"the uploaded file is medeval's HTML report of result sha256:(?P<fp>[0-9a-f]{64}), "
         r"not the certificate PDF: the HTML report carries no result and cannot be "
         r"verified; upload the certificate's PDF file",
         "올린 파일은 결과 sha256:{fp}의 medeval HTML 보고서이며 성적서 PDF가 아닙니다. HTML "
         "보고서에는 결과가 들어 있지 않아 확인할 수 없습니다. 성적서 PDF 파일을 올려 주십시오"),
    Note(r"the uploaded file is not a PDF \(it begins with (?P<start>b'.*'|b\".*\"), not "
         r"%PDF-\); upload the certificate's PDF file",
         "올린 파일은 PDF가 아닙니다 ({start}(으)로 시작하며 %PDF-로 시작하지 않음). 성적서 "
         "PDF 파일을 올려 주십시오"),
    Note(r"the uploaded file could not be verified: the verifier failed on it \(a damaged "
         r"or hostile PDF\)",
         "올린 파일을 확인할 수 없습니다: 검증 작업이 이 파일에서 실패했습니다 (손상되었거나 "
         "악의적으로 만든 PDF)"),
    Note(r"the verification took too long; try again later",
         "확인에 시간이 너무 오래 걸렸습니다. 잠시 후 다시 시도해 주십시오"),
    # -- medeval.registry.check_report_number, medeval.web.verdicts.check_fingerprint ---
    Note(r"report number: empty", "성적서 번호가 비어 있습니다"),
    Note(r"report number " + _SHOWN + r": longer than (?P<n>\d+) characters",
         "성적서 번호 {shown}{length}: {n}자보다 깁니다", _LEN),
    Note(r"report number " + _SHOWN + r": only letters, digits and '\. _ / -' are allowed, "
         r"a letter or digit first",
         "성적서 번호 {shown}{length}: 영문자, 숫자와 '. _ / -'만 쓸 수 있으며 첫 글자는 "
         "영문자나 숫자여야 합니다", _LEN),
    Note(r"fingerprint " + _SHOWN + r": not 64 hexadecimal digits \(sha256:\.\.\.\)",
         "지문 {shown}{length}: 16진수 64자리(sha256:...)가 아닙니다", _LEN),
    # -- medeval.report.verify_certificate on the uploaded bytes -------------------------
    Note(_WHO + r": the file is empty, not a PDF",
         "{who}: 빈 파일이며 PDF가 아닙니다", _W),
    Note(_WHO + r": not a PDF \(it begins with (?P<start>b'.*'|b\".*\"), not "
         r"%PDF-\); give the certificate's PDF file",
         "{who}: PDF가 아닙니다 ({start}(으)로 시작하며 %PDF-로 시작하지 않음). 성적서 PDF "
         "파일을 주십시오", _W),
    Note(_WHO + r": (?P<what>a truncated PDF \(it does not end with %%EOF\)|a "
         r"damaged PDF) that cannot be read \((?P<reason>.*)\)",
         "{who}: 읽을 수 없는 {what}입니다 ({reason})", {**_W, "what": _CUT.get}),
    Note(_WHO + r": it is encrypted with a password, which medeval never sets on a "
         r"certificate \(other software encrypted it\); give the PDF as the laboratory "
         r"issued it",
         "{who}: 암호가 걸려 있어 읽을 수 없습니다. medeval은 성적서에 암호를 걸지 않습니다 "
         "(다른 소프트웨어가 암호화함). 시험기관이 발행한 그대로의 PDF를 주십시오", _W),
    Note(_WHO + r": a truncated or damaged PDF \(it does not end with %%EOF\), and "
         r"what can be read of it is not a medeval certificate",
         "{who}: 잘렸거나 손상된 PDF(%%EOF로 끝나지 않음)이며, 읽을 수 있는 부분은 medeval "
         "성적서가 아닙니다", _W),
    Note(_WHO + r": not a medeval certificate \(it carries no medeval fingerprint "
         r"and no attached result\)",
         "{who}: medeval 성적서가 아닙니다 (medeval 지문도 첨부된 결과도 없습니다)", _W),
    Note(_WHO + r": prints a medeval fingerprint but carries none of the metadata and "
         r"attached files a certificate has(?: \(its producer: (?P<producer>.*)\))?: a "
         r"copy printed or saved again by other software, which cannot be verified alone; "
         r"verify the PDF the laboratory issued, or this copy's printed text against its "
         r"result: medeval verify RESULT\.json CERT\.pdf \[--info INFO\.toml\]",
         "{who}: medeval 지문은 인쇄되어 있으나 성적서의 메타데이터와 첨부 파일이 없습니다"
         "{producer}: 다른 소프트웨어로 인쇄하거나 다시 저장한 사본이라 이것만으로는 확인할 "
         "수 없습니다. 시험기관이 발행한 PDF를 확인하거나, 이 사본의 인쇄 내용을 결과와 "
         "대조하십시오: medeval verify RESULT.json CERT.pdf [--info INFO.toml]",
         {**_W, "producer": lambda q: f" (만든 소프트웨어: {q})" if q else ""}),
    Note(_WHO + r": rendered by a medeval that did not attach the result to the "
         r"certificate, so it cannot be verified alone; verify it against its result: "
         r"medeval verify RESULT\.json CERT\.pdf \[--info INFO\.toml\]",
         "{who}: 결과를 첨부하지 않던 medeval로 만든 성적서라 성적서만으로는 확인할 수 "
         "없습니다. 결과 파일과 함께 확인하십시오: medeval verify RESULT.json CERT.pdf "
         "[--info INFO.toml]", _W),
    Note(_WHO + r": cannot be verified: (?P<kind>\w+): (?P<reason>.*)",
         "{who}: 확인할 수 없습니다: {kind}: {reason}", _W),
)


def refusal_ko(text: str) -> str | None:
    """The Korean of one refusal, else None."""
    return first_korean(REFUSALS, text)
