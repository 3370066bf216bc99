"""The written definition of every figure medeval reports, by id.

A result names, for each metric, the id of the definition that produced it; the
certificate prints the formula and the reference from here. Ids are ``name`` or
``name@variant`` where peers disagree (``hd95@max-directed``, ``hd95@pooled``,
``nsd@surfel``, ``nsd@count``). An id never changes meaning: a changed formula gets a new
id. ``tests/metrics/test_registry.py`` fails when a definition has no conformance test.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["DEFINITIONS", "MetricDefinition", "definition"]


@dataclass(frozen=True)
class MetricDefinition:
    """One metric's definition.

    Attributes
    ----------
    id : str
        Stable identifier, e.g. ``"sensitivity"``.
    name : str
        Human name.
    formula : str
        The formula in plain text.
    higher_is_better : bool or None
        Direction; None where neither is better (prevalence, volume).
    reference : str
        The paper or standard that defines it.
    edge_cases : str
        The stated answer where the formula is undefined.
    unit : str
        ``"1"`` for ratios and proportions, otherwise the unit (``"mm"``, ``"mL"``,
        ``"per case"``).
    bounds : tuple of float
        The range of possible values (an acceptance goal outside it is refused).
    """

    id: str
    name: str
    formula: str
    higher_is_better: bool | None
    reference: str
    edge_cases: str = ""
    unit: str = "1"
    bounds: tuple[float, float] = (0.0, 1.0)


_UNDEFINED = "NaN with UndefinedMetricWarning when the denominator is 0"
_EMPTY_OVERLAP = "both masks empty 1; exactly one empty 0 (flagged)"
_EMPTY_DISTANCE = "both masks empty 0; exactly one empty inf (flagged)"
_EMPTY_NSD = "both masks empty 1; exactly one empty 0 (flagged)"
_POSITIVE = (0.0, math.inf)
_EC57 = (
    "ANSI/AAMI EC57:2012; Moody GB, Mark RG: bxb, WFDB Software Package (PhysioNet); "
    "cells as reference class then test class, o no test beat, O no reference beat"
)
_SZCORE = (
    "Dan J, Pale U, Amirshahi A, et al. SzCORE: seizure community open-source research "
    "evaluation framework. Epilepsia 2024; timescoring 0.0.7"
)
_SIGNED = (-1.0, 1.0)

_COCO = (
    "Lin T-Y, Maire M, Belongie S, et al. Microsoft COCO: common objects in context. "
    "ECCV 2014, LNCS 8693:740-55; COCO detection evaluation (cocodataset.org/#detection-eval), "
    "pycocotools COCOeval"
)
_COCO_MATCH = (
    "per image and category, detections by decreasing score (stable; at most 100) each take "
    "the free reference object of highest IoU >= t (box IoU, or mask IoU with iou_type "
    "'segm'), counted objects before ignored ones (crowd regions: IoU = intersection / "
    "detection area, matched but ignored; objects outside the area range ignored)"
)
_COCO_AP = (
    "mean over IoU t in {iou} and over categories with objects of (1/101) sum over recall "
    "r in 0:0.01:1 of max precision at recall >= r (0 if none); detections pooled over "
    "images by decreasing score, {area}, at most 100 per image; "
)
_COCO_AR = (
    "mean over IoU t in 0.50:0.05:0.95 and over categories with objects of the recall "
    "TP / objects after the last detection; {area}, at most {limit} per image; "
)
_COCO_AREAS = {
    "": "all areas", "_small": "objects of area <= 32^2 px", "_medium":
    "objects of area 32^2 to 96^2 px (both ends included)", "_large":
    "objects of area >= 96^2 px (a reference object's area field; a detection's w x h)",
}


def _coco_definitions() -> list[MetricDefinition]:
    """The twelve figures of COCOeval.stats (medeval.metrics.coco_detection)."""
    edge = ("NaN with UndefinedMetricWarning when no category has a (non-crowd) object "
            "in the area range (pycocotools prints -1)")
    found = []
    for suffix, what in (("", "0.50:0.05:0.95"), ("50", "0.50"), ("75", "0.75")):
        found.append(MetricDefinition(
            f"coco_ap{suffix}", f"COCO average precision, IoU {what}",
            _COCO_AP.format(iou=what, area="all areas") + _COCO_MATCH, True, _COCO, edge,
        ))
    for suffix, area in list(_COCO_AREAS.items())[1:]:
        found.append(MetricDefinition(
            f"coco_ap{suffix}", f"COCO average precision, {suffix[1:]} objects",
            _COCO_AP.format(iou="0.50:0.05:0.95", area=area) + _COCO_MATCH, True, _COCO,
            edge,
        ))
    for limit in (1, 10, 100):
        found.append(MetricDefinition(
            f"coco_ar{limit}", f"COCO average recall, {limit} detection(s) per image",
            _COCO_AR.format(area="all areas", limit=limit) + _COCO_MATCH, True, _COCO, edge,
        ))
    for suffix, area in list(_COCO_AREAS.items())[1:]:
        found.append(MetricDefinition(
            f"coco_ar{suffix}", f"COCO average recall, {suffix[1:]} objects",
            _COCO_AR.format(area=area, limit=100) + _COCO_MATCH, True, _COCO, edge,
        ))
    return found


DEFINITIONS: dict[str, MetricDefinition] = {
    d.id: d
    for d in [
        MetricDefinition(
            "prevalence", "Prevalence", "(TP + FN) / N", None,
            "Altman DG, Bland JM. BMJ 1994;309:102", "NaN when N = 0",
        ),
        MetricDefinition(
            "sensitivity", "Sensitivity", "TP / (TP + FN)", True,
            "Yerushalmy J. Public Health Rep 1947;62:1432-49; Altman & Bland, BMJ 1994;308:1552",
            _UNDEFINED,
        ),
        MetricDefinition(
            "specificity", "Specificity", "TN / (TN + FP)", True,
            "Yerushalmy J. Public Health Rep 1947;62:1432-49; Altman & Bland, BMJ 1994;308:1552",
            _UNDEFINED,
        ),
        MetricDefinition(
            "ppv", "Positive predictive value", "TP / (TP + FP), at the sample's prevalence",
            True, "Altman DG, Bland JM. BMJ 1994;309:102", _UNDEFINED,
        ),
        MetricDefinition(
            "npv", "Negative predictive value", "TN / (TN + FN), at the sample's prevalence",
            True, "Altman DG, Bland JM. BMJ 1994;309:102", _UNDEFINED,
        ),
        MetricDefinition(
            "accuracy", "Accuracy", "(TP + TN) / N", True,
            "Metz CE. Semin Nucl Med 1978;8:283-98", _UNDEFINED,
        ),
        # the multiclass-classification task's accuracy, its kappas and averages below
        # (results made after 0.11.0; before, they named 'accuracy', 'cohen_kappa...' and
        # 'average@...', written for two classes, without the failed case, for any ratio)
        MetricDefinition(
            "accuracy@multiclass", "Accuracy (multi-class)",
            "#{cases whose predicted class is the reference class} / N; a failed case (no "
            "answer) is wrong", True,
            "Sokolova M, Lapalme G. Inf Process Manag 2009;45:427-37; scikit-learn "
            "accuracy_score", "NaN with UndefinedMetricWarning when there is no case",
        ),
        MetricDefinition(
            "accuracy_within", "Accuracy within n classes",
            "#{|pos(predicted) - pos(reference)| <= n} / N over label positions; no answer "
            "is a miss", True,
            "adjacent agreement: Cohen J. Psychol Bull 1968;70:213-20 (credit for near "
            "agreement on an ordinal scale)", _UNDEFINED,
        ),
        MetricDefinition(
            "balanced_accuracy", "Balanced accuracy", "(Sensitivity + Specificity) / 2",
            True, "Brodersen KH et al. ICPR 2010:3121-4",
            "NaN when there is no positive or no negative case",
        ),
        MetricDefinition(
            "youden_j", "Youden's J", "Sensitivity + Specificity - 1", True,
            "Youden WJ. Cancer 1950;3:32-35",
            "NaN when there is no positive or no negative case", bounds=_SIGNED,
        ),
        MetricDefinition(
            "f1", "F1 score", "2 TP / (2 TP + FP + FN)", True,
            "van Rijsbergen CJ. Information Retrieval, 1979", _UNDEFINED,
        ),
        MetricDefinition(
            "lr_positive", "Positive likelihood ratio", "Sensitivity / (1 - Specificity)",
            True, "Simel DL, Samsa GP, Matchar DB. J Clin Epidemiol 1991;44:763-70",
            "NaN when TP = 0 or FP = 0 (ratio 0 or infinite); no continuity correction",
            bounds=_POSITIVE,
        ),
        MetricDefinition(
            "lr_negative", "Negative likelihood ratio", "(1 - Sensitivity) / Specificity",
            False, "Simel DL, Samsa GP, Matchar DB. J Clin Epidemiol 1991;44:763-70",
            "NaN when FN = 0 or TN = 0 (ratio 0 or infinite); no continuity correction",
            bounds=_POSITIVE,
        ),
        MetricDefinition(
            "roc_auc", "Area under the ROC curve",
            "Mann-Whitney: mean over positive-negative pairs of [s+ > s-] + 1/2 [s+ = s-]; "
            "higher score = positive, never flipped",
            True, "Hanley JA, McNeil BJ. Radiology 1982;143:29-36",
            "NaN when only one class is present",
        ),
        MetricDefinition(
            "case_roc_auc", "Case-level area under the ROC curve (detection)",
            "roc_auc over cases: a case positive when it holds a reference lesion, scored by "
            "its highest detection score (no detection: 0, or 1 below the floor of the lowest "
            "case score when some is negative); a failed case ranked wrongly (worst case: "
            "below every case if it holds a lesion, above every case if not)", True,
            "Hanley JA, McNeil BJ. Radiology 1982;143:29-36; Chakraborty DP. Med Phys "
            "1989;16:561-8 (highest rating of a case)",
            "not reported when every case or no case holds a lesion",
        ),
        MetricDefinition(
            "roc_auc_ovr", "One-vs-rest area under the ROC curve of a class",
            "roc_auc of class k against all other classes, each case scored by its "
            "probability of class k (a failed case ranked wrongly)", True,
            "Hand DJ, Till RJ. Mach Learn 2001;45:171-86 (one-vs-rest form: Provost F, "
            "Domingos P. CeDER Working Paper IS-00-04, 2000); Hanley JA, McNeil BJ. Radiology "
            "1982;143:29-36", "NaN when the class has no reference case or every case is of it",
        ),
        MetricDefinition(
            "roc_auc_ovr_macro", "Macro-averaged one-vs-rest AUC",
            "unweighted mean over the K classes of roc_auc_ovr (scikit-learn's "
            "roc_auc_score, multi_class='ovr', average='macro')", True,
            "Hand DJ, Till RJ. Mach Learn 2001;45:171-86; Provost F, Domingos P. CeDER "
            "Working Paper IS-00-04, 2000",
            "NaN when any class has no reference case (never averaged over the others)",
        ),
        MetricDefinition(
            "roc_auc_label_macro", "Macro-averaged AUC over labels (multi-label)",
            "unweighted mean over the L labels of roc_auc, each label present against "
            "absent ranked by its own score (scikit-learn's roc_auc_score(Y, S, "
            "average='macro') on indicator matrices)", True,
            "Strodthoff N, Wagner P, Schaeffter T, Samek W. IEEE J Biomed Health Inform "
            "2021;25(5):1519-28 (PTB-XL benchmark); scikit-learn roc_auc_score",
            "NaN when some label is carried by no case or by every case (never averaged "
            "over the other labels); bootstrap resamples where it is NaN are left out and "
            "counted",
        ),
        MetricDefinition(
            "hamming_loss", "Hamming loss (multi-label)",
            "#{(case, label): decision != reference} / (N L); a failed case counts every "
            "label wrong", False,
            "Schapire RE, Singer Y. Mach Learn 2000;39:135-68; scikit-learn hamming_loss",
            "NaN with UndefinedMetricWarning when there is no case",
        ),
        MetricDefinition(
            "subset_accuracy", "Subset accuracy (exact match, multi-label)",
            "#{cases whose every label is decided as the reference} / N", True,
            "Tsoumakas G, Katakis I. Int J Data Warehous Min 2007;3(3):1-13; scikit-learn "
            "accuracy_score on indicator matrices", _UNDEFINED,
        ),
        MetricDefinition(
            "roc_auc_referable", "Area under the ROC curve of the referable split",
            "roc_auc of the classes from referable_from on against those before it, each "
            "case scored by the sum of its probabilities of the referable classes", True,
            "Hanley JA, McNeil BJ. Radiology 1982;143:29-36; referable DR as the positive "
            "class: Gulshan V et al. JAMA 2016;316:2402-10",
            "NaN when only one side of the split has reference cases",
        ),
        MetricDefinition(
            "average_precision", "Average precision",
            "sum over distinct thresholds (descending) of (R_k - R_(k-1)) P_k, no interpolation",
            True, "Manning, Raghavan, Schutze. Introduction to Information Retrieval, 2008, ch. 8",
            "NaN when there is no positive case",
        ),
        MetricDefinition(
            "brier_score", "Brier score", "mean of (p - y)^2, y in {0, 1}", False,
            "Brier GW. Mon Weather Rev 1950;78:1-3", "NaN when N = 0",
        ),
        MetricDefinition(
            "ece@uniform", "Expected calibration error",
            "sum over bins of (n_b / N) |mean(y) - mean(p)|; equal-width bins on [0, 1], "
            "right-closed, the first also closed on the left",
            False, "Naeini MP, Cooper GF, Hauskrecht M. AAAI 2015; Guo C et al. ICML 2017",
            "empty bins contribute 0",
        ),
        MetricDefinition(
            "cohen_kappa", "Cohen's kappa", "(p_o - p_e) / (1 - p_e)", True,
            "Cohen J. Educ Psychol Meas 1960;20:37-46",
            "NaN with UndefinedMetricWarning when p_e = 1 or there is no case", bounds=_SIGNED,
        ),
        MetricDefinition(
            "cohen_kappa@linear", "Weighted kappa, linear weights",
            "1 - sum(w O) / sum(w E), w_ij = |i - j| over label positions", True,
            "Cohen J. Psychol Bull 1968;70:213-20",
            "NaN with UndefinedMetricWarning when sum(w E) = 0 or there is no case", bounds=_SIGNED,
        ),
        MetricDefinition(
            "cohen_kappa@quadratic", "Weighted kappa, quadratic weights",
            "1 - sum(w O) / sum(w E), w_ij = (i - j)^2 over label positions", True,
            "Cohen J. Psychol Bull 1968;70:213-20; Fleiss JL, Cohen J. Educ Psychol Meas "
            "1973;33:613-9",
            "NaN with UndefinedMetricWarning when sum(w E) = 0 or there is no case", bounds=_SIGNED,
        ),
        MetricDefinition(
            "cohen_kappa@classes", "Cohen's kappa (multi-class task)",
            "(p_o - p_e) / (1 - p_e); p_o = cases answered with their reference class / N, "
            "p_e = sum over the K classes of r_k c_k / N^2 (r_k reference cases of class k, "
            "c_k cases answered k); a failed case (no answer) agrees with no class", True,
            "Cohen J. Educ Psychol Meas 1960;20:37-46",
            "NaN with UndefinedMetricWarning when p_e = 1 or there is no case", bounds=_SIGNED,
        ),
        MetricDefinition(
            "cohen_kappa@classes-linear", "Weighted kappa, linear weights (multi-class task)",
            "1 - sum(w O) / sum(w E), E_ij = r_i c_j / N; w_ij = |i - j| over label "
            "positions; a failed case (no answer) weighs K - 1 whatever its class, as far as "
            "the scale's two ends", True, "Cohen J. Psychol Bull 1968;70:213-20",
            "NaN with UndefinedMetricWarning when sum(w E) = 0 or there is no case", bounds=_SIGNED,
        ),
        MetricDefinition(
            "cohen_kappa@classes-quadratic",
            "Weighted kappa, quadratic weights (multi-class task)",
            "1 - sum(w O) / sum(w E), E_ij = r_i c_j / N; w_ij = (i - j)^2 over label "
            "positions; a failed case (no answer) weighs (K - 1)^2 whatever its class, as far "
            "as the scale's two ends", True,
            "Cohen J. Psychol Bull 1968;70:213-20; Fleiss JL, Cohen J. Educ Psychol Meas "
            "1973;33:613-9",
            "NaN with UndefinedMetricWarning when sum(w E) = 0 or there is no case", bounds=_SIGNED,
        ),
        MetricDefinition(
            "average@macro", "Macro average over classes",
            "unweighted mean of the one-vs-rest values of every class", True,
            "Sokolova M, Lapalme G. Inf Process Manag 2009;45:427-37",
            "NaN with UndefinedMetricWarning if any class is undefined (never dropped)",
        ),
        MetricDefinition(
            "average@micro", "Micro average over classes",
            "the ratio of the one-vs-rest counts summed over classes", True,
            "Sokolova M, Lapalme G. Inf Process Manag 2009;45:427-37", _UNDEFINED,
        ),
        MetricDefinition(
            "average@weighted", "Support-weighted average over classes",
            "mean of the one-vs-rest values weighted by reference support", True,
            "Sokolova M, Lapalme G. Inf Process Manag 2009;45:427-37",
            "NaN with UndefinedMetricWarning if a class with support is undefined",
        ),
        MetricDefinition(
            "class_average@macro", "Macro average over the protocol's classes",
            "(1/K) sum over the K classes of the class's one-vs-rest ratio: sensitivity "
            "TP_k / n_k, PPV TP_k / (TP_k + FP_k), F1 2 TP_k / (2 TP_k + FP_k + FN_k); "
            "n_k the class's reference cases, a failed case (no answer) an FN of its class "
            "and an FP of none (scikit-learn average='macro', labels = the protocol's)", True,
            "Sokolova M, Lapalme G. Inf Process Manag 2009;45:427-37",
            "NaN with UndefinedMetricWarning if any class's ratio is undefined (its "
            "denominator 0: sensitivity, no reference case; PPV, never predicted; F1, "
            "neither): never averaged over the others",
        ),
        MetricDefinition(
            "class_average@micro", "Micro average over the protocol's classes",
            "the ratio of the counts summed over the classes: sensitivity sum TP_k / N "
            "(the accuracy), PPV sum TP_k / cases answered with a class, F1 2 sum TP_k / "
            "(2 sum TP_k + sum FP_k + sum FN_k); a failed case an FN of its class and an FP "
            "of none (scikit-learn average='micro', labels = the protocol's)", True,
            "Sokolova M, Lapalme G. Inf Process Manag 2009;45:427-37", _UNDEFINED,
        ),
        MetricDefinition(
            "class_average@weighted", "Support-weighted average over the protocol's classes",
            "sum over the classes of (n_k / N) times the class's one-vs-rest ratio (as in "
            "the macro average), n_k its reference cases: a class without one weighs 0 "
            "(scikit-learn average='weighted', labels = the protocol's)", True,
            "Sokolova M, Lapalme G. Inf Process Manag 2009;45:427-37",
            "NaN with UndefinedMetricWarning if the ratio of a class with reference cases "
            "is undefined",
        ),
        # --- segmentation (medeval.metrics.segmentation, .surface, .lesions) ---
        MetricDefinition(
            "dice", "Dice similarity coefficient", "2 |R & P| / (|R| + |P|)", True,
            "Dice LR. Ecology 1945;26:297-302", _EMPTY_OVERLAP,
        ),
        MetricDefinition(
            "jaccard", "Jaccard index", "|R & P| / |R | P|", True,
            "Jaccard P. New Phytol 1912;11:37-50", _EMPTY_OVERLAP,
        ),
        MetricDefinition(
            "mask_sensitivity", "Voxel sensitivity", "|R & P| / |R|", True,
            "Maier-Hein L, Reinke A, et al. Nat Methods 2024;21:195-212",
            "NaN with UndefinedMetricWarning when the reference is empty",
        ),
        MetricDefinition(
            "mask_precision", "Voxel precision", "|R & P| / |P|", True,
            "Maier-Hein L, Reinke A, et al. Nat Methods 2024;21:195-212",
            "NaN with UndefinedMetricWarning when the prediction is empty",
        ),
        MetricDefinition(
            "volume_ml", "Volume", "voxel count x product of spacings / 1000", None,
            "Maier-Hein L, Reinke A, et al. Nat Methods 2024;21:195-212",
            "0 for an empty mask", "mL", bounds=_POSITIVE,
        ),
        MetricDefinition(
            "relative_volume_difference", "Relative volume difference", "(|P| - |R|) / |R|",
            None, "Heimann T et al. IEEE Trans Med Imaging 2009;28:1251-65",
            "both empty 0; reference empty inf; prediction empty -1", bounds=(-1.0, math.inf),
        ),
        MetricDefinition(
            "hausdorff", "Hausdorff distance",
            "max(max d(R->P), max d(P->R)) over border voxels (mask minus erosion)", False,
            "Huttenlocher DP et al. IEEE TPAMI 1993;15:850-63", _EMPTY_DISTANCE, "mm",
            bounds=_POSITIVE,
        ),
        MetricDefinition(
            "hd95@max-directed", "95th percentile Hausdorff distance (max of directed)",
            "max(P95 d(R->P), P95 d(P->R)), linear interpolation; MONAI, MetricsReloaded",
            False, "Huttenlocher DP et al. IEEE TPAMI 1993;15:850-63; Maier-Hein L et al. "
            "Nat Methods 2024", _EMPTY_DISTANCE, "mm", bounds=_POSITIVE,
        ),
        MetricDefinition(
            "hd95@pooled", "95th percentile Hausdorff distance (pooled)",
            "P95 of d(R->P) and d(P->R) pooled, linear interpolation; MedPy hd95", False,
            "Huttenlocher DP et al. IEEE TPAMI 1993;15:850-63", _EMPTY_DISTANCE, "mm",
            bounds=_POSITIVE,
        ),
        MetricDefinition(
            "assd", "Average symmetric surface distance",
            "mean of d(R->P) and d(P->R) pooled, border voxels; MedPy 0.5 assd", False,
            "Heimann T et al. IEEE Trans Med Imaging 2009;28:1251-65", _EMPTY_DISTANCE, "mm",
            bounds=_POSITIVE,
        ),
        MetricDefinition(
            "masd", "Mean average surface distance",
            "(mean d(R->P) + mean d(P->R)) / 2, border voxels", False,
            "Maier-Hein L, Reinke A, et al. Nat Methods 2024;21:195-212", _EMPTY_DISTANCE, "mm",
            bounds=_POSITIVE,
        ),
        MetricDefinition(
            "nsd@surfel", "Normalised surface distance (surface Dice), surfel areas",
            "area of surfels within tolerance of the other surface / total area, both "
            "surfaces; distance <= tolerance",
            True, "Nikolov S et al. J Med Internet Res 2021;23:e26151", _EMPTY_NSD,
        ),
        MetricDefinition(
            "nsd@count", "Normalised surface distance, border-voxel counts",
            "border voxels within tolerance of the other border / all border voxels, both "
            "masks; distance <= tolerance; MONAI compute_surface_dice default",
            True, "Nikolov S et al. J Med Internet Res 2021;23:e26151", _EMPTY_NSD,
        ),
        MetricDefinition(
            "lesion_sensitivity", "Lesion-level sensitivity",
            "matched reference lesions / reference lesions; one-to-one matching of "
            "connected components by IoU or any overlap (Hungarian, max total IoU)",
            True, "Maier-Hein L, Reinke A, et al. Nat Methods 2024;21:195-212",
            "NaN with UndefinedMetricWarning when there is no reference lesion",
        ),
        MetricDefinition(
            "false_positive_lesions", "False-positive lesions",
            "predicted connected components matched to no reference lesion", False,
            "Maier-Hein L, Reinke A, et al. Nat Methods 2024;21:195-212",
            "all predicted lesions when there is no reference lesion", "per case", bounds=_POSITIVE,
        ),
        # --- ECG beats (medeval.metrics.ecg): ANSI/AAMI EC57 as PhysioNet's bxb ---
        MetricDefinition(
            "ec57_qrs_sensitivity", "QRS sensitivity (EC57)",
            "QTP / (QTP + QFN); beats matched within 0.15 s (inclusive) after a 5-min "
            "learning period", True, _EC57,
            "NaN with UndefinedMetricWarning when the denominator is 0 (bxb prints -)",
        ),
        MetricDefinition(
            "ec57_qrs_ppv", "QRS positive predictivity (EC57)",
            "QTP / (QTP + QFP); QFP = test beats with no reference beat", True, _EC57,
            "NaN with UndefinedMetricWarning when the denominator is 0 (bxb prints -)",
        ),
        MetricDefinition(
            "ec57_veb_sensitivity", "VEB sensitivity (EC57)",
            "Vv / (Vv + Vn + Vs + Vf + Vq + Vo)", True, _EC57,
            "NaN with UndefinedMetricWarning when the denominator is 0 (bxb prints -)",
        ),
        MetricDefinition(
            "ec57_veb_ppv", "VEB positive predictivity (EC57)",
            "Vv / (Vv + Nv + Sv + Ov); F or Q labelled V are not false positives", True, _EC57,
            "NaN with UndefinedMetricWarning when the denominator is 0 (bxb prints -)",
        ),
        MetricDefinition(
            "ec57_sveb_sensitivity", "SVEB sensitivity (EC57)",
            "Ss / (Ss + Sn + Sv + Sf + Sq + So)", True, _EC57,
            "NaN with UndefinedMetricWarning when the denominator is 0 (bxb prints -)",
        ),
        MetricDefinition(
            "ec57_sveb_ppv", "SVEB positive predictivity (EC57)",
            "Ss / (Ss + Ns + Vs + Fs + Os) per record; pooled without Fs (sumstats)", True, _EC57,
            "NaN with UndefinedMetricWarning when the denominator is 0 (bxb prints -)",
        ),
        MetricDefinition(
            "ec57_veb_fpr", "VEB false-positive rate (EC57)",
            "(Nv + Sv + Ov) / (Nv + Sv + Ov + rows N,S,F,Q,O x columns n,s,f,q)", False, _EC57,
            "NaN with UndefinedMetricWarning when the denominator is 0 (bxb prints -)",
        ),
        # --- events (medeval.metrics.events): SzCORE ---
        MetricDefinition(
            "szcore_event_sensitivity", "Seizure event sensitivity (SzCORE)",
            "TP / reference events; TP = a hypothesis event overlaps the reference event "
            "widened 30 s before and 60 s after; events merged when closer than 90 s, split "
            "when longer than 300 s", True, _SZCORE,
            "NaN with UndefinedMetricWarning with no reference event",
        ),
        MetricDefinition(
            "szcore_event_precision", "Seizure event precision (SzCORE)",
            "TP / (TP + FP); FP = a hypothesis event touching no detected reference", True,
            _SZCORE, "NaN with UndefinedMetricWarning when TP + FP = 0",
        ),
        MetricDefinition(
            "szcore_event_f1", "Seizure event F1 (SzCORE)", "2 TP / (2 TP + FP + FN)", True,
            _SZCORE, "NaN with UndefinedMetricWarning when there is no reference and no FP",
        ),
        MetricDefinition(
            "szcore_event_fp_per_24h", "False alarms per 24 h (SzCORE, events)",
            "FP / (recording duration in s / 86400)", False, _SZCORE,
            "always defined for a recording (duration > 0); pooled by the eeg-events task "
            "over the recordings scored (a failed recording's time is not counted), NaN "
            "when every recording failed", "per 24 h", bounds=_POSITIVE,
        ),
        MetricDefinition(
            "szcore_sample_sensitivity", "Seizure sample sensitivity (SzCORE)",
            "TP / reference samples; counted per sample at the stated rate", True, _SZCORE,
            "NaN with UndefinedMetricWarning with no reference sample",
        ),
        MetricDefinition(
            "szcore_sample_precision", "Seizure sample precision (SzCORE)",
            "TP / (TP + FP); FP = a hypothesis sample touching no detected reference", True,
            _SZCORE, "NaN with UndefinedMetricWarning when TP + FP = 0",
        ),
        MetricDefinition(
            "szcore_sample_f1", "Seizure sample F1 (SzCORE)", "2 TP / (2 TP + FP + FN)", True,
            _SZCORE, "NaN with UndefinedMetricWarning when there is no reference and no FP",
        ),
        MetricDefinition(
            "szcore_sample_fp_per_24h", "False alarms per 24 h (SzCORE, samples)",
            "FP / (recording duration in s / 86400)", False, _SZCORE,
            "always defined (duration > 0)", "per 24 h", bounds=_POSITIVE,
        ),
        # --- agreement (medeval.metrics.agreement) ---
        MetricDefinition(
            "completion_rate", "Completion rate",
            "cases with a valid output / all cases of the held-out set", True,
            "FDA. Statistical guidance on reporting results from studies evaluating "
            "diagnostic tests, 2007 (indeterminate results)", "NaN when there is no case",
        ),
        MetricDefinition(
            "bland_altman_bias", "Bland-Altman bias", "mean(measurement - reference)", None,
            "Bland JM, Altman DG. Lancet 1986;327:307-10",
            "fewer than 2 cases raise; SD 0 gives a zero-width CI", "measurement unit",
            bounds=(-math.inf, math.inf),
        ),
        MetricDefinition(
            "bland_altman_loa", "95% limits of agreement",
            "bias -/+ z SD, z = Phi^-1(0.975); CI exact (Carkeet 2015) or B&A 1986", None,
            "Bland JM, Altman DG. Lancet 1986;327:307-10; Carkeet A. Optom Vis Sci "
            "2015;92:e71-80", "as the bias", "measurement unit", bounds=(-math.inf, math.inf),
        ),
        MetricDefinition(
            "mae", "Mean absolute error", "mean(|measurement - reference|)", False,
            "Willmott CJ, Matsuura K. Clim Res 2005;30:79-82", "fewer than 2 cases raise",
            "measurement unit", bounds=_POSITIVE,
        ),
        MetricDefinition(
            "rmse", "Root mean square error", "sqrt(mean((measurement - reference)^2))", False,
            "Willmott CJ, Matsuura K. Clim Res 2005;30:79-82", "fewer than 2 cases raise",
            "measurement unit", bounds=_POSITIVE,
        ),
        MetricDefinition(
            "lins_ccc", "Lin's concordance correlation coefficient",
            "2 s_xy / (s_x^2 + s_y^2 + (mean x - mean y)^2), divisor n; CI Fisher z, Lin 2000",
            True, "Lin LI. Biometrics 1989;45:255-68; Biometrics 2000;56:324-5",
            "NaN with UndefinedMetricWarning when both series are constant and equal",
            bounds=_SIGNED,
        ),
        MetricDefinition(
            "icc@1-1", "Intraclass correlation ICC(1,1), Shrout-Fleiss ICC1",
            "McGraw & Wong 1996 Table 4 form 1,1; CI their Table 7 (F)",
            True, "Shrout PE, Fleiss JL. Psychol Bull 1979;86:420-8; McGraw KO, Wong SP. "
            "Psychol Methods 1996;1:30-46",
            "NaN with UndefinedMetricWarning when 0/0; no error variance gives 1",
            bounds=(-math.inf, 1.0),
        ),
        MetricDefinition(
            "icc@A-1", "Intraclass correlation ICC(A,1), Shrout-Fleiss ICC2",
            "McGraw & Wong 1996 Table 4 form A,1; CI their Table 7 (F)",
            True, "Shrout PE, Fleiss JL. Psychol Bull 1979;86:420-8; McGraw KO, Wong SP. "
            "Psychol Methods 1996;1:30-46",
            "NaN with UndefinedMetricWarning when 0/0; no error variance gives 1",
            bounds=(-math.inf, 1.0),
        ),
        MetricDefinition(
            "icc@C-1", "Intraclass correlation ICC(C,1), Shrout-Fleiss ICC3",
            "McGraw & Wong 1996 Table 4 form C,1; CI their Table 7 (F)",
            True, "Shrout PE, Fleiss JL. Psychol Bull 1979;86:420-8; McGraw KO, Wong SP. "
            "Psychol Methods 1996;1:30-46",
            "NaN with UndefinedMetricWarning when 0/0; no error variance gives 1",
            bounds=(-math.inf, 1.0),
        ),
        MetricDefinition(
            "icc@1-k", "Intraclass correlation ICC(1,k)",
            "McGraw & Wong 1996 Table 4 form 1,k; CI their Table 7 (F)",
            True, "Shrout PE, Fleiss JL. Psychol Bull 1979;86:420-8; McGraw KO, Wong SP. "
            "Psychol Methods 1996;1:30-46",
            "NaN with UndefinedMetricWarning when 0/0; no error variance gives 1",
            bounds=(-math.inf, 1.0),
        ),
        MetricDefinition(
            "icc@A-k", "Intraclass correlation ICC(A,k)",
            "McGraw & Wong 1996 Table 4 form A,k; CI their Table 7 (F)",
            True, "Shrout PE, Fleiss JL. Psychol Bull 1979;86:420-8; McGraw KO, Wong SP. "
            "Psychol Methods 1996;1:30-46",
            "NaN with UndefinedMetricWarning when 0/0; no error variance gives 1",
            bounds=(-math.inf, 1.0),
        ),
        MetricDefinition(
            "icc@C-k", "Intraclass correlation ICC(C,k)",
            "McGraw & Wong 1996 Table 4 form C,k; CI their Table 7 (F)",
            True, "Shrout PE, Fleiss JL. Psychol Bull 1979;86:420-8; McGraw KO, Wong SP. "
            "Psychol Methods 1996;1:30-46",
            "NaN with UndefinedMetricWarning when 0/0; no error variance gives 1",
            bounds=(-math.inf, 1.0),
        ),
        # --- reader studies (medeval.stats.mrmc, task reader-study) ---
        MetricDefinition(
            "mrmc_reader_averaged_auc", "Reader-averaged AUC of a treatment",
            "mean over readers of each reader's Wilcoxon AUC (mean over positive-negative "
            "case pairs of [x+ > x-] + 1/2 [x+ = x-]) in the treatment; interval from that "
            "treatment's Obuchowski-Rockette (or DBM) analysis of the scope judged",
            True, "Obuchowski NA, Rockette HE. Commun Stat Simul Comput 1995;24:285-308; "
            "Hillis SL. Stat Med 2007;26:596-619",
            "NaN (no AUC) in a subgroup with one class only, or with one case of a class "
            "under the jackknife or unbiased covariance (DeLong's: no RRRC or FRRC "
            "interval); one reader: no RRRC or RRFC interval (FRRC's in the note)",
        ),
        MetricDefinition(
            "mrmc_auc_difference", "Difference of reader-averaged AUCs (test - reference)",
            "reader-averaged AUC of the test treatment minus that of the reference "
            "treatment; interval difference +/- t(ddf_H) SE for random readers and cases "
            "(Obuchowski-Rockette, Hillis 2007 ddf; DBM gives the same), for fixed readers "
            "z (Obuchowski-Rockette) or t((t-1)(c-1)) (DBM, t treatments, c cases), "
            "t(df of MS(T*R)) for fixed cases",
            True, "Obuchowski NA, Rockette HE. Commun Stat Simul Comput 1995;24:285-308; "
            "Hillis SL. Stat Med 2007;26:596-619",
            "NaN (no AUC) in a subgroup with one class only, or with one case of a class "
            "under the jackknife or unbiased covariance (DeLong's: no RRRC or FRRC "
            "interval); one reader: no RRRC or RRFC interval (FRRC's in the note)",
            bounds=_SIGNED,
        ),
        # --- detection (medeval.metrics.detection) ---
        MetricDefinition(
            "froc_sensitivity", "Lesion sensitivity at a false-positive rate",
            "matched lesions / all lesions at the operating point with the most FP per "
            "case not above the rate (step); FP per case over all cases scored, "
            "lesion-free included (a failed case, worst case, keeps its lesions, missed, "
            "and adds no case); one-to-one maximum matching at every threshold",
            True, "Chakraborty DP. Med Phys 1989;16:561-8; Setio AAA et al. Med Image Anal "
            "2017;42:1-13",
            "NaN with UndefinedMetricWarning when no case holds a lesion; 0 when no case "
            "was scored (every case failed: nothing detected)",
        ),
        MetricDefinition(
            "froc_cpm", "Competition performance metric",
            "mean of the FROC sensitivity at 1/8, 1/4, 1/2, 1, 2, 4, 8 FP per case",
            True, "Setio AAA et al. Med Image Anal 2017;42:1-13",
            "NaN with UndefinedMetricWarning when no case holds a lesion; 0 when no case "
            "was scored (every case failed: nothing detected)",
        ),
        MetricDefinition(
            "detection_average_precision", "Detection average precision",
            "sum over distinct scores (descending) of (Se_k - Se_(k-1)) TP_k / (TP_k + "
            "FP_k), no interpolation; lesion recall",
            True, "Everingham M et al. Int J Comput Vis 2010;88:303-38",
            "NaN with UndefinedMetricWarning when no case holds a lesion",
        ),
        # --- COCO detection (medeval.metrics.coco): pycocotools' COCOeval.stats ---
        *_coco_definitions(),
    ]
}


def definition(definition_id: str) -> MetricDefinition:
    """The definition with this id; KeyError listing the known ids otherwise."""
    try:
        return DEFINITIONS[definition_id]
    except KeyError:
        raise KeyError(
            f"unknown metric definition {definition_id!r}; known: {sorted(DEFINITIONS)}"
        ) from None
