"""The catalogue of the notes medeval writes, with their Korean wording (private: see
:mod:`medeval.report.notes_ko`, which renders a result's warnings with it).

:data:`NOTES` holds a regular expression per sentence medeval can write, whose groups
(numbers, names) are carried into the Korean template unchanged; the tables and
functions above and below it translate the groups that hold English words (reasons,
rules, areas). Wordings revised after a release are in
:mod:`medeval.report.notes_ko_revised`, not here: a result made before the revision
prints this catalogue's wording, as it was issued.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

__all__ = ["NOTES", "NOTES_AFTER_0_11_0", "Note", "Words"]

Words = Callable[[str], "str | None"]


def _one_of(table: Mapping[str, str]) -> Words:
    """A group's value translated by ``table`` (None when not in it)."""
    return table.get


def _changed_parts(text: str) -> str | None:
    """'changed: c1 (c1.json); removed: c2 (c2.json)' with its two words in Korean."""
    parts = []
    for part in text.split("; "):
        word, colon, files = part.partition(": ")
        korean = {"changed": "변경", "removed": "삭제"}.get(word)
        if korean is None or not colon:
            return None
        parts.append(f"{korean}: {files.replace(' in all)', '개)')}")
    return "; ".join(parts)


def _joined(table: Mapping[str, str], sep: str, sep_ko: str) -> Words:
    """A group holding phrases of ``table`` joined by ``sep``, joined by ``sep_ko``."""

    def words(text: str) -> str | None:
        parts = [table.get(p) for p in text.split(sep)]
        return None if None in parts else sep_ko.join(p for p in parts if p is not None)

    return words


@dataclass(frozen=True)
class Note:
    """One sentence medeval writes: its regular expression (matched in full) and its
    Korean template (``str.format`` fields named as the expression's groups).

    ``words`` translates a group that holds English words (a reason, a rule) rather than
    a number or a name; a value it does not know leaves the note untranslated.
    """

    pattern: str
    korean: str
    words: Mapping[str, Words] = field(default_factory=dict)

    def render(self, text: str) -> str | None:
        """The Korean of ``text`` if this note's expression matches all of it, else None."""
        match = re.fullmatch(self.pattern, text, flags=re.DOTALL)
        if match is None:
            return None
        values = {k: v or "" for k, v in match.groupdict().items()}
        for name, translate in self.words.items():
            word = translate(values[name])
            if word is None:
                return None
            values[name] = word
        return self.korean.format(**values)


_F = r"(?P<func>[A-Za-z_][\w.]*)"  # the function that wrote the note: a name, kept
_N = r"[-+]?(?:\d[\d.,]*(?:e[-+]?\d+)?|nan|inf)"  # a number as Python prints it

#: Why a ratio is undefined (``medeval.metrics._confusion``, the bootstrap's ratios).
_RATIO_REASONS = {
    "there is no positive case in y_true (tp + fn = 0)":
        "y_true에 양성 증례가 없음 (tp + fn = 0)",
    "there is no negative case in y_true (tn + fp = 0)":
        "y_true에 음성 증례가 없음 (tn + fp = 0)",
    "no case is predicted positive (tp + fp = 0)": "양성으로 예측된 증례가 없음 (tp + fp = 0)",
    "no case is predicted negative (tn + fn = 0)": "음성으로 예측된 증례가 없음 (tn + fn = 0)",
    "there is no case (n = 0)": "증례가 없음 (n = 0)",
    "there is no positive case in y_true or y_pred (2 tp + fp + fn = 0)":
        "y_true와 y_pred 어디에도 양성 증례가 없음 (2 tp + fp + fn = 0)",
    "there is no case": "증례가 없음",
    "the pooled denominator is 0": "합산한 분모가 0",
}
#: Why a pooled event figure is undefined (``medeval.tasks.eeg_events``).
_EVENT_REASONS = {
    "no reference event (TP + FN = 0)": "기준 사건이 없어 (TP + FN = 0)",
    "no detected event (TP + FP = 0)": "검출된 사건이 없어 (TP + FP = 0)",
    "no reference and no detected event (2 TP + FP + FN = 0)":
        "기준 사건도 검출된 사건도 없어 (2 TP + FP + FN = 0)",
    "no recording time scored (0 s)": "채점된 기록 시간이 없어 (0초)",
}
#: How a clustered proportion's design effect was found (``stats.clustered``).
_DESIGN_RULES = {
    "one case per cluster": "군집당 증례 하나",
    "ratio estimator": "비율 추정량",
    "floored at 1": "하한 1 적용",
    "boundary: not estimable, 1": "경계: 추정 불가, 1",
    "boundary: each cluster once": "경계: 군집마다 한 번",
    "one cluster: not estimable": "군집 하나: 추정 불가",
}
#: Why Lin's CCC has no interval (``metrics.agreement.lins_ccc``).
_CCC_REASONS = {
    "a series is constant, so r and u are undefined":  # results made before 0.12
        "한 계열이 상수여서 r과 u가 정의되지 않음",
    "the reference is constant, so the concordance is 0 whatever the measurements, and r "
    "and u are undefined":
        "참조값이 상수여서 측정값이 무엇이든 일치도가 0이며, r과 u가 정의되지 않음",
    "the measurement is constant, and r and u are undefined":
        "측정값이 상수이며, r과 u가 정의되지 않음",
    "both series are constant, at different values, and r and u are undefined":
        "두 계열이 서로 다른 값의 상수이며, r과 u가 정의되지 않음",
    "|concordance| = 1, so its z-transform is infinite": "|일치도| = 1이어서 z 변환이 무한대",
    "n = 2 leaves no degree of freedom (n - 2 = 0)": "n = 2이면 자유도가 없음 (n - 2 = 0)",
}
_COCO_AREAS = {"": "", " of area <= 32² px": " (면적 32² px 이하)",
               " of area 32² to 96² px": " (면적 32²–96² px)",
               " of area >= 96² px": " (면적 96² px 이상)"}


def _ccc_reason(text: str, *, revised: bool = False) -> str | None:
    known = _CCC_REASONS.get(text)
    if known is not None:
        return known
    match = re.fullmatch(r"the variance estimate is (\S+), not positive", text)
    if match is None:
        return None
    # revised: 로 after the number was wrong where it is read with a final consonant
    # (-0.3, 삼: 으로); in brackets after 추정값 the particle follows 값
    return (f"분산 추정값({match.group(1)})이 양수가 아님" if revised
            else f"분산 추정값이 {match.group(1)}로 양수가 아님")


#: Every sentence medeval writes into an estimate's note or a task's warning texts.
NOTES: tuple[Note, ...] = (
    # -- stats.intervals, stats.clustered ------------------------------------------------
    Note(_F + r": n = 0 trials, so the proportion is undefined; the estimate and its "
         r"interval are NaN",
         "{func}: 시행 수 n = 0이므로 비율이 정의되지 않습니다. 추정값과 신뢰구간은 NaN입니다"),
    Note(_F + r": n = 0 cases, so the proportion is undefined; the estimate and its "
         r"interval are NaN",
         "{func}: 증례 수 n = 0이므로 비율이 정의되지 않습니다. 추정값과 신뢰구간은 NaN입니다"),
    Note(r"(?:" + _F + r": )?the Wald interval has zero width at (?P<k>\S+)/(?P<n>\S+) \(a "
         r"standard error of 0\), so it is certain of a value it cannot be; use wilson or "
         r"clopper-pearson",
         "{func}Wald 신뢰구간은 {k}/{n}에서 폭이 0입니다 (표준오차 0). 확신할 수 없는 값을 "
         "확신하는 셈이므로 wilson 또는 clopper-pearson을 쓰십시오",
         {"func": lambda f: f"{f}: " if f else ""}),
    Note(_F + r": design effect (?P<deff>\S+) \((?P<rule>[^()]+)\), effective n (?P<neff>\S+) "
         r"of (?P<n>\d+) cases in (?P<clusters>\d+) clusters",
         "{func}: 설계효과 {deff} ({rule}), 유효 표본 수 {neff} (군집 {clusters}개에 속한 "
         "증례 {n}개 중)", {"rule": _one_of(_DESIGN_RULES)}),
    Note(r"only (?P<k>\d+) clusters: a design effect estimated from fewer than (?P<few>\d+) "
         r"is itself uncertain, and the interval may be too narrow \(simulated coverage of "
         r"a 95% interval as low as 76% with 5 clusters and 84% with 10, "
         r"docs/intervals\.md\): a goal judged on it needs more patients",
         "군집이 {k}개뿐입니다: 군집 {few}개 미만에서 추정한 설계효과는 그 자체가 불확실하여 "
         "신뢰구간이 지나치게 좁을 수 있습니다 (모의실험에서 95% 신뢰구간의 포함률이 군집 "
         "5개일 때 76%, 10개일 때 84%까지 낮아짐, docs/intervals.md). 이 신뢰구간으로 목표를 "
         "판정하려면 더 많은 환자가 필요합니다"),
    Note(r"the (?P<n>\d+) cases are so unequally spread over the (?P<k>\d+) clusters \(the "
         r"largest holds (?P<big>\d+)\) that they weigh as (?P<keff>\S+) clusters of equal "
         r"size \(Kish's effective number, n² over the sum of squared cluster sizes\): a "
         r"design effect estimated from them is itself uncertain, and the interval may be "
         r"too narrow \(simulated coverage of a 95% interval 24% with one of 40 patients "
         r"holding 400 of about 520 cases, docs/intervals\.md\): a goal judged on it needs "
         r"more patients",
         "증례 {n}개가 군집 {k}개에 매우 고르지 않게 나뉘어 있어 (가장 큰 군집의 증례 {big}개) "
         "크기가 같은 군집 {keff}개에 해당합니다 (Kish의 유효 군집 수: n²을 군집 크기 제곱의 "
         "합으로 나눈 값). 이로부터 추정한 설계효과는 그 자체가 불확실하여 신뢰구간이 지나치게 "
         "좁을 수 있습니다 (모의실험에서 환자 40명 중 한 명이 약 520개 중 400개의 증례를 가질 "
         "때 95% 신뢰구간의 포함률 24%, docs/intervals.md). 이 신뢰구간으로 목표를 판정하려면 "
         "더 많은 환자가 필요합니다"),
    Note(r"clustered intervals on patients of very unequal size, each figure with its "
         r"patients → the number of equal patients they weigh as \(Kish's effective number, "
         r"n² over the sum of squared cluster sizes\), and the largest patient's cases / all: "
         r"(?P<figures>.+?): a design effect estimated from them is itself uncertain, and "
         r"these intervals may be too narrow \(simulated coverage of a 95% interval 24% with "
         r"one of 40 patients holding 400 of about 520 cases, docs/intervals\.md\): a goal "
         r"judged on them needs more patients",
         "환자 크기가 매우 고르지 않은 군집 신뢰구간 (각 지표마다 환자 수 → 그 환자들이 "
         "해당하는 크기가 같은 환자 수(Kish의 유효 군집 수: n²을 군집 크기 제곱의 합으로 나눈 "
         "값), 가장 큰 환자의 증례 수/전체 증례 수): {figures}: 이로부터 추정한 설계효과는 그 "
         "자체가 불확실하여 이 신뢰구간들이 지나치게 좁을 수 있습니다 (모의실험에서 환자 40명 "
         "중 한 명이 약 520개 중 400개의 증례를 가질 때 95% 신뢰구간의 포함률 24%, "
         "docs/intervals.md). 이 신뢰구간으로 목표를 판정하려면 더 많은 환자가 필요합니다"),
    Note(r"clustered intervals on fewer than (?P<few>\d+) patients: (?P<figures>.+?): a design "
         r"effect estimated from so few is itself uncertain, and these intervals may be too "
         r"narrow \(simulated coverage of a 95% interval as low as 76% with 5 clusters and "
         r"84% with 10, docs/intervals\.md\): a goal judged on them needs more patients",
         "환자 {few}명 미만의 군집 신뢰구간: {figures}: 이렇게 적은 군집에서 추정한 설계효과는 "
         "그 자체가 불확실하여 이 신뢰구간들이 지나치게 좁을 수 있습니다 (모의실험에서 95% "
         "신뢰구간의 포함률이 군집 5개일 때 76%, 10개일 때 84%까지 낮아짐, docs/intervals.md). "
         "이 신뢰구간으로 목표를 판정하려면 더 많은 환자가 필요합니다"),
    Note(r"the design effect cannot be estimated with (?P<why>.+?), so each cluster counts "
         r"once \(effective n = number of clusters\)",
         "{why} 설계효과를 추정할 수 없으므로 군집마다 한 번씩 셉니다 (유효 표본 수 = 군집 수)",
         {"why": lambda w: _design_why(w)}),
    Note(r"the design effect cannot be estimated with (?P<why>.+?), so it is taken as 1: "
         r"the interval is too narrow if cases of one cluster are alike "
         r"\(boundary='clusters' counts each cluster once\)",
         "{why} 설계효과를 추정할 수 없으므로 1로 둡니다. 한 군집의 증례들이 서로 비슷하면 "
         "신뢰구간이 지나치게 좁습니다 (boundary='clusters'는 군집마다 한 번씩 셉니다)",
         {"why": lambda w: _design_why(w)}),
    Note(_F + r": all (?P<n>\d+) cases are of one cluster \(patient\), so the variation "
         r"between clusters cannot be estimated: the interval is undefined \(NaN\), as a "
         r"bootstrap over clusters is",
         "{func}: 증례 {n}개가 모두 한 군집(환자)에 속해 군집 간 변동을 추정할 수 없으므로, "
         "군집 단위 부트스트랩과 마찬가지로 신뢰구간이 정의되지 않습니다 (NaN)"),
    # -- stats.delong --------------------------------------------------------------------
    Note(_F + r": the AUC is undefined with one class only \((?P<m>\d+) positives of "
         r"(?P<n>\d+)\)",
         "{func}: 한 부류만 있어 AUC가 정의되지 않습니다 ({n}개 중 양성 {m}개)"),
    Note(_F + r": DeLong's variance is undefined with a single positive or negative case "
         r"\((?P<m>\d+) positives, (?P<n>\d+) negatives\); the interval is NaN",
         "{func}: 양성 또는 음성 증례가 하나뿐이어서 DeLong 분산이 정의되지 않습니다 "
         "(양성 {m}개, 음성 {n}개). 신뢰구간은 NaN입니다"),
    Note(_F + r": Obuchowski's variance rests on (?P<i10>\d+) clusters holding a positive and "
         r"(?P<i01>\d+) a negative: estimated from fewer than (?P<few>\d+) it is itself "
         r"uncertain, and the interval may be too narrow \(simulated coverage of a 95% "
         r"interval 85% with 5 patients of 10 cases and 90% with 10, docs/intervals\.md\): a "
         r"goal judged on it needs more patients",
         "{func}: Obuchowski 분산은 양성을 가진 군집 {i10}개와 음성을 가진 군집 {i01}개에 "
         "근거합니다. 군집 {few}개 미만에서 추정한 분산은 그 자체가 불확실하여 신뢰구간이 "
         "지나치게 좁을 수 있습니다 (모의실험에서 95% 신뢰구간의 포함률이 증례 10개씩인 환자 "
         "5명일 때 85%, 10명일 때 90%, docs/intervals.md). 이 신뢰구간으로 목표를 판정하려면 "
         "더 많은 환자가 필요합니다"),
    Note(_F + r": Obuchowski's variance is undefined with fewer than two clusters holding a "
         r"positive or a negative \((?P<a>\d+) and (?P<b>\d+)\); the interval is NaN",
         "{func}: 양성 또는 음성을 가진 군집이 둘보다 적어 Obuchowski 분산이 정의되지 "
         "않습니다 ({a}개와 {b}개). 신뢰구간은 NaN입니다"),
    Note(_F + r": (?P<who>DeLong's|Obuchowski's) variance is 0 at AUC = (?P<auc>\S+) "
         r"\((?P<where>perfect separation|all structural components equal)\), so its "
         r"interval would have zero width; the interval is Newcombe's \(2006\) method 5 "
         r"score interval on (?P<m>\d+) positive and (?P<n>\d+) negative "
         r"(?P<units>cases|clusters) instead",
         "{func}: AUC = {auc}에서 {who} 분산이 0이어서 ({where}) 신뢰구간의 폭이 0이 되므로, "
         "대신 양성 {m}개와 음성 {n}개 {units}에 대한 Newcombe (2006) 방법 5 점수 신뢰구간을 "
         "썼습니다",
         {"who": _one_of({"DeLong's": "DeLong", "Obuchowski's": "Obuchowski"}),
          "where": _one_of({"perfect separation": "완전 분리",
                            "all structural components equal": "구조 성분이 모두 같음"}),
          "units": _one_of({"cases": "증례", "clusters": "군집"})}),
    Note(_F + r": needs at least two positive and two negative cases, got (?P<m>\d+) and "
         r"(?P<n>\d+)",
         "{func}: 양성과 음성 증례가 각각 둘 이상 필요하지만 {m}개와 {n}개입니다"),
    Note(_F + r": Obuchowski's covariance needs at least two clusters holding a positive and "
         r"two holding a negative, got (?P<a>\d+) and (?P<b>\d+)",
         "{func}: Obuchowski 공분산에는 양성을 가진 군집과 음성을 가진 군집이 각각 둘 이상 "
         "필요하지만 {a}개와 {b}개입니다"),
    Note(_F + r": the variance of the AUC difference is 0 \(identical rankings\?\)",
         "{func}: AUC 차이의 분산이 0입니다 (순위가 같은가?)"),
    # -- stats.ratios, stats.significance, stats.mrmc ------------------------------------
    Note(_F + r": (?P<label>LR[+-]) is undefined \(0 or infinite\) with TP=(?P<tp>\d+), "
         r"FN=(?P<fn>\d+), FP=(?P<fp>\d+), TN=(?P<tn>\d+); no continuity correction is "
         r"applied",
         "{func}: TP={tp}, FN={fn}, FP={fp}, TN={tn}에서 {label}는 정의되지 않습니다 (0 또는 "
         "무한대). 연속성 보정은 하지 않습니다"),
    Note(_F + r": (?P<label>LR[+-]) is 0 with TP=(?P<tp>\d+), FN=(?P<fn>\d+), FP=(?P<fp>\d+), "
         r"TN=(?P<tn>\d+); the log method has no upper bound \(ln 0\), so the interval is "
         r"\[0, NaN\]; no continuity correction is applied",
         "{func}: TP={tp}, FN={fn}, FP={fp}, TN={tn}에서 {label}는 0입니다. 로그 방법으로는 "
         "상한을 구할 수 없어 (ln 0) 구간은 [0, NaN]입니다. 연속성 보정은 하지 않습니다"),
    Note(_F + r": no cases, so the test is undefined; statistic and p are NaN",
         "{func}: 증례가 없어 검정이 정의되지 않습니다. 검정통계량과 p는 NaN입니다"),
    Note(_F + r": n = 0 trials, so the test is undefined; p-value and bound are NaN",
         "{func}: 시행 수 n = 0이므로 검정이 정의되지 않습니다. p값과 신뢰한계는 NaN입니다"),
    Note(_F + r": no cases, so the test is undefined; all values are NaN",
         "{func}: 증례가 없어 검정이 정의되지 않습니다. 모든 값이 NaN입니다"),
    Note(r"mrmc \((?P<method>[^()]+)\): interval undefined: the variance estimate behind its "
         r"standard error is negative or undefined",
         "mrmc ({method}): 신뢰구간이 정의되지 않습니다. 표준오차의 바탕이 되는 분산 추정값이 "
         "음수이거나 정의되지 않습니다"),
    Note(r"mrmc \((?P<method>[^()]+)\): standard error 0, so the interval has zero width: "
         r"these readings show no variation to estimate it from \(e\.g\. the same readings in "
         r"both treatments, readers who gave the same ratings, or every reader separating the "
         r"classes perfectly\); it shows no uncertainty, not certainty",
         "mrmc ({method}): 표준오차가 0이어서 신뢰구간의 폭이 0입니다. 이 판독 자료에는 "
         "표준오차를 추정할 변동이 없습니다 (예: 두 조건의 판독이 같음, 판독자들이 같은 점수를 "
         "줌, 모든 판독자가 두 부류를 완전히 구분함). 폭이 0인 구간은 불확도가 드러나지 "
         "않았다는 것이지 확실하다는 것이 아닙니다"),
    # -- the bootstrap (stats._bootstrap_engine) -----------------------------------------
    Note(r"bootstrap_ci: the statistic is undefined \(NaN\) on the data(?:: (?P<why>.+))?",
         "bootstrap_ci: 이 데이터에서 통계량이 정의되지 않습니다 (NaN){why}",
         {"why": lambda w: _ratio_why(w)}),
    Note(r"bootstrap_ci: the estimate lies (?P<side>below|above) its percentile interval "
         r"\((?P<k>\d+) of (?P<n>\d+) resamples lie (?:above|below) it\): the statistic is "
         r"biased on this set's resamples, so the interval shows their spread, not a range "
         r"around the estimate; the BCa interval \(method \"bca\", a protocol's "
         r"statistics\.bootstrap_method\) takes such a bias into account",
         "bootstrap_ci: 추정값이 백분위수 신뢰구간의 {side} (재표본 {n}개 중 {k}개가 "
         "추정값의 반대쪽에 있습니다): 이 자료의 재표본에서 통계량이 편향되어 있어, 신뢰구간은 "
         "추정값 주위의 범위가 아니라 재표본 값의 퍼짐을 나타냅니다. BCa 신뢰구간(method "
         "\"bca\", 시험 계획서의 statistics.bootstrap_method)은 이러한 편향을 고려합니다",
         {"side": _one_of({"below": "하한보다 작습니다", "above": "상한보다 큽니다"})}),
    Note(r"bootstrap_ci: (?P<n>\d+) resampling unit\(s\) and none to vary within any stratum "
         r"\(one case, or one cluster such as a single patient or record\): every resample "
         r"is the data itself, so the interval is undefined \(NaN\)",
         "bootstrap_ci: 재표본추출 단위가 {n}개이고 어느 층에서도 달라질 단위가 없습니다 "
         "(증례 하나, 또는 환자나 기록 하나 같은 군집 하나). 모든 재표본이 데이터 자체이므로 "
         "신뢰구간이 정의되지 않습니다 (NaN)"),
    # as medeval <= 0.5.0 wrote it, whatever the statistic (results of those versions)
    Note(r"bootstrap_ci: (?P<k>\d+) of (?P<n>\d+) resamples gave an undefined value and were "
         r"left out; stratify \(e\.g\. by class\) to avoid this",
         "bootstrap_ci: 재표본 {n}개 중 {k}개에서 값이 정의되지 않아 제외했습니다. 이를 피하려면 "
         "층화하십시오 (예: 부류별)"),
    Note(r"bootstrap_ci: (?P<k>\d+) of (?P<n>\d+) resamples gave an undefined value and were "
         r"left out(?P<why>: on each, .+)?",
         "bootstrap_ci: 재표본 {n}개 중 {k}개에서 값이 정의되지 않아 제외했습니다{why}",
         {"why": lambda w: _resample_why(w)}),
    Note(r"stratify by the (?P<by>reference|predicted) class \(strata=(?P<arg>y_true|y_pred)\) "
         r"to avoid this",
         "이를 피하려면 {by} 부류로 층화하십시오 (strata={arg})",
         {"by": _one_of({"reference": "기준", "predicted": "예측"})}),
    Note(r"the interval rests on the resamples where the statistic is defined",
         "신뢰구간은 통계량이 정의된 재표본에 근거합니다"),
    Note(r"bootstrap_ci: BCa is undefined: every resample lies on one side of the estimate "
         r"\(bias correction infinite\); use method='percentile'",
         "bootstrap_ci: BCa가 정의되지 않습니다. 모든 재표본이 추정값의 한쪽에 있습니다 (편향 "
         "보정이 무한대). method='percentile'를 쓰십시오"),
    Note(r"bootstrap_ci: BCa is undefined: leaving one unit out makes the statistic "
         r"undefined \(e\.g\. the only positive case\); use method='percentile'",
         "bootstrap_ci: BCa가 정의되지 않습니다. 단위 하나를 빼면 통계량이 정의되지 않습니다 "
         "(예: 유일한 양성 증례). method='percentile'를 쓰십시오"),
    # -- metrics.agreement ---------------------------------------------------------------
    Note(_F + r": both series are constant and equal, so the concordance is 0/0; NaN",
         "{func}: 두 계열이 모두 같은 상수여서 일치도가 0/0입니다. NaN"),
    Note(_F + r": the confidence interval is undefined: (?P<reason>.+); NaN",
         "{func}: 신뢰구간이 정의되지 않습니다: {reason}. NaN", {"reason": _ccc_reason}),
    Note(_F + r": (?P<kind>ICC\S*) is 0/0 on these ratings \(no variance between subjects or "
         r"in total\); NaN",
         "{func}: 이 평가값들에서 {kind}의 값이 0/0입니다 (대상 간 분산 또는 전체 분산이 "
         "없음). NaN"),
    Note(_F + r": the confidence interval of (?P<kind>ICC\S*) is not finite on these "
         r"ratings; NaN",
         "{func}: 이 평가값들에서 {kind}의 신뢰구간이 유한하지 않습니다. NaN"),
    # -- tasks ---------------------------------------------------------------------------
    Note(r"no cases", "증례 없음"),
    Note(r"no cases, so each of its (?P<n>\d+) figures is undefined \(NaN\)",
         "증례가 없어 {n}개 수치가 모두 정의되지 않습니다(NaN)"),
    Note(r"its (?P<n>\d+) case\(s\) all failed and are left out "
         r"\(failures\.policy = \"exclude\"\)",
         "그 증례 {n}개가 모두 실패하여 제외되었습니다 (failures.policy = \"exclude\")"),
    Note(r"no reference lesion in any of the (?P<n>\d+) case\(s\), so the lesion sensitivity "
         r"is undefined \(NaN\)",
         "증례 {n}개 어디에도 기준 병변이 없어 병변 민감도가 정의되지 않습니다 (NaN)"),
    Note(r"no reference object \(not crowd\)(?P<area>.*?) in any of the (?P<n>\d+) "
         r"image\(s\), so it is undefined \(NaN; pycocotools prints -1\)",
         "영상 {n}개 어디에도 기준 객체(crowd 제외){area}가 없어 정의되지 않습니다 (NaN. "
         "pycocotools는 -1을 출력)", {"area": _one_of(_COCO_AREAS)}),
    Note(r"(?P<why>.+?) in any of the (?P<n>\d+) recording\(s\), so the pooled (?P<name>\w+) "
         r"is undefined \(NaN\)",
         "기록 {n}개 어디에도 {why} 합산 {name}의 값이 정의되지 않습니다 (NaN)",
         {"why": _one_of(_EVENT_REASONS)}),
    Note(r"(?P<k>\d+) of (?P<n>\d+) case\(s\) have an infinite value \(a mask empty on one "
         r"side(?P<failed>, or a failed case counted at the worst distance, which is "
         r"infinite where none is declared)?\), so the mean is infinite and its interval "
         r"undefined \(NaN\)",
         "증례 {n}개 중 {k}개의 값이 무한대여서 (한쪽 마스크가 비어 있음{failed}) 평균이 "
         "무한대이고 신뢰구간은 정의되지 않습니다 (NaN)",
         {"failed": _one_of({  # the words before 0.8.0's onnx-pass had no failed case
             "": "", ", or a failed case counted at the worst distance, which is infinite "
             "where none is declared": ", 또는 실패한 증례를 최악 거리로 셌는데 그 값이 "
             "선언되지 않아 무한대임"})}),
    Note(r"(?P<key>failures\.worst_distance_(?:px|mm)) = (?P<worst>\S+) is less than distances "
         r"measured: (?P<k>\d+) of (?P<n>\d+) case\(s\) have a distance above it \(the "
         r"largest, (?P<name>\S+) (?P<value>\S+) (?P<unit>px|mm), in case (?P<case>.+)\), so "
         r"a failed case or a mask empty on one side, counted at it, scores better than they "
         r"do; declare at least the largest distance the images allow \(the "
         r"diagonal of a frame or volume\)",
         "{key} = {worst}은(는) 측정된 거리보다 작습니다: 증례 {n}개 중 {k}개의 거리가 그보다 "
         "큽니다(가장 큰 값은 증례 {case}의 {name} {value} {unit}). 실패한 증례나 한쪽 마스크가 "
         "빈 증례를 그 값으로 세면 이 증례들보다 나은 점수를 받습니다. 영상에서 나올 수 있는 "
         "가장 큰 거리(프레임 또는 볼륨의 대각선) 이상으로 선언하십시오"),
    Note(r"no (?P<key>\S+) is declared to replace them",
         "이를 대체할 값({key})이 선언되지 않았습니다"),
    Note(r"gross statistic: 0/0 over (?P<n>\d+) record\(s\), so it is undefined; the "
         r"estimate and its interval are NaN",
         "총계 통계량: 기록 {n}개에 걸쳐 0/0이므로 정의되지 않습니다. 추정값과 신뢰구간은 "
         "NaN입니다"),
    Note(r"one reader only: the (?P<scope>\S+) interval needs several readers and is "
         r"undefined; the fixed-reader \(FRRC\) interval is (?P<interval>\[\S+, \S+\])",
         "판독자가 한 명뿐입니다: {scope} 신뢰구간에는 판독자가 여러 명 필요하므로 정의되지 "
         "않습니다. 고정 판독자(FRRC) 신뢰구간은 {interval}입니다"),
    Note(r"(?P<n>\d+) cases of (?P<p>\d+) patients? \((?P<s>\d+) case\(s\) share a patient\): "
         r"the MRMC analysis takes cases as independent, so its intervals are too narrow if a "
         r"patient's cases are alike \(a clustered analysis is not implemented; one case per "
         r"patient avoids it\)",
         "증례 {n}개가 환자 {p}명의 것입니다 (증례 {s}개는 다른 증례와 환자가 같습니다): MRMC "
         "분석은 증례를 서로 독립으로 다루므로, 한 환자의 증례들이 서로 비슷하면 신뢰구간이 "
         "지나치게 좁습니다 (군집 분석은 구현되지 않았습니다. 환자당 증례를 하나만 두면 이 "
         "문제가 없습니다)"),
    Note(r"reader\(s\) (?P<readers>.+) gave every case the same rating in the "
         r"(?P<role>test|reference) treatment: the AUC of such a reading is 0\.5 by "
         r"definition \(every pair a tie, counted one half\), not a measure of what the "
         r"reader can tell, and it counts in the reader average: check these readings",
         "{role} 조건에서 모든 증례에 같은 점수를 준 판독자가 있습니다: {readers}. 이러한 "
         "판독의 AUC는 정의상 0.5이며 (모든 쌍이 동점이어서 각각 1/2로 셈) 판독자의 판별 "
         "능력을 나타내지 않지만 판독자 평균에 포함됩니다. 판독 기록을 확인하십시오",
         {"role": _one_of({"test": "시험", "reference": "대조"})}),
    Note(r"reader\(s\) (?P<readers>.+) gave every case the same rating in both treatments "
         r"\(a treatment's readings written twice\?\): such a reader's difference is 0 by "
         r"construction; check these readings",
         "판독자 {readers}는 시험 조건과 대조 조건에서 모든 증례에 같은 점수를 주었습니다 "
         "(한 조건의 판독 기록이 두 번 기록되었는가?). 이러한 판독자의 조건 간 차이는 구성상 "
         "0입니다. 판독 기록을 확인하십시오"),
    Note(r"readers (?P<readers>.+) gave every case the same ratings in the "
         r"(?P<role>test|reference) treatment \(one reader's readings written under several "
         r"names\?\): copies add no variation between readers; check these readings",
         "{role} 조건에서 판독자 {readers}가 모든 증례에 서로 같은 점수를 주었습니다 (한 "
         "판독자의 판독 기록이 여러 이름으로 기록되었는가?). 복사된 판독은 판독자 간 변동을 "
         "더하지 않습니다. 판독 기록을 확인하십시오",
         {"role": _one_of({"test": "시험", "reference": "대조"})}),
    Note(r"the table has no rows", "판독 표에 행이 없습니다"),
    Note(r"every case has truth (?P<kind>.+?); the AUC needs cases of both classes",
         "모든 증례의 참값이 {kind}입니다. AUC에는 두 부류의 증례가 모두 필요합니다",
         {"kind": _one_of({"1 (condition present)": "1 (질환 있음)",
                           "0 (condition absent)": "0 (질환 없음)"})}),
    Note(r"class (?P<label>'.*'): (?P<reason>no reference case and never predicted|no "
         r"reference case|never predicted), so its (?P<ratios>[a-z0-9, ]+) (?:is|are) "
         r"undefined and (?P<averages>[a-z0-9@, ]+) NaN \(an average over the protocol's "
         r"labels is defined only where each class's value is\)",
         "부류 {label}: {reason}, 따라서 이 부류의 {ratios}는 정의되지 않고 {averages}는 "
         "NaN입니다 (시험 계획서의 라벨에 대한 평균은 모든 부류의 값이 정의될 때만 "
         "정의됩니다)",
         {"reason": _one_of({"no reference case and never predicted":
                             "참조 증례가 없고 예측된 적도 없음",
                             "no reference case": "참조 증례가 없음",
                             "never predicted": "예측된 적이 없음"})}),
    # class probabilities (tasks._class_aucs); new after 0.10.0, written as revised then
    Note(r"(?P<n>\d+) of (?P<m>\d+) scored case\(s\) \((?P<named>.+)\) give a label that is "
         r"not their most probable class: the label counts for the accuracy, the "
         r"sensitivities and the kappa, the probabilities for the AUCs \(auc@\.\.\.\)",
         "채점된 증례 {m}개 중 {n}개({named})의 레이블이 그 증례에서 확률이 가장 높은 분류가 "
         "아닙니다. 정확도, 민감도, 카파에는 레이블을, AUC(auc@...)에는 확률을 썼습니다"),
    # a largest probability shared by several classes (tasks._class_aucs._ties); new after
    # 0.11.0, no released result holds it; counts the ties holding the reference class
    # since 0.12.0 (before, it said the order decided the accuracy of every tied case)
    Note(r"(?P<n>\d+) of (?P<m>\d+) scored case\(s\) \((?P<named>.+)\) share their largest "
         r"probability between two or more classes, (?P<r>\d+) of them with the reference "
         r"class among the tied: where such a prediction gives no label, its answer is the "
         r"first of the tied classes in the protocol's order of labels \(as numpy\.argmax "
         r"takes it\), so that order decides its answer for the sensitivities and the "
         r"kappa, and for the accuracy where the reference class is among the tied",
         "채점된 증례 {m}개 중 {n}개({named})에서 가장 높은 확률을 둘 이상의 분류가 함께 "
         "가지며, 그중 {r}개는 참조 분류가 함께 가진 분류에 들어 있습니다. 이런 예측이 "
         "레이블을 주지 않으면 시험 계획서의 레이블 순서에서 함께 가진 분류 중 첫 분류를 답으로 "
         "삼으므로(numpy.argmax와 같이), 민감도와 카파에서는 그 순서가 답을 정하고, 참조 "
         "분류가 함께 가진 분류에 들어 있는 증례에서는 정확도도 정합니다"),
    # multi-label (tasks.multilabel_classification._undefined_labels); new, no result
    # before it holds one
    Note(r"label (?P<label>'.*'): (?P<reason>no case carries it|every case carries it), so "
         r"its (?P<ratio>sensitivity|specificity) and AUC are undefined, and auc@macro with "
         r"them \(never averaged over the other labels\)",
         "레이블 {label}: {reason} 이 레이블의 {ratio}와 AUC가 정의되지 않으며, "
         "auc@macro도 정의되지 않습니다(나머지 레이블만으로 평균하지 않습니다)",
         {"reason": _one_of({"no case carries it": "이 레이블을 가진 증례가 없으므로",
                             "every case carries it": "모든 증례가 이 레이블을 가지므로"}),
          "ratio": _one_of({"sensitivity": "민감도", "specificity": "특이도"})}),
    # written as the binary note is revised ('임계값({t})이'); new, no result before it
    Note(r"label (?P<label>'.*'): the threshold (?P<t>\S+) is (?P<side>above|below) every "
         r"score of the label \((?P<low>\S+) to (?P<high>\S+)\): it is called "
         r"(?P<called>absent|present) in every case; the threshold is on the scores' scale "
         r"\(a probability's 50 % is 0\.5\)",
         "레이블 {label}: 임계값({t})이 이 레이블의 모든 점수({low} ~ {high}){side}: 모든 "
         "증례에서 이 레이블이 {called}으로 판정됩니다. 임계값은 점수와 같은 척도로 적어야 "
         "합니다 (확률의 50 %는 0.5)",
         {"side": _one_of({"above": "보다 큽니다", "below": "보다 작습니다"}),
          "called": _one_of({"absent": "'없음'", "present": "'있음'"})}),
    Note(r"class\(es\) (?P<absent>\[.*\]) have no reference case, so their one-vs-rest AUC "
         r"and the macro average are undefined \(never averaged over the other classes\)",
         "분류 {absent}에 참조 증례가 없어 그 일대다 AUC와 매크로 평균이 정의되지 않습니다"
         "(나머지 분류만으로 평균하지 않습니다)"),
    Note(r"the measurements are about (?P<x>\S+) times the references \(medians (?P<m>\S+) "
         r"and (?P<r>\S+) (?P<unit>.+?)\): is one side in another unit \(cm or m against mm, "
         r"mL against mm³\)\? Both are read as (?P<as_unit>.+?); nothing is converted",
         "측정값이 참조값의 약 {x}배입니다 (중앙값 {m}, {r} {unit}): 한쪽이 다른 단위(mm 대신 "
         "cm 또는 m, mm³ 대신 mL)로 적히지 않았는지 확인하십시오. 둘 다 {as_unit}(으)로 읽으며 "
         "변환하지 않습니다"),
    Note(r"(?P<k>\d+) measured case\(s\) of (?P<n>\d+): agreement needs at least 2, so "
         r"bias, limits of agreement, MAE, RMSE and Lin's CCC are not reported",
         "측정된 증례가 {n}개 중 {k}개입니다. 일치도 분석에는 2개 이상이 필요하므로 편향, "
         "일치 한계, MAE, RMSE, Lin의 CCC는 보고하지 않습니다"),
    Note(r"(?P<cov>\w+) covariance needs at least two cases of each class, got (?P<n1>\d+) "
         r"with and (?P<n0>\d+) without the condition",
         "{cov} 공분산에는 부류마다 증례가 둘 이상 필요하지만, 질환이 있는 증례 {n1}개와 "
         "없는 증례 {n0}개입니다"),
    # -- evaluation ----------------------------------------------------------------------
    Note(r"the predictions folder holds (?P<n>\d+) file\(s\) that name no case of the "
         r"manifest: (?P<shown>.+); a prediction is read only as <case_id> with its suffix",
         "예측 폴더에 매니페스트의 어느 증례도 가리키지 않는 파일이 {n}개 있습니다: {shown}. "
         "예측은 <case_id>에 확장자를 붙인 이름으로만 읽습니다",
         {"shown": lambda t: re.sub(r", \.\.\. \((\d+) in all\)$", r", ... (모두 \1개)", t)}),
    Note(r"the predictions folder holds (?P<n>\d+) file\(s\) named for a case without "
         r"prediction, in a form this task does not read: (?P<shown>.+); those cases failed "
         r"as missing-output \(a prediction is read only as <case_id> with a suffix the "
         r"task reads(?P<arrays>; a plugin's mask returned from predict as an array is "
         r"stored as <case_id>\.json: write it as prediction\.png in case\.output_dir)?"
         r"(?P<numpy>; a NumPy array file \(\.npy, \.npz\) is read by no task: (?:write a "
         r"mask as prediction\.png \(a frame\) or prediction\.nii\.gz \(a volume\) in the "
         r"case's output folder|this task reads <case_id>\.json: return the answer from "
         r"predict \(a score as float\(y\[0, 0\]\)\), or write it as prediction\.json in "
         r"the case's output folder))?\)",
         "예측 폴더에 예측이 없는 증례의 이름으로 되어 있으나 이 과제가 읽지 않는 형식의 파일이 "
         "{n}개 있습니다: {shown}. 그 증례들은 missing-output으로 실패했습니다 (예측은 "
         "<case_id>에 과제가 읽는 확장자를 붙인 이름으로만 읽습니다{arrays}{numpy})",
         {"shown": lambda t: re.sub(r", \.\.\. \((\d+) in all\)$", r", ... (모두 \1개)", t),
          "arrays": _one_of({"": "", "; a plugin's mask returned from predict as an array "
                             "is stored as <case_id>.json: write it as prediction.png in "
                             "case.output_dir": "; predict가 배열로 반환한 플러그인의 마스크는 "
                             "<case_id>.json으로 저장됩니다: 증례의 출력 폴더"
                             "(output_dir)에 prediction.png로 쓰십시오"}),
          "numpy": _one_of({"": "", "; a NumPy array file (.npy, .npz) is read by no task: "
                            "write a mask as prediction.png (a frame) or prediction.nii.gz "
                            "(a volume) in the case's output folder": "; NumPy 배열 파일"
                            "(.npy, .npz)은 어떤 과제도 읽지 않습니다: 마스크는 증례의 출력 "
                            "폴더에 prediction.png(프레임) 또는 prediction.nii.gz(볼륨)로 "
                            "쓰십시오",
                            "; a NumPy array file (.npy, .npz) is read by no task: this task "
                            "reads <case_id>.json: return the answer from predict (a score as "
                            "float(y[0, 0])), or write it as prediction.json in the case's "
                            "output folder": "; NumPy 배열 파일(.npy, .npz)은 어떤 과제도 "
                            "읽지 않습니다: 이 과제는 <case_id>.json을 읽습니다. 답을 "
                            "predict에서 반환하거나(점수는 float(y[0, 0])), 증례의 출력 폴더에 "
                            "prediction.json으로 쓰십시오"})}),
    Note(r"(?P<k>\d+) of them differ from a case id only in leading zeros \(e\.g\. "
         r"(?P<file>.+?) for case (?P<case>.+?)\): the ids were read as numbers; name each "
         r"file as the manifest writes its case id",
         "그중 {k}개는 증례 ID와 앞자리 0만 다릅니다 (예: 증례 {case}의 {file}): ID가 숫자로 "
         "읽힌 것입니다. 각 파일 이름을 매니페스트에 적힌 증례 ID대로 지으십시오"),
    # new after 0.11.0 (c8.json for case c08): no result before it holds it
    Note(r"(?P<k>\d+) of them differ from a case id only in the zeros before a number "
         r"inside it \(e\.g\. (?P<file>.+?) for case (?P<case>.+?)\): the ids were "
         r"numbered in another width; name each file as the manifest writes its case id",
         "그중 {k}개는 증례 ID와 그 안의 숫자 앞에 붙은 0만 다릅니다 (예: 증례 {case}의 "
         "{file}): ID의 번호가 다른 자릿수로 매겨진 것입니다. 각 파일 이름을 매니페스트에 "
         "적힌 증례 ID대로 지으십시오"),
    # new after 0.11.0: no result before it holds it
    Note(r"(?P<k>\d+) of them differ from a case id only in letter case \(e\.g\. "
         r"(?P<file>.+?) for case (?P<case>.+?)\): this system's file names tell letter case "
         r"apart; name each file as the manifest writes its case id",
         "그중 {k}개는 증례 ID와 대소문자만 다릅니다 (예: 증례 {case}의 {file}): 이 시스템의 "
         "파일 이름은 대소문자를 구별합니다. 각 파일 이름을 매니페스트에 적힌 증례 ID대로 "
         "지으십시오"),
    Note(r"(?P<name>.+) is the folder medeval run --out wrote: the algorithm's outputs are "
         r"in its run folder, --predictions (?P=name)/run",
         "{name}은(는) medeval run --out이 쓴 폴더입니다. 알고리즘의 출력은 그 안의 run 폴더에 "
         "있으므로 --predictions {name}/run으로 지정하십시오"),
    Note(r"a (?P<task>[a-z-]+) protocol reads one table of every case's predictions given "
         r"as the file itself: --predictions (?P<path>.+)",
         "{task} 시험 계획서는 모든 증례의 예측을 담은 표 하나를 그 파일 자체로 지정해야 "
         "읽습니다: --predictions {path}"),
    Note(r"patient ids that differ only in letter case are counted as different patients: "
         r"(?P<shown>.+); if they are one patient, write the id one way in the manifest",
         "대소문자만 다른 환자 ID를 서로 다른 환자로 셌습니다: {shown}. 같은 환자라면 "
         "매니페스트에 ID를 한 가지로 적으십시오", {"shown": lambda t: _spellings(t)}),
    Note(r"patient ids that differ only in leading zeros \(a spreadsheet read some as "
         r"numbers\?\) are counted as different patients: (?P<shown>.+); if they are one "
         r"patient, write the id one way in the manifest",
         "앞자리 0만 다른 환자 ID를 서로 다른 환자로 셌습니다 (스프레드시트가 일부 ID를 숫자로 "
         "읽었을 수 있습니다): {shown}. 같은 환자라면 매니페스트에 ID를 한 가지로 적으십시오",
         {"shown": lambda t: _spellings(t)}),
    Note(r"(?P<column>[^:]+): (?P<k>\d+) patients? of the (?P<m>\d+) with several cases "
         r"ha(?:s|ve) cases in more than one value \((?P<shown>.+)\), while each other "
         r"patient's cases are of one: if (?P=column) is the patient's \(a site, a sex\), such "
         r"an id may name two patients \(two sites numbering theirs alike\), whose cases the "
         r"intervals then take as one patient's; each is counted in every subgroup its cases "
         r"are in",
         "{column}: 증례가 여럿인 환자 {m}명 중 {k}명의 증례가 둘 이상의 값에 걸쳐 있고 "
         "({shown}), 다른 환자는 모두 증례가 한 값에 속합니다. {column}이(가) 환자의 속성(기관, "
         "성별)이라면 이 ID는 두 환자를 가리킬 수 있으며 (두 기관이 환자 번호를 같게 매긴 "
         "경우), 신뢰구간은 그 증례들을 한 환자의 것으로 다룹니다. 이런 환자는 증례가 속한 모든 "
         "하위군에서 셉니다"),
    # evaluation (_evaluation_warnings._patients_across): after the few-of-them warning
    # of a subgroup column, how to declare it a case's (a view) where it is one: a new
    # sentence (no result of 0.11.0 or before holds it), so here, not in NOTES_AFTER_0_11_0
    Note(r"if (?P<column>.+?) is a case's \(a view, an image's quality\), that is expected: "
         r"declare it in the protocol, \[subgroups\] case_columns = "
         r"\[(?P<toml>\"(?:[^\"\\]|\\.)*\")\]",
         "{column}이(가) 증례의 속성(촬영 방향, 영상 품질)이라면 예상된 일이니 시험 계획서에 "
         "[subgroups] case_columns = [{toml}]로 선언하십시오"),
    Note(r"(?P<column>.+?) values that differ only in letter case are different subgroups: "
         r"(?P<shown>.+); if they are one, write the value one way in the manifest",
         "대소문자만 다른 {column} 값을 서로 다른 하위군으로 나눴습니다: {shown}. 같은 값이라면 "
         "매니페스트에 한 가지로 적으십시오", {"shown": lambda t: _spellings(t)}),
    Note(r"(?P<n>\d+) detected event\(s\) in (?P<m>\d+) recording\(s\) end after the "
         r"recording, by up to (?P<most>\S+) s, and were cut at its end, as timescoring cuts "
         r"them: (?P<shown>.+)",
         "검출 사건 {n}개가 녹화 {m}개에서 녹화가 끝난 뒤(최대 {most}초 뒤)에 끝나, 녹화 끝에서 "
         "잘랐습니다 (timescoring과 같음): {shown}",
         {"shown": lambda t: re.sub(r", \.\.\. \((\d+) recordings\)$", r", ... (녹화 \1개)", t)}),
    Note(r"(?P<n>\d+) case\(s\) whose prediction's own \"label\" is not its score's "
         r"decision at the protocol's threshold \((?P<threshold>\S+)\): (?P<shown>.+?); the "
         r"label is not read: each case is decided by score >= threshold, at the threshold "
         r"the protocol fixed",
         "예측에 적힌 자체 \"label\"이 시험 계획서의 임계값({threshold})에서 점수가 내린 "
         "판정과 다른 증례 {n}개: {shown}. 이 label은 읽지 않습니다: 모든 증례는 시험 계획서가 "
         "정한 임계값에서 점수 >= 임계값으로 판정합니다",
         {"shown": lambda t: re.sub(
             r"; \.\.\. \((\d+) cases\)$", r"; ... (증례 \1개)",
             re.sub(r" \(label (.+?), score (\S+)\)", r" (label \1, 점수 \2)", t))}),
    Note(r"(?P<n>\d+) record\(s\) whose reference holds no beat annotation, so each "
         r"detected beat there counts as a false positive and none can be missed: "
         r"(?P<shown>.+?); if a reference is not the record's beat annotation file \(a "
         r"seizure, rhythm or sleep-stage file in its place\), give the beat annotations",
         "기준 주석에 박동 주석이 하나도 없는 기록 {n}개: 그 기록의 검출 박동은 모두 위양성으로 "
         "세며, 놓친 박동은 생기지 않습니다: {shown}. 기준 파일이 그 기록의 박동 주석 파일이 "
         "아니라면(발작, 리듬 또는 수면 단계 파일이 대신 주어졌다면) 박동 주석을 주십시오",
         {"shown": lambda t: re.sub(
             r"; \.\.\. \((\d+) records\)$", r"; ... (기록 \1개)",
             re.sub(r" \((\d+) flutter mark\(s\) \[ \]\)", r" (조동 표시 [ ] \1개)", t))}),
    Note(r"EDF\+ reference annotations whose text is no WFDB annotation code were not read "
         r"as beats \(the beats are the annotations written as WFDB beat symbols, N, V, A, "
         r"\.\.\.; map other texts to them if they are beats\): (?P<shown>.+)",
         "EDF+ 기준 주석 가운데 WFDB 주석 코드가 아닌 글은 박동으로 읽지 않았습니다 (박동은 WFDB "
         "박동 기호 N, V, A 등으로 적힌 주석입니다. 박동이라면 그 글을 이 기호로 바꾸십시오): "
         "{shown}",
         {"shown": lambda t: re.sub(r"; \.\.\. \((\d+) records\)$", r"; ... (기록 \1개)", t)}),
    Note(r"(?P<n>\d+) detected beat\(s\) in (?P<m>\d+) record\(s\) lie after the record's "
         r"end and were not scored, as bxb leaves them \(a prediction whose fs is not the "
         r"rate of its samples puts beats there\): (?P<shown>.+)",
         "검출 박동 {n}개가 기록 {m}개에서 기록이 끝난 뒤에 있어 채점하지 않았습니다 (bxb와 같음. "
         "예측의 fs가 그 샘플 번호의 표본화 주파수와 다르면 박동이 이렇게 놓입니다): {shown}",
         {"shown": lambda t: re.sub(
             r"; \.\.\. \((\d+) records\)$", r"; ... (기록 \1개)",
             re.sub(r"(\S+): (\d+), the last at (\S+) s of (\S+) s",
                    r"\1: \2개, 마지막 \3초 (기록 길이 \4초)", t))}),
    Note(r"(?P<n>\d+) reference beat\(s\) in (?P<m>\d+) record\(s\) lie after the "
         r"record's end and were not scored, as bxb leaves them \(an annotation file longer "
         r"than its record: the signal cut short and not its annotations, a header stating "
         r"fewer frames, another record's file\): (?P<shown>.+)",
         "참조 박동 {n}개가 기록 {m}개에서 기록이 끝난 뒤에 있어 채점하지 않았습니다 (bxb와 같음. "
         "주석 파일이 그 기록보다 길면 이렇게 됩니다: 신호만 잘리고 주석은 잘리지 않았거나, "
         "헤더가 더 적은 프레임 수를 적었거나, 다른 기록의 파일입니다): {shown}",
         {"shown": lambda t: re.sub(
             r"; \.\.\. \((\d+) records\)$", r"; ... (기록 \1개)",
             re.sub(r"(\S+): (\d+), the last at (\S+) s of (\S+) s",
                    r"\1: \2개, 마지막 \3초 (기록 길이 \4초)", t))}),
    Note(r"in (?P<n>\d+) record\(s\) the detected beats' median interval is not the "
         r"reference beats' \(detected over reference\): (?P<shown>.+?); a prediction whose "
         r"fs is not the rate of its samples scales every beat time so \(fs 500 given for "
         r"samples at 360 Hz: 0\.72x\), and its beats then match none of the reference's; "
         r"double detections halve the interval, missed beats lengthen it",
         "기록 {n}개에서 검출 박동 간격의 중앙값이 기준 박동 간격의 중앙값과 다릅니다(검출/기준): "
         "{shown}. 예측의 fs가 그 샘플 번호의 표본화 주파수와 다르면 모든 박동 시각이 이 비율로 "
         "바뀌어(360 Hz의 샘플 번호에 fs 500을 주면 0.72배) 검출 박동이 기준 박동과 맞지 않게 "
         "됩니다. 이중 검출은 간격을 절반으로 줄이고, 놓친 박동은 간격을 늘립니다",
         {"shown": lambda t: re.sub(
             r"; \.\.\. \((\d+) records\)$", r"; ... (기록 \1개)",
             re.sub(r"(\S+): (\S+)x", r"\1: \2배", t))}),
    Note(r"(?P<k>\d+) patients: a bootstrap resampling them can draw only (?P<n>\d+) "
         r"different resamples, fewer than the (?P<b>\d+) asked for, so the bootstrap "
         r"intervals \((?P<names>.+)\) rest on (?P=k) patients and say little beyond them",
         "환자 {k}명: 이들을 재표집하는 부트스트랩은 서로 다른 재표본을 {n}개밖에 뽑을 수 없어 "
         "요청한 {b}개보다 적습니다. 따라서 부트스트랩 신뢰구간({names})은 환자 {k}명에 "
         "기대며, 그 밖에 대해서는 말해 주는 바가 적습니다"),
    Note(r"(?P<k>\d+) cases: a bootstrap resampling them can draw only (?P<n>\d+) "
         r"different resamples, fewer than the (?P<b>\d+) asked for, so the bootstrap "
         r"intervals \((?P<names>.+)\) rest on (?P=k) cases and say little beyond them",
         "증례 {k}건: 이들을 재표집하는 부트스트랩은 서로 다른 재표본을 {n}개밖에 뽑을 수 없어 "
         "요청한 {b}개보다 적습니다. 따라서 부트스트랩 신뢰구간({names})은 증례 {k}건에 "
         "기대며, 그 밖에 대해서는 말해 주는 바가 적습니다"),
    # (how to resume: until 0.12 "medeval predict with the same --out", which a run made
    # by medeval run --out OUT is not; a result keeps the words it was made with)
    Note(r"the run was interrupted before (?P<n>\d+) case\(s\) ran \((?P<shown>.+); "
         r"summary\.json's not_run\): they count as missing-output failures; resume the run "
         r"\((?P<how>medeval predict with the same --out|the command that made it, again: "
         r"medeval run PROTOCOL\.toml --out OUT, or medeval predict \.\.\. --out RUN)\) to "
         r"run them",
         "실행이 중단되어 증례 {n}개가 실행되지 않았습니다 ({shown}; summary.json의 not_run): "
         "이 증례들은 출력 없음(missing-output) 실패로 셉니다. {how}",
         {"how": _one_of({
             "medeval predict with the same --out":
                 "같은 --out으로 medeval predict를 다시 실행하면 이어서 실행합니다",
             "the command that made it, again: medeval run PROTOCOL.toml --out OUT, or "
             "medeval predict ... --out RUN":
                 "실행을 만든 명령(medeval run PROTOCOL.toml --out OUT, 또는 medeval "
                 "predict ... --out RUN)을 다시 실행하면 이어서 실행합니다"})}),
    # evaluation (_evaluation_warnings._not_run_files): files of cases never run, found in
    # the run's predictions folder: a new sentence, so here
    Note(r"(?P<n>\d+) file\(s\) in the run's predictions folder are of cases the run never "
         r"ran: (?P<shown>.+); no runner wrote them, and they are not read \(those cases count "
         r"as missing-output failures\): resume the run to run them",
         "실행의 예측 폴더에 실행되지 않은 증례의 파일이 {n}개 있습니다: {shown}. 러너가 쓴 "
         "파일이 아니므로 읽지 않습니다 (그 증례들은 출력 없음(missing-output) 실패로 셉니다). "
         "실행을 재개하여 그 증례들을 실행하십시오",
         {"shown": lambda t: re.sub(r", \.\.\. \((\d+) in all\)$", r", ... (모두 \1개)", t)}),
    Note(r"the run in (?P<run>.+) was started under a protocol of SHA-256 (?P<old>\S+); "
         r"this result is judged under (?P<name>.+), SHA-256 (?P<new>\S+), whose task, "
         r"statistics, subgroups, failure policy or acceptance criteria differ: they were "
         r"changed after the algorithm ran, so they were not fixed before the outputs were "
         r"made",
         "{run}의 실행은 SHA-256 {old}인 시험 계획서로 시작되었으나, 이 결과는 과제, 통계, "
         "하위군, 실패 처리 방침 또는 합격 기준이 다른 SHA-256 {new}인 {name}에 따라 "
         "판정되었습니다: 이들은 알고리즘 실행 후 변경되었으므로 출력이 만들어지기 전에 "
         "정해진 것이 아닙니다"),
    Note(r"(?P<n>\d+) prediction file\(s\) of the run differ from what its runner wrote "
         r"\(the SHA-256 summary.json records\) — (?P<parts>.+): they are scored as they are "
         r"now \(a removed one as missing-output\), not as the algorithm made them, while "
         r"the outputs' SHA-256 the result carries is the run's; run those cases again "
         r"\((?P<how>medeval predict with the same --out runs a case whose prediction was "
         r"removed or altered|the command that made the run, again, runs a case whose "
         r"prediction was removed or altered: medeval run PROTOCOL\.toml --out OUT, or "
         r"medeval predict \.\.\. --out RUN)\)",
         "실행의 예측 파일 {n}개가 실행기가 쓴 것(summary.json에 기록된 SHA-256)과 다릅니다 — "
         "{parts}: 알고리즘이 만든 그대로가 아니라 지금 상태대로 채점되며 (삭제된 파일은 "
         "missing-output), 결과에 실린 출력 SHA-256은 실행 당시의 것입니다. 해당 증례를 다시 "
         "실행하십시오 ({how})",
         # (how to run them again: until 0.12 "medeval predict with the same --out", which
         # a run made by medeval run --out OUT is not; a result keeps the words it was made
         # with)
         {"parts": _changed_parts, "how": _one_of({
             "medeval predict with the same --out runs a case whose prediction was removed "
             "or altered":
                 "같은 --out으로 medeval predict를 실행하면 예측이 삭제되거나 바뀐 증례를 다시 "
                 "실행합니다",
             "the command that made the run, again, runs a case whose prediction was "
             "removed or altered: medeval run PROTOCOL.toml --out OUT, or medeval predict "
             "... --out RUN":
                 "실행을 만든 명령(medeval run PROTOCOL.toml --out OUT, 또는 medeval predict "
                 "... --out RUN)을 다시 실행하면 예측이 삭제되거나 바뀐 증례를 다시 "
                 "실행합니다"})}),
    Note(r"the run in (?P<run>.+) was made by the (?P<kind>plugin|command) (?P<made>.+) "
         r"\(SHA-256 (?P<sha>\S+)\), not by the (?P<what>plugin|command) the protocol "
         r"names, (?P<expected>.+): these outputs are of another algorithm than the item "
         r"the protocol names",
         "{run}의 실행은 {kind} {made}(SHA-256 {sha})로 만들어졌으며, 시험 계획서가 지정한 "
         "{what} {expected}가 아닙니다: 이 출력은 시험 계획서가 지정한 시험 품목이 아닌 다른 "
         "알고리즘의 것입니다",
         {"kind": _one_of({"plugin": "플러그인", "command": "명령"}),
          "what": _one_of({"plugin": "플러그인", "command": "명령"})}),
    Note(r"the threshold (?P<t>\S+) is (?P<side>above|below) every score \((?P<low>\S+) to "
         r"(?P<high>\S+)\): every case is called (?P<called>negative|positive); the threshold "
         r"is on the scores' scale \(a probability's 50 % is 0\.5\)",
         "임계값 {t}이(가) 모든 점수({low} ~ {high}){side}: 모든 증례가 {called}으로 판정됩니다. "
         "임계값은 점수와 같은 척도로 적어야 합니다 (확률의 50 %는 0.5)",
         {"side": _one_of({"above": "보다 큽니다", "below": "보다 작습니다"}),
          "called": _one_of({"negative": "음성", "positive": "양성"})}),
    Note(r"the AUC (?P<auc>\S+) and its whole (?P<level>\S+)% interval \[(?P<low>\S+), "
         r"(?P<high>\S+)\] lie below 0\.5: the scores rank the negative cases above the "
         r"positive ones; are they the negative class's probability \(a classifier's "
         r"predict_proba\(X\)\[:, 0\]\)\? The AUC is not flipped",
         "AUC({auc})와 그 {level}% 신뢰구간 [{low}, {high}] 전체가 0.5보다 작습니다: 점수가 음성 "
         "증례를 양성 증례보다 높게 매깁니다. 음성 부류의 확률(분류기의 "
         "predict_proba(X)[:, 0])을 준 것입니까? AUC는 뒤집지 않습니다"),
    Note(r"the scores \((?P<low>\S+) to (?P<high>\S+)\) are not all within \[0, 1\], so they "
         r"are not probabilities: the Brier score and the expected calibration error are not "
         r"reported \(for logits, give the sigmoid of each score\); the threshold applies to "
         r"the scores as given",
         "점수({low} ~ {high})가 모두 [0, 1] 안에 있지는 않으므로 확률이 아닙니다: Brier 점수와 "
         "기대 보정 오차(ECE)는 보고하지 않습니다 (로짓이라면 각 점수에 시그모이드를 적용해 "
         "주십시오). 임계값은 주어진 점수 그대로에 적용됩니다"),
    Note(r"every coordinate of the detections lies within \[-1, 1\] \(the largest "
         r"(?P<d>\S+)\), while the reference's coordinates reach (?P<r>\S+): are they "
         r"normalised to the image's size\? They were scored as given, in the reference's "
         r"pixels or millimetres",
         "검출의 모든 좌표가 [-1, 1] 안에 있지만 (가장 큰 값 {d}), 기준의 좌표는 {r}에 "
         "이릅니다: 영상 크기로 정규화된 좌표입니까? 검출은 주어진 그대로, 기준의 픽셀 또는 "
         "밀리미터 단위로 채점되었습니다"),
    Note(r"the detection boxes of (?P<n>\d+) case\(s\) reach past their frame's bottom or "
         r"right edge read as \[row0, col0, row1, col1\] \(e\.g\. case (?P<case>.+?): "
         r"\[(?P<box>[^\]]*)\] on a frame (?P<w>\d+) px wide, (?P<h>\d+) px high\), while "
         r"every box lies inside its frame read as \[x1, y1, x2, y2\]: were \(x, y\) corners "
         r"given\? The detection task reads a box in the image's axis order, row first; they "
         r"were scored as given",
         "증례 {n}개의 검출 상자가 [row0, col0, row1, col1]로 읽으면 프레임의 아래쪽 또는 "
         "오른쪽 가장자리를 넘습니다 (예: 증례 {case}: [{box}], 너비 {w} px, 높이 {h} px의 "
         "프레임). 반면 [x1, y1, x2, y2]로 읽으면 모든 상자가 프레임 안에 있습니다: (x, y) "
         "모서리 좌표를 준 것입니까? detection 과제는 상자를 영상의 축 순서대로(행 먼저) "
         "읽습니다. 상자는 주어진 그대로 채점되었습니다"),
    Note(r"(?P<n>\d+) case\(s\) give their reference points without \"spacing_mm\" on a "
         r"volume whose voxels are not 1 mm \(e\.g\. case (?P<case>.+?): (?P<name>.+?), "
         r"\[(?P<spacing>[^\]]*)\] mm in \(z, y, x\) order\): the points and detections were "
         r"read as millimetres, which is not checked; were they voxel indices, every "
         r"distance would be wrong by the spacing\. Points in voxels need \"spacing_mm\" "
         r"beside them; \"unit\": \"mm\" in a reference file says its points are millimetres",
         "증례 {n}개의 기준 점이 복셀 크기가 1 mm가 아닌 볼륨 위에서 \"spacing_mm\" 없이 "
         "주어졌습니다 (예: 증례 {case}: {name}, (z, y, x) 순서로 [{spacing}] mm): 점과 검출은 "
         "밀리미터로 읽혔으며, 이는 확인되지 않습니다. 복셀 색인이었다면 모든 거리가 간격만큼 "
         "틀립니다. 복셀 단위의 점에는 \"spacing_mm\"을 함께 주어야 하며, 기준 파일의 "
         "\"unit\": \"mm\"는 그 점이 밀리미터임을 밝힙니다"),
    Note(r"every one of the (?P<n>\d+) result box\(es\) lies within \[0, 1\] \(e\.g\. case "
         r"(?P<case>.+?): \[(?P<box>[^\]]*)\] on a frame (?P<w>\d+) px wide, (?P<h>\d+) px "
         r"high\): are they normalised to the frame's size\? COCO results give \[x, y, width, "
         r"height\] in pixels; they were scored as given",
         "결과 상자 {n}개 모두가 [0, 1] 안에 있습니다 (예: 증례 {case}: 너비 {w} px, 높이 {h} "
         "px인 프레임의 [{box}]): 프레임 크기로 정규화된 좌표입니까? COCO 결과는 [x, y, width, "
         "height]를 픽셀로 줍니다. 상자는 주어진 그대로 채점되었습니다"),
    Note(r"(?P<k>\d+) of the (?P<n>\d+) result box\(es\) reach past their frame's right or "
         r"bottom edge read as COCO's \[x, y, width, height\] \(e\.g\. case (?P<case>.+?): "
         r"\[(?P<box>[^\]]*)\] on a frame (?P<w>\d+) px wide, (?P<h>\d+) px high\), while "
         r"every box lies inside its frame read as corners \[x1, y1, x2, y2\]: were corners "
         r"given\? COCO results give the width and height; they were scored as given",
         "결과 상자 {n}개 중 {k}개가 COCO의 [x, y, width, height]로 읽으면 프레임의 오른쪽 또는 "
         "아래쪽 가장자리를 넘지만 (예: 증례 {case}: 너비 {w} px, 높이 {h} px인 프레임의 "
         "[{box}]), 모서리 좌표 [x1, y1, x2, y2]로 읽으면 모든 상자가 프레임 안에 있습니다: "
         "모서리 좌표를 준 것입니까? COCO 결과는 너비와 높이를 줍니다. 상자는 주어진 그대로 "
         "채점되었습니다"),
    Note(r"the (?P<n>\d+) cases are of (?P<k>\d+) patients?, several per patient, and the "
         r"protocol's unit is the case \(statistics\.resampling_unit = \"case\"\): every "
         r"interval takes them as independent and is too narrow if a patient's cases are "
         r"alike; resampling_unit = \"patient\" accounts for it",
         "증례 {n}개는 환자 {k}명의 것으로 환자마다 여러 개이지만 시험 계획서의 단위는 증례입니다 "
         "(statistics.resampling_unit): 모든 신뢰구간이 이들을 독립으로 다루므로, "
         "한 환자의 증례들이 서로 비슷하면 구간이 지나치게 좁습니다. resampling_unit = "
         "\"patient\"로 하면 이를 반영합니다"),
    Note(r"the intervals of bias, the limits of agreement, MAE, RMSE and Lin's CCC take the "
         r"(?P<n>\d+) measured cases as independent, but they are of (?P<k>\d+) patients?, "
         r"several per patient: they are too narrow if a patient's cases are alike \(these "
         r"intervals have no form over patients here\)",
         "편향, 일치 한계, MAE, RMSE, Lin의 CCC의 신뢰구간은 측정된 증례 {n}개를 서로 독립으로 "
         "다루지만, 이들은 환자 {k}명의 것으로 환자마다 여러 개입니다: 한 환자의 증례들이 서로 "
         "비슷하면 구간이 지나치게 좁습니다 (이 신뢰구간들에는 환자 단위의 형태가 아직 없습니다)"),
    Note(r"the log method takes the (?P<n>\d+) cases as independent, but they are of "
         r"(?P<k>\d+) patients?, several per patient: the interval is too narrow if a "
         r"patient's cases are alike \(the likelihood ratios' interval has no form over "
         r"patients here\)",
         "로그 방법은 증례 {n}건을 서로 독립으로 다루지만, 이들은 환자 {k}명의 것으로 환자마다 "
         "여러 건입니다: 한 환자의 증례들이 서로 비슷하면 신뢰구간이 너무 좁습니다 (우도비의 "
         "신뢰구간에는 환자 단위의 형태가 아직 없습니다)"),
    Note(r"newcombe takes the (?P<n>\d+) cases as independent, but they are of (?P<k>\d+) "
         r"patients?, several per patient: the interval is too narrow if a patient's cases are "
         r"alike; auc_method = \"delong\" \(Obuchowski's clustered form here\) or "
         r"\"bootstrap\" \(patients resampled\) accounts for it",
         "newcombe 방법은 증례 {n}건을 서로 독립으로 다루지만, 이들은 환자 {k}명의 것으로 환자마다 "
         "여러 건입니다: 한 환자의 증례들이 서로 비슷하면 신뢰구간이 너무 좁습니다. "
         "auc_method = \"delong\"(여기서는 Obuchowski의 군집 형태) 또는 \"bootstrap\"(환자 "
         "재표집)이 이를 반영합니다"),
    Note(r"case ids that differ only in letter case: (?P<shown>.+); on a file system that "
         r"ignores letter case \(macOS, Windows\) their prediction files are one file, read "
         r"for both cases: evaluate such a set on one that does not \(Linux\), or give the "
         r"cases ids that differ otherwise",
         "대소문자만 다른 증례 ID가 있습니다: {shown}. 대소문자를 구별하지 않는 파일 시스템"
         "(macOS, Windows)에서는 이들의 예측 파일이 한 파일이어서 두 증례 모두에 읽힙니다. "
         "이런 세트는 대소문자를 구별하는 파일 시스템(Linux)에서 평가하거나, 증례 ID를 "
         "달리 정하십시오", {"shown": lambda t: _spellings(t)}),
    Note(r"categories (?P<listed>.+) have no reference object: their COCO AP is undefined "
         r"and left out of the means over categories \(as pycocotools\)",
         "범주 {listed}에는 기준 객체가 없습니다: 그 COCO AP는 정의되지 않으며 범주 평균에서 "
         "제외했습니다 (pycocotools와 같음)"),
    Note(r"COCO AP: (?P<n>\d+) score\(s\) are given to detections of more than one image "
         r"\((?P<shown>.+)\); ranked by score, tied detections keep the order of the images, "
         r"which medeval numbers by file_name, so pycocotools on a COCO file that numbers the "
         r"images otherwise can give other figures \(scores without ties avoid this\)",
         "COCO AP: 점수 {n}개가 둘 이상의 영상의 검출에 주어졌습니다 ({shown}). 점수로 순위를 "
         "매길 때 동점인 검출은 영상의 순서를 따르고 medeval은 영상을 file_name 순으로 "
         "번호 매기므로, 영상 번호를 달리 매긴 COCO 파일에서는 pycocotools가 다른 수치를 줄 수 "
         "있습니다 (동점이 없는 점수라면 이런 일이 없습니다)",
         {"shown": lambda s: s.replace(" (category ", " (범주 ").replace(
             " more", "개").replace(" and ", " 외 ")}),
    Note(r"(?P<k>\d+) of (?P<n>\d+) reference object\(s\), in (?P<m>\d+) image\(s\) "
         r"\(e\.g\. case (?P<case>.+?)\), are crowd regions \(iscrowd = 1\): COCO AP ignores "
         r"them and the FROC does not count them as lesions \(a detection on one is a false "
         r"positive there\); annotation tools write iscrowd = 1 for objects drawn as masks "
         r"\(CVAT's COCO RLE\): if they are lesions, set iscrowd to 0 in the reference",
         "기준 객체 {n}개 중 {k}개(영상 {m}개, 예: 증례 {case})가 군집 영역(iscrowd = 1)입니다: "
         "COCO AP는 이들을 무시하고 FROC는 이들을 병변으로 세지 않습니다 (그 위의 검출은 FROC에서 "
         "위양성입니다). 주석 도구는 마스크로 그린 객체에 iscrowd = 1을 씁니다 (CVAT의 COCO "
         "RLE): 이들이 병변이면 기준에서 iscrowd를 0으로 고치십시오"),
)

#: Sentences medeval 0.11.0 could already write but :data:`NOTES` did not know (a Korean
#: certificate of a 0.11.0 result printed them in English, marked as the original, and
#: must print them so again): :mod:`~medeval.report.notes_ko_revised` gives them to the
#: results made after 0.11.0 only.
NOTES_AFTER_0_11_0: tuple[Note, ...] = (
    # segmentation (tasks._frame_notes.key_frame_warning): one mask image on a cine
    Note(r"(?P<n>\d+) of (?P<m>\d+) case\(s\) score one 2-D mask on a multi-frame input "
         r"without positions \(a cine\): (?P<shown>.+)\. The mask names no frame, so the "
         r"reference and the prediction were compared as drawn on the same one; say in the "
         r"protocol which frame that is \(a key frame\), or make each frame a case of its own",
         "증례 {m}개 중 {n}개는 위치 정보가 없는 다중 프레임 입력(시네)에 2-D 마스크 하나로 "
         "채점했습니다: {shown}. 마스크에는 프레임 표시가 없어, 참조와 예측이 같은 프레임에 "
         "그려진 것으로 보고 비교했습니다. 그 프레임이 어느 것인지(키 프레임) 시험 계획서에 "
         "밝히거나, 각 프레임을 별도의 증례로 만드십시오",
         {"shown": lambda t: re.sub(
             r"; \.\.\. \((\d+) cases\)$", r"; ... (증례 \1개)",
             re.sub(r", (\d+) frames\)", r", 프레임 \1개)", t))}),
    # segmentation (tasks._frame_notes.corrected_warning): mammograms whose
    # PixelSpacing copies ImagerPixelSpacing beside a magnification factor above 1
    Note(r"(?P<n>\d+) of (?P<m>\d+) case\(s\) were measured in mm with ImagerPixelSpacing / "
         r"EstimatedRadiographicMagnificationFactor \(the size in the breast\), not with "
         r"their PixelSpacing, which copies ImagerPixelSpacing \(the detector plane; no "
         r"PixelSpacingCalibrationType\): (?P<shown>.+)",
         "증례 {m}개 중 {n}개는 PixelSpacing이 ImagerPixelSpacing(검출기 평면의 값)을 그대로 "
         "옮긴 것이어서(PixelSpacingCalibrationType 없음), mm 거리를 PixelSpacing 대신 "
         "ImagerPixelSpacing / EstimatedRadiographicMagnificationFactor(유방 안에서의 크기)로 "
         "측정했습니다: {shown}",
         {"shown": lambda t: re.sub(r"; \.\.\. \((\d+) cases\)$", r"; ... (증례 \1개)", t)}),
    # segmentation (tasks.segmentation._unscored_warning): masks coded 0/255, or a lesion
    # coded 2, under labels [1]
    Note(r"(?P<n>\d+) of (?P<m>\d+) case\(s\) have a reference holding none of the scored "
         r"label\(s\) (?P<labels>.+?) but other values \((?P<values>[^()]+)\): "
         r"(?P<shown>.+); each is scored as an empty reference\. If the masks are coded "
         r"otherwise \(0/255, say\), declare those values as \[task\] labels or recode the "
         r"masks",
         "증례 {m}개 중 {n}개의 참조 마스크에 채점할 레이블({labels})은 없고 다른 값({values})만 "
         "있습니다: {shown}. 이 증례들은 각각 참조가 빈 마스크인 것으로 채점했습니다. 마스크가 "
         "다른 값으로 부호화되어 있다면(예: 0/255) 그 값을 시험 계획서의 [task] labels로 "
         "선언하거나 마스크를 다시 부호화하십시오",
         {"shown": lambda t: re.sub(r", \.\.\. \((\d+) cases\)$", r", ... (증례 \1개)", t)}),
    # eeg-events (tasks.eeg_events._left_out_warning): an EDF+ prediction's annotations
    # of texts the protocol's event_annotations does not name (a hypnogram's stages)
    Note(r"EDF\+ prediction annotations whose text the protocol's event_annotations does "
         r"not name were left out, not scored as detected events: (?P<shown>.+)",
         "EDF+ 예측 주석 가운데 시험 계획서의 event_annotations에 없는 글은 검출 사건으로 "
         "채점하지 않고 제외했습니다: {shown}",
         {"shown": lambda t: re.sub(
             r"; \.\.\. \((\d+) recordings\)$", r"; ... (기록 \1개)",
             re.sub(r", \.\.\. \((\d+) texts\)", r", ... (글 \1개)", t))}),
    # coco-detection (tasks.coco_detection._outside_texts): result boxes beyond the frame
    # (a detector run on a resized copy), and boxes of zero width or height
    Note(r"(?P<n>\d+) result box\(es\) of (?P<m>\d+) case\(s\) lie wholly outside their "
         r"frame \(e\.g\. case (?P<case>.+?): \[(?P<box>[^\]]*)\] on a frame (?P<w>\d+) px "
         r"wide, (?P<h>\d+) px high\): were the detections made on a resized copy of the "
         r"frames\? They are scored as false positives, as COCOeval scores them",
         "증례 {m}개의 결과 상자 {n}개가 프레임을 완전히 벗어나 있습니다 (예: 증례 {case}: 너비 "
         "{w} px, 높이 {h} px인 프레임의 [{box}]): 크기를 바꾼 프레임 사본에서 검출한 "
         "것입니까? 이 상자들은 COCOeval이 채점하듯 위양성으로 채점되었습니다"),
    Note(r"(?P<n>\d+) result box\(es\) of (?P<m>\d+) case\(s\) have no area, a width or "
         r"height of 0 \(e\.g\. case (?P<case>.+?): \[(?P<box>[^\]]*)\] on a frame "
         r"(?P<w>\d+) px wide, (?P<h>\d+) px high\): such a box overlaps no object, and is "
         r"scored as a false positive, as COCOeval scores it",
         "증례 {m}개의 결과 상자 {n}개는 너비나 높이가 0이라 면적이 없습니다 (예: 증례 "
         "{case}: 너비 {w} px, 높이 {h} px인 프레임의 [{box}]): 이런 상자는 어떤 객체와도 "
         "겹치지 않으며, COCOeval이 채점하듯 위양성으로 채점되었습니다"),
    # reader study (tasks.reader_study.aggregate, stats.mrmc.below_chance_text): a reader
    # whose AUC lies below 0.5 with its whole interval (ratings on a reversed scale?)
    Note(r"reader\(s\) (?P<readers>.+) in the (?P<role>test|reference) treatment: the AUC "
         r"and its whole (?P<level>\S+)% interval lie below 0\.5, so the reader ranked the "
         r"cases without the condition above those with it: were the ratings given on a "
         r"reversed scale \(1 for the most suspicious where 5 was meant\)\? The AUC is not "
         r"flipped and counts in the reader average: check these readings",
         "{role} 조건에서 AUC와 그 {level}% 신뢰구간 전체가 0.5보다 작은 판독자가 있습니다: "
         "{readers}. 이 판독자는 질환이 없는 증례를 질환이 있는 증례보다 더 의심스럽게 "
         "평가했습니다. 점수 척도를 거꾸로 적용했습니까 (예: 5가 가장 의심스러운 척도에서 "
         "1을 가장 의심스러운 것으로 줌)? AUC는 뒤집지 않으며 판독자 평균에 포함됩니다. 판독 "
         "기록을 확인하십시오",
         {"role": _one_of({"test": "시험", "reference": "대조"})}),
    # evaluation (_evaluation_warnings._patients_across): most patients with several
    # cases lie in several values of a subgroup column (a case's column, or two sites
    # numbering their patients alike)
    Note(r"(?P<column>[^:]+): (?P<k>\d+) of the (?P<m>\d+) patients with several cases "
         r"ha(?:s|ve) cases in more than one value \((?P<shown>.+)\): if (?P=column) is a "
         r"case's \(a view, an image's quality\), that is expected: declare it in the "
         r"protocol, \[subgroups\] case_columns = \[(?P<toml>\"(?:[^\"\\]|\\.)*\")\]; "
         r"if it is the patient's "
         r"\(a site, a sex\), each such id names a different patient in each value \(sites "
         r"numbering their patients alike\), so the set's patients are undercounted and the "
         r"intervals take their cases as one patient's: make the ids unique in the manifest "
         r"\(prefix the site, say\)",
         "{column}: 증례가 여럿인 환자 {m}명 중 {k}명의 증례가 둘 이상의 값에 걸쳐 있습니다 "
         "({shown}). {column}이(가) 증례의 속성(촬영 방향, 영상 품질)이라면 예상된 일이니 "
         "시험 계획서에 [subgroups] case_columns = [{toml}]로 선언하십시오. "
         "환자의 속성(기관, 성별)이라면 이런 ID는 값마다 다른 환자를 가리키므로 (기관들이 환자 "
         "번호를 같게 매긴 경우) 데이터셋의 환자 수가 실제보다 적게 세어지고, 신뢰구간은 그 "
         "증례들을 한 환자의 것으로 다룹니다. 매니페스트에서 ID를 고유하게 만드십시오 (예: 기관 "
         "이름을 앞에 붙임)"),
)


def _ratio_why(text: str) -> str | None:
    """The bootstrap's optional reason: its ratios' reasons, joined by " and "."""
    if not text:
        return ""
    korean = _joined(_RATIO_REASONS, " and ", ", ")(text)
    return None if korean is None else f": {korean}"


def _resample_why(text: str) -> str | None:
    """Why the bootstrap left resamples out (``": on each, <reason>"``), or ""."""
    if not text:
        return ""
    reason = text.removeprefix(": on each, ")
    table = {**_RATIO_REASONS, **_RESAMPLE_REASONS}
    korean = table.get(reason) or _joined(table, " or ", " 또는 ")(reason)
    return None if korean is None else f": 각 재표본에서 {korean}"


#: What a resample lacks where a detection figure is undefined (``metrics.coco``,
#: ``tasks.detection``).
_RESAMPLE_REASONS = {
    "there is no reference lesion": "기준 병변이 없음",
    "there is no case of some class, so its one-vs-rest AUC is undefined":
        "어느 분류의 증례가 없어 그 분류의 일대다 AUC가 정의되지 않음",
    "some label has no case carrying it, or none without it, so its AUC is undefined":
        "어느 레이블을 가진 증례가 없거나 그 레이블이 없는 증례가 없어 그 레이블의 AUC가 "
        "정의되지 않음",
    **{f"there is no reference object (not crowd){area}": f"기준 객체(crowd 제외){ko}가 없음"
       for area, ko in _COCO_AREAS.items()},
}

_ID = r"(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"  # an id as repr() quotes it


def _spellings(text: str) -> str | None:
    """The spellings of each patient id (``'P1' and 'p1'; ...; ... and 3 more``)."""
    tail = ""
    more = re.fullmatch(r"(?P<shown>.*); \.\.\. and (?P<n>\d+) more", text, flags=re.DOTALL)
    if more is not None:
        text, tail = more["shown"], f"; ... 외 {more['n']}건"
    group = rf"{_ID}(?: and {_ID})+"  # one id's spellings; an id may hold "; " itself
    if not re.fullmatch(rf"{group}(?:; {group})*", text, flags=re.DOTALL):
        return None
    out = [", ".join(re.findall(_ID, found.group(0)))
           for found in re.finditer(group, text, flags=re.DOTALL)]
    return "; ".join(out) + tail


def _design_why(text: str) -> str | None:
    match = re.fullmatch(r"p = (\S+) \(no within-cluster variation to estimate it from\)",
                         text)
    return f"p = {match.group(1)}에서는 추정의 근거가 될 군집 내 변동이 없어" if match else None
