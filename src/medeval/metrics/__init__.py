"""Metrics: pure functions from arrays to numbers, each with one written definition.

Reference first, prediction second (``y_true, y_pred``); continuous scores are
``y_score``, probabilities ``y_prob``. Everything after the data is keyword-only. A value
undefined on valid input is NaN with an :class:`~medeval.errors.UndefinedMetricWarning`;
invalid input raises :class:`~medeval.errors.InvalidInputError`. Decision rule for
scores: ``score >= threshold`` is positive. Arrays are read by position: two pandas
Series (or DataFrames) must have equal indexes, else they are refused rather than paired
by position (``pred.reindex(ref.index)`` aligns them). Text labels are compared in
Unicode NFC (a Korean label from a macOS file equals the one typed in code).

- :mod:`~medeval.metrics.classification`: the binary confusion matrix and its ratios.
- :mod:`~medeval.metrics.multiclass`: the k x k matrix, one-vs-rest averages, kappa.
- :mod:`~medeval.metrics.multilabel`: several labels per case: per-label counts and AUCs,
  macro AUC, Hamming loss, subset accuracy.
- :mod:`~medeval.metrics.ranking`: ROC curve, AUC, precision-recall, average precision.
- :mod:`~medeval.metrics.thresholds`: operating points on a score.
- :mod:`~medeval.metrics.calibration`: Brier score, reliability curve, ECE.
- :mod:`~medeval.metrics.segmentation`: overlap and volume of masks.
- :mod:`~medeval.metrics.surface`: surface distances, HD, HD95, ASSD, MASD, NSD.
- :mod:`~medeval.metrics.lesions`: connected components matched one to one.
- :mod:`~medeval.metrics.detection`: detections matched to lesions; FROC, CPM, AP.
- :mod:`~medeval.metrics.coco`: COCO AP and AR as pycocotools' COCOeval; its bootstrap.
- :mod:`~medeval.metrics.ecg`: beat detection and classification per EC57 (as bxb).
- :mod:`~medeval.metrics.events`: seizure (interval) events scored as SzCORE.
- :mod:`~medeval.metrics.agreement`: Bland–Altman, MAE, RMSE, Lin's CCC.
- :mod:`~medeval.metrics.icc`: the intraclass correlation.
- :mod:`~medeval.metrics.segmentation_scores`: every segmentation metric of a case;
  label maps.

The names load on first use: importing one metric module does
not import the others (scipy.stats, scipy.ndimage, scipy.spatial).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy_exports import export_lazily

# name -> submodule defining it, imported on first access (PEP 562)
_LAZY = {
    "BlandAltman": "agreement",
    "bland_altman": "agreement",
    "lins_ccc": "agreement",
    "mae": "agreement",
    "rmse": "agreement",
    "BinStrategy": "calibration",
    "CalibrationCurve": "calibration",
    "brier_score": "calibration",
    "calibration_curve": "calibration",
    "expected_calibration_error": "calibration",
    "ConfusionMatrix": "classification",
    "LikelihoodRatios": "classification",
    "Proportion": "classification",
    "accuracy": "classification",
    "balanced_accuracy": "classification",
    "confusion_matrix": "classification",
    "f1_score": "classification",
    "likelihood_ratios": "classification",
    "npv": "classification",
    "ppv": "classification",
    "prevalence": "classification",
    "sensitivity": "classification",
    "specificity": "classification",
    "youden_j": "classification",
    "COCO_SUMMARIES": "coco",
    "CocoDetection": "coco",
    "CocoMatches": "coco",
    "coco_ap_ci": "coco",
    "coco_ap_resampled": "coco",
    "coco_detection": "coco",
    "FROC_RATES": "detection",
    "DetectionMatch": "detection",
    "Froc": "detection",
    "case_scores": "detection",
    "froc": "detection",
    "match_detections": "detection",
    "AAMI_CLASS": "ecg",
    "EC57_CLASSES": "ecg",
    "BeatMatch": "ecg",
    "BeatRatio": "ecg",
    "EC57Average": "ecg",
    "EC57Result": "ecg",
    "EC57Summary": "ecg",
    "beat_match": "ecg",
    "ec57": "ecg",
    "ec57_summary": "ecg",
    "EventScores": "events",
    "EventScoringSummary": "events",
    "event_scoring": "events",
    "event_scoring_summary": "events",
    "sample_scoring": "events",
    "ICC_FORMS": "icc",
    "icc": "icc",
    "LesionMatch": "lesions",
    "ReferenceLesion": "lesions",
    "lesion_matching": "lesions",
    "Average": "multiclass",
    "ClassMetric": "multiclass",
    "KappaWeights": "multiclass",
    "MulticlassConfusionMatrix": "multiclass",
    "cohen_kappa": "multiclass",
    "multiclass_confusion_matrix": "multiclass",
    "multiclass_metric": "multiclass",
    "one_vs_rest": "multiclass",
    "hamming_loss": "multilabel",
    "label_aucs": "multilabel",
    "label_confusion_matrices": "multilabel",
    "macro_auc": "multilabel",
    "subset_accuracy": "multilabel",
    "PrecisionRecallCurve": "ranking",
    "RocCurve": "ranking",
    "average_precision": "ranking",
    "precision_recall_curve": "ranking",
    "roc_auc": "ranking",
    "roc_curve": "ranking",
    "MaskOverlap": "segmentation",
    "dice": "segmentation",
    "jaccard": "segmentation",
    "mask_overlap": "segmentation",
    "mask_precision": "segmentation",
    "mask_sensitivity": "segmentation",
    "relative_volume_difference": "segmentation",
    "volume_ml": "segmentation",
    "SegmentationScores": "segmentation_scores",
    "per_label": "segmentation_scores",
    "segmentation_scores": "segmentation_scores",
    "SurfaceDistances": "surface",
    "Surfels": "surface",
    "assd": "surface",
    "hausdorff": "surface",
    "hd95": "surface",
    "masd": "surface",
    "nsd": "surface",
    "surface_distances": "surface",
    "OperatingPoint": "thresholds",
    "metrics_at_threshold": "thresholds",
    "threshold_for_sensitivity": "thresholds",
    "threshold_for_specificity": "thresholds",
    "youden_threshold": "thresholds",
}

__all__ = [
    "AAMI_CLASS",
    "accuracy",
    "assd",
    "Average",
    "average_precision",
    "balanced_accuracy",
    "beat_match",
    "BeatMatch",
    "BeatRatio",
    "BinStrategy",
    "bland_altman",
    "BlandAltman",
    "brier_score",
    "calibration_curve",
    "CalibrationCurve",
    "case_scores",
    "COCO_SUMMARIES",
    "coco_ap_ci",
    "coco_ap_resampled",
    "coco_detection",
    "CocoDetection",
    "CocoMatches",
    "ClassMetric",
    "cohen_kappa",
    "confusion_matrix",
    "ConfusionMatrix",
    "DetectionMatch",
    "dice",
    "ec57",
    "EC57_CLASSES",
    "ec57_summary",
    "EC57Average",
    "EC57Result",
    "EC57Summary",
    "event_scoring",
    "event_scoring_summary",
    "EventScores",
    "EventScoringSummary",
    "expected_calibration_error",
    "f1_score",
    "Froc",
    "froc",
    "FROC_RATES",
    "hamming_loss",
    "hausdorff",
    "hd95",
    "icc",
    "ICC_FORMS",
    "jaccard",
    "KappaWeights",
    "label_aucs",
    "label_confusion_matrices",
    "lesion_matching",
    "LesionMatch",
    "likelihood_ratios",
    "LikelihoodRatios",
    "lins_ccc",
    "macro_auc",
    "mae",
    "masd",
    "mask_overlap",
    "mask_precision",
    "mask_sensitivity",
    "MaskOverlap",
    "match_detections",
    "metrics_at_threshold",
    "multiclass_confusion_matrix",
    "multiclass_metric",
    "MulticlassConfusionMatrix",
    "npv",
    "nsd",
    "one_vs_rest",
    "OperatingPoint",
    "per_label",
    "ppv",
    "precision_recall_curve",
    "PrecisionRecallCurve",
    "prevalence",
    "Proportion",
    "ReferenceLesion",
    "relative_volume_difference",
    "rmse",
    "roc_auc",
    "roc_curve",
    "RocCurve",
    "sample_scoring",
    "segmentation_scores",
    "SegmentationScores",
    "sensitivity",
    "specificity",
    "subset_accuracy",
    "surface_distances",
    "SurfaceDistances",
    "Surfels",
    "threshold_for_sensitivity",
    "threshold_for_specificity",
    "volume_ml",
    "youden_j",
    "youden_threshold",
]

export_lazily(__name__, _LAZY, __all__)

if TYPE_CHECKING:  # pragma: no cover
    from .agreement import BlandAltman, bland_altman, lins_ccc, mae, rmse
    from .calibration import (
        BinStrategy,
        CalibrationCurve,
        brier_score,
        calibration_curve,
        expected_calibration_error,
    )
    from .classification import (
        ConfusionMatrix,
        LikelihoodRatios,
        Proportion,
        accuracy,
        balanced_accuracy,
        confusion_matrix,
        f1_score,
        likelihood_ratios,
        npv,
        ppv,
        prevalence,
        sensitivity,
        specificity,
        youden_j,
    )
    from .coco import (
        COCO_SUMMARIES,
        CocoDetection,
        CocoMatches,
        coco_ap_ci,
        coco_ap_resampled,
        coco_detection,
    )
    from .detection import (
        FROC_RATES,
        DetectionMatch,
        Froc,
        case_scores,
        froc,
        match_detections,
    )
    from .ecg import (
        AAMI_CLASS,
        EC57_CLASSES,
        BeatMatch,
        BeatRatio,
        EC57Average,
        EC57Result,
        EC57Summary,
        beat_match,
        ec57,
        ec57_summary,
    )
    from .events import (
        EventScores,
        EventScoringSummary,
        event_scoring,
        event_scoring_summary,
        sample_scoring,
    )
    from .icc import ICC_FORMS, icc
    from .lesions import LesionMatch, ReferenceLesion, lesion_matching
    from .multiclass import (
        Average,
        ClassMetric,
        KappaWeights,
        MulticlassConfusionMatrix,
        cohen_kappa,
        multiclass_confusion_matrix,
        multiclass_metric,
        one_vs_rest,
    )
    from .multilabel import (
        hamming_loss,
        label_aucs,
        label_confusion_matrices,
        macro_auc,
        subset_accuracy,
    )
    from .ranking import (
        PrecisionRecallCurve,
        RocCurve,
        average_precision,
        precision_recall_curve,
        roc_auc,
        roc_curve,
    )
    from .segmentation import (
        MaskOverlap,
        dice,
        jaccard,
        mask_overlap,
        mask_precision,
        mask_sensitivity,
        relative_volume_difference,
        volume_ml,
    )
    from .segmentation_scores import SegmentationScores, per_label, segmentation_scores
    from .surface import (
        SurfaceDistances,
        Surfels,
        assd,
        hausdorff,
        hd95,
        masd,
        nsd,
        surface_distances,
    )
    from .thresholds import (
        OperatingPoint,
        metrics_at_threshold,
        threshold_for_sensitivity,
        threshold_for_specificity,
        youden_threshold,
    )
