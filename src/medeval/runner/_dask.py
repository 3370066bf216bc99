"""The Dask executor: chunks of cases handed to a Dask distributed cluster.

Private; ``run_algorithm(..., executor="dask")`` calls it. The run registers a Dask
``WorkerPlugin`` (:class:`~medeval.runner._dask_pool.SandboxPool`) on every Dask worker:
it keeps that worker's sandboxed :class:`~medeval.runner.worker.Worker` loaded between
tasks, so the algorithm's ``setup()`` runs once per Dask worker, not once per chunk. Each
task takes the sandbox, runs a chunk of cases, writes their predictions into the run
directory (which every Dask worker must see at the same path, as the inputs) and returns
the outcomes; the runner writes the run log as chunks complete. When the run ends (or is
interrupted) the plugin is unregistered, which closes every sandbox it made. Without a
scheduler address, a ``LocalCluster`` of ``workers`` threaded Dask workers is started.
Isolation, limits, outputs and resume are those of the local executor.

A Dask worker that dies takes its sandboxes with it (bubblewrap's ``--die-with-parent``);
Dask runs its unfinished chunks again elsewhere (a new worker sets the algorithm up
again); a chunk Dask gives up on (``KilledWorker``) is recorded case by case as an
``infrastructure`` failure, which a resumed run runs again.
"""

from __future__ import annotations

import hashlib
import importlib
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..errors import RunnerError
from .runlog import RunLog, log_time
from .worker import CaseOutcome, Job, WorkerPlan, WorkerStartError

__all__ = ["plugin_name", "run_chunk", "run_dask", "start_sandbox"]


def plugin_name(plan: WorkerPlan) -> str:
    """The Dask plugin's name for a run: one per run directory, so that a resumed run's
    registration replaces (and closes) what an interrupted one left on a cluster."""
    digest = hashlib.sha256(plan.predictions_dir.encode()).hexdigest()[:16]
    return f"medeval-run-{digest}"


def _pool(name: str) -> Any:
    from distributed import get_worker

    try:
        return get_worker().plugins[name]
    except KeyError:
        raise RunnerError(f"this Dask worker has no plugin {name!r} (the run ended?)") from None


def run_chunk(name: str, jobs: Sequence[Job]) -> list[CaseOutcome]:
    """Run a chunk of cases in this Dask worker's kept sandbox; return the outcomes."""
    pool = _pool(name)
    worker = pool.acquire()
    try:
        return [worker.run(job) for job in jobs]
    finally:
        pool.release(worker)


def start_sandbox(name: str) -> tuple[str, str, str] | None:
    """Start a sandbox of this Dask worker's pool (kept for the run's cases); on failure,
    the reason, detail and stderr tail."""
    pool = _pool(name)
    worker = pool.acquire()
    try:
        worker.start()
    except WorkerStartError as exc:
        return exc.reason, exc.detail, exc.stderr_tail
    finally:
        pool.release(worker)
    return None


def run_dask(plan: WorkerPlan, jobs: Sequence[Job], *, workers: int, scratch: Path,
             address: str | None, emit: Callable[[CaseOutcome], None], log: RunLog,
             gpus: Sequence[str] = ()) -> None:
    """Submit the cases in chunks (about four per Dask worker) and log them as they end.

    A sandbox is started first on one Dask worker (it stays there for the run's cases);
    an algorithm that cannot be loaded raises :class:`WorkerStartError` before any case
    is logged. With ``gpus`` (the devices the run chose on this host), every task asks
    for ``resources={"GPU": 1}`` and each sandbox is given one GPU: on a ``LocalCluster``
    started here, worker *i* gets ``gpus[i % len(gpus)]`` (shared when fewer, as the
    local executor shares them); on a cluster, each Dask worker gives its sandboxes its
    own devices (:func:`~medeval.runner._dask_pool.worker_devices`), and a cluster whose
    workers declare no ``GPU`` resource is refused (its tasks would wait forever).
    """
    try:
        distributed: Any = importlib.import_module("dask.distributed")
    except ImportError:
        raise RunnerError("executor='dask' needs dask.distributed: pip install "
                          "'medeval[dask]'") from None
    from ._dask_pool import SandboxPool

    cluster: Any = None
    assigned: dict[str, list[str]] | None = None
    gpus_per_task = 1 if gpus else 0
    if address is None:
        # Threads are enough: a Dask worker only dispatches; the algorithm runs in the
        # sandboxed process its pool keeps.
        extra: dict[str, Any] = {}
        if gpus:
            assigned = {str(n): [gpus[n % len(gpus)]] for n in range(workers)}
            extra["resources"] = {"GPU": gpus_per_task}
        cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1,
                                           processes=False, dashboard_address=None, **extra)
    client = distributed.Client(address or cluster)
    name = plugin_name(plan)
    registered = False
    pending: dict[Any, list[Job]] = {}
    try:
        known = client.scheduler_info().get("workers", {})
        if gpus and not any(w.get("resources", {}).get("GPU") for w in known.values()):
            raise RunnerError(f"the run uses GPUs ({', '.join(gpus)}), but no worker of the "
                              f"Dask cluster at {address} declares a GPU resource: start "
                              "each with its devices and '--resources GPU=N', or run with "
                              "gpus='none'")
        client.register_plugin(SandboxPool(plan, str(scratch), gpus_per_task, assigned),
                               name=name)
        registered = True
        count = max(1, len(known) or workers)
        size = max(1, min(1000, math.ceil(len(jobs) / (count * 4))))
        chunks = [list(jobs[i:i + size]) for i in range(0, len(jobs), size)]
        options: dict[str, Any] = {"pure": False}
        if gpus_per_task:
            options["resources"] = {"GPU": gpus_per_task}
        probe = client.submit(start_sandbox, name, **options)
        pending = {client.submit(run_chunk, name, chunk, **options): chunk
                   for chunk in chunks}
        failure = probe.result()
        del probe
        if failure is not None:
            raise WorkerStartError(*failure)
        # a chunk's future is dropped once logged, so that Dask never runs it again
        for future in distributed.as_completed(list(pending)):
            chunk = pending.pop(future)
            try:
                outcomes: list[CaseOutcome] = future.result()
            except Exception as exc:  # noqa: BLE001 - the chunk's Dask worker was lost
                outcomes = [_lost(job, exc) for job in chunk]
            for outcome in outcomes:
                log.append({"event": "start", "case_id": outcome.case_id,
                            "worker": outcome.worker, "time": outcome.started})
                emit(outcome)
    finally:
        for future in pending:
            future.cancel()
        if registered:
            try:
                client.unregister_worker_plugin(name)  # closes every sandbox of the run
            except Exception:  # noqa: BLE001 - the cluster is gone; so are its sandboxes
                pass
        client.close()
        if cluster is not None:
            cluster.close()


def _lost(job: Job, exc: BaseException) -> CaseOutcome:
    return CaseOutcome(job.case_id, "failed", 0.0, log_time(), "dask", reason="infrastructure",
                       detail=f"Dask could not run the case's chunk ({type(exc).__name__}: "
                              f"{exc}); a resumed run runs it again")
