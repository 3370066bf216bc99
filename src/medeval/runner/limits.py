"""Per-case limits on the algorithm: time, memory, output size; killing a process group.

The time limit is kept by the runner, which kills the worker's whole process group (and
with it the sandbox's PID namespace) when a case overruns. The memory limit holds the
memory the worker's whole process tree really uses (a cgroup per worker, or the runner's
watch: :mod:`medeval.runner.memory`), and so does the number of its processes and threads
(a ``pids`` cgroup per worker: :mod:`medeval.runner.pids`). File size is a kernel resource limit
(``RLIMIT_FSIZE``) set in the worker before the algorithm is imported, so it holds for the
algorithm and every process it starts; so is an address-space limit (``RLIMIT_AS``), but
only when one is asked for (``address_space_mb``).
"""

from __future__ import annotations

import errno
import os
import re
import signal
import subprocess
from dataclasses import dataclass

from ..errors import InvalidInputError, RunnerError

__all__ = ["Limits", "apply_rlimits", "check_hard_limits", "kill_process_group"]

#: The longest time limit: 30 days. Longer ones (or inf) overflow the clock's arithmetic.
MAX_TIMEOUT_S = 30 * 86400.0
#: The largest output limit, 1 TiB (inf is no number of bytes).
MAX_OUTPUT_LIMIT_MB = float(1 << 20)
#: What says that a write passed the file-size limit (``RLIMIT_FSIZE``, the output
#: limit): a program killed by SIGXFSZ (gcc's and the shells' words are strsignal's, "File
#: size limit exceeded"; subprocess's CalledProcessError says "died with <Signals.SIGXFSZ:
#: 25>"), or Python's OSError EFBIG ("[Errno 27] File too large"). The bare words "File
#: too large" are not enough: an algorithm's own message ("File too large: the input
#: exceeds 512 MB") is no write past the limit.
FILE_SIZE_WORDS = re.compile("|".join(re.escape(words) for words in (
    signal.strsignal(signal.SIGXFSZ) or "File size limit exceeded", "SIGXFSZ",
    f"[Errno {errno.EFBIG}] {os.strerror(errno.EFBIG)}")))
#: The fewest tasks a worker can start with under a process limit: bubblewrap (two
#: processes), the worker's Python and its threads, a command's shell.
MIN_MAX_PROCESSES = 16


@dataclass(frozen=True)
class Limits:
    """The limits every case runs under.

    Attributes
    ----------
    timeout_s : float
        Wall-clock seconds for one case (``predict`` or one run of the command).
    memory_mb : int or None
        Memory the worker's whole process tree uses, in MiB: resident memory plus what it
        writes to the sandbox's in-memory ``/tmp``, ``/dev/shm`` and ``/output``, not
        address space (see :mod:`medeval.runner.memory`). None: no memory limit.
    output_limit_mb : float
        Largest prediction (message or files) of one case, and largest file the
        algorithm may write, in MiB (``RLIMIT_FSIZE``).
    setup_timeout_s : float
        Seconds for a worker to import the algorithm and run its ``setup()``.
    address_space_mb : int or None
        An address-space limit (``RLIMIT_AS``) of each process of the worker, in MiB;
        None (the default) sets none. Virtual memory: torch maps about 1 GB of libraries,
        CUDA reserves tens of GB, each thread reserves its stack, so this fails models
        that use little memory; it is there for a laboratory that asks for it.
    max_processes : int or None
        Tasks (processes and threads) the worker's whole tree may hold at once, held by
        the kernel's ``pids`` controller (:mod:`medeval.runner.pids`); None: no limit.

    Examples
    --------
    >>> Limits(timeout_s=5, memory_mb=512).output_limit_bytes
    67108864
    """

    timeout_s: float = 60.0
    memory_mb: int | None = 4096
    output_limit_mb: float = 64.0
    setup_timeout_s: float = 120.0
    address_space_mb: int | None = None
    max_processes: int | None = 1024

    def __post_init__(self) -> None:
        if not self.timeout_s > 0 or not self.setup_timeout_s > 0:
            raise InvalidInputError(f"Limits: timeout_s and setup_timeout_s must be > 0, "
                                    f"got {self.timeout_s} and {self.setup_timeout_s}")
        if not (self.timeout_s <= MAX_TIMEOUT_S and self.setup_timeout_s <= MAX_TIMEOUT_S):
            # inf or 1e12 s overflowed the clock's arithmetic at the first case, after
            # the run had started and recorded these limits
            raise InvalidInputError(f"Limits: timeout_s and setup_timeout_s must be at most "
                                    f"{MAX_TIMEOUT_S:g} s (30 days), got {self.timeout_s} "
                                    f"and {self.setup_timeout_s}")
        if self.memory_mb is not None and self.memory_mb < 32:
            raise InvalidInputError(f"Limits: memory_mb must be at least 32 (the "
                                    f"interpreter alone needs that), got {self.memory_mb}")
        if self.address_space_mb is not None and self.address_space_mb < 32:
            raise InvalidInputError(f"Limits: address_space_mb must be at least 32, got "
                                    f"{self.address_space_mb}")
        if self.max_processes is not None and (isinstance(self.max_processes, bool) or
                                               not isinstance(self.max_processes, int) or
                                               self.max_processes < MIN_MAX_PROCESSES):
            raise InvalidInputError(f"Limits: max_processes must be a whole number of at "
                                    f"least {MIN_MAX_PROCESSES} (the sandbox and the worker need "
                                    f"that many), or None, got {self.max_processes!r}")
        if not 0 < self.output_limit_mb <= MAX_OUTPUT_LIMIT_MB:
            raise InvalidInputError(f"Limits: output_limit_mb must be > 0 and at most "
                                    f"{MAX_OUTPUT_LIMIT_MB:g}, got {self.output_limit_mb}")

    @property
    def output_limit_bytes(self) -> int:
        """The output limit in bytes."""
        return int(self.output_limit_mb * (1 << 20))


def check_hard_limits(limits: Limits) -> None:
    """Refuse, before a run, limits this process cannot give its workers: below a hard
    limit of its own (a shell's ``ulimit -f`` or ``ulimit -v``), which no process can
    raise, every worker would fail to start, each case reported as the algorithm not
    loading, with a traceback of :func:`apply_rlimits`."""
    import resource

    wanted = [("output_limit_mb", "-f", resource.RLIMIT_FSIZE, limits.output_limit_bytes)]
    if limits.address_space_mb is not None:
        wanted.append(("address_space_mb", "-v", resource.RLIMIT_AS,
                       limits.address_space_mb << 20))
    for name, flag, which, size in wanted:
        hard = resource.getrlimit(which)[1]
        if hard != resource.RLIM_INFINITY and hard < size:
            raise RunnerError(
                f"the run's {name} ({size} bytes) is above this process's hard limit "
                f"of {hard} bytes (bash's ulimit -H {flag} shows {hard // 1024}, in KiB), which "
                f"its workers cannot raise: start "
                f"medeval where that limit is higher (ulimit {flag} unlimited in a new "
                f"shell), or lower {name} (the protocol's [runner], or --"
                f"{name.replace('_', '-')} of medeval predict)")


def apply_rlimits(address_space_mb: int | None, output_limit_bytes: int) -> None:
    """Set this process's resource limits (inherited by its children); no core dumps."""
    import resource

    if address_space_mb is not None:
        size = address_space_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
    resource.setrlimit(resource.RLIMIT_FSIZE, (output_limit_bytes, output_limit_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def kill_process_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process group led by ``process`` (started in a new session), then reap."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.kill()
    except ProcessLookupError:  # pragma: no cover
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover - uninterruptible sleep
        pass
