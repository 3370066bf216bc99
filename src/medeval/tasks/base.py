"""The interface every task type implements, and the per-case row it produces.

:func:`medeval.evaluate` knows a task only through this interface, so a new task type
touches one module:

- ``reference_kind``: what the manifest's ``reference`` column holds (a label, an image,
  a record...), for the manifest's validation;
- ``reference_problem(case, root)``: a message when the case's reference cannot be
  used (every case is checked before the algorithm runs);
- ``score_case(case, root, predictions)``: read the reference and the prediction of one
  case and return its per-case values; an unusable prediction raises
  :class:`PredictionError` with a reason, an unusable reference
  :class:`ReferenceProblem` (a fault of the held-out set: the evaluation stops, listing
  every such case, before any result is written);
- ``reads_reference`` (optional, default False): True when ``score_case`` reads the
  reference file itself and raises :class:`ReferenceProblem`, so that evaluating
  supplied predictions checks each reference while scoring it, reading it once;
- ``failed_values(case, root)``: the per-case values the failure policy ``worst-case``
  assigns to a case whose algorithm failed (a wrong answer, Dice 0 ...);
- ``aggregate(rows, clusters)``: the metrics with their intervals from per-case rows;
  each metric computed inside :func:`metric_scope`, so that a warning that it is
  undefined names it.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol

import numpy as np

from ..errors import MedevalError, UndefinedMetricWarning
from ..manifest import Case
from ..result import MetricRecord
from ..stats.bootstrap import bootstrap_ci
from ..stats.estimate import Estimate

__all__ = [
    "Aggregate", "CaseRow", "PredictionError", "ReferenceProblem", "TaskType",
    "bootstrap_estimate", "metric_record", "metric_scope", "prediction_file",
]

#: Why a case failed. The runner's reasons, plus those found when reading predictions.
FailureReason = Literal[
    "exception", "exit-code", "timeout", "memory", "invalid-output", "output-too-large",
    "missing-output", "incompatible",
]


class PredictionError(MedevalError, ValueError):
    """A prediction that cannot be used for its case; ``reason`` says why."""

    def __init__(self, message: str, reason: FailureReason = "invalid-output") -> None:
        super().__init__(message)
        self.reason: FailureReason = reason


class ReferenceProblem(MedevalError):
    """A case's reference cannot be used: a fault of the held-out set, not of the
    algorithm, so it stops the evaluation instead of counting as a failed case."""


@dataclass(frozen=True)
class CaseRow:
    """One case's outcome.

    Attributes
    ----------
    case_id, patient_id : str
    status : {"ok", "failed"}
    reason : str or None
        For a failed case, why (``"timeout"``, ``"invalid-output"`` ...).
    detail : str or None
        The message (or the tail of the algorithm's stderr).
    values : mapping
        The task's per-case values; for a failed case, those of the failure policy.
    metadata : mapping
        The manifest's metadata columns (site, vendor ...), for subgroups.
    """

    case_id: str
    patient_id: str
    status: Literal["ok", "failed"]
    reason: str | None
    detail: str | None
    values: Mapping[str, Any]
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Aggregate:
    """What a task's aggregation yields: metrics, tables, warnings."""

    metrics: tuple[MetricRecord, ...]
    tables: Mapping[str, Any]
    warnings: tuple[str, ...] = ()


class TaskType(Protocol):
    """The interface of a task type (see the module documentation)."""

    type: ClassVar[str]
    reference_kind: ClassVar[str]
    case_columns: tuple[str, ...]

    def reference_problem(self, case: Case, root: Path) -> str | None: ...

    def score_case(self, case: Case, root: Path, predictions: Path) -> dict[str, Any]: ...

    def failed_values(self, case: Case, root: Path) -> dict[str, Any]: ...

    def aggregate(
        self, rows: Sequence[CaseRow], *, clusters: Sequence[str] | None
    ) -> Aggregate: ...


def metric_record(
    name: str, definition_id: str, estimate: Estimate, unit: str | None = None
) -> MetricRecord:
    """A metric of a task's result: its estimate and the definition that produced it.

    The direction and (unless ``unit`` is given) the unit come from the definition.
    """
    from ..definitions import definition

    spec = definition(definition_id)
    return MetricRecord(name, definition_id, estimate, spec.higher_is_better,
                        spec.unit if unit is None else unit)


@contextlib.contextmanager
def metric_scope(name: str) -> Iterator[None]:
    """Put the metric's name in front of each undefined-metric warning raised inside.

    The statistics functions do not know which figure they compute: without the name, a
    result whose VEB sensitivity and SVEB +P are both undefined would hold the same
    warning twice (``proportion_ci: n = 0 trials ...``) and a reader could not tell which
    figures it concerns. Other warnings pass through unchanged.

    Examples
    --------
    >>> import warnings
    >>> from medeval.stats import proportion_ci
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     with metric_scope("veb_ppv"):
    ...         _ = proportion_ci(0, 0, method="wilson")
    >>> str(caught[0].message).split(":")[:2]
    ['veb_ppv', ' proportion_ci']
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for item in caught:
        message = item.message
        if issubclass(item.category, UndefinedMetricWarning):
            message = UndefinedMetricWarning(f"{name}: {message}")
        warnings.warn_explicit(message, item.category, item.filename, item.lineno,
                               source=item.source)


def bootstrap_estimate(
    statistic: Any, data: Any, clusters: Sequence[str] | None, statistics: Any, *,
    strata: Any = None,
) -> Estimate:
    """The bootstrap interval of ``statistic`` over the cases (rows of ``data``).

    Resampled as the protocol's ``[statistics]`` section asks (``statistics``: its seed,
    method, level and number of resamples), by cluster (patient) when ``clusters`` is
    given, within ``strata`` when given. No cases: a NaN estimate with ``n == 0``, not an error,
    so an empty subgroup is reported as undefined.
    """
    data = np.asarray(data)
    if data.shape[0] == 0:
        return Estimate(math.nan, math.nan, math.nan, f"bootstrap-{statistics.bootstrap_method}",
                        statistics.confidence, 0)
    return bootstrap_ci(
        statistic, data, seed=statistics.seed, method=statistics.bootstrap_method,
        confidence=statistics.confidence, n_resamples=statistics.n_resamples,
        strata=strata,
        clusters=None if clusters is None else np.asarray(clusters),
    )


def prediction_file(predictions: Path, case_id: str, suffixes: Sequence[str]) -> Path:
    """The prediction file of a case: ``<case_id><suffix>`` for the first suffix present.

    Raises
    ------
    PredictionError
        With reason ``"missing-output"`` when none exists.
    """
    for suffix in suffixes:
        candidate = predictions / f"{case_id}{suffix}"
        if candidate.is_file():
            return candidate
    raise PredictionError(
        f"case {case_id}: no prediction file {case_id}{{{','.join(suffixes)}}} in "
        f"{predictions}", "missing-output",
    )
