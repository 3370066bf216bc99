"""Per-case scoring: where predictions come from, and one row per case, failures included.

The evaluation (:mod:`medeval.evaluation`) scores every case of the manifest through the
task's interface (:class:`~medeval.tasks.base.TaskType`). Predictions come from one of
three sources (:class:`Predictions`):

- ``"runner"``: the run directory of medeval's runner (``predictions/`` and
  ``summary.json``, whose failures — a crash, a timeout — are the case's failure);
- ``"supplied-predictions"``: a folder of prediction files a company made itself;
- ``"supplied-table"``: predictions held in memory, one value per case (the scores
  column of a predictions table), for the tasks that can score a bare value.

A missing or unusable prediction is a failed case with its reason, never dropped; an
unusable reference is a fault of the held-out set and is returned as
:class:`BadReference`, so that the evaluation can list every such case before it stops.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._canonical import canonical_json
from ._hashing import hash_files, sha256_bytes, sha256_file
from ._read_ahead import in_cache, read_ahead
from .errors import MedevalError
from .manifest import Case
from .protocol import ProtocolError
from .tasks.base import CaseRow, PredictionError, ReferenceProblem, TaskType

__all__ = ["BadReference", "Predictions", "read_predictions", "score_cases"]

#: How many cases ahead of the one scored the kernel is asked to read their files (a
#: task that names them: ``case_files``), asked for that many at a time.
_AHEAD_CASES = 16
#: Parts of the runner's record that hold times or the host: the result's context.
CONTEXT_KEYS = ("environment", "run_log_sha256", "summary_sha256")


@dataclass(frozen=True)
class Predictions:
    """Where the predictions of an evaluation come from.

    Attributes
    ----------
    source : {"runner", "supplied-predictions", "supplied-table"}
    folder : Path or None
        The folder of prediction files (``<case_id>.json`` ...); None for a table.
    values : mapping or None
        For ``"supplied-table"``: case id -> the prediction (e.g. a score).
    failures : mapping
        Case id -> (reason, detail) of the cases the runner records as failed.
    run : mapping
        The runner's record (isolation, limits, the predictions' SHA-256 ...).
    rows : mapping
        For ``"supplied-table"``: case id -> where the table holds its row (``scores.csv,
        line 6``), named after a refused prediction's message.
    """

    source: str
    folder: Path | None = None
    values: Mapping[str, Any] | None = None
    failures: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    run: Mapping[str, Any] = field(default_factory=dict)
    rows: Mapping[str, str] = field(default_factory=dict)

    @property
    def recorded_run(self) -> dict[str, Any]:
        """The run's record without its times and host (those go to the context)."""
        return {k: v for k, v in self.run.items() if k not in CONTEXT_KEYS}

    @property
    def context(self) -> dict[str, Any]:
        """The parts of the run's record that belong to the result's context."""
        return {k: v for k, v in self.run.items() if k in CONTEXT_KEYS}


def read_predictions(path: Path) -> Predictions:
    """The predictions in ``path``: a runner's run directory or a folder of files.

    Raises
    ------
    ProtocolError
        ``path`` is not a folder.
    """
    if path.is_file():
        raise ProtocolError(
            f"predictions {path}: is a file; give the folder of one prediction file per case "
            "(<case_id>.json, a mask <case_id>.png, ...) or a runner's run folder (a COCO "
            "results file of the whole set: write each case's results to <case_id>.json, "
            "as 'medeval predictions split-coco FILE --protocol PROTOCOL.toml --out DIR' "
            "does; a classification or measurement protocol also takes one table, case_id,score, "
            "case_id,label or case_id,value)")
    if not path.is_dir():
        raise ProtocolError(f"predictions {path}: no such directory")
    summary = path / "summary.json"
    if (path / "predictions").is_dir() and (path / "run.jsonl").is_file() \
            and not _run_ended(path):
        raise ProtocolError(_unended(path))
    if path.name == "predictions" and (path.parent / "run.jsonl").is_file() \
            and not _run_ended(path.parent):  # the run's predictions given alone
        raise ProtocolError(_unended(path.parent))
    if (path / "predictions").is_dir() and summary.is_file():
        data = json.loads(summary.read_text(encoding="utf-8"))
        recorded = data.get("failures", {})
        failures = {
            str(case_id): (str(item.get("reason") or "exception"), str(item.get("detail") or ""))
            for case_id, item in (recorded.items() if isinstance(recorded, dict) else [])
        }
        failures = {**_not_run_failures(path / "predictions", data.get("not_run")), **failures}
        log = path / "run.jsonl"
        run = {
            "isolation": data.get("isolation"),
            "algorithm": data.get("algorithm"),
            "limits": data.get("limits"),
            # how the memory limit was held (a cgroup per worker, or the runner's watch)
            "memory": data.get("memory"),
            # how the process limit was held (a pids cgroup per worker, or none)
            "processes": data.get("processes"),
            # cases run again after their worker was killed from outside
            "retried": data.get("retried", {}),
            # the GPUs used: model, driver, memory, and which worker had which
            "gpus": data.get("gpus"),
            "environment": data.get("environment"),
            "not_run": data.get("not_run", []),
            # what was scored, stable across runs: case -> prediction file -> SHA-256
            "predictions_sha256": sha256_bytes(canonical_json(data.get("predictions", {}))),
            # the run's own records hold times: they belong to the context
            "run_log_sha256": sha256_file(log) if log.is_file() else None,
            "summary_sha256": sha256_file(summary),
        }
        return Predictions("runner", path.absolute() / "predictions", failures=failures,
                           run=run)
    names, paths, statuses = _folder_files(path)
    digests = hash_files(paths, workers=None, progress=False, cache=True, statuses=statuses)
    files = {name: digests[full] for name, full in zip(names, paths)}
    # absolute, so that a failure's message names it as a path that no word of the message
    # can be: a folder given as "label" or "nan" (see Scorer._portable)
    return Predictions("supplied-predictions", path.absolute(),
                       run={"predictions_sha256": sha256_bytes(canonical_json(files))},
                       failures=_not_run_failures(path, not_run_beside(path)))


def not_run_beside(folder: Path) -> Any:
    """The ``not_run`` of the run whose ``predictions`` folder ``folder`` is, given alone
    (``--predictions RUN/predictions``), or None: its cases are not run there too."""
    if folder.name != "predictions" or not (folder.parent / "run.jsonl").is_file():
        return None
    try:
        return json.loads((folder.parent / "summary.json").read_text(encoding="utf-8")
                          ).get("not_run")
    except (OSError, ValueError, AttributeError):
        return None


def _not_run_failures(folder: Path, not_run: Any) -> dict[str, tuple[str, str]]:
    """The cases an interrupted run never ran, each a ``missing-output`` failure: a file
    in its predictions folder for such a case is none the runner wrote (it records none;
    one put there by hand, or copied from another run) and is not read, but named."""
    if not isinstance(not_run, list) or not not_run:
        return {}
    files = not_run_files(folder, not_run)
    failures = {}
    for case_id in map(str, not_run):
        found = files.get(case_id, [])
        failures[case_id] = ("missing-output", (
            f"case {case_id}: not run: the run was interrupted before it (summary.json's "
            "not_run); resume the run to run it") + (
            f"; {', '.join(found[:3])} in the run's predictions folder is no file its runner "
            "wrote, and is not read" if found else ""))
    return failures


def not_run_files(folder: Path, not_run: Sequence[Any]) -> dict[str, list[str]]:
    """The files in a run's predictions folder of each case the run never ran (its
    ``not_run``), by the case ids a name may be of: itself and each part before a dot
    (``c1.json``, ``c1.nii.gz``; a case id may hold dots itself). A file the runner
    recorded for a case that ran is none of them: ``1.2.3.4.json`` of case ``1.2.3.4``
    was named a stray file of case ``1.2.3``, never run (DICOM UIDs as case ids)."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return {}
    written = _recorded_files(folder.parent / "summary.json")
    cases = {str(case_id) for case_id in not_run}
    files: dict[str, list[str]] = {}
    for name in names:
        if name.startswith(".") or name in written:
            continue
        parts = name.split(".")
        for case_id in sorted({".".join(parts[:k]) for k in range(1, len(parts) + 1)} & cases):
            files.setdefault(case_id, []).append(name)
    return files


def _recorded_files(summary: Path) -> set[str]:
    """The prediction files a run's summary records its runner wrote (none where it
    cannot be read)."""
    try:
        data = json.loads(summary.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    return recorded_files(data)


def recorded_files(summary: Any) -> set[str]:
    """The prediction files a run's summary (``summary.json`` as read) records its
    runner wrote, by name."""
    recorded = summary.get("predictions") if isinstance(summary, dict) else None
    return {str(name) for files in (recorded.values() if isinstance(recorded, dict) else ())
            if isinstance(files, dict) for name in files}


def _run_ended(path: Path) -> bool:
    """Whether the run in ``path`` has ended: its summary written after its last start.
    A run resumed and then killed (SIGKILL, out of memory, a power cut), or resumed and
    still going, keeps the summary of the invocation before it, which names as not run
    the cases it has ended since and none of their failures. A ``run.jsonl`` holding
    no run-start or run-end (another program's log) is no run's: nothing to end."""
    # from the end: the last record of a run that ended is its run-end; a line that is
    # not JSON (a torn last line, a damaged log) says nothing either way
    for line in reversed((path / "run.jsonl").read_bytes().splitlines()):
        try:
            event = json.loads(line).get("event")
        except (ValueError, AttributeError):
            continue
        if event in ("run-start", "run-end"):
            return event == "run-end" and (path / "summary.json").is_file()
    return True


def _unended(path: Path) -> str:
    """Why the run folder ``path``, whose run has not ended, cannot be evaluated."""
    from .runner.run_lock import run_dir_holder

    holder = run_dir_holder(path)
    if holder is not None:
        return (f"predictions {path}: a run folder whose run is still going (process "
                f"{holder} is running it): wait until it ends, then evaluate it")
    return (f"predictions {path}: a run folder whose run has not ended: it holds run.jsonl "
            "but no summary.json written since its last start (the runner was killed — "
            "SIGKILL, out of memory, a power cut — or stopped by an error before it could "
            "write its summary); resume it with the same command (medeval run "
            f"PROTOCOL.toml --out OUT, or medeval predict ... --out {path}), which runs only "
            "the cases not yet ended, then evaluate it")


def _folder_files(path: Path) -> tuple[list[str], list[str], dict[str, os.stat_result]]:
    """The names of ``sorted(p for p in path.iterdir() if p.is_file())``, their paths as
    text (``str(path / name)``: the digest cache's keys, without a Path per file), and
    the status of each that is no symbolic link: a plain file is told by its directory
    entry and stat once (for the digest cache); a link, or an entry of unknown type, by
    ``Path.is_file``."""
    names: list[str] = []
    statuses: dict[str, os.stat_result] = {}
    with os.scandir(path) as entries:
        for entry in entries:
            if entry.is_file(follow_symlinks=False):
                names.append(entry.name)
                statuses[entry.name] = entry.stat(follow_symlinks=False)
            elif not entry.is_dir(follow_symlinks=False) and (path / entry.name).is_file():
                names.append(entry.name)
    names.sort()  # the order of the paths: they differ in their names only
    folder = str(path)  # str(path / name) is the name alone where path is "."
    paths = names.copy() if folder == "." else [os.path.join(folder, n) for n in names]
    return names, paths, {full: statuses[name] for name, full in zip(names, paths)
                          if name in statuses}


@dataclass(frozen=True)
class BadReference:
    """A case whose reference turned out unusable while it was scored."""

    message: str


def score_cases(
    task: TaskType, cases: Sequence[Case], *, root: Path, predictions: Predictions,
    pipelined: bool = True,
) -> list[CaseRow | BadReference]:
    """Score cases in order.

    A task that reads ahead (``loads_ahead``: ``load_case`` / ``score_loaded``) has, when
    ``pipelined``, the next case's files read in a background thread while the current
    case is measured, so that reading costs no extra time on one core. (The evaluation's
    worker processes read ahead too: files that come from the disk would otherwise idle
    the core while they are read.)
    """
    scorer = _Scorer(task, root, predictions)
    if not (task.loads_ahead and pipelined and predictions.folder is not None):
        folder = predictions.folder
        if folder is None or type(task).case_files is TaskType.case_files:
            return [scorer.row(case) for case in cases]
        rows: list[CaseRow | BadReference] = []
        for k, case in enumerate(cases):
            # the files of the cases after the next few, unless the last of them are in
            # the page cache already (a set read before: the hints would cost 4 system
            # calls a file for nothing)
            ahead = (cases[k + (_AHEAD_CASES if k else 0):k + 2 * _AHEAD_CASES]
                     if k % _AHEAD_CASES == 0 else ())
            if ahead and not in_cache(task.case_files(ahead[-1], root, folder)):
                read_ahead(file for later in ahead
                           for file in task.case_files(later, root, folder))
            rows.append(scorer.row(case))
        return rows
    rows = []
    with ThreadPoolExecutor(max_workers=1) as reader:
        pending = reader.submit(scorer.load, cases[0]) if cases else None
        for k, case in enumerate(cases):
            assert pending is not None
            loaded = pending.result()
            pending = reader.submit(scorer.load, cases[k + 1]) if k + 1 < len(cases) else None
            rows.append(scorer.row(case, loaded))
    return rows


def score_in_processes(
    score: Callable[[Sequence[Case]], list[CaseRow | BadReference]],
    chunks: Sequence[Sequence[Case]], *, processes: int, progress: bool = False,
) -> list[CaseRow | BadReference]:
    """The rows of every chunk, in order, ``score`` (:func:`score_cases` with its task,
    root and predictions bound) run on ``processes`` worker processes.

    ``score`` is handed to each process once, when it starts, and each chunk sent to it
    carries its cases only. Sent with every chunk, the predictions' record (the runner's
    failures, which grow with the set) was pickled once per chunk of 16 cases: 59 kB
    times 625 chunks for 10,000 frames with 500 failed, growing as the square of the
    set.

    A worker process that ends abruptly (killed by the system, out of memory; a crash in
    a native library) is a :class:`~medeval.errors.MedevalError` naming the first case
    left without a row, not a traceback of the pool. ``progress``: a bar of the cases
    scored on stderr (:func:`medeval._progress_bar.parts_bar`)."""
    from ._progress_bar import parts_bar

    rows: list[CaseRow | BadReference] = []
    done = 0
    try:
        with ProcessPoolExecutor(max_workers=processes, initializer=_keep_scorer,
                                 initargs=(score,)) as pool:
            for part in parts_bar(pool.map(_score_chunk, chunks),
                                  sum(len(chunk) for chunk in chunks), "scoring",
                                  progress=progress):
                rows += part
                done += 1
    except BrokenProcessPool as exc:
        first = chunks[done][0].case_id if done < len(chunks) and chunks[done] else "?"
        raise MedevalError(
            f"scoring: a scoring process ended abruptly (killed by the system, often for "
            f"want of memory, or a crash in a native library); case {first} and those "
            f"after it were left unscored, and no result was written. Evaluate again "
            f"with --workers 1 (workers=1 from Python) to score in one process and see "
            f"the case that stops it"
        ) from exc
    return rows


#: A worker process's ``score``, kept when the process starts.
_process_scorer: Callable[[Sequence[Case]], list[CaseRow | BadReference]] | None = None


def _keep_scorer(score: Callable[[Sequence[Case]], list[CaseRow | BadReference]]) -> None:
    global _process_scorer
    _process_scorer = score


def _score_chunk(cases: Sequence[Case]) -> list[CaseRow | BadReference]:
    assert _process_scorer is not None, "the process was started without _keep_scorer"
    return _process_scorer(cases)


class _Scorer:
    """One case's row: its values, or its failure with the reason and a portable detail."""

    def __init__(self, task: TaskType, root: Path, predictions: Predictions) -> None:
        self.task, self.root, self.predictions = task, root, predictions

    def load(self, case: Case) -> Any:
        """The case's files read ahead (or the error reading them raised)."""
        if case.case_id in self.predictions.failures:
            return None
        assert self.predictions.folder is not None
        try:
            return self.task.load_case(case, self.root, self.predictions.folder)
        except (PredictionError, ReferenceProblem) as exc:
            return exc

    def row(self, case: Case, loaded: Any = None) -> CaseRow | BadReference:
        # A failed case's worst-case values read its reference too: a reference that
        # cannot be used is the set's fault either way, listed with the others.
        try:
            try:
                values = self._values(case, loaded)
            except PredictionError as exc:
                row = self.predictions.rows.get(case.case_id)  # a table's: its row named
                return self._failed(case, exc.reason, f"{exc} ({row})" if row else str(exc))
            if values is None:
                reason, detail = self.predictions.failures[case.case_id]
                return self._failed(case, reason, detail)
        except ReferenceProblem as exc:
            return BadReference(str(exc))
        return CaseRow(case.case_id, case.patient_id, "ok", None, None, values,
                       dict(case.metadata))

    def _values(self, case: Case, loaded: Any) -> dict[str, Any] | None:
        """The case's values; None when the runner records the case as failed."""
        if case.case_id in self.predictions.failures:
            return None
        if isinstance(loaded, (PredictionError, ReferenceProblem)):
            raise loaded
        if loaded is not None:
            return self.task.score_loaded(case, loaded)
        if self.predictions.values is not None:
            if case.case_id not in self.predictions.values:
                raise PredictionError(f"case {case.case_id}: no prediction in the table",
                                      "missing-output")
            return self.task.score_value(case, self.predictions.values[case.case_id])
        assert self.predictions.folder is not None
        return self.task.score_case(case, self.root, self.predictions.folder)

    def _failed(self, case: Case, reason: str, detail: str) -> CaseRow:
        return CaseRow(case.case_id, case.patient_id, "failed", reason, self._portable(detail),
                       self.task.failed_values(case, self.root), dict(case.metadata))

    def _portable(self, detail: str) -> str:
        """A failure's message without this machine's paths, so the fingerprint stays the
        same wherever the data and predictions lie."""
        places = [(self.root, "<data>")]
        if self.predictions.folder is not None:
            places.insert(0, (self.predictions.folder, "<predictions>"))
        for path, name in places:  # whole paths only: "pred" is not replaced in "prediction"
            for form in sorted({str(path), str(path.resolve())}, key=len, reverse=True):
                # a relative folder only followed by a separator: "label" is also a word
                tail = "" if Path(form).is_absolute() else r"(?=[/\\])"
                detail = re.sub(rf"(?<![\w.~-]){re.escape(form)}(?![\w~-]|\.\w){tail}", name,
                                detail)
        return detail
