"""Evaluation: protocol -> held-out set -> predictions -> per-case scores -> result.

:func:`evaluate` is an orchestrator: it knows a task only through the interface of
:mod:`medeval.tasks.base`, so a new task type touches one module. In order:

1. load and validate the protocol; open the manifest with the task's reference kind,
   validate it and check its fingerprint against the protocol's;
2. check every reference the task can check (all problems at once);
3. obtain predictions: run the algorithm through the runner, or read a predictions
   directory (a company's own outputs — the result then says so);
4. score each case (:mod:`medeval.scoring`); a missing or unusable prediction, or a case
   the runner records as failed, is a *failed case* with its reason, never dropped;
5. aggregate with the protocol's failure policy, and also the other way (failed cases
   as worst case and excluded), as the FDA's statistical guidance asks for
   indeterminate results; subgroups with their own intervals;
6. judge each acceptance criterion and the whole (:mod:`medeval.decision`);
7. return a :class:`~medeval.result.Result` whose content fingerprint covers what was
   measured, with dates and host in its context block.

:func:`evaluate_cases` is the engine behind steps 4–7, for a manifest and predictions
already in hand: :func:`medeval.evaluate_classification` runs two tables through it with
a protocol built in code, so both entry points write the same result.

(The module is ``evaluation``, not ``evaluate`` as DESIGN.md sketched: a submodule named
like the function ``medeval.evaluate`` would replace it on the package once imported.)
"""

from __future__ import annotations

import numbers
import os
import platform
import time
import warnings
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import get_args

from ._evaluation_warnings import (
    _case_ids_alike,
    _cases_as_independent,
    _few_units,
    _interrupted_run,
    _not_run_files,
    _not_run_text,
    _patients_across,
    _patients_alike,
    _run_protocol_changed,
    _unmatched_predictions,
    _values_alike,
)
from ._gc_thresholds import fewer_collections
from ._version import __version__
from .decision import judge, overall
from .errors import InvalidInputError, ManifestError, UndefinedMetricWarning
from .manifest import Case, Manifest, ReferenceKind, nfc_id
from .prediction_tables import TABLE_COLUMNS, table_predictions
from .protocol import Protocol, ProtocolError, certificate_problems, load_protocol
from .result import (
    AlgorithmSection,
    Alternative,
    Context,
    Criterion,
    DatasetSection,
    FailedCase,
    Failures,
    Flow,
    InputRecord,
    MetricRecord,
    Parameters,
    Party,
    ProtocolSection,
    Result,
    StatisticsSection,
    Subgroup,
    metrics_table,
)
from .result_sections import SUBGROUP_PREFIX, subgroup_scope
from .run_protocol import protocol_record
from .scoring import BadReference, Predictions, read_predictions, score_cases, score_in_processes
from .subgroup_order import value_order
from .tasks.base import Aggregate, CaseRow, TaskType
from .tasks.registry import make_task

__all__ = ["evaluate", "evaluate_cases", "metrics_table"]

#: The most cases a worker process is handed at once.
_CHUNK_CASES = 16
#: Cases scored at a time in one process where a bar shows the progress.
_SERIAL_PART = 256


def evaluate(
    protocol: Protocol | str | Path,
    predictions: str | Path | None = None,
    *,
    run_dir: str | Path | None = None,
    workers: int | None = None,
    progress: bool = False,
    fresh: bool = False,
) -> Result:
    """Evaluate an algorithm as a protocol prescribes; return the result.

    Parameters
    ----------
    protocol : Protocol or path
        The protocol, or the path of its TOML file.
    predictions : path, optional
        A directory of predictions (``<case_id>.json`` …), or a runner's output
        directory holding ``predictions/`` and ``summary.json``; for a classification
        task also one table file (:mod:`medeval.prediction_tables`). Without it the
        algorithm named in the protocol is run through the runner into ``run_dir``.
    run_dir : path, optional
        Where the runner writes (required when ``predictions`` is not given); a run
        interrupted there resumes.
    workers : int, optional
        Processes scoring cases in parallel, for task types whose per-case work is heavy
        (segmentation); default: one per core.
    progress : bool
        Show progress (hashing, running) on stderr.
    fresh : bool
        Start the run in ``run_dir`` over instead of resuming it (a run of another
        algorithm, limits or set is refused otherwise).

    Returns
    -------
    Result

    Raises
    ------
    ProtocolError
        An invalid protocol; a protocol in certificate mode without the registered set's
        ``dataset.fingerprint``; a held-out set whose fingerprint differs from it.
    ManifestError
        An inconsistent manifest or references the task cannot use (all listed).
    InvalidInputError
        ``predictions`` that are no path (a DataFrame: write it to a table file first).
    """
    started = _Clock()
    _predictions_a_path(predictions)
    if workers is not None and (isinstance(workers, bool) or not isinstance(
            workers, numbers.Integral) or workers < 1):  # 0 was every core, -1 one
        raise InvalidInputError(f"evaluate: workers must be a whole number at least 1 "
                                f"(or None: one per core), got {workers!r}")
    if not isinstance(protocol, Protocol):
        protocol = load_protocol(protocol)
    if problems := certificate_problems(protocol):
        raise ProtocolError(f"protocol {protocol.path or '<in memory>'}: " + "; ".join(problems),
                            tuple(problems))
    task = make_task(protocol)
    if task.predictions_in_protocol and predictions is not None:
        raise ProtocolError(f"task {protocol.task.type!r} reads what it scores from the "
                            "file its protocol names; give no predictions")
    _predictions_exist(predictions, protocol.path)
    if predictions is None and run_dir is not None and not task.predictions_in_protocol \
            and not (protocol.algorithm.plugin or protocol.algorithm.command):
        raise ProtocolError(_no_algorithm(protocol))  # said before the set is hashed
    manifest_path = protocol.manifest_path()
    with fewer_collections():  # a few lasting objects per case: see _gc_thresholds
        manifest = Manifest.from_csv(manifest_path, reference_kind=task.reference_kind)  # type: ignore[arg-type]
        try:
            files = manifest.file_digests(progress=progress)  # validates the manifest first
        except ManifestError as exc:  # the set's problems: with its references' below
            if not exc.problems:
                raise  # one problem of the whole manifest (a folder, not CSV, ...)
            raise _every_problem(task, manifest, exc, (manifest_path, protocol.path),
                                    progress) from None
        fingerprint = manifest.digest(files)  # = manifest.fingerprint()
    expected = (protocol.dataset.fingerprint or "").removeprefix("sha256:")
    if expected and expected != fingerprint:
        raise ProtocolError(
            f"held-out set {manifest_path}: fingerprint {fingerprint} differs from the "
            f"protocol's {expected}; "
            + _read_as_another_kind(manifest, files, expected, task, protocol.path))
    # Every reference is checked before the algorithm runs. Supplied predictions of a
    # task that reads each reference while scoring it have theirs checked then instead,
    # so that each file is read once; either way every problem is listed at once and
    # nothing is written.
    if predictions is None or not task.reads_reference:
        with fewer_collections():
            check_references(task, manifest, progress=progress)
    inputs: tuple[InputRecord, ...] = (
        InputRecord("protocol", protocol.path.name if protocol.path else "<protocol>",
                    protocol.sha256, 0),
        InputRecord("manifest", manifest_path.name, None, len(manifest.cases)),
    )
    if task.predictions_in_protocol:  # a reader study's readings: no algorithm is run
        base = protocol.path.parent if protocol.path is not None else Path.cwd()
        supplied, record = task.protocol_predictions(base, manifest)
        return evaluate_cases(protocol, task, manifest, supplied, fingerprint=fingerprint,
                              inputs=(*inputs, record), workers=workers, started=started,
                              progress=progress)
    if predictions is None:  # the runner (and the algorithm) at the usual thresholds
        predictions = _run(protocol, manifest, run_dir, progress, fresh)
    supplied, table = _supplied(Path(predictions), task, manifest)
    if supplied.source == "runner":  # the testing began with the run's first case
        from .runner.runlog import first_case_start

        started.since(first_case_start(Path(predictions) / "run.jsonl"))
    inputs = (*inputs, *table)
    if supplied.run.get("not_run") and protocol.test.mode == "certificate":
        raise ProtocolError(f"run {predictions}: " + _not_run_text(supplied.run["not_run"])
                            + "; resume it (the command that made it, again, runs only "
                            "those: medeval run PROTOCOL.toml --out OUT, or medeval predict "
                            f"... --out {predictions}) before a certificate is evaluated")
    return evaluate_cases(protocol, task, manifest, supplied,
                          fingerprint=fingerprint, inputs=inputs, workers=workers,
                          started=started, progress=progress)


def _predictions_a_path(predictions: object) -> None:
    """Refuse predictions that are no path before the set is hashed: a DataFrame or a
    dict of scores stopped with Python's bare TypeError from ``Path(...)`` after it. The
    predictions are files whose SHA-256 the result records, so a table in memory is
    written first."""
    if predictions is None or isinstance(predictions, (str, os.PathLike)):
        return
    raise InvalidInputError(
        "evaluate: predictions must be the path of a predictions folder or of one table "
        f"file (CSV, JSON, Parquet), got a {type(predictions).__name__}; the result records "
        "the files' SHA-256, so write a table first, e.g. df.to_csv('predictions.csv', "
        "index=False), and pass its path")


def _no_algorithm(protocol: Protocol) -> str:
    """Why a protocol cannot be run: its [algorithm] names nothing to run (the examples'
    pre-check protocols evaluate predictions already written)."""
    name = protocol.path.name if protocol.path is not None else "PROTOCOL.toml"
    return (f"protocol {protocol.path or '<in memory>'}: its [algorithm] names no plugin "
            "or command to run: add plugin = \"path/to/file.py:Class\" or command = \"...\" "
            "there, or evaluate predictions already written: medeval evaluate "
            f"{name} --predictions DIR --out OUT/")


def _predictions_exist(predictions: str | Path | None, protocol: Path | None) -> None:
    """Refuse predictions that name nothing before the set is hashed (tens of thousands
    of files), saying that a relative path is the working folder's, and naming the
    folder of that name beside the protocol where there is one (the example's
    ``--predictions predictions/`` typed from the repository's root)."""
    if predictions is None or Path(predictions).exists():
        return
    path = Path(predictions)
    message = f"predictions {path}: no such file or folder"
    if not path.is_absolute():
        message += (f" in the working folder {Path.cwd()} (a relative path is the working "
                    "folder's, not the protocol's)")
        beside = protocol.parent / path if protocol is not None else None
        if beside is not None and beside.exists() and beside.resolve() != path.resolve():
            message += f"; {os.path.relpath(beside)} is beside the protocol: give that"
    raise ProtocolError(message)


#: How many of a set's problems an evaluation's error names, one a line (all of them
#: are in its ``problems``; ``medeval manifest check`` prints every one).
SHOWN_PROBLEMS = 20


def _every_problem(task: TaskType, manifest: Manifest, exc: ManifestError,
                   paths: tuple[Path, Path | None], progress: bool) -> ManifestError:
    """The set's problems that the manifest's check found (missing or empty files,
    duplicate ids, empty cells, ...) and, beside them, every reference problem of the
    other cases as the task finds it (an unreadable mask, a label not declared, a mask
    of another size than its frame): one run names them all, where a tester fixing the
    first list met the references' in the next run. The first :data:`SHOWN_PROBLEMS`
    are printed, then how many more, and the command that lists every one and opens
    the inputs too."""
    from ._manifest_hints import problems_message

    problems = [*exc.problems, *reference_problems(
        task, manifest, progress=progress, skip_empty=True, skip=exc.cases)]
    message = problems_message(f"manifest {manifest.source}", problems, most=SHOWN_PROBLEMS)
    return ManifestError(f"{message}\n{_read_them_all(*paths)}",
                         tuple(problems), cases=exc.cases)


def _read_them_all(manifest: Path, protocol: Path | None) -> str:
    """Where an evaluation stops at the set's problems, the command that lists every
    one and opens every input too (the evaluation reads the references, not the
    inputs: a frame that cannot be decoded would otherwise be the run's news). Quoted
    for the shell of the system it runs on (cmd.exe takes no single quotes)."""
    command = _shell_command(["medeval", "manifest", "check", str(manifest), *(
        ["--protocol", str(protocol)] if protocol is not None else []), "--read-files"])
    return (f"(the evaluation stopped before scoring, the references read; {command} "
            "lists every problem of the set and opens its inputs too)")


def _shell_command(words: Sequence[str]) -> str:
    """``words`` as a command line to copy: quoted for the shell of the system it runs on
    (cmd.exe takes no single quotes), so that a path with a space or a quote stays one."""
    import shlex
    import subprocess

    return (subprocess.list2cmdline(words) if os.name == "nt"
            else " ".join(shlex.quote(word) for word in words))


def _fingerprint_command(manifest: Manifest, protocol: Path | None) -> str:
    """The command printing the fingerprint line of ``manifest`` for the protocol."""
    return _shell_command(["medeval", "manifest", "fingerprint",
                           str(manifest.source or "MANIFEST.csv"),
                           "--protocol", str(protocol or "PROTOCOL.toml")])


def _read_as_another_kind(manifest: Manifest, files: Mapping[str, str], expected: str,
                          task: TaskType, protocol: Path | None) -> str:
    """Why the fingerprints differ: the protocol's may be this very set's with its
    references read as another kind (``medeval manifest fingerprint`` without
    ``--protocol`` tells a set of per-frame LabelMe files 'file'), else another set."""
    for kind in get_args(ReferenceKind):
        other = Manifest(manifest.cases, root=manifest.root, reference_kind=kind,
                         source=manifest.source)
        if kind != manifest.reference_kind and other.digest(files) == expected:
            return (f"it is this set's with its references read as {kind!r}, but task "
                    f"{task.type!r} reads them as {manifest.reference_kind!r} (a fingerprint "
                    "made without --protocol tells the kind from the references): give the "
                    f"protocol the fingerprint that {_fingerprint_command(manifest, protocol)} "
                    "prints")
    return ("this is not the registered set: the manifest or a file it names changed since "
            "the fingerprint was taken (the fingerprint does not say which); restore the set "
            "as it was registered, or, where it was changed on purpose before testing, fix "
            "the new set in an amended protocol (a new [test] version) with the line "
            f"{_fingerprint_command(manifest, protocol)} prints")


def _supplied(path: Path, task: TaskType, manifest: Manifest
              ) -> tuple[Predictions, tuple[InputRecord, ...]]:
    """The predictions at ``path``: a folder (a runner's or of prediction files), or for a
    classification task one table file (:mod:`medeval.prediction_tables`), which is also
    an input of the result."""
    if path.is_file() and task.type in TABLE_COLUMNS:
        supplied, record = table_predictions(path, task, manifest)
        return supplied, (record,)
    with fewer_collections():
        return read_predictions(path), ()


def check_references(task: TaskType, manifest: Manifest, *, progress: bool = False) -> None:
    """Raise one ManifestError listing every case whose reference the task cannot use."""
    _stop_on_reference_problems(manifest, reference_problems(task, manifest, progress=progress))


def reference_problems(task: TaskType, manifest: Manifest, *, progress: bool = False,
                       skip_empty: bool = False, skip: Collection[str] = ()) -> list[str]:
    """Every case's reference problem as the task finds it (``skip_empty``: not of a case
    without a reference; ``skip``: not of these case ids, whose files the manifest's
    check found unusable), with a bar on stderr where ``progress``: a DICOM SEG reference
    is placed on its series here (95e4e11), about 0.2 s a 200-slice series, minutes for a
    set of a thousand. The task sees every case of the set, skipped or not (a LabelMe
    file drawn on a skipped case's frame is still crossed)."""
    from ._progress_bar import bar

    task.see_cases(manifest.cases)
    skipped = frozenset(skip)
    checked = [case for case in manifest.cases if case.case_id not in skipped
               and not (skip_empty and not case.reference)]
    return [p for case in bar(checked, "checking references", progress=progress)
            if (p := task.reference_problem(case, manifest.root)) is not None]


def _stop_on_reference_problems(manifest: Manifest, problems: list[str]) -> None:
    if problems:
        from ._manifest_hints import explanations

        raise ManifestError(
            f"manifest {manifest.source}: {len(problems)} reference problem(s):\n"
            + "\n".join([*(f"  - {p}" for p in problems[:SHOWN_PROBLEMS]), *(
                [f"  ... and {len(problems) - SHOWN_PROBLEMS} more"]
                if len(problems) > SHOWN_PROBLEMS else []), *explanations(problems)]),
            tuple(problems))


class _Clock:
    """When the evaluation started, for its context."""

    def __init__(self) -> None:
        self.started = datetime.now(timezone.utc)
        self.counter = time.perf_counter()

    def since(self, began: datetime | None) -> None:
        """Date the start at ``began``, the first case of the run of the algorithm that
        this evaluation scores (the certificate's dates of testing are the UTC days of the
        run's start and end), whether that run was resumed after an interruption (its
        first case began before this evaluation) or not (it began after this evaluation
        had hashed the set: dated from the evaluation's start until 0.12, a second
        before the same run's date resumed). ``duration_s`` stays the evaluation's own
        time. A ``began`` later than now (a run log from a host whose clock is ahead) is
        not taken: the testing would start after it finished."""
        if began is not None and began.tzinfo is not None \
                and began <= datetime.now(timezone.utc):
            self.started = began.astimezone(timezone.utc)

    def context(self, run: dict[str, object]) -> Context:
        return Context(
            started=self.started.isoformat(timespec="seconds"),
            finished=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            duration_s=round(time.perf_counter() - self.counter, 3),
            host=platform.node(), platform=platform.platform(), cpu_count=os.cpu_count(),
            **run,  # type: ignore[arg-type]
        )


def _run(protocol: Protocol, manifest: Manifest, run_dir: str | Path | None,
         progress: bool, fresh: bool) -> Path:
    """Run the protocol's algorithm through the runner; return the run directory."""
    from .runner import resolve_algorithm, run_algorithm

    spec = protocol.algorithm
    if run_dir is None:
        raise ProtocolError("evaluate: without predictions, give run_dir= for the runner")
    if not (spec.plugin or spec.command):
        raise ProtocolError(_no_algorithm(protocol))
    # a command's relative paths from the protocol's folder, as its plugin's and manifest's
    algorithm = resolve_algorithm(
        _plugin_path(protocol), command=spec.command, progress=progress,
        base=protocol.path.parent if protocol.path is not None else None)
    settings = protocol.runner
    run_algorithm(
        manifest, algorithm, run_dir, workers=settings.workers, timeout_s=settings.timeout_s,
        memory_mb=None if settings.memory_mb == "none" else settings.memory_mb,
        memory_guard=settings.memory_guard, address_space_mb=settings.address_space_mb,
        max_processes=None if settings.max_processes == "none" else settings.max_processes,
        retries=settings.retries, output_limit_mb=settings.output_limit_mb,
        setup_timeout_s=settings.setup_timeout_s,
        gpus=settings.gpus if isinstance(settings.gpus, str) else tuple(settings.gpus),
        mode=protocol.test.mode, isolation=settings.isolation, progress=progress,
        fresh=fresh, protocol=protocol_record(protocol),
    )
    return Path(run_dir)


def _plugin_path(protocol: Protocol) -> str | None:
    """The protocol's plugin, a relative ``file.py:Class`` taken from the protocol's folder
    (as the manifest is), not from wherever the command was started."""
    plugin = protocol.algorithm.plugin
    if plugin is None or protocol.path is None:
        return plugin
    file, _, attribute = plugin.rpartition(":")
    if file.endswith(".py") and not Path(file).is_absolute():
        return f"{protocol.path.parent / file}:{attribute}"
    return plugin


@fewer_collections()
def evaluate_cases(
    protocol: Protocol, task: TaskType, manifest: Manifest, predictions: Predictions, *,
    fingerprint: str, inputs: tuple[InputRecord, ...], workers: int | None = None,
    tables: dict[str, object] | None = None, started: _Clock | None = None,
    progress: bool = False,
) -> Result:
    """Score every case of ``manifest`` and build the result (steps 4–7 of the module).

    ``fingerprint`` is the held-out set's, ``inputs`` the files read, ``tables`` the
    column names of a reference and a predictions table (recorded in the parameters),
    ``progress`` whether a bar of the cases scored is shown on stderr.

    Raises
    ------
    ManifestError
        Cases whose reference turned out unusable while scored (all listed).
    """
    clock = started or _Clock()
    task.see_cases(manifest.cases)
    rows = _scored(task, manifest, predictions, workers, progress)
    _stop_on_reference_problems(
        manifest, [row.message for row in rows if isinstance(row, BadReference)])
    scored = [row for row in rows if isinstance(row, CaseRow)]
    figures = _Figures(protocol, task, scored)
    if predictions.source in ("runner", "supplied-predictions"):  # a file per case
        figures.warnings += _case_ids_alike(scored)
    # what makes the run itself questionable comes first: a summary that prints the first
    # warnings (and counts the rest) must not bury it under the figures' notes
    ahead = [_interrupted_run(predictions.run["not_run"])] if (
        predictions.source == "runner" and predictions.run.get("not_run")) else []
    if predictions.source == "runner" and predictions.folder is not None:
        ahead += _not_run_files(predictions.folder, predictions.run.get("not_run"))
    if predictions.source in ("runner", "supplied-predictions"):
        ahead += _run_protocol_changed(predictions, protocol)
    figures.warnings[:0] = ahead
    # a run's folder too: the runner stores any prediction.<ext> as <case_id>.<ext>, and
    # one the task does not read (a segmenter's .npy) left its case missing, unnamed
    if predictions.source in ("runner", "supplied-predictions") and \
            predictions.folder is not None:
        figures.warnings += _unmatched_predictions(
            predictions.folder, [case.case_id for case in manifest.cases],
            unread=[row.case_id for row in scored if row.reason == "missing-output"
                    and row.case_id not in predictions.failures],  # not run: said above
            table=protocol.task.type if protocol.task.type in TABLE_COLUMNS else None)
    failures, subgroups = figures.failures(), figures.subgroups(manifest.cases)
    verdicts = judge(protocol.criteria, figures.main.metrics)
    return Result(
        task=protocol.task.type, mode=protocol.test.mode, inputs=inputs,
        parameters=Parameters(
            task=protocol.task.model_dump(),
            statistics=StatisticsSection(**protocol.statistics.model_dump()),
            failures=protocol.failures.model_dump(), medeval=__version__, tables=tables),
        protocol=_protocol_section(protocol),
        dataset=_dataset_section(protocol, manifest, fingerprint),
        algorithm=AlgorithmSection(
            **protocol.algorithm.model_dump(), predictions=predictions.source,
            run=predictions.recorded_run),
        flow=Flow(registered=len(manifest.cases), scored=len(figures.ok),
                  failed=len(figures.failed), analysed=len(figures.primary)),
        failures=failures, metrics=figures.main.metrics, tables=dict(figures.main.tables),
        subgroups=subgroups, verdicts=verdicts, overall=overall(verdicts),
        case_columns=("case_id", "patient_id", "status", "reason") + tuple(task.case_columns)
        + tuple(SUBGROUP_PREFIX + c for c in dict.fromkeys(protocol.subgroups.columns)),
        cases=tuple(_case_row(row, task.case_columns, protocol.subgroups.columns)
                    for row in scored),
        warnings=tuple(figures.warnings), context=clock.context(predictions.context),
    )


def _scored(task: TaskType, manifest: Manifest, predictions: Predictions,
            workers: int | None, progress: bool = False) -> list[CaseRow | BadReference]:
    """Every case's row, in case-id order; in a process pool where the task is heavy;
    with a bar of the cases scored on stderr where ``progress`` (37,500 frames' masks
    took minutes, silent until the summary)."""
    from ._progress_bar import parts_bar

    ordered = sorted(manifest.cases, key=lambda c: c.case_id)
    score = partial(score_cases, task, root=manifest.root, predictions=predictions)
    pool_size = min(workers or os.cpu_count() or 1, len(ordered))
    if not (task.parallel and pool_size > 1):
        if not progress:
            return score(ordered)
        # in parts, for the bar: each part's first case is read without reading ahead
        parts = [ordered[i:i + _SERIAL_PART] for i in range(0, len(ordered), _SERIAL_PART)]
        return [row for part in parts_bar(parts, len(ordered), "scoring", progress=True)
                for row in score(part)]
    # Small chunks, so that the cores finish together: with four chunks per process, one
    # core idled for half a chunk on average at the end (about 6% of a 2,000-case set).
    size = max(1, min(_CHUNK_CASES, len(ordered) // (4 * pool_size)))
    chunks = [ordered[i:i + size] for i in range(0, len(ordered), size)]
    # Each worker reads ahead too: a set larger than the page cache comes from the disk,
    # and a worker waiting for its next case's files would idle its core.
    return score_in_processes(score, chunks, processes=pool_size, progress=progress)


def _case_row(row: CaseRow, columns: Sequence[str],
              subgroups: Sequence[str] = ()) -> dict[str, object]:
    """A case's row of the result; ``subgroups``: its value of each subgroup column as
    the manifest has it, under ``subgroup:<column>``, so that a reader can tell which
    subgroup counted it."""
    return {"case_id": row.case_id, "patient_id": row.patient_id, "status": row.status,
            "reason": row.reason, **{c: row.values.get(c) for c in columns},
            **{SUBGROUP_PREFIX + c: row.metadata.get(c, "") for c in subgroups}}


def _protocol_section(protocol: Protocol) -> ProtocolSection:
    test = protocol.test
    return ProtocolSection(
        id=test.id, title=test.title, version=test.version, sha256=protocol.sha256,
        laboratory=Party(**protocol.laboratory.model_dump()),
        customer=Party(**protocol.customer.model_dump()),
        criteria=tuple(Criterion(**c.model_dump()) for c in protocol.criteria),
    )


def _dataset_section(protocol: Protocol, manifest: Manifest, fingerprint: str) -> DatasetSection:
    spec = protocol.dataset
    return DatasetSection(
        manifest=spec.manifest, fingerprint=fingerprint, n_cases=len(manifest.cases),
        n_patients=len({nfc_id(c.patient_id) for c in manifest.cases}),
        selection=spec.selection,
        received=spec.received, sample_size=spec.sample_size,
    )


@dataclass
class _Figures:
    """The aggregates of one evaluation: the protocol's failure policy, the other policy,
    the subgroups — and each undefined figure's warning, naming its scope."""

    protocol: Protocol
    task: TaskType
    rows: list[CaseRow]

    def __post_init__(self) -> None:
        self.warnings: list[str] = []
        if self.protocol.statistics.resampling_unit == "patient":
            self.warnings += _patients_alike(self.rows)
        else:
            self.warnings += _cases_as_independent(self.rows)
        self.failed = [r for r in self.rows if r.status == "failed"]
        self.ok = [r for r in self.rows if r.status == "ok"]
        self.worst_case = self.protocol.failures.policy == "worst-case"
        self.primary = self.rows if self.worst_case or self.task.sees_failed_cases \
            else self.ok
        # the facts about particular cases from the aggregate holding every case: this
        # one, or under exclude with cases failed the worst-case one (:meth:`failures`)
        self.main = self.aggregate(self.primary, "all cases",
                                   facts=len(self.primary) == len(self.rows))
        self.warnings += _few_units(self.primary, self.protocol, self.main.metrics)

    def aggregate(self, rows: Sequence[CaseRow], scope: str, *, facts: bool = False,
                  left_out: int = 0) -> Aggregate:
        """The task's aggregate of ``rows``, and the result's warnings about it.

        Each metric whose estimate has a note is recorded as ``"<scope>: <metric>:
        <note>"``, in the order of the metrics (a note several share once, naming them:
        :func:`_noted_once`), then each of the task's own texts as
        ``"<scope>: <text>"``, then, with ``facts`` (the aggregate of every case only),
        its facts about particular cases, said once, as ``"all cases: <text>"``. A scope
        with no case whose ``left_out`` cases all failed (a subgroup under the policy
        ``exclude``) says so in its one line. The
        undefined-metric warnings the statistics raise while aggregating say the same as
        the notes and are the result's, not the caller's: they are ignored here; other
        warnings pass through.
        """
        # one patient id in two Unicode forms (NFC from Windows, NFD from macOS) is one
        # patient: as two, the patient's cases would count as independent
        clusters = ([nfc_id(row.patient_id) for row in rows]
                    if self.protocol.statistics.resampling_unit == "patient" else None)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndefinedMetricWarning)
            result = self.task.aggregate(rows, clusters=clusters)
        noted = [record for record in result.metrics if record.estimate.note is not None]
        if not rows and noted and all(r.estimate.note == "no cases" for r in noted):
            # no case in this scope (every case failed and is left out): one line, not
            # one "no cases" a figure (fifteen for a binary task)
            self.warnings.append(f"{scope}: no cases, so each of its {len(noted)} figures is "
                                 "undefined (NaN)" + (
                                     f"; its {left_out} case(s) all failed and are left out "
                                     "(failures.policy = \"exclude\")" if left_out else ""))
        else:
            self.warnings += _noted_once(scope, noted)
        self.warnings += [f"{scope}: {text}" for text in result.warnings]
        if facts:
            self.warnings += [f"all cases: {text}" for text in result.case_facts]
        return result

    def failures(self) -> Failures:
        alternative = None
        # a task that sees every case whatever the policy (measurement) has no other way
        # under exclude: the same rows would give the same figures
        if self.failed and (self.worst_case or not self.task.sees_failed_cases):
            other_rows = self.ok if self.worst_case else self.rows
            # under exclude, the failed cases' facts (a record's reference of no beat)
            # are in this aggregate only: said here, once
            other = self.aggregate(other_rows, "failures " + (
                "excluded" if self.worst_case else "as worst case"),
                facts=not self.worst_case)
            alternative = Alternative("exclude" if self.worst_case else "worst-case",
                                      len(other_rows), other.metrics)
        return Failures(
            policy=self.protocol.failures.policy, n_failed=len(self.failed),
            by_reason=dict(sorted(Counter(str(r.reason) for r in self.failed).items())),
            cases=tuple(FailedCase(r.case_id, str(r.reason), r.detail) for r in self.failed),
            alternative=alternative,
        )

    def subgroups(self, cases: Sequence[Case]) -> tuple[Subgroup, ...]:
        """Each subgroup, in the protocol's column order and each column's values in the
        order of :mod:`medeval.subgroup_order` (``cases``: the manifest's, in its order),
        with its cases analysed, their patients and its failed cases."""
        out: list[Subgroup] = []
        for column in dict.fromkeys(self.protocol.subgroups.columns):
            # every value of the set, also one whose cases all failed and are excluded:
            # its subgroup has no case to analyse, and says so (it vanished before)
            # values compared in NFC and without surrounding spaces, as ids are: '서울'
            # from Windows and from macOS, or 'B' and 'B ' typed in a spreadsheet, is one
            # subgroup, not two that print alike
            def key(metadata: Mapping[str, str], column: str = column) -> str:
                return nfc_id(metadata.get(column, "").strip())

            declared = [nfc_id(v.strip())
                        for v in self.protocol.subgroups.order.get(column, ())]
            groups: dict[str, list[CaseRow]] = {
                value: [] for value in value_order(
                    [*(key(c.metadata) for c in cases), *(key(r.metadata) for r in self.rows)],
                    declared)}
            for row in self.primary:
                groups[key(row.metadata)].append(row)
            self.warnings += _values_alike(column, groups)
            if self.protocol.statistics.resampling_unit == "patient" and \
                    column not in self.protocol.subgroups.case_columns:
                self.warnings += _patients_across(column, groups)
            failures = Counter(key(r.metadata) for r in self.failed)  # each value's, once
            for value, members in groups.items():
                scope = subgroup_scope(column, value)  # blank: named, not "site="
                failed = failures[value]
                metrics = self.aggregate(members, scope,
                                         left_out=0 if members else failed).metrics
                # a subgroup's intervals rest on its own patients (or cases): say so
                # where they are few, as for the whole set
                self.warnings += _few_units(members, self.protocol, metrics, scope)
                out.append(Subgroup(
                    column, value, len(members), metrics,
                    n_patients=len({nfc_id(r.patient_id) for r in members}),
                    n_failed=failed, position=len(out)))
        return tuple(out)


def _noted_once(scope: str, noted: Sequence[MetricRecord]) -> list[str]:
    """``"<scope>: <metric>: <note>"`` of each figure noted, in order, less the clause on
    a clustered interval's few patients, which is said once for the scope after them,
    naming each figure and its patients (it was the same two lines in each of eight
    figures of a subgroup of five patients); so is the clause on patients of very unequal
    size (six figures of one endoscopy set with a patient of 500 frames). A note several
    figures share is said once, where the first is, as ``"<scope>: <metric>, <metric>
    (<n> figures): <note>"``: a one-case run gave the same bootstrap sentence for each of
    nine figures of a scope (some seventy lines for a multi-label task, past the thirty a
    certificate prints)."""
    from .stats.clustered import FEW_CLUSTERS, few_clusters, unequal_clusters

    names: dict[str, list[str]] = {}  # each note's figures, in the order first noted
    few, uneven = [], []
    for record in noted:
        note, clusters = few_clusters(str(record.estimate.note))
        if clusters is not None:
            few.append(f"{record.name} ({clusters})")
        note, weighs = unequal_clusters(note)
        if weighs is not None:
            uneven.append(f"{record.name} ({weighs})")
        names.setdefault(note, []).append(record.name)
    lines = [f"{scope}: {shared[0]}: {note}" if len(shared) == 1 else
             f"{scope}: {', '.join(shared)} ({len(shared)} figures): {note}"
             for note, shared in names.items()]
    if few:
        lines.append(
            f"{scope}: clustered intervals on fewer than {FEW_CLUSTERS} patients: "
            f"{', '.join(few)}: a design effect estimated from so few is itself uncertain, "
            "and these intervals may be too narrow (simulated coverage of a 95% interval as "
            "low as 76% with 5 clusters and 84% with 10, docs/intervals.md): a goal judged "
            "on them needs more patients")
    if uneven:
        lines.append(
            f"{scope}: clustered intervals on patients of very unequal size, each figure with "
            "its patients → the number of equal patients they weigh as (Kish's effective "
            "number, n² over the sum of squared cluster sizes), and the largest patient's "
            f"cases / all: {', '.join(uneven)}: a design effect estimated from "
            "them is itself uncertain, and these intervals may be too narrow (simulated "
            "coverage of a 95% interval 24% with one of 40 patients holding 400 of about 520 "
            "cases, docs/intervals.md): a goal judged on them needs more patients")
    return lines
