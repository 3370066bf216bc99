"""Run an algorithm on a held-out set: predictions, run log, summary, resume.

The run directory::

    RUN_DIR/
      predictions/<case_id>.json      one per case predicted (other formats beside it)
      run.jsonl                       one event per line (see medeval.runner.runlog)
      summary.json                    counts, failures with reasons, latency, environment

The runner reads the manifest, but hands each worker only a case's id and its inputs:
references never leave this process.
"""

from __future__ import annotations

import errno
import os
import shutil
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .._canonical import canonical_json
from ..errors import MedevalError, RunnerError
from ..manifest import Manifest, ReferenceKind
from ._local_pool import cannot_load, run_local
from ._preflight import check_before_run
from ._resume import prepare_run_dir, run_record
from .algorithm import AlgorithmSpec, resolve_algorithm
from .environment import capture_environment
from .gpus import Gpu, GpuRequest, assign_gpus, discover_gpus, gpu_record, select_gpus
from .limits import Limits, check_hard_limits
from .memory import choose_memory_guard
from .pids import DEFAULT_MAX_PROCESSES, choose_process_guard
from .predictions import atomic_write, sync_filesystem
from .run_lock import run_dir_lock
from .runlog import RunLog, RunSummary, last_ends, resume_plan, summarize
from .sandbox import choose_isolation, python_binds
from .stop_signals import Stopped, StopSignals
from .worker import CaseOutcome, Job, WorkerPlan, WorkerStartError

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

__all__ = ["read_manifest", "run_algorithm"]

#: The manifest already refuses ids with '/', '\\' or control characters, '.' and '..'.
#: The runner also refuses a first '-' (an option where ``{case_id}`` is substituted in a
#: command line) or '.' (a hidden file, like its temporary files), and ids over
#: ``_MAX_ID_BYTES`` of UTF-8 (a file name holds 255 bytes: ``<id>.<ext>`` and the
#: temporary ``.<id>.<ext>.XXXXXXXX`` must fit). Letters of any script are fine.
_MAX_ID_BYTES = 200


def _unfit_id(case_id: str) -> bool:
    return case_id.startswith(("-", ".")) or len(case_id.encode("utf-8")) > _MAX_ID_BYTES



def run_algorithm(
    manifest: Manifest | str | os.PathLike[str],
    algorithm: AlgorithmSpec | str,
    out_dir: str | os.PathLike[str],
    *,
    workers: int = 1,
    timeout_s: float = 60.0,
    memory_mb: int | None = 4096,
    output_limit_mb: float = 64.0,
    setup_timeout_s: float = 120.0,
    address_space_mb: int | None = None,
    memory_guard: Literal["auto", "cgroup", "watch"] = "auto",
    max_processes: int | None = DEFAULT_MAX_PROCESSES,
    retries: int = 1,
    mode: Literal["pre-check", "certificate"] = "pre-check",
    isolation: Literal["auto", "bubblewrap", "none"] = "auto",
    executor: Literal["local", "dask"] = "local",
    scheduler_address: str | None = None,
    scratch_dir: str | os.PathLike[str] | None = None,
    progress: bool = True,
    console: Console | None = None,
    fresh: bool = False,
    gpus: GpuRequest = "all",
    protocol: Mapping[str, Any] | None = None,
) -> RunSummary:
    """Run an untrusted algorithm on every case of a held-out set, in a sandbox.

    Each case's inputs are shown to the algorithm read-only in a sandbox that holds
    nothing else of the held-out set; its prediction is validated and written
    atomically with its SHA-256; every failure (exception, non-zero exit, timeout,
    memory, invalid or oversized output) is recorded with its reason and the run goes
    on. Running again into the same ``out_dir`` resumes: finished cases are skipped,
    a case whose file no longer has its recorded SHA-256 is run again; a run directory
    of another run (algorithm, limits, held-out set, medeval version or isolation
    differ) is refused unless ``fresh``. Before anything runs, a case whose input is,
    holds or lies in a reference, the manifest or the run directory is refused, and so
    is a reference, the manifest or the run directory that the sandbox would show.

    Parameters
    ----------
    manifest : Manifest or path
        The held-out set (a :class:`~medeval.manifest.Manifest` or its CSV).
    algorithm : AlgorithmSpec or str
        From :func:`~medeval.runner.resolve_algorithm`, or a plugin name it accepts.
    out_dir : path
        The run directory; created if needed.
    workers : int
        Worker processes (each loads the algorithm once).
    timeout_s, memory_mb, output_limit_mb, setup_timeout_s, address_space_mb
        Per-case limits; see :class:`~medeval.runner.Limits`. ``memory_mb`` holds the
        memory a worker's process tree really uses (None: no limit);
        ``address_space_mb`` adds an ``RLIMIT_AS`` only when given.
    memory_guard : {"auto", "cgroup", "watch"}
        How ``memory_mb`` is held (:mod:`medeval.runner.memory`): ``"auto"`` a cgroup
        per worker where this host lets medeval make one, else the runner's watch of the
        process tree. The mechanism used is recorded as ``memory`` in the run log and
        the summary.
    max_processes : int or None
        The processes and threads (tasks) each worker's whole tree may hold at once, held
        by the kernel's ``pids`` controller, a cgroup per worker
        (:mod:`medeval.runner.pids`); a case that fails for want of one fails as
        ``process-limit``. Recorded as ``processes`` in the run log and the summary.
        Where no ``pids`` cgroup can be made, a pre-check warns and runs without (``none``),
        a certificate run refuses to start. None: no limit.
    retries : int
        How many times a case is run again after an ``infrastructure`` failure (its
        worker killed by a signal that no limit sent); the
        earlier attempts are recorded in the case's ``retried``.
    mode : {"pre-check", "certificate"}
        A certificate run refuses to start without the sandbox, or without a process
        limit the kernel holds (``max_processes``).
    isolation : {"auto", "bubblewrap", "none"}
        ``"auto"``: bubblewrap where it works, else none (pre-check only, with an
        :class:`~medeval.errors.IsolationWarning`).
    executor : {"local", "dask"}
        ``"dask"`` hands chunks of cases to a Dask distributed cluster (the ``dask``
        extra; a ``LocalCluster`` of ``workers`` processes unless ``scheduler_address``
        is given). Its workers must see ``out_dir`` and the inputs at the same paths.
    scratch_dir : path, optional
        Where each worker's private ``input/`` and ``output/`` directories live (default
        ``out_dir/.scratch``). Inputs are hard-linked there when on the same filesystem,
        copied otherwise: a tmpfs such as ``/dev/shm`` saves disk operations per case
        when inputs are small.
    progress : bool
        Show a progress bar on stderr.
    console : rich.console.Console, optional
        Where the progress bar goes (tests pass their own).
    fresh : bool
        Start over: remove what an earlier run wrote in ``out_dir`` (its predictions,
        ``run.jsonl`` and ``summary.json``, after saying so on stderr) instead of
        resuming it.
    gpus : "all", "none" or sequence of int
        The NVIDIA GPUs the run uses (numbered as ``nvidia-smi`` numbers them; a string
        ``"0,1"`` is accepted): each local worker is given one, round robin (workers
        share them when there are more workers than GPUs), and its sandbox shows that
        one only (:mod:`medeval.runner.gpus`). ``"all"``: every GPU of the host (none
        on a host without); ``"none"``: no GPU. Recorded as ``gpus`` in the run log and
        the summary (the devices' model, driver and memory, each worker's GPU).
    protocol : mapping, optional
        The protocol the run is made for, as :func:`medeval.run_protocol.protocol_record`
        gives it (``medeval run`` does): recorded in the run log's ``run-start``, so that
        an evaluation of the run under a protocol whose criteria were edited since says
        so (:mod:`medeval.run_protocol`). Not part of the run's identity: resuming under
        another protocol is not refused.

    Returns
    -------
    RunSummary
        Also written to ``out_dir/summary.json``.

    Raises
    ------
    ManifestError
        The manifest is inconsistent, or inputs would show the algorithm a reference,
        the manifest or the run directory (every problem listed, with its case).
    RunnerError
        The algorithm cannot be found or loaded; the sandbox is required but missing;
        the sandbox would expose a reference (every case listed); ``out_dir`` holds
        another run (each thing that differs named, old and new), or another process is
        running in it; a GPU asked for is not on this host (named, with those it has).
    KeyboardInterrupt
        Ctrl-C, or :class:`~medeval.runner.stop_signals.Stopped` for SIGTERM or SIGHUP
        (called from the main thread): raised after the sandboxes are closed and
        ``summary.json`` is written (``not_run`` lists the cases not ended).

    Warns
    -----
    IsolationWarning
        A pre-check runs without a sandbox, or without a process limit.
    """
    started = time.perf_counter()
    if not isinstance(manifest, Manifest):
        manifest = read_manifest(manifest)
    manifest.validate()
    case_ids = [case.case_id for case in manifest.cases]
    bad = [c for c in case_ids if _unfit_id(c)]
    if bad:
        shown = ", ".join(repr(c if len(c) <= 40 else c[:40] + "...") for c in bad[:10])
        raise RunnerError(f"manifest {manifest.source}: case id(s) {shown}"
                          f"{f' and {len(bad) - 10} more' if len(bad) > 10 else ''} cannot "
                          "name a prediction file: an id may not begin with '-' or '.', "
                          f"nor be longer than {_MAX_ID_BYTES} bytes of UTF-8 (letters of "
                          "any script, digits, spaces and punctuation are fine)")
    if workers < 1:
        raise RunnerError(f"run_algorithm: workers must be at least 1, got {workers}")
    if retries < 0:
        raise RunnerError(f"run_algorithm: retries must be 0 or more, got {retries}")
    if executor not in ("local", "dask"):
        raise RunnerError(f"run_algorithm: executor must be 'local' or 'dask', got "
                          f"{executor!r}")
    spec = (algorithm if isinstance(algorithm, AlgorithmSpec)
            else resolve_algorithm(algorithm, progress=progress))
    chosen = choose_isolation(isolation, mode)
    selected = select_gpus(gpus, discover_gpus())
    limits = Limits(timeout_s=timeout_s, memory_mb=memory_mb,
                    output_limit_mb=output_limit_mb, setup_timeout_s=setup_timeout_s,
                    address_space_mb=address_space_mb, max_processes=max_processes)
    if executor == "local":  # Dask's workers hold their own processes' limits
        check_hard_limits(limits)
    memory = choose_memory_guard(memory_mb, memory_guard)
    processes = choose_process_guard(max_processes, memory=memory, mode=mode)
    run_dir = Path(out_dir).resolve()
    check_before_run(manifest, run_dir=run_dir, sandboxed=chosen == "bubblewrap",
                     python=python_binds(), algorithm=spec.binds)
    record = {**run_record(manifest, progress=progress), "fresh": fresh}
    environment = capture_environment()
    with run_dir_lock(run_dir):  # a second run here would disturb this one
        prepare_run_dir(run_dir, {"algorithm": spec.to_dict(), "isolation": chosen, "mode": mode,
                                  "limits": asdict(limits), "environment": environment,
                                  **record},
                        fresh=fresh, say=_say(console))
        predictions = run_dir / "predictions"
        predictions.mkdir(parents=True, exist_ok=True)

        interrupted: KeyboardInterrupt | None = None
        # kill PID and a closed terminal stop as Ctrl-C does; a file that cannot be
        # written (a full disk, the folder removed) stops the run saying what is kept
        with StopSignals() as stop, _stopped_by_os_error(run_dir):
            log = RunLog(run_dir / "run.jsonl")
            scratch: Path | None = None
            try:
                finished, again = resume_plan(log.events, predictions, case_ids)
                if again:
                    _say(console)(_again_message(again))
                _clean(predictions, keep=finished, log_events=log.events)
                jobs = [Job(c.case_id, tuple(str(manifest.path(p)) for p in c.inputs))
                        for c in manifest.cases if c.case_id not in finished]
                header = {
                    "algorithm": spec.to_dict(), "isolation": chosen, "mode": mode,
                    "limits": {"timeout_s": timeout_s, "memory_mb": memory_mb,
                               "output_limit_mb": output_limit_mb,
                               "setup_timeout_s": setup_timeout_s,
                               "address_space_mb": address_space_mb,
                               "max_processes": max_processes, "retries": retries},
                    "memory": memory.record(), "processes": processes.record(),
                    "executor": executor, "workers": workers,
                    "gpus": gpu_record(gpus, selected,
                                       _gpu_workers(selected, workers, len(case_ids),
                                                    executor)),
                    "environment": environment, **record,
                    **({"protocol": dict(protocol)} if protocol else {}),
                }
                log.append({"event": "run-start", **header, "cases": len(case_ids),
                            "resumed": len(finished), "to_run": len(jobs),
                            **({"again": again} if again else {})})
                plan = WorkerPlan(spec, chosen, limits, str(predictions), memory, retries,
                                  processes)
                scratch = (run_dir / ".scratch" if scratch_dir is None else Path(scratch_dir)
                           .resolve() / f"medeval-{os.getpid()}-{time.time_ns()}")
                shutil.rmtree(scratch, ignore_errors=True)
                try:
                    _execute(plan, jobs, executor=executor, workers=workers, scratch=scratch,
                             log=log, selected=selected, scheduler_address=scheduler_address,
                             bar=_Progress(len(case_ids), len(finished), progress, console))
                except KeyboardInterrupt as exc:  # Ctrl-C: what ended is kept, and recorded
                    interrupted = exc
                finally:
                    stop.hold()  # a SIGTERM from here on waits until the summary is written
                wall = time.perf_counter() - started
                events = [*log.events, *log.written]
                summary = summarize(events, case_ids, out_dir=run_dir, header=header,
                                    resumed=len(finished), ended_now=len(jobs), wall_s=wall)
                log.append({"event": "run-end", "done": summary.done, "failed": summary.failed,
                            "wall_s": round(wall, 3),
                            **({"interrupted": True} if interrupted is not None else {})})
            finally:
                log.close()
                if scratch is not None:
                    shutil.rmtree(scratch, ignore_errors=True)
            sync_filesystem(predictions)
            atomic_write(run_dir / "summary.json", canonical_json(summary.data))
        if interrupted is None:
            interrupted = stop.pending()
        if interrupted is not None:
            not_run = len(summary.data["not_run"])
            how = (f"stopped by {interrupted}" if isinstance(interrupted, Stopped) else
                   "interrupted")
            _say(console)(f"medeval: {how}: {summary.done + summary.failed} of "
                          f"{summary.cases} cases ended and are kept in {run_dir} ({not_run} not "
                          "run); run the same command again to resume")
            interrupted.said_what_was_kept = True  # type: ignore[attr-defined]  # for the CLI
            raise interrupted
        return summary


def _execute(plan: WorkerPlan, jobs: Sequence[Job], *, executor: str, workers: int,
             scratch: Path, log: RunLog, selected: Sequence[Gpu],
             scheduler_address: str | None, bar: _Progress) -> None:
    """Run ``jobs`` with the local or the Dask executor, logging each end."""
    with bar:

        def emit(outcome: CaseOutcome) -> None:
            log.append(outcome.end_event())
            bar.advance(outcome)

        if jobs and executor == "local":
            run_local(plan, jobs, workers, scratch, emit, log, selected)
        elif jobs:
            from ._dask import run_dask

            try:  # each Dask worker keeps its sandbox for the run; one is tried first
                run_dask(plan, jobs, workers=workers, scratch=scratch,
                         address=scheduler_address, emit=emit, log=log,
                         gpus=[g.uuid or str(g.index) for g in selected])
            except WorkerStartError as exc:
                raise cannot_load(plan, exc, gpu=bool(selected)) from None


@contextmanager
def _stopped_by_os_error(run_dir: Path) -> Iterator[None]:
    """Turn an ``OSError`` of the run (its log, a worker's prediction, the summary: a
    full disk, the run folder removed or read-only, a file size limit) into the run's
    error saying what failed, what is kept and how to go on."""
    try:
        yield
    except OSError as exc:
        raise RunnerError(_stopped_by(exc, run_dir)) from exc


def _stopped_by(exc: OSError, run_dir: Path) -> str:
    """The run's error where a file could not be written or read (a full disk, the run
    folder removed or made read-only under the run): what failed, what is kept, and how
    to go on."""
    what = f"{exc.filename}: {exc.strerror}" if exc.filename else (exc.strerror or str(exc))
    cause = ("a file size limit of the shell that started medeval, which ulimit -S -f "
             "shows" if exc.errno == errno.EFBIG else
             "a full disk, a folder removed or made read-only")
    return (f"the run stopped: {what}; the cases that ended are kept in {run_dir} (its "
            f"run.jsonl records them; no summary.json was written): put the cause right "
            f"({cause}) and run the same command again to resume")


def _again_message(again: Mapping[str, str]) -> str:
    """What the run says of the cases that ended before and run again, and why."""
    by_why: dict[str, list[str]] = {}
    for case_id, why in again.items():
        by_why.setdefault(why, []).append(case_id)
    parts = []
    for why, cases in by_why.items():
        shown = ", ".join(cases[:10]) + (f" and {len(cases) - 10} more" if len(cases) > 10
                                         else "")
        parts.append(f"{len(cases)} {why} ({shown})")
    altered = any(why != "infrastructure" for why in by_why)
    return (f"medeval: {len(again)} case(s) that ended in an earlier run are predicted "
            f"again: {'; '.join(parts)}"
            + (": its file was removed or altered after the runner wrote it" if altered
               else "") + " (run.jsonl's run-start lists them under 'again')")


def _say(console: Console | None) -> Callable[[str], None]:
    """Where the runner tells what it does to a run directory: the console, or stderr;
    the case ids and paths in it as a terminal shows them (rich prints ESC as it is)."""
    import sys

    from .._terminal_text import on_terminal

    def say(text: str) -> None:
        if console is not None:
            console.print(on_terminal(text, keep_lines=True), markup=False, highlight=False)
        else:
            print(on_terminal(text, keep_lines=True), file=sys.stderr, flush=True)

    return say


def read_manifest(path: str | os.PathLike[str]) -> Manifest:
    r"""Read a manifest CSV for a run, telling what its references are: 2-D annotation
    references ``file.json#image`` into a set-wide annotation file (beside per-frame
    files, if any), else files (or folders), or labels if none names a file or folder.

    What is told decides what the runner protects: every file or folder reference, and
    the annotation file of a 2-D set, is refused as or inside an input and hidden from
    the sandbox.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "x.txt").write_text("scan")
    >>> _ = (root / "m.csv").write_text("case_id,patient_id,input,reference\nc1,p1,x.txt,1\n")
    >>> read_manifest(root / "m.csv").reference_kind
    'label'
    >>> _ = (root / "n.csv").write_text("case_id,patient_id,input,reference\n"
    ...                                 "c1,p1,x.txt,labels.json#x.txt\n")
    >>> _ = (root / "labels.json").write_text("{}")
    >>> read_manifest(root / "n.csv").reference_kind
    'annotations-2d'
    """
    manifest = Manifest.from_csv(path)
    kind = _reference_kind(manifest)
    if kind != manifest.reference_kind:
        manifest = Manifest(manifest.cases, root=manifest.root, reference_kind=kind,
                            source=manifest.source)
    return manifest


def _reference_kind(manifest: Manifest) -> ReferenceKind:
    """``annotations-2d`` if a reference names a file before a ``#`` (and is no file
    itself), else ``file`` if one names a file or folder, else ``label``.

    A 2-D set may mix both forms (per-frame LabelMe files beside ``set.json#frame``): the
    selectors decide, since a ``file`` reference cannot carry one."""
    hashes = any("#" in case.reference for case in manifest.cases)
    files = False
    for case in manifest.cases:
        if _exists(manifest, case.reference):
            if not hashes:
                return "file"
            files = True
            continue
        file, hash_sign, _ = case.reference.partition("#")
        if hash_sign and _exists(manifest, file, folder=False):
            return "annotations-2d"
    return "file" if files else "label"


def _exists(manifest: Manifest, reference: str, *, folder: bool = True) -> bool:
    try:
        target = manifest.path(reference) if reference else None
    except MedevalError:
        return False
    return target is not None and (target.is_file() or (folder and target.is_dir()))


def _clean(predictions: Path, *, keep: set[str], log_events: Sequence[dict[str, Any]]) -> None:
    """Remove every file but those recorded for a finished case (temporary files too)."""
    ends = last_ends(log_events)
    kept = {name for case_id in keep for name in (ends[case_id].get("files") or {})}
    with os.scandir(predictions) as entries:
        for entry in entries:
            if entry.name not in kept:
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)


def _gpu_workers(selected: Sequence[Gpu], workers: int, jobs: int,
                 executor: str) -> dict[str, tuple[Gpu, ...]]:
    """The GPUs of each local worker (``w0`` ...) of the run; none known for Dask.

    ``jobs`` is the set's case count, not what is left to run: a run resumed in full
    (nothing left) is still the run of ``w0`` ..., and its result (whose content holds
    this record) keeps its fingerprint."""
    if executor != "local" or not jobs:
        return {}
    count = min(workers, jobs)
    return {f"w{i}": assigned for i, assigned in enumerate(assign_gpus(selected, count))}


class _Progress:
    """A rich progress bar (cases done, failed) on stderr, or nothing."""

    def __init__(self, total: int, completed: int, enabled: bool,
                 console: Console | None) -> None:
        self.total, self.completed, self.enabled, self.console = (total, completed, enabled,
                                                                   console)
        self.failed = 0
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            console = self.console or Console(stderr=True)
            self._bar = Progress(TextColumn("predicting"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[failed]} failed"),
                                 TimeElapsedColumn(), TimeRemainingColumn(), console=console)
            self._bar.start()
            self._task = self._bar.add_task("predicting", total=self.total,
                                            completed=self.completed, failed=0)
        return self

    def advance(self, outcome: CaseOutcome) -> None:
        if outcome.outcome == "failed":
            self.failed += 1
        if self._bar is not None:
            self._bar.update(self._task, advance=1, failed=self.failed)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
