"""The local executor of a run: its sandboxed workers, each a thread serving cases from
one queue, their outcomes handed to the main thread in order of ending, and the message
when the algorithm cannot be loaded in its sandbox (local and Dask alike)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from ..errors import RunnerError
from ._lfs import lfs_pointer_hint
from ._links import outside_links_hint
from ._outside_files import outside_file_hint
from ._pickled_main import pickled_main_hint
from .algorithm import package_advice_here
from .gpus import Gpu, assign_gpus, no_gpu_hint
from .limits import FILE_SIZE_WORDS
from .runlog import RunLog, log_time
from .sandbox import missing_module_hint, no_network_hint, read_only_hint
from .worker import CaseOutcome, Job, Worker, WorkerPlan, WorkerStartError

__all__ = ["Emit", "cannot_load", "probe", "run_local"]

Emit = Callable[[CaseOutcome], None]


def probe(plan: WorkerPlan, scratch: Path, gpus: Sequence[Gpu] = ()) -> Worker:
    worker = Worker(plan, scratch / "w0", "w0", gpus)
    try:
        worker.start()
    except WorkerStartError as exc:
        worker.close()
        raise cannot_load(plan, exc, gpu=bool(gpus)) from None
    return worker


def cannot_load(plan: WorkerPlan, exc: WorkerStartError, *, gpu: bool) -> RunnerError:
    detail, stderr_tail = exc.detail, exc.stderr_tail
    if plan.algorithm.kind == "python":  # the packages above a file plugin, seen from here
        detail = package_advice_here(detail, plan.algorithm.target)
        stderr_tail = package_advice_here(stderr_tail, plan.algorithm.target)
    tail = f"; its stderr ends with:\n{stderr_tail}" if stderr_tail else ""
    why = (" (it ran out of memory: raise memory_mb, or address_space_mb if one is set)"
           if exc.reason == "memory" else
           " (it reached the process limit: raise max_processes, --max-processes)"
           if exc.reason == "process-limit" else "")
    hint = "" if gpu else no_gpu_hint(f"{detail}\n{stderr_tail}")
    why += f" ({hint})" if hint else ""
    sandboxed: list[Callable[[str], str]] = (
        [no_network_hint, read_only_hint, partial(outside_file_hint, shown=plan.algorithm.binds)]
        if plan.isolation == "bubblewrap" else [])
    for advice in (check(f"{detail}\n{stderr_tail}") for check in sandboxed):
        why += f" ({advice})" if advice else ""
    missing = ("" if " is a module of the package " in detail  # named otherwise, above
               else missing_module_hint(f"{detail}\n{stderr_tail}"))
    why += f" ({missing})" if missing else ""
    pickled = pickled_main_hint(f"{detail}\n{stderr_tail}")
    why += f" ({pickled})" if pickled else ""
    pointers = lfs_pointer_hint(plan.algorithm.binds)
    why += f" ({pointers})" if pointers else ""
    links = outside_links_hint(plan.algorithm.binds) if plan.isolation == "bubblewrap" else ""
    why += f" ({links})" if links else ""
    if FILE_SIZE_WORDS.search(f"{detail}\n{stderr_tail}"):
        why += (f" (a file it wrote grew past the output limit of "
                f"{plan.limits.output_limit_mb:g} MB, which holds for every file it writes, "
                "in /tmp too: a compiler's (torch.compile), a cache; raise "
                "--output-limit-mb, output_limit_mb in the protocol's [runner])")
    return RunnerError(f"algorithm {plan.algorithm.name!r} could not be loaded in its "
                       f"sandbox{why}: {detail}{tail}")


def run_local(plan: WorkerPlan, jobs: Sequence[Job], workers: int, scratch: Path,
               emit: Emit, log: RunLog, gpus: Sequence[Gpu] = ()) -> None:
    assigned = assign_gpus(gpus, min(workers, len(jobs)))
    pool = [probe(plan, scratch, assigned[0])]
    pool += [Worker(plan, scratch / f"w{i}", f"w{i}", assigned[i])
             for i in range(1, min(workers, len(jobs)))]
    todo: queue.SimpleQueue[Job] = queue.SimpleQueue()
    for job in jobs:
        todo.put(job)
    results: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
    stop = threading.Event()

    def serve(worker: Worker) -> None:
        try:
            while not stop.is_set():
                try:
                    job = todo.get_nowait()
                except queue.Empty:
                    return
                results.put(("start", (job.case_id, worker.name)))
                results.put(("end", worker.run(job)))
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            results.put(("error", exc))

    threads = [threading.Thread(target=serve, args=(w,), daemon=True, name=f"medeval-{w.name}")
               for w in pool]
    for thread in threads:
        thread.start()
    remaining = len(jobs)
    try:
        while remaining:
            kind, item = results.get()
            if kind == "start":
                case_id, name = item
                log.append({"event": "start", "case_id": case_id, "worker": name,
                            "time": log_time()})
            elif kind == "end":
                emit(item)
                remaining -= 1
            else:
                if isinstance(item, OSError):  # a worker could not write: said by the run
                    raise item
                raise RunnerError(f"the runner failed: {type(item).__name__}: {item}") from item
    finally:
        stop.set()
        for worker in pool:
            if remaining:
                worker.kill()
        for thread in threads:
            thread.join(timeout=30)
        for worker in pool:
            worker.close()
