"""What a figure is where its formula is undefined (a definition's ``edge_cases``), as the
certificate's table of written definitions prints it, in Korean and English.

The English is the definition's own (:mod:`medeval.definitions`); the Korean is written
here, keyed by that English, so that a definition and its translation cannot drift
apart unnoticed (``tests/report/test_edge_cases.py`` fails for a text without Korean).
A text without Korean is printed in English in both languages. A figure with no value is
"undefined" / "정의되지 않음" on the certificate, never "NaN": so are these texts.

Examples
--------
>>> from medeval.report.catalogue import texts
>>> texts(edge_case_cell("NaN when N = 0"), "ko+en")
('N = 0이면 정의되지 않음', 'undefined when N = 0')
"""

from __future__ import annotations

import re

from .blocks import Cell
from .catalogue import Msg

__all__ = ["EDGE_CASES_KO", "EDGE_CASES_UNTIL", "edge_case_cell"]

#: The last release whose certificates leave a definition's edge cases (what the figure
#: is with no positive case, two empty masks ...) out of the definitions table.
EDGE_CASES_UNTIL = "0.11.0"

#: UndefinedMetricWarning, a Python warning's name, said as "with a warning"; no space
#: before an opening parenthesis in the Korean (한글 맞춤법, the 0.10.0 overlay's rule)
_W = "(경고)"
_NAN = "NaN with UndefinedMetricWarning "

#: The Korean of each definition's ``edge_cases``, keyed by its English.
EDGE_CASES_KO: dict[str, str] = {
    "NaN when N = 0": "N = 0이면 정의되지 않음",
    _NAN + "when the denominator is 0": "분모가 0이면 정의되지 않음" + _W,
    _NAN + "when there is no case": "증례가 없으면 정의되지 않음" + _W,
    "NaN when there is no positive or no negative case":
        "양성 증례나 음성 증례가 없으면 정의되지 않음",
    "NaN when TP = 0 or FP = 0 (ratio 0 or infinite); no continuity correction":
        "TP = 0 또는 FP = 0이면 정의되지 않음(비가 0 또는 무한대); 연속성 보정 없음",
    "NaN when FN = 0 or TN = 0 (ratio 0 or infinite); no continuity correction":
        "FN = 0 또는 TN = 0이면 정의되지 않음(비가 0 또는 무한대); 연속성 보정 없음",
    "NaN when only one class is present": "한 분류만 있으면 정의되지 않음",
    "not reported when every case or no case holds a lesion":
        "모든 증례에 병변이 있거나 어느 증례에도 병변이 없으면 보고하지 않음",
    "NaN when the class has no reference case or every case is of it":
        "그 분류의 참조 증례가 없거나 모든 증례가 그 분류이면 정의되지 않음",
    "NaN when any class has no reference case (never averaged over the others)":
        "참조 증례가 없는 분류가 하나라도 있으면 정의되지 않음(나머지 분류로 평균하지 않음)",
    "NaN when some label is carried by no case or by every case (never averaged over the "
    "other labels); bootstrap resamples where it is NaN are left out and counted":
        "어떤 레이블을 가진 증례가 없거나 모든 증례가 그 레이블을 가지면 정의되지 않음(나머지 "
        "레이블로 평균하지 않음); 값이 정의되지 않는 부트스트랩 재표본은 제외하고 그 수를 셈",
    "NaN when only one side of the split has reference cases":
        "나눈 두 쪽 중 한쪽에만 참조 증례가 있으면 정의되지 않음",
    "NaN when there is no positive case": "양성 증례가 없으면 정의되지 않음",
    "empty bins contribute 0": "빈 구간은 0으로 기여",
    _NAN + "when p_e = 1 or there is no case": "p_e = 1이거나 증례가 없으면 정의되지 않음" + _W,
    _NAN + "when sum(w E) = 0 or there is no case":
        "sum(w E) = 0이거나 증례가 없으면 정의되지 않음" + _W,
    _NAN + "if any class is undefined (never dropped)":
        "정의되지 않는 분류가 하나라도 있으면 정의되지 않음(경고; 그 분류를 빼지 "
        "않음)",
    _NAN + "if a class with support is undefined":
        "증례가 있는 분류 중 하나라도 정의되지 않으면 정의되지 않음" + _W,
    _NAN + "if any class's ratio is undefined (its denominator 0: sensitivity, no "
    "reference case; PPV, never predicted; F1, neither): never averaged over the others":
        "어느 분류의 비라도 정의되지 않으면(분모 0: 민감도는 참조 증례가 없을 때, PPV는 "
        "그 분류로 출력된 증례가 없을 때, F1은 둘 다 없을 때) 정의되지 않음(경고): "
        "나머지 분류로 평균하지 않음",
    _NAN + "if the ratio of a class with reference cases is undefined":
        "참조 증례가 있는 분류의 비가 정의되지 않으면 정의되지 않음" + _W,
    "both masks empty 1; exactly one empty 0 (flagged)":
        "두 마스크가 모두 비면 1, 하나만 비면 0(표시함)",
    _NAN + "when the reference is empty": "참조가 비면 정의되지 않음" + _W,
    _NAN + "when the prediction is empty": "출력이 비면 정의되지 않음" + _W,
    "0 for an empty mask": "빈 마스크는 0",
    "both empty 0; reference empty inf; prediction empty -1":
        "둘 다 비면 0, 참조만 비면 ∞, 출력만 비면 -1",
    "both masks empty 0; exactly one empty inf (flagged)":
        "두 마스크가 모두 비면 0, 하나만 비면 ∞(표시함)",
    _NAN + "when there is no reference lesion": "참조 병변이 없으면 정의되지 않음" + _W,
    "all predicted lesions when there is no reference lesion":
        "참조 병변이 없으면 출력한 병변 전부",
    _NAN + "when the denominator is 0 (bxb prints -)":
        "분모가 0이면 정의되지 않음(경고; bxb는 -로 인쇄)",
    _NAN + "with no reference event": "참조 사건이 없으면 정의되지 않음" + _W,
    _NAN + "when TP + FP = 0": "TP + FP = 0이면 정의되지 않음" + _W,
    _NAN + "when there is no reference and no FP": "참조도 FP도 없으면 정의되지 않음" + _W,
    "always defined for a recording (duration > 0); pooled by the eeg-events task over the "
    "recordings scored (a failed recording's time is not counted), NaN when every "
    "recording failed":
        "기록마다 항상 정의됨(길이 > 0); eeg-events 과제는 채점된 기록을 합산(실패한 "
        "기록의 시간은 세지 않음), 모든 기록이 실패하면 정의되지 않음",
    _NAN + "with no reference sample": "참조 표본이 없으면 정의되지 않음" + _W,
    "always defined (duration > 0)": "항상 정의됨(길이 > 0)",
    "NaN when there is no case": "증례가 없으면 정의되지 않음",
    "fewer than 2 cases raise; SD 0 gives a zero-width CI":
        "증례가 2개 미만이면 오류; SD가 0이면 폭이 0인 신뢰구간",
    "as the bias": "편향과 같음",
    "fewer than 2 cases raise": "증례가 2개 미만이면 오류",
    _NAN + "when both series are constant and equal":
        "두 계열이 모두 상수이고 같으면 정의되지 않음" + _W,
    _NAN + "when 0/0; no error variance gives 1":
        "0/0이면 정의되지 않음(경고); 오차 분산이 없으면 1",
    "NaN (no AUC) in a subgroup with one class only, or with one case of a class under "
    "the jackknife or unbiased covariance (DeLong's: no RRRC or FRRC interval); one "
    "reader: no RRRC or RRFC interval (FRRC's in the note)":
        "한 분류만 있는 하위군, 또는 잭나이프나 비편향 공분산에서 한 분류의 증례가 1개인 "
        "하위군: 정의되지 않음(AUC 없음; DeLong 공분산: RRRC, FRRC 신뢰구간 없음); 판독자 1명: "
        "RRRC, RRFC 신뢰구간 없음(FRRC 신뢰구간은 주석에)",
    _NAN + "when no case holds a lesion; 0 when no case was scored (every case failed: "
    "nothing detected)":
        "병변이 있는 증례가 없으면 정의되지 않음(경고); 채점된 증례가 없으면 0"
        "(모든 증례 실패: 검출 없음)",
    _NAN + "when no case holds a lesion": "병변이 있는 증례가 없으면 정의되지 않음" + _W,
    _NAN + "when no category has a (non-crowd) object in the area range (pycocotools "
    "prints -1)":
        "면적 범위 안에 crowd가 아닌 객체가 있는 범주가 없으면 정의되지 않음"
        "(경고; pycocotools는 -1로 인쇄)",
}


def edge_case_cell(english: str) -> Cell:
    """A definition's edge cases as a cell, in the certificate's words: Korean and
    English, or the English alone (a text without Korean; none given: "—")."""
    if not english:
        return "—"
    printed = _in_words(english)
    korean = EDGE_CASES_KO.get(english)
    if korean is None:
        return printed
    return Msg("text.as_written", (("ko", korean), ("en", printed)))


def _in_words(english: str) -> str:
    """A definition's English as the certificate words it: a figure with no value is
    'undefined' there, never 'NaN' (:func:`~medeval.report.cells.estimate_cell`), and the
    warning the result then holds is listed under the deviations.

    >>> _in_words("NaN with UndefinedMetricWarning when TP + FP = 0")
    'undefined, with a warning, when TP + FP = 0'

    An infinite figure is '∞' there (:func:`~medeval.report.cells.number_text`), so it is here too:

    >>> _in_words("both masks empty 0; exactly one empty inf (flagged)")
    'both masks empty 0; exactly one empty ∞ (flagged)'

    A figure the code refuses ("raise", a programmer's word) is an error, no figure:

    >>> _in_words("fewer than 2 cases raise; SD 0 gives a zero-width CI")
    'an error (no figure) with fewer than 2 cases; SD 0 gives a zero-width CI'
    """
    english = re.sub(r"fewer than (\d+) cases raise", r"an error (no figure) with fewer "
                     r"than \1 cases", english)
    return re.sub(r"\binf\b", "∞", english.replace(
        "NaN with UndefinedMetricWarning", "undefined, with a warning,").replace(
        "NaN", "undefined"))
