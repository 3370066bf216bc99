"""The memory limit: what a worker's whole process tree really uses, not its address space.

A worker's memory is the resident memory of every process it starts (the algorithm, its
threads, its subprocesses) plus what they write to the sandbox's in-memory file systems
(``/tmp``, ``/dev/shm``, ``/output``). Reserving address space costs nothing: CUDA's tens
of GB of reservations, a 64-thread process's stacks, torch's libraries mapped but not
read all run under the limit. It is held by one of three mechanisms, chosen once per run
by :func:`choose_memory_guard` and recorded in the run's summary and run log:

``cgroup-v2`` / ``cgroup-v1``
    Each worker runs in a memory cgroup of its own, created by medeval below the cgroup
    the runner is in (where the host lets it: root, or a delegated subtree), with
    ``memory.max`` (v2) or ``memory.limit_in_bytes`` (v1) at the limit and no swap. The
    kernel counts anonymous memory, page cache and tmpfs pages of the whole tree and, at
    the limit, reclaims what it can and kills a process of the tree (the OOM killer). A
    case during which the cgroup's ``oom_kill`` counter rose fails as ``memory``, with
    the peak the kernel recorded.
``watch``
    Where no cgroup can be made, a thread of the runner samples the tree: the anonymous
    and shared-memory resident pages of each process (``RssAnon + RssShmem`` from
    ``/proc/PID/status``; where that sum comes near the limit, the proportional
    ``Pss_Anon + Pss_Shmem`` of ``/proc/PID/smaps_rollup``, so pages shared after a
    ``fork`` count once) plus the used size of the sandbox's ``/tmp``, ``/dev/shm`` and
    ``/output``, and kills the worker's process group when it passes the limit. A file of
    ``/dev/shm`` that is also mapped counts twice. The interval between samples is 100
    times the recent cost of a sample, within 20 ms and 200 ms, so the watch costs at
    most 1 % of one core while a sample takes under 2 ms; memory allocated faster than
    that can overshoot by what is allocated in one interval. The tree is listed at each
    sample, so a child process that lives less than one interval can go unseen (the
    cgroups have no such gap). What a case leaves in the in-memory file systems is also
    checked when the case ends, with the sandbox's file systems looked up then if the
    samples came before the sandbox had made them, so it counts against that case and
    not the next.
``none``
    ``memory_mb=None``: no memory limit (pre-checks).

An address-space limit (``RLIMIT_AS``) is set only when asked for
(``Limits.address_space_mb``), on top of the mechanism above.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import RunnerError
from .cgroups import (
    CGroupFolder,
    cgroup_mounts,
    cgroup_path,
    own_cgroups,
    probe_group,
    remove_stale,
)

__all__ = [
    "MemoryGuard",
    "MemoryPlan",
    "choose_memory_guard",
    "is_memory_failure",
    "open_guard",
]

Mechanism = Literal["cgroup-v2", "cgroup-v1", "watch", "none"]
Requested = Literal["auto", "cgroup", "watch"]

#: Texts that say a process ran out of memory (or of threads, which need memory).
MEMORY_PATTERNS = (
    r"\bMemoryError\b",
    r"failed to map segment",
    r"Cannot allocate memory",
    r"can't allocate memory",
    r"\bENOMEM\b",
    r"std::bad_alloc",
    r"CUDA out of memory",
    r"\bout of memory\b",
    r"Thread creation failed",
    r"can't start new thread",
    r"pthread_create[^\n]*(EAGAIN|Resource temporarily unavailable|error code 11\b)",
    r"unable to create (new )?native thread",
)
_MEMORY_TEXT = re.compile("|".join(MEMORY_PATTERNS), re.IGNORECASE)

_CGROUP_ROOT = "/sys/fs/cgroup"
_WATCH_MIN_INTERVAL_S = 0.02
_WATCH_MAX_INTERVAL_S = 0.2


def is_memory_failure(text: str) -> bool:
    """Whether an error message or stderr says the process ran out of memory or threads.

    Examples
    --------
    >>> is_memory_failure("ImportError: libtorch_cpu.so: failed to map segment from "
    ...                   "shared object")
    True
    >>> is_memory_failure("RuntimeError: can't start new thread")
    True
    >>> is_memory_failure("ValueError: cannot read case c1")
    False
    """
    return bool(_MEMORY_TEXT.search(text))


@dataclass(frozen=True)
class MemoryPlan:
    """How a run holds its memory limit; plain data, so it travels to a Dask worker.

    Attributes
    ----------
    mechanism : {"cgroup-v2", "cgroup-v1", "watch", "none"}
    limit_bytes : int or None
        The limit on the worker tree's memory; None with mechanism ``"none"``.
    parent : str or None
        The cgroup directory below which each worker's cgroup is made (cgroups only).
    """

    mechanism: Mechanism
    limit_bytes: int | None
    parent: str | None = None

    def record(self) -> dict[str, object]:
        """What the run log and the summary say about it."""
        counts = {
            "cgroup-v2": "resident memory, page cache and tmpfs pages of the worker's "
                         "process tree (kernel cgroup v2, no swap)",
            "cgroup-v1": "resident memory, page cache and tmpfs pages of the worker's "
                         "process tree (kernel cgroup v1 memory controller, no swap)",
            "watch": "anonymous and shared resident memory of the worker's process tree "
                     "plus its in-memory file systems, sampled by the runner",
            "none": "nothing: no memory limit",
        }[self.mechanism]
        limit_mb = None if self.limit_bytes is None else self.limit_bytes >> 20
        return {"mechanism": self.mechanism, "limit_mb": limit_mb, "counts": counts}


# -- finding a cgroup this process may make children in -------------------------------
def _v2_parent(own: Path, mount: Path) -> Path | None:
    """The nearest cgroup, from ``own`` up to ``mount``, whose children get the memory
    controller (v2 lets a cgroup with processes in it, as the runner's own usually is,
    enable no controller for its children: an ancestor such as systemd's user slice does).
    """
    folder = own
    while True:
        try:
            if "memory" in (folder / "cgroup.subtree_control").read_text().split():
                return folder
        except OSError:
            pass
        if folder == mount or mount not in folder.parents:
            return None
        folder = folder.parent


def cgroup_candidates(mounts: list[tuple[str, str, str, set[str]]] | None = None,
                      own: dict[str, str] | None = None) -> list[tuple[Mechanism, Path]]:
    """The cgroup directories (v2 first) in which medeval could make worker cgroups.

    ``mounts`` and ``own`` (from ``/proc/self/mountinfo`` and ``/proc/self/cgroup`` by
    default) are for tests.
    """
    own = own_cgroups() if own is None else own
    found: list[tuple[Mechanism, Path]] = []
    for root, mount, fstype, options in cgroup_mounts() if mounts is None else mounts:
        if fstype == "cgroup2" and "" in own:
            parent = _v2_parent(cgroup_path(root, mount, own[""]), Path(mount))
            if parent is not None:
                found.insert(0, ("cgroup-v2", parent))
        elif fstype == "cgroup" and "memory" in options and "memory" in own:
            found.append(("cgroup-v1", cgroup_path(root, mount, own["memory"])))
    return found


def _probe_cgroup(mechanism: Mechanism, parent: Path, limit: int) -> str | None:
    """Make a worker cgroup, move a process into it, remove it; why not, or None."""
    return probe_group(lambda: _CGroup(mechanism, parent, limit, "probe"), parent)


def choose_memory_guard(memory_mb: int | None, requested: Requested = "auto") -> MemoryPlan:
    """The mechanism that will hold ``memory_mb`` for every worker of a run.

    ``"auto"``: a cgroup (v2, else v1) where this process can make one and move a process
    into it, else the watch. ``"cgroup"``: a cgroup or an error. ``"watch"``: the watch.

    Raises
    ------
    RunnerError
        ``requested="cgroup"`` where no cgroup can be made (the message says why), or an
        unknown ``requested``.
    """
    if requested not in ("auto", "cgroup", "watch"):
        raise RunnerError(f"memory_guard must be 'auto', 'cgroup' or 'watch', got "
                          f"{requested!r}")
    if memory_mb is None:
        return MemoryPlan("none", None)
    limit = memory_mb << 20
    problems = []
    if requested != "watch":
        for mechanism, parent in cgroup_candidates():
            remove_stale(parent)
            problem = _probe_cgroup(mechanism, parent, limit)
            if problem is None:
                return MemoryPlan(mechanism, limit, str(parent))
            problems.append(f"{mechanism}: {problem}")
        if requested == "cgroup":
            why = "; ".join(problems) or "no cgroup memory controller is mounted"
            raise RunnerError(f"memory_guard='cgroup', but medeval cannot make a memory "
                              f"cgroup here ({why}); run as root or in a delegated cgroup, "
                              "or use memory_guard='watch'")
    return MemoryPlan("watch", limit)


# -- one worker's guard ---------------------------------------------------------------
class MemoryGuard:
    """A worker's side of the memory limit; this base holds none (``memory_mb=None``)."""

    mechanism: Mechanism = "none"

    def wrap(self, argv: list[str]) -> list[str]:
        """The command line that starts ``argv`` under the guard."""
        return argv

    def started(self, process: subprocess.Popen[bytes]) -> None:
        """The worker process has started."""

    def case_ends(self) -> str | None:
        """After a case that succeeded: why the memory limit fails it, or None."""
        return None

    def verdict(self) -> str | None:
        """After a failed case: why the memory limit ended it, or None if it did not."""
        return None

    def stopped(self) -> None:
        """The worker's process group was killed: end whatever of its tree is left."""

    def close(self) -> None:
        """The worker is done for good."""


def open_guard(plan: MemoryPlan | None, name: str) -> MemoryGuard:
    """The guard of one worker, following ``plan`` (None: no guard)."""
    if plan is None or plan.limit_bytes is None or plan.mechanism == "none":
        return MemoryGuard()
    if plan.mechanism in ("cgroup-v1", "cgroup-v2") and plan.parent is not None:
        try:
            return _CGroup(plan.mechanism, Path(plan.parent), plan.limit_bytes, name)
        except OSError as exc:
            raise RunnerError(f"the memory cgroup of worker {name} cannot be made in "
                              f"{plan.parent}: {exc}") from None
    return _Watch(plan.limit_bytes)


def _mb(size: int) -> str:
    return f"{size / (1 << 20):.0f}"


class _CGroup(CGroupFolder, MemoryGuard):
    """A memory cgroup of one worker (v1 or v2)."""

    def __init__(self, mechanism: Mechanism, parent: Path, limit: int, name: str) -> None:
        self.mechanism = mechanism
        self.limit = limit
        self._make(parent, name)
        self._v2 = mechanism == "cgroup-v2"
        try:
            if self._v2:
                self._write("memory.max", str(limit))
                for item, value in (("memory.swap.max", "0"), ("memory.oom.group", "1")):
                    with contextlib.suppress(OSError):
                        self._write(item, value)
            else:
                self._write("memory.limit_in_bytes", str(limit))
                for item, value in (("memory.memsw.limit_in_bytes", str(limit)),
                                    ("memory.swappiness", "0")):
                    with contextlib.suppress(OSError):
                        self._write(item, value)
        except OSError:
            self.close()
            raise
        self._kills = self._oom_kills()

    def _oom_kills(self) -> int:
        return self._count("memory.events" if self._v2 else "memory.oom_control", "oom_kill")

    def _peak(self) -> int | None:
        for item in (("memory.peak",) if self._v2 else ("memory.max_usage_in_bytes",)):
            with contextlib.suppress(OSError, ValueError):
                return int(self._read(item).split()[0])
        return None

    def wrap(self, argv: list[str]) -> list[str]:
        # The shell moves itself into the cgroup, then becomes the worker: everything
        # the worker starts is born inside (no race with a child started before the move).
        return ["/bin/sh", "-c", 'echo 0 > "$0" && exec "$@"',
                str(self.path / "cgroup.procs"), *argv]

    def started(self, process: subprocess.Popen[bytes]) -> None:
        self._kills = self._oom_kills()

    def case_ends(self) -> str | None:
        # A process of the tree the kernel ended during a case that still succeeded (a
        # subprocess the algorithm could do without) fails no case; one ended between
        # two cases fails the next.
        self._kills = self._oom_kills()
        return None

    def verdict(self) -> str | None:
        kills = self._oom_kills()
        if kills <= self._kills:
            return None
        many, self._kills = kills - self._kills > 1, kills
        peak = self._peak()
        if not self._v2:  # the peak restarts with the next case
            with contextlib.suppress(OSError):
                self._write("memory.max_usage_in_bytes", "0")
        shown = f"peak {_mb(peak)} MB, " if peak is not None else ""
        return (f"the worker's processes reached the memory limit of {_mb(self.limit)} MB "
                f"({shown}{self.mechanism}); the kernel ended "
                f"{'processes' if many else 'a process'} of the tree")

    def stopped(self) -> None:
        killed = False
        if self._v2:
            with contextlib.suppress(OSError):
                self._write("cgroup.kill", "1")
                killed = True
        if not killed:
            for pid in self._pids():
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
        self._kills = self._oom_kills()

    def close(self) -> None:
        self._remove()


class _Watch(MemoryGuard):
    """Samples the worker tree's memory in a thread; kills the group past the limit."""

    mechanism: Mechanism = "watch"

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.peak = 0
        self._tripped: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._tree: _Tree | None = None
        #: Seconds spent sampling and samples taken (the benchmark reports them).
        self.cost_s = 0.0
        self.samples = 0

    def started(self, process: subprocess.Popen[bytes]) -> None:
        self._stop_thread()
        # A trip belongs to the process it was watching: the watch's thread can still
        # trip after the end of a case has taken the verdict (both sample the ended
        # case's leftovers), and the next worker's case must not inherit it.
        self._tripped = None
        self._stop = threading.Event()
        self._tree = _Tree(process.pid)
        self._thread = threading.Thread(target=self._run, args=(process, self._tree,
                                                                self._stop),
                                        daemon=True, name=f"medeval-watch-{process.pid}")
        self._thread.start()

    def _run(self, process: subprocess.Popen[bytes], tree: _Tree,
             stop: threading.Event) -> None:
        recent = 0.0  # the recent cost of a sample (a moving average)
        while not stop.is_set() and process.poll() is None:
            clock = time.perf_counter()
            used = tree.sample(self.limit)
            spent = time.perf_counter() - clock
            self.cost_s += spent
            self.samples += 1
            if self._over(used, process, "the runner ended them"):
                return
            recent = spent if recent == 0.0 else 0.8 * recent + 0.2 * spent
            stop.wait(min(_WATCH_MAX_INTERVAL_S, max(_WATCH_MIN_INTERVAL_S, 100 * recent)))

    def _over(self, used: int, process: subprocess.Popen[bytes] | None, how: str) -> bool:
        self.peak = max(self.peak, used)
        if used <= self.limit:
            return False
        self._tripped = (f"the worker's processes reached the memory limit of "
                         f"{_mb(self.limit)} MB (peak {_mb(used)} MB, watch); {how}")
        if process is not None:
            with contextlib.suppress(OSError):
                os.killpg(process.pid, signal.SIGKILL)
        return True

    def case_ends(self) -> str | None:
        """After a case that succeeded: what it left in ``/tmp`` and ``/dev/shm`` counts
        now (cheap: one sample of the processes plus the file systems' size)."""
        tree = self._tree
        if tree is None or self._tripped is not None:
            return self.verdict()
        # the worker has answered, so its sandbox is set up: its file systems are found
        # now if the samples during the case came too early to see them
        tree.find_folders()
        used = tree.sample(self.limit)
        if self._over(used, None, "what the case left in the in-memory "
                      "file systems is counted when it ends"):
            return self.verdict()
        return None

    def verdict(self) -> str | None:
        tripped, self._tripped = self._tripped, None
        return tripped

    def _stop_thread(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)

    def stopped(self) -> None:
        self._stop_thread()
        self._tree = None

    def close(self) -> None:
        self.stopped()


# -- reading a process tree's memory ----------------------------------------------------
def _parent(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except OSError:
        return None
    return int(stat[stat.rfind(b")") + 2:].split()[1])


def _descendants(root: int, parents: dict[int, int] | None = None) -> list[int]:
    """``root`` and every process below it (from each process's parent in /proc).

    ``parents`` (pid -> parent pid) is kept between calls: only new processes are read.
    """
    parents = {} if parents is None else parents
    alive = {int(name) for name in os.listdir("/proc") if name.isdigit()}
    for pid in list(parents):
        if pid not in alive:
            del parents[pid]
    for pid in alive - parents.keys():
        parent = _parent(pid)
        if parent is not None:
            parents[pid] = parent
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _status_kb(pid: int, keys: tuple[bytes, ...], name: str) -> int | None:
    """The sum of the ``keys`` lines of ``/proc/PID/name`` in kB; None: no such process."""
    try:
        with open(f"/proc/{pid}/{name}", "rb") as handle:
            text = handle.read()
    except OSError:
        return None
    total = 0
    for key in keys:
        start = text.find(key)
        if start >= 0:
            total += int(text[start + len(key):text.find(b"kB", start)])
    return total


def _private_tmpfs(pid: int) -> list[str]:
    """``/tmp``, ``/dev/shm``, ``/output`` of ``pid`` that are not the host's own mounts."""
    found = []
    for folder in ("tmp", "dev/shm", "output"):
        path = f"/proc/{pid}/root/{folder}"
        try:
            inside = os.stat(path).st_dev
        except OSError:
            continue
        try:
            if inside == os.stat(f"/{folder}").st_dev:
                continue
        except OSError:
            pass
        found.append(path)
    return found


def _used(path: str) -> int:
    try:
        stat = os.statvfs(path)
    except OSError:
        return 0
    return (stat.f_blocks - stat.f_bfree) * stat.f_frsize


_RSS = (b"RssAnon:", b"RssShmem:")
_PSS = (b"Pss_Anon:", b"Pss_Shmem:")


class _Tree:
    """A worker's process tree, listed anew at each sample.

    Listing reads ``/proc``'s folder names and the parent of each process not seen
    before: about 0.13 ms with 130 processes, three times one sample of the sizes, which
    the watch's interval (100 times a sample's cost) pays for. Listed at each sample, a
    child that touches gigabytes for a second is seen (listed every fifth sample, such a
    child could live and end between two listings on a loaded machine).
    """

    def __init__(self, root: int) -> None:
        self.root = root
        self.pids: list[int] = []
        self.folders: list[str] = []
        self.rss = 0
        self._settled = False
        self._parents: dict[int, int] = {}
        self._lock = threading.Lock()

    def tmpfs(self) -> int:
        return sum(_used(path) for path in self.folders)

    def find_folders(self) -> None:
        """Look for the sandbox's private file systems now, with the tree listed anew.

        Called once the worker has answered, when its sandbox is surely set up: what is
        not found then does not exist (a worker without a sandbox), and is not looked
        for again.
        """
        with self._lock:
            if not self.folders and not self._settled:
                self._list()
                self._settled = True

    def _list(self) -> None:
        self.pids = _descendants(self.root, self._parents)
        if len(self.pids) > 1 and not self.folders:
            # the root's child: the sandbox's first process, alive as long as it is
            self.folders = _private_tmpfs(self.pids[1])

    def sample(self, limit: int | None) -> int:
        with self._lock:  # the watch's thread and the end of a case
            return self._sample(limit)

    def _sample(self, limit: int | None) -> int:
        self._list()
        sizes = [_status_kb(pid, _RSS, "status") for pid in self.pids]
        kb = [size or 0 for size in sizes]
        self.rss = sum(kb) << 10
        used = self.rss + self.tmpfs()
        if limit is not None and used > limit * 0.9 and sum(k > 16 << 10 for k in kb) > 1:
            # several processes hold memory (a fork shares pages): count shared pages once
            pss = sum(_status_kb(pid, _PSS, "smaps_rollup") or 0 for pid in self.pids) << 10
            used = pss + used - self.rss
        return used


def tree_memory(root: int, limit: int | None = None) -> int:
    """Bytes of memory the process tree under ``root`` uses (see the module's docstring).

    The resident anonymous and shared pages of each process, plus the used size of the
    private in-memory file systems of its sandbox; where that comes within 10 % of
    ``limit`` and several processes hold memory, their proportional set size instead, so
    pages shared between processes count once.
    """
    return _Tree(root).sample(limit)
