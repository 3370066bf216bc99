"""The metric-definition registry: every definition has a conformance test, and back.

Adding a definition to ``medeval.definitions`` without naming here the test that checks
it against a peer or a worked case fails ``test_every_definition_has_a_conformance_test``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from medeval.definitions import DEFINITIONS, definition

TESTS = Path(__file__).resolve().parents[1]
BINARY = "tasks/test_binary_classification.py"

# definition id -> "file::test" that compares it with something medeval did not compute
CONFORMANCE = {
    "prevalence": f"{BINARY}::test_proportions_match_sklearn_and_statsmodels",
    "sensitivity": f"{BINARY}::test_proportions_match_sklearn_and_statsmodels",
    "specificity": f"{BINARY}::test_proportions_match_sklearn_and_statsmodels",
    "ppv": f"{BINARY}::test_proportions_match_sklearn_and_statsmodels",
    "npv": f"{BINARY}::test_proportions_match_sklearn_and_statsmodels",
    "accuracy": f"{BINARY}::test_proportions_match_sklearn_and_statsmodels",
    "accuracy_within": "tasks/test_multiclass_task.py::"
                       "test_accuracy_within_one_grade_by_hand_and_statsmodels",
    "balanced_accuracy": f"{BINARY}::test_ranking_and_composites_match_sklearn",
    "youden_j": f"{BINARY}::test_ranking_and_composites_match_sklearn",
    "f1": f"{BINARY}::test_ranking_and_composites_match_sklearn",
    "lr_positive": "stats/test_ratios.py::test_positive_by_hand",
    "lr_negative": "stats/test_ratios.py::test_negative_by_hand",
    "roc_auc": "metrics/test_ranking.py::test_acceptance_sklearn_with_many_ties",
    "average_precision": "metrics/test_ranking.py::test_average_precision_against_sklearn",
    "roc_auc_ovr": "tasks/test_multiclass_probabilities.py::test_aucs_match_sklearn",
    "roc_auc_ovr_macro": "tasks/test_multiclass_probabilities.py::test_aucs_match_sklearn",
    "roc_auc_referable": "tasks/test_multiclass_probabilities.py::test_aucs_match_sklearn",
    "roc_auc_label_macro": "metrics/test_multilabel.py::test_against_sklearn",
    "hamming_loss": "metrics/test_multilabel.py::test_against_sklearn",
    "subset_accuracy": "metrics/test_multilabel.py::test_against_sklearn",
    "brier_score": f"{BINARY}::test_ranking_and_composites_match_sklearn",
    "ece@uniform": f"{BINARY}::test_ece_by_hand",
    "cohen_kappa": "metrics/test_multiclass.py::test_hand_unweighted",
    "cohen_kappa@linear": "metrics/test_multiclass.py::test_hand_linear",
    "cohen_kappa@quadratic": "metrics/test_multiclass.py::test_against_sklearn",
    "average@macro": "metrics/test_multiclass.py::test_against_sklearn",
    "average@micro": "metrics/test_multiclass.py::test_micro_sensitivity_is_accuracy",
    "average@weighted": "metrics/test_multiclass.py::test_against_sklearn",
    "cohen_kappa@classes": "tasks/test_result_definitions.py::"
                           "test_multiclass_definitions_with_failed_cases_against_sklearn",
    "cohen_kappa@classes-linear": "tasks/test_multiclass_task.py::test_matches_sklearn",
    "cohen_kappa@classes-quadratic": "tasks/test_multiclass_task.py::"
                                     "test_a_failed_case_weighs_as_the_scales_two_ends_under_"
                                     "weighted_kappa",
    "accuracy@multiclass": "tasks/test_result_definitions.py::"
                           "test_multiclass_definitions_with_failed_cases_against_sklearn",
    **{f"class_average@{average}": "tasks/test_result_definitions.py::"
                                   "test_multiclass_definitions_with_failed_cases_against_sklearn"
       for average in ("macro", "micro", "weighted")},
    "dice": "metrics/test_segmentation.py::test_against_medpy",
    "jaccard": "metrics/test_segmentation.py::test_against_medpy",
    "mask_sensitivity": "metrics/test_segmentation.py::test_against_medpy",
    "mask_precision": "metrics/test_segmentation.py::test_against_medpy",
    "relative_volume_difference": "metrics/test_segmentation.py::test_against_medpy",
    "volume_ml": "metrics/test_segmentation.py::test_volume_by_hand",
    "hausdorff": "metrics/test_surface.py::test_hausdorff_hd95_pooled_assd",
    "hd95@pooled": "metrics/test_surface.py::test_hausdorff_hd95_pooled_assd",
    "hd95@max-directed": "metrics/test_surface.py::test_two_single_voxels",
    "assd": "metrics/test_surface.py::test_hausdorff_hd95_pooled_assd",
    "masd": "metrics/test_surface.py::test_directed_distances_are_medpys",
    "nsd@surfel": "metrics/test_surface.py::test_surfel_nsd",
    "nsd@count": "metrics/test_surface.py::test_two_single_voxels",
    "lesion_sensitivity": "metrics/test_lesions.py::test_iou_criterion",
    "szcore_event_sensitivity": "metrics/test_events.py::test_event_scoring_matches_timescoring",
    "szcore_event_precision": "metrics/test_events.py::test_event_scoring_matches_timescoring",
    "szcore_event_f1": "metrics/test_events.py::test_event_scoring_matches_timescoring",
    "szcore_event_fp_per_24h": "metrics/test_events.py::test_event_scoring_matches_timescoring",
    "szcore_sample_sensitivity": "metrics/test_events.py::test_sample_scoring_matches_timescoring",
    "szcore_sample_precision": "metrics/test_events.py::test_sample_scoring_matches_timescoring",
    "szcore_sample_f1": "metrics/test_events.py::test_sample_scoring_matches_timescoring",
    "szcore_sample_fp_per_24h": "metrics/test_events.py::test_sample_scoring_matches_timescoring",
    "ec57_qrs_sensitivity": "metrics/test_ecg.py::test_record_100_qrs_against_wfdb",
    "ec57_qrs_ppv": "metrics/test_ecg.py::test_record_100_qrs_against_wfdb",
    "ec57_veb_sensitivity": "metrics/test_ecg.py::test_class_confusions_and_cells",
    "ec57_veb_ppv": "metrics/test_ecg.py::test_class_confusions_and_cells",
    "ec57_sveb_sensitivity": "metrics/test_ecg.py::test_class_confusions_and_cells",
    "ec57_sveb_ppv": "metrics/test_ecg.py::test_class_confusions_and_cells",
    "ec57_veb_fpr": "metrics/test_ecg.py::test_class_confusions_and_cells",
    "mrmc_reader_averaged_auc":
        "tasks/test_reader_study.py::test_reader_aucs_match_sklearn",
    "mrmc_auc_difference": "tasks/test_reader_study.py::test_van_dyke_matches_the_iowa_program",
    "completion_rate": "tasks/test_measurement_task.py::test_matches_the_agreement_functions",
    "bland_altman_bias": "metrics/test_agreement.py::test_bland_altman_1986_pefr",
    "bland_altman_loa": "metrics/test_agreement.py::test_exact_limits_have_their_stated_coverage",
    "mae": "metrics/test_agreement.py::test_mae_rmse_by_hand",
    "rmse": "metrics/test_agreement.py::test_mae_rmse_by_hand",
    "lins_ccc": "metrics/test_agreement.py::test_ccc_by_hand",
    "icc@1-1": "metrics/test_agreement.py::test_icc_mcgraw_wong_table_6_against_r",
    "icc@A-1": "metrics/test_agreement.py::test_icc_mcgraw_wong_table_6_against_r",
    "icc@C-1": "metrics/test_agreement.py::test_icc_mcgraw_wong_table_6_against_r",
    "icc@1-k": "metrics/test_agreement.py::test_icc_mcgraw_wong_table_6_against_r",
    "icc@A-k": "metrics/test_agreement.py::test_icc_mcgraw_wong_table_6_against_r",
    "icc@C-k": "metrics/test_agreement.py::test_icc_mcgraw_wong_table_6_against_r",
    "froc_sensitivity": "metrics/test_detection.py::test_curve_by_hand",
    "froc_cpm": "metrics/test_detection.py::test_curve_by_hand",
    "detection_average_precision": "metrics/test_detection.py::test_curve_by_hand",
    "case_roc_auc":
        "tasks/test_detection_task.py::test_a_failed_case_ranks_wrongly_in_the_case_auc",
    "false_positive_lesions": "metrics/test_lesions.py::test_iou_criterion",
    **{f"coco_{name}": "metrics/test_coco.py::test_random_sets_match_pycocotools"
       for name in ("ap", "ap50", "ap75", "ap_small", "ap_medium", "ap_large", "ar1", "ar10",
                    "ar100", "ar_small", "ar_medium", "ar_large")},
}


# every public function of medeval.metrics -> the definitions it computes; functions that
# compute no figure of their own (records, curves, thresholds, bundles) map to ().
FUNCTIONS = {
    "accuracy": ("accuracy",), "balanced_accuracy": ("balanced_accuracy",),
    "f1_score": ("f1",), "npv": ("npv",), "ppv": ("ppv",), "prevalence": ("prevalence",),
    "sensitivity": ("sensitivity",), "specificity": ("specificity",),
    "youden_j": ("youden_j",), "likelihood_ratios": ("lr_positive", "lr_negative"),
    "roc_auc": ("roc_auc",), "average_precision": ("average_precision",),
    "brier_score": ("brier_score",), "expected_calibration_error": ("ece@uniform",),
    "cohen_kappa": ("cohen_kappa", "cohen_kappa@linear", "cohen_kappa@quadratic"),
    "multiclass_metric": ("average@macro", "average@micro", "average@weighted"),
    "label_aucs": ("roc_auc",), "macro_auc": ("roc_auc_label_macro",),
    "hamming_loss": ("hamming_loss",), "subset_accuracy": ("subset_accuracy",),
    "label_confusion_matrices": (),
    "dice": ("dice",), "jaccard": ("jaccard",), "mask_sensitivity": ("mask_sensitivity",),
    "mask_precision": ("mask_precision",), "volume_ml": ("volume_ml",),
    "relative_volume_difference": ("relative_volume_difference",),
    "hausdorff": ("hausdorff",), "hd95": ("hd95@max-directed", "hd95@pooled"),
    "assd": ("assd",), "masd": ("masd",), "nsd": ("nsd@surfel", "nsd@count"),
    "lesion_matching": ("lesion_sensitivity", "false_positive_lesions"),
    "calibration_curve": (), "confusion_matrix": (), "multiclass_confusion_matrix": (),
    "one_vs_rest": (), "roc_curve": (), "precision_recall_curve": (),
    "metrics_at_threshold": (), "threshold_for_sensitivity": (),
    "threshold_for_specificity": (), "youden_threshold": (), "mask_overlap": (),
    "surface_distances": (), "segmentation_scores": (), "per_label": (),
    "froc": ("froc_sensitivity", "froc_cpm", "detection_average_precision"),
    "match_detections": (), "case_scores": (),
    "coco_detection": tuple(f"coco_{name}" for name in (
        "ap", "ap50", "ap75", "ap_small", "ap_medium", "ap_large", "ar1", "ar10", "ar100",
        "ar_small", "ar_medium", "ar_large")),
    "coco_ap_resampled": (), "coco_ap_ci": (),
    "beat_match": ("ec57_qrs_sensitivity", "ec57_qrs_ppv"),
    "ec57": tuple(f"ec57_{s}" for s in ("qrs_sensitivity", "qrs_ppv", "veb_sensitivity",
                                          "veb_ppv", "sveb_sensitivity", "sveb_ppv",
                                          "veb_fpr")),
    "ec57_summary": (),
    "event_scoring": tuple(f"szcore_event_{m}" for m in ("sensitivity", "precision", "f1",
                                                         "fp_per_24h")),
    "sample_scoring": tuple(f"szcore_sample_{m}" for m in ("sensitivity", "precision", "f1",
                                                           "fp_per_24h")),
    "event_scoring_summary": (),
    "bland_altman": ("bland_altman_bias", "bland_altman_loa"),
    "mae": ("mae",), "rmse": ("rmse",), "lins_ccc": ("lins_ccc",),
    "icc": tuple(f"icc@{f}" for f in ("1-1", "A-1", "C-1", "1-k", "A-k", "C-k")),
}


def test_every_metric_function_is_registered():
    import inspect

    import medeval.metrics as metrics

    public = {n for n in metrics.__all__ if inspect.isfunction(getattr(metrics, n))}
    assert public == set(FUNCTIONS), (
        f"unregistered: {sorted(public - set(FUNCTIONS))}; stale: "
        f"{sorted(set(FUNCTIONS) - public)} (map a new metric to its definition ids)"
    )
    named = {d for ids in FUNCTIONS.values() for d in ids}
    assert named <= set(DEFINITIONS), sorted(named - set(DEFINITIONS))


def test_every_definition_has_a_conformance_test():
    assert set(DEFINITIONS) == set(CONFORMANCE), (
        f"no conformance test named for {sorted(set(DEFINITIONS) - set(CONFORMANCE))}; "
        f"stale entries {sorted(set(CONFORMANCE) - set(DEFINITIONS))}"
    )


@pytest.mark.parametrize(("definition_id", "node"), sorted(CONFORMANCE.items()))
def test_named_test_exists(definition_id, node):
    path, _, name = node.partition("::")
    text = (TESTS / path).read_text(encoding="utf-8")
    assert re.search(rf"def {re.escape(name)}\(", text), f"{definition_id}: {node} not found"


def test_lookup():
    assert definition("hd95@max-directed").unit == "mm"
    assert definition("dice").higher_is_better is True
    with pytest.raises(KeyError, match="known"):
        definition("hd95")
