"""Ask the kernel to read files before they are needed (private).

A held-out set larger than the page cache (or a machine that pages out what was not read
for a minute) makes every file of an evaluation a wait for the disk. The kernel reads a
file in the background once told it will be needed (``posix_fadvise(WILLNEED)``), so the
evaluation names the files a few cases ahead of the one it checks or scores: the wait
overlaps the work instead of adding to it. Only a hint: nothing is read into Python,
nothing is checked here, and where the call does not exist (not POSIX) or fails, nothing
happens.

A set already in the page cache (read once already: evaluated again, or checked before)
gains nothing from the hint, and each hint costs four system calls: 28 us a record of an
ECG evaluation (3 % of its time, 6 % of what it spends above reading). So a caller asks
first whether the files of the last case it would name are in the cache (:func:`in_cache`: a
read that may not wait, ``preadv`` with ``RWF_NOWAIT``), and names none where they are: a
set's files are read in the same order each time, and those before were then read too.
The answer is the kernel's: a disk fast enough to read the page while it is asked (a
virtual disk in the host's cache) may answer yes for a file that was not in the cache, and
the next cases are then not named; on such a disk the hints would gain nothing either.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable

__all__ = ["in_cache", "read_ahead"]

_ADVISE = getattr(os, "posix_fadvise", None)
_WILLNEED = getattr(os, "POSIX_FADV_WILLNEED", 0)
_NOWAIT = getattr(os, "RWF_NOWAIT", None) if hasattr(os, "preadv") else None
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def read_ahead(files: Iterable[tuple[str, int]]) -> None:
    """Start reading each ``(path, n_bytes)``'s first ``n_bytes`` (0: the whole file) in
    the background, without waiting. Regular files only: anything else (a FIFO, a
    device, a missing path) is left alone, opened by nobody."""
    if _ADVISE is None:
        return
    for path, size in files:
        handle = _opened(path)
        if handle is None:
            continue
        try:
            _ADVISE(handle, 0, size, _WILLNEED)
        except OSError:
            pass
        finally:
            os.close(handle)


def in_cache(files: Iterable[tuple[str, int]]) -> bool:
    """Whether every file named (``(path, n_bytes)``, as :func:`read_ahead` takes them)
    has its first byte in the page cache already; False where that cannot be told for
    one of them (see :func:`_cached`), and where none is named (nothing was asked)."""
    paths = [path for path, _ in files]
    return bool(paths) and all(_cached(path) for path in paths)


def _opened(path: str) -> int | None:
    """A handle on the regular file ``path`` (opened without blocking), else None."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        return os.open(path, _FLAGS)
    except (OSError, ValueError):
        return None


def _cached(path: str) -> bool:
    """Whether the first byte of the regular file ``path`` is in the page cache: a read
    of it that may not wait for the disk succeeds. False where that cannot be told (no
    ``RWF_NOWAIT``: not Linux, or a file system without it; not a regular file; empty).
    Only the first byte is asked about (a large file may be in the cache in part); where
    it is not there, Linux starts reading the file's first pages in the background."""
    if _NOWAIT is None:
        return False
    handle = _opened(path)
    if handle is None:
        return False
    try:
        return os.preadv(handle, [bytearray(1)], 0, _NOWAIT) == 1
    except OSError:  # EAGAIN: it would wait; EOPNOTSUPP: it cannot be told
        return False
    finally:
        os.close(handle)
