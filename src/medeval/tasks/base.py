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
- optional capabilities, declared on :class:`TaskType` with their defaults:
  ``reads_reference`` (``score_case`` reads the reference file itself and raises
  :class:`ReferenceProblem`, so that evaluating supplied predictions checks each
  reference while scoring it, reading it once), ``parallel`` (score cases in a process
  pool), ``loads_ahead`` (``load_case`` / ``score_loaded``: read the next case while one
  is measured), ``scores_values`` (``score_value``: a prediction held in memory, as a
  table gives it), ``predictions_in_protocol`` (``protocol_predictions``: the values
  scored are a file the protocol names, a reader study's readings, not an algorithm's
  output) and ``case_files`` (the files ``score_case`` reads, for the evaluation to have
  them read ahead);
- ``see_cases(cases)``: the set's cases, shown before any is checked or scored (by
  default ignored);
- ``failed_values(case, root)``: the per-case values the failure policy ``worst-case``
  assigns to a case whose algorithm failed (a wrong answer, Dice 0 ...);
- ``aggregate(rows, clusters)``: the metrics with their intervals from per-case rows.
  Why a figure is undefined (or what else its reader must know) travels on its
  estimate's ``note``, and the evaluation names the figure when it records the note in
  the result's warnings; a reason tied to no one figure is a text of
  :attr:`Aggregate.warnings`.
"""

from __future__ import annotations

import math
import os
import stat
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol

import numpy as np

from ..errors import MedevalError
from ..manifest import Case
from ..result import MetricRecord
from ..stats._bootstrap_engine import run_bootstrap
from ..stats._resampling import make_units
from ..stats.bootstrap import bootstrap_ci
from ..stats.clustered import proportion_ci_clustered
from ..stats.estimate import Estimate
from ..stats.intervals import proportion_ci

__all__ = [
    "Aggregate", "CaseRow", "PredictionError", "ReferenceProblem", "TaskType",
    "bootstrap_estimate", "metric_record", "prediction_file", "prediction_named",
    "proportion_estimate", "several_per_patient",
]

#: Why a case failed. The runner's reasons, plus those found when reading predictions.
FailureReason = Literal[
    "exception", "exit-code", "timeout", "memory", "process-limit", "invalid-output",
    "output-too-large", "missing-output", "incompatible", "infrastructure", "setup",
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
    """What a task's aggregation yields: metrics, tables, warnings.

    ``warnings`` holds what a reader of the result must know that is tied to no one
    metric (e.g. "no reference lesion in any case"); an undefined metric's reason is its
    estimate's ``note`` instead. The evaluation records both in the result's warnings,
    each with the scope (all cases, a subgroup ...) it concerns.

    ``case_facts`` holds what is said of particular cases, named, whatever scope they
    are aggregated in (a prediction's own label against its score, a record's detections
    after its end): the evaluation records them once, for the whole set, where a
    subgroup's or the other failure policy's aggregate would repeat them case by case.
    """

    metrics: tuple[MetricRecord, ...]
    tables: Mapping[str, Any]
    warnings: tuple[str, ...] = ()
    case_facts: tuple[str, ...] = ()


class TaskType(Protocol):
    """The interface of a task type (see the module documentation).

    Task classes subclass it, so that the optional capabilities have their defaults:
    ``reads_reference``, ``parallel``, ``loads_ahead`` (with :meth:`load_case` and
    :meth:`score_loaded`) and ``scores_values`` (with :meth:`score_value`).
    """

    type: ClassVar[str]
    reference_kind: ClassVar[str]
    case_columns: tuple[str, ...]
    #: ``score_case`` reads the reference file itself and raises ReferenceProblem, so
    #: evaluating supplied predictions checks each reference while scoring it.
    reads_reference: ClassVar[bool] = False
    #: Per-case work heavy enough to score cases in a process pool.
    parallel: ClassVar[bool] = False
    #: Reading a case (:meth:`load_case`) is separate from measuring it
    #: (:meth:`score_loaded`), so the next case can be read while one is measured.
    loads_ahead: ClassVar[bool] = False
    #: A prediction can be a bare value (a score, a label) held in memory
    #: (:meth:`score_value`), as a predictions table gives them.
    scores_values: ClassVar[bool] = False
    #: The values scored come with the protocol (a reader study's readings file), not
    #: from an algorithm: :meth:`protocol_predictions` reads them.
    predictions_in_protocol: ClassVar[bool] = False
    #: :meth:`aggregate` gets every case, failed ones too, whatever the failure policy:
    #: the task itself leaves them out of the figures they cannot enter and counts them
    #: where they belong (measurement: no value to agree, but a case not completed), so
    #: ``exclude`` would only make its completion rate 1 by construction.
    sees_failed_cases: ClassVar[bool] = False

    def see_cases(self, cases: Sequence[Case]) -> None:
        """Shown the set's cases before any is checked or scored, for a task that compares
        one case's reference with the other cases' files; nothing by default."""
        return None

    def reference_problem(self, case: Case, root: Path) -> str | None: ...

    def reference_warnings(self) -> tuple[str, ...]:
        """What :meth:`reference_problem` found so far that is worth a word but no
        refusal (``manifest check`` prints it); nothing by default."""
        return ()

    def score_case(self, case: Case, root: Path, predictions: Path) -> dict[str, Any]: ...

    def failed_values(self, case: Case, root: Path) -> dict[str, Any]: ...

    def aggregate(
        self, rows: Sequence[CaseRow], *, clusters: Sequence[str] | None
    ) -> Aggregate: ...

    def load_case(self, case: Case, root: Path, predictions: Path) -> Any:
        """Read a case's reference and prediction (only where ``loads_ahead``)."""
        return _not_ahead(self.type)

    def score_loaded(self, case: Case, loaded: Any) -> dict[str, Any]:
        """Score a case :meth:`load_case` read (only where ``loads_ahead``)."""
        values: dict[str, Any] = _not_ahead(self.type)
        return values

    def protocol_predictions(self, base: Path, manifest: Any) -> Any:
        """The values the protocol names, checked against ``manifest``, as
        ``(Predictions, InputRecord)`` (only where ``predictions_in_protocol``); ``base``
        is the protocol's folder."""
        return _no_protocol_predictions(self.type)

    def case_files(self, case: Case, root: Path, predictions: Path) -> tuple[tuple[str, int], ...]:
        """The files :meth:`score_case` will read for ``case``, as ``(path, n_bytes)`` (0:
        the whole file), for the evaluation to have the kernel read them ahead; a hint
        only, so a path that does not exist is harmless. None by default."""
        return ()

    def score_value(self, case: Case, value: Any) -> dict[str, Any]:
        """Score a prediction given as a value (only where ``scores_values``)."""
        raise PredictionError(
            f"case {case.case_id}: task {self.type!r} reads prediction files, not values",
            "incompatible")


def _no_protocol_predictions(task: str) -> Any:
    raise NotImplementedError(f"task {task!r} scores an algorithm's predictions; its protocol "
                              "names none (predictions_in_protocol is False)")


def _not_ahead(task: str) -> Any:
    raise NotImplementedError(f"task {task!r} does not read cases ahead (loads_ahead is False)")


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


def several_per_patient(clusters: Sequence[str] | None) -> bool:
    """Whether the cases are clustered: resampled by patient, some patient holding more
    than one case (then an interval that takes cases as independent is too narrow)."""
    return clusters is not None and len(set(clusters)) < len(clusters)


def proportion_estimate(successes: Any, clusters: Sequence[str] | None, *, method: Any,
                        confidence: float) -> Estimate:
    """A proportion over cases with the protocol's interval method: on the effective
    sample size of the clustered cases (:func:`medeval.stats.proportion_ci_clustered`,
    method ``<method>-clustered``, the design effect in its note) when the unit is the
    patient and some patient holds several cases, else over the cases as trials
    (:func:`medeval.stats.proportion_ci`, which it equals with one case per patient)."""
    hits = np.asarray(successes, dtype=bool)
    if clusters is not None and several_per_patient(list(clusters)):
        return proportion_ci_clustered(hits, np.asarray(clusters), method=method,
                                       confidence=confidence)
    return proportion_ci(int(hits.sum()), int(hits.size), method=method, confidence=confidence)


def bootstrap_estimate(
    statistic: Any, data: Any, clusters: Sequence[str] | None, statistics: Any, *,
    strata: Any = None,
) -> Estimate:
    """The bootstrap interval of ``statistic`` over the cases (rows of ``data``).

    Resampled as the protocol's ``[statistics]`` section asks (``statistics``: its seed,
    method, level and number of resamples), by cluster (patient) when ``clusters`` is
    given, within ``strata`` when given. No cases: a NaN estimate with ``n == 0`` and the
    note ``"no cases"``, not an error, so an empty subgroup is reported as undefined.

    ``statistic``: a callable of :func:`~medeval.stats.bootstrap_ci`, or a statistic of
    its engine (``value``, ``resampled``, ``jackknife``, and where it has them
    ``resampled_draws`` and the rest of :class:`medeval.stats._statistics.
    WeightedStatistic`), which resamples it as ``bootstrap_ci`` would a callable of the
    same values, drawing the same resamples, but evaluates them its own faster way.
    """
    data = np.asarray(data)
    if data.shape[0] == 0:
        return Estimate(math.nan, math.nan, math.nan, f"bootstrap-{statistics.bootstrap_method}",
                        statistics.confidence, 0, note="no cases")
    if hasattr(statistic, "jackknife"):
        alpha = 1.0 - statistics.confidence  # as bootstrap_ci takes the level
        return run_bootstrap(statistic, make_units(
            data.shape[0], strata=strata, clusters=None if clusters is None else
            np.asarray(clusters), func="bootstrap_ci"), seed=statistics.seed,
            method=statistics.bootstrap_method, alpha=alpha,
            n_resamples=statistics.n_resamples, confidence=1.0 - alpha)
    return bootstrap_ci(
        statistic, data, seed=statistics.seed, method=statistics.bootstrap_method,
        confidence=statistics.confidence, n_resamples=statistics.n_resamples,
        strata=strata,
        clusters=None if clusters is None else np.asarray(clusters),
    )


def prediction_file(predictions: Path, case_id: str, suffixes: Sequence[str]) -> Path:
    """The prediction file of a case: ``<case_id><suffix>`` for the first suffix present
    (each suffix as :func:`prediction_named` finds it).

    Raises
    ------
    PredictionError
        With reason ``"missing-output"`` when none exists; ``"invalid-output"`` for two
        names of one suffix (see :func:`prediction_named`).
    """
    for suffix in suffixes:
        found = prediction_named(predictions, case_id, suffix)
        if found is not None:
            return found
    raise PredictionError(
        f"case {case_id}: no prediction file {case_id}{{{','.join(suffixes)}}} in "
        f"{predictions}", "missing-output",
    )


def prediction_named(predictions: Path, case_id: str, suffix: str) -> Path | None:
    """``<case_id><suffix>`` in ``predictions``, or None when there is none.

    Also found: the suffix in capitals (``c1.JSON``, as Windows tools write it), and the
    case id in the other Unicode normalisation form (macOS writes Hangul file names
    decomposed, NFD; a manifest holds them composed, NFC). Two such files that are not
    the same file on disk (``c1.json`` and ``c1.JSON`` on a case-sensitive file system)
    are refused: which one is the output cannot be told.

    Raises
    ------
    PredictionError
        With reason ``"invalid-output"`` for two such files.
    """
    forms = (case_id,) if case_id.isascii() else tuple(dict.fromkeys(
        (case_id, unicodedata.normalize("NFC", case_id), unicodedata.normalize("NFD", case_id))))
    folder = os.fspath(predictions)  # text paths: this runs once per case of a large set
    found: dict[tuple[int, int], str] = {}
    for name in dict.fromkeys(f"{form}{ending}" for ending in (suffix, suffix.upper())
                              for form in forms):
        try:
            status = os.stat(f"{folder}/{name}")
        except OSError:
            continue
        if stat.S_ISREG(status.st_mode):  # one file seen under two names counts once
            found.setdefault((status.st_dev, status.st_ino), name)
    if len(found) > 1:
        raise PredictionError(
            f"case {case_id}: {len(found)} prediction files in {predictions} whose "
            f"names differ only in letter case or Unicode form "
            f"({', '.join(ascii(name) for name in found.values())}); keep one")
    return predictions / next(iter(found.values())) if found else None
