"""The process limit: how many processes and threads a worker's whole tree may hold.

Without one, a submission's fork loop (or a thread pool gone wrong) takes every process
id of the host: its ``pid_max`` (32768 by default) is shared by every user and every
sandbox, and ``RLIMIT_NPROC`` neither holds for root nor tells one sandbox from another.
The kernel's ``pids`` controller counts *tasks*, processes and threads alike, of every
process of a cgroup, and refuses a ``fork``, ``clone`` or ``pthread_create`` past
``pids.max`` (the caller sees ``EAGAIN``, "Resource temporarily unavailable"). The
mechanism is chosen once per run by :func:`choose_process_guard` and recorded in the
run's summary and run log as ``processes``:

``cgroup-v2``
    The ``pids`` controller of the unified hierarchy, in the worker's memory cgroup
    when the memory limit is held by a v2 cgroup too (a process is in one v2 cgroup
    only), else in a cgroup of its own made as the memory limit's are.
``cgroup-v1``
    A cgroup per worker in the v1 ``pids`` hierarchy, below the runner's own.
``none``
    No ``pids`` controller this process may use, or ``max_processes=None``: nothing
    limits the tree. A pre-check warns (:class:`~medeval.errors.IsolationWarning`); a
    certificate run refuses to start, as it does without the sandbox, since the memory
    limit of a certificate run is always held (a cgroup, else the runner's watch) and a
    process limit has no such fallback: a watch that samples the tree is slower than a
    fork loop.

A case during which the kernel refused a task (the cgroup's ``pids.events`` ``max``
counter rose) and that failed fails as ``process-limit``, with the peak count where the
kernel keeps one (``pids.peak``); its worker is ended, with every process left in its
cgroup, and the next case starts a new one. A case that succeeded although a task was
refused (a thread pool that makes do with fewer threads) fails nothing.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import IsolationWarning, RunnerError
from .cgroups import (
    CGroupFolder,
    cgroup_mounts,
    cgroup_path,
    own_cgroups,
    probe_group,
    remove_stale,
)
from .limits import MIN_MAX_PROCESSES
from .memory import MemoryPlan

__all__ = [
    "DEFAULT_MAX_PROCESSES",
    "MIN_MAX_PROCESSES",
    "ProcessGuard",
    "ProcessPlan",
    "choose_process_guard",
    "open_process_guard",
    "process_candidates",
]

Mechanism = Literal["cgroup-v2", "cgroup-v1", "none"]

#: Tasks (processes and threads) of one worker's tree by default. A worker whose plugin
#: runs torch with 64 CPU threads held 130 tasks in its sandbox (measured here: torch
#: 2.13 CPU, a conv net, ``torch.set_num_threads(64)``, onnxruntime imported; one that
#: starts nothing holds 3): 1024 leaves room for a data loader of several processes.
DEFAULT_MAX_PROCESSES = 1024


@dataclass(frozen=True)
class ProcessPlan:
    """How a run holds its process limit; plain data, so it travels to a Dask worker.

    Attributes
    ----------
    mechanism : {"cgroup-v2", "cgroup-v1", "none"}
    limit : int or None
        Tasks (processes and threads) of one worker's tree; None: no limit.
    parent : str or None
        The cgroup directory below which each worker's cgroup is made (cgroups only).
    shared : bool
        cgroup v2 only: the limit is set in the worker's memory cgroup, not in one of
        its own.
    """

    mechanism: Mechanism
    limit: int | None
    parent: str | None = None
    shared: bool = False

    def record(self) -> dict[str, object]:
        """What the run log and the summary say about it."""
        counts = {
            "cgroup-v2": "processes and threads of the worker's process tree (kernel "
                         "cgroup v2 pids controller)",
            "cgroup-v1": "processes and threads of the worker's process tree (kernel "
                         "cgroup v1 pids controller)",
            "none": "nothing: no process limit",
        }[self.mechanism]
        return {"mechanism": self.mechanism, "limit": self.limit, "counts": counts}


def _hands_down_pids(folder: Path) -> bool:
    try:
        return "pids" in (folder / "cgroup.subtree_control").read_text().split()
    except OSError:
        return False


def process_candidates(mounts: list[tuple[str, str, str, set[str]]] | None = None,
                       own: dict[str, str] | None = None,
                       memory: MemoryPlan | None = None) -> list[tuple[Mechanism, Path, bool]]:
    """The cgroup directories (v2 first) in which medeval could make worker pids cgroups.

    Each is ``(mechanism, parent, shared)``. With a v2 memory cgroup per worker the v2
    candidate is its parent, when that hands the ``pids`` controller down (``shared``):
    a second v2 cgroup would take the worker out of its memory cgroup. ``mounts`` and
    ``own`` (from ``/proc/self/mountinfo`` and ``/proc/self/cgroup`` by default) are for
    tests.
    """
    own = own_cgroups() if own is None else own
    found: list[tuple[Mechanism, Path, bool]] = []
    for root, mount, fstype, options in cgroup_mounts() if mounts is None else mounts:
        if fstype == "cgroup2" and "" in own:
            if memory is not None and memory.mechanism == "cgroup-v2":
                if memory.parent is not None and _hands_down_pids(Path(memory.parent)):
                    found.insert(0, ("cgroup-v2", Path(memory.parent), True))
                continue
            folder, top = cgroup_path(root, mount, own[""]), Path(mount)
            while not _hands_down_pids(folder):
                if folder == top or top not in folder.parents:
                    break
                folder = folder.parent
            else:
                found.insert(0, ("cgroup-v2", folder, False))
        elif fstype == "cgroup" and "pids" in options and "pids" in own:
            found.append(("cgroup-v1", cgroup_path(root, mount, own["pids"]), False))
    return found


def _probe(mechanism: Mechanism, parent: Path, limit: int) -> str | None:
    """Make a worker cgroup, move a process into it, remove it; why not, or None."""
    return probe_group(lambda: _PidsCGroup(mechanism, parent, limit, "probe"), parent)


def choose_process_guard(max_processes: int | None, *, memory: MemoryPlan | None = None,
                         mode: Literal["pre-check", "certificate"] = "pre-check",
                         candidates: list[tuple[Mechanism, Path, bool]] | None = None,
                         ) -> ProcessPlan:
    """The mechanism that will hold ``max_processes`` for every worker of a run.

    ``candidates`` (from :func:`process_candidates` by default) is for tests.

    Raises
    ------
    RunnerError
        ``max_processes`` below :data:`MIN_MAX_PROCESSES`, or no ``pids`` controller
        can be used in a certificate run (the message says why).

    Warns
    -----
    IsolationWarning
        A pre-check runs without a process limit.
    """
    if max_processes is None:
        return ProcessPlan("none", None)
    if isinstance(max_processes, bool) or not isinstance(max_processes, int) \
            or max_processes < MIN_MAX_PROCESSES:
        raise RunnerError(f"max_processes must be a whole number of at least "
                          f"{MIN_MAX_PROCESSES} (the sandbox and the worker need that "
                          f"many), or None, got {max_processes!r}")
    problems = []
    for mechanism, parent, shared in (process_candidates(memory=memory)
                                      if candidates is None else candidates):
        if shared:  # the memory cgroup's probe has moved a process into its sibling
            return ProcessPlan(mechanism, max_processes, str(parent), True)
        remove_stale(parent)
        problem = _probe(mechanism, parent, max_processes)
        if problem is None:
            return ProcessPlan(mechanism, max_processes, str(parent))
        problems.append(f"{mechanism}: {problem}")
    why = "; ".join(problems) or "no cgroup pids controller is mounted or handed down"
    if mode == "certificate":
        raise RunnerError(f"a certificate run needs a process limit of {max_processes} "
                          f"tasks per worker, and medeval cannot use a pids cgroup here "
                          f"({why}); run as root or in a delegated cgroup with the pids "
                          "controller")
    warnings.warn(f"the algorithm runs WITHOUT a process limit ({why}): a fork loop of "
                  "the algorithm can take every process id of this host; the run records "
                  "processes 'none'", IsolationWarning, stacklevel=3)
    return ProcessPlan("none", None)


class ProcessGuard:
    """A worker's side of the process limit; this base holds none."""

    mechanism: Mechanism = "none"

    def wrap(self, argv: list[str]) -> list[str]:
        """The command line that starts ``argv`` under the guard."""
        return argv

    def case_starts(self) -> None:
        """A case starts: the kernel's refusals count from now."""

    def verdict(self) -> str | None:
        """After a failed case: why the process limit ended it, or None if it did not."""
        return None

    def stopped(self) -> None:
        """The worker's process group was killed: end whatever of its tree is left."""

    def close(self) -> None:
        """The worker is done for good."""


def open_process_guard(plan: ProcessPlan | None, name: str,
                       memory_cgroup: Path | None = None) -> ProcessGuard:
    """The process guard of one worker, following ``plan`` (None: no guard).

    ``memory_cgroup``: the worker's v2 memory cgroup, where a ``shared`` plan sets its
    limit.
    """
    if plan is None or plan.limit is None or plan.mechanism == "none" or plan.parent is None:
        return ProcessGuard()
    try:
        if plan.shared:
            if memory_cgroup is None:
                raise RunnerError(f"worker {name}: the process limit is to be set in its "
                                  "memory cgroup, and it has none")
            return _PidsCGroup(plan.mechanism, memory_cgroup, plan.limit, name, inside=True)
        return _PidsCGroup(plan.mechanism, Path(plan.parent), plan.limit, name)
    except OSError as exc:
        raise RunnerError(f"the pids cgroup of worker {name} cannot be made in "
                          f"{plan.parent}: {exc}") from None


class _PidsCGroup(CGroupFolder, ProcessGuard):
    """The pids limit of one worker: a cgroup of its own, or its v2 memory cgroup."""

    def __init__(self, mechanism: Mechanism, parent: Path, limit: int, name: str, *,
                 inside: bool = False) -> None:
        self.mechanism = mechanism
        self.limit = limit
        self._own = not inside
        if inside:  # the memory guard made it and moves the worker into it
            self.path = parent
        else:
            self._make(parent, name)
        try:
            self._write("pids.max", str(limit))
        except OSError:
            self.close()
            raise
        self._refused = self._refusals()

    def _refusals(self) -> int:
        """How many tasks the kernel refused in this cgroup (``pids.events``'s ``max``)."""
        return self._count("pids.events", "max")

    def peak(self) -> int | None:
        """The most tasks the cgroup held (``pids.peak``; None where the kernel has none)."""
        with contextlib.suppress(OSError, ValueError):
            return int(self._read("pids.peak").split()[0])
        return None

    def wrap(self, argv: list[str]) -> list[str]:
        if not self._own:
            return argv
        return ["/bin/sh", "-c", 'echo 0 > "$0" && exec "$@"',
                str(self.path / "cgroup.procs"), *argv]

    def case_starts(self) -> None:
        self._refused = self._refusals()

    def verdict(self) -> str | None:
        refused = self._refusals()
        if refused <= self._refused:
            return None
        count, self._refused = refused - self._refused, refused
        peak = self.peak()
        shown = f"peak {peak}, " if peak is not None else ""
        return (f"the worker's processes reached the process limit of {self.limit} tasks "
                f"(processes and threads; {shown}{self.mechanism}): the kernel refused "
                f"{count} fork/thread creation{'s' if count > 1 else ''} (--max-processes, "
                "max_processes)")

    def stopped(self) -> None:
        if not self._own:  # the memory guard kills its cgroup
            return
        # a loop that forks as fast as we kill ends: it cannot pass the limit, and each
        # round kills every process listed
        for _ in range(100):
            pids = self._pids()
            if not pids:
                break
            for pid in pids:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.005)
        self._refused = self._refusals()

    def close(self) -> None:
        if self._own:
            self._remove()
