"""The FROC definitions as a ``coco-detection`` certificate states them: per frame.

``froc_sensitivity`` and ``froc_cpm`` are written for lesion detection, whose cases are
studies or images: "FP per case". A ``coco-detection`` case is one frame (an image of the
set's COCO file), and its certificate names the axis false positives per frame everywhere
else (the figures' names, the FROC curve, the note on failed frames); its definitions
table said "FP per case" beside them (found by a KTL tester on a 2D endoscopy set). The
computation is the same, a case being a frame: the definitions (and the ids a result
records) are unchanged, and a coco-detection certificate of a result made after
:data:`FRAME_WORDED_UNTIL` prints their formulas worded per frame, in Korean and English;
a result made by that release prints them as issued.

Their edge cases (the definitions table's column of what a figure is where undefined,
:mod:`.edge_cases`) said "no case holds a lesion; 0 when no case was scored (every case
failed ...)" beside those formulas (found by a KTL tester on the same set): the same
results print them per frame too (:data:`FRAME_EDGE_CASES`), by the same test,
:func:`per_frame`.

Examples
--------
>>> from medeval.report.catalogue import texts
>>> texts(frame_formula("froc_cpm"), "en")
('mean of the FROC sensitivity at 1/8, 1/4, 1/2, 1, 2, 4, 8 FP per frame (a case is a frame)',)
>>> texts(frame_edge_cases("froc_cpm"), "en")[0].split(";")[0]
'undefined, with a warning, when no frame holds a lesion'
"""

from __future__ import annotations

from ..result import Result
from .blocks import Cell
from .catalogue import Msg
from .made_by import made_after

__all__ = ["FRAME_EDGE_CASES", "FRAME_FORMULAS", "FRAME_WORDED_UNTIL", "frame_edge_cases",
           "frame_formula", "per_frame"]

#: The last release whose coco-detection certificates print the FROC definitions' formulas
#: and edge cases as written, "FP per case", "no case holds a lesion".
FRAME_WORDED_UNTIL = "0.11.0"

#: The formulas of the FROC definitions worded per frame: id -> (Korean, English).
FRAME_FORMULAS: dict[str, tuple[str, str]] = {
    "froc_sensitivity": (
        "짝지어진 병변 / 모든 병변, 프레임당 FP가 그 비율을 넘지 않는 작동점 중 그 값이 가장 "
        "큰 작동점에서(계단식); 프레임당 FP는 병변 없는 프레임을 포함해 채점된 모든 프레임에 "
        "대해(실패한 프레임은 최악의 결과로, 그 병변을 놓친 것으로 남기고 프레임 수에는 더하지 "
        "않음); 모든 임계값에서 일대일 최대 짝짓기",
        "matched lesions / all lesions at the operating point with the most FP per frame "
        "not above the rate (step); FP per frame over all frames scored, lesion-free "
        "included (a failed frame, worst case, keeps its lesions, missed, and adds no "
        "frame); one-to-one maximum matching at every threshold",
    ),
    "froc_cpm": (
        "프레임당 FP 1/8, 1/4, 1/2, 1, 2, 4, 8개에서의 FROC 민감도의 평균(증례는 프레임)",
        "mean of the FROC sensitivity at 1/8, 1/4, 1/2, 1, 2, 4, 8 FP per frame (a case "
        "is a frame)",
    ),
}


#: The edge cases both FROC definitions state, per frame, in the certificate's words
#: (:func:`~medeval.report.edge_cases.edge_case_cell`: 'undefined', never 'NaN').
_FROC_EDGE_CASES = (
    "병변이 있는 프레임이 없으면 정의되지 않음(경고); 채점된 프레임이 없으면 0(모든 프레임 "
    "실패: 검출 없음)",
    "undefined, with a warning, when no frame holds a lesion; 0 when no frame was scored "
    "(every frame failed: nothing detected)",
)
#: The edge cases of the FROC definitions worded per frame: id -> (Korean, English).
FRAME_EDGE_CASES: dict[str, tuple[str, str]] = {
    "froc_sensitivity": _FROC_EDGE_CASES,
    "froc_cpm": _FROC_EDGE_CASES,
}


def per_frame(result: Result) -> bool:
    """Whether ``result``'s certificate words the FROC definitions per frame: a
    ``coco-detection`` result (its cases are frames) made after :data:`FRAME_WORDED_UNTIL`."""
    return result.task == "coco-detection" and made_after(result, FRAME_WORDED_UNTIL)


def frame_formula(definition: str) -> Cell | None:
    """The formula of definition ``definition`` worded per frame, as a cell in Korean and
    English; None for a definition that does not count per case."""
    return _worded(FRAME_FORMULAS, definition)


def frame_edge_cases(definition: str) -> Cell | None:
    """The edge cases of definition ``definition`` worded per frame, as a cell in Korean
    and English; None for a definition whose edge cases do not count cases."""
    return _worded(FRAME_EDGE_CASES, definition)


def _worded(table: dict[str, tuple[str, str]], definition: str) -> Cell | None:
    worded = table.get(definition)
    if worded is None:
        return None
    return Msg("text.as_written", (("ko", worded[0]), ("en", worded[1])))
