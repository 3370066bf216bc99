"""The Korean of the definitions' formulas and references, as the certificate's table of
written definitions prints them.

:mod:`medeval.definitions` is the one source of a definition (a result records its id;
an id never changes meaning, nor its English). Where a formula or a reference holds
words ("..., at the sample's prevalence", "cells as reference class then test class"),
their Korean is written here, keyed by the definition's id; pure formulas ("(TP + FN) /
N", "2 |R & P| / (|R| + |P|)") have none and print as written in every language, and so
do citations (authors, journal, year), of which only the explanatory words around them
are translated. ``tests/report/test_definitions_ko.py`` fails for a definition whose
English has words and no Korean here, and for a Korean that lost or changed a number,
a symbol or a variable of the English.

The Korean is printed for results made after :data:`DEFINITIONS_KO_UNTIL`; a result made
by that release prints its definitions in English in every language, as issued.

Examples
--------
>>> from medeval.definitions import DEFINITIONS
>>> from medeval.report.catalogue import texts
>>> texts(formula_cell(DEFINITIONS["ppv"]), "ko+en")
('TP / (TP + FP), 표본의 유병률에서', "TP / (TP + FP), at the sample's prevalence")
>>> formula_cell(DEFINITIONS["dice"])
'2 |R & P| / (|R| + |P|)'
"""

from __future__ import annotations

from ..definitions import DEFINITIONS, MetricDefinition
from .blocks import Cell
from .catalogue import Msg

__all__ = ["DEFINITIONS_KO_UNTIL", "FORMULAS_KO", "REFERENCES_KO", "formula_cell",
           "reference_cell"]

#: The last release whose certificates print the definitions' formulas and references in
#: English in a Korean certificate too.
DEFINITIONS_KO_UNTIL = "0.11.0"

_REFUSED = "실패한 증례(답 없음)"
_WEIGHS = ("{w}(레이블 위치 기준); " + _REFUSED + "는 분류와 관계없이 척도의 양 끝 사이의 "
           "거리인 {k}의 가중치")
_SKLEARN = "(scikit-learn average='{a}', labels = 시험 계획서의 분류)"
_HD = "d(R->P)와 d(P->R)를 통합한 "
_ICC = "McGraw & Wong 1996 표 4의 형식 {form}; 신뢰구간은 같은 논문의 표 7(F)"
_SZCORE_FP = "FP / (초 단위 기록 길이 / 86400)"

#: The Korean of each formula with words, keyed by definition id (COCO's are added below).
FORMULAS_KO: dict[str, str] = {
    "ppv": "TP / (TP + FP), 표본의 유병률에서",
    "npv": "TN / (TN + FN), 표본의 유병률에서",
    "accuracy@multiclass": "#{예측 분류가 참조 분류인 증례} / N; " + _REFUSED + "는 틀린 것으로 셈",
    "accuracy_within": "#{|pos(출력) - pos(참조)| <= n} / N(레이블 위치 기준); 답이 없으면 불일치",
    "balanced_accuracy": "(민감도 + 특이도) / 2",
    "youden_j": "민감도 + 특이도 - 1",
    "lr_positive": "민감도 / (1 - 특이도)",
    "lr_negative": "(1 - 민감도) / 특이도",
    "roc_auc": "Mann-Whitney: 양성-음성 쌍 전체에 대한 [s+ > s-] + 1/2 [s+ = s-]의 평균; 높은 "
               "점수 = 양성, 방향을 뒤집지 않음",
    "case_roc_auc": "증례에 대한 roc_auc: 참조 병변이 있는 증례를 양성으로, 그 증례의 가장 높은 "
                    "검출 점수로 점수를 매김(검출 없음: 0, 또는 음수인 증례 점수가 있으면 "
                    "가장 낮은 증례 점수의 내림보다 1 아래); 실패한 증례는 잘못된 "
                    "순위로(최악의 결과: 병변이 있으면 모든 증례보다 아래, 없으면 모든 "
                    "증례보다 위)",
    "roc_auc_ovr": "분류 k 대 나머지 모든 분류의 roc_auc, 각 증례는 분류 k의 확률로 점수를 "
                   "매김(실패한 증례는 잘못된 순위로)",
    "roc_auc_ovr_macro": "K개 분류의 roc_auc_ovr의 비가중 평균(scikit-learn의 roc_auc_score, "
                         "multi_class='ovr', average='macro')",
    "roc_auc_label_macro": "L개 레이블의 roc_auc의 비가중 평균, 각 레이블의 있음 대 없음을 그 "
                           "레이블의 점수로 순위를 매김(지시 행렬에 대한 scikit-learn의 "
                           "roc_auc_score(Y, S, average='macro'))",
    "hamming_loss": "#{(증례, 레이블): 판정 != 참조} / (N L); 실패한 증례는 모든 레이블을 "
                    "틀린 것으로 셈",
    "subset_accuracy": "#{모든 레이블이 참조대로 판정된 증례} / N",
    "roc_auc_referable": "referable_from 분류부터의 분류 대 그 앞 분류의 roc_auc, 각 증례는 "
                         "의뢰 대상 분류의 확률의 합으로 점수를 매김",
    "average_precision": "서로 다른 임계값(내림차순)에 대한 (R_k - R_(k-1)) P_k의 합, 보간 없음",
    "brier_score": "(p - y)^2의 평균, y는 {0, 1} 중 하나",
    "ece@uniform": "구간별 (n_b / N) |mean(y) - mean(p)|의 합; [0, 1]의 등간격 구간, 오른쪽 "
                   "닫힘, 첫 구간은 왼쪽도 닫힘",
    "cohen_kappa@linear": "1 - sum(w O) / sum(w E), w_ij = |i - j|(레이블 위치 기준)",
    "cohen_kappa@quadratic": "1 - sum(w O) / sum(w E), w_ij = (i - j)^2(레이블 위치 기준)",
    "cohen_kappa@classes": "(p_o - p_e) / (1 - p_e); p_o = 참조 분류로 답한 증례 / N, p_e = K개 "
                           "분류에 대한 r_k c_k / N^2의 합(r_k는 분류 k의 참조 증례, c_k는 k로 "
                           "답한 증례); " + _REFUSED + "는 어느 분류와도 일치하지 않음",
    "cohen_kappa@classes-linear": "1 - sum(w O) / sum(w E), E_ij = r_i c_j / N; " + _WEIGHS.format(
        w="w_ij = |i - j|", k="K - 1"),
    "cohen_kappa@classes-quadratic": "1 - sum(w O) / sum(w E), E_ij = r_i c_j / N; "
                                     + _WEIGHS.format(w="w_ij = (i - j)^2", k="(K - 1)^2"),
    "average@macro": "모든 분류의 일대다 값의 비가중 평균",
    "average@micro": "분류에 걸쳐 합산한 일대다 계수의 비",
    "average@weighted": "참조 증례 수로 가중한 일대다 값의 평균",
    "class_average@macro": "(1/K) K개 분류에 대한 그 분류의 일대다 비의 합: 민감도 TP_k / n_k, "
                           "PPV TP_k / (TP_k + FP_k), F1 2 TP_k / (2 TP_k + FP_k + FN_k); n_k는 "
                           "그 분류의 참조 증례 수, " + _REFUSED + "는 그 분류의 FN이며 "
                           "어느 분류의 FP도 아님" + _SKLEARN.format(a="macro"),
    "class_average@micro": "분류에 걸쳐 합산한 계수의 비: 민감도 sum TP_k / N(정확도), PPV sum "
                           "TP_k / 분류로 답한 증례, F1 2 sum TP_k / (2 sum TP_k + sum FP_k + sum "
                           "FN_k); 실패한 증례는 그 분류의 FN이며 어느 분류의 FP도 아님"
                           + _SKLEARN.format(a="micro"),
    "class_average@weighted": "분류별로 (n_k / N)와 그 분류의 일대다 비(매크로 평균에서와 같음)를 "
                              "곱한 값의 합, n_k는 그 분류의 참조 증례 수: 참조 증례가 없는 분류는 "
                              "가중치 0" + _SKLEARN.format(a="weighted"),
    "volume_ml": "복셀 수 x 간격의 곱 / 1000",
    "hausdorff": "max(max d(R->P), max d(P->R)), 경계 복셀(마스크에서 침식을 뺀 것)에 대해",
    "hd95@max-directed": "max(P95 d(R->P), P95 d(P->R)), 선형 보간; MONAI, MetricsReloaded와 같음",
    "hd95@pooled": _HD + "P95, 선형 보간; MedPy hd95와 같음",
    "assd": _HD + "평균, 경계 복셀; MedPy 0.5 assd와 같음",
    "masd": "(mean d(R->P) + mean d(P->R)) / 2, 경계 복셀",
    "nsd@surfel": "상대 표면에서 허용 거리 이내인 surfel의 면적 / 전체 면적, 두 표면 모두; "
                  "거리 <= 허용 거리",
    "nsd@count": "상대 경계에서 허용 거리 이내인 경계 복셀 / 모든 경계 복셀, 두 마스크 모두; "
                 "거리 <= 허용 거리; MONAI compute_surface_dice의 기본값",
    "lesion_sensitivity": "짝지어진 참조 병변 / 참조 병변; 연결 성분을 IoU 또는 겹침 여부로 "
                          "일대일 짝지음(헝가리안 방법, 전체 IoU 최대)",
    "false_positive_lesions": "어느 참조 병변과도 짝지어지지 않은 출력의 연결 성분",
    "ec57_qrs_sensitivity": "QTP / (QTP + QFN); 5분 학습 구간 뒤부터 0.15초 이내(경계 포함)의 "
                            "박동을 짝지음",
    "ec57_qrs_ppv": "QTP / (QTP + QFP); QFP = 참조 박동이 없는 알고리즘 박동",
    "ec57_veb_ppv": "Vv / (Vv + Nv + Sv + Ov); 알고리즘이 V로 표시한 참조 F나 Q 박동은 "
                    "위양성이 아님",
    "ec57_sveb_ppv": "Ss / (Ss + Ns + Vs + Fs + Os), 기록별; 합산할 때는 Fs 제외(sumstats)",
    "ec57_veb_fpr": "(Nv + Sv + Ov) / (Nv + Sv + Ov + 행 N,S,F,Q,O x 열 n,s,f,q)",
    "szcore_event_sensitivity": "TP / 참조 사건; TP = 시작 30초 전부터 끝 60초 뒤까지로 넓힌 "
                                "참조 사건과 겹치는 알고리즘 사건; 90초보다 가까운 사건은 병합, "
                                "300초보다 긴 사건은 분할",
    "szcore_event_precision": "TP / (TP + FP); FP = 검출된 참조 사건과 전혀 닿지 않는 "
                              "알고리즘 사건",
    "szcore_event_fp_per_24h": _SZCORE_FP,
    "szcore_sample_sensitivity": "TP / 참조 표본; 명시된 표본율로 표본마다 셈",
    "szcore_sample_precision": "TP / (TP + FP); FP = 검출된 참조와 전혀 닿지 않는 알고리즘 표본",
    "szcore_sample_fp_per_24h": _SZCORE_FP,
    "completion_rate": "유효한 출력이 있는 증례 / 시험 데이터셋의 모든 증례",
    "bland_altman_bias": "mean(측정값 - 참조값)",
    "bland_altman_loa": "편향 -/+ z SD, z = Phi^-1(0.975); 신뢰구간은 정확 구간(Carkeet 2015) "
                        "또는 B&A 1986",
    "mae": "mean(|측정값 - 참조값|)",
    "rmse": "sqrt(mean((측정값 - 참조값)^2))",
    "lins_ccc": "2 s_xy / (s_x^2 + s_y^2 + (mean x - mean y)^2), 제수 n; 신뢰구간은 Fisher z, "
                "Lin 2000",
    **{f"icc@{form.replace(',', '-')}": _ICC.format(form=form)
       for form in ("1,1", "A,1", "C,1", "1,k", "A,k", "C,k")},
    "mrmc_reader_averaged_auc": "조건별로, 판독자마다의 Wilcoxon AUC(양성-음성 증례 쌍 전체에 "
                                "대한 [x+ > x-] + 1/2 [x+ = x-]의 평균)의 판독자 평균; 구간은 "
                                "판정한 범위에 대한 그 조건의 Obuchowski-Rockette(또는 DBM) "
                                "분석에서",
    "mrmc_auc_difference": "시험 조건의 판독자 평균 AUC에서 대조 조건의 것을 뺀 값; 구간은 "
                           "판독자·증례 무작위에서 차이 +/- t(ddf_H) SE(Obuchowski-Rockette, "
                           "Hillis 2007 ddf; DBM도 같음), 판독자 고정에서 z(Obuchowski-Rockette) "
                           "또는 t((t-1)(c-1))(DBM, t는 조건 수, c는 증례 수), 증례 고정에서 "
                           "t(MS(T*R)의 df)",
    "froc_sensitivity": "짝지어진 병변 / 모든 병변, 증례당 FP가 그 비율을 넘지 않는 작동점 중 "
                        "그 값이 가장 큰 작동점에서(계단식); 증례당 FP는 병변 없는 증례를 포함해 "
                        "채점된 모든 증례에 대해(실패한 증례는 최악의 결과로, 그 병변을 놓친 "
                        "것으로 남기고 증례 수에는 더하지 않음); 모든 임계값에서 일대일 최대 "
                        "짝짓기",
    "froc_cpm": "증례당 FP 1/8, 1/4, 1/2, 1, 2, 4, 8개에서의 FROC 민감도의 평균",
    "detection_average_precision": "서로 다른 점수(내림차순)에 대한 (Se_k - Se_(k-1)) TP_k / "
                                   "(TP_k + FP_k)의 합, 보간 없음; 병변 재현율",
}

_COCO_MATCH = (
    "영상과 범주마다 검출을 점수 내림차순으로(안정 정렬; 최대 100개) 각각 남은 참조 객체 중 "
    "IoU >= t이고 그 값이 가장 높은 것과 짝지음(상자 IoU, 또는 iou_type 'segm'이면 마스크 "
    "IoU), 무시할 객체보다 셀 객체를 먼저(crowd 영역: IoU = 교집합 / 검출 면적, "
    "짝지어지되 무시; 면적 범위 밖의 객체는 무시)"
)
_COCO_AP = (
    "{iou}의 IoU t와 객체가 있는 범주에 대해 평균한, 0:0.01:1의 재현율 r마다 재현율 >= r에서의 "
    "최대 정밀도(없으면 0)를 더한 합의 (1/101); 검출은 영상에 걸쳐 점수 내림차순으로 합침, "
    "{area}, 영상당 최대 100개; "
)
_COCO_AR = (
    "0.50:0.05:0.95의 IoU t와 객체가 있는 범주에 대해 평균한, 마지막 검출 뒤의 재현율 TP / 객체; "
    "{area}, 영상당 최대 {limit}개; "
)
_COCO_AREAS = {
    "": "모든 면적", "_small": "면적 <= 32^2 px인 객체", "_medium":
    "면적 32^2 ~ 96^2 px인 객체(양 끝 포함)", "_large":
    "면적 >= 96^2 px인 객체(참조 객체는 area 필드, 검출은 w x h)",
}


def _coco() -> dict[str, str]:
    """The Korean of the twelve COCOeval figures' formulas, written as their English is
    (:func:`medeval.definitions._coco_definitions`)."""
    found = {}
    for suffix, what in (("", "0.50:0.05:0.95"), ("50", "0.50"), ("75", "0.75")):
        found[f"coco_ap{suffix}"] = _COCO_AP.format(iou=what, area=_COCO_AREAS[""])
    for limit in (1, 10, 100):
        found[f"coco_ar{limit}"] = _COCO_AR.format(area=_COCO_AREAS[""], limit=limit)
    for suffix, area in list(_COCO_AREAS.items())[1:]:
        found[f"coco_ap{suffix}"] = _COCO_AP.format(iou="0.50:0.05:0.95", area=area)
        found[f"coco_ar{suffix}"] = _COCO_AR.format(area=area, limit=100)
    return {key: text + _COCO_MATCH for key, text in found.items()}


FORMULAS_KO.update(_coco())

_EC57 = (
    "ANSI/AAMI EC57:2012; Moody GB, Mark RG: bxb, WFDB Software Package (PhysioNet); 칸 이름은 "
    "참조 분류 다음에 알고리즘 분류, o: 알고리즘 박동 없음, O: 참조 박동 없음"
)
_HANLEY = "Hanley JA, McNeil BJ. Radiology 1982;143:29-36"

#: The Korean of each reference with explanatory words, keyed by definition id; the
#: citations in it are the English's, as written.
REFERENCES_KO: dict[str, str] = {
    "accuracy_within": "인접 일치: Cohen J. Psychol Bull 1968;70:213-20(순서 척도에서 근접 "
                       "일치를 인정)",
    "case_roc_auc": _HANLEY + "; Chakraborty DP. Med Phys 1989;16:561-8(증례의 가장 높은 평가 "
                    "점수)",
    "roc_auc_ovr": "Hand DJ, Till RJ. Mach Learn 2001;45:171-86(일대다 형식: Provost F, Domingos "
                   "P. CeDER Working Paper IS-00-04, 2000); " + _HANLEY,
    "roc_auc_label_macro": "Strodthoff N, Wagner P, Schaeffter T, Samek W. IEEE J Biomed Health "
                           "Inform 2021;25(5):1519-28(PTB-XL 벤치마크); scikit-learn roc_auc_score",
    "subset_accuracy": "Tsoumakas G, Katakis I. Int J Data Warehous Min 2007;3(3):1-13; 지시 "
                       "행렬에 대한 scikit-learn accuracy_score",
    "roc_auc_referable": _HANLEY + "; 의뢰 대상 DR을 양성 분류로: Gulshan V et al. JAMA "
                         "2016;316:2402-10",
    **{key: _EC57 for key in DEFINITIONS if key.startswith("ec57_")},
    "completion_rate": "FDA. Statistical guidance on reporting results from studies evaluating "
                       "diagnostic tests, 2007(판정 불능 결과)",
}


def formula_cell(definition: MetricDefinition) -> Cell:
    """A definition's formula as a cell: Korean and English where it has words, else the
    formula as written (the same in every language)."""
    return _cell(FORMULAS_KO.get(definition.id), definition.formula)


def reference_cell(definition: MetricDefinition) -> Cell:
    """A definition's reference as a cell: the citations as written, their explanatory
    words in Korean in a Korean certificate."""
    return _cell(REFERENCES_KO.get(definition.id), definition.reference)


def _cell(korean: str | None, english: str) -> Cell:
    if korean is None:
        return english
    return Msg("text.as_written", (("ko", korean), ("en", english)))
