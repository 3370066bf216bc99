"""Why a signer is not trusted, in Korean: the reasons
:func:`medeval.report.sign.validate_pdf` gives (``untrusted_because``), each matched in
full, its dates, sizes and names carried unchanged.

Examples
--------
>>> untrusted_ko("its key (1024 bits) is too weak: 2048 bits or more are needed")
'키(1024비트)가 너무 약합니다: 2048비트 이상이어야 합니다'
>>> untrusted_ko("some reason medeval does not write") is None
True
"""

from __future__ import annotations

import re

__all__ = ["untrusted_ko"]

_WHEN = r"(?P<when>\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC"
_NO_STAMP = " (no time stamp in the PDF shows the signature was made before)"
_NEEDS = "which a signature on a document needs"

#: Each reason (matched in full) and its Korean (fields named as the pattern's groups).
_REASONS: tuple[tuple[str, str], ...] = (
    (r"its certificate expired on " + _WHEN + r"(?P<stamp>" + re.escape(_NO_STAMP) + r")?",
     "인증서가 {when} UTC에 만료되었습니다{stamp}"),
    (r"its certificate is valid only from " + _WHEN,
     "인증서는 {when} UTC부터 유효합니다 (아직 유효하지 않음)"),
    (r"its certificate has no key usage extension, so no nonRepudiation "
     r"\(contentCommitment\), " + _NEEDS,
     "인증서에 키 용도(key usage) 확장이 없어, 문서 서명에 필요한 부인 방지 용도"
     "(nonRepudiation, contentCommitment)가 없습니다"),
    (r"its certificate's key usage lacks nonRepudiation \(contentCommitment\), " + _NEEDS,
     "인증서의 키 용도(key usage)에 문서 서명에 필요한 부인 방지 용도"
     "(nonRepudiation, contentCommitment)가 없습니다"),
    (r"its key \((?P<bits>\d+) bits\) is too weak: 2048 bits or more are needed",
     "키({bits}비트)가 너무 약합니다: 2048비트 이상이어야 합니다"),
    (r"its certificate is self-signed and is none of the trust roots given",
     "인증서가 자체 서명 인증서이며, 주어진 신뢰 루트 중 어느 것도 아닙니다"),
    (r"no chain leads from it to a trust root given: its issuer (?P<issuer>.+) is no trust "
     r"root given, and no certificate the PDF carries leads to one \(sign with --chain for "
     r"an intermediate CA, or give the laboratory's root CA with --trust\)",
     "주어진 신뢰 루트로 이어지는 인증서 체인이 없습니다: 이 인증서를 발급한 CA({issuer})는 "
     "주어진 신뢰 루트가 아니며, PDF에 담긴 어떤 인증서도 신뢰 루트로 이어지지 않습니다 "
     "(중간 CA는 --chain으로 함께 넣어 서명하거나, 시험기관의 루트 CA를 --trust로 "
     "주십시오)"),
    (r"its certificate chain was not accepted \((?P<indication>[A-Z_]+)\)",
     "인증서 체인이 받아들여지지 않았습니다 ({indication})"),
)

#: The Korean of the note on a missing time stamp after an expiry.
_NO_STAMP_KO = " (서명이 만료 전에 이루어졌음을 보여 주는 타임스탬프가 PDF에 없습니다)"


def untrusted_ko(why: str) -> str | None:
    """The Korean of one reason a signer is not trusted, else None (the page then prints
    the English, marked as the original)."""
    for pattern, korean in _REASONS:
        match = re.fullmatch(pattern, why)
        if match is not None:
            values = {k: v or "" for k, v in match.groupdict().items()}
            if values.get("stamp"):
                values["stamp"] = _NO_STAMP_KO
            return korean.format(**values)
    return None
