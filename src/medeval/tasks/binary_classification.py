"""Binary classification: two tables in, every metric with its interval out.

The first end-to-end path of medeval: a reference table (``case_id, label``) and a
prediction table (``case_id, score``) are joined on the case id, the score is turned into
a decision at a threshold fixed in advance (``score >= threshold`` is positive), and the
result holds the 2×2 table, every metric with its confidence interval and method, the
per-case rows and the SHA-256 of both inputs.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any, Literal, cast

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from .._validation import choice, confidence_level, finite_scores
from ..errors import InvalidInputError, TableError, UndefinedMetricWarning
from ..loaders.tables import CaseTable, join_cases, read_table
from ..manifest import Case
from ..metrics.classification import ConfusionMatrix, confusion_matrix
from ..result import InputRecord, MetricRecord, Result
from ..stats.bootstrap import bootstrap_ci
from ..stats.delong import auc_ci
from ..stats.intervals import PROPORTION_METHODS, ProportionMethod, proportion_ci
from ..stats.ratios import likelihood_ratio_ci
from ._scalar_json import read_json_prediction
from .base import Aggregate, CaseRow, PredictionError, metric_record, metric_scope

__all__ = ["BinaryClassification", "classification_metrics", "evaluate_classification"]

TASK = "binary-classification"

_PROPORTIONS = ("prevalence", "sensitivity", "specificity", "ppv", "npv", "accuracy")
_BOOTSTRAPPED = ("balanced_accuracy", "youden_j", "f1")


def evaluate_classification(
    references: str | Path | pd.DataFrame,
    predictions: str | Path | pd.DataFrame,
    *,
    threshold: float,
    id_column: str = "case_id",
    label_column: str = "label",
    score_column: str = "score",
    pos_label: Hashable = 1,
    confidence: float = 0.95,
    proportion_method: str = "wilson",
    auc_method: Literal["delong", "bootstrap"] = "delong",
    bootstrap_method: Literal["percentile", "bca"] = "percentile",
    n_resamples: int = 2000,
    seed: int = 0,
    patient_column: str | None = None,
    calibration_bins: int = 10,
) -> Result:
    r"""Evaluate binary classification scores against reference labels.

    Cases are joined on ``id_column``; a case is called positive when
    :math:`\text{score} \ge \text{threshold}`. Reported, each with its interval:

    - prevalence, sensitivity, specificity, PPV, NPV, accuracy — proportions with the
      ``proportion_method`` interval (numerator/denominator recorded);
    - balanced accuracy, Youden's J, F1 — bootstrap (``bootstrap_method``) stratified
      by class, or clustered by patient with ``patient_column``;
    - LR+ and LR− — log method (Simel et al. 1991);
    - ROC AUC — DeLong (default) or bootstrap; average precision — bootstrap;
    - Brier score and expected calibration error (``calibration_bins`` equal-width bins)
      — bootstrap, only when every score lies in [0, 1] (i.e. is a probability).

    Parameters
    ----------
    references, predictions : path or DataFrame
        CSV or Parquet files, or DataFrames. References hold ``id_column`` and
        ``label_column``; predictions ``id_column`` and ``score_column``.
    threshold : float
        The operating threshold, fixed before the evaluation.
    id_column, label_column, score_column : str
        Column names.
    pos_label : hashable
        The positive label in the reference column (e.g. ``1`` or ``"malignant"``).
    confidence : float
        Confidence level of every interval.
    proportion_method : str
        ``"wilson"`` (default), ``"clopper-pearson"``, ``"jeffreys"``,
        ``"agresti-coull"`` or ``"wald"``.
    auc_method : {"delong", "bootstrap"}
        Interval of the AUC.
    bootstrap_method : {"percentile", "bca"}
        Interval of the bootstrapped metrics.
    n_resamples : int
        Bootstrap resamples.
    seed : int
        Seed of every bootstrap (recorded in the result).
    patient_column : str, optional
        A reference column with patient ids: the bootstrap then resamples patients
        (all of a patient's cases together) instead of cases.
    calibration_bins : int
        Number of equal-width bins of the expected calibration error.

    Returns
    -------
    Result
        ``task`` ``"binary-classification"``, ``mode`` ``"pre-check"``.

    Raises
    ------
    TableError
        A file is missing or unreadable, a column is missing, ids are empty or
        duplicated, or ids are in one table and not the other (all listed).
    InvalidInputError
        Labels that are not binary, scores that are not finite numbers (cases named),
        a confidence outside (0, 1), an unknown method.

    Warns
    -----
    UndefinedMetricWarning
        For each metric undefined on the data (e.g. no positive case); the same messages
        are recorded in ``Result.warnings``.

    Examples
    --------
    >>> import pandas as pd
    >>> ref = pd.DataFrame({"case_id": list("abcdef"), "label": [1, 1, 1, 0, 0, 0]})
    >>> pred = pd.DataFrame({"case_id": list("abcdef"),
    ...                      "score": [0.9, 0.8, 0.3, 0.6, 0.2, 0.1]})
    >>> result = evaluate_classification(ref, pred, threshold=0.5)
    >>> est = result.metric("sensitivity").estimate
    >>> est.numerator, est.n, round(est.value, 4), est.method
    (2, 3, 0.6667, 'wilson')
    >>> result.tables["confusion_matrix"]
    {'tp': 2, 'fp': 1, 'fn': 1, 'tn': 2}
    """
    func = "evaluate_classification"
    level = confidence_level(confidence, func=func)
    proportion_method = choice(
        proportion_method, PROPORTION_METHODS, name="proportion_method", func=func
    )
    choice(auc_method, ("delong", "bootstrap"), name="auc_method", func=func)
    choice(bootstrap_method, ("percentile", "bca"), name="bootstrap_method", func=func)
    try:
        threshold = float(threshold)
    except (TypeError, ValueError):
        raise InvalidInputError(f"{func}: threshold must be a number, got {threshold!r}") from None
    if not np.isfinite(threshold):
        raise InvalidInputError(f"{func}: threshold must be finite, got {threshold!r}")

    ref_columns = [label_column] + ([patient_column] if patient_column else [])
    ref = read_table(references, columns=ref_columns, id_column=id_column, role="reference")
    pred = read_table(predictions, columns=[score_column], id_column=id_column,
                      role="predictions")
    joined = join_cases(ref, pred)
    score_name = score_column if score_column != label_column else f"{score_column}_prediction"
    case_ids = joined.index.to_numpy(dtype=str)
    truth = _labels(joined[label_column], pos_label, ref)
    scores = _scores(joined[score_name], case_ids, pred)
    decided = scores >= threshold
    clusters = None
    if patient_column:
        patients = joined[patient_column]
        if patients.isna().any():
            missing = case_ids[patients.isna().to_numpy()].tolist()
            raise TableError(
                f"reference table {ref.source}: empty {patient_column!r} for case(s) "
                f"{', '.join(missing)}"
            )
        clusters = patients.astype(str).to_numpy()

    boot: dict[str, Any] = dict(
        seed=seed, method=bootstrap_method, n_resamples=n_resamples, confidence=level,
        strata=None if clusters is not None else truth, clusters=clusters,
    )
    metrics, cm, messages = classification_metrics(
        truth, scores, threshold=threshold, confidence=level,
        proportion_method=proportion_method, auc_method=auc_method, boot=boot,
        calibration_bins=calibration_bins,
    )

    cases = [
        {
            "case_id": cid,
            "reference": int(t),
            "score": float(s),
            "prediction": int(d),
            "outcome": ("TP" if d else "FN") if t else ("FP" if d else "TN"),
            **({"patient_id": str(p)} if clusters is not None else {}),
        }
        for cid, t, s, d, p in zip(
            case_ids, truth, scores, decided,
            clusters if clusters is not None else [None] * len(case_ids),
        )
    ]
    columns = ("case_id", "reference", "score", "prediction", "outcome") + (
        ("patient_id",) if clusters is not None else ()
    )
    parameters = {
        "threshold": threshold,
        "decision_rule": "score >= threshold is positive",
        "pos_label": pos_label if isinstance(pos_label, (int, float, str)) else str(pos_label),
        "columns": {"id": id_column, "label": label_column, "score": score_column,
                    "patient": patient_column},
        "confidence": level,
        "proportion_method": proportion_method,
        "auc_method": auc_method,
        "bootstrap": {
            "method": bootstrap_method,
            "n_resamples": n_resamples,
            "seed": seed,
            "unit": "patient" if clusters is not None else "case",
            "stratified_by_class": clusters is None,
        },
        "calibration": {"bins": calibration_bins, "binning": "uniform"}
        if bool(scores.min() >= 0.0 and scores.max() <= 1.0) else None,
    }
    return Result(
        task=TASK,
        mode="pre-check",
        inputs=(_input(ref, len(ref.frame)), _input(pred, len(pred.frame))),
        parameters=parameters,
        metrics=tuple(metrics),
        tables={
            "confusion_matrix": {"tp": cm.tp, "fp": cm.fp, "fn": cm.fn, "tn": cm.tn},
            "n_cases": int(len(case_ids)),
            "n_patients": int(len(set(clusters))) if clusters is not None else None,
        },
        case_columns=columns,
        cases=tuple(cases),
        warnings=tuple(messages),
    )


def classification_metrics(
    truth: NDArray[np.bool_],
    scores: NDArray[np.float64],
    *,
    threshold: float,
    confidence: float,
    proportion_method: str,
    auc_method: str,
    boot: dict[str, Any],
    calibration_bins: int = 10,
    decided: NDArray[np.bool_] | None = None,
    probabilities: NDArray[np.float64] | None = None,
) -> tuple[list[MetricRecord], ConfusionMatrix, list[str]]:
    """Every binary-classification metric with its interval, from per-case arrays.

    ``decided`` overrides ``scores >= threshold`` (a failed case counted as a wrong
    answer), and ``probabilities`` the scores used for calibration; by default both
    follow from ``scores``. Warnings of undefined metrics are re-emitted and returned.
    """
    if decided is None:
        decided = scores >= threshold
    if probabilities is None:
        probabilities = scores
    auc_options = dict(
        method=auc_method, confidence=confidence, seed=boot["seed"],
        n_resamples=boot["n_resamples"], bootstrap_method=boot["method"],
        stratified=boot["clusters"] is None, clusters=boot["clusters"],
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UndefinedMetricWarning)
        cm = confusion_matrix(truth, decided)
        metrics: list[MetricRecord] = []

        method = cast(ProportionMethod, proportion_method)
        for name in _PROPORTIONS:
            k, n = cm.counts(name)  # type: ignore[arg-type]
            with metric_scope(name):
                metrics.append(metric_record(
                    name, name, proportion_ci(k, n, method=method, confidence=confidence)))
        for name in _BOOTSTRAPPED:
            with metric_scope(name):
                metrics.append(metric_record(
                    name, name, bootstrap_ci(name, truth, decided, **boot)))
        which: Literal["positive", "negative"]
        for which in ("positive", "negative"):
            with metric_scope(f"lr_{which}"):
                metrics.append(metric_record(f"lr_{which}", f"lr_{which}", likelihood_ratio_ci(
                    cm.tp, cm.fn, cm.fp, cm.tn, which=which, confidence=confidence)))
        with metric_scope("roc_auc"):
            metrics.append(metric_record(
                "roc_auc", "roc_auc", auc_ci(truth, scores, **auc_options)))
        with metric_scope("average_precision"):
            metrics.append(metric_record("average_precision", "average_precision",
                                         bootstrap_ci("average_precision", truth, scores,
                                                      **boot)))
        if bool(probabilities.min() >= 0.0 and probabilities.max() <= 1.0):
            with metric_scope("brier_score"):
                metrics.append(metric_record("brier_score", "brier_score", bootstrap_ci(
                    "brier_score", truth, probabilities, **boot)))
            with metric_scope("ece"):
                metrics.append(metric_record("ece", "ece@uniform", bootstrap_ci(
                    _ece_statistic(calibration_bins), truth.astype(float), probabilities,
                    **boot)))
    messages = []
    for item in caught:
        if issubclass(item.category, UndefinedMetricWarning):
            messages.append(str(item.message))
        warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)
    return metrics, cm, messages


def _input(table: CaseTable, rows: int) -> InputRecord:
    return InputRecord(table.role, table.source, table.sha256, rows)


def _labels(column: pd.Series, pos_label: Hashable, table: CaseTable) -> NDArray[np.bool_]:
    values = column.to_numpy()
    empty = column.isna().to_numpy()
    if empty.any():
        raise InvalidInputError(
            f"reference table {table.source}: empty label for case(s) "
            f"{', '.join(column.index[empty])}"
        )
    labels = sorted(set(values.tolist()), key=str)
    if len(labels) > 2 or (len(labels) == 2 and pos_label not in labels):
        raise InvalidInputError(
            f"reference table {table.source}: labels must be binary with pos_label="
            f"{pos_label!r} among them, got {labels}"
        )
    result: NDArray[np.bool_] = values == pos_label
    return result


def _scores(column: pd.Series, case_ids: NDArray[Any], table: CaseTable) -> NDArray[np.float64]:
    numbers = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(numbers)
    if bad.any():
        raise InvalidInputError(
            f"predictions table {table.source}: scores must be finite numbers; not so "
            f"for case(s) {', '.join(case_ids[bad])}"
        )
    return finite_scores(numbers, name="score", func="evaluate_classification")


def _ece_statistic(n_bins: int) -> Any:
    """ECE on equal-width bins, right-closed, as ``metrics.expected_calibration_error``."""
    if int(n_bins) != n_bins or n_bins < 1:
        raise InvalidInputError(
            f"evaluate_classification: calibration_bins must be an integer >= 1, got {n_bins!r}"
        )
    inner = np.array([k / n_bins for k in range(1, int(n_bins))])

    def ece(y: NDArray[np.float64], p: NDArray[np.float64],
            weights: NDArray[np.float64]) -> NDArray[np.float64]:
        onehot = np.eye(int(n_bins))[np.searchsorted(inner, p, side="left")]
        gap = np.einsum("bn,nk->bk", weights, onehot * (y - p)[:, None])
        result: NDArray[np.float64] = np.abs(gap).sum(axis=1) / weights.sum(axis=1)
        return result

    return ece


class BinaryClassification:
    """The ``binary-classification`` task type behind :func:`medeval.evaluate`.

    The manifest's ``reference`` is the label (``positive_label`` or ``negative_label``
    of the protocol); the prediction is ``<case_id>.json`` holding a number or
    ``{"score": number}``; ``score >= threshold`` is positive.

    Failure policy ``worst-case``: a failed case is a wrong answer — a false negative if
    its reference is positive, a false positive otherwise; for the AUC its score ranks
    below every positive (or above every negative) case, and for calibration its
    probability is the wrong extreme (0 for a positive, 1 for a negative).
    """

    type = "binary-classification"
    reference_kind = "label"
    case_columns = ("reference", "score", "prediction", "outcome")

    def __init__(self, spec: Any, statistics: Any, failures: Any = None) -> None:
        self.spec = spec
        self.statistics = statistics
        self.failures = failures

    def reference_problem(self, case: Case, root: Path) -> str | None:
        """A message when the case's label is neither the positive nor the negative one."""
        labels = {str(self.spec.positive_label), str(self.spec.negative_label)}
        if case.reference.strip() not in labels:
            return (f"case {case.case_id} (line {case.line}): reference {case.reference!r} is "
                    f"not a declared label {sorted(labels)}")
        return None

    def _truth(self, case: Case) -> int:
        return int(case.reference.strip() == str(self.spec.positive_label))

    def score_case(self, case: Case, root: Path, predictions: Path) -> dict[str, Any]:
        """Read the case's label and score; the decision at the protocol's threshold."""
        data = read_json_prediction(case, predictions)
        value = data.get("score") if isinstance(data, dict) else data
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise PredictionError(
                f"case {case.case_id}: the prediction must hold a number or {{\"score\": number}}, "
                f"got {value!r}"
            )
        if not np.isfinite(value):
            raise PredictionError(f"case {case.case_id}: score {value!r} is not finite")
        truth, decided = self._truth(case), int(value >= self.spec.threshold)
        return {"reference": truth, "score": float(value), "prediction": decided,
                "outcome": _outcome(truth, decided)}

    def failed_values(self, case: Case, root: Path) -> dict[str, Any]:
        """A wrong answer (see the class documentation)."""
        truth = self._truth(case)
        return {"reference": truth, "score": None, "prediction": 1 - truth,
                "outcome": _outcome(truth, 1 - truth)}

    def aggregate(self, rows: Sequence[CaseRow], *, clusters: Sequence[str] | None) -> Aggregate:
        """Every binary metric with its interval (see :func:`classification_metrics`)."""
        truth = np.array([bool(r.values["reference"]) for r in rows])
        decided = np.array([bool(r.values["prediction"]) for r in rows])
        given = [r.values["score"] for r in rows]
        known = np.array([s for s in given if s is not None], dtype=float)
        low = float(known.min()) - 1.0 if known.size else 0.0
        high = float(known.max()) + 1.0 if known.size else 1.0
        # A failed case ranks wrongly for the AUC and is the wrong extreme for calibration.
        scores = np.array([s if s is not None else (low if t else high)
                           for s, t in zip(given, truth)], dtype=float)
        probs = np.array([s if s is not None else (0.0 if t else 1.0)
                          for s, t in zip(given, truth)], dtype=float)
        st = self.statistics
        cluster_array = np.asarray(clusters) if clusters is not None else None
        boot: dict[str, Any] = dict(
            seed=st.seed, method=st.bootstrap_method, n_resamples=st.n_resamples,
            confidence=st.confidence, strata=None if cluster_array is not None else truth,
            clusters=cluster_array,
        )
        metrics, cm, messages = classification_metrics(
            truth, scores, threshold=self.spec.threshold, confidence=st.confidence,
            proportion_method=st.proportion_method, auc_method=st.auc_method, boot=boot,
            calibration_bins=self.spec.calibration_bins, decided=decided, probabilities=probs,
        )
        tables = {"confusion_matrix": {"tp": cm.tp, "fp": cm.fp, "fn": cm.fn, "tn": cm.tn}}
        return Aggregate(tuple(metrics), tables, tuple(messages))


def _outcome(truth: int, decided: int) -> str:
    return ("TP" if decided else "FN") if truth else ("FP" if decided else "TN")
