"""Binary classification: a score per case, a threshold fixed in advance, every metric
with its interval.

The ``binary-classification`` task type (:class:`BinaryClassification`) and
:func:`classification_metrics`, the figures it reports from per-case arrays. Two tables
(``case_id, label`` and ``case_id, score``) are evaluated through the same engine by
:func:`medeval.evaluate_classification` (:mod:`medeval.classification_tables`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal, cast

import numpy as np
from numpy.typing import NDArray

from .._manifest_hints import see
from .._plural import counted
from ..manifest import Case, nfc_id
from ..metrics._confusion import ratio_terms
from ..metrics.classification import ConfusionMatrix, confusion_matrix
from ..metrics.ranking import roc_auc
from ..result import MetricRecord
from ..stats.bootstrap import bootstrap_ci, ece_statistic
from ..stats.delong import auc_ci
from ..stats.intervals import ProportionMethod
from ..stats.ratios import likelihood_ratio_ci
from ._json_numbers import shown_value
from ._number_hints import number_hint
from ._scalar_json import read_json_prediction
from .base import (
    Aggregate,
    CaseRow,
    PredictionError,
    TaskType,
    metric_record,
    proportion_estimate,
    several_per_patient,
)

__all__ = ["BinaryClassification", "classification_metrics"]

TASK = "binary-classification"

_PROPORTIONS = ("prevalence", "sensitivity", "specificity", "ppv", "npv", "accuracy")
_BOOTSTRAPPED = ("balanced_accuracy", "youden_j", "f1")


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
) -> tuple[list[MetricRecord], ConfusionMatrix]:
    """Every binary-classification metric with its interval, from per-case arrays.

    ``decided`` overrides ``scores >= threshold`` (a failed case counted as a wrong
    answer), and ``probabilities`` the scores used for calibration; by default both
    follow from ``scores``. Why a figure is undefined is its estimate's ``note`` (and was
    warned once by the function that computed it).
    """
    if decided is None:
        decided = scores >= threshold
    if probabilities is None:
        probabilities = scores
    clusters = boot["clusters"]
    clustered = several_per_patient(None if clusters is None else list(clusters))
    if clustered and auc_method == "delong":
        auc_method = "obuchowski"  # DeLong's variance over clusters: Obuchowski 1997
    auc_options = dict(
        method=auc_method, confidence=confidence, seed=boot["seed"],
        n_resamples=boot["n_resamples"], bootstrap_method=boot["method"],
        stratified=boot["clusters"] is None, clusters=boot["clusters"],
    )
    cm = confusion_matrix(truth, decided)
    metrics: list[MetricRecord] = []
    method = cast(ProportionMethod, proportion_method)
    # per case, 0/1: the four cells, so that each proportion's numerator and denominator
    # are the metric's own (ratio_terms) case by case, for the clustered interval
    cells = (truth & decided, ~truth & decided, truth & ~decided, ~truth & ~decided)
    for name in _PROPORTIONS:
        hits, trials = ratio_terms(name, *(c.astype(np.float64) for c in cells))
        among = trials.astype(bool)
        metrics.append(metric_record(name, name, proportion_estimate(
            hits[among], np.asarray(clusters)[among] if clustered else None, method=method,
            confidence=confidence)))
    for name in _BOOTSTRAPPED:
        metrics.append(metric_record(name, name, bootstrap_ci(name, truth, decided, **boot)))
    which: Literal["positive", "negative"]
    for which in ("positive", "negative"):
        ratio = likelihood_ratio_ci(cm.tp, cm.fn, cm.fp, cm.tn, which=which,
                                    confidence=confidence)
        if clustered:  # the log method has no form over patients: say so, as Newcombe's
            ratio = replace(ratio, note="; ".join(
                t for t in (ratio.note, _lr_unclustered(list(clusters))) if t))
        metrics.append(metric_record(f"lr_{which}", f"lr_{which}", ratio))
    auc = auc_ci(truth, scores, **auc_options)
    if clustered and auc_method == "newcombe" and auc.note is None:
        auc = replace(auc, note=_newcombe_unclustered(list(clusters)))
    metrics.append(metric_record("roc_auc", "roc_auc", auc))
    metrics.append(metric_record("average_precision", "average_precision",
                                 bootstrap_ci("average_precision", truth, scores, **boot)))
    if bool(probabilities.min() >= 0.0 and probabilities.max() <= 1.0):
        metrics.append(metric_record("brier_score", "brier_score", bootstrap_ci(
            "brier_score", truth, probabilities, **boot)))
        metrics.append(metric_record("ece", "ece@uniform", bootstrap_ci(
            ece_statistic(calibration_bins), truth.astype(float), probabilities, **boot)))
    return metrics, cm


def _several_scores(value: Any, positive: Any = None) -> str:
    """What to give instead of several numbers as one case's score: the positive class's
    probability of a list, one label's of a model that scores several labels at once (a
    multi-label ECG model's ``{"NORM": 0.2, "MI": 0.7, ...}``: the key of the protocol's
    ``positive`` label where it is one, else the first); empty for anything else.

    >>> _several_scores({"NORM": 0.2, "MI": 0.7})[:48]
    '; it holds a score for each of "NORM", "MI": the'
    >>> _several_scores({"NORM": 0.2, "MI": 0.7}, "MI")[-129:]
    '(a protocol per label, {"score": p["MI"]}), or every label at once under a \
multilabel-classification protocol ({"scores": {...}})'
    >>> _several_scores([0.27, 0.73])[:24]
    '; a list of 2 numbers: t'
    """
    def number(x: Any) -> bool:
        return isinstance(x, (int, float)) and not isinstance(x, bool)

    if isinstance(value, dict) and value and all(number(v) for v in value.values()):
        keys = ", ".join(json.dumps(str(k), ensure_ascii=False) for k in list(value)[:10])
        named = [k for k in value if positive is not None
                 and nfc_id(str(k).strip()) == nfc_id(str(positive))]
        first = json.dumps(str(named[0] if named else next(iter(value))), ensure_ascii=False)
        return (f"; it holds a score for each of {keys}: the task reads one number, the "
                "positive class's score; for one label of a model that scores several, that "
                f"label's (a protocol per label, {{\"score\": p[{first}]}}), or every label "
                "at once under a multilabel-classification protocol ({\"scores\": {...}})")
    if isinstance(value, list) and len(value) > 1 and all(number(v) for v in value):
        return (f"; a list of {len(value)} numbers: the task reads one number, the positive "
                "class's score (float(probs[1]), not the array probs)")
    return ""


def _label_scores(value: dict[Any, Any], positive: Any) -> str:
    """The hint of :func:`_several_scores` for a prediction without "score" that holds a
    multi-label model's scores: a multilabel-classification prediction
    (``{"scores": {...}}``), or the label scores alone where the protocol's positive label
    is among them; empty for anything else (``{"label": 1}``, ``{"Score": 0.8}``).

    >>> _label_scores({"scores": {"NORM": 0.2, "MI": 0.7}}, "MI")[:48]
    '; it holds a score for each of "NORM", "MI": the'
    >>> _label_scores({"label": 1}, 1)
    ''
    """
    if isinstance(value.get("scores"), dict):
        return _several_scores(value["scores"], positive)
    keys = {nfc_id(str(k).strip()) for k in value}
    if len(value) > 1 and nfc_id(str(positive)) in keys:
        return _several_scores(value, positive)
    return ""


class BinaryClassification(TaskType):
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
    scores_values = True
    case_columns = ("reference", "score", "prediction", "outcome")

    def __init__(self, spec: Any, statistics: Any, failures: Any = None) -> None:
        self.spec = spec
        self.statistics = statistics
        self.failures = failures

    def reference_problem(self, case: Case, root: Path) -> str | None:
        """A message when the case's label is neither the positive nor the negative one."""
        # compared in NFC, as ids are: '악성' from Windows (NFC) and macOS (NFD) is one label
        labels = {nfc_id(str(self.spec.positive_label)), nfc_id(str(self.spec.negative_label))}
        written = nfc_id(case.reference.strip())
        if written not in labels:
            alike = [label for label in sorted(labels) if label.casefold() == written.casefold()]
            case_only = (f" (the label {alike[0]!r} in another letter case: write it as the "
                         "protocol does)") if alike else ""
            return (f"case {case.case_id} (line {case.line}): reference {case.reference!r} is "
                    f"not a declared label {sorted(labels)}{case_only}{see('binary labels')}")
        return None

    def _truth(self, case: Case) -> int:
        return int(nfc_id(case.reference.strip()) == nfc_id(str(self.spec.positive_label)))

    def score_case(self, case: Case, root: Path, predictions: Path) -> dict[str, Any]:
        """Read the case's label and score; the decision at the protocol's threshold."""
        return self.score_value(case, read_json_prediction(case, predictions))

    def score_value(self, case: Case, value: Any) -> dict[str, Any]:
        """The score (or ``{"score": number}``) and its decision at the threshold."""
        given = value
        if isinstance(value, dict):
            if "score" not in value:  # {"label": 1}, {"Score": 0.8}: say so, not "got None"
                keys = ", ".join(json.dumps(str(k), ensure_ascii=False)
                                 for k in list(value)[:10]) or "none"
                raise PredictionError(
                    f"case {case.case_id}: the prediction has no \"score\" (its keys: "
                    f"{keys}); it must hold a number or {{\"score\": number}}"
                    f"{_label_scores(value, self.spec.positive_label)}")
            value = value["score"]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise PredictionError(
                f"case {case.case_id}: the prediction must hold a number or {{\"score\": number}}, "
                f"got {shown_value(value)}{_several_scores(value, self.spec.positive_label)}"
                + (number_hint(value, None) if isinstance(value, str) else "")
            )
        if value != value:  # NaN: a table's empty or #N/A cell reads so, as a JSON NaN
            raise PredictionError(
                f"case {case.case_id}: no score: NaN (in a table, an empty cell or #N/A, "
                "which are read as NaN); write the score as a number")
        if not np.isfinite(value):
            raise PredictionError(f"case {case.case_id}: score {value!r} is not finite")
        truth, decided = self._truth(case), int(value >= self.spec.threshold)
        values = {"reference": truth, "score": float(value), "prediction": decided,
                  "outcome": _outcome(truth, decided)}
        own = _own_label(given, self.spec) if isinstance(given, dict) else None
        if own is not None and own != decided:
            values["own_label"] = given["label"]  # not read: the aggregate says so
        return values

    def failed_values(self, case: Case, root: Path) -> dict[str, Any]:
        """A wrong answer (see the class documentation)."""
        truth = self._truth(case)
        return {"reference": truth, "score": None, "prediction": 1 - truth,
                "outcome": _outcome(truth, 1 - truth)}

    def aggregate(self, rows: Sequence[CaseRow], *, clusters: Sequence[str] | None) -> Aggregate:
        """Every binary metric with its interval (see :func:`classification_metrics`)."""
        if not rows:  # every case failed and is left out: nothing to count
            return Aggregate(self._no_cases(), {"confusion_matrix": {
                "tp": 0, "fp": 0, "fn": 0, "tn": 0}})
        truth = np.array([bool(r.values["reference"]) for r in rows], dtype=bool)
        decided = np.array([bool(r.values["prediction"]) for r in rows], dtype=bool)
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
        metrics, cm = classification_metrics(
            truth, scores, threshold=self.spec.threshold, confidence=st.confidence,
            proportion_method=st.proportion_method, auc_method=st.auc_method, boot=boot,
            calibration_bins=self.spec.calibration_bins, decided=decided, probabilities=probs,
        )
        tables = {"confusion_matrix": {"tp": cm.tp, "fp": cm.fp, "fn": cm.fn, "tn": cm.tn}}
        return Aggregate(tuple(metrics), tables, _threshold_outside(
            known, truth, self.spec.threshold) + _not_probabilities(known)
            + _below_chance(metrics, truth[[s is not None for s in given]], known),
            case_facts=_own_labels_differ(rows, self.spec.threshold))

    def _no_cases(self) -> tuple[MetricRecord, ...]:
        """Each figure undefined (NaN, n 0, note "no cases"), with the method it would have."""
        import math

        from ..stats.estimate import Estimate

        st = self.statistics
        boot = f"bootstrap-{st.bootstrap_method}"
        named = [*((name, name, st.proportion_method) for name in _PROPORTIONS),
                 *((name, name, boot) for name in _BOOTSTRAPPED),
                 ("lr_positive", "lr_positive", "log"), ("lr_negative", "lr_negative", "log"),
                 ("roc_auc", "roc_auc", st.auc_method),
                 ("average_precision", "average_precision", boot),
                 ("brier_score", "brier_score", boot), ("ece", "ece@uniform", boot)]
        return tuple(metric_record(name, definition, Estimate(
            math.nan, math.nan, math.nan, method, st.confidence, 0, note="no cases"))
            for name, definition, method in named)


def _below_chance(metrics: Sequence[MetricRecord], truth: NDArray[np.bool_] | None = None,
                  scores: NDArray[np.float64] | None = None) -> tuple[str, ...]:
    """A warning when the whole AUC interval lies below 0.5 and so does the AUC of the
    scored cases (``truth``, ``scores``: not only failed cases ranked wrongly by the
    failure policy): the scores rank the negative cases above the positive ones, as the
    other class's probability does (a classifier's ``predict_proba(X)[:, 0]``); the AUC
    is never flipped.

    Examples
    --------
    >>> from medeval.stats.estimate import Estimate
    >>> auc = MetricRecord("roc_auc", "roc_auc", Estimate(0.2, 0.1, 0.3, "delong", 0.95, 40),
    ...                    True)
    >>> _below_chance([auc])[0][:54]
    'the AUC 0.2 and its whole 95% interval [0.1, 0.3] lie '
    """
    auc = next((m.estimate for m in metrics if m.name == "roc_auc"), None)
    if auc is None or not auc.high < 0.5:
        return ()
    if truth is not None and scores is not None and (
            not (truth.any() and not truth.all()) or roc_auc(truth, scores) >= 0.5):
        return ()  # the failed cases' worst-case ranks, not the scores
    return (f"the AUC {auc.value:.4g} and its whole {auc.confidence * 100:g}% interval "
            f"[{auc.low:.4g}, {auc.high:.4g}] lie below 0.5: the scores rank the negative "
            "cases above the positive ones; are they the negative class's probability (a "
            "classifier's predict_proba(X)[:, 0])? The AUC is not flipped",)


def _not_probabilities(scores: np.ndarray) -> tuple[str, ...]:
    """A warning when a score lies outside [0, 1]: the scores are not probabilities (a
    model's logits, a margin), so the Brier score and the calibration error are left out.

    Examples
    --------
    >>> _not_probabilities(np.array([-2.5, 0.25, 3.0]))[0][:62]
    'the scores (-2.5 to 3) are not all within [0, 1], so they are '
    >>> _not_probabilities(np.array([0.0, 1.0]))
    ()
    """
    if not scores.size or (scores.min() >= 0.0 and scores.max() <= 1.0):
        return ()
    return (f"the scores ({scores.min():g} to {scores.max():g}) are not all within [0, 1], "
            "so they are not probabilities: the Brier score and the expected calibration "
            "error are not reported (for logits, give the sigmoid of each score); the "
            "threshold applies to the scores as given",)


def _own_label(prediction: dict[str, Any], spec: Any) -> int | None:
    """The algorithm's own decision where its prediction carries a ``"label"`` beside its
    score that is one of the protocol's two labels (1: positive, 0: negative; ``true``
    and ``1.0`` read as 1); None where it carries none or another value."""
    label = prediction.get("label")
    if isinstance(label, bool) or (isinstance(label, float) and label.is_integer()):
        label = int(label)
    if not isinstance(label, (str, int)):
        return None
    text = nfc_id(str(label).strip())
    for own, named in ((1, spec.positive_label), (0, spec.negative_label)):
        if text == nfc_id(str(named)):
            return own
    return None


def _own_labels_differ(rows: Sequence[CaseRow], threshold: float) -> tuple[str, ...]:
    """A warning naming the cases (ten shown) whose prediction's own ``"label"`` is not
    the decision of its score at the protocol's threshold: the label is not read, so an
    algorithm deciding at a threshold of its own would otherwise be judged at the
    protocol's without a word.

    Examples
    --------
    >>> from medeval.tasks.base import CaseRow
    >>> row = CaseRow("c1", "p1", "ok", None, None, {"score": 0.2, "own_label": 1})
    >>> print(_own_labels_differ([row], 0.5)[0][:59])
    1 case(s) whose prediction's own "label" is not its score's
    """
    found = [(row.case_id, row.values["own_label"], row.values["score"]) for row in rows
             if "own_label" in row.values]
    if not found:
        return ()
    shown = "; ".join(f"{case_id} (label {json.dumps(label, ensure_ascii=False)}, score "
                      f"{score:g})" for case_id, label, score in found[:10])
    more = f"; ... ({len(found)} cases)" if len(found) > 10 else ""
    return (f"{len(found)} case(s) whose prediction's own \"label\" is not its score's "
            f"decision at the protocol's threshold ({threshold:g}): {shown}{more}; the "
            "label is not read: each case is decided by score >= threshold, at the "
            "threshold the protocol fixed",)


def _threshold_outside(scores: np.ndarray, truth: np.ndarray, threshold: float
                       ) -> tuple[str, ...]:
    """A warning when cases of both classes were scored and the threshold lies beyond
    every score, so that every case is called one class: most often a threshold on
    another scale than the scores (50 for probabilities, meant as 50 %). None where the
    threshold and every score lie within [0, 1]: a probability's threshold on
    probabilities, beyond the scores of a subgroup (site B's all below 0.5) or of a
    model that calls every case one class, is on the right scale.

    Examples
    --------
    >>> _threshold_outside(np.array([0.1, 0.9]), np.array([False, True]), 50)[0][:58]
    'the threshold 50 is above every score (0.1 to 0.9): every '
    >>> _threshold_outside(np.array([0.1, 0.9]), np.array([False, True]), 0.5)
    ()
    >>> _threshold_outside(np.array([0.1, 0.4]), np.array([False, True]), 0.5)
    ()
    """
    beyond = threshold_beyond(scores, truth, threshold)
    if beyond is None:
        return ()
    above, low, high = beyond
    side, called = ("above", "negative") if above else ("below", "positive")
    return (f"the threshold {threshold:g} is {side} every score ({low:g} to {high:g}): every "
            f"case is called {called}; the threshold is on the scores' scale (a "
            "probability's 50 % is 0.5)",)


def threshold_beyond(scores: np.ndarray, truth: np.ndarray, threshold: float
                     ) -> tuple[bool, float, float] | None:
    """Whether the threshold lies above every score (else below every one) and the
    scores' least and greatest, where cases of both classes were scored and the threshold
    lies beyond them all on another scale (see :func:`_threshold_outside`); else None.
    Shared with the multi-label task, which asks it of each label.

    >>> threshold_beyond(np.array([0.1, 0.9]), np.array([False, True]), 50)
    (True, 0.1, 0.9)
    """
    if not scores.size or truth.all() or not truth.any():
        return None
    low, high = float(scores.min()), float(scores.max())
    if low <= threshold <= high or (0 <= low and high <= 1 and 0 <= threshold <= 1):
        return None
    return threshold > high, low, high


def _newcombe_unclustered(clusters: list[Any]) -> str:
    """The note of a Newcombe AUC interval on cases several of which share a patient."""
    patients = len(set(clusters))
    return (f"newcombe takes the {len(clusters)} cases as independent, but they are of "
            f"{counted(patients, 'patient')}, several per patient: the interval is too "
            "narrow if a patient's cases are alike; auc_method = \"delong\" (Obuchowski's "
            "clustered form here) or \"bootstrap\" (patients resampled) accounts for it")


def _lr_unclustered(clusters: list[Any]) -> str:
    """The note of a likelihood ratio's interval (the log method, Simel et al. 1991) on
    cases several of which share a patient: it counts the cases of the confusion matrix
    as independent trials, and has no clustered form here.

    >>> _lr_unclustered(["a", "a", "b"])[:52]
    'the log method takes the 3 cases as independent, but'
    """
    return (f"the log method takes the {len(clusters)} cases as independent, but they are "
            f"of {counted(len(set(clusters)), 'patient')}, several per patient: the interval "
            "is too narrow if a patient's cases are alike (the likelihood ratios' interval has "
            "no form over patients here)")


def _outcome(truth: int, decided: int) -> str:
    return ("TP" if decided else "FN") if truth else ("FP" if decided else "TN")
