"""The written definition of every figure medeval reports, by id.

A result names, for each metric, the id of the definition that produced it; the
certificate prints the formula and the reference from here. An id never changes meaning:
a changed formula gets a new id (``.v2``).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFINITIONS", "MetricDefinition", "definition"]


@dataclass(frozen=True)
class MetricDefinition:
    """One metric's definition.

    Attributes
    ----------
    id : str
        Stable identifier, e.g. ``"sensitivity.v1"``.
    name : str
        Human name.
    formula : str
        The formula in plain text.
    higher_is_better : bool or None
        Direction; None where neither is better (prevalence).
    reference : str
        The paper or standard that defines it.
    edge_cases : str
        The stated answer where the formula is undefined.
    """

    id: str
    name: str
    formula: str
    higher_is_better: bool | None
    reference: str
    edge_cases: str = ""


_UNDEFINED = "NaN with UndefinedMetricWarning when the denominator is 0"

DEFINITIONS: dict[str, MetricDefinition] = {
    d.id: d
    for d in [
        MetricDefinition(
            "prevalence.v1", "Prevalence", "(TP + FN) / N", None,
            "Altman DG, Bland JM. BMJ 1994;309:102", "NaN when N = 0",
        ),
        MetricDefinition(
            "sensitivity.v1", "Sensitivity", "TP / (TP + FN)", True,
            "Yerushalmy J. Public Health Rep 1947;62:1432-49; Altman & Bland, BMJ 1994;308:1552",
            _UNDEFINED,
        ),
        MetricDefinition(
            "specificity.v1", "Specificity", "TN / (TN + FP)", True,
            "Yerushalmy J. Public Health Rep 1947;62:1432-49; Altman & Bland, BMJ 1994;308:1552",
            _UNDEFINED,
        ),
        MetricDefinition(
            "ppv.v1", "Positive predictive value", "TP / (TP + FP), at the sample's prevalence",
            True, "Altman DG, Bland JM. BMJ 1994;309:102", _UNDEFINED,
        ),
        MetricDefinition(
            "npv.v1", "Negative predictive value", "TN / (TN + FN), at the sample's prevalence",
            True, "Altman DG, Bland JM. BMJ 1994;309:102", _UNDEFINED,
        ),
        MetricDefinition(
            "accuracy.v1", "Accuracy", "(TP + TN) / N", True,
            "Metz CE. Semin Nucl Med 1978;8:283-98", _UNDEFINED,
        ),
        MetricDefinition(
            "balanced_accuracy.v1", "Balanced accuracy", "(Sensitivity + Specificity) / 2",
            True, "Brodersen KH et al. ICPR 2010:3121-4",
            "NaN when there is no positive or no negative case",
        ),
        MetricDefinition(
            "youden_j.v1", "Youden's J", "Sensitivity + Specificity - 1", True,
            "Youden WJ. Cancer 1950;3:32-35",
            "NaN when there is no positive or no negative case",
        ),
        MetricDefinition(
            "f1.v1", "F1 score", "2 TP / (2 TP + FP + FN)", True,
            "van Rijsbergen CJ. Information Retrieval, 1979", _UNDEFINED,
        ),
        MetricDefinition(
            "lr_positive.v1", "Positive likelihood ratio", "Sensitivity / (1 - Specificity)",
            True, "Simel DL, Samsa GP, Matchar DB. J Clin Epidemiol 1991;44:763-70",
            "NaN when TP = 0 or FP = 0 (ratio 0 or infinite); no continuity correction",
        ),
        MetricDefinition(
            "lr_negative.v1", "Negative likelihood ratio", "(1 - Sensitivity) / Specificity",
            False, "Simel DL, Samsa GP, Matchar DB. J Clin Epidemiol 1991;44:763-70",
            "NaN when FN = 0 or TN = 0 (ratio 0 or infinite); no continuity correction",
        ),
        MetricDefinition(
            "roc_auc.v1", "Area under the ROC curve",
            "Mann-Whitney: mean over positive-negative pairs of [s+ > s-] + 1/2 [s+ = s-]; "
            "higher score = positive, never flipped",
            True, "Hanley JA, McNeil BJ. Radiology 1982;143:29-36",
            "NaN when only one class is present",
        ),
        MetricDefinition(
            "average_precision.v1", "Average precision",
            "sum over distinct thresholds (descending) of (R_k - R_(k-1)) P_k, no interpolation",
            True, "Manning, Raghavan, Schutze. Introduction to Information Retrieval, 2008, ch. 8",
            "NaN when there is no positive case",
        ),
        MetricDefinition(
            "brier_score.v1", "Brier score", "mean of (p - y)^2, y in {0, 1}", False,
            "Brier GW. Mon Weather Rev 1950;78:1-3", "NaN when N = 0",
        ),
        MetricDefinition(
            "ece_uniform.v1", "Expected calibration error",
            "sum over bins of (n_b / N) |mean(y) - mean(p)|; equal-width bins on [0, 1], "
            "right-closed, the first also closed on the left",
            False, "Naeini MP, Cooper GF, Hauskrecht M. AAAI 2015; Guo C et al. ICML 2017",
            "empty bins contribute 0",
        ),
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
