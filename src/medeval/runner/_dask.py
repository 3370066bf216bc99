"""The Dask executor: chunks of cases handed to a Dask distributed cluster.

Private; ``run_algorithm(..., executor="dask")`` calls it. Each Dask task runs a chunk
of cases through its own sandboxed :class:`~medeval.runner.worker.Worker` on the Dask
worker's machine (loading the algorithm once per chunk), writes the predictions into the
run directory (which every Dask worker must see at the same path, as the inputs) and
returns the outcomes; the runner writes the run log as chunks complete. Without a
scheduler address, a ``LocalCluster`` of ``workers`` threaded Dask workers is started. Isolation,
limits, outputs and resume are those of the local executor.
"""

from __future__ import annotations

import importlib
import math
import shutil
import socket
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..errors import RunnerError
from .runlog import RunLog
from .worker import CaseOutcome, Job, Worker, WorkerPlan

__all__ = ["run_chunk", "run_dask"]


def run_chunk(plan: WorkerPlan, jobs: Sequence[Job], scratch: str) -> list[CaseOutcome]:
    """Run a chunk of cases in one sandboxed worker (on a Dask worker); return outcomes."""
    folder = Path(scratch) / f"dask-{uuid.uuid4().hex[:12]}"
    worker = Worker(plan, folder, f"dask-{socket.gethostname()}-{folder.name[5:]}")
    try:
        return [worker.run(job) for job in jobs]
    finally:
        worker.close()
        shutil.rmtree(folder, ignore_errors=True)


def run_dask(plan: WorkerPlan, jobs: Sequence[Job], *, workers: int, scratch: Path,
             address: str | None, emit: Callable[[CaseOutcome], None], log: RunLog) -> None:
    """Submit the cases in chunks (about four per Dask worker) and log them as they end."""
    try:
        distributed: Any = importlib.import_module("dask.distributed")
    except ImportError:
        raise RunnerError("executor='dask' needs dask.distributed: pip install "
                          "'medeval[dask]'") from None
    cluster: Any = None
    if address is None:
        # Threads are enough: a Dask worker only dispatches; the algorithm runs in the
        # sandboxed process each task starts.
        cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1,
                                           processes=False, dashboard_address=None)
    client = distributed.Client(address or cluster)
    try:
        count = max(1, len(client.scheduler_info().get("workers", {})) or workers)
        size = max(1, min(1000, math.ceil(len(jobs) / (count * 4))))
        chunks = [list(jobs[i:i + size]) for i in range(0, len(jobs), size)]
        futures = [client.submit(run_chunk, plan, chunk, str(scratch), pure=False)
                   for chunk in chunks]
        for future in distributed.as_completed(futures):
            for outcome in future.result():
                log.append({"event": "start", "case_id": outcome.case_id,
                            "worker": outcome.worker, "time": outcome.started})
                emit(outcome)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
