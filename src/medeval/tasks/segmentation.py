"""Segmentation: reference masks against predicted masks, mean metrics with intervals.

The manifest's ``reference`` is a mask or label map (NIfTI, MHA, NRRD, DICOM); the
prediction is ``<case_id>.nii.gz`` (or ``.nii``, ``.mha``, ``.nrrd``) on the same grid —
checked with :func:`medeval.compat.check_compatible` before anything is measured.
Each protocol label is scored with :func:`medeval.metrics.segmentation_scores` (spacing
from the reference image, in (z, y, x)).

Aggregation: the mean over cases of each metric, with a bootstrap interval (resampling
patients or cases as the protocol says). An infinite distance — one mask empty, the
declared answer of the empty-mask table — is replaced by the protocol's
``failures.worst_distance_mm`` when one is declared, and counted; without it the mean is
infinite and its interval undefined, which the result shows. A failed case scores
Dice 0, NSD 0 and the declared worst distance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..compat import check_compatible
from ..errors import CompatibilityError, LoaderError
from ..manifest import Case
from ..metrics.segmentation_scores import segmentation_scores
from ..result import MetricRecord
from ..stats.estimate import Estimate
from .base import (
    Aggregate,
    CaseRow,
    PredictionError,
    ReferenceProblem,
    TaskType,
    bootstrap_estimate,
    metric_record,
    prediction_file,
)

__all__ = ["Segmentation"]

SUFFIXES = (".nii.gz", ".nii", ".mha", ".nrrd")
_DISTANCES = ("hausdorff", "hd95@max-directed", "hd95@pooled", "assd", "masd")


class Segmentation(TaskType):
    """The ``segmentation`` task type behind :func:`medeval.evaluate`."""

    type = "segmentation"
    reference_kind = "image"
    parallel = True
    loads_ahead = True
    reads_reference = True

    def __init__(self, spec: Any, statistics: Any, failures: Any) -> None:
        self.spec = spec
        self.statistics = statistics
        self.failures = failures
        q = f"{spec.hd_percentile:g}"
        self.metric_names = (
            "dice", "jaccard", "hausdorff", f"hd{q}@max-directed", f"hd{q}@pooled", "assd",
            "masd", f"nsd@{spec.nsd_variant}", "relative_volume_difference",
        )
        self.case_columns = tuple(
            f"{self._prefix(label)}{name}" for label in spec.labels
            for name in (*self.metric_names, "reference_empty", "prediction_empty")
        )

    def _prefix(self, label: int) -> str:
        return "" if len(self.spec.labels) == 1 else f"label{label}:"

    def reference_problem(self, case: Case, root: Path) -> str | None:
        """References are checked as images by the manifest; nothing more here."""
        return None

    def load_case(self, case: Case, root: Path, predictions: Path) -> tuple[Any, Any]:
        """Read both masks, check their geometry and split them by label (the evaluation
        may do this ahead, while the previous case is measured)."""
        from ..loaders import read_image

        try:
            reference = read_image(root / case.reference)
        except LoaderError as exc:
            raise ReferenceProblem(f"case {case.case_id}: {exc}") from None
        path = prediction_file(predictions, case.case_id, SUFFIXES)
        try:
            prediction = read_image(path)
        except LoaderError as exc:
            raise PredictionError(f"case {case.case_id}: {exc}") from None
        try:
            check_compatible(reference, prediction)
        except CompatibilityError as exc:
            raise PredictionError(f"case {case.case_id}: {exc}", "incompatible") from None
        masks = {label: (reference.array == label, prediction.array == label)
                 for label in self.spec.labels}
        return reference.spacing_mm, masks

    def score_loaded(self, case: Case, loaded: tuple[Any, Any]) -> dict[str, Any]:
        """Score every protocol label of masks already read (see :meth:`load_case`)."""
        spacing, masks = loaded
        values: dict[str, Any] = {}
        for label in self.spec.labels:
            scores = segmentation_scores(
                *masks[label],
                spacing_mm=spacing, tolerance_mm=self.spec.nsd_tolerance_mm,
                percentile=self.spec.hd_percentile, nsd_variant=self.spec.nsd_variant,
                connectivity=self.spec.connectivity,
            )
            prefix = self._prefix(label)
            for name in self.metric_names:
                values[prefix + name] = scores.values[name]
            values[prefix + "reference_empty"] = scores.reference_empty
            values[prefix + "prediction_empty"] = scores.prediction_empty
        return values

    def score_case(self, case: Case, root: Path, predictions: Path) -> dict[str, Any]:
        """Read both masks, check their geometry, score every protocol label."""
        return self.score_loaded(case, self.load_case(case, root, predictions))

    def failed_values(self, case: Case, root: Path) -> dict[str, Any]:
        """Dice 0, NSD 0, the declared worst distance (``inf`` if none), RVD -1."""
        worst = self.failures.worst_distance_mm
        distance = math.inf if worst is None else float(worst)
        values: dict[str, Any] = {}
        for label in self.spec.labels:
            prefix = self._prefix(label)
            for name in self.metric_names:
                if name in ("dice", "jaccard") or name.startswith("nsd@"):
                    values[prefix + name] = 0.0
                elif name == "relative_volume_difference":
                    values[prefix + name] = -1.0
                else:
                    values[prefix + name] = distance
            values[prefix + "reference_empty"] = None
            values[prefix + "prediction_empty"] = True
        return values

    def aggregate(self, rows: Sequence[CaseRow], *, clusters: Sequence[str] | None) -> Aggregate:
        """The mean of each metric over the cases, with a bootstrap interval."""
        st = self.statistics
        worst = self.failures.worst_distance_mm
        metrics: list[MetricRecord] = []
        tables: dict[str, Any] = {}
        for label in self.spec.labels:
            prefix = self._prefix(label)
            substituted = 0
            for name in self.metric_names:
                values = np.array([float(r.values[prefix + name]) for r in rows])
                if _base(name) in _DISTANCES and worst is not None:
                    infinite = np.isinf(values)
                    substituted += int(infinite.sum())
                    values[infinite] = float(worst)
                unreplaced = _base(name) in _DISTANCES and worst is None
                estimate = _mean_ci(values, clusters, st, unreplaced=unreplaced)
                metrics.append(metric_record(f"{prefix}{name}", _definition_id(name),
                                             estimate))
            flags = [(r.values.get(prefix + "reference_empty"),
                      r.values.get(prefix + "prediction_empty")) for r in rows]
            tables[f"{prefix}empty_masks"] = {
                "reference_only_empty": sum(1 for a, b in flags if a is True and b is False),
                "prediction_only_empty": sum(1 for a, b in flags if a is False and b is True),
                "both_empty": sum(1 for a, b in flags if a is True and b is True),
                "distances_replaced_by_worst": substituted,
            }
        return Aggregate(tuple(metrics), tables)


def _base(name: str) -> str:
    return name.split(":", 1)[-1]


def _definition_id(name: str) -> str:
    base = _base(name)
    if base.startswith("hd") and "@" in base and not base.startswith("hd95"):
        return "hd95@" + base.split("@", 1)[1]  # another percentile: the same definition
    return base


def _mean(x: NDArray[np.float64], weights: NDArray[np.float64]) -> NDArray[np.float64]:
    result: NDArray[np.float64] = np.einsum("bn,n->b", weights, x) / weights.sum(axis=1)
    return result


def _mean_ci(values: NDArray[np.float64], clusters: Sequence[str] | None, st: Any, *,
             unreplaced: bool = False) -> Estimate:
    """The mean over the cases with its bootstrap interval; an infinite value (a mask
    empty on one side) makes the mean infinite and the interval undefined, with a note
    (``unreplaced``: a distance that a declared worst distance would have replaced)."""
    infinite = int((~np.isfinite(values)).sum())
    if infinite:
        note = (f"{infinite} of {values.size} case(s) have an infinite value (a mask empty "
                "on one side), so the mean is infinite and its interval undefined (NaN)")
        if unreplaced:
            note += "; no failures.worst_distance_mm is declared to replace them"
        return Estimate(float(values.mean()), math.nan, math.nan,
                        f"bootstrap-{st.bootstrap_method}", st.confidence, int(values.size),
                        note=note)
    return bootstrap_estimate(_mean, values, clusters, st)
