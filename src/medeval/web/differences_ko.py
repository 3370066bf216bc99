"""The verification page's differences in Korean: a catalogue of the sentences that
:func:`medeval.report.verify_certificate` and :mod:`medeval.web.verdicts` write about an
altered upload, each with its Korean wording.

The verdict keeps its English differences (the API answers with them); the page, shown
in Korean, prints each in Korean when a pattern of :data:`DIFFERENCES` matches all of it
(report numbers, fingerprints, offsets and quoted certificate lines carried unchanged; a
reader's own reason, such as a JSON parser's, carried as the original, marked
``(영문 원문: ...)``), else the English, marked as the original (:func:`difference_lines`).

Examples
--------
>>> difference_ko("report LAB-AI-2026-0009 is not in this laboratory's registry")
'이 시험기관의 등록부에 없는 성적서입니다: LAB-AI-2026-0009'
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..report.notes_ko import Note
from ..report.rendered_again import SAME_TEXT
from .untrusted_ko import untrusted_ko

__all__ = ["DIFFERENCES", "difference_ko", "difference_lines", "first_korean", "said_lines"]

#: Who the sentence is about: the upload (the page), or a certificate named otherwise.
_WHO = r"(?P<who>the uploaded file|the certificate|certificate .+?)"
_HEX = r"(?P<{}>[0-9a-f]{{64}})"
_QUOTED = r"(?P<{}>'.*'|\".*\")"  # a certificate line as Python's repr quotes it


def _who(text: str) -> str:
    return {"the uploaded file": "올린 파일", "the certificate": "성적서"}.get(
        text, text.replace("certificate ", "성적서 ", 1))


def _label(text: str) -> str | None:
    """What the certificate is compared with."""
    if text.startswith("the result attached to "):
        return _who(text.removeprefix("the result attached to ")) + "에 첨부된 결과"
    if text == "the result":
        return "결과"
    return "결과 " + text.removeprefix("result ") if text.startswith("result ") else None


def _same_text(text: str) -> str:
    """The note that no printed word differs (``SAME_TEXT``), in Korean; none, none."""
    return (". 인쇄된 내용은 다시 만든 성적서와 한 단어도 다르지 않습니다: 다른 것은 글자가 "
            "아닌 파일 자체입니다 (qpdf나 PDF 편집기 같은 다른 소프트웨어로 다시 저장했거나 "
            "첨부 파일, 그림, 도형 또는 글꼴을 바꾼 경우처럼)") if text else ""


def _where(text: str) -> str | None:
    """The PDF object a changed byte is in (``pdf_objects.object_at``), in Korean."""
    if not text:
        return ""
    fixed = {" (in the cross-reference table or trailer)": " (상호 참조 표 또는 트레일러)",
             " (between PDF objects)": " (PDF 객체 사이)"}
    if text in fixed:
        return fixed[text]
    head, _, kind = text.removeprefix(" (in PDF object ").removesuffix(")").partition(", ")
    if not text.startswith(" (in PDF object "):
        return None
    kinds = {"": "", "embedded font program": ", 포함된 글꼴 프로그램",
             "content stream": ", 내용 스트림"}
    words: str | None
    if kind.startswith("embedded file stream"):
        of = kind.removeprefix("embedded file stream").removeprefix(" of ")
        words = f", 첨부 파일 스트림{f' ({of})' if of else ''}"
    elif kind.startswith("file specification of "):
        words = f", 첨부 파일 명세 ({kind.removeprefix('file specification of ')})"
    else:
        known = kinds.get(kind)
        words = known if known is not None else f", {kind}" if kind.startswith("/") else None
    return None if words is None else f" (PDF 객체 {head}{words})"


_W = {"who": _who}


def _why(text: str) -> str:
    """Why a signer is not trusted, after a colon in Korean; a reason without Korean
    wording, in English marked as the original."""
    korean = untrusted_ko(text)
    return f": {korean}" if korean is not None else f" (영문 원문: {text})"

#: Every sentence the verification writes about a difference.
DIFFERENCES: tuple[Note, ...] = (
    # -- medeval.web.verdicts ------------------------------------------------------------
    Note(r"the certificate carries report number (?P<carried>\S+), not the (?P<typed>\S+) "
         r"typed",
         "성적서에 적힌 번호({carried})가 입력한 번호({typed})와 다릅니다"),
    Note(r"report (?P<number>\S+) is not in this laboratory's registry",
         "이 시험기관의 등록부에 없는 성적서입니다: {number}"),
    Note(r"a report without a number is not in this laboratory's registry",
         "번호가 없는 성적서는 이 시험기관의 등록부에 없습니다"),
    Note(r"report (?P<number>\S+) was issued for result sha256:" + _HEX.format("issued")
         + r"; this certificate carries result sha256:" + _HEX.format("carried"),
         "성적서 {number}의 발행 대상 결과는 sha256:{issued}이나, 이 성적서에 담긴 결과는 "
         "sha256:{carried}입니다"),
    Note(r"the certificate is the PDF report (?P<number>\S+) was issued as, with (?P<n>\d+) "
         r"bytes appended after it \(an incremental update: a signature, or a change to its "
         r"pages or attachments\) that the registry does not record",
         "성적서({number})로 발행된 PDF 뒤에 등록부에 기록되지 않은 {n}바이트가 덧붙었습니다 "
         "(증분 갱신: 서명, 또는 페이지나 첨부 파일의 변경)"),
    Note(r"the certificate carries the result report (?P<number>\S+) was issued for, but it "
         r"is not the PDF issued \(SHA-256 " + _HEX.format("upload") + r"; the registry "
         r"records " + _HEX.format("issued") + r"\): it was rendered again with other report "
         r"info \(date of issue, signatories, deviations, opinions, accreditation\), another "
         r"run context \(dates of testing, environment\), language or medeval version",
         "성적서에 담긴 결과는 성적서 {number}의 발행 대상 결과이나, 발행된 PDF가 아닙니다 "
         "(SHA-256 {upload}, 등록부 기록 {issued}): 다른 성적서 정보(발행일, 서명자, 이탈 "
         "사항, 의견, 인정)나 다른 실행 정보(시험 일자, 환경), 언어 또는 medeval 버전으로 "
         "다시 만든 성적서입니다"),
    Note(r"the fingerprint given \(sha256:" + _HEX.format("given") + r"\) is not the one "
         r"report (?P<number>\S+) was issued with \(sha256:" + _HEX.format("issued")
         + r"\): the QR code or the link was changed, or belongs to another document",
         "주어진 지문(sha256:{given})은 성적서 {number}의 발행 지문(sha256:{issued})이 "
         "아닙니다: QR 코드나 링크가 바뀌었거나 다른 문서의 것입니다"),
    # -- medeval.report.verify: fingerprints, printed lines, bytes -----------------------
    Note(_WHO + r": its attached result\.json has fingerprint sha256:" + _HEX.format("a")
         + r", but the certificate prints sha256:" + _HEX.format("b") + r": the attachment "
         r"was replaced \(it is another result\)",
         "{who}: 첨부된 result.json의 지문은 sha256:{a}, 성적서에 인쇄된 지문은 "
         "sha256:{b}입니다: 첨부 파일이 바뀌었습니다 (다른 결과입니다)", _W),
    Note(_WHO + r": it is encrypted \(with no password to open it\), which medeval never "
         r"does: other software saved it again",
         "{who}: 암호화되어 있습니다 (여는 암호는 없음). medeval은 성적서를 암호화하지 "
         "않습니다: 다른 소프트웨어가 다시 저장했습니다", _W),
    Note(_WHO + r": no result fingerprint found in its text or metadata; it is not a medeval "
         r"certificate or was altered",
         "{who}: 본문과 메타데이터에 결과 지문이 없습니다. medeval 성적서가 아니거나 "
         "변조되었습니다", _W),
    Note(_WHO + r" was issued for result sha256:" + _HEX.format("printed") + r", but "
         r"(?P<label>.+) has sha256:" + _HEX.format("now") + r": the result or the "
         r"certificate was changed",
         "{who}: 결과 sha256:{printed}에 대해 발행된 성적서이나 {label}의 지문은 "
         "sha256:{now}입니다: 결과나 성적서가 바뀌었습니다", {**_W, "label": _label}),
    Note(r"parts of the result that differ from those " + _WHO + r" was issued for: "
         r"(?P<parts>.+)",
         "결과 중 {who}의 발행 당시와 달라진 부분: {parts}", _W),
    # the words before, not the line: a PDF laid out by other software
    # (rendered_again._word_changes)
    Note(_WHO + r" prints " + _QUOTED.format("before") + r" \(after the words "
         + _QUOTED.format("words") + r"\) where the result gives " + _QUOTED.format("after"),
         "{who}의 인쇄 내용: {before} ({words} 다음), 결과로 만든 내용: {after}", _W),
    Note(_WHO + r" prints " + _QUOTED.format("before") + r"(?: \(after "
         + _QUOTED.format("line") + r"\))? where the result gives " + _QUOTED.format("after"),
         "{who}의 인쇄 내용: {before}{line}, 결과로 만든 내용: {after}",
         {**_W, "line": lambda q: f" ({q} 다음 줄)" if q else ""}),
    Note(_WHO + r" has (?P<pages>\d+) page\(s\); the certificate rendered from the result "
         r"has (?P<fresh>\d+)",
         "{who}: {pages}쪽입니다. 결과로 다시 만든 성적서는 {fresh}쪽입니다 (쪽이 빠졌거나 "
         "더해졌습니다)", _W),
    Note(r"\(further differences not listed\)", "(이 밖의 차이는 싣지 않았습니다)"),
    Note(_WHO + r": the file ends at byte (?P<end>\d+), (?P<missing>\d+) bytes before the "
         r"end of the certificate rendered from the result: it was truncated",
         "{who}: 파일이 {end}번째 바이트에서 끝나, 결과로 다시 만든 성적서보다 {missing}바이트 "
         "짧습니다: 잘린 파일입니다", _W),
    Note(_WHO + r": it is the certificate rendered from the result with (?P<n>\d+) bytes "
         r"appended after its end \(byte (?P<end>\d+)\): an incremental update, by a PDF "
         r"program that saved it again or by a change to its pages, attachments or "
         r"metadata; the certificate as rendered is the file's first revision",
         "{who}: 결과로 만든 성적서 뒤({end}번째 바이트부터)에 {n}바이트가 덧붙었습니다: "
         "PDF 프로그램이 다시 저장했거나 페이지, 첨부 파일 또는 메타데이터를 바꾼 증분 "
         "갱신입니다. 결과로 만든 성적서는 이 파일의 첫 판입니다", _W),
    Note(_WHO + r": it names medeval (?P<named>\S+) as its maker, but its result was made "
         r"by medeval (?P<made>\S+), and no medeval renders a result of a later version: its "
         r"/Creator was written over the renderer's",
         "{who}: 만든 프로그램을 medeval {named}(으)로 적고 있으나 그 결과는 medeval {made}에서 "
         "만들었습니다. 어떤 medeval도 더 나중 버전의 결과를 성적서로 만들지 않으므로 "
         "/Creator가 바뀌어 쓰였습니다", _W),
    Note(_WHO + r": rendered by medeval (?P<made>\S+); this is medeval (?P<this>\S+), which "
         r"lays a certificate out otherwise, so its bytes cannot be compared: verify it with "
         r"the version that made it \(medeval (?P<other>\S+), installed from its source: "
         r"'medeval' on PyPI is another project\)\. Its printed text was compared with the "
         r"result instead",
         "{who}: medeval {made}에서 만든 성적서이고 이것은 medeval {this}입니다. 성적서를 달리 "
         "배치하므로 바이트를 비교할 수 없습니다: 만든 버전(medeval {other}, 그 소스에서 "
         "설치; PyPI의 'medeval'은 다른 프로젝트입니다)으로 확인하십시오. 대신 인쇄된 내용을 "
         "결과와 비교했습니다", _W),
    Note(_WHO + r": its bytes differ from the certificate rendered from the result at byte "
         r"(?P<offset>\d+)(?P<where>.*?) \(sizes (?P<a>\d+) and (?P<b>\d+)\): the PDF was "
         r"altered, or rendered by another version of medeval/reportlab/pypdf/matplotlib"
         r"(?P<same>" + re.escape(SAME_TEXT) + ")?",
         "{who}: 결과로 다시 만든 성적서와 {offset}번째 바이트{where}부터 다릅니다 (크기 "
         "{a}바이트, {b}바이트): PDF가 변조되었거나 "
         "medeval/reportlab/pypdf/matplotlib의 다른 버전으로 만들어졌습니다{same}",
         {**_W, "where": _where, "same": _same_text}),
    # -- signatures ----------------------------------------------------------------------
    Note(_WHO + r": looks signed but no signature could be read",
         "{who}: 서명된 것으로 보이나 서명을 읽을 수 없습니다", _W),
    Note(_WHO + r": signature (?P<field>.+) is broken: the signed bytes were changed after "
         r"signing",
         "{who}: 서명({field})이 깨졌습니다: 서명된 바이트가 서명 후 바뀌었습니다", _W),
    Note(_WHO + r": signature (?P<field>.+) does not verify",
         "{who}: 서명({field})이 검증되지 않습니다", _W),
    Note(_WHO + r": bytes were added after signature (?P<field>.+) \(at offset (?P<at>\d+)\): "
         r"the signature does not cover the whole file",
         "{who}: 서명({field}) 뒤에 바이트가 추가되었습니다 ({at}번째 바이트부터): 서명이 파일 "
         "전체를 덮지 않습니다", _W),
    Note(_WHO + r": signature (?P<later>.+) \(signer (?P<signer>.+)\) was added after "
         r"signature (?P<field>.+)",
         "{who}: 서명({field}) 뒤에 서명({later}, 서명자 {signer})이 추가되었습니다", _W),
    Note(_WHO + r": page (?P<page>\d+) was changed after signing \(its content or "
         r"resources\): the signature does not cover what it now shows",
         "{who}: {page}쪽이 서명 후 바뀌었습니다 (내용이나 리소스): 서명은 지금 보이는 "
         "내용을 보증하지 않습니다", _W),
    Note(_WHO + r": an annotation \((?P<kind>[^)]*)\) was added to page (?P<page>\d+) "
         r"after signing, drawn over the page",
         "{who}: 서명 후 {page}쪽에 주석({kind})이 추가되어 쪽 위에 그려집니다", _W),
    Note(_WHO + r": the update after signing leaves (?P<pages>\d+) page\(s\); the "
         r"revision signed has (?P<signed>\d+)",
         "{who}: 서명 후의 증분 갱신으로 {pages}쪽이 되었습니다. 서명된 판은 {signed}쪽입니다",
         _W),
    Note(_WHO + r": signer (?P<signer>.+?) is not trusted: (?P<why>.+)",
         "{who}: 서명자({signer})는 신뢰할 수 없습니다{why}", {**_W, "why": _why}),
    Note(_WHO + r": signer (?P<signer>.+?) is not trusted",
         "{who}: 서명자({signer})는 신뢰할 수 없습니다", _W),
    Note(_WHO + r": its document information \((?P<keys>[^)]*)\) was changed after "
         r"signing: the signature does not cover what it now says \(the signed revision is "
         r"the one checked\)",
         "{who}: 문서 정보({keys})가 서명 후 바뀌었습니다: 서명은 지금 적힌 내용을 보증하지 "
         "않습니다 (서명된 판을 확인했습니다)", _W),
    Note(_WHO + r": its document information \((?P<keys>[^)]*)\) was changed by the "
         r"update appended: the certificate as rendered does not say what it now says",
         "{who}: 문서 정보({keys})가 덧붙은 증분 갱신으로 바뀌었습니다: 결과로 만든 성적서에는 "
         "지금 적힌 내용이 없습니다", _W),
    Note(_WHO + r": the revision signed has (?P<pages>\d+) page\(s\); the certificate "
         r"rendered from the result has (?P<fresh>\d+)",
         "{who}: 서명된 판은 {pages}쪽입니다. 결과로 만든 성적서는 {fresh}쪽입니다", _W),
    Note(_WHO + r": page (?P<page>\d+) of the revision signed is not the page rendered from "
         r"the result \(its content or resources were changed before signing\)",
         "{who}: 서명된 판의 {page}쪽은 결과로 만든 쪽과 다릅니다 (서명 전에 내용이나 "
         "리소스가 바뀌었습니다)", _W),
    Note(_WHO + r": page (?P<page>\d+) of the revision signed carries an annotation "
         r"\((?P<kind>[^)]*)\) the certificate rendered from the result does not \(added "
         r"before signing\)",
         "{who}: 서명된 판의 {page}쪽에 결과로 만든 성적서에 없는 주석({kind})이 있습니다 "
         "(서명 전에 추가되었습니다)", _W),
    Note(_WHO + r": the update appended adds to page (?P<page>\d+) an annotation "
         r"\((?P<kind>[^)]*)\), drawn over the page and not in its printed text",
         "{who}: 덧붙은 증분 갱신이 {page}쪽에 주석({kind})을 더했습니다. 쪽 위에 그려지며 "
         "인쇄된 내용에는 없습니다", _W),
    Note(_WHO + r": its document information \((?P<keys>[^)]*)\) was changed before "
         r"signing: the signature covers what the certificate rendered from the result does "
         r"not say",
         "{who}: 문서 정보({keys})가 서명 전에 바뀌었습니다: 서명은 결과로 만든 성적서에 "
         "없는 내용을 보증합니다", _W),
    # -- attachments ---------------------------------------------------------------------
    Note(_WHO + r": the attachment (?P<key>\S+) was (?P<what>removed|added|replaced) after "
         r"signing",
         "{who}: 첨부 파일({key})이 서명 후 {what}", {**_W, "what": {
             "removed": "제거되었습니다", "added": "추가되었습니다",
             "replaced": "바뀌었습니다"}.get}),
    Note(_WHO + r": the attached file (?P<key>\S+) cannot be read: (?P<reason>.+)",
         "{who}: 첨부 파일({key})을 읽을 수 없습니다 (영문 원문: {reason})", _W),
    Note(_WHO + r": the attached file (?P<key>\S+) has no embedded content \(/EF\)",
         "{who}: 첨부 파일({key})에 포함된 내용(/EF)이 없습니다", _W),
    Note(_WHO + r": the attached file (?P<key>\S+) is missing \(removed\)",
         "{who}: 첨부 파일({key})이 없습니다 (제거됨)", _W),
    Note(_WHO + r": carries an attachment (?P<key>.+) that medeval did not attach",
         "{who}: medeval이 첨부하지 않은 첨부 파일이 있습니다: {key}", _W),
    Note(_WHO + r": the attached file (?P<key>\S+): its recorded size is (?P<size>\d+) bytes, "
         r"its content (?P<actual>\d+) bytes",
         "{who}: 첨부 파일({key}): 기록된 크기는 {size}바이트, 내용은 {actual}바이트입니다", _W),
    Note(_WHO + r": the attached file (?P<key>\S+): its content does not match its recorded "
         r"MD5 checksum",
         "{who}: 첨부 파일({key}): 내용이 기록된 MD5 체크섬과 맞지 않습니다", _W),
    Note(_WHO + r": the attached file (?P<key>\S+) is not listed as an associated file "
         r"\(/AF\) of the document",
         "{who}: 첨부 파일({key})이 문서의 연관 파일(/AF) 목록에 없습니다", _W),
    Note(_WHO + r": the attached file (?P<key>\S+) has /AFRelationship (?P<got>\S+), not "
         r"(?P<want>\S+)",
         "{who}: 첨부 파일({key})의 /AFRelationship: {got} ({want}이어야 함)", _W),
    Note(_WHO + r": the attached file (?P<key>\S+) has MIME type (?P<got>\S+), not "
         r"(?P<want>\S+)",
         "{who}: 첨부 파일({key})의 MIME 형식: {got} ({want}이어야 함)", _W),
    Note(_WHO + r": its attached report-info\.json \(sha256:" + _HEX.format("a") + r"\) is "
         r"not the report info it was rendered with \(sha256:" + _HEX.format("b") + r"\): "
         r"the attachment was replaced",
         "{who}: 첨부된 성적서 정보(report-info.json, sha256:{a})는 성적서를 만들 때의 "
         "성적서 정보(sha256:{b})가 아닙니다: 첨부 파일이 바뀌었습니다", _W),
    Note(_WHO + r": its attached result\.json is not a readable medeval result: "
         r"(?P<reason>.+)",
         "{who}: 첨부된 result.json은 읽을 수 있는 medeval 결과가 아닙니다 (영문 원문: "
         "{reason})", _W),
    Note(_WHO + r": its attached report-info\.json is not readable report info: "
         r"(?P<reason>.+)",
         "{who}: 첨부된 성적서 정보(report-info.json)를 읽을 수 없습니다 (영문 원문: "
         "{reason})", _W),
    Note(_WHO + r" was rendered with report info sha256:" + _HEX.format("info") + r" and "
         r"carries none attached \(an older medeval\): pass the report info it was rendered "
         r"with, --info INFO\.toml, to compare its bytes",
         "{who}: 성적서 정보(sha256:{info})로 만들었으나 첨부된 성적서 정보가 없습니다 (이전 "
         "medeval): 바이트를 비교하려면 만들 때의 성적서 정보를 --info INFO.toml로 "
         "주십시오", _W),
    Note(_WHO + r": its attached result\.cases\.csv differs from the per-case rows of "
         r"(?P<label>.+) \(first at line (?P<line>\d+)\)",
         "{who}: 첨부된 증례별 표(result.cases.csv)가 {label}의 증례별 행과 다릅니다 "
         "({line}번째 줄부터)",
         {**_W, "label": _label}),
    Note(_WHO + r": its attached result\.cases\.csv differs from the per-case rows of "
         r"(?P<label>.+) \(the same lines, other line endings\)",
         "{who}: 첨부된 증례별 표(result.cases.csv)가 {label}의 증례별 행과 다릅니다 "
         "(줄의 내용은 같고 줄바꿈 문자가 다릅니다)",
         {**_W, "label": _label}),
    # -- medeval.report.pdfread ----------------------------------------------------------
    Note(_WHO + r": page (?P<page>\d+) carries no result fingerprint",
         "{who}: {page}쪽에 결과 지문이 없습니다", _W),
    Note(_WHO + r": (?P<n>\d+) page\(s\) do not print the fingerprint sha256:"
         + _HEX.format("meta") + r" of the metadata",
         "{who}: 메타데이터의 지문(sha256:{meta})이 인쇄되지 않은 페이지가 {n}개 있습니다",
         _W),
)


def difference_ko(text: str) -> str | None:
    """The Korean of one difference, else None."""
    return first_korean(DIFFERENCES, text)


def first_korean(notes: tuple[Note, ...], text: str) -> str | None:
    """The Korean of ``text`` by the first of ``notes`` whose pattern matches all of it,
    else None."""
    for note in notes:
        korean = note.render(text)
        if korean is not None:
            return korean
    return None


def difference_lines(text: str, lang: str, *, untranslated: str) -> tuple[str, ...]:
    """What the page prints for one difference in ``lang`` (``ko``, ``en`` or ``ko+en``):
    the Korean, the English, or both (Korean first). A difference with no Korean wording
    is printed in English, after ``untranslated`` (the page's mark for the original)."""
    return said_lines(text, difference_ko, lang, untranslated=untranslated)


def said_lines(text: str, korean_of: Callable[[str], str | None], lang: str, *,
               untranslated: str) -> tuple[str, ...]:
    """``text`` (English) as the page prints it in ``lang``: ``korean_of(text)``, the
    English, or both (Korean first); English that ``korean_of`` has no wording for is
    printed, on a Korean-only page, after ``untranslated``, never left out."""
    if lang == "en":
        return (text,)
    korean = korean_of(text)
    if korean is None:
        return (f"{untranslated} {text}",) if lang == "ko" else (text,)
    return (korean,) if lang == "ko" else (korean, text)
