"""One run at a time in a run directory.

A second ``medeval predict`` into a run directory that a run is using would remove that
run's scratch folder (its cases' inputs) under its feet, so that its remaining cases fail
as the algorithm's exceptions, write its records into the same ``run.jsonl``, and with
``--fresh`` remove its predictions. :func:`run_dir_lock` holds an exclusive ``flock`` on
``RUN_DIR/.lock`` for the whole run; the kernel releases it when the process ends, however
it ends (``SIGKILL`` included), and a child it forks (the scoring's worker processes)
does not keep it, so a lock is never left behind stale.
"""

from __future__ import annotations

import fcntl
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import RunnerError

__all__ = ["LOCK_NAME", "run_dir_holder", "run_dir_lock"]

#: The lock file's name in the run directory (it holds the running process's id).
LOCK_NAME = ".lock"
#: The lock files this process holds open (their descriptors).
_HELD: set[int] = set()


def _let_go_in_child() -> None:
    """In a child forked while a lock is held (the scoring's worker processes under
    ``medeval run``), close the lock's descriptor: ``flock`` belongs to the open file,
    which the child shares, so the child would hold the folder after this process ended
    (SIGKILL, the OOM killer), and the next run be refused in the dead process's name for
    as long as the orphaned child lives. Closed here, the lock stays this process's."""
    for fd in _HELD:
        try:
            os.close(fd)
        except OSError:  # pragma: no cover - closed already
            pass
    _HELD.clear()


os.register_at_fork(after_in_child=_let_go_in_child)


@contextmanager
def run_dir_lock(run_dir: Path) -> Iterator[None]:
    """Hold ``run_dir`` for this process; refuse if another process holds it.

    Raises
    ------
    RunnerError
        Another process is running in ``run_dir`` (its process id is named), or
        ``run_dir`` is a file or lies below one.

    Warns
    -----
    UserWarning
        The file system cannot lock (the run goes on, unprotected).
    """
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise RunnerError(f"run directory {run_dir}: it, or a folder above it, is a file; "
                          "give the path of a folder (it is made if missing)") from None
    fd = os.open(run_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    _HELD.add(fd)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
            raise RunnerError(
                f"{run_dir} is in use by another run (process {holder}), which this one "
                "would disturb; wait until it ends (then the same command resumes it), or "
                "give another run directory") from None
        except OSError as exc:  # a file system without locks (some NFS or FUSE mounts)
            warnings.warn(f"{run_dir} cannot be locked ({exc.strerror}): make sure no other "
                          "run uses this run directory while this one runs", stacklevel=3)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        _HELD.discard(fd)
        os.close(fd)  # releases the lock


def run_dir_holder(run_dir: Path) -> str | None:
    """The process id of the run holding ``run_dir`` now (as it wrote it; "unknown" if
    it had not yet), or None if no process holds it or the file system cannot tell.

    The lock is tried shared and let go at once: a run starting in that instant is
    refused as if this process ran there, so call it only where the folder is refused
    anyway.
    """
    try:
        fd = os.open(run_dir / LOCK_NAME, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
    except OSError:  # a file system without locks
        return None
    finally:
        os.close(fd)  # lets go of the shared lock, if taken
    return None
