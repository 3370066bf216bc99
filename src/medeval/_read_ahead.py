"""Ask the kernel to read files before they are needed (private).

A held-out set larger than the page cache (or a machine that pages out what was not read
for a minute) makes every file of an evaluation a wait for the disk. The kernel reads a
file in the background once told it will be needed (``posix_fadvise(WILLNEED)``), so the
evaluation names the files a few cases ahead of the one it checks or scores: the wait
overlaps the work instead of adding to it. Only a hint: nothing is read into Python,
nothing is checked here, and where the call does not exist (not POSIX) or fails, nothing
happens.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable

__all__ = ["read_ahead"]

_ADVISE = getattr(os, "posix_fadvise", None)
_WILLNEED = getattr(os, "POSIX_FADV_WILLNEED", 0)
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def read_ahead(files: Iterable[tuple[str, int]]) -> None:
    """Start reading each ``(path, n_bytes)``'s first ``n_bytes`` (0: the whole file) in
    the background, without waiting. Regular files only: anything else (a FIFO, a
    device, a missing path) is left alone, opened by nobody."""
    if _ADVISE is None:
        return
    for path, size in files:
        try:
            if not stat.S_ISREG(os.stat(path).st_mode):
                continue
            handle = os.open(path, _FLAGS)
        except (OSError, ValueError):
            continue
        try:
            _ADVISE(handle, 0, size, _WILLNEED)
        except OSError:
            pass
        finally:
            os.close(handle)
