"""The sections of a :class:`~medeval.result.Result`: typed, frozen records.

Each section of the result JSON (inputs, metrics, protocol, dataset, algorithm, flow,
failures, subgroups, parameters, context) is a record here with ``to_dict`` and
``from_dict``; :mod:`medeval.result` assembles them into the :class:`~medeval.result.Result`
and writes, reads and verifies its files. Non-finite numbers are floats in these records
and strings only in the JSON: :func:`_decoded` turns them back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from .stats.estimate import Estimate, number

__all__ = [
    "AlgorithmSection",
    "Alternative",
    "Context",
    "Criterion",
    "DatasetSection",
    "FailedCase",
    "Failures",
    "Flow",
    "InputRecord",
    "MetricRecord",
    "Parameters",
    "Party",
    "ProtocolSection",
    "StatisticsSection",
    "SUBGROUP_PREFIX",
    "Subgroup",
    "metrics_table",
    "subgroup_scope",
]


def _decoded(value: Any) -> Any:
    """A value of the JSON with the non-finite numbers' strings made floats again."""
    if isinstance(value, str):
        try:
            return number(value)
        except ValueError:
            return value
    if isinstance(value, Mapping):
        return {k: _decoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decoded(v) for v in value]
    return value


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class InputRecord:
    """One input of the run, identified by its bytes."""

    role: str
    source: str
    sha256: str | None
    rows: int

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> InputRecord:
        return cls(str(data["role"]), str(data["source"]), _optional_str(data.get("sha256")),
                   int(data["rows"]))


@dataclass(frozen=True)
class MetricRecord:
    """One metric: its estimate with interval, and the definition that produced it."""

    name: str
    definition: str
    estimate: Estimate
    higher_is_better: bool | None
    unit: str = "1"

    def to_dict(self) -> dict[str, Any]:
        """The metric as the result JSON holds it (without its name, the key)."""
        return {"definition": self.definition, "higher_is_better": self.higher_is_better,
                "unit": self.unit, **self.estimate.to_dict()}

    @classmethod
    def from_dict(cls, name: str, data: Mapping[str, Any]) -> MetricRecord:
        return cls(name, str(data["definition"]), Estimate.from_dict(data),
                   data.get("higher_is_better"), str(data.get("unit", "1")))


def metrics_table(records: Sequence[MetricRecord]) -> dict[str, Any]:
    """Metric records as the result JSON holds them: name -> definition and estimate."""
    return {m.name: m.to_dict() for m in records}


def _metric_records(table: Mapping[str, Any]) -> tuple[MetricRecord, ...]:
    return tuple(MetricRecord.from_dict(name, data) for name, data in table.items())


@dataclass(frozen=True)
class Party:
    """The laboratory or the customer."""

    name: str
    address: str | None = None


@dataclass(frozen=True)
class Criterion:
    """An acceptance criterion as the protocol fixed it."""

    metric: str
    goal: float
    rule: str
    source: str


@dataclass(frozen=True)
class ProtocolSection:
    """The protocol the evaluation followed: identity, parties, criteria, its SHA-256
    (None for a protocol built in code, e.g. by :func:`medeval.evaluate_classification`)."""

    id: str
    title: str
    version: str
    sha256: str | None
    laboratory: Party
    customer: Party
    criteria: tuple[Criterion, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "version": self.version,
                "sha256": self.sha256, "laboratory": asdict(self.laboratory),
                "customer": asdict(self.customer),
                "criteria": [asdict(c) for c in self.criteria]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ProtocolSection:
        return cls(
            str(data["id"]), str(data["title"]), str(data["version"]),
            _optional_str(data.get("sha256")), Party(**data["laboratory"]),
            Party(**data["customer"]),
            tuple(Criterion(str(c["metric"]), float(c["goal"]), str(c["rule"]),
                            str(c["source"])) for c in data.get("criteria", ())),
        )


@dataclass(frozen=True)
class DatasetSection:
    """The held-out set: its manifest, fingerprint, size and how it was selected."""

    manifest: str
    fingerprint: str
    n_cases: int
    n_patients: int
    selection: str
    received: str | None = None
    sample_size: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DatasetSection:
        return cls(str(data["manifest"]), str(data["fingerprint"]), int(data["n_cases"]),
                   int(data["n_patients"]), str(data["selection"]),
                   _optional_str(data.get("received")), _optional_str(data.get("sample_size")))


@dataclass(frozen=True)
class AlgorithmSection:
    """The item tested, and where its outputs came from.

    ``predictions`` is ``"runner"`` (run by medeval's runner), ``"supplied-predictions"``
    (a folder of prediction files), ``"supplied-table"`` (a predictions table) or
    ``"reader-study"`` (a reader study's readings file, named by the protocol); ``run``
    the runner's record (isolation, limits, hashes of the predictions).
    """

    name: str
    version: str
    manufacturer: str | None
    plugin: str | None
    command: str | None
    predictions: str
    run: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version,
                "manufacturer": self.manufacturer, "plugin": self.plugin,
                "command": self.command, "predictions": self.predictions,
                "run": dict(self.run)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AlgorithmSection:
        return cls(str(data["name"]), str(data["version"]),
                   _optional_str(data.get("manufacturer")), _optional_str(data.get("plugin")),
                   _optional_str(data.get("command")), str(data["predictions"]),
                   dict(data.get("run") or {}))


@dataclass(frozen=True)
class Flow:
    """Cases through the evaluation (STARD's flow): registered, scored, failed, analysed."""

    registered: int
    scored: int
    failed: int
    analysed: int


@dataclass(frozen=True)
class FailedCase:
    """A case whose algorithm failed, and why."""

    case_id: str
    reason: str
    detail: str | None


@dataclass(frozen=True)
class Alternative:
    """The metrics under the other failure policy than the protocol's (failed cases
    excluded, or counted as worst case), reported beside the certified figures."""

    policy: str
    n_cases: int
    metrics: tuple[MetricRecord, ...]


@dataclass(frozen=True)
class Failures:
    """The failure policy, the failed cases by reason, and the alternative aggregate."""

    policy: str
    n_failed: int
    by_reason: Mapping[str, int]
    cases: tuple[FailedCase, ...]
    alternative: Alternative | None

    def to_dict(self) -> dict[str, Any]:
        alternative = None if self.alternative is None else {
            "policy": self.alternative.policy, "n_cases": self.alternative.n_cases,
            "metrics": metrics_table(self.alternative.metrics)}
        return {"policy": self.policy, "n_failed": self.n_failed,
                "by_reason": dict(self.by_reason),
                "cases": [asdict(c) for c in self.cases], "alternative": alternative}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Failures:
        other = data.get("alternative")
        alternative = None if other is None else Alternative(
            str(other["policy"]), int(other["n_cases"]), _metric_records(other["metrics"]))
        return cls(str(data["policy"]), int(data["n_failed"]),
                   {str(k): int(v) for k, v in data.get("by_reason", {}).items()},
                   tuple(FailedCase(str(c["case_id"]), str(c["reason"]),
                                    _optional_str(c.get("detail")))
                         for c in data.get("cases", ())),
                   alternative)


#: How a warning names the subgroup of the cases whose column is blank in the manifest
#: (value ""): ``site=(blank in the manifest): ...``, as the certificate's tables name it,
#: not ``site=: ...``.
BLANK_SCOPE = "(blank in the manifest)"


def subgroup_scope(column: str, value: str) -> str:
    """The scope of a subgroup's warnings, ``<column>=<value>``; a blank value is named
    (:data:`BLANK_SCOPE`)."""
    return f"{column}={value if value.strip() else BLANK_SCOPE}"


@dataclass(frozen=True)
class Subgroup:
    """The metrics of the cases sharing one value of a metadata column.

    ``n_cases`` counts the cases analysed; ``n_patients`` their patients, ``n_failed``
    the subgroup's failed cases (left out under ``exclude``, counted among ``n_cases``
    under ``worst-case``) and ``position`` the subgroup's place in the result's order
    (:mod:`medeval.subgroup_order`): None in a result made before they were recorded.
    """

    column: str
    value: str
    n_cases: int
    metrics: tuple[MetricRecord, ...]
    n_patients: int | None = None
    n_failed: int | None = None
    position: int | None = None


#: The per-case rows' columns of the subgroups' values (``subgroup:site``): text as the
#: manifest has it, never read as a number
SUBGROUP_PREFIX = "subgroup:"

_SUBGROUP_COUNTS = ("n_patients", "n_failed", "position")


def _subgroups_dict(subgroups: Sequence[Subgroup]) -> dict[str, Any]:
    out: dict[str, dict[str, Any]] = {}
    for group in subgroups:
        out.setdefault(group.column, {})[group.value] = {
            "n_cases": group.n_cases, "metrics": metrics_table(group.metrics),
            **{k: getattr(group, k) for k in _SUBGROUP_COUNTS
               if getattr(group, k) is not None}}
    return out


def _subgroups_from(data: Mapping[str, Any]) -> tuple[Subgroup, ...]:
    groups = tuple(
        Subgroup(str(column), str(value), int(group["n_cases"]),
                 _metric_records(group["metrics"]),
                 *(None if group.get(k) is None else int(group[k]) for k in _SUBGROUP_COUNTS))
        for column, groups in data.items() for value, group in groups.items()
    )
    # the order the result was made in, which the JSON's sorted keys do not keep
    if groups and all(g.position is not None for g in groups):
        return tuple(sorted(groups, key=lambda g: g.position or 0))
    return groups


@dataclass(frozen=True)
class StatisticsSection:
    """How uncertainty was computed (the protocol's ``[statistics]``)."""

    confidence: float
    proportion_method: str
    auc_method: str
    bootstrap_method: str
    n_resamples: int
    resampling_unit: str
    seed: int


@dataclass(frozen=True)
class Parameters:
    """Every choice that affects a number.

    ``task`` holds the protocol's ``[task]`` (type, threshold, labels, tolerances ...),
    ``failures`` its ``[failures]``; ``tables`` the column names read from a reference and
    a predictions table (:func:`medeval.evaluate_classification`), else None.
    """

    task: Mapping[str, Any]
    statistics: StatisticsSection
    failures: Mapping[str, Any]
    medeval: str
    tables: Mapping[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {"task": dict(self.task), "statistics": asdict(self.statistics),
               "failures": dict(self.failures), "medeval": self.medeval}
        if self.tables is not None:
            out["tables"] = dict(self.tables)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Parameters:
        return cls(dict(data["task"]), StatisticsSection(**data["statistics"]),
                   dict(data.get("failures") or {}), str(data["medeval"]),
                   None if data.get("tables") is None else dict(data["tables"]))


@dataclass(frozen=True)
class Context:
    """When and where the evaluation ran: covered by the file's hash, not by the content
    fingerprint. Fields not known are None and left out of the JSON."""

    started: str | None = None
    finished: str | None = None
    duration_s: float | None = None
    host: str | None = None
    platform: str | None = None
    cpu_count: int | None = None
    environment: Mapping[str, Any] | None = None
    run_log_sha256: str | None = None
    summary_sha256: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Context:
        return cls(**data)
