"""The Korean wordings of :data:`~medeval.report.notes_ko_catalogue.NOTES` revised after
a release (private: :mod:`medeval.report.notes_ko` takes them first for the results made
after it).

A certificate is rendered again from its result and must print what it printed then, so
a wording is never changed in the catalogue once issued: its revision is added here, as
the note with its new template, under the release after which it applies
(:data:`REVISED`: after 0.9.0; :data:`REVISED_LATER`: after each later release named).
"""

from __future__ import annotations

import re
from dataclasses import replace

from .notes_ko_catalogue import NOTES, NOTES_AFTER_0_11_0, Note, Words, _ccc_reason, _resample_why

__all__ = ["REVISED", "REVISED_LATER"]


def _revised(old: str, new: str, **words: Words) -> Note:
    """The one note of :data:`NOTES` whose Korean holds ``old``, with ``new`` in its place
    (and ``words`` for its groups)."""
    found = [note for note in NOTES if old in note.korean]
    if len(found) != 1:
        raise AssertionError(f"notes_ko: {len(found)} notes hold {old!r}")
    return replace(found[0], korean=found[0].korean.replace(old, new),
                   words={**found[0].words, **words})


def _records(text: str) -> str:
    return re.sub(r", \.\.\. \((\d+) recordings\)$", r", ... (기록 \1개)", text)


#: The notes whose Korean was revised after medeval 0.9.0 (the korean-pass): a particle
#: after a value that takes the other form where the value ends in a consonant, a term
#: the certificate words otherwise everywhere else, spacing. Results made by 0.9.0 or
#: before print :data:`NOTES`' wording, as issued.
REVISED: tuple[Note, ...] = (
    _revised("{reason}. NaN", "{reason}. NaN",
             reason=lambda t: _ccc_reason(t, revised=True)),
    # 'ratios는': f1 (에프원), precision (프리시전) take 은; 값 takes 은 always
    _revised("이 부류의 {ratios}는 정의되지 않고 {averages}는 NaN입니다 (시험 계획서의 라벨",
             "이 부류의 {ratios} 값은 정의되지 않고 {averages} 값은 NaN입니다 (시험 계획서의 "
             "레이블"),
    # '{made}(...)로', '{expected}가': the particle depended on how a name is read; the
    # item is '시험 대상' everywhere on the certificate
    _revised("{run}의 실행은 {kind} {made}(SHA-256 {sha})로 만들어졌으며, 시험 계획서가 "
             "지정한 {what} {expected}가 아닙니다: 이 출력은 시험 계획서가 지정한 시험 품목이",
             "시험 계획서가 지정한 {what}은 {expected}이지만, {run}의 실행은 {kind} "
             "{made}(SHA-256 {sha})에서 만들어졌습니다: 이 출력은 시험 계획서가 지정한 시험 "
             "대상이"),
    # an EEG recording is a 기록 (as everywhere else), not a 녹화 (a video recording)
    _revised("녹화 {m}개에서 녹화가 끝난 뒤(최대 {most}초 뒤)에 끝나, 녹화 끝에서",
             "기록 {m}개에서 기록이 끝난 뒤(최대 {most}초 뒤)에 끝나, 기록 끝에서",
             shown=_records),
    # resampling is 재표본추출 (field.resampling, the bootstrap's own notes)
    _revised("환자 {k}명: 이들을 재표집하는", "환자 {k}명: 이들을 재표본추출하는"),
    _revised("증례 {k}건: 이들을 재표집하는", "증례 {k}건: 이들을 재표본추출하는"),
    _revised("(환자 재표집)", "(환자 단위 재표본추출)"),
    # spacing as the reader study's note writes them: 검정 통계량, p 값
    _revised("검정통계량과 p는", "검정 통계량과 p는"),
    _revised("p값과 신뢰한계는", "p 값과 신뢰한계는"),
    # '{t}이(가)': in brackets after 임계값 the particle follows 값
    _revised("임계값 {t}이(가)", "임계값({t})이"),
    # '...col1]로': col1 is read 원 (으로); '순서로' whatever the list
    _revised("[row0, col0, row1, col1]로 읽으면", "[row0, col0, row1, col1] 순서로 읽으면"),
)


def _revised_again(old: str, new: str, **words: Words) -> Note:
    """:func:`_revised`, of the note as last revised (:data:`REVISED` before
    :data:`NOTES`)."""
    found = [note for note in REVISED if old in note.korean] or [
        note for note in NOTES if old in note.korean]
    if len(found) != 1:
        raise AssertionError(f"notes_ko: {len(found)} notes hold {old!r}")
    return replace(found[0], korean=found[0].korean.replace(old, new),
                   words={**found[0].words, **words})


def _resample_why_revised(text: str) -> str | None:
    """:func:`_resample_why`, saying of the resamples left out what each lacked ('각
    재표본에서' read as 'in every resample', which was not so)."""
    why = _resample_why(text)
    if not why:
        return why
    # '기준 객체(crowd 제외) (면적 96² px 이상)': two brackets on one noun, one
    return why.replace(": 각 재표본에서 ", ": 제외한 재표본마다 ", 1).replace(
        "(crowd 제외) (면적 ", "(crowd 제외, 면적 ")


#: The notes whose Korean was revised after a later release (the korean2-pass after
#: 0.10.0), newest release last; a result made after the release takes them first.
REVISED_LATER: dict[str, tuple[Note, ...]] = {"0.10.0": (
    # '제외했습니다: 각 재표본에서 양성 증례가 없음': only the resamples left out lacked it
    _revised_again("제외했습니다{why}", "제외했습니다{why}", why=_resample_why_revised),
    # 'say little beyond them': '그 밖에 대해서는 말해 주는 바가 적습니다' was a calque
    _revised_again("요청한 {b}개보다 적습니다. 따라서 부트스트랩 신뢰구간({names})은 환자 {k}명에 "
                   "기대며, 그 밖에 대해서는 말해 주는 바가 적습니다",
                   "요청한 {b}개에 못 미칩니다. 따라서 부트스트랩 신뢰구간({names})은 이 환자 "
                   "{k}명에만 근거하며, 다른 환자에게까지 일반화하기 어렵습니다"),
    _revised_again("요청한 {b}개보다 적습니다. 따라서 부트스트랩 신뢰구간({names})은 증례 {k}건에 "
                   "기대며, 그 밖에 대해서는 말해 주는 바가 적습니다",
                   "요청한 {b}개에 못 미칩니다. 따라서 부트스트랩 신뢰구간({names})은 이 증례 "
                   "{k}건에만 근거하며, 다른 증례에까지 일반화하기 어렵습니다"),
    # '증례 {n}개는 환자 {k}명의 것으로 환자마다 여러 개이지만': who has several of what
    _revised_again("증례 {n}개는 환자 {k}명의 것으로 환자마다 여러 개이지만 시험 계획서의 단위는 "
                   "증례입니다 (statistics.resampling_unit): 모든 신뢰구간이 이들을 독립으로 "
                   "다루므로, 한 환자의 증례들이 서로 비슷하면 구간이 지나치게 좁습니다.",
                   "증례 {n}개가 환자 {k}명에게서 나와 한 환자에 증례가 여럿이지만 시험 계획서의 "
                   "재표본추출 단위는 증례입니다(statistics.resampling_unit). 모든 신뢰구간이 "
                   "증례를 서로 독립으로 다루므로, 한 환자의 증례들이 서로 비슷하면 구간이 "
                   "실제보다 좁습니다."),
    # '환자 {k}명의 것으로 환자마다 여러 개입니다', '환자 단위의 형태가 아직 없습니다' (a calque
    # of 'no form over patients'): the intervals cannot yet be computed over patients
    _revised_again("다루지만, 이들은 환자 {k}명의 것으로 환자마다 여러 개입니다: 한 환자의 "
                   "증례들이 서로 비슷하면 구간이 지나치게 좁습니다 (이 신뢰구간들에는 환자 "
                   "단위의 형태가 아직 없습니다)",
                   "다루지만, 이 증례들은 환자 {k}명에게서 나와 한 환자에 증례가 여럿입니다. 한 "
                   "환자의 증례들이 서로 비슷하면 구간이 실제보다 좁습니다(이 신뢰구간들은 아직 "
                   "환자 단위로 계산할 수 없습니다)"),
    _revised_again("다루지만, 이들은 환자 {k}명의 것으로 환자마다 여러 건입니다: 한 환자의 "
                   "증례들이 서로 비슷하면 신뢰구간이 너무 좁습니다 (우도비의 신뢰구간에는 환자 "
                   "단위의 형태가 아직 없습니다)",
                   "다루지만, 이 증례들은 환자 {k}명에게서 나와 한 환자에 증례가 여럿입니다. 한 "
                   "환자의 증례들이 서로 비슷하면 신뢰구간이 실제보다 좁습니다(우도비의 신뢰구간은 "
                   "아직 환자 단위로 계산할 수 없습니다)"),
)}

#: A class's or label's name in a task's note, as Python's repr writes it: in single
#: quotes, or in double quotes where the name holds an apostrophe ("Barrett's esophagus").
_QUOTED_LABEL = "(?P<label>'.*')"


def _double_quoted_labels() -> tuple[Note, ...]:
    """The notes naming a class or label (``class 'c': ...``, ``label 'L': ...``), as last
    revised, reading the name in either quotes: a name holding an apostrophe, written in
    double quotes, matched none, and a Korean certificate printed the note in English.
    After 0.11.0, so that a result made before renders as issued."""
    revised = [note for note in REVISED if _QUOTED_LABEL in note.pattern]
    kept = {note.pattern for note in revised}  # a revision keeps its note's pattern
    first = [note for note in NOTES if _QUOTED_LABEL in note.pattern
             and note.pattern not in kept]
    return tuple(replace(note, pattern=note.pattern.replace(
        _QUOTED_LABEL, "(?P<label>'.*'|\".*\")")) for note in revised + first)


#: The reference standard is '참조' after 0.11.0, as the certificate's tables always said
#: it ('참조 양성', '참조값') and its sentences now do: '기준' is also the acceptance criterion
#: ('합격 기준') on the same page. Each phrase, not the bare word, so that '합격 기준' stays;
#: '기준' ends in a consonant, '참조' in a vowel, and no particle follows the word itself.
_REFERENCE_TERMS = (("기준 사건", "참조 사건"), ("기준 병변", "참조 병변"),
                    ("기준 객체", "참조 객체"), ("기준 주석", "참조 주석"),
                    ("기준 파일", "참조 파일"), ("기준 박동", "참조 박동"), ("기준 점", "참조 점"),
                    ("검출/기준", "검출/참조"), ("기준의 좌표", "참조의 좌표"),
                    ("기준의 픽셀", "참조의 픽셀"), ("기준에서 iscrowd", "참조에서 iscrowd"))
#: The words of the notes the certificate says otherwise, and its word (after 0.11.0): a
#: class is '분류' ('참조 분류', '{param} 분류의 민감도'; both end in a vowel: the particles
#: stay); the effective sample size is '유효 표본 크기', as the interval methods name it
#: ('유효 표본 크기 기반 Wilson 점수'); the reference standard (:data:`_REFERENCE_TERMS`).
_TERMS = (("부류", "분류"), ("유효 표본 수", "유효 표본 크기"), *_REFERENCE_TERMS)
#: English a note's group may hold whose Korean words name the reference standard (the
#: reasons of the EEG event figures and of the bootstrap's resamples left out, the class
#: a bootstrap is stratified by): a note whose words give '기준' for one is reworded too.
_REFERENCE_PROBES = ("reference", "no reference event (TP + FN = 0)",
                     ": on each, there is no reference lesion",
                     ": on each, there is no reference object (not crowd)")


def _names_reference(word: Words) -> bool:
    """Whether ``word`` (a note's group's translation) gives '기준' for the reference."""
    return any("기준" in (word(probe) or "") for probe in _REFERENCE_PROBES)


def _reference_termed(word: Words) -> Words:
    """``word``, its Korean saying '참조' for the reference standard (a group that is the
    word alone, as in '{by} 분류로 층화', and the phrases of :data:`_REFERENCE_TERMS`)."""

    def termed(text: str) -> str | None:
        korean = word(text)
        if korean is None or korean == "기준":
            return None if korean is None else "참조"
        for old, new in _REFERENCE_TERMS:
            korean = korean.replace(old, new)
        return korean

    return termed


def _in_its_words(note: Note) -> Note:
    """``note`` in the certificate's words (:data:`_TERMS`), its template and the groups
    its words translate into the reference standard's name."""
    korean = note.korean
    for old, new in _TERMS:
        korean = korean.replace(old, new)
    words = {name: _reference_termed(word) if _names_reference(word) else word
             for name, word in note.words.items()}
    return replace(note, korean=korean, words=words)


def _says_a_term(note: Note) -> bool:
    return any(old in note.korean for old, _ in _TERMS) or any(
        _names_reference(word) for word in note.words.values())


def _reworded_notes() -> tuple[Note, ...]:
    """The notes saying a word of :data:`_TERMS`, as last revised before 0.11.0, in the
    certificate's words; those naming a class by its label in either quotes
    (:func:`_double_quoted_labels`) among them."""
    seen: set[str] = set()
    latest = []
    for note in (*REVISED_LATER["0.10.0"], *REVISED, *NOTES):
        if note.pattern not in seen:
            seen.add(note.pattern)
            latest.append(note)
    return tuple(_in_its_words(note) for note in _double_quoted_labels()) + tuple(
        _in_its_words(note) for note in latest
        if _says_a_term(note) and _QUOTED_LABEL not in note.pattern)


#: After 0.11.0: the notes in the certificate's words (:data:`_TERMS`, the Korean-certificate
#: pass), and
#: the sentences 0.11.0 wrote that no note knew (a 0.11.0 result's certificate printed
#: them in English, marked as the original).
REVISED_LATER["0.11.0"] = _reworded_notes() + NOTES_AFTER_0_11_0
