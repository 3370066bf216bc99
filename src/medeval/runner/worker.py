"""One sandboxed worker process and the runner's side of it.

A :class:`Worker` starts ``medeval.runner._child`` in the sandbox once, has it load the
algorithm, then hands it cases one at a time over a pipe. Before each case it places
the case's inputs (hard links where possible, copies otherwise) in the worker's private
input directory, which the sandbox sees read-only as ``/input`` and which holds nothing
of any other case, and empties ``/output``. A worker that overruns the time limit, dies,
or announces an oversized answer is killed with its whole process group and started
again for the next case; the case is recorded as failed with its reason and the tail of
its stderr. The worker's memory is held by a :class:`~medeval.runner.memory.MemoryGuard`
(its own cgroup, or the runner's watch), the number of its processes and threads by a
:class:`~medeval.runner.pids.ProcessGuard` (a pids cgroup); a case that fails after the
kernel refused it a process or thread fails as ``process-limit`` and ends its worker.
A worker killed by a signal that neither the algorithm nor a limit of the run sent
(``SIGKILL`` from outside, the host's OOM killer) is an ``infrastructure`` failure, and
its case is run again, up to ``WorkerPlan.retries`` times.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from . import _protocol as channel
from .algorithm import AlgorithmSpec
from .gpus import Gpu, discover_gpus, gpu_binds, gpu_env, resolve_gpus, write_params
from .limits import Limits, kill_process_group
from .memory import MemoryGuard, MemoryPlan, is_memory_failure, open_guard
from .pids import ProcessGuard, ProcessPlan, open_process_guard
from .predictions import InvalidPrediction, store_outputs
from .runlog import log_time
from .sandbox import INPUT_DIR, OUTPUT_DIR, Isolation, python_binds, sandbox_argv, scrubbed_env
from .stderr_tail import StderrTail

__all__ = ["CaseOutcome", "FAILURE_REASONS", "Job", "Worker", "WorkerPlan", "WorkerStartError"]

#: Every reason a case can fail for.
FAILURE_REASONS = ("exception", "exit-code", "timeout", "memory", "process-limit",
                   "invalid-output", "output-too-large", "setup", "infrastructure")
_TAIL_BYTES = 2000
#: Signals that end a worker from outside: not a crash of the algorithm, not a limit.
_EXTERNAL_SIGNALS = (signal.SIGKILL, signal.SIGTERM, signal.SIGINT, signal.SIGHUP)

#: strerror(EFBIG), what a program that does not die by SIGXFSZ says when a write passes
#: ``RLIMIT_FSIZE`` (the output limit): Python's ``OSError: [Errno 27] File too large``.
_FILE_TOO_LARGE = "File too large"
#: strsignal(SIGXFSZ), what a shell says of a program it ran that the limit killed (sh:
#: "File size limit exceeded"; bash: "line 1: 123 File size limit exceeded head ...").
_KILLED_BY_FILE_SIZE = signal.strsignal(signal.SIGXFSZ) or "File size limit exceeded"


@dataclass(frozen=True)
class WorkerPlan:
    """Everything a worker needs; plain data, so it can travel to a Dask worker."""

    algorithm: AlgorithmSpec
    isolation: Isolation
    limits: Limits
    predictions_dir: str
    #: How the memory limit is held (None: no guard beyond the limits' own).
    memory: MemoryPlan | None = None
    #: How many times a case is run again after an ``infrastructure`` failure.
    retries: int = 1
    #: How the process limit is held (None: none).
    processes: ProcessPlan | None = None


@dataclass(frozen=True)
class Job:
    """One case to predict: its id and its inputs' absolute paths (never its reference)."""

    case_id: str
    inputs: tuple[str, ...]


@dataclass
class CaseOutcome:
    """How one case ended."""

    case_id: str
    outcome: Literal["done", "failed"]
    duration_s: float
    started: str
    worker: str
    files: dict[str, str] = field(default_factory=dict)
    reason: str | None = None
    detail: str | None = None
    stderr_tail: str | None = None
    #: The earlier attempts of a case run again after an infrastructure failure.
    retried: list[dict[str, Any]] = field(default_factory=list)

    def end_event(self) -> dict[str, Any]:
        """The ``end`` record of ``run.jsonl``."""
        event: dict[str, Any] = {"event": "end", "case_id": self.case_id,
                                 "outcome": self.outcome,
                                 "duration_s": round(self.duration_s, 6),
                                 "worker": self.worker, "time": log_time()}
        if self.outcome == "done":
            event["files"] = self.files
        else:
            event.update(reason=self.reason, detail=self.detail, stderr_tail=self.stderr_tail)
        if self.retried:
            event["retried"] = self.retried
        return event


class WorkerStartError(Exception):
    """The worker could not load the algorithm or run its setup."""

    def __init__(self, reason: str, detail: str, stderr_tail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail, self.stderr_tail = reason, detail, stderr_tail


class Worker:
    """A sandboxed worker process, started on first use and restarted after a kill.

    Parameters
    ----------
    plan : WorkerPlan
    scratch : Path
        A directory of the runner's own (not visible to other workers' sandboxes);
        holds ``input/`` and ``output/``.
    name : str
        For the run log.
    gpus : sequence of Gpu or str
        The GPUs this worker is given (:mod:`medeval.runner.gpus`): records, or their
        indices or UUIDs on this host (as a Dask worker knows them). Only these are bound
        into its sandbox and named by its ``CUDA_VISIBLE_DEVICES``; none by default.

    Raises
    ------
    RunnerError
        A GPU named that this host does not have.
    """

    def __init__(self, plan: WorkerPlan, scratch: Path, name: str,
                 gpus: Sequence[Gpu | str] = ()) -> None:
        self.plan, self.name = plan, name
        named = [g for g in gpus if not isinstance(g, Gpu)]
        found = resolve_gpus(named, discover_gpus()) if named else ()
        self.gpus: tuple[Gpu, ...] = tuple(
            g if isinstance(g, Gpu) else found[named.index(g)] for g in gpus)
        self.input_dir = scratch / "input"
        self.output_dir = scratch / "output"
        scratch.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._sandboxed = plan.isolation == "bubblewrap"
        self.input_dir.mkdir(mode=0o700, exist_ok=True)
        if not self._sandboxed:  # in the sandbox /output is a tmpfs of its own
            self.output_dir.mkdir(mode=0o700, exist_ok=True)
        self._stderr: StderrTail | None = None
        # the driver's parameters as the sandbox reads them: ModifyDeviceFiles 0
        self._params = write_params(scratch / "nvidia-params") if (
            self.gpus and self._sandboxed) else None
        self._process: subprocess.Popen[bytes] | None = None
        self._guard: MemoryGuard | None = None
        self._processes: ProcessGuard | None = None
        self.restarts = 0
        self._cases_run = 0  # cases sent to the running process since it started

    @property
    def guard(self) -> MemoryGuard:
        """This worker's memory guard (its cgroup is made on first use)."""
        if self._guard is None:
            self._guard = open_guard(self.plan.memory, self.name)
        return self._guard

    @property
    def processes(self) -> ProcessGuard:
        """This worker's process limit (its cgroup is made on first use, after the
        memory guard's, in which a v2 limit is set)."""
        if self._processes is None:
            guard = self.guard
            inside = getattr(guard, "path", None) if guard.mechanism == "cgroup-v2" else None
            self._processes = open_process_guard(self.plan.processes, self.name, inside)
        return self._processes

    # -- life cycle -------------------------------------------------------------------
    def start(self) -> None:
        """Start the worker and wait until the algorithm is loaded and set up.

        Raises
        ------
        WorkerStartError
        """
        if self._process is not None:
            return
        self._cases_run = 0  # a new process: nothing kept from earlier cases
        spec, limits = self.plan.algorithm, self.plan.limits
        root = str(Path(__file__).resolve().parents[2])
        # -B: a plugin's bytecode written beside it could later stand in for a changed
        # source whose hash the run records. Not -I: it ignores PYTHONHASHSEED, which
        # scrubbed_env fixes (a set of strings iterated in another order each run summed
        # a score to other bits); the environment is scrubbed anyway, -s leaves out the
        # user's site-packages, and the -c command's '' (the current folder) is removed
        argv = [sys.executable, "-s", "-B", "-c",
                "import sys; sys.path[:] = [p for p in sys.path if p]; "
                f"sys.path.insert(0, {root!r}); "
                "from medeval.runner._child import main; sys.exit(main())"]
        env = scrubbed_env(gpu_env(self.gpus, sandboxed=self._sandboxed))
        if self._sandboxed:
            binds = [*python_binds(), *spec.binds]
            tmp = limits.memory_mb << 20 if limits.memory_mb is not None else None
            argv = sandbox_argv(argv, input_dir=self.input_dir, binds=binds, env=env,
                                output_bytes=limits.output_limit_bytes, tmp_bytes=tmp,
                                devices=gpu_binds(self.gpus, params=self._params))
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        if self._stderr is not None:
            self._stderr.close()
        self._stderr = stderr = StderrTail(keep_bytes=_TAIL_BYTES)
        guard, processes = self.guard, self.processes
        processes.case_starts()
        try:
            process = subprocess.Popen(
                guard.wrap(processes.wrap(argv)), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=stderr.write_fd, start_new_session=True, env=env, close_fds=True,
                bufsize=0, cwd=None if self._sandboxed else self.output_dir,
            )
        finally:
            stderr.close_write_end()
        assert process.stdin is not None and process.stdout is not None
        self._process = process
        guard.started(process)
        config = {"kind": spec.kind, "target": spec.target, "python_path": spec.python_path,
                  "argv": list(spec.argv), "address_space_mb": limits.address_space_mb,
                  "output_limit_bytes": limits.output_limit_bytes,
                  "sandboxed": self._sandboxed}
        deadline = time.monotonic() + limits.setup_timeout_s
        try:
            channel.send(process.stdin.fileno(), config)
            reply = channel.receive(process.stdout.fileno(), deadline=deadline, limit=1 << 20)
        except channel.ChannelTimeout:
            self.kill()
            raise WorkerStartError("setup", f"loading the algorithm and its setup() took "
                                   f"more than {limits.setup_timeout_s:g} s, the time limit "
                                   "for loading it (--setup-timeout-s; setup_timeout_s in the "
                                   "protocol's [runner])", self.stderr_tail()) from None
        except (channel.ChannelClosed, channel.MessageTooLarge, BrokenPipeError, ValueError):
            detail, number = self._exit_detail()
            tail = self.stderr_tail()
            reason, why = self._crash_reason(number, tail, "setup")
            self.kill()
            raise WorkerStartError(reason, f"the worker ended while loading the algorithm "
                                   f"({detail}){why}", tail) from None
        if not isinstance(reply, dict) or not reply.get("ok"):
            detail = str(reply.get("detail") if isinstance(reply, dict) else reply)
            reason = "memory" if isinstance(reply, dict) and reply.get("reason") == "memory" \
                else "setup"
            limited = self.processes.verdict()
            if limited is not None:
                reason, detail = "process-limit", f"{detail}: {limited}"
            self.kill()
            raise WorkerStartError(reason, detail, self.stderr_tail())

    def close(self) -> None:
        """Ask the worker to stop (running ``teardown()``), kill it if it lingers."""
        process = self._process
        if process is not None:
            assert process.stdin is not None
            try:
                channel.send(process.stdin.fileno(), {"op": "stop"})
                process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                pass
            self.kill()
        if self._processes is not None:
            self._processes.close()
        if self._guard is not None:
            self._guard.close()
        if self._stderr is not None:
            self._stderr.close()

    def kill(self) -> None:
        """Kill the worker's process group (and the sandbox with it)."""
        process, self._process = self._process, None
        if process is None:
            return
        kill_process_group(process)
        if self._guard is not None:
            self._guard.stopped()
        if self._processes is not None:
            self._processes.stopped()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()
        self.restarts += 1

    # -- one case ---------------------------------------------------------------------
    def run(self, job: Job) -> CaseOutcome:
        """Predict one case; every failure of the algorithm is returned, never raised.

        A case that ends as ``infrastructure`` is run again (in a new worker process if the
        old one died), up to ``plan.retries`` times; the outcome lists the earlier attempts
        in ``retried``.
        """
        earlier: list[dict[str, Any]] = []
        while True:
            outcome = self._attempt(job)
            if outcome.reason != "infrastructure" or len(earlier) >= self.plan.retries:
                outcome.retried = earlier
                return outcome
            earlier.append({"reason": outcome.reason, "detail": outcome.detail,
                            "duration_s": round(outcome.duration_s, 6),
                            "started": outcome.started})

    def _crash_reason(self, number: int | None, tail: str, otherwise: str) -> tuple[str, str]:
        """Why the worker process died: a limit of the run, an outside signal, or not."""
        limited = self.processes.verdict()
        if limited is not None:  # the kernel refused a fork or a thread: the cause
            self.guard.verdict()
            return "process-limit", f": {limited}"
        verdict = self.guard.verdict()
        if verdict is not None:
            return "memory", f": {verdict}"
        if number == signal.SIGXFSZ:
            return "output-too-large", ""
        if is_memory_failure(tail):
            return "memory", ""
        # EFBIG: a program that ignores SIGXFSZ (Python) exits with an error instead of
        # dying by the signal; or a script's program died by it, and the script went on
        if _FILE_TOO_LARGE in tail or _KILLED_BY_FILE_SIZE in tail:
            return "output-too-large", (
                f": its stderr says a file grew past the output limit of "
                f"{self.plan.limits.output_limit_mb:g} MB (--output-limit-mb), which "
                "holds for every file it writes")
        if number in _EXTERNAL_SIGNALS:
            return "infrastructure", (  # the sender is not known: it may be the algorithm
                ": a signal that no limit of the run sent: from outside (an operator, the "
                "host's OOM killer), or from the algorithm itself")
        return otherwise, ""

    def _attempt(self, job: Job) -> CaseOutcome:
        started = log_time()
        clock = time.perf_counter()
        try:
            self.start()
        except WorkerStartError as exc:
            return self._failed(job, started, clock, exc.reason, exc.detail, exc.stderr_tail)
        process = self._process
        assert process is not None and process.stdin is not None and process.stdout is not None
        self._cases_run += 1
        self.processes.case_starts()
        staged = self._stage(job)
        if self._stderr is not None:
            self._stderr.clear()
        limits = self.plan.limits
        message = {"op": "case", "case_id": job.case_id, "inputs": staged,
                   "input_dir": self._view(INPUT_DIR, self.input_dir),
                   "output_dir": self._view(OUTPUT_DIR, self.output_dir)}
        clock = time.perf_counter()
        try:
            channel.send(process.stdin.fileno(), message)
            reply = channel.receive(process.stdout.fileno(),
                                    deadline=time.monotonic() + limits.timeout_s,
                                    limit=limits.output_limit_bytes + 4096)
        except channel.ChannelTimeout:
            limited = self.processes.verdict()  # a fork loop churns at the limit until then
            self.kill()
            return self._failed(job, started, clock,
                                "timeout" if limited is None else "process-limit",
                                f"no answer within {limits.timeout_s:g} s, the time limit "
                                "per case (--timeout-s, timeout_s)"
                                + (f", and {limited}" if limited else "") + "; its processes "
                                "were killed, and the next case starts a new worker (setup() "
                                "again)", self.stderr_tail())
        except channel.MessageTooLarge as exc:
            self.kill()
            return self._failed(job, started, clock, "output-too-large",
                                f"the value predict returned is {exc.size} bytes as JSON, "
                                f"past the output limit of "
                                f"{limits.output_limit_bytes / (1 << 20):g} MB "
                                "(--output-limit-mb; output_limit_mb in the protocol's "
                                "[runner]): return the prediction alone (a large array is "
                                "a file: write it into case.output_dir)", self.stderr_tail())
        except (channel.ChannelClosed, BrokenPipeError, ValueError):
            detail, number = self._exit_detail()
            tail = self.stderr_tail()
            reason, why = self._crash_reason(number, tail, "exit-code")
            self.kill()
            return self._failed(job, started, clock, reason,
                                f"the worker process ended during the case ({detail}){why}",
                                tail)
        duration = time.perf_counter() - clock
        files: dict[str, bytes] = {}
        if isinstance(reply, dict) and reply.get("ok"):
            try:
                files = self._receive_files(reply)
            except channel.MessageTooLarge as exc:
                self.kill()
                return self._failed(job, started, clock, "output-too-large",
                                    f"{exc.size} bytes of files, limit "
                                    f"{limits.output_limit_bytes}", self.stderr_tail(),
                                    duration)
            except (channel.ChannelClosed, channel.ChannelTimeout, BrokenPipeError,
                    ValueError, TypeError) as exc:
                self.kill()
                return self._failed(job, started, clock, "invalid-output",
                                    f"the files of the prediction did not arrive whole "
                                    f"({type(exc).__name__})", self.stderr_tail(), duration)
        if not isinstance(reply, dict) or not reply.get("ok"):
            reply = reply if isinstance(reply, dict) else {"reason": "exception",
                                                           "detail": repr(reply)}
            reason = str(reply.get("reason"))
            detail = str(reply.get("detail"))
            tail = self.stderr_tail()
            if reason not in FAILURE_REASONS:
                reason = "exception"
            limited = self.processes.verdict()
            if limited is not None:  # "can't start new thread" is no want of memory here
                self.guard.verdict()
                self.kill()  # what it started holds the cgroup's tasks: a new worker
                return self._failed(job, started, clock, "process-limit",
                                    f"{detail}: {limited}", tail, duration)
            if reason in ("exception", "exit-code"):
                number = reply.get("signal")
                reason, why = self._crash_reason(number if isinstance(number, int) else None,
                                                 tail if reason == "exit-code" else "", reason)
                detail += why
            else:
                self.guard.verdict()  # this reason stands; an OOM kill now fails no later case
            if reason == "memory":
                # what the case filled (/tmp, /dev/shm, a heap its algorithm keeps) stays in
                # this worker and would fail the next case: it starts a new one
                self.kill()
            return self._failed(job, started, clock, reason, detail, tail, duration)
        verdict = self.guard.case_ends()
        if verdict is not None:
            self.kill()
            return self._failed(job, started, clock, "memory", verdict, self.stderr_tail(),
                                duration)
        try:
            stored = store_outputs(job.case_id, reply.get("prediction"), files,
                                   Path(self.plan.predictions_dir),
                                   limit_bytes=limits.output_limit_bytes,
                                   value_from_file=self.plan.algorithm.kind == "command")
        except InvalidPrediction as exc:
            return self._failed(job, started, clock, exc.reason, exc.detail,
                                self.stderr_tail(), duration)
        return CaseOutcome(job.case_id, "done", duration, started, self.name, files=stored)

    def _receive_files(self, reply: dict[str, Any]) -> dict[str, bytes]:
        """Read the file frames announced in ``reply["files"]``, within the output limit."""
        process = self._process
        assert process is not None and process.stdout is not None
        remaining = self.plan.limits.output_limit_bytes
        deadline = time.monotonic() + max(10.0, self.plan.limits.timeout_s)
        files: dict[str, bytes] = {}
        for name, _size in reply.get("files") or []:
            data = channel.receive_bytes(process.stdout.fileno(), deadline=deadline,
                                         limit=remaining)
            remaining -= len(data)
            files[str(name)] = data
        return files

    def _failed(self, job: Job, started: str, clock: float, reason: str, detail: str,
                tail: str, duration: float | None = None) -> CaseOutcome:
        spent = time.perf_counter() - clock if duration is None else duration
        earlier = self._cases_run - 1
        if reason == "memory" and earlier > 0:
            detail += (f"; its worker had run {earlier} earlier case(s) since setup(): "
                       "memory the algorithm keeps from case to case (a leak) counts here too")
        return CaseOutcome(job.case_id, "failed", spent, started, self.name, reason=reason,
                           detail=detail, stderr_tail=tail)

    def _view(self, inside: str, host: Path) -> str:
        return inside if self._sandboxed else str(host)

    def _stage(self, job: Job) -> list[str]:
        _empty(self.input_dir)
        names: list[str] = []
        described = []
        for index, source in enumerate(job.inputs):
            name = os.path.basename(source.rstrip("/"))
            if name in names or name == "case.json":
                name = f"{index}-{name}"
            names.append(name)
            target = self.input_dir / name
            if os.path.isdir(source):
                shutil.copytree(source, target, copy_function=_link_or_copy)
                kind = "directory"
            else:
                _link_or_copy(source, str(target))
                kind = "file"
            described.append({"name": name, "path": f"{self._view(INPUT_DIR, self.input_dir)}"
                              f"/{name}", "type": kind})
        if self.plan.algorithm.kind == "command":
            output = self._view(OUTPUT_DIR, self.output_dir)
            case = {"case_id": job.case_id, "inputs": described, "output_dir": output,
                    "prediction_file": f"{output}/prediction.json"}
            (self.input_dir / "case.json").write_text(json.dumps(case, indent=2))
        return [item["path"] for item in described]

    def _exit_detail(self) -> tuple[str, int | None]:
        """How the worker process ended, and the signal that ended it, if one did."""
        process = self._process
        if process is None:
            return "not running", None
        try:
            code = process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return "stopped answering", None
        if code < 0 or (self._sandboxed and 128 < code < 128 + 65):
            number = -code if code < 0 else code - 128
            try:
                return f"killed by {signal.Signals(number).name}", number
            except ValueError:  # pragma: no cover
                return f"killed by signal {number}", number
        return f"exit code {code}", None

    def stderr_tail(self) -> str:
        """The last 2000 bytes the worker wrote to stderr during the current case."""
        return self._stderr.text() if self._stderr is not None else ""


def _link_or_copy(source: str, target: str) -> str:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
    return target


def _empty(folder: Path) -> None:
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)
