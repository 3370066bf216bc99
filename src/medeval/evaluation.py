"""Evaluation: protocol -> held-out set -> predictions -> per-case scores -> result.

:func:`evaluate` is an orchestrator: it knows a task only through the interface of
:mod:`medeval.tasks.base`, so a new task type touches one module. In order:

1. load and validate the protocol; open the manifest with the task's reference kind,
   validate it and check its fingerprint against the protocol's;
2. check every reference the task can check (all problems at once);
3. obtain predictions: run the algorithm through the runner, or read a predictions
   directory (a company's own outputs — the result then says so);
4. score each case; a missing or unusable prediction, or a case the runner records as
   failed, is a *failed case* with its reason, never dropped;
5. aggregate with the protocol's failure policy, and also the other way (failed cases
   as worst case and excluded), as the FDA's statistical guidance asks for
   indeterminate results; subgroups with their own intervals;
6. judge each acceptance criterion (:mod:`medeval.decision`) and the whole;
7. return a :class:`~medeval.result.Result` whose content fingerprint covers what was
   measured, with dates and host in its context block.

(The module is ``evaluation``, not ``evaluate`` as DESIGN.md sketched: a submodule named
like the function ``medeval.evaluate`` would replace it on the package once imported.)
"""

from __future__ import annotations

import json
import os
import platform
import time
import warnings
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Any

from . import __version__
from ._canonical import canonical_json
from ._hashing import hash_files, sha256_bytes, sha256_file
from .decision import Verdict, decide
from .errors import ManifestError, UndefinedMetricWarning
from .manifest import Case, Manifest
from .protocol import Protocol, ProtocolError, load_protocol
from .result import InputRecord, MetricRecord, Result, metrics_table
from .tasks.base import Aggregate, CaseRow, PredictionError, ReferenceProblem, TaskType
from .tasks.registry import make_task

__all__ = ["evaluate", "metrics_table"]


def evaluate(
    protocol: Protocol | str | Path,
    predictions: str | Path | None = None,
    *,
    run_dir: str | Path | None = None,
    workers: int | None = None,
    progress: bool = False,
) -> Result:
    """Evaluate an algorithm as a protocol prescribes; return the result.

    Parameters
    ----------
    protocol : Protocol or path
        The protocol, or the path of its TOML file.
    predictions : path, optional
        A directory of predictions (``<case_id>.json`` …), or a runner's output
        directory holding ``predictions/`` and ``summary.json``. Without it the
        algorithm named in the protocol is run through the runner into ``run_dir``.
    run_dir : path, optional
        Where the runner writes (required when ``predictions`` is not given); a run
        interrupted there resumes.
    workers : int, optional
        Processes scoring cases in parallel, for task types whose per-case work is heavy
        (segmentation); default: one per core.
    progress : bool
        Show progress (hashing, running) on stderr.

    Returns
    -------
    Result

    Raises
    ------
    ProtocolError
        An invalid protocol; a held-out set whose fingerprint differs from the
        protocol's.
    ManifestError
        An inconsistent manifest or references the task cannot use (all listed).
    """
    started = datetime.now(timezone.utc)
    clock = time.perf_counter()
    if not isinstance(protocol, Protocol):
        protocol = load_protocol(protocol)
    task = make_task(protocol)
    manifest_path = protocol.manifest_path()
    manifest = Manifest.from_csv(manifest_path, reference_kind=task.reference_kind)  # type: ignore[arg-type]
    fingerprint = manifest.fingerprint(progress=progress)  # validates the manifest first
    expected = (protocol.dataset.fingerprint or "").removeprefix("sha256:")
    if expected and expected != fingerprint:
        raise ProtocolError(
            f"held-out set {manifest_path}: fingerprint {fingerprint} differs from the "
            f"protocol's {expected}; this is not the registered set"
        )
    # Every reference is checked before the algorithm runs. Supplied predictions of a
    # task that reads each reference while scoring it have theirs checked then instead,
    # so that each file is read once; either way every problem is listed at once and
    # nothing is written.
    if predictions is None or not getattr(task, "reads_reference", False):
        _stop_on_reference_problems(manifest_path, [
            p for case in manifest.cases
            if (p := task.reference_problem(case, manifest.root)) is not None])
    if predictions is None:
        predictions = _run(protocol, manifest, run_dir, progress)
    folder, runner_failures, source, run_info = _predictions(Path(predictions))
    ordered = sorted(manifest.cases, key=lambda c: c.case_id)
    score = partial(_score_all, task, root=manifest.root, folder=folder,
                    runner_failures=runner_failures)
    pool_size = min(workers or os.cpu_count() or 1, len(ordered))
    if getattr(task, "parallel", False) and pool_size > 1:
        size = max(1, len(ordered) // (4 * pool_size))
        chunks = [ordered[i:i + size] for i in range(0, len(ordered), size)]
        with ProcessPoolExecutor(max_workers=pool_size) as pool:
            parts = pool.map(partial(score, pipelined=False), chunks)
            rows = [row for part in parts for row in part]
    else:
        rows = score(ordered)
    _stop_on_reference_problems(
        manifest_path, [row.message for row in rows if isinstance(row, _BadReference)])
    scored = [row for row in rows if isinstance(row, CaseRow)]
    run_context = {k: v for k, v in run_info.items() if k in _CONTEXT_KEYS}
    result = _result(protocol, task, manifest, fingerprint, scored, source, run_info)
    context = {
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "duration_s": round(time.perf_counter() - clock, 3),
        "host": platform.node(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        **run_context,
    }
    return _with_context(result, context)


def _stop_on_reference_problems(manifest_path: Path, problems: list[str]) -> None:
    if problems:
        raise ManifestError(
            f"manifest {manifest_path}: {len(problems)} reference problem(s):\n"
            + "\n".join(f"  - {p}" for p in problems), tuple(problems))


@dataclass(frozen=True)
class _BadReference:
    """A case whose reference turned out unusable while it was scored."""

    message: str


def _run(protocol: Protocol, manifest: Manifest, run_dir: str | Path | None,
         progress: bool) -> Path:
    """Run the protocol's algorithm through the runner; return the run directory."""
    from .runner import resolve_algorithm, run_algorithm

    spec = protocol.algorithm
    if run_dir is None:
        raise ProtocolError("evaluate: without predictions, give run_dir= for the runner")
    if not (spec.plugin or spec.command):
        raise ProtocolError(
            "algorithm: name a plugin or a command to run, or evaluate existing predictions"
        )
    algorithm = resolve_algorithm(spec.plugin, command=spec.command)
    settings = protocol.runner
    run_algorithm(
        manifest, algorithm, run_dir, workers=settings.workers, timeout_s=settings.timeout_s,
        memory_mb=settings.memory_mb, output_limit_mb=settings.output_limit_mb,
        mode=protocol.test.mode, isolation=settings.isolation, progress=progress,
    )
    return Path(run_dir)


def _predictions(path: Path) -> tuple[Path, dict[str, tuple[str, str]], str, dict[str, Any]]:
    """The prediction files' folder, the runner's failures, the source, the run's record."""
    if not path.is_dir():
        raise ProtocolError(f"predictions {path}: no such directory")
    summary = path / "summary.json"
    if (path / "predictions").is_dir() and summary.is_file():
        data = json.loads(summary.read_text(encoding="utf-8"))
        recorded = data.get("failures", {})
        failures = {
            str(case_id): (str(item.get("reason") or "exception"), str(item.get("detail") or ""))
            for case_id, item in (recorded.items() if isinstance(recorded, dict) else [])
        }
        log = path / "run.jsonl"
        run_info = {
            "isolation": data.get("isolation"),
            "algorithm": data.get("algorithm"),
            "limits": data.get("limits"),
            "environment": data.get("environment"),
            "not_run": data.get("not_run", []),
            # what was scored, stable across runs: case -> prediction file -> SHA-256
            "predictions_sha256": sha256_bytes(canonical_json(data.get("predictions", {}))),
            # the run's own records hold times: they belong to the context
            "run_log_sha256": sha256_file(log) if log.is_file() else None,
            "summary_sha256": sha256_file(summary),
        }
        return path / "predictions", failures, "runner", run_info
    paths = sorted(p for p in path.iterdir() if p.is_file())
    digests = hash_files(paths, workers=None, progress=False, cache=True)
    files = {p.name: digests[p] for p in paths}
    return path, {}, "supplied-predictions", {
        "predictions_sha256": sha256_bytes(canonical_json(files))}


def _score_all(
    task: TaskType, cases: Sequence[Case], *, root: Path, folder: Path,
    runner_failures: dict[str, tuple[str, str]], pipelined: bool = True,
) -> list[CaseRow | _BadReference]:
    """Score cases in order. A task that separates reading from measuring
    (``load_case`` / ``score_loaded``) has, when ``pipelined``, the next case's files read
    in a background thread while the current case is measured, so that reading costs no
    extra time on one core. (With one process per core the processes already overlap
    reading and measuring; a thread each would only compete for the cores.)"""
    load = getattr(task, "load_case", None)
    if load is None or not pipelined:
        return [_score(task, case, root=root, folder=folder, runner_failures=runner_failures)
                for case in cases]

    def fetch(case: Case) -> Any:
        if case.case_id in runner_failures:
            return None
        try:
            return load(case, root, folder)
        except (PredictionError, ReferenceProblem) as exc:
            return exc

    rows = []
    with ThreadPoolExecutor(max_workers=1) as reader:
        pending = reader.submit(fetch, cases[0]) if cases else None
        for k, case in enumerate(cases):
            assert pending is not None
            loaded = pending.result()
            pending = reader.submit(fetch, cases[k + 1]) if k + 1 < len(cases) else None
            rows.append(_score(task, case, root=root, folder=folder,
                               runner_failures=runner_failures, loaded=loaded))
    return rows


def _score(
    task: TaskType, case: Case, *, root: Path, folder: Path,
    runner_failures: dict[str, tuple[str, str]], loaded: Any = None,
) -> CaseRow | _BadReference:
    try:
        return _score_row(task, case, root=root, folder=folder,
                          runner_failures=runner_failures, loaded=loaded)
    except ReferenceProblem as exc:
        return _BadReference(str(exc))


def _score_row(
    task: TaskType, case: Case, *, root: Path, folder: Path,
    runner_failures: dict[str, tuple[str, str]], loaded: Any,
) -> CaseRow:
    metadata = dict(case.metadata)
    if case.case_id in runner_failures:
        reason, detail = runner_failures[case.case_id]
        return CaseRow(case.case_id, case.patient_id, "failed", reason,
                       _portable(detail, root, folder), task.failed_values(case, root),
                       metadata)
    try:
        if isinstance(loaded, (PredictionError, ReferenceProblem)):
            raise loaded
        if loaded is not None:
            values = task.score_loaded(case, loaded)  # type: ignore[attr-defined]
        else:
            values = task.score_case(case, root, folder)
    except PredictionError as exc:
        return CaseRow(case.case_id, case.patient_id, "failed", exc.reason,
                       _portable(str(exc), root, folder), task.failed_values(case, root),
                       metadata)
    return CaseRow(case.case_id, case.patient_id, "ok", None, None, values, metadata)


def _portable(detail: str, root: Path, folder: Path) -> str:
    """A failure's message without this machine's paths, so the fingerprint stays the same
    wherever the data and predictions lie."""
    for path, name in ((folder, "<predictions>"), (root, "<data>")):
        for form in {str(path), str(path.resolve())}:
            detail = detail.replace(form, name)
    return detail


#: Parts of the runner's record that hold times or the host: the result's context.
_CONTEXT_KEYS = ("environment", "run_log_sha256", "summary_sha256")


def _clusters(protocol: Protocol, rows: Sequence[CaseRow]) -> list[str] | None:
    if protocol.statistics.resampling_unit != "patient":
        return None
    return [row.patient_id for row in rows]


class _Aggregator:
    """Runs the task's aggregation, recording undefined-metric warnings with their scope."""

    def __init__(self, protocol: Protocol, task: TaskType) -> None:
        self.protocol, self.task = protocol, task
        self.warnings: list[str] = []

    def __call__(self, rows: Sequence[CaseRow], scope: str) -> Aggregate:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UndefinedMetricWarning)
            result = self.task.aggregate(rows, clusters=_clusters(self.protocol, rows))
        for item in caught:
            if issubclass(item.category, UndefinedMetricWarning):
                self.warnings.append(f"{scope}: {item.message}")
            else:
                warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)
        return result


def _result(
    protocol: Protocol, task: TaskType, manifest: Manifest, fingerprint: str,
    rows: list[CaseRow], source: str, run_info: dict[str, Any],
) -> Result:
    failed = [r for r in rows if r.status == "failed"]
    ok = [r for r in rows if r.status == "ok"]
    policy = protocol.failures.policy
    primary = rows if policy == "worst-case" else ok
    aggregate = _Aggregator(protocol, task)
    main = aggregate(primary, "all cases")
    alternative = None
    if failed:
        other_rows = ok if policy == "worst-case" else rows
        other = aggregate(other_rows, "failures " + (
            "excluded" if policy == "worst-case" else "as worst case"))
        alternative = {
            "policy": "exclude" if policy == "worst-case" else "worst-case",
            "n_cases": len(other_rows),
            "metrics": metrics_table(other.metrics),
        }
    subgroups: dict[str, Any] = {}
    for column in protocol.subgroups.columns:
        groups: dict[str, list[CaseRow]] = {}
        for row in primary:
            groups.setdefault(row.metadata.get(column, ""), []).append(row)
        subgroups[column] = {
            value: {
                "n_cases": len(members),
                "metrics": metrics_table(aggregate(members, f"{column}={value}").metrics),
            }
            for value, members in sorted(groups.items())
        }
    verdicts = [_verdict(c.metric, c.goal, c.rule, main.metrics)
                for c in protocol.criteria]
    outcomes = {v.outcome for v in verdicts}
    overall = "FAIL" if "FAIL" in outcomes else (
        "PASS" if outcomes == {"PASS"} else "INCONCLUSIVE")
    columns = ("case_id", "patient_id", "status", "reason") + tuple(task.case_columns)
    cases = tuple(
        {"case_id": r.case_id, "patient_id": r.patient_id, "status": r.status,
         "reason": r.reason, **{c: r.values.get(c) for c in task.case_columns}}
        for r in rows
    )
    manifest_file = protocol.manifest_path()
    inputs = (
        InputRecord("protocol", protocol.path.name if protocol.path else "<protocol>",
                    protocol.sha256, 0),
        InputRecord("manifest", manifest_file.name, None, len(manifest.cases)),
    )
    sections = {
        "protocol": {
            "id": protocol.test.id, "title": protocol.test.title,
            "version": protocol.test.version, "sha256": protocol.sha256,
            "laboratory": protocol.laboratory.model_dump(),
            "customer": protocol.customer.model_dump(),
            "criteria": [c.model_dump() for c in protocol.criteria],
        },
        "dataset": {
            "manifest": protocol.dataset.manifest, "fingerprint": fingerprint,
            "n_cases": len(manifest.cases),
            "n_patients": len({c.patient_id for c in manifest.cases}),
            "selection": protocol.dataset.selection, "received": protocol.dataset.received,
            "sample_size": protocol.dataset.sample_size,
        },
        "algorithm": {**protocol.algorithm.model_dump(), "predictions": source,
                      "run": {k: v for k, v in run_info.items() if k not in _CONTEXT_KEYS}},
        "failures": {
            "policy": policy,
            "n_failed": len(failed),
            "by_reason": dict(sorted(Counter(str(r.reason) for r in failed).items())),
            "cases": [{"case_id": r.case_id, "reason": r.reason, "detail": r.detail}
                      for r in failed],
            "alternative": alternative,
        },
        "subgroups": subgroups,
        "verdicts": [asdict(v) for v in verdicts],
        "overall": overall,
        "flow": {"registered": len(manifest.cases), "scored": len(ok),
                 "failed": len(failed), "analysed": len(primary)},
    }
    parameters = {
        "task": protocol.task.model_dump(),
        "statistics": protocol.statistics.model_dump(),
        "failures": protocol.failures.model_dump(),
        "medeval": __version__,
    }
    return Result(
        task=protocol.task.type, mode=protocol.test.mode, inputs=inputs,
        parameters=parameters, metrics=main.metrics, tables=dict(main.tables),
        case_columns=columns, cases=cases, warnings=tuple(aggregate.warnings),
        sections=sections,
    )


def _verdict(metric: str, goal: float, rule: str, metrics: Sequence[MetricRecord]) -> Verdict:
    for record in metrics:
        if record.name == metric:
            if record.higher_is_better is None:  # refused by the protocol's validation
                return Verdict(metric, goal, rule, "INCONCLUSIVE",
                               f"{metric} has no better direction")
            return decide(metric, record.estimate, goal, rule=rule,  # type: ignore[arg-type]
                          higher_is_better=record.higher_is_better)
    return Verdict(metric, goal, rule, "INCONCLUSIVE",
                   f"the result has no metric {metric!r}")


def _with_context(result: Result, context: dict[str, Any]) -> Result:
    from dataclasses import replace

    return replace(result, context=context)
