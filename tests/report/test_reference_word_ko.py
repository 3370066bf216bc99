"""One Korean word for the reference standard (ground truth): 참조. The certificate said
참조 in its tables (참조 양성, 참조 분류, 참조값) and 기준 in its sentences (기준 사건, 기준
병변, 기준 박동, 기준 객체, 기준 분류), where 기준 is also the acceptance criterion (합격
기준) on the same page (found in the hcert3 pass). A result made after 0.11.0 takes the
overlay strings.ko.after-0.11.0.toml; one made by 0.11.0 prints as issued. The eeg-events
example's certificate is read from the PDF by pypdf."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

from pypdf import PdfReader

import medeval
from medeval.report import render_certificate
from medeval.report.catalogue import REVISIONS, catalogue

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "eeg-events"
#: The reference standard's nouns after 기준 (the criterion's 합격 기준 is not one).
_AS_CRITERION = re.compile(r"기준 (사건|박동|병변|객체|분류)")


def _latest(key: str, releases: tuple[str, ...]) -> str:
    """A Korean phrase as the overlays of ``releases`` last revised it."""
    ko = catalogue("ko")
    phrase = ko[key]
    for release in releases:
        phrase = ko.get(f"{key}@after-{release}", phrase)
    return phrase


def test_no_phrase_of_a_later_result_calls_the_reference_standard_gijun() -> None:
    keys = [k for k in catalogue("ko") if "@after-" not in k]
    left = [k for k in keys if _AS_CRITERION.search(_latest(k, REVISIONS))]
    assert left == []
    assert _latest("text.events_reference", REVISIONS) == "참조 사건"
    assert "행은 참조 분류, 열은 알고리즘 분류; O: 참조 박동 없음" in _latest(
        "text.ec57_matrix", REVISIONS)
    assert "(참조 병변은 모두 놓침, 위양성 없음)" in _latest(
        "text.failures_worst_detection_ranked", REVISIONS)
    # before: as issued
    assert _latest("text.events_reference", REVISIONS[:-1]) == "기준 사건"


def test_the_eeg_certificate_says_chamjo(tmp_path: Path) -> None:
    folder = shutil.copytree(EXAMPLE, tmp_path / "eeg", ignore=shutil.ignore_patterns("result"))
    result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")

    def text(made: medeval.Result, name: str) -> str:
        pdf = render_certificate(made, tmp_path / name, lang="ko")
        whole = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
        return whole[:whole.rindex("시험 방법의 이탈")]  # the warnings keep their own words

    now = text(result, "now.pdf")
    assert "참조 사건" in now and not _AS_CRITERION.search(now)
    issued = replace(result, parameters=replace(result.parameters, medeval="0.11.0"))
    assert "기준 사건" in text(issued, "old.pdf")


#: Warnings medeval writes (lesion detection, the bootstrap, pooled EEG events, the
#: stratified bootstrap), with their Korean for a result made after 0.11.0 and as a result
#: made by 0.11.0 printed them, by hand.
_WARNINGS = {
    "all cases: lesion_sensitivity: no reference lesion in any of the 3 case(s), so the "
    "lesion sensitivity is undefined (NaN)": (
        "증례 3개 어디에도 참조 병변이 없어", "증례 3개 어디에도 기준 병변이 없어"),
    "all cases: bootstrap_ci: 5 of 2000 resamples gave an undefined value and were left "
    "out: on each, there is no reference lesion": (
        "제외한 재표본마다 참조 병변이 없음", "제외한 재표본마다 기준 병변이 없음"),
    "all cases: sensitivity: no reference event (TP + FN = 0) in any of the 2 "
    "recording(s), so the pooled sensitivity is undefined (NaN)": (
        "기록 2개 어디에도 참조 사건이 없어 (TP + FN = 0)",
        "기록 2개 어디에도 기준 사건이 없어 (TP + FN = 0)"),
    "all cases: specificity: stratify by the reference class (strata=y_true) to avoid "
    "this": ("이를 피하려면 참조 분류로 층화하십시오", "이를 피하려면 기준 부류로 층화하십시오"),
}


def test_the_notes_of_a_later_result_call_the_reference_standard_chamjo() -> None:
    from medeval.report.notes_ko import warning_ko
    from medeval.report.notes_ko_revised import REVISED_LATER

    releases = tuple(REVISED_LATER)
    assert releases[-1] == "0.11.0"
    for english, (now, issued) in _WARNINGS.items():
        korean = warning_ko(english, revised=True, later=releases)
        assert korean is not None and now in korean and "기준" not in korean, korean
        before = warning_ko(english, revised=True, later=releases[:-1])
        assert before is not None and issued in before, before


def test_no_note_of_a_later_result_says_gijun_but_for_the_criterion() -> None:
    """Each note as a result made after 0.11.0 takes it (the first of its pattern in the
    order notes_ko looks: the newest revision first), its template and its translated
    groups: '기준' is left only in '합격 기준' (the acceptance criterion)."""
    from medeval.report.notes_ko_catalogue import NOTES
    from medeval.report.notes_ko_revised import REVISED, REVISED_LATER

    taken: dict[str, object] = {}
    for note in (*(n for r in reversed(tuple(REVISED_LATER)) for n in REVISED_LATER[r]),
                 *REVISED, *NOTES):
        taken.setdefault(note.pattern, note)
    probes = ("reference", "no reference event (TP + FN = 0)",
              ": on each, there is no reference lesion",
              ": on each, there is no reference object (not crowd)")
    left = []
    for note in taken.values():
        said = [note.korean.replace("합격 기준", ""),  # type: ignore[attr-defined]
                *(word(p) or "" for word in note.words.values()  # type: ignore[attr-defined]
                  for p in probes)]
        if any("기준" in text for text in said):
            left.append(note.pattern)  # type: ignore[attr-defined]
    assert left == []
