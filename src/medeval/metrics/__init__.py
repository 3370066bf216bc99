"""Metrics: pure functions from arrays to numbers, each with one written definition.

Reference first, prediction second (``y_true, y_pred``); continuous scores are
``y_score``, probabilities ``y_prob``. Everything after the data is keyword-only. A value
undefined on valid input is NaN with an :class:`~medeval.errors.UndefinedMetricWarning`;
invalid input raises :class:`~medeval.errors.InvalidInputError`. Decision rule for
scores: ``score >= threshold`` is positive.

- :mod:`~medeval.metrics.classification`: the binary confusion matrix and its ratios.
- :mod:`~medeval.metrics.multiclass`: the k x k matrix, one-vs-rest averages, kappa.
- :mod:`~medeval.metrics.ranking`: ROC curve, AUC, precision-recall, average precision.
- :mod:`~medeval.metrics.thresholds`: operating points on a score.
- :mod:`~medeval.metrics.calibration`: Brier score, reliability curve, ECE.
"""

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
from .ranking import (
    PrecisionRecallCurve,
    RocCurve,
    average_precision,
    precision_recall_curve,
    roc_auc,
    roc_curve,
)
from .thresholds import (
    OperatingPoint,
    metrics_at_threshold,
    threshold_for_sensitivity,
    threshold_for_specificity,
    youden_threshold,
)

__all__ = [
    "Average",
    "BinStrategy",
    "CalibrationCurve",
    "ClassMetric",
    "ConfusionMatrix",
    "KappaWeights",
    "LikelihoodRatios",
    "MulticlassConfusionMatrix",
    "OperatingPoint",
    "PrecisionRecallCurve",
    "Proportion",
    "RocCurve",
    "accuracy",
    "average_precision",
    "balanced_accuracy",
    "brier_score",
    "calibration_curve",
    "cohen_kappa",
    "confusion_matrix",
    "expected_calibration_error",
    "f1_score",
    "likelihood_ratios",
    "metrics_at_threshold",
    "multiclass_confusion_matrix",
    "multiclass_metric",
    "npv",
    "one_vs_rest",
    "ppv",
    "precision_recall_curve",
    "prevalence",
    "roc_auc",
    "roc_curve",
    "sensitivity",
    "specificity",
    "threshold_for_sensitivity",
    "threshold_for_specificity",
    "youden_j",
    "youden_threshold",
]
