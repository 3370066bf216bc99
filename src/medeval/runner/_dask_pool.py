"""The sandboxes a Dask worker keeps for one run: a Dask ``WorkerPlugin``.

Private; :func:`medeval.runner._dask.run_dask` registers one :class:`SandboxPool` per run
on every Dask worker of the cluster (workers that join later get it too). A task of the
run takes a sandboxed :class:`~medeval.runner.worker.Worker` from its Dask worker's pool,
runs its cases and gives it back, so the algorithm is loaded and its ``setup()`` runs
once per Dask worker thread that runs the run's tasks (one, with ``threads_per_worker=1``),
not once per task. The pool's workers are closed (``teardown()`` in the sandbox, then
their process groups killed) when the run unregisters the plugin at its end, when the
Dask worker closes, or when another registration of the same run replaces it (a resumed
run after an interrupted one: the plugin is named after the run directory).

GPUs: a run that asks for GPUs submits its tasks with ``resources={"GPU": n}``, so a
Dask worker runs at most as many of them at once as it declares GPUs
(``dask worker --resources GPU=2``). The pool gives its *k*-th sandbox the *k*-th group
of ``n`` devices of the Dask worker (:func:`worker_devices`), which
:func:`open_worker` hands to its sandbox.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import threading
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from distributed import WorkerPlugin

from ..errors import RunnerError
from .worker import Worker, WorkerPlan

__all__ = ["SandboxPool", "open_worker", "worker_devices"]


def worker_devices(resources: Mapping[str, float], environ: Mapping[str, str],
                   assigned: Sequence[str] | None = None) -> tuple[str, ...]:
    """The GPU devices a Dask worker may hand to its sandboxes, in order.

    ``assigned`` (the devices the runner gave a worker of a ``LocalCluster`` it started)
    first; else the first ``GPU`` (its resource) of the Dask worker's
    ``CUDA_VISIBLE_DEVICES`` (how a GPU is given to a Dask worker:
    ``CUDA_VISIBLE_DEVICES=2 dask worker ADDRESS --resources GPU=1``; dask-cuda lists the
    worker's own GPU first, then the others); else devices ``0 .. GPU-1``.

    Examples
    --------
    >>> worker_devices({"GPU": 2}, {"CUDA_VISIBLE_DEVICES": "2,3"})
    ('2', '3')
    >>> worker_devices({"GPU": 1}, {"CUDA_VISIBLE_DEVICES": "1,2,3,0"})
    ('1',)
    >>> worker_devices({"GPU": 2}, {})
    ('0', '1')
    >>> worker_devices({}, {})
    ()
    """
    if assigned is not None:
        return tuple(assigned)
    count = int(resources.get("GPU", 0))
    visible = environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None and visible.strip():
        devices = tuple(d.strip() for d in visible.split(",") if d.strip())
        return devices[:count] if count else devices
    return tuple(str(n) for n in range(count))


def open_worker(plan: WorkerPlan, scratch: Path, name: str,
                devices: tuple[str, ...]) -> Worker:
    """A sandboxed worker given ``devices`` (GPU indices or UUIDs of this host; none: no
    GPU): :class:`~medeval.runner.worker.Worker` finds them on the Dask worker's host
    (:func:`~medeval.runner.gpus.resolve_gpus`, a :class:`~medeval.errors.RunnerError`
    naming a device it does not have) and binds only them into the sandbox."""
    return Worker(plan, scratch, name, devices)


class SandboxPool(WorkerPlugin):
    """Sandboxed workers of one run, kept on one Dask worker between its tasks.

    Parameters
    ----------
    plan : WorkerPlan
        The run's plan (the same for every task of the run).
    scratch : str
        Where each sandbox's private ``input/`` and ``output/`` folders are made (a
        folder of this pool's own below it).
    gpus_per_task : int
        GPU devices each sandbox gets (0: none).
    assigned : mapping, optional
        Devices per Dask worker name, for a ``LocalCluster`` started by the runner.
    """

    def __init__(self, plan: WorkerPlan, scratch: str, gpus_per_task: int = 0,
                 assigned: Mapping[str, Sequence[str]] | None = None) -> None:
        self.plan, self.scratch, self.gpus_per_task = plan, scratch, gpus_per_task
        self.assigned = {k: list(v) for k, v in (assigned or {}).items()}
        self._state: _PoolState | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_state": None}

    def setup(self, worker: Any) -> None:
        """Called by Dask when the plugin reaches a Dask worker: nothing starts yet."""
        name = str(worker.name)
        folder = Path(self.scratch) / f"dask-{uuid.uuid4().hex[:12]}"
        devices = worker_devices(dict(worker.state.total_resources), os.environ,
                                 self.assigned.get(name))
        self._state = _PoolState(folder, f"dask-{socket.gethostname()}-{name}", devices)

    async def teardown(self, worker: Any) -> None:
        """Close every sandbox of the pool (off the Dask worker's event loop)."""
        await asyncio.get_running_loop().run_in_executor(None, self.close)

    def close(self) -> None:
        """Close the idle sandboxes; kill the busy ones (their task closes them)."""
        state = self._state
        if state is not None:
            state.close()

    # -- used by the run's tasks ------------------------------------------------------
    def acquire(self) -> Worker:
        """An idle sandboxed worker of this pool, or a new one (started on first case)."""
        state = self._state
        if state is None:
            raise RunnerError("the medeval pool of this Dask worker was never set up")
        with state.lock:
            if state.closed:
                raise RunnerError(f"{state.name}: the run's sandboxes are closed")
            if state.idle:
                worker = state.idle.pop()
            else:
                slot = len(state.workers)
                per = self.gpus_per_task
                devices = state.devices[slot * per:(slot + 1) * per] if per else ()
                if per and len(devices) < per:
                    raise RunnerError(f"{state.name}: sandbox {slot + 1} needs {per} GPU(s), "
                                      f"the Dask worker has {list(state.devices)}; declare "
                                      "as many GPU resources as it has devices")
                worker = open_worker(self.plan, state.folder / f"w{slot}",
                                     f"{state.name}-w{slot}", devices)
                state.workers.append(worker)
            state.busy.add(worker)
            return worker

    def release(self, worker: Worker) -> None:
        """Give a worker back after a task (closed instead if the pool closed meanwhile)."""
        state = self._state
        assert state is not None
        with state.lock:
            state.busy.discard(worker)
            if not state.closed:
                state.idle.append(worker)
                return
        worker.close()

    def started(self) -> int:
        """How many sandboxes of this pool have been made (for tests)."""
        return 0 if self._state is None else len(self._state.workers)


class _PoolState:
    """What a pool holds on its Dask worker (never pickled)."""

    def __init__(self, folder: Path, name: str, devices: tuple[str, ...]) -> None:
        self.folder, self.name, self.devices = folder, name, devices
        self.lock = threading.Lock()
        self.workers: list[Worker] = []
        self.idle: list[Worker] = []
        self.busy: set[Worker] = set()
        self.closed = False

    def close(self) -> None:
        with self.lock:
            if self.closed:
                return
            self.closed = True
            idle, busy = list(self.idle), list(self.busy)
            self.idle.clear()
        for worker in busy:
            worker.kill()  # its case ends as failed; the task's release() closes it
        for worker in idle:
            worker.close()
        shutil.rmtree(self.folder, ignore_errors=True)
